// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli model info on a small Hugging Face folder written by the test.
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
};

void TestCliModel::infoReportsFamilySizesParametersTokenizer()
{
    QTemporaryDir dir;
    QFile cfg(dir.filePath(QStringLiteral("config.json")));
    QVERIFY(cfg.open(QIODevice::WriteOnly));
    cfg.write(
        R"({"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 8, "intermediate_size": 16,
                      "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 151936,
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

QTEST_GUILESS_MAIN(TestCliModel)
#include "tst_cli_model.moc"
