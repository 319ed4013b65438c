// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of backend/retrieval's jobs and DenseSession: the embed and evaluation jobs' typed
// results, searches under the compute lock shared with heavy jobs, lanes, clear errors.
#include <atomic>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/retrieval.h"
#include "backend/workspace.h"
#include "models/tinymodel.h"

using namespace ef;

class TestRetrieval final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void embedAndEvaluateJobsCarryTheirResults();
    void sessionSearchWaitsForTheComputeLock();
    void newerSearchSupersedesQueuedOnesInItsLane();
    void sessionErrorsNameWhatToDo();

private:
    SearchReply waitForReply(DenseSession &session, quint64 id);
    QTemporaryDir m_dir;
    Workspace m_ws;
    CorpusInfo m_corpus;
    DenseModel m_model;
};

void TestRetrieval::initTestCase()
{
    const QString dir = m_dir.filePath(QStringLiteral("tiny"));
    models::TinyModelOptions o;
    o.family = models::Family::Qwen2;
    o.seed = 3;
    models::makeTinyModel(dir.toStdString(), o);
    m_model.dir = dir;
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("r.efws")));
    QVERIFY2(ws, qPrintable(ws.error()));
    m_ws = ws.value();
    auto db = m_ws.connect();
    auto c = importCorpus(**db, {CorpusImport::Kind::Beir, QStringLiteral(":/demo/corpus"), QStringLiteral("demo")});
    QVERIFY2(c, qPrintable(c.error()));
    m_corpus = c.value();
}

SearchReply TestRetrieval::waitForReply(DenseSession &session, quint64 id)
{
    SearchReply reply;
    bool got = false;
    const auto c = connect(&session, &DenseSession::searchFinished, this, [&](quint64 done, const SearchReply &r) {
        if (done == id) {
            reply = r;
            got = true;
        }
    });
    const bool arrived = QTest::qWaitFor([&] { return got; }, 60000);
    disconnect(c);
    if (!arrived)
        reply.error = QStringLiteral("no reply");
    return reply;
}

void TestRetrieval::embedAndEvaluateJobsCarryTheirResults()
{
    JobManager jobs;
    const quint64 embed = jobs.submit(makeEmbedCorpusJob(m_ws, m_corpus, m_model));
    QCOMPARE(jobs.job(embed).handle.toLongLong(), m_corpus.id); // known before it runs
    QVERIFY(jobs.job(embed).heavy);
    QVERIFY(jobs.waitForIdle(120000));
    const JobInfo e = jobs.job(embed);
    QVERIFY2(e.state == JobState::Succeeded, qPrintable(e.error));
    const std::optional<EmbedCorpusResult> r = jobResult<EmbedCorpusResult>(e);
    QVERIFY(r);
    QCOMPARE(r->embedded, m_corpus.documents);
    QCOMPARE(r->set.vectors, m_corpus.documents);
    QCOMPARE(r->set.fingerprint, modelFingerprint(m_model));
    QCOMPARE(e.progress.done, m_corpus.documents);

    EvaluationRequest request;
    request.workspace = m_ws;
    request.corpus = m_corpus;
    RetrievalSystem bm25;
    RetrievalSystem dense;
    dense.options.method = SearchMethod::Hybrid;
    dense.model = m_model;
    request.systems = {bm25, dense};
    const quint64 eval = jobs.submit(makeEvaluationJob(request));
    QVERIFY(jobs.job(eval).heavy); // one system runs the model
    QVERIFY(jobs.waitForIdle(120000));
    const JobInfo v = jobs.job(eval);
    QVERIFY2(v.state == JobState::Succeeded, qPrintable(v.error));
    const auto results = jobResult<QList<EvalResult>>(v);
    QVERIFY(results);
    QCOMPARE(results->size(), 2);
    QCOMPARE(results->at(0).method, QStringLiteral("bm25"));
    QCOMPARE(results->at(1).method, QStringLiteral("hybrid"));
    QCOMPARE(results->at(0).summary.queries, 61);
    // The same numbers as evaluating directly.
    auto db = m_ws.connect();
    const auto direct = evaluateBm25(**db, m_corpus, QStringLiteral("test"), false);
    QVERIFY(direct);
    QCOMPARE(results->at(0).summary.ndcg10, direct->summary.ndcg10);
    QVERIFY(v.progress.done > m_corpus.queries); // the second system counts on from the first
}

void TestRetrieval::sessionSearchWaitsForTheComputeLock()
{
    JobManager jobs;
    { // vectors for the model (idempotent when the first test ran)
        const quint64 id = jobs.submit(makeEmbedCorpusJob(m_ws, m_corpus, m_model));
        QVERIFY(jobs.waitForIdle(120000));
        QCOMPARE(jobs.job(id).state, JobState::Succeeded);
    }
    DenseSession session(&jobs);
    std::atomic_bool release{false};
    std::atomic_bool heavyRunning{false};
    std::atomic_bool overlapped{false};
    jobs.submit({QStringLiteral("train"), QString(), true, [&](JobContext &) {
                     heavyRunning = true;
                     while (!release)
                         QThread::msleep(2);
                     heavyRunning = false;
                 }});
    QTRY_VERIFY_WITH_TIMEOUT(heavyRunning.load(), 5000);

    SearchRequest dense;
    dense.workspace = m_ws;
    dense.corpus = m_corpus;
    dense.model = m_model;
    dense.options.method = SearchMethod::Dense;
    dense.query = QStringLiteral("dishwasher not draining standing water");
    const quint64 denseId = session.search(dense);
    // BM25 needs no compute lock: it answers while the heavy job holds it.
    SearchRequest bm25 = dense;
    bm25.options.method = SearchMethod::Bm25;
    bm25.lane = 1;
    const quint64 bm25Id = session.search(bm25);
    const SearchReply lexical = waitForReply(session, bm25Id);
    QVERIFY2(lexical.error.isEmpty(), qPrintable(lexical.error));
    QVERIFY(!lexical.hits.isEmpty());
    QVERIFY(!lexical.relevance.isEmpty());               // the demo corpus knows this query
    QCOMPARE(jobs.job(denseId).state, JobState::Queued); // still waiting for the lock
    QVERIFY(jobs.jobs().size() == 2);                    // searches are not listed as jobs

    QObject watcher;
    connect(&jobs, &JobManager::jobStateChanged, &watcher, [&](quint64 id, JobState s, const QString &) {
        if (id == denseId && s == JobState::Running)
            overlapped = overlapped || heavyRunning;
    });
    release = true;
    const SearchReply semantic = waitForReply(session, denseId);
    QVERIFY2(semantic.error.isEmpty(), qPrintable(semantic.error));
    QCOMPARE(semantic.hits.size(), 10);
    QVERIFY(!overlapped);
    // A second search reuses the loaded model and sees the same ranking.
    const SearchReply again = waitForReply(session, session.search(dense));
    QCOMPARE(again.hits.first().docId, semantic.hits.first().docId);
}

void TestRetrieval::newerSearchSupersedesQueuedOnesInItsLane()
{
    JobManager jobs;
    DenseSession session(&jobs);
    std::atomic_bool release{false};
    jobs.submit({QStringLiteral("embed"), QString(), true, [&](JobContext &) {
                     while (!release)
                         QThread::msleep(2);
                 }});
    QList<quint64> replied;
    connect(&session, &DenseSession::searchFinished, this, [&](quint64 id, const SearchReply &) { replied << id; });
    SearchRequest r;
    r.workspace = m_ws;
    r.corpus = m_corpus;
    r.model = m_model;
    r.options.method = SearchMethod::Hybrid;
    r.query = QStringLiteral("dish");
    const quint64 first = session.search(r);
    r.query = QStringLiteral("dishwasher");
    const quint64 second = session.search(r);
    r.lane = 1;
    const quint64 otherLane = session.search(r);
    QCOMPARE(jobs.job(first).id, quint64(0)); // cancelled while queued, and forgotten
    release = true;
    QTRY_COMPARE_WITH_TIMEOUT(replied.size(), 2, 60000);
    QTest::qWait(100);
    QCOMPARE(replied.size(), 2);
    QVERIFY(replied.contains(second) && replied.contains(otherLane));
}

void TestRetrieval::sessionErrorsNameWhatToDo()
{
    JobManager jobs;
    DenseSession session(&jobs);
    SearchRequest r;
    r.workspace = m_ws;
    r.corpus = m_corpus;
    r.options.method = SearchMethod::Dense;
    r.query = QStringLiteral("tap");
    r.model.dir = m_dir.filePath(QStringLiteral("no-such-model"));
    const SearchReply missing = waitForReply(session, session.search(r));
    QVERIFY2(missing.error.contains(QStringLiteral("config.json")), qPrintable(missing.error));
    // A model without vectors for this corpus: the reply says how to get them.
    const QString other = m_dir.filePath(QStringLiteral("other"));
    models::TinyModelOptions o;
    o.family = models::Family::Llama;
    o.seed = 9;
    models::makeTinyModel(other.toStdString(), o);
    r.model.dir = other;
    const SearchReply noVectors = waitForReply(session, session.search(r));
    QVERIFY2(noVectors.error.contains(QStringLiteral("corpus embed")), qPrintable(noVectors.error));
}

QTEST_GUILESS_MAIN(TestRetrieval)
#include "tst_retrieval.moc"
