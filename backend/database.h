// SPDX-License-Identifier: GPL-3.0-or-later
// Small RAII wrappers around sqlite3: Database (a connection), Statement and Transaction.
//
// Thread-safety: a Database is one connection and belongs to the thread that uses it;
// never share one between threads (open one per thread instead, see Workspace::connect()).
// SQL errors are exceptions (DbError) that name the file and the statement; they are
// caught at the job boundary and in the CLI, which turn them into messages.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>

#include <QByteArray>
#include <QString>
#include <QVariant>

#include "backend/expected.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ef {

class DbError : public std::runtime_error
{
public:
    DbError(int code, const QString &message);
    int code() const { return m_code; }
    QString message() const { return QString::fromUtf8(what()); }

private:
    int m_code;
};

class Statement;

class Database final
{
public:
    // Inspect: read-only, and nothing is created beside the file (no -shm, no -wal) unless a
    // -wal already holds changes: for validating a file that may not be a workspace at all.
    enum class Mode { ReadOnly, ReadWrite, Create, Inspect };

    // Opens a connection with foreign keys on and a busy timeout. Never creates the
    // file unless mode is Create.
    //
    // ReadOnly on a file that this process cannot write, or in a folder it cannot write,
    // opens it immutable (no WAL index, no locks, nothing created beside it), as long as
    // no write-ahead log holds changes that the main file lacks; writes through such a
    // connection fail with a DbError that says why (readOnlyReason()).
    static Expected<std::unique_ptr<Database>> open(const QString &path, Mode mode);
    // Why path cannot be written by this process ("its folder '/x' is not writable"), or
    // an empty string when it can.
    static QString readOnlyReason(const QString &path);
    // The SQLite library in use, e.g. "3.40.1".
    static QString sqliteVersion();
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    const QString &path() const { return m_path; }
    sqlite3 *handle() const { return m_db; }
    // Why this connection cannot write (opened read-only where the process cannot write), or empty.
    const QString &readOnlyBecause() const { return m_readOnlyReason; }

    // Runs one or more statements without results. Throws DbError.
    void exec(const QString &sql);
    // Prepares one statement. Throws DbError.
    Statement prepare(const QString &sql);
    // First column of the first row (or def when there is no row). Throws DbError.
    qint64 queryInt(const QString &sql, qint64 def = 0);
    QString queryText(const QString &sql, const QString &def = {});

    qint64 lastInsertRowId() const;
    int changes() const;
    bool inTransaction() const;

    // Throws a DbError for rc, naming this database's file and context.
    [[noreturn]] void raise(int rc, const QString &context) const;

private:
    Database(sqlite3 *db, QString path) : m_db(db), m_path(std::move(path)) {}
    QString errorMessage(int rc, const QString &reason, const QString &context) const;
    sqlite3 *m_db;
    QString m_path;
    QString m_readOnlyReason;
};

// A prepared statement. Owned by the caller; short-lived; move-only.
// Bind indexes are 1-based, column indexes 0-based (SQLite's convention).
class Statement final
{
public:
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement();

    Statement &bind(int index, qint64 value);
    Statement &bind(int index, int value) { return bind(index, static_cast<qint64>(value)); }
    Statement &bind(int index, double value);
    Statement &bind(int index, const QString &value);
    Statement &bind(int index, const char *utf8) { return bind(index, QString::fromUtf8(utf8)); }
    Statement &bindBlob(int index, const QByteArray &value);
    Statement &bindNull(int index);

    // Steps once: true when a row is ready, false when done. Throws DbError.
    bool step();
    // Steps to completion, for statements without results.
    void run();
    void reset();

    qint64 columnInt(int col) const;
    double columnDouble(int col) const;
    QString columnText(int col) const;
    QByteArray columnBlob(int col) const;
    bool columnIsNull(int col) const;
    int columnCount() const;

private:
    friend class Database;
    Statement(const Database *db, sqlite3_stmt *stmt, QString sql) : m_db(db), m_stmt(stmt), m_sql(std::move(sql)) {}
    const Database *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_sql;
};

// Begins in its constructor (IMMEDIATE by default, so writers queue on the busy timeout
// instead of failing when they upgrade), rolls back in its destructor unless committed.
class Transaction final
{
public:
    enum class Kind { Deferred, Immediate };
    explicit Transaction(Database &db, Kind kind = Kind::Immediate);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    void commit();

private:
    Database &m_db;
    bool m_done = false;
};

} // namespace ef
