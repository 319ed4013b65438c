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
// forward() has two paths with the same results (tst_core_decoder holds them to 1e-5): the general
// one above, used with autograd, with a LoRA adapter, for BF16/F16 and on CUDA; and, on the CPU in
// F32 without autograd or adapter, an inference path with preallocated buffers, residual additions
// folded into the GEMMs and causal query blocks (bench/README.md has the measurements behind it).
// The general path uses LibTorch's fused scaled_dot_product_attention: with is_causal and no mask
// when every row is right-padded and no sliding window applies (flash kernels on CUDA), with the
// additive mask otherwise.
//
// Training (trainer.cpp) runs the general path with autograd: a LoRA adapter adds its deltas to
// the projections (k and v are computed by one stacked product; their adapters act on the right
// halves), and each layer can be checkpointed (recomputed in backward, so only the layer inputs
// are kept). For full fine-tuning, makeTrainable() replaces the weights by owned copies that
// require grad.
//
// Thread contract: a Decoder is immutable during forward() (weights are only read), so forward()
// may run on any one thread at a time; makeTrainable(), mergeAdapter() and unmergeAdapter() change
// the weights and must not overlap a forward(). LibTorch's intra-op pool parallelises inside.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/modelconfig.h"
#include "models/safetensors.h"

namespace ef::models {

class LoraAdapter;

struct ForwardOptions
{
    const LoraAdapter *adapter = nullptr; // adds s·B·A(dropout(x)) to the adapter's projections
    bool checkpointLayers = false;        // activation checkpointing: recompute each layer in backward
    bool dropout = false;                 // the adapter's dropout is active (training)
    uint64_t dropoutSeed = 0;             // masks derive from (seed, layer, projection), so a recomputed
                                          // layer and a second pass (gradient cache) see the same masks
};

struct DecoderLayerWeights
{
    torch::Tensor inputNorm, postNorm;
    torch::Tensor q, k, v, o;                 // [out, in]
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
    torch::Tensor forward(const torch::Tensor &ids, const torch::Tensor &mask,
                          const ForwardOptions &options = {}) const;

    // Full fine-tuning: every weight becomes an owned copy in `dtype` that requires grad. Returns
    // them with their checkpoint names (k and v as views of the stacked kv parameter).
    std::vector<std::pair<std::string, torch::Tensor>> makeTrainable(torch::ScalarType dtype);
    // The trainable parameters after makeTrainable() (kv stacked, no views), for the optimiser.
    std::vector<std::pair<std::string, torch::Tensor>> trainableParameters() const;
    // Every weight with its checkpoint name ("model."-prefixed when the checkpoint was), for export.
    std::vector<std::pair<std::string, torch::Tensor>> namedWeights() const;
    // The weight of one projection of one layer ([out, in]) and its bias (undefined when none).
    const torch::Tensor &projectionWeight(int layer, int proj) const;
    // Folds the adapter into owned copies of the weights it targets (W + s·B·A, in dtype()); the
    // originals are kept so unmergeAdapter() restores them exactly.
    void mergeAdapter(const LoraAdapter &adapter);
    void unmergeAdapter();
    bool hasMergedAdapter() const { return !m_unmerged.empty(); }
    const std::string &weightPrefix() const { return m_prefix; }

    // Position ids from a padding mask: cumulative count of real tokens minus one, 0 on padding.
    static torch::Tensor positionsFromMask(const torch::Tensor &mask);
    // Rotary inverse frequencies for the config's scaling; seqLen matters for "dynamic" only.
    static torch::Tensor inverseFrequencies(const ModelConfig &config, int64_t seqLen);
    // Additive attention mask [B, 1, T, T] (0 allowed, -inf masked) in the given dtype.
    static torch::Tensor attentionMask(const torch::Tensor &mask, std::optional<int64_t> window,
                                       torch::ScalarType dtype);

private:
    // Inference on the CPU in F32 (no autograd): preallocated buffers, fused residual adds.
    // cosHalf/sinHalf: [B, T, 1, D/2]; masks as from attentionMask (window may be undefined).
    torch::Tensor forwardCpuInference(const torch::Tensor &ids, const torch::Tensor &cosHalf,
                                      const torch::Tensor &sinHalf, const torch::Tensor &fullMask,
                                      const torch::Tensor &windowMask) const;
    struct LayerInputs; // rotary tables and masks shared by every layer of one forward
    torch::Tensor layerForward(size_t l, const torch::Tensor &x, const LayerInputs &in, const ForwardOptions &o) const;
    torch::Tensor rmsNorm(const torch::Tensor &x, const torch::Tensor &weight) const;
    torch::Tensor attention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                            const torch::Tensor &additiveMask, bool causal) const;
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
    bool m_trainable = false;
    std::vector<DecoderLayerWeights> m_unmerged; // originals while an adapter is merged
};

torch::ScalarType parseComputeDtype(const std::string &name); // "f32", "bf16", "f16"
const char *computeDtypeName(torch::ScalarType dtype);

} // namespace ef::models
