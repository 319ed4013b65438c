// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end tests of `embedforge-cli tokenize` against the Hugging Face goldens.
#include <fstream>

#include <nlohmann/json.hpp>
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <QTemporaryDir>
#include <QTest>

#include "tests/common/testutil.h"

using nlohmann::json;

namespace {

const QString kData = QStringLiteral(EMBEDFORGE_TEST_DATA_DIR "/tokenizers");

QString tokenizerPath(const char *name)
{
    return kData + QLatin1Char('/') + QLatin1String(name) + QStringLiteral("/tokenizer.json");
}

std::vector<json> outputLines(const QByteArray &out)
{
    std::vector<json> lines;
    for (const QByteArray &l : out.split('\n'))
        if (!l.isEmpty())
            lines.push_back(json::parse(l.toStdString()));
    return lines;
}

} // namespace

class TestCliTokenize final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Every golden text, given as a JSON string line, comes back with HF's ids and tokens, in order.
    void goldensThroughJsonl_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("gpt2") << QStringLiteral("gpt2");
        QTest::newRow("mistral7b") << QStringLiteral("mistral7b");
        QTest::newRow("llama3_style") << QStringLiteral("llama3_style");
    }
    void goldensThroughJsonl()
    {
        QFETCH(QString, name);
        std::ifstream in(QString(kData + QLatin1Char('/') + name + QStringLiteral("/goldens.jsonl")).toStdString());
        std::vector<json> goldens;
        QByteArray input;
        std::string line;
        while (std::getline(in, line)) {
            goldens.push_back(json::parse(line));
            input += QByteArray::fromStdString(goldens.back()["text"].dump()) + '\n';
        }
        for (const bool special : {true, false}) {
            QStringList args{QStringLiteral("tokenize"), QStringLiteral("--tokenizer"),
                             kData + QLatin1Char('/') + name + QStringLiteral("/tokenizer.json"),
                             QStringLiteral("--jsonl")};
            if (!special)
                args << QStringLiteral("--no-special");
            const auto r = ef::test::runCli(args, input);
            QVERIFY2(r.exitCode == 0 && !r.crashed, r.err.constData());
            const auto lines = outputLines(r.out);
            QCOMPARE(lines.size(), goldens.size());
            for (size_t i = 0; i < lines.size(); ++i) {
                QVERIFY2(json(lines[i]["ids"]) == json(goldens[i][special ? "ids" : "ids_no_special"]),
                         (json(lines[i]["ids"]).dump() +
                          " != " + json(goldens[i][special ? "ids" : "ids_no_special"]).dump())
                             .c_str());
                if (special)
                    QVERIFY2(json(lines[i]["tokens"]) == json(goldens[i]["tokens"]),
                             (json(lines[i]["tokens"]).dump() + " != " + json(goldens[i]["tokens"]).dump()).c_str());
            }
        }
    }

    // Plain lines: kept exactly, spaces included; only "\n" or "\r\n" is removed; a last line may lack it.
    void plainLines()
    {
        const auto r =
            ef::test::runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), tokenizerPath("gpt2")},
                             QByteArray("  Hello world  \r\nsecond\n\nlast"));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto lines = outputLines(r.out);
        QCOMPARE(lines.size(), size_t(4));
        QVERIFY2(json(lines[0]["tokens"]) == json(json({"Ġ", "ĠHello", "Ġworld", "Ġ", "Ġ"})),
                 (json(lines[0]["tokens"]).dump() + " != " + json(json({"Ġ", "ĠHello", "Ġworld", "Ġ", "Ġ"})).dump())
                     .c_str());
        QVERIFY2(json(lines[1]["ids"]) == json(json({12227})),
                 (json(lines[1]["ids"]).dump() + " != " + json(json({12227})).dump()).c_str());
        QVERIFY2(json(lines[2]["ids"]) == json(json::array()),
                 (json(lines[2]["ids"]).dump() + " != " + json(json::array()).dump()).c_str());
        QVERIFY2(json(lines[3]["tokens"]) == json(json({"last"})),
                 (json(lines[3]["tokens"]).dump() + " != " + json(json({"last"})).dump()).c_str());
    }

    // --jsonl carries newlines, NUL and U+2028 inside one text; specials are added unless --no-special.
    void jsonlSpecialCharacters()
    {
        const QByteArray input = "\"a\\nb\\u0000c\\u2028d\"\n\" x \"\n";
        auto r = ef::test::runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"),
                                   tokenizerPath("mistral7b"), QStringLiteral("--jsonl")},
                                  input);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        auto lines = outputLines(r.out);
        QCOMPARE(lines.size(), size_t(2));
        // Mistral: "<s>", then "▁a", "\n" as byte fallback <0x0A>, "b", NUL as <0x00>, "c", U+2028 as 3 bytes, "d".
        QVERIFY2(json(lines[0]["tokens"]) ==
                     json(json({"<s>", "▁a", "<0x0A>", "b", "<0x00>", "c", "<0xE2>", "<0x80>", "<0xA8>", "d"})),
                 (json(lines[0]["tokens"]).dump() + " != " +
                  json(json({"<s>", "▁a", "<0x0A>", "b", "<0x00>", "c", "<0xE2>", "<0x80>", "<0xA8>", "d"})).dump())
                     .c_str());
        QVERIFY2(json(lines[1]["tokens"]) == json(json({"<s>", "▁", "▁x", "▁"})),
                 (json(lines[1]["tokens"]).dump() + " != " + json(json({"<s>", "▁", "▁x", "▁"})).dump()).c_str());
        r = ef::test::runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), tokenizerPath("mistral7b"),
                              QStringLiteral("--jsonl"), QStringLiteral("--no-special")},
                             input);
        lines = outputLines(r.out);
        QVERIFY2(json(lines[1]["tokens"]) == json(json({"▁", "▁x", "▁"})),
                 (json(lines[1]["tokens"]).dump() + " != " + json(json({"▁", "▁x", "▁"})).dump()).c_str());
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("invalid JSON") << QStringList{QStringLiteral("--jsonl")}
                                      << QByteArray("\"ok\"\n\"ok\"\nnot json\n")
                                      << QByteArray("line 3: not valid JSON");
        QTest::newRow("not a string") << QStringList{QStringLiteral("--jsonl")} << QByteArray("[1,2]\n")
                                      << QByteArray("line 1: expected a JSON string");
        QTest::newRow("lone surrogate") << QStringList{QStringLiteral("--jsonl")} << QByteArray("\"ok\"\n\"\\ud800\"\n")
                                        << QByteArray("line 2: not valid JSON");
        QTest::newRow("invalid UTF-8") << QStringList{} << QByteArray("fine\nbad \xC3\x28 byte\n")
                                       << QByteArray("line 2: invalid UTF-8 at byte 4");
    }
    void badInput()
    {
        QFETCH(QStringList, extra);
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, message);
        const auto r = ef::test::runCli(
            QStringList{QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), tokenizerPath("gpt2")} + extra,
            input);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(message), r.err.constData());
        QVERIFY(!r.out.isEmpty() || input.startsWith("[")); // lines before the bad one were written
    }

    // A SentencePiece tokenizer.model works in the CLI, whose process also loads LibTorch (and its libprotobuf).
    void sentencePieceModel()
    {
        QTemporaryDir tmp;
        const std::string corpus = tmp.filePath(QStringLiteral("corpus.txt")).toStdString();
        std::vector<std::string> texts;
        {
            std::ifstream in(QString(kData + QStringLiteral("/gpt2/goldens.jsonl")).toStdString());
            std::ofstream out(corpus, std::ios::binary);
            std::string line;
            while (std::getline(in, line)) {
                std::string t = json::parse(line)["text"];
                if (!t.empty() && t.size() < 200 && t.find('\n') == std::string::npos) {
                    out << t << "\n";
                    texts.push_back(t);
                }
            }
        }
        const std::string prefix = tmp.filePath(QStringLiteral("spm")).toStdString();
        const auto status = sentencepiece::SentencePieceTrainer::Train(
            "--input=" + corpus + " --model_prefix=" + prefix +
            " --vocab_size=1200 --model_type=bpe --byte_fallback=true --character_coverage=0.98 --minloglevel=2"
            " --hard_vocab_limit=false");
        QVERIFY2(status.ok(), status.ToString().c_str());
        sentencepiece::SentencePieceProcessor sp;
        QVERIFY(sp.Load(prefix + ".model").ok());
        QByteArray input;
        for (const auto &t : texts)
            input += QByteArray::fromStdString(json(t).dump()) + '\n';
        const auto r = ef::test::runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"),
                                         QString::fromStdString(prefix + ".model"), QStringLiteral("--jsonl")},
                                        input);
        QVERIFY2(r.exitCode == 0 && !r.crashed, r.err.constData());
        const auto lines = outputLines(r.out);
        QCOMPARE(lines.size(), texts.size());
        for (size_t i = 0; i < texts.size(); ++i) {
            std::vector<std::string> pieces;
            QVERIFY(sp.Encode(texts[i], &pieces).ok());
            pieces.insert(pieces.begin(), sp.IdToPiece(sp.bos_id()));
            QVERIFY2(lines[i]["tokens"] == json(pieces), texts[i].c_str());
        }
    }

    void usageAndLoadErrors()
    {
        auto r = ef::test::runCli({QStringLiteral("tokenize")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--tokenizer"));
        r = ef::test::runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), tokenizerPath("gpt2"),
                              QStringLiteral("--bogus")});
        QCOMPARE(r.exitCode, 2);
        r = ef::test::runCli(
            {QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), QStringLiteral("/nonexistent/tokenizer.json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("/nonexistent/tokenizer.json: does not exist"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliTokenize)
#include "tst_cli_tokenize.moc"
