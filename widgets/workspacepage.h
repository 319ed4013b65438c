// SPDX-License-Identifier: GPL-3.0-or-later
// The Workspace page: what the open workspace holds, its health and its job history.
#pragma once

#include <QFutureWatcher>
#include <QWidget>

#include "backend/jobs.h"
#include "backend/workspace.h"

class QLabel;
class QTableWidget;
class QThreadPool;

namespace ef {

class WorkspacePage final : public QWidget
{
    Q_OBJECT

public:
    WorkspacePage(QThreadPool *ioPool, QWidget *parent = nullptr);
    void setWorkspace(const Workspace &ws);
    // Reloads the summary and history in the background.
    void refresh();

Q_SIGNALS:
    void checkRequested();

private:
    struct Snapshot
    {
        Expected<WorkspaceInfo> info = makeError({});
        QList<JobInfo> history;
    };
    void show(const Snapshot &s);

    QThreadPool *m_ioPool;
    Workspace m_ws;
    QFutureWatcher<Snapshot> m_watcher;
    QLabel *m_summary;
    QTableWidget *m_tables;
    QTableWidget *m_history;
};

} // namespace ef
