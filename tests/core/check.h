// SPDX-License-Identifier: GPL-3.0-or-later
// A small test harness for the Qt-free core (models/): the core-only build has no Qt, so these
// tests cannot use Qt Test. It keeps Qt Test's shape: one executable per unit, test functions run
// in order, a failed check ends its function with file:line and a message, skips say why, and the
// exit code is the number of failed functions. CTest runs them in every build.
//
//   EF_TEST(name) { EF_CHECK(cond); EF_CHECK_MSG(cond, "what " << value); EF_CHECK_CLOSE(a, b, tol); }
//
// Arguments: test-name filters (substrings), `--device cpu|cuda` (also EMBEDFORGE_TEST_DEVICE),
// `--list`. device() tells a test where to run; tests that need a GPU skip without one.
#pragma once

#include <cmath>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ef::check {

struct Failure : std::runtime_error
{
    using std::runtime_error::runtime_error;
};
struct Skipped : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

bool add(const char *name, void (*fn)());
const std::string &device(); // "cpu" or "cuda"
std::string tempDir();       // a fresh folder per test function, removed after it passes

[[noreturn]] void fail(const char *file, int line, const std::string &what);

struct CommandResult
{
    int exitCode = -1; // -1: did not exit normally
    std::string out;   // stdout (stderr too when mergeStderr)
};
// Runs a shell command line (sh -c) and collects its output.
CommandResult run(const std::string &commandLine, bool mergeStderr = false);
// Quotes a string for sh.
std::string shellQuote(const std::string &s);

} // namespace ef::check

#define EF_TEST(name)                                                                                                  \
    static void name();                                                                                                \
    [[maybe_unused]] static const bool ef_registered_##name = ef::check::add(#name, &name);                            \
    static void name()

#define EF_CHECK(cond)                                                                                                 \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            ef::check::fail(__FILE__, __LINE__, "check failed: " #cond);                                               \
    } while (0)

#define EF_CHECK_MSG(cond, msg)                                                                                        \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            std::ostringstream ef_os_;                                                                                 \
            ef_os_ << "check failed: " #cond " — " << msg;                                                             \
            ef::check::fail(__FILE__, __LINE__, ef_os_.str());                                                         \
        }                                                                                                              \
    } while (0)

#define EF_CHECK_CLOSE(a, b, tol)                                                                                      \
    do {                                                                                                               \
        const double ef_a_ = static_cast<double>(a), ef_b_ = static_cast<double>(b);                                   \
        if (!(std::abs(ef_a_ - ef_b_) <= static_cast<double>(tol))) {                                                  \
            std::ostringstream ef_os_;                                                                                 \
            ef_os_.precision(9);                                                                                       \
            ef_os_ << #a " = " << ef_a_ << ", " #b " = " << ef_b_ << ", |diff| " << std::abs(ef_a_ - ef_b_) << " > "   \
                   << static_cast<double>(tol);                                                                        \
            ef::check::fail(__FILE__, __LINE__, ef_os_.str());                                                         \
        }                                                                                                              \
    } while (0)

#define EF_CHECK_THROWS(expr, substring)                                                                               \
    do {                                                                                                               \
        bool ef_threw_ = false;                                                                                        \
        try {                                                                                                          \
            (void)(expr);                                                                                              \
        } catch (const std::exception &ef_e_) {                                                                        \
            ef_threw_ = true;                                                                                          \
            if (std::string(ef_e_.what()).find(substring) == std::string::npos)                                        \
                ef::check::fail(__FILE__, __LINE__,                                                                    \
                                std::string("message lacks \"") + (substring) + "\": " + ef_e_.what());                \
        }                                                                                                              \
        if (!ef_threw_)                                                                                                \
            ef::check::fail(__FILE__, __LINE__, "did not throw: " #expr);                                              \
    } while (0)

#define EF_SKIP(why) throw ef::check::Skipped(why)
