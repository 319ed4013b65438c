// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/core/args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace ef::core {

long long Args::integer(const std::string &name, long long def, long long min, long long max) const
{
    const auto it = values.find(name);
    if (it == values.end())
        return def;
    char *end = nullptr;
    errno = 0;
    const long long v = std::strtoll(it->second.c_str(), &end, 10);
    if (it->second.empty() || *end || errno == ERANGE || v < min || v > max)
        throw UsageError(name + ": expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                         ", not '" + it->second + "'");
    return v;
}

double Args::number(const std::string &name, double def, double min, double max) const
{
    const auto it = values.find(name);
    if (it == values.end())
        return def;
    char *end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    if (it->second.empty() || *end || !std::isfinite(v) || v < min || v > max)
        throw UsageError(name + ": expected a number from " + std::to_string(min) + " to " + std::to_string(max) +
                         ", not '" + it->second + "'");
    return v;
}

Args parseArgs(const std::vector<std::string> &argv, const std::set<std::string> &valueOptions,
               const std::set<std::string> &switches, size_t minPositionals, size_t maxPositionals)
{
    Args a;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string &s = argv[i];
        if (s.size() > 2 && s.compare(0, 2, "--") == 0) {
            std::string name = s, value;
            const size_t eq = s.find('=');
            const bool inlineValue = eq != std::string::npos;
            if (inlineValue) {
                name = s.substr(0, eq);
                value = s.substr(eq + 1);
            }
            if (valueOptions.count(name)) {
                if (!inlineValue) {
                    if (i + 1 >= argv.size())
                        throw UsageError(name + " needs a value");
                    value = argv[++i];
                }
                a.values[name] = value;
            } else if (switches.count(name) && !inlineValue) {
                a.switches.insert(name);
            } else {
                throw UsageError("unknown option " + name);
            }
        } else {
            a.positionals.push_back(s);
        }
    }
    if (a.positionals.size() < minPositionals || a.positionals.size() > maxPositionals)
        throw UsageError("wrong number of arguments");
    return a;
}

} // namespace ef::core
