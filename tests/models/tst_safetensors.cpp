// SPDX-License-Identifier: GPL-3.0-or-later
// safetensors: round trip, zero-copy alignment, each header rule broken, truncation, shards.
#include <cstring>
#include <functional>

#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "models/safetensors.h"

using namespace ef::st;

namespace {
QByteArray fileWithHeader(const QByteArray &json, const QByteArray &data)
{
    QByteArray out(8, '\0');
    const quint64 n = static_cast<quint64>(json.size());
    for (int i = 0; i < 8; ++i)
        out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    return out + json + data;
}

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}
} // namespace

class TestSafetensors final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEverything();
    void brokenHeadersNameTheRule_data();
    void brokenHeadersNameTheRule();
    void onlyRegularFiles();
    void truncatedFileIsRefused();
    void shardedCheckpoint();
    void writeIsAtomic();

private:
    QTemporaryDir m_dir;
};

void TestSafetensors::roundTripKeepsEverything()
{
    const std::vector<float> w = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, -0.5f};
    const std::vector<uint16_t> bf16 = {0x3f80, 0x4000, 0xbf80};
    const std::vector<int64_t> ids = {2, 42, -1};
    const uint8_t flags[2] = {1, 0};
    const std::string path = m_dir.filePath(QStringLiteral("rt.safetensors")).toStdString();
    write(path,
          {{"model.layers.0.weight", DType::F32, {2, 3}, w.data()},
           {"bf", DType::BF16, {3}, bf16.data()},
           {"ids", DType::I64, {3}, ids.data()},
           {"mask", DType::BOOL, {2}, flags},
           {"empty", DType::F16, {0, 4}, nullptr}},
          {{"format", "pt"}});
    auto f = File::open(path);
    QCOMPARE(f->tensors().size(), size_t(5));
    QCOMPARE(f->metadata().at("format"), std::string("pt"));
    const TensorView *t = f->find("model.layers.0.weight");
    QVERIFY(t);
    QCOMPARE(t->shape, (std::vector<int64_t>{2, 3}));
    QCOMPARE(t->elements(), int64_t(6));
    QVERIFY(t->aligned());
    QCOMPARE(std::memcmp(t->data, w.data(), t->bytes), 0);
    QCOMPARE(f->find("bf")->dtype, DType::BF16);
    QCOMPARE(std::memcmp(f->find("ids")->data, ids.data(), 24), 0);
    QCOMPARE(f->find("mask")->bytes, size_t(2));
    QCOMPARE(f->find("empty")->bytes, size_t(0));
    QVERIFY(!f->find("missing"));
    // The single-file checkpoint finds the same tensors.
    const Checkpoint c = Checkpoint::open(path);
    QCOMPARE(c.names().size(), size_t(5));
    QCOMPARE(c.find("ids")->bytes, f->find("ids")->bytes);
    QCOMPARE(std::memcmp(c.find("ids")->data, ids.data(), 24), 0);
}

void TestSafetensors::brokenHeadersNameTheRule_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("dataBytes");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not JSON") << QByteArray("{\"a\": [") << 0 << QStringLiteral("not valid JSON");
    QTest::newRow("not an object") << QByteArray("[1, 2]") << 0 << QStringLiteral("not a JSON object");
    // Found by fuzz/fuzz_safetensors_header: a number JSON cannot represent used to escape as an
    // uncaught nlohmann out_of_range exception (a crash).
    QTest::newRow("number overflow") << QByteArray(R"({"__metadata__": [66666666666666666666E66666]})") << 0
                                     << QStringLiteral("not valid JSON");
    // A shape whose element count wraps around 64 bits must not pass the size check.
    QTest::newRow("shape overflow")
        << QByteArray(R"({"w": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 0]}})") << 0
        << QStringLiteral("more elements than fit in 64 bits");
    QTest::newRow("byte size overflow")
        << QByteArray(R"({"w": {"dtype": "F32", "shape": [4611686018427387904], "data_offsets": [0, 0]}})") << 0
        << QStringLiteral("holds 0 bytes");
    QTest::newRow("unknown dtype") << QByteArray(
                                          R"({"w": {"dtype": "F8_E4M3X", "shape": [1], "data_offsets": [0, 1]}})")
                                   << 1 << QStringLiteral("tensor 'w': unknown dtype \"F8_E4M3X\"");
    QTest::newRow("negative shape") << QByteArray(R"({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})")
                                    << 4 << QStringLiteral("tensor 'w': shape [-1]");
    QTest::newRow("offsets outside data")
        << QByteArray(R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})") << 8
        << QStringLiteral("lie outside the data section of 8 bytes");
    QTest::newRow("size mismatch") << QByteArray(R"({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})")
                                   << 8 << QStringLiteral("holds 8 bytes but shape [3] of F32 needs 12");
    QTest::newRow("overlap")
        << QByteArray(
               R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})")
        << 12 << QStringLiteral("overlap those of 'a'");
    QTest::newRow("missing offsets") << QByteArray(R"({"w": {"dtype": "F32", "shape": [1]}})") << 4
                                     << QStringLiteral("\"data_offsets\" is not a pair");
    QTest::newRow("metadata not strings")
        << QByteArray(R"({"__metadata__": {"n": 3}})") << 0 << QStringLiteral("__metadata__ value 'n'");
    // Issue 16: a zero-length tensor between two overlapping ones hid the overlap (each tensor was
    // compared with the one before it only, and an empty one overlaps nothing).
    QTest::newRow("overlap behind an empty tensor")
        << QByteArray(
               R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "e": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]},)"
               R"( "b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}})")
        << 16 << QStringLiteral("tensor 'b': its bytes overlap those of 'a'");
    // nlohmann::json keeps the last of two equal keys: the first tensor vanished silently.
    QTest::newRow("duplicate name")
        << QByteArray(
               R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})")
        << 8 << QStringLiteral("tensor 'w': is listed twice in the header");
    QTest::newRow("duplicate name, escaped")
        << QByteArray(
               R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "\u0077": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})")
        << 8 << QStringLiteral("tensor 'w': is listed twice in the header");
    QTest::newRow("deep header")
        << QByteArray("{\"__metadata__\": " + QByteArray("[").repeated(5000) + QByteArray("]").repeated(5000) + "}")
        << 0 << QStringLiteral("the header: JSON nested deeper than 64 levels at __metadata__[0][0]");
}

void TestSafetensors::brokenHeadersNameTheRule()
{
    QFETCH(QByteArray, header);
    QFETCH(int, dataBytes);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath(QStringLiteral("bad.safetensors"));
    writeBytes(path, fileWithHeader(header, QByteArray(dataBytes, '\0')));
    try {
        File::open(path.toStdString());
        QFAIL("expected SafetensorsError");
    } catch (const SafetensorsError &e) {
        const QString msg = QString::fromStdString(e.what());
        QVERIFY2(msg.startsWith(path), qPrintable(msg));
        QVERIFY2(msg.contains(expected), qPrintable(msg));
    }
}

// Issue 15: a FIFO in place of model.safetensors blocked model info, embed and corpus embed forever.
void TestSafetensors::onlyRegularFiles()
{
    const QString dir = m_dir.filePath(QStringLiteral("fifo-model"));
    QDir().mkpath(dir);
    const std::string fifo = QString(dir + QStringLiteral("/model.safetensors")).toStdString();
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    const auto expectError = [](const std::function<void()> &open, const std::string &message) {
        try {
            open();
            QFAIL("expected SafetensorsError");
        } catch (const SafetensorsError &e) {
            QCOMPARE(std::string(e.what()), message);
        }
    };
    expectError([&] { File::open(fifo); }, fifo + ": is a named pipe (FIFO), not a regular file");
    expectError([&] { Checkpoint::open(dir.toStdString()); }, fifo + ": is a named pipe (FIFO), not a regular file");
    expectError([&] { File::open("/dev/zero"); }, "/dev/zero: is a character device, not a regular file");
    // The index and the shards it names too.
    const std::string index = QString(dir + QStringLiteral("/model.safetensors.index.json")).toStdString();
    QCOMPARE(::mkfifo(index.c_str(), 0600), 0);
    expectError([&] { Checkpoint::open(dir.toStdString()); }, index + ": is a named pipe (FIFO), not a regular file");
    QVERIFY(QFile::remove(QString::fromStdString(index)));
    writeBytes(QString::fromStdString(index), R"({"weight_map": {"a": "model.safetensors"}})");
    expectError([&] { Checkpoint::open(dir.toStdString()); }, fifo + ": is a named pipe (FIFO), not a regular file");
    writeBytes(QString::fromStdString(index),
               R"({"weight_map": {"a": "x.safetensors", "b": "x.safetensors", "a": "x.safetensors"}})");
    expectError([&] { Checkpoint::open(dir.toStdString()); },
                index + ": tensor 'a': is listed twice in \"weight_map\"");
}

void TestSafetensors::truncatedFileIsRefused()
{
    const std::vector<float> w(1000, 1.0f);
    const std::string path = m_dir.filePath(QStringLiteral("trunc.safetensors")).toStdString();
    write(path, {{"w", DType::F32, {1000}, w.data()}});
    QVERIFY(QFile::resize(QString::fromStdString(path), 2000)); // cut inside the data
    try {
        File::open(path);
        QFAIL("expected SafetensorsError");
    } catch (const SafetensorsError &e) {
        QCOMPARE(e.tensor(), std::string("w"));
        QVERIFY2(std::string(e.what()).find("outside the data section") != std::string::npos, e.what());
    }
    QVERIFY(QFile::resize(QString::fromStdString(path), 20)); // cut inside the header
    QVERIFY_THROWS_EXCEPTION(SafetensorsError, File::open(path));
    QVERIFY(QFile::resize(QString::fromStdString(path), 3)); // not even the length
    QVERIFY_THROWS_EXCEPTION(SafetensorsError, File::open(path));
    QVERIFY_THROWS_EXCEPTION(SafetensorsError, File::open(m_dir.filePath(QStringLiteral("absent")).toStdString()));
}

void TestSafetensors::shardedCheckpoint()
{
    const QString dir = m_dir.filePath(QStringLiteral("sharded"));
    QDir().mkpath(dir);
    const std::vector<float> a = {1, 2}, b = {3, 4, 5};
    write(QString(dir + QStringLiteral("/model-00001-of-00002.safetensors")).toStdString(),
          {{"a", DType::F32, {2}, a.data()}});
    write(QString(dir + QStringLiteral("/model-00002-of-00002.safetensors")).toStdString(),
          {{"b", DType::F32, {3}, b.data()}});
    writeBytes(
        dir + QStringLiteral("/model.safetensors.index.json"),
        R"({"metadata": {"total_size": 20}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}})");
    const Checkpoint c = Checkpoint::open(dir.toStdString());
    QCOMPARE(c.files().size(), size_t(2));
    QCOMPARE(c.names(), (std::vector<std::string>{"a", "b"}));
    QCOMPARE(reinterpret_cast<const float *>(c.find("b")->data)[2], 5.0f);

    writeBytes(dir + QStringLiteral("/model.safetensors.index.json"),
               R"({"weight_map": {"a": "model-00001-of-00002.safetensors", "c": "model-00002-of-00002.safetensors"}})");
    try {
        Checkpoint::open(dir.toStdString());
        QFAIL("expected SafetensorsError");
    } catch (const SafetensorsError &e) {
        QCOMPARE(e.tensor(), std::string("c"));
        QVERIFY(std::string(e.what()).find("absent from the shard") != std::string::npos);
    }
    writeBytes(dir + QStringLiteral("/model.safetensors.index.json"),
               R"({"weight_map": {"a": "../elsewhere.safetensors"}})");
    QVERIFY_THROWS_EXCEPTION(SafetensorsError, Checkpoint::open(dir.toStdString()));
    QVERIFY_THROWS_EXCEPTION(SafetensorsError,
                             Checkpoint::open(m_dir.filePath(QStringLiteral("nothing-here")).toStdString() + "/"));
}

void TestSafetensors::writeIsAtomic()
{
    const QString dir = m_dir.filePath(QStringLiteral("ro"));
    QDir().mkpath(dir);
    const std::vector<float> w = {1};
    const std::string good = QString(dir + QStringLiteral("/w.safetensors")).toStdString();
    write(good, {{"w", DType::F32, {1}, w.data()}});
    // A failed write (the target is a directory, so the rename fails) leaves no partial file.
    QDir().mkpath(dir + QStringLiteral("/taken.safetensors"));
    QVERIFY_THROWS_EXCEPTION(SafetensorsError, write(QString(dir + QStringLiteral("/taken.safetensors")).toStdString(),
                                                     {{"w", DType::F32, {1}, w.data()}}));
    QVERIFY(!QFile::exists(dir + QStringLiteral("/taken.safetensors.tmp")));
    QVERIFY(File::open(good)->find("w"));
}

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
