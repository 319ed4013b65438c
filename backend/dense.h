// SPDX-License-Identifier: GPL-3.0-or-later
// Dense and hybrid retrieval over a workspace corpus.
//
// Vectors live in the workspace (vector_sets, doc_vectors) as float32 BLOBs keyed by document
// and by a model fingerprint: the model's config, tokenizer, weight headers and samples of
// every tensor's bytes, the pooling, max length and dtype. A changed model therefore gets a new
// set and never reuses stale vectors. Embedding a corpus is resumable: each chunk of documents
// is committed in one transaction, and a rerun embeds only documents that have no vector yet.
// Search is exact: inner products over the stored vectors in chunks (bounded memory), with
// the query embedded with the chosen instruction (documents never get one, as in the paper).
// Hybrid search is reciprocal-rank fusion of BM25 and dense rankings.
//
// Thread-safety: functions take the calling thread's Database; an Embedder is used by one
// thread at a time.
#pragma once

#include <functional>
#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include "backend/corpus.h"
#include "backend/expected.h"

namespace ef::models {
class Embedder;
struct Matrix;
} // namespace ef::models

namespace ef {

class Database;

// The model a dense search or embedding uses, as the user chose it.
struct DenseModel
{
    QString dir;
    QString device = QStringLiteral("cpu"); // cpu, cuda, auto
    QString dtype = QStringLiteral("f32");  // f32, bf16, f16
    int maxLength = 512;
    int batchSize = 16;
};

// Hex SHA-256 identifying the vectors `model` produces (see above). Reads config.json, the
// tokenizer files and a few KiB per tensor; throws std::runtime_error naming a broken file.
QString modelFingerprint(const DenseModel &model);

// Loads the embedder for a DenseModel (needs a tokenizer). Throws with the file and field.
std::unique_ptr<models::Embedder> loadEmbedder(const DenseModel &model);

struct VectorSet
{
    qint64 id = 0;
    qint64 corpusId = 0;
    QString fingerprint;
    QString modelDir;
    int dim = 0;
    qint64 vectors = 0;
    qint64 documents = 0; // in the corpus
    QString createdAt;
    bool complete() const { return vectors >= documents; }
};

QList<VectorSet> listVectorSets(Database &db, const CorpusInfo &corpus);
// The set for this fingerprint, or an error telling the user to run `corpus embed`.
Expected<VectorSet> findVectorSet(Database &db, const CorpusInfo &corpus, const QString &fingerprint);

struct EmbedCorpusResult
{
    VectorSet set;
    qint64 embedded = 0; // computed in this run
    qint64 reused = 0;   // already stored from an earlier (possibly interrupted) run
};
// Embeds every document of the corpus that has no vector for the model's fingerprint.
// progress(done, what) after each committed chunk; returning false stops (committed chunks stay).
Expected<EmbedCorpusResult> embedCorpus(Database &db, const CorpusInfo &corpus, models::Embedder &embedder,
                                        const DenseModel &model, const QString &fingerprint,
                                        const CorpusProgress &progress = {}, int chunkDocuments = 256);

// Exact top k by inner product for each query row (L2-normalised embeddings: cosine).
QList<QList<SearchHit>> searchDense(Database &db, const CorpusInfo &corpus, const VectorSet &set,
                                    const models::Matrix &queries, int k);
// Reciprocal-rank fusion: score(d) = sum over lists of 1 / (rrfK + rank), ranks from 1.
QList<SearchHit> fuseReciprocalRank(const QList<QList<SearchHit>> &rankings, int k, int rrfK = 60);

// Highlights query words in plain text (for dense hits, which have no FTS snippet): the window
// of text around the first match, matched words between \x01 and \x02.
QString snippetFor(const QString &text, const QString &query, int maxChars = 200);

enum class SearchMethod { Bm25, Dense, Hybrid };
std::optional<SearchMethod> parseSearchMethod(const QString &name);
QString searchMethodName(SearchMethod m);

// A ready-to-run search: the model loaded once, its vector set found.
struct DenseContext
{
    DenseModel model;
    models::Embedder *embedder = nullptr;
    VectorSet set;
};

struct SearchOptions
{
    SearchMethod method = SearchMethod::Bm25;
    QString instruction;
    int k = 10;
    int rrfK = 60;
    int candidates = 100; // per list before fusion (hybrid)
};

// One query through BM25, dense or hybrid. dense may be null for BM25. Throws DbError or
// std::runtime_error.
QList<SearchHit> search(Database &db, const CorpusInfo &corpus, const SearchOptions &options, DenseContext *dense,
                        const QString &query);

// Evaluates a method over the split's queries that have relevant documents; stores the result
// (eval_results: method, model, instruction, settings) and returns it.
Expected<EvalResult> evaluate(Database &db, const CorpusInfo &corpus, const QString &split, bool ignoreSelf,
                              const SearchOptions &options, DenseContext *dense, const CorpusProgress &progress = {});

// The paper's evaluation instructions (paper.md, Table 15), for presets: {task name, instruction}.
QList<QPair<QString, QString>> instructionPresets();

} // namespace ef
