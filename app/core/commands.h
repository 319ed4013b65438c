// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-core's commands.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace ef::core {

struct Command
{
    std::vector<std::string> words; // {"model", "make-tiny"}
    std::string synopsis;
    std::string summary;
    std::string help; // details printed by --help (options and defaults)
    std::function<int(const std::vector<std::string> &args)> run;
    std::string name() const
    {
        std::string n;
        for (const auto &w : words)
            n += (n.empty() ? "" : " ") + w;
        return n;
    }
};

void registerCommands(std::vector<Command> &commands);
void registerTrainCommands(std::vector<Command> &commands);

} // namespace ef::core
