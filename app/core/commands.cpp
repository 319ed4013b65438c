// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-core: info and model commands.
#include "app/core/commands.h"

#include <cstdio>

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
                d.cudaAvailable ? ("available, runtime " + std::to_string(d.cudaRuntimeVersion)).c_str()
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
    const Args a = parseArgs(argv, {"--family", "--out", "--seed"}, {}, 0, 0);
    if (!a.has("--family") || !a.has("--out"))
        throw UsageError("--family and --out are required");
    models::TinyModelOptions o;
    o.family = parseFamily(a.value("--family"));
    o.seed = static_cast<uint64_t>(a.integer("--seed", 0, 0, (1LL << 53)));
    models::makeTinyModel(a.value("--out"), o);
    std::printf("%s\n", a.value("--out").c_str());
    return ExitOk;
}

} // namespace

void registerCommands(std::vector<Command> &commands)
{
    commands.push_back({{"info"}, "info [--json]", "What this build can do: LibTorch, CUDA, devices, threads", "", info});
    commands.push_back({{"model", "make-tiny"}, "model make-tiny --family llama|mistral|qwen2 --out DIR [--seed N]",
                        "Write a tiny, complete Hugging Face model folder with seeded random weights", "", makeTiny});
    registerTrainCommands(commands);
}

} // namespace ef::core
