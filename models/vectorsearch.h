// SPDX-License-Identifier: GPL-3.0-or-later
// Exact maximum-inner-product search over vectors that arrive in chunks (from SQLite or memory):
// one matrix product per chunk, a running top k per query, memory bounded by the chunk size.
// For L2-normalised vectors the inner product is the cosine. Torch-free header.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace ef::models {

struct ScoredIndex
{
    float score = 0;
    int64_t index = 0; // the caller's id for the vector (e.g. a document row id)
};

class TopKSearch
{
public:
    // queries: nq rows of dim floats, row-major; copied.
    TopKSearch(const float *queries, int64_t nq, int64_t dim, int k);
    ~TopKSearch();
    TopKSearch(const TopKSearch &) = delete;
    TopKSearch &operator=(const TopKSearch &) = delete;

    // Scores n vectors (row-major, dim floats each) whose ids are ids[0..n).
    void add(const float *vectors, const int64_t *ids, int64_t n);
    // Best k per query, highest score first; ties keep the vector added first.
    std::vector<std::vector<ScoredIndex>> results() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace ef::models
