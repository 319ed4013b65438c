// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of backend/workspacetasks: the check job's typed report, the demo workspace.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "backend/database.h"
#include "backend/jobs.h"
#include "backend/workspace.h"
#include "backend/workspacetasks.h"

using namespace ef;

class TestWorkspaceTasks final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void checkJobReportsEveryStep();
    void demoWorkspaceIsCreatedOnce();
};

void TestWorkspaceTasks::checkJobReportsEveryStep()
{
    QTemporaryDir dir;
    auto ws = Workspace::create(dir.filePath(QStringLiteral("c.efws")));
    QVERIFY(ws);
    JobManager jobs;
    const quint64 ok = jobs.submit(makeWorkspaceCheckJob(ws->path()));
    QCOMPARE(jobs.job(ok).handle.toString(), ws->path());
    const QString junk = dir.filePath(QStringLiteral("junk.efws"));
    QFile f(junk);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not a database at all, just text");
    f.close();
    const quint64 bad = jobs.submit(makeWorkspaceCheckJob(junk));
    QVERIFY(jobs.waitForIdle(10000));

    const JobInfo good = jobs.job(ok);
    QCOMPARE(good.state, JobState::Succeeded);
    const auto report = jobResult<CheckReport>(good);
    QVERIFY(report && report->ok);
    QVERIFY(report->items.size() > 3);
    QCOMPARE(good.progress.done, good.progress.total);

    const JobInfo broken = jobs.job(bad);
    QCOMPARE(broken.state, JobState::Failed);
    const auto badReport = jobResult<CheckReport>(broken);
    QVERIFY(badReport && !badReport->ok);
    QCOMPARE(broken.error, badReport->items.constLast().detail);
    QVERIFY2(broken.error.contains(QStringLiteral("junk.efws")), qPrintable(broken.error));
}

void TestWorkspaceTasks::demoWorkspaceIsCreatedOnce()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("demo/demo.efws"));
    auto ws = openDemoWorkspace(path);
    QVERIFY2(ws, qPrintable(ws.error()));
    qint64 examples = 0;
    {
        auto db = ws->connect();
        examples = (*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM examples"));
        QVERIFY(examples > 300);
        QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(DISTINCT family) FROM examples")), 6);
        QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM corpora WHERE name = 'demo'")), 1);
        QVERIFY((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM qrels")) > 0);
    }
    auto again = openDemoWorkspace(path); // opens; loads nothing twice
    QVERIFY(again);
    auto db = again->connect();
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM examples")), examples);
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM corpora")), 1);
}

QTEST_GUILESS_MAIN(TestWorkspaceTasks)
#include "tst_workspacetasks.moc"
