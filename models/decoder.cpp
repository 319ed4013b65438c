// SPDX-License-Identifier: GPL-3.0-or-later
// Llama / Mistral / Qwen2 decoder forward pass.
#include "models/decoder.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/version.h>

#include <dlfcn.h>

#include "models/lora.h"

namespace ef::models {

namespace {

std::string shapeText(c10::IntArrayRef shape)
{
    std::ostringstream s;
    s << '[';
    for (size_t i = 0; i < shape.size(); ++i)
        s << (i ? ", " : "") << shape[i];
    s << ']';
    return s.str();
}

std::optional<torch::ScalarType> torchType(st::DType d)
{
    switch (d) {
    case st::DType::F64:
        return torch::kFloat64;
    case st::DType::F32:
        return torch::kFloat32;
    case st::DType::F16:
        return torch::kFloat16;
    case st::DType::BF16:
        return torch::kBFloat16;
    default:
        return std::nullopt;
    }
}

// With Debian's LibTorch, GEMMs run on OpenBLAS's own pthread pool while elementwise kernels
// run on OpenMP's team. Idle OpenMP workers spin for milliseconds after each parallel region,
// and on a machine with as many threads as cores that spinning takes a core away from the next
// GEMM (measured: the MLP's products fall from ~235 to ~210 GFLOP/s inside a layer). While the
// CPU inference path runs, the calling thread's OpenMP team is shrunk to one, so elementwise
// kernels run on the caller and OpenBLAS has every core to itself. The count is OpenMP's
// per-thread setting (nothing else in the process changes), and it is left alone when the GEMMs
// share OpenMP's team (MKL, OpenMP builds of OpenBLAS), where there is no contention.
class SerialElementwiseScope
{
public:
    SerialElementwiseScope()
    {
        static const Api api = [] {
            Api a;
            using ParallelFn = int (*)();
            const auto parallel = reinterpret_cast<ParallelFn>(dlsym(RTLD_DEFAULT, "openblas_get_parallel"));
            if (parallel && parallel() == 1) { // 1: OpenBLAS built with its own pthreads
                a.get = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
                a.set = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
            }
            return a;
        }();
        if (api.get && api.set && (m_saved = api.get()) > 1)
            api.set(1);
        m_set = api.set;
    }
    ~SerialElementwiseScope()
    {
        if (m_saved > 1)
            m_set(m_saved);
    }
    SerialElementwiseScope(const SerialElementwiseScope &) = delete;
    SerialElementwiseScope &operator=(const SerialElementwiseScope &) = delete;

private:
    struct Api
    {
        int (*get)() = nullptr;
        void (*set)(int) = nullptr;
    };
    int m_saved = 0;
    void (*m_set)(int) = nullptr;
};

torch::Tensor rotateHalf(const torch::Tensor &x)
{
    const int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

// A generator seeded from (seed, layer, projection): the same masks whenever a layer is run again
// (activation checkpointing's recomputation, the gradient cache's second pass, a resumed run).
at::Generator dropoutGenerator(torch::Device device, uint64_t seed, size_t layer, int proj)
{
    at::Generator g = at::globalContext().defaultGenerator(device).clone();
    uint64_t h = seed ^ 0x9E3779B97F4A7C15ULL;
    for (uint64_t v : {static_cast<uint64_t>(layer) + 1, static_cast<uint64_t>(proj) + 1}) {
        h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
        h *= 0xBF58476D1CE4E5B9ULL;
    }
    {
        std::lock_guard<std::mutex> lock(g.mutex());
        g.set_current_seed(h);
    }
    return g;
}

// y + s·B·A(dropout(x)) for one projection, as PEFT's LoraLayer: the input is cast to the adapter's
// dtype (float32) and the delta back to y's; under CUDA autocast the products run in BF16.
torch::Tensor addLora(const torch::Tensor &y, const torch::Tensor &x, const LoraAdapter *adapter, size_t layer, Proj p,
                      const ForwardOptions &o)
{
    if (!adapter)
        return y;
    const LoraPair &pair = adapter->pair(static_cast<int>(layer), p);
    if (!pair.active())
        return y;
    torch::Tensor in = x.to(pair.A.scalar_type());
    const double drop = adapter->settings().dropout;
    if (o.dropout && drop > 0) {
        at::Generator g = dropoutGenerator(in.device(), o.dropoutSeed, layer, static_cast<int>(p));
        const torch::Tensor keep = at::rand(in.sizes(), g, in.options()).ge(drop);
        in = in * keep.to(in.scalar_type()) * (1.0 / (1.0 - drop));
    }
    const torch::Tensor delta = torch::linear(torch::linear(in, pair.A), pair.B) * adapter->settings().scaling();
    return y + delta.to(y.scalar_type());
}

// Activation checkpointing as a custom autograd node: the forward runs without autograd and keeps
// only the layer's input; backward runs the layer again with autograd (same autocast state, same
// dropout masks) and back-propagates through it, which accumulates the parameters' gradients and
// yields the input's. (LibTorch's C++ API has no checkpoint helper.) A dummy input that requires
// grad keeps the node in the graph even when the layer's input does not (the first layer under LoRA).
struct CheckpointBackward final : public torch::autograd::Node
{
    std::function<torch::Tensor(const torch::Tensor &)> run;
    torch::Tensor input;
    bool inputRequiresGrad = false;
    bool autocastCuda = false, autocastCpu = false;
    at::ScalarType autocastCudaType = at::kBFloat16, autocastCpuType = at::kBFloat16;

    torch::autograd::variable_list apply(torch::autograd::variable_list &&grads) override
    {
        torch::Tensor x = input.detach().requires_grad_(inputRequiresGrad);
        torch::Tensor y;
        {
            torch::AutoGradMode on(true);
            const bool savedCuda = at::autocast::is_autocast_enabled(at::kCUDA);
            const bool savedCpu = at::autocast::is_autocast_enabled(at::kCPU);
            const at::ScalarType savedCudaType = at::autocast::get_autocast_dtype(at::kCUDA);
            const at::ScalarType savedCpuType = at::autocast::get_autocast_dtype(at::kCPU);
            at::autocast::set_autocast_enabled(at::kCUDA, autocastCuda);
            at::autocast::set_autocast_enabled(at::kCPU, autocastCpu);
            at::autocast::set_autocast_dtype(at::kCUDA, autocastCudaType);
            at::autocast::set_autocast_dtype(at::kCPU, autocastCpuType);
            try {
                y = run(x);
            } catch (...) {
                at::autocast::set_autocast_enabled(at::kCUDA, savedCuda);
                at::autocast::set_autocast_enabled(at::kCPU, savedCpu);
                throw;
            }
            at::autocast::set_autocast_enabled(at::kCUDA, savedCuda);
            at::autocast::set_autocast_enabled(at::kCPU, savedCpu);
            at::autocast::set_autocast_dtype(at::kCUDA, savedCudaType);
            at::autocast::set_autocast_dtype(at::kCPU, savedCpuType);
            at::autocast::clear_cache();
        }
        if (y.requires_grad() && grads[0].defined())
            torch::autograd::backward({y}, {grads[0]});
        return {inputRequiresGrad ? x.grad() : torch::Tensor(), torch::Tensor()};
    }
    void release_variables() override
    {
        input.reset();
        run = nullptr;
    }
};

torch::Tensor checkpointed(const torch::Tensor &x, const std::function<torch::Tensor(const torch::Tensor &)> &fn)
{
    torch::Tensor y;
    {
        torch::NoGradGuard noGrad;
        y = fn(x);
    }
    if (!torch::GradMode::is_enabled())
        return y;
    static const torch::Tensor dummy = torch::zeros({}, torch::kFloat32).requires_grad_(true);
    auto node = std::shared_ptr<CheckpointBackward>(new CheckpointBackward(), torch::autograd::deleteNode);
    node->run = fn;
    node->input = x.detach();
    node->inputRequiresGrad = x.requires_grad();
    node->autocastCuda = at::autocast::is_autocast_enabled(at::kCUDA);
    node->autocastCpu = at::autocast::is_autocast_enabled(at::kCPU);
    node->autocastCudaType = at::autocast::get_autocast_dtype(at::kCUDA);
    node->autocastCpuType = at::autocast::get_autocast_dtype(at::kCPU);
    node->set_next_edges(torch::autograd::collect_next_edges(x, dummy));
    torch::autograd::set_history(y, node);
    return y;
}

} // namespace

struct Decoder::LayerInputs
{
    int64_t b = 0, t = 0;
    torch::Tensor cos, sin;             // [B, 1, T, D] in the compute dtype
    torch::Tensor fullMask, windowMask; // additive [B, 1, T, T]; undefined when causal covers it
    bool causal = false;                // no mask needed: is_causal alone is exact (right padding)
    bool windowCausal = false;          // the same for windowed layers (window >= T)
};

torch::ScalarType parseComputeDtype(const std::string &name)
{
    if (name == "f32" || name == "float32")
        return torch::kFloat32;
    if (name == "bf16" || name == "bfloat16")
        return torch::kBFloat16;
    if (name == "f16" || name == "float16")
        return torch::kFloat16;
    throw std::invalid_argument("unknown dtype '" + name + "' (expected f32, bf16 or f16)");
}

const char *computeDtypeName(torch::ScalarType dtype)
{
    switch (dtype) {
    case torch::kFloat32:
        return "f32";
    case torch::kBFloat16:
        return "bf16";
    case torch::kFloat16:
        return "f16";
    default:
        return "?";
    }
}

Decoder::Decoder(const ModelConfig &config, std::shared_ptr<const st::Checkpoint> checkpoint, const std::string &source,
                 torch::Device device, torch::ScalarType dtype)
    : m_config(config), m_checkpoint(std::move(checkpoint)), m_source(source), m_device(device), m_dtype(dtype)
{
    if (m_checkpoint->find("model.embed_tokens.weight"))
        m_prefix = "model.";
    else if (m_checkpoint->find("embed_tokens.weight"))
        m_prefix.clear();
    else
        throw std::runtime_error(m_source + ": no tensor 'model.embed_tokens.weight' or 'embed_tokens.weight': not a " +
                                 std::string(config.familyName()) + " checkpoint");

    const int64_t h = config.hiddenSize, qd = config.numHeads * config.headDim,
                  kvd = config.numKvHeads * config.headDim, inter = config.intermediateSize;
    m_embed = load(m_prefix + "embed_tokens.weight", {config.vocabSize, h});
    m_finalNorm = load(m_prefix + "norm.weight", {h});
    m_layers.resize(static_cast<size_t>(config.numLayers));
    for (int64_t l = 0; l < config.numLayers; ++l) {
        const std::string p = m_prefix + "layers." + std::to_string(l) + ".";
        DecoderLayerWeights &w = m_layers[static_cast<size_t>(l)];
        w.inputNorm = load(p + "input_layernorm.weight", {h});
        w.postNorm = load(p + "post_attention_layernorm.weight", {h});
        w.q = load(p + "self_attn.q_proj.weight", {qd, h});
        w.k = load(p + "self_attn.k_proj.weight", {kvd, h});
        w.v = load(p + "self_attn.v_proj.weight", {kvd, h});
        w.o = load(p + "self_attn.o_proj.weight", {h, qd});
        if (config.attentionBias) {
            w.qBias = load(p + "self_attn.q_proj.bias", {qd});
            w.kBias = load(p + "self_attn.k_proj.bias", {kvd});
            w.vBias = load(p + "self_attn.v_proj.bias", {kvd});
            if (config.family == Family::Llama)
                w.oBias = load(p + "self_attn.o_proj.bias", {h});
        } else if (m_checkpoint->find(p + "self_attn.q_proj.bias")) {
            throw std::runtime_error(m_source + ": tensor '" + p +
                                     "self_attn.q_proj.bias' exists but config.json does not enable attention_bias");
        }
        // K and V are narrow (KV heads x head dim rows); stacked they make one better-shaped
        // product. The copy is small: 2 x KV x head_dim x hidden per layer.
        w.kv = torch::cat({w.k, w.v}, 0);
        if (w.kBias.defined())
            w.kvBias = torch::cat({w.kBias, w.vBias}, 0);
        w.gate = load(p + "mlp.gate_proj.weight", {inter, h});
        w.up = load(p + "mlp.up_proj.weight", {inter, h});
        w.down = load(p + "mlp.down_proj.weight", {h, inter});
    }
}

torch::Tensor Decoder::load(const std::string &name, const std::vector<int64_t> &shape) const
{
    const st::TensorView *v = m_checkpoint->find(name);
    if (!v)
        throw std::runtime_error(m_source + ": missing tensor '" + name + "' (config.json describes a " +
                                 m_config.familyName() + " model with " + std::to_string(m_config.numLayers) +
                                 " layers)");
    if (v->shape != shape)
        throw std::runtime_error(m_source + ": tensor '" + name + "' has shape " + shapeText(v->shape) +
                                 ", config.json implies " + shapeText(shape));
    const std::optional<torch::ScalarType> src = torchType(v->dtype);
    if (!src)
        throw std::runtime_error(m_source + ": tensor '" + name + "' has dtype " + st::dtypeName(v->dtype) +
                                 ", expected a floating-point dtype (F32, BF16, F16)");
    torch::Tensor t;
    if (v->aligned()) {
        // Zero-copy view of the mapping; the decoder never writes to its weights.
        t = torch::from_blob(const_cast<uint8_t *>(v->data), shape, torch::TensorOptions().dtype(*src));
    } else {
        t = torch::empty(shape, torch::TensorOptions().dtype(*src));
        std::memcpy(t.data_ptr(), v->data, v->bytes);
    }
    if (*src != m_dtype || !m_device.is_cpu())
        t = t.to(m_device, m_dtype);
    return t;
}

torch::Tensor Decoder::positionsFromMask(const torch::Tensor &mask)
{
    const torch::Tensor m = mask.to(torch::kInt64);
    return (m.cumsum(1) - 1).clamp_min(0) * m;
}

torch::Tensor Decoder::inverseFrequencies(const ModelConfig &c, int64_t seqLen)
{
    const int64_t dim = c.headDim;
    double base = c.ropeTheta;
    const RopeScaling &rs = c.ropeScaling;
    if (rs.type == "dynamic" && seqLen > c.maxPositions) {
        base = base * std::pow(rs.factor * static_cast<double>(seqLen) / static_cast<double>(c.maxPositions) -
                                   (rs.factor - 1.0),
                               static_cast<double>(dim) / static_cast<double>(dim - 2));
    }
    // As transformers: 1 / base^(arange(0, dim, 2) / dim) in float32.
    const torch::Tensor exponents =
        torch::arange(0, dim, 2, torch::TensorOptions().dtype(torch::kInt64)).to(torch::kFloat32) /
        static_cast<float>(dim);
    torch::Tensor inv = 1.0 / torch::pow(torch::scalar_tensor(static_cast<float>(base)), exponents);
    if (rs.type == "linear") {
        inv = inv / static_cast<float>(rs.factor);
    } else if (rs.type == "llama3") {
        const double lowWavelen = static_cast<double>(rs.originalMaxPositions) / rs.lowFreqFactor;
        const double highWavelen = static_cast<double>(rs.originalMaxPositions) / rs.highFreqFactor;
        const torch::Tensor wavelen = 2.0 * M_PI / inv;
        torch::Tensor scaled = torch::where(wavelen > lowWavelen, inv / rs.factor, inv);
        const torch::Tensor smooth = (static_cast<double>(rs.originalMaxPositions) / wavelen - rs.lowFreqFactor) /
                                     (rs.highFreqFactor - rs.lowFreqFactor);
        const torch::Tensor smoothed = (1 - smooth) * scaled / rs.factor + smooth * scaled;
        const torch::Tensor medium = (wavelen >= highWavelen).logical_and(wavelen <= lowWavelen);
        inv = torch::where(medium, smoothed, scaled);
    }
    return inv.to(torch::kFloat32);
}

torch::Tensor Decoder::attentionMask(const torch::Tensor &mask, std::optional<int64_t> window, torch::ScalarType dtype)
{
    const int64_t t = mask.size(1);
    const auto opts = torch::TensorOptions().device(mask.device()).dtype(torch::kInt64);
    const torch::Tensor i = torch::arange(t, opts).view({t, 1});
    const torch::Tensor j = torch::arange(t, opts).view({1, t});
    torch::Tensor allowed = j <= i; // [T, T]
    if (window)
        allowed = allowed.logical_and(j > i - *window);
    const torch::Tensor keyReal = mask.to(torch::kBool).view({mask.size(0), 1, 1, t});
    torch::Tensor full = allowed.view({1, 1, t, t}).logical_and(keyReal);
    full = full.logical_or((i == j).view({1, 1, t, t})); // every query sees at least itself
    torch::Tensor additive = torch::zeros(full.sizes(), torch::TensorOptions().device(mask.device()).dtype(dtype));
    additive.masked_fill_(full.logical_not(), -std::numeric_limits<float>::infinity());
    return additive;
}

torch::Tensor Decoder::rmsNorm(const torch::Tensor &x, const torch::Tensor &weight) const
{
    if (x.scalar_type() == torch::kFloat32)
        return weight * (x * torch::rsqrt(x.pow(2).mean(-1, true) + m_config.rmsNormEps));
    const torch::Tensor xf = x.to(torch::kFloat32);
    const torch::Tensor normed = xf * torch::rsqrt(xf.pow(2).mean(-1, true) + m_config.rmsNormEps);
    return weight * normed.to(x.scalar_type());
}

torch::Tensor Decoder::attention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                                 const torch::Tensor &additiveMask, bool causal) const
{
    // q: [B, H, T, D]; k, v: [B, KV, T, D]; mask: [B, 1, T, T] or undefined with causal. LibTorch's
    // fused attention (flash / memory-efficient kernels on CUDA, a fused kernel on the CPU), with
    // grouped-query attention inside the kernel.
    const bool gqa = q.size(1) != k.size(1);
    if (causal)
        return at::scaled_dot_product_attention(q, k, v, std::nullopt, 0.0, true, std::nullopt, gqa);
    return at::scaled_dot_product_attention(q, k, v, additiveMask, 0.0, false, std::nullopt, gqa);
}

torch::Tensor Decoder::forwardCpuInference(const torch::Tensor &ids, const torch::Tensor &cosHalf,
                                           const torch::Tensor &sinHalf, const torch::Tensor &fullMask,
                                           const torch::Tensor &windowMask) const
{
    // The same computation as the general path, arranged for the CPU without autograd: every
    // intermediate lives in a buffer allocated once per call and reused by all layers, the
    // residual additions are folded into the output projections' GEMMs (beta = 1), and the
    // rotary embedding is applied in place. At batch 8 x 256 a fresh 40 MB activation per GEMM
    // would cost page faults and zeroing on every layer (glibc maps allocations that large
    // afresh each time), a double-digit share of the forward time.
    const int64_t b = ids.size(0), t = ids.size(1), n = b * t, dh = m_config.headDim, half = dh / 2;
    const int64_t h = m_config.hiddenSize, nh = m_config.numHeads, nkv = m_config.numKvHeads, groups = nh / nkv,
                  qd = nh * dh, kvd = nkv * dh, inter = m_config.intermediateSize;
    const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
    const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
    const SerialElementwiseScope serialElementwise;

    torch::Tensor x = torch::embedding(m_embed, ids).view({n, h}); // the residual stream
    torch::Tensor hs = torch::empty({n, h}, f32);
    torch::Tensor qOut = torch::empty({n, qd}, f32), kvOut = torch::empty({n, 2 * kvd}, f32);
    torch::Tensor ropeTmp = torch::empty({b, t, nh, half}, f32);
    // Query blocks for the causal attention: four from 128 tokens on, and more when one block's
    // scores would pass 256 MiB (long inputs: 8 x 4096 tokens with 14 heads would need 7.5 GiB
    // of scores at once), so memory stays bounded whatever the length.
    constexpr int64_t maxBlockScoreBytes = int64_t(256) << 20;
    const int64_t allScoreBytes = b * nh * t * t * int64_t(sizeof(float));
    const int64_t blocks = std::min<int64_t>(
        std::max<int64_t>(t >= 128 ? 4 : 1, (allScoreBytes + maxBlockScoreBytes - 1) / maxBlockScoreBytes),
        std::max<int64_t>(t, 1));
    const int64_t step = (t + blocks - 1) / blocks;
    torch::Tensor qg = torch::empty({b, nkv, t, groups, dh}, f32);
    torch::Tensor kc = torch::empty({b, nkv, t, dh}, f32), vc = torch::empty({b, nkv, t, dh}, f32);
    torch::Tensor scores = torch::empty({b * nkv * step * groups * t}, f32); // one block's scores
    torch::Tensor ctx = torch::empty({b * nkv * step * groups * dh}, f32);
    const torch::Tensor qgRows = qg.view({b * nkv, t * groups, dh});
    const torch::Tensor kRows = kc.view({b * nkv, t, dh}), vRows = vc.view({b * nkv, t, dh});
    torch::Tensor ctxTokens = torch::empty({n, qd}, f32);
    // The MLP runs on blocks of at most 2048 token rows: its two [rows, intermediate] buffers are
    // the largest of the layer, and 2048 rows already give the GEMMs their full rate, so a
    // large batch does not need them at full size (32 x 512 tokens would take 640 MB for Qwen2-0.5B).
    const int64_t mlpRows = std::min<int64_t>(n, 2048);
    torch::Tensor gate = torch::empty({mlpRows, inter}, f32), up = torch::empty({mlpRows, inter}, f32);
    torch::Tensor inv = torch::empty({n, 1}, f32);

    const auto norm = [&](const torch::Tensor &weight) {
        // weight * (x * rsqrt(mean(x^2) + eps)), without a full-size temporary for x^2.
        at::linalg_vector_norm_out(inv, x, 2, {-1}, true);
        inv.square_().div_(static_cast<double>(h)).add_(m_config.rmsNormEps).rsqrt_();
        at::mul_out(hs, x, inv);
        hs.mul_(weight);
    };
    const auto rope = [&](const torch::Tensor &v, const torch::Tensor &tmp) {
        // v: [B, T, heads, D] (a view); x1' = x1 cos - x2 sin, x2' = x2 cos + x1 sin.
        const torch::Tensor x1 = v.narrow(-1, 0, half), x2 = v.narrow(-1, half, half);
        tmp.copy_(x1);
        x1.mul_(cosHalf).addcmul_(x2, sinHalf, -1);
        x2.mul_(cosHalf).addcmul_(tmp, sinHalf);
    };
    const torch::Tensor ropeTmpKv = ropeTmp.view({-1}).narrow(0, 0, b * t * nkv * half).view({b, t, nkv, half});

    for (size_t l = 0; l < m_layers.size(); ++l) {
        const DecoderLayerWeights &w = m_layers[l];
        const bool windowed = windowMask.defined() && static_cast<int64_t>(l) >= m_config.maxWindowLayers;
        norm(w.inputNorm);
        if (w.qBias.defined()) {
            at::addmm_out(qOut, w.qBias, hs, w.q.t());
            at::addmm_out(kvOut, w.kvBias, hs, w.kv.t());
        } else {
            at::mm_out(qOut, hs, w.q.t());
            at::mm_out(kvOut, hs, w.kv.t());
        }
        const torch::Tensor kvView = kvOut.view({b, t, 2, nkv, dh});
        rope(qOut.view({b, t, nh, dh}), ropeTmp);
        rope(kvView.select(2, 0), ropeTmpKv);
        // The G query heads that share a KV head are stacked as rows ([B, KV, T, G, D], pre-
        // scaled), so one batched product per KV head serves the whole group. Causality lets a
        // block of query positions [c0, c1) skip the keys after c1: in four blocks the attention
        // products and the softmax do 5/8 of the full T x T work (less with more blocks).
        at::mul_out(qg, qOut.view({b, t, nkv, groups, dh}).permute({0, 2, 1, 3, 4}), scale);
        kc.copy_(kvView.select(2, 0).transpose(1, 2));
        vc.copy_(kvView.select(2, 1).transpose(1, 2));
        const torch::Tensor &additive = windowed ? windowMask : fullMask; // [B, 1, T, T]
        for (int64_t c0 = 0; c0 < t; c0 += step) {
            const int64_t len = std::min(step, t - c0), c1 = c0 + len;
            torch::Tensor sc = scores.narrow(0, 0, b * nkv * len * groups * c1).view({b * nkv, len * groups, c1});
            at::bmm_out(sc, qgRows.narrow(1, c0 * groups, len * groups), kRows.narrow(1, 0, c1).transpose(1, 2));
            sc.view({b, nkv, len, groups, c1}).add_(additive.narrow(2, c0, len).narrow(3, 0, c1).unsqueeze(3));
            at::_softmax_out(sc, sc, -1, false);
            torch::Tensor cc = ctx.narrow(0, 0, b * nkv * len * groups * dh).view({b * nkv, len * groups, dh});
            at::bmm_out(cc, sc, vRows.narrow(1, 0, c1));
            ctxTokens.view({b, t, nkv, groups, dh})
                .narrow(1, c0, len)
                .copy_(cc.view({b, nkv, len, groups, dh}).permute({0, 2, 1, 3, 4}));
        }
        x.addmm_(ctxTokens, w.o.t());
        if (w.oBias.defined())
            x.add_(w.oBias);

        norm(w.postNorm);
        for (int64_t r0 = 0; r0 < n; r0 += mlpRows) {
            const int64_t rows = std::min(mlpRows, n - r0);
            torch::Tensor g = gate.narrow(0, 0, rows), u = up.narrow(0, 0, rows);
            const torch::Tensor in = hs.narrow(0, r0, rows);
            at::mm_out(g, in, w.gate.t());
            at::mm_out(u, in, w.up.t());
            torch::silu_(g).mul_(u);
            x.narrow(0, r0, rows).addmm_(g, w.down.t());
        }
    }
    norm(m_finalNorm);
    return hs.view({b, t, h});
}

torch::Tensor Decoder::forward(const torch::Tensor &idsIn, const torch::Tensor &maskIn,
                               const ForwardOptions &options) const
{
    if (idsIn.dim() != 2 || maskIn.sizes() != idsIn.sizes())
        throw std::invalid_argument("decoder input: ids and mask must both be [batch, length]");
    const torch::Tensor ids = idsIn.to(m_device, torch::kInt64);
    const torch::Tensor mask = maskIn.to(m_device, torch::kInt64);
    const int64_t bad =
        ((ids < 0).logical_or(ids >= m_config.vocabSize)).logical_and(mask.to(torch::kBool)).sum().item<int64_t>();
    if (bad > 0) {
        const torch::Tensor realIds = ids.masked_select(mask.to(torch::kBool));
        const int64_t offender =
            realIds.masked_select(realIds.lt(0).logical_or(realIds.ge(m_config.vocabSize)))[0].item<int64_t>();
        throw std::invalid_argument("token id " + std::to_string(offender) + " is outside the vocabulary (0.." +
                                    std::to_string(m_config.vocabSize - 1) + ")");
    }
    const int64_t b = ids.size(0), t = ids.size(1);

    const torch::Tensor positions = positionsFromMask(mask); // [B, T]
    torch::Tensor inv;                                       // [B, 1, D/2]
    if (m_config.ropeScaling.type == "dynamic" && t > 0) {
        // Dynamic NTK scaling depends on the sequence length. transformers uses the longest in
        // the batch; here each row uses its own, so a text gets the same embedding alone and
        // inside any padded batch (alone, both agree).
        const torch::Tensor lengths = (std::get<0>(positions.max(1)) + 1).to(torch::kCPU);
        std::vector<torch::Tensor> rows;
        for (int64_t r = 0; r < b; ++r)
            rows.push_back(inverseFrequencies(m_config, lengths[r].item<int64_t>()));
        inv = torch::stack(rows).to(m_device).unsqueeze(1);
    } else {
        inv = inverseFrequencies(m_config, 0).to(m_device).view({1, 1, -1});
    }
    const torch::Tensor freqs = positions.to(torch::kFloat32).unsqueeze(-1) * inv; // [B, T, D/2]

    if (!torch::GradMode::is_enabled() && !options.adapter && m_device.is_cpu() && m_dtype == torch::kFloat32) {
        const torch::Tensor fullMask = attentionMask(mask, std::nullopt, m_dtype);
        torch::Tensor windowMask;
        if (m_config.slidingWindow && *m_config.slidingWindow < t)
            windowMask = attentionMask(mask, m_config.slidingWindow, m_dtype);
        return forwardCpuInference(ids, freqs.cos().unsqueeze(2), freqs.sin().unsqueeze(2), fullMask, windowMask);
    }

    LayerInputs in;
    in.b = b;
    in.t = t;
    const torch::Tensor emb = torch::cat({freqs, freqs}, -1);
    in.cos = emb.cos().to(m_dtype).unsqueeze(1); // [B, 1, T, D]
    in.sin = emb.sin().to(m_dtype).unsqueeze(1);
    // Right padding (every row's real tokens first): a real query never reaches a padded key under
    // the causal rule, so is_causal alone is exact and lets SDPA pick its fastest kernels; padded
    // queries attend to keys before them, and their outputs are discarded.
    const bool rightPadded = t <= 1 || mask.narrow(1, 1, t - 1).le(mask.narrow(1, 0, t - 1)).all().item<bool>();
    const bool windowApplies = m_config.slidingWindow && *m_config.slidingWindow < t;
    in.causal = rightPadded;
    in.windowCausal = rightPadded && !windowApplies;
    if (!in.causal)
        in.fullMask = attentionMask(mask, std::nullopt, m_dtype);
    if (windowApplies)
        in.windowMask = attentionMask(mask, m_config.slidingWindow, m_dtype);

    torch::Tensor x = torch::embedding(m_embed, ids); // [B, T, H]
    // A checkpointed layer runs again during backward, after forward() has returned: its inputs are
    // shared, not borrowed.
    const auto shared = std::make_shared<const LayerInputs>(in);
    for (size_t l = 0; l < m_layers.size(); ++l) {
        if (options.checkpointLayers && torch::GradMode::is_enabled())
            x = checkpointed(x, [this, l, shared, options](const torch::Tensor &input) {
                return layerForward(l, input, *shared, options);
            });
        else
            x = layerForward(l, x, in, options);
    }
    return rmsNorm(x, m_finalNorm);
}

torch::Tensor Decoder::layerForward(size_t l, const torch::Tensor &xIn, const LayerInputs &in,
                                    const ForwardOptions &o) const
{
    const int64_t b = in.b, t = in.t, dh = m_config.headDim, nh = m_config.numHeads, nkv = m_config.numKvHeads;
    const int64_t kvd = nkv * dh;
    const DecoderLayerWeights &w = m_layers[l];
    const LoraAdapter *a = o.adapter;
    // Without autograd, intermediate results are updated in place: at batch 8 x 256 the MLP's
    // activations are 40 MB each, and every fresh allocation of that size costs page faults.
    // Not under checkpointing: its forward runs without autograd too, but keeps the layer's input.
    const bool inPlace = !torch::GradMode::is_enabled() && !o.checkpointLayers;
    const bool windowed =
        m_config.slidingWindow && *m_config.slidingWindow < t && static_cast<int64_t>(l) >= m_config.maxWindowLayers;
    torch::Tensor x = xIn;
    const torch::Tensor hs = rmsNorm(x, w.inputNorm);
    torch::Tensor q =
        addLora(torch::linear(hs, w.q, w.qBias), hs, a, l, Proj::Q, o).view({b, t, nh, dh}).transpose(1, 2);
    const torch::Tensor kvOut = torch::linear(hs, w.kv, w.kvBias); // [B, T, 2·KV·D]
    torch::Tensor k, v;
    if (a && (a->pair(static_cast<int>(l), Proj::K).active() || a->pair(static_cast<int>(l), Proj::V).active())) {
        k = addLora(kvOut.narrow(-1, 0, kvd), hs, a, l, Proj::K, o).reshape({b, t, nkv, dh}).transpose(1, 2);
        v = addLora(kvOut.narrow(-1, kvd, kvd), hs, a, l, Proj::V, o).reshape({b, t, nkv, dh}).transpose(1, 2);
    } else {
        const torch::Tensor kv5 = kvOut.view({b, t, 2, nkv, dh});
        k = kv5.select(2, 0).transpose(1, 2);
        v = kv5.select(2, 1).transpose(1, 2);
    }
    q = q * in.cos + rotateHalf(q) * in.sin;
    k = k * in.cos + rotateHalf(k) * in.sin;
    const torch::Tensor att =
        windowed ? attention(q, k, v, in.windowMask, false) : attention(q, k, v, in.fullMask, in.causal);
    const torch::Tensor merged = att.transpose(1, 2).reshape({b, t, nh * dh});
    const torch::Tensor attnOut = addLora(torch::linear(merged, w.o, w.oBias), merged, a, l, Proj::O, o);
    x = inPlace ? x.add_(attnOut) : x + attnOut;
    const torch::Tensor hm = rmsNorm(x, w.postNorm);
    torch::Tensor gate = addLora(torch::linear(hm, w.gate), hm, a, l, Proj::Gate, o);
    const torch::Tensor up = addLora(torch::linear(hm, w.up), hm, a, l, Proj::Up, o);
    gate = inPlace ? torch::silu_(gate).mul_(up) : torch::silu(gate) * up;
    const torch::Tensor mlpOut = addLora(torch::linear(gate, w.down), gate, a, l, Proj::Down, o);
    return inPlace ? x.add_(mlpOut) : x + mlpOut;
}

namespace {

torch::Tensor &weightRef(DecoderLayerWeights &w, Proj p)
{
    switch (p) {
    case Proj::Q:
        return w.q;
    case Proj::K:
        return w.k;
    case Proj::V:
        return w.v;
    case Proj::O:
        return w.o;
    case Proj::Gate:
        return w.gate;
    case Proj::Up:
        return w.up;
    case Proj::Down:
        return w.down;
    }
    return w.q;
}

} // namespace

const torch::Tensor &Decoder::projectionWeight(int layer, int proj) const
{
    return weightRef(const_cast<DecoderLayerWeights &>(m_layers.at(static_cast<size_t>(layer))),
                     static_cast<Proj>(proj));
}

std::vector<std::pair<std::string, torch::Tensor>> Decoder::makeTrainable(torch::ScalarType dtype)
{
    if (hasMergedAdapter())
        throw std::logic_error("makeTrainable: unmerge the adapter first");
    torch::NoGradGuard noGrad;
    const auto own = [&](const torch::Tensor &t) {
        return t.defined() ? t.detach().to(m_device, dtype).clone().requires_grad_(true) : t;
    };
    m_embed = own(m_embed);
    m_finalNorm = own(m_finalNorm);
    const int64_t kvd = m_config.numKvHeads * m_config.headDim;
    for (DecoderLayerWeights &w : m_layers) {
        w.inputNorm = own(w.inputNorm);
        w.postNorm = own(w.postNorm);
        w.q = own(w.q);
        w.o = own(w.o);
        w.qBias = own(w.qBias);
        w.oBias = own(w.oBias);
        w.gate = own(w.gate);
        w.up = own(w.up);
        w.down = own(w.down);
        // k and v are trained as the stacked kv (one product in forward); k and v stay views of it.
        w.kv = own(torch::cat({w.k, w.v}, 0));
        w.k = w.kv.detach().narrow(0, 0, kvd);
        w.v = w.kv.detach().narrow(0, kvd, kvd);
        if (w.kBias.defined()) {
            w.kvBias = own(torch::cat({w.kBias, w.vBias}, 0));
            w.kBias = w.kvBias.detach().narrow(0, 0, kvd);
            w.vBias = w.kvBias.detach().narrow(0, kvd, kvd);
        }
    }
    m_dtype = dtype;
    m_trainable = true;
    m_checkpoint.reset(); // nothing points into the mapping any more
    return namedWeights();
}

std::vector<std::pair<std::string, torch::Tensor>> Decoder::trainableParameters() const
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    if (!m_trainable)
        return out;
    out.emplace_back(m_prefix + "embed_tokens.weight", m_embed);
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const DecoderLayerWeights &w = m_layers[l];
        const std::string p = m_prefix + "layers." + std::to_string(l) + ".";
        out.emplace_back(p + "input_layernorm.weight", w.inputNorm);
        out.emplace_back(p + "post_attention_layernorm.weight", w.postNorm);
        out.emplace_back(p + "self_attn.q_proj.weight", w.q);
        out.emplace_back(p + "self_attn.kv_proj.weight", w.kv);
        out.emplace_back(p + "self_attn.o_proj.weight", w.o);
        if (w.qBias.defined())
            out.emplace_back(p + "self_attn.q_proj.bias", w.qBias);
        if (w.kvBias.defined())
            out.emplace_back(p + "self_attn.kv_proj.bias", w.kvBias);
        if (w.oBias.defined())
            out.emplace_back(p + "self_attn.o_proj.bias", w.oBias);
        out.emplace_back(p + "mlp.gate_proj.weight", w.gate);
        out.emplace_back(p + "mlp.up_proj.weight", w.up);
        out.emplace_back(p + "mlp.down_proj.weight", w.down);
    }
    out.emplace_back(m_prefix + "norm.weight", m_finalNorm);
    return out;
}

std::vector<std::pair<std::string, torch::Tensor>> Decoder::namedWeights() const
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    out.emplace_back(m_prefix + "embed_tokens.weight", m_embed);
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const DecoderLayerWeights &w = m_layers[l];
        const std::string p = m_prefix + "layers." + std::to_string(l) + ".";
        out.emplace_back(p + "input_layernorm.weight", w.inputNorm);
        out.emplace_back(p + "post_attention_layernorm.weight", w.postNorm);
        out.emplace_back(p + "self_attn.q_proj.weight", w.q);
        out.emplace_back(p + "self_attn.k_proj.weight", w.k);
        out.emplace_back(p + "self_attn.v_proj.weight", w.v);
        out.emplace_back(p + "self_attn.o_proj.weight", w.o);
        if (w.qBias.defined()) {
            out.emplace_back(p + "self_attn.q_proj.bias", w.qBias);
            out.emplace_back(p + "self_attn.k_proj.bias", w.kBias);
            out.emplace_back(p + "self_attn.v_proj.bias", w.vBias);
        }
        if (w.oBias.defined())
            out.emplace_back(p + "self_attn.o_proj.bias", w.oBias);
        out.emplace_back(p + "mlp.gate_proj.weight", w.gate);
        out.emplace_back(p + "mlp.up_proj.weight", w.up);
        out.emplace_back(p + "mlp.down_proj.weight", w.down);
    }
    out.emplace_back(m_prefix + "norm.weight", m_finalNorm);
    return out;
}

void Decoder::mergeAdapter(const LoraAdapter &adapter)
{
    if (hasMergedAdapter())
        throw std::logic_error("mergeAdapter: an adapter is merged already");
    if (adapter.layers() != static_cast<int>(m_layers.size()))
        throw std::invalid_argument("mergeAdapter: the adapter has " + std::to_string(adapter.layers()) +
                                    " layers, the model " + std::to_string(m_layers.size()));
    torch::NoGradGuard noGrad;
    m_unmerged = m_layers;
    const double s = adapter.settings().scaling();
    for (size_t l = 0; l < m_layers.size(); ++l) {
        DecoderLayerWeights &w = m_layers[l];
        bool kvChanged = false;
        for (int p = 0; p < kProjCount; ++p) {
            const LoraPair &pair = adapter.pair(static_cast<int>(l), static_cast<Proj>(p));
            if (!pair.active())
                continue;
            torch::Tensor &weight = weightRef(w, static_cast<Proj>(p));
            const torch::Tensor delta = torch::mm(pair.B, pair.A).mul_(s).to(m_device);
            weight = (weight.to(m_device, torch::kFloat32) + delta).to(m_dtype); // an owned copy
            kvChanged = kvChanged || p == static_cast<int>(Proj::K) || p == static_cast<int>(Proj::V);
        }
        if (kvChanged)
            w.kv = torch::cat({w.k, w.v}, 0);
    }
}

void Decoder::unmergeAdapter()
{
    if (m_unmerged.empty())
        return;
    m_layers = std::move(m_unmerged);
    m_unmerged.clear();
}

} // namespace ef::models
