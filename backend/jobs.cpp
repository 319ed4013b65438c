// SPDX-License-Identifier: GPL-3.0-or-later
// The job system.
#include "backend/jobs.h"

#include <QCoreApplication>
#include <QMutex>
#include <QThread>
#include <QTimer>

#include "models/compute.h"

namespace ef {

namespace {
constexpr qint64 kProgressIntervalMs = 50; // at most ~20 progress signals a second per job

// Exception texts from LibTorch carry a C++ backtrace after the message; people need the message.
QString exceptionMessage(const char *what)
{
    QString text = QString::fromUtf8(what ? what : "");
    const int bt = text.indexOf(QLatin1String("\nException raised from"));
    if (bt >= 0)
        text.truncate(bt);
    return text.trimmed().isEmpty() ? QCoreApplication::translate("ef::JobManager", "unknown error") : text.trimmed();
}
} // namespace

QString jobStateName(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QStringLiteral("queued");
    case JobState::Running:
        return QStringLiteral("running");
    case JobState::Succeeded:
        return QStringLiteral("succeeded");
    case JobState::Failed:
        return QStringLiteral("failed");
    case JobState::Cancelled:
        return QStringLiteral("cancelled");
    case JobState::PartlyFailed:
        return QStringLiteral("partly_failed");
    }
    return {};
}

QString jobStateDisplayName(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QCoreApplication::translate("ef::JobManager", "Queued");
    case JobState::Running:
        return QCoreApplication::translate("ef::JobManager", "Running");
    case JobState::Succeeded:
        return QCoreApplication::translate("ef::JobManager", "Succeeded");
    case JobState::Failed:
        return QCoreApplication::translate("ef::JobManager", "Failed");
    case JobState::Cancelled:
        return QCoreApplication::translate("ef::JobManager", "Cancelled");
    case JobState::PartlyFailed:
        return QCoreApplication::translate("ef::JobManager", "Partly failed");
    }
    return {};
}

bool isFinished(JobState state)
{
    return state == JobState::Succeeded || state == JobState::Failed || state == JobState::Cancelled ||
           state == JobState::PartlyFailed;
}

bool isFailure(JobState state)
{
    return state == JobState::Failed || state == JobState::PartlyFailed;
}

// What a running body shares with the manager: its metric samples not yet delivered and
// its result. Written by the worker, read by the manager, both under the mutex.
namespace detail {
struct JobShared
{
    QMutex mutex;
    QList<MetricSample> metrics;
    bool wakeQueued = false; // the manager has been told there are samples to deliver
    QVariant result;
};
} // namespace detail

// ---- JobContext ----

JobContext::JobContext(JobManager *manager, quint64 id, std::shared_ptr<std::atomic_bool> cancel,
                       std::shared_ptr<detail::JobShared> shared)
    : m_manager(manager), m_id(id), m_cancel(std::move(cancel)), m_shared(std::move(shared))
{
    m_clock.start();
}

void JobContext::throwIfCancelled() const
{
    if (cancelRequested())
        throw JobCancelled();
}

void JobContext::fail(const QString &message) const
{
    throw std::runtime_error(message.toStdString());
}

void JobContext::failPartly(const QString &message) const
{
    throw JobPartlyFailed(message.toStdString());
}

void JobContext::setTotal(qint64 total)
{
    m_progress.total = total;
    const qint64 last = m_lastEmitMs;
    publish(true);
    m_lastEmitMs = last; // the first unit of work after it is not throttled away
}

void JobContext::setProgress(qint64 done, const QString &message)
{
    m_progress.done = done;
    if (!message.isNull()) {
        m_progress.message = message;
        m_progress.messageText = {};
    }
    publish(m_progress.total > 0 && done >= m_progress.total);
}

void JobContext::setProgress(qint64 done, const TrText &message)
{
    m_progress.done = done;
    m_progress.message = message.toString();
    m_progress.messageText = message;
    publish(m_progress.total > 0 && done >= m_progress.total);
}

void JobContext::setMessage(const QString &message)
{
    m_progress.message = message;
    m_progress.messageText = {};
    publish(true);
}

void JobContext::setMessage(const TrText &message)
{
    m_progress.message = message.toString();
    m_progress.messageText = message;
    publish(true);
}

void JobContext::addMetrics(qint64 step, const QMap<QString, double> &values)
{
    addMetrics(MetricSample{step, 0, values});
}

void JobContext::addMetrics(const MetricSample &sample)
{
    bool wake = false;
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->metrics.append(sample);
        if (m_shared->metrics.constLast().wallMs == 0)
            m_shared->metrics.last().wallMs = m_clock.elapsed();
        wake = !std::exchange(m_shared->wakeQueued, true);
    }
    if (wake) {
        JobManager *manager = m_manager;
        const quint64 id = m_id;
        QMetaObject::invokeMethod(
            manager, [manager, id] { manager->onMetricsPending(id); }, Qt::QueuedConnection);
    }
}

void JobContext::setResultVariant(const QVariant &result)
{
    QMutexLocker lock(&m_shared->mutex);
    m_shared->result = result;
}

void JobContext::publish(bool force)
{
    const qint64 now = m_clock.elapsed();
    if (!force && now - m_lastEmitMs < kProgressIntervalMs)
        return;
    m_lastEmitMs = now;
    const double seconds = std::max<qint64>(now, 1) / 1000.0;
    m_progress.rate = m_progress.done / seconds;
    if (m_progress.total > 0 && m_progress.rate > 0)
        m_progress.etaMs = static_cast<qint64>((m_progress.total - m_progress.done) / m_progress.rate * 1000.0);
    else
        m_progress.etaMs = -1;
    JobManager *manager = m_manager;
    const quint64 id = m_id;
    const JobProgress snapshot = m_progress;
    QMetaObject::invokeMethod(
        manager, [manager, id, snapshot] { manager->onProgress(id, snapshot); }, Qt::QueuedConnection);
}

// ---- JobManager ----

struct JobManager::Entry
{
    JobSpec spec;
    JobInfo info;
    std::shared_ptr<std::atomic_bool> cancel = std::make_shared<std::atomic_bool>(false);
    std::shared_ptr<detail::JobShared> shared = std::make_shared<detail::JobShared>();
    qint64 lastMetricsFlushMs = -1000000; // on the manager's clock
    bool metricsFlushScheduled = false;
};

JobManager::JobManager(QObject *parent, int maxParallel) : QObject(parent), m_maxParallel(std::max(1, maxParallel))
{
    qRegisterMetaType<ef::JobInfo>();
    qRegisterMetaType<ef::JobProgress>();
    qRegisterMetaType<ef::JobState>();
    qRegisterMetaType<ef::MetricSample>();
    qRegisterMetaType<QList<ef::MetricSample>>();
    m_pool.setMaxThreadCount(m_maxParallel);
    m_pool.setObjectName(QStringLiteral("ef-jobs"));
    m_clock.start();
}

JobManager::~JobManager()
{
    for (const auto &e : std::as_const(m_entries))
        e->cancel->store(true);
    m_pool.waitForDone();
}

int JobManager::configureComputeThreads(int n)
{
    compute::initialize(); // CUDA support first: LibTorch decides about CUDA at its first question
    compute::setIntraOpThreads(n);
    return compute::intraOpThreads();
}

quint64 JobManager::submit(JobSpec spec)
{
    auto entry = std::make_shared<Entry>();
    entry->info.id = m_nextId++;
    entry->info.kind = spec.kind;
    entry->info.titleText = spec.titleText;
    entry->info.title = !spec.title.isEmpty()      ? spec.title
                        : !spec.titleText.isNull() ? spec.titleText.toString()
                                                   : spec.kind;
    entry->info.heavy = spec.heavy;
    entry->info.interactive = spec.interactive;
    entry->info.handle = spec.handle;
    entry->info.state = JobState::Queued;
    entry->info.createdAt = QDateTime::currentDateTimeUtc();
    entry->spec = std::move(spec);
    m_entries.insert(entry->info.id, entry);
    if (entry->spec.interactive) {
        // Ahead of queued ordinary jobs, behind earlier interactive ones.
        qsizetype at = 0;
        while (at < m_queue.size() && m_entries.value(m_queue.at(at))->spec.interactive)
            ++at;
        m_queue.insert(at, entry->info.id);
    } else {
        m_queue.append(entry->info.id);
    }
    Q_EMIT jobAdded(entry->info);
    startNext();
    return entry->info.id;
}

void JobManager::startNext()
{
    for (int i = 0; i < m_queue.size();) {
        if (m_running >= m_maxParallel)
            return;
        const auto entry = m_entries.value(m_queue.at(i));
        if (entry->spec.heavy && m_heavyRunning) {
            ++i; // the compute lock is taken; light jobs behind it may still start
            continue;
        }
        m_queue.removeAt(i);
        start(entry);
    }
}

void JobManager::start(const std::shared_ptr<Entry> &entry)
{
    ++m_running;
    if (entry->spec.heavy)
        m_heavyRunning = true;
    entry->info.state = JobState::Running;
    entry->info.startedAt = QDateTime::currentDateTimeUtc();
    Q_EMIT jobStateChanged(entry->info.id, JobState::Running, {});

    const quint64 id = entry->info.id;
    const bool heavy = entry->spec.heavy;
    const JobBody body = entry->spec.body;
    const auto cancel = entry->cancel;
    const auto shared = entry->shared;
    m_pool.start([this, id, heavy, body, cancel, shared] {
        JobState state = JobState::Succeeded;
        QString error;
        try {
            if (heavy)
                compute::initWorkerThread();
            JobContext ctx(this, id, cancel, shared);
            ctx.throwIfCancelled();
            if (body)
                body(ctx);
            if (cancel->load())
                state = JobState::Cancelled;
        } catch (const JobCancelled &) {
            state = JobState::Cancelled;
        } catch (const JobPartlyFailed &e) {
            state = JobState::PartlyFailed;
            error = exceptionMessage(e.what());
        } catch (const std::exception &e) {
            state = JobState::Failed;
            error = exceptionMessage(e.what());
        } catch (...) {
            state = JobState::Failed;
            error = QCoreApplication::translate("ef::JobManager", "the job threw an unknown exception");
        }
        QMetaObject::invokeMethod(
            this, [this, id, state, error] { onFinished(id, state, error); }, Qt::QueuedConnection);
    });
}

void JobManager::onProgress(quint64 id, const JobProgress &progress)
{
    const auto entry = m_entries.value(id);
    if (!entry || isFinished(entry->info.state))
        return;
    entry->info.progress = progress;
    Q_EMIT jobProgress(id, progress);
}

void JobManager::onMetricsPending(quint64 id)
{
    const auto entry = m_entries.value(id);
    if (!entry || entry->metricsFlushScheduled)
        return;
    const qint64 wait = entry->lastMetricsFlushMs + kMetricsIntervalMs - m_clock.elapsed();
    if (wait <= 0) {
        flushMetrics(entry);
        return;
    }
    entry->metricsFlushScheduled = true;
    const std::weak_ptr<Entry> weak = entry;
    QTimer::singleShot(static_cast<int>(wait), this, [this, weak] {
        if (const auto e = weak.lock()) {
            e->metricsFlushScheduled = false;
            flushMetrics(e);
        }
    });
}

void JobManager::flushMetrics(const std::shared_ptr<Entry> &entry)
{
    QList<MetricSample> batch;
    {
        QMutexLocker lock(&entry->shared->mutex);
        batch.swap(entry->shared->metrics);
        entry->shared->wakeQueued = false;
    }
    if (batch.isEmpty())
        return;
    entry->lastMetricsFlushMs = m_clock.elapsed();
    Q_EMIT jobMetrics(entry->info.id, batch);
}

void JobManager::onFinished(quint64 id, JobState state, const QString &error)
{
    const auto entry = m_entries.value(id);
    if (!entry)
        return;
    --m_running;
    if (entry->spec.heavy)
        m_heavyRunning = false;
    flushMetrics(entry); // everything the body added arrives before it is finished
    {
        QMutexLocker lock(&entry->shared->mutex);
        entry->info.result = std::exchange(entry->shared->result, QVariant());
    }
    finishEntry(entry, state, error);
    startNext();
}

void JobManager::finishEntry(const std::shared_ptr<Entry> &entry, JobState state, const QString &error)
{
    const quint64 id = entry->info.id;
    entry->info.state = state;
    entry->info.error = error;
    entry->info.finishedAt = QDateTime::currentDateTimeUtc();
    entry->spec.body = nullptr; // release whatever the body captured
    Q_EMIT jobStateChanged(id, state, error);
    Q_EMIT jobFinished(entry->info);
    if (entry->spec.interactive)
        m_entries.remove(id); // a view's request: nothing to list or remember
}

void JobManager::cancel(quint64 id)
{
    const auto entry = m_entries.value(id);
    if (!entry || isFinished(entry->info.state))
        return;
    entry->cancel->store(true);
    if (entry->info.state == JobState::Queued) {
        m_queue.removeAll(id);
        finishEntry(entry, JobState::Cancelled, {});
    }
}

void JobManager::cancelAll()
{
    const auto ids = m_entries.keys();
    for (quint64 id : ids)
        cancel(id);
}

bool JobManager::waitForIdle(int msecs)
{
    QElapsedTimer t;
    t.start();
    while (activeCount() > 0) {
        if (t.elapsed() > msecs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (activeCount() > 0)
            QThread::msleep(2);
    }
    return true;
}

QList<JobInfo> JobManager::jobs() const
{
    QList<JobInfo> out;
    for (const auto &e : m_entries)
        if (!e->spec.interactive)
            out.append(e->info);
    std::sort(out.begin(), out.end(), [](const JobInfo &a, const JobInfo &b) { return a.id < b.id; });
    return out;
}

JobInfo JobManager::job(quint64 id) const
{
    const auto entry = m_entries.value(id);
    return entry ? entry->info : JobInfo{};
}

int JobManager::activeCount() const
{
    int n = 0;
    for (const auto &e : m_entries)
        n += isFinished(e->info.state) ? 0 : 1;
    return n;
}

} // namespace ef
