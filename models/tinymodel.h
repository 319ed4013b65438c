// SPDX-License-Identifier: GPL-3.0-or-later
// Tiny but complete Hugging Face model folders for tests and demos: config.json, seeded random
// weights in model.safetensors (the *ForCausalLM layout, "model." prefix, lm_head included),
// and a small byte-level BPE tokenizer.json (GPT-2 style) with its tokenizer_config.json.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/modelconfig.h"

namespace ef::models {

struct TinyModelOptions
{
    Family family = Family::Llama;
    uint64_t seed = 0;
    // Sizes (the defaults are the tests' tiny shape; the committed references depend on them).
    int64_t hidden = 64, layers = 2, heads = 4, kvHeads = 2, intermediate = 128;
    // Byte-level BPE merges learned from these texts (most frequent adjacent pair first), after
    // make-tiny's 20 fixed ones: a small model trained from scratch gets shorter sequences.
    std::vector<std::string> mergeTexts;
    int merges = 0; // how many to learn (0: none)
};

// Byte-level BPE merges learned from texts (GPT-2's byte symbols, "Ġ" for a leading space, words
// split at spaces), after the given ones; deterministic (ties by symbol order).
std::vector<std::pair<std::string, std::string>>
learnByteLevelMerges(const std::vector<std::string> &texts, int count,
                     const std::vector<std::pair<std::string, std::string>> &initial);

// Writes the folder (created if needed). Throws std::runtime_error naming the file on failure.
// Returns the config it wrote.
ModelConfig makeTinyModel(const std::string &outDir, const TinyModelOptions &options);

} // namespace ef::models
