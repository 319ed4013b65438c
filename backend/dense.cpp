// SPDX-License-Identifier: GPL-3.0-or-later
// Dense and hybrid retrieval: vector sets, resumable corpus embedding, exact search, RRF, evaluation.
#include "backend/dense.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include "backend/database.h"
#include "backend/fileguard.h"
#include "backend/jobs.h"
#include "models/embedder.h"
#include "models/safetensors.h"
#include "models/vectorsearch.h"

namespace ef {

namespace {

constexpr int kScanRows = 8192; // vectors scored per matrix product when searching

QString documentText(const QString &title, const QString &text)
{
    // As BEIR evaluations of e5-mistral do: title and text joined by a space.
    return title.isEmpty() ? text : title + QLatin1Char(' ') + text;
}

QByteArray fileDigest(const QString &path)
{
    if (const QString problem = fileguard::regularFileProblem(path); !problem.isEmpty()) throw std::runtime_error(problem.toStdString());
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error(path.toStdString() + ": cannot read: " + f.errorString().toStdString());
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (!h.addData(&f))
        throw std::runtime_error(path.toStdString() + ": cannot read: " + f.errorString().toStdString());
    return h.result();
}

VectorSet readSet(Statement &s)
{
    VectorSet v;
    v.id = s.columnInt(0);
    v.corpusId = s.columnInt(1);
    v.fingerprint = s.columnText(2);
    v.modelDir = s.columnText(3);
    v.dim = static_cast<int>(s.columnInt(4));
    v.createdAt = s.columnText(5);
    v.vectors = s.columnInt(6);
    return v;
}

const char *kSetColumns = "SELECT s.id, s.corpus_id, s.fingerprint, s.model_dir, s.dim, s.created_at, "
                          "(SELECT count(*) FROM doc_vectors v WHERE v.set_id = s.id) FROM vector_sets s ";

struct EvalQuery
{
    QString id;
    QString text;
    metrics::Qrels qrels;
};

QList<EvalQuery> evalQueries(Database &db, const CorpusInfo &corpus, const QString &split)
{
    QHash<QString, metrics::Qrels> qrels;
    Statement q = db.prepare(QStringLiteral("SELECT query_ext_id, doc_ext_id, score FROM qrels WHERE corpus_id = ? AND split = ?"));
    q.bind(1, corpus.id).bind(2, split);
    while (q.step())
        qrels[q.columnText(0)].insert(q.columnText(1), static_cast<int>(q.columnInt(2)));
    QList<EvalQuery> out;
    Statement texts = db.prepare(QStringLiteral("SELECT ext_id, text FROM queries WHERE corpus_id = ? ORDER BY id"));
    texts.bind(1, corpus.id);
    while (texts.step()) {
        const QString id = texts.columnText(0);
        const metrics::Qrels rel = qrels.value(id);
        if (std::any_of(rel.begin(), rel.end(), [](int s) { return s > 0; }))
            out.append({id, texts.columnText(1), rel});
    }
    return out;
}

models::Matrix embedQueries(DenseContext &dense, const QStringList &texts, const QString &instruction,
                            const models::EmbedProgress &progress = {})
{
    std::vector<std::string> in;
    in.reserve(static_cast<size_t>(texts.size()));
    for (const QString &t : texts)
        in.push_back(t.toStdString());
    models::EmbedOptions o;
    o.instruction = instruction.toStdString();
    o.maxLength = dense.model.maxLength;
    o.batchSize = dense.model.batchSize;
    return dense.embedder->embed(in, o, progress);
}

} // namespace

QString modelFingerprint(const DenseModel &model)
{
    const QDir dir(model.dir);
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(QStringLiteral("embedforge-vectors/1\npooling=last-token-eos-l2\nmax_length=%1\ndtype=%2\n")
                  .arg(model.maxLength)
                  .arg(model.dtype)
                  .toUtf8());
    const QString config = dir.filePath(QStringLiteral("config.json"));
    if (!QFileInfo::exists(config))
        throw std::runtime_error(config.toStdString() + ": missing (not a model folder)");
    for (const char *name : {"config.json", "tokenizer.json", "tokenizer.model", "tokenizer_config.json"}) {
        const QString path = dir.filePath(QString::fromLatin1(name));
        if (QFileInfo::exists(path)) {
            h.addData(QByteArray(QByteArray(name) + '\n'));
            h.addData(fileDigest(path));
        }
    }
    // Weights: every tensor's name, dtype, shape, and three 4 KiB samples of its bytes (start,
    // middle, end), so a fine-tuned copy with the same shapes gets a different fingerprint
    // without hashing gigabytes.
    const st::Checkpoint ck = st::Checkpoint::open(model.dir.toStdString());
    for (const std::string &name : ck.names()) {
        const st::TensorView *t = ck.find(name);
        QByteArray line = QByteArray::fromStdString(name) + ' ' + st::dtypeName(t->dtype);
        for (int64_t d : t->shape)
            line += ' ' + QByteArray::number(static_cast<qlonglong>(d));
        h.addData(QByteArray(line + '\n'));
        constexpr size_t kSample = 4096;
        const size_t n = std::min(kSample, t->bytes);
        for (const size_t off : {size_t{0}, (t->bytes - n) / 2, t->bytes - n})
            h.addData(QByteArrayView(reinterpret_cast<const char *>(t->data) + off, static_cast<qsizetype>(n)));
    }
    return QString::fromLatin1(h.result().toHex());
}

std::unique_ptr<models::Embedder> loadEmbedder(const DenseModel &model)
{
    models::LoadOptions o;
    o.device = model.device.toStdString();
    o.dtype = model.dtype.toStdString();
    o.requireTokenizer = true;
    return models::Embedder::load(model.dir.toStdString(), o);
}

QList<VectorSet> listVectorSets(Database &db, const CorpusInfo &corpus)
{
    QList<VectorSet> out;
    Statement s = db.prepare(QString::fromLatin1(kSetColumns) + QStringLiteral("WHERE s.corpus_id = ? ORDER BY s.id"));
    s.bind(1, corpus.id);
    while (s.step()) {
        out.append(readSet(s));
        out.last().documents = corpus.documents;
    }
    return out;
}

Expected<VectorSet> findVectorSet(Database &db, const CorpusInfo &corpus, const QString &fingerprint)
{
    try {
        Statement s = db.prepare(QString::fromLatin1(kSetColumns) + QStringLiteral("WHERE s.corpus_id = ? AND s.fingerprint = ?"));
        s.bind(1, corpus.id).bind(2, fingerprint);
        if (!s.step())
            return makeError(QCoreApplication::translate("ef::Dense", "corpus '%1' has no vectors for this model (fingerprint %2): run "
                                "'corpus embed --corpus %1 --model DIR' first")
                                 .arg(corpus.name, fingerprint.left(12)));
        VectorSet v = readSet(s);
        v.documents = corpus.documents;
        if (!v.complete())
            return makeError(QCoreApplication::translate("ef::Dense", "corpus '%1' is only partly embedded with this model (%2 of %3 documents): run "
                                "'corpus embed' again to finish")
                                 .arg(corpus.name)
                                 .arg(v.vectors)
                                 .arg(v.documents));
        return v;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<EmbedCorpusResult> embedCorpus(Database &db, const CorpusInfo &corpus, models::Embedder &embedder,
                                        const DenseModel &model, const QString &fingerprint,
                                        const CorpusProgress &progress, int chunkDocuments)
{
    EmbedCorpusResult result;
    try {
        {
            Transaction tx(db);
            const QJsonObject settings{{QStringLiteral("pooling"), QStringLiteral("last-token-eos-l2")},
                                       {QStringLiteral("max_length"), model.maxLength},
                                       {QStringLiteral("dtype"), model.dtype},
                                       {QStringLiteral("family"), QString::fromLatin1(embedder.config().familyName())}};
            db.prepare(QStringLiteral("INSERT OR IGNORE INTO vector_sets(corpus_id, fingerprint, model_dir, settings, dim, created_at) "
                                      "VALUES (?, ?, ?, ?, ?, ?)"))
                .bind(1, corpus.id)
                .bind(2, fingerprint)
                .bind(3, QFileInfo(model.dir).absoluteFilePath())
                .bind(4, QString::fromUtf8(QJsonDocument(settings).toJson(QJsonDocument::Compact)))
                .bind(5, static_cast<qint64>(embedder.dimension()))
                .bind(6, QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
                .run();
            tx.commit();
        }
        Expected<VectorSet> any = [&]() -> Expected<VectorSet> {
            Statement s = db.prepare(QString::fromLatin1(kSetColumns) + QStringLiteral("WHERE s.corpus_id = ? AND s.fingerprint = ?"));
            s.bind(1, corpus.id).bind(2, fingerprint);
            if (!s.step())
                return makeError(QCoreApplication::translate("ef::Dense", "the vector set for corpus '%1' vanished").arg(corpus.name));
            return readSet(s);
        }();
        if (!any)
            return makeError(any.error());
        VectorSet set = any.value();
        if (set.dim != embedder.dimension())
            return makeError(QCoreApplication::translate("ef::Dense", "stored vectors have dimension %1 but the model produces %2").arg(set.dim).arg(embedder.dimension()));
        result.reused = set.vectors;

        models::EmbedOptions opts;
        opts.maxLength = model.maxLength;
        opts.batchSize = model.batchSize;
        Statement next = db.prepare(QStringLiteral(
            "SELECT d.id, d.title, d.text FROM documents d WHERE d.corpus_id = ? AND d.id > ? AND NOT EXISTS "
            "(SELECT 1 FROM doc_vectors v WHERE v.set_id = ? AND v.doc_id = d.id) ORDER BY d.id LIMIT ?"));
        qint64 after = 0;
        const qint64 dim = embedder.dimension();
        for (;;) {
            next.bind(1, corpus.id).bind(2, after).bind(3, set.id).bind(4, static_cast<qint64>(std::max(1, chunkDocuments)));
            QList<qint64> ids;
            std::vector<std::string> texts;
            while (next.step()) {
                ids.append(next.columnInt(0));
                texts.push_back(documentText(next.columnText(1), next.columnText(2)).toStdString());
            }
            next.reset();
            if (ids.isEmpty())
                break;
            after = ids.last();
            const models::Matrix m = embedder.embed(texts, opts);
            Transaction tx(db);
            Statement ins = db.prepare(QStringLiteral("INSERT INTO doc_vectors(set_id, doc_id, vector) VALUES (?, ?, ?)"));
            for (int i = 0; i < ids.size(); ++i) {
                ins.bind(1, set.id)
                    .bind(2, ids[i])
                    .bindBlob(3, QByteArray(reinterpret_cast<const char *>(m.row(i)), static_cast<qsizetype>(dim * 4)))
                    .run();
                ins.reset();
            }
            tx.commit();
            result.embedded += ids.size();
            if (progress && !progress(result.reused + result.embedded,
                                      QCoreApplication::translate("ef::Dense", "%1 of %2 documents").arg(result.reused + result.embedded).arg(corpus.documents)))
                throw JobCancelled();
        }
        set.vectors = result.reused + result.embedded;
        set.documents = corpus.documents;
        result.set = set;
    } catch (const DbError &e) {
        return makeError(e.message());
    } catch (const models::Cancelled &) {
        throw JobCancelled();
    }
    return result;
}

QList<QList<SearchHit>> searchDense(Database &db, const CorpusInfo &corpus, const VectorSet &set,
                                    const models::Matrix &queries, int k)
{
    QList<QList<SearchHit>> out;
    if (queries.rows == 0 || k <= 0)
        return out;
    if (queries.cols != set.dim)
        throw std::runtime_error(QCoreApplication::translate("ef::Dense", "the query embeddings have dimension %1 but the stored vectors %2")
                                     .arg(queries.cols)
                                     .arg(set.dim)
                                     .toStdString());
    models::TopKSearch topk(queries.data.data(), queries.rows, queries.cols, k);
    std::vector<float> buf;
    std::vector<int64_t> ids;
    buf.reserve(static_cast<size_t>(kScanRows) * static_cast<size_t>(set.dim));
    ids.reserve(kScanRows);
    Statement s = db.prepare(QStringLiteral("SELECT doc_id, vector FROM doc_vectors WHERE set_id = ?"));
    s.bind(1, set.id);
    const qsizetype bytes = static_cast<qsizetype>(set.dim) * 4;
    const auto flush = [&] {
        topk.add(buf.data(), ids.data(), static_cast<int64_t>(ids.size()));
        buf.clear();
        ids.clear();
    };
    while (s.step()) {
        const QByteArray v = s.columnBlob(1);
        if (v.size() != bytes)
            throw std::runtime_error(QCoreApplication::translate("ef::Dense", "corpus '%1': the vector of document row %2 has %3 bytes, expected %4; "
                                        "delete the vector set and embed again")
                                         .arg(corpus.name)
                                         .arg(s.columnInt(0))
                                         .arg(v.size())
                                         .arg(bytes)
                                         .toStdString());
        ids.push_back(s.columnInt(0));
        const size_t at = buf.size();
        buf.resize(at + static_cast<size_t>(set.dim));
        std::memcpy(buf.data() + at, v.constData(), static_cast<size_t>(bytes));
        if (static_cast<int>(ids.size()) == kScanRows)
            flush();
    }
    flush();
    Statement doc = db.prepare(QStringLiteral("SELECT ext_id, title, text FROM documents WHERE id = ?"));
    for (const auto &row : topk.results()) {
        QList<SearchHit> hits;
        for (const models::ScoredIndex &r : row) {
            doc.bind(1, static_cast<qint64>(r.index));
            if (doc.step())
                hits.append({doc.columnText(0), doc.columnText(1), doc.columnText(2).left(200), r.score});
            doc.reset();
        }
        out.append(hits);
    }
    return out;
}

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
        return (start > 0 ? QStringLiteral("…") : QString()) + window + (start + maxChars < text.size() ? QStringLiteral("…") : QString());
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

namespace {

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

QList<SearchHit> search(Database &db, const CorpusInfo &corpus, const SearchOptions &options, DenseContext *dense,
                        const QString &query)
{
    if (options.method == SearchMethod::Bm25)
        return searchBm25(db, corpus, query, options.k);
    if (!dense || !dense->embedder)
        throw std::runtime_error(QCoreApplication::translate("ef::Dense", "%1 search needs a model").arg(searchMethodName(options.method)).toStdString());
    const models::Matrix q = embedQueries(*dense, {query}, options.instruction);
    if (options.method == SearchMethod::Dense)
        return withSnippets(db, corpus, searchDense(db, corpus, dense->set, q, options.k).value(0), query);
    const int n = std::max(options.k, options.candidates);
    const QList<SearchHit> lexical = searchBm25(db, corpus, query, n);
    const QList<SearchHit> semantic = searchDense(db, corpus, dense->set, q, n).value(0);
    return withSnippets(db, corpus, fuseReciprocalRank({lexical, semantic}, options.k, options.rrfK), query);
}

Expected<EvalResult> evaluate(Database &db, const CorpusInfo &corpus, const QString &split, bool ignoreSelf,
                              const SearchOptions &options, DenseContext *dense, const CorpusProgress &progress)
{
    if (!corpus.splits.contains(split))
        return makeError(QCoreApplication::translate("ef::Corpus", "corpus '%1' has no qrels for split '%2' (it has: %3)")
                             .arg(corpus.name, split, corpus.splits.isEmpty() ? QStringLiteral("none") : corpus.splits.join(QStringLiteral(", "))));
    if (options.method != SearchMethod::Bm25 && (!dense || !dense->embedder))
        return makeError(QCoreApplication::translate("ef::Dense", "%1 evaluation needs a model").arg(searchMethodName(options.method)));
    EvalResult r;
    r.method = searchMethodName(options.method);
    r.split = split;
    r.ignoreSelf = ignoreSelf;
    const int depth = 100 + (ignoreSelf ? 1 : 0);
    try {
        const QList<EvalQuery> queries = evalQueries(db, corpus, split);
        QList<QList<SearchHit>> semantic;
        qint64 done = 0;
        if (options.method != SearchMethod::Bm25) {
            QStringList texts;
            for (const EvalQuery &q : queries)
                texts << q.text;
            const models::Matrix m = embedQueries(*dense, texts, options.instruction, [&](size_t n, size_t) {
                return !progress || progress(static_cast<qint64>(n) / 2, QCoreApplication::translate("ef::Dense", "embedding queries"));
            });
            const int n = options.method == SearchMethod::Hybrid ? std::max(depth, options.candidates) : depth;
            semantic = searchDense(db, corpus, dense->set, m, n);
            done = queries.size() / 2;
        }
        for (int i = 0; i < queries.size(); ++i) {
            QList<SearchHit> hits;
            if (options.method == SearchMethod::Bm25)
                hits = searchBm25(db, corpus, queries[i].text, depth);
            else if (options.method == SearchMethod::Dense)
                hits = semantic.value(i);
            else
                hits = fuseReciprocalRank({searchBm25(db, corpus, queries[i].text, std::max(depth, options.candidates)),
                                           semantic.value(i)},
                                          depth, options.rrfK);
            QStringList ranking;
            for (const SearchHit &h : std::as_const(hits))
                ranking << h.docId;
            r.perQuery << metrics::scoreQuery(queries[i].id, ranking, queries[i].qrels, ignoreSelf);
            const qint64 step = options.method == SearchMethod::Bm25 ? i + 1 : done + (i + 1) / 2;
            if (progress && !progress(step, queries[i].id))
                throw JobCancelled();
        }
        r.summary = metrics::average(r.perQuery);
        QJsonArray perQuery;
        for (const metrics::QueryScores &s : std::as_const(r.perQuery))
            perQuery.append(QJsonObject{{QStringLiteral("query"), s.queryId}, {QStringLiteral("ndcg@10"), s.ndcg10},
                                        {QStringLiteral("recall@100"), s.recall100}, {QStringLiteral("mrr@10"), s.mrr10},
                                        {QStringLiteral("map@10"), s.map10}});
        const QJsonObject metricsJson{{QStringLiteral("ndcg@10"), r.summary.ndcg10}, {QStringLiteral("recall@100"), r.summary.recall100},
                                      {QStringLiteral("mrr@10"), r.summary.mrr10}, {QStringLiteral("map@10"), r.summary.map10},
                                      {QStringLiteral("queries"), r.summary.queries}};
        QJsonObject settings{{QStringLiteral("ignore_self"), ignoreSelf}, {QStringLiteral("k"), 100}};
        QString modelDir;
        if (options.method != SearchMethod::Bm25) {
            modelDir = QFileInfo(dense->model.dir).absoluteFilePath();
            settings.insert(QStringLiteral("fingerprint"), dense->set.fingerprint);
            settings.insert(QStringLiteral("max_length"), dense->model.maxLength);
            settings.insert(QStringLiteral("dtype"), dense->model.dtype);
        }
        if (options.method == SearchMethod::Hybrid) {
            settings.insert(QStringLiteral("rrf_k"), options.rrfK);
            settings.insert(QStringLiteral("candidates"), std::max(depth, options.candidates));
        }
        Transaction tx(db);
        db.prepare(QStringLiteral("INSERT INTO eval_results(corpus_id, method, model, instruction, split, settings, metrics, "
                                  "per_query, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"))
            .bind(1, corpus.id)
            .bind(2, r.method)
            .bind(3, modelDir.isNull() ? QStringLiteral("") : modelDir)
            .bind(4, options.method == SearchMethod::Bm25 || options.instruction.isEmpty() ? QStringLiteral("") : options.instruction)
            .bind(5, split)
            .bind(6, QString::fromUtf8(QJsonDocument(settings).toJson(QJsonDocument::Compact)))
            .bind(7, QString::fromUtf8(QJsonDocument(metricsJson).toJson(QJsonDocument::Compact)))
            .bind(8, QString::fromUtf8(QJsonDocument(perQuery).toJson(QJsonDocument::Compact)))
            .bind(9, QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
            .run();
        tx.commit();
    } catch (const DbError &e) {
        return makeError(e.message());
    } catch (const models::Cancelled &) {
        throw JobCancelled();
    }
    return r;
}

QList<QPair<QString, QString>> instructionPresets()
{
    // paper.md §4, "Eval instructions" (Table 15): query side only.
    return {
        {QStringLiteral("MS MARCO"), QStringLiteral("Given a web search query, retrieve relevant passages that answer the query")},
        {QStringLiteral("NQ / MIRACL"), QStringLiteral("Given a question, retrieve Wikipedia passages that answer the question")},
        {QStringLiteral("HotpotQA"), QStringLiteral("Given a multi-hop question, retrieve documents that can help answer the question")},
        {QStringLiteral("FEVER"), QStringLiteral("Given a claim, retrieve documents that support or refute the claim")},
        {QStringLiteral("FiQA2018"), QStringLiteral("Given a financial question, retrieve user replies that best answer the question")},
        {QStringLiteral("NFCorpus"), QStringLiteral("Given a question, retrieve relevant documents that best answer the question")},
        {QStringLiteral("SciFact"), QStringLiteral("Given a scientific claim, retrieve documents that support or refute the claim")},
        {QStringLiteral("ArguAna"), QStringLiteral("Given a claim, find documents that refute the claim")},
        {QStringLiteral("ClimateFEVER"), QStringLiteral("Given a claim about climate change, retrieve documents that support or refute the claim")},
        {QStringLiteral("DBPedia"), QStringLiteral("Given a query, retrieve relevant entity descriptions from DBPedia")},
        {QStringLiteral("QuoraRetrieval"), QStringLiteral("Given a question, retrieve questions that are semantically equivalent to the given question")},
        {QStringLiteral("SCIDOCS"), QStringLiteral("Given a scientific paper title, retrieve paper abstracts that are cited by the given paper")},
        {QStringLiteral("Touche2020"), QStringLiteral("Given a question, retrieve detailed and persuasive arguments that answer the question")},
        {QStringLiteral("TRECCOVID"), QStringLiteral("Given a query on COVID-19, retrieve documents that answer the query")},
        {QStringLiteral("CQADupstack"), QStringLiteral("Given a question, retrieve detailed question descriptions from Stackexchange that are duplicates to the given question")},
        {QStringLiteral("T2Retrieval / DuRetrieval"), QStringLiteral("Given a Chinese search query, retrieve web passages that answer the question")},
        {QStringLiteral("STS"), QStringLiteral("Retrieve semantically similar text.")},
        {QStringLiteral("BUCC / Tatoeba"), QStringLiteral("Retrieve parallel sentences.")},
    };
}

} // namespace ef
