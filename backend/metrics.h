// SPDX-License-Identifier: GPL-3.0-or-later
// Retrieval metrics as trec_eval / BEIR compute them: nDCG@k, MRR@k, Recall@k, MAP@k.
//
// Definitions (rank r counts from 1, rel(d) is the graded qrels score, 0 when absent):
//   DCG@k   = sum_{r<=k} rel(d_r) / log2(r + 1); nDCG@k = DCG@k / IDCG@k, where IDCG@k is the
//             DCG of the qrels sorted by relevance (trec_eval's ndcg_cut, linear gain).
//   MRR@k   = 1 / (rank of the first document with rel > 0), 0 when none in the top k.
//   Recall@k= |relevant in top k| / |relevant|.
//   MAP@k   = sum over relevant d_r with r <= k of Precision@r, divided by |relevant|
//             (trec_eval's map_cut).
//
// Conventions, those of BEIR on top of pytrec_eval (tst_evalparity checks them against
// pytrec_eval on a run with ties, all-zero judgements, self hits and graded qrels):
// - every query of the qrels counts, one whose judgements are all 0 with score 0 (it was
//   skipped, which inflated the means); a query without any result counts 0 (trec_eval -c);
// - ties are broken as trec_eval does (form_res_rels.c): score descending, then document id
//   descending, compared as bytes (sortTrec);
// - MRR@10 is the reciprocal rank of the first relevant document among the first 10 in that
//   order.
#pragma once

#include <algorithm>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

namespace ef::metrics {

using Qrels = QHash<QString, int>; // document id -> graded relevance (> 0 relevant)

struct QueryScores
{
    QString queryId;
    double ndcg10 = 0, recall100 = 0, mrr10 = 0, map10 = 0;
};

double ndcgAt(const QStringList &ranking, const Qrels &qrels, int k);
double mrrAt(const QStringList &ranking, const Qrels &qrels, int k);
double recallAt(const QStringList &ranking, const Qrels &qrels, int k);
double mapAt(const QStringList &ranking, const Qrels &qrels, int k);

// Scores of one query at the cut-offs EmbedForge reports. With ignoreSelf, a hit whose id
// equals the query id is removed first (BEIR's convention for ArguAna, Quora and similar).
QueryScores scoreQuery(const QString &queryId, QStringList ranking, const Qrels &qrels, bool ignoreSelf);

// trec_eval's order: score descending, then document id descending, the ids compared as UTF-8
// bytes (strcmp). T has docId (QString) and score (double).
template <typename T> void sortTrec(QList<T> &docs)
{
    std::stable_sort(docs.begin(), docs.end(), [](const T &a, const T &b) {
        if (a.score != b.score)
            return a.score > b.score;
        return a.docId.toUtf8() > b.docId.toUtf8();
    });
}

// The tie rule in words, for the conventions an evaluation reports.
inline constexpr char kTrecTieRule[] = "score descending, then document id descending (trec_eval)";

struct Summary
{
    double ndcg10 = 0, recall100 = 0, mrr10 = 0, map10 = 0;
    int queries = 0;
};
Summary average(const QList<QueryScores> &scores);

} // namespace ef::metrics
