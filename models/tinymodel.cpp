// SPDX-License-Identifier: GPL-3.0-or-later
// Tiny model folders: config, seeded weights, byte-level BPE tokenizer.
#include "models/tinymodel.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>
#include <filesystem>
#include <fstream>
#include <cmath>
#include <random>

#include <nlohmann/json.hpp>

#include "models/safetensors.h"

namespace ef::models {

namespace {

using json = nlohmann::ordered_json;

void writeText(const std::string &path, const std::string &text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
}

// GPT-2's reversible byte -> printable code point mapping, as UTF-8 strings.
std::vector<std::string> byteSymbols()
{
    std::vector<int> printable;
    for (int b = '!'; b <= '~'; ++b)
        printable.push_back(b);
    for (int b = 0xA1; b <= 0xAC; ++b)
        printable.push_back(b);
    for (int b = 0xAE; b <= 0xFF; ++b)
        printable.push_back(b);
    std::vector<int> cp(256, -1);
    for (int b : printable)
        cp[b] = b;
    int next = 256;
    for (int b = 0; b < 256; ++b)
        if (cp[b] < 0)
            cp[b] = next++;
    std::vector<std::string> out(256);
    for (int b = 0; b < 256; ++b) {
        const int c = cp[b];
        std::string s;
        if (c < 0x80) {
            s += static_cast<char>(c);
        } else {
            s += static_cast<char>(0xC0 | (c >> 6));
            s += static_cast<char>(0x80 | (c & 0x3F));
        }
        out[b] = s;
    }
    return out;
}

const std::vector<std::pair<std::string, std::string>> &fixedMerges()
{
    // A few merges of common English pieces ("Ġ" is the byte-level space).
    static const std::vector<std::pair<std::string, std::string>> merges = {
        {"\xC4\xA0", "t"}, {"h", "e"},          {"i", "n"},        {"\xC4\xA0", "a"}, {"e", "r"},
        {"o", "n"},        {"\xC4\xA0t", "he"}, {"r", "e"},        {"a", "t"},        {"e", "n"},
        {"\xC4\xA0", "s"}, {"o", "r"},          {"\xC4\xA0", "w"}, {"e", "d"},        {"i", "s"},
        {"\xC4\xA0", "c"}, {"a", "n"},          {"in", "g"},       {"\xC4\xA0", "o"}, {"\xC4\xA0", "e"}};
    return merges;
}

json tokenizerJson(Family family, const std::vector<std::pair<std::string, std::string>> &merges, int64_t *vocabSize,
                   int64_t *bos, int64_t *eos)
{
    const std::vector<std::string> bytes = byteSymbols();
    json vocab = json::object();
    for (int b = 0; b < 256; ++b)
        vocab[bytes[b]] = b;
    json mergeList = json::array();
    int64_t id = 256;
    for (const auto &[a, b] : merges) {
        mergeList.push_back(a + " " + b);
        if (!vocab.contains(a + b))
            vocab[a + b] = id++;
    }
    const int64_t bosId = id++, eosId = id++, padId = id++;
    vocab["<s>"] = bosId;
    vocab["</s>"] = eosId;
    vocab["<pad>"] = padId;
    *vocabSize = id;
    *bos = bosId;
    *eos = eosId;
    auto added = [](int64_t i, const char *content) {
        return json{{"id", i},         {"content", content},  {"single_word", false}, {"lstrip", false},
                    {"rstrip", false}, {"normalized", false}, {"special", true}};
    };
    json t = {{"version", "1.0"},
              {"truncation", nullptr},
              {"padding", nullptr},
              {"added_tokens", json::array({added(bosId, "<s>"), added(eosId, "</s>"), added(padId, "<pad>")})},
              {"normalizer", nullptr},
              {"pre_tokenizer",
               {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}}}};
    if (family == Family::Qwen2) {
        t["post_processor"] = {
            {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}};
    } else {
        // Llama/Mistral style: <s> before every sequence.
        t["post_processor"] = {
            {"type", "TemplateProcessing"},
            {"single", json::array({{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                                    {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})},
            {"pair", json::array({{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                                  {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                                  {{"SpecialToken", {{"id", "<s>"}, {"type_id", 1}}}},
                                  {{"Sequence", {{"id", "B"}, {"type_id", 1}}}}})},
            {"special_tokens",
             {{"<s>", {{"id", "<s>"}, {"ids", json::array({bosId})}, {"tokens", json::array({"<s>"})}}}}}};
    }
    t["decoder"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
    t["model"] = {{"type", "BPE"},
                  {"dropout", nullptr},
                  {"unk_token", nullptr},
                  {"continuing_subword_prefix", nullptr},
                  {"end_of_word_suffix", nullptr},
                  {"fuse_unk", false},
                  {"byte_fallback", false},
                  {"ignore_merges", false},
                  {"vocab", vocab},
                  {"merges", mergeList}};
    return t;
}

} // namespace

std::vector<std::pair<std::string, std::string>>
learnByteLevelMerges(const std::vector<std::string> &texts, int count,
                     const std::vector<std::pair<std::string, std::string>> &initial)
{
    const std::vector<std::string> bytes = byteSymbols();
    // Word frequencies, each word as its byte symbols ("Ġ" + word after a space).
    std::map<std::string, int64_t> words;
    for (const std::string &t : texts) {
        std::string word;
        bool space = false;
        const auto flush = [&] {
            if (!word.empty())
                ++words[word];
            word.clear();
        };
        for (unsigned char c : t) {
            if (c == ' ' || c == '\n' || c == '\t') {
                flush();
                space = true;
                continue;
            }
            if (word.empty() && space)
                word += bytes[' '];
            word += bytes[c];
            space = false;
        }
        flush();
    }
    // Symbols as ids; each word a sequence of ids. A symbol is one byte's (UTF-8) string at first.
    std::vector<std::string> symbol;
    std::unordered_map<std::string, int32_t> idOf;
    const auto intern = [&](const std::string &t) {
        const auto it = idOf.find(t);
        if (it != idOf.end())
            return it->second;
        symbol.push_back(t);
        return idOf[t] = static_cast<int32_t>(symbol.size() - 1);
    };
    std::vector<std::vector<int32_t>> seqs;
    std::vector<int64_t> freq;
    for (const auto &[w, n] : words) {
        std::vector<int32_t> syms;
        for (size_t i = 0; i < w.size();) {
            const unsigned char c = static_cast<unsigned char>(w[i]);
            const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : 3;
            syms.push_back(intern(w.substr(i, len)));
            i += len;
        }
        seqs.push_back(std::move(syms));
        freq.push_back(n);
    }
    const auto key = [](int32_t a, int32_t b) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    };
    std::unordered_map<uint64_t, int64_t> counts;
    std::unordered_map<uint64_t, std::set<size_t>> where;
    const auto addPairs = [&](size_t w, int64_t sign) {
        const auto &sq = seqs[w];
        for (size_t i = 0; i + 1 < sq.size(); ++i) {
            const uint64_t k = key(sq[i], sq[i + 1]);
            counts[k] += sign * freq[w];
            if (sign > 0)
                where[k].insert(w);
        }
    };
    for (size_t w = 0; w < seqs.size(); ++w)
        addPairs(w, 1);
    const auto merge = [&](int32_t a, int32_t b) {
        const uint64_t k = key(a, b);
        const int32_t ab = intern(symbol[static_cast<size_t>(a)] + symbol[static_cast<size_t>(b)]);
        const auto it = where.find(k);
        if (it == where.end())
            return;
        const std::set<size_t> affected = it->second;
        for (size_t w : affected) {
            addPairs(w, -1);
            std::vector<int32_t> out;
            const auto &sq = seqs[w];
            for (size_t i = 0; i < sq.size(); ++i) {
                if (i + 1 < sq.size() && sq[i] == a && sq[i + 1] == b) {
                    out.push_back(ab);
                    ++i;
                } else {
                    out.push_back(sq[i]);
                }
            }
            seqs[w] = std::move(out);
            addPairs(w, 1);
        }
        where.erase(k);
    };
    std::vector<std::pair<std::string, std::string>> merges = initial;
    std::set<std::string> known;
    for (const auto &[a, b] : initial) {
        known.insert(a + b);
        const auto ia = idOf.find(a), ib = idOf.find(b);
        if (ia != idOf.end() && ib != idOf.end())
            merge(ia->second, ib->second);
    }
    for (int m = 0; m < count; ++m) {
        uint64_t best = 0;
        int64_t bestCount = 1; // a pair seen once is not worth a token
        bool found = false;
        for (const auto &[k, n] : counts) {
            if (n < bestCount || (n == bestCount && !found))
                continue;
            const std::string joined = symbol[k >> 32] + symbol[k & 0xffffffffu];
            if (known.count(joined))
                continue;
            // Ties: the smaller pair of symbol strings, so the result does not depend on hashing.
            if (found && n == bestCount &&
                std::make_pair(symbol[k >> 32], symbol[k & 0xffffffffu]) >
                    std::make_pair(symbol[best >> 32], symbol[best & 0xffffffffu]))
                continue;
            best = k;
            bestCount = n;
            found = true;
        }
        if (!found)
            break;
        const int32_t a = static_cast<int32_t>(best >> 32), b = static_cast<int32_t>(best & 0xffffffffu);
        merges.emplace_back(symbol[static_cast<size_t>(a)], symbol[static_cast<size_t>(b)]);
        known.insert(symbol[static_cast<size_t>(a)] + symbol[static_cast<size_t>(b)]);
        merge(a, b);
    }
    return merges;
}

ModelConfig makeTinyModel(const std::string &outDir, const TinyModelOptions &options)
{
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (ec)
        throw std::runtime_error(outDir + ": cannot create the folder: " + ec.message());
    int64_t vocabSize = 0, bos = 0, eos = 0;
    const auto merges =
        options.merges > 0 ? learnByteLevelMerges(options.mergeTexts, options.merges, fixedMerges()) : fixedMerges();
    const json tokenizer = tokenizerJson(options.family, merges, &vocabSize, &bos, &eos);
    const int64_t paddedVocab = (vocabSize + 63) / 64 * 64; // real checkpoints pad the embedding rows too

    const char *type = options.family == Family::Llama     ? "llama"
                       : options.family == Family::Mistral ? "mistral"
                                                           : "qwen2";
    const char *arch = options.family == Family::Llama     ? "LlamaForCausalLM"
                       : options.family == Family::Mistral ? "MistralForCausalLM"
                                                           : "Qwen2ForCausalLM";
    json cfg = {{"architectures", json::array({arch})},
                {"model_type", type},
                {"hidden_size", options.hidden},
                {"intermediate_size", options.intermediate},
                {"num_hidden_layers", options.layers},
                {"num_attention_heads", options.heads},
                {"num_key_value_heads", options.kvHeads},
                {"vocab_size", paddedVocab},
                {"max_position_embeddings", 512},
                {"rms_norm_eps", 1e-6},
                {"rope_theta", options.family == Family::Qwen2 ? 1000000.0 : 10000.0},
                {"hidden_act", "silu"},
                {"tie_word_embeddings", false},
                {"bos_token_id", bos},
                {"eos_token_id", eos},
                {"torch_dtype", "float32"}};
    if (options.family == Family::Mistral)
        cfg["sliding_window"] = 16; // small enough that tests exercise the window
    if (options.family == Family::Qwen2)
        cfg["use_sliding_window"] = false;
    const std::string configText = cfg.dump(2);
    const ModelConfig config = ModelConfig::fromJson(configText, outDir + "/config.json");
    writeText(outDir + "/config.json", configText + "\n");
    writeText(outDir + "/tokenizer.json", tokenizer.dump() + "\n");
    writeText(outDir + "/tokenizer_config.json", json{{"bos_token", "<s>"},
                                                      {"eos_token", "</s>"},
                                                      {"pad_token", "<pad>"},
                                                      {"model_max_length", 512},
                                                      {"add_bos_token", options.family != Family::Qwen2},
                                                      {"add_eos_token", false}}
                                                         .dump(2) +
                                                     "\n");

    // Seeded weights: N(0, 0.02) for matrices, embeddings and biases; norms 1 + N(0, 0.1), so a
    // decoder that ignored the norm weights would not match a reference.
    // Box-Muller on the engine's raw output: std::normal_distribution differs between standard
    // libraries, and the committed transformers references depend on these exact weights.
    std::mt19937_64 rng(options.seed);
    const auto normal = [&rng](std::mt19937_64 &) {
        const double u1 = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
        const double u2 = static_cast<double>(rng() >> 11) * 0x1.0p-53;
        return static_cast<float>(0.02 * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    };
    std::vector<std::vector<float>> storage;
    std::vector<st::TensorData> tensors;
    const auto add = [&](const std::string &name, std::vector<int64_t> shape, bool ones = false) {
        int64_t n = 1;
        for (int64_t d : shape)
            n *= d;
        std::vector<float> v(static_cast<size_t>(n));
        for (float &x : v)
            x = ones ? 1.0f + 5.0f * normal(rng) : normal(rng);
        storage.push_back(std::move(v));
        tensors.push_back({name, st::DType::F32, std::move(shape), storage.back().data()});
    };
    storage.reserve(64);
    const int64_t h = config.hiddenSize, q = config.numHeads * config.headDim, kv = config.numKvHeads * config.headDim;
    add("model.embed_tokens.weight", {config.vocabSize, h});
    for (int64_t l = 0; l < config.numLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        add(p + "input_layernorm.weight", {h}, true);
        add(p + "self_attn.q_proj.weight", {q, h});
        add(p + "self_attn.k_proj.weight", {kv, h});
        add(p + "self_attn.v_proj.weight", {kv, h});
        if (config.attentionBias) {
            add(p + "self_attn.q_proj.bias", {q});
            add(p + "self_attn.k_proj.bias", {kv});
            add(p + "self_attn.v_proj.bias", {kv});
        }
        add(p + "self_attn.o_proj.weight", {h, q});
        add(p + "post_attention_layernorm.weight", {h}, true);
        add(p + "mlp.gate_proj.weight", {config.intermediateSize, h});
        add(p + "mlp.up_proj.weight", {config.intermediateSize, h});
        add(p + "mlp.down_proj.weight", {h, config.intermediateSize});
    }
    add("model.norm.weight", {h}, true);
    add("lm_head.weight", {config.vocabSize, h});
    st::write(outDir + "/model.safetensors", tensors, {{"format", "pt"}});
    return config;
}

} // namespace ef::models
