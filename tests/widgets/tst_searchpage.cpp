// SPDX-License-Identifier: GPL-3.0-or-later
// The Search page (offscreen): results while typing (CJK too), relevance marks from the qrels,
// hostile input, evaluation as a job with per-query scores; screenshot saved.
#include <cmath>

#include <QDir>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QLineEdit>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QLabel>
#include <QTest>

#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/jobs.h"
#include "backend/workspace.h"
#include "models/tinymodel.h"
#include "tests/common/testutil.h"
#include "widgets/documentviewer.h"
#include "widgets/searchpage.h"

using namespace ef;

namespace {
// A new workspace holding the demo corpus (BEIR: 122 documents, 61 queries with qrels) as "demo".
Expected<Workspace> workspaceWithTheDemoCorpus(const QString &path)
{
    auto ws = Workspace::create(path);
    if (!ws)
        return ws;
    auto db = ws->connect();
    if (!db)
        return makeError(db.error());
    auto c = importCorpus(**db, {CorpusImport::Kind::Beir, QStringLiteral(":/demo/corpus"), QStringLiteral("demo")});
    if (!c)
        return makeError(c.error());
    if (c->queries != 61)
        return makeError(QStringLiteral("the demo corpus has %1 queries, not 61").arg(c->queries));
    return ws;
}
} // namespace

class TestSearchPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void searchMarkAndEvaluate();
    void resultOpensTheDocumentViewer();
    void denseSideBySideAndComparison();
};

void TestSearchPage::searchMarkAndEvaluate()
{
    QTemporaryDir dir;
    auto ws = workspaceWithTheDemoCorpus(dir.filePath(QStringLiteral("s.efws")));
    QVERIFY2(ws, qPrintable(ws.error()));
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

    // Issue 14.3: another workspace shows nothing of this one: no query, results or figures.
    page.setMethod(0, SearchMethod::Bm25);
    page.setQuery(QStringLiteral("dishwasher"));
    QTRY_VERIFY_WITH_TIMEOUT(!page.hits().isEmpty(), 5000);
    auto other = Workspace::create(dir.filePath(QStringLiteral("other.efws")));
    QVERIFY(other);
    page.setWorkspace(other.value());
    QCOMPARE(page.findChild<QLineEdit *>(QStringLiteral("searchQuery"))->text(), QString());
    QVERIFY(page.hits().isEmpty());
    QCOMPARE(page.summaryText(), QString());
    QCOMPARE(page.perQueryTable()->rowCount(), 0);
    QVERIFY(page.perQueryTable()->isEnabled());
    QVERIFY(loaded.wait(5000));
    QCOMPARE(loaded.last().first().toInt(), 0);
    QVERIFY(page.resultsText().contains(QStringLiteral("no corpus yet")));
}

// Issue 14.8: a result's title opens a viewer with the whole document, where it comes from, how
// it ranked and its judgements; a query that judges it can be searched from there.
void TestSearchPage::resultOpensTheDocumentViewer()
{
    QTemporaryDir dir;
    auto ws = workspaceWithTheDemoCorpus(dir.filePath(QStringLiteral("v.efws")));
    QVERIFY2(ws, qPrintable(ws.error()));
    QThreadPool pool;
    JobManager jobs;
    SearchPage page(&jobs, &pool);
    page.resize(1200, 800);
    page.show();
    QSignalSpy loaded(&page, &SearchPage::corporaLoaded);
    page.setWorkspace(ws.value());
    QVERIFY(loaded.wait(5000));
    const QString query = QStringLiteral("dishwasher not draining standing water");
    page.setQuery(query);
    QTRY_VERIFY_WITH_TIMEOUT(page.resultsText().contains(QStringLiteral("relevant (2)")), 5000);
    const SearchHit first = page.hits().first();

    // Click the first result's title, as a user would.
    auto *results = page.findChild<QTextBrowser *>(QStringLiteral("searchResults"));
    QVERIFY(results);
    const QTextCursor at = results->document()->find(first.title);
    QVERIFY2(!at.isNull(), qPrintable(first.title));
    QSignalSpy shown(&page, &SearchPage::documentShown);
    QTest::mouseClick(results->viewport(), Qt::LeftButton, {}, results->cursorRect(at).center() - QPoint(4, 0));
    QVERIFY(shown.wait(5000));
    QCOMPARE(shown.first().first().toString(), first.docId);
    DocumentViewer *viewer = page.documentViewer();
    QVERIFY(viewer && viewer->isVisible());
    QVERIFY(viewer->windowTitle().contains(first.docId));
    // The whole text, not the snippet.
    QString full;
    {
        auto db = ws->connect();
        auto st = (*db)->prepare(QStringLiteral("SELECT text FROM documents WHERE ext_id = ?"));
        st.bind(1, first.docId);
        QVERIFY(st.step());
        full = st.columnText(0);
    }
    QVERIFY(full.size() > first.snippet.size());
    QCOMPARE(viewer->documentText().trimmed(), full.trimmed());
    QVERIFY2(viewer->judgementText().contains(QStringLiteral("Judged relevant to the query searched (grade 2)")),
             qPrintable(viewer->judgementText()));
    auto *facts = viewer->findChild<QLabel *>(QStringLiteral("documentFacts"));
    QVERIFY2(facts->text().contains(QStringLiteral("Rank 1 by BM25")), qPrintable(facts->text()));
    QVERIFY(facts->text().contains(QStringLiteral("demo")));
    QTableWidget *judged = viewer->judgementsTable();
    QVERIFY(judged->rowCount() >= 1);
    int row = -1;
    for (int i = 0; i < judged->rowCount(); ++i)
        if (judged->item(i, 2)->text() == query)
            row = i;
    QVERIFY2(row >= 0, "the query searched is among the judging queries");
    QCOMPARE(judged->item(row, 3)->text(), QStringLiteral("2"));
    QTest::qWait(100); // let the labels' new heights settle before the picture
    QVERIFY(viewer->grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("document-viewer.png"))));

    // A free query: no judgement for it, said so.
    page.setQuery(QStringLiteral("dishwasher"));
    QTRY_VERIFY_WITH_TIMEOUT(!page.hits().isEmpty() && !page.resultsText().contains(QStringLiteral("relevant")), 5000);
    page.openDocument(0, 0);
    QVERIFY(shown.wait(5000));
    QVERIFY2(viewer->judgementText().contains(QStringLiteral("not one of this corpus's queries")),
             qPrintable(viewer->judgementText()));

    // A judging query of the document is searched with a click.
    QTableWidget *judgedNow = viewer->judgementsTable();
    QVERIFY(judgedNow->rowCount() >= 1);
    const QString judging = judgedNow->item(0, 2)->text();
    QSignalSpy searched(&page, &SearchPage::resultsShown);
    QTest::mouseClick(judgedNow->viewport(), Qt::LeftButton, {},
                      judgedNow->visualItemRect(judgedNow->item(0, 2)).center());
    QVERIFY(searched.wait(5000));
    QCOMPARE(page.findChild<QLineEdit *>(QStringLiteral("searchQuery"))->text(), judging);
    QVERIFY(!viewer->isVisible());

    // Highlighting: whole words, any case; CJK runs wherever they occur; markup stays text.
    const QString html = DocumentViewer::highlighted(QStringLiteral("Heat <b>pumps</b> heat, heatwave; 空调制冷"),
                                                     QStringLiteral("heat 空调"));
    QCOMPARE(html.count(QStringLiteral("<span ")), 3);
    QVERIFY(html.contains(QStringLiteral("&lt;b&gt;pumps&lt;/b&gt;")));
    QVERIFY(html.contains(QStringLiteral(">空调</span>制冷")));
    QVERIFY(html.contains(QStringLiteral("heatwave")) && !html.contains(QStringLiteral(">heatwave")));
}

void TestSearchPage::denseSideBySideAndComparison()
{
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("tiny"));
    models::TinyModelOptions o;
    o.family = models::Family::Qwen2;
    models::makeTinyModel(model.toStdString(), o);
    auto ws = workspaceWithTheDemoCorpus(dir.filePath(QStringLiteral("d.efws")));
    QVERIFY2(ws, qPrintable(ws.error()));
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
