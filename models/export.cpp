// SPDX-License-Identifier: GPL-3.0-or-later
// Exports of a training run (PEFT adapter, merged model, sentence-transformers folder), each
// checked by loading it back, and the preflight estimate.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "models/compute.h"
#include "models/loadedmodel.h"
#include "models/lora.h"
#include "models/safetensors.h"
#include "models/training.h"

namespace ef::train {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

std::string readText(const fs::path &p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in)
        throw std::runtime_error(p.string() + ": cannot be read (" + std::strerror(errno) + ")");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeText(const fs::path &p, const std::string &text)
{
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        throw std::runtime_error(p.string() + ": cannot write (" + std::strerror(errno) + ")");
}

torch::ScalarType torchType(st::DType d)
{
    switch (d) {
    case st::DType::F32:
        return torch::kFloat32;
    case st::DType::BF16:
        return torch::kBFloat16;
    case st::DType::F16:
        return torch::kFloat16;
    case st::DType::F64:
        return torch::kFloat64;
    default:
        throw std::runtime_error(std::string("unsupported weight dtype ") + st::dtypeName(d));
    }
}

// The model of a checkpoint, in float32 on the CPU: the reference every export is checked against.
struct CheckpointModel
{
    TrainConfig config;
    std::unique_ptr<models::LoadedModel> model;
    std::unique_ptr<models::LoraAdapter> adapter;
    std::map<std::string, torch::Tensor> full; // full mode: trained parameters by name

    CheckpointModel(const std::string &runDir, const std::string &checkpoint)
    {
        config = TrainConfig::fromJson(readText(fs::path(runDir) / "config.json"), runDir + "/config.json");
        model = models::loadModel(config.model, "cpu", "f32", true, false);
        if (config.mode == "lora") {
            adapter =
                models::LoraAdapter::load((fs::path(checkpoint) / "adapter").string(), model->config, torch::kCPU);
        } else {
            const auto file = st::File::open((fs::path(checkpoint) / "model.safetensors").string());
            for (const st::TensorView &v : file->tensors()) {
                torch::Tensor t = torch::empty(v.shape, torch::kFloat32);
                if (v.dtype != st::DType::F32)
                    throw std::runtime_error(file->path() + ": tensor '" + v.name + "' is not F32");
                std::memcpy(t.data_ptr(), v.data, v.bytes);
                full[v.name] = t;
            }
            model->decoder->makeTrainable(torch::kFloat32);
            torch::NoGradGuard noGrad;
            for (auto &[name, p] : model->decoder->trainableParameters()) {
                const auto it = full.find(name);
                if (it == full.end())
                    throw std::runtime_error(checkpoint + "/model.safetensors: missing '" + name + "'");
                p.copy_(it->second);
            }
        }
    }

    models::Matrix embed(const std::vector<std::string> &texts, const std::string &instruction)
    {
        torch::NoGradGuard noGrad;
        models::Matrix m;
        m.cols = model->config.hiddenSize;
        for (const std::string &t : texts) {
            const std::vector<int64_t> ids = model->encode(t, instruction, config.maxLength);
            const models::PaddedBatch b = models::padBatch({&ids}, models::PaddingSide::Right, model->eos);
            models::ForwardOptions o;
            o.adapter = adapter.get();
            const torch::Tensor e =
                models::poolLastToken(model->decoder->forward(b.ids, b.mask, o), b.last).contiguous();
            m.data.insert(m.data.end(), e.data_ptr<float>(), e.data_ptr<float>() + e.numel());
            ++m.rows;
        }
        return m;
    }

    // The weight a merged export stores for `name` (float32), or an undefined tensor for "as in the base".
    torch::Tensor mergedWeight(const std::string &name, const st::TensorView &base) const
    {
        static const std::regex proj(R"(^(model\.)?layers\.(\d+)\.(self_attn|mlp)\.(\w+_proj)\.(weight|bias)$)");
        std::smatch m;
        if (adapter) {
            if (!std::regex_match(name, m, proj) || m[5] != "weight")
                return {};
            models::Proj p;
            if (!models::parseProj(m[4], &p))
                return {};
            const models::LoraPair &pair = adapter->pair(std::stoi(m[2]), p);
            if (!pair.active())
                return {};
            torch::Tensor w = torch::empty(base.shape, torchType(base.dtype));
            std::memcpy(w.data_ptr(), base.data, base.bytes);
            return w.to(torch::kFloat32) + torch::mm(pair.B, pair.A) * adapter->settings().scaling();
        }
        // Full mode: every decoder weight was trained; k and v live in the stacked kv parameter.
        const auto it = full.find(name);
        if (it != full.end())
            return it->second;
        if (std::regex_match(name, m, proj) && (m[4] == "k_proj" || m[4] == "v_proj")) {
            const std::string kvName =
                std::string(m[1]) + "layers." + std::string(m[2]) + ".self_attn.kv_proj." + std::string(m[5]);
            const auto kv = full.find(kvName);
            if (kv == full.end())
                throw std::runtime_error("the checkpoint lacks '" + kvName + "'");
            const int64_t half = kv->second.size(0) / 2;
            return kv->second.narrow(0, m[4] == "k_proj" ? 0 : half, half);
        }
        return {};
    }
};

void copyIfExists(const fs::path &from, const fs::path &to)
{
    std::error_code ec;
    if (!fs::is_regular_file(from, ec))
        return;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec)
        throw std::runtime_error(to.string() + ": cannot copy " + from.string() + " (" + ec.message() + ")");
}

void writeMerged(CheckpointModel &cm, const fs::path &out)
{
    const st::Checkpoint base = st::Checkpoint::open(cm.config.model);
    std::vector<torch::Tensor> keep;
    std::vector<st::TensorData> data;
    std::vector<std::string> names = base.names();
    std::sort(names.begin(), names.end());
    for (const std::string &name : names) {
        const st::TensorView *v = base.find(name);
        const torch::Tensor merged = cm.mergedWeight(name, *v);
        if (merged.defined()) {
            keep.push_back(merged.to(torchType(v->dtype)).contiguous());
            data.push_back({name, v->dtype, v->shape, keep.back().data_ptr()});
        } else {
            data.push_back({name, v->dtype, v->shape, v->data});
        }
    }
    st::write((out / "model.safetensors").string(), data, {{"format", "pt"}});
    const fs::path src(cm.config.model);
    for (const char *f : {"config.json", "tokenizer.json", "tokenizer.model", "tokenizer_config.json",
                          "special_tokens_map.json", "generation_config.json"})
        copyIfExists(src / f, out / f);
}

// Makes the folder's tokenizer.json append EOS itself, as sentence-transformers needs for
// last-token pooling (the paper's pooling is the state at the appended EOS).
void appendEosInTokenizer(const fs::path &dir, const std::string &eosToken, int64_t eosId)
{
    const fs::path p = dir / "tokenizer.json";
    json t = json::parse(readText(p));
    json eos = {{"SpecialToken", {{"id", eosToken}, {"type_id", 0}}}};
    json &pp = t["post_processor"];
    if (pp.is_null() || (pp.is_object() && pp.value("type", "") == "ByteLevel")) {
        // ByteLevel post-processing only trims offsets; the template changes the ids alone.
        pp = {{"type", "TemplateProcessing"},
              {"single", json::array({{{"Sequence", {{"id", "A"}, {"type_id", 0}}}}, eos})},
              {"pair", json::array({{{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                                    {{"Sequence", {{"id", "B"}, {"type_id", 1}}}},
                                    eos})},
              {"special_tokens", json::object()}};
    } else if (pp.value("type", "") == "TemplateProcessing") {
        for (const char *k : {"single", "pair"})
            if (pp.contains(k) && pp[k].is_array()) {
                const json &last = pp[k].back();
                if (!(last.contains("SpecialToken") && last["SpecialToken"].value("id", "") == eosToken))
                    pp[k].push_back(eos);
            }
    } else {
        throw std::runtime_error(p.string() + ": post_processor of type " + pp.value("type", std::string("?")) +
                                 " cannot be made to append EOS");
    }
    pp["special_tokens"][eosToken] = {
        {"id", eosToken}, {"ids", json::array({eosId})}, {"tokens", json::array({eosToken})}};
    writeText(p, t.dump(2) + "\n");
    const fs::path tc = dir / "tokenizer_config.json";
    json cfg = fs::exists(tc) ? json::parse(readText(tc)) : json::object();
    cfg["add_eos_token"] = true;
    cfg["eos_token"] = eosToken;
    if (!cfg.contains("padding_side"))
        cfg["padding_side"] = "right";
    writeText(tc, cfg.dump(2) + "\n");
}

std::string commonInstruction(const std::string &runDir)
{
    std::map<std::string, int> counts;
    std::ifstream in(fs::path(runDir) / "data" / "train.jsonl");
    std::string line;
    for (int n = 0; n < 100000 && std::getline(in, line); ++n) {
        const json o = json::parse(line, nullptr, false);
        if (o.is_object() && o.contains("instruction") && o["instruction"].is_string())
            ++counts[o["instruction"].get<std::string>()];
    }
    std::string best;
    int most = 0;
    for (const auto &[k, v] : counts)
        if (v > most && !k.empty()) {
            best = k;
            most = v;
        }
    return best;
}

void writeSentenceTransformers(CheckpointModel &cm, const fs::path &out, const std::string &runDir)
{
    writeMerged(cm, out);
    if (!fs::exists(out / "tokenizer.json"))
        throw std::runtime_error(cm.config.model + ": no tokenizer.json; a sentence-transformers folder needs one");
    const auto eosToken = cm.model->tokenizer->idToToken(cm.model->eos);
    if (!eosToken)
        throw std::runtime_error(cm.config.model + ": the EOS id " + std::to_string(cm.model->eos) + " has no token");
    appendEosInTokenizer(out, *eosToken, cm.model->eos);
    const json modules = json::array(
        {{{"idx", 0}, {"name", "0"}, {"path", ""}, {"type", "sentence_transformers.models.Transformer"}},
         {{"idx", 1}, {"name", "1"}, {"path", "1_Pooling"}, {"type", "sentence_transformers.models.Pooling"}},
         {{"idx", 2}, {"name", "2"}, {"path", "2_Normalize"}, {"type", "sentence_transformers.models.Normalize"}}});
    writeText(out / "modules.json", modules.dump(2) + "\n");
    writeText(out / "sentence_bert_config.json",
              json{{"max_seq_length", cm.config.maxLength}, {"do_lower_case", false}}.dump(2) + "\n");
    fs::create_directories(out / "1_Pooling");
    fs::create_directories(out / "2_Normalize");
    const json pooling = {{"word_embedding_dimension", cm.model->config.hiddenSize},
                          {"pooling_mode_cls_token", false},
                          {"pooling_mode_mean_tokens", false},
                          {"pooling_mode_max_tokens", false},
                          {"pooling_mode_mean_sqrt_len_tokens", false},
                          {"pooling_mode_weightedmean_tokens", false},
                          {"pooling_mode_lasttoken", true},
                          {"include_prompt", true}};
    writeText(out / "1_Pooling" / "config.json", pooling.dump(2) + "\n");
    const std::string instruction = commonInstruction(runDir);
    const json st = {
        {"__version__", {{"sentence_transformers", "3.0.0"}}},
        {"prompts", {{"query", instruction.empty() ? "" : "Instruct: " + instruction + "\nQuery: "}, {"document", ""}}},
        {"default_prompt_name", nullptr},
        {"similarity_fn_name", "cosine"}};
    writeText(out / "config_sentence_transformers.json", st.dump(2) + "\n");
    // The folder's own tokenizer must now end every text with EOS.
    const auto tok = Tokenizer::fromDirectory(out.string());
    const std::vector<int64_t> ids = tok->encode("probe", true);
    if (ids.empty() || ids.back() != cm.model->eos)
        throw std::runtime_error((out / "tokenizer.json").string() +
                                 ": the rewritten post-processor does not append EOS");
}

std::vector<std::pair<std::string, std::string>> probeTexts(const std::string &runDir)
{
    std::vector<std::pair<std::string, std::string>> probes; // text, instruction
    for (const char *file : {"heldout.jsonl", "train.jsonl"}) {
        std::ifstream in(fs::path(runDir) / "data" / file);
        std::string line;
        while (probes.size() < 6 && std::getline(in, line)) {
            const json o = json::parse(line, nullptr, false);
            if (!o.is_object())
                continue;
            probes.emplace_back(o.value("query", ""), o.value("instruction", ""));
            probes.emplace_back(o.value("positive", ""), "");
        }
    }
    probes.emplace_back("A short probe sentence about contrastive training.", "");
    probes.emplace_back("多语言的嵌入模型", "Retrieve semantically similar text.");
    return probes;
}

} // namespace

ExportResult exportRun(const std::string &runDir, ExportFormat format, const std::string &outDir,
                       const std::string &checkpointIn)
{
    const std::string checkpoint = checkpointIn.empty() ? latestCheckpoint(runDir) : checkpointIn;
    if (checkpoint.empty())
        throw std::runtime_error(runDir + ": the run has no checkpoint yet, nothing to export");
    CheckpointModel cm(runDir, checkpoint);
    if (format == ExportFormat::Peft && !cm.adapter)
        throw std::runtime_error(
            runDir + ": a full fine-tuning run has no adapter; export it as merged or sentence-transformers");
    const fs::path out(outDir);
    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_empty(out, ec))
        throw std::runtime_error(outDir + ": exists and is not empty; choose a new folder");
    const fs::path tmp = out.string() + ".partial";
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec)
        throw std::runtime_error(tmp.string() + ": cannot create (" + ec.message() + ")");
    try {
        switch (format) {
        case ExportFormat::Peft:
            fs::remove_all(tmp, ec);
            cm.adapter->save(tmp.string(), cm.config.model);
            break;
        case ExportFormat::Merged:
            writeMerged(cm, tmp);
            break;
        case ExportFormat::SentenceTransformers:
            writeSentenceTransformers(cm, tmp, runDir);
            break;
        }
        json prov = {{"exported_by", "EmbedForge " EMBEDFORGE_VERSION},
                     {"run", fs::absolute(runDir).lexically_normal().string()},
                     {"checkpoint", fs::path(checkpoint).filename().string()},
                     {"base_model", cm.config.model},
                     {"mode", cm.config.mode}};
        writeText(tmp / "embedforge_export.json", prov.dump(2) + "\n");
        // Load it back and compare with the checkpoint's model in memory.
        models::LoadOptions lo;
        lo.requireTokenizer = true;
        std::unique_ptr<models::Embedder> back;
        if (format == ExportFormat::Peft) {
            lo.adapter = tmp.string();
            back = models::Embedder::load(cm.config.model, lo);
        } else {
            back = models::Embedder::load(tmp.string(), lo);
        }
        ExportResult r;
        r.minCosine = 1.0;
        std::string worst;
        for (const auto &[text, instruction] : probeTexts(runDir)) {
            if (text.empty())
                continue;
            models::EmbedOptions eo;
            eo.instruction = instruction;
            eo.maxLength = cm.config.maxLength;
            const models::Matrix a = back->embed({text}, eo);
            const models::Matrix b = cm.embed({text}, instruction);
            double dot = 0;
            for (int64_t c = 0; c < a.cols; ++c)
                dot += double(a.data[static_cast<size_t>(c)]) * double(b.data[static_cast<size_t>(c)]);
            if (dot < r.minCosine) {
                r.minCosine = dot;
                worst = instruction.empty() ? text : "Instruct: " + instruction + "\nQuery: " + text;
            }
            ++r.probes;
        }
        if (!(r.minCosine >= 0.9999))
            throw std::runtime_error("the export does not reproduce the trained model: the lowest cosine over " +
                                     std::to_string(r.probes) + " probe texts is " + std::to_string(r.minCosine) +
                                     " (needs >= 0.9999), for \"" + worst.substr(0, 80) + "\"; nothing was written");
        back.reset();
        fs::rename(tmp, out, ec);
        if (ec) {
            fs::remove_all(out, ec);
            fs::rename(tmp, out, ec);
        }
        if (ec)
            throw std::runtime_error(outDir + ": cannot move the export into place (" + ec.message() + ")");
        r.dir = out.string();
        return r;
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
}

Preflight preflight(const TrainConfig &config)
{
    config.validate();
    Preflight p;
    const models::ModelConfig mc = models::ModelConfig::fromFile((fs::path(config.model) / "config.json").string());
    p.architecture = mc.architecture.empty() ? mc.modelType : mc.architecture;
    p.family = mc.familyName();
    p.layers = mc.numLayers;
    p.hidden = mc.hiddenSize;
    const st::Checkpoint ck = st::Checkpoint::open(config.model);
    for (const std::string &n : ck.names())
        if (n.find("lm_head") == std::string::npos)
            p.parameters += ck.find(n)->elements();
    const bool cuda =
        config.device.rfind("cuda", 0) == 0 || (config.device == "auto" && compute::probeDevices().cudaAvailable);
    p.device = config.device;
    const std::string dtype = config.dtype == "auto" ? (cuda ? "bf16" : "f32") : config.dtype;
    p.dtype = dtype;
    const int64_t wBytes = dtype == "bf16" ? 2 : 4;
    const int64_t h = mc.hiddenSize, inter = mc.intermediateSize, qd = mc.numHeads * mc.headDim,
                  kvd = mc.numKvHeads * mc.headDim;
    if (config.mode == "lora") {
        int64_t perLayer = 0;
        for (const std::string &t : config.loraTargets) {
            models::Proj pr = models::Proj::Q;
            models::parseProj(t, &pr);
            int64_t in = h, out = h;
            switch (pr) {
            case models::Proj::Q:
                out = qd;
                break;
            case models::Proj::K:
            case models::Proj::V:
                out = kvd;
                break;
            case models::Proj::O:
                in = qd;
                break;
            case models::Proj::Gate:
            case models::Proj::Up:
                out = inter;
                break;
            case models::Proj::Down:
                in = inter;
                break;
            }
            perLayer += config.loraRank * (in + out);
        }
        p.trainableParameters = perLayer * mc.numLayers;
        p.weightBytes = p.parameters * wBytes;
    } else {
        p.trainableParameters = p.parameters;
        p.weightBytes = 0; // the trainable copy is the model
    }
    p.trainableBytes = p.trainableParameters * 4 * 4; // weight, gradient, two AdamW moments
    // Activations of one micro-batch at maxLength: with checkpointing the layer inputs of every
    // layer plus one layer's internals; without, every layer's internals (about 16 H + 2 I per token).
    const int64_t rows = config.microBatch > 0 ? config.microBatch : config.batchSize * (2 + config.hardNegatives);
    const int64_t tokens = rows * config.maxLength;
    const int64_t actBytes = dtype == "bf16" ? 2 : 4;
    const int64_t perLayerInternals = tokens * (16 * h + 3 * inter) * actBytes +
                                      int64_t(rows) * mc.numHeads * config.maxLength * config.maxLength * actBytes / 4;
    p.activationBytes = config.gradientCheckpointing ? tokens * h * actBytes * mc.numLayers + perLayerInternals
                                                     : perLayerInternals * mc.numLayers;
    p.embeddingBytes = int64_t(config.batchSize) * (2 + config.hardNegatives) * h * 4 * 2;
    p.totalBytes = p.weightBytes + p.trainableBytes + p.activationBytes + p.embeddingBytes;
    // Does the tokenizer end with EOS itself?
    try {
        auto tok = Tokenizer::fromDirectory(config.model);
        const std::vector<int64_t> ids = tok->encode("probe", true);
        const int64_t eos = mc.eosTokenIds.empty() ? -1 : mc.eosTokenIds.front();
        p.eosAppended = !(!ids.empty() && ids.back() == eos);
        if (eos >= 0)
            p.eosToken = tok->idToToken(eos).value_or("");
    } catch (const std::exception &e) {
        p.note = std::string("tokenizer: ") + e.what();
    }
    if (config.microBatch > 0 && config.microBatch < config.batchSize * (2 + config.hardNegatives))
        p.note += std::string(p.note.empty() ? "" : "; ") + "gradient cache: micro-batches of " +
                  std::to_string(config.microBatch) + " sequences";
    return p;
}

} // namespace ef::train
