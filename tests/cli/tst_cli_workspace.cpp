// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end tests of `embedforge-cli workspace init|info|check`, --json, --help and exit codes.
#include <algorithm>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "backend/database.h"
#include "backend/workspace.h"
#include "tests/common/testutil.h"

using namespace ef;
using ef::test::runCli;
using ef::test::runCliWithoutOverride;

namespace {
QJsonObject parseJsonLine(const QByteArray &out)
{
    const QList<QByteArray> lines = out.trimmed().split('\n');
    if (lines.size() != 1)
        return {};
    return QJsonDocument::fromJson(lines.first()).object();
}
} // namespace

class TestCliWorkspace final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionAndHelp();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void initInfoCheckHumanOutput();
    void initInfoCheckJson();
    void initRefusesExistingFile();
    void checkFailsOnBadFiles_data();
    void checkFailsOnBadFiles();
    void progressLinesWhenNotATerminal();
    void chineseMessagesWithLang();
    void readOnlyFolderIsReadable();

private:
    QTemporaryDir m_dir;
};

void TestCliWorkspace::versionAndHelp()
{
    const auto v = runCli({QStringLiteral("--version")});
    QCOMPARE(v.exitCode, 0);
    QCOMPARE(v.out.trimmed(), QByteArray("embedforge-cli " EMBEDFORGE_VERSION));

    const auto h = runCli({QStringLiteral("--help")});
    QCOMPARE(h.exitCode, 0);
    for (const char *needle :
         {"workspace init PATH", "workspace info PATH", "workspace check PATH", "--json", "Exit codes"})
        QVERIFY2(h.out.contains(needle), needle);

    const auto sub = runCli({QStringLiteral("workspace"), QStringLiteral("check"), QStringLiteral("--help")});
    QCOMPARE(sub.exitCode, 0);
    QVERIFY(sub.out.contains("Usage: embedforge-cli workspace check PATH"));
}

void TestCliWorkspace::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("no command") << QStringList{} << QByteArray("Usage:");
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")}
                                     << QByteArray("unknown command 'frobnicate'");
    QTest::newRow("unknown subcommand") << QStringList{QStringLiteral("workspace"), QStringLiteral("explode")}
                                        << QByteArray("unknown command 'workspace explode'");
    QTest::newRow("missing path") << QStringList{QStringLiteral("workspace"), QStringLiteral("info")}
                                  << QByteArray("missing argument");
    QTest::newRow("two paths") << QStringList{QStringLiteral("workspace"), QStringLiteral("init"), QStringLiteral("a"),
                                              QStringLiteral("b")}
                               << QByteArray("unexpected argument 'b'");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("workspace"), QStringLiteral("check"),
                                                   QStringLiteral("x.efws"), QStringLiteral("--fast")}
                                    << QByteArray("unknown option '--fast'");
}

void TestCliWorkspace::usageErrorsExitTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, message);
    const auto r = runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), r.err.constData());
    QVERIFY(r.out.isEmpty());
}

void TestCliWorkspace::initInfoCheckHumanOutput()
{
    const QString path = m_dir.filePath(QStringLiteral("human.efws"));
    const auto init = runCli({QStringLiteral("workspace"), QStringLiteral("init"), path});
    QCOMPARE(init.exitCode, 0);
    QVERIFY(init.out.contains("Created workspace"));
    QVERIFY(QFile::exists(path));
    QVERIFY(QFileInfo(Workspace::artifactsDirFor(path)).isDir());

    const auto info = runCli({QStringLiteral("workspace"), QStringLiteral("info"), path});
    QCOMPARE(info.exitCode, 0);
    QVERIFY(info.out.contains(path.toUtf8()));
    QVERIFY(
        info.out.contains(QByteArray("Schema version: ").append(QByteArray::number(Workspace::latestSchemaVersion()))));

    const auto check = runCli({QStringLiteral("workspace"), QStringLiteral("check"), path});
    QCOMPARE(check.exitCode, 0);
    QVERIFY(check.out.contains("quick_check"));
    QVERIFY(check.out.contains("is healthy"));
}

void TestCliWorkspace::initInfoCheckJson()
{
    const QString path = m_dir.filePath(QStringLiteral("json.efws"));
    const auto init = runCli({QStringLiteral("--json"), QStringLiteral("workspace"), QStringLiteral("init"), path});
    QCOMPARE(init.exitCode, 0);
    const QJsonObject i = parseJsonLine(init.out);
    QCOMPARE(i.value(QStringLiteral("path")).toString(), path);
    QCOMPARE(i.value(QStringLiteral("schema_version")).toInt(), Workspace::latestSchemaVersion());
    QCOMPARE(i.value(QStringLiteral("artifacts")).toString(), Workspace::artifactsDirFor(path));

    // --json after the command words works too.
    const auto info = runCli({QStringLiteral("workspace"), QStringLiteral("info"), path, QStringLiteral("--json")});
    QCOMPARE(info.exitCode, 0);
    const QJsonObject o = parseJsonLine(info.out);
    QCOMPARE(o.value(QStringLiteral("schema_version")).toInt(), Workspace::latestSchemaVersion());
    QCOMPARE(o.value(QStringLiteral("journal_mode")).toString(), QStringLiteral("wal"));
    QVERIFY(o.value(QStringLiteral("size_bytes")).toInteger() > 0);
    QVERIFY(o.value(QStringLiteral("tables")).toObject().contains(QStringLiteral("jobs")));
    QCOMPARE(o.value(QStringLiteral("tables")).toObject().value(QStringLiteral("meta")).toInt(), 2);

    const auto check = runCli({QStringLiteral("workspace"), QStringLiteral("check"), path, QStringLiteral("--json")});
    QCOMPARE(check.exitCode, 0);
    const QJsonObject c = parseJsonLine(check.out);
    QCOMPARE(c.value(QStringLiteral("ok")).toBool(), true);
    QCOMPARE(c.value(QStringLiteral("checks")).toArray().size(), 6);
    for (const auto &item : c.value(QStringLiteral("checks")).toArray())
        QVERIFY(item.toObject().value(QStringLiteral("ok")).toBool());
}

void TestCliWorkspace::initRefusesExistingFile()
{
    const QString path = m_dir.filePath(QStringLiteral("twice.efws"));
    QCOMPARE(runCli({QStringLiteral("workspace"), QStringLiteral("init"), path}).exitCode, 0);
    const QByteArray before = test::fileHash(path);
    const auto again = runCli({QStringLiteral("workspace"), QStringLiteral("init"), path});
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.err.contains("already exists"), again.err.constData());
    QCOMPARE(test::fileHash(path), before);
}

void TestCliWorkspace::checkFailsOnBadFiles_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("failedCheck");
    QTest::newRow("text") << QStringLiteral("text") << QStringLiteral("header");
    QTest::newRow("foreign") << QStringLiteral("foreign") << QStringLiteral("application_id");
    QTest::newRow("newer") << QStringLiteral("newer") << QStringLiteral("schema");
    QTest::newRow("missing") << QStringLiteral("missing") << QStringLiteral("header");
    // Issue 14.6: a corrupt WAL-mode workspace left -wal and -shm files beside it.
    QTest::newRow("corrupt") << QStringLiteral("corrupt") << QStringLiteral("quick_check");
}

void TestCliWorkspace::checkFailsOnBadFiles()
{
    QFETCH(QString, kind);
    QFETCH(QString, failedCheck);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.efws"));
    if (kind == QLatin1String("text")) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a database");
    } else if (kind == QLatin1String("foreign")) {
        auto db = Database::open(path, Database::Mode::Create);
        (*db)->exec(QStringLiteral("CREATE TABLE other(x)"));
    } else if (kind == QLatin1String("newer")) {
        QVERIFY(Workspace::create(path));
        auto db = Database::open(path, Database::Mode::ReadWrite);
        (*db)->exec(QStringLiteral("PRAGMA user_version = 999"));
    } else if (kind == QLatin1String("corrupt")) {
        QVERIFY(Workspace::create(path));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QByteArray bytes = f.readAll();
        for (qsizetype i = 4096 + 100; i < std::min<qsizetype>(bytes.size(), 4096 * 6); ++i)
            bytes[i] = 'Z';
        QVERIFY(f.seek(0));
        QCOMPARE(f.write(bytes), bytes.size());
    }
    const QByteArray before = test::fileHash(path);
    const auto r = runCli({QStringLiteral("workspace"), QStringLiteral("check"), path, QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 1);
    const QJsonObject o = parseJsonLine(r.out);
    QCOMPARE(o.value(QStringLiteral("ok")).toBool(true), false);
    const QJsonArray checks = o.value(QStringLiteral("checks")).toArray();
    QVERIFY(!checks.isEmpty());
    QCOMPARE(checks.last().toObject().value(QStringLiteral("name")).toString(), failedCheck);
    QVERIFY(!o.value(QStringLiteral("error")).toString().isEmpty());
    QVERIFY2(r.err.contains(path.toUtf8()), r.err.constData());
    QCOMPARE(test::fileHash(path), before);

    const auto info = runCli({QStringLiteral("workspace"), QStringLiteral("info"), path});
    QCOMPARE(info.exitCode, 1);
    QVERIFY(info.out.isEmpty());
    QVERIFY2(info.err.contains(path.toUtf8()), info.err.constData());
    // Opening it for a command leaves nothing beside the refused file either.
    const auto list = runCli({QStringLiteral("corpus"), QStringLiteral("list"), QStringLiteral("--workspace"), path});
    QCOMPARE(list.exitCode, 1);
    for (const char *suffix : {"-wal", "-shm", "-journal"})
        QVERIFY2(!QFileInfo::exists(path + QLatin1String(suffix)), suffix);
    QCOMPARE(test::fileHash(path), before);
}

void TestCliWorkspace::progressLinesWhenNotATerminal()
{
    const QString path = m_dir.filePath(QStringLiteral("progress.efws"));
    QCOMPARE(runCli({QStringLiteral("workspace"), QStringLiteral("init"), path}).exitCode, 0);
    const auto r = runCli({QStringLiteral("workspace"), QStringLiteral("check"), path});
    QCOMPARE(r.exitCode, 0);
    // stderr is a pipe here: plain lines, no carriage returns or escape codes.
    QVERIFY(!r.err.contains('\r'));
    QVERIFY(!r.err.contains('\x1b'));
    QVERIFY2(r.err.contains("checking: 1/6 header"), r.err.constData());
    QVERIFY2(r.err.contains("checking: 6/6 artifacts"), r.err.constData());
    QVERIFY(!r.out.contains("checking:")); // progress never pollutes stdout
}

void TestCliWorkspace::chineseMessagesWithLang()
{
    const auto r = runCli({QStringLiteral("--lang"), QStringLiteral("zh_CN"), QStringLiteral("workspace"),
                           QStringLiteral("info"), m_dir.filePath(QStringLiteral("nope.efws"))});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(QString::fromUtf8(r.err).contains(QStringLiteral("文件不存在")), r.err.constData());
}

// A workspace in a folder the user cannot write (issue 16.4): every reading command works,
// nothing is created beside the file, and a writing command says why it cannot write.
void TestCliWorkspace::readOnlyFolderIsReadable()
{
    const QString folder = m_dir.filePath(QStringLiteral("ro"));
    const QString notes = m_dir.filePath(QStringLiteral("ro-notes"));
    QVERIFY(QDir().mkpath(folder));
    ef::test::writeFile(notes + QStringLiteral("/vitamin.txt"), "Vitamin D lowers the risk of infections.\n");
    ef::test::writeFile(notes + QStringLiteral("/volcano.txt"), "A volcano erupts when magma rises.\n");
    const QString path = folder + QStringLiteral("/w.efws");
    QCOMPARE(runCli({QStringLiteral("workspace"), QStringLiteral("init"), path}).exitCode, 0);
    const auto imported =
        runCli({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--folder"), notes,
                QStringLiteral("--name"), QStringLiteral("notes"), QStringLiteral("--workspace"), path});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());
    const QString beir = m_dir.filePath(QStringLiteral("ro-beir"));
    ef::test::writeFile(beir + QStringLiteral("/corpus.jsonl"), "{\"_id\": \"d1\", \"text\": \"tides and the moon\"}\n"
                                                                "{\"_id\": \"d2\", \"text\": \"volcano ash\"}\n");
    ef::test::writeFile(beir + QStringLiteral("/queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"moon tides\"}\n");
    ef::test::writeFile(beir + QStringLiteral("/qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
    QCOMPARE(runCli({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--beir"), beir,
                     QStringLiteral("--name"), QStringLiteral("beir"), QStringLiteral("--workspace"), path})
                 .exitCode,
             0);
    // An older workspace in the same folder needs a migration, which cannot happen here.
    const QString old = folder + QStringLiteral("/old.efws");
    QVERIFY(Workspace::createAtVersion(old, 1));

    const QByteArray before = ef::test::fileHash(path);
    const QFile::Permissions dirPerms = QFile::permissions(folder);
    QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
    QVERIFY(QFile::setPermissions(old, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
    QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup |
                                              QFile::ReadOther | QFile::ExeOther));
    struct Restore
    {
        QString folder;
        QFile::Permissions perms;
        ~Restore() { QFile::setPermissions(folder, perms); }
    } restore{folder, dirPerms};

    const auto info =
        runCliWithoutOverride({QStringLiteral("workspace"), QStringLiteral("info"), path, QStringLiteral("--json")});
    QVERIFY2(info.exitCode == 0, info.err.constData());
    const QJsonObject o = parseJsonLine(info.out);
    if (o.value(QStringLiteral("writable")).toBool())
        QSKIP("this process can write into a chmod-ed folder (privileged and unable to drop CAP_DAC_OVERRIDE)");
    QVERIFY2(o.value(QStringLiteral("read_only_reason")).toString().contains(QStringLiteral("is not writable")),
             info.out.constData());
    QCOMPARE(o.value(QStringLiteral("journal_mode")).toString(), QStringLiteral("wal"));
    QCOMPARE(o.value(QStringLiteral("tables")).toObject().value(QStringLiteral("corpora")).toInt(), 2);

    const auto check = runCliWithoutOverride({QStringLiteral("workspace"), QStringLiteral("check"), path});
    QVERIFY2(check.exitCode == 0, check.err.constData());
    QVERIFY(check.out.contains("is healthy"));

    const auto list =
        runCliWithoutOverride({QStringLiteral("corpus"), QStringLiteral("list"), QStringLiteral("--workspace"), path});
    QVERIFY2(list.exitCode == 0, list.err.constData());
    QVERIFY(list.out.contains("notes"));

    const auto search = runCliWithoutOverride(
        {QStringLiteral("search"), QStringLiteral("--corpus"), QStringLiteral("notes"), QStringLiteral("--method"),
         QStringLiteral("bm25"), QStringLiteral("--k"), QStringLiteral("1"), QStringLiteral("--json"),
         QStringLiteral("--workspace"), path, QStringLiteral("vitamin infections")});
    QVERIFY2(search.exitCode == 0, search.err.constData());
    QVERIFY2(search.out.contains("vitamin.txt"), search.out.constData());

    // Evaluation gives its figures and says that it could not store them.
    const auto eval = runCliWithoutOverride({QStringLiteral("eval"), QStringLiteral("--corpus"), QStringLiteral("beir"),
                                             QStringLiteral("--method"), QStringLiteral("bm25"),
                                             QStringLiteral("--json"), QStringLiteral("--workspace"), path});
    QVERIFY2(eval.exitCode == 0, eval.err.constData());
    const QJsonObject e = parseJsonLine(eval.out);
    QCOMPARE(e.value(QStringLiteral("ndcg@10")).toDouble(), 1.0);
    QCOMPARE(e.value(QStringLiteral("stored")).toBool(true), false);
    QVERIFY2(e.value(QStringLiteral("warnings")).toArray().at(0).toString().contains(QStringLiteral("not stored")),
             eval.out.constData());

    // Writing commands fail with the reason, before doing anything.
    const auto write =
        runCliWithoutOverride({QStringLiteral("corpus"), QStringLiteral("import"), QStringLiteral("--folder"), notes,
                               QStringLiteral("--name"), QStringLiteral("more"), QStringLiteral("--workspace"), path});
    QCOMPARE(write.exitCode, 1);
    QVERIFY2(write.err.contains("cannot write to") && write.err.contains("is not writable"), write.err.constData());
    QVERIFY2(!write.err.contains("attempt to write a readonly database"), write.err.constData());

    const auto migrate =
        runCliWithoutOverride({QStringLiteral("corpus"), QStringLiteral("list"), QStringLiteral("--workspace"), old});
    QCOMPARE(migrate.exitCode, 1);
    QVERIFY2(migrate.err.contains("needs migrating") && migrate.err.contains("is not writable"),
             migrate.err.constData());

    // Nothing was created beside the files, and the workspace is unchanged.
    QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::System),
             (QStringList{QStringLiteral("old.efws"), QStringLiteral("w.efws")}));
    QCOMPARE(ef::test::fileHash(path), before);
}

QTEST_GUILESS_MAIN(TestCliWorkspace)
#include "tst_cli_workspace.moc"
