// SPDX-License-Identifier: GPL-3.0-or-later
// Contrastive LoRA training throughput: examples/s, tokens/s and achieved FLOP/s as a fraction of
// the matrix-multiply rate measured in the same run, for a Qwen2-0.5B-shaped model with random
// weights (or a 7B Mistral shape on a GPU), against Hugging Face transformers + peft on the same
// shape, threads, lengths and batch, run by bench/hf_train_peer.py in the same run. With --memory,
// the peak memory of one step at batch 256 with and without the gradient cache.
//
// FLOPs credited per step (the "useful" work, as for MFU): the forward pass over every query and
// document token plus the backward pass's input gradients (the frozen base needs no weight
// gradients), i.e. twice the forward FLOPs; LoRA's own products and activation-checkpointing's
// recomputation are not credited.
//
// Usage: bench_train [--device cpu|cuda] [--shape 0.5b|7b] [--layers L] [--threads N] [--batch B]
//                    [--micro-batch M] [--steps S] [--q-len Q] [--d-len D] [--negatives 0|1]
//                    [--checkpointing 0|1] [--python PY|none] [--memory] [--memory-layers L]
//        bench_train --memory-child DIR B M Q D   (internal: one step, prints peak bytes)
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "bench/benchmodel.h"
#include "bench/benchutil.h"
#include "models/compute.h"
#include "models/training.h"

namespace {

using ef::bench::Clock;
using ef::bench::secondsSince;

struct Options
{
    std::string device = "cpu", shapeName = "0.5b", python;
    int threads = 0, layers = 0, batch = 8, micro = 0, steps = 4, qLen = 32, dLen = 96, negatives = 0;
    int checkpointing = 0;
    bool memory = false;
    int memoryLayers = 2;
};

// A text of n tokens under make-tiny's byte-level tokenizer: letters that no merge joins.
std::string textOfTokens(int n, std::mt19937 &rng)
{
    static const char letters[] = "bdfgjkmpqvxyz";
    std::uniform_int_distribution<int> pick(0, 12), word(3, 8);
    std::string s;
    while (static_cast<int>(s.size()) < n) {
        if (!s.empty())
            s += ' ';
        for (int i = word(rng); i > 0 && static_cast<int>(s.size()) < n; --i)
            s += letters[pick(rng)];
    }
    s.resize(static_cast<size_t>(n));
    if (s.back() == ' ')
        s.back() = 'b';
    return s;
}

std::vector<ef::train::Example> examples(int n, const Options &o, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::vector<ef::train::Example> out;
    for (int i = 0; i < n; ++i) {
        ef::train::Example e;
        e.id = std::to_string(i);
        e.query = textOfTokens(o.qLen - 1, rng); // + EOS (the Qwen2 tokenizer adds no BOS)
        e.positive = textOfTokens(o.dLen - 1, rng);
        if (o.negatives > 0)
            e.negatives.push_back(textOfTokens(o.dLen - 1, rng));
        out.push_back(e);
    }
    return out;
}

double gemmRate(const std::string &device, int64_t m, int64_t k, int64_t n, torch::ScalarType type)
{
    const auto opts = torch::TensorOptions()
                          .device(device == "cuda" ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU))
                          .dtype(type);
    const torch::Tensor a = torch::randn({m, k}, opts), b = torch::randn({n, k}, opts);
    torch::Tensor c = torch::mm(a, b.t());
    double best = 1e300;
    for (int i = 0; i < 8; ++i) {
        if (device == "cuda")
            ef::compute::synchronizeGpu(0);
        const auto t0 = Clock::now();
        at::mm_out(c, a, b.t());
        if (device == "cuda")
            ef::compute::synchronizeGpu(0);
        best = std::min(best, secondsSince(t0));
    }
    return 2.0 * double(m) * double(k) * double(n) / best;
}

ef::train::TrainConfig config(const std::string &model, const Options &o, int batch, int micro)
{
    ef::train::TrainConfig c;
    c.model = model;
    c.device = o.device;
    c.dtype = o.device == "cuda" ? "bf16" : "f32";
    c.loraRank = 16;
    c.loraAlpha = 32;
    c.loraDropout = 0; // the peer runs without dropout too
    c.batchSize = batch;
    c.microBatch = micro;
    c.steps = o.steps;
    c.warmupSteps = 1;
    c.maxLength = std::max(o.qLen, o.dLen) + 8;
    c.gradientCheckpointing = o.checkpointing != 0;
    c.groupByLength = false;
    c.evalEvery = 0;
    c.checkpointEvery = 1 << 30; // only the final one
    c.heldoutFraction = 0;
    c.hardNegatives = o.negatives;
    return c;
}

int memoryChild(const std::string &model, int batch, int micro, int q, int d)
{
    Options o;
    o.qLen = q;
    o.dLen = d;
    o.steps = 1;
    o.checkpointing = 1;
    char tmpl[] = "/tmp/bench_train_run_XXXXXX";
    const std::string run = mkdtemp(tmpl);
    {
        auto t = ef::train::Trainer::create(config(model, o, batch, micro), examples(batch, o, 5), {}, run + "/r");
        t->run();
    }
    std::filesystem::remove_all(run);
    std::printf("%lld\n", static_cast<long long>(ef::compute::peakResidentBytes()));
    return 0;
}

long long runChild(char *self, const std::vector<std::string> &args)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        std::vector<char *> argv = {self};
        for (const auto &a : args)
            argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        execv("/proc/self/exe", argv.data());
        _exit(127);
    }
    close(fd[1]);
    char buf[64] = {};
    const ssize_t got = read(fd[0], buf, sizeof buf - 1);
    close(fd[0]);
    waitpid(pid, nullptr, 0);
    return got > 0 ? std::atoll(buf) : -1;
}

double nominalBf16Peak(const std::string &gpu)
{
    // Dense BF16 tensor-core peaks from the vendors' data sheets (SXM parts).
    if (gpu.find("H100") != std::string::npos || gpu.find("H200") != std::string::npos ||
        gpu.find("GH200") != std::string::npos)
        return 989.4e12;
    if (gpu.find("B200") != std::string::npos)
        return 2250e12;
    if (gpu.find("A100") != std::string::npos)
        return 312e12;
    if (gpu.find("L40S") != std::string::npos)
        return 362e12;
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    ef::compute::initialize();
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&] { return std::string(i + 1 < argc ? argv[++i] : ""); };
        if (a == "--memory-child" && i + 5 < argc)
            return memoryChild(argv[i + 1], std::atoi(argv[i + 2]), std::atoi(argv[i + 3]), std::atoi(argv[i + 4]),
                               std::atoi(argv[i + 5]));
        if (a == "--device")
            o.device = next();
        else if (a == "--shape")
            o.shapeName = next();
        else if (a == "--threads")
            o.threads = std::atoi(next().c_str());
        else if (a == "--layers")
            o.layers = std::atoi(next().c_str());
        else if (a == "--batch")
            o.batch = std::atoi(next().c_str());
        else if (a == "--micro-batch")
            o.micro = std::atoi(next().c_str());
        else if (a == "--steps")
            o.steps = std::atoi(next().c_str());
        else if (a == "--q-len")
            o.qLen = std::atoi(next().c_str());
        else if (a == "--d-len")
            o.dLen = std::atoi(next().c_str());
        else if (a == "--negatives")
            o.negatives = std::atoi(next().c_str());
        else if (a == "--checkpointing")
            o.checkpointing = std::atoi(next().c_str());
        else if (a == "--python")
            o.python = next();
        else if (a == "--memory")
            o.memory = true;
        else if (a == "--memory-layers")
            o.memoryLayers = std::atoi(next().c_str());
        else {
            std::fprintf(stderr, "unknown argument %s (see the comment at the top of bench_train.cpp)\n", a.c_str());
            return 2;
        }
    }
    ef::compute::setIntraOpThreads(o.threads);
    ef::bench::Shape shape = o.shapeName == "7b" ? ef::bench::mistral7b() : ef::bench::qwen2Half();
    if (o.layers > 0)
        shape.layers = o.layers;
    const bool cuda = o.device == "cuda";
    const auto info = ef::compute::probeDevices();
    if (cuda && !info.cudaAvailable) {
        std::fprintf(stderr, "--device cuda: %s\n", info.cudaStatus.c_str());
        return 2;
    }
    std::printf("LibTorch %s, %s, %d intra-op threads\n", TORCH_VERSION,
                cuda ? info.cudaDeviceName.c_str() : info.cpuName.c_str(), ef::compute::intraOpThreads());
    // The reference rate: the MLP's GEMM shape at 2048 token rows (F32 on the CPU, BF16 on a GPU).
    const double gemm = cuda ? gemmRate("cuda", 8192, shape.hidden, shape.ffn, torch::kBFloat16)
                             : gemmRate("cpu", 2048, shape.hidden, shape.ffn, torch::kFloat32);
    std::printf("%s GEMM [%dx%lld]x[%lldx%lld]: %.1f %s\n", cuda ? "BF16" : "F32", cuda ? 8192 : 2048,
                static_cast<long long>(shape.hidden), static_cast<long long>(shape.hidden),
                static_cast<long long>(shape.ffn), cuda ? gemm / 1e12 : gemm / 1e9, cuda ? "TFLOP/s" : "GFLOP/s");

    char tmpl[] = "/tmp/bench_train_XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    const std::string model = dir + "/model";
    const size_t bytes = ef::bench::writeModel(model, shape, cuda ? "bf16" : "f32", true);
    std::printf("model: %s shape, %lld layers, random weights, %.0f MiB; LoRA r16 on all 7 projections, %s\n",
                shape.name.c_str(), static_cast<long long>(shape.layers), bytes / 1048576.0,
                o.checkpointing ? "activation checkpointing" : "no activation checkpointing");
    std::printf("batch %d pairs (query %d tokens, document %d tokens, %d hard negative%s), micro-batch %d, %d steps\n",
                o.batch, o.qLen, o.dLen, o.negatives, o.negatives == 1 ? "" : "s", o.micro, o.steps);

    std::vector<double> seconds;
    int64_t tokens = 0;
    int64_t peakGpu = 0;
    {
        auto t = ef::train::Trainer::create(config(model, o, o.batch, o.micro), examples(o.batch * o.steps, o, 3), {},
                                            dir + "/run");
        ef::train::Callbacks cb;
        cb.onStep = [&](const ef::train::StepRecord &s) {
            seconds.push_back(s.seconds);
            tokens = s.tokens;
            peakGpu = std::max(peakGpu, s.memoryBytes);
            std::printf("  step %lld: %.2f s, loss %.4f\n", static_cast<long long>(s.step), s.seconds, s.loss);
            std::fflush(stdout);
        };
        t->run(cb);
    }
    // The first step pays for allocation and kernel selection: the others count.
    std::vector<double> measured(seconds.begin() + (seconds.size() > 1 ? 1 : 0), seconds.end());
    std::sort(measured.begin(), measured.end());
    const double step = measured[measured.size() / 2];
    const double useful = 2.0 * (ef::bench::forwardFlops(shape, double(o.batch) * o.qLen, o.qLen) +
                                 ef::bench::forwardFlops(shape, double(o.batch) * (1 + o.negatives) * o.dLen, o.dLen));
    std::printf(
        "EmbedForge: %.3f s/step (median of %zu), %.2f examples/s, %.0f tokens/s, %.1f %s = %.0f%% of the GEMM rate",
        step, measured.size(), o.batch / step, double(tokens) / step, useful / step / (cuda ? 1e12 : 1e9),
        cuda ? "TFLOP/s" : "GFLOP/s", 100.0 * useful / step / gemm);
    if (cuda) {
        const double nominal = nominalBf16Peak(info.cudaDeviceName);
        if (nominal > 0)
            std::printf(", MFU %.1f%% of the card's %.0f TFLOP/s BF16 peak", 100.0 * useful / step / nominal,
                        nominal / 1e12);
        std::printf("; peak GPU memory %.1f GiB", double(peakGpu) / (1 << 30));
    }
    std::printf("\n");

    // The peer: transformers + peft on the same shape, lengths, batch and threads.
    std::string python = o.python;
    if (python.empty()) {
        const std::string venv = [&] {
            std::string out;
            FILE *p =
                popen("EMBEDFORGE_PYREF_NO_CREATE=1 " EMBEDFORGE_SOURCE_DIR "/scripts/pyref-env.sh 2>/dev/null", "r");
            char buf[512];
            while (p && fgets(buf, sizeof buf, p))
                out += buf;
            if (p)
                pclose(p);
            while (!out.empty() && out.back() == '\n')
                out.pop_back();
            return out;
        }();
        if (!venv.empty())
            python = venv + "/bin/python";
    }
    if (!python.empty() && python != "none") {
        const std::string cmd = python + " " EMBEDFORGE_SOURCE_DIR "/bench/hf_train_peer.py --device " + o.device +
                                " --shape " + o.shapeName + " --layers " + std::to_string(shape.layers) + " --batch " +
                                std::to_string(o.batch) + " --q-len " + std::to_string(o.qLen) + " --d-len " +
                                std::to_string(o.dLen) + " --negatives " + std::to_string(o.negatives) + " --steps " +
                                std::to_string(o.steps) + " --threads " +
                                std::to_string(ef::compute::intraOpThreads()) + " --checkpointing " +
                                std::to_string(o.checkpointing) + " 2>/dev/null";
        std::string out;
        FILE *p = popen(cmd.c_str(), "r");
        char buf[4096];
        while (p && fgets(buf, sizeof buf, p))
            out = buf; // the last line is the result
        if (p)
            pclose(p);
        const auto j = nlohmann::json::parse(out, nullptr, false);
        if (j.is_object() && j.contains("seconds_per_step")) {
            const double peer = j["seconds_per_step"].get<double>();
            std::printf("transformers %s + peft %s: %.3f s/step, %.2f examples/s, %.1f %s = %.0f%% of the GEMM rate; "
                        "EmbedForge is %.2fx the peer (goal >= 1.2x)\n",
                        j.value("transformers", "?").c_str(), j.value("peft", "?").c_str(), peer, o.batch / peer,
                        useful / peer / (cuda ? 1e12 : 1e9), cuda ? "TFLOP/s" : "GFLOP/s", 100.0 * useful / peer / gemm,
                        peer / step);
        } else {
            std::printf("peer failed: %s\n", out.c_str());
        }
    } else {
        std::printf("peer skipped (no --python and no scripts/pyref-env.sh venv)\n");
    }

    if (o.memory && !cuda) {
        // Peak resident memory of one step at batch 256 (query 16, document 64 tokens, fewer layers),
        // each in a fresh process, with the gradient cache (micro-batches of 16) and without.
        ef::bench::Shape small = shape;
        small.layers = o.memoryLayers;
        const std::string m2 = dir + "/model-small";
        ef::bench::writeModel(m2, small, "f32", true);
        const long long with = runChild(argv[0], {"--memory-child", m2, "256", "16", "16", "64"});
        const long long without = runChild(argv[0], {"--memory-child", m2, "256", "0", "16", "64"});
        std::printf("peak memory, batch 256 (query 16, document 64 tokens, %d layers, activation checkpointing): "
                    "%.0f MiB with the gradient cache (micro-batch 16), %.0f MiB without: %.1fx\n",
                    o.memoryLayers, with / 1048576.0, without / 1048576.0, double(without) / double(with));
    }
    std::filesystem::remove_all(dir);
    return 0;
}
