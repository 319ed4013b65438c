// SPDX-License-Identifier: GPL-3.0-or-later
// A generation run's configuration, its counters and its row: the values the pipeline, the
// jobs, the Generate page and the CLI pass around, with their JSON forms.
//
// The configuration is stored as JSON in gen_runs.config (the endpoint in the one spelling of
// endpointToJson, never an API key). The counters travel to a view as a job's metric samples:
// generationMetricsSample() writes them as named series, generationCountersFrom() reads them
// back, so a live view and a finished job's result show the same numbers.
//
// Thread-safety: plain values.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include "backend/expected.h"
#include "backend/jobs.h"
#include "backend/sampler.h"
#include "backend/settings.h"

namespace ef {

// The paper's family mix (paper.md §3): short-long (retrieval) 167k, long-short (classification)
// 122k, STS 99k, bitext 89k, long-long 17k, short-short 13k.
const QMap<QString, double> &paperFamilyWeights();

struct GenerationConfig
{
    int examples = 0;     // total generate requests, split over the families by familyWeights
    QStringList families; // empty = all six
    // Relative weight per family; empty = the paper's mix. Runs stored before weights existed
    // (no "family_weights" in their JSON) keep their even split (evenSplit).
    QMap<QString, double> familyWeights;
    bool evenSplit = false;
    double budget = 0.0;   // stop sending once the run has spent this much (endpoint currency); 0 = none
    SamplerConfig sampler; // languages and weighting
    quint64 seed = 0;
    int concurrency = 8;          // requests in flight
    int brainstormsPerFamily = 0; // 0 = one per 20 examples, at least one
    EndpointProfile endpoint;     // the key is resolved at run time, never stored

    QJsonObject toJson() const;
    static Expected<GenerationConfig> fromJson(const QJsonObject &o);
    // Examples of each family: the weights' proportions of examples, rounded by largest
    // remainder (ties to the earlier family), so the counts add up to examples exactly.
    QMap<QString, int> examplesPerFamily() const;
    // "retrieval=167,classification=122" into weights; errors name the entry.
    static Expected<QMap<QString, double>> parseFamilyWeights(const QString &text);
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

// The counters as one metric sample at step (series "requests", "done", "valid", ...,
// "invalid_reason/<reason>", "failures/<kind>"), and back.
MetricSample generationMetricsSample(qint64 step, const GenerationCounters &counters);
GenerationCounters generationCountersFrom(const MetricSample &sample);

// A generation run as the workspace records it (a row of gen_runs). "Run" alone names a
// training run; this is a generation run.
struct GenerationRun
{
    qint64 id = 0;
    QString
        state; // "running", "finished", "failed", "cancelled"; "interrupted": stored as running, no process holds it
    QString message;
    QString createdAt;
    QString finishedAt;
    GenerationConfig config;
    GenerationCounters counters;
};

} // namespace ef

Q_DECLARE_METATYPE(ef::GenerationCounters)
