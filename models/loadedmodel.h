// SPDX-License-Identifier: GPL-3.0-or-later
// A loaded model (config, tokenizer, decoder, EOS) and the steps every user of it shares: the
// paper's text encoding, padded batches and last-token pooling. Internal to models/ (includes
// torch): the embedder and the trainer build on it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/decoder.h"
#include "models/embedder.h"
#include "models/modelconfig.h"
#include "models/tokenizer.h"

namespace ef::models {

struct LoadedModel
{
    std::string dir;
    ModelConfig config;
    std::unique_ptr<Tokenizer> tokenizer; // null when the folder has none
    std::unique_ptr<Decoder> decoder;
    int64_t eos = -1;

    // Token ids for one text (instruction, the tokenizer's specials, truncation to maxLength - 1,
    // EOS appended unless the tokenizer already ends with it). See embedder.h.
    std::vector<int64_t> encode(const std::string &text, const std::string &instruction, int maxLength) const;
};

// "cpu", "cuda", "cuda:N" or "auto"; throws with the reason when CUDA is asked for but absent.
torch::Device resolveDevice(const std::string &name);

// Loads config.json, the tokenizer (when present) and the decoder in `dtype` on `device`.
// inferenceTensors: load under c10::InferenceMode (faster, but the weights can never take part in
// autograd: training loads with false).
std::unique_ptr<LoadedModel> loadModel(const std::string &dir, const std::string &device, const std::string &dtype,
                                       bool requireTokenizer, bool inferenceTensors);

// A padded [B, T] batch: ids (padding repeats `padId`), mask (1 real), and each row's last real index.
struct PaddedBatch
{
    torch::Tensor ids, mask;
    std::vector<int64_t> last;
};
PaddedBatch padBatch(const std::vector<const std::vector<int64_t> *> &rows, PaddingSide side, int64_t padId);

// The paper's pooling: the hidden state at each row's last real token (the appended EOS), in
// float32, L2-normalised. hidden: [B, T, H] -> [B, H], on hidden's device.
torch::Tensor poolLastToken(const torch::Tensor &hidden, const std::vector<int64_t> &last);

} // namespace ef::models
