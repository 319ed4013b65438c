// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-core train / export: contrastive training from JSONL files into a run folder, headless.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/core/args.h"
#include "app/core/commands.h"
#include "models/compute.h"
#include "models/training.h"

namespace ef::core {

namespace {

std::atomic_bool g_stop{false};

void onSignal(int)
{
    g_stop.store(true);
}

std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(path + ": cannot be read");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// --mine-pool FILE: one document per line, a JSON string or an object with "text" (and "title"),
// as in a BEIR corpus.jsonl. A bad line is an error naming file:line.
std::vector<std::string> readMinePool(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(path + ": cannot be read");
    std::vector<std::string> out;
    std::string line;
    for (int64_t n = 1; std::getline(in, line); ++n) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        const nlohmann::json o = nlohmann::json::parse(line, nullptr, false);
        if (o.is_string()) {
            out.push_back(o.get<std::string>());
        } else if (o.is_object() && o.contains("text") && o["text"].is_string()) {
            const std::string title =
                o.contains("title") && o["title"].is_string() ? o["title"].get<std::string>() : "";
            out.push_back(title.empty() ? o["text"].get<std::string>() : title + " " + o["text"].get<std::string>());
        } else {
            throw std::runtime_error(path + ":" + std::to_string(n) +
                                     ": expected a JSON string or an object with \"text\"");
        }
    }
    return out;
}

int runTrainer(train::Trainer &t)
{
    // Ctrl-C or SIGTERM: finish the current micro-batch, save a checkpoint, stop (resumable).
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    train::Callbacks cb;
    cb.onStep = [](const train::StepRecord &s) {
        std::printf("%s\n", s.toJson().c_str());
        std::fflush(stdout);
    };
    cb.onEval = [](const train::EvalRecord &e) {
        std::fprintf(stderr, "eval %s at step %lld: nDCG@10 %.4f, Recall@10 %.4f, Recall@1 %.4f (%lld queries)\n",
                     e.split.c_str(), static_cast<long long>(e.step), e.ndcg10, e.recall10, e.recall1,
                     static_cast<long long>(e.queries));
    };
    cb.shouldStop = [] { return g_stop.load(); };
    cb.log = [](const std::string &m) { std::fprintf(stderr, "%s\n", m.c_str()); };
    const train::RunResult r = t.run(cb);
    nlohmann::ordered_json o;
    o["run"] = t.runDir();
    o["status"] = train::outcomeName(r.outcome);
    o["steps"] = r.steps;
    o["total_steps"] = t.totalSteps();
    o["checkpoint"] = r.checkpoint;
    o["message"] = r.message;
    std::printf("%s\n", o.dump().c_str());
    std::fflush(stdout);
    if (r.outcome != train::Outcome::Finished)
        std::fprintf(stderr, "embedforge-core: train: %s\n", r.message.c_str());
    return r.outcome == train::Outcome::Finished ? ExitOk : ExitFailure;
}

int trainCommand(const std::vector<std::string> &argv)
{
    std::set<std::string> values = {"--data",   "--heldout", "--model",   "--out",
                                    "--config", "--resume",  "--threads", "--mine-pool"};
    for (const train::TrainOption &o : train::trainOptions())
        values.insert(o.flag);
    const Args a = parseArgs(argv, values, {}, 0, 0);
    if (a.has("--threads"))
        compute::setIntraOpThreads(static_cast<int>(a.integer("--threads", 0, 1, 4096)));
    if (a.has("--resume")) {
        for (const auto &[k, v] : a.values)
            if (k != "--resume" && k != "--threads")
                throw UsageError(k + " cannot be combined with --resume (the run keeps its own settings)");
        auto t = train::Trainer::resume(a.value("--resume"));
        return runTrainer(*t);
    }
    if (!a.has("--data") || !a.has("--out"))
        throw UsageError("--data FILE.jsonl and --out RUNDIR are required (or --resume RUNDIR)");
    train::TrainConfig config;
    if (a.has("--config"))
        config = train::TrainConfig::fromJson(readFile(a.value("--config")), a.value("--config"));
    if (a.has("--model"))
        config.model = a.value("--model");
    for (const train::TrainOption &o : train::trainOptions())
        if (a.has(o.flag))
            train::applyTrainOption(config, o.flag, a.value(o.flag));
    if (config.model.empty())
        throw UsageError("--model DIR is required (or \"model\" in --config)");
    // --data FILE[,FILE...]; NAME=FILE names a source (its ratio and instruction come from --config's sources).
    std::vector<train::Example> all;
    std::stringstream list(a.value("--data"));
    for (std::string item; std::getline(list, item, ',');) {
        std::string source = "synthetic", path = item;
        const size_t eq = item.find('=');
        if (eq != std::string::npos) {
            source = item.substr(0, eq);
            path = item.substr(eq + 1);
        }
        std::vector<train::Example> part = train::readExamplesJsonl(path, source);
        all.insert(all.end(), part.begin(), part.end());
    }
    std::vector<train::Example> heldOut;
    if (a.has("--heldout"))
        heldOut = train::readExamplesJsonl(a.value("--heldout"), "heldout");
    else
        train::splitHeldOut(all, config.heldoutFraction, config.seed, &heldOut);
    std::fprintf(stderr, "%zu training examples, %zu held out\n", all.size(), heldOut.size());
    if (a.has("--mine-pool") && config.mineNegatives == 0)
        throw UsageError("--mine-pool needs --mine-negatives N (or \"mine_negatives\" in --config)");
    const std::vector<std::string> pool =
        a.has("--mine-pool") ? readMinePool(a.value("--mine-pool")) : std::vector<std::string>{};
    auto t = train::Trainer::create(config, all, heldOut, a.value("--out"), pool);
    if (config.mineNegatives > 0)
        std::fprintf(stderr, "mined %lld hard negatives for %lld examples among %lld candidates\n",
                     static_cast<long long>(t->mining().negatives), static_cast<long long>(t->mining().examples),
                     static_cast<long long>(t->mining().pool));
    return runTrainer(*t);
}

int exportCommand(const std::vector<std::string> &argv)
{
    const Args a = parseArgs(argv, {"--run", "--format", "--out", "--checkpoint"}, {}, 0, 0);
    if (!a.has("--run") || !a.has("--format") || !a.has("--out"))
        throw UsageError("--run RUNDIR, --format and --out DIR are required");
    train::ExportFormat f;
    if (!train::parseExportFormat(a.value("--format"), &f))
        throw UsageError("--format: expected peft, merged or sentence-transformers, not '" + a.value("--format") + "'");
    const train::ExportResult r = train::exportRun(a.value("--run"), f, a.value("--out"), a.value("--checkpoint"));
    nlohmann::ordered_json o;
    o["out"] = r.dir;
    o["format"] = a.value("--format");
    o["probes"] = r.probes;
    o["min_cosine"] = r.minCosine;
    std::printf("%s\n", o.dump().c_str());
    return ExitOk;
}

} // namespace

void registerTrainCommands(std::vector<Command> &commands)
{
    commands.push_back({{"train"},
                        "train --data [NAME=]FILE.jsonl[,...] [--heldout FILE.jsonl] --model DIR --out RUNDIR "
                        "[--config FILE] [--mine-negatives N [--mine-pool FILE.jsonl]] [options] | "
                        "train --resume RUNDIR",
                        "Contrastive training (LoRA or full) into a run folder; one JSON line per step",
                        "Options (they override --config):\n" + train::trainOptionsHelp() +
                            "  --threads N                  LibTorch intra-op threads\n"
                            "Ctrl-C saves a checkpoint and stops; --resume continues exactly.\n",
                        trainCommand});
    commands.push_back({{"export"},
                        "export --run RUNDIR --format peft|merged|sentence-transformers --out DIR [--checkpoint DIR]",
                        "Export a run's newest checkpoint; the export is loaded back and checked",
                        "",
                        exportCommand});
}

} // namespace ef::core
