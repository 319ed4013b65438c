// SPDX-License-Identifier: GPL-3.0-or-later
// Persists finished jobs in the workspace's jobs table, so a workspace remembers its work.
#pragma once

#include <QList>

#include "backend/jobs.h"

namespace ef {

class Database;

// Inserts one finished job (its own transaction). Throws DbError.
void recordJob(Database &db, const JobInfo &info);
// The newest jobs first, at most limit. Throws DbError.
QList<JobInfo> loadJobHistory(Database &db, int limit = 200);

} // namespace ef
