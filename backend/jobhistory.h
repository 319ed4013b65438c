// SPDX-License-Identifier: GPL-3.0-or-later
// Persists finished jobs in the workspace's jobs table, so a workspace remembers its work.
//
// JobHistoryRecorder does it for a JobManager: every finished listed job (not a view's
// interactive request) is written to the current workspace on a writer thread of its own, in
// the order the jobs finished, and recorded() follows on the manager's thread.
#pragma once

#include <QList>
#include <QObject>
#include <QThreadPool>

#include "backend/jobs.h"
#include "backend/workspace.h"

namespace ef {

class Database;

// Inserts one finished job (its own transaction). Throws DbError.
void recordJob(Database &db, const JobInfo &info);
// The newest jobs first, at most limit. Throws DbError.
QList<JobInfo> loadJobHistory(Database &db, int limit = 200);
// The same through a connection of its own (for a view's I/O task); never throws.
Expected<QList<JobInfo>> loadJobHistory(const Workspace &ws, int limit = 200);

class JobHistoryRecorder final : public QObject
{
    Q_OBJECT

public:
    explicit JobHistoryRecorder(JobManager *jobs, QObject *parent = nullptr);
    ~JobHistoryRecorder() override; // waits for the writes under way

    // Jobs that finish from now on go to this workspace (none when it is not valid).
    void setWorkspace(const Workspace &workspace);
    // Waits until every job finished so far is written (for tests and shutdown).
    void waitForWrites();

Q_SIGNALS:
    void recorded(const ef::JobInfo &info);
    void recordFailed(const ef::JobInfo &info, const QString &error);

private:
    void record(const JobInfo &info);

    QThreadPool m_writer; // one thread: writes keep the jobs' finishing order
    Workspace m_workspace;
};

} // namespace ef
