// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-core: info and model commands.
#include "app/core/commands.h"

#include <cstdio>
#include <fstream>

#include "app/core/args.h"
#include "models/compute.h"
#include "models/tinymodel.h"

namespace ef::core {

namespace {

int info(const std::vector<std::string> &argv)
{
    const Args a = parseArgs(argv, {}, {"--json"}, 0, 0);
    const compute::DeviceInfo d = compute::probeDevices();
    if (a.has("--json")) {
        std::printf("%s\n", compute::infoJson(d, EMBEDFORGE_VERSION, EMBEDFORGE_CORE_ONLY_BUILD).c_str());
        return ExitOk;
    }
    std::printf("EmbedForge %s (%s build)\nLibTorch %s\nCUDA: %s\n", EMBEDFORGE_VERSION,
                EMBEDFORGE_CORE_ONLY_BUILD ? "core" : "full", d.torchVersion.c_str(),
                d.cudaAvailable
                    ? ("available, runtime " + std::to_string(d.cudaRuntimeVersion)).c_str()
                    : (std::string(d.cudaCompiled ? "compiled, " : "not compiled, ") + d.cudaStatus).c_str());
    std::printf("CPU: %s, %d hardware threads, %.1f GiB, %d intra-op threads\n", d.cpuName.c_str(), d.cpuCores,
                double(d.cpuMemoryBytes) / (1 << 30), d.intraOpThreads);
    for (const auto &g : d.gpus)
        std::printf("GPU %d: %s, %.1f GiB, compute capability %d.%d\n", g.index, g.name.c_str(),
                    double(g.memoryBytes) / (1 << 30), g.major, g.minor);
    return ExitOk;
}

models::Family parseFamily(const std::string &s)
{
    if (s == "llama")
        return models::Family::Llama;
    if (s == "mistral")
        return models::Family::Mistral;
    if (s == "qwen2")
        return models::Family::Qwen2;
    throw UsageError("--family: expected llama, mistral or qwen2, not '" + s + "'");
}

int makeTiny(const std::vector<std::string> &argv)
{
    const Args a = parseArgs(argv,
                             {"--family", "--out", "--seed", "--hidden", "--layers", "--heads", "--kv-heads",
                              "--intermediate", "--merges", "--texts"},
                             {}, 0, 0);
    if (!a.has("--family") || !a.has("--out"))
        throw UsageError("--family and --out are required");
    models::TinyModelOptions o;
    o.family = parseFamily(a.value("--family"));
    o.seed = static_cast<uint64_t>(a.integer("--seed", 0, 0, (1LL << 53)));
    o.hidden = a.integer("--hidden", o.hidden, 8, 16384);
    o.layers = a.integer("--layers", o.layers, 1, 256);
    o.heads = a.integer("--heads", o.heads, 1, 256);
    o.kvHeads = a.integer("--kv-heads", o.kvHeads, 1, 256);
    o.intermediate = a.integer("--intermediate", o.intermediate, 8, 65536);
    o.merges = static_cast<int>(a.integer("--merges", 0, 0, 100000));
    if (o.hidden % o.heads != 0 || o.heads % o.kvHeads != 0 || (o.hidden / o.heads) % 2 != 0)
        throw UsageError("--hidden must be a multiple of --heads with an even head size, and --heads of --kv-heads");
    if (o.merges > 0) {
        if (!a.has("--texts"))
            throw UsageError("--merges needs --texts FILE (one text per line) to learn them from");
        std::ifstream in(a.value("--texts"));
        if (!in)
            throw std::runtime_error(a.value("--texts") + ": cannot be read");
        for (std::string line; std::getline(in, line);)
            o.mergeTexts.push_back(line);
    }
    models::makeTinyModel(a.value("--out"), o);
    std::printf("%s\n", a.value("--out").c_str());
    return ExitOk;
}

} // namespace

void registerCommands(std::vector<Command> &commands)
{
    commands.push_back(
        {{"info"}, "info [--json]", "What this build can do: LibTorch, CUDA, devices, threads", "", info});
    commands.push_back({{"model", "make-tiny"},
                        "model make-tiny --family llama|mistral|qwen2 --out DIR [--seed N] [--hidden H] [--layers L] "
                        "[--heads A] [--kv-heads K] [--intermediate I] [--merges N --texts FILE]",
                        "Write a tiny, complete Hugging Face model folder with seeded random weights",
                        "",
                        makeTiny});
    registerTrainCommands(commands);
}

} // namespace ef::core
