// SPDX-License-Identifier: GPL-3.0-or-later
// Parity with Hugging Face transformers on tiny checkpoints of each family. The reference files
// in tests/data/hf_reference were produced by transformers itself (see
// scripts/make_hf_reference.py and the "produced_by" field of each file); this test runs
// offline: it rebuilds the same tiny model with make-tiny (seeded, portable generator), applies
// the case's config overrides, checks the weights are byte-identical to the ones transformers
// saw, and compares last hidden states and pooled embeddings, each sequence alone and inside
// left- and right-padded batches.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "models/embedder.h"
#include "models/tinymodel.h"

using namespace ef::models;
using json = nlohmann::json;

class TestHfParity final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesTransformers_data();
    void matchesTransformers();
};

void TestHfParity::matchesTransformers_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(QStringLiteral(EMBEDFORGE_TEST_DATA_DIR "/hf_reference"));
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY2(!files.isEmpty(), "no reference files in tests/data/hf_reference");
    for (const QString &f : files)
        QTest::newRow(qPrintable(f)) << dir.filePath(f);
}

void TestHfParity::matchesTransformers()
{
    QFETCH(QString, file);
    std::ifstream in(file.toStdString());
    const json ref = json::parse(in);
    const std::string familyName = ref.at("family");
    TinyModelOptions o;
    o.family = familyName == "llama" ? Family::Llama : familyName == "mistral" ? Family::Mistral : Family::Qwen2;
    o.seed = ref.at("seed").get<uint64_t>();
    QTemporaryDir tmp;
    const std::string dir = tmp.filePath(QStringLiteral("model")).toStdString();
    makeTinyModel(dir, o);

    QFile weights(QString::fromStdString(dir + "/model.safetensors"));
    QVERIFY(weights.open(QIODevice::ReadOnly));
    const QByteArray sha = QCryptographicHash::hash(weights.readAll(), QCryptographicHash::Sha256).toHex();
    QVERIFY2(sha.toStdString() == ref.at("model_sha256").get<std::string>(),
             "make-tiny no longer writes the weights the reference was produced with; regenerate the references");

    json cfg;
    {
        std::ifstream c(dir + "/config.json");
        cfg = json::parse(c);
    }
    const json overrides = ref.value("config_overrides", json::object());
    for (const auto &[key, value] : overrides.items())
        cfg[key] = value;
    std::ofstream(dir + "/config.json") << cfg.dump(2);

    const std::string dtype = ref.value("dtype", std::string("float32")).rfind("bfloat16", 0) == 0 ? "bfloat16" : "float32";
    LoadOptions lo;
    lo.dtype = dtype == "bfloat16" ? "bf16" : "f32";
    const double tolerance = dtype == "bfloat16" ? 3e-2 : 1e-4;
    auto e = Embedder::load(dir, lo);

    std::vector<std::vector<int64_t>> inputs;
    for (const auto &seq : ref.at("inputs"))
        inputs.push_back(seq.get<std::vector<int64_t>>());
    const auto &hidden = ref.at("hidden");
    const auto &pooled = ref.at("pooled");
    QCOMPARE(hidden.size(), inputs.size());

    struct Run
    {
        const char *name;
        PaddingSide side;
        int batch;
    };
    for (const Run run : {Run{"alone", PaddingSide::Right, 1}, Run{"left-padded batch", PaddingSide::Left, 8},
                          Run{"right-padded batch", PaddingSide::Right, 8}}) {
        const IdsResult r = e->forwardIds(inputs, run.side, run.batch, true);
        double worstHidden = 0, worstPooled = 0;
        for (size_t i = 0; i < inputs.size(); ++i) {
            const Matrix &h = r.hidden[i];
            QCOMPARE(size_t(h.rows), hidden[i].size());
            for (int64_t t = 0; t < h.rows; ++t) {
                const auto &row = hidden[i][size_t(t)];
                QCOMPARE(size_t(h.cols), row.size());
                for (int64_t c = 0; c < h.cols; ++c)
                    worstHidden = std::max(worstHidden, std::abs(double(h.row(t)[c]) - row[size_t(c)].get<double>()));
            }
            for (int64_t c = 0; c < r.pooled.cols; ++c)
                worstPooled = std::max(worstPooled, std::abs(double(r.pooled.row(int64_t(i))[c]) - pooled[i][size_t(c)].get<double>()));
        }
        const QString what = QStringLiteral("%1, %2: max |hidden - transformers| %3, max |pooled - transformers| %4 (tolerance %5)")
                                 .arg(QString::fromStdString(ref.value("case", std::string())), QLatin1String(run.name))
                                 .arg(worstHidden)
                                 .arg(worstPooled)
                                 .arg(tolerance);
        qInfo("%s", qPrintable(what));
        QVERIFY2(worstHidden <= tolerance && worstPooled <= tolerance, qPrintable(what));
    }
}

QTEST_GUILESS_MAIN(TestHfParity)
#include "tst_hf_parity.moc"
