// SPDX-License-Identifier: GPL-3.0-or-later
// Training runs in a workspace: the examples a run trains on (the workspace's valid synthetic
// examples, filtered, and imported labelled datasets), the run's folder and its row, the job that
// trains or resumes it with live metrics, and exports. The engine is models/training.h; this
// layer persists what it does, so the Train page, `embedforge-cli train` and `runs list` read the
// same runs.
//
// Storage: train_runs (one row per run: name, status, message, config JSON, folder, counts),
// train_metrics (one row per step: loss, learning rate, gradient norm, accuracy, cosines, rates,
// memory) and train_evals (held-out and corpus evaluations); datasets and dataset_examples hold
// imported labelled data. A run's folder is <workspace>.artifacts/runs/<id>: the engine's own
// layout (config.json, data/, metrics.jsonl, checkpoints/), so `embedforge-core train --resume`
// can continue it on a GPU server and `--config <folder>/config.json` replays it there.
//
// Errors: functions return Expected with a message naming the run, dataset, file or field.
// Thread-safety: Workspace overloads open their own connection; run them off the GUI thread.
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include "backend/examples.h"
#include "backend/expected.h"
#include "backend/jobs.h"
#include "backend/workspace.h"

namespace ef {

// What a run trains on.
struct TrainingData
{
    bool synthetic = true;      // the workspace's valid generated examples
    ExampleFilter filter;       // family / language / task / text filters for them (status is always "valid")
    QStringList datasets;       // imported datasets by name
    QStringList excludeQueries; // query texts kept out of training (e.g. an evaluation corpus's queries)
    // Pseudo-queries from a corpus's documents (as in unsupervised contrastive pre-training: a
    // span of 3-7 words of a document is a query whose positive is that document). Uses the
    // documents only, never the corpus's queries or judgements. Empty: none.
    QString pairsCorpus;
    int pairsPerDocument = 8;
    QString pairsInstruction;
    // Hard negatives mined against this corpus's documents (with mine_negatives > 0 in the
    // settings); empty: against the training positives. Its queries and judgements are not used.
    QString mineCorpus;
};

struct TrainingRequest
{
    QString configJson; // a TrainConfig as JSON: the Train page's fields (models/training.h)
    TrainingData data;
    QString evalCorpus; // a corpus with qrels evaluated at each evaluation point (optional)
    QString evalSplit = QStringLiteral("test");
    QString evalInstruction; // the queries' instruction for that evaluation
};

struct TrainingRunInfo
{
    qint64 id = 0;
    QString name, status, message, createdAt, updatedAt;
    QString runDir, baseModel, mode, configJson;
    qint64 steps = 0, totalSteps = 0, examples = 0, heldOut = 0;
    QString evalCorpus, evalSplit, evalInstruction;
    bool finished() const;  // finished, diverged or failed: nothing to resume
    bool resumable() const; // created, cancelled, or "running" without a live trainer (a killed one)
};

struct TrainingPoint
{
    qint64 step = 0;
    double loss = 0, lr = 0, gradNorm = 0, accuracy = 0, positiveCos = 0, hardestNegativeCos = 0;
    double examplesPerS = 0, tokensPerS = 0, elapsedS = 0;
    qint64 masked = 0, examples = 0, tokens = 0, memoryBytes = 0;
};

struct TrainingEval
{
    qint64 step = 0;
    QString split; // "heldout" or a corpus name
    qint64 queries = 0;
    double ndcg10 = 0, recall10 = 0, recall1 = 0, mrr10 = 0;
};

// What the training job hands back.
struct TrainingOutcome
{
    qint64 runId = 0;
    QString status; // finished, cancelled, diverged, failed
    QString message;
    qint64 steps = 0;
    QString checkpoint;
};

// The engine's defaults (the paper's recipe: LoRA r16 on all projections, batch 2048, lr 1e-4,
// 100 warmup steps, weight decay 0.1, temperature 0.02, one hard negative, 512 tokens) as the
// settings JSON the Train page and --config use.
QString defaultTrainingConfig();
// Checks a settings JSON without running anything; the error names the field.
Status validateTrainingConfig(const QString &configJson);

// Counts of what a TrainingData selects (for the Train page before Start).
struct TrainingDataCounts
{
    qint64 synthetic = 0;
    qint64 corpusPairs = 0;
    QList<QPair<QString, qint64>> datasets;
    qint64 excluded = 0;
    qint64 total() const;
};
Expected<TrainingDataCounts> countTrainingData(const Workspace &ws, const TrainingData &data);

// Gathers the examples, splits off the held-out share, creates the run's folder and row, and
// returns the run id (the training job's handle). Nothing is computed yet.
Expected<qint64> createTrainingRun(const Workspace &ws, const TrainingRequest &request);

// Trains the run, or resumes it from its newest checkpoint (kind "train", heavy, handle: the run
// id). Every step is a metric sample (loss, lr, grad_norm, accuracy, positive_cos,
// hardest_negative_cos, examples_per_s, tokens_per_s, memory_bytes, masked; evaluations as
// eval.<split>.ndcg10 / .recall10 / .recall1) and a train_metrics row. Cancel saves a checkpoint
// first. Result: TrainingOutcome. A second process training the same run is refused (the
// engine's lock) with the holder named.
JobSpec makeTrainingJob(const Workspace &ws, qint64 runId);

Expected<QList<TrainingRunInfo>> trainingRuns(const Workspace &ws);
Expected<TrainingRunInfo> trainingRun(const Workspace &ws, qint64 runId);
Expected<QList<TrainingPoint>> trainingPoints(const Workspace &ws, qint64 runId);
Expected<QList<TrainingEval>> trainingEvals(const Workspace &ws, qint64 runId);
// Lines "key: a -> b" for the settings that differ between two runs' configs.
QStringList configDifferences(const QString &configJsonA, const QString &configJsonB);

// Exports a run's newest checkpoint (kind "train.export", heavy; result: the export folder).
// format: peft, merged, sentence-transformers. The export is loaded back and checked.
JobSpec makeTrainingExportJob(const Workspace &ws, qint64 runId, const QString &format, const QString &outDir);

// What the Train page shows before anything is computed: architecture, parameters, memory
// estimate for the batch on the device, EOS handling, padding side, query template.
struct TrainingPreflight
{
    QString architecture, family, device, dtype, eosToken, paddingSide, queryTemplate, note;
    qint64 parameters = 0, trainableParameters = 0, layers = 0, hidden = 0;
    bool eosAppended = true;
    qint64 weightBytes = 0, trainableBytes = 0, activationBytes = 0, embeddingBytes = 0, totalBytes = 0;
};
// Reads the model folder's config and weight headers only. Light job: kind "train.preflight".
JobSpec makeTrainingPreflightJob(const QString &configJson);

// ---- labelled datasets ----
struct DatasetInfo
{
    qint64 id = 0;
    QString name, instruction, sourceFile, importedAt;
    double ratio = 1.0;
    qint64 examples = 0;
};
// Imports a JSONL file in one of the usual shapes (query/pos/neg, anchor/positive/negative,
// FlagEmbedding's query/pos/neg/prompt): all or nothing; a bad line is an error naming file:line.
Expected<DatasetInfo> importDataset(const Workspace &ws, const QString &jsonlPath, const QString &name,
                                    const QString &instruction, double ratio);
Expected<QList<DatasetInfo>> datasets(const Workspace &ws);

// ---- the offline demo ----
// A small model to train from scratch on the CPU: make-tiny's shape at hidden 256, 4 layers, with
// byte-level BPE merges learned from the workspace's texts; created once in the artifacts folder.
// Kind "train.demo-model", light; result: the model folder.
JobSpec makeDemoModelJob(const Workspace &ws);
// The demo preset's config for that model (full fine-tuning from scratch, CPU-sized batch).
QString demoTrainingConfig(const QString &modelDir);

} // namespace ef

Q_DECLARE_METATYPE(ef::TrainingOutcome)
Q_DECLARE_METATYPE(ef::TrainingPreflight)
