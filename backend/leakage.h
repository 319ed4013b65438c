// SPDX-License-Identifier: GPL-3.0-or-later
// Dataset leakage: synthetic examples whose query or documents share a long word n-gram with an
// evaluation corpus's queries or documents. An LLM can reproduce text that also sits in a
// benchmark, and a gain measured on that benchmark then means little.
//
// Text is split into words (runs of letters, digits and combining marks, case-folded); CJK text counts in
// characters, each Han, kana or Hangul character a word of its own, as the paper's data is
// multilingual. Two texts leak when they share n consecutive words (13 by default, as the
// GPT-3 and LLaMA contamination checks use). The examples' n-grams are hashed (64 bits) into a
// sorted array, 8 bytes each, and the corpus is streamed past it, so memory grows with the
// dataset, not with the corpus; every hit is confirmed on the words themselves.
//
// Thread-safety: plain functions over the calling thread's connection.
#pragma once

#include <functional>

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include "backend/corpus.h"
#include "backend/expected.h"

namespace ef {

class Database;
class Workspace;
struct JobSpec;

struct LeakageFlag
{
    qint64 exampleId = 0;
    QString family;
    QString language;
    QString field;     // "query", "positive" or "negative"
    QString matchKind; // "document" or "query"
    QString matchId;   // the corpus's document or query id
    QString ngram;     // the first shared n-gram, words joined by spaces
};

struct LeakageReport
{
    QString corpus;
    int ngram = 13;
    qint64 examplesChecked = 0;
    qint64 flagged = 0;
    QMap<QString, qint64> byFamily;
    QMap<QString, qint64> byLanguage;
    QList<LeakageFlag> flags;
    QJsonObject toJson() const;
};

// The words of text as leakage counts them (CJK characters one by one).
QStringList leakageWords(const QString &text);

// Checks every valid or duplicate example against the corpus's queries and documents, and
// stores the flags (leakage_flags, replacing the corpus's earlier ones). progress gets
// (done, total) and returns false to cancel.
Expected<LeakageReport> checkLeakage(Database &db, const CorpusInfo &corpus, int ngram = 13,
                                     const std::function<bool(qint64, qint64)> &progress = {});

// Marks the examples flagged against any corpus as excluded from training and exports; returns
// how many changed. Unexclude: excludeExamples(db, false) clears every exclusion.
Expected<qint64> excludeFlaggedExamples(Database &db);
// checkLeakage as a light job with progress and cancel (kind "dataset.leakage"), for a view.
// Result: LeakageReport.
JobSpec makeLeakageCheckJob(const Workspace &workspace, const QString &corpusName, int ngram = 13);
Expected<qint64> includeAllExamples(Database &db);

} // namespace ef

Q_DECLARE_METATYPE(ef::LeakageReport)
