// SPDX-License-Identifier: GPL-3.0-or-later
// Contrastive fine-tuning of a decoder into a text embedder (paper.md §4), behind a torch-free
// header: plain C++ and LibTorch, so it runs in the workbench (as a backend job), in
// embedforge-cli and headless in embedforge-core on a GPU server.
//
// A run is a folder:
//   config.json            the TrainConfig (the Train page's fields; replayable with --config)
//   data/train.jsonl       the training examples, data/heldout.jsonl the held-out split
//   metrics.jsonl          one JSON object per step (and per evaluation), appended as it trains
//   checkpoints/step-NNNNNNNN/  weights (a PEFT adapter, or the full model's parameters), the
//                          optimiser's moments and state.json (step, data position, counters)
//   run.json               status ("running", "finished", "cancelled", "diverged", "failed"), message
//   .lock                  held (flock) by the process that trains; a second one is refused
// Checkpoints are written to a temporary folder and renamed into place, so a kill at any moment
// leaves the previous one intact; resume() continues from the newest one, and because dropout
// masks, data order and initialisation derive from the seed and the step, the continued loss
// curve equals the uninterrupted one.
//
// One step: the batch's queries ("Instruct: {task}\nQuery: {q}") and documents (positives and up to
// `hardNegatives` hard negatives per row, no instruction) are embedded (EOS appended, last-token
// pooling, L2-normalised), InfoNCE is taken over every positive and hard negative of the batch
// (loss.h), and AdamW updates the LoRA (or all) parameters after clipping the gradient norm, with
// linear warmup and linear decay. With microBatch < the batch's sequences the gradient cache is
// used: the batch is embedded without autograd in micro-batches, the loss and its gradient with
// respect to the embeddings are computed once, and each micro-batch is run again with autograd
// and back-propagates its slice of that gradient: the paper's batch of 2048 (with its full pool
// of negatives) fits one GPU. Plain gradient accumulation would shrink the pool and is not used.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/embedder.h"

namespace ef::train {

// A configuration error: names the field (as in config.json) and the rule.
class ConfigError : public std::invalid_argument
{
public:
    ConfigError(const std::string &field, const std::string &message)
        : std::invalid_argument(field + ": " + message), m_field(field)
    {}
    const std::string &field() const { return m_field; }

private:
    std::string m_field;
};

struct DataSource
{
    std::string name;        // "synthetic" or an imported dataset's name
    double ratio = 1.0;      // share of the source used per epoch (the paper samples some at 0.1–0.5)
    std::string instruction; // replaces the examples' own instruction when not empty
};

// Every field, with the paper's values as defaults (paper.md §4). JSON keys are the names below
// in snake_case (see toJson); fromJson accepts a subset and keeps the defaults for the rest.
struct TrainConfig
{
    std::string name;
    std::string model;           // base model folder (Hugging Face layout)
    std::string mode = "lora";   // "lora" or "full"
    std::string device = "auto"; // cpu, cuda, cuda:N, auto
    std::string dtype = "auto";  // compute dtype of the base weights: auto (bf16 on CUDA, f32 on CPU), f32, bf16
    // LoRA (rank 16 on all seven projections as in the paper; alpha and dropout are not stated
    // there, these are common choices)
    int loraRank = 16;
    double loraAlpha = 32.0;
    double loraDropout = 0.1;
    std::vector<std::string> loraTargets = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                            "gate_proj", "up_proj", "down_proj"};
    // Optimisation
    int64_t steps = 0;    // 0: one epoch
    int batchSize = 2048; // query-positive pairs per step (the contrastive batch)
    int microBatch = 32;  // sequences per forward pass; below the batch's sequences: gradient cache
    double learningRate = 1e-4;
    int64_t warmupSteps = 100;
    double weightDecay = 0.1;
    double maxGradNorm = 1.0; // 0: no clipping
    double adamBeta1 = 0.9, adamBeta2 = 0.999, adamEps = 1e-8;
    double temperature = 0.02;
    bool symmetric = false; // add the document→query term
    int hardNegatives = 1;  // per pair, at most
    int maxLength = 512;    // tokens, EOS included, for queries and documents alike
    bool gradientCheckpointing = true;
    bool groupByLength = true;
    bool shuffle = true; // false: batches in the data's order (reference runs)
    uint64_t seed = 42;
    std::string initAdapter; // a PEFT folder to start a LoRA run from (else a fresh adapter)
    // Side work
    int64_t evalEvery = 100;       // 0: only at the end
    int64_t checkpointEvery = 100; // 0: only at the end (and on cancel)
    int keepCheckpoints = 2;
    int evalMaxQueries = 1000;
    double heldoutFraction = 0.02; // share of the examples kept out of training for evaluation
    // Hard-negative mining with the starting model, once, before the first step: an example with
    // fewer than mine_negatives negatives gets the best-ranked candidates of a pool (a corpus's
    // documents, or else the other examples' positives), after passing over the mine_skip best
    // (likely unlabelled positives); its positive, its query and its own negatives are never picked.
    int mineNegatives = 0; // 0: off
    int mineSkip = 0;
    std::vector<DataSource> sources; // empty: every example, ratio 1

    std::string toJson() const;                                                      // pretty, all fields
    static TrainConfig fromJson(const std::string &text, const std::string &origin); // throws ConfigError
    void validate() const;                                                           // throws ConfigError
};

// The command-line flags both embedforge-cli and embedforge-core accept for training, with the JSON
// key each sets and its default (for --help). applyTrainOption throws ConfigError naming the flag.
struct TrainOption
{
    const char *flag; // "--lr"
    const char *key;  // "learning_rate"
    const char *valueName;
    const char *help;
};
const std::vector<TrainOption> &trainOptions();
void applyTrainOption(TrainConfig &config, const std::string &flag, const std::string &value);
// "--lr X (default 0.0001)" lines for --help, from a default-constructed TrainConfig.
std::string trainOptionsHelp();

struct Example
{
    std::string id;
    std::string source = "synthetic"; // the DataSource it belongs to
    std::string instruction;          // the task ("" for none)
    std::string query;
    std::string positive;
    std::vector<std::string> negatives;
    std::string family, language; // provenance, kept for filters and reports
};

// Reads training examples from JSONL in the usual shapes, one object per line:
//   {"query", "pos", "neg"} (pos/neg a string or a list; FlagEmbedding's shape, with an optional "prompt"),
//   {"anchor", "positive", "negative"} (sentence-transformers triplets),
//   {"query", "positive", "negative"}, and EmbedForge's own export ("instruction", "family", "language").
// Throws std::runtime_error naming file:line and the field for a bad line (nothing is returned then).
std::vector<Example> readExamplesJsonl(const std::string &path, const std::string &source,
                                       const std::string &instruction = {});
// One line of the format above (for tests and importers); throws std::invalid_argument naming the field.
Example parseExampleJson(const std::string &line, const std::string &source, const std::string &instruction);
void writeExamplesJsonl(const std::string &path, const std::vector<Example> &examples);

// A deterministic split: about `fraction` of the examples (by a hash of id and seed) are held out.
void splitHeldOut(std::vector<Example> &all, double fraction, uint64_t seed, std::vector<Example> *heldOut);

struct StepRecord
{
    int64_t step = 0; // 1-based: the number of optimiser updates done
    int64_t epoch = 0;
    double loss = 0, learningRate = 0, gradNorm = 0, accuracy = 0;
    double positiveCosine = 0, hardestNegativeCosine = 0;
    int64_t masked = 0;   // identical documents masked in this batch
    int64_t examples = 0; // pairs in this batch
    int64_t tokens = 0;   // real tokens embedded in this step (queries and documents)
    double examplesPerSecond = 0, tokensPerSecond = 0;
    double seconds = 0;        // this step's wall time
    double elapsedSeconds = 0; // since the run started, over all sessions
    int64_t memoryBytes = 0;   // peak GPU memory of the step on CUDA, resident memory on the CPU
    std::string toJson() const;
};

struct EvalRecord
{
    int64_t step = 0;
    std::string split = "heldout"; // or a corpus name
    int64_t queries = 0;
    double ndcg10 = 0, recall10 = 0, recall1 = 0, mrr10 = 0;
    std::string toJson() const;
};

enum class Outcome { Finished, Cancelled, Diverged, Failed };
const char *outcomeName(Outcome o); // "finished", "cancelled", "diverged", "failed"

struct RunResult
{
    Outcome outcome = Outcome::Failed;
    int64_t steps = 0;      // optimiser steps done in total
    std::string message;    // why it stopped, for people
    std::string checkpoint; // the newest good checkpoint folder
};

class Trainer;

// What a caller may evaluate with the model as it is now (eval mode: no dropout).
using EmbedFn = std::function<models::Matrix(const std::vector<std::string> &texts, const std::string &instruction)>;

struct Callbacks
{
    std::function<void(const StepRecord &)> onStep;
    std::function<void(const EvalRecord &)> onEval;
    // Extra evaluation at each evaluation point (e.g. a workspace corpus with qrels); returns records.
    std::function<std::vector<EvalRecord>(int64_t step, const EmbedFn &embed)> evaluate;
    std::function<bool()> shouldStop; // polled between micro-batches; true: save a checkpoint and stop
    std::function<void(const std::string &)> log;
    std::function<void(int64_t step)> onCheckpoint;
    // Tests: a hook that may change the loss of a step (to inject a non-finite value).
    std::function<double(int64_t step, double loss)> lossProbe;
};

// What the preflight panel shows before any compute is spent.
struct Preflight
{
    std::string architecture, family;
    int64_t parameters = 0, trainableParameters = 0;
    int64_t layers = 0, hidden = 0;
    std::string device, dtype;
    bool eosAppended = true; // the tokenizer does not end with EOS itself: EmbedForge appends it
    std::string eosToken;
    std::string paddingSide = "right"; // training pads on the right
    std::string queryTemplate = "Instruct: {task}\nQuery: {query}";
    int64_t weightBytes = 0;     // base weights in the compute dtype
    int64_t trainableBytes = 0;  // trainable parameters, their gradients and AdamW's two moments (f32)
    int64_t activationBytes = 0; // one micro-batch's activations at maxLength (with or without checkpointing)
    int64_t embeddingBytes = 0;  // the gradient cache's embeddings and their gradients
    int64_t totalBytes = 0;
    std::string note; // e.g. why the batch will not fit
};
// Reads config.json and the weights' headers only (no weights are loaded).
Preflight preflight(const TrainConfig &config);

class Trainer
{
public:
    // Starts a run in runDir (created; refused when it holds a run already): writes config.json and
    // the data, loads the model and initialises the adapter (or the trainable weights).
    // With config.mineNegatives > 0, negatives are mined first (see TrainConfig) from minePool, or
    // from the training positives when it is empty; data/train.jsonl holds the mined ones, so a
    // resumed run trains on the same data. Memory: the pool's embeddings (pool x hidden floats).
    static std::unique_ptr<Trainer> create(const TrainConfig &config, const std::vector<Example> &train,
                                           const std::vector<Example> &heldOut, const std::string &runDir,
                                           const std::vector<std::string> &minePool = {});
    // Continues the run in runDir from its newest checkpoint (its own config and data).
    static std::unique_ptr<Trainer> resume(const std::string &runDir);
    ~Trainer();
    Trainer(const Trainer &) = delete;
    Trainer &operator=(const Trainer &) = delete;

    const TrainConfig &config() const;
    const std::string &runDir() const;
    int64_t stepsDone() const;
    int64_t totalSteps() const;
    int64_t trainableParameters() const;
    // Mining at create(): negatives added, examples that got any, pool size (0 when off or resumed).
    struct MiningReport
    {
        int64_t negatives = 0, examples = 0, pool = 0;
    };
    MiningReport mining() const;

    // Trains to totalSteps(), until shouldStop (a checkpoint is saved first) or a non-finite loss
    // (the update is not applied; the last good checkpoint stays). Never throws for those; throws
    // for I/O errors and bad data, after recording them in run.json.
    RunResult run(const Callbacks &callbacks = {});

    // Embeds with the current weights (eval mode), e.g. for an evaluation callback or a test.
    models::Matrix embed(const std::vector<std::string> &texts, const std::string &instruction);
    // The held-out evaluation as run() does it.
    EvalRecord evaluateHeldOut();
    // Saves a checkpoint now (run() does this on its own schedule).
    std::string saveCheckpoint();

    // For tests and benchmarks: the gradients of one batch of examples with respect to the
    // trainable parameters, computed in one piece (microBatch 0) or with the gradient cache, with
    // the model left unchanged; flattened in parameter order. Also returns the loss.
    std::vector<float> batchGradients(const std::vector<Example> &batch, bool gradientCache, double *loss);
    // For tests: a checksum of the frozen base weights (LoRA runs), and the trainable values now.
    double frozenWeightsChecksum() const;
    std::vector<float> trainableSnapshot() const;

private:
    Trainer();
    struct Impl;
    std::unique_ptr<Impl> d;
};

// Run folder helpers.
struct RunStatus
{
    std::string status; // running, finished, cancelled, diverged, failed
    std::string message;
    int64_t steps = 0, totalSteps = 0;
    std::string latestCheckpoint; // empty when none
};
RunStatus readRunStatus(const std::string &runDir);
// The newest complete checkpoint folder of a run, or "" when there is none.
std::string latestCheckpoint(const std::string &runDir);

enum class ExportFormat { Peft, Merged, SentenceTransformers };
bool parseExportFormat(const std::string &name, ExportFormat *out); // peft, merged, sentence-transformers

struct ExportResult
{
    std::string dir;
    int probes = 0;
    double minCosine = 0; // against the checkpoint's model in memory
};
// Writes the run's newest checkpoint (or `checkpoint`) as a PEFT adapter folder, a merged Hugging
// Face model folder or a sentence-transformers folder, then loads the export back and re-embeds
// probe texts: every cosine must be >= 0.9999 against the model in memory, or the export is
// removed and std::runtime_error says by how much it missed.
ExportResult exportRun(const std::string &runDir, ExportFormat format, const std::string &outDir,
                       const std::string &checkpoint = {});

} // namespace ef::train
