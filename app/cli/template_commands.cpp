// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli templates list|show|validate|export|import: the workspace's prompt templates.
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/cli.h"
#include "backend/argtext.h"
#include "backend/fileguard.h"
#include "backend/templates.h"

namespace ef::cli {

namespace {

QJsonObject issueJson(const TemplateIssue &i)
{
    return QJsonObject{{QStringLiteral("severity"), i.severity == TemplateIssue::Severity::Error
                                                        ? QStringLiteral("error")
                                                        : QStringLiteral("warning")},
                       {QStringLiteral("code"), i.code},
                       {QStringLiteral("subject"), i.subject},
                       {QStringLiteral("message"), i.message}};
}

int templatesList(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace")}, {}, 0, 0);
    OpenedWorkspace o = openWorkspace(a);
    const QList<PromptTemplate> all = templatestore::list(*o.db);
    if (ctx.json) {
        QJsonArray arr;
        for (const PromptTemplate &t : all) {
            const PromptTemplate *b = builtinTemplate(t.id);
            arr.append(QJsonObject{{QStringLiteral("id"), t.id},
                                   {QStringLiteral("family"), t.family},
                                   {QStringLiteral("step"), t.step},
                                   {QStringLiteral("version"), t.version},
                                   {QStringLiteral("title"), t.title},
                                   {QStringLiteral("modified"), !b || !diffTemplates(*b, t).isEmpty()},
                                   {QStringLiteral("valid"), !hasErrors(validateTemplate(t))}});
        }
        ctx.printJson({{QStringLiteral("templates"), arr}});
        return ExitOk;
    }
    for (const PromptTemplate &t : all)
        ctx.out << QStringLiteral("%1 %2 %3 v%4  %5")
                       .arg(t.id, -26)
                       .arg(t.family, -15)
                       .arg(t.step, -11)
                       .arg(t.version)
                       .arg(t.title)
                << Qt::endl;
    return ExitOk;
}

int templatesShow(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("version")},
                                   {QStringLiteral("diff"), QStringLiteral("history")}, 1, 1);
    OpenedWorkspace o = openWorkspace(a);
    auto t = templatestore::load(*o.db, a.positionals.at(0), a.intValue(QStringLiteral("version"), 0, 1, 1000000));
    if (!t)
        return ctx.fail(t.error());
    QJsonObject out{{QStringLiteral("template"), t->toJson()}, {QStringLiteral("version"), t->version}};
    const QList<TemplateIssue> issues = validateTemplate(t.value());
    QJsonArray is;
    for (const auto &i : issues)
        is.append(issueJson(i));
    out.insert(QStringLiteral("issues"), is);
    const PromptTemplate *builtin = builtinTemplate(t->id);
    if (a.has(QStringLiteral("diff")))
        out.insert(QStringLiteral("diff_vs_builtin"),
                   builtin ? diffTemplates(*builtin, t.value()).toJson() : QJsonObject{});
    if (a.has(QStringLiteral("history"))) {
        QJsonArray h;
        for (const TemplateVersionInfo &v : templatestore::history(*o.db, t->id))
            h.append(QJsonObject{{QStringLiteral("version"), v.version},
                                 {QStringLiteral("saved_at"), v.savedAt},
                                 {QStringLiteral("note"), v.note}});
        out.insert(QStringLiteral("history"), h);
    }
    if (ctx.json) {
        ctx.printJson(out);
        return ExitOk;
    }
    ctx.out << QCoreApplication::translate("ef::cli", "Template %1 (version %2): %3")
                   .arg(argText(t->id), argText(t->version), argText(t->title))
            << Qt::endl
            << QCoreApplication::translate("ef::cli", "Family: %1   Step: %2").arg(t->family, t->step) << Qt::endl
            << Qt::endl
            << t->text << Qt::endl
            << Qt::endl;
    for (auto it = t->valueSets.cbegin(); it != t->valueSets.cend(); ++it)
        ctx.out << QStringLiteral("{%1}: %2").arg(it.key(), it.value().join(QStringLiteral(" | "))) << Qt::endl;
    if (t->output.type == QLatin1String("object"))
        ctx.out << QCoreApplication::translate("ef::cli",
                                               "Output keys: %1; query=%2 positive=%3 negative=%4; instruction: %5")
                       .arg(t->output.keys.join(QStringLiteral(", ")), t->output.queryKey, t->output.positiveKey,
                            t->output.negativeKey.isEmpty() ? QCoreApplication::translate("ef::cli", "(none)")
                                                            : t->output.negativeKey,
                            t->output.instruction)
                << Qt::endl;
    else
        ctx.out << QCoreApplication::translate("ef::cli", "Output: %1").arg(t->output.type) << Qt::endl;
    for (const auto &i : issues)
        ctx.out << (i.severity == TemplateIssue::Severity::Error ? QCoreApplication::translate("ef::cli", "error: ")
                                                                 : QCoreApplication::translate("ef::cli", "warning: "))
                << i.message << Qt::endl;
    if (a.has(QStringLiteral("diff"))) {
        const TemplateDiff d = builtin ? diffTemplates(*builtin, t.value()) : TemplateDiff{};
        if (!builtin)
            ctx.out << QCoreApplication::translate("ef::cli", "No built-in template with this id.") << Qt::endl;
        else if (d.isEmpty())
            ctx.out << QCoreApplication::translate("ef::cli", "Identical to the built-in template.") << Qt::endl;
        for (const auto &f : d.fields)
            if (f.field != QLatin1String("text"))
                ctx.out
                    << QCoreApplication::translate("ef::cli", "changed %1: %2 -> %3").arg(f.field, f.before, f.after)
                    << Qt::endl;
        for (const QString &l : d.textLines)
            ctx.out << l << Qt::endl;
    }
    if (a.has(QStringLiteral("history")))
        for (const TemplateVersionInfo &v : templatestore::history(*o.db, t->id))
            ctx.out << QStringLiteral("v%1  %2  %3").arg(v.version).arg(v.savedAt, v.note) << Qt::endl;
    return ExitOk;
}

int templatesValidate(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("file")}, {}, 0, -1);
    QList<PromptTemplate> targets;
    if (a.has(QStringLiteral("file"))) {
        const Expected<QByteArray> bytes =
            fileguard::readAll(a.value(QStringLiteral("file")), fileguard::kMaxTemplateFileBytes);
        if (!bytes)
            return ctx.fail(bytes.error());
        auto parsed = templatestore::parseImport(bytes.value());
        if (!parsed)
            return ctx.fail(parsed.error());
        targets = parsed.value();
    } else {
        OpenedWorkspace o = openWorkspace(a);
        for (const PromptTemplate &t : templatestore::list(*o.db))
            if (a.positionals.isEmpty() || a.positionals.contains(t.id))
                targets.append(t);
        for (const QString &id : a.positionals) {
            bool found = false;
            for (const PromptTemplate &t : std::as_const(targets))
                found = found || t.id == id;
            if (!found)
                return ctx.fail(QCoreApplication::translate("ef::cli", "no template '%1' in this workspace").arg(id));
        }
    }
    bool anyError = false;
    QJsonArray results;
    for (const PromptTemplate &t : std::as_const(targets)) {
        const QList<TemplateIssue> issues = validateTemplate(t);
        anyError = anyError || hasErrors(issues);
        QJsonArray is;
        for (const auto &i : issues) {
            is.append(issueJson(i));
            if (!ctx.json)
                ctx.out << t.id << ": "
                        << (i.severity == TemplateIssue::Severity::Error
                                ? QCoreApplication::translate("ef::cli", "error")
                                : QCoreApplication::translate("ef::cli", "warning"))
                        << ": " << i.message << Qt::endl;
        }
        results.append(QJsonObject{{QStringLiteral("id"), t.id},
                                   {QStringLiteral("valid"), !hasErrors(issues)},
                                   {QStringLiteral("issues"), is}});
        if (!ctx.json && issues.isEmpty())
            ctx.out << t.id << ": " << QCoreApplication::translate("ef::cli", "ok") << Qt::endl;
    }
    if (ctx.json)
        ctx.printJson({{QStringLiteral("valid"), !anyError}, {QStringLiteral("templates"), results}});
    return anyError ? ExitFailure : ExitOk;
}

int templatesExport(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("out")}, {}, 0, -1);
    OpenedWorkspace o = openWorkspace(a);
    QList<PromptTemplate> chosen;
    for (const PromptTemplate &t : templatestore::list(*o.db))
        if (a.positionals.isEmpty() || a.positionals.contains(t.id))
            chosen.append(t);
    if (chosen.isEmpty())
        return ctx.fail(QCoreApplication::translate("ef::cli", "no template matches"));
    const QByteArray data = QJsonDocument(templatestore::exportJson(chosen)).toJson(QJsonDocument::Indented);
    if (!a.has(QStringLiteral("out")) || a.value(QStringLiteral("out")) == QLatin1String("-")) {
        ctx.out << QString::fromUtf8(data);
        return ExitOk;
    }
    QFile f(a.value(QStringLiteral("out")));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(data) != data.size())
        return ctx.fail(
            QCoreApplication::translate("ef::cli", "cannot write '%1': %2").arg(f.fileName(), f.errorString()));
    if (ctx.json)
        ctx.printJson(
            {{QStringLiteral("exported"), static_cast<int>(chosen.size())}, {QStringLiteral("out"), f.fileName()}});
    else
        ctx.out << QCoreApplication::translate("ef::cli", "Exported %1 template(s) to %2")
                       .arg(argText(chosen.size()), argText(f.fileName()))
                << Qt::endl;
    return ExitOk;
}

int templatesImport(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("note")}, {}, 1, 1);
    const Expected<QByteArray> bytes = fileguard::readAll(a.positionals.at(0), fileguard::kMaxTemplateFileBytes);
    if (!bytes)
        return ctx.fail(bytes.error());
    auto parsed = templatestore::parseImport(bytes.value());
    if (!parsed)
        return ctx.fail(parsed.error());
    OpenedWorkspace o = openWorkspace(a);
    for (const PromptTemplate &t : parsed.value()) {
        const QList<TemplateIssue> issues = validateTemplate(t);
        if (hasErrors(issues)) {
            for (const auto &i : issues)
                if (i.severity == TemplateIssue::Severity::Error)
                    ctx.err << t.id << ": " << i.message << Qt::endl;
            return ctx.fail(
                QCoreApplication::translate("ef::cli", "template '%1' is not valid; nothing was imported").arg(t.id));
        }
    }
    QJsonArray saved;
    const QString note = a.value(QStringLiteral("note"),
                                 QCoreApplication::translate("ef::cli", "imported from %1").arg(a.positionals.at(0)));
    for (const PromptTemplate &t : parsed.value()) {
        auto v = templatestore::save(*o.db, t, note);
        if (!v)
            return ctx.fail(v.error());
        saved.append(QJsonObject{{QStringLiteral("id"), t.id}, {QStringLiteral("version"), v.value()}});
        if (!ctx.json)
            ctx.out << QCoreApplication::translate("ef::cli", "%1: version %2").arg(argText(t.id), argText(v.value()))
                    << Qt::endl;
    }
    if (ctx.json)
        ctx.printJson({{QStringLiteral("imported"), saved}});
    return ExitOk;
}

} // namespace

void registerTemplateCommands(Registry &registry)
{
    registry.add(
        {{QStringLiteral("templates"), QStringLiteral("list")},
         QStringLiteral("templates list --workspace W [--json]"),
         QCoreApplication::translate("ef::cli", "List the workspace's prompt templates (id, family, step, version)"),
         templatesList});
    registry.add({{QStringLiteral("templates"), QStringLiteral("show")},
                  QStringLiteral("templates show ID --workspace W [--version N] [--diff] [--history] [--json]"),
                  QCoreApplication::translate(
                      "ef::cli", "Show a template, its issues, its diff against the built-in and its versions"),
                  templatesShow});
    registry.add({{QStringLiteral("templates"), QStringLiteral("validate")},
                  QStringLiteral("templates validate [ID...] --workspace W | --file FILE [--json]"),
                  QCoreApplication::translate("ef::cli", "Validate templates; exit 1 when any has an error"),
                  templatesValidate});
    registry.add({{QStringLiteral("templates"), QStringLiteral("export")},
                  QStringLiteral("templates export [ID...] --workspace W [--out FILE]"),
                  QCoreApplication::translate("ef::cli", "Export templates as JSON (all when no ID is given)"),
                  templatesExport});
    registry.add({{QStringLiteral("templates"), QStringLiteral("import")},
                  QStringLiteral("templates import FILE --workspace W [--note TEXT]"),
                  QCoreApplication::translate("ef::cli", "Import templates from JSON; each becomes a new version"),
                  templatesImport});
}

} // namespace ef::cli
