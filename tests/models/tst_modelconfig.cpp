// SPDX-License-Identifier: GPL-3.0-or-later
// config.json for llama / mistral / qwen2: fields, defaults, and clear errors for anything the
// decoder does not implement.
#include <sys/stat.h>

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "models/modelconfig.h"
#include "models/safetensors.h"

using namespace ef::models;

class TestModelConfig final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mistral();
    void qwen2();
    void llama3WithRopeScalingAndHeadDim();
    void errorsNameTheField_data();
    void errorsNameTheField();
    void hostileValuesNameTheField_data();
    void hostileValuesNameTheField();
    void onlyRegularFiles();
    void sizesAgainstWeights_data();
    void sizesAgainstWeights();
};

void TestModelConfig::mistral()
{
    const ModelConfig c = ModelConfig::fromJson(R"({"architectures": ["MistralForCausalLM"], "model_type": "mistral",
        "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
        "num_key_value_heads": 8, "vocab_size": 32000, "max_position_embeddings": 32768, "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0, "sliding_window": 4096, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 2,
        "hidden_act": "silu", "tie_word_embeddings": false, "torch_dtype": "bfloat16"})",
                                                "config.json");
    QCOMPARE(c.family, Family::Mistral);
    QCOMPARE(c.architecture, std::string("MistralForCausalLM"));
    QCOMPARE(c.headDim, int64_t(128));
    QCOMPARE(c.numKvHeads, int64_t(8));
    QCOMPARE(c.slidingWindow.value_or(0), int64_t(4096));
    QCOMPARE(c.eosTokenIds, std::vector<int64_t>{2});
    QCOMPARE(c.padTokenId.value_or(-1), int64_t(2));
    QCOMPARE(c.rmsNormEps, 1e-5);
    QVERIFY(!c.attentionBias);
    QCOMPARE(c.torchDtype, std::string("bfloat16"));
}

void TestModelConfig::qwen2()
{
    const ModelConfig c =
        ModelConfig::fromJson(R"({"model_type": "qwen2", "hidden_size": 1536, "intermediate_size": 8960,
        "num_hidden_layers": 28, "num_attention_heads": 12, "num_key_value_heads": 2, "vocab_size": 151936,
        "rope_theta": 1000000.0, "use_sliding_window": false, "sliding_window": 131072, "max_window_layers": 21,
        "tie_word_embeddings": true, "eos_token_id": 151643, "bos_token_id": 151643})",
                              "config.json");
    QCOMPARE(c.family, Family::Qwen2);
    QVERIFY(c.attentionBias);
    QVERIFY(!c.slidingWindow); // use_sliding_window false: the window is off
    QVERIFY(c.tieWordEmbeddings);
    QCOMPARE(c.ropeTheta, 1e6);
    QCOMPARE(c.headDim, int64_t(128));
    const ModelConfig w = ModelConfig::fromJson(R"({"model_type": "qwen2", "hidden_size": 64, "intermediate_size": 128,
        "num_hidden_layers": 4, "num_attention_heads": 4, "vocab_size": 100, "use_sliding_window": true, "sliding_window": 8,
        "max_window_layers": 2})",
                                                "w.json");
    QCOMPARE(w.slidingWindow.value_or(0), int64_t(8));
    QCOMPARE(w.maxWindowLayers, int64_t(2));
}

void TestModelConfig::llama3WithRopeScalingAndHeadDim()
{
    const ModelConfig c =
        ModelConfig::fromJson(R"({"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
        "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
        "head_dim": 128, "rope_theta": 500000.0, "eos_token_id": [128001, 128008, 128009], "attention_bias": false,
        "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                         "original_max_position_embeddings": 8192}})",
                              "config.json");
    QCOMPARE(c.ropeScaling.type, std::string("llama3"));
    QCOMPARE(c.ropeScaling.factor, 8.0);
    QCOMPARE(c.ropeScaling.originalMaxPositions, int64_t(8192));
    QCOMPARE(c.eosTokenIds.size(), size_t(3));
    for (const char *type : {"linear", "dynamic"}) {
        const ModelConfig s =
            ModelConfig::fromJson(std::string(R"({"model_type": "llama", "hidden_size": 64, "intermediate_size": 128,
            "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 100, "rope_scaling": {"type": ")") +
                                      type + R"(", "factor": 2.0}})",
                                  "c.json");
        QCOMPARE(s.ropeScaling.type, std::string(type));
        QCOMPARE(s.ropeScaling.factor, 2.0);
    }
}

void TestModelConfig::errorsNameTheField_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    const QString base = QStringLiteral(
        R"("hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 100)");
    QTest::newRow("unknown model_type") << QStringLiteral(R"({"model_type": "gemma2", %1})").arg(base)
                                        << QStringLiteral("model_type: \"gemma2\" is not supported");
    QTest::newRow("missing model_type") << QStringLiteral("{%1}").arg(base)
                                        << QStringLiteral("model_type: is required");
    QTest::newRow("yarn")
        << QStringLiteral(R"({"model_type": "qwen2", %1, "rope_scaling": {"type": "yarn", "factor": 4}})").arg(base)
        << QStringLiteral("rope_scaling.type: \"yarn\" is not supported");
    QTest::newRow("mlp bias") << QStringLiteral(R"({"model_type": "llama", %1, "mlp_bias": true})").arg(base)
                              << QStringLiteral("mlp_bias");
    QTest::newRow("gelu") << QStringLiteral(R"({"model_type": "llama", %1, "hidden_act": "gelu"})").arg(base)
                          << QStringLiteral("hidden_act");
    QTest::newRow("kv heads") << QStringLiteral(R"({"model_type": "llama", %1, "num_key_value_heads": 3})").arg(base)
                              << QStringLiteral("num_key_value_heads: 3 does not divide");
    QTest::newRow("missing size") << QStringLiteral(R"({"model_type": "llama", "hidden_size": 64})")
                                  << QStringLiteral("intermediate_size: is required");
    QTest::newRow("wrong type") << QStringLiteral(R"({"model_type": "llama", %1, "rope_theta": "big"})").arg(base)
                                << QStringLiteral("rope_theta: must be a number");
    QTest::newRow("eos outside vocab")
        << QStringLiteral(R"({"model_type": "llama", %1, "eos_token_id": 500})").arg(base)
        << QStringLiteral("eos_token_id: 500 is outside the vocabulary");
    QTest::newRow("fp8 dtype")
        << QStringLiteral(R"({"model_type": "llama", %1, "torch_dtype": "float8_e4m3fn"})").arg(base)
        << QStringLiteral("torch_dtype");
    QTest::newRow("not JSON") << QStringLiteral("{\"model_type\": ") << QStringLiteral("not valid JSON");
    QTest::newRow("rope_type not a string")
        << QStringLiteral(R"({"model_type": "llama", %1, "rope_scaling": {"type": 3}})").arg(base)
        << QStringLiteral("cfg.json");
}

void TestModelConfig::errorsNameTheField()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    try {
        ModelConfig::fromJson(json.toStdString(), "cfg.json");
        QFAIL("expected ConfigError");
    } catch (const ConfigError &e) {
        const QString msg = QString::fromStdString(e.what());
        QVERIFY2(msg.startsWith(QStringLiteral("cfg.json")), qPrintable(msg));
        QVERIFY2(msg.contains(expected), qPrintable(msg));
    }
    QVERIFY_THROWS_EXCEPTION(ConfigError, ModelConfig::fromFile("/nonexistent/config.json"));
}

// Issue 15/16: absurd sizes and values outside their domain are refused with the field named,
// before anything is sized by them (num_hidden_layers 10^8 made the decoder allocate 15 GB).
void TestModelConfig::hostileValuesNameTheField_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    const QString base = QStringLiteral(
        R"("model_type": "llama", "intermediate_size": 128, "num_attention_heads": 4, "vocab_size": 100)");
    const auto row = [&](const char *name, const QString &extra, const char *expected) {
        QTest::newRow(name) << QStringLiteral("{%1, %2}").arg(base, extra) << QString::fromUtf8(expected);
    };
    const QString sizes = QStringLiteral(R"("hidden_size": 64, "num_hidden_layers": 2)");
    row("layers 1e8", QStringLiteral(R"("hidden_size": 64, "num_hidden_layers": 100000000)"),
        "num_hidden_layers: must be at most 1024, not 100000000");
    row("layers 1e12", QStringLiteral(R"("hidden_size": 64, "num_hidden_layers": 1000000000000)"),
        "num_hidden_layers: must be at most 1024, not 1000000000000");
    row("layers 0", QStringLiteral(R"("hidden_size": 64, "num_hidden_layers": 0)"),
        "num_hidden_layers: must be at least 1, not 0");
    row("hidden", QStringLiteral(R"("hidden_size": 1048576, "num_hidden_layers": 2)"),
        "hidden_size: must be at most 65536");
    row("hidden negative", QStringLiteral(R"("hidden_size": -64, "num_hidden_layers": 2)"),
        "hidden_size: must be at least 1, not -64");
    row("positions", sizes + QStringLiteral(R"(, "max_position_embeddings": 1000000000000)"),
        "max_position_embeddings: must be at most 16777216");
    row("head_dim", sizes + QStringLiteral(R"(, "head_dim": 100000)"), "head_dim: must be at most 4096");
    row("head_dim odd", sizes + QStringLiteral(R"(, "head_dim": 15)"), "head_dim: must be even");
    row("heads not dividing", QStringLiteral(R"("hidden_size": 66, "num_hidden_layers": 2)"),
        "hidden_size: 66 is not divisible by num_attention_heads 4");
    row("rope_theta 0", sizes + QStringLiteral(R"(, "rope_theta": 0)"),
        "rope_theta: must be a finite number greater than 0, not 0");
    row("rope_theta negative", sizes + QStringLiteral(R"(, "rope_theta": -10000.0)"),
        "rope_theta: must be a finite number greater than 0");
    row("rms_norm_eps 0", sizes + QStringLiteral(R"(, "rms_norm_eps": 0.0)"),
        "rms_norm_eps: must be a finite number greater than 0, not 0.0");
    row("rms_norm_eps negative", sizes + QStringLiteral(R"(, "rms_norm_eps": -1e-6)"),
        "rms_norm_eps: must be a finite number greater than 0");
    row("rope factor", sizes + QStringLiteral(R"(, "rope_scaling": {"type": "linear", "factor": -2})"),
        "rope_scaling.factor: must be a finite number greater than 0");
    row("llama3 low freq",
        sizes +
            QStringLiteral(R"(, "rope_scaling": {"rope_type": "llama3", "low_freq_factor": 0, "high_freq_factor": 4})"),
        "rope_scaling.low_freq_factor: must be a finite number greater than 0");
    row("sliding window", sizes + QStringLiteral(R"(, "model_type": "mistral", "sliding_window": 0)"),
        "sliding_window: must be at least 1");
    row("number overflow", sizes + QStringLiteral(R"(, "rope_theta": 1e999)"), "not valid JSON");
    QString deep = QStringLiteral("[").repeated(100000) + QStringLiteral("]").repeated(100000);
    row("deep", sizes + QStringLiteral(R"(, "rope_scaling": )") + deep,
        "JSON nested deeper than 64 levels at rope_scaling[0][0][0][0][0]...");
}

void TestModelConfig::hostileValuesNameTheField()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    QElapsedTimer timer;
    timer.start();
    try {
        ModelConfig::fromJson(json.toStdString(), "cfg.json");
        QFAIL("expected ConfigError");
    } catch (const ConfigError &e) {
        const QString msg = QString::fromStdString(e.what());
        QVERIFY2(msg.startsWith(QStringLiteral("cfg.json: ")), qPrintable(msg));
        QVERIFY2(msg.contains(expected), qPrintable(msg));
    }
    QVERIFY(timer.elapsed() < 2000);
}

// A FIFO (or a device) in place of config.json blocked the reader forever.
void TestModelConfig::onlyRegularFiles()
{
    QTemporaryDir dir;
    const std::string fifo = dir.filePath(QStringLiteral("config.json")).toStdString();
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    const auto expectError = [](const std::string &path, const std::string &message) {
        try {
            ModelConfig::fromFile(path);
            QFAIL("expected ConfigError");
        } catch (const ConfigError &e) {
            QCOMPARE(std::string(e.what()), message);
        }
    };
    expectError(fifo, fifo + ": is a named pipe (FIFO), not a regular file");
    expectError("/dev/zero", "/dev/zero: is a character device, not a regular file");
    expectError("/nonexistent/config.json", "/nonexistent/config.json: does not exist");
}

// config.json's sizes against the tensors really present (model info and the decoder's loader).
void TestModelConfig::sizesAgainstWeights_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("expected");
    QTest::newRow("consistent") << QString() << QString();
    QTest::newRow("layers") << QStringLiteral(R"("num_hidden_layers": 40)")
                            << QStringLiteral("num_hidden_layers: is 40, but the checkpoint holds layers 0 to 1 only");
    QTest::newRow("vocab") << QStringLiteral(R"("vocab_size": 50000)")
                           << QStringLiteral("vocab_size: is 50000, but 'model.embed_tokens.weight' [10, 8] in ");
    QTest::newRow("hidden") << QStringLiteral(R"("hidden_size": 16)")
                            << QStringLiteral("hidden_size: is 16, but 'model.embed_tokens.weight' [10, 8]");
    QTest::newRow("heads")
        << QStringLiteral(R"("num_attention_heads": 4, "num_key_value_heads": 4, "head_dim": 4)")
        << QStringLiteral("num_attention_heads: does not match 'model.layers.0.self_attn.q_proj.weight' [8, 8]");
    QTest::newRow("kv heads")
        << QStringLiteral(R"("num_key_value_heads": 2)")
        << QStringLiteral("num_key_value_heads: does not match 'model.layers.0.self_attn.k_proj.weight' [4, 8]");
    QTest::newRow("intermediate")
        << QStringLiteral(R"("intermediate_size": 32)")
        << QStringLiteral("intermediate_size: does not match 'model.layers.0.mlp.gate_proj.weight' [16, 8]");
}

void TestModelConfig::sizesAgainstWeights()
{
    QFETCH(QString, change);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const std::vector<float> zeros(1024, 0.0f);
    std::vector<ef::st::TensorData> tensors{{"model.embed_tokens.weight", ef::st::DType::F32, {10, 8}, zeros.data()}};
    for (const char *l : {"0", "1"}) {
        const std::string p = std::string("model.layers.") + l + ".";
        tensors.push_back({p + "self_attn.q_proj.weight", ef::st::DType::F32, {8, 8}, zeros.data()});
        tensors.push_back({p + "self_attn.k_proj.weight", ef::st::DType::F32, {4, 8}, zeros.data()});
        tensors.push_back({p + "mlp.gate_proj.weight", ef::st::DType::F32, {16, 8}, zeros.data()});
    }
    ef::st::write(dir.filePath(QStringLiteral("model.safetensors")).toStdString(), tensors);
    // A changed key comes last, and nlohmann::json keeps the last of duplicate keys.
    const QString json =
        QStringLiteral(R"({"model_type": "llama", "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 2,
        "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 10%1})")
            .arg(change.isEmpty() ? QString() : QStringLiteral(", ") + change);
    ModelConfig c;
    try {
        c = ModelConfig::fromJson(json.toStdString(), "cfg.json");
    } catch (const ConfigError &e) {
        QFAIL(e.what());
    }
    const ef::st::Checkpoint ck = ef::st::Checkpoint::open(dir.path().toStdString());
    try {
        checkAgainstWeights(c, ck, "cfg.json");
        QVERIFY2(expected.isEmpty(), "no error");
    } catch (const ConfigError &e) {
        const QString msg = QString::fromStdString(e.what());
        QVERIFY2(!expected.isEmpty() && msg.startsWith(QStringLiteral("cfg.json: ") + expected), qPrintable(msg));
    }
}

QTEST_GUILESS_MAIN(TestModelConfig)
#include "tst_modelconfig.moc"
