// SPDX-License-Identifier: GPL-3.0-or-later
// Compute device description for the GUI and CLI.
#include "backend/computeinfo.h"

#include <QCoreApplication>

#include "models/compute.h"

namespace ef {

ComputeInfo probeCompute()
{
    const compute::DeviceInfo d = compute::probeDevices();
    ComputeInfo out;
    out.description = QString::fromStdString(compute::describeDevice(d));
    out.torchVersion = QString::fromStdString(d.torchVersion);
    out.cudaAvailable = d.cudaAvailable;
    out.threads = d.intraOpThreads;
    return out;
}

JobSpec makeComputeProbeJob()
{
    JobSpec spec;
    spec.kind = QStringLiteral("compute.probe");
    spec.title = QCoreApplication::translate("ef::Compute", "Probe the compute device");
    spec.heavy = true; // LibTorch: on the compute lock, with the worker's torch setup
    spec.interactive = true;
    spec.body = [](JobContext &ctx) { ctx.setResult(probeCompute()); };
    return spec;
}

QString resolveDevice(const QString &setting, const ComputeInfo &info)
{
    if (setting == QLatin1String("cpu"))
        return QStringLiteral("cpu");
    return info.cudaAvailable ? QStringLiteral("cuda") : QStringLiteral("cpu");
}

QString describeDevice(const QString &setting, const ComputeInfo &info)
{
    const QString cpu = info.threads == 1 ? QCoreApplication::translate("ef::ComputeInfo", "CPU (1 thread)")
                                          : QCoreApplication::translate("ef::ComputeInfo", "CPU (%1 threads)").arg(info.threads);
    if (resolveDevice(setting, info) == QLatin1String("cuda"))
        return info.description;
    if (setting == QLatin1String("cuda"))
        return QCoreApplication::translate("ef::ComputeInfo", "%1 — CUDA not available").arg(cpu);
    return cpu;
}

} // namespace ef
