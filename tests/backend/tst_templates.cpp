// SPDX-License-Identifier: GPL-3.0-or-later
// Tests for prompt templates: rendering, validation, built-ins, versioned store, diff, import/export.
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include "backend/database.h"
#include "backend/templates.h"
#include "backend/workspace.h"

using namespace ef;

namespace {
PromptTemplate validGenerate()
{
    PromptTemplate t;
    t.id = QStringLiteral("custom.generate");
    t.family = QStringLiteral("retrieval");
    t.step = QStringLiteral("generate");
    t.text =
        QStringLiteral("Task: {task}. Write {clarity} text in {language} as {{\"user_query\": ..., \"doc\": ...}}.");
    t.valueSets.insert(QStringLiteral("clarity"), {QStringLiteral("clear"), QStringLiteral("ambiguous")});
    t.output.type = QStringLiteral("object");
    t.output.keys = {QStringLiteral("user_query"), QStringLiteral("doc")};
    t.output.queryKey = QStringLiteral("user_query");
    t.output.positiveKey = QStringLiteral("doc");
    t.output.instruction = QStringLiteral("{task}");
    return t;
}

QStringList codes(const QList<TemplateIssue> &issues, TemplateIssue::Severity s)
{
    QStringList out;
    for (const auto &i : issues)
        if (i.severity == s)
            out << i.code + QLatin1Char(':') + i.subject;
    return out;
}
} // namespace

class TestTemplates final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void render_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("ok");
        QTest::newRow("plain") << QStringLiteral("a {x} b") << QStringLiteral("a 1 b") << true;
        QTest::newRow("literal braces") << QStringLiteral("{{\"k\": {x}}}") << QStringLiteral("{\"k\": 1}") << true;
        QTest::newRow("repeated") << QStringLiteral("{x}{x}") << QStringLiteral("11") << true;
        QTest::newRow("missing value") << QStringLiteral("{y}") << QString() << false;
        QTest::newRow("unclosed") << QStringLiteral("a { b") << QString() << false;
        QTest::newRow("stray close") << QStringLiteral("a } b") << QString() << false;
        QTest::newRow("not a name") << QStringLiteral("{\"k\": 1}") << QString() << false;
    }
    void render()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QFETCH(bool, ok);
        auto r = renderTemplate(text, {{QStringLiteral("x"), QStringLiteral("1")}});
        QCOMPARE(r.ok(), ok);
        if (ok)
            QCOMPARE(r.value(), expected);
        else
            QVERIFY(!r.error().isEmpty());
    }

    void validation_data()
    {
        QTest::addColumn<int>("mutation");
        QTest::addColumn<QStringList>("errors");
        QTest::addColumn<QStringList>("warnings");
        QTest::newRow("valid") << 0 << QStringList{} << QStringList{};
        QTest::newRow("unknown placeholder")
            << 1 << QStringList{QStringLiteral("unknown_placeholder:tone")} << QStringList{};
        QTest::newRow("empty value set") << 2 << QStringList{QStringLiteral("empty_value_set:clarity")}
                                         << QStringList{};
        QTest::newRow("unused value set")
            << 3 << QStringList{} << QStringList{QStringLiteral("unused_value_set:length")};
        QTest::newRow("missing schema") << 4 << QStringList{QStringLiteral("missing_schema:output")} << QStringList{};
        QTest::newRow("query not a key") << 5 << QStringList{QStringLiteral("invalid_schema:output.map.query")}
                                         << QStringList{};
        QTest::newRow("list for generate")
            << 6 << QStringList{QStringLiteral("invalid_schema:output.type")} << QStringList{};
        QTest::newRow("task in symmetric") << 7
                                           << QStringList{QStringLiteral("unknown_placeholder:task"),
                                                          QStringLiteral("invalid_schema:output.instruction")}
                                           << QStringList{};
        QTest::newRow("bad family") << 8 << QStringList{QStringLiteral("family:poetry")} << QStringList{};
        QTest::newRow("brace syntax") << 9 << QStringList{QStringLiteral("syntax:text")} << QStringList{};
        QTest::newRow("no instruction") << 10 << QStringList{QStringLiteral("invalid_schema:output.instruction")}
                                        << QStringList{};
        // Issue 16.6: ids were interpolated into SQL; now they are bound, and checked.
        QTest::newRow("quote in id") << 11 << QStringList{QStringLiteral("id:x' OR '1'='1")} << QStringList{};
        QTest::newRow("empty id") << 12 << QStringList{QStringLiteral("id:")} << QStringList{};
        QTest::newRow("marker in id") << 13 << QStringList{QStringLiteral("id:%1 %2")} << QStringList{};
    }
    void validation()
    {
        QFETCH(int, mutation);
        QFETCH(QStringList, errors);
        QFETCH(QStringList, warnings);
        PromptTemplate t = validGenerate();
        switch (mutation) {
        case 1:
            t.text += QStringLiteral(" {tone}");
            break;
        case 2:
            t.valueSets[QStringLiteral("clarity")] = {};
            break;
        case 3:
            t.valueSets.insert(QStringLiteral("length"), {QStringLiteral("short")});
            break;
        case 4:
            t.output = {};
            break;
        case 5:
            t.output.queryKey = QStringLiteral("question");
            break;
        case 6:
            t.output.type = QStringLiteral("list");
            break;
        case 7:
            t.family = QStringLiteral("sts");
            break;
        case 8:
            t.family = QStringLiteral("poetry");
            break;
        case 9:
            t.text += QStringLiteral(" {oops");
            break;
        case 10:
            t.output.instruction.clear();
            break;
        case 11:
            t.id = QStringLiteral("x' OR '1'='1");
            break;
        case 12:
            t.id.clear();
            break;
        case 13:
            t.id = QStringLiteral("%1 %2");
            break;
        default:
            break;
        }
        const QList<TemplateIssue> issues = validateTemplate(t);
        QCOMPARE(codes(issues, TemplateIssue::Severity::Error), errors);
        QCOMPARE(codes(issues, TemplateIssue::Severity::Warning), warnings);
        QCOMPARE(hasErrors(issues), !errors.isEmpty());
    }

    void builtinsCoverAllFamiliesAndAreValid()
    {
        const QList<PromptTemplate> &all = builtinTemplates();
        QCOMPARE(all.size(), 10);
        for (const QString &family : taskFamilies()) {
            QVERIFY2(builtinTemplate(family + QStringLiteral(".generate")), qPrintable(family));
            QCOMPARE(builtinTemplate(family + QStringLiteral(".brainstorm")) != nullptr, isAsymmetricFamily(family));
        }
        for (const PromptTemplate &t : all) {
            const auto issues = validateTemplate(t);
            QVERIFY2(issues.isEmpty(),
                     qPrintable(t.id + QStringLiteral(": ") + (issues.isEmpty() ? QString() : issues.first().message)));
        }
        // The paper's keys and value sets (paper.md §1b).
        const PromptTemplate *r = builtinTemplate(QStringLiteral("retrieval.generate"));
        QCOMPARE(r->output.keys, (QStringList{QStringLiteral("user_query"), QStringLiteral("positive_document"),
                                              QStringLiteral("hard_negative_document")}));
        QCOMPARE(r->valueSets.value(QStringLiteral("query_length")),
                 (QStringList{QStringLiteral("less than 5 words"), QStringLiteral("5 to 15 words"),
                              QStringLiteral("at least 10 words")}));
        const PromptTemplate *c = builtinTemplate(QStringLiteral("classification.generate"));
        QCOMPARE(c->output.negativeKey, QStringLiteral("misleading_label"));
        QCOMPARE(builtinTemplate(QStringLiteral("short-short.generate"))->output.negativeKey, QString());
        QCOMPARE(builtinTemplate(QStringLiteral("sts.generate"))->output.instruction,
                 QStringLiteral("Retrieve semantically similar text."));
        QCOMPARE(builtinTemplate(QStringLiteral("bitext.generate"))->output.instruction,
                 QStringLiteral("Retrieve parallel sentences."));
        QCOMPARE(builtinTemplate(QStringLiteral("bitext.generate"))->valueSets.value(QStringLiteral("low_score")),
                 (QStringList{QStringLiteral("1.5"), QStringLiteral("2"), QStringLiteral("2.5")}));
    }

    void jsonRoundTrip()
    {
        for (const PromptTemplate &t : builtinTemplates()) {
            auto back = PromptTemplate::fromJson(t.toJson());
            QVERIFY(back.ok());
            QVERIFY(back.value() == t);
        }
        QVERIFY(!PromptTemplate::fromJson(QJsonObject{{QStringLiteral("text"), QStringLiteral("x")}}).ok());
    }

    void migratedWorkspaceGetsBuiltins()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.efws"));
        QVERIFY(Workspace::createAtVersion(path, 2).ok());
        auto ws = Workspace::open(path);
        QVERIFY(ws.ok());
        QCOMPARE(ws->schemaVersion(), Workspace::latestSchemaVersion());
        auto db = ws->connect();
        QCOMPARE(templatestore::list(**db).size(), builtinTemplates().size());
    }

    void workspaceStoreVersionsAndDiff()
    {
        QTemporaryDir dir;
        auto ws = Workspace::create(dir.filePath(QStringLiteral("t.efws")));
        QVERIFY2(ws.ok(), qPrintable(ws.ok() ? QString() : ws.error()));
        auto db = ws->connect();
        QVERIFY(db.ok());
        Database &d = **db;
        QCOMPARE(templatestore::list(d).size(), builtinTemplates().size()); // copied on creation

        auto t = templatestore::load(d, QStringLiteral("sts.generate"));
        QVERIFY(t.ok());
        QCOMPARE(t->version, 1);
        PromptTemplate edited = t.value();
        edited.text.replace(QStringLiteral("Be creative!"), QStringLiteral("Be very creative!"));
        edited.valueSets[QStringLiteral("unit")].append(QStringLiteral("paragraph"));
        auto v = templatestore::save(d, edited, QStringLiteral("more units"));
        QVERIFY(v.ok());
        QCOMPARE(v.value(), 2);
        QCOMPARE(templatestore::save(d, edited).value(), 2); // unchanged: no new version
        QCOMPARE(templatestore::history(d, QStringLiteral("sts.generate")).size(), 2);
        QVERIFY(
            templatestore::load(d, QStringLiteral("sts.generate"), 1)->text.contains(QStringLiteral("Be creative!")));
        QCOMPARE(templatestore::load(d, QStringLiteral("sts.generate"))->version, 2);

        const TemplateDiff diff = diffTemplates(*builtinTemplate(QStringLiteral("sts.generate")),
                                                templatestore::load(d, QStringLiteral("sts.generate")).value());
        QStringList fields;
        for (const auto &f : diff.fields)
            fields << f.field;
        QCOMPARE(fields, (QStringList{QStringLiteral("text"), QStringLiteral("value_sets.unit")}));
        QVERIFY(diff.textLines.contains(QStringLiteral(
            "- Your answer must be a JSON object only, with no explanation before or after it. Be creative!")));
        QVERIFY(diff.textLines.contains(QStringLiteral(
            "+ Your answer must be a JSON object only, with no explanation before or after it. Be very creative!")));

        PromptTemplate broken = edited;
        broken.text += QStringLiteral(" {nope}");
        QVERIFY(!templatestore::save(d, broken).ok());
        QCOMPARE(templatestore::load(d, QStringLiteral("sts.generate"))->version, 2);

        // Export, then import: a new version with the same content.
        const QByteArray exported = QJsonDocument(templatestore::exportJson(templatestore::list(d))).toJson();
        auto imported = templatestore::parseImport(exported);
        QVERIFY(imported.ok());
        QCOMPARE(imported->size(), builtinTemplates().size());
        QVERIFY(!templatestore::parseImport("{not json").ok());
        QVERIFY(!templatestore::parseImport("[]").ok());
    }

    // What a view's I/O task calls: whole-workspace forms that return errors instead of throwing.
    void workspaceFilesExportAndImport()
    {
        QTemporaryDir dir;
        auto ws = Workspace::create(dir.filePath(QStringLiteral("f.efws")));
        QVERIFY(ws);
        const QString file = dir.filePath(QStringLiteral("templates.json"));
        const Status exported = templatestore::exportFile(ws.value(), file);
        QVERIFY2(exported, qPrintable(exported.error()));
        auto other = Workspace::create(dir.filePath(QStringLiteral("g.efws")));
        QVERIFY(other);
        PromptTemplate t = templatestore::load(other.value(), QStringLiteral("sts.generate")).value();
        t.title = QStringLiteral("edited elsewhere");
        QCOMPARE(templatestore::save(other.value(), t, QStringLiteral("edit")).value(), 2);
        // Importing the first workspace's export makes each template a new version where it differs.
        const auto imported = templatestore::importFile(other.value(), file);
        QVERIFY2(imported, qPrintable(imported.error()));
        QCOMPARE(imported->size(), builtinTemplates().size());
        QVERIFY(imported->contains(qMakePair(QStringLiteral("sts.generate"), 3)));
        QCOMPARE(templatestore::load(other.value(), QStringLiteral("sts.generate"))->title,
                 builtinTemplate(QStringLiteral("sts.generate"))->title);
        QCOMPARE(templatestore::history(other.value(), QStringLiteral("sts.generate"))->size(), 3);
        QCOMPARE(templatestore::list(other.value())->size(), builtinTemplates().size());
        // Errors name the file.
        const auto missing = templatestore::importFile(other.value(), dir.filePath(QStringLiteral("none.json")));
        QVERIFY(!missing);
        QVERIFY2(missing.error().contains(QStringLiteral("none.json")), qPrintable(missing.error()));
        const Status unwritable =
            templatestore::exportFile(ws.value(), dir.filePath(QStringLiteral("no/such/dir/t.json")));
        QVERIFY(!unwritable);
        QVERIFY2(unwritable.error().contains(QStringLiteral("t.json")), qPrintable(unwritable.error()));
        QVERIFY(!templatestore::list(Workspace()).ok()); // no workspace: an error, not an exception
    }
};

QTEST_GUILESS_MAIN(TestTemplates)
#include "tst_templates.moc"
