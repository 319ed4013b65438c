// SPDX-License-Identifier: GPL-3.0-or-later
// The core test harness's main(): runs the registered test functions (see check.h).
#include "tests/core/check.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include <sys/wait.h>

#include "models/compute.h"

namespace ef::check {

namespace {

struct Entry
{
    const char *name;
    void (*fn)();
};

std::vector<Entry> &registry()
{
    static std::vector<Entry> r;
    return r;
}

std::string &deviceName()
{
    static std::string d = "cpu";
    return d;
}

std::string &currentTemp()
{
    static std::string t;
    return t;
}

} // namespace

bool add(const char *name, void (*fn)())
{
    registry().push_back({name, fn});
    return true;
}

const std::string &device()
{
    return deviceName();
}

std::string tempDir()
{
    if (currentTemp().empty()) {
        const char *base = std::getenv("TMPDIR");
        std::random_device rd;
        const std::string dir = std::string(base && *base ? base : "/tmp") + "/ef-core-test-" + std::to_string(rd());
        std::filesystem::create_directories(dir);
        currentTemp() = dir;
    }
    return currentTemp();
}

CommandResult run(const std::string &commandLine, bool mergeStderr)
{
    CommandResult r;
    std::FILE *p = ::popen((commandLine + (mergeStderr ? " 2>&1" : "")).c_str(), "r");
    if (!p)
        return r;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0)
        r.out.append(buf, n);
    const int status = ::pclose(p);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string shellQuote(const std::string &s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

void fail(const char *file, int line, const std::string &what)
{
    throw Failure(std::string(file) + ":" + std::to_string(line) + ": " + what);
}

} // namespace ef::check

int main(int argc, char **argv)
{
    using namespace ef::check;
    ef::compute::initialize();
    std::vector<std::string> filters;
    if (const char *env = std::getenv("EMBEDFORGE_TEST_DEVICE"))
        deviceName() = env;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--device") == 0 && i + 1 < argc) {
            deviceName() = argv[++i];
        } else if (std::strcmp(argv[i], "--list") == 0) {
            for (const auto &e : registry())
                std::printf("%s\n", e.name);
            return 0;
        } else {
            filters.emplace_back(argv[i]);
        }
    }
    if (deviceName() != "cpu" && deviceName() != "cuda") {
        std::fprintf(stderr, "unknown device '%s' (expected cpu or cuda)\n", deviceName().c_str());
        return 2;
    }
    if (deviceName() == "cuda" && !ef::compute::probeDevices().cudaAvailable) {
        std::fprintf(stderr, "--device cuda: %s\n", ef::compute::probeDevices().cudaStatus.c_str());
        return 2;
    }
    const char *program = std::strrchr(argv[0], '/') ? std::strrchr(argv[0], '/') + 1 : argv[0];
    int passed = 0, failed = 0, skipped = 0;
    for (const auto &e : registry()) {
        if (!filters.empty()) {
            bool match = false;
            for (const auto &f : filters)
                match = match || std::strstr(e.name, f.c_str());
            if (!match)
                continue;
        }
        const auto start = std::chrono::steady_clock::now();
        std::string outcome;
        bool ok = false;
        try {
            e.fn();
            ok = true;
            ++passed;
        } catch (const Skipped &s) {
            outcome = std::string("SKIP   : ") + program + "::" + e.name + " — " + s.what();
            ok = true;
            ++skipped;
        } catch (const std::exception &x) {
            outcome = std::string("FAIL!  : ") + program + "::" + e.name + " — " + x.what();
            ++failed;
        }
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (outcome.empty())
            std::printf("PASS   : %s::%s (%.0f ms, %s)\n", program, e.name, ms, deviceName().c_str());
        else
            std::printf("%s\n", outcome.c_str());
        std::fflush(stdout);
        if (!currentTemp().empty()) {
            if (ok) {
                std::error_code ec;
                std::filesystem::remove_all(currentTemp(), ec);
            } else {
                std::printf("         files kept in %s\n", currentTemp().c_str());
            }
            currentTemp().clear();
        }
    }
    std::printf("Totals: %d passed, %d failed, %d skipped (%s)\n", passed, failed, skipped, deviceName().c_str());
    return failed;
}
