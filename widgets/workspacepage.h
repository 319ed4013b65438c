// SPDX-License-Identifier: GPL-3.0-or-later
// The Workspace page, the first screen: what the open workspace holds (templates, examples by
// status, corpora, runs), what to do next, and the latest jobs; the raw tables behind "Inspect
// storage".
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

    QString holdingsText() const;

Q_SIGNALS:
    void checkRequested();
    void pageRequested(const QString &pageId); // a "what to do next" button

private:
    struct Snapshot
    {
        Expected<WorkspaceInfo> info = makeError({});
        QList<JobInfo> history;
        QMap<QString, qint64> examplesByStatus;
        qint64 excluded = 0;
        QStringList corpora;
        qint64 unfinishedGenerationRuns = 0;
    };
    void show(const Snapshot &s);

    QThreadPool *m_ioPool;
    Workspace m_ws;
    QFutureWatcher<Snapshot> m_watcher;
    QLabel *m_summary;
    QLabel *m_holdings;
    QWidget *m_storage;
    QTableWidget *m_tables;
    QTableWidget *m_history;
};

} // namespace ef
