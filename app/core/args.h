// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-core's argument parsing: plain C++ (the core build has no Qt).
// Exit codes, as in embedforge-cli: 0 success, 1 failure, 2 usage error.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace ef::core {

enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2 };

struct UsageError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

struct Args
{
    std::map<std::string, std::string> values;
    std::set<std::string> switches;
    std::vector<std::string> positionals;

    bool has(const std::string &name) const { return values.count(name) || switches.count(name); }
    std::string value(const std::string &name, const std::string &def = {}) const
    {
        const auto it = values.find(name);
        return it == values.end() ? def : it->second;
    }
    long long integer(const std::string &name, long long def, long long min, long long max) const;
    double number(const std::string &name, double def, double min, double max) const;
};

// valueOptions take one value ("--out DIR" or "--out=DIR"); switches none. Throws UsageError.
Args parseArgs(const std::vector<std::string> &argv, const std::set<std::string> &valueOptions,
               const std::set<std::string> &switches, size_t minPositionals, size_t maxPositionals);

} // namespace ef::core
