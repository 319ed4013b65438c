// SPDX-License-Identifier: GPL-3.0-or-later
// The synthesis pipeline: brainstorm -> task pool -> generate -> parse, validate, dedup, store.
//
// A run is a row in gen_runs with its configuration (never an API key). Every LLM call is a
// gen_requests row written *before* it is sent (pending), marked in_flight just before it
// goes on the wire and done/failed together with its outcome (tasks or an example) in one
// transaction. Requests are planned deterministically from the run's seed: brainstorm
// requests up front, generate requests of an asymmetric family once its brainstorms have
// all finished (tasks taken in text order). So a run killed at any moment resumes by
// turning in_flight back into pending and sending only what has not completed; the
// request_id UNIQUE constraint on examples makes a duplicate example impossible.
//
// Thread-safety: GenerationPipeline is used by one thread, which it blocks with a local
// event loop while it runs (the CLI's main thread or a job's worker thread). It opens its
// own database connection. The LLM client runs on its own network thread.
#pragma once

#include <functional>
#include <optional>

#include <QList>
#include <QString>

#include "backend/expected.h"
#include "backend/generationconfig.h"
#include "backend/jobs.h"
#include "backend/settings.h"
#include "backend/workspace.h"

namespace ef {

class Database;
struct PromptTemplate;

// Parses a valid generate reply into example fields; the reason code when it is not valid.
struct ExampleFields
{
    bool ok = false;
    QString reason;
    QString detail;
    QString instruction;
    QString query;
    QString positive;
    QString negative; // empty: none
};
ExampleFields extractExample(const PromptTemplate &t, const QString &task, const QString &reply);
// The exact-duplicate key (paper §3: exact string matching): family, query and positive.
QString dedupKey(const QString &family, const QString &query, const QString &positive);

// What a generation run will cost, before it starts: requests, expected examples per family and
// per language, tokens and money. Prompt tokens come from the templates rendered with the run's
// sampled values (about 4 characters a token) or, where this workspace has at least 5 answered
// requests of a family and step, from their measured averages; completion tokens from those
// averages, else typical answer sizes (brainstorm 400, retrieval 450, classification 250, sts
// and bitext 150, long-long 700, short-short 60). An estimate, not a quote.
struct GenerationEstimate
{
    QMap<QString, int> examplesPerFamily;
    QMap<QString, int> brainstormsPerFamily;
    QList<QPair<QString, double>> examplesPerLanguage; // expected, in the sampler's order
    qint64 requests = 0;
    double promptTokens = 0;
    double completionTokens = 0;
    double cost = 0;
    QString currency;
    QStringList warnings; // a language or family that will likely get nothing
    QJsonObject toJson() const;
};
Expected<GenerationEstimate> estimateGeneration(Database &db, const GenerationConfig &config);

class GenerationPipeline final
{
public:
    explicit GenerationPipeline(Workspace workspace) : m_workspace(std::move(workspace)) {}

    Expected<qint64> createRun(const GenerationConfig &config);
    // The newest run that is not finished (running, failed or cancelled), or an error.
    Expected<qint64> latestUnfinishedRun();
    Expected<GenerationRun> runInfo(qint64 runId);
    QList<GenerationRun> runs();
    // Sets a run's budget (a resume with a higher one continues a run its budget stopped).
    Status setBudget(qint64 runId, double budget);
    // Requests in flight for the rest of the run (a resume may change it): 1 to 1024.
    Status setConcurrency(qint64 runId, int concurrency);

    // Runs or resumes runId to its end. progress is called about 5 times a second; returning
    // false stops the run (state 'cancelled') after the requests on the wire have come back.
    // endpointOverride: when set, replaces the stored endpoint (e.g. a new base URL).
    Expected<GenerationCounters> run(qint64 runId, const QString &apiKey,
                                     const std::function<bool(const GenerationCounters &)> &progress = {},
                                     const EndpointProfile *endpointOverride = nullptr);

private:
    Expected<qint64> createRunImpl(const GenerationConfig &config);
    Expected<GenerationCounters> runImpl(qint64 runId, const QString &apiKey,
                                         const std::function<bool(const GenerationCounters &)> &progress,
                                         const EndpointProfile *endpointOverride);
    Workspace m_workspace;
};

// ---- the job (the GUI and the CLI run the same one) ----

// What a generation job runs: run runId (created or chosen before submitting) to its end.
struct GenerationJobRequest
{
    Workspace workspace;
    qint64 runId = 0;
    std::optional<EndpointProfile> endpoint; // replaces the stored endpoint (a new URL, a new key)
    std::optional<QString> apiKey;           // none: resolved in the job; a refused key file fails it
};

// How a generation job ended: the run's state ("finished", "failed", "cancelled") and counters.
// It is the job's result also when the job fails because requests failed.
struct GenerationOutcome
{
    qint64 runId = 0;
    QString state;
    QString message; // what the pipeline noted (e.g. a family whose brainstorm found no tasks)
    GenerationCounters counters;
};

// A JobManager job (kind "generate", handle: the run id) that runs or resumes the run on a
// worker thread. Progress counts requests; every counters tick is a metric sample
// (generationMetricsSample); cancellation stops after the requests on the wire came back. The
// job succeeds only when the run ends "finished"; failed requests fail it with the count.
JobSpec makeGenerationJob(const GenerationJobRequest &request);

// Starting or resuming from a view: which run, and with which endpoint.
struct GenerationStart
{
    bool resume = false;
    GenerationConfig config;                 // a new run's configuration
    qint64 runId = 0;                        // resume: this run; 0: the latest unfinished one
    std::optional<EndpointProfile> endpoint; // resume: replaces the stored endpoint
    std::optional<double> budget;            // resume: the run's new budget
    std::optional<int> concurrency;          // resume: requests in flight from now on
};
// Creates the new run, or finds the one to resume, and returns the job request for it. Opens
// its own connection; call it off the GUI thread (a view's I/O pool).
Expected<GenerationJobRequest> prepareGeneration(const Workspace &workspace, const GenerationStart &start);

} // namespace ef

Q_DECLARE_METATYPE(ef::GenerationOutcome)
