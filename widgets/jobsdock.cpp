// SPDX-License-Identifier: GPL-3.0-or-later
// The Jobs dock.
#include "widgets/jobsdock.h"
#include "backend/argtext.h"
#include "widgets/errorbox.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPainter>
#include <QPushButton>
#include <QStyleOptionProgressBar>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace ef {

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        return {};
    const qint64 s = (ms + 999) / 1000;
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

namespace {

// Paints the Progress column as a progress bar.
class ProgressDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const double fraction = index.data(JobsModel::FractionRole).toDouble();
        QStyleOptionProgressBar bar;
        bar.rect = option.rect.adjusted(2, 3, -2, -3);
        bar.minimum = 0;
        bar.maximum = fraction < 0 ? 0 : 1000; // 0/0 = busy indicator
        bar.progress = fraction < 0 ? 0 : static_cast<int>(fraction * 1000);
        bar.text = index.data(Qt::DisplayRole).toString();
        bar.textVisible = true;
        bar.state = option.state | QStyle::State_Horizontal;
        const QWidget *w = option.widget;
        (w ? w->style() : QApplication::style())->drawControl(QStyle::CE_ProgressBar, &bar, painter, w);
    }
};

} // namespace

JobsModel::JobsModel(JobManager *manager, QObject *parent) : QAbstractTableModel(parent)
{
    m_jobs = manager->jobs();
    connect(manager, &JobManager::jobAdded, this, &JobsModel::onAdded);
    connect(manager, &JobManager::jobProgress, this, &JobsModel::onProgress);
    connect(manager, &JobManager::jobStateChanged, this, &JobsModel::onState);
}

int JobsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_jobs.size());
}

int JobsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_jobs.size())
        return {};
    const JobInfo &j = m_jobs.at(index.row());
    if (role == JobIdRole)
        return QVariant::fromValue(j.id);
    if (role == StateRole)
        return static_cast<int>(j.state);
    if (role == FractionRole) {
        if (j.state == JobState::Succeeded)
            return 1.0;
        if (j.progress.total <= 0)
            return j.state == JobState::Running ? -1.0 : 0.0;
        return std::clamp(static_cast<double>(j.progress.done) / static_cast<double>(j.progress.total), 0.0, 1.0);
    }
    if (role == Qt::ToolTipRole && isFailure(j.state))
        return tr("%1\n\nDouble-click for the details.").arg(j.error);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case TitleColumn:
        return j.title;
    case StateColumn:
        return jobStateDisplayName(j.state);
    case ProgressColumn:
        return j.progress.total > 0 ? tr("%1 / %2").arg(argText(j.progress.done), argText(j.progress.total))
                                    : (j.progress.done > 0 ? QString::number(j.progress.done) : QString());
    case RateColumn:
        return j.progress.rate > 0 ? tr("%1/s").arg(j.progress.rate, 0, 'f', j.progress.rate < 10 ? 2 : 0) : QString();
    case EtaColumn:
        return j.state == JobState::Running ? formatDuration(j.progress.etaMs) : QString();
    case MessageColumn:
        return isFailure(j.state) ? readableError(j.error) : j.progress.message;
    default:
        return {};
    }
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TitleColumn:
        return tr("Job");
    case StateColumn:
        return tr("State");
    case ProgressColumn:
        return tr("Progress");
    case RateColumn:
        return tr("Rate");
    case EtaColumn:
        return tr("ETA");
    case MessageColumn:
        return tr("Message");
    case CancelColumn:
        return QString();
    default:
        return {};
    }
}

int JobsModel::rowOf(quint64 id) const
{
    for (int i = 0; i < m_jobs.size(); ++i)
        if (m_jobs.at(i).id == id)
            return i;
    return -1;
}

void JobsModel::clearFinished()
{
    for (int row = static_cast<int>(m_jobs.size()) - 1; row >= 0; --row) {
        if (!isFinished(m_jobs.at(row).state))
            continue;
        beginRemoveRows({}, row, row);
        m_jobs.removeAt(row);
        endRemoveRows();
    }
}

void JobsModel::onAdded(const JobInfo &info)
{
    if (info.interactive || rowOf(info.id) >= 0) // a view's request (a search) is not a job to list
        return;
    const int row = static_cast<int>(m_jobs.size());
    beginInsertRows({}, row, row);
    m_jobs.append(info);
    endInsertRows();
}

void JobsModel::onProgress(quint64 id, const JobProgress &progress)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_jobs[row].progress = progress;
    Q_EMIT dataChanged(index(row, ProgressColumn), index(row, MessageColumn));
}

void JobsModel::onState(quint64 id, JobState state, const QString &error)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_jobs[row].state = state;
    m_jobs[row].error = error;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

JobsDock::JobsDock(JobManager *manager, QWidget *parent)
    : QDockWidget(tr("Jobs"), parent), m_manager(manager), m_model(new JobsModel(manager, this)),
      m_view(new QTableView(this))
{
    setObjectName(QStringLiteral("jobsDock"));
    m_view->setObjectName(QStringLiteral("jobsView"));
    m_view->setModel(m_model);
    m_view->setItemDelegateForColumn(JobsModel::ProgressColumn, new ProgressDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(JobsModel::TitleColumn, QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(JobsModel::MessageColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(JobsModel::ProgressColumn, 160);
    auto *clear = new QPushButton(tr("Clear finished"));
    clear->setObjectName(QStringLiteral("clearFinishedJobs"));
    connect(clear, &QPushButton::clicked, m_model, &JobsModel::clearFinished);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addStretch();
    bar->addWidget(clear);
    auto *box = new QWidget(this);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_view, 1);
    layout->addLayout(bar);
    setWidget(box);

    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
        for (int r = first; r <= last; ++r)
            updateCancelButton(r);
        m_view->scrollToBottom();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &tl, const QModelIndex &br) {
        for (int r = tl.row(); r <= br.row(); ++r)
            updateCancelButton(r);
    });
    for (int r = 0; r < m_model->rowCount(); ++r)
        updateCancelButton(r);
    // A failed job's whole error, behind its readable line.
    connect(m_view, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &index) {
        if (!index.isValid())
            return;
        const JobInfo &job = m_model->jobAt(index.row());
        if (job.state == JobState::Failed)
            showError(this, tr("Job failed"), tr("The job '%1' failed.").arg(job.title), job.error);
        else if (job.state == JobState::PartlyFailed)
            showError(this, tr("Job partly failed"),
                      tr("The job '%1' did part of its work; the rest failed.").arg(job.title), job.error);
    });
}

void JobsDock::updateCancelButton(int row)
{
    const JobInfo &job = m_model->jobAt(row);
    const QModelIndex idx = m_model->index(row, JobsModel::CancelColumn);
    auto *existing = qobject_cast<QPushButton *>(m_view->indexWidget(idx));
    if (isFinished(job.state)) {
        if (existing)
            existing->setEnabled(false);
        return;
    }
    if (existing)
        return;
    auto *button = new QPushButton(tr("Cancel"));
    button->setObjectName(QStringLiteral("cancelJobButton_%1").arg(job.id));
    button->setToolTip(tr("Stop this job after its current unit of work"));
    const quint64 id = job.id;
    connect(button, &QPushButton::clicked, this, [this, id, button] {
        button->setEnabled(false);
        m_manager->cancel(id);
    });
    m_view->setIndexWidget(idx, button);
}

} // namespace ef
