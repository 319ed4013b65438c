// SPDX-License-Identifier: GPL-3.0-or-later
// The plain-C interface of the CUDA module (cuda_module.cpp), which compute.cpp loads with dlopen.
//
// The core links only LibTorch's CPU libraries (libtorch_cpu, libc10), so a program runs where no
// NVIDIA library is installed. The module links libtorch_cuda, libc10_cuda and the CUDA runtime:
// loading it registers LibTorch's CUDA kernels and hooks, after which torch::kCUDA works in the
// whole process, and it answers the questions that need CUDA headers (device names, memory).
// LibTorch decides once, at its first CUDA query, whether CUDA exists, so the module must be
// loaded before anything asks (ef::compute::initialize()).
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {

struct EfCudaDevice
{
    char name[256];
    int64_t totalMemory; // bytes
    int major, minor;    // compute capability
    int multiprocessors;
};

struct EfCudaMemory
{
    int64_t allocated;     // bytes held by tensors now (LibTorch's caching allocator)
    int64_t peakAllocated; // since the last resetPeak
    int64_t reserved;      // bytes the allocator holds from the driver
    int64_t freeDevice;    // cudaMemGetInfo: free on the device (all processes)
    int64_t totalDevice;
};

struct EfCudaApi
{
    int abiVersion;     // EF_CUDA_ABI_VERSION
    int runtimeVersion; // CUDA runtime LibTorch was built with, e.g. 13000
    // Each returns 0 on success, or -1 with a message in err.
    int (*deviceCount)(int *count, char *err, size_t errLen);
    int (*device)(int index, EfCudaDevice *out, char *err, size_t errLen);
    int (*memory)(int index, EfCudaMemory *out, char *err, size_t errLen);
    int (*resetPeak)(int index, char *err, size_t errLen);
    int (*synchronize)(int index, char *err, size_t errLen);
    int (*emptyCache)(char *err, size_t errLen);
};

#define EF_CUDA_ABI_VERSION 1

// The module's one exported symbol.
typedef const EfCudaApi *(*EfCudaApiFn)();
}
