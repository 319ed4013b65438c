// SPDX-License-Identifier: GPL-3.0-or-later
// Retrieval: BM25, dense and hybrid search, evaluation, the embed and evaluation jobs, DenseSession.
#include "backend/retrieval.h"

#include "backend/fts.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QFile>
#include <QLocale>
#include <QSet>
#include <QSaveFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QRegularExpression>

#include "backend/database.h"
#include "backend/argtext.h"
#include "backend/fileguard.h"
#include "backend/densecompute.h"
#include "backend/timestamp.h"
#include "models/embedder.h"

namespace ef {

struct DenseRetriever::Impl
{
    DenseModel model;
    VectorSet set;
    std::shared_ptr<models::Embedder> embedder;
};

namespace {

struct EvalQuery
{
    QString id;
    QString text;
    metrics::Qrels qrels;
};

QList<EvalQuery> evalQueries(Database &db, const CorpusInfo &corpus, const QString &split)
{
    QHash<QString, metrics::Qrels> qrels;
    Statement q = db.prepare(
        QStringLiteral("SELECT query_ext_id, doc_ext_id, score FROM qrels WHERE corpus_id = ? AND split = ?"));
    q.bind(1, corpus.id).bind(2, split);
    while (q.step())
        qrels[q.columnText(0)].insert(q.columnText(1), static_cast<int>(q.columnInt(2)));
    QList<EvalQuery> out;
    Statement texts = db.prepare(QStringLiteral("SELECT ext_id, text FROM queries WHERE corpus_id = ? ORDER BY id"));
    texts.bind(1, corpus.id);
    while (texts.step()) {
        const QString id = texts.columnText(0);
        // Every query of the qrels counts, one whose judgements are all 0 too (BEIR, trec_eval).
        const auto rel = qrels.constFind(id);
        if (rel != qrels.constEnd())
            out.append({id, texts.columnText(1), rel.value()});
    }
    return out;
}

models::Matrix embedQueries(const DenseRetriever &dense, const QStringList &texts, const QString &instruction,
                            const models::EmbedProgress &progress = {})
{
    std::vector<std::string> in;
    in.reserve(static_cast<size_t>(texts.size()));
    // A query is tokenised whole before truncation to max_length: cut it to the query limit first
    // (backend/fts.h), so memory stays bounded whatever the stored or typed text.
    for (const QString &t : texts)
        in.push_back(fts::limitQueryBytes(t).toStdString());
    models::EmbedOptions o;
    o.instruction = instruction.toStdString();
    o.maxLength = dense.model().maxLength;
    o.batchSize = dense.model().batchSize;
    return dense.impl()->embedder->embed(in, o, progress);
}

QList<SearchHit> withSnippets(Database &db, const CorpusInfo &corpus, QList<SearchHit> hits, const QString &query)
{
    Statement doc = db.prepare(QStringLiteral("SELECT text FROM documents WHERE corpus_id = ? AND ext_id = ?"));
    for (SearchHit &h : hits) {
        if (h.snippet.contains(QChar(1)))
            continue; // BM25's own snippet
        doc.bind(1, corpus.id).bind(2, h.docId);
        if (doc.step())
            h.snippet = snippetFor(doc.columnText(0), query);
        doc.reset();
    }
    return hits;
}

} // namespace

// ---- DenseRetriever ----

DenseRetriever::DenseRetriever() = default;
DenseRetriever::~DenseRetriever() = default;
DenseRetriever::DenseRetriever(const DenseRetriever &) = default;
DenseRetriever &DenseRetriever::operator=(const DenseRetriever &) = default;
DenseRetriever::DenseRetriever(std::shared_ptr<Impl> impl) : d(std::move(impl))
{}

Expected<DenseRetriever> DenseRetriever::load(Database &db, const CorpusInfo &corpus, const DenseModel &model)
{
    try {
        const QString fingerprint = modelFingerprint(model);
        Expected<VectorSet> set = findVectorSet(db, corpus, fingerprint);
        if (!set)
            return makeError(set.error());
        auto impl = std::make_shared<Impl>();
        impl->model = model;
        impl->set = set.value();
        impl->embedder = loadEmbedder(model);
        return DenseRetriever(std::move(impl));
    } catch (const DbError &e) {
        return makeError(e.message());
    } catch (const std::exception &e) {
        return makeError(QString::fromUtf8(e.what()));
    }
}

bool DenseRetriever::isValid() const
{
    return d && d->embedder;
}

const DenseModel &DenseRetriever::model() const
{
    static const DenseModel none;
    return d ? d->model : none;
}

const VectorSet &DenseRetriever::vectors() const
{
    static const VectorSet none;
    return d ? d->set : none;
}

// ---- search and evaluation ----

QList<SearchHit> fuseReciprocalRank(const QList<QList<SearchHit>> &rankings, int k, int rrfK)
{
    struct Fused
    {
        SearchHit hit;
        double score = 0;
        int bestRank = INT_MAX;
        int order = 0;
    };
    QHash<QString, Fused> byId;
    int order = 0;
    for (const QList<SearchHit> &list : rankings)
        for (int r = 0; r < list.size(); ++r) {
            auto it = byId.find(list[r].docId);
            if (it == byId.end())
                it = byId.insert(list[r].docId, Fused{list[r], 0.0, INT_MAX, order++});
            it->score += 1.0 / (rrfK + r + 1);
            it->bestRank = std::min(it->bestRank, r + 1);
        }
    QList<Fused> all = byId.values();
    std::sort(all.begin(), all.end(), [](const Fused &a, const Fused &b) {
        if (a.score != b.score)
            return a.score > b.score;
        if (a.bestRank != b.bestRank)
            return a.bestRank < b.bestRank;
        return a.order < b.order;
    });
    QList<SearchHit> out;
    for (int i = 0; i < std::min<int>(k, all.size()); ++i) {
        out.append(all[i].hit);
        out.last().score = all[i].score;
    }
    return out;
}

QString snippetFor(const QString &text, const QString &query, int maxChars)
{
    // Query words: runs of letters/digits (2+ characters), and single CJK characters.
    QStringList words;
    static const QRegularExpression wordRe(QStringLiteral("[\\p{L}\\p{N}]+"));
    for (auto it = wordRe.globalMatch(query); it.hasNext();) {
        const QString w = it.next().captured(0);
        bool cjk = false;
        for (const QChar c : w)
            cjk = cjk || (c.script() == QChar::Script_Han || c.script() == QChar::Script_Hiragana ||
                          c.script() == QChar::Script_Katakana || c.script() == QChar::Script_Hangul);
        if (cjk) {
            for (const QChar c : w)
                words << QString(c);
        } else if (w.size() >= 2) {
            words << w;
        }
    }
    int first = -1;
    for (const QString &w : std::as_const(words)) {
        const int at = text.indexOf(w, 0, Qt::CaseInsensitive);
        if (at >= 0 && (first < 0 || at < first))
            first = at;
    }
    int start = first < 0 ? 0 : std::max(0, first - maxChars / 4);
    // Start at a word boundary when cutting into the text.
    if (start > 0) {
        const int space = text.lastIndexOf(QLatin1Char(' '), start);
        start = space >= 0 && start - space < 20 ? space + 1 : start;
    }
    QString window = text.mid(start, maxChars);
    if (words.isEmpty())
        return (start > 0 ? QStringLiteral("…") : QString()) + window +
               (start + maxChars < text.size() ? QStringLiteral("…") : QString());
    QString marked;
    int pos = 0;
    while (pos < window.size()) {
        int bestAt = -1, bestLen = 0;
        for (const QString &w : std::as_const(words)) {
            const int at = window.indexOf(w, pos, Qt::CaseInsensitive);
            if (at >= 0 && (bestAt < 0 || at < bestAt || (at == bestAt && w.size() > bestLen))) {
                bestAt = at;
                bestLen = static_cast<int>(w.size());
            }
        }
        if (bestAt < 0) {
            marked += window.mid(pos);
            break;
        }
        marked += window.mid(pos, bestAt - pos) + QChar(1) + window.mid(bestAt, bestLen) + QChar(2);
        pos = bestAt + bestLen;
    }
    return (start > 0 ? QStringLiteral("…") : QString()) + marked +
           (start + maxChars < text.size() ? QStringLiteral("…") : QString());
}

std::optional<SearchMethod> parseSearchMethod(const QString &name)
{
    if (name == QLatin1String("bm25"))
        return SearchMethod::Bm25;
    if (name == QLatin1String("dense"))
        return SearchMethod::Dense;
    if (name == QLatin1String("hybrid"))
        return SearchMethod::Hybrid;
    return std::nullopt;
}

QString searchMethodName(SearchMethod m)
{
    switch (m) {
    case SearchMethod::Bm25:
        return QStringLiteral("bm25");
    case SearchMethod::Dense:
        return QStringLiteral("dense");
    case SearchMethod::Hybrid:
        return QStringLiteral("hybrid");
    }
    return {};
}

Expected<QList<SearchHit>> search(Database &db, const CorpusInfo &corpus, const SearchOptions &options,
                                  const DenseRetriever *dense, const QString &query)
{
    try {
        if (options.method == SearchMethod::Bm25)
            return searchBm25(db, corpus, query, options.k);
        if (!dense || !dense->isValid())
            return makeError(QCoreApplication::translate("ef::Dense", "%1 search needs a model")
                                 .arg(searchMethodName(options.method)));
        const models::Matrix q = embedQueries(*dense, {query}, options.instruction);
        if (options.method == SearchMethod::Dense)
            return withSnippets(db, corpus, searchDense(db, corpus, dense->vectors(), q, options.k).value(0), query);
        const int n = std::max(options.k, options.candidates);
        const QList<SearchHit> lexical = searchBm25(db, corpus, query, n);
        const QList<SearchHit> semantic = searchDense(db, corpus, dense->vectors(), q, n).value(0);
        return withSnippets(db, corpus, fuseReciprocalRank({lexical, semantic}, options.k, options.rrfK), query);
    } catch (const DbError &e) {
        return makeError(e.message());
    } catch (const std::exception &e) {
        return makeError(QString::fromUtf8(e.what()));
    }
}

namespace {

// The conventions an evaluation applied, stored with its result and printed by eval --json.
QJsonObject conventionsJson(const EvalSettings &s)
{
    return QJsonObject{{QStringLiteral("ignore_self"), s.ignoreSelf},
                       {QStringLiteral("depth"), s.depth},
                       {QStringLiteral("ties"), QString::fromLatin1(metrics::kTrecTieRule)},
                       {QStringLiteral("queries"),
                        QStringLiteral("every query of the qrels; all-zero judgements and no results count 0")}};
}

// Drops the query's own id (BEIR's ignore_identical_ids), then keeps the first depth hits.
QList<SearchHit> cutRanking(QList<SearchHit> hits, const QString &queryId, const EvalSettings &s)
{
    if (s.ignoreSelf)
        hits.erase(std::remove_if(hits.begin(), hits.end(), [&](const SearchHit &h) { return h.docId == queryId; }),
                   hits.end());
    if (hits.size() > s.depth)
        hits.resize(s.depth);
    return hits;
}

// A TREC run file written beside its target and renamed into place when complete.
class RunWriter
{
public:
    RunWriter(const QString &path, QString tag) : m_file(path), m_tag(std::move(tag)) {}
    Status open()
    {
        if (!m_file.open(QIODevice::WriteOnly))
            return failed();
        return Status::success();
    }
    void write(const QString &queryId, const QList<SearchHit> &hits)
    {
        QByteArray out;
        const QByteArray q = queryId.toUtf8();
        for (int i = 0; i < hits.size(); ++i)
            out += q + " Q0 " + hits[i].docId.toUtf8() + ' ' + QByteArray::number(i + 1) + ' ' +
                   QByteArray::number(hits[i].score, 'g', QLocale::FloatingPointShortest) + ' ' + m_tag.toUtf8() + '\n';
        if (m_file.write(out) != out.size())
            m_ok = false;
    }
    Status commit()
    {
        if (!m_ok || !fileguard::commitSaveFile(m_file))
            return failed();
        return Status::success();
    }

private:
    Status failed() const
    {
        return makeError(QCoreApplication::translate("ef::Retrieval", "cannot write the run file '%1': %2")
                             .arg(m_file.fileName(), m_file.errorString()));
    }
    QSaveFile m_file;
    QString m_tag;
    bool m_ok = true;
};

// Stores an evaluation in eval_results, unless the workspace is read-only.
void storeEvaluation(Database &db, const CorpusInfo &corpus, EvalResult &r, const QString &modelDir,
                     const QString &instruction, QJsonObject settings)
{
    if (!db.readOnlyBecause().isEmpty()) { // a read-only workspace: the figures, not stored
        r.notStoredBecause = db.readOnlyBecause();
        return;
    }
    QJsonArray perQuery;
    for (const metrics::QueryScores &s : std::as_const(r.perQuery))
        perQuery.append(QJsonObject{{QStringLiteral("query"), s.queryId},
                                    {QStringLiteral("ndcg@10"), s.ndcg10},
                                    {QStringLiteral("recall@100"), s.recall100},
                                    {QStringLiteral("mrr@10"), s.mrr10},
                                    {QStringLiteral("map@10"), s.map10}});
    const QJsonObject metricsJson{{QStringLiteral("ndcg@10"), r.summary.ndcg10},
                                  {QStringLiteral("recall@100"), r.summary.recall100},
                                  {QStringLiteral("mrr@10"), r.summary.mrr10},
                                  {QStringLiteral("map@10"), r.summary.map10},
                                  {QStringLiteral("queries"), r.summary.queries}};
    Transaction tx(db);
    db.prepare(QStringLiteral("INSERT INTO eval_results(corpus_id, method, model, instruction, split, settings, "
                              "metrics, per_query, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        .bind(1, corpus.id)
        .bind(2, r.method)
        .bind(3, modelDir.isNull() ? QStringLiteral("") : modelDir)
        .bind(4, instruction.isNull() ? QStringLiteral("") : instruction)
        .bind(5, r.split)
        .bind(6, QString::fromUtf8(QJsonDocument(settings).toJson(QJsonDocument::Compact)))
        .bind(7, QString::fromUtf8(QJsonDocument(metricsJson).toJson(QJsonDocument::Compact)))
        .bind(8, QString::fromUtf8(QJsonDocument(perQuery).toJson(QJsonDocument::Compact)))
        .bind(9, isoNow())
        .run();
    tx.commit();
}

Status checkEvalSettings(const CorpusInfo &corpus, const EvalSettings &s)
{
    if (!corpus.splits.contains(s.split))
        return makeError(
            QCoreApplication::translate("ef::Corpus", "corpus '%1' has no qrels for split '%2' (it has: %3)")
                .arg(corpus.name, s.split,
                     corpus.splits.isEmpty() ? QStringLiteral("none") : corpus.splits.join(QStringLiteral(", "))));
    if (s.depth < 1 || s.depth > 100000)
        return makeError(
            QCoreApplication::translate("ef::Retrieval", "the depth must be 1 to 100000, not %1").arg(s.depth));
    return Status::success();
}

} // namespace

Expected<EvalResult> evaluate(Database &db, const CorpusInfo &corpus, const EvalSettings &settings,
                              const SearchOptions &options, const DenseRetriever *dense, const CorpusProgress &progress)
{
    if (Status s = checkEvalSettings(corpus, settings); !s)
        return makeError(s.error());
    if (options.method != SearchMethod::Bm25 && (!dense || !dense->isValid()))
        return makeError(QCoreApplication::translate("ef::Dense", "%1 evaluation needs a model")
                             .arg(searchMethodName(options.method)));
    EvalResult r;
    r.method = searchMethodName(options.method);
    r.split = settings.split;
    r.ignoreSelf = settings.ignoreSelf;
    r.depth = settings.depth;
    r.runFile = settings.saveRun;
    // One more than the depth: the query's own id may be among the hits and be dropped.
    const int fetch = settings.depth + (settings.ignoreSelf ? 1 : 0);
    try {
        const QList<EvalQuery> queries = evalQueries(db, corpus, settings.split);
        for (const EvalQuery &q : queries)
            r.queryTexts.insert(q.id, q.text);
        std::unique_ptr<RunWriter> run;
        if (!settings.saveRun.isEmpty()) {
            run = std::make_unique<RunWriter>(settings.saveRun, QStringLiteral("embedforge-") + r.method);
            if (Status s = run->open(); !s)
                return makeError(s.error());
        }
        QList<QList<SearchHit>> semantic;
        qint64 done = 0;
        if (options.method != SearchMethod::Bm25) {
            QStringList texts;
            for (const EvalQuery &q : queries)
                texts << q.text;
            const models::Matrix m = embedQueries(*dense, texts, options.instruction, [&](size_t n, size_t) {
                return !progress || progress(static_cast<qint64>(n) / 2,
                                             QCoreApplication::translate("ef::Dense", "embedding queries"));
            });
            const int n = options.method == SearchMethod::Hybrid ? std::max(fetch, options.candidates) : fetch;
            semantic = searchDense(db, corpus, dense->vectors(), m, n, false);
            done = queries.size() / 2;
        }
        for (int i = 0; i < queries.size(); ++i) {
            QList<SearchHit> hits;
            if (options.method == SearchMethod::Bm25)
                hits = rankBm25(db, corpus, queries[i].text, fetch);
            else if (options.method == SearchMethod::Dense)
                hits = semantic.value(i);
            else
                hits = fuseReciprocalRank(
                    {rankBm25(db, corpus, queries[i].text, std::max(fetch, options.candidates)), semantic.value(i)},
                    INT_MAX, options.rrfK);
            metrics::sortTrec(hits);
            hits = cutRanking(hits, queries[i].id, settings);
            if (hits.isEmpty())
                ++r.queriesWithoutResults;
            if (run)
                run->write(queries[i].id, hits);
            QStringList ranking;
            for (const SearchHit &h : std::as_const(hits))
                ranking << h.docId;
            r.perQuery << metrics::scoreQuery(queries[i].id, ranking, queries[i].qrels, false);
            const qint64 step = options.method == SearchMethod::Bm25 ? i + 1 : done + (i + 1) / 2;
            if (progress && !progress(step, queries[i].id))
                throw JobCancelled();
        }
        if (run) {
            if (Status s = run->commit(); !s)
                return makeError(s.error());
        }
        r.summary = metrics::average(r.perQuery);
        QJsonObject stored = conventionsJson(settings);
        QString modelDir;
        if (options.method != SearchMethod::Bm25) {
            modelDir = QFileInfo(dense->model().dir).absoluteFilePath();
            stored.insert(QStringLiteral("fingerprint"), dense->vectors().fingerprint);
            stored.insert(QStringLiteral("max_length"), dense->model().maxLength);
            stored.insert(QStringLiteral("dtype"), dense->model().dtype);
            if (!dense->model().adapter.isEmpty())
                stored.insert(QStringLiteral("adapter"), QFileInfo(dense->model().adapter).absoluteFilePath());
        }
        if (options.method == SearchMethod::Hybrid) {
            stored.insert(QStringLiteral("rrf_k"), options.rrfK);
            stored.insert(QStringLiteral("candidates"), std::max(fetch, options.candidates));
        }
        if (!settings.saveRun.isEmpty())
            stored.insert(QStringLiteral("run_file"), QFileInfo(settings.saveRun).absoluteFilePath());
        storeEvaluation(db, corpus, r, modelDir, options.method == SearchMethod::Bm25 ? QString() : options.instruction,
                        stored);
    } catch (const DbError &e) {
        return makeError(e.message());
    } catch (const models::Cancelled &) {
        throw JobCancelled();
    } catch (const JobCancelled &) {
        throw;
    } catch (const std::exception &e) {
        return makeError(QString::fromUtf8(e.what()));
    }
    return r;
}

Expected<EvalResult> evaluate(Database &db, const CorpusInfo &corpus, const QString &split, bool ignoreSelf,
                              const SearchOptions &options, const DenseRetriever *dense, const CorpusProgress &progress)
{
    EvalSettings s;
    s.split = split;
    s.ignoreSelf = ignoreSelf;
    return evaluate(db, corpus, s, options, dense, progress);
}

Expected<EvalResult> evaluateRunFile(Database &db, const CorpusInfo &corpus, const EvalSettings &settings,
                                     const QString &runFile, const CorpusProgress &progress)
{
    if (Status s = checkEvalSettings(corpus, settings); !s)
        return makeError(s.error());
    constexpr int kMaxEntriesPerQuery = 1000000;
    EvalResult r;
    r.method = QStringLiteral("run");
    r.split = settings.split;
    r.ignoreSelf = settings.ignoreSelf;
    r.depth = settings.depth;
    r.runFile = QFileInfo(runFile).absoluteFilePath();
    QFile f;
    QString error;
    if (!fileguard::openForReading(f, runFile, &error))
        return makeError(error);
    try {
        const QList<EvalQuery> queries = evalQueries(db, corpus, settings.split);
        for (const EvalQuery &q : queries)
            r.queryTexts.insert(q.id, q.text);
        QHash<QString, int> index; // query id -> position in queries
        for (int i = 0; i < queries.size(); ++i)
            index.insert(queries[i].id, i);
        QList<std::optional<QList<SearchHit>>> rankings(queries.size());
        QSet<QString> finished, withoutQrels;
        QString current;
        QList<SearchHit> entries;
        QHash<QString, qint64> seen; // document id -> line, for the current query
        const auto finish = [&] {
            if (current.isEmpty())
                return;
            finished.insert(current);
            const auto it = index.constFind(current);
            if (it == index.constEnd()) {
                withoutQrels.insert(current);
            } else {
                metrics::sortTrec(entries);
                rankings[*it] = cutRanking(entries, current, settings);
            }
            entries.clear();
            seen.clear();
        };
        qint64 lineNo = 0;
        while (!f.atEnd()) {
            bool tooLong = false;
            const QByteArray raw = fileguard::readLine(f, fileguard::kMaxLineBytes, &tooLong);
            ++lineNo;
            if (tooLong)
                return makeError(fileguard::lineTooLong(runFile, lineNo, fileguard::kMaxLineBytes));
            const QList<QByteArray> cols = raw.simplified().split(' ');
            if (raw.trimmed().isEmpty())
                continue;
            const auto bad = [&](const QString &why) {
                return makeError(QCoreApplication::translate("ef::Retrieval", "%1:%2: %3")
                                     .arg(runFile, QString::number(lineNo), why));
            };
            if (cols.size() != 6)
                return bad(QCoreApplication::translate("ef::Retrieval",
                                                       "expected 6 columns (qid Q0 docid rank score tag), found %1")
                               .arg(cols.size()));
            const QString qid = QString::fromUtf8(cols[0]), docId = QString::fromUtf8(cols[2]);
            bool ok = false;
            const double score = cols[4].toDouble(&ok);
            if (!ok || !std::isfinite(score))
                return bad(QCoreApplication::translate("ef::Retrieval", "the score '%1' is not a finite number")
                               .arg(QString::fromUtf8(cols[4])));
            if (qid != current) {
                if (finished.contains(qid))
                    return bad(QCoreApplication::translate("ef::Retrieval",
                                                           "query '%1' appears again after other queries; a run file "
                                                           "is grouped by query (sort -s -k1,1 groups it)")
                                   .arg(qid));
                finish();
                current = qid;
            }
            if (const qint64 first = seen.value(docId, 0); first != 0)
                return bad(QCoreApplication::translate(
                               "ef::Retrieval", "document '%1' is listed twice for query '%2' (first at line %3)")
                               .arg(docId, qid, QString::number(first)));
            if (entries.size() >= kMaxEntriesPerQuery)
                return bad(QCoreApplication::translate("ef::Retrieval", "query '%1' has more than %2 documents")
                               .arg(qid, QString::number(kMaxEntriesPerQuery)));
            seen.insert(docId, lineNo);
            entries.append({docId, QString(), QString(), score});
            if (progress && lineNo % 10000 == 0 && !progress(finished.size(), qid))
                throw JobCancelled();
        }
        finish();
        for (int i = 0; i < queries.size(); ++i) {
            const QList<SearchHit> hits = rankings[i].value_or(QList<SearchHit>());
            if (hits.isEmpty())
                ++r.queriesWithoutResults;
            QStringList ranking;
            for (const SearchHit &h : hits)
                ranking << h.docId;
            r.perQuery << metrics::scoreQuery(queries[i].id, ranking, queries[i].qrels, false);
        }
        r.runQueriesWithoutQrels = static_cast<int>(withoutQrels.size());
        r.summary = metrics::average(r.perQuery);
        QJsonObject stored = conventionsJson(settings);
        stored.insert(QStringLiteral("run_file"), r.runFile);
        storeEvaluation(db, corpus, r, QString(), QString(), stored);
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    return r;
}

Expected<EvalResult> evaluateBm25(Database &db, const CorpusInfo &corpus, const QString &split, bool ignoreSelf,
                                  const CorpusProgress &progress)
{
    return evaluate(db, corpus, split, ignoreSelf, SearchOptions{}, nullptr, progress);
}

Expected<QHash<QString, int>> relevanceForQuery(Database &db, const CorpusInfo &corpus, const QString &queryText)
{
    try {
        QHash<QString, int> out;
        Statement rel = db.prepare(QStringLiteral(
            "SELECT qr.doc_ext_id, MAX(qr.score) FROM queries q JOIN qrels qr ON qr.corpus_id = q.corpus_id "
            "AND qr.query_ext_id = q.ext_id WHERE q.corpus_id = ? AND q.text = ? GROUP BY qr.doc_ext_id"));
        rel.bind(1, corpus.id).bind(2, queryText);
        while (rel.step())
            out.insert(rel.columnText(0), static_cast<int>(rel.columnInt(1)));
        return out;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<DocumentDetail> documentDetail(const Workspace &ws, const CorpusInfo &corpus, const QString &docId)
{
    auto dbx = ws.connect();
    if (!dbx)
        return makeError(dbx.error());
    Database &db = **dbx;
    try {
        DocumentDetail d;
        Statement doc = db.prepare(QStringLiteral("SELECT d.ext_id, d.title, d.text, c.name, c.source FROM documents d "
                                                  "JOIN corpora c ON c.id = d.corpus_id WHERE d.corpus_id = ? AND "
                                                  "d.ext_id = ?"));
        doc.bind(1, corpus.id).bind(2, docId);
        if (!doc.step())
            return makeError(QCoreApplication::translate("ef::Retrieval", "corpus '%1' has no document '%2'")
                                 .arg(argText(corpus.name), argText(docId)));
        d.docId = doc.columnText(0);
        d.title = doc.columnText(1);
        d.text = doc.columnText(2);
        d.corpusName = doc.columnText(3);
        d.corpusSource = doc.columnText(4);
        d.characters = d.text.size();
        bool inWord = false;
        for (const QChar c : std::as_const(d.text)) {
            if (fts::isCjk(c.unicode())) {
                ++d.words;
                inWord = false;
            } else if (c.isSpace()) {
                inWord = false;
            } else if (!inWord) {
                ++d.words;
                inWord = true;
            }
        }
        Statement rel = db.prepare(QStringLiteral(
            "SELECT qr.split, qr.query_ext_id, COALESCE(q.text, ''), qr.score FROM qrels qr LEFT JOIN "
            "queries q ON q.corpus_id = qr.corpus_id AND q.ext_id = qr.query_ext_id WHERE qr.corpus_id = "
            "? AND qr.doc_ext_id = ? ORDER BY qr.score DESC, qr.split, qr.query_ext_id"));
        rel.bind(1, corpus.id).bind(2, docId);
        while (rel.step())
            d.judgements.append(
                {rel.columnText(0), rel.columnText(1), rel.columnText(2), static_cast<int>(rel.columnInt(3))});
        return d;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

QList<QPair<QString, QString>> instructionPresets()
{
    // paper.md §4, "Eval instructions" (Table 15): query side only.
    return {
        {QStringLiteral("MS MARCO"),
         QStringLiteral("Given a web search query, retrieve relevant passages that answer the query")},
        {QStringLiteral("NQ / MIRACL"),
         QStringLiteral("Given a question, retrieve Wikipedia passages that answer the question")},
        {QStringLiteral("HotpotQA"),
         QStringLiteral("Given a multi-hop question, retrieve documents that can help answer the question")},
        {QStringLiteral("FEVER"), QStringLiteral("Given a claim, retrieve documents that support or refute the claim")},
        {QStringLiteral("FiQA2018"),
         QStringLiteral("Given a financial question, retrieve user replies that best answer the question")},
        {QStringLiteral("NFCorpus"),
         QStringLiteral("Given a question, retrieve relevant documents that best answer the question")},
        {QStringLiteral("SciFact"),
         QStringLiteral("Given a scientific claim, retrieve documents that support or refute the claim")},
        {QStringLiteral("ArguAna"), QStringLiteral("Given a claim, find documents that refute the claim")},
        {QStringLiteral("ClimateFEVER"),
         QStringLiteral("Given a claim about climate change, retrieve documents that support or refute the claim")},
        {QStringLiteral("DBPedia"),
         QStringLiteral("Given a query, retrieve relevant entity descriptions from DBPedia")},
        {QStringLiteral("QuoraRetrieval"),
         QStringLiteral("Given a question, retrieve questions that are semantically equivalent to the given question")},
        {QStringLiteral("SCIDOCS"),
         QStringLiteral("Given a scientific paper title, retrieve paper abstracts that are cited by the given paper")},
        {QStringLiteral("Touche2020"),
         QStringLiteral("Given a question, retrieve detailed and persuasive arguments that answer the question")},
        {QStringLiteral("TRECCOVID"),
         QStringLiteral("Given a query on COVID-19, retrieve documents that answer the query")},
        {QStringLiteral("CQADupstack"), QStringLiteral("Given a question, retrieve detailed question descriptions from "
                                                       "Stackexchange that are duplicates to the given question")},
        {QStringLiteral("T2Retrieval / DuRetrieval"),
         QStringLiteral("Given a Chinese search query, retrieve web passages that answer the question")},
        {QStringLiteral("STS"), QStringLiteral("Retrieve semantically similar text.")},
        {QStringLiteral("BUCC / Tatoeba"), QStringLiteral("Retrieve parallel sentences.")},
    };
}

namespace {
QString presetKey(const QString &name)
{
    QString key;
    for (const QChar c : name)
        if (c.isLetterOrNumber())
            key += c.toLower();
    return key;
}
} // namespace

QStringList instructionPresetNames()
{
    QStringList names;
    for (const auto &[task, text] : instructionPresets())
        names << presetKey(task.section(QStringLiteral(" / "), 0, 0));
    return names;
}

Expected<QString> instructionForPreset(const QString &name)
{
    const QString want = presetKey(name);
    for (const auto &[task, text] : instructionPresets()) {
        QStringList keys{presetKey(task)};
        for (const QString &part : task.split(QStringLiteral(" / ")))
            keys << presetKey(part);
        if (!want.isEmpty() && keys.contains(want))
            return text;
    }
    return makeError(QCoreApplication::translate("ef::Retrieval", "unknown instruction preset '%1' (one of: %2)")
                         .arg(name, instructionPresetNames().join(QStringLiteral(", "))));
}

// ---- jobs ----

JobSpec makeEmbedCorpusJob(const Workspace &workspace, const CorpusInfo &corpus, const DenseModel &model)
{
    JobSpec spec;
    spec.kind = QStringLiteral("corpus.embed");
    spec.titleText = trText("ef::Retrieval", QT_TRANSLATE_NOOP("ef::Retrieval", "Embed %1 with %2"),
                            {corpus.name, QFileInfo(model.dir).fileName()});
    spec.heavy = true;
    spec.handle = corpus.id;
    spec.body = [workspace, corpus, model](JobContext &ctx) {
        const auto db = ctx.take(workspace.connect());
        ctx.setTotal(corpus.documents);
        const QString fingerprint = modelFingerprint(model);
        const auto embedder = loadEmbedder(model);
        const EmbedCorpusResult r =
            ctx.take(embedCorpus(*db, corpus, *embedder, model, fingerprint, [&ctx](qint64 done, const QString &what) {
                ctx.setProgress(done, what);
                return !ctx.cancelRequested();
            }));
        ctx.setResult(r);
    };
    return spec;
}

JobSpec makeCorpusImportJob(const Workspace &workspace, const CorpusImport &options)
{
    JobSpec spec;
    spec.kind = QStringLiteral("corpus.import");
    spec.titleText = trText("ef::Retrieval", QT_TRANSLATE_NOOP("ef::Retrieval", "Import corpus %1 from %2"),
                            {options.name, QFileInfo(options.path).fileName()});
    spec.handle = options.name;
    spec.body = [workspace, options](JobContext &ctx) {
        const auto db = ctx.take(workspace.connect());
        CorpusImportOutcome outcome;
        outcome.corpus = ctx.take(importCorpus(
            *db, options,
            [&ctx](qint64 done, const QString &what) {
                ctx.setProgress(done, what);
                return !ctx.cancelRequested();
            },
            &outcome.report));
        ctx.setResult(outcome);
    };
    return spec;
}

JobSpec makeEvaluationJob(const EvaluationRequest &request)
{
    JobSpec spec;
    spec.kind = QStringLiteral("corpus.eval");
    QStringList methods;
    if (!request.runFile.isEmpty())
        methods << QFileInfo(request.runFile).fileName();
    for (const RetrievalSystem &s : request.systems) {
        methods << searchMethodName(s.options.method);
        spec.heavy = spec.heavy || s.options.method != SearchMethod::Bm25;
    }
    if (!request.title.isEmpty())
        spec.title = request.title;
    else
        spec.titleText = trText("ef::Retrieval", QT_TRANSLATE_NOOP("ef::Retrieval", "Evaluate %1 on %2 (%3)"),
                                {methods.join(QStringLiteral(", ")), request.corpus.name, request.split});
    spec.handle = request.corpus.id;
    spec.body = [request](JobContext &ctx) {
        const auto db = ctx.take(request.workspace.connect());
        const CorpusInfo &corpus = request.corpus;
        EvalSettings settings;
        settings.split = request.split;
        settings.ignoreSelf = request.ignoreSelf;
        settings.depth = request.depth;
        QList<EvalResult> results;
        if (!request.runFile.isEmpty()) {
            ctx.setTotal(0);
            results.append(ctx.take(
                evaluateRunFile(*db, corpus, settings, request.runFile, [&](qint64 done, const QString &query) {
                    ctx.setProgress(done, query);
                    return !ctx.cancelRequested();
                })));
            ctx.setResult(results);
            return;
        }
        ctx.setTotal(corpus.queries * request.systems.size());
        qint64 base = 0;
        for (const RetrievalSystem &s : request.systems) {
            DenseRetriever dense;
            if (s.options.method != SearchMethod::Bm25)
                dense = ctx.take(DenseRetriever::load(*db, corpus, s.model));
            settings.saveRun = request.systems.size() == 1 ? request.saveRun : QString();
            results.append(
                ctx.take(evaluate(*db, corpus, settings, s.options, &dense, [&](qint64 done, const QString &query) {
                    ctx.setProgress(base + done, query);
                    return !ctx.cancelRequested();
                })));
            base += corpus.queries;
        }
        ctx.setResult(results);
    };
    return spec;
}

// ---- DenseSession ----

// Models loaded for searching, by folder and settings, with their fingerprints.
struct DenseSession::Cache
{
    struct Loaded
    {
        QString fingerprint;
        std::shared_ptr<models::Embedder> embedder;
    };
    QMutex mutex;
    QHash<QString, Loaded> models;

    static QString keyOf(const DenseModel &m)
    {
        return QStringLiteral("%1|%2|%3|%4|%5|%6")
            .arg(QFileInfo(m.dir).absoluteFilePath(), m.device, m.dtype, QString::number(m.maxLength),
                 QString::number(m.batchSize),
                 m.adapter.isEmpty() ? QString() : QFileInfo(m.adapter).absoluteFilePath());
    }

    // As DenseRetriever::load, with the fingerprint and the embedder loaded once per model.
    Expected<DenseRetriever> retriever(Database &db, const CorpusInfo &corpus, const DenseModel &model,
                                       bool *needsEmbedding = nullptr)
    {
        try {
            const QString key = keyOf(model);
            QMutexLocker lock(&mutex);
            Loaded loaded = models.value(key);
            if (loaded.fingerprint.isEmpty())
                loaded.fingerprint = modelFingerprint(model);
            Expected<VectorSet> set = findVectorSet(db, corpus, loaded.fingerprint);
            if (!set) {
                models.insert(key, loaded); // keep the fingerprint; the model loads once it has vectors
                if (needsEmbedding)
                    *needsEmbedding = true;
                return makeError(set.error());
            }
            if (!loaded.embedder)
                loaded.embedder = loadEmbedder(model);
            models.insert(key, loaded);
            auto impl = std::make_shared<DenseRetriever::Impl>();
            impl->model = model;
            impl->set = set.value();
            impl->embedder = loaded.embedder;
            return DenseRetriever(std::move(impl));
        } catch (const DbError &e) {
            return makeError(e.message());
        } catch (const std::exception &e) {
            return makeError(QString::fromUtf8(e.what()));
        }
    }
};

DenseSession::DenseSession(JobManager *jobs, QObject *parent)
    : QObject(parent), m_jobs(jobs), m_cache(std::make_shared<Cache>())
{
    qRegisterMetaType<ef::SearchReply>();
    connect(m_jobs, &JobManager::jobFinished, this, [this](const JobInfo &info) {
        if (!m_pending.remove(info.id))
            return;
        SearchReply reply;
        if (const std::optional<SearchReply> r = jobResult<SearchReply>(info); r && info.state == JobState::Succeeded)
            reply = *r;
        else
            reply.error = info.error.isEmpty() ? jobStateDisplayName(info.state) : info.error;
        Q_EMIT searchFinished(info.id, reply);
    });
}

DenseSession::~DenseSession()
{
    if (!m_jobs)
        return;
    const QList<quint64> pending = m_pending.keys();
    m_pending.clear();
    for (quint64 id : pending)
        m_jobs->cancel(id);
}

quint64 DenseSession::search(const SearchRequest &request)
{
    // Typing supersedes: this lane's searches that have not started are not worth running.
    QList<quint64> stale;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it)
        if (it.value() == request.lane && m_jobs->job(it.key()).state == JobState::Queued)
            stale << it.key();
    for (quint64 id : std::as_const(stale)) {
        m_pending.remove(id); // superseded: it ends without a reply
        m_jobs->cancel(id);
    }

    JobSpec spec;
    spec.kind = QStringLiteral("search.query");
    spec.titleText = trText("ef::Retrieval", QT_TRANSLATE_NOOP("ef::Retrieval", "Search %1"), {request.corpus.name});
    spec.heavy = request.options.method != SearchMethod::Bm25;
    spec.interactive = true;
    spec.body = [cache = m_cache, request](JobContext &ctx) {
        QElapsedTimer clock;
        clock.start();
        const auto db = ctx.take(request.workspace.connect());
        SearchReply reply;
        DenseRetriever dense;
        if (request.options.method != SearchMethod::Bm25) {
            bool needsEmbedding = false;
            auto loaded = cache->retriever(*db, request.corpus, request.model, &needsEmbedding);
            if (!loaded && needsEmbedding) { // not a failure: the view offers to embed the corpus
                reply.error = loaded.error();
                reply.needsEmbedding = true;
                ctx.setResult(reply);
                return;
            }
            dense = ctx.take(std::move(loaded));
        }
        // An empty query still loads the model, so the first real one is fast.
        if (request.options.method == SearchMethod::Bm25 || !request.query.trimmed().isEmpty())
            reply.hits = ctx.take(ef::search(*db, request.corpus, request.options, &dense, request.query));
        reply.relevance = ctx.take(relevanceForQuery(*db, request.corpus, request.query));
        reply.ms = clock.elapsed();
        ctx.setResult(reply);
    };
    const quint64 id = m_jobs->submit(std::move(spec));
    m_pending.insert(id, request.lane);
    return id;
}

void DenseSession::unloadModels()
{
    QMutexLocker lock(&m_cache->mutex);
    m_cache->models.clear();
}

} // namespace ef
