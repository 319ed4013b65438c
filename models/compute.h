// SPDX-License-Identifier: GPL-3.0-or-later
// Compute device discovery and LibTorch's thread policy, behind a torch-free header.
#pragma once

#include <string>

namespace ef::compute {

// What LibTorch can run on in this process.
struct DeviceInfo
{
    std::string torchVersion;   // e.g. "1.13.1"
    bool cudaAvailable = false; // a CUDA build of LibTorch that sees at least one device
    int cudaDeviceCount = 0;
    std::string cudaDeviceName; // name of device 0, empty without CUDA
    int intraOpThreads = 1;     // LibTorch's current intra-op thread count
};

// Probes LibTorch once per call; cheap (no kernels run). Thread-safe.
DeviceInfo probeDevices();

// One line for status bars and logs: "CUDA: NVIDIA H100 80GB HBM3" or "CPU (2 threads)".
std::string describeDevice(const DeviceInfo &info);

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
