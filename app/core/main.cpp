// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-core: the headless tool of the Qt-free core build, for GPU servers and cluster nodes
// without a desktop. Argument parsing and wiring only; the work is in models/.
#include <cstdio>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "app/core/args.h"
#include "app/core/commands.h"
#include "models/compute.h"

namespace {

using ef::core::Command;

void printHelp(const std::vector<Command> &commands)
{
    std::printf("Usage: embedforge-core COMMAND [ARGS...]\n\n"
                "EmbedForge's Qt-free core: model inspection, embedding and contrastive training on a GPU server.\n"
                "Runs made here use the same config and folders as the workbench (embedforge-cli train --config).\n\n"
                "Commands:\n");
    for (const Command &c : commands)
        std::printf("  %-58s %s\n", c.synopsis.c_str(), c.summary.c_str());
    std::printf("\nExit codes: 0 success, 1 failure, 2 usage error.\n");
}

} // namespace

int main(int argc, char **argv)
{
    ef::compute::initialize(); // before any tensor work: LibTorch decides about CUDA once
    std::vector<std::string> args(argv + 1, argv + argc);
    std::vector<Command> commands;
    ef::core::registerCommands(commands);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        printHelp(commands);
        return args.empty() ? ef::core::ExitUsage : ef::core::ExitOk;
    }
    if (args[0] == "--version") {
        std::printf("embedforge-core %s\n", EMBEDFORGE_VERSION);
        return ef::core::ExitOk;
    }
    // The longest command whose words start the arguments.
    const Command *best = nullptr;
    for (const Command &c : commands) {
        if (c.words.size() > args.size())
            continue;
        bool match = true;
        for (size_t i = 0; i < c.words.size(); ++i)
            match = match && args[i] == c.words[i];
        if (match && (!best || c.words.size() > best->words.size()))
            best = &c;
    }
    if (!best) {
        std::fprintf(stderr, "embedforge-core: unknown command '%s' (see --help)\n", args[0].c_str());
        return ef::core::ExitUsage;
    }
    const std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(best->words.size()), args.end());
    for (const std::string &a : rest)
        if (a == "--help" || a == "-h") {
            std::printf("Usage: embedforge-core %s\n\n%s\n%s", best->synopsis.c_str(), best->summary.c_str(),
                        best->help.c_str());
            return ef::core::ExitOk;
        }
    try {
        return best->run(rest);
    } catch (const ef::core::UsageError &e) {
        std::fprintf(stderr, "embedforge-core: %s: %s\nUsage: embedforge-core %s\n", best->name().c_str(), e.what(),
                     best->synopsis.c_str());
        return ef::core::ExitUsage;
    } catch (const std::bad_alloc &) {
        std::fprintf(stderr,
                     "embedforge-core: %s: out of memory (the input, batch or model is too large for this machine)\n",
                     best->name().c_str());
        return ef::core::ExitFailure;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "embedforge-core: %s: %s\n", best->name().c_str(), ef::compute::errorMessage(e).c_str());
        return ef::core::ExitFailure;
    }
}
