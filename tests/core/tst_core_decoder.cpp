// SPDX-License-Identifier: GPL-3.0-or-later
// The decoder's two forward paths agree. Without autograd on the CPU in F32 the decoder runs an
// inference path (preallocated buffers, residual additions folded into the GEMMs, in-place
// rotary embedding, causal query blocks); with autograd it runs the general path that mirrors
// transformers' eager code. The HF parity test covers the inference path on short inputs;
// this test holds the two paths to each other on every family, on lengths that use one and
// several query blocks (including a last block shorter than the others), with batches large
// enough to split the MLP into row blocks, with left and right padding and with sliding windows
// shorter than the input. With --device cuda the general path runs on the GPU and is held to
// the CPU inference path.
#include <algorithm>
#include <fstream>
#include <numeric>
#include <random>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/decoder.h"
#include "models/modelconfig.h"
#include "models/safetensors.h"
#include "models/tinymodel.h"
#include "tests/core/check.h"

using namespace ef::models;
using json = nlohmann::json;

namespace {

struct Case
{
    const char *name;
    Family family;
    uint64_t seed;
    json overrides; // applied to config.json
};

const std::vector<Case> &cases()
{
    static const std::vector<Case> c = {
        {"llama", Family::Llama, 7, json::object()},
        {"mistral-window16", Family::Mistral, 8, json::object()}, // sliding_window 16 on every layer
        {"qwen2-bias", Family::Qwen2, 9, json::object()},         // q/k/v biases
        {"qwen2-window8-from-layer1",
         Family::Qwen2,
         9,
         {{"use_sliding_window", true}, {"sliding_window", 8}, {"max_window_layers", 1}}},
    };
    return c;
}

// Builds a [B, T] batch of random ids with the given real lengths, padded on one side.
std::pair<torch::Tensor, torch::Tensor> batch(const std::vector<int64_t> &lengths, bool leftPadding, int64_t vocab,
                                              uint32_t seed)
{
    const int64_t t = *std::max_element(lengths.begin(), lengths.end());
    const int64_t b = static_cast<int64_t>(lengths.size());
    torch::Tensor ids = torch::zeros({b, t}, torch::kInt64), mask = torch::zeros({b, t}, torch::kInt64);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int64_t> tok(0, vocab - 1);
    for (int64_t r = 0; r < b; ++r) {
        const int64_t len = lengths[static_cast<size_t>(r)], start = leftPadding ? t - len : 0;
        for (int64_t i = 0; i < len; ++i) {
            ids[r][start + i] = tok(rng);
            mask[r][start + i] = 1;
        }
    }
    return {ids, mask};
}

std::string makeModel(const Case &c)
{
    const std::string dir = ef::check::tempDir() + "/" + c.name;
    TinyModelOptions o;
    o.family = c.family;
    o.seed = c.seed;
    makeTinyModel(dir, o);
    if (!c.overrides.empty()) {
        json cfg;
        std::ifstream(dir + "/config.json") >> cfg;
        cfg.update(c.overrides);
        std::ofstream(dir + "/config.json") << cfg.dump(2);
    }
    return dir;
}

} // namespace

EF_TEST(inferencePathEqualsGeneralPath)
{
    const bool cuda = ef::check::device() == "cuda";
    std::vector<int64_t> many;
    for (int i = 0; i < 20; ++i)
        many.push_back(130 - (i * 37) % 120);
    // 40: one query block; 130: four blocks of 33 + a last one of 31; 20 x 130 = 2600 token rows:
    // the MLP runs in two row blocks (2048 + 552).
    const std::vector<std::pair<const char *, std::vector<int64_t>>> shapes = {
        {"short", {40, 17, 3}}, {"long", {130, 129, 64, 1}}, {"many rows", many}};
    for (const Case &c : cases()) {
        const std::string dir = makeModel(c);
        const ModelConfig config = ModelConfig::fromFile(dir + "/config.json");
        if (c.family == Family::Mistral)
            EF_CHECK(config.slidingWindow.value_or(0) == 16);
        const auto checkpoint = std::make_shared<const ef::st::Checkpoint>(ef::st::Checkpoint::open(dir));
        const Decoder cpu(config, checkpoint, dir, torch::kCPU, torch::kFloat32);
        std::unique_ptr<Decoder> gpu;
        if (cuda)
            gpu = std::make_unique<Decoder>(config, checkpoint, dir, torch::Device(torch::kCUDA, 0), torch::kFloat32);
        for (const auto &[shapeName, lens] : shapes)
            for (bool left : {false, true}) {
                const auto [ids, mask] = batch(lens, left, config.vocabSize, 11);
                torch::Tensor general, inference;
                {
                    torch::AutoGradMode grad(true); // the general path
                    general = (gpu ? gpu->forward(ids, mask) : cpu.forward(ids, mask)).to(torch::kCPU);
                }
                {
                    c10::InferenceMode guard; // the inference path
                    inference = cpu.forward(ids, mask);
                }
                EF_CHECK(general.sizes() == inference.sizes());
                const torch::Tensor real = mask.to(torch::kBool);
                const torch::Tensor g = general.index({real}), i = inference.index({real});
                EF_CHECK(g.size(0) == std::accumulate(lens.begin(), lens.end(), int64_t(0)));
                const double diff = (g - i).abs().max().item<double>();
                const double scale = g.abs().max().item<double>();
                EF_CHECK_MSG(scale > 0.1, "the hidden states are degenerate, the comparison would prove nothing");
                const double tolerance = cuda ? 1e-4 : 1e-5;
                EF_CHECK_MSG(diff < tolerance, c.name << " " << shapeName << (left ? " left" : " right")
                                                      << ": max |general - inference| = " << diff);
            }
    }
}

EF_TEST(inferencePathLeavesThreadCountAlone)
{
    // The inference path may shrink this thread's OpenMP team while it runs (see decoder.cpp);
    // whatever it does, the count the caller configured is back afterwards.
    const std::string dir = makeModel(cases()[0]);
    const ModelConfig config = ModelConfig::fromFile(dir + "/config.json");
    const Decoder decoder(config, std::make_shared<const ef::st::Checkpoint>(ef::st::Checkpoint::open(dir)), dir,
                          torch::kCPU, torch::kFloat32);
    at::set_num_threads(2);
    const int before = at::get_num_threads();
    const auto [ids, mask] = batch({20, 9}, false, config.vocabSize, 3);
    {
        c10::InferenceMode guard;
        decoder.forward(ids, mask);
    }
    EF_CHECK(at::get_num_threads() == before);
}
