// SPDX-License-Identifier: GPL-3.0-or-later
// config.json parsing and validation.
#include "models/modelconfig.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace ef::models {

ConfigError::ConfigError(const std::string &file, const std::string &field, const std::string &message)
    : std::runtime_error(file + (field.empty() ? std::string() : ": " + field) + ": " + message), m_field(field)
{}

namespace {

using json = nlohmann::json;

struct Reader
{
    const json &j;
    const std::string &file;

    bool has(const char *key) const { return j.contains(key) && !j[key].is_null(); }

    int64_t integer(const char *key, std::optional<int64_t> def = std::nullopt, int64_t min = 1) const
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
        r.factor = rd.number("factor", 1.0);
    } else if (type == "llama3") {
        r.type = type;
        r.factor = rd.number("factor", 8.0);
        r.lowFreqFactor = rd.number("low_freq_factor", 1.0);
        r.highFreqFactor = rd.number("high_freq_factor", 4.0);
        r.originalMaxPositions = rd.integer("original_max_position_embeddings", 8192);
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
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error &e) {
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

    c.hiddenSize = rd.integer("hidden_size");
    c.intermediateSize = rd.integer("intermediate_size");
    c.numLayers = rd.integer("num_hidden_layers");
    c.numHeads = rd.integer("num_attention_heads");
    c.numKvHeads = rd.integer("num_key_value_heads", c.numHeads);
    c.vocabSize = rd.integer("vocab_size");
    c.maxPositions = rd.integer("max_position_embeddings", 2048);
    if (c.numHeads % c.numKvHeads != 0)
        throw ConfigError(file, "num_key_value_heads",
                          std::to_string(c.numKvHeads) + " does not divide num_attention_heads " +
                              std::to_string(c.numHeads));
    if (rd.has("head_dim")) {
        c.headDim = rd.integer("head_dim");
    } else {
        if (c.hiddenSize % c.numHeads != 0)
            throw ConfigError(file, "hidden_size",
                              std::to_string(c.hiddenSize) + " is not divisible by num_attention_heads " +
                                  std::to_string(c.numHeads) + " and no head_dim is given");
        c.headDim = c.hiddenSize / c.numHeads;
    }
    if (c.headDim % 2 != 0)
        throw ConfigError(file, "head_dim", "must be even for rotary embeddings, not " + std::to_string(c.headDim));
    c.rmsNormEps = rd.number("rms_norm_eps", 1e-6);
    c.ropeTheta = rd.number("rope_theta", 10000.0);
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
            c.slidingWindow = rd.integer("sliding_window");
        break;
    case Family::Qwen2:
        c.attentionBias = true; // Qwen2 has q/k/v biases
        if (rd.boolean("use_sliding_window", false)) {
            c.slidingWindow = rd.integer("sliding_window", 4096);
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
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ConfigError(path, {}, "cannot be read");
    std::stringstream ss;
    ss << in.rdbuf();
    return fromJson(ss.str(), path);
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
