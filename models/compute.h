// SPDX-License-Identifier: GPL-3.0-or-later
// Compute devices, CUDA support and LibTorch's thread policy, behind a torch-free header.
//
// CUDA is a module (libembedforge_cuda.so, see cuda_module_api.h) that initialize() loads when the
// build has it and an NVIDIA driver is installed. LibTorch fixes its answer to "is there CUDA?" at
// the first question, so every program calls initialize() at the top of main(), before any tensor
// work; the functions below call it too, for programs that forget.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ef::compute {

struct GpuDevice
{
    int index = 0;
    std::string name;         // "NVIDIA H200"
    int64_t memoryBytes = 0;  // total device memory
    int major = 0, minor = 0; // compute capability
    int multiprocessors = 0;
};

// What LibTorch can run on in this process.
struct DeviceInfo
{
    std::string torchVersion;   // e.g. "2.11.0"
    bool cudaCompiled = false;  // this build has the CUDA module
    bool cudaLoaded = false;    // the module is loaded (LibTorch's CUDA kernels are registered)
    bool cudaAvailable = false; // loaded and at least one device visible
    std::string cudaStatus;     // why CUDA is not available, for people; empty when it is
    int cudaRuntimeVersion = 0; // e.g. 13000, when loaded
    std::vector<GpuDevice> gpus;
    int cudaDeviceCount = 0;
    std::string cudaDeviceName; // name of device 0, empty without CUDA
    std::string cpuName;        // from /proc/cpuinfo
    int cpuCores = 0;           // hardware threads
    int64_t cpuMemoryBytes = 0; // physical memory
    int intraOpThreads = 1;     // LibTorch's current intra-op thread count
};

// An exception's message for people: LibTorch's errors without their C++ stack trace.
std::string errorMessage(const std::exception &e);

// Loads CUDA support when the build has it and a driver is present. Idempotent and thread-safe.
// EMBEDFORGE_CUDA=off skips it; EMBEDFORGE_CUDA=force loads the module even without a driver
// (tests use it to check that the module links and registers LibTorch's CUDA hooks).
void initialize();

// Probes LibTorch once per call; cheap (no kernels run). Thread-safe.
DeviceInfo probeDevices();

// `info --json` of embedforge-cli and embedforge-core, one JSON object: version, torch_version,
// cuda_compiled, cuda_available, cuda_status, cuda_runtime_version, devices [{type, name,
// memory_bytes}], threads, core_only.
std::string infoJson(const DeviceInfo &info, const std::string &version, bool coreOnly);

// One line for status bars and logs: "CUDA: NVIDIA H100 80GB HBM3" or "CPU (2 threads)".
std::string describeDevice(const DeviceInfo &info);

// The CUDA allocator's figures for a device; nullopt without CUDA.
struct GpuMemory
{
    int64_t allocated = 0, peakAllocated = 0, reserved = 0, freeDevice = 0, totalDevice = 0;
};
std::optional<GpuMemory> gpuMemory(int index);
void resetGpuPeak(int index);   // no-op without CUDA
void synchronizeGpu(int index); // no-op without CUDA

// This process's resident memory now and at its peak (VmRSS / VmHWM), in bytes.
int64_t residentBytes();
int64_t peakResidentBytes();

// Sets LibTorch's intra-op thread count for the whole process. Call once at startup,
// before any tensor work (LibTorch's own rule); n < 1 means "one per core".
void setIntraOpThreads(int n);
int intraOpThreads();

// The thread-pool size that suits n cores: heavy jobs run one at a time (the job
// manager's compute lock), so torch gets all cores but one when there are more than two.
int recommendedIntraOpThreads(int cores);

// Called at the top of every worker thread that runs tensor code, so OpenMP gives that
// thread a team of the configured size instead of its own default.
void initWorkerThread();

} // namespace ef::compute
