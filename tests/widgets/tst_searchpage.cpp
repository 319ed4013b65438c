// SPDX-License-Identifier: GPL-3.0-or-later
// The Search page (offscreen): results while typing (CJK too), relevance marks from the qrels,
// hostile input, evaluation as a job with per-query scores; screenshot saved.
#include <cmath>

#include <QDir>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QLineEdit>
#include <QTest>

#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/jobs.h"
#include "backend/workspace.h"
#include "models/tinymodel.h"
#include "tests/common/testutil.h"
#include "widgets/searchpage.h"

using namespace ef;

class TestSearchPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void searchMarkAndEvaluate();
    void denseSideBySideAndComparison();
};

void TestSearchPage::searchMarkAndEvaluate()
{
    QTemporaryDir dir;
    auto ws = Workspace::create(dir.filePath(QStringLiteral("s.efws")));
    QVERIFY(ws);
    {
        auto db = ws->connect();
        auto c =
            importCorpus(**db, {CorpusImport::Kind::Beir, QStringLiteral(":/demo/corpus"), QStringLiteral("demo")});
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
    QVERIFY(page.summaryText().contains(QStringLiteral("self hits ignored")));
    // Issue 14.8: the table shows the queries' text, and a click searches that query.
    QTableWidget *table = page.perQueryTable();
    const QString clicked = table->item(0, 0)->text();
    QVERIFY2(!clicked.startsWith(QLatin1Char('q')) || clicked.contains(QLatin1Char(' ')), qPrintable(clicked));
    QVERIFY(table->item(0, 0)->toolTip().startsWith(QStringLiteral("Query ")));
    QSignalSpy searched(&page, &SearchPage::resultsShown);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualItemRect(table->item(0, 0)).center());
    QVERIFY(searched.wait(5000));
    QCOMPARE(page.findChild<QLineEdit *>(QStringLiteral("searchQuery"))->text(), clicked);
    QVERIFY(!page.summaryText().contains(QStringLiteral("Stale")));
    QTest::qWait(200);
    QVERIFY(page.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("search-page.png"))));
    // Issue 14.3: the figures stay, marked stale, once the method changes.
    page.setMethod(0, SearchMethod::Dense);
    QVERIFY(page.summaryText().contains(QStringLiteral("Stale")));
    QVERIFY(!page.perQueryTable()->isEnabled());
}

void TestSearchPage::denseSideBySideAndComparison()
{
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("tiny"));
    models::TinyModelOptions o;
    o.family = models::Family::Qwen2;
    models::makeTinyModel(model.toStdString(), o);
    auto ws = Workspace::create(dir.filePath(QStringLiteral("d.efws")));
    QVERIFY(ws);
    {
        auto db = ws->connect();
        QVERIFY(
            importCorpus(**db, {CorpusImport::Kind::Beir, QStringLiteral(":/demo/corpus"), QStringLiteral("demo")}));
    }
    QThreadPool pool;
    JobManager jobs;
    SearchPage page(&jobs, &pool);
    page.resize(1400, 800);
    page.show();
    QSignalSpy loaded(&page, &SearchPage::corporaLoaded);
    page.setWorkspace(ws.value());
    QVERIFY(loaded.wait(5000));

    // Dense before embedding: the page says what to do instead of failing silently.
    page.setMethod(0, SearchMethod::Dense);
    page.setModel(0, model);
    page.setQuery(QStringLiteral("dishwasher not draining standing water"));
    QTRY_VERIFY_WITH_TIMEOUT(page.resultsText().isEmpty(), 5000);
    // Issue 14.8: the hint points at the Embed corpus button, not at a CLI command.
    QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(QStringLiteral("press Embed corpus")), 10000);
    QVERIFY(!page.statusText().contains(QStringLiteral("corpus embed --corpus")));

    // Embedding runs as a job with progress, then the dense list appears.
    QSignalSpy embedded(&page, &SearchPage::corpusEmbedded);
    QVERIFY(page.embedCorpus(0) != 0);
    QVERIFY(embedded.wait(60000));
    QVERIFY(embedded.first().first().toBool());
    QTRY_COMPARE_WITH_TIMEOUT(page.hits(0).size(), 20, 10000);

    // Side by side: BM25 on the left, the dense model on the right with rank changes marked.
    page.setMethod(0, SearchMethod::Bm25);
    page.setMethod(1, SearchMethod::Dense);
    page.setModel(1, model);
    page.setSideBySide(true);
    page.setInstruction(QStringLiteral("Given a web search query, retrieve relevant passages that answer the query"));
    QTRY_VERIFY_WITH_TIMEOUT(!page.hits(0).isEmpty() && page.hits(1).size() == 20, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(page.resultsText(1).contains(QStringLiteral("▲")) ||
                                 page.resultsText(1).contains(QStringLiteral("▼")) ||
                                 page.resultsText(1).contains(QStringLiteral("new")),
                             5000);
    QVERIFY(page.resultsText(0).contains(QStringLiteral("relevant (2)")));

    // Evaluating both fills a comparison table sortable by the difference.
    QSignalSpy evaluated(&page, &SearchPage::evaluated);
    QVERIFY(page.evaluate() != 0);
    QVERIFY(evaluated.wait(60000));
    QTableWidget *table = page.perQueryTable();
    QCOMPARE(table->rowCount(), 61);
    QCOMPARE(table->columnCount(), 5);
    double previous = 1e9;
    for (int r = 0; r < table->rowCount(); ++r) { // sorted by Δ nDCG@10, largest first
        const double delta = table->item(r, 3)->data(Qt::UserRole).toDouble();
        QVERIFY(delta <= previous + 1e-12);
        QVERIFY(std::abs(delta - (table->item(r, 2)->data(Qt::UserRole).toDouble() -
                                  table->item(r, 1)->data(Qt::UserRole).toDouble())) < 1e-9);
        previous = delta;
    }
    {
        auto db = ws->connect();
        QCOMPARE((*db)->queryInt(QStringLiteral(
                     "SELECT count(*) FROM eval_results WHERE method = 'dense' AND instruction LIKE 'Given a web%'")),
                 1);
    }
    QVERIFY(page.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("search-page-side-by-side.png"))));
}

QTEST_MAIN(TestSearchPage)
#include "tst_searchpage.moc"
