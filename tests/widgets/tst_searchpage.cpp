// SPDX-License-Identifier: GPL-3.0-or-later
// The Search page (offscreen): results while typing (CJK too), relevance marks from the qrels,
// hostile input, evaluation as a job with per-query scores; screenshot saved.
#include <QDir>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/jobs.h"
#include "backend/workspace.h"
#include "tests/common/testutil.h"
#include "widgets/searchpage.h"

using namespace ef;

class TestSearchPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void searchMarkAndEvaluate();
};

void TestSearchPage::searchMarkAndEvaluate()
{
    QTemporaryDir dir;
    auto ws = Workspace::create(dir.filePath(QStringLiteral("s.efws")));
    QVERIFY(ws);
    {
        auto db = ws->connect();
        auto c = importCorpus(**db, {CorpusImport::Kind::Beir, QStringLiteral(":/demo/corpus"), QStringLiteral("demo")});
        QVERIFY2(c, qPrintable(c.error()));
        QCOMPARE(c->queries, 61);
    }
    QThreadPool pool;
    JobManager jobs;
    SearchPage page(&jobs, &pool);
    page.resize(1200, 800);
    page.show();
    QSignalSpy loaded(&page, &SearchPage::corporaLoaded);
    QSignalSpy shown(&page, &SearchPage::resultsShown);
    page.setWorkspace(ws.value());
    QVERIFY(loaded.wait(5000));
    QCOMPARE(loaded.first().first().toInt(), 1);

    page.setQuery(QStringLiteral("空调 制冷"));
    QTRY_VERIFY_WITH_TIMEOUT(!page.hits().isEmpty(), 5000);
    QVERIFY(page.hits().first().title.startsWith(QStringLiteral("空调制冷")));

    // A query the corpus knows: hits are marked with their qrels.
    page.setQuery(QStringLiteral("dishwasher not draining standing water"));
    QTRY_VERIFY_WITH_TIMEOUT(page.resultsText().contains(QStringLiteral("relevant (2)")), 5000);
    QVERIFY(page.resultsText().contains(QStringLiteral("not judged relevant")));

    // Hostile text is just text.
    page.setQuery(QStringLiteral("NEAR(\"tap\" * -) OR ^"));
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 3, 5000);

    page.setQuery(QStringLiteral("how to fix leaking tap"));
    QTRY_VERIFY_WITH_TIMEOUT(!page.hits().isEmpty(), 5000);
    QSignalSpy evaluated(&page, &SearchPage::evaluated);
    QVERIFY(page.evaluate() != 0);
    QVERIFY(evaluated.wait(30000));
    QVERIFY(evaluated.first().first().toDouble() > 0.5);
    QCOMPARE(page.perQueryTable()->rowCount(), 61);
    QTest::qWait(200);
    QVERIFY(page.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("search-page.png"))));
}

QTEST_MAIN(TestSearchPage)
#include "tst_searchpage.moc"
