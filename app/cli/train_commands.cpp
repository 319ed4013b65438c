// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli train / runs list / export / dataset import --jsonl: contrastive training in a workspace.
#include <atomic>
#include <csignal>

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/cli.h"
#include "backend/argtext.h"
#include "backend/corpus.h"
#include "backend/training.h"
#include "models/training.h"

namespace ef::cli {

namespace {

std::atomic_bool g_interrupted{false};

void onInterrupt(int)
{
    g_interrupted.store(true);
}

QString tr(const char *text)
{
    return QCoreApplication::translate("ef::cli", text);
}

qint64 parseRunId(const QString &text)
{
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id < 1)
        throw UsageError(tr("--run/--resume: expected a run number, not '%1'").arg(text));
    return id;
}

// One JSON line per step on stdout (and per evaluation), as the samples arrive.
void printSamples(Context &ctx, const QList<MetricSample> &samples)
{
    for (const MetricSample &s : samples) {
        if (s.values.contains(QStringLiteral("loss"))) {
            QJsonObject o{{QStringLiteral("step"), s.step},
                          {QStringLiteral("loss"), s.value(QStringLiteral("loss"))},
                          {QStringLiteral("lr"), s.value(QStringLiteral("lr"))},
                          {QStringLiteral("grad_norm"), s.value(QStringLiteral("grad_norm"))},
                          {QStringLiteral("accuracy"), s.value(QStringLiteral("accuracy"))},
                          {QStringLiteral("examples_per_s"), s.value(QStringLiteral("examples_per_s"))},
                          {QStringLiteral("tokens_per_s"), s.value(QStringLiteral("tokens_per_s"))},
                          {QStringLiteral("positive_cos"), s.value(QStringLiteral("positive_cos"))},
                          {QStringLiteral("hardest_negative_cos"), s.value(QStringLiteral("hardest_negative_cos"))},
                          {QStringLiteral("masked"), s.value(QStringLiteral("masked"))},
                          {QStringLiteral("memory_bytes"), s.value(QStringLiteral("memory_bytes"))},
                          {QStringLiteral("elapsed_s"), s.value(QStringLiteral("elapsed_s"))}};
            ctx.printJson(o);
        }
        // Evaluations: eval.<split>.<metric>
        QMap<QString, QJsonObject> evals;
        for (auto it = s.values.constBegin(); it != s.values.constEnd(); ++it) {
            if (!it.key().startsWith(QLatin1String("eval.")))
                continue;
            const QString rest = it.key().mid(5);
            const int dot = rest.lastIndexOf(QLatin1Char('.'));
            evals[rest.left(dot)].insert(rest.mid(dot + 1), it.value());
        }
        for (auto it = evals.constBegin(); it != evals.constEnd(); ++it) {
            QJsonObject o = it.value();
            o.insert(QStringLiteral("step"), s.step);
            o.insert(QStringLiteral("eval"), it.key());
            ctx.printJson(o);
        }
    }
    ctx.out.flush();
}

int runTraining(Context &ctx, const Workspace &ws, qint64 runId)
{
    // Ctrl-C or SIGTERM cancels the job: it saves a checkpoint and stops (train --resume continues).
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    ProgressPrinter progress(tr("train"));
    const JobInfo job = runJob(
        makeTrainingJob(ws, runId), [&](const JobProgress &p) { progress.update(p.done, p.total, p.message); },
        [&](const QList<MetricSample> &samples) { printSamples(ctx, samples); }, [] { return g_interrupted.load(); });
    progress.finish();
    const auto outcome = jobResult<TrainingOutcome>(job);
    const auto info = trainingRun(ws, runId);
    QJsonObject o{{QStringLiteral("run"), runId},
                  {QStringLiteral("status"), outcome ? outcome->status : jobStateName(job.state)},
                  {QStringLiteral("steps"), outcome ? outcome->steps : (info ? info->steps : 0)},
                  {QStringLiteral("total_steps"), info ? info->totalSteps : 0},
                  {QStringLiteral("dir"), info ? info->runDir : QString()},
                  {QStringLiteral("checkpoint"), outcome ? outcome->checkpoint : QString()},
                  {QStringLiteral("message"), outcome ? outcome->message : job.error}};
    ctx.printJson(o);
    if (job.state == JobState::Succeeded)
        return ExitOk;
    return ctx.fail(outcome && !outcome->message.isEmpty() ? outcome->message : job.error);
}

int train(Context &ctx)
{
    QStringList values = {QStringLiteral("workspace"),
                          QStringLiteral("model"),
                          QStringLiteral("config"),
                          QStringLiteral("resume"),
                          QStringLiteral("datasets"),
                          QStringLiteral("family"),
                          QStringLiteral("language"),
                          QStringLiteral("eval-corpus"),
                          QStringLiteral("eval-split"),
                          QStringLiteral("eval-instruction"),
                          QStringLiteral("exclude-corpus-queries"),
                          QStringLiteral("pairs-from-corpus"),
                          QStringLiteral("pairs-instruction"),
                          QStringLiteral("mine-corpus")};
    for (const train::TrainOption &o : train::trainOptions())
        values << QString::fromUtf8(o.flag).mid(2);
    const ParsedArgs a = ctx.parse(values, {}, 0, 0);
    OpenedWorkspace w = openWorkspace(a);
    if (a.has(QStringLiteral("resume"))) {
        for (const QString &k : a.values.keys())
            if (k != QLatin1String("resume") && k != QLatin1String("workspace"))
                throw UsageError(tr("--%1 cannot be combined with --resume (the run keeps its own settings)").arg(k));
        const qint64 id = parseRunId(a.value(QStringLiteral("resume")));
        const auto info = trainingRun(w.ws, id);
        if (!info)
            return ctx.fail(info.error());
        if (info->finished())
            return ctx.fail(tr("run %1 is %2; there is nothing to resume").arg(argText(id), argText(info->status)));
        return runTraining(ctx, w.ws, id);
    }
    train::TrainConfig config;
    try {
        if (a.has(QStringLiteral("config"))) {
            QFile f(a.value(QStringLiteral("config")));
            if (!f.open(QIODevice::ReadOnly))
                return ctx.fail(tr("%1: cannot be read").arg(f.fileName()));
            config = train::TrainConfig::fromJson(f.readAll().toStdString(), f.fileName().toStdString());
        }
        if (a.has(QStringLiteral("model")))
            config.model = a.value(QStringLiteral("model")).toStdString();
        for (const train::TrainOption &o : train::trainOptions())
            if (a.has(QString::fromUtf8(o.flag).mid(2)))
                train::applyTrainOption(config, o.flag, a.value(QString::fromUtf8(o.flag).mid(2)).toStdString());
    } catch (const train::ConfigError &e) {
        throw UsageError(QString::fromStdString(e.what()));
    }
    if (config.model.empty())
        throw UsageError(tr("--model DIR is required (or \"model\" in --config)"));
    if (a.has(QStringLiteral("mine-corpus")) && config.mineNegatives == 0)
        throw UsageError(tr("--mine-corpus needs --mine-negatives N (or \"mine_negatives\" in --config)"));
    TrainingRequest request;
    request.configJson = QString::fromStdString(config.toJson());
    const QStringList sources =
        a.value(QStringLiteral("datasets"), QStringLiteral("*")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (sources.contains(QStringLiteral("*"))) {
        request.data.synthetic = true;
        const auto all = datasets(w.ws);
        if (!all)
            return ctx.fail(all.error());
        for (const DatasetInfo &d : *all)
            request.data.datasets << d.name;
    } else {
        request.data.synthetic = sources.contains(QStringLiteral("synthetic"));
        for (const QString &s : sources)
            if (s != QLatin1String("synthetic"))
                request.data.datasets << s;
    }
    request.data.filter.family = a.value(QStringLiteral("family"));
    request.data.filter.language = a.value(QStringLiteral("language"));
    if (a.has(QStringLiteral("exclude-corpus-queries"))) {
        const auto corpora = listCorpora(w.ws);
        if (!corpora)
            return ctx.fail(corpora.error());
        const QString name = a.value(QStringLiteral("exclude-corpus-queries"));
        qint64 cid = -1;
        for (const CorpusInfo &c : *corpora)
            if (c.name == name)
                cid = c.id;
        if (cid < 0)
            return ctx.fail(tr("there is no corpus named '%1'").arg(name));
        const auto texts = corpusQueryTexts(w.ws, cid, 1000000);
        if (!texts)
            return ctx.fail(texts.error());
        request.data.excludeQueries = *texts;
    }
    request.data.pairsCorpus = a.value(QStringLiteral("pairs-from-corpus"));
    request.data.mineCorpus = a.value(QStringLiteral("mine-corpus"));
    request.data.pairsInstruction =
        a.value(QStringLiteral("pairs-instruction"), a.value(QStringLiteral("eval-instruction")));
    request.evalCorpus = a.value(QStringLiteral("eval-corpus"));
    request.evalSplit = a.value(QStringLiteral("eval-split"), QStringLiteral("test"));
    request.evalInstruction = a.value(QStringLiteral("eval-instruction"));
    const auto id = createTrainingRun(w.ws, request);
    if (!id)
        return ctx.fail(id.error());
    return runTraining(ctx, w.ws, *id);
}

int runsList(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace")}, {}, 0, 0);
    OpenedWorkspace w = openWorkspace(a);
    const auto runs = trainingRuns(w.ws);
    if (!runs)
        return ctx.fail(runs.error());
    if (ctx.json) {
        QJsonArray arr;
        for (const TrainingRunInfo &r : *runs)
            arr.append(
                QJsonObject{{QStringLiteral("run"), r.id},
                            {QStringLiteral("name"), r.name},
                            {QStringLiteral("status"), r.status},
                            {QStringLiteral("message"), r.message},
                            {QStringLiteral("mode"), r.mode},
                            {QStringLiteral("base_model"), r.baseModel},
                            {QStringLiteral("steps"), r.steps},
                            {QStringLiteral("total_steps"), r.totalSteps},
                            {QStringLiteral("examples"), r.examples},
                            {QStringLiteral("heldout"), r.heldOut},
                            {QStringLiteral("dir"), r.runDir},
                            {QStringLiteral("created_at"), r.createdAt},
                            {QStringLiteral("updated_at"), r.updatedAt},
                            {QStringLiteral("config"), QJsonDocument::fromJson(r.configJson.toUtf8()).object()}});
        ctx.printJson(QJsonObject{{QStringLiteral("runs"), arr}});
        return ExitOk;
    }
    if (runs->isEmpty())
        ctx.out << tr("No training runs yet.") << Qt::endl;
    for (const TrainingRunInfo &r : *runs)
        ctx.out << QStringLiteral("%1  %2  %3  %4/%5  %6")
                       .arg(r.id)
                       .arg(r.status, -9)
                       .arg(r.mode, -4)
                       .arg(r.steps)
                       .arg(r.totalSteps)
                       .arg(r.name)
                << Qt::endl;
    return ExitOk;
}

int exportRun(Context &ctx)
{
    const ParsedArgs a =
        ctx.parse({QStringLiteral("workspace"), QStringLiteral("run"), QStringLiteral("format"), QStringLiteral("out")},
                  {}, 0, 0);
    OpenedWorkspace w = openWorkspace(a);
    if (!a.has(QStringLiteral("run")) || !a.has(QStringLiteral("format")) || !a.has(QStringLiteral("out")))
        throw UsageError(tr("--run RUN, --format and --out DIR are required"));
    const QString format = a.value(QStringLiteral("format"));
    if (format != QLatin1String("peft") && format != QLatin1String("merged") &&
        format != QLatin1String("sentence-transformers"))
        throw UsageError(tr("--format: expected peft, merged or sentence-transformers, not '%1'").arg(format));
    const qint64 id = parseRunId(a.value(QStringLiteral("run")));
    const JobInfo job = runJob(makeTrainingExportJob(w.ws, id, format, a.value(QStringLiteral("out"))));
    if (job.state != JobState::Succeeded)
        return ctx.fail(job.error);
    const QStringList parts = jobResult<QString>(job).value_or(QString()).split(QLatin1Char('\t'));
    ctx.printJson(QJsonObject{{QStringLiteral("run"), id},
                              {QStringLiteral("format"), format},
                              {QStringLiteral("out"), parts.value(0)},
                              {QStringLiteral("probes"), parts.value(1).toInt()},
                              {QStringLiteral("min_cosine"), parts.value(2).toDouble()}});
    return ExitOk;
}

} // namespace

int importLabelledDataset(Context &ctx, const ParsedArgs &a)
{
    OpenedWorkspace w = openWorkspace(a);
    if (!a.has(QStringLiteral("name")))
        throw UsageError(tr("--name NAME is required with --jsonl"));
    bool ok = true;
    const double ratio = a.value(QStringLiteral("ratio"), QStringLiteral("1")).toDouble(&ok);
    if (!ok)
        throw UsageError(tr("--ratio: expected a number, not '%1'").arg(a.value(QStringLiteral("ratio"))));
    const auto info = importDataset(w.ws, a.value(QStringLiteral("jsonl")), a.value(QStringLiteral("name")),
                                    a.value(QStringLiteral("instruction")), ratio);
    if (!info)
        return ctx.fail(info.error());
    if (ctx.json)
        ctx.printJson(QJsonObject{{QStringLiteral("dataset"), info->name},
                                  {QStringLiteral("examples"), info->examples},
                                  {QStringLiteral("ratio"), info->ratio},
                                  {QStringLiteral("instruction"), info->instruction}});
    else
        ctx.out << tr("Imported %1 examples as dataset '%2'.").arg(argText(info->examples), argText(info->name))
                << Qt::endl;
    return ExitOk;
}

void registerTrainCommands(Registry &registry)
{
    const QString options = QString::fromStdString(train::trainOptionsHelp());
    registry.add(
        {{QStringLiteral("train")},
         QStringLiteral(
             "train --workspace W --model DIR [--mode lora|full] [--config FILE] [--steps N] "
             "[--batch N] [--micro-batch N] [--device cpu|cuda] [--name NAME] "
             "[--datasets synthetic,NAME,...] [--family F] [--language L] [--eval-corpus NAME [--eval-split S] "
             "[--eval-instruction TEXT]] [--exclude-corpus-queries NAME] [--pairs-from-corpus NAME "
             "[--pairs-instruction TEXT]] [--mine-negatives N [--mine-corpus NAME]] [options] | "
             "train --workspace W --resume RUN"),
         tr("Contrastive fine-tuning (LoRA or full) on the workspace's examples; one JSON line per step") +
             QStringLiteral("\n") + options,
         train});
    registry.add({{QStringLiteral("runs"), QStringLiteral("list")},
                  QStringLiteral("runs list --workspace W [--json]"),
                  tr("List the workspace's training runs"),
                  runsList});
    registry.add({{QStringLiteral("export")},
                  QStringLiteral("export --workspace W --run RUN --format peft|merged|sentence-transformers --out DIR"),
                  tr("Export a run's newest checkpoint; the export is loaded back and checked"),
                  exportRun});
}

} // namespace ef::cli
