// SPDX-License-Identifier: GPL-3.0-or-later
// What the GUI and CLI show about the compute device, without any torch header.
#pragma once

#include <QString>

#include "backend/jobs.h"

namespace ef {

struct ComputeGpu
{
    QString name; // "NVIDIA H200"
    qint64 memoryBytes = 0;
    int major = 0, minor = 0; // compute capability
};

struct ComputeInfo
{
    bool probed = false;        // false until a probe has run
    QString description;        // "CUDA: NVIDIA H100 80GB HBM3" or "CPU (2 threads)"
    QString torchVersion;       // "2.11.0"
    bool cudaCompiled = false;  // this build has the CUDA module
    bool cudaAvailable = false; // ... loaded, with at least one device
    QString cudaStatus;         // why CUDA is not available; empty when it is
    int cudaRuntimeVersion = 0; // e.g. 13000
    QList<ComputeGpu> gpus;
    QString cpuName;
    int cpuCores = 0;
    qint64 cpuMemoryBytes = 0;
    int threads = 1;
};

// Probes LibTorch (initialises CUDA when present: call it off the GUI thread).
ComputeInfo probeCompute();
// The probe as an interactive job on the compute lock (kind "compute.probe"), for a view.
// Result: ComputeInfo.
JobSpec makeComputeProbeJob();

// The device work runs on, from the user's setting ("auto", "cpu", "cuda") and the probe:
// "cuda" only when asked for (or automatic) and available, else "cpu".
QString resolveDevice(const QString &setting, const ComputeInfo &info);

// What the status bar shows for that choice, e.g. "CPU (2 threads) — CUDA not available".
QString describeDevice(const QString &setting, const ComputeInfo &info);

// Settings' compute panel: LibTorch, whether CUDA is compiled in and available (and why not),
// each GPU with its memory, the CPU. Plain text, one fact per line.
QString describeComputeDetails(const ComputeInfo &info);

} // namespace ef

Q_DECLARE_METATYPE(ef::ComputeInfo)
