// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli templates|preview|generate|dataset: prompt templates and synthetic data.
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/cli.h"
#include "backend/database.h"
#include "backend/dataset.h"
#include "backend/fileguard.h"
#include "backend/generation.h"
#include "backend/sampler.h"
#include "backend/settings.h"
#include "backend/templates.h"
#include "backend/workspace.h"

namespace ef::cli {

namespace {



QJsonObject issueJson(const TemplateIssue &i)
{
    return QJsonObject{{QStringLiteral("severity"), i.severity == TemplateIssue::Severity::Error ? QStringLiteral("error") : QStringLiteral("warning")},
                       {QStringLiteral("code"), i.code},
                       {QStringLiteral("subject"), i.subject},
                       {QStringLiteral("message"), i.message}};
}

QJsonObject mapJson(const QMap<QString, QString> &m)
{
    QJsonObject o;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

double doubleValue(const ParsedArgs &a, const QString &name, double def)
{
    if (!a.values.contains(name))
        return def;
    bool ok = false;
    const double v = a.value(name).toDouble(&ok);
    if (!ok)
        throw UsageError(QCoreApplication::translate("ef::cli", "--%1 must be a number, not '%2'").arg(name, a.value(name)));
    return v;
}

quint64 seedValue(const ParsedArgs &a, quint64 def = 0)
{
    if (!a.values.contains(QStringLiteral("seed")))
        return def;
    bool ok = false;
    const quint64 v = a.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        throw UsageError(QCoreApplication::translate("ef::cli", "--seed must be a non-negative integer, not '%1'").arg(a.value(QStringLiteral("seed"))));
    return v;
}

const QStringList kEndpointOptions = {QStringLiteral("endpoint"), QStringLiteral("base-url"), QStringLiteral("model"),
                                      QStringLiteral("api-key-env"), QStringLiteral("azure-deployment"),
                                      QStringLiteral("azure-api-version"), QStringLiteral("temperature"),
                                      QStringLiteral("top-p"), QStringLiteral("max-tokens"), QStringLiteral("timeout-ms"),
                                      QStringLiteral("max-retries"), QStringLiteral("retry-base-ms"),
                                      QStringLiteral("price-in"), QStringLiteral("price-out"), QStringLiteral("llm-seed")};

bool hasEndpoint(const ParsedArgs &a)
{
    return a.has(QStringLiteral("endpoint")) || a.has(QStringLiteral("base-url"));
}

// --endpoint NAME (a settings profile) or inline --base-url/--model, then per-call overrides.
EndpointProfile endpointFrom(const ParsedArgs &a, EndpointProfile p = {})
{
    if (a.has(QStringLiteral("endpoint"))) {
        const QString name = a.value(QStringLiteral("endpoint"));
        bool found = false;
        for (const EndpointProfile &e : AppSettings::load().endpoints) {
            if (e.name == name) {
                p = e;
                found = true;
            }
        }
        if (!found)
            throw std::runtime_error(QCoreApplication::translate("ef::cli", "no endpoint profile named '%1' in the settings").arg(name).toStdString());
    } else if (a.has(QStringLiteral("base-url"))) {
        p.name = QStringLiteral("inline");
        p.baseUrl = a.value(QStringLiteral("base-url"));
        p.model = a.value(QStringLiteral("model"));
        p.apiKeyEnv = a.value(QStringLiteral("api-key-env"));
    }
    if (a.has(QStringLiteral("model")))
        p.model = a.value(QStringLiteral("model"));
    if (a.has(QStringLiteral("api-key-env")))
        p.apiKeyEnv = a.value(QStringLiteral("api-key-env"));
    if (a.has(QStringLiteral("azure-deployment"))) {
        p.kind = QStringLiteral("azure");
        p.azureDeployment = a.value(QStringLiteral("azure-deployment"));
    }
    if (a.has(QStringLiteral("azure-api-version")))
        p.azureApiVersion = a.value(QStringLiteral("azure-api-version"));
    p.temperature = doubleValue(a, QStringLiteral("temperature"), p.temperature);
    p.topP = doubleValue(a, QStringLiteral("top-p"), p.topP);
    p.maxTokens = a.intValue(QStringLiteral("max-tokens"), p.maxTokens, 0, 1000000);
    p.timeoutMs = a.intValue(QStringLiteral("timeout-ms"), p.timeoutMs, 1, 3600000);
    p.maxRetries = a.intValue(QStringLiteral("max-retries"), p.maxRetries, 0, 100);
    p.backoffBaseMs = a.intValue(QStringLiteral("retry-base-ms"), p.backoffBaseMs, 0, 600000);
    p.inputPricePerMTok = doubleValue(a, QStringLiteral("price-in"), p.inputPricePerMTok);
    p.outputPricePerMTok = doubleValue(a, QStringLiteral("price-out"), p.outputPricePerMTok);
    if (a.has(QStringLiteral("llm-seed")))
        p.seed = a.intValue(QStringLiteral("llm-seed"), -1, 0, 2147483647);
    if (a.has(QStringLiteral("json-format")))
        p.jsonResponseFormat = true;
    return p;
}

QString apiKeyFor(const EndpointProfile &p, Context &ctx)
{
    QString error;
    const QString key = apikeys::resolve(p, &error);
    if (!error.isEmpty())
        ctx.err << "embedforge-cli: " << error << Qt::endl;
    if (key.isEmpty() && !p.apiKeyEnv.isEmpty())
        ctx.err << "embedforge-cli: "
                << QCoreApplication::translate("ef::cli", "warning: the environment variable %1 is not set and the key file has no key for '%2'; "
                      "sending requests without an API key")
                       .arg(p.apiKeyEnv, p.name)
                << Qt::endl;
    return key;
}

// ---- templates ----

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
        ctx.out << QStringLiteral("%1 %2 %3 v%4  %5").arg(t.id, -26).arg(t.family, -15).arg(t.step, -11).arg(t.version).arg(t.title)
                << Qt::endl;
    return ExitOk;
}

int templatesShow(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("version")}, {QStringLiteral("diff"), QStringLiteral("history")}, 1, 1);
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
        out.insert(QStringLiteral("diff_vs_builtin"), builtin ? diffTemplates(*builtin, t.value()).toJson() : QJsonObject{});
    if (a.has(QStringLiteral("history"))) {
        QJsonArray h;
        for (const TemplateVersionInfo &v : templatestore::history(*o.db, t->id))
            h.append(QJsonObject{{QStringLiteral("version"), v.version}, {QStringLiteral("saved_at"), v.savedAt}, {QStringLiteral("note"), v.note}});
        out.insert(QStringLiteral("history"), h);
    }
    if (ctx.json) {
        ctx.printJson(out);
        return ExitOk;
    }
    ctx.out << QCoreApplication::translate("ef::cli", "Template %1 (version %2): %3").arg(t->id).arg(t->version).arg(t->title) << Qt::endl
            << QCoreApplication::translate("ef::cli", "Family: %1   Step: %2").arg(t->family, t->step) << Qt::endl
            << Qt::endl << t->text << Qt::endl << Qt::endl;
    for (auto it = t->valueSets.cbegin(); it != t->valueSets.cend(); ++it)
        ctx.out << QStringLiteral("{%1}: %2").arg(it.key(), it.value().join(QStringLiteral(" | "))) << Qt::endl;
    if (t->output.type == QLatin1String("object"))
        ctx.out << QCoreApplication::translate("ef::cli", "Output keys: %1; query=%2 positive=%3 negative=%4; instruction: %5")
                       .arg(t->output.keys.join(QStringLiteral(", ")), t->output.queryKey, t->output.positiveKey,
                            t->output.negativeKey.isEmpty() ? QCoreApplication::translate("ef::cli", "(none)") : t->output.negativeKey, t->output.instruction)
                << Qt::endl;
    else
        ctx.out << QCoreApplication::translate("ef::cli", "Output: %1").arg(t->output.type) << Qt::endl;
    for (const auto &i : issues)
        ctx.out << (i.severity == TemplateIssue::Severity::Error ? QCoreApplication::translate("ef::cli", "error: ") : QCoreApplication::translate("ef::cli", "warning: ")) << i.message << Qt::endl;
    if (a.has(QStringLiteral("diff"))) {
        const TemplateDiff d = builtin ? diffTemplates(*builtin, t.value()) : TemplateDiff{};
        if (!builtin)
            ctx.out << QCoreApplication::translate("ef::cli", "No built-in template with this id.") << Qt::endl;
        else if (d.isEmpty())
            ctx.out << QCoreApplication::translate("ef::cli", "Identical to the built-in template.") << Qt::endl;
        for (const auto &f : d.fields)
            if (f.field != QLatin1String("text"))
                ctx.out << QCoreApplication::translate("ef::cli", "changed %1: %2 -> %3").arg(f.field, f.before, f.after) << Qt::endl;
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
        const Expected<QByteArray> bytes = fileguard::readAll(a.value(QStringLiteral("file")), fileguard::kMaxTemplateFileBytes);
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
                ctx.out << t.id << ": " << (i.severity == TemplateIssue::Severity::Error ? QCoreApplication::translate("ef::cli", "error") : QCoreApplication::translate("ef::cli", "warning")) << ": "
                        << i.message << Qt::endl;
        }
        results.append(QJsonObject{{QStringLiteral("id"), t.id}, {QStringLiteral("valid"), !hasErrors(issues)}, {QStringLiteral("issues"), is}});
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
        return ctx.fail(QCoreApplication::translate("ef::cli", "cannot write '%1': %2").arg(f.fileName(), f.errorString()));
    if (ctx.json)
        ctx.printJson({{QStringLiteral("exported"), static_cast<int>(chosen.size())}, {QStringLiteral("out"), f.fileName()}});
    else
        ctx.out << QCoreApplication::translate("ef::cli", "Exported %1 template(s) to %2").arg(chosen.size()).arg(f.fileName()) << Qt::endl;
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
            return ctx.fail(QCoreApplication::translate("ef::cli", "template '%1' is not valid; nothing was imported").arg(t.id));
        }
    }
    QJsonArray saved;
    const QString note = a.value(QStringLiteral("note"), QCoreApplication::translate("ef::cli", "imported from %1").arg(a.positionals.at(0)));
    for (const PromptTemplate &t : parsed.value()) {
        auto v = templatestore::save(*o.db, t, note);
        if (!v)
            return ctx.fail(v.error());
        saved.append(QJsonObject{{QStringLiteral("id"), t.id}, {QStringLiteral("version"), v.value()}});
        if (!ctx.json)
            ctx.out << QCoreApplication::translate("ef::cli", "%1: version %2").arg(t.id).arg(v.value()) << Qt::endl;
    }
    if (ctx.json)
        ctx.printJson({{QStringLiteral("imported"), saved}});
    return ExitOk;
}

// ---- preview ----

int preview(Context &ctx)
{
    QStringList values = {QStringLiteral("workspace"), QStringLiteral("family"), QStringLiteral("language"),
                          QStringLiteral("n"), QStringLiteral("seed"), QStringLiteral("template")};
    values += kEndpointOptions;
    const ParsedArgs a = ctx.parse(values, {QStringLiteral("call"), QStringLiteral("json-format")}, 0, 0);
    if (!a.has(QStringLiteral("family")))
        throw UsageError(QCoreApplication::translate("ef::cli", "--family F is required"));
    const int n = a.intValue(QStringLiteral("n"), 3, 1, 1000);
    OpenedWorkspace o = openWorkspace(a);
    auto items = renderPreview(*o.db, a.value(QStringLiteral("family")), a.value(QStringLiteral("language")), n, seedValue(a),
                               a.value(QStringLiteral("template")));
    if (!items)
        return ctx.fail(items.error());
    if (a.has(QStringLiteral("call"))) {
        if (!hasEndpoint(a))
            throw UsageError(QCoreApplication::translate("ef::cli", "--call needs --endpoint NAME or --base-url URL --model M"));
        const EndpointProfile p = endpointFrom(a);
        auto t = templatestore::load(*o.db, items->constFirst().templateId);
        if (!t)
            return ctx.fail(t.error());
        callPreview(items.value(), t.value(), p, apiKeyFor(p, ctx));
    }
    QJsonArray arr;
    int i = 0;
    for (const PreviewItem &it : items.value()) {
        QJsonObject obj{{QStringLiteral("index"), i},
                        {QStringLiteral("family"), it.family},
                        {QStringLiteral("template"), it.templateId},
                        {QStringLiteral("language"), it.language},
                        {QStringLiteral("task"), it.task},
                        {QStringLiteral("values"), mapJson(it.values)},
                        {QStringLiteral("prompt"), it.prompt}};
        if (it.called) {
            obj.insert(QStringLiteral("raw_response"), it.rawResponse);
            if (!it.error.isEmpty())
                obj.insert(QStringLiteral("error"), it.error);
            obj.insert(QStringLiteral("status"), !it.error.isEmpty() ? QStringLiteral("failed") : it.example.ok ? QStringLiteral("valid") : QStringLiteral("invalid"));
            if (it.example.ok)
                obj.insert(QStringLiteral("example"), QJsonObject{{QStringLiteral("instruction"), it.example.instruction},
                                                                  {QStringLiteral("query"), it.example.query},
                                                                  {QStringLiteral("positive"), it.example.positive},
                                                                  {QStringLiteral("negative"), it.example.negative}});
            else if (it.error.isEmpty())
                obj.insert(QStringLiteral("invalid_reason"), it.example.reason);
        }
        if (ctx.json) {
            ctx.printJson(obj);
        } else {
            ctx.out << QStringLiteral("=== %1 #%2 [%3] template %4").arg(it.family).arg(i).arg(it.language, it.templateId) << Qt::endl;
            for (auto v = it.values.cbegin(); v != it.values.cend(); ++v)
                ctx.out << QStringLiteral("  {%1} = %2").arg(v.key(), v.value()) << Qt::endl;
            ctx.out << it.prompt << Qt::endl;
            if (it.called) {
                ctx.out << QCoreApplication::translate("ef::cli", "--- status: %1").arg(obj.value(QStringLiteral("status")).toString()) << Qt::endl;
                if (!it.error.isEmpty())
                    ctx.out << QCoreApplication::translate("ef::cli", "error: %1").arg(it.error) << Qt::endl;
                else if (it.example.ok)
                    ctx.out << QCoreApplication::translate("ef::cli", "instruction: %1\nquery: %2\npositive: %3\nnegative: %4")
                                   .arg(it.example.instruction, it.example.query, it.example.positive, it.example.negative)
                            << Qt::endl;
                else
                    ctx.out << QCoreApplication::translate("ef::cli", "invalid: %1 (%2)\nraw: %3").arg(it.example.reason, it.example.detail, it.rawResponse) << Qt::endl;
            }
            ctx.out << Qt::endl;
        }
        arr.append(obj);
        ++i;
    }
    return ExitOk;
}

// ---- generate ----

int runAndReport(Context &ctx, GenerationPipeline &pipeline, qint64 runId, const EndpointProfile &endpoint,
                 const EndpointProfile *override)
{
    const QString key = apiKeyFor(endpoint, ctx);
    ProgressPrinter progress(QCoreApplication::translate("ef::cli", "generating"));
    auto result = pipeline.run(runId, key, [&](const GenerationCounters &c) {
        progress.update(c.done + c.failed, c.requestsTotal,
                        QCoreApplication::translate("ef::cli", "valid %1 invalid %2 dup %3 failed %4 %5 req/s").arg(c.valid).arg(c.invalid).arg(c.duplicate).arg(c.failed)
                            .arg(c.requestsPerSecond, 0, 'f', 1));
        return true;
    }, override);
    progress.finish();
    if (!result)
        return ctx.fail(result.error());
    auto info = pipeline.runInfo(runId);
    const QString state = info ? info->state : QString();
    if (ctx.json) {
        QJsonObject o = result->toJson();
        o.insert(QStringLiteral("run"), runId);
        o.insert(QStringLiteral("state"), state);
        ctx.printJson(o);
    } else {
        ctx.out << QCoreApplication::translate("ef::cli", "Run %1: %2. Requests %3 (done %4, failed %5); examples valid %6, invalid %7, duplicate %8; "
                      "tokens %9 in / %10 out; cost %11")
                       .arg(runId).arg(state).arg(result->requestsTotal).arg(result->done).arg(result->failed)
                       .arg(result->valid).arg(result->invalid).arg(result->duplicate)
                       .arg(result->promptTokens).arg(result->completionTokens).arg(result->cost, 0, 'f', 4)
                << Qt::endl;
        if (info && !info->message.isEmpty())
            ctx.out << info->message << Qt::endl;
    }
    return state == QLatin1String("finished") ? ExitOk : ExitFailure;
}

int generate(Context &ctx)
{
    QStringList values = {QStringLiteral("workspace"), QStringLiteral("examples"), QStringLiteral("families"),
                          QStringLiteral("languages"), QStringLiteral("concurrency"), QStringLiteral("seed"),
                          QStringLiteral("run"), QStringLiteral("weighting"), QStringLiteral("language-weights"),
                          QStringLiteral("brainstorms")};
    values += kEndpointOptions;
    const ParsedArgs a = ctx.parse(values, {QStringLiteral("resume"), QStringLiteral("json-format")}, 0, 0);
    OpenedWorkspace o = openWorkspace(a);
    o.db.reset();
    GenerationPipeline pipeline(o.ws);
    if (a.has(QStringLiteral("resume")) || a.has(QStringLiteral("run"))) {
        qint64 runId = 0;
        if (a.has(QStringLiteral("run"))) {
            runId = a.intValue(QStringLiteral("run"), 0, 1, 2147483647);
        } else {
            auto latest = pipeline.latestUnfinishedRun();
            if (!latest)
                return ctx.fail(latest.error());
            runId = latest.value();
        }
        auto info = pipeline.runInfo(runId);
        if (!info)
            return ctx.fail(info.error());
        EndpointProfile endpoint = info->config.endpoint;
        if (hasEndpoint(a) || a.has(QStringLiteral("timeout-ms")) || a.has(QStringLiteral("max-retries")))
            endpoint = endpointFrom(a, endpoint);
        return runAndReport(ctx, pipeline, runId, endpoint, &endpoint);
    }
    if (!a.has(QStringLiteral("examples")))
        throw UsageError(QCoreApplication::translate("ef::cli", "--examples N is required (or --resume)"));
    if (!hasEndpoint(a))
        throw UsageError(QCoreApplication::translate("ef::cli", "an endpoint is required: --endpoint NAME or --base-url URL --model M [--api-key-env VAR]"));
    GenerationConfig config;
    config.examples = a.intValue(QStringLiteral("examples"), 0, 1, 100000000);
    if (a.has(QStringLiteral("families")))
        config.families = a.value(QStringLiteral("families")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &f : std::as_const(config.families))
        if (!taskFamilies().contains(f))
            throw UsageError(QCoreApplication::translate("ef::cli", "unknown family '%1' (expected %2)").arg(f, taskFamilies().join(QLatin1Char(','))));
    if (a.has(QStringLiteral("languages")))
        config.sampler.languages = a.value(QStringLiteral("languages")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    config.sampler.scheme = a.value(QStringLiteral("weighting"), QStringLiteral("ose"));
    for (const QString &kv : a.value(QStringLiteral("language-weights")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double w = kv.section(QLatin1Char('='), 1).toDouble(&ok);
        if (!kv.contains(QLatin1Char('=')) || !ok || w < 0)
            throw UsageError(QCoreApplication::translate("ef::cli", "--language-weights takes CODE=WEIGHT pairs, e.g. en=0.5,zh=0.2; '%1' is not one").arg(kv));
        config.sampler.weights.insert(kv.section(QLatin1Char('='), 0, 0), w);
    }
    config.seed = seedValue(a);
    config.concurrency = a.intValue(QStringLiteral("concurrency"), 8, 1, 1024);
    config.brainstormsPerFamily = a.intValue(QStringLiteral("brainstorms"), 0, 0, 100000);
    config.endpoint = endpointFrom(a);
    auto runId = pipeline.createRun(config);
    if (!runId)
        return ctx.fail(runId.error());
    if (!ctx.json)
        ctx.err << QCoreApplication::translate("ef::cli", "Started generation run %1").arg(runId.value()) << Qt::endl;
    return runAndReport(ctx, pipeline, runId.value(), config.endpoint, nullptr);
}

int generateStatus(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("run")}, {}, 0, 0);
    OpenedWorkspace o = openWorkspace(a);
    o.db.reset();
    GenerationPipeline pipeline(o.ws);
    QList<RunInfo> runs;
    if (a.has(QStringLiteral("run"))) {
        auto info = pipeline.runInfo(a.intValue(QStringLiteral("run"), 0, 1, 2147483647));
        if (!info)
            return ctx.fail(info.error());
        runs.append(info.value());
    } else {
        runs = pipeline.runs();
    }
    QJsonArray arr;
    for (const RunInfo &r : std::as_const(runs)) {
        QJsonObject obj = r.counters.toJson();
        obj.insert(QStringLiteral("run"), r.id);
        obj.insert(QStringLiteral("state"), r.state);
        obj.insert(QStringLiteral("message"), r.message);
        obj.insert(QStringLiteral("created_at"), r.createdAt);
        obj.insert(QStringLiteral("examples_planned"), r.config.examples);
        arr.append(obj);
        if (!ctx.json)
            ctx.out << QCoreApplication::translate("ef::cli", "run %1 %2: requests %3 (pending %4, in flight %5, done %6, failed %7); valid %8, invalid %9, duplicate %10; cost %11")
                           .arg(r.id).arg(r.state).arg(r.counters.requestsTotal).arg(r.counters.pending).arg(r.counters.inFlight)
                           .arg(r.counters.done).arg(r.counters.failed).arg(r.counters.valid).arg(r.counters.invalid)
                           .arg(r.counters.duplicate).arg(r.counters.cost, 0, 'f', 4)
                    << Qt::endl;
    }
    if (ctx.json)
        ctx.printJson({{QStringLiteral("runs"), arr}});
    return ExitOk;
}

// ---- dataset ----

int datasetStatsCommand(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace")}, {}, 0, 0);
    OpenedWorkspace o = openWorkspace(a);
    const DatasetStats s = datasetStats(*o.db);
    if (ctx.json) {
        ctx.printJson(s.toJson());
        return ExitOk;
    }
    ctx.out << QCoreApplication::translate("ef::cli", "valid %1, invalid %2, duplicate %3").arg(s.valid).arg(s.invalid).arg(s.duplicate) << Qt::endl;
    ctx.out << QCoreApplication::translate("ef::cli", "By family:") << Qt::endl;
    for (auto it = s.byFamily.cbegin(); it != s.byFamily.cend(); ++it)
        ctx.out << QStringLiteral("  %1 %2").arg(it.key(), -16).arg(it.value()) << Qt::endl;
    ctx.out << QCoreApplication::translate("ef::cli", "By language:") << Qt::endl;
    for (auto it = s.byLanguage.cbegin(); it != s.byLanguage.cend(); ++it)
        ctx.out << QStringLiteral("  %1 %2").arg(it.key(), -16).arg(it.value()) << Qt::endl;
    ctx.out << QCoreApplication::translate("ef::cli", "Invalid reasons:") << Qt::endl;
    for (auto it = s.invalidReasons.cbegin(); it != s.invalidReasons.cend(); ++it)
        ctx.out << QStringLiteral("  %1 %2").arg(it.key(), -16).arg(it.value()) << Qt::endl;
    return ExitOk;
}

int datasetExport(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("format"), QStringLiteral("out"),
                                    QStringLiteral("validation-fraction"), QStringLiteral("validation-out"), QStringLiteral("seed")},
                                   {}, 0, 0);
    if (!a.has(QStringLiteral("out")))
        throw UsageError(QCoreApplication::translate("ef::cli", "--out FILE is required"));
    ExportOptions opt;
    opt.format = a.value(QStringLiteral("format"), QStringLiteral("examples"));
    if (opt.format != QLatin1String("examples") && opt.format != QLatin1String("triplets"))
        throw UsageError(QCoreApplication::translate("ef::cli", "--format must be examples or triplets"));
    opt.path = a.value(QStringLiteral("out"));
    opt.validationPath = a.value(QStringLiteral("validation-out"));
    opt.validationFraction = doubleValue(a, QStringLiteral("validation-fraction"), 0.0);
    if (!(opt.validationFraction >= 0.0 && opt.validationFraction < 1.0))
        throw UsageError(QCoreApplication::translate("ef::cli", "--validation-fraction must be at least 0 and below 1"));
    opt.seed = seedValue(a);
    OpenedWorkspace o = openWorkspace(a);
    auto sum = exportDataset(*o.db, opt);
    if (!sum)
        return ctx.fail(sum.error());
    if (ctx.json) {
        QJsonObject obj{{QStringLiteral("train"), sum->train}, {QStringLiteral("validation"), sum->validation},
                        {QStringLiteral("skipped_without_negative"), sum->skippedWithoutNegative}, {QStringLiteral("out"), sum->trainPath}};
        if (!sum->validationPath.isEmpty())
            obj.insert(QStringLiteral("validation_out"), sum->validationPath);
        ctx.printJson(obj);
    } else {
        ctx.out << QCoreApplication::translate("ef::cli", "Wrote %1 record(s) to %2").arg(sum->train).arg(sum->trainPath) << Qt::endl;
        if (!sum->validationPath.isEmpty())
            ctx.out << QCoreApplication::translate("ef::cli", "Wrote %1 validation record(s) to %2").arg(sum->validation).arg(sum->validationPath) << Qt::endl;
        if (sum->skippedWithoutNegative > 0)
            ctx.out << QCoreApplication::translate("ef::cli", "Skipped %1 example(s) without a hard negative (triplets need one)").arg(sum->skippedWithoutNegative) << Qt::endl;
    }
    return ExitOk;
}

int datasetImport(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace")}, {}, 1, 1);
    OpenedWorkspace o = openWorkspace(a);
    auto n = importDemoExamples(*o.db, a.positionals.at(0));
    if (!n)
        return ctx.fail(n.error());
    if (ctx.json)
        ctx.printJson({{QStringLiteral("imported"), n.value()}});
    else
        ctx.out << QCoreApplication::translate("ef::cli", "Imported %1 example(s)").arg(n.value()) << Qt::endl;
    return ExitOk;
}

} // namespace

void registerGenerationCommands(Registry &registry)
{
    const QString ep = QStringLiteral("(--endpoint NAME | --base-url URL --model M [--api-key-env VAR])");
    registry.add({{QStringLiteral("templates"), QStringLiteral("list")}, QStringLiteral("templates list --workspace W [--json]"),
                  QCoreApplication::translate("ef::cli", "List the workspace's prompt templates (id, family, step, version)"), templatesList});
    registry.add({{QStringLiteral("templates"), QStringLiteral("show")},
                  QStringLiteral("templates show ID --workspace W [--version N] [--diff] [--history] [--json]"),
                  QCoreApplication::translate("ef::cli", "Show a template, its issues, its diff against the built-in and its versions"), templatesShow});
    registry.add({{QStringLiteral("templates"), QStringLiteral("validate")},
                  QStringLiteral("templates validate [ID...] --workspace W | --file FILE [--json]"),
                  QCoreApplication::translate("ef::cli", "Validate templates; exit 1 when any has an error"), templatesValidate});
    registry.add({{QStringLiteral("templates"), QStringLiteral("export")},
                  QStringLiteral("templates export [ID...] --workspace W [--out FILE]"),
                  QCoreApplication::translate("ef::cli", "Export templates as JSON (all when no ID is given)"), templatesExport});
    registry.add({{QStringLiteral("templates"), QStringLiteral("import")}, QStringLiteral("templates import FILE --workspace W [--note TEXT]"),
                  QCoreApplication::translate("ef::cli", "Import templates from JSON; each becomes a new version"), templatesImport});
    registry.add({{QStringLiteral("preview")},
                  QStringLiteral("preview --workspace W --family F [--language L] [--n K] [--seed S] [--template ID] [--call ") + ep
                      + QStringLiteral("]"),
                  QCoreApplication::translate("ef::cli", "Render K prompts with their sampled values; --call sends them and parses the replies"), preview});
    registry.add({{QStringLiteral("generate")},
                  QStringLiteral("generate --workspace W --examples N [--families F,...] [--languages L,...] [--concurrency C] "
                                 "[--seed S] [--weighting ose|uniform|size] [--language-weights L=W,...] ") + ep
                      + QStringLiteral(" | generate --workspace W --resume [--run ID]"),
                  QCoreApplication::translate("ef::cli", "Generate synthetic examples with an LLM, or resume an unfinished run"), generate});
    registry.add({{QStringLiteral("generate"), QStringLiteral("status")}, QStringLiteral("generate status --workspace W [--run ID] [--json]"),
                  QCoreApplication::translate("ef::cli", "Show generation runs and their counters"), generateStatus});
    registry.add({{QStringLiteral("dataset"), QStringLiteral("stats")}, QStringLiteral("dataset stats --workspace W [--json]"),
                  QCoreApplication::translate("ef::cli", "Count examples by status, family, language and invalid reason"), datasetStatsCommand});
    registry.add({{QStringLiteral("dataset"), QStringLiteral("export")},
                  QStringLiteral("dataset export --workspace W --format examples|triplets --out FILE "
                                 "[--validation-fraction F] [--validation-out FILE] [--seed S]"),
                  QCoreApplication::translate("ef::cli", "Export valid examples as JSONL, optionally with a seeded validation split"), datasetExport});
    registry.add({{QStringLiteral("dataset"), QStringLiteral("import")}, QStringLiteral("dataset import FILE --workspace W"),
                  QCoreApplication::translate("ef::cli", "Load examples from a demo-content JSONL file"), datasetImport});
}

} // namespace ef::cli
