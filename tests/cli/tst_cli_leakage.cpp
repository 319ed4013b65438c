// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 13.12: `dataset leakage` on the demo workspace finds the copies planted in it and nothing
// else. The demo corpus was written from the demo's retrieval examples (each of its documents is
// one of their positives), so those are flagged too, by construction, and the test computes
// that set independently; no other example may be flagged. --exclude keeps the flagged
// examples out of exports (and training).
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include "backend/database.h"
#include "tests/common/testutil.h"

using ef::test::runCli;

class TestCliLeakage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void demoWorkspacePlantedCopies();
};

void TestCliLeakage::demoWorkspacePlantedCopies()
{
    QTemporaryDir dir;
    const QString ws = dir.filePath(QStringLiteral("demo.efws"));
    const QString demo = QStringLiteral(EMBEDFORGE_SOURCE_DIR "/resources/demo");
    QCOMPARE(runCli({QStringLiteral("workspace"), QStringLiteral("init"), ws}).exitCode, 0);
    QCOMPARE(runCli({QStringLiteral("dataset"), QStringLiteral("import"), demo + QStringLiteral("/examples.jsonl"),
                     QStringLiteral("--workspace"), ws})
                 .exitCode,
             0);
    QCOMPARE(runCli({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--beir"),
                     demo + QStringLiteral("/corpus"), QStringLiteral("--name"), QStringLiteral("demo"),
                     QStringLiteral("--workspace"), ws})
                 .exitCode,
             0);

    // What leaks by construction: retrieval examples whose positive is a corpus document's text.
    QSet<QString> corpusTexts;
    QString chineseDocument, longDocument;
    {
        QFile corpus(demo + QStringLiteral("/corpus/corpus.jsonl"));
        QVERIFY(corpus.open(QIODevice::ReadOnly));
        while (!corpus.atEnd()) {
            const QJsonObject o = QJsonDocument::fromJson(corpus.readLine()).object();
            const QString text = o.value(QStringLiteral("text")).toString();
            corpusTexts.insert(text.simplified());
            if (longDocument.isEmpty() && text.split(QLatin1Char(' ')).size() > 40)
                longDocument = text;
            if (chineseDocument.isEmpty() && text.size() > 30 && text.at(0).unicode() >= 0x4e00 &&
                text.at(0).unicode() < 0xa000)
                chineseDocument = text;
        }
    }
    QVERIFY(!longDocument.isEmpty());
    QVERIFY(!chineseDocument.isEmpty());
    QSet<qint64> expected;
    qint64 stsId = 0, classificationId = 0;
    {
        auto db = ef::Database::open(ws, ef::Database::Mode::ReadWrite);
        QVERIFY(db);
        ef::Statement st = (*db)->prepare(QStringLiteral(
            "SELECT id, family, positive FROM examples WHERE status IN ('valid','duplicate') ORDER BY id"));
        while (st.step()) {
            if (st.columnText(1) == QLatin1String("retrieval") && corpusTexts.contains(st.columnText(2).simplified()))
                expected.insert(st.columnInt(0));
            else if (st.columnText(1) == QLatin1String("sts") && stsId == 0)
                stsId = st.columnInt(0);
            else if (st.columnText(1) == QLatin1String("classification") && classificationId == 0)
                classificationId = st.columnInt(0);
        }
        QVERIFY(expected.size() >= 60);
        // Planted: 20 words of a document inside an STS sentence, with other words around them,
        // and 16 characters of a Chinese document inside a classification text (CJK counts in
        // characters).
        const QString words = longDocument.split(QLatin1Char(' ')).mid(5, 20).join(QLatin1Char(' '));
        (*db)
            ->prepare(QStringLiteral("UPDATE examples SET query = ? WHERE id = ?"))
            .bind(1, QStringLiteral("As the leaflet put it: ") + words + QStringLiteral(", which we repeat."))
            .bind(2, stsId)
            .run();
        (*db)
            ->prepare(QStringLiteral("UPDATE examples SET query = ? WHERE id = ?"))
            .bind(1, QStringLiteral("用户留言：") + chineseDocument.left(16) + QStringLiteral("。谢谢"))
            .bind(2, classificationId)
            .run();
        expected << stsId << classificationId;
    }
    const auto r = runCli({QStringLiteral("--json"), QStringLiteral("dataset"), QStringLiteral("leakage"),
                           QStringLiteral("--workspace"), ws, QStringLiteral("--corpus"), QStringLiteral("demo")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out.trimmed()).object();
    QCOMPARE(o.value(QStringLiteral("ngram")).toInt(), 13);
    QSet<qint64> flagged;
    for (const QJsonValue &v : o.value(QStringLiteral("flags")).toArray())
        flagged.insert(v.toObject().value(QStringLiteral("example")).toInteger());
    QCOMPARE(flagged, expected);
    QCOMPARE(o.value(QStringLiteral("flagged")).toInt(), expected.size());
    const QJsonObject byFamily = o.value(QStringLiteral("by_family")).toObject();
    QCOMPARE(byFamily.value(QStringLiteral("sts")).toInt(), 1);
    QCOMPARE(byFamily.value(QStringLiteral("classification")).toInt(), 1);
    QVERIFY(!byFamily.contains(QStringLiteral("bitext")) && !byFamily.contains(QStringLiteral("long-long")));
    for (const QJsonValue &v : o.value(QStringLiteral("flags")).toArray()) {
        const QJsonObject f = v.toObject();
        if (f.value(QStringLiteral("example")).toInteger() == classificationId) {
            QCOMPARE(f.value(QStringLiteral("match")).toString(), QStringLiteral("document"));
            QCOMPARE(f.value(QStringLiteral("field")).toString(), QStringLiteral("query"));
        }
    }

    // --exclude: the flagged valid examples leave the export.
    const auto before =
        runCli({QStringLiteral("--json"), QStringLiteral("dataset"), QStringLiteral("export"),
                QStringLiteral("--workspace"), ws, QStringLiteral("--format"), QStringLiteral("examples"),
                QStringLiteral("--out"), dir.filePath(QStringLiteral("before.jsonl"))});
    QCOMPARE(before.exitCode, 0);
    const auto excluded = runCli({QStringLiteral("--json"), QStringLiteral("dataset"), QStringLiteral("leakage"),
                                  QStringLiteral("--workspace"), ws, QStringLiteral("--corpus"), QStringLiteral("demo"),
                                  QStringLiteral("--exclude")});
    QCOMPARE(excluded.exitCode, 0);
    const qint64 n =
        QJsonDocument::fromJson(excluded.out.trimmed()).object().value(QStringLiteral("excluded")).toInteger();
    QCOMPARE(n, qint64(expected.size()));
    const auto after =
        runCli({QStringLiteral("--json"), QStringLiteral("dataset"), QStringLiteral("export"),
                QStringLiteral("--workspace"), ws, QStringLiteral("--format"), QStringLiteral("examples"),
                QStringLiteral("--out"), dir.filePath(QStringLiteral("after.jsonl"))});
    QCOMPARE(after.exitCode, 0);
    auto db = ef::Database::open(ws, ef::Database::Mode::ReadOnly);
    const qint64 validFlagged = (*db)->queryInt(
        QStringLiteral("SELECT COUNT(*) FROM examples WHERE status='valid' AND id IN (SELECT example_id FROM "
                       "leakage_flags)"));
    QCOMPARE(QJsonDocument::fromJson(after.out.trimmed()).object().value(QStringLiteral("train")).toInteger(),
             QJsonDocument::fromJson(before.out.trimmed()).object().value(QStringLiteral("train")).toInteger() -
                 validFlagged);
}

QTEST_GUILESS_MAIN(TestCliLeakage)
#include "tst_cli_leakage.moc"
