// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of the workspace store: create, reopen, migrate, refuse bad files untouched,
// concurrent writers, and survival of a writer killed with SIGKILL.
#include <sqlite3.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include "backend/database.h"
#include "backend/workspace.h"
#include "tests/common/testutil.h"

using namespace ef;

class TestWorkspace final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createAndReopen();
    void createRefusesExistingFile();
    void createsParentFolders();
    void migratesOldVersionAndKeepsData();
    void refusesBadFilesWithoutTouchingThem_data();
    void refusesBadFilesWithoutTouchingThem();
    void refusesMissingFile();
    void inspectIsReadOnly();
    void checkReportsEachStep();
    void twoThreadsWriteWithoutBusyErrors();
    void survivesSigkillDuringWrites();

private:
    QTemporaryDir m_dir;
};

void TestWorkspace::createAndReopen()
{
    const QString path = m_dir.filePath(QStringLiteral("a.efws"));
    auto ws = Workspace::create(path);
    QVERIFY2(ws, qPrintable(ws.error()));
    QCOMPARE(ws->schemaVersion(), Workspace::latestSchemaVersion());
    QVERIFY(QFileInfo(ws->artifactsDir()).isDir());
    QCOMPARE(ws->artifactsDir(), m_dir.filePath(QStringLiteral("a.artifacts")));

    auto db = ws->connect();
    QVERIFY(db);
    QCOMPARE((*db)->queryText(QStringLiteral("PRAGMA journal_mode")), QStringLiteral("wal"));
    QCOMPARE((*db)->queryInt(QStringLiteral("PRAGMA foreign_keys")), 1);
    QCOMPARE((*db)->queryInt(QStringLiteral("PRAGMA application_id")), qint64(Workspace::kApplicationId));
    QCOMPARE((*db)->queryInt(QStringLiteral("PRAGMA busy_timeout")) > 0, true);
    (*db)->exec(
        QStringLiteral("INSERT INTO jobs(kind, title, state, created_at) VALUES ('k', 't', 'succeeded', 'now')"));
    db->reset();

    auto again = Workspace::open(path);
    QVERIFY2(again, qPrintable(again.error()));
    auto db2 = again->connect();
    QCOMPARE((*db2)->queryInt(QStringLiteral("SELECT COUNT(*) FROM jobs")), 1);
}

void TestWorkspace::createRefusesExistingFile()
{
    const QString path = m_dir.filePath(QStringLiteral("exists.efws"));
    QVERIFY(Workspace::create(path));
    const QByteArray before = test::fileHash(path);
    auto second = Workspace::create(path);
    QVERIFY(!second);
    QVERIFY2(second.error().contains(QStringLiteral("already exists")), qPrintable(second.error()));
    QCOMPARE(test::fileHash(path), before);
}

void TestWorkspace::createsParentFolders()
{
    const QString path = m_dir.filePath(QStringLiteral("deep/er/ws.efws"));
    auto ws = Workspace::create(path);
    QVERIFY2(ws, qPrintable(ws.error()));
    QVERIFY(QFileInfo::exists(path));
}

void TestWorkspace::migratesOldVersionAndKeepsData()
{
    const QString path = m_dir.filePath(QStringLiteral("old.efws"));
    auto old = Workspace::createAtVersion(path, 1);
    QVERIFY2(old, qPrintable(old.error()));
    QCOMPARE(old->schemaVersion(), 1);
    {
        auto db = old->connect();
        QCOMPARE((*db)->queryInt(QStringLiteral("PRAGMA user_version")), 1);
        QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'jobs'")), 0);
        (*db)->exec(QStringLiteral("INSERT INTO meta(key, value) VALUES ('note', 'kept across migrations')"));
    }
    auto ws = Workspace::open(path);
    QVERIFY2(ws, qPrintable(ws.error()));
    QCOMPARE(ws->schemaVersion(), Workspace::latestSchemaVersion());
    auto db = ws->connect();
    QCOMPARE((*db)->queryInt(QStringLiteral("PRAGMA user_version")), Workspace::latestSchemaVersion());
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'jobs'")), 1);
    QCOMPARE((*db)->queryText(QStringLiteral("SELECT value FROM meta WHERE key = 'note'")),
             QStringLiteral("kept across migrations"));
    QVERIFY(!Workspace::createAtVersion(m_dir.filePath(QStringLiteral("v0.efws")), 0));
}

namespace {
enum class Bad { TextFile, EmptyFile, ForeignSqlite, NewerSchema, CorruptPages, TruncatedFile };
}

void TestWorkspace::refusesBadFilesWithoutTouchingThem_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("text file") << int(Bad::TextFile) << QStringLiteral("not a SQLite database");
    QTest::newRow("empty file") << int(Bad::EmptyFile) << QStringLiteral("not a SQLite database");
    QTest::newRow("another program's SQLite")
        << int(Bad::ForeignSqlite) << QStringLiteral("application_id is 0x00000000");
    QTest::newRow("newer schema") << int(Bad::NewerSchema) << QStringLiteral("newer EmbedForge");
    QTest::newRow("corrupt pages") << int(Bad::CorruptPages) << QStringLiteral("corrupt");
    QTest::newRow("truncated file") << int(Bad::TruncatedFile) << QStringLiteral("corrupt");
}

void TestWorkspace::refusesBadFilesWithoutTouchingThem()
{
    QFETCH(int, kind);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.efws"));

    auto makeWorkspaceWithData = [&] {
        auto ws = Workspace::create(path);
        QVERIFY(ws);
        auto db = ws->connect();
        (*db)->exec(QStringLiteral("CREATE TABLE filler(x BLOB)"));
        Transaction tx(**db);
        for (int i = 0; i < 200; ++i)
            (*db)
                ->prepare(QStringLiteral("INSERT INTO filler VALUES (?)"))
                .bindBlob(1, QByteArray(500, char('a' + i % 26)))
                .run();
        tx.commit();
        (*db)->exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        (*db)->exec(QStringLiteral("PRAGMA journal_mode = DELETE")); // fold everything into the main file
    };

    switch (Bad(kind)) {
    case Bad::TextFile: {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("query\tpositive\nthis is not a workspace\n");
        break;
    }
    case Bad::EmptyFile: {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        break;
    }
    case Bad::ForeignSqlite: {
        auto db = Database::open(path, Database::Mode::Create);
        (*db)->exec(QStringLiteral("CREATE TABLE moz_places(id INTEGER PRIMARY KEY, url TEXT)"));
        break;
    }
    case Bad::NewerSchema: {
        makeWorkspaceWithData();
        auto db = Database::open(path, Database::Mode::ReadWrite);
        (*db)->exec(QStringLiteral("PRAGMA user_version = %1").arg(Workspace::latestSchemaVersion() + 7));
        break;
    }
    case Bad::CorruptPages: {
        makeWorkspaceWithData();
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        const qint64 size = f.size();
        QVERIFY(size > 8 * 4096);
        // Scribble over interior b-tree pages, leaving the 100-byte header intact.
        QRandomGenerator rng(42);
        for (qint64 off = 4096 * 2; off + 4096 < size; off += 4096 * 3) {
            f.seek(off);
            QByteArray junk(4096, '\0');
            for (char &c : junk)
                c = char(rng.bounded(256));
            f.write(junk);
        }
        break;
    }
    case Bad::TruncatedFile: {
        makeWorkspaceWithData();
        QVERIFY(QFile::resize(path, QFileInfo(path).size() / 3));
        break;
    }
    }

    const QByteArray before = test::fileHash(path);
    const QDateTime mtime = QFileInfo(path).lastModified();
    auto ws = Workspace::open(path);
    QVERIFY(!ws);
    QVERIFY2(ws.error().contains(path), qPrintable(ws.error()));
    QVERIFY2(ws.error().contains(expected), qPrintable(ws.error()));
    QCOMPARE(test::fileHash(path), before);
    QCOMPARE(QFileInfo(path).lastModified(), mtime);

    // inspect and check refuse too, and also leave the file alone.
    QVERIFY(!Workspace::inspect(path));
    const CheckReport report = Workspace::check(path);
    QVERIFY(!report.ok);
    QCOMPARE(test::fileHash(path), before);
    // openOrCreate must not replace a bad file with a new workspace.
    QVERIFY(!Workspace::openOrCreate(path));
    QCOMPARE(test::fileHash(path), before);
}

void TestWorkspace::refusesMissingFile()
{
    const QString path = m_dir.filePath(QStringLiteral("missing.efws"));
    auto ws = Workspace::open(path);
    QVERIFY(!ws);
    QVERIFY2(ws.error().contains(QStringLiteral("does not exist")), qPrintable(ws.error()));
    QVERIFY(!QFileInfo::exists(path));
}

void TestWorkspace::inspectIsReadOnly()
{
    const QString path = m_dir.filePath(QStringLiteral("inspect.efws"));
    QVERIFY(Workspace::createAtVersion(path, 1));
    {
        // fold WAL into the main file so that the hash reflects everything
        auto db = Database::open(path, Database::Mode::ReadWrite);
        (*db)->exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    const QByteArray before = test::fileHash(path);
    auto info = Workspace::inspect(path);
    QVERIFY2(info, qPrintable(info.error()));
    QCOMPARE(info->schemaVersion, 1); // inspect never migrates
    QCOMPARE(info->latestSchemaVersion, Workspace::latestSchemaVersion());
    QCOMPARE(info->tableRows.value(QStringLiteral("meta")), 2);
    QVERIFY(info->createdBy.startsWith(QStringLiteral("EmbedForge ")));
    QVERIFY(!info->createdAt.isEmpty());
    QCOMPARE(test::fileHash(path), before);
}

void TestWorkspace::checkReportsEachStep()
{
    const QString path = m_dir.filePath(QStringLiteral("check.efws"));
    QVERIFY(Workspace::create(path));
    QList<int> steps;
    const CheckReport report = Workspace::check(path, [&](int done, int total, const QString &) {
        QCOMPARE(total, 6);
        steps << done;
    });
    QVERIFY(report.ok);
    QCOMPARE(steps, (QList<int>{1, 2, 3, 4, 5, 6}));
    QStringList names;
    for (const CheckItem &item : report.items)
        names << item.name;
    QCOMPARE(names,
             (QStringList{QStringLiteral("header"), QStringLiteral("application_id"), QStringLiteral("schema"),
                          QStringLiteral("quick_check"), QStringLiteral("foreign_keys"), QStringLiteral("artifacts")}));

    QVERIFY(QDir(Workspace::artifactsDirFor(path)).removeRecursively());
    const CheckReport missing = Workspace::check(path);
    QVERIFY(!missing.ok);
    QCOMPARE(missing.items.constLast().name, QStringLiteral("artifacts"));
}

void TestWorkspace::twoThreadsWriteWithoutBusyErrors()
{
    const QString path = m_dir.filePath(QStringLiteral("concurrent.efws"));
    auto ws = Workspace::create(path);
    QVERIFY(ws);
    {
        auto db = ws->connect();
        (*db)->exec(QStringLiteral("CREATE TABLE t(thread INTEGER, i INTEGER)"));
    }
    constexpr int kRows = 400;
    auto writer = [ws = ws.value()](int thread) -> QString {
        auto db = ws.connect(); // one connection per thread
        if (!db)
            return db.error();
        try {
            for (int i = 0; i < kRows; ++i) {
                Transaction tx(**db);
                (*db)->prepare(QStringLiteral("INSERT INTO t VALUES (?, ?)")).bind(1, thread).bind(2, i).run();
                tx.commit();
            }
        } catch (const DbError &e) {
            return e.message();
        }
        return {};
    };
    QThreadPool pool;
    pool.setMaxThreadCount(2);
    auto a = QtConcurrent::run(&pool, writer, 1);
    auto b = QtConcurrent::run(&pool, writer, 2);
    QCOMPARE(a.result(), QString());
    QCOMPARE(b.result(), QString());
    auto db = ws->connect();
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM t WHERE thread = 1")), kRows);
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM t WHERE thread = 2")), kRows);
}

void TestWorkspace::survivesSigkillDuringWrites()
{
    const QString path = m_dir.filePath(QStringLiteral("killed.efws"));
    QVERIFY(Workspace::create(path));
    qint64 lastCount = 0;
    for (int round = 0; round < 4; ++round) {
        QProcess writer;
        writer.start(QStringLiteral(EF_TEST_WRITER), {path});
        QVERIFY2(writer.waitForStarted(), qPrintable(writer.errorString()));
        QVERIFY2(writer.waitForReadyRead(30000), writer.readAllStandardError().constData());
        QCOMPARE(writer.readLine().trimmed(), QByteArray("ready"));
        QTest::qWait(20 + QRandomGenerator::global()->bounded(150));
        writer.kill(); // SIGKILL: no destructor, no rollback, no checkpoint
        QVERIFY(writer.waitForFinished());
        QCOMPARE(writer.exitStatus(), QProcess::CrashExit);

        const CheckReport report = Workspace::check(path);
        QVERIFY2(report.ok, qPrintable(report.items.isEmpty() ? QString() : report.items.constLast().detail));
        auto ws = Workspace::open(path);
        QVERIFY2(ws, qPrintable(ws.error()));
        auto db = ws->connect();
        QCOMPARE((*db)->queryText(QStringLiteral("PRAGMA integrity_check")), QStringLiteral("ok"));
        const qint64 rows = (*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM test_stress"));
        QCOMPARE(rows % 50, 0);    // only whole transactions survive
        QVERIFY(rows > lastCount); // and every committed one does
        lastCount = rows;
    }
}

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
