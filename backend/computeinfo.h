// SPDX-License-Identifier: GPL-3.0-or-later
// What the GUI and CLI show about the compute device, without any torch header.
#pragma once

#include <QString>

#include "backend/jobs.h"

namespace ef {

struct ComputeInfo
{
    QString description;  // "CUDA: NVIDIA H100 80GB HBM3" or "CPU (2 threads)"
    QString torchVersion; // "1.13.1"
    bool cudaAvailable = false;
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

} // namespace ef

Q_DECLARE_METATYPE(ef::ComputeInfo)
