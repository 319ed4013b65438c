// SPDX-License-Identifier: GPL-3.0-or-later
// What `info --json` reports, and the CUDA module: built whenever LibTorch has CUDA, it must load
// and register LibTorch's CUDA hooks (the runtime version is then known) even on a machine without
// a GPU, when forced; without a driver it is not loaded and the reason says so.
#include <nlohmann/json.hpp>

#include "models/compute.h"
#include "tests/core/check.h"

using json = nlohmann::json;

namespace {

json info(const std::string &env)
{
    const auto r = ef::check::run(env + " " + ef::check::shellQuote(EMBEDFORGE_CORE_TOOL) + " info --json");
    EF_CHECK_MSG(r.exitCode == 0, "info --json exited " << r.exitCode << ": " << r.out);
    return json::parse(r.out);
}

} // namespace

EF_TEST(infoJsonHasTheDocumentedKeys)
{
    const json o = info("");
    for (const char *key :
         {"version", "torch_version", "cuda_compiled", "cuda_available", "devices", "threads", "core_only"})
        EF_CHECK_MSG(o.contains(key), "missing key " << key << " in " << o.dump());
    EF_CHECK(o["version"] == EMBEDFORGE_VERSION);
    EF_CHECK(o["torch_version"].get<std::string>().rfind("2.", 0) == 0);
    EF_CHECK(o["devices"].is_array() && !o["devices"].empty());
    const json &cpu = o["devices"][0];
    EF_CHECK(cpu["type"] == "cpu" && cpu["memory_bytes"].get<int64_t>() > (int64_t(256) << 20));
    EF_CHECK(!cpu["name"].get<std::string>().empty());
    EF_CHECK(o["threads"].get<int>() >= 1);
#ifdef EMBEDFORGE_EXPECT_CUDA_MODULE
    EF_CHECK(o["cuda_compiled"] == true);
#else
    EF_CHECK(o["cuda_compiled"] == false);
#endif
    // Where no GPU is visible, CUDA is not available and the reason is given.
    if (!o["cuda_available"].get<bool>())
        EF_CHECK(!o["cuda_status"].get<std::string>().empty());
}

EF_TEST(cudaModuleLoadsAndRegistersLibTorchsCudaHooks)
{
#ifndef EMBEDFORGE_EXPECT_CUDA_MODULE
    EF_SKIP("this LibTorch has no CUDA, so there is no CUDA module to load");
#else
    // Forced: loaded even without a driver, so LibTorch's CUDA library and the CUDA runtime are
    // really linked and initialised here.
    const json forced = info("EMBEDFORGE_CUDA=force");
    EF_CHECK_MSG(forced["cuda_runtime_version"].get<int>() >= 12000, forced.dump());
    // Switched off: not loaded, and the reason names the switch.
    const json off = info("EMBEDFORGE_CUDA=off");
    EF_CHECK(off["cuda_runtime_version"].get<int>() == 0);
    EF_CHECK(off["cuda_available"] == false);
    EF_CHECK_MSG(off["cuda_status"].get<std::string>().find("EMBEDFORGE_CUDA=off") != std::string::npos, off.dump());
#endif
}

EF_TEST(gpuFiguresAreAbsentWithoutCuda)
{
    const ef::compute::DeviceInfo d = ef::compute::probeDevices();
    if (d.cudaAvailable) {
        const auto m = ef::compute::gpuMemory(0);
        EF_CHECK(m && m->totalDevice > 0);
    } else {
        EF_CHECK(!ef::compute::gpuMemory(0));
        EF_CHECK(d.gpus.empty());
    }
    // The current figure first: the peak read after it cannot be lower. (Read the other way round,
    // the allocations of the second read could raise the RSS past the peak read before, as they
    // always do under AddressSanitizer, whose allocator hands out fresh memory.)
    const int64_t resident = ef::compute::residentBytes();
    EF_CHECK(ef::compute::peakResidentBytes() >= resident && resident > 0);
}
