// SPDX-License-Identifier: GPL-3.0-or-later
// Retrieval over a workspace corpus: BM25, dense and hybrid search, evaluation against the
// qrels, and the jobs and the session that run them off the GUI thread.
//
// Queries are embedded with the chosen instruction ("Instruct: {instruction}\nQuery: {q}");
// documents never get one, as in the paper. Hybrid search is reciprocal-rank fusion of the
// BM25 and dense rankings. A dense search needs a model loaded for the corpus's vectors: a
// DenseRetriever (the sequence fingerprint -> vector set -> embedder, in one place). It is
// opaque, so no LibTorch or models/ type appears here; views use DenseSession, which loads
// models and runs every query on the job system's compute lock, like any heavy job.
//
// Errors: functions return Expected with a message naming the corpus, folder or file; a
// progress callback that returns false stops an evaluation by throwing JobCancelled.
// Thread-safety: the free functions take the calling thread's Database; a DenseRetriever is
// used by one thread at a time; DenseSession belongs to its JobManager's thread.
#pragma once

#include <memory>
#include <optional>

#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QStringList>

#include "backend/corpus.h"
#include "backend/dense.h"
#include "backend/expected.h"
#include "backend/jobs.h"
#include "backend/workspace.h"

namespace ef {

class Database;

enum class SearchMethod { Bm25, Dense, Hybrid };
std::optional<SearchMethod> parseSearchMethod(const QString &name);
QString searchMethodName(SearchMethod m);

struct SearchOptions
{
    SearchMethod method = SearchMethod::Bm25;
    QString instruction;
    int k = 10;
    int rrfK = 60;
    int candidates = 100; // per list before fusion (hybrid)
};

// A model ready for dense search over one corpus: the corpus's vectors for the model's
// fingerprint found, its embedder loaded. Copies share the loaded model. Load and use it
// where LibTorch may run (a heavy job, a DenseSession, the CLI), never on the GUI thread.
class DenseRetriever final
{
public:
    DenseRetriever();
    ~DenseRetriever();
    DenseRetriever(const DenseRetriever &);
    DenseRetriever &operator=(const DenseRetriever &);

    // Fingerprints the model, finds the corpus's complete vector set for it, loads the
    // embedder. Errors name the model folder and file, or tell the user to run corpus embed.
    static Expected<DenseRetriever> load(Database &db, const CorpusInfo &corpus, const DenseModel &model);

    bool isValid() const;
    const DenseModel &model() const;
    const VectorSet &vectors() const;

    struct Impl; // backend/retrieval.cpp
    const Impl *impl() const { return d.get(); }

private:
    explicit DenseRetriever(std::shared_ptr<Impl> impl);
    friend class DenseSession;
    std::shared_ptr<Impl> d;
};

// One query through BM25, dense or hybrid. dense may be null for BM25.
Expected<QList<SearchHit>> search(Database &db, const CorpusInfo &corpus, const SearchOptions &options,
                                  const DenseRetriever *dense, const QString &query);

// How an evaluation runs: BEIR's conventions by default (see backend/metrics.h).
struct EvalSettings
{
    QString split = QStringLiteral("test");
    bool ignoreSelf = true; // BEIR's ignore_identical_ids: a hit whose id is the query's is dropped
    int depth = 1000;       // documents ranked per query (BEIR retrieves 1,000)
    QString saveRun;        // write the ranking as a TREC run file (qid Q0 docid rank score tag)
};

// Evaluates a method over every query of the split's qrels; stores the result (eval_results:
// method, model, instruction, settings with the conventions) and returns it. The run written
// with saveRun is the ranking evaluated (self hits dropped when ignoreSelf), so pytrec_eval on
// it gives the same figures.
Expected<EvalResult> evaluate(Database &db, const CorpusInfo &corpus, const EvalSettings &settings,
                              const SearchOptions &options, const DenseRetriever *dense,
                              const CorpusProgress &progress = {});
Expected<EvalResult> evaluate(Database &db, const CorpusInfo &corpus, const QString &split, bool ignoreSelf,
                              const SearchOptions &options, const DenseRetriever *dense,
                              const CorpusProgress &progress = {});

// Evaluates a TREC run file made by any tool (qid Q0 docid rank score tag, whitespace-separated,
// grouped by query) against the corpus's qrels, with trec_eval's order (the rank column is not
// used). Each query keeps its first settings.depth documents in that order. Errors name
// file:line. Memory: one query's entries at a time (at most 1,000,000 per query).
Expected<EvalResult> evaluateRunFile(Database &db, const CorpusInfo &corpus, const EvalSettings &settings,
                                     const QString &runFile, const CorpusProgress &progress = {});

// BM25 over every query of split that has relevant documents; the result is stored in the
// workspace (eval_results) with its settings.
Expected<EvalResult> evaluateBm25(Database &db, const CorpusInfo &corpus, const QString &split, bool ignoreSelf,
                                  const CorpusProgress &progress = {});

// Reciprocal-rank fusion: score(d) = sum over lists of 1 / (rrfK + rank), ranks from 1.
QList<SearchHit> fuseReciprocalRank(const QList<QList<SearchHit>> &rankings, int k, int rrfK = 60);

// Highlights query words in plain text (for dense hits, which have no FTS snippet): the window
// of text around the first match, matched words between \x01 and \x02.
QString snippetFor(const QString &text, const QString &query, int maxChars = 200);

// The qrels of a query text the corpus knows (one of its queries): doc id -> best score.
// Empty when the text is not one of the corpus's queries.
Expected<QHash<QString, int>> relevanceForQuery(Database &db, const CorpusInfo &corpus, const QString &queryText);

// One document of a corpus as the document viewer shows it: its full text, its place in the
// corpus and every judgement the corpus's qrels hold for it (any split, any query).
struct DocumentJudgement
{
    QString split;
    QString queryId;
    QString queryText;
    int score = 0;
};
struct DocumentDetail
{
    QString docId;
    QString title;
    QString text;
    QString corpusName;
    QString corpusSource; // where it was imported from
    qint64 characters = 0;
    qint64 words = 0; // whitespace-separated; a CJK character counts as one
    QList<DocumentJudgement> judgements;
};
// Opens its own connection: call it off the GUI thread. An unknown id is an
// error naming the corpus and the id.
Expected<DocumentDetail> documentDetail(const Workspace &ws, const CorpusInfo &corpus, const QString &docId);

// The paper's evaluation instructions (paper.md, Table 15), for presets: {task name, instruction}.
QList<QPair<QString, QString>> instructionPresets();
// A preset's instruction by name, case, spaces and punctuation ignored: "msmarco", "MS MARCO",
// "scifact", "nq" or "miracl" (either half of "NQ / MIRACL"). Unknown: an error listing the names.
Expected<QString> instructionForPreset(const QString &name);
// The names instructionForPreset accepts, one per preset (its first), for help texts.
QStringList instructionPresetNames();

// ---- jobs (the GUI and the CLI run the same ones) ----

// Embeds every document of the corpus that has no vector yet for the model (resumable).
// Kind "corpus.embed", heavy, handle: the corpus id. Result: EmbedCorpusResult.
JobSpec makeEmbedCorpusJob(const Workspace &workspace, const CorpusInfo &corpus, const DenseModel &model);

// Imports a corpus (kind "corpus.import", light, handle: its name) with progress (records read)
// and cancel (the import is rolled back). Result: CorpusImportOutcome.
struct CorpusImportOutcome
{
    CorpusInfo corpus;
    ImportReport report;
};
JobSpec makeCorpusImportJob(const Workspace &workspace, const CorpusImport &options);

// One system an evaluation measures: a method and, for dense and hybrid, its model.
struct RetrievalSystem
{
    SearchOptions options;
    DenseModel model;
};
struct EvaluationRequest
{
    Workspace workspace;
    CorpusInfo corpus;
    QString split = QStringLiteral("test");
    bool ignoreSelf = true;
    int depth = 1000;
    QString saveRun;                // with one system: write its ranking as a TREC run file
    QString runFile;                // instead of systems: evaluate this TREC run file
    QList<RetrievalSystem> systems; // evaluated in order, on the same queries
    QString title;                  // for the Jobs dock; empty: a generic one
};
// Evaluates each system (kind "corpus.eval", heavy when one is dense, handle: the corpus id).
// Result: QList<EvalResult>, one per system, in order.
JobSpec makeEvaluationJob(const EvaluationRequest &request);

// ---- interactive search ----

struct SearchRequest
{
    Workspace workspace;
    CorpusInfo corpus;
    SearchOptions options;
    DenseModel model; // dense and hybrid: its folder (and settings); ignored for BM25
    QString query;
    int lane = 0; // a new search cancels the queued searches of its lane (one lane per result list)
};
struct SearchReply
{
    QList<SearchHit> hits;
    QHash<QString, int> relevance; // doc id -> qrels score, when the corpus knows the query text
    qint64 ms = 0;
    QString error;               // empty on success
    bool needsEmbedding = false; // the corpus has no (complete) vectors for the model yet
};

// Runs a view's searches as interactive jobs: BM25 ones as light jobs, dense and hybrid ones
// under the compute lock shared with heavy jobs, so a search never runs LibTorch beside an
// embedding or training job. Models are loaded once per folder and settings and kept (with
// their fingerprint) for the session's lifetime; vector sets are looked up per search, so a
// finished embedding job is seen at once. A new search cancels the searches of its lane that
// have not started yet (typing supersedes); those end silently. Every other search ends with
// one searchFinished, in the thread of the JobManager (a failed or cancelled one carries the
// reason in its error).
class DenseSession final : public QObject
{
    Q_OBJECT

public:
    explicit DenseSession(JobManager *jobs, QObject *parent = nullptr);
    ~DenseSession() override;

    // Queues a search; returns its id (the job's), which searchFinished repeats.
    quint64 search(const SearchRequest &request);
    // Forgets loaded models (their memory is freed when no search uses them any more).
    void unloadModels();

Q_SIGNALS:
    void searchFinished(quint64 id, const ef::SearchReply &reply);

private:
    struct Cache;
    QPointer<JobManager> m_jobs;
    std::shared_ptr<Cache> m_cache;
    QHash<quint64, int> m_pending; // search id -> lane
};

} // namespace ef

Q_DECLARE_METATYPE(ef::SearchReply)
Q_DECLARE_METATYPE(ef::EmbedCorpusResult)
Q_DECLARE_METATYPE(ef::EvalResult)
Q_DECLARE_METATYPE(ef::CorpusImportOutcome)
