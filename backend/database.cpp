// SPDX-License-Identifier: GPL-3.0-or-later
// RAII wrappers around sqlite3.
#include "backend/database.h"

#include <unistd.h>

#include <sqlite3.h>

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

namespace ef {

namespace {
constexpr int kBusyTimeoutMs = 30000;

QString sqlForMessage(const QString &sql)
{
    QString s = sql.simplified();
    if (s.size() > 160)
        s = s.left(157) + QStringLiteral("...");
    return s;
}
bool writable(const QString &path)
{
    return ::access(QFile::encodeName(path).constData(), W_OK) == 0;
}

// A SQLite URI for path with the given query, percent-encoding what a URI reserves.
QByteArray uriFor(const QString &path, const char *query)
{
    return QByteArray("file:") + QUrl::toPercentEncoding(QFileInfo(path).absoluteFilePath(), "/") + '?' + query;
}
} // namespace

QString Database::sqliteVersion()
{
    return QString::fromLatin1(sqlite3_libversion());
}

QString Database::readOnlyReason(const QString &path)
{
    const QFileInfo fi(path);
    const QString folder = fi.absolutePath();
    if (fi.exists() && !writable(fi.absoluteFilePath()))
        return QCoreApplication::translate("ef::Database", "the file '%1' is not writable").arg(fi.absoluteFilePath());
    if (!writable(folder))
        return QCoreApplication::translate("ef::Database", "its folder '%1' is not writable").arg(folder);
    return {};
}

DbError::DbError(int code, const QString &message) : std::runtime_error(message.toStdString()), m_code(code)
{}

Expected<std::unique_ptr<Database>> Database::open(const QString &path, Mode mode)
{
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
    case Mode::ReadOnly:
    case Mode::Inspect:
        flags |= SQLITE_OPEN_READONLY;
        break;
    case Mode::ReadWrite:
        flags |= SQLITE_OPEN_READWRITE;
        break;
    case Mode::Create:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        break;
    }
    QByteArray target = path.toUtf8();
    QString readOnlyReason;
    if (mode == Mode::ReadOnly || mode == Mode::Inspect) {
        // A WAL database opened read-only still writes its -shm index beside it. Where this
        // process cannot write (or must leave nothing behind), read the file as immutable
        // instead, which is exact as long as no -wal file holds committed pages that are not
        // yet in the main file.
        readOnlyReason = Database::readOnlyReason(path);
        if (!readOnlyReason.isEmpty() || mode == Mode::Inspect) {
            const QFileInfo wal(path + QStringLiteral("-wal"));
            if (!readOnlyReason.isEmpty() && wal.exists() && wal.size() > 0 &&
                !QFileInfo::exists(path + QStringLiteral("-shm")))
                return makeError(QCoreApplication::translate("ef::Database",
                                                             "cannot open '%1' read-only: %2, and its write-ahead log "
                                                             "'%3' holds changes not yet in the file; open it once "
                                                             "where it can be written, or copy it with its -wal file")
                                     .arg(path, readOnlyReason, wal.absoluteFilePath()));
            if (!wal.exists() || wal.size() == 0) {
                target = uriFor(path, "immutable=1");
                flags |= SQLITE_OPEN_URI;
            }
        }
    }
    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(target.constData(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const QString reason = db ? QString::fromUtf8(sqlite3_errmsg(db)) : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_close(db);
        return makeError(QCoreApplication::translate("ef::Database", "cannot open '%1': %2").arg(path, reason));
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    std::unique_ptr<Database> out(new Database(db, path));
    out->m_readOnlyReason = readOnlyReason;
    try {
        out->exec(QStringLiteral("PRAGMA foreign_keys = ON"));
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    return out;
}

Database::~Database()
{
    sqlite3_close_v2(m_db);
}

QString Database::errorMessage(int rc, const QString &reason, const QString &context) const
{
    if ((rc & 0xff) == SQLITE_READONLY) {
        const QString why = m_readOnlyReason.isEmpty() ? readOnlyReason(m_path) : m_readOnlyReason;
        if (!why.isEmpty())
            return QCoreApplication::translate("ef::Database", "cannot write to '%1': %2 (while running: %3)")
                .arg(m_path, why, sqlForMessage(context));
    }
    return QCoreApplication::translate("ef::Database", "%1: %2 (while running: %3)")
        .arg(m_path, reason, sqlForMessage(context));
}

void Database::raise(int rc, const QString &context) const
{
    const char *msg = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
    throw DbError(rc, errorMessage(rc, QString::fromUtf8(msg), context));
}

void Database::exec(const QString &sql)
{
    char *err = nullptr;
    const QByteArray utf8 = sql.toUtf8();
    const int rc = sqlite3_exec(m_db, utf8.constData(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        const QString msg = err ? QString::fromUtf8(err) : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_free(err);
        throw DbError(rc, errorMessage(rc, msg, sql));
    }
}

Statement Database::prepare(const QString &sql)
{
    sqlite3_stmt *stmt = nullptr;
    const QByteArray utf8 = sql.toUtf8();
    const char *tail = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, utf8.constData(), static_cast<int>(utf8.size()), &stmt, &tail);
    if (rc != SQLITE_OK)
        raise(rc, sql);
    if (tail && QByteArray(tail).trimmed().size() > 0) {
        sqlite3_finalize(stmt);
        throw DbError(
            SQLITE_MISUSE,
            QStringLiteral("%1: more than one statement given to prepare(): %2").arg(m_path, sqlForMessage(sql)));
    }
    return Statement(this, stmt, sql);
}

qint64 Database::queryInt(const QString &sql, qint64 def)
{
    Statement s = prepare(sql);
    return s.step() && !s.columnIsNull(0) ? s.columnInt(0) : def;
}

QString Database::queryText(const QString &sql, const QString &def)
{
    Statement s = prepare(sql);
    return s.step() ? s.columnText(0) : def;
}

qint64 Database::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const
{
    return sqlite3_changes(m_db);
}

bool Database::inTransaction() const
{
    return sqlite3_get_autocommit(m_db) == 0;
}

// ---- Statement ----

Statement::Statement(Statement &&other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt), m_sql(std::move(other.m_sql))
{
    other.m_stmt = nullptr;
}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = other.m_db;
        m_stmt = other.m_stmt;
        m_sql = std::move(other.m_sql);
        other.m_stmt = nullptr;
    }
    return *this;
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement &Statement::bind(int index, qint64 value)
{
    const int rc = sqlite3_bind_int64(m_stmt, index, value);
    if (rc != SQLITE_OK)
        m_db->raise(rc, m_sql);
    return *this;
}

Statement &Statement::bind(int index, double value)
{
    const int rc = sqlite3_bind_double(m_stmt, index, value);
    if (rc != SQLITE_OK)
        m_db->raise(rc, m_sql);
    return *this;
}

Statement &Statement::bind(int index, const QString &value)
{
    if (value.isNull())
        return bindNull(index);
    const QByteArray utf8 = value.toUtf8();
    const int rc = sqlite3_bind_text64(m_stmt, index, utf8.constData(), static_cast<sqlite3_uint64>(utf8.size()),
                                       SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK)
        m_db->raise(rc, m_sql);
    return *this;
}

Statement &Statement::bindBlob(int index, const QByteArray &value)
{
    const int rc = sqlite3_bind_blob64(m_stmt, index, value.constData(), static_cast<sqlite3_uint64>(value.size()),
                                       SQLITE_TRANSIENT);
    if (rc != SQLITE_OK)
        m_db->raise(rc, m_sql);
    return *this;
}

Statement &Statement::bindNull(int index)
{
    const int rc = sqlite3_bind_null(m_stmt, index);
    if (rc != SQLITE_OK)
        m_db->raise(rc, m_sql);
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    sqlite3_reset(m_stmt);
    m_db->raise(rc, m_sql);
}

void Statement::run()
{
    while (step()) {
    }
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

qint64 Statement::columnInt(int col) const
{
    return sqlite3_column_int64(m_stmt, col);
}

double Statement::columnDouble(int col) const
{
    return sqlite3_column_double(m_stmt, col);
}

QString Statement::columnText(int col) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, col));
    const int n = sqlite3_column_bytes(m_stmt, col);
    return p ? QString::fromUtf8(p, n) : QString();
}

QByteArray Statement::columnBlob(int col) const
{
    const auto *p = static_cast<const char *>(sqlite3_column_blob(m_stmt, col));
    const int n = sqlite3_column_bytes(m_stmt, col);
    return p ? QByteArray(p, n) : QByteArray();
}

bool Statement::columnIsNull(int col) const
{
    return sqlite3_column_type(m_stmt, col) == SQLITE_NULL;
}

int Statement::columnCount() const
{
    return sqlite3_column_count(m_stmt);
}

// ---- Transaction ----

Transaction::Transaction(Database &db, Kind kind) : m_db(db)
{
    m_db.exec(kind == Kind::Immediate ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN"));
}

Transaction::~Transaction()
{
    if (m_done)
        return;
    // Never throw from a destructor: a failed rollback leaves SQLite to roll back on close.
    sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit()
{
    if (m_done)
        throw DbError(SQLITE_MISUSE, QStringLiteral("%1: transaction committed twice").arg(m_db.path()));
    m_db.exec(QStringLiteral("COMMIT"));
    m_done = true;
}

} // namespace ef
