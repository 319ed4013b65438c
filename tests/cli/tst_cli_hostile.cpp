// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 15: hostile input never hangs, crashes or exhausts memory. Each case runs embedforge-cli
// as a measured child (tests/common/testutil.h: RLIMIT_AS 4 GiB as a safety net, peak RSS from
// wait4) and checks that it ends within 5 s, with the exit code and a message naming the file
// and field, and with a peak RSS under 1 GiB. Before the fixes these hung, took 2.5-22 GB,
// crashed or printed "std::bad_alloc".
#include <limits>

#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "tests/common/testutil.h"

using ef::test::BoundedResult;
using ef::test::runCli;
using ef::test::runCliBounded;
using ef::test::writeFile;

namespace {

constexpr qint64 kMaxMs = 5000;
constexpr qint64 kMaxRssKiB = 1 << 20; // 1 GiB

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// tokenizer.json of the tiny model with one component replaced by `component` (JSON text).
QByteArray withComponent(const QByteArray &tokenizer, const char *field, const QByteArray &component)
{
    QJsonObject o = QJsonDocument::fromJson(tokenizer).object();
    o.insert(QString::fromLatin1(field), QStringLiteral("@@"));
    QByteArray text = QJsonDocument(o).toJson(QJsonDocument::Compact);
    text.replace("\"@@\"", component);
    return text;
}

QByteArray nestedSequence(const char *listKey, const QByteArray &leaf, int levels)
{
    return QByteArray("{\"type\":\"Sequence\",\"").append(listKey).append("\":[").repeated(levels) + leaf +
           QByteArray("]}").repeated(levels);
}

// A copy of the tiny model folder at dir/name.
QString copyModel(const QString &from, const QString &dir, const QString &name)
{
    const QString to = QDir(dir).filePath(name);
    QDir().mkpath(to);
    for (const QString &f : QDir(from).entryList(QDir::Files))
        QFile::copy(QDir(from).filePath(f), QDir(to).filePath(f));
    return to;
}

// Rows per table of a workspace (workspace info --json).
QJsonObject tableRows(const QString &ws)
{
    const auto info = runCli({QStringLiteral("workspace"), QStringLiteral("info"), ws, QStringLiteral("--json")});
    return QJsonDocument::fromJson(info.out).object().value(QStringLiteral("tables")).toObject();
}

} // namespace

class TestCliHostile final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void failsFastNamingTheInput_data();
    void failsFastNamingTheInput();
    void longQueriesAreCutWithAWarning_data();
    void longQueriesAreCutWithAWarning();
    void nonFiniteEmbeddingsAreErrors();

private:
    QTemporaryDir m_dir;
    QString m_model;
    QString m_ws;
};

void TestCliHostile::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_model = m_dir.filePath(QStringLiteral("tiny"));
    const auto made = runCli({QStringLiteral("model"), QStringLiteral("make-tiny"), QStringLiteral("--family"),
                              QStringLiteral("llama"), QStringLiteral("--out"), m_model});
    QVERIFY2(made.exitCode == 0, made.err.constData());
    const QByteArray tokenizer = readAll(m_model + QStringLiteral("/tokenizer.json"));
    QVERIFY(!tokenizer.isEmpty());
    const QString d = m_dir.path();

    // Sequences nested 200,000 deep (22 GB and no end before), in a file and in a model folder.
    const QByteArray deepNorm =
        withComponent(tokenizer, "normalizer", nestedSequence("normalizers", R"({"type":"Lowercase"})", 200000));
    writeFile(d + QStringLiteral("/deep-normalizer.json"), deepNorm);
    writeFile(
        d + QStringLiteral("/deep-pretokenizer.json"),
        withComponent(tokenizer, "pre_tokenizer", nestedSequence("pretokenizers", R"({"type":"ByteLevel"})", 200000)));
    writeFile(copyModel(m_model, d, QStringLiteral("deep-model")) + QStringLiteral("/tokenizer.json"),
              withComponent(tokenizer, "normalizer", nestedSequence("normalizers", R"({"type":"Lowercase"})", 20000)));
    // Padding to 300 million tokens, and a Replace chain that grows 8^16 times.
    writeFile(
        d + QStringLiteral("/padding.json"),
        withComponent(
            tokenizer, "padding",
            R"({"strategy":{"Fixed":300000000},"direction":"Right","pad_id":278,"pad_type_id":0,"pad_token":"<pad>"})"));
    QByteArray replaces;
    for (int i = 0; i < 16; ++i)
        replaces += QByteArray(i ? "," : "") + R"({"type":"Replace","pattern":{"String":"a"},"content":"aaaaaaaa"})";
    writeFile(d + QStringLiteral("/replace.json"),
              withComponent(tokenizer, "normalizer", R"({"type":"Sequence","normalizers":[)" + replaces + "]}"));
    // FIFOs in place of the weights and of a corpus; a folder whose config and weights disagree.
    const QString fifoModel = copyModel(m_model, d, QStringLiteral("fifo-model"));
    QFile::remove(fifoModel + QStringLiteral("/model.safetensors"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifoModel + QStringLiteral("/model.safetensors")).constData(), 0600), 0);
    QCOMPARE(::mkfifo(QFile::encodeName(d + QStringLiteral("/corpus-fifo.jsonl")).constData(), 0600), 0);
    QDir().mkpath(d + QStringLiteral("/beir-fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(d + QStringLiteral("/beir-fifo/corpus.jsonl")).constData(), 0600), 0);
    QCOMPARE(::mkfifo(QFile::encodeName(d + QStringLiteral("/templates-fifo.json")).constData(), 0600), 0);
    const QByteArray config = readAll(m_model + QStringLiteral("/config.json"));
    for (const char *layers : {"100000000", "1000000000000", "40"}) {
        const QString dir = copyModel(m_model, d, QStringLiteral("layers-%1").arg(QLatin1String(layers)));
        QByteArray c = config;
        c.replace(QByteArray("\"num_hidden_layers\": 2"), QByteArray(QByteArray("\"num_hidden_layers\": ") + layers));
        QVERIFY(c != config);
        writeFile(dir + QStringLiteral("/config.json"), c);
    }

    m_ws = d + QStringLiteral("/ws.efws");
    QCOMPARE(runCli({QStringLiteral("workspace"), QStringLiteral("init"), m_ws}).exitCode, 0);
}

void TestCliHostile::failsFastNamingTheInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("message"); // the whole of stderr's last line
    const QString d = m_dir.path();
    const QString tok = QStringLiteral("tokenize"), tokArg = QStringLiteral("--tokenizer");
    const QString deepMessage = QStringLiteral("embedforge-cli: tokenize: %1: JSON nested deeper than 64 levels at %2");
    QTest::newRow("tokenize: normalizers 200,000 deep")
        << QStringList{tok, tokArg, d + QStringLiteral("/deep-normalizer.json")} << QByteArray("hello\n")
        << deepMessage.arg(d + QStringLiteral("/deep-normalizer.json"),
                           QStringLiteral("normalizer.normalizers[0].normalizers[0].normalizers... (byte "));
    QTest::newRow("tokenize: pre-tokenizers 200,000 deep")
        << QStringList{tok, tokArg, d + QStringLiteral("/deep-pretokenizer.json")} << QByteArray("hello\n")
        << deepMessage.arg(d + QStringLiteral("/deep-pretokenizer.json"),
                           QStringLiteral("pre_tokenizer.pretokenizers[0].pretokenizers[0].pretokenizers... (byte "));
    QTest::newRow("model info: normalizers 20,000 deep")
        << QStringList{QStringLiteral("model"), QStringLiteral("info"), d + QStringLiteral("/deep-model")}
        << QByteArray()
        << QStringLiteral(
               "embedforge-cli: model info: %1/deep-model/tokenizer.json: JSON nested deeper than 64 levels at "
               "normalizer.normalizers[0]")
               .arg(d);
    QTest::newRow("tokenize: Fixed padding of 300,000,000")
        << QStringList{tok, tokArg, d + QStringLiteral("/padding.json")} << QByteArray("hello\n")
        << QStringLiteral("embedforge-cli: tokenize: %1/padding.json: padding.strategy.Fixed: 300000000 tokens is more "
                          "than 1048576 (EmbedForge's limit)")
               .arg(d);
    QTest::newRow("tokenize: Replace growing 8x per pass")
        << QStringList{tok, tokArg, d + QStringLiteral("/replace.json")} << QByteArray("a cat\n")
        << QStringLiteral(
               "embedforge-cli: tokenize: line 1: %1/replace.json: normalizer(Sequence).normalizers[6](Replace): "
               "the normalized text grew beyond 1048656 bytes (16 times the input of 5 bytes, plus 1 MiB); "
               "refusing a tokenizer that expands text without bound")
               .arg(d);
    const QString fifoWeights = d + QStringLiteral("/fifo-model/model.safetensors");
    QTest::newRow("model info: FIFO weights")
        << QStringList{QStringLiteral("model"), QStringLiteral("info"), d + QStringLiteral("/fifo-model")}
        << QByteArray()
        << QStringLiteral("embedforge-cli: model info: %1: is a named pipe (FIFO), not a regular file")
               .arg(fifoWeights);
    QTest::newRow("embed: FIFO weights")
        << QStringList{QStringLiteral("embed"), QStringLiteral("--model"), d + QStringLiteral("/fifo-model")}
        << QByteArray("hello\n")
        << QStringLiteral("embedforge-cli: embed: %1: is a named pipe (FIFO), not a regular file").arg(fifoWeights);
    QTest::newRow("corpus import: FIFO JSONL")
        << QStringList{QStringLiteral("corpus"),      QStringLiteral("import"),
                       QStringLiteral("--jsonl"),     d + QStringLiteral("/corpus-fifo.jsonl"),
                       QStringLiteral("--name"),      QStringLiteral("f"),
                       QStringLiteral("--workspace"), m_ws}
        << QByteArray()
        << QStringLiteral(
               "embedforge-cli: corpus import: '%1/corpus-fifo.jsonl' is a named pipe (FIFO), not a regular file")
               .arg(d);
    QTest::newRow("corpus import: FIFO in a BEIR folder")
        << QStringList{QStringLiteral("corpus"),      QStringLiteral("import"),
                       QStringLiteral("--beir"),      d + QStringLiteral("/beir-fifo"),
                       QStringLiteral("--name"),      QStringLiteral("f"),
                       QStringLiteral("--workspace"), m_ws}
        << QByteArray()
        << QStringLiteral(
               "embedforge-cli: corpus import: '%1/beir-fifo/corpus.jsonl' is a named pipe (FIFO), not a regular file")
               .arg(d);
    QTest::newRow("templates import: FIFO")
        << QStringList{QStringLiteral("templates"), QStringLiteral("import"),
                       d + QStringLiteral("/templates-fifo.json"), QStringLiteral("--workspace"), m_ws}
        << QByteArray()
        << QStringLiteral(
               "embedforge-cli: templates import: '%1/templates-fifo.json' is a named pipe (FIFO), not a regular file")
               .arg(d);
    for (const char *layers : {"100000000", "1000000000000"})
        QTest::addRow("embed: num_hidden_layers %s", layers)
            << QStringList{QStringLiteral("embed"), QStringLiteral("--model"),
                           d + QStringLiteral("/layers-%1").arg(QLatin1String(layers))}
            << QByteArray("hello\n")
            << QStringLiteral(
                   "embedforge-cli: embed: %1/layers-%2/config.json: num_hidden_layers: must be at most 1024, "
                   "not %2 (larger than any model EmbedForge can run)")
                   .arg(d, QLatin1String(layers));
    QTest::newRow("model info: 40 layers, 2 in the weights")
        << QStringList{QStringLiteral("model"), QStringLiteral("info"), d + QStringLiteral("/layers-40")}
        << QByteArray()
        << QStringLiteral("embedforge-cli: model info: %1/layers-40/config.json: num_hidden_layers: is 40, but the "
                          "checkpoint holds layers 0 to 1 only")
               .arg(d);
    // A 32 MiB line on stdin: read with a bounded buffer (it was rescanned for each 64 KiB read).
    QTest::newRow("tokenize: a 32 MiB line")
        << QStringList{tok, tokArg, m_model + QStringLiteral("/tokenizer.json")} << QByteArray(32 << 20, 'a')
        << QStringLiteral("embedforge-cli: tokenize: stdin:1: the line is longer than 8 MiB, the most a line may hold");
    // dump() of a deeply nested id list recursed once per level (a stack overflow).
    QTest::newRow("embed --ids: nested arrays")
        << QStringList{QStringLiteral("embed"), QStringLiteral("--model"), m_model, QStringLiteral("--ids")}
        << QByteArray(QByteArray("[").repeated(300000) + QByteArray("]").repeated(300000) + "\n")
        << QStringLiteral("embedforge-cli: embed: line 1: token ids must be integers, got array");
}

void TestCliHostile::failsFastNamingTheInput()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    QFETCH(QString, message);
    const BoundedResult r = runCliBounded(args, input);
    const QString err = QString::fromUtf8(r.err).trimmed();
    qInfo("%lld ms, peak RSS %lld MiB, exit %d: %s", r.elapsedMs, r.peakRssKiB / 1024, r.exitCode,
          qPrintable(err.right(200)));
    QVERIFY2(!r.timedOut, "still running after 20 s");
    QVERIFY2(!r.crashed, qPrintable(err));
    QCOMPARE(r.exitCode, 1);
    const QString last = err.section(QLatin1Char('\n'), -1);
    QVERIFY2(last.startsWith(message), qPrintable(last));
    QVERIFY2(!err.contains(QLatin1String("bad_alloc")), qPrintable(err));
    QVERIFY2(r.elapsedMs < kMaxMs, qPrintable(QString::number(r.elapsedMs)));
    QVERIFY2(r.peakRssKiB < kMaxRssKiB, qPrintable(QString::number(r.peakRssKiB)));
}

// A one-megabyte query took 17 GB and a 40,000-character CJK query 2.2 GB: now they are cut to
// the documented limits, with a warning in the JSON output.
void TestCliHostile::longQueriesAreCutWithAWarning_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("warning");
    QByteArray words;
    for (int i = 0; words.size() < (1 << 20); ++i)
        words += "w" + QByteArray::number(i * 7919 % 100000) + ' ';
    QTest::newRow("one megabyte of words") << words << QStringLiteral("the query has more than 256 terms");
    QString cjk;
    for (int i = 0; i < 40000; ++i)
        cjk += QChar(0x4E00 + (i * 31) % 3000);
    QTest::newRow("40,000 CJK characters") << cjk.toUtf8() << QStringLiteral("the query has more than 256 terms");
}

void TestCliHostile::longQueriesAreCutWithAWarning()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, warning);
    // 3,000 documents that share the query's vocabulary, so every term has postings.
    const QString beir =
        m_dir.filePath(QStringLiteral("beir-%1").arg(QString::fromLatin1(QTest::currentDataTag()).left(3)));
    QByteArray corpus;
    for (int i = 0; i < 3000; ++i) {
        QByteArray text;
        for (int k = 0; k < 30; ++k)
            text += "w" + QByteArray::number((i * 131 + k * 7919) % 100000) + ' ';
        text += QString(QChar(0x4E00 + (i * 7) % 3000)).toUtf8() + QString(QChar(0x4E00 + (i * 11) % 3000)).toUtf8();
        corpus += "{\"_id\": \"d" + QByteArray::number(i) + "\", \"text\": \"" + text + "\"}\n";
    }
    writeFile(beir + QStringLiteral("/corpus.jsonl"), corpus);
    writeFile(beir + QStringLiteral("/queries.jsonl"),
              "{\"_id\": \"q1\", \"text\": \"" + query + "\"}\n{\"_id\": \"q2\", \"text\": \"w1 w2\"}\n");
    writeFile(beir + QStringLiteral("/qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n");
    const QString name = QFileInfo(beir).fileName();
    const auto imported = runCli({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--beir"), beir,
                                  QStringLiteral("--name"), name, QStringLiteral("--workspace"), m_ws});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());

    const BoundedResult r =
        runCliBounded({QStringLiteral("eval"), QStringLiteral("--corpus"), name, QStringLiteral("--method"),
                       QStringLiteral("bm25"), QStringLiteral("--json"), QStringLiteral("--workspace"), m_ws});
    qInfo("eval: %lld ms, peak RSS %lld MiB, exit %d", r.elapsedMs, r.peakRssKiB / 1024, r.exitCode);
    QVERIFY2(r.exitCode == 0 && !r.crashed, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("queries")).toInt(), 2);
    QCOMPARE(o.value(QStringLiteral("queries_truncated")).toInt(), 1);
    QVERIFY2(o.value(QStringLiteral("warnings"))
                 .toArray()
                 .at(0)
                 .toString()
                 .startsWith(QLatin1String("queries longer than the query limits")),
             r.out.constData());
    QVERIFY2(r.elapsedMs < kMaxMs, qPrintable(QString::number(r.elapsedMs)));
    QVERIFY2(r.peakRssKiB < kMaxRssKiB, qPrintable(QString::number(r.peakRssKiB)));

    // search: the query from the command line (100 KiB per argument at most), cut the same way.
    QStringList args{QStringLiteral("search"), QStringLiteral("--corpus"),    name,
                     QStringLiteral("--json"), QStringLiteral("--workspace"), m_ws,
                     QStringLiteral("--")};
    const QString text = QString::fromUtf8(query);
    for (qsizetype at = 0; at < text.size() && at < 400000; at += 30000)
        args << text.mid(at, 30000);
    const BoundedResult s = runCliBounded(args);
    qInfo("search: %lld ms, peak RSS %lld MiB, exit %d", s.elapsedMs, s.peakRssKiB / 1024, s.exitCode);
    QVERIFY2(s.exitCode == 0 && !s.crashed, s.err.constData());
    const QJsonArray warnings = QJsonDocument::fromJson(s.out).object().value(QStringLiteral("warnings")).toArray();
    QVERIFY2(warnings.at(0).toString().startsWith(QLatin1String("the query is longer than 16384 bytes")),
             s.out.left(300).constData());
    QVERIFY2(warnings.at(1).toString().startsWith(warning), s.out.left(300).constData());
    QVERIFY2(s.elapsedMs < kMaxMs, qPrintable(QString::number(s.elapsedMs)));
    QVERIFY2(s.peakRssKiB < kMaxRssKiB, qPrintable(QString::number(s.peakRssKiB)));
}

// Issue 16.3: a model with NaN weights gives no embedding: `embed` fails naming the model (it
// printed "nan", which is not JSON), `corpus embed` stores no vector, `eval` records nothing.
void TestCliHostile::nonFiniteEmbeddingsAreErrors()
{
    const QString model = copyModel(m_model, m_dir.path(), QStringLiteral("nan-model"));
    QFile f(model + QStringLiteral("/model.safetensors"));
    QVERIFY(f.open(QIODevice::ReadWrite));
    const QByteArray head = f.read(8);
    quint64 headerLength = 0;
    for (int i = 7; i >= 0; --i)
        headerLength = (headerLength << 8) | quint8(head[i]);
    const QJsonObject header = QJsonDocument::fromJson(f.read(qint64(headerLength))).object();
    const QJsonObject norm = header.value(QStringLiteral("model.norm.weight")).toObject();
    QCOMPARE(norm.value(QStringLiteral("dtype")).toString(), QStringLiteral("F32"));
    const QJsonArray offsets = norm.value(QStringLiteral("data_offsets")).toArray();
    const qint64 begin = 8 + qint64(headerLength) + offsets.at(0).toInteger();
    const qint64 bytes = offsets.at(1).toInteger() - offsets.at(0).toInteger();
    QVERIFY(bytes > 0 && f.seek(begin));
    QByteArray nans;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (qint64 i = 0; i < bytes / 4; ++i)
        nans.append(reinterpret_cast<const char *>(&nan), 4);
    QCOMPARE(f.write(nans), bytes);
    f.close();

    const auto embedded = runCli({QStringLiteral("embed"), QStringLiteral("--model"), model}, "hello\nworld\n");
    QCOMPARE(embedded.exitCode, 1);
    QVERIFY2(embedded.err.contains("non-finite embedding") && embedded.err.contains(model.toUtf8()),
             embedded.err.constData());
    QVERIFY2(!embedded.out.toLower().contains("nan"), embedded.out.left(200).constData());

    const QString beir = m_dir.filePath(QStringLiteral("beir-nan"));
    writeFile(beir + QStringLiteral("/corpus.jsonl"),
              "{\"_id\": \"d1\", \"text\": \"a heat pump\"}\n{\"_id\": \"d2\", \"text\": \"a tap\"}\n");
    writeFile(beir + QStringLiteral("/queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"heat pump\"}\n");
    writeFile(beir + QStringLiteral("/qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
    QCOMPARE(runCli({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--beir"), beir,
                     QStringLiteral("--name"), QStringLiteral("nan"), QStringLiteral("--workspace"), m_ws})
                 .exitCode,
             0);
    const QJsonObject before = tableRows(m_ws);
    const auto corpusEmbed =
        runCli({QStringLiteral("corpus"), QStringLiteral("embed"), QStringLiteral("--corpus"), QStringLiteral("nan"),
                QStringLiteral("--model"), model, QStringLiteral("--workspace"), m_ws});
    QCOMPARE(corpusEmbed.exitCode, 1);
    QVERIFY2(corpusEmbed.err.contains("non-finite embedding"), corpusEmbed.err.constData());
    const auto eval = runCli({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("nan"),
                              QStringLiteral("--method"), QStringLiteral("dense"), QStringLiteral("--model"), model,
                              QStringLiteral("--json"), QStringLiteral("--workspace"), m_ws});
    QCOMPARE(eval.exitCode, 1);
    QVERIFY2(eval.err.contains("partly embedded"), eval.err.constData()); // no vectors were kept to evaluate
    // Nothing non-finite was stored: no vector, no evaluation more than before.
    const QJsonObject after = tableRows(m_ws);
    QCOMPARE(after.value(QStringLiteral("doc_vectors")).toInteger(),
             before.value(QStringLiteral("doc_vectors")).toInteger());
    QCOMPARE(after.value(QStringLiteral("eval_results")).toInteger(),
             before.value(QStringLiteral("eval_results")).toInteger());
}

QTEST_GUILESS_MAIN(TestCliHostile)
#include "tst_cli_hostile.moc"
