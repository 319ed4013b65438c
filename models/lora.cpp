// SPDX-License-Identifier: GPL-3.0-or-later
// LoRA adapters in PEFT's conventions.
#include "models/lora.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "models/safetensors.h"

namespace ef::models {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char *kNames[kProjCount] = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                            "gate_proj", "up_proj", "down_proj"};

std::pair<int64_t, int64_t> projShape(const ModelConfig &c, Proj p) // {out, in}
{
    const int64_t h = c.hiddenSize, qd = c.numHeads * c.headDim, kvd = c.numKvHeads * c.headDim,
                  inter = c.intermediateSize;
    switch (p) {
    case Proj::Q:
        return {qd, h};
    case Proj::K:
    case Proj::V:
        return {kvd, h};
    case Proj::O:
        return {h, qd};
    case Proj::Gate:
    case Proj::Up:
        return {inter, h};
    case Proj::Down:
        return {h, inter};
    }
    return {0, 0};
}

std::string key(int layer, Proj p, char ab)
{
    return "base_model.model.layers." + std::to_string(layer) + "." + projModule(p) + "." + projName(p) + ".lora_" +
           std::string(1, ab) + ".weight";
}

void writeTextFile(const fs::path &path, const std::string &text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        throw std::runtime_error(path.string() + ": cannot write: " + std::strerror(errno));
}

} // namespace

const char *projName(Proj p)
{
    return kNames[static_cast<int>(p)];
}

const char *projModule(Proj p)
{
    return p == Proj::Gate || p == Proj::Up || p == Proj::Down ? "mlp" : "self_attn";
}

bool parseProj(const std::string &name, Proj *out)
{
    for (int i = 0; i < kProjCount; ++i)
        if (name == kNames[i]) {
            *out = static_cast<Proj>(i);
            return true;
        }
    return false;
}

void LoraSettings::validate() const
{
    if (rank < 1 || rank > 4096)
        throw std::invalid_argument("lora rank must be from 1 to 4096, not " + std::to_string(rank));
    if (!std::isfinite(alpha) || alpha <= 0)
        throw std::invalid_argument("lora alpha must be a positive number, not " + std::to_string(alpha));
    if (!std::isfinite(dropout) || dropout < 0 || dropout >= 1)
        throw std::invalid_argument("lora dropout must be in [0, 1), not " + std::to_string(dropout));
    if (targets.empty())
        throw std::invalid_argument("lora targets: at least one of q_proj, k_proj, v_proj, o_proj, gate_proj, "
                                    "up_proj, down_proj");
    std::set<std::string> seen;
    for (const std::string &t : targets) {
        Proj p = Proj::Q;
        if (!parseProj(t, &p))
            throw std::invalid_argument(
                "lora target '" + t + "' is not one of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj");
        if (!seen.insert(t).second)
            throw std::invalid_argument("lora target '" + t + "' is listed twice");
    }
}

LoraAdapter::LoraAdapter(const ModelConfig &config, const LoraSettings &settings, torch::Device device, uint64_t seed)
    : m_settings(settings)
{
    m_settings.validate();
    // A generator of our own, so the initial adapter depends on the seed alone.
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
    m_layers.resize(static_cast<size_t>(config.numLayers));
    for (int64_t l = 0; l < config.numLayers; ++l)
        for (const std::string &t : m_settings.targets) {
            Proj p = Proj::Q;
            parseProj(t, &p);
            const auto [out, in] = projShape(config, p);
            // kaiming_uniform_(a=√5): gain √(2/(1+5)), bound gain·√(3/fan_in) = 1/√fan_in.
            const double bound = 1.0 / std::sqrt(static_cast<double>(in));
            LoraPair &pair = m_layers[static_cast<size_t>(l)][static_cast<int>(p)];
            pair.A = at::empty({m_settings.rank, in}, f32).uniform_(-bound, bound, gen).to(device);
            pair.B = torch::zeros({out, m_settings.rank}, f32.device(device));
        }
}

std::unique_ptr<LoraAdapter> LoraAdapter::load(const std::string &dir, const ModelConfig &config, torch::Device device)
{
    const fs::path cfgPath = fs::path(dir) / "adapter_config.json";
    std::ifstream in(cfgPath);
    if (!in)
        throw std::runtime_error(cfgPath.string() + ": cannot be read (not a PEFT adapter folder?)");
    json cfg;
    try {
        cfg = json::parse(in);
    } catch (const json::exception &e) {
        throw std::runtime_error(cfgPath.string() + ": not valid JSON: " + e.what());
    }
    auto field = [&](const char *name) -> const json & {
        if (!cfg.contains(name))
            throw std::runtime_error(cfgPath.string() + ": missing field '" + name + "'");
        return cfg.at(name);
    };
    if (field("peft_type") != "LORA")
        throw std::runtime_error(cfgPath.string() + ": peft_type is " + field("peft_type").dump() +
                                 "; only LORA adapters are supported");
    for (const char *unsupported : {"use_dora", "use_rslora"})
        if (cfg.value(unsupported, false) == true)
            throw std::runtime_error(cfgPath.string() + ": " + unsupported + " adapters are not supported");
    if (cfg.contains("rank_pattern") && cfg["rank_pattern"].is_object() && !cfg["rank_pattern"].empty())
        throw std::runtime_error(cfgPath.string() + ": per-module ranks (rank_pattern) are not supported");
    std::unique_ptr<LoraAdapter> a(new LoraAdapter());
    try {
        a->m_settings.rank = field("r").get<int>();
        a->m_settings.alpha = field("lora_alpha").get<double>();
        a->m_settings.dropout = cfg.value("lora_dropout", 0.0);
        const json &targets = field("target_modules");
        a->m_settings.targets.clear();
        if (targets.is_string())
            throw std::runtime_error(cfgPath.string() + ": target_modules as a regular expression is not supported");
        for (const auto &t : targets)
            a->m_settings.targets.push_back(t.get<std::string>());
    } catch (const json::exception &e) {
        throw std::runtime_error(cfgPath.string() + ": " + e.what());
    }
    std::sort(a->m_settings.targets.begin(), a->m_settings.targets.end(),
              [](const std::string &x, const std::string &y) {
                  Proj px = Proj::Q, py = Proj::Q;
                  parseProj(x, &px);
                  parseProj(y, &py);
                  return static_cast<int>(px) < static_cast<int>(py);
              });
    try {
        a->m_settings.validate();
    } catch (const std::invalid_argument &e) {
        throw std::runtime_error(cfgPath.string() + ": " + e.what());
    }

    const std::string weights = (fs::path(dir) / "adapter_model.safetensors").string();
    const auto file = st::File::open(weights);
    // PEFT writes base_model.model.layers... for an AutoModel base and base_model.model.model.layers...
    // for a *ForCausalLM base; accept both.
    std::string prefix = "base_model.model.";
    for (const st::TensorView &t : file->tensors())
        if (t.name.rfind("base_model.model.model.layers.", 0) == 0) {
            prefix = "base_model.model.model.";
            break;
        }
    a->m_layers.resize(static_cast<size_t>(config.numLayers));
    size_t used = 0;
    for (int64_t l = 0; l < config.numLayers; ++l)
        for (const std::string &t : a->m_settings.targets) {
            Proj p = Proj::Q;
            parseProj(t, &p);
            const auto [out, inDim] = projShape(config, p);
            LoraPair &pair = a->m_layers[static_cast<size_t>(l)][static_cast<int>(p)];
            for (char ab : {'A', 'B'}) {
                std::string name = key(static_cast<int>(l), p, ab);
                name = prefix + name.substr(std::strlen("base_model.model."));
                const st::TensorView *v = file->find(name);
                if (!v)
                    throw std::runtime_error(weights + ": missing tensor '" + name + "' (adapter_config.json targets " +
                                             t + " and the base model has " + std::to_string(config.numLayers) +
                                             " layers)");
                const std::vector<int64_t> expect = ab == 'A' ? std::vector<int64_t>{a->m_settings.rank, inDim}
                                                              : std::vector<int64_t>{out, a->m_settings.rank};
                if (v->shape != expect)
                    throw std::runtime_error(weights + ": tensor '" + name +
                                             "' has the wrong shape for this base model");
                torch::ScalarType type;
                switch (v->dtype) {
                case st::DType::F32:
                    type = torch::kFloat32;
                    break;
                case st::DType::BF16:
                    type = torch::kBFloat16;
                    break;
                case st::DType::F16:
                    type = torch::kFloat16;
                    break;
                default:
                    throw std::runtime_error(weights + ": tensor '" + name + "' has dtype " + st::dtypeName(v->dtype) +
                                             "; expected F32, BF16 or F16");
                }
                torch::Tensor t32 = torch::empty(expect, torch::TensorOptions().dtype(type));
                std::memcpy(t32.data_ptr(), v->data, v->bytes);
                t32 = t32.to(device, torch::kFloat32);
                if (!torch::isfinite(t32).all().item<bool>())
                    throw std::runtime_error(weights + ": tensor '" + name + "' holds NaN or infinite values");
                (ab == 'A' ? pair.A : pair.B) = t32;
                ++used;
            }
        }
    if (used != file->tensors().size())
        throw std::runtime_error(weights + ": holds " + std::to_string(file->tensors().size()) +
                                 " tensors but adapter_config.json and the base model account for " +
                                 std::to_string(used) +
                                 " (an adapter for another model, or modules_to_save, which is not supported)");
    return a;
}

void LoraAdapter::save(const std::string &dir, const std::string &baseModel) const
{
    const fs::path target(dir);
    const fs::path tmp = target.string() + ".partial";
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec)
        throw std::runtime_error(tmp.string() + ": cannot create the folder: " + ec.message());
    json cfg = {{"peft_type", "LORA"},
                {"task_type", "FEATURE_EXTRACTION"},
                {"r", m_settings.rank},
                {"lora_alpha", m_settings.alpha},
                {"lora_dropout", m_settings.dropout},
                {"target_modules", m_settings.targets},
                {"base_model_name_or_path", baseModel},
                {"bias", "none"},
                {"fan_in_fan_out", false},
                {"inference_mode", true},
                {"init_lora_weights", true},
                {"modules_to_save", nullptr},
                {"layers_to_transform", nullptr},
                {"layers_pattern", nullptr},
                {"rank_pattern", json::object()},
                {"alpha_pattern", json::object()},
                {"use_rslora", false},
                {"use_dora", false},
                {"revision", nullptr}};
    writeTextFile(tmp / "adapter_config.json", cfg.dump(2) + "\n");
    const std::vector<torch::Tensor> params = parameters();
    const std::vector<std::string> names = parameterNames();
    std::vector<torch::Tensor> cpu;
    std::vector<st::TensorData> data;
    for (size_t i = 0; i < params.size(); ++i) {
        cpu.push_back(params[i].detach().to(torch::kCPU, torch::kFloat32).contiguous());
        data.push_back({names[i], st::DType::F32, cpu.back().sizes().vec(), cpu.back().data_ptr()});
    }
    st::write((tmp / "adapter_model.safetensors").string(), data, {{"format", "pt"}});
    fs::remove_all(target, ec);
    fs::rename(tmp, target, ec);
    if (ec)
        throw std::runtime_error(target.string() + ": cannot move the adapter into place: " + ec.message());
}

std::vector<torch::Tensor> LoraAdapter::parameters() const
{
    std::vector<torch::Tensor> out;
    for (const auto &layer : m_layers)
        for (const LoraPair &p : layer)
            if (p.active()) {
                out.push_back(p.A);
                out.push_back(p.B);
            }
    return out;
}

std::vector<std::string> LoraAdapter::parameterNames() const
{
    std::vector<std::string> out;
    for (size_t l = 0; l < m_layers.size(); ++l)
        for (int p = 0; p < kProjCount; ++p)
            if (m_layers[l][static_cast<size_t>(p)].active()) {
                out.push_back(key(static_cast<int>(l), static_cast<Proj>(p), 'A'));
                out.push_back(key(static_cast<int>(l), static_cast<Proj>(p), 'B'));
            }
    return out;
}

int64_t LoraAdapter::parameterCount() const
{
    int64_t n = 0;
    for (const torch::Tensor &t : parameters())
        n += t.numel();
    return n;
}

void LoraAdapter::setRequiresGrad(bool on)
{
    for (auto &layer : m_layers)
        for (LoraPair &p : layer)
            if (p.active()) {
                p.A.requires_grad_(on);
                p.B.requires_grad_(on);
            }
}

} // namespace ef::models
