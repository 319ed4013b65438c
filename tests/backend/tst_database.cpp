// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of the RAII SQLite wrappers: statements, transactions, errors that name the file.
#include <sqlite3.h>

#include <QTemporaryDir>
#include <QTest>

#include "backend/database.h"

using namespace ef;

class TestDatabase final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bindAndReadBack();
    void multiStatementPrepareIsRejected();
    void transactionRollsBackOnScopeExit();
    void commitTwiceThrows();
    void errorsNameTheFileAndStatement();
    void fullDiskIsAnErrorAndLosesNothing();
    void readOnlyOpenDoesNotCreate();

private:
    std::unique_ptr<Database> openTemp(QTemporaryDir &dir)
    {
        auto db = Database::open(dir.filePath(QStringLiteral("t.db")), Database::Mode::Create);
        if (!db)
            qFatal("%s", qPrintable(db.error()));
        return std::move(db).value();
    }
};

void TestDatabase::bindAndReadBack()
{
    QTemporaryDir dir;
    auto db = openTemp(dir);
    db->exec(QStringLiteral("CREATE TABLE t(i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)"));
    const QString text = QStringLiteral("héllo 世界 \u2028 end");
    const QByteArray blob("\x00\x01\xff", 3);
    db->prepare(QStringLiteral("INSERT INTO t VALUES (?, ?, ?, ?, ?)"))
        .bind(1, qint64(1) << 40)
        .bind(2, 2.5)
        .bind(3, text)
        .bindBlob(4, blob)
        .bindNull(5)
        .run();
    Statement s = db->prepare(QStringLiteral("SELECT i, d, s, b, n FROM t"));
    QVERIFY(s.step());
    QCOMPARE(s.columnInt(0), qint64(1) << 40);
    QCOMPARE(s.columnDouble(1), 2.5);
    QCOMPARE(s.columnText(2), text);
    QCOMPARE(s.columnBlob(3), blob);
    QVERIFY(s.columnIsNull(4));
    QVERIFY(!s.step());
}

void TestDatabase::multiStatementPrepareIsRejected()
{
    QTemporaryDir dir;
    auto db = openTemp(dir);
    QVERIFY_THROWS_EXCEPTION(DbError, db->prepare(QStringLiteral("SELECT 1; SELECT 2")));
}

void TestDatabase::transactionRollsBackOnScopeExit()
{
    QTemporaryDir dir;
    auto db = openTemp(dir);
    db->exec(QStringLiteral("CREATE TABLE t(x)"));
    {
        Transaction tx(*db);
        db->exec(QStringLiteral("INSERT INTO t VALUES (1)"));
        QVERIFY(db->inTransaction());
    }
    QVERIFY(!db->inTransaction());
    QCOMPARE(db->queryInt(QStringLiteral("SELECT COUNT(*) FROM t")), 0);
    {
        Transaction tx(*db);
        db->exec(QStringLiteral("INSERT INTO t VALUES (1)"));
        tx.commit();
    }
    QCOMPARE(db->queryInt(QStringLiteral("SELECT COUNT(*) FROM t")), 1);
}

void TestDatabase::commitTwiceThrows()
{
    QTemporaryDir dir;
    auto db = openTemp(dir);
    Transaction tx(*db);
    tx.commit();
    QVERIFY_THROWS_EXCEPTION(DbError, tx.commit());
}

void TestDatabase::errorsNameTheFileAndStatement()
{
    QTemporaryDir dir;
    auto db = openTemp(dir);
    try {
        db->exec(QStringLiteral("SELECT * FROM no_such_table"));
        QFAIL("expected DbError");
    } catch (const DbError &e) {
        QVERIFY2(e.message().contains(dir.filePath(QStringLiteral("t.db"))), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QStringLiteral("no_such_table")), qPrintable(e.message()));
        QCOMPARE(e.code() & 0xff, SQLITE_ERROR);
    }
}

// A full disk is simulated with max_page_count: SQLite reports SQLITE_FULL exactly as it
// does when the file system is full. The failed transaction rolls back; earlier data stays.
void TestDatabase::fullDiskIsAnErrorAndLosesNothing()
{
    QTemporaryDir dir;
    auto db = openTemp(dir);
    db->exec(QStringLiteral("CREATE TABLE t(payload BLOB)"));
    {
        Transaction tx(*db);
        db->prepare(QStringLiteral("INSERT INTO t VALUES (?)")).bindBlob(1, QByteArray(1000, 'a')).run();
        tx.commit();
    }
    const qint64 pages = db->queryInt(QStringLiteral("PRAGMA page_count"));
    db->exec(QStringLiteral("PRAGMA max_page_count = %1").arg(pages + 2));
    bool sawFull = false;
    try {
        Transaction tx(*db);
        Statement ins = db->prepare(QStringLiteral("INSERT INTO t VALUES (?)"));
        for (int i = 0; i < 100; ++i) {
            ins.bindBlob(1, QByteArray(4000, 'b'));
            ins.run();
            ins.reset();
        }
        tx.commit();
    } catch (const DbError &e) {
        sawFull = (e.code() & 0xff) == SQLITE_FULL;
        QVERIFY2(e.message().contains(QStringLiteral("t.db")), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QStringLiteral("full")), qPrintable(e.message()));
    }
    QVERIFY(sawFull);
    QCOMPARE(db->queryInt(QStringLiteral("SELECT COUNT(*) FROM t")), 1);
    QCOMPARE(db->queryText(QStringLiteral("PRAGMA integrity_check")), QStringLiteral("ok"));
}

void TestDatabase::readOnlyOpenDoesNotCreate()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("absent.db"));
    auto db = Database::open(path, Database::Mode::ReadOnly);
    QVERIFY(!db);
    QVERIFY2(db.error().contains(path), qPrintable(db.error()));
    QVERIFY(!QFileInfo::exists(path));
}

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
