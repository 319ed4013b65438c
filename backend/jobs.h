// SPDX-License-Identifier: GPL-3.0-or-later
// The job system: long work on a thread pool with progress, cancellation and a compute lock.
//
// A job body is a plain function that receives a JobContext on a worker thread. It reports
// progress and checks cancellation between units of work (rows, batches, requests). Heavy
// jobs (those that run LibTorch) hold the compute lock: at most one runs at a time, the
// others wait in the queue. Exceptions thrown by a body end that job as failed with their
// message; they never reach the event loop.
//
// Thread-safety: JobManager is a QObject of the thread that created it (the GUI or CLI
// main thread); call it from that thread. Its signals are delivered there in the order the
// job emitted them. JobContext is used only by the job's own worker thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QThreadPool>

namespace ef {

enum class JobState { Queued, Running, Succeeded, Failed, Cancelled };

QString jobStateName(JobState state);         // "queued", "running", ... (stable, for files)
QString jobStateDisplayName(JobState state);  // translated
bool isFinished(JobState state);

struct JobProgress
{
    qint64 done = 0;
    qint64 total = 0;   // 0 = unknown
    double rate = 0.0;  // units per second since the job started
    qint64 etaMs = -1;  // -1 = unknown
    QString message;
};

struct JobInfo
{
    quint64 id = 0;
    QString kind;   // "workspace.check", "generate", "train", ...
    QString title;  // for people
    bool heavy = false;
    JobState state = JobState::Queued;
    JobProgress progress;
    QString error;
    QDateTime createdAt;
    QDateTime startedAt;
    QDateTime finishedAt;
};

// Thrown by JobContext::throwIfCancelled(); the manager turns it into JobState::Cancelled.
class JobCancelled : public std::exception
{
public:
    const char *what() const noexcept override { return "cancelled"; }
};

class JobManager;

class JobContext final
{
public:
    quint64 jobId() const { return m_id; }
    bool cancelRequested() const { return m_cancel->load(std::memory_order_relaxed); }
    void throwIfCancelled() const;

    void setTotal(qint64 total);
    // Reports done units (and an optional message). Throttled to about 20 updates a second;
    // the last update (done == total) is always delivered.
    void setProgress(qint64 done, const QString &message = {});
    void setMessage(const QString &message);

private:
    friend class JobManager;
    JobContext(JobManager *manager, quint64 id, std::shared_ptr<std::atomic_bool> cancel);
    void publish(bool force);

    JobManager *m_manager;
    quint64 m_id;
    std::shared_ptr<std::atomic_bool> m_cancel;
    JobProgress m_progress;
    QElapsedTimer m_clock;
    qint64 m_lastEmitMs = -1000;
};

using JobBody = std::function<void(JobContext &)>;

struct JobSpec
{
    QString kind;
    QString title;
    bool heavy = false; // runs LibTorch: takes the compute lock
    JobBody body;
};

class JobManager final : public QObject
{
    Q_OBJECT

public:
    // maxParallel: light jobs that may run at once (heavy ones never exceed one).
    explicit JobManager(QObject *parent = nullptr, int maxParallel = 4);
    ~JobManager() override; // cancels everything and waits for running bodies

    // Loads CUDA support when present (compute::initialize) and applies the LibTorch thread
    // policy for the process (n < 1: one per core, minus one for the GUI and I/O when there are
    // more than two cores). Call at the top of main, before any tensor work. Returns the count.
    static int configureComputeThreads(int n);

    quint64 submit(JobSpec spec);
    void cancel(quint64 id);
    void cancelAll();
    // Processes events until no job is queued or running, or msecs pass. True when idle.
    bool waitForIdle(int msecs);

    QList<JobInfo> jobs() const;
    JobInfo job(quint64 id) const;
    int activeCount() const;

Q_SIGNALS:
    void jobAdded(const ef::JobInfo &info);
    void jobProgress(quint64 id, const ef::JobProgress &progress);
    void jobStateChanged(quint64 id, ef::JobState state, const QString &error);
    void jobFinished(const ef::JobInfo &info);

private:
    friend class JobContext;
    struct Entry;
    void startNext();
    void start(const std::shared_ptr<Entry> &entry);
    void onProgress(quint64 id, const JobProgress &progress);
    void onStarted(quint64 id);
    void onFinished(quint64 id, JobState state, const QString &error);

    QThreadPool m_pool;
    QHash<quint64, std::shared_ptr<Entry>> m_entries;
    QList<quint64> m_queue; // queued ids in submission order
    quint64 m_nextId = 1;
    bool m_heavyRunning = false;
    int m_running = 0;
    int m_maxParallel;
};

} // namespace ef

Q_DECLARE_METATYPE(ef::JobInfo)
Q_DECLARE_METATYPE(ef::JobProgress)
Q_DECLARE_METATYPE(ef::JobState)
