// SPDX-License-Identifier: GPL-3.0-or-later
// The training engine: LoRA at step 0, the loss by hand, gradient cache and activation
// checkpointing against plain gradients, parity with transformers + peft, non-finite losses,
// cancel and exact resume (also after SIGKILL), the run lock, exports, and a learning check.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "models/compute.h"
#include "models/embedder.h"
#include "models/loss.h"
#include "models/safetensors.h"
#include "models/sha256.h"
#include "models/tinymodel.h"
#include "models/tokenizer.h"
#include "models/training.h"
#include "tests/core/check.h"

using namespace ef;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char *kTopics[] = {"apple",   "river",    "engine", "violin", "planet", "garden", "bridge",
                         "coffee",  "mountain", "ocean",  "robot",  "castle", "winter", "doctor",
                         "library", "camera",   "pencil", "forest", "guitar", "desert"};

std::string tinyModel(uint64_t seed = 7)
{
    const std::string dir = ef::check::tempDir() + "/tiny-llama-" + std::to_string(seed);
    if (!fs::exists(dir + "/config.json")) {
        models::TinyModelOptions o;
        o.family = models::Family::Llama;
        o.seed = seed;
        models::makeTinyModel(dir, o);
    }
    return dir;
}

// Pairs of topic words; the positive names both, a hard negative one of them.
std::vector<train::Example> topicExamples(int n, uint32_t seed, bool negatives = true)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> pick(0, 19);
    std::vector<train::Example> out;
    for (int i = 0; i < n; ++i) {
        const int a = pick(rng);
        int b = pick(rng);
        if (b == a)
            b = (b + 1) % 20;
        train::Example e;
        e.id = "ex-" + std::to_string(i);
        e.instruction = i % 2 ? "Retrieve passages about both topics" : "";
        e.query = std::string(kTopics[a]) + " " + kTopics[b];
        e.positive = std::string("a page about the ") + kTopics[a] + " near the " + kTopics[b];
        if (negatives && i % 3 != 2)
            e.negatives.push_back(std::string("only the ") + kTopics[b] + " is here");
        out.push_back(e);
    }
    return out;
}

train::TrainConfig smallConfig(const std::string &model)
{
    train::TrainConfig c;
    c.model = model;
    c.device = ef::check::device();
    c.dtype = "f32";
    c.loraRank = 4;
    c.loraAlpha = 8;
    c.loraDropout = 0;
    c.batchSize = 8;
    c.microBatch = 0;
    c.steps = 6;
    c.learningRate = 2e-3;
    c.warmupSteps = 2;
    c.temperature = 0.05;
    c.maxLength = 64;
    c.evalEvery = 0;
    c.checkpointEvery = 0;
    c.heldoutFraction = 0;
    c.gradientCheckpointing = false;
    return c;
}

double maxAbsDiff(const std::vector<float> &a, const std::vector<float> &b)
{
    EF_CHECK(a.size() == b.size());
    double m = 0;
    for (size_t i = 0; i < a.size(); ++i)
        m = std::max(m, std::abs(double(a[i]) - double(b[i])));
    return m;
}

double maxAbs(const std::vector<float> &a)
{
    double m = 0;
    for (float v : a)
        m = std::max(m, std::abs(double(v)));
    return m;
}

std::vector<double> lossesOf(const std::string &runDir)
{
    std::vector<double> out;
    std::ifstream in(runDir + "/metrics.jsonl");
    std::string line;
    while (std::getline(in, line)) {
        const json o = json::parse(line);
        if (o.contains("loss"))
            out.push_back(o["loss"].get<double>());
    }
    return out;
}

std::string core()
{
    return ef::check::shellQuote(EMBEDFORGE_CORE_TOOL);
}

} // namespace

EF_TEST(loraAtStepZeroEqualsTheBaseModel)
{
    const std::string model = tinyModel();
    auto t = train::Trainer::create(smallConfig(model), topicExamples(16, 1), {}, ef::check::tempDir() + "/run");
    const std::vector<std::string> texts = {"apple river", "a page about the violin near the ocean"};
    const models::Matrix fresh = t->embed(texts, "Retrieve passages");
    models::LoadOptions lo;
    lo.device = ef::check::device();
    auto base = models::Embedder::load(model, lo);
    models::EmbedOptions eo;
    eo.instruction = "Retrieve passages";
    const models::Matrix plain = base->embed(texts, eo);
    const double diff = maxAbsDiff(fresh.data, plain.data);
    EF_CHECK_MSG(diff < 1e-5, "a fresh adapter (B = 0) changes the embeddings by " << diff);
}

EF_TEST(mergedAdapterEqualsUnmergedAdapter)
{
    // The reference run's final adapter has non-zero A and B: the trainer applies it unmerged
    // (init_adapter), the embedder merges it into the weights.
    const std::string model = tinyModel();
    train::TrainConfig c = smallConfig(model);
    c.initAdapter = EMBEDFORGE_TEST_DATA_DIR "/train_reference/final_adapter";
    auto t = train::Trainer::create(c, topicExamples(16, 1), {}, ef::check::tempDir() + "/run");
    const std::vector<std::string> texts = {"apple river", "only the coffee is here", "多语言"};
    const models::Matrix unmerged = t->embed(texts, "");
    models::LoadOptions lo;
    lo.device = ef::check::device();
    lo.adapter = c.initAdapter;
    const models::Matrix merged = models::Embedder::load(model, lo)->embed(texts, {});
    auto base = models::Embedder::load(model, models::LoadOptions{ef::check::device(), "f32", false, {}});
    const models::Matrix plain = base->embed(texts, {});
    EF_CHECK_MSG(maxAbsDiff(unmerged.data, merged.data) < 1e-5,
                 "merged and unmerged differ by " << maxAbsDiff(unmerged.data, merged.data));
    EF_CHECK_MSG(maxAbsDiff(merged.data, plain.data) > 1e-3,
                 "the adapter had no effect, the comparison proves nothing");
}

EF_TEST(onlyLoraParametersChange)
{
    auto t = train::Trainer::create(smallConfig(tinyModel()), topicExamples(24, 2), {}, ef::check::tempDir() + "/run");
    const double frozen = t->frozenWeightsChecksum();
    const std::vector<float> before = t->trainableSnapshot();
    EF_CHECK(maxAbs(before) > 0); // A is random
    const train::RunResult r = t->run();
    EF_CHECK_MSG(r.outcome == train::Outcome::Finished, r.message);
    EF_CHECK(t->stepsDone() == 6);
    EF_CHECK_MSG(t->frozenWeightsChecksum() == frozen, "the base weights changed");
    EF_CHECK_MSG(maxAbsDiff(t->trainableSnapshot(), before) > 1e-4, "the adapter did not change");
    EF_CHECK(t->trainableParameters() == static_cast<int64_t>(before.size()));
}

EF_TEST(infoNceMatchesAHandComputed3x6MatrixWithOneDuplicate)
{
    // Three queries, three positives and three hard negatives in 2-D; negative 1 (candidate 4) is a
    // copy of row 0's positive, so it is masked for row 0 and counts as a negative for rows 1 and 2.
    auto unit = [](double deg) {
        const double r = deg * M_PI / 180.0;
        return std::vector<float>{float(std::cos(r)), float(std::sin(r))};
    };
    const std::vector<double> qa = {0, 100, 200}, ca = {10, 120, 170, 60, 10, 250};
    std::vector<float> q, c;
    for (double d : qa)
        for (float v : unit(d))
            q.push_back(v);
    for (double d : ca)
        for (float v : unit(d))
            c.push_back(v);
    models::InfoNceInputs in;
    in.queries = torch::from_blob(q.data(), {3, 2}, torch::kFloat32).clone();
    in.candidates = torch::from_blob(c.data(), {6, 2}, torch::kFloat32).clone();
    in.queryKeys = {1, 2, 3};
    in.candidateKeys = {100, 200, 300, 400, 100, 600};
    in.temperature = 0.5;
    const models::InfoNceResult r = models::infoNce(in);
    // By hand: L_i = -log(exp(cos(q_i,c_i)/T) / Σ_j exp(cos(q_i,c_j)/T)) over unmasked j.
    double expected = 0;
    int correct = 0;
    for (int i = 0; i < 3; ++i) {
        double denom = 0, best = -1e9;
        int arg = -1;
        for (int j = 0; j < 6; ++j) {
            if (i == 0 && j == 4)
                continue; // the duplicate of row 0's positive
            const double s = std::cos((qa[size_t(i)] - ca[size_t(j)]) * M_PI / 180.0) / 0.5;
            denom += std::exp(s);
            if (s > best) {
                best = s;
                arg = j;
            }
        }
        const double pos = std::cos((qa[size_t(i)] - ca[size_t(i)]) * M_PI / 180.0) / 0.5;
        expected += -(pos - std::log(denom));
        correct += arg == i;
    }
    expected /= 3;
    EF_CHECK_CLOSE(r.loss.item<double>(), expected, 1e-5);
    EF_CHECK(r.masked == 1);
    EF_CHECK_CLOSE(r.accuracy, correct / 3.0, 1e-12);
    // Without the mask, row 0 would count its own positive's copy as a negative: a higher loss.
    in.candidateKeys = {100, 200, 300, 400, 500, 600};
    EF_CHECK(models::infoNce(in).loss.item<double>() > expected + 1e-3);
}

EF_TEST(gradientCacheGradientsEqualOnePieceGradients)
{
    train::TrainConfig c = smallConfig(tinyModel());
    c.microBatch = 3; // 8 queries + 8 positives + 6 negatives = 22 sequences in 8 micro-batches
    c.initAdapter = EMBEDFORGE_TEST_DATA_DIR "/train_reference/final_adapter"; // non-zero B: A gets gradients too
    auto t = train::Trainer::create(c, topicExamples(16, 3), {}, ef::check::tempDir() + "/run");
    const std::vector<train::Example> batch = topicExamples(8, 4);
    double l1 = 0, l2 = 0;
    const std::vector<float> whole = t->batchGradients(batch, false, &l1);
    const std::vector<float> cached = t->batchGradients(batch, true, &l2);
    EF_CHECK_CLOSE(l1, l2, 1e-5);
    const double scale = maxAbs(whole);
    EF_CHECK_MSG(scale > 1e-3, "degenerate gradients prove nothing");
    const double diff = maxAbsDiff(whole, cached);
    EF_CHECK_MSG(diff <= 1e-4 * scale,
                 "gradient cache vs one piece: max |diff| " << diff << " (scale " << scale << ")");
}

EF_TEST(checkpointedLayersGiveTheSameGradientsAsPlainLayers)
{
    const std::string model = tinyModel();
    const std::vector<train::Example> batch = topicExamples(8, 5);
    std::vector<float> grads[2];
    double loss[2] = {0, 0};
    for (int on = 0; on < 2; ++on) {
        train::TrainConfig c = smallConfig(model);
        c.gradientCheckpointing = on == 1;
        c.initAdapter = EMBEDFORGE_TEST_DATA_DIR "/train_reference/final_adapter";
        c.microBatch = 4;
        auto t =
            train::Trainer::create(c, topicExamples(16, 3), {}, ef::check::tempDir() + "/run" + std::to_string(on));
        grads[on] = t->batchGradients(batch, true, &loss[on]);
    }
    EF_CHECK_CLOSE(loss[0], loss[1], 1e-6);
    const double diff = maxAbsDiff(grads[0], grads[1]);
    EF_CHECK_MSG(diff <= 1e-5 * maxAbs(grads[0]), "checkpointed vs plain: max |diff| " << diff);
}

EF_TEST(checkpointedFullFineTuningGivesTheSameGradients)
{
    const std::string model = tinyModel();
    const std::vector<train::Example> batch = topicExamples(6, 6);
    std::vector<float> grads[2];
    for (int on = 0; on < 2; ++on) {
        train::TrainConfig c = smallConfig(model);
        c.mode = "full";
        c.gradientCheckpointing = on == 1;
        auto t =
            train::Trainer::create(c, topicExamples(12, 3), {}, ef::check::tempDir() + "/full" + std::to_string(on));
        grads[on] = t->batchGradients(batch, false, nullptr);
    }
    const double diff = maxAbsDiff(grads[0], grads[1]);
    EF_CHECK_MSG(maxAbs(grads[0]) > 1e-4 && diff <= 1e-5 * maxAbs(grads[0]), "full mode: max |diff| " << diff);
}

EF_TEST(twentyLoraStepsMatchTransformersAndPeft)
{
    // tests/data/train_reference: produced by scripts/make_train_reference.py (transformers + peft).
    std::ifstream in(EMBEDFORGE_TEST_DATA_DIR "/train_reference/reference.json");
    const json ref = json::parse(in);
    const std::string model = tinyModel(ref["model"]["make_tiny"]["seed"].get<uint64_t>());
    EF_CHECK(Sha256::hexOfFile(model + "/model.safetensors") == ref["model"]["model_sha256"].get<std::string>());
    std::vector<train::Example> data;
    for (const auto &e : ref["examples"])
        data.push_back(train::parseExampleJson(e.dump(), "synthetic", ""));
    for (int micro : {0, 5}) { // one piece, then the gradient cache
        json cfg = ref["config"];
        cfg["model"] = model;
        cfg["device"] = ef::check::device();
        cfg["micro_batch"] = micro;
        cfg["init_adapter"] = EMBEDFORGE_TEST_DATA_DIR "/train_reference/init_adapter";
        const train::TrainConfig c = train::TrainConfig::fromJson(cfg.dump(), "reference.json");
        const std::string run = ef::check::tempDir() + "/parity-" + std::to_string(micro);
        auto t = train::Trainer::create(c, data, {}, run);
        std::vector<double> losses, norms;
        train::Callbacks cb;
        cb.onStep = [&](const train::StepRecord &s) {
            losses.push_back(s.loss);
            norms.push_back(s.gradNorm);
        };
        EF_CHECK(t->run(cb).outcome == train::Outcome::Finished);
        EF_CHECK(losses.size() == ref["losses"].size());
        double worst = 0, worstNorm = 0;
        for (size_t i = 0; i < losses.size(); ++i) {
            worst = std::max(worst, std::abs(losses[i] - ref["losses"][i].get<double>()));
            worstNorm = std::max(worstNorm, std::abs(norms[i] - ref["grad_norms"][i].get<double>()) /
                                                std::max(1.0, ref["grad_norms"][i].get<double>()));
        }
        for (size_t i = 0; i < losses.size() && i < 4; ++i)
            std::printf("    step %zu: loss %.7f (reference %.7f), gradient norm %.6f (reference %.6f)\n", i + 1,
                        losses[i], ref["losses"][i].get<double>(), norms[i], ref["grad_norms"][i].get<double>());
        std::printf(
            "  micro-batch %d: max |loss - peft reference| %.3g over %zu steps, gradient norms to %.3g (relative)\n",
            micro, worst, losses.size(), worstNorm);
        EF_CHECK_MSG(worst <= 1e-4, "losses differ from the reference by up to " << worst);
        EF_CHECK_MSG(worstNorm <= 1e-3, "gradient norms differ from the reference by up to " << worstNorm);
        // The final adapter equals peft's.
        const auto ours = st::File::open(train::latestCheckpoint(run) + "/adapter/adapter_model.safetensors");
        const auto theirs =
            st::File::open(EMBEDFORGE_TEST_DATA_DIR "/train_reference/final_adapter/adapter_model.safetensors");
        EF_CHECK(ours->tensors().size() == theirs->tensors().size());
        double wdiff = 0, wscale = 0;
        for (const st::TensorView &v : theirs->tensors()) {
            const st::TensorView *o = ours->find(v.name);
            EF_CHECK_MSG(o && o->shape == v.shape, "missing or misshapen " << v.name);
            const float *a = reinterpret_cast<const float *>(o->data), *b = reinterpret_cast<const float *>(v.data);
            for (int64_t i = 0; i < v.elements(); ++i) {
                wdiff = std::max(wdiff, std::abs(double(a[i]) - double(b[i])));
                wscale = std::max(wscale, std::abs(double(b[i])));
            }
        }
        std::printf("  final adapter: max |ours - peft| %.3g (largest weight %.3g)\n", wdiff, wscale);
        EF_CHECK_MSG(wdiff <= 1e-4, "adapter weights differ by " << wdiff);
    }
}

EF_TEST(aNonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint)
{
    train::TrainConfig c = smallConfig(tinyModel());
    c.checkpointEvery = 1;
    const std::string run = ef::check::tempDir() + "/run";
    auto t = train::Trainer::create(c, topicExamples(32, 7), {}, run);
    std::vector<float> atStep2;
    train::Callbacks cb;
    cb.lossProbe = [](int64_t step, double loss) { return step == 3 ? std::nan("") : loss; };
    cb.onStep = [&](const train::StepRecord &s) {
        if (s.step == 2)
            atStep2 = t->trainableSnapshot();
    };
    const train::RunResult r = t->run(cb);
    EF_CHECK(r.outcome == train::Outcome::Diverged);
    EF_CHECK_MSG(r.message.find("non-finite loss at step 3") != std::string::npos, r.message);
    EF_CHECK(t->stepsDone() == 2);
    EF_CHECK(fs::path(r.checkpoint).filename() == "step-00000002");
    EF_CHECK(maxAbsDiff(t->trainableSnapshot(), atStep2) == 0); // the bad update was not applied
    EF_CHECK(train::readRunStatus(run).status == "diverged");
    EF_CHECK(lossesOf(run).size() == 2);
}

EF_TEST(cancelSavesACheckpointAndResumeFinishesTheRun)
{
    train::TrainConfig c = smallConfig(tinyModel());
    c.steps = 5;
    const std::string run = ef::check::tempDir() + "/run";
    {
        auto t = train::Trainer::create(c, topicExamples(48, 8), {}, run);
        int steps = 0;
        train::Callbacks cb;
        cb.onStep = [&](const train::StepRecord &) { ++steps; };
        cb.shouldStop = [&] { return steps >= 2; };
        const train::RunResult r = t->run(cb);
        EF_CHECK(r.outcome == train::Outcome::Cancelled);
        EF_CHECK_MSG(fs::path(r.checkpoint).filename() == "step-00000002", r.checkpoint);
        EF_CHECK(train::readRunStatus(run).status == "cancelled");
    }
    auto t = train::Trainer::resume(run);
    EF_CHECK(t->stepsDone() == 2);
    EF_CHECK(t->run().outcome == train::Outcome::Finished);
    EF_CHECK(t->stepsDone() == 5);
    EF_CHECK(lossesOf(run).size() == 5);
}

EF_TEST(aSecondTrainerOnTheSameRunIsRefused)
{
    const std::string run = ef::check::tempDir() + "/run";
    auto t = train::Trainer::create(smallConfig(tinyModel()), topicExamples(16, 9), {}, run);
    EF_CHECK_THROWS(train::Trainer::resume(run), "is being trained by process " + std::to_string(::getpid()));
    EF_CHECK_THROWS(train::Trainer::create(smallConfig(tinyModel()), topicExamples(16, 9), {}, run),
                    "holds a run already");
}

EF_TEST(resumeAfterSigkillReproducesTheUninterruptedCurve)
{
    const std::string dir = ef::check::tempDir();
    const std::string model = tinyModel();
    train::writeExamplesJsonl(dir + "/data.jsonl", topicExamples(96, 10));
    const std::string common = " train --data " + ef::check::shellQuote(dir + "/data.jsonl") + " --model " +
                               ef::check::shellQuote(model) +
                               " --steps 10 --batch 8 --micro-batch 5 --lr 2e-3 --warmup 2 --temperature 0.05 "
                               "--lora-rank 4 --checkpoint-every 2 --eval-every 0 --heldout-fraction 0 --threads 1 "
                               "--device cpu";
    const auto whole = ef::check::run(core() + common + " --out " + ef::check::shellQuote(dir + "/whole"), true);
    EF_CHECK_MSG(whole.exitCode == 0, whole.out);
    const std::vector<double> expected = lossesOf(dir + "/whole");
    EF_CHECK(expected.size() == 10);

    // The same run, killed with SIGKILL once it has passed a checkpoint and is mid-way to the next.
    const std::string killed = dir + "/killed";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execl("/bin/sh", "sh", "-c",
                (core() + common + " --out " + ef::check::shellQuote(killed) + " >/dev/null 2>&1").c_str(),
                static_cast<char *>(nullptr));
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (lossesOf(killed).size() < 5 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // sh -c runs the tool as its child: SIGKILL the tool itself, found by its command line.
    ef::check::run("pkill -9 -f -- " + ef::check::shellQuote("--out " + killed));
    int status = 0;
    ::waitpid(pid, &status, 0);
    const size_t done = lossesOf(killed).size();
    EF_CHECK_MSG(done >= 5 && done < 10, "the run was not killed mid-way (" << done << " steps)");
    const auto resumed =
        ef::check::run(core() + " train --resume " + ef::check::shellQuote(killed) + " --threads 1", true);
    EF_CHECK_MSG(resumed.exitCode == 0, resumed.out);
    const std::vector<double> got = lossesOf(killed);
    EF_CHECK(got.size() == expected.size());
    for (size_t i = 0; i < got.size(); ++i)
        EF_CHECK_MSG(std::abs(got[i] - expected[i]) <= 1e-6 * std::max(1.0, std::abs(expected[i])),
                     "step " << i + 1 << ": " << got[i] << " after the kill, " << expected[i] << " uninterrupted");
}

EF_TEST(exportsLoadBackAndReproduceTheModel)
{
    train::TrainConfig c = smallConfig(tinyModel());
    const std::string dir = ef::check::tempDir();
    {
        auto t = train::Trainer::create(c, topicExamples(32, 11), topicExamples(4, 12), dir + "/run");
        EF_CHECK(t->run().outcome == train::Outcome::Finished);
    }
    for (const char *f : {"peft", "merged", "sentence-transformers"}) {
        train::ExportFormat format;
        EF_CHECK(train::parseExportFormat(f, &format));
        const train::ExportResult r = train::exportRun(dir + "/run", format, dir + "/" + f);
        EF_CHECK_MSG(r.minCosine >= 0.9999 && r.probes >= 6, f << ": " << r.minCosine << " over " << r.probes);
    }
    const json adapterConfig = json::parse(std::ifstream(dir + "/peft/adapter_config.json"));
    EF_CHECK(adapterConfig["peft_type"] == "LORA" && adapterConfig["task_type"] == "FEATURE_EXTRACTION");
    EF_CHECK(adapterConfig["r"] == 4 && adapterConfig["target_modules"].size() == 7);
    EF_CHECK(st::File::open(dir + "/peft/adapter_model.safetensors")
                 ->find("base_model.model.layers.0.self_attn.q_proj.lora_A.weight"));
    // The sentence-transformers folder: last-token pooling, and a tokenizer that appends EOS.
    const json pooling = json::parse(std::ifstream(dir + "/sentence-transformers/1_Pooling/config.json"));
    EF_CHECK(pooling["pooling_mode_lasttoken"] == true && pooling["pooling_mode_mean_tokens"] == false);
    EF_CHECK(fs::exists(dir + "/sentence-transformers/modules.json"));
    const auto tok = Tokenizer::fromDirectory(dir + "/sentence-transformers");
    const models::ModelConfig mc = models::ModelConfig::fromFile(dir + "/sentence-transformers/config.json");
    EF_CHECK(tok->encode("hello", true).back() == mc.eosTokenIds.front());
    // Refusals: a non-empty target, a full run as PEFT.
    EF_CHECK_THROWS(train::exportRun(dir + "/run", train::ExportFormat::Merged, dir + "/peft"), "not empty");
}

EF_TEST(fullTrainingFromScratchRaisesHeldOutRecallAt1ByAtLeast0_3)
{
    // A tiny model with random weights, fully trained on a synthetic retrieval set: the held-out
    // queries must find their own documents far more often than before training.
    train::TrainConfig c = smallConfig(tinyModel(21));
    c.mode = "full";
    c.steps = 60;
    c.batchSize = 16;
    c.learningRate = 1e-3;
    c.warmupSteps = 5;
    c.evalMaxQueries = 200;
    std::vector<train::Example> all = topicExamples(400, 13, false);
    std::vector<train::Example> heldOut;
    train::splitHeldOut(all, 0.15, 1, &heldOut);
    EF_CHECK(heldOut.size() >= 40);
    auto t = train::Trainer::create(c, all, heldOut, ef::check::tempDir() + "/run");
    const train::EvalRecord before = t->evaluateHeldOut();
    EF_CHECK(t->run().outcome == train::Outcome::Finished);
    const train::EvalRecord after = t->evaluateHeldOut();
    std::printf("  held-out Recall@1 %.3f -> %.3f, nDCG@10 %.3f -> %.3f (%lld queries)\n", before.recall1,
                after.recall1, before.ndcg10, after.ndcg10, static_cast<long long>(after.queries));
    EF_CHECK_MSG(after.recall1 >= before.recall1 + 0.3, "Recall@1 " << before.recall1 << " -> " << after.recall1);
}

// Mining with the starting model: each example without a negative gets the pool's best-ranked
// candidate (after mine_skip), recomputed here independently with the base model's embeddings;
// never its own positive or query; examples with a negative keep theirs; the mined data is what
// the run folder holds, so a resumed run trains on it.
EF_TEST(minedNegativesAreTheBaseModelsNearestOtherDocuments)
{
    const std::string model = tinyModel();
    std::vector<train::Example> examples = topicExamples(24, 5);
    std::vector<std::string> pool;
    for (int i = 0; i < 20; ++i)
        pool.push_back(std::string("notes on the ") + kTopics[i] + " and the " + kTopics[(i * 7 + 3) % 20]);
    pool.push_back(examples[2].positive); // example 2's own positive: never mined for it
    const auto base = models::Embedder::load(model);
    for (int skip : {0, 2}) {
        train::TrainConfig c = smallConfig(model);
        c.mineNegatives = 1;
        c.mineSkip = skip;
        const std::string dir = ef::check::tempDir() + "/mine-" + std::to_string(skip);
        auto t = train::Trainer::create(c, examples, {}, dir, pool);
        const auto report = t->mining();
        const auto mined = train::readExamplesJsonl(dir + "/data/train.jsonl", {});
        EF_CHECK(mined.size() == examples.size());
        int64_t needy = 0;
        for (size_t i = 0; i < examples.size(); ++i) {
            const train::Example &before = examples[i];
            const train::Example &after = mined[i];
            EF_CHECK(after.query == before.query);
            if (!before.negatives.empty()) {
                EF_CHECK(after.negatives == before.negatives);
                continue;
            }
            ++needy;
            EF_CHECK_MSG(after.negatives.size() == 1, "example " << i << " got " << after.negatives.size());
            EF_CHECK(after.negatives[0] != before.positive);
            // The expected pick: rank the pool by cosine with the base model (a fresh adapter is the base).
            models::EmbedOptions qo;
            qo.instruction = before.instruction;
            qo.maxLength = c.maxLength;
            const models::Matrix q = base->embed({before.query}, qo);
            models::EmbedOptions dopt;
            dopt.maxLength = c.maxLength;
            const models::Matrix d = base->embed(pool, dopt);
            std::vector<std::pair<float, size_t>> ranked;
            for (size_t j = 0; j < pool.size(); ++j) {
                float dot = 0;
                for (int64_t h = 0; h < d.cols; ++h)
                    dot += q.row(0)[h] * d.row(static_cast<int64_t>(j))[h];
                if (pool[j] != before.positive)
                    ranked.push_back({dot, j});
            }
            std::stable_sort(ranked.begin(), ranked.end(), [](auto a, auto b) { return a.first > b.first; });
            const std::string &expected = pool[ranked[static_cast<size_t>(skip)].second];
            EF_CHECK_MSG(after.negatives[0] == expected, "example " << i << " (skip " << skip << "): mined '"
                                                                    << after.negatives[0] << "', expected '" << expected
                                                                    << "'");
        }
        EF_CHECK(needy > 0);
        EF_CHECK(report.negatives == needy && report.examples == needy);
        EF_CHECK(report.pool == static_cast<int64_t>(pool.size()));
        t.reset();
        // Resume reads the mined data back; it does not mine again.
        auto again = train::Trainer::resume(dir);
        EF_CHECK(again->mining().negatives == 0);
    }
    // A pool larger than one streamed chunk (4,096 documents): the picks still match a brute-force
    // ranking, and the scratch file of embeddings is gone afterwards.
    {
        std::vector<std::string> big;
        for (int i = 0; i < 4500; ++i)
            big.push_back(std::string("entry ") + std::to_string(i) + " on the " + kTopics[i % 20] + " and " +
                          kTopics[(i / 20) % 20]);
        train::TrainConfig c = smallConfig(model);
        c.mineNegatives = 1;
        const std::string dir = ef::check::tempDir() + "/mine-big";
        auto t = train::Trainer::create(c, examples, {}, dir, big);
        EF_CHECK(t->mining().pool == 4500);
        EF_CHECK(!fs::exists(dir + "/data/mine_pool.f32.tmp"));
        const auto mined = train::readExamplesJsonl(dir + "/data/train.jsonl", {});
        models::EmbedOptions dopt;
        dopt.maxLength = c.maxLength;
        const models::Matrix d = base->embed(big, dopt);
        int checked = 0;
        for (size_t i = 0; i < examples.size() && checked < 3; ++i) {
            if (!examples[i].negatives.empty())
                continue;
            models::EmbedOptions qo;
            qo.instruction = examples[i].instruction;
            qo.maxLength = c.maxLength;
            const models::Matrix q = base->embed({examples[i].query}, qo);
            size_t best = 0;
            float bestScore = -2;
            for (size_t j = 0; j < big.size(); ++j) {
                float dot = 0;
                for (int64_t h = 0; h < d.cols; ++h)
                    dot += q.row(0)[h] * d.row(static_cast<int64_t>(j))[h];
                if (dot > bestScore) {
                    bestScore = dot;
                    best = j;
                }
            }
            EF_CHECK_MSG(mined[i].negatives.at(0) == big[best], "example " << i << ": mined '"
                                                                           << mined[i].negatives.at(0)
                                                                           << "', expected '" << big[best] << "'");
            ++checked;
        }
        EF_CHECK(checked == 3);
    }
    // Without a pool, the other examples' positives are the candidates.
    train::TrainConfig c = smallConfig(model);
    c.mineNegatives = 1;
    auto t = train::Trainer::create(c, examples, {}, ef::check::tempDir() + "/mine-self");
    EF_CHECK(t->mining().negatives > 0);
    const auto mined = train::readExamplesJsonl(ef::check::tempDir() + "/mine-self/data/train.jsonl", {});
    for (size_t i = 0; i < mined.size(); ++i) {
        EF_CHECK(!mined[i].negatives.empty());
        EF_CHECK(mined[i].negatives.back() != mined[i].positive);
    }
}

EF_TEST(configRoundTripsAndNamesBadFields)
{
    train::TrainConfig c;
    c.name = "x";
    c.loraRank = 8;
    c.sources.push_back({"msmarco", 0.5, "Given a web search query, retrieve relevant passages"});
    const train::TrainConfig back = train::TrainConfig::fromJson(c.toJson(), "test");
    EF_CHECK(back.toJson() == c.toJson());
    EF_CHECK_THROWS(train::TrainConfig::fromJson(R"({"learning_rat": 1})", "cfg.json"), "learning_rat");
    EF_CHECK_THROWS(train::TrainConfig::fromJson(R"({"temperature": -1})", "cfg.json"), "temperature");
    EF_CHECK_THROWS(train::TrainConfig::fromJson(R"({"lora_targets": ["qkv"]})", "cfg.json"), "lora_targets");
    EF_CHECK_THROWS(train::TrainConfig::fromJson(R"({"mode": "qlora"})", "cfg.json"), "mode");
    train::TrainConfig d;
    train::applyTrainOption(d, "--lr", "3e-5");
    EF_CHECK_CLOSE(d.learningRate, 3e-5, 1e-15);
    EF_CHECK_THROWS(train::applyTrainOption(d, "--batch", "many"), "--batch");
    EF_CHECK_THROWS(train::applyTrainOption(d, "--warmup", "-3"), "--warmup");
    EF_CHECK(train::trainOptionsHelp().find("--lr X") != std::string::npos);
}

EF_TEST(examplesReadInTheUsualJsonlShapes)
{
    const auto a = train::parseExampleJson(
        R"({"query": "q", "pos": ["p1", "p2"], "neg": ["n1", "n2"], "prompt": "Do it"})", "flag", "");
    EF_CHECK(a.query == "q" && a.positive == "p1" && a.negatives.size() == 2 && a.instruction == "Do it");
    const auto b = train::parseExampleJson(R"({"anchor": "a", "positive": "p", "negative": "n"})", "st", "Override");
    EF_CHECK(b.query == "a" && b.positive == "p" && b.negatives == std::vector<std::string>{"n"} &&
             b.instruction == "Override");
    const auto c = train::parseExampleJson(R"({"query": "q", "positive": "p", "negative": null})", "x", "");
    EF_CHECK(c.negatives.empty());
    const std::string path = ef::check::tempDir() + "/bad.jsonl";
    std::ofstream(path) << R"({"query": "q", "pos": "p"})"
                        << "\n"
                        << R"({"query": "q"})"
                        << "\n";
    EF_CHECK_THROWS(train::readExamplesJsonl(path, "x"), "bad.jsonl:2: missing field");
}
