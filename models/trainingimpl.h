// SPDX-License-Identifier: GPL-3.0-or-later
// Pieces of the training engine shared by trainer.cpp and export.cpp. Internal to models/.
#pragma once

#include <string>

namespace ef::train {

// An exclusive lock on a run folder (flock on <run>/.lock, released when the process dies, so a
// killed trainer never blocks a resume). The file names the holder ("process P since T").
class RunLock
{
public:
    explicit RunLock(const std::string &runDir); // throws std::runtime_error naming the holder
    ~RunLock();
    RunLock(const RunLock &) = delete;
    RunLock &operator=(const RunLock &) = delete;

private:
    int m_fd = -1;
};

} // namespace ef::train
