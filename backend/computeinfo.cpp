// SPDX-License-Identifier: GPL-3.0-or-later
// Compute device description for the GUI and CLI.
#include "backend/computeinfo.h"

#include <QCoreApplication>
#include <QStringList>

#include "backend/argtext.h"
#include "models/compute.h"

namespace ef {

ComputeInfo probeCompute()
{
    const compute::DeviceInfo d = compute::probeDevices();
    ComputeInfo out;
    out.description = QString::fromStdString(compute::describeDevice(d));
    out.torchVersion = QString::fromStdString(d.torchVersion);
    out.probed = true;
    out.cudaCompiled = d.cudaCompiled;
    out.cudaAvailable = d.cudaAvailable;
    out.cudaStatus = QString::fromStdString(d.cudaStatus);
    out.cudaRuntimeVersion = d.cudaRuntimeVersion;
    for (const compute::GpuDevice &g : d.gpus)
        out.gpus.append({QString::fromStdString(g.name), g.memoryBytes, g.major, g.minor});
    out.cpuName = QString::fromStdString(d.cpuName);
    out.cpuCores = d.cpuCores;
    out.cpuMemoryBytes = d.cpuMemoryBytes;
    out.threads = d.intraOpThreads;
    return out;
}

JobSpec makeComputeProbeJob()
{
    JobSpec spec;
    spec.kind = QStringLiteral("compute.probe");
    spec.titleText = trText("ef::Compute", QT_TRANSLATE_NOOP("ef::Compute", "Probe the compute device"));
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
    const QString cpu = info.threads == 1
                            ? QCoreApplication::translate("ef::ComputeInfo", "CPU (1 thread)")
                            : QCoreApplication::translate("ef::ComputeInfo", "CPU (%1 threads)").arg(info.threads);
    if (resolveDevice(setting, info) == QLatin1String("cuda"))
        return info.description;
    if (setting == QLatin1String("cuda"))
        return QCoreApplication::translate("ef::ComputeInfo", "%1 — CUDA not available").arg(cpu);
    return cpu;
}

QString describeComputeDetails(const ComputeInfo &info)
{
    const auto gib = [](qint64 bytes) { return QString::number(double(bytes) / double(1LL << 30), 'f', 1); };
    if (!info.probed)
        return QCoreApplication::translate("ef::ComputeInfo", "Probing the compute device…");
    QStringList lines;
    lines << QCoreApplication::translate("ef::ComputeInfo", "LibTorch %1").arg(info.torchVersion);
    if (!info.cudaCompiled) {
        lines << QCoreApplication::translate("ef::ComputeInfo", "CUDA: not in this build (CPU only)");
    } else if (info.cudaAvailable) {
        const int v = info.cudaRuntimeVersion;
        lines << QCoreApplication::translate("ef::ComputeInfo", "CUDA: available (runtime %1.%2)")
                     .arg(argText(v / 1000), argText((v % 1000) / 10));
    } else {
        lines << (info.cudaStatus.isEmpty()
                      ? QCoreApplication::translate("ef::ComputeInfo", "CUDA: compiled in, not available")
                      : QCoreApplication::translate("ef::ComputeInfo", "CUDA: compiled in, not available: %1")
                            .arg(info.cudaStatus));
    }
    for (int i = 0; i < info.gpus.size(); ++i) {
        const ComputeGpu &g = info.gpus[i];
        lines << QCoreApplication::translate("ef::ComputeInfo", "GPU %1: %2, %3 GiB, compute capability %4.%5")
                     .arg(i)
                     .arg(g.name, gib(g.memoryBytes))
                     .arg(g.major)
                     .arg(g.minor);
    }
    const QString cpu =
        info.cpuName.isEmpty() ? QCoreApplication::translate("ef::ComputeInfo", "unknown CPU") : info.cpuName;
    lines << QCoreApplication::translate("ef::ComputeInfo", "CPU: %1, %2 hardware threads, %3 GiB memory")
                 .arg(argText(cpu), argText(info.cpuCores), argText(gib(info.cpuMemoryBytes)));
    lines << (info.threads == 1
                  ? QCoreApplication::translate("ef::ComputeInfo", "LibTorch uses 1 CPU thread")
                  : QCoreApplication::translate("ef::ComputeInfo", "LibTorch uses %1 CPU threads").arg(info.threads));
    return lines.join(QLatin1Char('\n'));
}

} // namespace ef
