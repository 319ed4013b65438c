// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of backend/examples: the filter's SQL, ids and id-range pages, detail, chart aggregates.
#include <QTemporaryDir>
#include <QTest>

#include "backend/database.h"
#include "backend/examples.h"
#include "backend/workspace.h"

using namespace ef;

class TestExamples final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void filterMatchesEveryField();
    void wildcardsAreLiteral();
    void pagesAreIdRangesOfTheFilter();
    void detailAndMissingExample();
    void chartsCountWhatTheFilterMatches();

private:
    QTemporaryDir m_dir;
    Workspace m_ws;
};

// 30 examples: family i%3, language en/zh alternating, every 5th invalid, the 7th has "50%_off".
void TestExamples::initTestCase()
{
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("e.efws")));
    QVERIFY2(ws, qPrintable(ws.error()));
    m_ws = ws.value();
    auto db = m_ws.connect();
    Transaction tx(**db);
    Statement ins = (*db)->prepare(QStringLiteral(
        "INSERT INTO examples(family, language, instruction, query, positive, negative, status, invalid_reason, "
        "dedup_key, "
        "template_id, template_version, placeholders, prompt, raw_response, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'sts.generate', 3, '{\"x\":\"1\"}', ?, ?, '2026-01-01T00:00:00.000Z')"));
    const QStringList families = {QStringLiteral("retrieval"), QStringLiteral("sts"), QStringLiteral("bitext")};
    for (int i = 0; i < 30; ++i) {
        ins.bind(1, families.at(i % 3))
            .bind(2, i % 2 ? QStringLiteral("zh") : QStringLiteral("en"))
            .bind(3, i < 10 ? QStringLiteral("Find recipes") : QStringLiteral("Match claims"))
            .bind(4, i == 7 ? QStringLiteral("50%_off coupon") : QStringLiteral("query number %1").arg(i))
            .bind(5, QStringLiteral("one two three four five six"))
            .bind(6, i % 3 == 2 ? QString() : QStringLiteral("a negative"))
            .bind(7, i % 5 == 4 ? QStringLiteral("invalid") : QStringLiteral("valid"))
            .bind(8, i % 5 == 4 ? QStringLiteral("missing_key") : QStringLiteral(""))
            .bind(9, QString::number(i))
            .bind(10, QStringLiteral("prompt %1").arg(i))
            .bind(11, QStringLiteral("raw %1").arg(i));
        ins.run();
        ins.reset();
    }
    tx.commit();
}

void TestExamples::filterMatchesEveryField()
{
    ExampleFilter f;
    QCOMPARE(exampleIds(m_ws, f)->size(), 30);
    f.family = QStringLiteral("sts");
    QCOMPARE(exampleIds(m_ws, f)->size(), 10);
    f.language = QStringLiteral("zh");
    QCOMPARE(exampleIds(m_ws, f)->size(), 5);
    f.status = QStringLiteral("invalid");
    const auto ids = exampleIds(m_ws, f);
    QVERIFY(ids);
    for (qint64 id : ids.value()) {
        const auto d = exampleDetail(m_ws, id);
        QCOMPARE(d->family, QStringLiteral("sts"));
        QCOMPARE(d->language, QStringLiteral("zh"));
        QCOMPARE(d->status, QStringLiteral("invalid"));
    }
    ExampleFilter task;
    task.task = QStringLiteral("recipes");
    QCOMPARE(exampleIds(m_ws, task)->size(), 10);
    ExampleFilter words; // every word somewhere, in any field
    words.text = QStringLiteral("number negative");
    QCOMPARE(exampleIds(m_ws, words)->size(), 19); // 20 with a negative, minus the coupon one
    QStringList binds;
    QCOMPARE(exampleWhereClause(ExampleFilter{}, &binds), QString());
    QVERIFY(binds.isEmpty());
}

void TestExamples::wildcardsAreLiteral()
{
    ExampleFilter f;
    f.text = QStringLiteral("%_");
    QCOMPARE(exampleIds(m_ws, f)->size(), 1); // only the text that has "%_" in it
    f.text = QStringLiteral("_");
    QCOMPARE(exampleIds(m_ws, f)->size(), 1);
    f.text = QStringLiteral("\\");
    QCOMPARE(exampleIds(m_ws, f)->size(), 0);
}

void TestExamples::pagesAreIdRangesOfTheFilter()
{
    ExampleFilter f;
    f.language = QStringLiteral("en");
    const QVector<qint64> ids = exampleIds(m_ws, f).value();
    QCOMPARE(ids.size(), 15);
    const auto rows = exampleRows(m_ws, f, ids.at(2), ids.at(6));
    QVERIFY2(rows, qPrintable(rows.error()));
    QCOMPARE(rows->size(), 5);
    for (int i = 0; i < rows->size(); ++i) {
        QCOMPARE(rows->at(i).id, ids.at(2 + i));
        QCOMPARE(rows->at(i).language, QStringLiteral("en"));
    }
    // A row without a negative reads as an empty text.
    const auto one = exampleRows(m_ws, ExampleFilter{}, 3, 3);
    QCOMPARE(one->size(), 1);
    QCOMPARE(one->first().negative, QString());
}

void TestExamples::detailAndMissingExample()
{
    const auto d = exampleDetail(m_ws, 5);
    QVERIFY2(d, qPrintable(d.error()));
    QCOMPARE(d->status, QStringLiteral("invalid"));
    QCOMPARE(d->invalidReason, QStringLiteral("missing_key"));
    QCOMPARE(d->templateId, QStringLiteral("sts.generate"));
    QCOMPARE(d->templateVersion, 3);
    QCOMPARE(d->prompt, QStringLiteral("prompt 4"));
    QCOMPARE(d->rawResponse, QStringLiteral("raw 4"));
    const auto missing = exampleDetail(m_ws, 999);
    QVERIFY(!missing);
    QVERIFY(missing.error().contains(QStringLiteral("999")));
}

void TestExamples::chartsCountWhatTheFilterMatches()
{
    const auto all = exampleCharts(m_ws, ExampleFilter{});
    QVERIFY2(all, qPrintable(all.error()));
    QCOMPARE(all->total, 30);
    QCOMPARE(all->perFamily.size(), 3);
    QCOMPARE(all->invalidReasons, (QList<QPair<QString, qint64>>{{QStringLiteral("missing_key"), 6}}));
    QCOMPARE(all->languages, (QStringList{QStringLiteral("en"), QStringLiteral("zh")}));
    qint64 negatives = 0;
    for (qint64 n : all->wordHistograms.value(QStringLiteral("negative")))
        negatives += n;
    QCOMPARE(negatives, 20); // bitext rows have none, and get no bin
    // Six-word positives, in the bin that holds six words: the bins fit the longest text (issue 14.7).
    QVERIFY(all->binWords * ExampleCharts::kLengthBins > 6 && all->binWords <= 2);
    QCOMPARE(all->wordHistograms.value(QStringLiteral("positive")).at(6 / all->binWords), 30);
    ExampleFilter zh;
    zh.language = QStringLiteral("zh");
    const auto some = exampleCharts(m_ws, zh);
    QCOMPARE(some->total, 15);
    QCOMPARE(some->perLanguage, (QList<QPair<QString, qint64>>{{QStringLiteral("zh"), 15}}));
    QCOMPARE(some->languages.size(), 2); // the filter's choices list every language
}

QTEST_GUILESS_MAIN(TestExamples)
#include "tst_examples.moc"
