// SPDX-License-Identifier: GPL-3.0-or-later
// Hugging Face config.json for the decoder families EmbedForge runs: llama, mistral, qwen2.
// Every field the decoder needs is read and checked; an unknown model_type or an option the
// decoder does not implement (YaRN rope scaling, MLP bias, a non-SiLU activation...) is a
// ConfigError naming the file and field, never a silently different model. Sizes outside what
// any released model uses (e.g. num_hidden_layers above 1024) and values outside their domain
// (rope_theta <= 0, rms_norm_eps <= 0, head_dim not dividing...) are refused the same way, and
// checkAgainstWeights() compares the sizes with the tensors a checkpoint really holds.
// Only a regular file is read (models/fileguard.h), at most 16 MiB.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ef::st {
class Checkpoint;
}

namespace ef::models {

class ConfigError : public std::runtime_error
{
public:
    ConfigError(const std::string &file, const std::string &field, const std::string &message);
    const std::string &field() const { return m_field; }

private:
    std::string m_field;
};

enum class Family { Llama, Mistral, Qwen2 };

struct RopeScaling
{
    std::string type = "none"; // none, linear, dynamic, llama3
    double factor = 1.0;
    double lowFreqFactor = 1.0;          // llama3
    double highFreqFactor = 4.0;         // llama3
    int64_t originalMaxPositions = 8192; // llama3
};

struct ModelConfig
{
    Family family = Family::Llama;
    std::string modelType;    // as written in config.json
    std::string architecture; // architectures[0], e.g. "MistralForCausalLM" (may be empty)
    int64_t hiddenSize = 0;
    int64_t intermediateSize = 0;
    int64_t numLayers = 0;
    int64_t numHeads = 0;
    int64_t numKvHeads = 0;
    int64_t headDim = 0;
    int64_t vocabSize = 0;
    int64_t maxPositions = 0;
    double rmsNormEps = 1e-6;
    double ropeTheta = 10000.0;
    RopeScaling ropeScaling;
    std::optional<int64_t> slidingWindow; // set only when the model uses one
    int64_t maxWindowLayers = 0;          // qwen2: layers from this index on use the window
    bool attentionBias = false;           // q/k/v (and for llama, o) projections have a bias
    bool tieWordEmbeddings = false;
    std::optional<int64_t> bosTokenId;
    std::vector<int64_t> eosTokenIds;
    std::optional<int64_t> padTokenId;
    std::string torchDtype; // "float32", "bfloat16", "float16", or empty

    static ModelConfig fromJson(const std::string &text, const std::string &source);
    static ModelConfig fromFile(const std::string &path);
    const char *familyName() const;

private:
    static ModelConfig parse(const std::string &text, const std::string &file);
};

// Compares config's sizes with the checkpoint's tensors before anything is sized by them: the
// embedding is [vocab_size, hidden_size], layers 0 to num_hidden_layers - 1 exist, and layer 0's
// projections match the head counts, head_dim and intermediate_size. Throws ConfigError naming
// configFile, the field, and the tensor that disagrees. Tensors the decoder needs but this does
// not look at are still checked by the decoder when it loads them.
void checkAgainstWeights(const ModelConfig &config, const st::Checkpoint &checkpoint, const std::string &configFile);

} // namespace ef::models
