// SPDX-License-Identifier: GPL-3.0-or-later
// Workspace-level work the GUI and the CLI share: the integrity check as a job, and the demo
// workspace a first run opens.
//
// Errors: Expected/Status with the path named; the check job fails with the failed step's detail.
// Thread-safety: openDemoWorkspace opens its own connections; call it off the GUI thread.
#pragma once

#include <QString>
#include <QStringList>
#include <QMap>

#include "backend/expected.h"
#include "backend/jobs.h"
#include "backend/workspace.h"

namespace ef {

// A job (kind "workspace.check", light, handle: the path) running Workspace::check step by
// step. Result: CheckReport (also when the check fails, which fails the job).
JobSpec makeWorkspaceCheckJob(const QString &path);

// Opens the demo workspace at path, creating it on first use with the embedded demo examples
// (resources/demo/examples.jsonl) and the demo corpus with its qrels, so every page has
// something to show offline.
Expected<Workspace> openDemoWorkspace(const QString &path);

// What a workspace holds beyond its table sizes, for the dashboard: examples by status, how many
// are excluded from training, the corpora's names, unfinished generation runs.
struct WorkspaceHoldings
{
    QMap<QString, qint64> examplesByStatus;
    qint64 excluded = 0;
    QStringList corpora;
    qint64 unfinishedGenerationRuns = 0;
};
Expected<WorkspaceHoldings> workspaceHoldings(const Workspace &ws);

} // namespace ef

Q_DECLARE_METATYPE(ef::CheckReport)
