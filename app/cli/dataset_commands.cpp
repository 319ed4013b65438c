// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli dataset stats|export|import: the synthetic examples of a workspace.
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

#include "app/cli/cli.h"
#include "backend/argtext.h"
#include "backend/corpus.h"
#include "backend/dataset.h"
#include "backend/leakage.h"

namespace ef::cli {

namespace {

int datasetStatsCommand(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace")}, {}, 0, 0);
    OpenedWorkspace o = openWorkspace(a);
    const DatasetStats s = datasetStats(*o.db);
    if (ctx.json) {
        ctx.printJson(s.toJson());
        return ExitOk;
    }
    ctx.out << QCoreApplication::translate("ef::cli", "valid %1, invalid %2, duplicate %3")
                   .arg(argText(s.valid), argText(s.invalid), argText(s.duplicate))
            << Qt::endl;
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

// dataset leakage: examples sharing a long word n-gram with a corpus's queries or documents.
int datasetLeakage(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("corpus"), QStringLiteral("ngram")},
                                   {QStringLiteral("exclude")}, 0, 0);
    if (!a.has(QStringLiteral("corpus")))
        throw UsageError(QCoreApplication::translate("ef::cli", "--corpus NAME is required"));
    const int n = a.intValue(QStringLiteral("ngram"), 13, 3, 100);
    OpenedWorkspace o = openWorkspace(a);
    auto corpus = findCorpus(*o.db, a.value(QStringLiteral("corpus")));
    if (!corpus)
        return ctx.fail(corpus.error());
    ProgressPrinter progress(QCoreApplication::translate("ef::cli", "checking"));
    auto report = checkLeakage(*o.db, corpus.value(), n, [&](qint64 done, qint64 total) {
        progress.update(done, total, QString());
        return true;
    });
    progress.finish();
    if (!report)
        return ctx.fail(report.error());
    qint64 excluded = 0;
    if (a.has(QStringLiteral("exclude"))) {
        auto changed = excludeFlaggedExamples(*o.db);
        if (!changed)
            return ctx.fail(changed.error());
        excluded = changed.value();
    }
    if (ctx.json) {
        QJsonObject out = report->toJson();
        if (a.has(QStringLiteral("exclude")))
            out.insert(QStringLiteral("excluded"), excluded);
        ctx.printJson(out);
        return ExitOk;
    }
    ctx.out << QCoreApplication::translate("ef::cli",
                                           "%1 of %2 examples share a %3-word sequence with corpus '%4' (CJK counted "
                                           "in characters)")
                   .arg(QString::number(report->flagged), QString::number(report->examplesChecked), QString::number(n),
                        report->corpus)
            << Qt::endl;
    for (auto it = report->byFamily.cbegin(); it != report->byFamily.cend(); ++it)
        ctx.out << QStringLiteral("  %1 %2").arg(it.key().leftJustified(16), QString::number(it.value())) << Qt::endl;
    for (auto it = report->byLanguage.cbegin(); it != report->byLanguage.cend(); ++it)
        ctx.out << QStringLiteral("  %1 %2").arg(it.key().leftJustified(16), QString::number(it.value())) << Qt::endl;
    for (const LeakageFlag &f : std::as_const(report->flags))
        ctx.out << QCoreApplication::translate("ef::cli", "example %1 (%2, %3): its %4 shares \"%5\" with %6 %7")
                       .arg(QString::number(f.exampleId), f.family, f.language, f.field, f.ngram, f.matchKind,
                            f.matchId)
                << Qt::endl;
    if (a.has(QStringLiteral("exclude")))
        ctx.out
            << QCoreApplication::translate("ef::cli", "%1 example(s) excluded from training and exports").arg(excluded)
            << Qt::endl;
    return ExitOk;
}

int datasetExport(Context &ctx)
{
    const ParsedArgs a =
        ctx.parse({QStringLiteral("workspace"), QStringLiteral("format"), QStringLiteral("out"),
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
    opt.validationFraction = a.doubleValue(QStringLiteral("validation-fraction"), 0.0);
    if (!(opt.validationFraction >= 0.0 && opt.validationFraction < 1.0))
        throw UsageError(
            QCoreApplication::translate("ef::cli", "--validation-fraction must be at least 0 and below 1"));
    opt.seed = a.seedValue();
    OpenedWorkspace o = openWorkspace(a);
    o.db.reset(); // the job opens its own connection
    const JobInfo job = runJob(makeExportJob(o.ws, opt));
    const std::optional<ExportSummary> sum = jobResult<ExportSummary>(job);
    if (job.state != JobState::Succeeded || !sum)
        return ctx.fail(job.error);
    if (ctx.json) {
        QJsonObject obj{{QStringLiteral("train"), sum->train},
                        {QStringLiteral("validation"), sum->validation},
                        {QStringLiteral("without_negative"), sum->withoutNegative},
                        {QStringLiteral("skipped_without_negative"), 0}, // nothing is skipped any more
                        {QStringLiteral("out"), sum->trainPath}};
        if (!sum->validationPath.isEmpty())
            obj.insert(QStringLiteral("validation_out"), sum->validationPath);
        ctx.printJson(obj);
    } else {
        ctx.out << QCoreApplication::translate("ef::cli", "Wrote %1 record(s) to %2")
                       .arg(argText(sum->train), argText(sum->trainPath))
                << Qt::endl;
        if (!sum->validationPath.isEmpty())
            ctx.out << QCoreApplication::translate("ef::cli", "Wrote %1 validation record(s) to %2")
                           .arg(argText(sum->validation), argText(sum->validationPath))
                    << Qt::endl;
        if (sum->withoutNegative > 0)
            ctx.out << QCoreApplication::translate("ef::cli", "%1 example(s) have no hard negative: written with "
                                                              "\"negative\": null")
                           .arg(sum->withoutNegative)
                    << Qt::endl;
    }
    return ExitOk;
}

int datasetImport(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("jsonl"), QStringLiteral("name"),
                                    QStringLiteral("instruction"), QStringLiteral("ratio")},
                                   {}, 0, 1);
    if (a.has(QStringLiteral("jsonl"))) {
        if (!a.positionals.isEmpty())
            throw UsageError(QCoreApplication::translate("ef::cli", "give the file with --jsonl or as FILE, not both"));
        return importLabelledDataset(ctx, a);
    }
    if (a.positionals.isEmpty())
        throw UsageError(QCoreApplication::translate("ef::cli", "missing argument"));
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

void registerDatasetCommands(Registry &registry)
{
    registry.add(
        {{QStringLiteral("dataset"), QStringLiteral("stats")},
         QStringLiteral("dataset stats --workspace W [--json]"),
         QCoreApplication::translate("ef::cli", "Count examples by status, family, language and invalid reason"),
         datasetStatsCommand});
    registry.add({{QStringLiteral("dataset"), QStringLiteral("leakage")},
                  QStringLiteral("dataset leakage --workspace W --corpus NAME [--ngram 13] [--exclude] [--json]"),
                  QCoreApplication::translate("ef::cli",
                                              "Find examples whose query or documents share a long word n-gram with a "
                                              "corpus's queries or documents (CJK in characters); --exclude leaves "
                                              "them out of training and exports"),
                  datasetLeakage});
    registry.add({{QStringLiteral("dataset"), QStringLiteral("export")},
                  QStringLiteral("dataset export --workspace W --format examples|triplets --out FILE "
                                 "[--validation-fraction F] [--validation-out FILE] [--seed S]"),
                  QCoreApplication::translate(
                      "ef::cli", "Export valid examples as JSONL, optionally with a seeded validation split"),
                  datasetExport});
    registry.add(
        {{QStringLiteral("dataset"), QStringLiteral("import")},
         QStringLiteral("dataset import --workspace W --jsonl FILE --name NAME [--instruction TEXT] [--ratio R] | "
                        "dataset import FILE --workspace W"),
         QCoreApplication::translate("ef::cli", "Import a labelled dataset for training (query/pos/neg, "
                                                "anchor/positive/negative), or demo-content examples"),
         datasetImport});
}

} // namespace ef::cli
