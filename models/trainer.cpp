// SPDX-License-Identifier: GPL-3.0-or-later
// The contrastive training engine (see training.h).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <unordered_set>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <ATen/autocast_mode.h>
#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/autograd.h>

#include "models/compute.h"
#include "models/loadedmodel.h"
#include "models/lora.h"
#include "models/loss.h"
#include "models/safetensors.h"
#include "models/sha256.h"
#include "models/training.h"
#include "models/trainingimpl.h"
#include "models/vectorsearch.h"

namespace ef::train {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

namespace {

uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return h * 0xBF58476D1CE4E5B9ULL;
}

uint64_t hashIds(const std::vector<int64_t> &ids)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int64_t id : ids) {
        h ^= static_cast<uint64_t>(id);
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t hashText(const std::string &s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::string nowIso()
{
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

std::string readText(const fs::path &p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in)
        throw std::runtime_error(p.string() + ": cannot be read (" + std::strerror(errno) + ")");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeTextAtomic(const fs::path &p, const std::string &text)
{
    const fs::path tmp = p.string() + ".partial";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out)
            throw std::runtime_error(p.string() + ": cannot write (" + std::strerror(errno) + ")");
    }
    std::error_code ec;
    fs::rename(tmp, p, ec);
    if (ec)
        throw std::runtime_error(p.string() + ": cannot move into place (" + ec.message() + ")");
}

void fsyncDir(const fs::path &dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)::fsync(fd);
        ::close(fd);
    }
}

std::string checkpointName(int64_t step)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "step-%08lld", static_cast<long long>(step));
    return buf;
}

// The learning rate of update k (0-based) of n: linear warmup over w updates to `base`, then
// linear decay towards 0 at update n.
double scheduledLr(double base, int64_t k, int64_t n, int64_t w)
{
    if (w > 0 && k < w)
        return base * static_cast<double>(k + 1) / static_cast<double>(w);
    if (n <= w)
        return base;
    return base * std::max(0.0, static_cast<double>(n - k) / static_cast<double>(n - w));
}

} // namespace

// ---- the run lock ---------------------------------------------------------------------------

RunLock::RunLock(const std::string &runDir)
{
    const std::string path = runDir + "/.lock";
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0)
        throw std::runtime_error(path + ": cannot open the run's lock (" + std::strerror(errno) + ")");
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        std::string holder;
        char buf[256] = {0};
        if (::pread(m_fd, buf, sizeof buf - 1, 0) > 0)
            holder = buf;
        ::close(m_fd);
        m_fd = -1;
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
            holder.pop_back();
        throw std::runtime_error("run " + runDir + " is being trained by " +
                                 (holder.empty() ? std::string("another process") : holder) +
                                 "; two runs never write to the same folder");
    }
    const std::string me = "process " + std::to_string(::getpid()) + " since " + nowIso() + "\n";
    if (::ftruncate(m_fd, 0) == 0)
        (void)::pwrite(m_fd, me.data(), me.size(), 0);
}

RunLock::~RunLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the flock
}

// ---- the engine -------------------------------------------------------------------------------

struct Trainer::Impl
{
    TrainConfig config;
    std::string runDir;
    std::unique_ptr<RunLock> lock;
    std::unique_ptr<models::LoadedModel> model;
    std::unique_ptr<models::LoraAdapter> adapter;
    std::vector<torch::Tensor> params; // trainable, in a fixed order
    std::vector<std::string> paramNames;
    std::vector<bool> decay; // weight decay applies
    std::vector<torch::Tensor> expAvg, expAvgSq;
    int64_t adamStep = 0;
    std::vector<Example> train, heldOut;
    torch::Device device = torch::kCPU;
    torch::ScalarType computeDtype = torch::kFloat32;
    bool autocast = false;
    int64_t step = 0; // updates done
    int64_t totalSteps = 0;
    int64_t batchesPerEpoch = 0;
    double elapsedBefore = 0; // seconds of training before this session's run()
    bool running = false;
    Clock::time_point sessionStart;
    double elapsedNow() const
    {
        return elapsedBefore + (running ? std::chrono::duration<double>(Clock::now() - sessionStart).count() : 0.0);
    }
    int64_t epochCached = -1;
    std::vector<std::vector<uint32_t>> epochBatches;
    std::ofstream metrics;

    // --- data order
    const std::vector<std::vector<uint32_t>> &batchesOf(int64_t epoch)
    {
        if (epoch == epochCached)
            return epochBatches;
        std::vector<uint32_t> order;
        // Per source: a seeded share of its examples (ratio < 1: a different subset each epoch;
        // ratio > 1: repeated).
        std::vector<std::pair<std::string, double>> ratios;
        if (config.sources.empty())
            ratios.emplace_back("", 1.0);
        for (const DataSource &s : config.sources)
            ratios.emplace_back(s.name, s.ratio);
        for (const auto &[name, ratio] : ratios) {
            std::vector<uint32_t> idx;
            for (uint32_t i = 0; i < train.size(); ++i)
                if (name.empty() || train[i].source == name)
                    idx.push_back(i);
            if (idx.empty())
                continue;
            std::mt19937_64 rng(mix(mix(config.seed, static_cast<uint64_t>(epoch) + 1), hashText(name)));
            const size_t want = static_cast<size_t>(std::llround(ratio * static_cast<double>(idx.size())));
            std::vector<uint32_t> pool;
            while (pool.size() < want) {
                if (config.shuffle || ratio < 1.0)
                    std::shuffle(idx.begin(), idx.end(), rng);
                pool.insert(pool.end(), idx.begin(), idx.end());
            }
            pool.resize(std::max<size_t>(want, 1));
            order.insert(order.end(), pool.begin(), pool.end());
        }
        std::mt19937_64 rng(mix(config.seed, 0x5eed0000ULL + static_cast<uint64_t>(epoch)));
        if (config.shuffle)
            std::shuffle(order.begin(), order.end(), rng);
        const size_t b = static_cast<size_t>(config.batchSize);
        if (config.groupByLength) {
            // Megabatches of 16 batches sorted by length, so a batch's sequences pad little.
            const size_t mega = b * 16;
            for (size_t s = 0; s < order.size(); s += mega) {
                const auto first = order.begin() + static_cast<std::ptrdiff_t>(s);
                const auto last = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), s + mega));
                std::stable_sort(first, last, [&](uint32_t x, uint32_t y) {
                    return train[x].query.size() + train[x].positive.size() >
                           train[y].query.size() + train[y].positive.size();
                });
            }
        }
        epochBatches.clear();
        for (size_t s = 0; s < order.size(); s += b)
            epochBatches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(s),
                                      order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), s + b)));
        // A last batch of a few pairs has almost no negatives (one pair: none, a loss of 0 that
        // teaches nothing): it joins the batch before it.
        if (epochBatches.size() >= 2 && epochBatches.back().size() < std::max<size_t>(2, b / 4)) {
            auto &prev = epochBatches[epochBatches.size() - 2];
            prev.insert(prev.end(), epochBatches.back().begin(), epochBatches.back().end());
            epochBatches.pop_back();
        }
        if (config.groupByLength && config.shuffle)
            std::shuffle(epochBatches.begin(), epochBatches.end(), rng);
        epochCached = epoch;
        return epochBatches;
    }

    // --- embedding with the current weights
    struct Sequences
    {
        std::vector<std::vector<int64_t>> ids;
        std::vector<uint64_t> keys;
        int64_t tokens = 0;
    };

    // Forward passes of similar-length sequences (little padding): micro-batches of `micro`
    // sequences, or without a micro-batch size (no gradient cache: everything keeps its
    // activations anyway) groups of up to 16k padded tokens.
    std::vector<std::vector<size_t>> chunksFor(const std::vector<std::vector<int64_t>> &seqs, int micro) const
    {
        std::vector<int64_t> lengths;
        for (const auto &s : seqs)
            lengths.push_back(static_cast<int64_t>(s.size()));
        if (micro > 0)
            return models::planBatches(lengths, micro, 0);
        // One piece (autograd through every sequence at once): still several forward passes, one
        // per group of similar lengths, so short queries are not padded to the documents' length
        // (at 32-token queries and 96-token documents one padded pass does 1.5x the work). The
        // embeddings, and so the loss and the gradients, do not depend on the grouping.
        std::vector<size_t> order(lengths.size());
        std::iota(order.begin(), order.end(), size_t(0));
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lengths[a] < lengths[b]; });
        std::vector<std::vector<size_t>> chunks;
        int64_t shortest = 0;
        for (size_t i : order) {
            const int64_t len = std::max<int64_t>(1, lengths[i]);
            const bool fits = !chunks.empty() && len * 4 <= shortest * 5 &&
                              len * static_cast<int64_t>(chunks.back().size() + 1) <= 16384;
            if (!fits) {
                chunks.emplace_back();
                shortest = len;
            }
            chunks.back().push_back(i);
        }
        return chunks;
    }

    models::ForwardOptions forwardOptions(bool training, uint64_t seed) const
    {
        models::ForwardOptions o;
        o.adapter = adapter.get();
        o.checkpointLayers = training && config.gradientCheckpointing;
        o.dropout = training;
        o.dropoutSeed = seed;
        return o;
    }

    // Embeds one chunk; [c, H] float32, L2-normalised, on the device.
    torch::Tensor embedChunk(const std::vector<std::vector<int64_t>> &seqs, const std::vector<size_t> &chunk,
                             bool training, uint64_t seed)
    {
        std::vector<const std::vector<int64_t> *> rows;
        for (size_t i : chunk)
            rows.push_back(&seqs[i]);
        const int64_t eos = model->eos;
        const models::PaddedBatch batch =
            models::padBatch(rows, models::PaddingSide::Right, eos >= 0 && eos < model->config.vocabSize ? eos : 0);
        torch::Tensor hidden;
        if (autocast) {
            const bool saved = at::autocast::is_autocast_enabled(device.type());
            const at::ScalarType savedType = at::autocast::get_autocast_dtype(device.type());
            at::autocast::set_autocast_enabled(device.type(), true);
            at::autocast::set_autocast_dtype(device.type(), computeDtype);
            try {
                hidden = model->decoder->forward(batch.ids, batch.mask, forwardOptions(training, seed));
            } catch (...) {
                at::autocast::set_autocast_enabled(device.type(), saved);
                throw;
            }
            at::autocast::set_autocast_enabled(device.type(), saved);
            at::autocast::set_autocast_dtype(device.type(), savedType);
            at::autocast::clear_cache();
        } else {
            hidden = model->decoder->forward(batch.ids, batch.mask, forwardOptions(training, seed));
        }
        return models::poolLastToken(hidden, batch.last);
    }

    // All sequences, chunked; rows in input order. Differentiable when grad mode is on.
    torch::Tensor embedAll(const std::vector<std::vector<int64_t>> &seqs,
                           const std::vector<std::vector<size_t>> &chunks, bool training, uint64_t seed,
                           const std::function<bool()> &stop = {})
    {
        std::vector<torch::Tensor> parts;
        std::vector<int64_t> order;
        for (size_t c = 0; c < chunks.size(); ++c) {
            if (stop && stop())
                throw models::Cancelled();
            parts.push_back(embedChunk(seqs, chunks[c], training, mix(seed, c)));
            order.insert(order.end(), chunks[c].begin(), chunks[c].end());
        }
        const torch::Tensor stacked = torch::cat(parts, 0);
        std::vector<int64_t> inverse(order.size());
        for (size_t i = 0; i < order.size(); ++i)
            inverse[static_cast<size_t>(order[i])] = static_cast<int64_t>(i);
        return stacked.index_select(0, torch::tensor(inverse, torch::kInt64).to(stacked.device()));
    }

    struct BatchInputs
    {
        std::vector<std::vector<int64_t>> seqs; // B queries, B positives, M negatives
        std::vector<uint64_t> queryKeys, candidateKeys;
        int64_t rows = 0, tokens = 0;
    };

    BatchInputs encodeBatch(const std::vector<const Example *> &batch) const
    {
        BatchInputs in;
        in.rows = static_cast<int64_t>(batch.size());
        std::vector<std::vector<int64_t>> negatives;
        std::vector<uint64_t> negKeys;
        const auto instructionOf = [&](const Example &e) {
            for (const DataSource &s : config.sources)
                if (s.name == e.source && !s.instruction.empty())
                    return s.instruction;
            return e.instruction;
        };
        for (const Example *e : batch) {
            in.seqs.push_back(model->encode(e->query, instructionOf(*e), config.maxLength));
            in.queryKeys.push_back(hashIds(in.seqs.back()));
        }
        for (const Example *e : batch) {
            in.seqs.push_back(model->encode(e->positive, {}, config.maxLength));
            in.candidateKeys.push_back(hashIds(in.seqs.back()));
        }
        for (const Example *e : batch)
            for (size_t k = 0; k < e->negatives.size() && static_cast<int>(k) < config.hardNegatives; ++k) {
                negatives.push_back(model->encode(e->negatives[k], {}, config.maxLength));
                negKeys.push_back(hashIds(negatives.back()));
            }
        for (size_t i = 0; i < negatives.size(); ++i) {
            in.seqs.push_back(std::move(negatives[i]));
            in.candidateKeys.push_back(negKeys[i]);
        }
        for (const auto &s : in.seqs)
            in.tokens += static_cast<int64_t>(s.size());
        return in;
    }

    models::InfoNceResult lossOf(const torch::Tensor &emb, const BatchInputs &in) const
    {
        models::InfoNceInputs li;
        li.queries = emb.narrow(0, 0, in.rows);
        li.candidates = emb.narrow(0, in.rows, emb.size(0) - in.rows);
        li.queryKeys = in.queryKeys;
        li.candidateKeys = in.candidateKeys;
        li.temperature = config.temperature;
        li.symmetric = config.symmetric;
        return models::infoNce(li);
    }

    // Forward and backward of one batch: the parameters' .grad hold d(loss)/d(param) afterwards.
    models::InfoNceResult accumulate(const BatchInputs &in, bool gradientCache, uint64_t seed,
                                     const std::function<bool()> &stop)
    {
        const auto chunks = chunksFor(in.seqs, gradientCache ? config.microBatch : 0);
        if (!gradientCache || chunks.size() == 1) { // everything in memory at once: plain autograd
            torch::AutoGradMode on(true);
            const torch::Tensor emb = embedAll(in.seqs, chunks, true, seed, stop);
            models::InfoNceResult r = lossOf(emb, in);
            r.loss.backward();
            return r;
        }
        // The gradient cache: embeddings without autograd, the loss's gradient with respect to
        // them, then each chunk again with autograd, back-propagating its slice.
        torch::Tensor emb;
        {
            torch::NoGradGuard noGrad;
            emb = embedAll(in.seqs, chunks, true, seed, stop);
        }
        emb = emb.detach().requires_grad_(true);
        models::InfoNceResult r;
        {
            torch::AutoGradMode on(true);
            r = lossOf(emb, in);
            r.loss.backward();
        }
        const torch::Tensor grad = emb.grad();
        torch::AutoGradMode on(true);
        for (size_t c = 0; c < chunks.size(); ++c) {
            if (stop && stop())
                throw models::Cancelled();
            const torch::Tensor part = embedChunk(in.seqs, chunks[c], true, mix(seed, c));
            std::vector<int64_t> idx(chunks[c].begin(), chunks[c].end());
            const torch::Tensor g = grad.index_select(0, torch::tensor(idx, torch::kInt64).to(grad.device()));
            torch::autograd::backward({part}, {g});
        }
        r.loss = r.loss.detach();
        return r;
    }

    void zeroGrad()
    {
        for (torch::Tensor &p : params)
            if (p.grad().defined())
                p.mutable_grad() = torch::Tensor();
    }

    double gradNorm() const
    {
        torch::NoGradGuard noGrad;
        torch::Tensor total = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
        for (const torch::Tensor &p : params)
            if (p.grad().defined())
                total += p.grad().to(torch::kFloat64).pow(2).sum();
        return std::sqrt(total.item<double>());
    }

    // torch.optim.AdamW's update (single-tensor, no amsgrad), after clip_grad_norm_.
    void optimizerStep(double lr, double norm)
    {
        torch::NoGradGuard noGrad;
        if (config.maxGradNorm > 0) {
            const double coef = config.maxGradNorm / (norm + 1e-6);
            if (coef < 1.0)
                for (torch::Tensor &p : params)
                    if (p.grad().defined())
                        p.mutable_grad().mul_(coef);
        }
        ++adamStep;
        const double b1 = config.adamBeta1, b2 = config.adamBeta2;
        const double bc1 = 1.0 - std::pow(b1, static_cast<double>(adamStep));
        const double bc2 = 1.0 - std::pow(b2, static_cast<double>(adamStep));
        const double stepSize = lr / bc1;
        const double bc2Sqrt = std::sqrt(bc2);
        for (size_t i = 0; i < params.size(); ++i) {
            torch::Tensor &p = params[i];
            if (!p.grad().defined())
                continue;
            const torch::Tensor g = p.grad().to(torch::kFloat32);
            if (decay[i] && config.weightDecay > 0)
                p.mul_(1.0 - lr * config.weightDecay);
            expAvg[i].lerp_(g, 1.0 - b1);
            expAvgSq[i].mul_(b2).addcmul_(g, g, 1.0 - b2);
            const torch::Tensor denom = (expAvgSq[i].sqrt() / bc2Sqrt).add_(config.adamEps);
            if (p.scalar_type() == torch::kFloat32) {
                p.addcdiv_(expAvg[i], denom, -stepSize);
            } else {
                p.copy_(p.to(torch::kFloat32).addcdiv_(expAvg[i], denom, -stepSize));
            }
        }
    }

    void appendMetric(const std::string &line)
    {
        metrics << line << '\n';
        metrics.flush();
    }

    void writeRunJson(const std::string &status, const std::string &message)
    {
        json o;
        o["status"] = status;
        o["message"] = message;
        o["steps"] = step;
        o["total_steps"] = totalSteps;
        o["updated_at"] = nowIso();
        o["latest_checkpoint"] = latestCheckpoint(runDir);
        o["trainable_parameters"] = std::accumulate(params.begin(), params.end(), int64_t(0),
                                                    [](int64_t n, const torch::Tensor &t) { return n + t.numel(); });
        writeTextAtomic(fs::path(runDir) / "run.json", o.dump(2) + "\n");
    }

    std::string saveCheckpointNow()
    {
        const fs::path dir = fs::path(runDir) / "checkpoints" / checkpointName(step);
        const fs::path tmp = dir.string() + ".partial";
        std::error_code ec;
        fs::remove_all(tmp, ec);
        fs::create_directories(tmp, ec);
        if (ec)
            throw std::runtime_error(tmp.string() + ": cannot create the checkpoint folder (" + ec.message() + ")");
        torch::NoGradGuard noGrad;
        if (adapter) {
            adapter->save((tmp / "adapter").string(), config.model);
        } else {
            std::vector<torch::Tensor> cpu;
            std::vector<st::TensorData> data;
            for (size_t i = 0; i < params.size(); ++i) {
                cpu.push_back(params[i].detach().to(torch::kCPU, torch::kFloat32).contiguous());
                data.push_back({paramNames[i], st::DType::F32, cpu.back().sizes().vec(), cpu.back().data_ptr()});
            }
            st::write((tmp / "model.safetensors").string(), data, {{"format", "pt"}});
        }
        {
            std::vector<torch::Tensor> cpu;
            std::vector<st::TensorData> data;
            for (size_t i = 0; i < params.size(); ++i) {
                cpu.push_back(expAvg[i].to(torch::kCPU).contiguous());
                data.push_back(
                    {"exp_avg." + std::to_string(i), st::DType::F32, cpu.back().sizes().vec(), cpu.back().data_ptr()});
                cpu.push_back(expAvgSq[i].to(torch::kCPU).contiguous());
                data.push_back({"exp_avg_sq." + std::to_string(i), st::DType::F32, cpu.back().sizes().vec(),
                                cpu.back().data_ptr()});
            }
            st::write((tmp / "optimizer.safetensors").string(), data, {{"format", "pt"}});
        }
        json state;
        state["step"] = step;
        state["adam_step"] = adamStep;
        state["elapsed_s"] = elapsedNow();
        state["parameters"] = paramNames;
        state["saved_at"] = nowIso();
        writeTextAtomic(tmp / "state.json", state.dump(2) + "\n");
        fsyncDir(tmp);
        fs::remove_all(dir, ec);
        fs::rename(tmp, dir, ec);
        if (ec)
            throw std::runtime_error(dir.string() + ": cannot move the checkpoint into place (" + ec.message() + ")");
        fsyncDir(dir.parent_path());
        // Keep the newest keepCheckpoints.
        std::vector<fs::path> all;
        for (const auto &e : fs::directory_iterator(dir.parent_path(), ec))
            if (e.is_directory() && e.path().filename().string().rfind("step-", 0) == 0 &&
                e.path().extension() != ".partial" && fs::exists(e.path() / "state.json"))
                all.push_back(e.path());
        std::sort(all.begin(), all.end());
        for (size_t i = 0; i + static_cast<size_t>(config.keepCheckpoints) < all.size(); ++i)
            fs::remove_all(all[i], ec);
        return dir.string();
    }

    void loadCheckpoint(const std::string &dir)
    {
        const json state = json::parse(readText(fs::path(dir) / "state.json"));
        const auto names = state.at("parameters").get<std::vector<std::string>>();
        if (names != paramNames)
            throw std::runtime_error(dir + ": the checkpoint's parameters do not match this run's model");
        torch::NoGradGuard noGrad;
        if (adapter) {
            auto loaded = models::LoraAdapter::load((fs::path(dir) / "adapter").string(), model->config, device);
            const auto src = loaded->parameters();
            for (size_t i = 0; i < params.size(); ++i)
                params[i].copy_(src[i]);
        } else {
            const auto file = st::File::open((fs::path(dir) / "model.safetensors").string());
            for (size_t i = 0; i < params.size(); ++i) {
                const st::TensorView *v = file->find(paramNames[i]);
                if (!v || v->dtype != st::DType::F32 || v->shape != params[i].sizes().vec())
                    throw std::runtime_error(dir + "/model.safetensors: tensor '" + paramNames[i] +
                                             "' is missing or has the wrong shape");
                torch::Tensor t = torch::empty(v->shape, torch::kFloat32);
                std::memcpy(t.data_ptr(), v->data, v->bytes);
                params[i].copy_(t);
            }
        }
        const auto opt = st::File::open((fs::path(dir) / "optimizer.safetensors").string());
        for (size_t i = 0; i < params.size(); ++i)
            for (auto [name, target] : {std::pair{"exp_avg.", &expAvg[i]}, std::pair{"exp_avg_sq.", &expAvgSq[i]}}) {
                const st::TensorView *v = opt->find(name + std::to_string(i));
                if (!v || v->shape != target->sizes().vec())
                    throw std::runtime_error(dir + "/optimizer.safetensors: '" + name + std::to_string(i) +
                                             "' is missing");
                torch::Tensor t = torch::empty(v->shape, torch::kFloat32);
                std::memcpy(t.data_ptr(), v->data, v->bytes);
                target->copy_(t);
            }
        step = state.at("step").get<int64_t>();
        adamStep = state.at("adam_step").get<int64_t>();
        elapsedBefore = state.value("elapsed_s", 0.0);
    }

    void setUp(bool fresh)
    {
        config.validate();
        device = models::resolveDevice(config.device);
        std::string dtype = config.dtype;
        if (dtype == "auto")
            dtype = device.is_cuda() ? "bf16" : "f32";
        computeDtype = dtype == "bf16" ? torch::kBFloat16 : torch::kFloat32;
        autocast = computeDtype != torch::kFloat32;
        // LoRA: frozen base weights in the compute dtype; full: float32 master weights (+ autocast).
        model = models::loadModel(config.model, device.str(), config.mode == "lora" ? dtype : "f32", true, false);
        if (config.mode == "lora") {
            models::LoraSettings s;
            s.rank = config.loraRank;
            s.alpha = config.loraAlpha;
            s.dropout = config.loraDropout;
            s.targets = config.loraTargets;
            // Targets in the fixed projection order, whatever order the config lists them in.
            std::sort(s.targets.begin(), s.targets.end(), [](const std::string &a, const std::string &b) {
                models::Proj pa = models::Proj::Q, pb = models::Proj::Q;
                models::parseProj(a, &pa);
                models::parseProj(b, &pb);
                return static_cast<int>(pa) < static_cast<int>(pb);
            });
            if (!config.initAdapter.empty() && fresh) {
                adapter = models::LoraAdapter::load(config.initAdapter, model->config, device);
                const models::LoraSettings &got = adapter->settings();
                if (got.rank != s.rank || got.alpha != s.alpha || got.targets != s.targets)
                    throw ConfigError("init_adapter", config.initAdapter + " has rank " + std::to_string(got.rank) +
                                                          ", alpha " + std::to_string(got.alpha) +
                                                          " or targets unlike this configuration's");
            } else {
                adapter = std::make_unique<models::LoraAdapter>(model->config, s, device, mix(config.seed, 0x10a));
            }
            adapter->setRequiresGrad(true);
            params = adapter->parameters();
            paramNames = adapter->parameterNames();
            decay.assign(params.size(), true);
        } else {
            if (!config.initAdapter.empty())
                throw ConfigError("init_adapter", "only a LoRA run starts from an adapter");
            model->decoder->makeTrainable(torch::kFloat32);
            for (const auto &[name, t] : model->decoder->trainableParameters()) {
                params.push_back(t);
                paramNames.push_back(name);
                decay.push_back(t.dim() >= 2); // norms and biases are not decayed
            }
        }
        for (const torch::Tensor &p : params) {
            expAvg.push_back(torch::zeros(p.sizes(), p.options().dtype(torch::kFloat32)).detach());
            expAvgSq.push_back(torch::zeros(p.sizes(), p.options().dtype(torch::kFloat32)).detach());
        }
        if (train.empty())
            throw std::runtime_error("no training examples");
        epochCached = -1;
        batchesPerEpoch = static_cast<int64_t>(batchesOf(0).size());
        totalSteps = config.steps > 0 ? config.steps : batchesPerEpoch;
        (void)fresh;
    }

    const Example *exampleAt(uint32_t i) const { return &train[i]; }

    models::Matrix embedTexts(const std::vector<std::string> &texts, const std::string &instruction)
    {
        torch::NoGradGuard noGrad;
        std::vector<std::vector<int64_t>> seqs;
        for (const std::string &t : texts)
            seqs.push_back(model->encode(t, instruction, config.maxLength));
        const auto chunks = chunksFor(seqs, std::max(1, config.microBatch > 0 ? config.microBatch : 32));
        const torch::Tensor e = embedAll(seqs, chunks, false, 0).to(torch::kCPU).contiguous();
        models::Matrix m;
        m.rows = e.size(0);
        m.cols = e.size(1);
        m.data.assign(e.data_ptr<float>(), e.data_ptr<float>() + e.numel());
        return m;
    }

    Trainer::MiningReport mined;

    // The instruction a training example's query is embedded with (its source's, when set).
    std::string instructionOf(const Example &e) const
    {
        for (const DataSource &s : config.sources)
            if (s.name == e.source && !s.instruction.empty())
                return s.instruction;
        return e.instruction;
    }

    // TrainConfig::mineNegatives: ranks the pool for every example that lacks negatives, with the
    // model as it starts (eval mode, no gradients), and appends the best candidates it may use.
    void mineNegatives(const std::vector<std::string> &givenPool)
    {
        const size_t want = static_cast<size_t>(config.mineNegatives);
        std::vector<size_t> needy;
        for (size_t i = 0; i < train.size(); ++i)
            if (train[i].negatives.size() < want)
                needy.push_back(i);
        std::vector<std::string> pool;
        {
            std::unordered_set<uint64_t> seen;
            const auto add = [&](const std::string &t) {
                if (!t.empty() && seen.insert(hashText(t)).second)
                    pool.push_back(t);
            };
            if (!givenPool.empty())
                for (const std::string &t : givenPool)
                    add(t);
            else
                for (const Example &e : train)
                    add(e.positive);
        }
        mined.pool = static_cast<int64_t>(pool.size());
        if (needy.empty() || pool.empty())
            return;
        torch::NoGradGuard noGrad;
        const int micro = std::max(1, config.microBatch > 0 ? config.microBatch : 32);
        // The pool's embeddings go to a scratch file in the run folder and are streamed back for
        // each block of queries: memory holds one chunk of documents and one block of queries,
        // whatever the pool's size (a million documents at hidden 4096 would be 16 GB).
        const int64_t hidden = model->config.hiddenSize;
        constexpr size_t kChunk = 4096;
        const fs::path scratch = fs::path(runDir) / "data" / "mine_pool.f32.tmp";
        struct Remove
        {
            fs::path path;
            ~Remove()
            {
                std::error_code ec;
                fs::remove(path, ec);
            }
        } removeScratch{scratch};
        {
            std::ofstream out(scratch, std::ios::binary | std::ios::trunc);
            for (size_t at = 0; at < pool.size() && out; at += kChunk) {
                std::vector<std::vector<int64_t>> seqs;
                for (size_t i = at; i < std::min(pool.size(), at + kChunk); ++i)
                    seqs.push_back(model->encode(pool[i], {}, config.maxLength));
                const torch::Tensor e = embedAll(seqs, chunksFor(seqs, micro), false, 0).to(torch::kCPU).contiguous();
                out.write(reinterpret_cast<const char *>(e.data_ptr<float>()),
                          static_cast<std::streamsize>(e.numel() * static_cast<int64_t>(sizeof(float))));
            }
            out.flush();
            if (!out)
                throw std::runtime_error(scratch.string() + ": cannot write the mining pool's embeddings (disk full?)");
        }
        std::vector<int64_t> ids(pool.size());
        std::iota(ids.begin(), ids.end(), 0);
        std::vector<float> chunk(kChunk * static_cast<size_t>(hidden));
        const int k = static_cast<int>(std::min<size_t>(pool.size(), want + static_cast<size_t>(config.mineSkip) + 16));
        for (size_t at = 0; at < needy.size(); at += kChunk) {
            const size_t end = std::min(needy.size(), at + kChunk);
            std::vector<std::vector<int64_t>> seqs;
            for (size_t i = at; i < end; ++i) {
                const Example &e = train[needy[i]];
                seqs.push_back(model->encode(e.query, instructionOf(e), config.maxLength));
            }
            const torch::Tensor q = embedAll(seqs, chunksFor(seqs, micro), false, 0).to(torch::kCPU).contiguous();
            models::TopKSearch search(q.data_ptr<float>(), q.size(0), hidden, k);
            std::ifstream in(scratch, std::ios::binary);
            for (size_t from = 0; from < pool.size(); from += kChunk) {
                const size_t rows = std::min(kChunk, pool.size() - from);
                in.read(reinterpret_cast<char *>(chunk.data()),
                        static_cast<std::streamsize>(rows * static_cast<size_t>(hidden) * sizeof(float)));
                if (!in)
                    throw std::runtime_error(scratch.string() + ": the mining pool's embeddings cannot be read back");
                search.add(chunk.data(), ids.data() + from, static_cast<int64_t>(rows));
            }
            const auto ranked = search.results();
            for (size_t i = at; i < end; ++i) {
                Example &e = train[needy[i]];
                std::unordered_set<uint64_t> taken = {hashText(e.positive), hashText(e.query)};
                for (const std::string &n : e.negatives)
                    taken.insert(hashText(n));
                int skipped = 0;
                const size_t before = e.negatives.size();
                for (const auto &hit : ranked[i - at]) {
                    if (e.negatives.size() >= want)
                        break;
                    const std::string &text = pool[static_cast<size_t>(hit.index)];
                    if (taken.count(hashText(text)))
                        continue;
                    if (skipped < config.mineSkip) {
                        ++skipped;
                        continue;
                    }
                    e.negatives.push_back(text);
                    taken.insert(hashText(text));
                }
                mined.negatives += static_cast<int64_t>(e.negatives.size() - before);
                mined.examples += e.negatives.size() > before;
            }
        }
    }

    EvalRecord evaluateHeldOutNow()
    {
        EvalRecord r;
        r.step = step;
        if (heldOut.empty())
            return r;
        const size_t nq = std::min(heldOut.size(), static_cast<size_t>(config.evalMaxQueries));
        // The pool: every held-out positive and hard negative; each query's relevant documents are
        // those identical to its positive.
        std::vector<std::string> docs;
        std::vector<uint64_t> docKeys;
        for (const Example &e : heldOut) {
            docs.push_back(e.positive);
            docKeys.push_back(hashText(e.positive));
            for (const std::string &n : e.negatives) {
                docs.push_back(n);
                docKeys.push_back(hashText(n));
            }
        }
        torch::NoGradGuard noGrad;
        std::vector<std::vector<int64_t>> qseqs;
        for (size_t i = 0; i < nq; ++i) {
            const Example &e = heldOut[i];
            std::string ins = e.instruction;
            for (const DataSource &s : config.sources)
                if (s.name == e.source && !s.instruction.empty())
                    ins = s.instruction;
            qseqs.push_back(model->encode(e.query, ins, config.maxLength));
        }
        std::vector<std::vector<int64_t>> dseqs;
        for (const std::string &d : docs)
            dseqs.push_back(model->encode(d, {}, config.maxLength));
        const int micro = std::max(1, config.microBatch > 0 ? config.microBatch : 32);
        const torch::Tensor q = embedAll(qseqs, chunksFor(qseqs, micro), false, 0);
        const torch::Tensor dm = embedAll(dseqs, chunksFor(dseqs, micro), false, 0);
        const torch::Tensor scores = torch::mm(q, dm.t()).to(torch::kCPU); // [nq, D]
        const int64_t k = std::min<int64_t>(10, scores.size(1));
        const auto top = scores.topk(k, 1);
        const torch::Tensor idx = std::get<1>(top);
        double ndcg = 0, r10 = 0, r1 = 0, mrr = 0;
        for (size_t i = 0; i < nq; ++i) {
            const uint64_t rel = hashText(heldOut[i].positive);
            int64_t relevant = 0;
            for (uint64_t key : docKeys)
                relevant += key == rel;
            double dcg = 0, idcg = 0;
            bool found1 = false, found10 = false;
            double rr = 0;
            for (int64_t j = 0; j < k; ++j) {
                const int64_t d = idx[static_cast<int64_t>(i)][j].item<int64_t>();
                if (docKeys[static_cast<size_t>(d)] == rel) {
                    dcg += 1.0 / std::log2(static_cast<double>(j) + 2.0);
                    found10 = true;
                    if (j == 0)
                        found1 = true;
                    if (rr == 0)
                        rr = 1.0 / static_cast<double>(j + 1);
                }
            }
            for (int64_t j = 0; j < std::min<int64_t>(relevant, 10); ++j)
                idcg += 1.0 / std::log2(static_cast<double>(j) + 2.0);
            ndcg += idcg > 0 ? dcg / idcg : 0;
            r10 += found10;
            r1 += found1;
            mrr += rr;
        }
        const double n = static_cast<double>(nq);
        r.queries = static_cast<int64_t>(nq);
        r.ndcg10 = ndcg / n;
        r.recall10 = r10 / n;
        r.recall1 = r1 / n;
        r.mrr10 = mrr / n;
        return r;
    }
};

// ---- public API -------------------------------------------------------------------------------

Trainer::Trainer() : d(std::make_unique<Impl>())
{}
Trainer::~Trainer() = default;

std::unique_ptr<Trainer> Trainer::create(const TrainConfig &config, const std::vector<Example> &train,
                                         const std::vector<Example> &heldOut, const std::string &runDir,
                                         const std::vector<std::string> &minePool)
{
    config.validate();
    if (train.empty())
        throw std::runtime_error("no training examples: nothing to train on");
    std::error_code ec;
    const fs::path dir(runDir);
    if (fs::exists(dir / "config.json", ec))
        throw std::runtime_error(runDir + " holds a run already; resume it, or choose another folder");
    fs::create_directories(dir / "data", ec);
    if (ec)
        throw std::runtime_error(runDir + ": cannot create the run folder (" + ec.message() + ")");
    std::unique_ptr<Trainer> t(new Trainer());
    Impl &d = *t->d;
    d.lock = std::make_unique<RunLock>(runDir);
    d.config = config;
    if (!d.config.model.empty())
        d.config.model = fs::absolute(d.config.model).lexically_normal().string();
    d.runDir = runDir;
    d.train = train;
    d.heldOut = heldOut;
    d.setUp(true);
    if (d.config.mineNegatives > 0) {
        d.mineNegatives(minePool);
        d.epochCached = -1; // the batches as resume() will see them: planned with the mined negatives
        d.batchesPerEpoch = static_cast<int64_t>(d.batchesOf(0).size());
        d.totalSteps = d.config.steps > 0 ? d.config.steps : d.batchesPerEpoch;
    }
    writeExamplesJsonl((dir / "data" / "train.jsonl").string(), d.train);
    writeExamplesJsonl((dir / "data" / "heldout.jsonl").string(), heldOut);
    writeTextAtomic(dir / "config.json", d.config.toJson() + "\n");
    d.metrics.open(dir / "metrics.jsonl", std::ios::binary | std::ios::trunc);
    d.writeRunJson("created", "");
    return t;
}

std::unique_ptr<Trainer> Trainer::resume(const std::string &runDir)
{
    const fs::path dir(runDir);
    std::unique_ptr<Trainer> t(new Trainer());
    Impl &d = *t->d;
    d.lock = std::make_unique<RunLock>(runDir);
    d.runDir = runDir;
    d.config = TrainConfig::fromJson(readText(dir / "config.json"), (dir / "config.json").string());
    d.train = readExamplesJsonl((dir / "data" / "train.jsonl").string(), {});
    d.heldOut = readExamplesJsonl((dir / "data" / "heldout.jsonl").string(), {});
    d.setUp(false);
    const std::string ckpt = latestCheckpoint(runDir);
    if (!ckpt.empty())
        d.loadCheckpoint(ckpt);
    // The metrics continue from the checkpoint: lines of later steps (lost work) are dropped.
    std::vector<std::string> keep;
    {
        std::ifstream in(dir / "metrics.jsonl");
        std::string line;
        while (std::getline(in, line)) {
            const json o = json::parse(line, nullptr, false);
            if (o.is_object() && o.contains("step") && o["step"].get<int64_t>() <= d.step)
                keep.push_back(line);
        }
    }
    {
        std::string text;
        for (const auto &l : keep)
            text += l + "\n";
        writeTextAtomic(dir / "metrics.jsonl", text);
    }
    d.metrics.open(dir / "metrics.jsonl", std::ios::binary | std::ios::app);
    return t;
}

const TrainConfig &Trainer::config() const
{
    return d->config;
}
const std::string &Trainer::runDir() const
{
    return d->runDir;
}
int64_t Trainer::stepsDone() const
{
    return d->step;
}
int64_t Trainer::totalSteps() const
{
    return d->totalSteps;
}
Trainer::MiningReport Trainer::mining() const
{
    return d->mined;
}

int64_t Trainer::trainableParameters() const
{
    int64_t n = 0;
    for (const torch::Tensor &p : d->params)
        n += p.numel();
    return n;
}

models::Matrix Trainer::embed(const std::vector<std::string> &texts, const std::string &instruction)
{
    return d->embedTexts(texts, instruction);
}

EvalRecord Trainer::evaluateHeldOut()
{
    return d->evaluateHeldOutNow();
}

std::string Trainer::saveCheckpoint()
{
    return d->saveCheckpointNow();
}

double Trainer::frozenWeightsChecksum() const
{
    torch::NoGradGuard noGrad;
    double sum = 0;
    for (const auto &[name, t] : d->model->decoder->namedWeights()) {
        const torch::Tensor w = t.detach().to(torch::kFloat64);
        sum += w.abs().sum().item<double>() + 0.5 * w.pow(2).sum().item<double>();
    }
    return sum;
}

std::vector<float> Trainer::trainableSnapshot() const
{
    std::vector<float> out;
    for (const torch::Tensor &p : d->params) {
        const torch::Tensor c = p.detach().to(torch::kCPU, torch::kFloat32).contiguous().view(-1);
        out.insert(out.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    }
    return out;
}

std::vector<float> Trainer::batchGradients(const std::vector<Example> &batch, bool gradientCache, double *loss)
{
    std::vector<const Example *> ptrs;
    for (const Example &e : batch)
        ptrs.push_back(&e);
    const Impl::BatchInputs in = d->encodeBatch(ptrs);
    d->zeroGrad();
    const models::InfoNceResult r = d->accumulate(in, gradientCache, mix(d->config.seed, 0xabc), {});
    if (loss)
        *loss = r.loss.item<double>();
    std::vector<float> out;
    for (const torch::Tensor &p : d->params) {
        const torch::Tensor g = p.grad().defined() ? p.grad().to(torch::kCPU, torch::kFloat32).contiguous().view(-1)
                                                   : torch::zeros({p.numel()}, torch::kFloat32);
        out.insert(out.end(), g.data_ptr<float>(), g.data_ptr<float>() + g.numel());
    }
    d->zeroGrad();
    return out;
}

RunResult Trainer::run(const Callbacks &cb)
{
    Impl &d = *this->d;
    RunResult result;
    const auto log = [&](const std::string &m) {
        if (cb.log)
            cb.log(m);
    };
    d.sessionStart = Clock::now();
    d.running = true;
    d.writeRunJson("running", "");
    const auto finishWith = [&](Outcome o, const std::string &message) {
        d.elapsedBefore = d.elapsedNow();
        d.running = false;
        result.outcome = o;
        result.steps = d.step;
        result.message = message;
        result.checkpoint = latestCheckpoint(d.runDir);
        d.writeRunJson(outcomeName(o), message);
        return result;
    };
    log("training " + std::to_string(d.totalSteps) + " steps of " + std::to_string(d.config.batchSize) + " pairs on " +
        d.device.str() + " (" + std::to_string(trainableParameters()) + " trainable parameters), from step " +
        std::to_string(d.step));
    try {
        while (d.step < d.totalSteps) {
            const auto t0 = Clock::now();
            if (d.device.is_cuda())
                compute::resetGpuPeak(d.device.index() < 0 ? 0 : d.device.index());
            const int64_t epoch = d.step / std::max<int64_t>(1, d.batchesPerEpoch);
            const auto &batches = d.batchesOf(epoch);
            const auto &indices = batches[static_cast<size_t>(d.step % static_cast<int64_t>(batches.size()))];
            std::vector<const Example *> batch;
            for (uint32_t i : indices)
                batch.push_back(d.exampleAt(i));
            const Impl::BatchInputs in = d.encodeBatch(batch);
            d.zeroGrad();
            const uint64_t seed = mix(d.config.seed, static_cast<uint64_t>(d.step) + 1);
            const models::InfoNceResult r = d.accumulate(in, d.config.microBatch > 0, seed, cb.shouldStop);
            double loss = r.loss.item<double>();
            if (cb.lossProbe)
                loss = cb.lossProbe(d.step + 1, loss);
            const double norm = d.gradNorm();
            if (!std::isfinite(loss) || !std::isfinite(norm)) {
                d.zeroGrad();
                // The update is not applied: the weights are still those after step d.step.
                const std::string ckpt = d.saveCheckpointNow();
                return finishWith(Outcome::Diverged,
                                  "non-finite " + std::string(std::isfinite(loss) ? "gradient norm" : "loss") +
                                      " at step " + std::to_string(d.step + 1) +
                                      "; stopped without applying it. The last good checkpoint is " + ckpt);
            }
            const double lr = scheduledLr(d.config.learningRate, d.step, d.totalSteps, d.config.warmupSteps);
            d.optimizerStep(lr, norm);
            ++d.step;
            if (d.device.is_cuda())
                compute::synchronizeGpu(d.device.index() < 0 ? 0 : d.device.index());
            const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
            StepRecord s;
            s.step = d.step;
            s.epoch = epoch;
            s.loss = loss;
            s.learningRate = lr;
            s.gradNorm = norm;
            s.accuracy = r.accuracy;
            s.positiveCosine = r.positiveCosine;
            s.hardestNegativeCosine = r.hardestNegativeCosine;
            s.masked = r.masked;
            s.examples = in.rows;
            s.tokens = in.tokens;
            s.seconds = secs;
            s.examplesPerSecond = secs > 0 ? static_cast<double>(in.rows) / secs : 0;
            s.tokensPerSecond = secs > 0 ? static_cast<double>(in.tokens) / secs : 0;
            s.elapsedSeconds = d.elapsedNow();
            if (d.device.is_cuda()) {
                const auto mem = compute::gpuMemory(d.device.index() < 0 ? 0 : d.device.index());
                s.memoryBytes = mem ? mem->peakAllocated : 0;
            } else {
                s.memoryBytes = compute::residentBytes();
            }
            d.appendMetric(s.toJson());
            if (cb.onStep)
                cb.onStep(s);
            const bool last = d.step == d.totalSteps;
            if ((d.config.evalEvery > 0 && d.step % d.config.evalEvery == 0) || last) {
                if (!d.heldOut.empty()) {
                    const EvalRecord e = d.evaluateHeldOutNow();
                    d.appendMetric(e.toJson());
                    if (cb.onEval)
                        cb.onEval(e);
                }
                if (cb.evaluate) {
                    const EmbedFn fn = [&](const std::vector<std::string> &texts, const std::string &ins) {
                        return d.embedTexts(texts, ins);
                    };
                    for (EvalRecord e : cb.evaluate(d.step, fn)) {
                        e.step = d.step;
                        d.appendMetric(e.toJson());
                        if (cb.onEval)
                            cb.onEval(e);
                    }
                }
            }
            if ((d.config.checkpointEvery > 0 && d.step % d.config.checkpointEvery == 0) || last) {
                d.saveCheckpointNow();
                if (cb.onCheckpoint)
                    cb.onCheckpoint(d.step);
                d.writeRunJson("running", "");
            }
            if (!last && cb.shouldStop && cb.shouldStop()) {
                const std::string ckpt = d.saveCheckpointNow();
                return finishWith(Outcome::Cancelled, "stopped at step " + std::to_string(d.step) + " of " +
                                                          std::to_string(d.totalSteps) + "; checkpoint " + ckpt);
            }
        }
    } catch (const models::Cancelled &) {
        // Stopped inside a step: the step's partial gradients are dropped; the weights are those of d.step.
        d.zeroGrad();
        const std::string ckpt = d.saveCheckpointNow();
        return finishWith(Outcome::Cancelled, "stopped at step " + std::to_string(d.step) + " of " +
                                                  std::to_string(d.totalSteps) + "; checkpoint " + ckpt);
    } catch (const std::exception &e) {
        finishWith(Outcome::Failed, compute::errorMessage(e));
        throw;
    }
    return finishWith(Outcome::Finished, "trained " + std::to_string(d.step) + " steps");
}

RunStatus readRunStatus(const std::string &runDir)
{
    RunStatus s;
    std::ifstream in(fs::path(runDir) / "run.json");
    if (!in)
        throw std::runtime_error(runDir + ": not a training run folder (no run.json)");
    const json o = json::parse(in, nullptr, false);
    if (!o.is_object())
        throw std::runtime_error(runDir + "/run.json: not valid JSON");
    s.status = o.value("status", "");
    s.message = o.value("message", "");
    s.steps = o.value("steps", int64_t(0));
    s.totalSteps = o.value("total_steps", int64_t(0));
    s.latestCheckpoint = latestCheckpoint(runDir);
    return s;
}

std::string latestCheckpoint(const std::string &runDir)
{
    std::error_code ec;
    std::string best;
    for (const auto &e : fs::directory_iterator(fs::path(runDir) / "checkpoints", ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_directory() && name.rfind("step-", 0) == 0 && e.path().extension() != ".partial" &&
            fs::exists(e.path() / "state.json") && (best.empty() || e.path().string() > best))
            best = e.path().string();
    }
    return best;
}

} // namespace ef::train
