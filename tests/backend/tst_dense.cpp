// SPDX-License-Identifier: GPL-3.0-or-later
// Dense and hybrid retrieval on a tiny model: exact search equals a brute-force reference,
// fingerprints change with the model and never reuse stale vectors, an interrupted embedding
// resumes without recomputing committed chunks, RRF on hand-computed ranks, snippets, and
// evaluation results stored with their settings.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/dense.h"
#include "backend/densecompute.h"
#include "backend/retrieval.h"
#include "backend/jobs.h"
#include "backend/workspace.h"
#include "tests/common/testutil.h"
#include "models/embedder.h"
#include "models/tinymodel.h"

using namespace ef;

namespace {

using ef::test::writeFile;

const char *const kTopics[] = {"heat pumps in cold winters",  "solar panels at noon",   "leaking kitchen tap washer",
                               "training a puppy to sit",     "baking sourdough bread", "repairing a bicycle chain",
                               "planting tomatoes in spring", "learning to swim",       "saving energy at home",
                               "choosing running shoes"};

// 40 documents over 10 topics, 10 queries with one relevant document each.
QString writeCorpus(const QString &dir)
{
    QByteArray corpus, queries, qrels = "query-id\tcorpus-id\tscore\n";
    for (int i = 0; i < 40; ++i) {
        const QByteArray topic = kTopics[i % 10];
        corpus += "{\"_id\":\"d" + QByteArray::number(i) + "\",\"title\":\"" + (i % 3 ? topic : QByteArray()) +
                  "\",\"text\":\"Notes number " + QByteArray::number(i) + " about " + topic +
                  QByteArray(" with some extra words").repeated(i % 4) + ".\"}\n";
    }
    for (int q = 0; q < 10; ++q) {
        queries += "{\"_id\":\"q" + QByteArray::number(q) + "\",\"text\":\"how to do " + kTopics[q] + "\"}\n";
        qrels += "q" + QByteArray::number(q) + "\td" + QByteArray::number(q) + "\t1\n";
    }
    writeFile(dir + QStringLiteral("/corpus.jsonl"), corpus);
    writeFile(dir + QStringLiteral("/queries.jsonl"), queries);
    writeFile(dir + QStringLiteral("/qrels/test.tsv"), qrels);
    return dir;
}

} // namespace

class TestDense final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void denseSearchEqualsBruteForce();
    void fingerprintTracksTheModel();
    void interruptedEmbeddingResumes();
    void hybridIsReciprocalRankFusion();
    void snippetsHighlightQueryWords();
    void evaluationStoresModelAndSettings();
    void corruptVectorIsAClearError();

private:
    // The demo corpus imported and embedded with the tiny model.
    struct Embedded
    {
        CorpusInfo corpus;
        DenseModel model;
        QString fingerprint;
        std::unique_ptr<models::Embedder> embedder;
        VectorSet set;
    };
    DenseRetriever retriever(const Embedded &e);
    Embedded embedDemo();
    CorpusInfo importDemo();
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    QString m_model, m_beir;
    int m_n = 0;
};

void TestDense::initTestCase()
{
    m_model = m_dir.filePath(QStringLiteral("tiny-mistral"));
    models::TinyModelOptions o;
    o.family = models::Family::Mistral;
    o.seed = 21;
    models::makeTinyModel(m_model.toStdString(), o);
    m_beir = writeCorpus(m_dir.filePath(QStringLiteral("beir")));
}

void TestDense::init()
{
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("w%1.efws").arg(++m_n)));
    QVERIFY2(ws, qPrintable(ws.error()));
    m_db = std::move(ws->connect().value());
}

CorpusInfo TestDense::importDemo()
{
    auto c = importCorpus(*m_db, {CorpusImport::Kind::Beir, m_beir, QStringLiteral("topics")});
    if (!c)
        qFatal("import failed: %s", qPrintable(c.error()));
    return c.value();
}

TestDense::Embedded TestDense::embedDemo()
{
    Embedded e;
    e.corpus = importDemo();
    e.model.dir = m_model;
    e.embedder = loadEmbedder(e.model);
    e.fingerprint = modelFingerprint(e.model);
    auto r = embedCorpus(*m_db, e.corpus, *e.embedder, e.model, e.fingerprint);
    if (!r)
        qFatal("embedding failed: %s", qPrintable(r.error()));
    e.set = r->set;
    return e;
}

DenseRetriever TestDense::retriever(const Embedded &e)
{
    auto r = DenseRetriever::load(*m_db, e.corpus, e.model);
    if (!r)
        qFatal("loading the retriever failed: %s", qPrintable(r.error()));
    return r.value();
}

void TestDense::denseSearchEqualsBruteForce()
{
    const CorpusInfo corpus = importDemo();
    DenseModel model;
    model.dir = m_model;
    model.batchSize = 8;
    auto embedder = loadEmbedder(model);
    const QString fp = modelFingerprint(model);
    auto r = embedCorpus(*m_db, corpus, *embedder, model, fp, {}, 16);
    QVERIFY2(r, qPrintable(r.error()));
    QCOMPARE(r->embedded, qint64(40));
    QCOMPARE(r->set.vectors, qint64(40));
    auto set = findVectorSet(*m_db, corpus, fp);
    QVERIFY2(set, qPrintable(set.error()));

    // Brute force: embed every document alone (title + " " + text) and the query with its
    // instruction, rank by inner product.
    std::vector<std::string> docs;
    QStringList ids;
    Statement s =
        m_db->prepare(QStringLiteral("SELECT ext_id, title, text FROM documents WHERE corpus_id = ? ORDER BY id"));
    s.bind(1, corpus.id);
    while (s.step()) {
        ids << s.columnText(0);
        const QString title = s.columnText(1);
        docs.push_back((title.isEmpty() ? s.columnText(2) : title + QLatin1Char(' ') + s.columnText(2)).toStdString());
    }
    models::EmbedOptions one;
    one.batchSize = 1;
    const models::Matrix d = embedder->embed(docs, one);
    const QString instruction = QStringLiteral("Given a question, retrieve passages that answer it");
    one.instruction = instruction.toStdString();
    const std::vector<std::string> queryTexts = {"how to do heat pumps in cold winters", "bread", "swim"};
    const models::Matrix q = embedder->embed(queryTexts, one);

    auto loaded = DenseRetriever::load(*m_db, corpus, model);
    QVERIFY2(loaded, qPrintable(loaded.error()));
    const DenseRetriever ctx = loaded.value();
    QCOMPARE(ctx.vectors().id, set->id);
    SearchOptions so;
    so.method = SearchMethod::Dense;
    so.instruction = instruction;
    so.k = 7;
    for (int qi = 0; qi < q.rows; ++qi) {
        QList<QPair<double, QString>> brute;
        for (int di = 0; di < d.rows; ++di) {
            double dot = 0;
            for (int c = 0; c < d.cols; ++c)
                dot += double(q.row(qi)[c]) * d.row(di)[c];
            brute.append({dot, ids[di]});
        }
        std::stable_sort(brute.begin(), brute.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        const QList<SearchHit> hits =
            search(*m_db, corpus, so, &ctx, QString::fromStdString(queryTexts[size_t(qi)])).value();
        QCOMPARE(hits.size(), 7);
        for (int i = 0; i < hits.size(); ++i) {
            QVERIFY2(std::abs(hits[i].score - brute[i].first) < 1e-5,
                     qPrintable(QStringLiteral("rank %1: %2 vs %3").arg(i).arg(hits[i].score).arg(brute[i].first)));
            // Ids must agree unless two scores tie within float noise.
            if (hits[i].docId != brute[i].second)
                QVERIFY(std::abs(brute[i].first - brute[std::min(i + 1, int(brute.size()) - 1)].first) < 1e-6 ||
                        std::abs(brute[i].first - brute[std::max(i - 1, 0)].first) < 1e-6);
        }
    }
    // Every query at once (evaluation path) gives the same top hits as one at a time.
    const QList<QList<SearchHit>> batch = searchDense(*m_db, corpus, set.value(), q, 7);
    QCOMPARE(batch.size(), 3);
    for (int qi = 0; qi < 3; ++qi)
        QCOMPARE(batch[qi].first().docId,
                 search(*m_db, corpus, so, &ctx, QString::fromStdString(queryTexts[size_t(qi)]))->first().docId);
}

void TestDense::fingerprintTracksTheModel()
{
    DenseModel model;
    model.dir = m_model;
    const QString fp = modelFingerprint(model);
    QCOMPARE(fp.size(), 64);
    QCOMPARE(modelFingerprint(model), fp);
    // A copy of the folder elsewhere: same vectors, same fingerprint.
    const QString copy = m_dir.filePath(QStringLiteral("copy"));
    std::filesystem::copy(m_model.toStdString(), copy.toStdString());
    DenseModel copied = model;
    copied.dir = copy;
    QCOMPARE(modelFingerprint(copied), fp);
    // Pooling settings are part of it.
    DenseModel shorter = model;
    shorter.maxLength = 128;
    QVERIFY(modelFingerprint(shorter) != fp);
    DenseModel bf16 = model;
    bf16.dtype = QStringLiteral("bf16");
    QVERIFY(modelFingerprint(bf16) != fp);
    // "Fine-tuned" weights with the same shapes: one float in the middle of a tensor changes.
    // Overwrite one float in the middle of a tensor, found through the file's own header.
    QFile f(copy + QStringLiteral("/model.safetensors"));
    QVERIFY(f.open(QIODevice::ReadWrite));
    quint64 headerLen = 0;
    QCOMPARE(f.read(reinterpret_cast<char *>(&headerLen), 8), qint64(8));
    const QJsonObject header = QJsonDocument::fromJson(f.read(qint64(headerLen))).object();
    const QJsonArray range = header.value(QStringLiteral("model.layers.1.mlp.down_proj.weight"))
                                 .toObject()
                                 .value(QStringLiteral("data_offsets"))
                                 .toArray();
    QCOMPARE(range.size(), 2);
    const qint64 middle = 8 + qint64(headerLen) + (range[0].toInteger() + range[1].toInteger()) / 2 / 4 * 4;
    QVERIFY(f.seek(middle));
    const float changed = 0.123f;
    QCOMPARE(f.write(reinterpret_cast<const char *>(&changed), 4), qint64(4));
    f.close();
    const QString tuned = modelFingerprint(copied);
    QVERIFY(tuned != fp);

    // The tuned model never reuses the original's vectors.
    const CorpusInfo corpus = importDemo();
    auto original = loadEmbedder(model);
    QVERIFY(embedCorpus(*m_db, corpus, *original, model, fp));
    QVERIFY(findVectorSet(*m_db, corpus, fp));
    const auto stale = findVectorSet(*m_db, corpus, tuned);
    QVERIFY(!stale);
    QVERIFY2(stale.error().contains(QStringLiteral("corpus embed")), qPrintable(stale.error()));
    auto tunedEmbedder = loadEmbedder(copied);
    auto r = embedCorpus(*m_db, corpus, *tunedEmbedder, copied, tuned);
    QVERIFY(r);
    QCOMPARE(r->embedded, qint64(40));
    QCOMPARE(r->reused, qint64(0));
    QCOMPARE(listVectorSets(*m_db, corpus).size(), 2);
}

void TestDense::interruptedEmbeddingResumes()
{
    const CorpusInfo corpus = importDemo();
    DenseModel model;
    model.dir = m_model;
    auto embedder = loadEmbedder(model);
    const QString fp = modelFingerprint(model);
    int chunks = 0;
    QVERIFY_THROWS_EXCEPTION(JobCancelled, embedCorpus(
                                               *m_db, corpus, *embedder, model, fp,
                                               [&](qint64, const QString &) {
                                                   return ++chunks < 2; // stop after the second committed chunk
                                               },
                                               6));
    QCOMPARE(m_db->queryInt(QStringLiteral("SELECT count(*) FROM doc_vectors")), 12);
    const QByteArray before = [&] {
        Statement s = m_db->prepare(
            QStringLiteral("SELECT group_concat(hex(vector)) FROM (SELECT vector FROM doc_vectors ORDER BY doc_id)"));
        return s.step() ? s.columnText(0).toLatin1() : QByteArray();
    }();
    const auto partial = findVectorSet(*m_db, corpus, fp);
    QVERIFY(!partial);
    QVERIFY(partial.error().contains(QStringLiteral("12 of 40")));

    qint64 lastDone = 0;
    auto r = embedCorpus(
        *m_db, corpus, *embedder, model, fp,
        [&](qint64 done, const QString &) {
            lastDone = done;
            return true;
        },
        6);
    QVERIFY2(r, qPrintable(r.error()));
    QCOMPARE(r->reused, qint64(12));
    QCOMPARE(r->embedded, qint64(28));
    QCOMPARE(lastDone, qint64(40));
    QCOMPARE(m_db->queryInt(QStringLiteral("SELECT count(*) FROM doc_vectors")), 40);
    // The committed vectors were kept, not recomputed or duplicated.
    Statement s = m_db->prepare(QStringLiteral(
        "SELECT group_concat(hex(vector)) FROM (SELECT vector FROM doc_vectors ORDER BY doc_id LIMIT 12)"));
    QVERIFY(s.step());
    QCOMPARE(s.columnText(0).toLatin1(), before);
    // A third run has nothing to do.
    auto again = embedCorpus(*m_db, corpus, *embedder, model, fp);
    QCOMPARE(again->embedded, qint64(0));
    QCOMPARE(again->reused, qint64(40));
}

void TestDense::hybridIsReciprocalRankFusion()
{
    auto hit = [](const char *id) { return SearchHit{QString::fromLatin1(id), QString(), QString(), 0.0}; };
    const QList<SearchHit> bm25 = {hit("a"), hit("b"), hit("c")};
    const QList<SearchHit> dense = {hit("c"), hit("d"), hit("a")};
    const QList<SearchHit> fused = fuseReciprocalRank({bm25, dense}, 10, 60);
    // a: 1/61 + 1/63, c: 1/63 + 1/61 (tie, a's best rank 1 = c's best rank 1: first seen wins),
    // b: 1/62, d: 1/62.
    QCOMPARE(fused.size(), 4);
    QCOMPARE(fused[0].docId, QStringLiteral("a"));
    QCOMPARE(fused[1].docId, QStringLiteral("c"));
    QCOMPARE(fused[2].docId, QStringLiteral("b"));
    QCOMPARE(fused[3].docId, QStringLiteral("d"));
    QVERIFY(std::abs(fused[0].score - (1.0 / 61 + 1.0 / 63)) < 1e-12);
    QVERIFY(std::abs(fused[2].score - 1.0 / 62) < 1e-12);
    QCOMPARE(fuseReciprocalRank({bm25, dense}, 2, 60).size(), 2);
    // k = 1 makes the top ranks dominate more: with lists (x, y) and (y, z) y wins.
    const QList<SearchHit> f2 = fuseReciprocalRank({{hit("x"), hit("y")}, {hit("y"), hit("z")}}, 3, 1);
    QCOMPARE(f2[0].docId, QStringLiteral("y"));
    QVERIFY(std::abs(f2[0].score - (1.0 / 3 + 1.0 / 2)) < 1e-12);

    // End to end: the hybrid list is the fusion of the BM25 and dense lists.
    const Embedded e = embedDemo();
    const CorpusInfo &corpus = e.corpus;
    const DenseRetriever ctx = retriever(e);
    SearchOptions so;
    so.k = 100;
    so.method = SearchMethod::Bm25;
    const QList<SearchHit> lexical = search(*m_db, corpus, so, &ctx, QStringLiteral("sourdough bread")).value();
    so.method = SearchMethod::Dense;
    const QList<SearchHit> semantic = search(*m_db, corpus, so, &ctx, QStringLiteral("sourdough bread")).value();
    so.method = SearchMethod::Hybrid;
    so.k = 5;
    const QList<SearchHit> hybrid = search(*m_db, corpus, so, &ctx, QStringLiteral("sourdough bread")).value();
    const QList<SearchHit> expected = fuseReciprocalRank({lexical, semantic}, 5, 60);
    QCOMPARE(hybrid.size(), 5);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(hybrid[i].docId, expected[i].docId);
        // Query words are highlighted wherever they occur, whichever list found the document.
        if (markSnippet(hybrid[i].snippet, QString(), QString()).contains(QStringLiteral("bread"), Qt::CaseInsensitive))
            QVERIFY(hybrid[i].snippet.contains(QChar(1)));
    }
    // BM25 ranks the bread documents first; fusion keeps one of them on top.
    QVERIFY(lexical.first().title.contains(QStringLiteral("bread")) ||
            lexical.first().snippet.contains(QStringLiteral("bread")));
    QVERIFY(hybrid.first().snippet.contains(QStringLiteral("bread")));
}

void TestDense::snippetsHighlightQueryWords()
{
    const QString text = QStringLiteral("The quick brown fox jumps over the lazy dog near the river bank.");
    QCOMPARE(markSnippet(snippetFor(text, QStringLiteral("lazy DOG")), QStringLiteral("["), QStringLiteral("]")),
             QStringLiteral("The quick brown fox jumps over the [lazy] [dog] near the river bank."));
    // CJK: each character of the query is a word.
    const QString zh = QStringLiteral("更换水龙头里的密封圈就能解决漏水问题。");
    QCOMPARE(markSnippet(snippetFor(zh, QStringLiteral("漏水")), QStringLiteral("["), QStringLiteral("]")),
             QStringLiteral("更换[水]龙头里的密封圈就能解决[漏][水]问题。"));
    // A long text is cut around the first match, with ellipses.
    const QString longText = QString(QStringLiteral("filler ")).repeated(100) + QStringLiteral("target word here ") +
                             QString(QStringLiteral("more ")).repeated(100);
    const QString s = snippetFor(longText, QStringLiteral("target"), 80);
    QVERIFY(s.startsWith(QStringLiteral("…")) && s.endsWith(QStringLiteral("…")));
    QVERIFY(s.contains(QStringLiteral("\x01target\x02")));
    // No match: the start of the text.
    QVERIFY(snippetFor(text, QStringLiteral("zebra"), 10).startsWith(QStringLiteral("The quick ")));
}

void TestDense::evaluationStoresModelAndSettings()
{
    const Embedded e = embedDemo();
    const CorpusInfo &corpus = e.corpus;
    const QString &fp = e.fingerprint;
    const DenseRetriever ctx = retriever(e);
    SearchOptions so;
    so.method = SearchMethod::Dense;
    so.instruction = QStringLiteral("Retrieve semantically similar text.");
    auto dense = evaluate(*m_db, corpus, QStringLiteral("test"), false, so, &ctx);
    QVERIFY2(dense, qPrintable(dense.error()));
    QCOMPARE(dense->summary.queries, 10);
    QCOMPARE(dense->perQuery.size(), 10);
    // Recall@100 over 40 documents is 1 whatever the model.
    QCOMPARE(dense->summary.recall100, 1.0);
    // Per-query scores agree with ranking each query through search().
    for (int i = 0; i < 3; ++i) {
        so.k = 100;
        Statement q = m_db->prepare(QStringLiteral("SELECT text FROM queries WHERE ext_id = ?"));
        q.bind(1, dense->perQuery[i].queryId);
        QVERIFY(q.step());
        QStringList ranking;
        const QList<SearchHit> hits = search(*m_db, corpus, so, &ctx, q.columnText(0)).value();
        for (const SearchHit &h : hits)
            ranking << h.docId;
        metrics::Qrels rel;
        rel.insert(QStringLiteral("d") + dense->perQuery[i].queryId.mid(1), 1);
        QCOMPARE(dense->perQuery[i].ndcg10, metrics::ndcgAt(ranking, rel, 10));
    }
    so.method = SearchMethod::Hybrid;
    so.rrfK = 30;
    auto hybrid = evaluate(*m_db, corpus, QStringLiteral("test"), true, so, &ctx);
    QVERIFY2(hybrid, qPrintable(hybrid.error()));
    Statement s =
        m_db->prepare(QStringLiteral("SELECT method, model, instruction, settings FROM eval_results ORDER BY id"));
    QVERIFY(s.step());
    QCOMPARE(s.columnText(0), QStringLiteral("dense"));
    QCOMPARE(s.columnText(1), QFileInfo(m_model).absoluteFilePath());
    QCOMPARE(s.columnText(2), QStringLiteral("Retrieve semantically similar text."));
    QJsonObject settings = QJsonDocument::fromJson(s.columnText(3).toUtf8()).object();
    QCOMPARE(settings.value(QStringLiteral("fingerprint")).toString(), fp);
    QCOMPARE(settings.value(QStringLiteral("ignore_self")).toBool(), false);
    QVERIFY(s.step());
    QCOMPARE(s.columnText(0), QStringLiteral("hybrid"));
    settings = QJsonDocument::fromJson(s.columnText(3).toUtf8()).object();
    QCOMPARE(settings.value(QStringLiteral("rrf_k")).toInt(), 30);
    QCOMPARE(settings.value(QStringLiteral("ignore_self")).toBool(), true);
    // Without a model, dense evaluation is an error, not a crash.
    QVERIFY(!evaluate(*m_db, corpus, QStringLiteral("test"), false, so, nullptr));
}

void TestDense::corruptVectorIsAClearError()
{
    const Embedded e = embedDemo();
    const CorpusInfo &corpus = e.corpus;
    m_db->prepare(
            QStringLiteral("UPDATE doc_vectors SET vector = x'0000' WHERE id = (SELECT min(id) FROM doc_vectors)"))
        .run();
    const DenseRetriever ctx = retriever(e);
    SearchOptions so;
    so.method = SearchMethod::Dense;
    const auto r = search(*m_db, corpus, so, &ctx, QStringLiteral("bread"));
    QVERIFY2(!r, "no error for a truncated vector");
    QVERIFY2(r.error().contains(QStringLiteral("has 2 bytes, expected 256")), qPrintable(r.error()));
    // Without a model, dense search is an error, not a crash.
    const auto none = search(*m_db, corpus, so, nullptr, QStringLiteral("bread"));
    QVERIFY(!none);
    QVERIFY2(none.error().contains(QStringLiteral("needs a model")), qPrintable(none.error()));
}

QTEST_GUILESS_MAIN(TestDense)
#include "tst_dense.moc"
