// SPDX-License-Identifier: GPL-3.0-or-later
// config.json for llama / mistral / qwen2: fields, defaults, and clear errors for anything the
// decoder does not implement.
#include <QTest>

#include "models/modelconfig.h"

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

QTEST_GUILESS_MAIN(TestModelConfig)
#include "tst_modelconfig.moc"
