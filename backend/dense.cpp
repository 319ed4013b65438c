// SPDX-License-Identifier: GPL-3.0-or-later
// Dense vectors: model fingerprints, vector sets, resumable corpus embedding, exact search.
#include "backend/dense.h"
#include "backend/densecompute.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include "backend/argtext.h"
#include "backend/database.h"
#include "backend/fileguard.h"
#include "backend/jobs.h"
#include "backend/lease.h"
#include "backend/metrics.h"
#include "backend/timestamp.h"
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
    if (const QString problem = fileguard::regularFileProblem(path); !problem.isEmpty())
        throw std::runtime_error(problem.toStdString());
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

} // namespace

QString modelFingerprint(const DenseModel &model)
{
    const QDir dir(model.dir);
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(QStringLiteral("embedforge-vectors/1\npooling=last-token-eos-l2\nmax_length=%1\ndtype=%2\n")
                  .arg(argText(model.maxLength), argText(model.dtype))
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
    // An adapter changes every vector: its config and weights (small) are hashed whole.
    if (!model.adapter.isEmpty()) {
        const QDir ad(model.adapter);
        for (const char *name : {"adapter_config.json", "adapter_model.safetensors"}) {
            const QString path = ad.filePath(QString::fromLatin1(name));
            if (!QFileInfo(path).isFile())
                throw std::runtime_error(path.toStdString() + ": missing (not a PEFT adapter folder)");
            h.addData(QByteArray(QByteArray("adapter/") + name + '\n'));
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
    o.adapter = model.adapter.toStdString();
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
        Statement s = db.prepare(QString::fromLatin1(kSetColumns) +
                                 QStringLiteral("WHERE s.corpus_id = ? AND s.fingerprint = ?"));
        s.bind(1, corpus.id).bind(2, fingerprint);
        if (!s.step())
            return makeError(QCoreApplication::translate(
                                 "ef::Dense", "corpus '%1' has no vectors for this model (fingerprint %2): run "
                                              "'corpus embed --corpus %1 --model DIR' first")
                                 .arg(corpus.name, fingerprint.left(12)));
        VectorSet v = readSet(s);
        v.documents = corpus.documents;
        if (!v.complete())
            return makeError(QCoreApplication::translate(
                                 "ef::Dense",
                                 "corpus '%1' is only partly embedded with this model (%2 of %3 documents): run "
                                 "'corpus embed' again to finish")
                                 .arg(argText(corpus.name), argText(v.vectors), argText(v.documents)));
        return v;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<EmbedCorpusResult> embedCorpus(Database &db, const CorpusInfo &corpus, models::Embedder &embedder,
                                        const DenseModel &model, const QString &fingerprint,
                                        const CorpusProgress &progress, int chunkDocuments)
{
    // One owner per corpus and model: two embedders would insert the same vectors.
    auto lease = Lease::take(db.path(),
                             QStringLiteral("embed-corpus-%1-%2").arg(QString::number(corpus.id), fingerprint.left(16)),
                             QCoreApplication::translate("ef::Dense", "the embedding of corpus '%1' with model %2")
                                 .arg(corpus.name, fingerprint.left(12)));
    if (!lease)
        return makeError(lease.error());
    EmbedCorpusResult result;
    try {
        {
            Transaction tx(db);
            const QJsonObject settings{{QStringLiteral("pooling"), QStringLiteral("last-token-eos-l2")},
                                       {QStringLiteral("max_length"), model.maxLength},
                                       {QStringLiteral("dtype"), model.dtype},
                                       {QStringLiteral("family"), QString::fromLatin1(embedder.config().familyName())}};
            db
                .prepare(QStringLiteral(
                    "INSERT OR IGNORE INTO vector_sets(corpus_id, fingerprint, model_dir, settings, dim, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)"))
                .bind(1, corpus.id)
                .bind(2, fingerprint)
                .bind(3, QFileInfo(model.dir).absoluteFilePath())
                .bind(4, QString::fromUtf8(QJsonDocument(settings).toJson(QJsonDocument::Compact)))
                .bind(5, static_cast<qint64>(embedder.dimension()))
                .bind(6, isoNow())
                .run();
            tx.commit();
        }
        Expected<VectorSet> any = [&]() -> Expected<VectorSet> {
            Statement s = db.prepare(QString::fromLatin1(kSetColumns) +
                                     QStringLiteral("WHERE s.corpus_id = ? AND s.fingerprint = ?"));
            s.bind(1, corpus.id).bind(2, fingerprint);
            if (!s.step())
                return makeError(QCoreApplication::translate("ef::Dense", "the vector set for corpus '%1' vanished")
                                     .arg(corpus.name));
            return readSet(s);
        }();
        if (!any)
            return makeError(any.error());
        VectorSet set = any.value();
        if (set.dim != embedder.dimension())
            return makeError(
                QCoreApplication::translate("ef::Dense", "stored vectors have dimension %1 but the model produces %2")
                    .arg(argText(set.dim), argText(embedder.dimension())));
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
            next.bind(1, corpus.id)
                .bind(2, after)
                .bind(3, set.id)
                .bind(4, static_cast<qint64>(std::max(1, chunkDocuments)));
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
            Statement ins =
                db.prepare(QStringLiteral("INSERT INTO doc_vectors(set_id, doc_id, vector) VALUES (?, ?, ?)"));
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
                                      QCoreApplication::translate("ef::Dense", "%1 of %2 documents")
                                          .arg(argText(result.reused + result.embedded), argText(corpus.documents))))
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
                                    const models::Matrix &queries, int k, bool withText)
{
    QList<QList<SearchHit>> out;
    if (queries.rows == 0 || k <= 0)
        return out;
    // A few more than k, so that documents tied at the k-th score are ordered by id as trec_eval
    // orders them, not by their place in the scan.
    constexpr int kTieMargin = 16;
    const int want = k;
    k = k > INT_MAX - kTieMargin ? k : k + kTieMargin;
    if (queries.cols != set.dim)
        throw std::runtime_error(
            QCoreApplication::translate("ef::Dense", "the query embeddings have dimension %1 but the stored vectors %2")
                .arg(argText(queries.cols), argText(set.dim))
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
            throw std::runtime_error(
                QCoreApplication::translate("ef::Dense",
                                            "corpus '%1': the vector of document row %2 has %3 bytes, expected %4; "
                                            "delete the vector set and embed again")
                    .arg(argText(corpus.name), argText(s.columnInt(0)), argText(v.size()), argText(bytes))
                    .toStdString());
        ids.push_back(s.columnInt(0));
        const size_t at = buf.size();
        buf.resize(at + static_cast<size_t>(set.dim));
        std::memcpy(buf.data() + at, v.constData(), static_cast<size_t>(bytes));
        if (static_cast<int>(ids.size()) == kScanRows)
            flush();
    }
    flush();
    Statement doc = db.prepare(withText ? QStringLiteral("SELECT ext_id, title, text FROM documents WHERE id = ?")
                                        : QStringLiteral("SELECT ext_id FROM documents WHERE id = ?"));
    for (const auto &row : topk.results()) {
        QList<SearchHit> hits;
        for (const models::ScoredIndex &r : row) {
            doc.bind(1, static_cast<qint64>(r.index));
            if (doc.step())
                hits.append(withText
                                ? SearchHit{doc.columnText(0), doc.columnText(1), doc.columnText(2).left(200),
                                            static_cast<double>(r.score)}
                                : SearchHit{doc.columnText(0), QString(), QString(), static_cast<double>(r.score)});
            doc.reset();
        }
        metrics::sortTrec(hits);
        if (hits.size() > want)
            hits.resize(want);
        out.append(hits);
    }
    return out;
}

} // namespace ef
