// SPDX-License-Identifier: GPL-3.0-or-later
// Compute devices, the CUDA module and LibTorch's thread policy.
#include "models/compute.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include <dlfcn.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>
#include <torch/version.h>

#include "models/cuda_module_api.h"

namespace ef::compute {

namespace {

std::atomic<int> g_threads{0};

struct CudaModule
{
    bool compiled = false;
    const EfCudaApi *api = nullptr;
    std::string status; // why it is not loaded, or why it is loaded but unusable
};

std::string exeDir()
{
    char exe[4096];
    const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return {};
    std::string dir(exe, static_cast<size_t>(n));
    dir.erase(dir.find_last_of('/') + 1);
    return dir;
}

CudaModule loadCudaModule()
{
    CudaModule m;
#ifdef EMBEDFORGE_CUDA_MODULE_BUILD_PATH
    m.compiled = true;
    const char *mode = std::getenv("EMBEDFORGE_CUDA");
    const std::string how = mode ? mode : "";
    if (how == "off" || how == "0") {
        m.status = "CUDA support is switched off (EMBEDFORGE_CUDA=" + how + ")";
        return m;
    }
    if (how != "force") {
        void *driver = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
        if (!driver)
            driver = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!driver) {
            m.status = "no NVIDIA driver found (libcuda.so.1)";
            return m;
        }
    }
    std::vector<std::string> candidates;
    if (const char *env = std::getenv("EMBEDFORGE_CUDA_MODULE"))
        candidates.emplace_back(env);
    const std::string dir = exeDir();
    if (!dir.empty())
        candidates.push_back(dir + EMBEDFORGE_CUDA_MODULE_RELATIVE_PATH);
    candidates.emplace_back(EMBEDFORGE_CUDA_MODULE_BUILD_PATH);
    candidates.emplace_back(EMBEDFORGE_CUDA_MODULE_INSTALL_PATH);
    std::string tried;
    for (const auto &c : candidates) {
        // RTLD_GLOBAL: LibTorch's CUDA library registers itself with libtorch_cpu on load.
        void *lib = ::dlopen(c.c_str(), RTLD_NOW | RTLD_GLOBAL);
        if (!lib) {
            const char *e = ::dlerror();
            tried += "; " + c + ": " + (e ? e : "not found");
            continue;
        }
        const auto fn = reinterpret_cast<EfCudaApiFn>(::dlsym(lib, "embedforge_cuda_api"));
        if (!fn) {
            m.status = c + " lacks embedforge_cuda_api";
            return m;
        }
        const EfCudaApi *api = fn();
        if (api->abiVersion != EF_CUDA_ABI_VERSION) {
            m.status = c + " is from another EmbedForge version";
            return m;
        }
        if (api->runtimeVersion == 0) {
            m.status = "the CUDA module was loaded after LibTorch's first CUDA query (call ef::compute::initialize() "
                       "at the top of main)";
            return m;
        }
        m.api = api;
        return m;
    }
    m.status = "cannot load the CUDA module" + tried;
#else
    m.status = "this build has no CUDA module (LibTorch without CUDA, or EMBEDFORGE_CUDA=OFF)";
#endif
    return m;
}

const CudaModule &cudaModule()
{
    static const CudaModule module = loadCudaModule();
    return module;
}

std::string readCpuName()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) {
            const size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(colon + 1);
                name.erase(0, name.find_first_not_of(" \t"));
                return name;
            }
        }
    return "CPU";
}

int64_t statusField(const char *field)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    const size_t len = std::strlen(field);
    while (std::getline(in, line))
        if (line.compare(0, len, field) == 0)
            return std::atoll(line.c_str() + len) * 1024; // "VmRSS:   123 kB"
    return 0;
}

} // namespace

std::string errorMessage(const std::exception &e)
{
    if (const auto *c = dynamic_cast<const c10::Error *>(&e))
        return c->what_without_backtrace();
    return e.what();
}

void initialize()
{
    (void)cudaModule();
}

DeviceInfo probeDevices()
{
    const CudaModule &m = cudaModule();
    DeviceInfo info;
    info.torchVersion = TORCH_VERSION;
    info.cudaCompiled = m.compiled;
    info.cudaLoaded = m.api != nullptr;
    info.cudaStatus = m.status;
    if (m.api) {
        info.cudaRuntimeVersion = m.api->runtimeVersion;
        char err[512] = {0};
        int count = 0;
        if (m.api->deviceCount(&count, err, sizeof(err)) != 0) {
            info.cudaStatus = std::string("CUDA error: ") + err;
            count = 0;
        }
        for (int i = 0; i < count; ++i) {
            EfCudaDevice d{};
            if (m.api->device(i, &d, err, sizeof(err)) != 0)
                continue;
            info.gpus.push_back({i, d.name, d.totalMemory, d.major, d.minor, d.multiprocessors});
        }
        if (count == 0 && info.cudaStatus.empty())
            info.cudaStatus = "the NVIDIA driver sees no CUDA device";
    }
    info.cudaAvailable = !info.gpus.empty() && torch::cuda::is_available();
    if (info.cudaAvailable)
        info.cudaStatus.clear();
    info.cudaDeviceCount = static_cast<int>(info.gpus.size());
    if (!info.gpus.empty())
        info.cudaDeviceName = info.gpus.front().name;
    info.cpuName = readCpuName();
    info.cpuCores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    info.cpuMemoryBytes = static_cast<int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
    info.intraOpThreads = intraOpThreads();
    return info;
}

std::string infoJson(const DeviceInfo &info, const std::string &version, bool coreOnly)
{
    nlohmann::ordered_json devices = nlohmann::ordered_json::array();
    devices.push_back(
        {{"type", "cpu"}, {"name", info.cpuName}, {"memory_bytes", info.cpuMemoryBytes}, {"cores", info.cpuCores}});
    for (const GpuDevice &g : info.gpus)
        devices.push_back({{"type", "cuda"},
                           {"index", g.index},
                           {"name", g.name},
                           {"memory_bytes", g.memoryBytes},
                           {"compute_capability", std::to_string(g.major) + "." + std::to_string(g.minor)}});
    nlohmann::ordered_json o;
    o["version"] = version;
    o["torch_version"] = info.torchVersion;
    o["cuda_compiled"] = info.cudaCompiled;
    o["cuda_available"] = info.cudaAvailable;
    o["cuda_status"] = info.cudaAvailable ? "" : info.cudaStatus;
    o["cuda_runtime_version"] = info.cudaRuntimeVersion;
    o["devices"] = devices;
    o["threads"] = info.intraOpThreads;
    o["core_only"] = coreOnly;
    return o.dump();
}

std::string describeDevice(const DeviceInfo &info)
{
    if (info.cudaAvailable)
        return "CUDA: " + info.cudaDeviceName;
    return "CPU (" + std::to_string(info.intraOpThreads) + (info.intraOpThreads == 1 ? " thread)" : " threads)");
}

std::optional<GpuMemory> gpuMemory(int index)
{
    const CudaModule &m = cudaModule();
    if (!m.api)
        return std::nullopt;
    EfCudaMemory raw{};
    char err[512] = {0};
    if (m.api->memory(index, &raw, err, sizeof(err)) != 0)
        return std::nullopt;
    GpuMemory g;
    g.allocated = raw.allocated;
    g.peakAllocated = raw.peakAllocated;
    g.reserved = raw.reserved;
    g.freeDevice = raw.freeDevice;
    g.totalDevice = raw.totalDevice;
    return g;
}

void resetGpuPeak(int index)
{
    const CudaModule &m = cudaModule();
    char err[512] = {0};
    if (m.api)
        (void)m.api->resetPeak(index, err, sizeof(err));
}

void synchronizeGpu(int index)
{
    const CudaModule &m = cudaModule();
    char err[512] = {0};
    if (m.api)
        (void)m.api->synchronize(index, err, sizeof(err));
}

int64_t residentBytes()
{
    return statusField("VmRSS:");
}

int64_t peakResidentBytes()
{
    return statusField("VmHWM:");
}

int recommendedIntraOpThreads(int cores)
{
    cores = std::max(1, cores);
    return cores > 2 ? cores - 1 : cores;
}

void setIntraOpThreads(int n)
{
    if (n < 1)
        n = recommendedIntraOpThreads(static_cast<int>(std::thread::hardware_concurrency()));
    at::set_num_threads(n);
    g_threads.store(n);
}

int intraOpThreads()
{
    const int configured = g_threads.load();
    return configured > 0 ? configured : at::get_num_threads();
}

void initWorkerThread()
{
    at::init_num_threads();
    const int configured = g_threads.load();
    if (configured > 0 && at::get_num_threads() != configured)
        at::set_num_threads(configured);
}

} // namespace ef::compute
