// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of the job system: progress order, cancellation, failures, the compute lock.
#include <atomic>

#include <QElapsedTimer>
#include <QMutex>

#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include "backend/jobs.h"

using namespace ef;

class TestJobs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void progressArrivesInOrder();
    void cancelStopsWithinOneUnit();
    void cancelQueuedJobNeverRuns();
    void throwingJobFailsAndNextStillRuns();
    void torchStyleErrorKeepsOnlyTheMessage();
    void computeLockSerialisesHeavyJobs();
    void lightJobsRunBesideAHeavyOne();
    void threadPolicyIsApplied();
    void metricsArriveInOrderBatchedAndComplete();
    void metricsBeforeCancelStillArrive();
    void resultComesWithFinished();
    void handleIsKnownAtSubmit();
    void interactiveJobsShareTheComputeLockAndGoFirst();
    void failHelpersEndTheJobWithTheMessage();
};

void TestJobs::progressArrivesInOrder()
{
    JobManager jobs;
    QList<qint64> seen;
    QList<JobState> states;
    connect(&jobs, &JobManager::jobProgress, this, [&](quint64, const JobProgress &p) { seen << p.done; });
    connect(&jobs, &JobManager::jobStateChanged, this, [&](quint64, JobState s, const QString &) { states << s; });
    const quint64 id = jobs.submit({QStringLiteral("test.count"), QStringLiteral("count"), false, [](JobContext &ctx) {
                                        ctx.setTotal(200);
                                        for (int i = 1; i <= 200; ++i) {
                                            QThread::usleep(500);
                                            ctx.setProgress(i, QStringLiteral("unit %1").arg(i));
                                        }
                                    }});
    QVERIFY(jobs.waitForIdle(20000));
    QCOMPARE(jobs.job(id).state, JobState::Succeeded);
    QCOMPARE(states, (QList<JobState>{JobState::Running, JobState::Succeeded}));
    QVERIFY(seen.size() >= 3);
    QVERIFY2(std::is_sorted(seen.begin(), seen.end()), "progress went backwards");
    QCOMPARE(seen.constLast(), 200);
    const JobProgress last = jobs.job(id).progress;
    QCOMPARE(last.total, 200);
    QCOMPARE(last.message, QStringLiteral("unit 200"));
    QVERIFY(last.rate > 0);
    QCOMPARE(last.etaMs, 0);
}

void TestJobs::cancelStopsWithinOneUnit()
{
    JobManager jobs;
    std::atomic<int> unitsAfterCancel{-1};
    std::atomic<int> done{0};
    std::atomic_bool started{false};
    const quint64 id = jobs.submit({QStringLiteral("test.loop"), QString(), false, [&](JobContext &ctx) {
                                        started = true;
                                        for (int i = 0; i < 100000; ++i) {
                                            ctx.throwIfCancelled();
                                            QThread::msleep(5); // one unit of work
                                            done = i + 1;
                                            ctx.setProgress(i + 1);
                                        }
                                    }});
    QTRY_VERIFY_WITH_TIMEOUT(started && done > 3, 10000);
    const int atCancel = done;
    jobs.cancel(id);
    QVERIFY(jobs.waitForIdle(5000));
    unitsAfterCancel = done - atCancel;
    QCOMPARE(jobs.job(id).state, JobState::Cancelled);
    QVERIFY2(unitsAfterCancel <= 1, qPrintable(QString::number(unitsAfterCancel)));
}

void TestJobs::cancelQueuedJobNeverRuns()
{
    JobManager jobs;
    std::atomic_bool release{false};
    std::atomic_bool secondRan{false};
    const quint64 first = jobs.submit({QStringLiteral("heavy.a"), QString(), true, [&](JobContext &) {
                                           while (!release)
                                               QThread::msleep(2);
                                       }});
    const quint64 second =
        jobs.submit({QStringLiteral("heavy.b"), QString(), true, [&](JobContext &) { secondRan = true; }});
    QCOMPARE(jobs.job(second).state, JobState::Queued);
    QSignalSpy finished(&jobs, &JobManager::jobFinished);
    jobs.cancel(second);
    QCOMPARE(jobs.job(second).state, JobState::Cancelled);
    QCOMPARE(finished.count(), 1);
    release = true;
    QVERIFY(jobs.waitForIdle(5000));
    QCOMPARE(jobs.job(first).state, JobState::Succeeded);
    QVERIFY(!secondRan);
}

void TestJobs::throwingJobFailsAndNextStillRuns()
{
    JobManager jobs;
    const quint64 bad = jobs.submit({QStringLiteral("test.throw"), QString(), true, [](JobContext &) {
                                         throw std::runtime_error("tokenizer.json: unknown pre_tokenizer 'Foo'");
                                     }});
    const quint64 alien =
        jobs.submit({QStringLiteral("test.throw-int"), QString(), false, [](JobContext &) { throw 42; }});
    std::atomic_bool ran{false};
    const quint64 next = jobs.submit({QStringLiteral("test.next"), QString(), true, [&](JobContext &) { ran = true; }});
    QVERIFY(jobs.waitForIdle(5000));
    QCOMPARE(jobs.job(bad).state, JobState::Failed);
    QCOMPARE(jobs.job(bad).error, QStringLiteral("tokenizer.json: unknown pre_tokenizer 'Foo'"));
    QCOMPARE(jobs.job(alien).state, JobState::Failed);
    QVERIFY(!jobs.job(alien).error.isEmpty());
    QCOMPARE(jobs.job(next).state, JobState::Succeeded);
    QVERIFY(ran);
}

void TestJobs::torchStyleErrorKeepsOnlyTheMessage()
{
    JobManager jobs;
    const quint64 id =
        jobs.submit({QStringLiteral("test.torch"), QString(), true, [](JobContext &) {
                         throw std::runtime_error("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)\n"
                                                  "Exception raised from meta at ../aten/src/ATen/native/"
                                                  "LinearAlgebra.cpp:191 (most recent call first):\nframe #0: ...");
                     }});
    QVERIFY(jobs.waitForIdle(5000));
    QCOMPARE(jobs.job(id).error, QStringLiteral("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"));
}

void TestJobs::computeLockSerialisesHeavyJobs()
{
    JobManager jobs(nullptr, 4);
    std::atomic<int> running{0};
    std::atomic<int> maxRunning{0};
    QList<quint64> ids;
    for (int j = 0; j < 3; ++j) {
        ids << jobs.submit({QStringLiteral("heavy"), QString(), true, [&](JobContext &) {
                                const int now = ++running;
                                int prev = maxRunning.load();
                                while (now > prev && !maxRunning.compare_exchange_weak(prev, now)) {
                                }
                                QThread::msleep(60);
                                --running;
                            }});
    }
    QCOMPARE(jobs.job(ids[1]).state, JobState::Queued);
    QCOMPARE(jobs.job(ids[2]).state, JobState::Queued);
    QVERIFY(jobs.waitForIdle(10000));
    QCOMPARE(maxRunning.load(), 1);
    for (quint64 id : ids)
        QCOMPARE(jobs.job(id).state, JobState::Succeeded);
    // They ran in submission order.
    QVERIFY(jobs.job(ids[0]).finishedAt <= jobs.job(ids[1]).startedAt);
    QVERIFY(jobs.job(ids[1]).finishedAt <= jobs.job(ids[2]).startedAt);
}

void TestJobs::lightJobsRunBesideAHeavyOne()
{
    JobManager jobs(nullptr, 4);
    std::atomic_bool release{false};
    std::atomic_bool lightRan{false};
    jobs.submit({QStringLiteral("heavy"), QString(), true, [&](JobContext &) {
                     while (!release)
                         QThread::msleep(2);
                 }});
    const quint64 light =
        jobs.submit({QStringLiteral("light"), QString(), false, [&](JobContext &) { lightRan = true; }});
    QTRY_VERIFY_WITH_TIMEOUT(lightRan.load(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(jobs.job(light).state, JobState::Succeeded, 5000);
    release = true;
    QVERIFY(jobs.waitForIdle(5000));
}

void TestJobs::threadPolicyIsApplied()
{
    QCOMPARE(JobManager::configureComputeThreads(2), 2);
    QCOMPARE(JobManager::configureComputeThreads(1), 1);
    QVERIFY(JobManager::configureComputeThreads(0) >= 1); // automatic
}

namespace {
struct Outcome
{
    QString name;
    int count = 0;
};
} // namespace
Q_DECLARE_METATYPE(Outcome)

// The training-loop shape: thousands of samples a second from the body; the GUI thread gets
// them all, in order, on its own thread, in at most ~10 batches a second, before finished.
void TestJobs::metricsArriveInOrderBatchedAndComplete()
{
    JobManager jobs;
    constexpr int kSamples = 3000;
    QList<MetricSample> seen;
    int batches = 0;
    bool wrongThread = false;
    bool afterFinished = false;
    bool finished = false;
    connect(&jobs, &JobManager::jobMetrics, this, [&](quint64, const QList<MetricSample> &batch) {
        ++batches;
        wrongThread = wrongThread || QThread::currentThread() != jobs.thread();
        afterFinished = afterFinished || finished;
        seen += batch;
    });
    connect(&jobs, &JobManager::jobFinished, this, [&](const JobInfo &) { finished = true; });
    QElapsedTimer clock;
    clock.start();
    const quint64 id = jobs.submit({QStringLiteral("test.train"), QString(), false, [](JobContext &ctx) {
                                        for (int step = 0; step < kSamples; ++step) {
                                            ctx.addMetrics(step, {{"loss", 1.0 / (step + 1)}, {"lr", 1e-4 * step}});
                                            if (step % 10 == 9)
                                                QThread::usleep(2000); // ~1.5 s in all
                                        }
                                    }});
    QVERIFY(jobs.waitForIdle(30000));
    const qint64 elapsedMs = clock.elapsed();
    QCOMPARE(jobs.job(id).state, JobState::Succeeded);
    QVERIFY(finished);
    QCOMPARE(seen.size(), kSamples); // nothing lost
    for (int i = 0; i < seen.size(); ++i) {
        QCOMPARE(seen.at(i).step, qint64(i)); // in order
        QCOMPARE(seen.at(i).value(QStringLiteral("loss")), 1.0 / (i + 1));
        QCOMPARE(seen.at(i).value(QStringLiteral("lr")), 1e-4 * i);
        if (i > 0)
            QVERIFY(seen.at(i).wallMs >= seen.at(i - 1).wallMs);
    }
    QVERIFY(seen.constLast().wallMs > 500); // wall time since the job started
    QVERIFY2(!wrongThread, "jobMetrics was emitted off the manager's thread");
    QVERIFY2(!afterFinished, "metrics arrived after jobFinished");
    // Batched: about ten a second at most (plus the final flush), never one per sample.
    QVERIFY2(batches >= 2, qPrintable(QString::number(batches)));
    QVERIFY2(batches <= elapsedMs / JobManager::kMetricsIntervalMs + 2,
             qPrintable(QStringLiteral("%1 batches in %2 ms").arg(batches).arg(elapsedMs)));
}

void TestJobs::metricsBeforeCancelStillArrive()
{
    JobManager jobs;
    std::atomic<int> added{0};
    QList<qint64> steps;
    QList<JobState> order; // Running, then the state at the end
    bool metricsAfterEnd = false;
    connect(&jobs, &JobManager::jobMetrics, this, [&](quint64, const QList<MetricSample> &batch) {
        metricsAfterEnd = metricsAfterEnd || order.size() > 1;
        for (const MetricSample &s : batch)
            steps << s.step;
    });
    connect(&jobs, &JobManager::jobStateChanged, this, [&](quint64, JobState s, const QString &) { order << s; });
    const quint64 id = jobs.submit({QStringLiteral("test.train"), QString(), true, [&](JobContext &ctx) {
                                        for (int step = 0;; ++step) {
                                            ctx.throwIfCancelled();
                                            ctx.addMetrics(step, {{"loss", 0.5}});
                                            ++added;
                                            QThread::usleep(300);
                                        }
                                    }});
    QTRY_VERIFY_WITH_TIMEOUT(steps.size() > 50, 10000);
    jobs.cancel(id);
    QVERIFY(jobs.waitForIdle(10000));
    QCOMPARE(jobs.job(id).state, JobState::Cancelled);
    QCOMPARE(order, (QList<JobState>{JobState::Running, JobState::Cancelled}));
    QCOMPARE(steps.size(), added.load());
    for (int i = 0; i < steps.size(); ++i)
        QCOMPARE(steps.at(i), qint64(i));
    QVERIFY(!metricsAfterEnd);
}

void TestJobs::resultComesWithFinished()
{
    JobManager jobs;
    QList<JobInfo> finished;
    connect(&jobs, &JobManager::jobFinished, this, [&](const JobInfo &info) { finished << info; });
    const quint64 ok = jobs.submit({QStringLiteral("test.result"), QString(), false, [](JobContext &ctx) {
                                        ctx.setResult(Outcome{QStringLiteral("first"), 1});
                                        ctx.setResult(Outcome{QStringLiteral("counted"), 42}); // the last wins
                                    }});
    const quint64 partial = jobs.submit({QStringLiteral("test.partial"), QString(), false, [](JobContext &ctx) {
                                             ctx.setResult(Outcome{QStringLiteral("so far"), 7});
                                             throw std::runtime_error("3 request(s) failed");
                                         }});
    const quint64 none = jobs.submit({QStringLiteral("test.none"), QString(), false, [](JobContext &) {}});
    QVERIFY(jobs.waitForIdle(5000));
    QCOMPARE(finished.size(), 3);
    for (const JobInfo &info : std::as_const(finished)) {
        if (info.id == ok) {
            const std::optional<Outcome> r = jobResult<Outcome>(info);
            QVERIFY(r);
            QCOMPARE(r->name, QStringLiteral("counted"));
            QCOMPARE(r->count, 42);
            QVERIFY(!jobResult<QString>(info)); // the wrong type is no result
        } else if (info.id == partial) {
            QCOMPARE(info.state, JobState::Failed);
            QCOMPARE(info.error, QStringLiteral("3 request(s) failed"));
            QCOMPARE(jobResult<Outcome>(info)->count, 7);
        } else {
            QCOMPARE(info.id, none);
            QVERIFY(!jobResult<Outcome>(info));
        }
    }
    QCOMPARE(jobResult<Outcome>(jobs.job(ok))->count, 42); // kept with the job's record
}

void TestJobs::handleIsKnownAtSubmit()
{
    JobManager jobs;
    QVariant added;
    connect(&jobs, &JobManager::jobAdded, this, [&](const JobInfo &info) { added = info.handle; });
    JobSpec spec{QStringLiteral("generate"), QString(), false, [](JobContext &) {}};
    spec.handle = qint64(17); // e.g. the generation run, created before the job
    const quint64 id = jobs.submit(spec);
    QCOMPARE(added.toLongLong(), 17); // announced with the job, before it runs
    QCOMPARE(jobs.job(id).handle.toLongLong(), 17);
    QVERIFY(jobs.waitForIdle(5000));
    QCOMPARE(jobs.job(id).handle.toLongLong(), 17);
}

// A dense search from a view is a heavy interactive job: it waits for the compute lock like any
// heavy job, starts before heavy jobs queued earlier, and is not listed or kept.
void TestJobs::interactiveJobsShareTheComputeLockAndGoFirst()
{
    JobManager jobs(nullptr, 4);
    std::atomic_bool release{false};
    std::atomic<int> running{0};
    std::atomic<int> maxRunning{0};
    QStringList order;
    QMutex orderMutex;
    const auto heavyBody = [&](const QString &name) {
        return [&, name](JobContext &) {
            const int now = ++running;
            int prev = maxRunning.load();
            while (now > prev && !maxRunning.compare_exchange_weak(prev, now)) {
            }
            {
                QMutexLocker lock(&orderMutex);
                order << name;
            }
            while (name == QLatin1String("train") && !release)
                QThread::msleep(2);
            --running;
        };
    };
    const quint64 train = jobs.submit({QStringLiteral("train"), QString(), true, heavyBody(QStringLiteral("train"))});
    const quint64 embed = jobs.submit({QStringLiteral("embed"), QString(), true, heavyBody(QStringLiteral("embed"))});
    JobSpec search{QStringLiteral("search.query"), QString(), true, heavyBody(QStringLiteral("search"))};
    search.interactive = true;
    QList<quint64> finishedIds;
    connect(&jobs, &JobManager::jobFinished, this, [&](const JobInfo &info) { finishedIds << info.id; });
    const quint64 query = jobs.submit(search);
    QTest::qWait(50);
    QCOMPARE(jobs.job(query).state, JobState::Queued); // the compute lock is held by train
    QCOMPARE(jobs.jobs().size(), 2);                   // listed: train and embed only
    release = true;
    QVERIFY(jobs.waitForIdle(10000));
    QCOMPARE(maxRunning.load(), 1);
    QCOMPARE(order, (QStringList{QStringLiteral("train"), QStringLiteral("search"), QStringLiteral("embed")}));
    QCOMPARE(finishedIds, (QList<quint64>{train, query, embed}));
    QCOMPARE(jobs.job(query).id, quint64(0)); // forgotten once finished
    QCOMPARE(jobs.job(embed).state, JobState::Succeeded);
}

void TestJobs::failHelpersEndTheJobWithTheMessage()
{
    JobManager jobs;
    const quint64 viaTake =
        jobs.submit({QStringLiteral("test.take"), QString(), false, [](JobContext &ctx) {
                         if (ctx.take(Expected<int>(5)) != 5)
                             throw std::runtime_error("take() returned the wrong value");
                         ctx.take(Expected<int>(makeError(QStringLiteral("corpus 'x' has no qrels"))));
                         ctx.setMessage(QStringLiteral("never reached"));
                     }});
    const quint64 viaCheck = jobs.submit({QStringLiteral("test.check"), QString(), false, [](JobContext &ctx) {
                                              ctx.check(Status::success());
                                              ctx.check(makeError(QStringLiteral("'a.jsonl': cannot write")));
                                          }});
    QVERIFY(jobs.waitForIdle(5000));
    QCOMPARE(jobs.job(viaTake).state, JobState::Failed);
    QCOMPARE(jobs.job(viaTake).error, QStringLiteral("corpus 'x' has no qrels"));
    QVERIFY(jobs.job(viaTake).progress.message.isEmpty());
    QCOMPARE(jobs.job(viaCheck).error, QStringLiteral("'a.jsonl': cannot write"));
}

QTEST_GUILESS_MAIN(TestJobs)
#include "tst_jobs.moc"
