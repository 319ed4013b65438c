// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli workspace init|info|check.
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

#include "app/cli/cli.h"
#include "backend/argtext.h"
#include "backend/workspace.h"
#include "backend/workspacetasks.h"

namespace ef::cli {

namespace {

int workspaceInit(Context &ctx)
{
    const ParsedArgs a = ctx.parse({}, {}, 1, 1);
    auto ws = Workspace::create(a.positionals.at(0));
    if (!ws)
        return ctx.fail(ws.error());
    if (ctx.json) {
        ctx.printJson({{QStringLiteral("path"), ws->path()},
                       {QStringLiteral("schema_version"), ws->schemaVersion()},
                       {QStringLiteral("artifacts"), ws->artifactsDir()}});
    } else {
        ctx.out << QCoreApplication::translate("ef::cli", "Created workspace %1 (schema version %2)")
                       .arg(argText(ws->path()), argText(ws->schemaVersion()))
                << Qt::endl
                << QCoreApplication::translate("ef::cli", "Artifacts folder: %1").arg(ws->artifactsDir()) << Qt::endl;
    }
    return ExitOk;
}

int workspaceInfo(Context &ctx)
{
    const ParsedArgs a = ctx.parse({}, {}, 1, 1);
    auto info = Workspace::inspect(a.positionals.at(0));
    if (!info)
        return ctx.fail(info.error());
    if (ctx.json) {
        QJsonObject tables;
        for (auto it = info->tableRows.cbegin(); it != info->tableRows.cend(); ++it)
            tables.insert(it.key(), it.value());
        ctx.printJson({{QStringLiteral("path"), info->path},
                       {QStringLiteral("schema_version"), info->schemaVersion},
                       {QStringLiteral("latest_schema_version"), info->latestSchemaVersion},
                       {QStringLiteral("created_at"), info->createdAt},
                       {QStringLiteral("created_by"), info->createdBy},
                       {QStringLiteral("size_bytes"), info->sizeBytes},
                       {QStringLiteral("journal_mode"), info->journalMode},
                       {QStringLiteral("writable"), info->readOnlyReason.isEmpty()},
                       {QStringLiteral("read_only_reason"), info->readOnlyReason},
                       {QStringLiteral("artifacts"), info->artifactsDir},
                       {QStringLiteral("tables"), tables}});
        return ExitOk;
    }
    ctx.out << QCoreApplication::translate("ef::cli", "Workspace:      %1").arg(info->path) << Qt::endl
            << QCoreApplication::translate("ef::cli", "Schema version: %1 (this build: %2)")
                   .arg(argText(info->schemaVersion), argText(info->latestSchemaVersion))
            << Qt::endl
            << QCoreApplication::translate("ef::cli", "Created:        %1 by %2").arg(info->createdAt, info->createdBy)
            << Qt::endl
            << QCoreApplication::translate("ef::cli", "Size:           %1 bytes (journal %2)")
                   .arg(argText(info->sizeBytes), argText(info->journalMode))
            << Qt::endl
            << QCoreApplication::translate("ef::cli", "Artifacts:      %1").arg(info->artifactsDir) << Qt::endl;
    if (!info->readOnlyReason.isEmpty())
        ctx.out << QCoreApplication::translate("ef::cli", "Access:         read-only (%1)").arg(info->readOnlyReason)
                << Qt::endl;
    ctx.out << QCoreApplication::translate("ef::cli", "Tables:") << Qt::endl;
    for (auto it = info->tableRows.cbegin(); it != info->tableRows.cend(); ++it)
        ctx.out << QStringLiteral("  %1 %2").arg(it.key(), -24).arg(it.value()) << Qt::endl;
    return ExitOk;
}

int workspaceCheck(Context &ctx)
{
    const ParsedArgs a = ctx.parse({}, {}, 1, 1);
    ProgressPrinter progress(QCoreApplication::translate("ef::cli", "checking"));
    const JobInfo job = runJob(makeWorkspaceCheckJob(a.positionals.at(0)),
                               [&](const JobProgress &p) { progress.update(p.done, p.total, p.message); });
    progress.finish();
    const std::optional<CheckReport> result = jobResult<CheckReport>(job);
    if (!result)
        return ctx.fail(job.error);
    const CheckReport &report = *result;
    if (ctx.json) {
        QJsonArray checks;
        for (const CheckItem &item : report.items)
            checks.append(QJsonObject{{QStringLiteral("name"), item.name},
                                      {QStringLiteral("ok"), item.ok},
                                      {QStringLiteral("detail"), item.detail}});
        QJsonObject o{{QStringLiteral("path"), report.path},
                      {QStringLiteral("ok"), report.ok},
                      {QStringLiteral("checks"), checks}};
        if (!report.ok && !report.items.isEmpty())
            o.insert(QStringLiteral("error"), report.items.constLast().detail);
        ctx.printJson(o);
    } else {
        for (const CheckItem &item : report.items)
            ctx.out << (item.ok ? QStringLiteral("ok    ") : QStringLiteral("FAIL  "))
                    << QStringLiteral("%1").arg(item.name, -16) << item.detail << Qt::endl;
    }
    if (!report.ok) {
        const CheckItem failed = report.items.isEmpty() ? CheckItem{} : report.items.constLast();
        if (failed.detail.contains(report.path))
            return ctx.fail(failed.detail);
        return ctx.fail(QCoreApplication::translate("ef::cli", "'%1' failed the %2 check: %3")
                            .arg(report.path, failed.name, failed.detail));
    }
    if (!ctx.json)
        ctx.out << QCoreApplication::translate("ef::cli", "Workspace %1 is healthy.").arg(report.path) << Qt::endl;
    return ExitOk;
}

} // namespace

void registerWorkspaceCommands(Registry &registry)
{
    registry.add({{QStringLiteral("workspace"), QStringLiteral("init")},
                  QStringLiteral("workspace init PATH [--json]"),
                  QCoreApplication::translate("ef::cli", "Create a new workspace file and its artifacts folder"),
                  workspaceInit});
    registry.add({{QStringLiteral("workspace"), QStringLiteral("info")},
                  QStringLiteral("workspace info PATH [--json]"),
                  QCoreApplication::translate("ef::cli", "Show a workspace's schema, size and tables (read-only)"),
                  workspaceInfo});
    registry.add(
        {{QStringLiteral("workspace"), QStringLiteral("check")},
         QStringLiteral("workspace check PATH [--json]"),
         QCoreApplication::translate("ef::cli", "Check a workspace's integrity (read-only); exit 0 when healthy"),
         workspaceCheck});
}

} // namespace ef::cli
