// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli preview, generate, generate status: prompt previews and synthetic data runs.
#include <cmath>
#include <optional>

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

#include "app/cli/cli.h"
#include "backend/generation.h"
#include "backend/preview.h"
#include "backend/sampler.h"
#include "backend/settings.h"
#include "backend/templates.h"

namespace ef::cli {

namespace {

QJsonObject mapJson(const QMap<QString, QString> &m)
{
    QJsonObject o;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

const QStringList kEndpointOptions = {QStringLiteral("endpoint"),
                                      QStringLiteral("base-url"),
                                      QStringLiteral("model"),
                                      QStringLiteral("api-key-env"),
                                      QStringLiteral("azure-deployment"),
                                      QStringLiteral("azure-api-version"),
                                      QStringLiteral("temperature"),
                                      QStringLiteral("top-p"),
                                      QStringLiteral("max-tokens"),
                                      QStringLiteral("timeout-ms"),
                                      QStringLiteral("max-retries"),
                                      QStringLiteral("retry-base-ms"),
                                      QStringLiteral("price-in"),
                                      QStringLiteral("price-out"),
                                      QStringLiteral("currency"),
                                      QStringLiteral("llm-seed")};

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
            throw std::runtime_error(
                QCoreApplication::translate("ef::cli", "no endpoint profile named '%1' in the settings")
                    .arg(name)
                    .toStdString());
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
    p.temperature = a.doubleValue(QStringLiteral("temperature"), p.temperature);
    p.topP = a.doubleValue(QStringLiteral("top-p"), p.topP);
    p.maxTokens = a.intValue(QStringLiteral("max-tokens"), p.maxTokens, 0, 1000000);
    p.timeoutMs = a.intValue(QStringLiteral("timeout-ms"), p.timeoutMs, 1, 3600000);
    p.maxRetries = a.intValue(QStringLiteral("max-retries"), p.maxRetries, 0, 100);
    p.backoffBaseMs = a.intValue(QStringLiteral("retry-base-ms"), p.backoffBaseMs, 0, 600000);
    p.inputPricePerMTok = a.doubleValue(QStringLiteral("price-in"), p.inputPricePerMTok);
    p.outputPricePerMTok = a.doubleValue(QStringLiteral("price-out"), p.outputPricePerMTok);
    p.currency = a.value(QStringLiteral("currency"), p.currency);
    if (a.has(QStringLiteral("llm-seed")))
        p.seed = a.intValue(QStringLiteral("llm-seed"), -1, 0, 2147483647);
    if (a.has(QStringLiteral("json-format")))
        p.jsonResponseFormat = true;
    return p;
}

QString apiKeyFor(const EndpointProfile &p, Context &)
{
    QString error;
    const QString key = apikeys::resolve(p, &error);
    if (!error.isEmpty()) // a refused key file stops the run: never send without the key meant for it
        throw std::runtime_error(error.toStdString());
    // A profile that names a key variable needs its key: every request would fail with 401.
    if (key.isEmpty() && !p.apiKeyEnv.isEmpty())
        throw std::runtime_error(QCoreApplication::translate("ef::cli",
                                                             "the environment variable %1 is not set and the key file "
                                                             "has no key for '%2': set it, or give --api-key-env \"\" "
                                                             "for an endpoint that needs no key")
                                     .arg(p.apiKeyEnv, p.name)
                                     .toStdString());
    return key;
}

// ---- preview ----

int preview(Context &ctx)
{
    QStringList values = {QStringLiteral("workspace"), QStringLiteral("family"), QStringLiteral("language"),
                          QStringLiteral("n"),         QStringLiteral("seed"),   QStringLiteral("template")};
    values += kEndpointOptions;
    const ParsedArgs a = ctx.parse(values, {QStringLiteral("call"), QStringLiteral("json-format")}, 0, 0);
    if (!a.has(QStringLiteral("family")))
        throw UsageError(QCoreApplication::translate("ef::cli", "--family F is required"));
    const int n = a.intValue(QStringLiteral("n"), 3, 1, 1000);
    OpenedWorkspace o = openWorkspace(a);
    auto items = renderPreview(*o.db, a.value(QStringLiteral("family")), a.value(QStringLiteral("language")), n,
                               a.seedValue(), a.value(QStringLiteral("template")));
    if (!items)
        return ctx.fail(items.error());
    if (a.has(QStringLiteral("call"))) {
        if (!hasEndpoint(a))
            throw UsageError(
                QCoreApplication::translate("ef::cli", "--call needs --endpoint NAME or --base-url URL --model M"));
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
                        {QStringLiteral("language"),
                         it.language.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(it.language)},
                        {QStringLiteral("task"), it.task},
                        {QStringLiteral("values"), mapJson(it.values)},
                        {QStringLiteral("prompt"), it.prompt}};
        if (it.called) {
            obj.insert(QStringLiteral("raw_response"), it.rawResponse);
            if (!it.error.isEmpty())
                obj.insert(QStringLiteral("error"), it.error);
            obj.insert(QStringLiteral("status"), !it.error.isEmpty() ? QStringLiteral("failed")
                                                 : it.example.ok     ? QStringLiteral("valid")
                                                                     : QStringLiteral("invalid"));
            if (it.example.ok)
                obj.insert(QStringLiteral("example"),
                           QJsonObject{{QStringLiteral("instruction"), it.example.instruction},
                                       {QStringLiteral("query"), it.example.query},
                                       {QStringLiteral("positive"), it.example.positive},
                                       {QStringLiteral("negative"), it.example.negative}});
            else if (it.error.isEmpty())
                obj.insert(QStringLiteral("invalid_reason"), it.example.reason);
        }
        if (ctx.json) {
            ctx.printJson(obj);
        } else {
            ctx.out << (it.language.isEmpty()
                            ? QStringLiteral("=== %1 #%2 template %3").arg(it.family, QString::number(i), it.templateId)
                            : QStringLiteral("=== %1 #%2 [%3] template %4")
                                  .arg(it.family, QString::number(i), it.language, it.templateId))
                    << Qt::endl;
            for (auto v = it.values.cbegin(); v != it.values.cend(); ++v)
                ctx.out << QStringLiteral("  {%1} = %2").arg(v.key(), v.value()) << Qt::endl;
            ctx.out << it.prompt << Qt::endl;
            if (it.called) {
                ctx.out << QCoreApplication::translate("ef::cli", "--- status: %1")
                               .arg(obj.value(QStringLiteral("status")).toString())
                        << Qt::endl;
                if (!it.error.isEmpty())
                    ctx.out << QCoreApplication::translate("ef::cli", "error: %1").arg(it.error) << Qt::endl;
                else if (it.example.ok)
                    ctx.out << QCoreApplication::translate("ef::cli",
                                                           "instruction: %1\nquery: %2\npositive: %3\nnegative: %4")
                                   .arg(it.example.instruction, it.example.query, it.example.positive,
                                        it.example.negative)
                            << Qt::endl;
                else
                    ctx.out << QCoreApplication::translate("ef::cli", "invalid: %1 (%2)\nraw: %3")
                                   .arg(it.example.reason, it.example.detail, it.rawResponse)
                            << Qt::endl;
            }
            ctx.out << Qt::endl;
        }
        arr.append(obj);
        ++i;
    }
    return ExitOk;
}

// ---- generate ----

// The estimate before a run: a JSON line {"estimate": {...}} with --json, else lines on stderr.
void printEstimate(Context &ctx, const GenerationEstimate &e)
{
    if (ctx.json) {
        ctx.printJson({{QStringLiteral("estimate"), e.toJson()}});
        return;
    }
    QStringList families, languages;
    for (auto it = e.examplesPerFamily.cbegin(); it != e.examplesPerFamily.cend(); ++it)
        families << QStringLiteral("%1 %2").arg(it.key(), QString::number(it.value()));
    for (const auto &[code, n] : e.examplesPerLanguage)
        if (n >= 0.005)
            languages << QStringLiteral("%1 %2").arg(code, QString::number(n, 'f', 1));
    ctx.err << QCoreApplication::translate("ef::cli", "Plan: %1 requests; examples per family: %2")
                   .arg(QString::number(e.requests), families.join(QStringLiteral(", ")))
            << Qt::endl
            << QCoreApplication::translate("ef::cli", "Expected examples per language: %1")
                   .arg(languages.join(QStringLiteral(", ")))
            << Qt::endl
            << QCoreApplication::translate("ef::cli",
                                           "Estimated tokens: %1 prompt, %2 completion; estimated cost %3 %4")
                   .arg(QString::number(qint64(e.promptTokens)), QString::number(qint64(e.completionTokens)),
                        QString::number(e.cost, 'f', 4), e.currency)
            << Qt::endl;
    for (const QString &w : e.warnings)
        ctx.err << QCoreApplication::translate("ef::cli", "warning: %1").arg(w) << Qt::endl;
}

// Runs the generation job (the one the Generate page runs) and prints its outcome; exit 0 when
// the run finished.
int runAndReport(Context &ctx, const Workspace &ws, qint64 runId, const EndpointProfile &endpoint,
                 const EndpointProfile *override)
{
    GenerationJobRequest request;
    request.workspace = ws;
    request.runId = runId;
    if (override)
        request.endpoint = *override;
    request.apiKey = apiKeyFor(endpoint, ctx);
    ProgressPrinter progress(QCoreApplication::translate("ef::cli", "generating"));
    const JobInfo job = runJob(makeGenerationJob(request), {}, [&](const QList<MetricSample> &samples) {
        const GenerationCounters c = generationCountersFrom(samples.constLast());
        progress.update(c.done, c.requestsTotal,
                        QCoreApplication::translate("ef::cli", "valid %1 invalid %2 dup %3 failed %4 %5 req/s")
                            .arg(c.valid)
                            .arg(c.invalid)
                            .arg(c.duplicate)
                            .arg(c.failed)
                            .arg(c.requestsPerSecond, 0, 'f', 1));
    });
    progress.finish();
    const std::optional<GenerationOutcome> outcome = jobResult<GenerationOutcome>(job);
    if (!outcome)
        return ctx.fail(job.error);
    const GenerationCounters *result = &outcome->counters;
    const QString state = outcome->state;
    if (ctx.json) {
        QJsonObject o = result->toJson();
        o.insert(QStringLiteral("run"), runId);
        o.insert(QStringLiteral("state"), state);
        ctx.printJson(o);
    } else {
        ctx.out << QCoreApplication::translate(
                       "ef::cli",
                       "Run %1: %2. Requests %3 (done %4, failed %5); examples valid %6, invalid %7, duplicate %8; "
                       "tokens %9 in / %10 out; cost %11")
                       .arg(runId)
                       .arg(state)
                       .arg(result->requestsTotal)
                       .arg(result->done)
                       .arg(result->failed)
                       .arg(result->valid)
                       .arg(result->invalid)
                       .arg(result->duplicate)
                       .arg(result->promptTokens)
                       .arg(result->completionTokens)
                       .arg(result->cost, 0, 'f', 4)
                << Qt::endl;
        if (!outcome->message.isEmpty())
            ctx.out << outcome->message << Qt::endl;
    }
    return state == QLatin1String("finished") ? ExitOk : ExitFailure;
}

int generate(Context &ctx)
{
    QStringList values = {
        QStringLiteral("workspace"),   QStringLiteral("examples"),       QStringLiteral("families"),
        QStringLiteral("languages"),   QStringLiteral("concurrency"),    QStringLiteral("seed"),
        QStringLiteral("run"),         QStringLiteral("weighting"),      QStringLiteral("language-weights"),
        QStringLiteral("brainstorms"), QStringLiteral("family-weights"), QStringLiteral("budget")};
    values += kEndpointOptions;
    const ParsedArgs a =
        ctx.parse(values, {QStringLiteral("resume"), QStringLiteral("json-format"), QStringLiteral("estimate")}, 0, 0);
    std::optional<double> budget;
    if (a.has(QStringLiteral("budget"))) {
        bool ok = false;
        budget = a.value(QStringLiteral("budget")).toDouble(&ok);
        if (!ok || !(*budget > 0) || !std::isfinite(*budget))
            throw UsageError(QCoreApplication::translate("ef::cli", "--budget takes an amount above 0, not '%1'")
                                 .arg(a.value(QStringLiteral("budget"))));
    }
    OpenedWorkspace o = openWorkspace(a);
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
        if (budget) { // a higher budget continues a run that its budget stopped
            if (Status s = pipeline.setBudget(runId, *budget); !s)
                return ctx.fail(s.error());
        }
        if (a.has(QStringLiteral("concurrency"))) { // requests in flight from now on
            if (Status s = pipeline.setConcurrency(runId, a.intValue(QStringLiteral("concurrency"), 8, 1, 1024)); !s)
                return ctx.fail(s.error());
        }
        auto info = pipeline.runInfo(runId);
        if (!info)
            return ctx.fail(info.error());
        o.db.reset();
        EndpointProfile endpoint = info->config.endpoint;
        if (hasEndpoint(a) || a.has(QStringLiteral("timeout-ms")) || a.has(QStringLiteral("max-retries")))
            endpoint = endpointFrom(a, endpoint);
        return runAndReport(ctx, o.ws, runId, endpoint, &endpoint);
    }
    if (!a.has(QStringLiteral("examples")))
        throw UsageError(QCoreApplication::translate("ef::cli", "--examples N is required (or --resume)"));
    if (!hasEndpoint(a))
        throw UsageError(QCoreApplication::translate(
            "ef::cli", "an endpoint is required: --endpoint NAME or --base-url URL --model M [--api-key-env VAR]"));
    GenerationConfig config;
    config.examples = a.intValue(QStringLiteral("examples"), 0, 1, 100000000);
    if (a.has(QStringLiteral("families")))
        config.families = a.value(QStringLiteral("families")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &f : std::as_const(config.families))
        if (!taskFamilies().contains(f))
            throw UsageError(QCoreApplication::translate("ef::cli", "unknown family '%1' (expected %2)")
                                 .arg(f, taskFamilies().join(QLatin1Char(','))));
    if (a.has(QStringLiteral("languages")))
        config.sampler.languages = a.value(QStringLiteral("languages")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    config.sampler.scheme = a.value(QStringLiteral("weighting"), QStringLiteral("ose"));
    for (const QString &kv : a.value(QStringLiteral("language-weights")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double w = kv.section(QLatin1Char('='), 1).toDouble(&ok);
        if (!kv.contains(QLatin1Char('=')) || !ok || w < 0)
            throw UsageError(
                QCoreApplication::translate(
                    "ef::cli", "--language-weights takes CODE=WEIGHT pairs, e.g. en=0.5,zh=0.2; '%1' is not one")
                    .arg(kv));
        config.sampler.weights.insert(kv.section(QLatin1Char('='), 0, 0), w);
    }
    config.seed = a.seedValue();
    config.concurrency = a.intValue(QStringLiteral("concurrency"), 8, 1, 1024);
    config.brainstormsPerFamily = a.intValue(QStringLiteral("brainstorms"), 0, 0, 100000);
    config.endpoint = endpointFrom(a);
    if (a.has(QStringLiteral("family-weights"))) {
        auto weights = GenerationConfig::parseFamilyWeights(a.value(QStringLiteral("family-weights")));
        if (!weights)
            throw UsageError(weights.error());
        config.familyWeights = weights.value();
        if (config.families.isEmpty()) { // the weighted families, in the table's order
            for (const QString &f : taskFamilies())
                if (config.familyWeights.value(f, 0.0) > 0)
                    config.families << f;
        } else {
            for (const QString &f : std::as_const(config.families))
                if (!config.familyWeights.contains(f))
                    throw UsageError(QCoreApplication::translate("ef::cli",
                                                                 "--families names '%1' but --family-weights gives it "
                                                                 "no weight")
                                         .arg(f));
        }
    }
    if (budget)
        config.budget = *budget;
    // What the run will cost, before anything is sent.
    auto estimate = estimateGeneration(*o.db, config);
    o.db.reset();
    if (!estimate)
        return ctx.fail(estimate.error());
    printEstimate(ctx, estimate.value());
    if (a.has(QStringLiteral("estimate")))
        return ExitOk;
    (void)apiKeyFor(config.endpoint, ctx); // no run is created for a key that is missing or refused
    auto runId = pipeline.createRun(config);
    if (!runId)
        return ctx.fail(runId.error());
    if (!ctx.json)
        ctx.err << QCoreApplication::translate("ef::cli", "Started generation run %1").arg(runId.value()) << Qt::endl;
    return runAndReport(ctx, o.ws, runId.value(), config.endpoint, nullptr);
}

int generateStatus(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("run")}, {}, 0, 0);
    OpenedWorkspace o = openWorkspace(a);
    o.db.reset();
    GenerationPipeline pipeline(o.ws);
    QList<GenerationRun> runs;
    if (a.has(QStringLiteral("run"))) {
        auto info = pipeline.runInfo(a.intValue(QStringLiteral("run"), 0, 1, 2147483647));
        if (!info)
            return ctx.fail(info.error());
        runs.append(info.value());
    } else {
        runs = pipeline.runs();
    }
    QJsonArray arr;
    for (const GenerationRun &r : std::as_const(runs)) {
        QJsonObject obj = r.counters.toJson();
        obj.insert(QStringLiteral("run"), r.id);
        obj.insert(QStringLiteral("state"), r.state);
        obj.insert(QStringLiteral("message"), r.message);
        obj.insert(QStringLiteral("created_at"), r.createdAt);
        obj.insert(QStringLiteral("examples_planned"), r.config.examples);
        arr.append(obj);
        if (!ctx.json)
            ctx.out << QCoreApplication::translate("ef::cli",
                                                   "run %1 %2: requests %3 (pending %4, in flight %5, done %6, failed "
                                                   "%7); valid %8, invalid %9, duplicate %10; cost %11")
                           .arg(r.id)
                           .arg(r.state)
                           .arg(r.counters.requestsTotal)
                           .arg(r.counters.pending)
                           .arg(r.counters.inFlight)
                           .arg(r.counters.done)
                           .arg(r.counters.failed)
                           .arg(r.counters.valid)
                           .arg(r.counters.invalid)
                           .arg(r.counters.duplicate)
                           .arg(r.counters.cost, 0, 'f', 4)
                    << Qt::endl;
    }
    if (ctx.json)
        ctx.printJson({{QStringLiteral("runs"), arr}});
    return ExitOk;
}

} // namespace

void registerGenerateCommands(Registry &registry)
{
    const QString ep = QStringLiteral("(--endpoint NAME | --base-url URL --model M [--api-key-env VAR])");
    registry.add(
        {{QStringLiteral("preview")},
         QStringLiteral("preview --workspace W --family F [--language L] [--n K] [--seed S] [--template ID] [--call ") +
             ep + QStringLiteral("]"),
         QCoreApplication::translate(
             "ef::cli", "Render K prompts with their sampled values; --call sends them and parses the replies"),
         preview});
    registry.add(
        {{QStringLiteral("generate")},
         QStringLiteral("generate --workspace W --examples N [--families F,...] [--languages L,...] [--concurrency C] "
                        "[--seed S] [--weighting ose|uniform|size] [--language-weights L=W,...] [--family-weights "
                        "retrieval=167,classification=122,sts=99,bitext=89,long-long=17,short-short=13] "
                        "[--budget AMOUNT] [--estimate] ") +
             ep + QStringLiteral(" | generate --workspace W --resume [--run ID] [--budget AMOUNT] [--concurrency C]"),
         QCoreApplication::translate("ef::cli",
                                     "Generate synthetic examples with an LLM (the paper's family mix by default; the "
                                     "plan, tokens and cost are printed first, --estimate prints only them), or "
                                     "resume an unfinished run"),
         generate});
    registry.add({{QStringLiteral("generate"), QStringLiteral("status")},
                  QStringLiteral("generate status --workspace W [--run ID] [--json]"),
                  QCoreApplication::translate("ef::cli", "Show generation runs and their counters"),
                  generateStatus});
}

} // namespace ef::cli
