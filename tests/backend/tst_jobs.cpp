// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of the job system: progress order, cancellation, failures, the compute lock.
#include <atomic>

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
    const quint64 second = jobs.submit({QStringLiteral("heavy.b"), QString(), true, [&](JobContext &) { secondRan = true; }});
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
    const quint64 alien = jobs.submit({QStringLiteral("test.throw-int"), QString(), false, [](JobContext &) { throw 42; }});
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
    const quint64 id = jobs.submit({QStringLiteral("test.torch"), QString(), true, [](JobContext &) {
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
    const quint64 light = jobs.submit({QStringLiteral("light"), QString(), false, [&](JobContext &) { lightRan = true; }});
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

QTEST_GUILESS_MAIN(TestJobs)
#include "tst_jobs.moc"
