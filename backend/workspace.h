// SPDX-License-Identifier: GPL-3.0-or-later
// Workspace: one SQLite file (*.efws) plus a sibling artifacts folder (*.artifacts/).
//
// The file carries application_id 'EFWS' and its schema version in user_version.
// Opening validates before it writes anything: a file that is not a workspace, is
// corrupt, or was written by a newer build is refused with a message naming the file
// and the reason, and is left untouched. Valid files are migrated forward on open.
//
// Thread-safety: a Workspace is a small value (path and version); copy it freely across
// threads. Each thread opens its own connection with connect().
#pragma once

#include <functional>
#include <memory>

#include <QList>
#include <QMap>
#include <QString>

#include "backend/expected.h"

namespace ef {

class Database;

struct WorkspaceInfo
{
    QString path;
    QString artifactsDir;
    int schemaVersion = 0;
    int latestSchemaVersion = 0;
    QString createdAt; // ISO 8601, UTC
    QString createdBy; // "EmbedForge 0.1.0"
    qint64 sizeBytes = 0;
    QString journalMode;
    QString readOnlyReason;          // empty when this process can write the workspace
    QMap<QString, qint64> tableRows; // user tables and their row counts
};

struct CheckItem
{
    QString name; // stable key: "header", "application_id", "schema", "quick_check", ...
    bool ok = false;
    QString detail; // what was found
};

struct CheckReport
{
    QString path;
    bool ok = false;
    QList<CheckItem> items;
};

// One forward-only migration: version N's SQL takes a file from version N-1 to N.
struct Migration
{
    int version;
    const char *name;
    const char *sql;
};

// Every migration this build knows, in order (backend/migrations.cpp).
const QList<Migration> &workspaceMigrations();

class Workspace final
{
public:
    static constexpr qint32 kApplicationId = 0x45465753; // "EFWS"
    static constexpr const char *kFileSuffix = "efws";

    static int latestSchemaVersion();
    // "/x/demo.efws" -> "/x/demo.artifacts"
    static QString artifactsDirFor(const QString &path);

    // Creates a new workspace; fails if the path exists.
    static Expected<Workspace> create(const QString &path);
    // Creates a workspace at an older schema version (for migration tests and tools).
    static Expected<Workspace> createAtVersion(const QString &path, int version);
    // Validates, then migrates to the latest schema.
    static Expected<Workspace> open(const QString &path);
    static Expected<Workspace> openOrCreate(const QString &path);

    // Read-only look at a workspace; never writes to it.
    static Expected<WorkspaceInfo> inspect(const QString &path);
    // Read-only health check, step by step; progress(done, total, stepName).
    static CheckReport check(const QString &path, const std::function<void(int, int, const QString &)> &progress = {});

    // A new connection for the calling thread (WAL, foreign keys, busy timeout).
    Expected<std::unique_ptr<Database>> connect() const;

    const QString &path() const { return m_path; }
    QString artifactsDir() const { return artifactsDirFor(m_path); }
    int schemaVersion() const { return m_version; }
    bool isValid() const { return !m_path.isEmpty(); }
    // Why this process cannot write the workspace (its file or folder is not writable), or
    // empty. A read-only workspace opens for reading: connect() gives read-only connections
    // and every write fails with this reason.
    const QString &readOnlyReason() const { return m_readOnlyReason; }
    bool isReadOnly() const { return !m_readOnlyReason.isEmpty(); }

    Workspace() = default;

private:
    Workspace(QString path, int version) : m_path(std::move(path)), m_version(version) {}
    static Expected<Workspace> createImpl(const QString &path, int version);
    QString m_path;
    int m_version = 0;
    QString m_readOnlyReason;
};

} // namespace ef
