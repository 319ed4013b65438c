// SPDX-License-Identifier: GPL-3.0-or-later
// Dense vectors of a workspace corpus: the model that makes them, its fingerprint, and the
// vector sets that hold them.
//
// Vectors live in the workspace (vector_sets, doc_vectors) as float32 BLOBs keyed by document
// and by a model fingerprint: the model's config, tokenizer, weight headers and samples of
// every tensor's bytes, the pooling, max length and dtype. A changed model therefore gets a new
// set and never reuses stale vectors. Embedding a corpus and searching its vectors need a
// loaded model: see backend/densecompute.h (backend and tools only) and, for everything a view
// or a script does with them, backend/retrieval.h.
//
// Thread-safety: functions take the calling thread's Database.
#pragma once

#include <QList>
#include <QString>

#include "backend/corpus.h"
#include "backend/expected.h"

namespace ef {

class Database;

// The model a dense search or embedding uses, as the user chose it.
struct DenseModel
{
    QString dir;
    QString adapter;                        // a PEFT LoRA folder applied to the model (empty: none)
    QString device = QStringLiteral("cpu"); // cpu, cuda, auto
    QString dtype = QStringLiteral("f32");  // f32, bf16, f16
    int maxLength = 512;
    int batchSize = 16;
};

// Hex SHA-256 identifying the vectors `model` produces (see above). Reads config.json, the
// tokenizer files and a few KiB per tensor; throws std::runtime_error naming a broken file.
QString modelFingerprint(const DenseModel &model);

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

} // namespace ef
