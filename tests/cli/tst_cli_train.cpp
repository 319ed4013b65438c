// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: train, train --resume, runs list, export, dataset import --jsonl and --adapter
// through embedforge-cli, as scripts use them (flags, JSON keys, exit codes).
#include <cmath>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "models/tinymodel.h"
#include "tests/common/testutil.h"

using ef::test::runCli;

class TestCliTrain final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void trainPrintsAJsonLinePerStepAndARun();
    void sameSeedSameLosses();
    void configFileAndFlags();
    void runsListResumeAndExport();
    void adapterChangesEmbeddingsAndHasItsOwnVectors();
    void datasetImportJsonl();
    void usageErrors();

private:
    QString ws() const { return m_dir.filePath(QStringLiteral("t.efws")); }
    QStringList trainArgs(const QStringList &extra = {}) const;
    static QList<QJsonObject> jsonLines(const QByteArray &out);
    QTemporaryDir m_dir;
    QString m_model;
};

void TestCliTrain::initTestCase()
{
    m_model = m_dir.filePath(QStringLiteral("tiny"));
    ef::models::TinyModelOptions o;
    o.family = ef::models::Family::Llama;
    o.seed = 7;
    ef::models::makeTinyModel(m_model.toStdString(), o);
    QCOMPARE(runCli({QStringLiteral("workspace"), QStringLiteral("init"), ws()}).exitCode, 0);
    const auto imp = runCli({QStringLiteral("dataset"), QStringLiteral("import"),
                             QStringLiteral(EMBEDFORGE_SOURCE_DIR "/resources/demo/examples.jsonl"),
                             QStringLiteral("--workspace"), ws()});
    QVERIFY2(imp.exitCode == 0, imp.err.constData());
    const auto corpus = runCli({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--beir"),
                                QStringLiteral(EMBEDFORGE_SOURCE_DIR "/resources/demo/corpus"),
                                QStringLiteral("--name"), QStringLiteral("demo"), QStringLiteral("--workspace"), ws()});
    QVERIFY2(corpus.exitCode == 0, corpus.err.constData());
}

QStringList TestCliTrain::trainArgs(const QStringList &extra) const
{
    return QStringList{QStringLiteral("train"),
                       QStringLiteral("--workspace"),
                       ws(),
                       QStringLiteral("--model"),
                       m_model,
                       QStringLiteral("--steps"),
                       QStringLiteral("4"),
                       QStringLiteral("--batch"),
                       QStringLiteral("12"),
                       QStringLiteral("--micro-batch"),
                       QStringLiteral("10"),
                       QStringLiteral("--lora-rank"),
                       QStringLiteral("4"),
                       QStringLiteral("--max-length"),
                       QStringLiteral("64"),
                       QStringLiteral("--warmup"),
                       QStringLiteral("1"),
                       QStringLiteral("--lr"),
                       QStringLiteral("0.002"),
                       QStringLiteral("--eval-every"),
                       QStringLiteral("2"),
                       QStringLiteral("--checkpoint-every"),
                       QStringLiteral("2"),
                       QStringLiteral("--seed"),
                       QStringLiteral("5")} +
           extra;
}

QList<QJsonObject> TestCliTrain::jsonLines(const QByteArray &out)
{
    QList<QJsonObject> lines;
    for (const QByteArray &l : out.split('\n'))
        if (!l.trimmed().isEmpty())
            lines << QJsonDocument::fromJson(l).object();
    return lines;
}

void TestCliTrain::trainPrintsAJsonLinePerStepAndARun()
{
    const auto r = runCli(trainArgs({QStringLiteral("--name"), QStringLiteral("first")}));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QList<QJsonObject> lines = jsonLines(r.out);
    QList<int> steps;
    int evals = 0;
    for (const QJsonObject &o : lines) {
        if (o.contains(QStringLiteral("loss"))) {
            for (const char *key : {"step", "loss", "lr", "grad_norm", "accuracy", "examples_per_s", "tokens_per_s"})
                QVERIFY2(o.contains(QLatin1String(key)), key);
            QVERIFY(std::isfinite(o.value(QStringLiteral("loss")).toDouble()));
            steps << o.value(QStringLiteral("step")).toInt();
        } else if (o.contains(QStringLiteral("eval"))) {
            QCOMPARE(o.value(QStringLiteral("eval")).toString(), QStringLiteral("heldout"));
            ++evals;
        }
    }
    QCOMPARE(steps, (QList<int>{1, 2, 3, 4}));
    QCOMPARE(evals, 2);
    const QJsonObject last = lines.last();
    QCOMPARE(last.value(QStringLiteral("run")).toInt(), 1);
    QCOMPARE(last.value(QStringLiteral("status")).toString(), QStringLiteral("finished"));
    QCOMPARE(last.value(QStringLiteral("steps")).toInt(), 4);
    QVERIFY(QFileInfo::exists(last.value(QStringLiteral("dir")).toString() + QStringLiteral("/config.json")));
}

void TestCliTrain::sameSeedSameLosses()
{
    QList<double> runs[2];
    for (auto &losses : runs) {
        const auto r = runCli(trainArgs());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const QJsonObject &o : jsonLines(r.out))
            if (o.contains(QStringLiteral("loss")))
                losses << o.value(QStringLiteral("loss")).toDouble();
    }
    QCOMPARE(runs[0].size(), 4);
    QCOMPARE(runs[0], runs[1]);
    // A different seed changes them.
    const auto other = runCli(trainArgs({QStringLiteral("--seed"), QStringLiteral("6")}));
    QList<double> losses;
    for (const QJsonObject &o : jsonLines(other.out))
        if (o.contains(QStringLiteral("loss")))
            losses << o.value(QStringLiteral("loss")).toDouble();
    QVERIFY(losses != runs[0]);
}

void TestCliTrain::configFileAndFlags()
{
    const QString cfg = m_dir.filePath(QStringLiteral("train.json"));
    QFile f(cfg);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(QJsonObject{{QStringLiteral("model"), m_model},
                                      {QStringLiteral("steps"), 2},
                                      {QStringLiteral("batch_size"), 8},
                                      {QStringLiteral("lora_rank"), 2},
                                      {QStringLiteral("max_length"), 48},
                                      {QStringLiteral("name"), QStringLiteral("from-config")}})
                .toJson());
    f.close();
    // The flag overrides the file: 3 steps, not 2.
    const auto r = runCli({QStringLiteral("train"), QStringLiteral("--workspace"), ws(), QStringLiteral("--config"),
                           cfg, QStringLiteral("--steps"), QStringLiteral("3")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject last = jsonLines(r.out).last();
    QCOMPARE(last.value(QStringLiteral("steps")).toInt(), 3);
    QFile stored(last.value(QStringLiteral("dir")).toString() + QStringLiteral("/config.json"));
    QVERIFY(stored.open(QIODevice::ReadOnly));
    const QJsonObject c = QJsonDocument::fromJson(stored.readAll()).object();
    QCOMPARE(c.value(QStringLiteral("lora_rank")).toInt(), 2);
    QCOMPARE(c.value(QStringLiteral("steps")).toInt(), 3);
    QCOMPARE(c.value(QStringLiteral("name")).toString(), QStringLiteral("from-config"));
    // A bad key in the file names the key.
    QFile bad(m_dir.filePath(QStringLiteral("bad.json")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{\"learning_rat\": 0.1}");
    bad.close();
    const auto e = runCli({QStringLiteral("train"), QStringLiteral("--workspace"), ws(), QStringLiteral("--model"),
                           m_model, QStringLiteral("--config"), bad.fileName()});
    QCOMPARE(e.exitCode, 2);
    QVERIFY2(e.err.contains("learning_rat"), e.err.constData());
}

void TestCliTrain::runsListResumeAndExport()
{
    const auto list = runCli({QStringLiteral("--json"), QStringLiteral("runs"), QStringLiteral("list"),
                              QStringLiteral("--workspace"), ws()});
    QCOMPARE(list.exitCode, 0);
    const QJsonArray runs = QJsonDocument::fromJson(list.out).object().value(QStringLiteral("runs")).toArray();
    QVERIFY(runs.size() >= 1);
    const QJsonObject first = runs.at(0).toObject();
    QCOMPARE(first.value(QStringLiteral("run")).toInt(), 1);
    QCOMPARE(first.value(QStringLiteral("name")).toString(), QStringLiteral("first"));
    QCOMPARE(first.value(QStringLiteral("status")).toString(), QStringLiteral("finished"));
    QCOMPARE(first.value(QStringLiteral("config")).toObject().value(QStringLiteral("lora_rank")).toInt(), 4);
    // A finished run has nothing to resume.
    const auto again = runCli({QStringLiteral("train"), QStringLiteral("--workspace"), ws(), QStringLiteral("--resume"),
                               QStringLiteral("1")});
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.err.contains("nothing to resume"), again.err.constData());
    // Exports, each reloaded and checked by the CLI.
    for (const QString &format :
         {QStringLiteral("peft"), QStringLiteral("merged"), QStringLiteral("sentence-transformers")}) {
        const QString out = m_dir.filePath(QStringLiteral("export-") + format);
        const auto r = runCli({QStringLiteral("export"), QStringLiteral("--workspace"), ws(), QStringLiteral("--run"),
                               QStringLiteral("1"), QStringLiteral("--format"), format, QStringLiteral("--out"), out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QVERIFY(o.value(QStringLiteral("min_cosine")).toDouble() >= 0.9999);
        QCOMPARE(o.value(QStringLiteral("format")).toString(), format);
    }
    QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("export-peft/adapter_model.safetensors"))));
    QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("export-merged/model.safetensors"))));
    QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("export-sentence-transformers/modules.json"))));
    // The merged export is a model folder embed accepts as --model.
    const auto e =
        runCli({QStringLiteral("embed"), QStringLiteral("--model"), m_dir.filePath(QStringLiteral("export-merged"))},
               QByteArray("hello\n"));
    QVERIFY2(e.exitCode == 0, e.err.constData());
}

void TestCliTrain::adapterChangesEmbeddingsAndHasItsOwnVectors()
{
    const QString adapter = m_dir.filePath(QStringLiteral("export-peft"));
    QVERIFY2(QFile::exists(adapter + QStringLiteral("/adapter_config.json")), "runs after runsListResumeAndExport");
    const auto base =
        runCli({QStringLiteral("embed"), QStringLiteral("--model"), m_model}, QByteArray("a page about the river\n"));
    const auto tuned =
        runCli({QStringLiteral("embed"), QStringLiteral("--model"), m_model, QStringLiteral("--adapter"), adapter},
               QByteArray("a page about the river\n"));
    QCOMPARE(base.exitCode, 0);
    QCOMPARE(tuned.exitCode, 0);
    QVERIFY(base.out != tuned.out);
    for (const QStringList &extra : {QStringList{}, QStringList{QStringLiteral("--adapter"), adapter}}) {
        const auto r = runCli(QStringList{QStringLiteral("corpus"), QStringLiteral("embed"), QStringLiteral("--corpus"),
                                          QStringLiteral("demo"), QStringLiteral("--model"), m_model,
                                          QStringLiteral("--workspace"), ws()} +
                              extra);
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }
    const auto ev =
        runCli({QStringLiteral("--json"), QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("demo"),
                QStringLiteral("--method"), QStringLiteral("dense"), QStringLiteral("--model"), m_model,
                QStringLiteral("--adapter"), adapter, QStringLiteral("--workspace"), ws()});
    QVERIFY2(ev.exitCode == 0, ev.err.constData());
    QCOMPARE(QJsonDocument::fromJson(ev.out).object().value(QStringLiteral("adapter")).toString(), adapter);
    // --adapter without --model is a usage error.
    const auto bad =
        runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("demo"), QStringLiteral("--method"),
                QStringLiteral("bm25"), QStringLiteral("--adapter"), adapter, QStringLiteral("--workspace"), ws()});
    QCOMPARE(bad.exitCode, 2);
}

void TestCliTrain::datasetImportJsonl()
{
    const QString path = m_dir.filePath(QStringLiteral("labelled.jsonl"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        "{\"query\": \"heat pump winter\", \"pos\": [\"Heat pumps work in winter.\"], \"neg\": [\"Solar at noon.\"]}\n"
        "{\"query\": \"broken line\"\n");
    f.close();
    const auto bad = runCli({QStringLiteral("dataset"), QStringLiteral("import"), QStringLiteral("--workspace"), ws(),
                             QStringLiteral("--jsonl"), path, QStringLiteral("--name"), QStringLiteral("lab")});
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains("labelled.jsonl:2"), bad.err.constData());
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    for (int i = 0; i < 12; ++i)
        f.write(QStringLiteral("{\"anchor\": \"query %1\", \"positive\": \"document %1 about topic %1\"}\n")
                    .arg(i)
                    .toUtf8());
    f.close();
    const auto ok =
        runCli({QStringLiteral("--json"), QStringLiteral("dataset"), QStringLiteral("import"),
                QStringLiteral("--workspace"), ws(), QStringLiteral("--jsonl"), path, QStringLiteral("--name"),
                QStringLiteral("lab"), QStringLiteral("--ratio"), QStringLiteral("0.5"),
                QStringLiteral("--instruction"), QStringLiteral("Find the document")});
    QVERIFY2(ok.exitCode == 0, ok.err.constData());
    QCOMPARE(QJsonDocument::fromJson(ok.out).object().value(QStringLiteral("examples")).toInt(), 12);
    // --datasets lab trains on that dataset alone.
    const auto r = runCli(trainArgs({QStringLiteral("--datasets"), QStringLiteral("lab"), QStringLiteral("--steps"),
                                     QStringLiteral("1"), QStringLiteral("--heldout-fraction"), QStringLiteral("0")}));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const auto list = runCli({QStringLiteral("--json"), QStringLiteral("runs"), QStringLiteral("list"),
                              QStringLiteral("--workspace"), ws()});
    const QJsonArray runs = QJsonDocument::fromJson(list.out).object().value(QStringLiteral("runs")).toArray();
    const QJsonObject last = runs.last().toObject();
    QCOMPARE(last.value(QStringLiteral("examples")).toInt(), 12);
    const QJsonArray sources =
        last.value(QStringLiteral("config")).toObject().value(QStringLiteral("sources")).toArray();
    QCOMPARE(sources.size(), 1);
    QCOMPARE(sources.at(0).toObject().value(QStringLiteral("ratio")).toDouble(), 0.5);
}

void TestCliTrain::usageErrors()
{
    QCOMPARE(runCli({QStringLiteral("train"), QStringLiteral("--workspace"), ws()}).exitCode, 2); // no --model
    QCOMPARE(runCli(trainArgs({QStringLiteral("--batch"), QStringLiteral("many")})).exitCode, 2);
    QCOMPARE(runCli(trainArgs({QStringLiteral("--mode"), QStringLiteral("qlora")})).exitCode, 2);
    const auto mine = runCli(trainArgs({QStringLiteral("--mine-corpus"), QStringLiteral("demo")}));
    QCOMPARE(mine.exitCode, 2); // a pool without --mine-negatives would silently do nothing
    QVERIFY2(mine.err.contains("--mine-corpus needs --mine-negatives"), mine.err.constData());
    const auto range = runCli(trainArgs({QStringLiteral("--mine-negatives"), QStringLiteral("65")}));
    QCOMPARE(range.exitCode, 2);
    QVERIFY2(range.err.contains("--mine-negatives"), range.err.constData());
    const auto r = runCli({QStringLiteral("train"), QStringLiteral("--workspace"), ws(), QStringLiteral("--resume"),
                           QStringLiteral("1"), QStringLiteral("--steps"), QStringLiteral("3")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--steps cannot be combined with --resume"), r.err.constData());
    QCOMPARE(runCli({QStringLiteral("export"), QStringLiteral("--workspace"), ws(), QStringLiteral("--run"),
                     QStringLiteral("1"), QStringLiteral("--format"), QStringLiteral("onnx"), QStringLiteral("--out"),
                     m_dir.filePath(QStringLiteral("x"))})
                 .exitCode,
             2);
    QCOMPARE(runCli({QStringLiteral("export"), QStringLiteral("--workspace"), ws(), QStringLiteral("--run"),
                     QStringLiteral("99"), QStringLiteral("--format"), QStringLiteral("peft"), QStringLiteral("--out"),
                     m_dir.filePath(QStringLiteral("x"))})
                 .exitCode,
             1);
}

QTEST_GUILESS_MAIN(TestCliTrain)
#include "tst_cli_train.moc"
