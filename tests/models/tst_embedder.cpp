// SPDX-License-Identifier: GPL-3.0-or-later
// The decoder and the last-token embedder on tiny checkpoints: causality, padding and batch
// invariance, GQA = MHA with repeated K/V heads, the sliding window, BF16, weight layouts
// (bare, sharded, BF16-stored), the paper's encoding (instruction, EOS after truncation), and
// clear errors for broken folders.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QTest>

#include "models/embedder.h"
#include "models/safetensors.h"
#include "models/tinymodel.h"
#include "models/tokenizer.h"

using namespace ef::models;
namespace st = ef::st;
using json = nlohmann::json;

namespace {

std::string makeTiny(const QTemporaryDir &tmp, const char *name, Family family, uint64_t seed = 3)
{
    const std::string dir = tmp.filePath(QString::fromLatin1(name)).toStdString();
    TinyModelOptions o;
    o.family = family;
    o.seed = seed;
    makeTinyModel(dir, o);
    return dir;
}

std::vector<int64_t> randomIds(std::mt19937 &rng, size_t n, int64_t below = 276)
{
    std::uniform_int_distribution<int64_t> d(0, below - 1);
    std::vector<int64_t> v(n);
    for (auto &x : v)
        x = d(rng);
    return v;
}

double maxAbsDiff(const float *a, const float *b, int64_t n)
{
    double m = 0;
    for (int64_t i = 0; i < n; ++i)
        m = std::max(m, std::abs(static_cast<double>(a[i]) - b[i]));
    return m;
}

double maxAbsDiff(const Matrix &a, const Matrix &b)
{
    if (a.rows != b.rows || a.cols != b.cols)
        return INFINITY;
    return maxAbsDiff(a.data.data(), b.data.data(), static_cast<int64_t>(a.data.size()));
}

double cosine(const float *a, const float *b, int64_t n)
{
    double ab = 0, aa = 0, bb = 0;
    for (int64_t i = 0; i < n; ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

json readJson(const std::string &path)
{
    std::ifstream in(path);
    return json::parse(in);
}

void writeJson(const std::string &path, const json &j)
{
    std::ofstream out(path);
    out << j.dump(2);
}

// Copies a model folder, letting `edit` rewrite the tensor list before it is written.
struct OwnedTensor
{
    std::string name;
    st::DType dtype;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
};

std::vector<OwnedTensor> readTensors(const std::string &dir)
{
    const st::Checkpoint ck = st::Checkpoint::open(dir);
    std::vector<OwnedTensor> out;
    for (const std::string &n : ck.names()) {
        const st::TensorView *v = ck.find(n);
        out.push_back({n, v->dtype, v->shape, std::vector<uint8_t>(v->data, v->data + v->bytes)});
    }
    return out;
}

void writeTensors(const std::string &path, const std::vector<OwnedTensor> &tensors)
{
    std::vector<st::TensorData> data;
    for (const auto &t : tensors)
        data.push_back({t.name, t.dtype, t.shape, t.bytes.data()});
    st::write(path, data, {{"format", "pt"}});
}

std::string copyModel(const std::string &from, const std::string &to)
{
    std::filesystem::create_directories(to);
    for (const char *f : {"config.json", "tokenizer.json", "tokenizer_config.json"})
        std::filesystem::copy_file(from + "/" + f, to + "/" + f, std::filesystem::copy_options::overwrite_existing);
    return to;
}

uint16_t toBf16(float f) // round to nearest even, as torch does
{
    uint32_t u;
    std::memcpy(&u, &f, 4);
    u += 0x7FFF + ((u >> 16) & 1);
    return static_cast<uint16_t>(u >> 16);
}

float fromBf16(uint16_t h)
{
    const uint32_t u = static_cast<uint32_t>(h) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

} // namespace

class TestEmbedder final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void causality_data();
    void causality();
    void paddingAndBatchInvariance_data();
    void paddingAndBatchInvariance();
    void gqaEqualsMhaWithRepeatedHeads();
    void slidingWindowLimitsAttention();
    void qwen2WindowAppliesFromMaxWindowLayers();
    void bf16IsCloseToF32();
    void layoutsBareShardedAndBf16Stored();
    void encodingFollowsThePaper();
    void embedTextsMatchesIdsPath();
    void batchPlanKeepsOrderAndLimitsPadding();
    void cancellationStopsBetweenBatches();
    void brokenFoldersGiveClearErrors();

private:
    QTemporaryDir m_tmp;
    std::map<Family, std::string> m_dirs;
};

void TestEmbedder::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_dirs[Family::Llama] = makeTiny(m_tmp, "llama", Family::Llama, 7);
    m_dirs[Family::Mistral] = makeTiny(m_tmp, "mistral", Family::Mistral, 8);
    m_dirs[Family::Qwen2] = makeTiny(m_tmp, "qwen2", Family::Qwen2, 9);
}

void TestEmbedder::causality_data()
{
    QTest::addColumn<int>("family");
    QTest::newRow("llama") << int(Family::Llama);
    QTest::newRow("mistral") << int(Family::Mistral);
    QTest::newRow("qwen2") << int(Family::Qwen2);
}

void TestEmbedder::causality()
{
    QFETCH(int, family);
    auto e = Embedder::load(m_dirs.at(Family(family)));
    std::mt19937 rng(11);
    std::vector<int64_t> a = randomIds(rng, 24);
    std::vector<int64_t> b = a;
    for (size_t i = 12; i < b.size(); ++i)
        b[i] = (b[i] + 17) % 276;
    const IdsResult r = e->forwardIds({a, b}, PaddingSide::Right, 2, true);
    const Matrix &ha = r.hidden[0], &hb = r.hidden[1];
    QCOMPARE(ha.rows, int64_t(24));
    // Positions 0..11 see only identical tokens: identical states.
    QVERIFY2(maxAbsDiff(ha.data.data(), hb.data.data(), 12 * ha.cols) < 1e-6, "a later token changed an earlier state");
    // Position 12 onwards must differ.
    QVERIFY(maxAbsDiff(ha.row(12), hb.row(12), ha.cols) > 1e-4);
}

void TestEmbedder::paddingAndBatchInvariance_data()
{
    causality_data();
}

void TestEmbedder::paddingAndBatchInvariance()
{
    QFETCH(int, family);
    auto e = Embedder::load(m_dirs.at(Family(family)));
    std::mt19937 rng(5);
    std::vector<std::vector<int64_t>> seqs;
    for (size_t n : {3, 40, 1, 17, 29, 8})
        seqs.push_back(randomIds(rng, n));
    const IdsResult alone = e->forwardIds(seqs, PaddingSide::Right, 1, true);
    for (const PaddingSide side : {PaddingSide::Left, PaddingSide::Right}) {
        const IdsResult batched = e->forwardIds(seqs, side, 6, true);
        const double d = maxAbsDiff(alone.pooled, batched.pooled);
        QVERIFY2(d < 1e-5, qPrintable(QStringLiteral("pooled differs by %1 with %2 padding")
                                          .arg(d)
                                          .arg(side == PaddingSide::Left ? "left" : "right")));
        for (size_t i = 0; i < seqs.size(); ++i)
            QVERIFY2(maxAbsDiff(alone.hidden[i], batched.hidden[i]) < 1e-5, "hidden states differ in a padded batch");
    }
    // Pooled rows are unit vectors and equal the normalised last hidden state.
    for (size_t i = 0; i < seqs.size(); ++i) {
        const Matrix &h = alone.hidden[i];
        const float *last = h.row(h.rows - 1);
        QVERIFY(std::abs(cosine(last, alone.pooled.row(int64_t(i)), h.cols) - 1.0) < 1e-6);
        double norm = 0;
        for (int64_t c = 0; c < alone.pooled.cols; ++c)
            norm += double(alone.pooled.row(int64_t(i))[c]) * alone.pooled.row(int64_t(i))[c];
        QVERIFY(std::abs(norm - 1.0) < 1e-5);
    }
}

void TestEmbedder::gqaEqualsMhaWithRepeatedHeads()
{
    // Tiny llama: 4 query heads share 2 KV heads (head h uses KV head h / 2). Repeating each KV
    // head's rows gives an equivalent 4-KV-head model that must produce the same states.
    const std::string src = m_dirs.at(Family::Llama);
    const std::string dst = copyModel(src, m_tmp.filePath(QStringLiteral("llama-mha")).toStdString());
    json cfg = readJson(src + "/config.json");
    const int64_t heads = cfg["num_attention_heads"], kv = cfg["num_key_value_heads"], hidden = cfg["hidden_size"];
    const int64_t headDim = hidden / heads, groups = heads / kv;
    cfg["num_key_value_heads"] = heads;
    writeJson(dst + "/config.json", cfg);
    std::vector<OwnedTensor> tensors = readTensors(src);
    for (auto &t : tensors) {
        if (t.name.find("k_proj.weight") == std::string::npos && t.name.find("v_proj.weight") == std::string::npos)
            continue;
        const size_t rowBytes = static_cast<size_t>(hidden) * 4;
        std::vector<uint8_t> out;
        for (int64_t h = 0; h < heads; ++h) {
            const int64_t k = h / groups;
            const uint8_t *begin = t.bytes.data() + static_cast<size_t>(k * headDim) * rowBytes;
            out.insert(out.end(), begin, begin + static_cast<size_t>(headDim) * rowBytes);
        }
        t.bytes = std::move(out);
        t.shape = {heads * headDim, hidden};
    }
    writeTensors(dst + "/model.safetensors", tensors);
    auto gqa = Embedder::load(src);
    auto mha = Embedder::load(dst);
    QCOMPARE(mha->config().numKvHeads, heads);
    std::mt19937 rng(9);
    const std::vector<std::vector<int64_t>> seqs = {randomIds(rng, 21), randomIds(rng, 7)};
    const IdsResult a = gqa->forwardIds(seqs, PaddingSide::Left, 2, true);
    const IdsResult b = mha->forwardIds(seqs, PaddingSide::Left, 2, true);
    QVERIFY(maxAbsDiff(a.pooled, b.pooled) < 1e-6);
    QVERIFY(maxAbsDiff(a.hidden[0], b.hidden[0]) < 1e-5);
}

void TestEmbedder::slidingWindowLimitsAttention()
{
    // Mistral tiny: window 16, 2 layers. Token 0 reaches layer-2 position i only if
    // i <= 2 * (16 - 1), so positions >= 31 must not change when token 0 changes; without the
    // window they must.
    const std::string src = m_dirs.at(Family::Mistral);
    auto windowed = Embedder::load(src);
    QCOMPARE(windowed->config().slidingWindow.value_or(0), int64_t(16));
    std::mt19937 rng(3);
    std::vector<int64_t> a = randomIds(rng, 40);
    std::vector<int64_t> b = a;
    b[0] = (b[0] + 1) % 276;
    const IdsResult r = windowed->forwardIds({a, b}, PaddingSide::Left, 2, true);
    const int64_t cols = r.hidden[0].cols;
    QVERIFY2(maxAbsDiff(r.hidden[0].row(31), r.hidden[1].row(31), 9 * cols) < 1e-6,
             "a token outside the window changed the state");
    QVERIFY2(maxAbsDiff(r.hidden[0].row(30), r.hidden[1].row(30), cols) > 1e-6,
             "position 30 is within two windows of token 0 and must change");

    const std::string dst = copyModel(src, m_tmp.filePath(QStringLiteral("mistral-nowindow")).toStdString());
    json cfg = readJson(src + "/config.json");
    cfg["sliding_window"] = nullptr;
    writeJson(dst + "/config.json", cfg);
    std::filesystem::copy_file(src + "/model.safetensors", dst + "/model.safetensors");
    auto full = Embedder::load(dst);
    QVERIFY(!full->config().slidingWindow);
    const IdsResult f = full->forwardIds({a, b}, PaddingSide::Right, 2, true);
    QVERIFY(maxAbsDiff(f.hidden[0].row(39), f.hidden[1].row(39), cols) > 1e-6);
    // Sequences no longer than the window are unaffected by it.
    const std::vector<int64_t> shortSeq(a.begin(), a.begin() + 16);
    QVERIFY(maxAbsDiff(windowed->forwardIds({shortSeq}, PaddingSide::Right, 1, false).pooled,
                       full->forwardIds({shortSeq}, PaddingSide::Right, 1, false).pooled) < 1e-6);
}

void TestEmbedder::qwen2WindowAppliesFromMaxWindowLayers()
{
    // use_sliding_window with max_window_layers 1: layer 0 attends fully, layer 1 within the
    // window. Token 0 then reaches every later position through layer 0.
    const std::string src = m_dirs.at(Family::Qwen2);
    const std::string dst = copyModel(src, m_tmp.filePath(QStringLiteral("qwen2-window")).toStdString());
    std::filesystem::copy_file(src + "/model.safetensors", dst + "/model.safetensors");
    json cfg = readJson(src + "/config.json");
    cfg["use_sliding_window"] = true;
    cfg["sliding_window"] = 8;
    cfg["max_window_layers"] = 2; // no layer windowed
    writeJson(dst + "/config.json", cfg);
    std::mt19937 rng(4);
    const std::vector<int64_t> a = randomIds(rng, 30);
    const IdsResult unwindowed = Embedder::load(dst)->forwardIds({a}, PaddingSide::Right, 1, false);
    QVERIFY(maxAbsDiff(unwindowed.pooled, Embedder::load(src)->forwardIds({a}, PaddingSide::Right, 1, false).pooled) <
            1e-6);
    cfg["max_window_layers"] = 0; // both layers windowed
    writeJson(dst + "/config.json", cfg);
    std::vector<int64_t> b = a;
    b[0] = (b[0] + 1) % 276;
    auto both = Embedder::load(dst);
    IdsResult r = both->forwardIds({a, b}, PaddingSide::Right, 2, true);
    QVERIFY(maxAbsDiff(r.hidden[0].row(15), r.hidden[1].row(15), 15 * r.hidden[0].cols) < 1e-6);
    cfg["max_window_layers"] = 1; // only layer 1 windowed
    writeJson(dst + "/config.json", cfg);
    r = Embedder::load(dst)->forwardIds({a, b}, PaddingSide::Right, 2, true);
    QVERIFY(maxAbsDiff(r.hidden[0].row(29), r.hidden[1].row(29), r.hidden[0].cols) > 1e-6);
}

void TestEmbedder::bf16IsCloseToF32()
{
    LoadOptions bf;
    bf.dtype = "bf16";
    for (const auto &[family, dir] : m_dirs) {
        auto f32 = Embedder::load(dir);
        auto b16 = Embedder::load(dir, bf);
        QCOMPARE(QString::fromStdString(b16->dtypeName()), QStringLiteral("bf16"));
        std::mt19937 rng(2);
        const std::vector<std::vector<int64_t>> seqs = {randomIds(rng, 30), randomIds(rng, 5)};
        const IdsResult a = f32->forwardIds(seqs, PaddingSide::Right, 2, false);
        const IdsResult b = b16->forwardIds(seqs, PaddingSide::Right, 2, false);
        for (int64_t i = 0; i < a.pooled.rows; ++i) {
            const double c = cosine(a.pooled.row(i), b.pooled.row(i), a.pooled.cols);
            QVERIFY2(c > 0.999,
                     qPrintable(QStringLiteral("%1: bf16 vs f32 cosine %2").arg(f32->config().familyName()).arg(c)));
        }
    }
}

void TestEmbedder::layoutsBareShardedAndBf16Stored()
{
    const std::string src = m_dirs.at(Family::Qwen2);
    std::mt19937 rng(6);
    const std::vector<std::vector<int64_t>> seqs = {randomIds(rng, 12), randomIds(rng, 33)};
    const IdsResult ref = Embedder::load(src)->forwardIds(seqs, PaddingSide::Right, 2, false);
    std::vector<OwnedTensor> tensors = readTensors(src);

    // Bare *Model layout: no "model." prefix, no lm_head.
    const std::string bare = copyModel(src, m_tmp.filePath(QStringLiteral("bare")).toStdString());
    std::vector<OwnedTensor> bareTensors;
    for (const auto &t : tensors)
        if (t.name.rfind("model.", 0) == 0) {
            bareTensors.push_back(t);
            bareTensors.back().name = t.name.substr(6);
        }
    writeTensors(bare + "/model.safetensors", bareTensors);
    QVERIFY(maxAbsDiff(ref.pooled, Embedder::load(bare)->forwardIds(seqs, PaddingSide::Right, 2, false).pooled) < 1e-7);

    // Sharded through model.safetensors.index.json.
    const std::string sharded = copyModel(src, m_tmp.filePath(QStringLiteral("sharded")).toStdString());
    std::vector<OwnedTensor> first(tensors.begin(), tensors.begin() + tensors.size() / 2),
        second(tensors.begin() + tensors.size() / 2, tensors.end());
    writeTensors(sharded + "/model-00001-of-00002.safetensors", first);
    writeTensors(sharded + "/model-00002-of-00002.safetensors", second);
    json index = {{"metadata", json::object()}, {"weight_map", json::object()}};
    for (const auto &t : first)
        index["weight_map"][t.name] = "model-00001-of-00002.safetensors";
    for (const auto &t : second)
        index["weight_map"][t.name] = "model-00002-of-00002.safetensors";
    writeJson(sharded + "/model.safetensors.index.json", index);
    QVERIFY(maxAbsDiff(ref.pooled, Embedder::load(sharded)->forwardIds(seqs, PaddingSide::Right, 2, false).pooled) <
            1e-7);

    // BF16-stored weights run in F32 are widened exactly: same result as F32 weights holding
    // the BF16-rounded values.
    const std::string stored = copyModel(src, m_tmp.filePath(QStringLiteral("bf16-stored")).toStdString());
    const std::string rounded = copyModel(src, m_tmp.filePath(QStringLiteral("bf16-rounded")).toStdString());
    std::vector<OwnedTensor> asBf16 = tensors, asRounded = tensors;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const size_t n = tensors[i].bytes.size() / 4;
        const float *f = reinterpret_cast<const float *>(tensors[i].bytes.data());
        asBf16[i].dtype = st::DType::BF16;
        asBf16[i].bytes.resize(n * 2);
        float *r = reinterpret_cast<float *>(asRounded[i].bytes.data());
        for (size_t k = 0; k < n; ++k) {
            const uint16_t h = toBf16(f[k]);
            std::memcpy(asBf16[i].bytes.data() + 2 * k, &h, 2);
            r[k] = fromBf16(h);
        }
    }
    writeTensors(stored + "/model.safetensors", asBf16);
    writeTensors(rounded + "/model.safetensors", asRounded);
    auto widened = Embedder::load(stored);
    QCOMPARE(QString::fromStdString(widened->dtypeName()), QStringLiteral("f32"));
    const double d = maxAbsDiff(widened->forwardIds(seqs, PaddingSide::Right, 2, false).pooled,
                                Embedder::load(rounded)->forwardIds(seqs, PaddingSide::Right, 2, false).pooled);
    QVERIFY2(d < 1e-7, qPrintable(QString::number(d)));
}

void TestEmbedder::encodingFollowsThePaper()
{
    auto llama = Embedder::load(m_dirs.at(Family::Llama));
    auto qwen = Embedder::load(m_dirs.at(Family::Qwen2));
    QCOMPARE(Embedder::formatQuery("Given a question, retrieve passages", "what is rope?"),
             std::string("Instruct: Given a question, retrieve passages\nQuery: what is rope?"));
    QCOMPARE(Embedder::formatQuery("", "a document"), std::string("a document"));

    const int64_t bos = llama->tokenizer()->tokenToId("<s>").value();
    const int64_t eos = llama->eosTokenId();
    QCOMPARE(eos, llama->tokenizer()->tokenToId("</s>").value());
    const std::string text = "the weather in the north is getting colder";
    const std::vector<int64_t> bare = llama->tokenizer()->encode(text, false);
    std::vector<int64_t> full = llama->encode(text, "", 512);
    // <s> text </s>
    QCOMPARE(full.front(), bos);
    QCOMPARE(full.back(), eos);
    QCOMPARE(std::vector<int64_t>(full.begin() + 1, full.end() - 1), bare);
    // Truncation keeps <s>, cuts the text, then appends EOS: exactly max_length tokens.
    const std::vector<int64_t> cut = llama->encode(text, "", 6);
    QCOMPARE(cut.size(), size_t(6));
    QCOMPARE(cut.front(), bos);
    QCOMPARE(cut.back(), eos);
    QCOMPARE(std::vector<int64_t>(cut.begin() + 1, cut.end() - 1),
             std::vector<int64_t>(bare.begin(), bare.begin() + 4));
    // A query carries the instruction; a document does not.
    const std::vector<int64_t> q = llama->encode(text, "Retrieve semantically similar text.", 512);
    QCOMPARE(q, llama->encode(Embedder::formatQuery("Retrieve semantically similar text.", text), "", 512));
    QVERIFY(q.size() > full.size());
    // Qwen2's tokenizer adds no BOS: text then EOS.
    const std::vector<int64_t> qw = qwen->encode(text, "", 512);
    QCOMPARE(std::vector<int64_t>(qw.begin(), qw.end() - 1), qwen->tokenizer()->encode(text, false));
    QCOMPARE(qw.back(), qwen->eosTokenId());
    // Empty text still gets its EOS, and max length 2 is the floor.
    QCOMPARE(llama->encode("", "", 2), (std::vector<int64_t>{bos, eos}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, llama->encode("x", "", 1));
}

void TestEmbedder::embedTextsMatchesIdsPath()
{
    auto e = Embedder::load(m_dirs.at(Family::Mistral));
    const std::vector<std::string> texts = {"short", "a considerably longer text about the weather and the sea",
                                            "中文文本也可以", "", "medium length text here"};
    EmbedOptions o;
    o.batchSize = 2;
    o.instruction = "Retrieve semantically similar text.";
    const Matrix m = e->embed(texts, o);
    QCOMPARE(m.rows, int64_t(texts.size()));
    for (size_t i = 0; i < texts.size(); ++i) {
        const IdsResult one =
            e->forwardIds({e->encode(texts[i], o.instruction, o.maxLength)}, PaddingSide::Left, 1, false);
        QVERIFY2(maxAbsDiff(one.pooled.row(0), m.row(int64_t(i)), m.cols) < 1e-5, "row out of order or wrong");
    }
}

void TestEmbedder::batchPlanKeepsOrderAndLimitsPadding()
{
    std::mt19937 rng(1);
    std::lognormal_distribution<double> len(4.0, 0.8); // realistic mix: median ~55 tokens, long tail
    std::vector<int64_t> lengths(5000);
    for (auto &l : lengths)
        l = std::clamp<int64_t>(static_cast<int64_t>(len(rng)), 3, 512);
    const auto plan = planBatches(lengths, 32);
    std::vector<int> seen(lengths.size(), 0);
    for (const auto &b : plan) {
        QVERIFY(!b.empty() && b.size() <= 32);
        for (size_t i : b)
            ++seen[i];
    }
    QVERIFY(std::all_of(seen.begin(), seen.end(), [](int s) { return s == 1; }));
    QVERIFY2(paddingWaste(lengths, plan) < 0.10, qPrintable(QString::number(paddingWaste(lengths, plan))));
    // In arrival order the same batches would waste far more.
    std::vector<std::vector<size_t>> naive;
    for (size_t i = 0; i < lengths.size(); i += 32) {
        naive.emplace_back();
        for (size_t k = i; k < std::min(lengths.size(), i + 32); ++k)
            naive.back().push_back(k);
    }
    QVERIFY(paddingWaste(lengths, naive) > 0.4);
    // A token budget caps rows * longest.
    for (const auto &b : planBatches(lengths, 64, 2048)) {
        int64_t longest = 0;
        for (size_t i : b)
            longest = std::max(longest, lengths[i]);
        QVERIFY(b.size() == 1 || longest * int64_t(b.size()) <= 2048);
    }
}

void TestEmbedder::cancellationStopsBetweenBatches()
{
    auto e = Embedder::load(m_dirs.at(Family::Llama));
    std::vector<std::string> texts(10, "some text to embed");
    EmbedOptions o;
    o.batchSize = 2;
    int calls = 0;
    QVERIFY_THROWS_EXCEPTION(Cancelled, e->embed(texts, o, [&](size_t done, size_t total) {
        ++calls;
        return !(done >= 4 && total == 10);
    }));
    QCOMPARE(calls, 2);
}

void TestEmbedder::brokenFoldersGiveClearErrors()
{
    const std::string src = m_dirs.at(Family::Llama);
    const auto expectError = [](const std::string &dir, const std::string &needle) {
        try {
            Embedder::load(dir);
        } catch (const std::exception &e) {
            const std::string what = e.what();
            if (what.find(needle) == std::string::npos)
                QFAIL(qPrintable(QStringLiteral("error '%1' does not mention '%2'")
                                     .arg(QString::fromStdString(what), QString::fromStdString(needle))));
            return;
        }
        QFAIL(qPrintable(QStringLiteral("no error for %1").arg(QString::fromStdString(dir))));
    };
    std::vector<OwnedTensor> tensors = readTensors(src);

    const std::string missing = copyModel(src, m_tmp.filePath(QStringLiteral("missing")).toStdString());
    std::vector<OwnedTensor> fewer;
    for (const auto &t : tensors)
        if (t.name != "model.layers.1.mlp.up_proj.weight")
            fewer.push_back(t);
    writeTensors(missing + "/model.safetensors", fewer);
    expectError(missing, "model.layers.1.mlp.up_proj.weight");

    const std::string shape = copyModel(src, m_tmp.filePath(QStringLiteral("shape")).toStdString());
    json cfg = readJson(src + "/config.json");
    cfg["intermediate_size"] = 96;
    writeJson(shape + "/config.json", cfg);
    std::filesystem::copy_file(src + "/model.safetensors", shape + "/model.safetensors");
    expectError(shape, "intermediate_size: does not match 'model.layers.0.mlp.gate_proj.weight' [128, 64]");

    const std::string ints = copyModel(src, m_tmp.filePath(QStringLiteral("ints")).toStdString());
    std::vector<OwnedTensor> withInt = tensors;
    for (auto &t : withInt)
        if (t.name == "model.norm.weight")
            t.dtype = st::DType::I32;
    writeTensors(ints + "/model.safetensors", withInt);
    expectError(ints, "model.norm.weight' has dtype I32");

    const std::string shard = copyModel(src, m_tmp.filePath(QStringLiteral("noshard")).toStdString());
    writeJson(shard + "/model.safetensors.index.json",
              {{"weight_map", {{"model.embed_tokens.weight", "model-00001-of-00002.safetensors"}}}});
    expectError(shard, "model-00001-of-00002.safetensors");

    const std::string noConfig = m_tmp.filePath(QStringLiteral("noconfig")).toStdString();
    std::filesystem::create_directories(noConfig);
    expectError(noConfig, "config.json");
    expectError(m_tmp.filePath(QStringLiteral("does-not-exist")).toStdString(), "not a model folder");

    // A folder without tokenizer files loads for --ids use but cannot embed text.
    const std::string noTok = m_tmp.filePath(QStringLiteral("notok")).toStdString();
    std::filesystem::create_directories(noTok);
    std::filesystem::copy_file(src + "/config.json", noTok + "/config.json");
    std::filesystem::copy_file(src + "/model.safetensors", noTok + "/model.safetensors");
    auto e = Embedder::load(noTok);
    QVERIFY(!e->tokenizer());
    QCOMPARE(e->forwardIds({{1, 2, 3}}, PaddingSide::Right, 1, false).pooled.rows, int64_t(1));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, e->embed({"text"}, {}));
    LoadOptions need;
    need.requireTokenizer = true;
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, Embedder::load(noTok, need));
    // Out-of-vocabulary ids are refused, not looked up out of bounds.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, e->forwardIds({{1, 999999}}, PaddingSide::Right, 1, false));
}

QTEST_GUILESS_MAIN(TestEmbedder)
#include "tst_embedder.moc"
