// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 13: `eval` gives what BEIR and pytrec_eval give. On tests/data/evalparity (ties, a query
// whose judgements are all 0, a relevant document never retrieved, self hits, graded qrels)
// `eval --run` reproduces pytrec_eval's nDCG@10, Recall@100, MRR@10 and MAP@10 per query and on
// average to 1e-6, with self hits ignored (the default) and kept. The expected values come from
// scripts/make_eval_reference.py, which records the pytrec_eval version it ran.
#include <cmath>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "backend/database.h"
#include "tests/common/testutil.h"

using ef::test::runCli;

namespace {
const QString kData = QStringLiteral(EMBEDFORGE_TEST_DATA_DIR "/evalparity");

QJsonObject jsonOf(const QByteArray &out)
{
    return QJsonDocument::fromJson(out.trimmed().split('\n').last()).object();
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}
} // namespace

class TestEvalParity final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void runFileMatchesPytrecEval_data();
    void runFileMatchesPytrecEval();
    void savedRunGivesTheSameFigures();
    void conventionsAndErrors();
    void instructionPresets();

private:
    QString ws() const { return m_dir.filePath(QStringLiteral("parity.efws")); }
    QTemporaryDir m_dir;
};

void TestEvalParity::initTestCase()
{
    QCOMPARE(runCli({QStringLiteral("workspace"), QStringLiteral("init"), ws()}).exitCode, 0);
    const auto imported = runCli({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--beir"),
                                  kData + QStringLiteral("/beir"), QStringLiteral("--name"), QStringLiteral("parity"),
                                  QStringLiteral("--workspace"), ws()});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());
}

void TestEvalParity::runFileMatchesPytrecEval_data()
{
    QTest::addColumn<QString>("setting");
    QTest::newRow("self hits ignored (default)") << QStringLiteral("ignore_self");
    QTest::newRow("self hits kept") << QStringLiteral("keep_self");
}

void TestEvalParity::runFileMatchesPytrecEval()
{
    QFETCH(QString, setting);
    const QJsonObject expected = readJson(kData + QStringLiteral("/expected.json"));
    QVERIFY2(expected.value(QStringLiteral("pytrec_eval")).toString().startsWith(QStringLiteral("pytrec-eval")),
             "expected.json records the pytrec_eval version");
    const QJsonObject want = expected.value(setting).toObject();
    QStringList args{QStringLiteral("eval"),
                     QStringLiteral("--corpus"),
                     QStringLiteral("parity"),
                     QStringLiteral("--run"),
                     kData + QStringLiteral("/run.trec"),
                     QStringLiteral("--json"),
                     QStringLiteral("--workspace"),
                     ws()};
    if (setting == QLatin1String("keep_self"))
        args << QStringLiteral("--keep-self");
    const auto r = runCli(args);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject got = jsonOf(r.out);
    QCOMPARE(got.value(QStringLiteral("queries")).toInt(), want.value(QStringLiteral("queries")).toInt());
    QCOMPARE(got.value(QStringLiteral("queries")).toInt(), 9); // the all-zero query counts
    QCOMPARE(got.value(QStringLiteral("method")).toString(), QStringLiteral("run"));
    QCOMPARE(got.value(QStringLiteral("ignore_self")).toBool(), setting == QLatin1String("ignore_self"));
    const QJsonObject means = want.value(QStringLiteral("means")).toObject();
    for (const QString &m :
         {QStringLiteral("ndcg@10"), QStringLiteral("recall@100"), QStringLiteral("mrr@10"), QStringLiteral("map@10")})
        QVERIFY2(std::abs(got.value(m).toDouble() - means.value(m).toDouble()) < 1e-6,
                 qPrintable(QStringLiteral("%1: %2 vs pytrec_eval %3")
                                .arg(m, QString::number(got.value(m).toDouble(), 'g', 12),
                                     QString::number(means.value(m).toDouble(), 'g', 12))));

    // Per query, from the result stored in the workspace.
    auto db = ef::Database::open(ws(), ef::Database::Mode::ReadOnly);
    QVERIFY(db);
    const QJsonArray perQuery =
        QJsonDocument::fromJson((*db)
                                    ->queryText(QStringLiteral("SELECT per_query FROM eval_results ORDER BY id "
                                                               "DESC LIMIT 1"))
                                    .toUtf8())
            .array();
    const QJsonObject wantPerQuery = want.value(QStringLiteral("per_query")).toObject();
    QCOMPARE(perQuery.size(), wantPerQuery.size());
    for (const QJsonValue &v : perQuery) {
        const QJsonObject q = v.toObject();
        const QJsonObject w = wantPerQuery.value(q.value(QStringLiteral("query")).toString()).toObject();
        QVERIFY(!w.isEmpty());
        for (const QString &m : {QStringLiteral("ndcg@10"), QStringLiteral("recall@100"), QStringLiteral("mrr@10"),
                                 QStringLiteral("map@10")})
            QVERIFY2(std::abs(q.value(m).toDouble() - w.value(m).toDouble()) < 1e-6,
                     qPrintable(q.value(QStringLiteral("query")).toString() + QLatin1Char(' ') + m));
    }
}

// A ranking saved with --save-run and evaluated with --run gives the same figures: the run is
// what was evaluated, in trec_eval's order, with scores written exactly.
void TestEvalParity::savedRunGivesTheSameFigures()
{
    const QString run = m_dir.filePath(QStringLiteral("bm25.trec"));
    const auto direct = runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("parity"),
                                QStringLiteral("--method"), QStringLiteral("bm25"), QStringLiteral("--save-run"), run,
                                QStringLiteral("--json"), QStringLiteral("--workspace"), ws()});
    QVERIFY2(direct.exitCode == 0, direct.err.constData());
    const QJsonObject a = jsonOf(direct.out);
    QCOMPARE(a.value(QStringLiteral("saved_run")).toString(), run);
    QFile f(run);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
    QVERIFY(!lines.isEmpty());
    QString lastQuery;
    int expectedRank = 0;
    double lastScore = 0;
    for (const QByteArray &line : lines) {
        const QList<QByteArray> cols = line.split(' ');
        QCOMPARE(cols.size(), 6);
        QCOMPARE(cols[1], QByteArray("Q0"));
        QCOMPARE(cols[5], QByteArray("embedforge-bm25"));
        QVERIFY(cols[0] != cols[2]); // self hits are not in the evaluated ranking
        const QString q = QString::fromUtf8(cols[0]);
        expectedRank = q == lastQuery ? expectedRank + 1 : 1;
        const double score = cols[4].toDouble();
        if (q == lastQuery)
            QVERIFY(score <= lastScore);
        QCOMPARE(cols[3].toInt(), expectedRank);
        lastQuery = q;
        lastScore = score;
    }
    const auto again =
        runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("parity"), QStringLiteral("--run"),
                run, QStringLiteral("--json"), QStringLiteral("--workspace"), ws()});
    QVERIFY2(again.exitCode == 0, again.err.constData());
    const QJsonObject b = jsonOf(again.out);
    for (const QString &m : {QStringLiteral("ndcg@10"), QStringLiteral("recall@100"), QStringLiteral("mrr@10"),
                             QStringLiteral("map@10"), QStringLiteral("queries")})
        QCOMPARE(b.value(m).toDouble(), a.value(m).toDouble());
}

void TestEvalParity::conventionsAndErrors()
{
    const auto r = runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("parity"),
                           QStringLiteral("--method"), QStringLiteral("bm25"), QStringLiteral("--depth"),
                           QStringLiteral("5"), QStringLiteral("--json"), QStringLiteral("--workspace"), ws()});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = jsonOf(r.out);
    const QJsonObject c = o.value(QStringLiteral("conventions")).toObject();
    QCOMPARE(c.value(QStringLiteral("ignore_self")).toBool(), true);
    QCOMPARE(c.value(QStringLiteral("depth")).toInt(), 5);
    QCOMPARE(c.value(QStringLiteral("ties")).toString(),
             QStringLiteral("score descending, then document id descending (trec_eval)"));
    QVERIFY(c.value(QStringLiteral("queries")).toString().contains(QStringLiteral("all-zero")));

    // Broken run files: each error names file:line.
    const auto badRun = [&](const QByteArray &content, const QByteArray &message) {
        const QString path = m_dir.filePath(QStringLiteral("bad.trec"));
        ef::test::writeFile(path, content);
        const auto e = runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("parity"),
                               QStringLiteral("--run"), path, QStringLiteral("--workspace"), ws()});
        QCOMPARE(e.exitCode, 1);
        QVERIFY2(e.err.contains(QByteArray(path.toUtf8() + ":")) && e.err.contains(message), e.err.constData());
    };
    badRun("q1 Q0 d1 1 0.5 t\nq1 Q0 d2 2\n", "bad.trec:2: expected 6 columns");
    badRun("q1 Q0 d1 1 nan t\n", "bad.trec:1: the score 'nan' is not a finite number");
    badRun("q1 Q0 d1 1 0.5 t\nq1 Q0 d1 2 0.4 t\n", "bad.trec:2: document 'd1' is listed twice for query 'q1'");
    badRun("q1 Q0 d1 1 0.5 t\nq2 Q0 d1 1 0.5 t\nq1 Q0 d2 2 0.4 t\n", "bad.trec:3: query 'q1' appears again");
    const auto both = runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("parity"),
                              QStringLiteral("--run"), kData + QStringLiteral("/run.trec"), QStringLiteral("--method"),
                              QStringLiteral("bm25"), QStringLiteral("--workspace"), ws()});
    QCOMPARE(both.exitCode, 2);

    // A run with queries the qrels lack, and without some of the qrels' queries.
    const QString partial = m_dir.filePath(QStringLiteral("partial.trec"));
    ef::test::writeFile(partial, "q1 Q0 d1 1 2.0 t\nq1 Q0 d2 2 1.0 t\nzz Q0 d1 1 1.0 t\n");
    const auto p =
        runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("parity"), QStringLiteral("--run"),
                partial, QStringLiteral("--json"), QStringLiteral("--workspace"), ws()});
    QVERIFY2(p.exitCode == 0, p.err.constData());
    const QJsonObject po = jsonOf(p.out);
    QCOMPARE(po.value(QStringLiteral("queries")).toInt(), 9);
    QCOMPARE(po.value(QStringLiteral("queries_without_results")).toInt(), 8);
    QCOMPARE(po.value(QStringLiteral("run_queries_without_qrels")).toInt(), 1);
    // q1: d1 (2) and d2 (1) of three relevant: one query of nine scores.
    QVERIFY(std::abs(po.value(QStringLiteral("recall@100")).toDouble() - (2.0 / 3.0) / 9.0) < 1e-12);
}

void TestEvalParity::instructionPresets()
{
    const auto unknown =
        runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("parity"),
                QStringLiteral("--method"), QStringLiteral("bm25"), QStringLiteral("--instruction-preset"),
                QStringLiteral("nosuch"), QStringLiteral("--workspace"), ws()});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY2(unknown.err.contains("unknown instruction preset 'nosuch'") && unknown.err.contains("scifact"),
             unknown.err.constData());
    const QString model = m_dir.filePath(QStringLiteral("tiny"));
    QCOMPARE(runCli({QStringLiteral("model"), QStringLiteral("make-tiny"), QStringLiteral("--family"),
                     QStringLiteral("qwen2"), QStringLiteral("--out"), model})
                 .exitCode,
             0);
    QCOMPARE(runCli({QStringLiteral("corpus"), QStringLiteral("embed"), QStringLiteral("--corpus"),
                     QStringLiteral("parity"), QStringLiteral("--model"), model, QStringLiteral("--workspace"), ws()})
                 .exitCode,
             0);
    const auto preset = runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("parity"),
                                QStringLiteral("--method"), QStringLiteral("dense"), QStringLiteral("--model"), model,
                                QStringLiteral("--instruction-preset"), QStringLiteral("SciFact"),
                                QStringLiteral("--json"), QStringLiteral("--workspace"), ws()});
    QVERIFY2(preset.exitCode == 0, preset.err.constData());
    QCOMPARE(jsonOf(preset.out).value(QStringLiteral("instruction")).toString(),
             QStringLiteral("Given a scientific claim, retrieve documents that support or refute the claim"));
    QVERIFY(!jsonOf(preset.out).contains(QStringLiteral("warnings")));
    // A decoder model without an instruction: the paper always instructs queries.
    const auto bare = runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("parity"),
                              QStringLiteral("--method"), QStringLiteral("dense"), QStringLiteral("--model"), model,
                              QStringLiteral("--json"), QStringLiteral("--workspace"), ws()});
    QVERIFY2(bare.exitCode == 0, bare.err.constData());
    QVERIFY2(jsonOf(bare.out)
                 .value(QStringLiteral("warnings"))
                 .toArray()
                 .at(0)
                 .toString()
                 .startsWith(QStringLiteral("no query instruction")),
             bare.out.constData());
    QCOMPARE(jsonOf(bare.out).value(QStringLiteral("instruction")).toString(), QString());
    const auto search =
        runCli({QStringLiteral("search"), QStringLiteral("--corpus"), QStringLiteral("parity"),
                QStringLiteral("--method"), QStringLiteral("dense"), QStringLiteral("--model"), model,
                QStringLiteral("--instruction-preset"), QStringLiteral("msmarco"), QStringLiteral("--json"),
                QStringLiteral("--workspace"), ws(), QStringLiteral("document")});
    QVERIFY2(search.exitCode == 0, search.err.constData());
    QCOMPARE(jsonOf(search.out).value(QStringLiteral("instruction")).toString(),
             QStringLiteral("Given a web search query, retrieve relevant passages that answer the query"));
}

QTEST_GUILESS_MAIN(TestEvalParity)
#include "tst_evalparity.moc"
