// SPDX-License-Identifier: GPL-3.0-or-later
// config.json parsing and validation.
#include "models/modelconfig.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "models/fileguard.h"
#include "models/jsonguard.h"
#include "models/safetensors.h"

namespace ef::models {

ConfigError::ConfigError(const std::string &file, const std::string &field, const std::string &message)
    : std::runtime_error(file + (field.empty() ? std::string() : ": " + field) + ": " + message), m_field(field)
{}

namespace {

using json = nlohmann::json;

// Bounds on sizes (README, "Limits on inputs"): generous for every released model (largest
// today: hidden 16,384, 126 layers, 128 heads, vocabulary 262,144, context 10M), small enough
// that nothing sized by them can exhaust memory before the weights are checked.
constexpr uint64_t kMaxConfigBytes = uint64_t(16) << 20;
constexpr int64_t kMaxHidden = int64_t(1) << 16;
constexpr int64_t kMaxIntermediate = int64_t(1) << 20;
constexpr int64_t kMaxLayers = 1024;
constexpr int64_t kMaxHeads = 1024;
constexpr int64_t kMaxHeadDim = 4096;
constexpr int64_t kMaxVocab = int64_t(1) << 22;
constexpr int64_t kMaxPositions = int64_t(1) << 24;

struct Reader
{
    const json &j;
    const std::string &file;

    bool has(const char *key) const { return j.contains(key) && !j[key].is_null(); }

    int64_t integer(const char *key, std::optional<int64_t> def = std::nullopt, int64_t min = 1,
                    int64_t max = INT64_MAX) const
    {
        if (!has(key)) {
            if (def)
                return *def;
            throw ConfigError(file, key, "is required");
        }
        if (!j[key].is_number_integer())
            throw ConfigError(file, key, "must be an integer, not " + j[key].dump());
        const int64_t v = j[key].get<int64_t>();
        if (v < min)
            throw ConfigError(file, key, "must be at least " + std::to_string(min) + ", not " + std::to_string(v));
        if (v > max)
            throw ConfigError(file, key,
                              "must be at most " + std::to_string(max) + ", not " + std::to_string(v) +
                                  " (larger than any model EmbedForge can run)");
        return v;
    }

    double number(const char *key, double def) const
    {
        if (!has(key))
            return def;
        if (!j[key].is_number())
            throw ConfigError(file, key, "must be a number, not " + j[key].dump());
        return j[key].get<double>();
    }

    // A number that must be finite and greater than zero (eps, theta, scaling factors).
    double positive(const char *key, double def, const std::string &field = {}) const
    {
        const double v = number(key, def);
        if (!std::isfinite(v) || v <= 0)
            throw ConfigError(file, field.empty() ? key : field,
                              "must be a finite number greater than 0, not " + j[key].dump());
        return v;
    }

    bool boolean(const char *key, bool def) const
    {
        if (!has(key))
            return def;
        if (!j[key].is_boolean())
            throw ConfigError(file, key, "must be true or false, not " + j[key].dump());
        return j[key].get<bool>();
    }
};

RopeScaling readRopeScaling(const json &j, const std::string &file)
{
    RopeScaling r;
    if (!j.contains("rope_scaling") || j["rope_scaling"].is_null())
        return r;
    const json &s = j["rope_scaling"];
    if (!s.is_object())
        throw ConfigError(file, "rope_scaling", "must be an object or null");
    std::string type = s.contains("rope_type") ? s["rope_type"].get<std::string>()
                                               : (s.contains("type") ? s["type"].get<std::string>() : std::string());
    if (type == "default")
        return r;
    const Reader rd{s, file};
    if (type == "linear" || type == "dynamic") {
        r.type = type;
        r.factor = rd.positive("factor", 1.0, "rope_scaling.factor");
    } else if (type == "llama3") {
        r.type = type;
        r.factor = rd.positive("factor", 8.0, "rope_scaling.factor");
        r.lowFreqFactor = rd.positive("low_freq_factor", 1.0, "rope_scaling.low_freq_factor");
        r.highFreqFactor = rd.positive("high_freq_factor", 4.0, "rope_scaling.high_freq_factor");
        r.originalMaxPositions = rd.integer("original_max_position_embeddings", 8192, 1, kMaxPositions);
        if (!(r.highFreqFactor > r.lowFreqFactor))
            throw ConfigError(file, "rope_scaling.high_freq_factor", "must be greater than low_freq_factor");
    } else {
        throw ConfigError(file, "rope_scaling.type",
                          "\"" + type + "\" is not supported (none, linear, dynamic, llama3)");
    }
    if (!(r.factor > 0))
        throw ConfigError(file, "rope_scaling.factor", "must be positive");
    return r;
}

} // namespace

ModelConfig ModelConfig::fromJson(const std::string &text, const std::string &file)
{
    try {
        return parse(text, file);
    } catch (const json::exception &e) { // a value of the wrong JSON type somewhere
        throw ConfigError(file, {}, e.what());
    }
}

ModelConfig ModelConfig::parse(const std::string &text, const std::string &file)
{
    if (const auto tooDeep = jsonguard::findTooDeep(text))
        throw ConfigError(file, {}, jsonguard::describe(*tooDeep));
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception &e) { // parse_error, or out_of_range for a number too large
        throw ConfigError(file, {}, std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object())
        throw ConfigError(file, {}, "is not a JSON object");
    const Reader rd{j, file};
    ModelConfig c;
    if (!rd.has("model_type") || !j["model_type"].is_string())
        throw ConfigError(file, "model_type", "is required (llama, mistral or qwen2)");
    c.modelType = j["model_type"].get<std::string>();
    if (c.modelType == "llama")
        c.family = Family::Llama;
    else if (c.modelType == "mistral")
        c.family = Family::Mistral;
    else if (c.modelType == "qwen2")
        c.family = Family::Qwen2;
    else
        throw ConfigError(file, "model_type", "\"" + c.modelType + "\" is not supported (llama, mistral, qwen2)");
    if (rd.has("architectures") && j["architectures"].is_array() && !j["architectures"].empty() &&
        j["architectures"][0].is_string())
        c.architecture = j["architectures"][0].get<std::string>();
    if (rd.has("hidden_act") && j["hidden_act"] != "silu")
        throw ConfigError(file, "hidden_act", j["hidden_act"].dump() + " is not supported (silu)");
    if (rd.boolean("mlp_bias", false))
        throw ConfigError(file, "mlp_bias", "MLP biases are not supported");

    c.hiddenSize = rd.integer("hidden_size", std::nullopt, 1, kMaxHidden);
    c.intermediateSize = rd.integer("intermediate_size", std::nullopt, 1, kMaxIntermediate);
    c.numLayers = rd.integer("num_hidden_layers", std::nullopt, 1, kMaxLayers);
    c.numHeads = rd.integer("num_attention_heads", std::nullopt, 1, kMaxHeads);
    c.numKvHeads = rd.integer("num_key_value_heads", c.numHeads, 1, kMaxHeads);
    c.vocabSize = rd.integer("vocab_size", std::nullopt, 1, kMaxVocab);
    c.maxPositions = rd.integer("max_position_embeddings", 2048, 1, kMaxPositions);
    if (c.numHeads % c.numKvHeads != 0)
        throw ConfigError(file, "num_key_value_heads",
                          std::to_string(c.numKvHeads) + " does not divide num_attention_heads " +
                              std::to_string(c.numHeads));
    if (rd.has("head_dim")) {
        c.headDim = rd.integer("head_dim", std::nullopt, 1, kMaxHeadDim);
    } else {
        if (c.hiddenSize % c.numHeads != 0)
            throw ConfigError(file, "hidden_size",
                              std::to_string(c.hiddenSize) + " is not divisible by num_attention_heads " +
                                  std::to_string(c.numHeads) + " and no head_dim is given");
        c.headDim = c.hiddenSize / c.numHeads;
        if (c.headDim > kMaxHeadDim)
            throw ConfigError(file, "hidden_size",
                              "gives a head dimension of " + std::to_string(c.headDim) +
                                  " (hidden_size / "
                                  "num_attention_heads), more than " +
                                  std::to_string(kMaxHeadDim));
    }
    if (c.headDim % 2 != 0)
        throw ConfigError(file, "head_dim", "must be even for rotary embeddings, not " + std::to_string(c.headDim));
    c.rmsNormEps = rd.positive("rms_norm_eps", 1e-6);
    c.ropeTheta = rd.positive("rope_theta", 10000.0);
    c.ropeScaling = readRopeScaling(j, file);
    c.tieWordEmbeddings = rd.boolean("tie_word_embeddings", false);
    switch (c.family) {
    case Family::Llama:
        c.attentionBias = rd.boolean("attention_bias", false);
        break;
    case Family::Mistral:
        if (rd.boolean("attention_bias", false))
            throw ConfigError(file, "attention_bias", "Mistral models have no attention bias");
        if (rd.has("sliding_window"))
            c.slidingWindow = rd.integer("sliding_window", std::nullopt, 1, kMaxPositions);
        break;
    case Family::Qwen2:
        c.attentionBias = true; // Qwen2 has q/k/v biases
        if (rd.boolean("use_sliding_window", false)) {
            c.slidingWindow = rd.integer("sliding_window", 4096, 1, kMaxPositions);
            c.maxWindowLayers = rd.integer("max_window_layers", c.numLayers, 0);
        }
        break;
    }
    if (rd.has("bos_token_id"))
        c.bosTokenId = rd.integer("bos_token_id", std::nullopt, 0);
    if (rd.has("eos_token_id")) {
        const json &e = j["eos_token_id"];
        if (e.is_number_integer()) {
            c.eosTokenIds.push_back(e.get<int64_t>());
        } else if (e.is_array()) {
            for (const json &x : e) {
                if (!x.is_number_integer())
                    throw ConfigError(file, "eos_token_id", "must be an integer or a list of integers");
                c.eosTokenIds.push_back(x.get<int64_t>());
            }
        } else {
            throw ConfigError(file, "eos_token_id", "must be an integer or a list of integers");
        }
    }
    if (rd.has("pad_token_id"))
        c.padTokenId = rd.integer("pad_token_id", std::nullopt, 0);
    for (int64_t id : c.eosTokenIds)
        if (id < 0 || id >= c.vocabSize)
            throw ConfigError(file, "eos_token_id",
                              std::to_string(id) + " is outside the vocabulary of " + std::to_string(c.vocabSize));
    if (rd.has("torch_dtype")) {
        c.torchDtype = j["torch_dtype"].get<std::string>();
        if (c.torchDtype != "float32" && c.torchDtype != "bfloat16" && c.torchDtype != "float16")
            throw ConfigError(file, "torch_dtype",
                              "\"" + c.torchDtype + "\" is not supported (float32, bfloat16, float16)");
    }
    return c;
}

ModelConfig ModelConfig::fromFile(const std::string &path)
{
    std::string text;
    try {
        text = files::readRegular(path, kMaxConfigBytes);
    } catch (const files::FileError &e) {
        throw ConfigError(path, {}, e.reason());
    }
    return fromJson(text, path);
}

namespace {

std::string shapeText(const std::vector<int64_t> &shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// The file of the checkpoint that holds tensor t.
std::string fileOf(const st::Checkpoint &checkpoint, const st::TensorView *t)
{
    for (const auto &f : checkpoint.files())
        for (const st::TensorView &v : f->tensors())
            if (&v == t)
                return f->path();
    return "the checkpoint";
}

} // namespace

void checkAgainstWeights(const ModelConfig &c, const st::Checkpoint &checkpoint, const std::string &configFile)
{
    std::string prefix = "model.";
    const st::TensorView *embed = checkpoint.find("model.embed_tokens.weight");
    if (!embed) {
        embed = checkpoint.find("embed_tokens.weight");
        prefix.clear();
    }
    if (embed) {
        const std::string where =
            "'" + embed->name + "' " + shapeText(embed->shape) + " in " + fileOf(checkpoint, embed);
        if (embed->shape.size() != 2)
            throw ConfigError(configFile, "hidden_size", "cannot be checked: " + where + " is not a matrix");
        if (embed->shape[0] != c.vocabSize)
            throw ConfigError(configFile, "vocab_size",
                              "is " + std::to_string(c.vocabSize) + ", but " + where + " has " +
                                  std::to_string(embed->shape[0]) + " rows");
        if (embed->shape[1] != c.hiddenSize)
            throw ConfigError(configFile, "hidden_size",
                              "is " + std::to_string(c.hiddenSize) + ", but " + where + " has " +
                                  std::to_string(embed->shape[1]) + " columns");
    }
    // Layers present: the indices N of "<prefix>layers.N." names.
    int64_t present = 0;
    const std::string layers = prefix + "layers.";
    for (const std::string &name : checkpoint.names()) {
        if (name.compare(0, layers.size(), layers) != 0)
            continue;
        const size_t dot = name.find('.', layers.size());
        const std::string index =
            name.substr(layers.size(), dot == std::string::npos ? std::string::npos : dot - layers.size());
        if (index.empty() || index.size() > 9 || index.find_first_not_of("0123456789") != std::string::npos)
            continue;
        present = std::max<int64_t>(present, std::stoll(index) + 1);
    }
    if (c.numLayers > present)
        throw ConfigError(configFile, "num_hidden_layers",
                          "is " + std::to_string(c.numLayers) + ", but the checkpoint holds " +
                              (present ? "layers 0 to " + std::to_string(present - 1) + " only"
                                       : std::string("no '") + layers + "N.' tensors"));
    struct Expect
    {
        const char *tensor;
        int64_t rows;
        int64_t cols;
        const char *field;
    };
    const Expect expect[] = {
        {"self_attn.q_proj.weight", c.numHeads * c.headDim, c.hiddenSize, "num_attention_heads"},
        {"self_attn.k_proj.weight", c.numKvHeads * c.headDim, c.hiddenSize, "num_key_value_heads"},
        {"mlp.gate_proj.weight", c.intermediateSize, c.hiddenSize, "intermediate_size"},
    };
    for (const Expect &e : expect) {
        const st::TensorView *t = checkpoint.find(layers + "0." + e.tensor);
        if (!t || (t->shape.size() == 2 && t->shape[0] == e.rows && t->shape[1] == e.cols))
            continue;
        throw ConfigError(configFile, e.field,
                          "does not match '" + t->name + "' " + shapeText(t->shape) + " in " + fileOf(checkpoint, t) +
                              ": config.json implies " + shapeText({e.rows, e.cols}) + " (num_attention_heads " +
                              std::to_string(c.numHeads) + ", num_key_value_heads " + std::to_string(c.numKvHeads) +
                              ", head_dim " + std::to_string(c.headDim) + ", hidden_size " +
                              std::to_string(c.hiddenSize) + ", intermediate_size " +
                              std::to_string(c.intermediateSize) + ")");
    }
}

const char *ModelConfig::familyName() const
{
    switch (family) {
    case Family::Llama:
        return "llama";
    case Family::Mistral:
        return "mistral";
    case Family::Qwen2:
        return "qwen2";
    }
    return "?";
}

} // namespace ef::models
