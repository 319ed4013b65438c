// SPDX-License-Identifier: GPL-3.0-or-later
// The Llama / Mistral / Qwen2 decoder in LibTorch. Internal to models/ (this header includes
// torch): the embedder, training and generation build on it; nothing outside models/ includes it.
//
// Numerics follow Hugging Face transformers' eager implementation: RMSNorm in float32 and cast
// back, rotary tables computed in float32 and cast to the compute dtype, attention scores
// scaled after the Q·Kᵀ product, softmax in float32. Position ids come from the attention mask
// (cumulative sum), so a sequence gets the same positions with left or right padding. Each
// query may attend to itself, to earlier real tokens and, with a sliding window W, only to keys
// j with i - W < j <= i (transformers' mask). Padding queries attend to themselves only, so no
// row is ever fully masked; their outputs are discarded. Dynamic NTK RoPE scaling uses each
// row's own length, so results never depend on what else is in the batch.
//
// forward() has two paths with the same results (tst_decoder holds them to 1e-5): the general
// one above, used with autograd, for BF16/F16 and on CUDA; and, on the CPU in F32 without
// autograd, an inference path with preallocated buffers, residual additions folded into the
// GEMMs and causal query blocks (bench/README.md has the measurements behind each step).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/modelconfig.h"
#include "models/safetensors.h"

namespace ef::models {

struct DecoderLayerWeights
{
    torch::Tensor inputNorm, postNorm;
    torch::Tensor q, k, v, o;       // [out, in]
    torch::Tensor qBias, kBias, vBias, oBias; // undefined when absent
    torch::Tensor gate, up, down;
    torch::Tensor kv, kvBias; // k and v stacked: one product instead of two narrow ones
};

class Decoder
{
public:
    // Loads the weights named by the checkpoint (single file or shards) for this config.
    // Accepts "model."-prefixed (*ForCausalLM) and bare (*Model) layouts; lm_head is ignored.
    // Weights are used in place from the mapping when dtype, device and alignment allow, and
    // converted (one copy) otherwise. Throws std::runtime_error naming the tensor and rule.
    Decoder(const ModelConfig &config, std::shared_ptr<const st::Checkpoint> checkpoint, const std::string &source,
            torch::Device device, torch::ScalarType dtype);

    const ModelConfig &config() const { return m_config; }
    torch::Device device() const { return m_device; }
    torch::ScalarType dtype() const { return m_dtype; }

    // ids: [B, T] int64; mask: [B, T] (1 = real token, 0 = padding), either padding side.
    // Returns the last layer's hidden states after the final norm, [B, T, hidden], in dtype().
    torch::Tensor forward(const torch::Tensor &ids, const torch::Tensor &mask) const;

    // Position ids from a padding mask: cumulative count of real tokens minus one, 0 on padding.
    static torch::Tensor positionsFromMask(const torch::Tensor &mask);
    // Rotary inverse frequencies for the config's scaling; seqLen matters for "dynamic" only.
    static torch::Tensor inverseFrequencies(const ModelConfig &config, int64_t seqLen);
    // Additive attention mask [B, 1, T, T] (0 allowed, -inf masked) in the given dtype.
    static torch::Tensor attentionMask(const torch::Tensor &mask, std::optional<int64_t> window, torch::ScalarType dtype);

private:
    // Inference on the CPU in F32 (no autograd): preallocated buffers, fused residual adds.
    // cosHalf/sinHalf: [B, T, 1, D/2]; masks as from attentionMask (window may be undefined).
    torch::Tensor forwardCpuInference(const torch::Tensor &ids, const torch::Tensor &cosHalf,
                                      const torch::Tensor &sinHalf, const torch::Tensor &fullMask,
                                      const torch::Tensor &windowMask) const;
    torch::Tensor rmsNorm(const torch::Tensor &x, const torch::Tensor &weight) const;
    torch::Tensor attention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                            const torch::Tensor &additiveMask) const;
    torch::Tensor load(const std::string &name, const std::vector<int64_t> &shape) const;
    torch::Tensor loadOptional(const std::string &name, const std::vector<int64_t> &shape) const;

    ModelConfig m_config;
    std::shared_ptr<const st::Checkpoint> m_checkpoint; // keeps zero-copy weights mapped
    std::string m_source;
    std::string m_prefix; // "model." or ""
    torch::Device m_device;
    torch::ScalarType m_dtype;
    torch::Tensor m_embed, m_finalNorm;
    std::vector<DecoderLayerWeights> m_layers;
};

torch::ScalarType parseComputeDtype(const std::string &name); // "f32", "bf16", "f16"
const char *computeDtypeName(torch::ScalarType dtype);

} // namespace ef::models
