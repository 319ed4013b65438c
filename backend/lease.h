// SPDX-License-Identifier: GPL-3.0-or-later
// Lease: one owner at a time for a piece of work in a workspace (a generation run, the embedding
// of a corpus with a model), across processes and within one.
//
// The lease is an exclusive flock on <artifacts>/leases/<key>.lock, taken without waiting. The
// kernel ends it when its holder closes it or dies, however it dies, so a killed owner never
// blocks the work: there is no expiry to wait for and no heartbeat to miss. The file names the
// holder ("process P since T, on host H"), for the message a second owner gets. flock is
// per open file, so two jobs of one process (the GUI) exclude each other too. On file systems
// where flock is not shared between machines (some NFS setups), it guards one machine only.
//
// Thread-safety: a Lease belongs to the thread that took it; leases are independent.
#pragma once

#include <optional>

#include <QString>

#include "backend/expected.h"

namespace ef {

class Lease final
{
public:
    // Takes the lease key ("generation-run-3") of the workspace at workspacePath, or fails with
    // "<what> is being processed by process P since T" (what: "generation run 3").
    static Expected<Lease> take(const QString &workspacePath, const QString &key, const QString &what);

    // Whether some process (this one included) holds the lease key now, without taking it (so
    // that a look never makes a real taker fail): read from /proc/locks. Unknown (nullopt) where
    // that cannot be read, and for a key never taken (no lease file yet).
    static std::optional<bool> isTaken(const QString &workspacePath, const QString &key);

    Lease() = default;
    Lease(Lease &&other) noexcept;
    Lease &operator=(Lease &&other) noexcept;
    Lease(const Lease &) = delete;
    Lease &operator=(const Lease &) = delete;
    ~Lease();

    bool isHeld() const { return m_fd >= 0; }
    void release();

private:
    int m_fd = -1;
    QString m_path;
};

} // namespace ef
