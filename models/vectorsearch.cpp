// SPDX-License-Identifier: GPL-3.0-or-later
// Chunked exact top-k by matrix product.
#include "models/vectorsearch.h"

#include <stdexcept>

#include <torch/torch.h>

namespace ef::models {

struct TopKSearch::Impl
{
    torch::Tensor queries;    // [nq, dim]
    torch::Tensor bestScores; // [nq, <=k]
    torch::Tensor bestIds;    // [nq, <=k] int64
    int64_t dim = 0;
    int k = 10;
};

TopKSearch::TopKSearch(const float *queries, int64_t nq, int64_t dim, int k) : d(std::make_unique<Impl>())
{
    if (nq < 0 || dim <= 0 || k <= 0)
        throw std::invalid_argument("top-k search: needs queries, a positive dimension and k > 0");
    d->queries = torch::from_blob(const_cast<float *>(queries), {nq, dim}, torch::kFloat32).clone();
    d->dim = dim;
    d->k = k;
    d->bestScores = torch::empty({nq, 0}, torch::kFloat32);
    d->bestIds = torch::empty({nq, 0}, torch::kInt64);
}

TopKSearch::~TopKSearch() = default;

void TopKSearch::add(const float *vectors, const int64_t *ids, int64_t n)
{
    if (n <= 0 || d->queries.size(0) == 0)
        return;
    c10::InferenceMode guard;
    const torch::Tensor v = torch::from_blob(const_cast<float *>(vectors), {n, d->dim}, torch::kFloat32);
    const torch::Tensor idt = torch::from_blob(const_cast<int64_t *>(ids), {n}, torch::kInt64);
    const torch::Tensor scores = torch::mm(d->queries, v.t()); // [nq, n]
    const int64_t take = std::min<int64_t>(d->k, n);
    const auto [s, i] = scores.topk(take, 1, true, true);
    // Merge with the running best: earlier chunks first, so a stable sort keeps ties in order.
    const torch::Tensor allScores = torch::cat({d->bestScores, s}, 1);
    const torch::Tensor allIds = torch::cat({d->bestIds, idt.index_select(0, i.flatten()).view(i.sizes())}, 1);
    const int64_t keep = std::min<int64_t>(d->k, allScores.size(1));
    const auto sorted = allScores.sort(true, 1, true);
    const torch::Tensor order = std::get<1>(sorted).narrow(1, 0, keep);
    d->bestScores = std::get<0>(sorted).narrow(1, 0, keep).contiguous();
    d->bestIds = allIds.gather(1, order).contiguous();
}

std::vector<std::vector<ScoredIndex>> TopKSearch::results() const
{
    std::vector<std::vector<ScoredIndex>> out(static_cast<size_t>(d->queries.size(0)));
    const auto s = d->bestScores.accessor<float, 2>();
    const auto i = d->bestIds.accessor<int64_t, 2>();
    for (int64_t q = 0; q < d->bestScores.size(0); ++q)
        for (int64_t j = 0; j < d->bestScores.size(1); ++j)
            out[static_cast<size_t>(q)].push_back({s[q][j], i[q][j]});
    return out;
}

} // namespace ef::models
