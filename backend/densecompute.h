// SPDX-License-Identifier: GPL-3.0-or-later
// The dense vectors' compute side, with a loaded models::Embedder: loading one for a
// DenseModel, embedding a corpus into its vector set, exact search over the stored vectors.
//
// For backend/ sources, tests and benchmarks only: these take models/ types, so a view never
// includes this header (views use backend/retrieval.h, whose DenseSession and job factories
// run this on the compute pool). Embedding is resumable: each chunk of documents is committed
// in one transaction, and a rerun embeds only documents that have no vector yet. Search is
// exact: inner products over the stored vectors in chunks (bounded memory).
//
// Thread-safety: functions take the calling thread's Database; an Embedder is used by one
// thread at a time, on a thread where LibTorch may run (a heavy job's worker, the CLI).
#pragma once

#include <memory>

#include <QList>

#include "backend/corpus.h"
#include "backend/dense.h"
#include "backend/expected.h"

namespace ef::models {
class Embedder;
struct Matrix;
} // namespace ef::models

namespace ef {

class Database;

// Loads the embedder for a DenseModel (needs a tokenizer). Throws with the file and field.
std::unique_ptr<models::Embedder> loadEmbedder(const DenseModel &model);

// Embeds every document of the corpus that has no vector for the model's fingerprint.
// progress(done, what) after each committed chunk; returning false stops by throwing
// JobCancelled (committed chunks stay).
Expected<EmbedCorpusResult> embedCorpus(Database &db, const CorpusInfo &corpus, models::Embedder &embedder,
                                        const DenseModel &model, const QString &fingerprint,
                                        const CorpusProgress &progress = {}, int chunkDocuments = 256);

// Exact top k by inner product for each query row (L2-normalised embeddings: cosine). Throws
// DbError, or std::runtime_error naming the corpus for a corrupt stored vector.
// Hits are in trec_eval's order (score descending, then id descending), exact unless more than
// 16 documents tie at the k-th score. With withText false, hits carry ids and scores only.
QList<QList<SearchHit>> searchDense(Database &db, const CorpusInfo &corpus, const VectorSet &set,
                                    const models::Matrix &queries, int k, bool withText = true);

} // namespace ef
