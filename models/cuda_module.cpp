// SPDX-License-Identifier: GPL-3.0-or-later
// The CUDA module: links LibTorch's CUDA libraries, answers device and memory questions.
// Built whenever LibTorch has CUDA (in every CI run, warnings as errors); loaded at run time
// by compute.cpp when an NVIDIA driver is present. See cuda_module_api.h.
#include <algorithm>
#include <cstring>
#include <exception>
#include <string>

#include <ATen/cuda/CUDAContext.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>

#include "models/cuda_module_api.h"

namespace {

int fail(const std::string &msg, char *err, size_t errLen)
{
    if (err && errLen > 0) {
        const size_t n = std::min(msg.size(), errLen - 1);
        std::memcpy(err, msg.data(), n);
        err[n] = '\0';
    }
    return -1;
}

template <typename F> int guarded(char *err, size_t errLen, F &&f)
{
    try {
        f();
        return 0;
    } catch (const std::exception &e) {
        return fail(e.what(), err, errLen);
    } catch (...) {
        return fail("unknown error in the CUDA module", err, errLen);
    }
}

int checkIndex(int index)
{
    const int n = static_cast<int>(c10::cuda::device_count());
    if (index < 0 || index >= n)
        throw std::out_of_range("CUDA device " + std::to_string(index) + " does not exist (" + std::to_string(n) +
                                " visible)");
    return index;
}

int deviceCount(int *count, char *err, size_t errLen)
{
    return guarded(err, errLen, [&] { *count = static_cast<int>(c10::cuda::device_count()); });
}

int device(int index, EfCudaDevice *out, char *err, size_t errLen)
{
    return guarded(err, errLen, [&] {
        const cudaDeviceProp *p = at::cuda::getDeviceProperties(static_cast<c10::DeviceIndex>(checkIndex(index)));
        std::memset(out, 0, sizeof(*out));
        std::memcpy(out->name, p->name, std::min(std::strlen(p->name), sizeof(out->name) - 1));
        out->totalMemory = static_cast<int64_t>(p->totalGlobalMem);
        out->major = p->major;
        out->minor = p->minor;
        out->multiprocessors = p->multiProcessorCount;
    });
}

int memory(int index, EfCudaMemory *out, char *err, size_t errLen)
{
    return guarded(err, errLen, [&] {
        const auto i = static_cast<c10::DeviceIndex>(checkIndex(index));
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(i);
        using c10::CachingDeviceAllocator::StatType;
        const auto agg = static_cast<size_t>(StatType::AGGREGATE);
        out->allocated = stats.allocated_bytes[agg].current;
        out->peakAllocated = stats.allocated_bytes[agg].peak;
        out->reserved = stats.reserved_bytes[agg].current;
        size_t freeBytes = 0, totalBytes = 0;
        const c10::cuda::CUDAGuard guard(i);
        C10_CUDA_CHECK(cudaMemGetInfo(&freeBytes, &totalBytes));
        out->freeDevice = static_cast<int64_t>(freeBytes);
        out->totalDevice = static_cast<int64_t>(totalBytes);
    });
}

int resetPeak(int index, char *err, size_t errLen)
{
    return guarded(err, errLen, [&] {
        c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(checkIndex(index)));
    });
}

int synchronize(int index, char *err, size_t errLen)
{
    return guarded(err, errLen, [&] {
        const c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(checkIndex(index)));
        c10::cuda::device_synchronize();
    });
}

int emptyCache(char *err, size_t errLen)
{
    return guarded(err, errLen, [] { c10::cuda::CUDACachingAllocator::emptyCache(); });
}

} // namespace

extern "C" __attribute__((visibility("default"))) const EfCudaApi *embedforge_cuda_api()
{
    static const EfCudaApi api = [] {
        EfCudaApi a{};
        a.abiVersion = EF_CUDA_ABI_VERSION;
        try {
            a.runtimeVersion = static_cast<int>(at::detail::getCUDAHooks().versionCUDART());
        } catch (...) {
            a.runtimeVersion = 0; // the hooks are not ours: LibTorch asked about CUDA before the load
        }
        a.deviceCount = deviceCount;
        a.device = device;
        a.memory = memory;
        a.resetPeak = resetPeak;
        a.synchronize = synchronize;
        a.emptyCache = emptyCache;
        return a;
    }();
    return &api;
}
