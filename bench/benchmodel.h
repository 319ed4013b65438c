// SPDX-License-Identifier: GPL-3.0-or-later
// Random-weight decoder folders of a real model's shape for the benchmarks (bench_model,
// bench_train), with the tiny byte-level tokenizer of make-tiny when one is asked for.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/safetensors.h"
#include "models/tinymodel.h"

namespace ef::bench {

struct Shape
{
    std::string name = "Qwen2-0.5B";
    std::string family = "qwen2";
    int64_t layers = 24, hidden = 896, heads = 14, kvHeads = 2, ffn = 4864, vocab = 151936;
    bool qkvBias = true;
};

inline Shape qwen2Half()
{
    return Shape{};
}

inline Shape mistral7b()
{
    return Shape{"Mistral-7B", "mistral", 32, 4096, 32, 8, 14336, 32000, false};
}

// Writes config.json and model.safetensors with random weights (N(0, 0.02), norms 1) in `dtype`
// ("f32" or "bf16"); with withTokenizer, also make-tiny's tokenizer files (ids below 320), so
// texts can be embedded. Returns the weights' bytes.
inline size_t writeModel(const std::string &dir, const Shape &s, const std::string &dtype = "f32",
                         bool withTokenizer = false)
{
    std::filesystem::create_directories(dir);
    int64_t eos = 0;
    if (withTokenizer) {
        const std::string tiny = dir + "/.tiny";
        models::TinyModelOptions o;
        o.family = s.family == "mistral" ? models::Family::Mistral
                   : s.family == "llama" ? models::Family::Llama
                                         : models::Family::Qwen2;
        const models::ModelConfig tc = models::makeTinyModel(tiny, o);
        eos = tc.eosTokenIds.empty() ? 0 : tc.eosTokenIds.front();
        for (const char *f : {"tokenizer.json", "tokenizer_config.json"})
            std::filesystem::copy_file(tiny + "/" + f, dir + "/" + f,
                                       std::filesystem::copy_options::overwrite_existing);
        std::filesystem::remove_all(tiny);
    }
    nlohmann::json cfg = {{"architectures", {s.family == "mistral" ? "MistralForCausalLM" : "Qwen2ForCausalLM"}},
                          {"model_type", s.family},
                          {"hidden_size", s.hidden},
                          {"intermediate_size", s.ffn},
                          {"num_hidden_layers", s.layers},
                          {"num_attention_heads", s.heads},
                          {"num_key_value_heads", s.kvHeads},
                          {"vocab_size", s.vocab},
                          {"max_position_embeddings", 32768},
                          {"rope_theta", s.family == "mistral" ? 10000.0 : 1000000.0},
                          {"rms_norm_eps", 1e-6},
                          {"tie_word_embeddings", true},
                          {"eos_token_id", eos},
                          {"torch_dtype", dtype == "bf16" ? "bfloat16" : "float32"}};
    if (s.family == "qwen2")
        cfg["use_sliding_window"] = false;
    std::ofstream(dir + "/config.json") << cfg.dump(2);
    torch::manual_seed(1);
    const torch::ScalarType type = dtype == "bf16" ? torch::kBFloat16 : torch::kFloat32;
    const st::DType stType = dtype == "bf16" ? st::DType::BF16 : st::DType::F32;
    std::vector<torch::Tensor> keep;
    std::vector<st::TensorData> tensors;
    size_t bytes = 0;
    const auto add = [&](const std::string &name, std::vector<int64_t> shape, bool norm = false) {
        torch::Tensor t = (norm ? torch::ones(shape) : torch::randn(shape) * 0.02).to(type).contiguous();
        bytes += static_cast<size_t>(t.numel() * t.element_size());
        keep.push_back(t);
        tensors.push_back({name, stType, shape, keep.back().data_ptr()});
    };
    const int64_t h = s.hidden, dh = s.hidden / s.heads, kv = s.kvHeads * dh;
    add("model.embed_tokens.weight", {s.vocab, h});
    for (int64_t l = 0; l < s.layers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        add(p + "input_layernorm.weight", {h}, true);
        add(p + "post_attention_layernorm.weight", {h}, true);
        add(p + "self_attn.q_proj.weight", {s.heads * dh, h});
        add(p + "self_attn.k_proj.weight", {kv, h});
        add(p + "self_attn.v_proj.weight", {kv, h});
        if (s.qkvBias) {
            add(p + "self_attn.q_proj.bias", {s.heads * dh});
            add(p + "self_attn.k_proj.bias", {kv});
            add(p + "self_attn.v_proj.bias", {kv});
        }
        add(p + "self_attn.o_proj.weight", {h, s.heads * dh});
        add(p + "mlp.gate_proj.weight", {s.ffn, h});
        add(p + "mlp.up_proj.weight", {s.ffn, h});
        add(p + "mlp.down_proj.weight", {h, s.ffn});
    }
    add("model.norm.weight", {h}, true);
    st::write(dir + "/model.safetensors", tensors);
    return bytes;
}

// FLOPs of one forward pass over `tokens` tokens of sequences of length t: the projections, the MLP
// and both attention products over the full t x t.
inline double forwardFlops(const Shape &s, double tokens, double t)
{
    const double dh = double(s.hidden / s.heads);
    const double perTokenLayer =
        2.0 * (2.0 * s.hidden * s.heads * dh + 2.0 * s.hidden * s.kvHeads * dh + 3.0 * s.hidden * s.ffn) +
        4.0 * t * s.heads * dh;
    return perTokenLayer * double(s.layers) * tokens;
}

} // namespace ef::bench
