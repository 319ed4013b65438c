// SPDX-License-Identifier: GPL-3.0-or-later
// Last-token (EOS) embedder over the decoder.
#include "models/embedder.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "models/decoder.h"
#include "models/loadedmodel.h"
#include "models/lora.h"
#include "models/tokenizer.h"

namespace ef::models {

namespace {

namespace fs = std::filesystem;

Matrix toMatrix(const torch::Tensor &t)
{
    const torch::Tensor c = t.to(torch::kCPU, torch::kFloat32).contiguous();
    Matrix m;
    m.rows = c.size(0);
    m.cols = c.size(1);
    m.data.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    return m;
}

torch::Device resolveDeviceImpl(const std::string &name)
{
    if (name.empty() || name == "cpu")
        return torch::Device(torch::kCPU);
    if (name == "auto")
        return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (name.rfind("cuda", 0) == 0) {
        if (!torch::cuda::is_available())
            throw std::runtime_error("device '" + name +
                                     "': this LibTorch has no CUDA support or sees no GPU (LibTorch " +
                                     std::string(TORCH_VERSION) + "); use --device cpu");
        torch::Device d(name);
        if (d.has_index() && d.index() >= static_cast<int>(torch::cuda::device_count()))
            throw std::runtime_error("device '" + name + "': only " + std::to_string(torch::cuda::device_count()) +
                                     " CUDA device(s) visible");
        return d.has_index() ? d : torch::Device(torch::kCUDA, 0);
    }
    throw std::runtime_error("unknown device '" + name + "' (expected cpu, cuda, cuda:N or auto)");
}

// Some LibTorch builds lack half-precision matrix products on the CPU; find out before loading.
void checkDtypeRuns(torch::Device device, torch::ScalarType dtype)
{
    try {
        const auto opts = torch::TensorOptions().device(device).dtype(dtype);
        (void)torch::linear(torch::ones({2, 4}, opts), torch::ones({3, 4}, opts)).sum().item<float>();
    } catch (const c10::Error &) {
        throw std::runtime_error(std::string("dtype ") + computeDtypeName(dtype) + " is not supported on " +
                                 device.str() + " by this LibTorch (" + TORCH_VERSION +
                                 "); use f32 or bf16 on the CPU, f16 on CUDA");
    }
}

} // namespace

torch::Device resolveDevice(const std::string &name)
{
    return resolveDeviceImpl(name);
}

std::vector<int64_t> LoadedModel::encode(const std::string &text, const std::string &instruction, int maxLength) const
{
    if (!tokenizer)
        throw std::runtime_error(dir + ": no tokenizer.json or tokenizer.model (needed to embed text)");
    if (eos < 0)
        throw std::runtime_error(dir + ": config.json has no eos_token_id and the tokenizer has no EOS token");
    if (maxLength < 2)
        throw std::invalid_argument("max length must be at least 2 (one token and the EOS), not " +
                                    std::to_string(maxLength));
    const std::string input = Embedder::formatQuery(instruction, text);
    const std::vector<int64_t> bare = tokenizer->encode(input, false);
    const std::vector<int64_t> full = tokenizer->encode(input, true);
    // Split what the post-processor added into a prefix (e.g. <s>) and a suffix, so truncation
    // cuts the text and never the special tokens, as Hugging Face's truncation does.
    size_t prefix = 0, suffix = 0;
    if (full.size() >= bare.size()) {
        const size_t extra = full.size() - bare.size();
        for (size_t p = 0; p <= extra; ++p)
            if (std::equal(bare.begin(), bare.end(), full.begin() + static_cast<std::ptrdiff_t>(p))) {
                prefix = p;
                suffix = extra - p;
                break;
            }
    }
    // The EOS takes one position whether the tokenizer appends it (as its last special token) or we
    // do, so both kinds of tokenizer keep the same number of text tokens.
    const bool tokenizerAppendsEos = suffix > 0 && full.back() == eos;
    const size_t otherSuffix = tokenizerAppendsEos ? suffix - 1 : suffix;
    const size_t budget = static_cast<size_t>(maxLength - 1); // everything but the EOS
    const size_t specials = prefix + otherSuffix;
    std::vector<int64_t> out(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(prefix));
    const size_t keep = budget > specials ? std::min(bare.size(), budget - specials) : 0;
    out.insert(out.end(), bare.begin(), bare.begin() + static_cast<std::ptrdiff_t>(keep));
    out.insert(out.end(), full.end() - static_cast<std::ptrdiff_t>(suffix), full.end() - (tokenizerAppendsEos ? 1 : 0));
    if (out.size() > budget)
        out.resize(budget);
    out.push_back(eos);
    return out;
}

std::unique_ptr<LoadedModel> loadModel(const std::string &modelDir, const std::string &deviceName,
                                       const std::string &dtypeName, bool requireTokenizer, bool inferenceTensors)
{
    auto m = std::make_unique<LoadedModel>();
    m->dir = modelDir;
    const fs::path dir(modelDir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw std::runtime_error(modelDir + ": not a model folder (expected config.json and *.safetensors)");
    m->config = ModelConfig::fromFile((dir / "config.json").string());

    if (fs::exists(dir / "tokenizer.json", ec) || fs::exists(dir / "tokenizer.model", ec))
        m->tokenizer = Tokenizer::fromDirectory(modelDir);
    else if (requireTokenizer)
        throw std::runtime_error(modelDir + ": no tokenizer.json or tokenizer.model (needed to embed text)");

    if (!m->config.eosTokenIds.empty())
        m->eos = m->config.eosTokenIds.front();
    else if (m->tokenizer) {
        for (const char *name : {"</s>", "<|endoftext|>", "<|end_of_text|>", "<eos>"})
            if (const auto id = m->tokenizer->tokenToId(name)) {
                m->eos = *id;
                break;
            }
    }

    const torch::Device device = resolveDevice(deviceName);
    const torch::ScalarType dtype = parseComputeDtype(dtypeName);
    checkDtypeRuns(device, dtype);
    auto checkpoint = std::make_shared<const st::Checkpoint>(st::Checkpoint::open(modelDir));
    // Sizes in config.json against the tensors present, before anything is allocated.
    checkAgainstWeights(m->config, *checkpoint, (dir / "config.json").string());
    if (inferenceTensors) {
        c10::InferenceMode guard;
        m->decoder = std::make_unique<Decoder>(m->config, std::move(checkpoint), modelDir, device, dtype);
    } else {
        torch::NoGradGuard noGrad;
        m->decoder = std::make_unique<Decoder>(m->config, std::move(checkpoint), modelDir, device, dtype);
    }
    return m;
}

PaddedBatch padBatch(const std::vector<const std::vector<int64_t> *> &rows, PaddingSide side, int64_t padId)
{
    int64_t longest = 0;
    for (const auto *r : rows)
        longest = std::max<int64_t>(longest, static_cast<int64_t>(r->size()));
    const int64_t b = static_cast<int64_t>(rows.size());
    PaddedBatch out;
    out.ids = torch::full({b, longest}, padId, torch::kInt64);
    out.mask = torch::zeros({b, longest}, torch::kInt64);
    out.last.resize(rows.size());
    auto idsA = out.ids.accessor<int64_t, 2>();
    auto maskA = out.mask.accessor<int64_t, 2>();
    for (int64_t i = 0; i < b; ++i) {
        const auto &r = *rows[static_cast<size_t>(i)];
        const int64_t n = static_cast<int64_t>(r.size());
        const int64_t offset = side == PaddingSide::Left ? longest - n : 0;
        for (int64_t j = 0; j < n; ++j) {
            idsA[i][offset + j] = r[static_cast<size_t>(j)];
            maskA[i][offset + j] = 1;
        }
        out.last[static_cast<size_t>(i)] = offset + n - 1;
    }
    return out;
}

torch::Tensor poolLastToken(const torch::Tensor &hidden, const std::vector<int64_t> &last)
{
    const int64_t b = hidden.size(0);
    const torch::Tensor index = torch::tensor(last, torch::kInt64).to(hidden.device());
    const torch::Tensor lastStates =
        hidden.gather(1, index.view({b, 1, 1}).expand({b, 1, hidden.size(2)})).squeeze(1).to(torch::kFloat32);
    return torch::nn::functional::normalize(lastStates, torch::nn::functional::NormalizeFuncOptions().p(2).dim(-1));
}

std::vector<std::vector<size_t>> planBatches(const std::vector<int64_t> &lengths, int batchSize, int64_t maxBatchTokens)
{
    batchSize = std::max(1, batchSize);
    std::vector<size_t> order(lengths.size());
    std::iota(order.begin(), order.end(), size_t{0});
    // Longest first, so the first batch shows the peak memory straight away; ties by index.
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lengths[a] > lengths[b]; });
    std::vector<std::vector<size_t>> plan;
    std::vector<size_t> current;
    int64_t longest = 0;
    for (size_t idx : order) {
        const int64_t len = std::max<int64_t>(1, lengths[idx]);
        const int64_t newLongest = std::max(longest, len);
        const bool full = static_cast<int>(current.size()) >= batchSize ||
                          (maxBatchTokens > 0 && !current.empty() &&
                           newLongest * static_cast<int64_t>(current.size() + 1) > maxBatchTokens);
        if (full) {
            plan.push_back(std::move(current));
            current.clear();
            longest = 0;
        }
        current.push_back(idx);
        longest = std::max(longest, len);
    }
    if (!current.empty())
        plan.push_back(std::move(current));
    return plan;
}

double paddingWaste(const std::vector<int64_t> &lengths, const std::vector<std::vector<size_t>> &plan)
{
    int64_t padded = 0, real = 0;
    for (const auto &batch : plan) {
        int64_t longest = 0;
        for (size_t i : batch) {
            longest = std::max(longest, lengths[i]);
            real += lengths[i];
        }
        padded += longest * static_cast<int64_t>(batch.size());
    }
    return padded == 0 ? 0.0 : static_cast<double>(padded - real) / static_cast<double>(padded);
}

struct Embedder::Impl
{
    std::unique_ptr<LoadedModel> model;
    std::unique_ptr<LoraAdapter> adapter;

    // Runs one batch; returns pooled [rows, H] (float32, normalised) and, on request, the
    // per-row hidden states of the real tokens.
    void runBatch(const std::vector<const std::vector<int64_t> *> &rows, PaddingSide side, bool wantHidden,
                  torch::Tensor *pooledOut, std::vector<torch::Tensor> *hiddenOut) const
    {
        // Pad ids repeat a real id (the EOS when known) so nothing out of vocabulary is looked up.
        const int64_t eos = model->eos;
        const PaddedBatch batch = padBatch(rows, side, eos >= 0 && eos < model->config.vocabSize ? eos : 0);
        const torch::Tensor hidden = model->decoder->forward(batch.ids, batch.mask); // [B, T, H]
        *pooledOut = poolLastToken(hidden, batch.last).to(torch::kCPU);
        if (wantHidden) {
            for (size_t i = 0; i < rows.size(); ++i) {
                const int64_t n = static_cast<int64_t>(rows[i]->size());
                hiddenOut->push_back(hidden[static_cast<int64_t>(i)]
                                         .narrow(0, batch.last[i] - n + 1, n)
                                         .to(torch::kCPU, torch::kFloat32));
            }
        }
    }
};

Embedder::Embedder() : d(std::make_unique<Impl>())
{}
Embedder::~Embedder() = default;

std::unique_ptr<Embedder> Embedder::load(const std::string &modelDir, const LoadOptions &options)
{
    std::unique_ptr<Embedder> e(new Embedder());
    e->d->model = loadModel(modelDir, options.device, options.dtype, options.requireTokenizer, true);
    if (!options.adapter.empty()) {
        c10::InferenceMode guard;
        e->d->adapter = LoraAdapter::load(options.adapter, e->d->model->config, e->d->model->decoder->device());
        e->d->model->decoder->mergeAdapter(*e->d->adapter);
    }
    return e;
}

const ModelConfig &Embedder::config() const
{
    return d->model->config;
}
const std::string &Embedder::directory() const
{
    return d->model->dir;
}
const Tokenizer *Embedder::tokenizer() const
{
    return d->model->tokenizer.get();
}
int64_t Embedder::dimension() const
{
    return d->model->config.hiddenSize;
}
std::string Embedder::deviceName() const
{
    return d->model->decoder->device().str();
}
std::string Embedder::dtypeName() const
{
    return computeDtypeName(d->model->decoder->dtype());
}
int64_t Embedder::eosTokenId() const
{
    return d->model->eos;
}

std::string Embedder::formatQuery(const std::string &instruction, const std::string &text)
{
    if (instruction.empty())
        return text;
    return "Instruct: " + instruction + "\nQuery: " + text;
}

std::vector<int64_t> Embedder::encode(const std::string &text, const std::string &instruction, int maxLength) const
{
    return d->model->encode(text, instruction, maxLength);
}

namespace {

// A NaN or infinity in an embedding (NaN weights, an overflow in F16) is an error, never an
// output: printed it is invalid JSON, stored it poisons every search and evaluation.
void requireFinite(const Matrix &m, const std::vector<size_t> &inputOfRow, const std::string &modelDir)
{
    for (int64_t r = 0; r < m.rows; ++r) {
        const float *row = m.row(r);
        for (int64_t c = 0; c < m.cols; ++c)
            if (!std::isfinite(row[c]))
                throw std::runtime_error(modelDir +
                                         ": the model gives a non-finite embedding (NaN or infinity) for input " +
                                         std::to_string(inputOfRow[static_cast<size_t>(r)] + 1) +
                                         "; its weights or config.json are broken, and nothing was kept");
    }
}

} // namespace

IdsResult Embedder::forwardIds(const std::vector<std::vector<int64_t>> &sequences, PaddingSide side, int batchSize,
                               bool wantHidden, const EmbedProgress &progress)
{
    c10::InferenceMode guard;
    IdsResult result;
    result.pooled.rows = static_cast<int64_t>(sequences.size());
    result.pooled.cols = d->model->config.hiddenSize;
    result.pooled.data.resize(static_cast<size_t>(result.pooled.rows * result.pooled.cols));
    if (wantHidden)
        result.hidden.resize(sequences.size());
    batchSize = std::max(1, batchSize);
    for (size_t i = 0; i < sequences.size(); ++i)
        if (sequences[i].empty())
            throw std::invalid_argument("sequence " + std::to_string(i + 1) + " is empty");
    for (size_t start = 0; start < sequences.size(); start += static_cast<size_t>(batchSize)) {
        const size_t end = std::min(sequences.size(), start + static_cast<size_t>(batchSize));
        std::vector<const std::vector<int64_t> *> rows;
        for (size_t i = start; i < end; ++i)
            rows.push_back(&sequences[i]);
        torch::Tensor pooled;
        std::vector<torch::Tensor> hidden;
        d->runBatch(rows, side, wantHidden, &pooled, &hidden);
        const Matrix m = toMatrix(pooled);
        std::vector<size_t> inputs(end - start);
        for (size_t i = start; i < end; ++i)
            inputs[i - start] = i;
        requireFinite(m, inputs, d->model->dir);
        std::copy(m.data.begin(), m.data.end(),
                  result.pooled.data.begin() + static_cast<std::ptrdiff_t>(start * static_cast<size_t>(m.cols)));
        for (size_t i = 0; i < hidden.size(); ++i)
            result.hidden[start + i] = toMatrix(hidden[i]);
        if (progress && !progress(end, sequences.size()))
            throw Cancelled();
    }
    return result;
}

Matrix Embedder::embedEncoded(const std::vector<std::vector<int64_t>> &sequences, int batchSize, int64_t maxBatchTokens,
                              const EmbedProgress &progress)
{
    c10::InferenceMode guard;
    std::vector<int64_t> lengths(sequences.size());
    for (size_t i = 0; i < sequences.size(); ++i) {
        if (sequences[i].empty())
            throw std::invalid_argument("sequence " + std::to_string(i + 1) + " is empty");
        lengths[i] = static_cast<int64_t>(sequences[i].size());
    }
    Matrix out;
    out.rows = static_cast<int64_t>(sequences.size());
    out.cols = d->model->config.hiddenSize;
    out.data.resize(static_cast<size_t>(out.rows * out.cols));
    size_t done = 0;
    for (const auto &batch : planBatches(lengths, batchSize, maxBatchTokens)) {
        std::vector<const std::vector<int64_t> *> rows;
        for (size_t i : batch)
            rows.push_back(&sequences[i]);
        torch::Tensor pooled;
        d->runBatch(rows, PaddingSide::Right, false, &pooled, nullptr);
        const Matrix m = toMatrix(pooled);
        requireFinite(m, batch, d->model->dir);
        for (size_t r = 0; r < batch.size(); ++r)
            std::copy(m.row(static_cast<int64_t>(r)), m.row(static_cast<int64_t>(r)) + m.cols,
                      out.data.begin() + static_cast<std::ptrdiff_t>(batch[r] * static_cast<size_t>(out.cols)));
        done += batch.size();
        if (progress && !progress(done, sequences.size()))
            throw Cancelled();
    }
    return out;
}

Matrix Embedder::embed(const std::vector<std::string> &texts, const EmbedOptions &options,
                       const EmbedProgress &progress)
{
    std::vector<std::vector<int64_t>> sequences;
    sequences.reserve(texts.size());
    for (const std::string &t : texts)
        sequences.push_back(encode(t, options.instruction, options.maxLength));
    return embedEncoded(sequences, options.batchSize, options.maxBatchTokens, progress);
}

} // namespace ef::models
