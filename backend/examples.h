// SPDX-License-Identifier: GPL-3.0-or-later
// The example dataset as views read it: the filter, ids and pages of rows, one example's
// detail, and the aggregates behind the Dataset page's charts.
//
// A view of 500k examples stays fast by loading only the matching ids (8 bytes a row) and then
// pages of rows by id range: the rows of a page whose first and last ids are lo and hi are
// exactly the matching rows with lo <= id <= hi. Text filters use LIKE with escaped patterns,
// so wildcards in the user's text are literal characters.
//
// Errors: every function returns Expected with the database's message; none throws.
// Thread-safety: plain functions over the calling thread's Database connection, or (the
// Workspace overloads) over a connection of their own; call them off the GUI thread.
#pragma once

#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>

#include "backend/expected.h"
#include "backend/workspace.h"

namespace ef {

class Database;

// Rows a view fetches at once.
constexpr int kExamplePageSize = 200;

struct ExampleFilter
{
    QString family;          // empty = all
    QString language;        // empty = all
    QString status;          // "valid", "invalid", "duplicate"; empty = all
    QString task;            // text the instruction (the task) must contain
    QString text;            // words that must all appear in instruction, query, positive or negative
    bool leakedOnly = false; // only examples flagged by a leakage check (dataset leakage)

    bool operator==(const ExampleFilter &o) const
    {
        return family == o.family && language == o.language && status == o.status && task == o.task && text == o.text &&
               leakedOnly == o.leakedOnly;
    }
    bool operator!=(const ExampleFilter &o) const { return !(*this == o); }
};

// The SQL WHERE clause of a filter (" WHERE ..." or empty) and its bound values, in order.
QString exampleWhereClause(const ExampleFilter &filter, QStringList *binds);

// One line of the examples table.
struct ExampleRow
{
    qint64 id = 0;
    QString family, language, status, invalidReason, instruction, query, positive, negative;
};

// Ids of the examples that match, ascending.
Expected<QVector<qint64>> exampleIds(Database &db, const ExampleFilter &filter);
// The matching rows with lo <= id <= hi, ascending by id.
Expected<QList<ExampleRow>> exampleRows(Database &db, const ExampleFilter &filter, qint64 lo, qint64 hi);
Expected<QVector<qint64>> exampleIds(const Workspace &ws, const ExampleFilter &filter);
Expected<QList<ExampleRow>> exampleRows(const Workspace &ws, const ExampleFilter &filter, qint64 lo, qint64 hi);

// Everything stored about one example, with its provenance.
struct ExampleDetail
{
    qint64 id = 0;
    QString family, language, status, invalidReason, invalidDetail;
    QString instruction, query, positive, negative;
    QString templateId;
    qint64 templateVersion = 0;
    QString placeholders; // the sampled values, as JSON text
    QString prompt, rawResponse;
    qint64 duplicateOf = 0; // a duplicate: the valid example it repeats (0: none)
    struct Leak
    {
        QString corpus, field, matchKind, matchId, ngram;
    };
    QList<Leak> leaks; // what leakage checks found: the shared n-gram, per corpus
};
// The example, or an error when it does not exist (any more).
Expected<ExampleDetail> exampleDetail(Database &db, qint64 id);
Expected<ExampleDetail> exampleDetail(const Workspace &ws, qint64 id);

// Aggregates behind the charts, for the examples that match a filter.
struct ExampleCharts
{
    static constexpr int kLengthBins = 24;

    qint64 total = 0;
    QList<QPair<QString, qint64>> perLanguage; // most first
    QList<QPair<QString, qint64>> perFamily;
    QList<QPair<QString, qint64>> invalidReasons;
    QMap<QString, QVector<qint64>> wordHistograms; // "query"/"positive"/"negative" -> counts per bin
    int binWords = 25;     // bin width in words, chosen so the bins cover the longest text; the last holds the rest
    QStringList languages; // every language in the dataset (for a filter)
};
Expected<ExampleCharts> exampleCharts(Database &db, const ExampleFilter &filter);
Expected<ExampleCharts> exampleCharts(const Workspace &ws, const ExampleFilter &filter);

} // namespace ef
