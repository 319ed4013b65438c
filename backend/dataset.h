// SPDX-License-Identifier: GPL-3.0-or-later
// The example dataset: statistics, JSONL export with a seeded split, demo-content import.
//
// Thread-safety: plain functions over the calling thread's Database connection.
#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>

#include "backend/examples.h"
#include "backend/expected.h"
#include "backend/jobs.h"
#include "backend/workspace.h"

namespace ef {

class Database;

struct DatasetStats
{
    qint64 valid = 0;
    qint64 invalid = 0;
    qint64 duplicate = 0;
    QMap<QString, qint64> byFamily;   // valid examples per family
    QMap<QString, qint64> byLanguage; // valid examples per language
    QMap<QString, qint64> invalidReasons;
    QJsonObject toJson() const;
};
DatasetStats datasetStats(Database &db);

struct ExportOptions
{
    QString format = QStringLiteral("examples"); // "examples" or "triplets"
    QString path;                                // train records (all when no split)
    QString validationPath;                      // empty: <path without .jsonl>.validation.jsonl
    double validationFraction = 0.0;             // 0 = no split
    quint64 seed = 0;
    // Only the valid examples this filter shows (the Dataset page exports what it shows); its
    // status is ignored: only valid examples are exported.
    ExampleFilter filter;
};
struct ExportSummary
{
    qint64 train = 0;
    qint64 validation = 0;
    qint64 withoutNegative = 0; // written with "negative": null (nothing is skipped)
    QString trainPath;
    QString validationPath;
};
// Writes every valid example. "examples": {"instruction","query","positive","negative",
// "family","language"} plus "target_language" for bitext; "negative" is null where the example
// has none (short-short and long-long). "triplets" adds "anchor", the query as
// "Instruct: {instruction}\nQuery: {query}" (paper §4), for sentence-transformers (select the
// anchor, positive and negative columns there).
Expected<ExportSummary> exportDataset(Database &db, const ExportOptions &options);

// A JobManager job (kind "dataset.export", handle: the output path) that runs exportDataset
// over a connection of its own. Result: ExportSummary.
JobSpec makeExportJob(const Workspace &workspace, const ExportOptions &options);

// Loads demo content (one JSON object per line: family, language, instruction, query,
// positive, negative|null, status, invalid_reason, raw_response, template, placeholders)
// into the examples table, in one transaction. Returns the number of rows loaded.
Expected<qint64> importDemoExamples(Database &db, const QString &path);
// The same through a new connection; the default path is the embedded demo content
// (resources/demo/examples.jsonl, embedded when present at configure time).
Expected<qint64> importDemoExamples(const Workspace &workspace,
                                    const QString &path = QStringLiteral(":/demo/examples.jsonl"));

} // namespace ef

Q_DECLARE_METATYPE(ef::ExportSummary)
