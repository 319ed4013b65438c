// SPDX-License-Identifier: GPL-3.0-or-later
// Tiny but complete Hugging Face model folders for tests and demos: config.json, seeded random
// weights in model.safetensors (the *ForCausalLM layout, "model." prefix, lm_head included),
// and a small byte-level BPE tokenizer.json (GPT-2 style) with its tokenizer_config.json.
#pragma once

#include <cstdint>
#include <string>

#include "models/modelconfig.h"

namespace ef::models {

struct TinyModelOptions
{
    Family family = Family::Llama;
    uint64_t seed = 0;
};

// Writes the folder (created if needed). Throws std::runtime_error naming the file on failure.
// Returns the config it wrote.
ModelConfig makeTinyModel(const std::string &outDir, const TinyModelOptions &options);

} // namespace ef::models
