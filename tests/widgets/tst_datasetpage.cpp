// SPDX-License-Identifier: GPL-3.0-or-later
// The Dataset page: lazy paging over many examples, filters, search, detail pane, charts.
#include <cmath>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QPushButton>
#include <QTextBrowser>
#include <QUrl>
#include <QApplication>
#include <QSpinBox>
#include <QTimer>
#include <QTest>
#include <QThreadPool>

#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/dataset.h"
#include "backend/jobs.h"
#include "backend/leakage.h"
#include "backend/workspace.h"
#include "tests/common/modal.h"
#include "tests/common/testutil.h"
#include "widgets/datasetpage.h"
#include "widgets/examplesmodel.h"
#include "widgets/qcustomplot_compat.h"

using namespace ef;

namespace {
const QStringList kFamilies = {QStringLiteral("retrieval"), QStringLiteral("classification"), QStringLiteral("sts")};
const QStringList kLanguages = {QStringLiteral("en"), QStringLiteral("zh"), QStringLiteral("de"), QStringLiteral("sw")};

// Writes n examples: family i%3, language i%4, every 10th invalid, every 25th a duplicate.
void fill(const Workspace &ws, int n)
{
    auto db = ws.connect();
    Transaction tx(**db);
    Statement ins = (*db)->prepare(QStringLiteral(
        "INSERT INTO examples(family, language, instruction, query, positive, negative, status, invalid_reason, "
        "dedup_key, "
        "raw_response, prompt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00Z')"));
    for (int i = 0; i < n; ++i) {
        const bool invalid = i % 10 == 9;
        const bool duplicate = !invalid && i % 25 == 24;
        const QString status = invalid     ? QStringLiteral("invalid")
                               : duplicate ? QStringLiteral("duplicate")
                                           : QStringLiteral("valid");
        const QString lang = kLanguages.at(i % 4);
        const QString query = lang == QLatin1String("zh") ? QStringLiteral("如何修理漏水的水龙头 %1").arg(i)
                                                          : QStringLiteral("how to fix a leaking tap number %1").arg(i);
        ins.bind(1, kFamilies.at(i % 3))
            .bind(2, lang)
            .bind(3, QStringLiteral("Retrieve repair guides for household problems"))
            .bind(4, query)
            .bind(5, QString(QStringLiteral("word ")).repeated(20 + i % 200))
            .bind(6, i % 3 == 2 ? QString() : QStringLiteral("a misleading document about taps"))
            .bind(7, status)
            .bind(8, invalid ? QStringLiteral("missing_key") : QString(QLatin1String("")))
            .bind(9, QStringLiteral("k%1").arg(i))
            .bind(10, QStringLiteral("{\"user_query\": \"q%1\"}").arg(i))
            .bind(11, QStringLiteral("prompt %1").arg(i));
        ins.run();
        ins.reset();
    }
    tx.commit();
}
} // namespace

class TestDatasetPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void modelPagesLazilyAndStaysBounded();
    void filtersAndSearch();
    void pageShowsDetailAndCharts();
    void exportRunsAsAJob();
    void opensAndFilters500kExamples();
    void leakedRowsFilterAndExclusion();
    void leakageCheckFromThePageAndReset();
    void invalidReasonAndDuplicateLink();
    void chartsScaleAndFilterOnClick();

private:
    QTemporaryDir m_dir;
    Workspace m_ws;
    QThreadPool m_pool;
};

void TestDatasetPage::initTestCase()
{
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("ds.efws")));
    QVERIFY2(ws, qPrintable(ws.error()));
    m_ws = ws.value();
    fill(m_ws, 12000);
}

void TestDatasetPage::modelPagesLazilyAndStaysBounded()
{
    ExamplesModel model(&m_pool);
    QSignalSpy loaded(&model, &ExamplesModel::loaded);
    model.setWorkspace(m_ws);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.rowCount(), 12000);
    QCOMPARE(model.cachedPageCount(), 0); // nothing but ids until a view asks

    // Asking for a row far down loads only its page, in the background.
    const QModelIndex far = model.index(9000, ExamplesModel::QueryColumn);
    QCOMPARE(model.data(far).toString(), QStringLiteral("…"));
    QTRY_VERIFY_WITH_TIMEOUT(model.data(far, ExamplesModel::LoadedRole).toBool(), 5000);
    QCOMPARE(model.data(far).toString(), QStringLiteral("how to fix a leaking tap number 9000"));
    QCOMPARE(model.cachedPageCount(), 1); // only the page that was asked for

    // Touch many pages: the cache never exceeds its bound.
    for (int row = 0; row < 12000; row += ExamplesModel::kPageSize) {
        model.data(model.index(row, ExamplesModel::QueryColumn));
        QTRY_VERIFY_WITH_TIMEOUT(model.data(model.index(row, 0), ExamplesModel::LoadedRole).toBool(), 5000);
    }
    QVERIFY(model.cachedPageCount() <= ExamplesModel::kMaxCachedPages);
    QCOMPARE(model.data(model.index(11999, ExamplesModel::QueryColumn)).toString(),
             QStringLiteral("how to fix a leaking tap number 11999"));
}

void TestDatasetPage::filtersAndSearch()
{
    ExamplesModel model(&m_pool);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&model, &ExamplesModel::loaded);
    model.setWorkspace(m_ws);
    QVERIFY(loaded.wait(10000));

    ExampleFilter f;
    f.status = QStringLiteral("invalid");
    model.setFilter(f);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.rowCount(), 1200);

    f = ExampleFilter{};
    f.family = QStringLiteral("sts");
    f.language = QStringLiteral("zh");
    model.setFilter(f);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.rowCount(), 1000); // i%3==2 and i%4==1: one in twelve

    f = ExampleFilter{};
    f.text = QStringLiteral("水龙头 11");
    model.setFilter(f);
    QVERIFY(loaded.wait(10000));
    QVERIFY(model.rowCount() > 0);
    for (int r = 0; r < model.rowCount(); ++r) {
        model.data(model.index(r, ExamplesModel::QueryColumn));
        QTRY_VERIFY_WITH_TIMEOUT(model.data(model.index(r, 0), ExamplesModel::LoadedRole).toBool(), 5000);
        const QString q = model.data(model.index(r, ExamplesModel::QueryColumn)).toString();
        QVERIFY2(q.contains(QStringLiteral("水龙头")) && q.contains(QStringLiteral("11")), qPrintable(q));
    }

    // The task filter matches the instruction only.
    f = ExampleFilter{};
    f.task = QStringLiteral("household");
    model.setFilter(f);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.rowCount(), 12000);
    f.task = QStringLiteral("leaking tap");
    model.setFilter(f);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.rowCount(), 0); // in every query, in no instruction

    // LIKE wildcards in the search are literal characters, not patterns.
    f.text = QStringLiteral("%_");
    model.setFilter(f);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.rowCount(), 0);
}

void TestDatasetPage::pageShowsDetailAndCharts()
{
    DatasetPage page(&m_pool);
    page.resize(1200, 800);
    page.show();
    QSignalSpy stats(&page, &DatasetPage::statsUpdated);
    page.setWorkspace(m_ws);
    QVERIFY(stats.wait(10000));
    const ExampleCharts &s = page.stats();
    QCOMPARE(s.total, 12000);
    QCOMPARE(s.perFamily.size(), 3);
    QCOMPARE(s.perLanguage.size(), 4);
    QCOMPARE(s.invalidReasons.size(), 1);
    QCOMPARE(s.invalidReasons.first().second, 1200);
    qint64 histogram = 0;
    for (qint64 n : s.wordHistograms.value(QStringLiteral("positive")))
        histogram += n;
    QCOMPARE(histogram, 12000);
    qint64 negatives = 0;
    for (qint64 n : s.wordHistograms.value(QStringLiteral("negative")))
        negatives += n;
    QCOMPARE(negatives, 8000); // one family in three has no hard negative

    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 12000, 10000);
    QSignalSpy detail(&page, &DatasetPage::detailShown);
    page.view()->selectRow(3);
    QVERIFY(detail.wait(5000));
    QVERIFY(page.detailText().contains(QStringLiteral("how to fix a leaking tap number 3")));
    QVERIFY(page.detailText().contains(QStringLiteral("Raw response")));

    ExampleFilter f;
    f.language = QStringLiteral("zh");
    page.setFilter(f);
    QVERIFY(stats.wait(10000));
    QCOMPARE(page.stats().total, 3000);
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 3000, 10000);
    QTest::qWait(200);
    QVERIFY(page.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("dataset-page.png"))));
    auto *tabs = page.findChild<QTabWidget *>();
    QVERIFY(tabs);
    tabs->setCurrentIndex(1);
    QTest::qWait(200);
    QVERIFY(page.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("dataset-charts.png"))));
}

void TestDatasetPage::exportRunsAsAJob()
{
    JobManager jobs;
    DatasetPage page(&m_pool);
    page.setJobManager(&jobs);
    page.setWorkspace(m_ws);
    ExportOptions options;
    options.format = QStringLiteral("triplets");
    options.path = m_dir.filePath(QStringLiteral("train.jsonl"));
    options.validationFraction = 0.1;
    options.seed = 7;
    const quint64 id = page.startExport(options);
    QVERIFY(id != 0);
    QVERIFY(jobs.waitForIdle(30000));
    QCOMPARE(jobs.job(id).state, JobState::Succeeded);
    QFile train(options.path);
    QVERIFY(train.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = train.readAll().trimmed().split('\n');
    QFile validation(m_dir.filePath(QStringLiteral("train.validation.jsonl")));
    QVERIFY(validation.open(QIODevice::ReadOnly));
    const qint64 validationLines = validation.readAll().trimmed().split('\n').size();
    // Every valid example (i%10 != 9, i%25 != 24), those without a hard negative (i%3 == 2) with
    // "negative": null (issue 13.9: they were dropped).
    int expected = 0, withoutNegative = 0;
    for (int i = 0; i < 12000; ++i) {
        expected += (i % 10 != 9 && i % 25 != 24) ? 1 : 0;
        withoutNegative += (i % 10 != 9 && i % 25 != 24 && i % 3 == 2) ? 1 : 0;
    }
    QCOMPARE(lines.size() + validationLines, expected);
    int nulls = 0;
    for (const QByteArray &l : lines)
        nulls += QJsonDocument::fromJson(l).object().value(QStringLiteral("negative")).isNull() ? 1 : 0;
    QVERIFY(nulls > withoutNegative / 2 && nulls <= withoutNegative);
    QVERIFY(validationLines > expected / 20 && validationLines < expected / 5);
    const QJsonObject first = QJsonDocument::fromJson(lines.first()).object();
    QVERIFY(first.value(QStringLiteral("anchor")).toString().startsWith(QStringLiteral("Instruct: ")));
    QVERIFY(first.contains(QStringLiteral("negative")));

    // Issue 14.7: the export follows the filter on screen (30 rows shown, 118 were exported).
    ExampleFilter f;
    f.family = QStringLiteral("sts");
    f.status = QStringLiteral("valid");
    QSignalSpy idsLoaded(page.model(), &ExamplesModel::loaded);
    page.setFilter(f);
    QVERIFY(idsLoaded.wait(5000));
    QCOMPARE(page.model()->filter(), f);
    const qint64 shown = page.model()->rowCount();
    QVERIFY(shown > 0 && shown < 12000 / 3);
    options.validationFraction = 0.0;
    options.format = QStringLiteral("examples");
    options.path = m_dir.filePath(QStringLiteral("filtered.jsonl"));
    const quint64 filtered = page.startExport(options);
    QVERIFY(jobs.waitForIdle(30000));
    QCOMPARE(jobs.job(filtered).state, JobState::Succeeded);
    QFile out(options.path);
    QVERIFY(out.open(QIODevice::ReadOnly));
    const QList<QByteArray> rows = out.readAll().trimmed().split('\n');
    QCOMPARE(qint64(rows.size()), shown);
    for (const QByteArray &row : rows)
        QCOMPARE(QJsonDocument::fromJson(row).object().value(QStringLiteral("family")).toString(),
                 QStringLiteral("sts"));
}

// The page at the scale the issue names: 500k examples open, filter and page without
// holding the rows (timings are in bench/bench_dataset, not asserted here).
void TestDatasetPage::opensAndFilters500kExamples()
{
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("big.efws")));
    QVERIFY(ws);
    {
        auto db = ws->connect();
        Transaction tx(**db);
        (*db)->exec(QStringLiteral(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 499999) "
            "INSERT INTO examples(family, language, instruction, query, positive, negative, status, dedup_key, "
            "created_at) "
            "SELECT CASE i % 3 WHEN 0 THEN 'retrieval' WHEN 1 THEN 'classification' ELSE 'sts' END, "
            "CASE i % 5 WHEN 0 THEN 'en' WHEN 1 THEN 'zh' WHEN 2 THEN 'de' WHEN 3 THEN 'sw' ELSE 'fr' END, "
            "'Retrieve repair guides', 'query number ' || i, 'a positive passage about taps and valves ' || i, "
            "'a negative passage', CASE WHEN i % 10 = 9 THEN 'invalid' ELSE 'valid' END, 'k' || i, '2026-01-01' FROM "
            "n"));
        tx.commit();
    }
    DatasetPage page(&m_pool);
    page.resize(1200, 800);
    page.show();
    QSignalSpy stats(&page, &DatasetPage::statsUpdated);
    page.setWorkspace(ws.value());
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 500000, 30000);
    QVERIFY(stats.wait(30000));
    QCOMPARE(page.stats().total, 500000);
    // The view asks for what it shows; only those pages are fetched.
    QTRY_VERIFY_WITH_TIMEOUT(page.model()->data(page.model()->index(0, 0), ExamplesModel::LoadedRole).toBool(), 10000);
    QVERIFY(page.model()->cachedPageCount() <= 2);
    page.view()->scrollToBottom();
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->data(page.model()->index(499999, ExamplesModel::QueryColumn)).toString(),
                              QStringLiteral("query number 499999"), 10000);
    QVERIFY(page.model()->cachedPageCount() <= ExamplesModel::kMaxCachedPages);

    ExampleFilter f;
    f.language = QStringLiteral("fr");
    f.status = QStringLiteral("invalid");
    page.setFilter(f);
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 50000, 30000); // i%10==9 implies i%5==4 (fr)
    QVERIFY(stats.wait(30000));
    QCOMPARE(page.stats().total, 50000);
    QTest::qWait(300);
    QVERIFY(page.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("dataset-500k.png"))));
}

// Issue 13.12: the page filters to the rows a leakage check flagged, and one click excludes them
// from training and exports.
void TestDatasetPage::leakedRowsFilterAndExclusion()
{
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("leak.efws")));
    QVERIFY(ws);
    fill(ws.value(), 300);
    {
        auto db = ws->connect();
        QVERIFY(
            importCorpus(**db, {CorpusImport::Kind::Beir, QStringLiteral(":/demo/corpus"), QStringLiteral("demo")}));
        for (qint64 id : {3, 5, 8, 13, 21})
            (*db)
                ->prepare(
                    QStringLiteral("INSERT INTO leakage_flags(example_id, corpus_id, field, match_kind, match_id, "
                                   "ngram, ngram_size, checked_at) VALUES (?, 1, 'positive', 'document', "
                                   "'doc000p', 'a b c', 13, '2026-12-05T00:00:00Z')"))
                .bind(1, id)
                .run();
    }
    JobManager jobs;
    DatasetPage page(&m_pool);
    page.setJobManager(&jobs);
    page.resize(1200, 800);
    page.show();
    page.setWorkspace(ws.value());
    auto *status = page.findChildren<QComboBox *>().at(2);
    const int leaked = status->findData(QStringLiteral("leaked"));
    QVERIFY(leaked > 0);
    status->setCurrentIndex(leaked);
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 5, 5000);
    auto *exclude = page.findChild<QPushButton *>(QStringLiteral("excludeLeaked"));
    QVERIFY(exclude && exclude->isVisible());
    QSignalSpy done(&page, &DatasetPage::leakedExcluded);
    QTest::mouseClick(exclude, Qt::LeftButton);
    QVERIFY(done.wait(5000));
    QCOMPARE(done.first().first().toLongLong(), 5);
    auto db = ws->connect();
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM examples WHERE excluded = 1")), 5);
    QVERIFY(page.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("dataset-leaked.png"))));
}

// The Dataset page runs the leakage check itself (it only showed a CLI check's flags): a dialog
// picks the corpus and n, a job with progress runs it, and the page then shows the flagged
// examples. Another workspace starts from a clean page (issue 14.3).
void TestDatasetPage::leakageCheckFromThePageAndReset()
{
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("leak-check.efws")));
    QVERIFY(ws);
    QVERIFY(importDemoExamples(ws.value(), QStringLiteral(":/demo/examples.jsonl")));
    // A corpus that copies three examples' positives word for word, beside unrelated documents.
    QStringList copied;
    {
        auto db = ws->connect();
        auto st = (*db)->prepare(QStringLiteral("SELECT positive FROM examples WHERE status = 'valid' AND "
                                                "length(positive) > 200 AND language = 'en' ORDER BY id LIMIT 3"));
        while (st.step())
            copied << st.columnText(0);
    }
    QCOMPARE(copied.size(), 3);
    QByteArray corpus;
    for (int i = 0; i < copied.size(); ++i)
        corpus += QJsonDocument(QJsonObject{{QStringLiteral("_id"), QStringLiteral("copy%1").arg(i)},
                                            {QStringLiteral("text"), copied.at(i)}})
                      .toJson(QJsonDocument::Compact) +
                  '\n';
    for (int i = 0; i < 20; ++i)
        corpus += "{\"_id\": \"other" + QByteArray::number(i) + "\", \"text\": \"unrelated words number " +
                  QByteArray::number(i) + "\"}\n";
    const QString beir = m_dir.filePath(QStringLiteral("leak-beir"));
    test::writeFile(beir + QStringLiteral("/corpus.jsonl"), corpus);
    test::writeFile(beir + QStringLiteral("/queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"unrelated\"}\n");
    test::writeFile(beir + QStringLiteral("/qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\tother1\t1\n");
    {
        auto db = ws->connect();
        QVERIFY(importCorpus(**db, {CorpusImport::Kind::Beir, beir, QStringLiteral("bench")}));
    }
    JobManager jobs;
    DatasetPage page(&m_pool);
    page.setJobManager(&jobs);
    page.resize(1200, 800);
    page.show();
    page.setWorkspace(ws.value());
    auto *check = page.findChild<QPushButton *>(QStringLiteral("checkLeakage"));
    QVERIFY(check && check->isVisible());

    const test::DialogsEnabled dialogs;
    bool answered = false;
    // The dialog opens once the corpora are read (off the GUI thread): answered when it shows.
    test::whenModalShows(&page, [&](QWidget *dlg) {
        QCOMPARE(dlg->objectName(), QStringLiteral("leakageDialog"));
        auto *corpusBox = dlg->findChild<QComboBox *>(QStringLiteral("leakageCorpus"));
        QVERIFY(corpusBox && corpusBox->currentData().toString() == QStringLiteral("bench"));
        QCOMPARE(dlg->findChild<QSpinBox *>(QStringLiteral("leakageNgram"))->value(), 13);
        answered = true;
        QTest::keyClick(dlg, Qt::Key_Return); // the default button: Check
    });
    QSignalSpy checked(&page, &DatasetPage::leakageChecked);
    QSignalSpy added(&jobs, &JobManager::jobAdded);
    QTest::mouseClick(check, Qt::LeftButton);
    QVERIFY(checked.wait(20000));
    QVERIFY(answered);
    QCOMPARE(added.count(), 1);
    QCOMPARE(added.first().first().value<JobInfo>().kind, QStringLiteral("dataset.leakage"));
    const qint64 flagged = checked.first().first().toLongLong();
    QVERIFY2(flagged >= 3, qPrintable(page.leakageText())); // the three, and any duplicate of them
    auto db = ws->connect();
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(DISTINCT example_id) FROM leakage_flags")), flagged);
    // The page now shows what was found.
    QVERIFY2(page.leakageText().contains(QStringLiteral(" examples share a 13-word n-gram with corpus bench")),
             qPrintable(page.leakageText()));
    QVERIFY(page.model()->filter().leakedOnly);
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), int(flagged), 5000);
    QVERIFY(page.findChild<QPushButton *>(QStringLiteral("excludeLeaked"))->isVisible());
    // A flagged example says what it shares, and with which document.
    QSignalSpy shown(&page, &DatasetPage::detailShown);
    QTRY_VERIFY_WITH_TIMEOUT(page.model()->data(page.model()->index(0, 0), ExamplesModel::LoadedRole).toBool(), 5000);
    page.view()->selectRow(0);
    QVERIFY(shown.wait(5000));
    QVERIFY2(page.detailText().contains(QStringLiteral("Flagged as leaked: its positive shares “")),
             qPrintable(page.detailText().left(400)));
    QVERIFY(page.detailText().contains(QStringLiteral("with document copy")));
    QVERIFY(page.detailText().contains(QStringLiteral("of corpus bench")));
    QVERIFY(page.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("dataset-leakage-check.png"))));

    // Another workspace: no filter, no example, no check result of this one.
    page.view()->selectRow(0);
    auto other = Workspace::create(m_dir.filePath(QStringLiteral("leak-other.efws")));
    QVERIFY(other);
    page.setWorkspace(other.value());
    QCOMPARE(page.model()->filter(), ExampleFilter{});
    QCOMPARE(page.findChildren<QComboBox *>().at(2)->currentIndex(), 0);
    QCOMPARE(page.leakageText(), QString());
    QCOMPARE(page.detailText().trimmed(), QString());
    QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("excludeLeaked"))->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 0, 5000);
}

// Issue 14.7: the full invalid reason in a tooltip and the detail pane, and a duplicate links to
// the example it repeats.
void TestDatasetPage::invalidReasonAndDuplicateLink()
{
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("demo-detail.efws")));
    QVERIFY(ws);
    QVERIFY(importDemoExamples(ws.value(), QStringLiteral(":/demo/examples.jsonl")));
    DatasetPage page(&m_pool);
    page.resize(1200, 800);
    page.show();
    page.setWorkspace(ws.value());
    QSignalSpy idsLoaded(page.model(), &ExamplesModel::loaded);
    ExampleFilter f;
    f.status = QStringLiteral("invalid");
    page.setFilter(f);
    QVERIFY(idsLoaded.wait(5000));
    QVERIFY(page.model()->rowCount() > 5);
    page.model()->data(page.model()->index(0, ExamplesModel::StatusColumn)); // asks for the page
    QTRY_VERIFY_WITH_TIMEOUT(page.model()->data(page.model()->index(0, 0), ExamplesModel::LoadedRole).toBool(), 5000);
    bool described = false;
    for (int r = 0; r < page.model()->rowCount(); ++r)
        described = described || page.model()
                                     ->data(page.model()->index(r, ExamplesModel::StatusColumn), Qt::ToolTipRole)
                                     .toString()
                                     .contains(QStringLiteral("the reply has keys the format does not name"));
    QVERIFY(described);
    QSignalSpy detail(&page, &DatasetPage::detailShown);
    page.view()->selectRow(0);
    QVERIFY(detail.wait(5000));
    QVERIFY2(page.detailText().contains(QStringLiteral("Invalid (")), qPrintable(page.detailText()));

    f.status = QStringLiteral("duplicate");
    page.setFilter(f);
    QVERIFY(idsLoaded.wait(5000));
    page.view()->selectRow(0);
    QVERIFY(detail.wait(5000));
    QVERIFY2(page.detailText().contains(QStringLiteral("Duplicate of example #")), qPrintable(page.detailText()));
    const QString text = page.detailText();
    const qint64 original = text.section(QStringLiteral("Duplicate of example #"), 1)
                                .section(QLatin1Char('\n'), 0, 0)
                                .trimmed()
                                .toLongLong();
    QVERIFY(original > 0);
    auto *browser = page.findChild<QTextBrowser *>(QStringLiteral("exampleDetail"));
    Q_EMIT browser->anchorClicked(QUrl(QStringLiteral("example:%1").arg(original)));
    QVERIFY(detail.wait(5000));
    QVERIFY2(page.detailText().startsWith(QStringLiteral("#%1 ").arg(original)), qPrintable(page.detailText()));
}

// Issue 14.7: the length axis fits the data (it was a fixed 0-600 words, the data in its first
// tenth), counts have whole-number ticks, and a click on a bar filters to it.
void TestDatasetPage::chartsScaleAndFilterOnClick()
{
    DatasetPage page(&m_pool);
    page.resize(1200, 800);
    page.show();
    QSignalSpy stats(&page, &DatasetPage::statsUpdated);
    page.setWorkspace(m_ws);
    QVERIFY(stats.wait(10000));
    // The fixture's texts have at most a few dozen words: the bins are narrow enough to show them.
    QVERIFY2(page.stats().binWords * ExampleCharts::kLengthBins <= 250,
             qPrintable(QString::number(page.stats().binWords)));
    page.findChild<QTabWidget *>()->setCurrentIndex(1);
    QList<QCustomPlot *> plots = page.findChildren<QCustomPlot *>();
    QVERIFY(plots.size() == 4);
    QCustomPlot *languages = plots.at(0);
    auto fixed = languages->yAxis->ticker().dynamicCast<QCPAxisTickerFixed>();
    QVERIFY(fixed && fixed->tickStep() >= 1 && fixed->tickStep() == std::floor(fixed->tickStep()));
    for (QCustomPlot *p : plots) { // every count axis has ticks inside its range, not just 0
        auto t = p->yAxis->ticker().dynamicCast<QCPAxisTickerFixed>();
        QVERIFY(t && t->tickStep() < p->yAxis->range().upper);
    }
    const QStringList labels = languages->property("barLabels").toStringList();
    QVERIFY(!labels.isEmpty());
    const QPoint bar(static_cast<int>(languages->xAxis->coordToPixel(1)),
                     static_cast<int>(languages->yAxis->coordToPixel(1)));
    QSignalSpy idsLoaded(page.model(), &ExamplesModel::loaded);
    QTest::mouseClick(languages, Qt::LeftButton, {}, bar);
    QVERIFY(idsLoaded.wait(5000));
    QCOMPARE(page.model()->filter().language, labels.first());
    QVERIFY(page.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("dataset-charts.png"))));
}

QTEST_MAIN(TestDatasetPage)
#include "tst_datasetpage.moc"
