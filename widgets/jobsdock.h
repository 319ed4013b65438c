// SPDX-License-Identifier: GPL-3.0-or-later
// The Jobs dock: one row per job with state, a progress bar, rate, ETA, message and Cancel.
#pragma once

#include <QAbstractTableModel>
#include <QDockWidget>
#include <QList>

#include "backend/jobs.h"

class QTableView;

namespace ef {

// Snapshot of the manager's jobs; changes only on the GUI thread, from the manager's signals.
class JobsModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TitleColumn,
        StateColumn,
        ProgressColumn,
        RateColumn,
        EtaColumn,
        MessageColumn,
        CancelColumn,
        ColumnCount
    };
    enum Role { JobIdRole = Qt::UserRole + 1, FractionRole, StateRole };

    explicit JobsModel(JobManager *manager, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    int rowOf(quint64 id) const;
    const JobInfo &jobAt(int row) const { return m_jobs.at(row); }
    // Drops the rows of finished jobs (the workspace keeps their history).
    void clearFinished();

private:
    void onAdded(const JobInfo &info);
    void onProgress(quint64 id, const JobProgress &progress);
    void onState(quint64 id, JobState state, const QString &error);

    QList<JobInfo> m_jobs;
};

class JobsDock final : public QDockWidget
{
    Q_OBJECT

public:
    explicit JobsDock(JobManager *manager, QWidget *parent = nullptr);
    JobsModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }

private:
    void updateCancelButton(int row);

    JobManager *m_manager;
    JobsModel *m_model;
    QTableView *m_view;
};

// "1:05", "2:03:00"; empty for unknown (< 0).
QString formatDuration(qint64 ms);

} // namespace ef
