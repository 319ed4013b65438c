// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: corpus import / list / export, search and eval through embedforge-cli.
#include <cmath>
#include <csignal>

#include <sys/types.h>

#include <QDir>
#include <QElapsedTimer>
#include <QMap>
#include <QProcess>
#include <QThread>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "tests/common/testutil.h"

using ef::test::runCli;
using ef::test::runCliWithoutOverride;

class TestCliRetrieval final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void importListSearchEvalExport();
    void errorsAndUsage();
    void denseAndHybridEndToEnd();
    void killedEmbeddingResumes();
    void folderImportListsWhatItSkips();

private:
    QString ws() const { return m_dir.filePath(QStringLiteral("r.efws")); }
    QTemporaryDir m_dir;
};

void TestCliRetrieval::initTestCase()
{
    const QString beir = m_dir.filePath(QStringLiteral("beir"));
    QDir().mkpath(beir + QStringLiteral("/qrels"));
    auto write = [](const QString &path, const QByteArray &data) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(data);
    };
    write(beir + QStringLiteral("/corpus.jsonl"),
          "{\"_id\":\"d1\",\"title\":\"Heat pumps\",\"text\":\"Cold climate heat pumps keep working at minus 25 "
          "degrees.\"}\n"
          "{\"_id\":\"d2\",\"title\":\"Solar\",\"text\":\"Solar panels produce most power at noon.\"}\n"
          "{\"_id\":\"d3\",\"title\":\"Insulation\",\"text\":\"Insulating the loft keeps heat in during winter.\"}\n");
    write(beir + QStringLiteral("/queries.jsonl"),
          "{\"_id\":\"q1\",\"text\":\"heat pump cold winter\"}\n{\"_id\":\"q2\",\"text\":\"solar noon\"}\n");
    write(beir + QStringLiteral("/qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td3\t1\nq2\td2\t1\n");
    QCOMPARE(runCli({QStringLiteral("workspace"), QStringLiteral("init"), ws()}).exitCode, 0);
}

void TestCliRetrieval::importListSearchEvalExport()
{
    const auto imp = runCli({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--beir"),
                             m_dir.filePath(QStringLiteral("beir")), QStringLiteral("--name"), QStringLiteral("energy"),
                             QStringLiteral("--workspace"), ws(), QStringLiteral("--json")});
    QVERIFY2(imp.exitCode == 0, imp.err.constData());
    QCOMPARE(QJsonDocument::fromJson(imp.out).object().value(QStringLiteral("documents")).toInt(), 3);

    const auto list = runCli({QStringLiteral("corpus"), QStringLiteral("list"), QStringLiteral("--json"),
                              QStringLiteral("--workspace"), ws()});
    QCOMPARE(list.exitCode, 0);
    const QJsonArray corpora = QJsonDocument::fromJson(list.out).object().value(QStringLiteral("corpora")).toArray();
    QCOMPARE(corpora.size(), 1);
    QCOMPARE(corpora.first().toObject().value(QStringLiteral("name")).toString(), QStringLiteral("energy"));
    // workspace info lists the corpus tables, not FTS5's internal shadow tables.
    const auto info = runCli({QStringLiteral("workspace"), QStringLiteral("info"), ws(), QStringLiteral("--json")});
    const QJsonObject tables = QJsonDocument::fromJson(info.out).object().value(QStringLiteral("tables")).toObject();
    QCOMPARE(tables.value(QStringLiteral("documents")).toInt(), 3);
    for (const QString &name : tables.keys())
        QVERIFY2(!name.startsWith(QStringLiteral("fts_")), qPrintable(name));

    const auto search = runCli({QStringLiteral("search"), QStringLiteral("--corpus"), QStringLiteral("energy"),
                                QStringLiteral("--method"), QStringLiteral("bm25"), QStringLiteral("--k"),
                                QStringLiteral("2"), QStringLiteral("--json"), QStringLiteral("--workspace"), ws(),
                                QStringLiteral("heat pumps \"NEAR(\" -x*")});
    QVERIFY2(search.exitCode == 0, search.err.constData());
    const QJsonArray hits = QJsonDocument::fromJson(search.out).object().value(QStringLiteral("hits")).toArray();
    QVERIFY(!hits.isEmpty() && hits.size() <= 2);
    QCOMPARE(hits.first().toObject().value(QStringLiteral("id")).toString(), QStringLiteral("d1"));

    const auto eval = runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("energy"),
                              QStringLiteral("--method"), QStringLiteral("bm25"), QStringLiteral("--json"),
                              QStringLiteral("--workspace"), ws()});
    QVERIFY2(eval.exitCode == 0, eval.err.constData());
    const QJsonObject m = QJsonDocument::fromJson(eval.out).object();
    for (const char *key : {"ndcg@10", "recall@100", "mrr@10", "map@10", "queries"})
        QVERIFY2(m.contains(QLatin1String(key)), key);
    QCOMPARE(m.value(QStringLiteral("queries")).toInt(), 2);
    QCOMPARE(m.value(QStringLiteral("mrr@10")).toDouble(), 1.0);
    const auto human = runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("energy"),
                               QStringLiteral("--workspace"), ws()});
    QCOMPARE(human.exitCode, 0);
    QVERIFY(human.out.contains("nDCG@10") && human.out.contains("Recall@100") && human.out.contains("MRR@10"));

    const QString out = m_dir.filePath(QStringLiteral("exported"));
    QCOMPARE(runCli({QStringLiteral("corpus"), QStringLiteral("export"), QStringLiteral("--name"),
                     QStringLiteral("energy"), QStringLiteral("--out"), out, QStringLiteral("--workspace"), ws()})
                 .exitCode,
             0);
    QVERIFY(QFile::exists(out + QStringLiteral("/corpus.jsonl")));
    QVERIFY(QFile::exists(out + QStringLiteral("/qrels/test.tsv")));
}

void TestCliRetrieval::errorsAndUsage()
{
    const auto dense = runCli({QStringLiteral("search"), QStringLiteral("--corpus"), QStringLiteral("energy"),
                               QStringLiteral("--method"), QStringLiteral("dense"), QStringLiteral("--workspace"), ws(),
                               QStringLiteral("heat")});
    QCOMPARE(dense.exitCode, 2);
    QVERIFY2(dense.err.contains("needs --model DIR"), dense.err.constData());
    const auto badMethod =
        runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("energy"),
                QStringLiteral("--method"), QStringLiteral("sparse"), QStringLiteral("--workspace"), ws()});
    QCOMPARE(badMethod.exitCode, 2);
    const auto missing = runCli({QStringLiteral("search"), QStringLiteral("--corpus"), QStringLiteral("nope"),
                                 QStringLiteral("--workspace"), ws(), QStringLiteral("x")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains("no corpus named 'nope'"));
    const auto twoSources =
        runCli({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--beir"), QStringLiteral("a"),
                QStringLiteral("--jsonl"), QStringLiteral("b"), QStringLiteral("--name"), QStringLiteral("n"),
                QStringLiteral("--workspace"), ws()});
    QCOMPARE(twoSources.exitCode, 2);
    const auto badFile = runCli({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--jsonl"),
                                 m_dir.filePath(QStringLiteral("none.jsonl")), QStringLiteral("--name"),
                                 QStringLiteral("n"), QStringLiteral("--workspace"), ws()});
    QCOMPARE(badFile.exitCode, 1);
    QVERIFY(badFile.err.contains("none.jsonl"));
}

void TestCliRetrieval::denseAndHybridEndToEnd()
{
    const QString model = m_dir.filePath(QStringLiteral("tiny"));
    QCOMPARE(
        runCli({QStringLiteral("model"), QStringLiteral("make-tiny"), QStringLiteral("--family"),
                QStringLiteral("qwen2"), QStringLiteral("--out"), model, QStringLiteral("--seed"), QStringLiteral("5")})
            .exitCode,
        0);
    QCOMPARE(runCli({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--beir"),
                     m_dir.filePath(QStringLiteral("beir")), QStringLiteral("--name"), QStringLiteral("dense"),
                     QStringLiteral("--workspace"), ws()})
                 .exitCode,
             0);
    const QStringList dense = {QStringLiteral("--corpus"), QStringLiteral("dense"), QStringLiteral("--workspace"),
                               ws()};
    // Searching before embedding says what to run.
    const auto early = runCli(QStringList{QStringLiteral("search"), QStringLiteral("--method"), QStringLiteral("dense"),
                                          QStringLiteral("--model"), model, QStringLiteral("heat")} +
                              dense);
    QCOMPARE(early.exitCode, 1);
    QVERIFY2(early.err.contains("corpus embed"), early.err.constData());

    const auto embed = runCli(QStringList{QStringLiteral("corpus"), QStringLiteral("embed"), QStringLiteral("--model"),
                                          model, QStringLiteral("--json")} +
                              dense);
    QVERIFY2(embed.exitCode == 0, embed.err.constData());
    const QJsonObject e = QJsonDocument::fromJson(embed.out).object();
    QCOMPARE(e.value(QStringLiteral("embedded")).toInt(), 3);
    QCOMPARE(e.value(QStringLiteral("dim")).toInt(), 64);
    const auto again = runCli(QStringList{QStringLiteral("corpus"), QStringLiteral("embed"), QStringLiteral("--model"),
                                          model, QStringLiteral("--json")} +
                              dense);
    QCOMPARE(QJsonDocument::fromJson(again.out).object().value(QStringLiteral("reused")).toInt(), 3);
    QCOMPARE(QJsonDocument::fromJson(again.out).object().value(QStringLiteral("embedded")).toInt(), 0);

    // Dense scores are the cosines of `embed` outputs: query with instruction vs title + " " + text.
    const QString instruction = QStringLiteral("Given a question, retrieve passages that answer it");
    const auto s = runCli(QStringList{QStringLiteral("search"), QStringLiteral("--method"), QStringLiteral("dense"),
                                      QStringLiteral("--model"), model, QStringLiteral("--instruction"), instruction,
                                      QStringLiteral("--k"), QStringLiteral("3"), QStringLiteral("--json"),
                                      QStringLiteral("heat pump in winter")} +
                          dense);
    QVERIFY2(s.exitCode == 0, s.err.constData());
    const QJsonArray hits = QJsonDocument::fromJson(s.out).object().value(QStringLiteral("hits")).toArray();
    QCOMPARE(hits.size(), 3);
    const auto vecs = runCli({QStringLiteral("embed"), QStringLiteral("--model"), model},
                             "Heat pumps Cold climate heat pumps keep working at minus 25 degrees.\n"
                             "Solar Solar panels produce most power at noon.\n"
                             "Insulation Insulating the loft keeps heat in during winter.\n");
    QVERIFY2(vecs.exitCode == 0, vecs.err.constData());
    const auto qv = runCli(
        {QStringLiteral("embed"), QStringLiteral("--model"), model, QStringLiteral("--instruction"), instruction},
        "heat pump in winter\n");
    const QList<QByteArray> lines = vecs.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    const QJsonArray q = QJsonDocument::fromJson(qv.out).object().value(QStringLiteral("embedding")).toArray();
    QCOMPARE(q.size(), 64);
    QMap<double, QString> brute;
    for (int i = 0; i < 3; ++i) {
        const QJsonArray d = QJsonDocument::fromJson(lines[i]).object().value(QStringLiteral("embedding")).toArray();
        double dot = 0;
        for (int c = 0; c < 64; ++c)
            dot += q[c].toDouble() * d[c].toDouble();
        brute.insert(-dot, QStringLiteral("d%1").arg(i + 1));
    }
    int rank = 0;
    for (auto it = brute.cbegin(); it != brute.cend(); ++it, ++rank) {
        QCOMPARE(hits[rank].toObject().value(QStringLiteral("id")).toString(), it.value());
        QVERIFY(std::abs(hits[rank].toObject().value(QStringLiteral("score")).toDouble() + it.key()) < 1e-5);
    }

    const auto h =
        runCli(QStringList{QStringLiteral("search"), QStringLiteral("--method"), QStringLiteral("hybrid"),
                           QStringLiteral("--model"), model, QStringLiteral("--json"), QStringLiteral("solar noon")} +
               dense);
    QVERIFY2(h.exitCode == 0, h.err.constData());
    const QJsonArray hh = QJsonDocument::fromJson(h.out).object().value(QStringLiteral("hits")).toArray();
    QCOMPARE(hh.size(), 3);
    // d2 is first for BM25 (the only match); its fused score is at least 1/61.
    QVERIFY(hh.first().toObject().value(QStringLiteral("score")).toDouble() >= 1.0 / 61 - 1e-12);

    for (const QString &method : {QStringLiteral("dense"), QStringLiteral("hybrid")}) {
        const auto ev =
            runCli(QStringList{QStringLiteral("eval"), QStringLiteral("--method"), method, QStringLiteral("--model"),
                               model, QStringLiteral("--instruction"), instruction, QStringLiteral("--json")} +
                   dense);
        QVERIFY2(ev.exitCode == 0, ev.err.constData());
        const QJsonObject m = QJsonDocument::fromJson(ev.out).object();
        for (const char *key : {"ndcg@10", "recall@100", "mrr@10", "map@10", "queries"})
            QVERIFY2(m.contains(QLatin1String(key)), key);
        QCOMPARE(m.value(QStringLiteral("method")).toString(), method);
        QCOMPARE(m.value(QStringLiteral("queries")).toInt(), 2);
        QCOMPARE(m.value(QStringLiteral("recall@100")).toDouble(), 1.0);
    }
}

void TestCliRetrieval::killedEmbeddingResumes()
{
    const QString model = m_dir.filePath(QStringLiteral("tiny-kill"));
    QCOMPARE(runCli({QStringLiteral("model"), QStringLiteral("make-tiny"), QStringLiteral("--family"),
                     QStringLiteral("llama"), QStringLiteral("--out"), model})
                 .exitCode,
             0);
    // 1,200 documents of 20-120 words: long enough to kill the embedding between chunks.
    const QString jsonl = m_dir.filePath(QStringLiteral("big.jsonl"));
    {
        QFile f(jsonl);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const char *words[] = {"heat",   "pump",       "solar",  "panel", "battery",
                               "winter", "insulation", "window", "roof",  "boiler"};
        quint32 state = 1;
        for (int i = 0; i < 1200; ++i) {
            QByteArray text;
            state = state * 1664525u + 1013904223u;
            const int n = 20 + int(state >> 8) % 100;
            for (int w = 0; w < n; ++w) {
                state = state * 1664525u + 1013904223u;
                text += (w ? " " : "") + QByteArray(words[(state >> 16) % 10]);
            }
            f.write("{\"_id\":\"d" + QByteArray::number(i) + "\",\"text\":\"" + text + "\"}\n");
        }
    }
    const QString ws = m_dir.filePath(QStringLiteral("kill.efws"));
    QCOMPARE(runCli({QStringLiteral("workspace"), QStringLiteral("init"), ws}).exitCode, 0);
    QCOMPARE(runCli({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--jsonl"), jsonl,
                     QStringLiteral("--name"), QStringLiteral("big"), QStringLiteral("--workspace"), ws})
                 .exitCode,
             0);
    const auto vectors = [&] {
        const auto info = runCli({QStringLiteral("workspace"), QStringLiteral("info"), ws, QStringLiteral("--json")});
        return QJsonDocument::fromJson(info.out)
            .object()
            .value(QStringLiteral("tables"))
            .toObject()
            .value(QStringLiteral("doc_vectors"))
            .toInt();
    };
    QProcess p;
    p.start(qEnvironmentVariable("EMBEDFORGE_CLI"),
            {QStringLiteral("corpus"), QStringLiteral("embed"), QStringLiteral("--corpus"), QStringLiteral("big"),
             QStringLiteral("--model"), model, QStringLiteral("--max-length"), QStringLiteral("256"),
             QStringLiteral("--workspace"), ws});
    QVERIFY(p.waitForStarted(10000));
    // The child is paused (SIGSTOP) while the test looks, so it cannot finish between a look and
    // the kill: it runs 20 ms at a time until a chunk is stored, then stays paused.
    QElapsedTimer t;
    t.start();
    int stored = 0;
    for (;;) {
        QThread::msleep(20);
        QVERIFY2(p.state() == QProcess::Running, "the embedding ended within its first 20 ms");
        QCOMPARE(::kill(static_cast<pid_t>(p.processId()), SIGSTOP), 0);
        stored = vectors();
        if (stored >= 256)
            break;
        QVERIFY2(t.elapsed() < 60000, "no chunk was stored within a minute");
        QCOMPARE(::kill(static_cast<pid_t>(p.processId()), SIGCONT), 0);
    }
    // Issue 16.2: a second `corpus embed` of the same corpus and model died with a raw SQL
    // UNIQUE-constraint error. It is refused, naming the owner, and changes nothing.
    const auto second = runCli({QStringLiteral("corpus"), QStringLiteral("embed"), QStringLiteral("--corpus"),
                                QStringLiteral("big"), QStringLiteral("--model"), model, QStringLiteral("--max-length"),
                                QStringLiteral("256"), QStringLiteral("--workspace"), ws});
    {
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(
            second.err.contains("the embedding of corpus 'big' with model ") &&
                second.err.contains(QByteArray("is being processed by process " + QByteArray::number(p.processId()))),
            second.err.constData());
        QVERIFY2(!second.err.contains("UNIQUE"), second.err.constData());
    }
    QCOMPARE(p.state(), QProcess::Running); // paused, still holding the embedding
    p.kill();                               // SIGKILL between or inside chunks (it ends a stopped process too)
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);
    stored = vectors();
    QVERIFY2(stored > 0 && stored < 1200, qPrintable(QString::number(stored)));
    QCOMPARE(stored % 256, 0); // whole chunks only: each is one transaction
    const auto check = runCli({QStringLiteral("workspace"), QStringLiteral("check"), ws});
    QVERIFY2(check.exitCode == 0, check.err.constData());

    const auto resumed =
        runCli({QStringLiteral("corpus"), QStringLiteral("embed"), QStringLiteral("--corpus"), QStringLiteral("big"),
                QStringLiteral("--model"), model, QStringLiteral("--max-length"), QStringLiteral("256"),
                QStringLiteral("--workspace"), ws, QStringLiteral("--json")});
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    const QJsonObject r = QJsonDocument::fromJson(resumed.out).object();
    QCOMPARE(r.value(QStringLiteral("reused")).toInt(), stored);
    QCOMPARE(r.value(QStringLiteral("embedded")).toInt(), 1200 - stored);
    QCOMPARE(vectors(), 1200);
}

// Issue 16.5: a file whose read failed was stored as an empty document, with exit code 0 and no word.
void TestCliRetrieval::folderImportListsWhatItSkips()
{
    const QString folder = m_dir.filePath(QStringLiteral("unreadable"));
    ef::test::writeFile(folder + QStringLiteral("/open.txt"), "Readable notes about tides.\n");
    ef::test::writeFile(folder + QStringLiteral("/closed.txt"), "Private notes about eclipses.\n");
    QVERIFY(QFile::setPermissions(folder + QStringLiteral("/closed.txt"), QFile::Permissions()));
    const QString ws = m_dir.filePath(QStringLiteral("skips.efws"));
    QCOMPARE(runCli({QStringLiteral("workspace"), QStringLiteral("init"), ws}).exitCode, 0);
    const auto r =
        runCliWithoutOverride({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--folder"), folder,
                               QStringLiteral("--name"), QStringLiteral("notes"), QStringLiteral("--workspace"), ws,
                               QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out.trimmed()).object();
    const QJsonArray skipped = o.value(QStringLiteral("skipped")).toArray();
    if (o.value(QStringLiteral("documents")).toInt() == 2)
        QSKIP("this process reads a file with mode 000 (privileged and unable to drop CAP_DAC_OVERRIDE)");
    QCOMPARE(o.value(QStringLiteral("documents")).toInt(), 1);
    QCOMPARE(skipped.size(), 1);
    QCOMPARE(skipped.at(0).toObject().value(QStringLiteral("file")).toString(), QStringLiteral("closed.txt"));
    QCOMPARE(skipped.at(0).toObject().value(QStringLiteral("reason")).toString(),
             QStringLiteral("cannot read it: Permission denied"));
    QVERIFY2(r.err.contains("skipped 'closed.txt': cannot read it: Permission denied"), r.err.constData());

    // --strict turns it into an error that names the file, and imports nothing.
    const auto strict =
        runCliWithoutOverride({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--folder"), folder,
                               QStringLiteral("--name"), QStringLiteral("strict"), QStringLiteral("--workspace"), ws,
                               QStringLiteral("--strict")});
    QCOMPARE(strict.exitCode, 1);
    QVERIFY2(
        strict.err.contains(QByteArray("'closed.txt' in '" + folder.toUtf8() + "': cannot read it: Permission denied")),
        strict.err.constData());
    const auto list = runCli({QStringLiteral("corpus"), QStringLiteral("list"), QStringLiteral("--workspace"), ws,
                              QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(list.out.trimmed()).object().value(QStringLiteral("corpora")).toArray().size(), 1);
}

QTEST_GUILESS_MAIN(TestCliRetrieval)
#include "tst_cli_retrieval.moc"
