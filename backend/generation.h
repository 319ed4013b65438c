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

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include "backend/expected.h"
#include "backend/jobs.h"
#include "backend/sampler.h"
#include "backend/settings.h"
#include "backend/workspace.h"

namespace ef {

class Database;
struct PromptTemplate;

struct GenerationConfig
{
    int examples = 0;             // total generate requests, split evenly over the families
    QStringList families;         // empty = all six
    SamplerConfig sampler;        // languages and weighting
    quint64 seed = 0;
    int concurrency = 8;          // requests in flight
    int brainstormsPerFamily = 0; // 0 = one per 20 examples, at least one
    EndpointProfile endpoint;     // the key is resolved at run time, never stored

    QJsonObject toJson() const;
    static Expected<GenerationConfig> fromJson(const QJsonObject &o);
    // Examples of each family (the remainder goes to the first families).
    QMap<QString, int> examplesPerFamily() const;
};

struct GenerationCounters
{
    qint64 requestsTotal = 0;
    qint64 pending = 0;
    qint64 inFlight = 0;
    qint64 done = 0;
    qint64 failed = 0;
    qint64 valid = 0;
    qint64 invalid = 0;
    qint64 duplicate = 0;
    qint64 tasks = 0;
    QMap<QString, qint64> invalidReasons;
    QMap<QString, qint64> failuresByKind;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    double cost = 0.0;
    double requestsPerSecond = 0.0; // this session
    qint64 etaMs = -1;
    qint64 sentThisSession = 0;
    QJsonObject toJson() const;
};

struct RunInfo
{
    qint64 id = 0;
    QString state;
    QString message;
    QString createdAt;
    QString finishedAt;
    GenerationConfig config;
    GenerationCounters counters;
};

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

class GenerationPipeline final
{
public:
    explicit GenerationPipeline(Workspace workspace) : m_workspace(std::move(workspace)) {}

    Expected<qint64> createRun(const GenerationConfig &config);
    // The newest run that is not finished (running, failed or cancelled), or an error.
    Expected<qint64> latestUnfinishedRun();
    Expected<RunInfo> runInfo(qint64 runId);
    QList<RunInfo> runs();

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

// A JobManager job (kind "generate") that runs or resumes runId on a worker thread, with
// progress in requests and cancellation after the requests on the wire have come back.
JobSpec makeGenerationJob(const Workspace &workspace, qint64 runId, const QString &apiKey);

struct PreviewItem
{
    QString family;
    QString templateId;
    QString language;       // code
    QString task;           // empty for symmetric families
    QMap<QString, QString> values;
    QString prompt;
    // Filled when the prompt was sent:
    bool called = false;
    QString rawResponse;
    QString error;          // transport error
    ExampleFields example;
};

// Renders n prompts of a family's generate template (or templateId) with the seed. Tasks
// come from the workspace's task pool, else from the template's example tasks.
Expected<QList<PreviewItem>> renderPreview(Database &db, const QString &family, const QString &language, int n,
                                           quint64 seed, const QString &templateId = {});
// Sends each preview prompt (blocking the calling thread with a local event loop).
void callPreview(QList<PreviewItem> &items, const PromptTemplate &t, const EndpointProfile &endpoint, const QString &apiKey);

} // namespace ef
