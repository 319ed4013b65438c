// SPDX-License-Identifier: GPL-3.0-or-later
// Workspace store: validation, creation, migration, inspection.
#include "backend/workspace.h"

#include <algorithm>

#include <sqlite3.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "backend/argtext.h"
#include "backend/database.h"
#include "backend/templates.h"
#include "backend/timestamp.h"

namespace ef {

namespace {

bool isCorruptionCode(int code)
{
    const int primary = code & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

// Checks what can be checked without SQLite: the file exists, is readable, and starts
// with SQLite's magic string.
Status checkHeader(const QString &path)
{
    const QFileInfo fi(path);
    if (!fi.exists())
        return makeError(
            QCoreApplication::translate("ef::Workspace", "cannot open workspace '%1': the file does not exist")
                .arg(path));
    if (!fi.isFile())
        return makeError(
            QCoreApplication::translate("ef::Workspace", "cannot open workspace '%1': it is not a regular file")
                .arg(path));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(
            QCoreApplication::translate("ef::Workspace", "cannot open workspace '%1': %2").arg(path, f.errorString()));
    const QByteArray head = f.read(100);
    static const QByteArray magic("SQLite format 3\0", 16);
    if (head.size() < 100 || !head.startsWith(magic))
        return makeError(QCoreApplication::translate("ef::Workspace",
                                                     "'%1' is not an EmbedForge workspace: it is not a SQLite database")
                             .arg(path));
    return Status::success();
}

// Read-only validation. Returns the file's schema version. Writes nothing.
Expected<int> validate(const QString &path)
{
    if (Status s = checkHeader(path); !s)
        return makeError(s.error());
    auto db = Database::open(path, Database::Mode::Inspect); // leaves nothing beside a refused file
    if (!db)
        return makeError(db.error());
    try {
        const qint64 appId = (*db)->queryInt(QStringLiteral("PRAGMA application_id"));
        if (appId != Workspace::kApplicationId) {
            return makeError(
                QCoreApplication::translate("ef::Workspace",
                                            "'%1' is not an EmbedForge workspace: its SQLite application_id is 0x%2, "
                                            "a workspace has 0x%3")
                    .arg(path, QStringLiteral("%1").arg(static_cast<quint32>(appId), 8, 16, QLatin1Char('0')),
                         QStringLiteral("%1").arg(static_cast<quint32>(Workspace::kApplicationId), 8, 16,
                                                  QLatin1Char('0'))));
        }
        const int version = static_cast<int>((*db)->queryInt(QStringLiteral("PRAGMA user_version")));
        if (version > Workspace::latestSchemaVersion()) {
            return makeError(
                QCoreApplication::translate("ef::Workspace",
                                            "'%1' was written by a newer EmbedForge: its schema version is %2 and this "
                                            "build reads up to %3; the file was not changed")
                    .arg(argText(path), argText(version), argText(Workspace::latestSchemaVersion())));
        }
        if (version < 1)
            return makeError(QCoreApplication::translate("ef::Workspace",
                                                         "'%1' is not a usable workspace: schema version %2 is invalid")
                                 .arg(argText(path), argText(version)));
        Statement qc = (*db)->prepare(QStringLiteral("PRAGMA quick_check(5)"));
        QStringList problems;
        while (qc.step()) {
            const QString row = qc.columnText(0);
            if (row != QLatin1String("ok"))
                problems << row;
        }
        if (!problems.isEmpty())
            return makeError(
                QCoreApplication::translate("ef::Workspace", "'%1' is corrupt: PRAGMA quick_check reports: %2")
                    .arg(path, problems.join(QStringLiteral("; "))));
        return version;
    } catch (const DbError &e) {
        if (isCorruptionCode(e.code()))
            return makeError(
                QCoreApplication::translate("ef::Workspace", "'%1' is corrupt: %2").arg(path, e.message()));
        return makeError(e.message());
    }
}

void migrate(Database &db, int target)
{
    for (const Migration &m : workspaceMigrations()) {
        if (m.version > target)
            break;
        Transaction tx(db);
        // Re-read inside the write lock: another process may have migrated meanwhile.
        const int current = static_cast<int>(db.queryInt(QStringLiteral("PRAGMA user_version")));
        if (m.version <= current)
            continue;
        if (m.version != current + 1)
            throw DbError(SQLITE_ERROR,
                          QCoreApplication::translate(
                              "ef::Workspace", "%1: cannot migrate from schema version %2 to %3: a step is missing")
                              .arg(argText(db.path()), argText(current), argText(m.version)));
        db.exec(QString::fromUtf8(m.sql));
        db.exec(QStringLiteral("PRAGMA user_version = %1").arg(m.version));
        tx.commit();
    }
}

// Content a new or freshly migrated workspace starts with: the built-in templates, once the
// schema has their table.
void seedContent(Database &db)
{
    if (db.queryInt(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='templates'")) > 0)
        templatestore::seedBuiltins(db);
}

void removeDatabaseFiles(const QString &path)
{
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        QFile::remove(path + QLatin1String(suffix));
}

} // namespace

int Workspace::latestSchemaVersion()
{
    return workspaceMigrations().isEmpty() ? 0 : workspaceMigrations().constLast().version;
}

QString Workspace::artifactsDirFor(const QString &path)
{
    const QFileInfo fi(path);
    return fi.absoluteDir().filePath(fi.completeBaseName() + QStringLiteral(".artifacts"));
}

Expected<Workspace> Workspace::create(const QString &path)
{
    return createImpl(path, latestSchemaVersion());
}

Expected<Workspace> Workspace::createAtVersion(const QString &path, int version)
{
    if (version < 1 || version > latestSchemaVersion())
        return makeError(QCoreApplication::translate("ef::Workspace", "schema version %1 does not exist (1 to %2)")
                             .arg(argText(version), argText(latestSchemaVersion())));
    return createImpl(path, version);
}

Expected<Workspace> Workspace::createImpl(const QString &path, int version)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    if (QFileInfo::exists(abs))
        return makeError(
            QCoreApplication::translate("ef::Workspace", "cannot create workspace '%1': the file already exists")
                .arg(abs));
    if (!QDir().mkpath(QFileInfo(abs).absolutePath()))
        return makeError(
            QCoreApplication::translate("ef::Workspace", "cannot create workspace '%1': cannot create its folder")
                .arg(abs));
    auto db = Database::open(abs, Database::Mode::Create);
    if (!db)
        return makeError(db.error());
    try {
        (*db)->exec(QStringLiteral("PRAGMA journal_mode = WAL"));
        Transaction tx(**db);
        (*db)->exec(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId));
        for (const Migration &m : workspaceMigrations()) {
            if (m.version > version)
                break;
            (*db)->exec(QString::fromUtf8(m.sql));
        }
        (*db)->exec(QStringLiteral("PRAGMA user_version = %1").arg(version));
        Statement meta = (*db)->prepare(QStringLiteral("INSERT INTO meta(key, value) VALUES (?, ?)"));
        meta.bind(1, "created_at").bind(2, isoNow()).run();
        meta.reset();
        meta.bind(1, "created_by").bind(2, QStringLiteral("EmbedForge " EMBEDFORGE_VERSION)).run();
        tx.commit();
        seedContent(**db);
    } catch (const DbError &e) {
        db->reset();
        removeDatabaseFiles(abs);
        return makeError(
            QCoreApplication::translate("ef::Workspace", "cannot create workspace '%1': %2").arg(abs, e.message()));
    }
    if (!QDir().mkpath(artifactsDirFor(abs))) {
        return makeError(
            QCoreApplication::translate("ef::Workspace", "cannot create the artifacts folder '%1' of workspace '%2'")
                .arg(artifactsDirFor(abs), abs));
    }
    return Workspace(abs, version);
}

Expected<Workspace> Workspace::open(const QString &path)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    auto version = validate(abs);
    if (!version)
        return makeError(version.error());
    int current = version.value();
    const QString readOnly = Database::readOnlyReason(abs);
    if (!readOnly.isEmpty()) {
        if (current < latestSchemaVersion())
            return makeError(QCoreApplication::translate("ef::Workspace",
                                                         "cannot open workspace '%1': it has schema version %2 and "
                                                         "needs migrating to %3, but %4")
                                 .arg(abs, QString::number(current), QString::number(latestSchemaVersion()), readOnly));
        Workspace ws(abs, current);
        ws.m_readOnlyReason = readOnly;
        return ws;
    }
    if (current < latestSchemaVersion()) {
        auto db = Database::open(abs, Database::Mode::ReadWrite);
        if (!db)
            return makeError(db.error());
        try {
            migrate(**db, latestSchemaVersion());
            seedContent(**db);
            current = static_cast<int>((*db)->queryInt(QStringLiteral("PRAGMA user_version")));
        } catch (const DbError &e) {
            return makeError(
                QCoreApplication::translate("ef::Workspace", "cannot migrate workspace '%1' from schema version %2: %3")
                    .arg(argText(abs), argText(version.value()), argText(e.message())));
        }
    }
    if (!QDir().mkpath(artifactsDirFor(abs)))
        return makeError(
            QCoreApplication::translate("ef::Workspace", "cannot create the artifacts folder '%1' of workspace '%2'")
                .arg(artifactsDirFor(abs), abs));
    return Workspace(abs, current);
}

Expected<Workspace> Workspace::openOrCreate(const QString &path)
{
    return QFileInfo::exists(path) ? open(path) : create(path);
}

Expected<std::unique_ptr<Database>> Workspace::connect() const
{
    if (isReadOnly())
        return Database::open(m_path, Database::Mode::ReadOnly);
    auto db = Database::open(m_path, Database::Mode::ReadWrite);
    if (!db)
        return db;
    try {
        (*db)->exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    return db;
}

Expected<WorkspaceInfo> Workspace::inspect(const QString &path)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    auto version = validate(abs);
    if (!version)
        return makeError(version.error());
    auto db = Database::open(abs, Database::Mode::Inspect);
    if (!db)
        return makeError(db.error());
    WorkspaceInfo info;
    info.path = abs;
    info.artifactsDir = artifactsDirFor(abs);
    info.schemaVersion = version.value();
    info.latestSchemaVersion = latestSchemaVersion();
    info.readOnlyReason = Database::readOnlyReason(abs);
    for (const char *suffix : {"", "-wal"})
        info.sizeBytes += QFileInfo(abs + QLatin1String(suffix)).size();
    try {
        Database &d = **db;
        info.journalMode = d.queryText(QStringLiteral("PRAGMA journal_mode"));
        {
            // An immutable connection (inspection leaves nothing beside the file) reports no
            // WAL; the header's read/write versions say it (2 means WAL).
            QFile f(abs);
            if (f.open(QIODevice::ReadOnly)) {
                const QByteArray head = f.read(20);
                if (head.size() == 20 && head.at(18) == 2 && head.at(19) == 2)
                    info.journalMode = QStringLiteral("wal");
            }
        }
        Statement meta = d.prepare(QStringLiteral("SELECT key, value FROM meta"));
        while (meta.step()) {
            if (meta.columnText(0) == QLatin1String("created_at"))
                info.createdAt = meta.columnText(1);
            else if (meta.columnText(0) == QLatin1String("created_by"))
                info.createdBy = meta.columnText(1);
        }
        // User tables only: not SQLite's own, not virtual (FTS5) tables nor their shadow tables.
        QStringList virtualTables;
        Statement vt = d.prepare(
            QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"));
        while (vt.step())
            virtualTables << vt.columnText(0) + QLatin1Char('_');
        QStringList tables;
        Statement list =
            d.prepare(QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                     "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"));
        while (list.step()) {
            const QString name = list.columnText(0);
            if (std::none_of(virtualTables.cbegin(), virtualTables.cend(),
                             [&](const QString &v) { return name.startsWith(v); }))
                tables << name;
        }
        for (const QString &t : tables) {
            QString quoted = t;
            quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
            info.tableRows.insert(t, d.queryInt(QStringLiteral("SELECT COUNT(*) FROM \"%1\"").arg(quoted)));
        }
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    return info;
}

CheckReport Workspace::check(const QString &path, const std::function<void(int, int, const QString &)> &progress)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    CheckReport report;
    report.path = abs;
    constexpr int kSteps = 6;
    int step = 0;
    auto record = [&](const QString &name, bool ok, const QString &detail) {
        report.items.append(CheckItem{name, ok, detail});
        if (progress)
            progress(++step, kSteps, name);
        return ok;
    };

    const Status header = checkHeader(abs);
    if (!record(QStringLiteral("header"), header.ok(),
                header.ok() ? QCoreApplication::translate("ef::Workspace", "SQLite format 3") : header.error()))
        return report;

    auto db = Database::open(abs, Database::Mode::Inspect);
    if (!db) {
        record(QStringLiteral("application_id"), false, db.error());
        return report;
    }
    try {
        Database &d = **db;
        const qint64 appId = d.queryInt(QStringLiteral("PRAGMA application_id"));
        const QString appHex = QStringLiteral("0x%1").arg(static_cast<quint32>(appId), 8, 16, QLatin1Char('0'));
        if (!record(QStringLiteral("application_id"), appId == kApplicationId,
                    appId == kApplicationId
                        ? appHex
                        : QCoreApplication::translate("ef::Workspace", "%1 is not an EmbedForge workspace's 0x45465753")
                              .arg(appHex)))
            return report;

        const int version = static_cast<int>(d.queryInt(QStringLiteral("PRAGMA user_version")));
        const bool versionOk = version >= 1 && version <= latestSchemaVersion();
        QString versionDetail = QCoreApplication::translate("ef::Workspace", "version %1 of %2")
                                    .arg(argText(version), argText(latestSchemaVersion()));
        if (version > latestSchemaVersion())
            versionDetail = QCoreApplication::translate("ef::Workspace", "version %1 is newer than this build (%2)")
                                .arg(argText(version), argText(latestSchemaVersion()));
        else if (version < latestSchemaVersion() && version >= 1)
            versionDetail += QCoreApplication::translate("ef::Workspace", " (migrated when opened)");
        if (!record(QStringLiteral("schema"), versionOk, versionDetail))
            return report;

        QStringList problems;
        Statement qc = d.prepare(QStringLiteral("PRAGMA quick_check(5)"));
        while (qc.step())
            if (qc.columnText(0) != QLatin1String("ok"))
                problems << qc.columnText(0);
        if (!record(QStringLiteral("quick_check"), problems.isEmpty(),
                    problems.isEmpty() ? QStringLiteral("ok") : problems.join(QStringLiteral("; "))))
            return report;

        qint64 violations = 0;
        Statement fk = d.prepare(QStringLiteral("PRAGMA foreign_key_check"));
        while (fk.step())
            ++violations;
        record(QStringLiteral("foreign_keys"), violations == 0,
               violations == 0
                   ? QCoreApplication::translate("ef::Workspace", "no violations")
                   : QCoreApplication::translate("ef::Workspace", "%1 rows break a foreign key").arg(violations));
    } catch (const DbError &e) {
        record(QStringLiteral("quick_check"), false,
               isCorruptionCode(e.code()) ? QCoreApplication::translate("ef::Workspace", "corrupt: %1").arg(e.message())
                                          : e.message());
        return report;
    }
    const QString artifacts = artifactsDirFor(abs);
    record(QStringLiteral("artifacts"), QFileInfo(artifacts).isDir(),
           QFileInfo(artifacts).isDir()
               ? artifacts
               : QCoreApplication::translate("ef::Workspace", "missing folder %1").arg(artifacts));
    report.ok = true;
    for (const CheckItem &item : report.items)
        report.ok = report.ok && item.ok;
    return report;
}

} // namespace ef
