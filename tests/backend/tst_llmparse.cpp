// SPDX-License-Identifier: GPL-3.0-or-later
// Tests for parsing LLM replies: fences, prose, trailing commas, non-objects, truncation, lists.
#include <QTest>

#include "backend/llmparse.h"

using namespace ef;

class TestLlmParse final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void object_data()
    {
        QTest::addColumn<QString>("reply");
        QTest::addColumn<QString>("reason"); // empty = parses, with q == "x"
        QTest::newRow("plain") << QStringLiteral("{\"q\": \"x\"}") << QString();
        QTest::newRow("json fence") << QStringLiteral("```json\n{\"q\": \"x\"}\n```") << QString();
        QTest::newRow("bare fence") << QStringLiteral("Sure!\n```\n{\"q\": \"x\"}\n```\nHope it helps.") << QString();
        QTest::newRow("one-line fence") << QStringLiteral("```json{\"q\": \"x\"}```") << QString();
        QTest::newRow("prose around") << QStringLiteral(
                                             "Here is the example: {\"q\": \"x\", \"n\": {\"a\": 1}} Thanks!")
                                      << QString();
        QTest::newRow("braces in strings")
            << QStringLiteral("Note {this}: {\"q\": \"x\", \"t\": \"a } b\"}") << QString();
        QTest::newRow("trailing comma") << QStringLiteral("{\"q\": \"x\", \"l\": [1, 2,],}") << QString();
        QTest::newRow("raw newline in string")
            << QStringLiteral("{\"q\": \"x\", \"d\": \"line one\nline two\"}") << QString();
        QTest::newRow("unclosed fence") << QStringLiteral("```json\n{\"q\": \"x\"}") << QString();
        QTest::newRow("empty") << QStringLiteral("  \n ") << QStringLiteral("empty_response");
        QTest::newRow("no json") << QStringLiteral("I cannot help with that.") << QStringLiteral("no_json");
        QTest::newRow("array") << QStringLiteral("[\"a\", \"b\"]") << QStringLiteral("not_object");
        QTest::newRow("number") << QStringLiteral("42") << QStringLiteral("no_json");
        QTest::newRow("object in array") << QStringLiteral("[{\"q\": \"x\"}]") << QString();
        QTest::newRow("truncated") << QStringLiteral("{\"q\": \"x\", \"d\": \"it was a dark and")
                                   << QStringLiteral("truncated_json");
        QTest::newRow("single quotes") << QStringLiteral("{'q': 'x'}") << QStringLiteral("invalid_json");
    }
    void object()
    {
        QFETCH(QString, reply);
        QFETCH(QString, reason);
        const ParsedObject p = parseJsonObject(reply);
        QCOMPARE(p.ok, reason.isEmpty());
        QCOMPARE(p.reason, reason);
        if (p.ok)
            QCOMPARE(p.object.value(QStringLiteral("q")).toString(), QStringLiteral("x"));
        else
            QVERIFY(!p.detail.isEmpty());
    }

    void validate_data()
    {
        QTest::addColumn<QString>("reply");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<bool>("lenient");
        QTest::newRow("ok") << QStringLiteral("{\"a\": \"1\", \"b\": \"2\"}") << QString() << false;
        // Issue 13.8: a key the format does not name makes the reply invalid, unless lenient.
        QTest::newRow("extra key") << QStringLiteral("{\"a\": \"1\", \"b\": \"2\", \"extra\": 3}")
                                   << QStringLiteral("unexpected_keys") << false;
        QTest::newRow("extra key, lenient")
            << QStringLiteral("{\"a\": \"1\", \"b\": \"2\", \"extra\": 3}") << QString() << true;
        QTest::newRow("missing") << QStringLiteral("{\"a\": \"1\"}") << QStringLiteral("missing_key") << false;
        QTest::newRow("empty string") << QStringLiteral("{\"a\": \"1\", \"b\": \"  \"}")
                                      << QStringLiteral("empty_value") << false;
        QTest::newRow("number") << QStringLiteral("{\"a\": \"1\", \"b\": 2}") << QStringLiteral("not_string") << false;
        QTest::newRow("null") << QStringLiteral("{\"a\": \"1\", \"b\": null}") << QStringLiteral("not_string") << false;
        QTest::newRow("broken") << QStringLiteral("{\"a\": ") << QStringLiteral("truncated_json") << false;
    }
    void validate()
    {
        QFETCH(QString, reply);
        QFETCH(QString, reason);
        QFETCH(bool, lenient);
        const ValidatedExample v =
            validateObject(parseJsonObject(reply), {QStringLiteral("a"), QStringLiteral("b")}, lenient);
        QCOMPARE(v.ok, reason.isEmpty());
        QCOMPARE(v.reason, reason);
        QVERIFY(reason.isEmpty() || invalidReasonCodes().contains(reason));
    }

    void taskList_data()
    {
        QTest::addColumn<QString>("reply");
        QTest::addColumn<QStringList>("tasks");
        const QStringList ab = {QStringLiteral("Find a"), QStringLiteral("Find b")};
        QTest::newRow("json") << QStringLiteral("[\"Find a\", \"Find b\"]") << ab;
        QTest::newRow("python quotes") << QStringLiteral("['Find a', \"Find b\"]") << ab;
        QTest::newRow("fenced python with prose")
            << QStringLiteral("Here you go:\n```python\n['Find a',\n 'Find b',\n]\n```") << ab;
        QTest::newRow("escaped quote") << QStringLiteral("['Find Bob\\'s car']")
                                       << QStringList{QStringLiteral("Find Bob's car")};
        QTest::newRow("duplicates and blanks") << QStringLiteral("[\"Find a\", \" Find  a \", \"\", \"Find b\"]") << ab;
        QTest::newRow("numbered lines") << QStringLiteral("Tasks:\n1. Find a\n2) \"Find b\"\n") << ab;
        QTest::newRow("bullets") << QStringLiteral("- Find a\n* Find b") << ab;
        QTest::newRow("nothing") << QStringLiteral("No tasks today.") << QStringList{};
    }
    void taskList()
    {
        QFETCH(QString, reply);
        QFETCH(QStringList, tasks);
        QCOMPARE(parseTaskList(reply), tasks);
    }
};

QTEST_GUILESS_MAIN(TestLlmParse)
#include "tst_llmparse.moc"
