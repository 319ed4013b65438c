// SPDX-License-Identifier: GPL-3.0-or-later
// LoRA adapters for the decoder's seven linear projections, in PEFT's conventions. Internal to
// models/ (this header includes torch).
//
// For a projection y = x Wᵀ + b, the adapted projection is y + s · B(A(dropout(x))) with
// A: [r, in], B: [out, r] and s = alpha / r (PEFT's LoraLayer with use_rslora = false). A is
// initialised as PEFT does (kaiming_uniform_ with a = √5, i.e. U(−1/√in, 1/√in)) and B is zero,
// so a fresh adapter reproduces the base model exactly. Adapter weights are float32 whatever the
// base dtype. merge() folds s·B·A into owned copies of the base weights (the decoder's weights may
// be read-only views of the mapped file); unmerge() restores the originals.
//
// On disk (save/load): PEFT's layout, so `PeftModel.from_pretrained(AutoModel...(base), dir)`
// loads it: adapter_config.json (peft_type LORA, task_type FEATURE_EXTRACTION, r, lora_alpha,
// lora_dropout, target_modules, base_model_name_or_path) and adapter_model.safetensors with keys
// base_model.model.layers.{i}.{self_attn|mlp}.{name}.lora_{A|B}.weight.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/modelconfig.h"

namespace ef::models {

// The seven projections, in this fixed order.
enum class Proj : int { Q = 0, K, V, O, Gate, Up, Down };
constexpr int kProjCount = 7;
const char *projName(Proj p);   // "q_proj", ..., "down_proj"
const char *projModule(Proj p); // "self_attn" or "mlp"
bool parseProj(const std::string &name, Proj *out);

struct LoraSettings
{
    int rank = 16;
    double alpha = 32.0;
    double dropout = 0.1;
    std::vector<std::string> targets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
    double scaling() const { return alpha / static_cast<double>(rank); }
    // Throws std::invalid_argument naming the field.
    void validate() const;
};

struct LoraPair
{
    torch::Tensor A; // [r, in]; undefined when the projection has no adapter
    torch::Tensor B; // [out, r]
    bool active() const { return A.defined(); }
};

class LoraAdapter
{
public:
    // A fresh adapter (PEFT init) for the model's shapes, float32 on device, seeded.
    LoraAdapter(const ModelConfig &config, const LoraSettings &settings, torch::Device device, uint64_t seed);
    // Reads a PEFT folder and checks it against the model (shapes, layer count, targets); throws
    // std::runtime_error naming the file and tensor.
    static std::unique_ptr<LoraAdapter> load(const std::string &dir, const ModelConfig &config, torch::Device device);
    // Writes the PEFT folder (atomically: a temporary folder renamed into place).
    void save(const std::string &dir, const std::string &baseModel) const;

    const LoraSettings &settings() const { return m_settings; }
    int layers() const { return static_cast<int>(m_layers.size()); }
    const LoraPair &pair(int layer, Proj p) const { return m_layers[static_cast<size_t>(layer)][static_cast<int>(p)]; }
    LoraPair &pair(int layer, Proj p) { return m_layers[static_cast<size_t>(layer)][static_cast<int>(p)]; }
    // Every A and B (the trainable parameters), in a fixed order: layer, projection, A then B.
    std::vector<torch::Tensor> parameters() const;
    // PEFT's key for a parameter of parameters(), in the same order.
    std::vector<std::string> parameterNames() const;
    int64_t parameterCount() const;
    void setRequiresGrad(bool on);

private:
    LoraAdapter() = default;
    LoraSettings m_settings;
    std::vector<std::array<LoraPair, kProjCount>> m_layers;
};

} // namespace ef::models
