// SPDX-License-Identifier: GPL-3.0-or-later
// Compute device discovery and LibTorch's thread policy.
#include "models/compute.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include <torch/torch.h>
#include <torch/version.h>
#ifdef EMBEDFORGE_TORCH_CUDA // set by CMake when LibTorch was built with CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

namespace ef::compute {

namespace {
std::atomic<int> g_threads{0};
}

DeviceInfo probeDevices()
{
    DeviceInfo info;
    info.torchVersion = TORCH_VERSION;
    info.cudaAvailable = torch::cuda::is_available();
    info.cudaDeviceCount = info.cudaAvailable ? static_cast<int>(torch::cuda::device_count()) : 0;
#ifdef EMBEDFORGE_TORCH_CUDA
    if (info.cudaDeviceCount > 0)
        info.cudaDeviceName = at::cuda::getDeviceProperties(0)->name;
#endif
    if (info.cudaAvailable && info.cudaDeviceName.empty())
        info.cudaDeviceName = "CUDA device 0";
    info.intraOpThreads = intraOpThreads();
    return info;
}

std::string describeDevice(const DeviceInfo &info)
{
    if (info.cudaAvailable)
        return "CUDA: " + info.cudaDeviceName;
    return "CPU (" + std::to_string(info.intraOpThreads) + (info.intraOpThreads == 1 ? " thread)" : " threads)");
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
