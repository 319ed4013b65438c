// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli model info on a small Hugging Face folder written by the test.
#include <cmath>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "models/safetensors.h"
#include "tests/common/testutil.h"

using ef::test::runCli;

class TestCliModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void infoReportsFamilySizesParametersTokenizer();
    void makeTinyWritesAUsableFolder_data();
    void makeTinyWritesAUsableFolder();
    void embedTextAndIdsForms();
    void embedErrors();
};

void TestCliModel::infoReportsFamilySizesParametersTokenizer()
{
    QTemporaryDir dir;
    QFile cfg(dir.filePath(QStringLiteral("config.json")));
    QVERIFY(cfg.open(QIODevice::WriteOnly));
    cfg.write(
        R"({"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 8, "intermediate_size": 16,
                      "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 10,
                      "torch_dtype": "bfloat16"})");
    cfg.close();
    const std::vector<uint16_t> emb(10 * 8, 0x3f80), q(8 * 8, 0);
    ef::st::write(dir.filePath(QStringLiteral("model.safetensors")).toStdString(),
                  {{"model.embed_tokens.weight", ef::st::DType::BF16, {10, 8}, emb.data()},
                   {"model.layers.0.self_attn.q_proj.weight", ef::st::DType::BF16, {8, 8}, q.data()}});
    QVERIFY(QFile::copy(QStringLiteral(EMBEDFORGE_TEST_DATA_DIR "/tokenizers/qwen2_style/tokenizer.json"),
                        dir.filePath(QStringLiteral("tokenizer.json"))));
    const auto r = runCli({QStringLiteral("model"), QStringLiteral("info"), dir.path(), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("family")).toString(), QStringLiteral("qwen2"));
    QCOMPARE(o.value(QStringLiteral("parameters")).toInteger(), 144);
    QCOMPARE(o.value(QStringLiteral("dtype")).toString(), QStringLiteral("BF16"));
    QCOMPARE(o.value(QStringLiteral("kv_heads")).toInt(), 1);
    QCOMPARE(o.value(QStringLiteral("tokenizer")).toString(), QStringLiteral("bpe-byte-level"));
    const auto human = runCli({QStringLiteral("model"), QStringLiteral("info"), dir.path()});
    QCOMPARE(human.exitCode, 0);
    QVERIFY(human.out.contains("Parameters:  144 (BF16)"));

    // A broken config is an error naming the file and field; no weights is an error too.
    QVERIFY(cfg.open(QIODevice::WriteOnly | QIODevice::Truncate));
    cfg.write(R"({"model_type": "gemma"})");
    cfg.close();
    const auto bad = runCli({QStringLiteral("model"), QStringLiteral("info"), dir.path()});
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains("config.json: model_type: \"gemma\" is not supported"), bad.err.constData());
    const auto none = runCli(
        {QStringLiteral("model"), QStringLiteral("info"), QDir::temp().filePath(QStringLiteral("no-such-model"))});
    QCOMPARE(none.exitCode, 1);
}

void TestCliModel::makeTinyWritesAUsableFolder_data()
{
    QTest::addColumn<QString>("family");
    QTest::addColumn<qint64>("parameters");
    QTest::addColumn<bool>("bos");
    // embed + lm_head 2*320*64, per layer norms 128 + q/o 2*4096 + k/v 2*2048 + MLP 3*128*64, final norm 64
    QTest::newRow("llama") << QStringLiteral("llama") << qint64(115008) << true;
    QTest::newRow("mistral") << QStringLiteral("mistral") << qint64(115008) << true;
    QTest::newRow("qwen2") << QStringLiteral("qwen2") << qint64(115008 + 2 * (64 + 32 + 32)) << false; // q/k/v biases
}

void TestCliModel::makeTinyWritesAUsableFolder()
{
    QFETCH(QString, family);
    QFETCH(qint64, parameters);
    QFETCH(bool, bos);
    QTemporaryDir dir;
    const QString a = dir.filePath(QStringLiteral("a/deeper")), b = dir.filePath(QStringLiteral("b")),
                  c = dir.filePath(QStringLiteral("c"));
    QCOMPARE(runCli({QStringLiteral("model"), QStringLiteral("make-tiny"), QStringLiteral("--family"), family,
                     QStringLiteral("--out"), a, QStringLiteral("--seed"), QStringLiteral("7")})
                 .exitCode,
             0);
    const auto info = runCli({QStringLiteral("model"), QStringLiteral("info"), a, QStringLiteral("--json")});
    QVERIFY2(info.exitCode == 0, info.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(info.out).object();
    QCOMPARE(o.value(QStringLiteral("family")).toString(), family);
    QCOMPARE(o.value(QStringLiteral("parameters")).toInteger(), parameters);
    QCOMPARE(o.value(QStringLiteral("tokenizer")).toString(), QStringLiteral("bpe-byte-level"));

    // The tokenizer is a real byte-level BPE: merges apply, and Llama-style models add <s>.
    const auto tok =
        runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), a + QStringLiteral("/tokenizer.json")},
               "the weather\n");
    QCOMPARE(tok.exitCode, 0);
    const QJsonObject t = QJsonDocument::fromJson(tok.out).object();
    QCOMPARE(t.value(QStringLiteral("tokens")).toArray().first().toString() == QStringLiteral("<s>"), bos);
    QVERIFY(t.value(QStringLiteral("tokens")).toArray().contains(QStringLiteral("he")));

    // Same seed, same bytes; another seed, other weights.
    runCli({QStringLiteral("model"), QStringLiteral("make-tiny"), QStringLiteral("--family"), family,
            QStringLiteral("--out"), b, QStringLiteral("--seed"), QStringLiteral("7")});
    runCli({QStringLiteral("model"), QStringLiteral("make-tiny"), QStringLiteral("--family"), family,
            QStringLiteral("--out"), c, QStringLiteral("--seed"), QStringLiteral("8")});
    QCOMPARE(ef::test::fileHash(a + QStringLiteral("/model.safetensors")),
             ef::test::fileHash(b + QStringLiteral("/model.safetensors")));
    QVERIFY(ef::test::fileHash(a + QStringLiteral("/model.safetensors")) !=
            ef::test::fileHash(c + QStringLiteral("/model.safetensors")));
    QCOMPARE(runCli({QStringLiteral("model"), QStringLiteral("make-tiny"), QStringLiteral("--family"),
                     QStringLiteral("gpt2"), QStringLiteral("--out"), c})
                 .exitCode,
             2);
}

namespace {

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : out.split('\n'))
        if (!line.isEmpty())
            objects << QJsonDocument::fromJson(line).object();
    return objects;
}

double maxDiff(const QJsonArray &a, const QJsonArray &b)
{
    if (a.size() != b.size())
        return 1e9;
    double m = 0;
    for (int i = 0; i < a.size(); ++i)
        m = std::max(m, std::abs(a[i].toDouble() - b[i].toDouble()));
    return m;
}

} // namespace

void TestCliModel::embedTextAndIdsForms()
{
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("m"));
    QCOMPARE(runCli({QStringLiteral("model"), QStringLiteral("make-tiny"), QStringLiteral("--family"),
                     QStringLiteral("llama"), QStringLiteral("--out"), model})
                 .exitCode,
             0);
    // Text form: one object per input line, in order, unit vectors; spaces kept, empty lines embedded.
    const QByteArray texts = "hello world\n  padded text  \n\n\xe4\xb8\xad\xe6\x96\x87\nhello world";
    const auto r = runCli(
        {QStringLiteral("embed"), QStringLiteral("--model"), model, QStringLiteral("--batch"), QStringLiteral("2")},
        texts);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QList<QJsonObject> rows = jsonLines(r.out);
    QCOMPARE(rows.size(), 5);
    for (const QJsonObject &o : rows) {
        const QJsonArray e = o.value(QStringLiteral("embedding")).toArray();
        QCOMPARE(e.size(), 64);
        double norm = 0;
        for (const auto &v : e)
            norm += v.toDouble() * v.toDouble();
        QVERIFY(std::abs(norm - 1.0) < 1e-5);
    }
    QVERIFY(maxDiff(rows[0].value(QStringLiteral("embedding")).toArray(),
                    rows[4].value(QStringLiteral("embedding")).toArray()) < 1e-6);
    QVERIFY(maxDiff(rows[0].value(QStringLiteral("embedding")).toArray(),
                    rows[1].value(QStringLiteral("embedding")).toArray()) > 1e-4);
    // An instruction changes the embedding (queries are "Instruct: ...\nQuery: ...").
    const auto withInstr =
        runCli({QStringLiteral("embed"), QStringLiteral("--model"), model, QStringLiteral("--instruction"),
                QStringLiteral("Retrieve semantically similar text.")},
               "hello world\n");
    QVERIFY(maxDiff(jsonLines(withInstr.out).value(0).value(QStringLiteral("embedding")).toArray(),
                    rows[0].value(QStringLiteral("embedding")).toArray()) > 1e-4);

    // --ids: exactly the given ids; pooled equals the normalised last row of hidden, whatever the
    // padding side and batch size.
    const QByteArray ids = "[276, 10, 20, 30]\n[5]\n[276, 7, 8, 9, 10, 11, 12, 13, 14, 15]\n";
    QList<QJsonObject> reference;
    for (const QStringList &extra : {QStringList{QStringLiteral("--batch"), QStringLiteral("1")},
                                     QStringList{QStringLiteral("--padding-side"), QStringLiteral("left"),
                                                 QStringLiteral("--batch"), QStringLiteral("3")},
                                     QStringList{QStringLiteral("--padding-side"), QStringLiteral("right"),
                                                 QStringLiteral("--batch"), QStringLiteral("3")}}) {
        const auto out = runCli(QStringList{QStringLiteral("embed"), QStringLiteral("--model"), model,
                                            QStringLiteral("--ids"), QStringLiteral("--hidden-states")} +
                                    extra,
                                ids);
        QVERIFY2(out.exitCode == 0, out.err.constData());
        const QList<QJsonObject> objs = jsonLines(out.out);
        QCOMPARE(objs.size(), 3);
        QCOMPARE(objs[0].value(QStringLiteral("hidden")).toArray().size(), 4);
        QCOMPARE(objs[1].value(QStringLiteral("hidden")).toArray().size(), 1);
        QCOMPARE(objs[2].value(QStringLiteral("hidden")).toArray().size(), 10);
        if (reference.isEmpty()) {
            reference = objs;
            continue;
        }
        for (int i = 0; i < 3; ++i) {
            QVERIFY(maxDiff(objs[i].value(QStringLiteral("pooled")).toArray(),
                            reference[i].value(QStringLiteral("pooled")).toArray()) < 1e-5);
            const QJsonArray h = objs[i].value(QStringLiteral("hidden")).toArray(),
                             hr = reference[i].value(QStringLiteral("hidden")).toArray();
            for (int t = 0; t < h.size(); ++t)
                QVERIFY(maxDiff(h[t].toArray(), hr[t].toArray()) < 1e-5);
        }
    }
    const QJsonArray last = reference[0].value(QStringLiteral("hidden")).toArray().last().toArray();
    double norm = 0;
    for (const auto &v : last)
        norm += v.toDouble() * v.toDouble();
    QJsonArray normalised;
    for (const auto &v : last)
        normalised.append(v.toDouble() / std::sqrt(norm));
    QVERIFY(maxDiff(normalised, reference[0].value(QStringLiteral("pooled")).toArray()) < 1e-6);
    // Without --hidden-states only pooled is written.
    const auto plain =
        runCli({QStringLiteral("embed"), QStringLiteral("--model"), model, QStringLiteral("--ids")}, "[1,2]\n");
    QCOMPARE(jsonLines(plain.out).value(0).keys(), QStringList{QStringLiteral("pooled")});
    // The text form equals --ids on the ids the embedder builds: <s> text </s>.
    const auto tok =
        runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), model + QStringLiteral("/tokenizer.json")},
               "hello world\n");
    QJsonArray tokIds = jsonLines(tok.out).value(0).value(QStringLiteral("ids")).toArray();
    tokIds.append(277); // </s>
    const auto viaIds = runCli({QStringLiteral("embed"), QStringLiteral("--model"), model, QStringLiteral("--ids")},
                               QJsonDocument(tokIds).toJson(QJsonDocument::Compact) + "\n");
    QVERIFY(maxDiff(jsonLines(viaIds.out).value(0).value(QStringLiteral("pooled")).toArray(),
                    rows[0].value(QStringLiteral("embedding")).toArray()) < 1e-5);
}

void TestCliModel::embedErrors()
{
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("m"));
    runCli({QStringLiteral("model"), QStringLiteral("make-tiny"), QStringLiteral("--family"), QStringLiteral("qwen2"),
            QStringLiteral("--out"), model});
    const auto noModel = runCli({QStringLiteral("embed")}, "x\n");
    QCOMPARE(noModel.exitCode, 2);
    const auto badSide = runCli({QStringLiteral("embed"), QStringLiteral("--model"), model, QStringLiteral("--ids"),
                                 QStringLiteral("--padding-side"), QStringLiteral("middle")},
                                "[1]\n");
    QCOMPARE(badSide.exitCode, 2);
    const auto sideWithoutIds = runCli({QStringLiteral("embed"), QStringLiteral("--model"), model,
                                        QStringLiteral("--padding-side"), QStringLiteral("left")},
                                       "x\n");
    QCOMPARE(sideWithoutIds.exitCode, 2);
    const auto badJson =
        runCli({QStringLiteral("embed"), QStringLiteral("--model"), model, QStringLiteral("--ids")}, "[1,2]\n[1,\n");
    QCOMPARE(badJson.exitCode, 1);
    QVERIFY2(badJson.err.contains("line 2"), badJson.err.constData());
    QCOMPARE(jsonLines(badJson.out).size(), 1); // the good line before it was written
    const auto oov =
        runCli({QStringLiteral("embed"), QStringLiteral("--model"), model, QStringLiteral("--ids")}, "[1, 99999]\n");
    QCOMPARE(oov.exitCode, 1);
    QVERIFY2(oov.err.contains("99999") && oov.err.contains("line 1"), oov.err.constData());
    const auto badUtf8 = runCli({QStringLiteral("embed"), QStringLiteral("--model"), model}, "ok\n\xff\xfe\n");
    QCOMPARE(badUtf8.exitCode, 1);
    QVERIFY(badUtf8.err.contains("line 2"));
    const auto missing =
        runCli({QStringLiteral("embed"), QStringLiteral("--model"), dir.filePath(QStringLiteral("nothing"))}, "x\n");
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains("nothing"));
    const auto cuda = runCli(
        {QStringLiteral("embed"), QStringLiteral("--model"), model, QStringLiteral("--device"), QStringLiteral("cuda")},
        "x\n");
    if (cuda.exitCode != 0) // no GPU here: a clear error, not a crash
        QVERIFY2(cuda.exitCode == 1 && cuda.err.contains("cuda"), cuda.err.constData());
}

QTEST_GUILESS_MAIN(TestCliModel)
#include "tst_cli_model.moc"
