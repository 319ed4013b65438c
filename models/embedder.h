// SPDX-License-Identifier: GPL-3.0-or-later
// The paper's text embedder over a Llama / Mistral / Qwen2 decoder, behind a torch-free header.
//
// Encoding (paper.md §4): a query becomes "Instruct: {task}\nQuery: {text}", a document stays
// as it is; the tokenizer's own special tokens are added (e.g. <s>), the text is truncated to
// max_length - 1 tokens and the EOS id is appended after truncation (not twice when the
// tokenizer already appends it), so EOS is never cut off. The embedding is the last layer's
// hidden state (final norm applied) at that EOS, L2-normalised. Batches are built by length to
// minimise padding; results come back in input order.
//
// Thread-safety: an Embedder may be used from one thread at a time; load() and the forward
// passes run on the calling thread (a job worker), never on the GUI thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/modelconfig.h"

namespace ef {
class Tokenizer;
}

namespace ef::models {

enum class PaddingSide { Left, Right };

struct LoadOptions
{
    std::string device = "cpu";    // "cpu", "cuda", "cuda:N", or "auto" (CUDA when present)
    std::string dtype = "f32";     // "f32", "bf16", "f16"
    bool requireTokenizer = false; // false: a folder without tokenizer files still loads (--ids use)
    std::string adapter;           // a PEFT LoRA folder applied to the model (merged into its weights)
};

// Thrown by the batched calls when the progress callback asks to stop.
class Cancelled : public std::runtime_error
{
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

struct EmbedOptions
{
    std::string instruction;    // empty: documents, no prefix
    int maxLength = 512;        // tokens including the appended EOS
    int batchSize = 16;         // sequences per forward pass
    int64_t maxBatchTokens = 0; // 0: batchSize * longest; otherwise also caps padded tokens per batch
};

// Called after each batch with texts done so far; return false to cancel (Cancelled is thrown).
using EmbedProgress = std::function<bool(size_t done, size_t total)>;

// Row-major matrix of float32 results.
struct Matrix
{
    int64_t rows = 0, cols = 0;
    std::vector<float> data;
    const float *row(int64_t i) const { return data.data() + i * cols; }
};

struct IdsResult
{
    Matrix pooled;              // one L2-normalised row per input sequence
    std::vector<Matrix> hidden; // with wantHidden: per sequence, [length x hidden]
};

// Length-bucketed batching: returns groups of indices into `lengths` (each group one batch),
// longest first. Within the limits, sequences of similar length share a batch.
std::vector<std::vector<size_t>> planBatches(const std::vector<int64_t> &lengths, int batchSize,
                                             int64_t maxBatchTokens = 0);
// Fraction of padded positions the plan produces: (sum over batches of rows*longest - sum of
// lengths) / sum over batches of rows*longest.
double paddingWaste(const std::vector<int64_t> &lengths, const std::vector<std::vector<size_t>> &plan);

class Embedder
{
public:
    // Loads config.json, the weights (single file or sharded index, *ForCausalLM or bare
    // layout) and, when present, tokenizer.json / tokenizer.model. Throws ConfigError,
    // st::SafetensorsError, TokenizerError or std::runtime_error with the file and field.
    static std::unique_ptr<Embedder> load(const std::string &modelDir, const LoadOptions &options = {});
    ~Embedder();
    Embedder(const Embedder &) = delete;
    Embedder &operator=(const Embedder &) = delete;

    const ModelConfig &config() const;
    const std::string &directory() const;
    const Tokenizer *tokenizer() const; // null when the folder has no tokenizer files
    int64_t dimension() const;          // hidden size
    std::string deviceName() const;     // "cpu" or "cuda:0"
    std::string dtypeName() const;      // "f32", "bf16", "f16"
    int64_t eosTokenId() const;

    // Token ids for one text as the embedder runs it (instruction, specials, truncation, EOS).
    std::vector<int64_t> encode(const std::string &text, const std::string &instruction, int maxLength) const;
    static std::string formatQuery(const std::string &instruction, const std::string &text);

    // Runs sequences exactly as given (no EOS added, no truncation) in batches of batchSize
    // with the given padding side. Input order is kept.
    IdsResult forwardIds(const std::vector<std::vector<int64_t>> &sequences, PaddingSide side, int batchSize,
                         bool wantHidden, const EmbedProgress &progress = {});

    // Embeds texts (rows in input order, L2-normalised). Needs a tokenizer.
    Matrix embed(const std::vector<std::string> &texts, const EmbedOptions &options,
                 const EmbedProgress &progress = {});
    // Same, for sequences already encoded with encode().
    Matrix embedEncoded(const std::vector<std::vector<int64_t>> &sequences, int batchSize, int64_t maxBatchTokens,
                        const EmbedProgress &progress = {});

private:
    Embedder();
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace ef::models
