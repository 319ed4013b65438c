// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of the job history: recordJob/loadJobHistory and the JobHistoryRecorder that writes a
// JobManager's finished jobs into the workspace.
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "backend/database.h"
#include "backend/jobhistory.h"
#include "backend/jobs.h"
#include "backend/timestamp.h"
#include "backend/workspace.h"

using namespace ef;

class TestJobHistory final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recorderWritesListedJobsInFinishingOrder();
    void historyReadsBothTimestampForms();
};

void TestJobHistory::recorderWritesListedJobsInFinishingOrder()
{
    QTemporaryDir dir;
    auto ws = Workspace::create(dir.filePath(QStringLiteral("h.efws")));
    QVERIFY(ws);
    JobManager jobs;
    JobHistoryRecorder recorder(&jobs);
    QSignalSpy recorded(&recorder, &JobHistoryRecorder::recorded);
    QStringList finishedKinds; // the order the manager reported them
    connect(&jobs, &JobManager::jobFinished, this, [&](const JobInfo &info) { finishedKinds.prepend(info.kind); });

    jobs.submit({QStringLiteral("before"), QString(), false, [](JobContext &) {}}); // no workspace yet
    QVERIFY(jobs.waitForIdle(5000));
    recorder.setWorkspace(ws.value());
    jobs.submit(
        {QStringLiteral("export"), QStringLiteral("Export"), false, [](JobContext &ctx) { ctx.setProgress(3); }});
    jobs.submit({QStringLiteral("check"), QStringLiteral("Check"), false,
                 [](JobContext &) { throw std::runtime_error("'x.efws': not a workspace"); }});
    JobSpec search{QStringLiteral("search.query"), QString(), false, [](JobContext &) {}};
    search.interactive = true; // a view's request: not history
    jobs.submit(search);
    QVERIFY(jobs.waitForIdle(5000));
    QTRY_COMPARE_WITH_TIMEOUT(recorded.count(), 2, 5000);
    recorder.waitForWrites();

    auto db = ws->connect();
    const QList<JobInfo> history = loadJobHistory(**db);
    QCOMPARE(history.size(), 2);
    // Newest first, in the order the jobs finished (the interactive one and the one before the
    // workspace was set are not there).
    QCOMPARE(
        (QStringList{history.at(0).kind, history.at(1).kind}),
        finishedKinds.mid(0, finishedKinds.size() - 1).filter(QRegularExpression(QStringLiteral("^(export|check)$"))));
    for (const JobInfo &h : history) {
        if (h.kind == QLatin1String("check")) {
            QCOMPARE(h.state, JobState::Failed);
            QCOMPARE(h.error, QStringLiteral("'x.efws': not a workspace"));
        } else {
            QCOMPARE(h.state, JobState::Succeeded);
            QCOMPARE(h.progress.done, 3);
            QCOMPARE(h.title, QStringLiteral("Export"));
        }
        QVERIFY(h.finishedAt.isValid());
    }
    // Stored in the one timestamp format.
    QCOMPARE(
        (*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE finished_at LIKE '____-__-__T__:__:__.___Z'")),
        2);

    // Issue 14.1: a job that did part of its work ends partly failed, and the history keeps it so.
    const quint64 partly =
        jobs.submit({QStringLiteral("generate"), QStringLiteral("Generate"), false, [](JobContext &ctx) {
                         ctx.setProgress(3);
                         ctx.failPartly(QStringLiteral("3 request(s) failed; resume the run to retry them"));
                     }});
    QVERIFY(jobs.waitForIdle(5000));
    QCOMPARE(jobs.job(partly).state, JobState::PartlyFailed);
    QVERIFY(isFinished(JobState::PartlyFailed) && isFailure(JobState::PartlyFailed));
    QTRY_COMPARE_WITH_TIMEOUT(recorded.count(), 3, 5000);
    recorder.waitForWrites();
    const JobInfo last = loadJobHistory(**db).first();
    QCOMPARE(last.state, JobState::PartlyFailed);
    QCOMPARE(last.error, QStringLiteral("3 request(s) failed; resume the run to retry them"));
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE state = 'partly_failed'")), 1);
}

void TestJobHistory::historyReadsBothTimestampForms()
{
    QTemporaryDir dir;
    auto ws = Workspace::create(dir.filePath(QStringLiteral("t.efws")));
    QVERIFY(ws);
    auto db = ws->connect();
    (*db)->exec(QStringLiteral("INSERT INTO jobs(kind, title, state, created_at, started_at, finished_at) VALUES "
                               "('old', 'Old', 'succeeded', '2025-03-01T10:00:00Z', '2025-03-01T10:00:01Z', "
                               "'2025-03-01T10:00:02Z')"));
    JobInfo info;
    info.kind = QStringLiteral("new"); // no title: the kind stands in
    info.state = JobState::Cancelled;
    info.createdAt = parseIsoTimestamp(QStringLiteral("2026-01-02T03:04:05.678Z"));
    recordJob(**db, info);
    const QList<JobInfo> history = loadJobHistory(**db);
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.at(0).createdAt, parseIsoTimestamp(QStringLiteral("2026-01-02T03:04:05.678Z")));
    QCOMPARE(history.at(0).state, JobState::Cancelled);
    QCOMPARE(history.at(0).title, QStringLiteral("new"));
    QVERIFY(!history.at(0).finishedAt.isValid());
    QCOMPARE(history.at(1).finishedAt.toUTC().time(), QTime(10, 0, 2));
}

QTEST_GUILESS_MAIN(TestJobHistory)
#include "tst_jobhistory.moc"
