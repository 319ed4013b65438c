// SPDX-License-Identifier: GPL-3.0-or-later
// The job system: long work on a thread pool with progress, metrics, a typed result,
// cancellation and a compute lock.
//
// A job body is a plain function that receives a JobContext on a worker thread. It reports
// progress and checks cancellation between units of work (rows, batches, requests). What a
// job produces comes back as its result: the body calls ctx.setResult(value) and the value
// arrives with jobFinished (JobInfo::result; read it with jobResult<T>(info)), also when the
// body fails after setting it (a generation run whose requests failed still has counters).
// A job may carry a handle that its submitter knows before submitting (the generation run
// it runs, the corpus it embeds), so a view can tie the job to what it shows without waiting.
//
// Metrics are the channel for numbers that form series: a body calls
//     ctx.addMetrics(step, {{"loss", 0.51}, {"lr", 1e-4}});
// as often as it likes (a training loop: every step). Each call becomes one MetricSample
// (step, wall time since the job started, named values). The manager delivers the samples
// in batches with jobMetrics(id, samples) on its own thread, at most about ten batches a
// second (kMetricsIntervalMs), in the order they were added, none dropped; every sample
// added before the body returns arrives before that job's jobStateChanged/jobFinished.
//
// Heavy jobs (those that run LibTorch) hold the compute lock: at most one runs at a time,
// the others wait in the queue; light jobs run beside them. Interactive jobs (a view's
// short request such as a dense search, JobSpec::interactive) share the same lock when
// heavy, start before queued non-interactive jobs, are not listed by jobs() and are
// forgotten once finished. Exceptions thrown by a body end that job as failed with their
// message; they never reach the event loop.
//
// Thread-safety: JobManager is a QObject of the thread that created it (the GUI or CLI
// main thread); call it from that thread. Its signals are delivered there in the order the
// job emitted them. JobContext is used only by the job's own worker thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QVariant>

#include "backend/expected.h"
#include "backend/trtext.h"

namespace ef {

// PartlyFailed: the job did part of its work and failed the rest (a generation run with some
// requests failed for good): not a success, and not nothing either.
enum class JobState { Queued, Running, Succeeded, Failed, Cancelled, PartlyFailed };

QString jobStateName(JobState state);        // "queued", "running", ... (stable, for files)
QString jobStateDisplayName(JobState state); // translated
bool isFinished(JobState state);
bool isFailure(JobState state); // Failed or PartlyFailed

struct JobProgress
{
    qint64 done = 0;
    qint64 total = 0;  // 0 = unknown
    double rate = 0.0; // units per second since the job started
    qint64 etaMs = -1; // -1 = unknown
    QString message;
    TrText messageText; // the message as its source, when it was set as one (see trtext.h)
};

// One point of a job's metric series: the values a body reported for one step.
struct MetricSample
{
    qint64 step = 0;
    qint64 wallMs = 0;            // milliseconds since the job's body started
    QMap<QString, double> values; // series name -> value ("loss", "lr", "grad_norm", ...)

    // The value of a series, or def when this sample has none.
    double value(const QString &name, double def = 0.0) const { return values.value(name, def); }
};

struct JobInfo
{
    quint64 id = 0;
    QString kind;     // "workspace.check", "generate", "train", ...
    QString title;    // for people
    TrText titleText; // the title as its source, when the job gave one (shown translated later)
    bool heavy = false;
    bool interactive = false;
    QVariant handle; // JobSpec::handle, as submitted
    JobState state = JobState::Queued;
    JobProgress progress;
    QString error;
    QVariant result; // what the body passed to setResult(); set when jobFinished is emitted
    QDateTime createdAt;
    QDateTime startedAt;
    QDateTime finishedAt;
};

// The typed result of a finished job, or nothing when the body set none (or another type).
template <typename T> std::optional<T> jobResult(const JobInfo &info)
{
    if (!info.result.isValid() || !info.result.canConvert<T>())
        return std::nullopt;
    return info.result.value<T>();
}

// Thrown by JobContext::throwIfCancelled(); the manager turns it into JobState::Cancelled.
class JobCancelled : public std::exception
{
public:
    const char *what() const noexcept override { return "cancelled"; }
};

// Thrown by JobContext::failPartly(): the job ends PartlyFailed with this message.
class JobPartlyFailed : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

class JobManager;
namespace detail {
struct JobShared; // a running job's undelivered metrics and its result (jobs.cpp)
}

class JobContext final
{
public:
    quint64 jobId() const { return m_id; }
    bool cancelRequested() const { return m_cancel->load(std::memory_order_relaxed); }
    void throwIfCancelled() const;

    // Sets the units of work (delivered at once; the next setProgress is never throttled).
    void setTotal(qint64 total);
    // Reports done units (and an optional message). Throttled to about 20 updates a second;
    // the last update (done == total) is always delivered.
    void setProgress(qint64 done, const QString &message = {});
    void setProgress(qint64 done, const TrText &message); // the message kept as its source too
    void setMessage(const QString &message);
    void setMessage(const TrText &message); // kept as its source too, for the job history

    // Adds one sample to the job's metric series (see the file comment). Cheap: it appends
    // under a mutex and wakes the manager at most once per batch.
    void addMetrics(qint64 step, const QMap<QString, double> &values);
    void addMetrics(const MetricSample &sample); // its wallMs is kept when not 0

    // Ends the job as failed with message (it throws; the manager catches it). With take() and
    // check(), the way a body turns the backend's Expected/Status into the job's state.
    [[noreturn]] void fail(const QString &message) const;
    // Ends the job PartlyFailed: some of its work is done (and kept), the rest failed.
    [[noreturn]] void failPartly(const QString &message) const;
    // The value of e, or ends the job as failed with e's error.
    template <typename T> T take(Expected<T> e) const
    {
        if (!e)
            fail(e.error());
        return std::move(e).value();
    }
    // Nothing when s is ok, else ends the job as failed with s's error.
    void check(const Status &s) const
    {
        if (!s)
            fail(s.error());
    }

    // The job's result, delivered with jobFinished. The last call wins.
    void setResultVariant(const QVariant &result);
    template <typename T> void setResult(T value) { setResultVariant(QVariant::fromValue(std::move(value))); }

private:
    friend class JobManager;
    JobContext(JobManager *manager, quint64 id, std::shared_ptr<std::atomic_bool> cancel,
               std::shared_ptr<detail::JobShared> shared);
    void publish(bool force);

    JobManager *m_manager;
    quint64 m_id;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::shared_ptr<detail::JobShared> m_shared;
    JobProgress m_progress;
    QElapsedTimer m_clock;
    qint64 m_lastEmitMs = -1000;
};

using JobBody = std::function<void(JobContext &)>;

struct JobSpec
{
    JobSpec() = default;
    JobSpec(QString kind, QString title, bool heavy, JobBody body)
        : kind(std::move(kind)), title(std::move(title)), heavy(heavy), body(std::move(body))
    {}

    QString kind;
    QString title;
    TrText titleText;   // optional: the title as its source, so that history shows it translated
    bool heavy = false; // runs LibTorch: takes the compute lock
    JobBody body;
    QVariant handle;          // what the job works on, known before it is submitted (JobInfo::handle)
    bool interactive = false; // a view's short request: not listed, starts before queued jobs
};

class JobManager final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMetricsIntervalMs = 100; // at most ~10 jobMetrics batches a second per job

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

    // The listed (non-interactive) jobs, oldest first.
    QList<JobInfo> jobs() const;
    JobInfo job(quint64 id) const;
    int activeCount() const; // queued or running, interactive ones included

Q_SIGNALS:
    void jobAdded(const ef::JobInfo &info);
    void jobProgress(quint64 id, const ef::JobProgress &progress);
    void jobMetrics(quint64 id, const QList<ef::MetricSample> &samples);
    void jobStateChanged(quint64 id, ef::JobState state, const QString &error);
    void jobFinished(const ef::JobInfo &info);

private:
    friend class JobContext;
    struct Entry;
    void startNext();
    void start(const std::shared_ptr<Entry> &entry);
    void onProgress(quint64 id, const JobProgress &progress);
    void onMetricsPending(quint64 id);
    void flushMetrics(const std::shared_ptr<Entry> &entry);
    void onFinished(quint64 id, JobState state, const QString &error);
    void finishEntry(const std::shared_ptr<Entry> &entry, JobState state, const QString &error);

    QThreadPool m_pool;
    QHash<quint64, std::shared_ptr<Entry>> m_entries;
    QList<quint64> m_queue; // queued ids in start order
    quint64 m_nextId = 1;
    bool m_heavyRunning = false;
    int m_running = 0;
    int m_maxParallel;
    QElapsedTimer m_clock;
};

} // namespace ef

Q_DECLARE_METATYPE(ef::JobInfo)
Q_DECLARE_METATYPE(ef::JobProgress)
Q_DECLARE_METATYPE(ef::JobState)
Q_DECLARE_METATYPE(ef::MetricSample)
