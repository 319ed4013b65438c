// SPDX-License-Identifier: GPL-3.0-or-later
// Retrieval metrics.
#include "backend/metrics.h"

#include <algorithm>
#include <cmath>

namespace ef::metrics {

namespace {
int relevantCount(const Qrels &qrels)
{
    int n = 0;
    for (int rel : qrels)
        n += rel > 0 ? 1 : 0;
    return n;
}
} // namespace

double ndcgAt(const QStringList &ranking, const Qrels &qrels, int k)
{
    double dcg = 0;
    for (int r = 0; r < std::min<int>(k, static_cast<int>(ranking.size())); ++r) {
        const int rel = qrels.value(ranking.at(r), 0);
        if (rel > 0)
            dcg += rel / std::log2(r + 2.0);
    }
    QList<int> ideal;
    for (int rel : qrels)
        if (rel > 0)
            ideal << rel;
    std::sort(ideal.begin(), ideal.end(), std::greater<int>());
    double idcg = 0;
    for (int r = 0; r < std::min<int>(k, static_cast<int>(ideal.size())); ++r)
        idcg += ideal.at(r) / std::log2(r + 2.0);
    return idcg > 0 ? dcg / idcg : 0.0;
}

double mrrAt(const QStringList &ranking, const Qrels &qrels, int k)
{
    for (int r = 0; r < std::min<int>(k, static_cast<int>(ranking.size())); ++r)
        if (qrels.value(ranking.at(r), 0) > 0)
            return 1.0 / (r + 1);
    return 0.0;
}

double recallAt(const QStringList &ranking, const Qrels &qrels, int k)
{
    const int total = relevantCount(qrels);
    if (total == 0)
        return 0.0;
    int found = 0;
    for (int r = 0; r < std::min<int>(k, static_cast<int>(ranking.size())); ++r)
        found += qrels.value(ranking.at(r), 0) > 0 ? 1 : 0;
    return static_cast<double>(found) / total;
}

double mapAt(const QStringList &ranking, const Qrels &qrels, int k)
{
    const int total = relevantCount(qrels);
    if (total == 0)
        return 0.0;
    double sum = 0;
    int found = 0;
    for (int r = 0; r < std::min<int>(k, static_cast<int>(ranking.size())); ++r) {
        if (qrels.value(ranking.at(r), 0) > 0) {
            ++found;
            sum += static_cast<double>(found) / (r + 1);
        }
    }
    return sum / total;
}

QueryScores scoreQuery(const QString &queryId, QStringList ranking, const Qrels &qrels, bool ignoreSelf)
{
    if (ignoreSelf)
        ranking.removeAll(queryId);
    QueryScores s;
    s.queryId = queryId;
    s.ndcg10 = ndcgAt(ranking, qrels, 10);
    s.recall100 = recallAt(ranking, qrels, 100);
    s.mrr10 = mrrAt(ranking, qrels, 10);
    s.map10 = mapAt(ranking, qrels, 10);
    return s;
}

Summary average(const QList<QueryScores> &scores)
{
    Summary out;
    out.queries = static_cast<int>(scores.size());
    if (scores.isEmpty())
        return out;
    for (const QueryScores &s : scores) {
        out.ndcg10 += s.ndcg10;
        out.recall100 += s.recall100;
        out.mrr10 += s.mrr10;
        out.map10 += s.map10;
    }
    out.ndcg10 /= out.queries;
    out.recall100 /= out.queries;
    out.mrr10 /= out.queries;
    out.map10 /= out.queries;
    return out;
}

} // namespace ef::metrics
