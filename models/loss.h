// SPDX-License-Identifier: GPL-3.0-or-later
// The contrastive loss of the paper (paper.md §4): InfoNCE over in-batch and hard negatives with
// cosine similarity and a fixed temperature. Internal to models/ (includes torch).
//
// Row i of the batch has a query q_i and a positive p_i; the batch also holds M hard negatives.
// Every query is scored against every positive and every hard negative of the batch:
//   L_i = −log exp(cos(q_i, p_i)/τ) / Σ_{c ∈ candidates(i)} exp(cos(q_i, c)/τ)
// so rows without a hard negative still contribute their in-batch negatives. A candidate whose
// document is identical to row i's positive (another row's positive or a hard negative with the
// same tokens) is masked for row i rather than counted as its negative, and the number masked is
// reported. With `symmetric`, a document→query term is added (each positive against every query,
// identical queries masked the same way) and the loss is the mean of both directions.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace ef::models {

struct InfoNceInputs
{
    torch::Tensor queries;    // [B, H], L2-normalised
    torch::Tensor candidates; // [B + M, H], L2-normalised: the B positives (row order), then the M negatives
    // Identity keys (e.g. a hash of the token ids), used to mask identical documents and queries.
    std::vector<uint64_t> candidateKeys; // B + M
    std::vector<uint64_t> queryKeys;     // B
    double temperature = 0.02;
    bool symmetric = false;
};

struct InfoNceResult
{
    torch::Tensor loss;               // scalar, differentiable
    double accuracy = 0;              // rows whose own positive scores highest among their candidates
    double positiveCosine = 0;        // mean cos(q_i, p_i)
    double hardestNegativeCosine = 0; // mean over rows of the highest unmasked negative's cosine
    int64_t masked = 0;               // candidate entries masked as identical (both directions)
};

InfoNceResult infoNce(const InfoNceInputs &in);

} // namespace ef::models
