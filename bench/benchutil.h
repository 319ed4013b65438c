// SPDX-License-Identifier: GPL-3.0-or-later
// Small helpers shared by the benchmarks: wall-clock timing and this process's memory figures.
#pragma once

#include <chrono>
#include <cstring>
#include <fstream>
#include <string>

namespace ef::bench {

using Clock = std::chrono::steady_clock;

inline double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

inline double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A "kB" field of /proc/self/status ("VmRSS:", "VmHWM:", ...); -1 when absent.
inline long procStatusKb(const char *key)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0)
            return std::stol(line.substr(std::strlen(key)));
    return -1;
}

} // namespace ef::bench
