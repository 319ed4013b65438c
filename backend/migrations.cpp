// SPDX-License-Identifier: GPL-3.0-or-later
// The workspace schema, as forward-only migrations. Append; never edit a released entry.
#include "backend/workspace.h"

namespace ef {

const QList<Migration> &workspaceMigrations()
{
    static const QList<Migration> migrations = {
        {1, "meta",
         R"sql(
            CREATE TABLE meta (
                key   TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
            ) WITHOUT ROWID;
         )sql"},
        {2, "jobs",
         R"sql(
            CREATE TABLE jobs (
                id          INTEGER PRIMARY KEY,
                kind        TEXT NOT NULL,
                title       TEXT NOT NULL,
                state       TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed','cancelled')),
                done        INTEGER NOT NULL DEFAULT 0,
                total       INTEGER NOT NULL DEFAULT 0,
                message     TEXT NOT NULL DEFAULT '',
                error       TEXT NOT NULL DEFAULT '',
                created_at  TEXT NOT NULL,
                started_at  TEXT,
                finished_at TEXT
            );
            CREATE INDEX jobs_by_kind ON jobs(kind, created_at);
         )sql"},
    };
    return migrations;
}

} // namespace ef
