// SPDX-License-Identifier: GPL-3.0-or-later
// TrainConfig to and from JSON, examples in JSONL, records, the held-out split.
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "models/lora.h"
#include "models/training.h"

namespace ef::train {

namespace {

using json = nlohmann::ordered_json;

const std::set<std::string> &knownKeys()
{
    static const std::set<std::string> k = {"name",
                                            "model",
                                            "mode",
                                            "device",
                                            "dtype",
                                            "lora_rank",
                                            "lora_alpha",
                                            "lora_dropout",
                                            "lora_targets",
                                            "steps",
                                            "batch_size",
                                            "micro_batch",
                                            "learning_rate",
                                            "warmup_steps",
                                            "weight_decay",
                                            "max_grad_norm",
                                            "adam_beta1",
                                            "adam_beta2",
                                            "adam_eps",
                                            "temperature",
                                            "symmetric",
                                            "hard_negatives",
                                            "max_length",
                                            "gradient_checkpointing",
                                            "group_by_length",
                                            "shuffle",
                                            "seed",
                                            "init_adapter",
                                            "eval_every",
                                            "checkpoint_every",
                                            "keep_checkpoints",
                                            "eval_max_queries",
                                            "heldout_fraction",
                                            "mine_negatives",
                                            "mine_skip",
                                            "sources"};
    return k;
}

template <typename T> void read(const json &o, const char *key, T *out)
{
    if (!o.contains(key))
        return;
    const json &v = o.at(key);
    try {
        if constexpr (std::is_same_v<T, bool>) {
            if (!v.is_boolean())
                throw ConfigError(key, "expected true or false, not " + v.dump());
            *out = v.get<bool>();
        } else if constexpr (std::is_integral_v<T>) {
            if (!v.is_number_integer() && !(v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()))
                throw ConfigError(key, "expected a whole number, not " + v.dump());
            const double d = v.get<double>();
            if (d < 0 || d > 9.0e15)
                throw ConfigError(key, "out of range: " + v.dump());
            *out = static_cast<T>(v.get<double>());
        } else if constexpr (std::is_floating_point_v<T>) {
            if (!v.is_number())
                throw ConfigError(key, "expected a number, not " + v.dump());
            *out = v.get<T>();
        } else {
            if (!v.is_string())
                throw ConfigError(key, "expected a string, not " + v.dump());
            *out = v.get<std::string>();
        }
    } catch (const json::exception &e) {
        throw ConfigError(key, e.what());
    }
}

uint64_t fnv(const std::string &s, uint64_t h = 0xcbf29ce484222325ULL)
{
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::string textField(const json &o, std::initializer_list<const char *> names, bool required, const char **used)
{
    for (const char *n : names)
        if (o.contains(n) && !o.at(n).is_null()) {
            const json &v = o.at(n);
            if (v.is_string()) {
                *used = n;
                return v.get<std::string>();
            }
            if (v.is_array() && !v.empty() && v.front().is_string()) { // FlagEmbedding: "pos": ["..."]
                *used = n;
                return v.front().get<std::string>();
            }
            throw std::invalid_argument(std::string("field \"") + n + "\": expected a string or a list of strings");
        }
    if (required) {
        std::string list;
        for (const char *n : names)
            list += std::string(list.empty() ? "" : " or ") + "\"" + n + "\"";
        throw std::invalid_argument("missing field " + list);
    }
    return {};
}

} // namespace

std::string TrainConfig::toJson() const
{
    json o;
    o["name"] = name;
    o["model"] = model;
    o["mode"] = mode;
    o["device"] = device;
    o["dtype"] = dtype;
    o["lora_rank"] = loraRank;
    o["lora_alpha"] = loraAlpha;
    o["lora_dropout"] = loraDropout;
    o["lora_targets"] = loraTargets;
    o["steps"] = steps;
    o["batch_size"] = batchSize;
    o["micro_batch"] = microBatch;
    o["learning_rate"] = learningRate;
    o["warmup_steps"] = warmupSteps;
    o["weight_decay"] = weightDecay;
    o["max_grad_norm"] = maxGradNorm;
    o["adam_beta1"] = adamBeta1;
    o["adam_beta2"] = adamBeta2;
    o["adam_eps"] = adamEps;
    o["temperature"] = temperature;
    o["symmetric"] = symmetric;
    o["hard_negatives"] = hardNegatives;
    o["max_length"] = maxLength;
    o["gradient_checkpointing"] = gradientCheckpointing;
    o["group_by_length"] = groupByLength;
    o["shuffle"] = shuffle;
    o["seed"] = seed;
    o["init_adapter"] = initAdapter;
    o["eval_every"] = evalEvery;
    o["checkpoint_every"] = checkpointEvery;
    o["keep_checkpoints"] = keepCheckpoints;
    o["eval_max_queries"] = evalMaxQueries;
    o["heldout_fraction"] = heldoutFraction;
    o["mine_negatives"] = mineNegatives;
    o["mine_skip"] = mineSkip;
    json src = json::array();
    for (const DataSource &s : sources)
        src.push_back({{"name", s.name}, {"ratio", s.ratio}, {"instruction", s.instruction}});
    o["sources"] = src;
    return o.dump(2);
}

TrainConfig TrainConfig::fromJson(const std::string &text, const std::string &origin)
{
    json o;
    try {
        o = json::parse(text);
    } catch (const json::exception &e) {
        throw ConfigError(origin, std::string("not valid JSON: ") + e.what());
    }
    if (!o.is_object())
        throw ConfigError(origin, "expected a JSON object of training settings");
    for (const auto &[key, value] : o.items())
        if (!knownKeys().count(key))
            throw ConfigError(key, "unknown setting in " + origin);
    TrainConfig c;
    read(o, "name", &c.name);
    read(o, "model", &c.model);
    read(o, "mode", &c.mode);
    read(o, "device", &c.device);
    read(o, "dtype", &c.dtype);
    read(o, "lora_rank", &c.loraRank);
    read(o, "lora_alpha", &c.loraAlpha);
    read(o, "lora_dropout", &c.loraDropout);
    if (o.contains("lora_targets")) {
        if (!o["lora_targets"].is_array())
            throw ConfigError("lora_targets", "expected a list of projection names");
        c.loraTargets.clear();
        for (const auto &t : o["lora_targets"]) {
            if (!t.is_string())
                throw ConfigError("lora_targets", "expected strings, not " + t.dump());
            c.loraTargets.push_back(t.get<std::string>());
        }
    }
    read(o, "steps", &c.steps);
    read(o, "batch_size", &c.batchSize);
    read(o, "micro_batch", &c.microBatch);
    read(o, "learning_rate", &c.learningRate);
    read(o, "warmup_steps", &c.warmupSteps);
    read(o, "weight_decay", &c.weightDecay);
    read(o, "max_grad_norm", &c.maxGradNorm);
    read(o, "adam_beta1", &c.adamBeta1);
    read(o, "adam_beta2", &c.adamBeta2);
    read(o, "adam_eps", &c.adamEps);
    read(o, "temperature", &c.temperature);
    read(o, "symmetric", &c.symmetric);
    read(o, "hard_negatives", &c.hardNegatives);
    read(o, "max_length", &c.maxLength);
    read(o, "gradient_checkpointing", &c.gradientCheckpointing);
    read(o, "group_by_length", &c.groupByLength);
    read(o, "shuffle", &c.shuffle);
    read(o, "seed", &c.seed);
    read(o, "init_adapter", &c.initAdapter);
    read(o, "eval_every", &c.evalEvery);
    read(o, "checkpoint_every", &c.checkpointEvery);
    read(o, "keep_checkpoints", &c.keepCheckpoints);
    read(o, "eval_max_queries", &c.evalMaxQueries);
    read(o, "heldout_fraction", &c.heldoutFraction);
    read(o, "mine_negatives", &c.mineNegatives);
    read(o, "mine_skip", &c.mineSkip);
    if (o.contains("sources")) {
        if (!o["sources"].is_array())
            throw ConfigError("sources", "expected a list of {name, ratio, instruction}");
        for (const auto &s : o["sources"]) {
            if (!s.is_object())
                throw ConfigError("sources", "expected objects, not " + s.dump());
            DataSource d;
            read(s, "name", &d.name);
            read(s, "ratio", &d.ratio);
            read(s, "instruction", &d.instruction);
            c.sources.push_back(d);
        }
    }
    c.validate();
    return c;
}

void TrainConfig::validate() const
{
    if (mode != "lora" && mode != "full")
        throw ConfigError("mode", "expected lora or full, not '" + mode + "'");
    if (dtype != "auto" && dtype != "f32" && dtype != "bf16")
        throw ConfigError("dtype", "expected auto, f32 or bf16, not '" + dtype + "'");
    if (device != "auto" && device != "cpu" && device.rfind("cuda", 0) != 0)
        throw ConfigError("device", "expected cpu, cuda, cuda:N or auto, not '" + device + "'");
    if (mode == "lora") {
        models::LoraSettings s;
        s.rank = loraRank;
        s.alpha = loraAlpha;
        s.dropout = loraDropout;
        s.targets = loraTargets;
        try {
            s.validate();
        } catch (const std::invalid_argument &e) {
            const std::string what = e.what();
            const std::string field = what.find("rank") != std::string::npos      ? "lora_rank"
                                      : what.find("alpha") != std::string::npos   ? "lora_alpha"
                                      : what.find("dropout") != std::string::npos ? "lora_dropout"
                                                                                  : "lora_targets";
            throw ConfigError(field, what);
        }
    }
    auto positive = [](const char *field, double v) {
        if (!std::isfinite(v) || v <= 0)
            throw ConfigError(field, "must be a positive number, not " + std::to_string(v));
    };
    if (batchSize < 1 || batchSize > 1 << 20)
        throw ConfigError("batch_size", "must be from 1 to 1048576, not " + std::to_string(batchSize));
    if (microBatch < 0 || microBatch > 1 << 20)
        throw ConfigError("micro_batch",
                          "must be from 0 (no gradient cache) to 1048576, not " + std::to_string(microBatch));
    positive("learning_rate", learningRate);
    positive("temperature", temperature);
    positive("adam_eps", adamEps);
    if (!std::isfinite(weightDecay) || weightDecay < 0)
        throw ConfigError("weight_decay", "must be >= 0");
    if (!std::isfinite(maxGradNorm) || maxGradNorm < 0)
        throw ConfigError("max_grad_norm", "must be >= 0 (0: no clipping)");
    if (!(adamBeta1 >= 0 && adamBeta1 < 1))
        throw ConfigError("adam_beta1", "must be in [0, 1)");
    if (!(adamBeta2 >= 0 && adamBeta2 < 1))
        throw ConfigError("adam_beta2", "must be in [0, 1)");
    if (hardNegatives < 0 || hardNegatives > 64)
        throw ConfigError("hard_negatives", "must be from 0 to 64");
    if (maxLength < 2 || maxLength > 1 << 17)
        throw ConfigError("max_length", "must be from 2 to 131072 tokens");
    if (keepCheckpoints < 1)
        throw ConfigError("keep_checkpoints", "must be at least 1");
    if (evalMaxQueries < 1)
        throw ConfigError("eval_max_queries", "must be at least 1");
    if (!std::isfinite(heldoutFraction) || heldoutFraction < 0 || heldoutFraction >= 1)
        throw ConfigError("heldout_fraction", "must be in [0, 1)");
    if (mineNegatives < 0 || mineNegatives > 64)
        throw ConfigError("mine_negatives", "must be from 0 (off) to 64");
    if (mineSkip < 0 || mineSkip > 10000)
        throw ConfigError("mine_skip", "must be from 0 to 10000");
    std::set<std::string> names;
    for (const DataSource &s : sources) {
        if (s.name.empty())
            throw ConfigError("sources", "a source without a name");
        if (!names.insert(s.name).second)
            throw ConfigError("sources", "source '" + s.name + "' is listed twice");
        if (!std::isfinite(s.ratio) || s.ratio <= 0 || s.ratio > 100)
            throw ConfigError("sources", "ratio of '" + s.name + "' must be in (0, 100]");
    }
}

const std::vector<TrainOption> &trainOptions()
{
    static const std::vector<TrainOption> o = {
        {"--mode", "mode", "lora|full", "LoRA adapters or full fine-tuning"},
        {"--steps", "steps", "N", "optimiser steps (0: one epoch)"},
        {"--batch", "batch_size", "N", "query-positive pairs per step (the contrastive batch)"},
        {"--micro-batch", "micro_batch", "N",
         "sequences per forward pass; fewer than the batch's: gradient cache (0: off)"},
        {"--device", "device", "cpu|cuda|auto", "where to train"},
        {"--dtype", "dtype", "auto|f32|bf16", "compute dtype of the base weights"},
        {"--name", "name", "NAME", "the run's name"},
        {"--lr", "learning_rate", "X", "peak learning rate (AdamW)"},
        {"--warmup", "warmup_steps", "N", "linear warmup steps, then linear decay"},
        {"--weight-decay", "weight_decay", "X", "AdamW weight decay"},
        {"--temperature", "temperature", "T", "InfoNCE temperature"},
        {"--max-length", "max_length", "N", "tokens per query or document, EOS included"},
        {"--hard-negatives", "hard_negatives", "N", "hard negatives per pair, at most"},
        {"--lora-rank", "lora_rank", "R", "LoRA rank"},
        {"--lora-alpha", "lora_alpha", "A", "LoRA alpha (scaling alpha/rank)"},
        {"--lora-dropout", "lora_dropout", "P", "LoRA dropout"},
        {"--seed", "seed", "N", "seed of data order, initialisation and dropout"},
        {"--eval-every", "eval_every", "N", "evaluate every N steps (0: at the end)"},
        {"--checkpoint-every", "checkpoint_every", "N", "checkpoint every N steps (0: at the end)"},
        {"--heldout-fraction", "heldout_fraction", "F", "share of the examples held out for evaluation"},
        {"--mine-negatives", "mine_negatives", "N",
         "mine hard negatives with the starting model until each example has N (0: off)"},
        {"--mine-skip", "mine_skip", "K", "pass over the K best-ranked candidates when mining"},
    };
    return o;
}

void applyTrainOption(TrainConfig &c, const std::string &flag, const std::string &value)
{
    for (const TrainOption &o : trainOptions())
        if (flag == o.flag) {
            // Through the JSON reader, so a flag and a --config key obey the same rules.
            json j = json::parse(c.toJson());
            json v;
            const std::string key = o.key;
            const bool text = key == "mode" || key == "device" || key == "dtype" || key == "name";
            if (text) {
                v = value;
            } else {
                v = json::parse(value, nullptr, false);
                if (v.is_discarded() || !v.is_number())
                    throw ConfigError(flag, "expected a number, not '" + value + "'");
            }
            j[key] = v;
            try {
                c = TrainConfig::fromJson(j.dump(), "the command line");
            } catch (const ConfigError &e) {
                throw ConfigError(flag, std::string(e.what()).substr(e.field().size() + 2));
            }
            return;
        }
    throw ConfigError(flag, "not a training option");
}

std::string trainOptionsHelp()
{
    const json defaults = json::parse(TrainConfig().toJson());
    std::string out;
    for (const TrainOption &o : trainOptions()) {
        std::string def = defaults.contains(o.key) ? defaults[o.key].dump() : "";
        if (def.size() >= 2 && def.front() == '"')
            def = def.substr(1, def.size() - 2);
        char line[256];
        std::snprintf(line, sizeof line, "  %-28s %s (default %s)\n", (std::string(o.flag) + " " + o.valueName).c_str(),
                      o.help, def.empty() ? "none" : def.c_str());
        out += line;
    }
    return out;
}

Example parseExampleJson(const std::string &line, const std::string &source, const std::string &instruction)
{
    json o;
    try {
        o = json::parse(line);
    } catch (const json::exception &e) {
        throw std::invalid_argument(std::string("not valid JSON (") + e.what() + ")");
    }
    if (!o.is_object())
        throw std::invalid_argument("expected a JSON object");
    Example ex;
    const char *used = nullptr;
    ex.query = textField(o, {"query", "anchor"}, true, &used);
    ex.positive = textField(o, {"positive", "pos", "document"}, true, &used);
    for (const char *n : {"negatives", "negative", "neg"})
        if (o.contains(n) && !o.at(n).is_null()) {
            const json &v = o.at(n);
            if (v.is_string())
                ex.negatives.push_back(v.get<std::string>());
            else if (v.is_array()) {
                for (const auto &x : v) {
                    if (!x.is_string())
                        throw std::invalid_argument(std::string("field \"") + n + "\": expected strings, not " +
                                                    x.dump());
                    ex.negatives.push_back(x.get<std::string>());
                }
            } else {
                throw std::invalid_argument(std::string("field \"") + n + "\": expected a string, a list or null");
            }
            break;
        }
    if (ex.query.empty())
        throw std::invalid_argument("field \"query\" is empty");
    if (ex.positive.empty())
        throw std::invalid_argument("the positive document is empty");
    const char *u2 = nullptr;
    ex.instruction = instruction.empty() ? textField(o, {"instruction", "prompt", "task"}, false, &u2) : instruction;
    ex.source =
        o.contains("source") && o["source"].is_string() && source.empty() ? o["source"].get<std::string>() : source;
    if (ex.source.empty())
        ex.source = "synthetic";
    if (o.contains("id")) {
        const json &id = o["id"];
        ex.id = id.is_string() ? id.get<std::string>() : id.dump();
    }
    if (o.contains("family") && o["family"].is_string())
        ex.family = o["family"].get<std::string>();
    if (o.contains("language") && o["language"].is_string())
        ex.language = o["language"].get<std::string>();
    return ex;
}

std::vector<Example> readExamplesJsonl(const std::string &path, const std::string &source,
                                       const std::string &instruction)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(path + ": cannot be read (" + std::strerror(errno) + ")");
    std::vector<Example> out;
    std::string line;
    long long lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos)
            continue;
        try {
            Example ex = parseExampleJson(line, source, instruction);
            if (ex.id.empty())
                ex.id = source + ":" + std::to_string(lineNo);
            out.push_back(std::move(ex));
        } catch (const std::invalid_argument &e) {
            throw std::runtime_error(path + ":" + std::to_string(lineNo) + ": " + e.what());
        }
    }
    if (in.bad())
        throw std::runtime_error(path + ": read error");
    return out;
}

void writeExamplesJsonl(const std::string &path, const std::vector<Example> &examples)
{
    const std::string tmp = path + ".partial";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        for (const Example &e : examples) {
            json o;
            o["id"] = e.id;
            o["source"] = e.source;
            o["instruction"] = e.instruction;
            o["query"] = e.query;
            o["positive"] = e.positive;
            o["negatives"] = e.negatives;
            if (!e.family.empty())
                o["family"] = e.family;
            if (!e.language.empty())
                o["language"] = e.language;
            out << o.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
        }
        out.close();
        if (!out)
            throw std::runtime_error(path + ": cannot write (" + std::strerror(errno) + ")");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw std::runtime_error(path + ": cannot move into place (" + std::strerror(errno) + ")");
}

void splitHeldOut(std::vector<Example> &all, double fraction, uint64_t seed, std::vector<Example> *heldOut)
{
    if (fraction <= 0)
        return;
    std::vector<Example> keep;
    const uint64_t threshold = static_cast<uint64_t>(std::min(1.0, fraction) * 1e6);
    for (Example &e : all) {
        const uint64_t h = fnv(e.id.empty() ? e.query + "\x1f" + e.positive : e.id, 0xcbf29ce484222325ULL ^ seed);
        if ((h % 1000000) < threshold)
            heldOut->push_back(std::move(e));
        else
            keep.push_back(std::move(e));
    }
    all = std::move(keep);
}

std::string StepRecord::toJson() const
{
    json o;
    o["step"] = step;
    o["epoch"] = epoch;
    o["loss"] = loss;
    o["lr"] = learningRate;
    o["grad_norm"] = gradNorm;
    o["accuracy"] = accuracy;
    o["positive_cos"] = positiveCosine;
    o["hardest_negative_cos"] = hardestNegativeCosine;
    o["masked"] = masked;
    o["examples"] = examples;
    o["tokens"] = tokens;
    o["examples_per_s"] = examplesPerSecond;
    o["tokens_per_s"] = tokensPerSecond;
    o["seconds"] = seconds;
    o["elapsed_s"] = elapsedSeconds;
    o["memory_bytes"] = memoryBytes;
    return o.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string EvalRecord::toJson() const
{
    json o;
    o["step"] = step;
    o["eval"] = split;
    o["queries"] = queries;
    o["ndcg_at_10"] = ndcg10;
    o["recall_at_10"] = recall10;
    o["recall_at_1"] = recall1;
    o["mrr_at_10"] = mrr10;
    return o.dump();
}

const char *outcomeName(Outcome o)
{
    switch (o) {
    case Outcome::Finished:
        return "finished";
    case Outcome::Cancelled:
        return "cancelled";
    case Outcome::Diverged:
        return "diverged";
    case Outcome::Failed:
        return "failed";
    }
    return "failed";
}

bool parseExportFormat(const std::string &name, ExportFormat *out)
{
    if (name == "peft")
        *out = ExportFormat::Peft;
    else if (name == "merged")
        *out = ExportFormat::Merged;
    else if (name == "sentence-transformers")
        *out = ExportFormat::SentenceTransformers;
    else
        return false;
    return true;
}

} // namespace ef::train
