// SPDX-License-Identifier: GPL-3.0-or-later
// Compute device description for the GUI and CLI.
#include "backend/computeinfo.h"

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

} // namespace ef
