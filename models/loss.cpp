// SPDX-License-Identifier: GPL-3.0-or-later
// InfoNCE over in-batch and hard negatives (see loss.h).
#include "models/loss.h"

#include <limits>
#include <stdexcept>
#include <string>

namespace ef::models {

InfoNceResult infoNce(const InfoNceInputs &in)
{
    const int64_t b = in.queries.size(0), n = in.candidates.size(0);
    if (n < b || static_cast<int64_t>(in.candidateKeys.size()) != n || static_cast<int64_t>(in.queryKeys.size()) != b)
        throw std::invalid_argument("infoNce: " + std::to_string(b) +
                                    " queries need at least as many candidates (positives first) "
                                    "and one key per query and candidate");
    if (!(in.temperature > 0))
        throw std::invalid_argument("infoNce: the temperature must be positive");
    const auto boolOpts = torch::TensorOptions().dtype(torch::kBool);
    // mask[i][j]: candidate j is another copy of row i's positive (never j == i).
    torch::Tensor mask = torch::zeros({b, n}, boolOpts);
    auto m = mask.accessor<bool, 2>();
    int64_t masked = 0;
    for (int64_t i = 0; i < b; ++i)
        for (int64_t j = 0; j < n; ++j)
            if (j != i && in.candidateKeys[static_cast<size_t>(j)] == in.candidateKeys[static_cast<size_t>(i)]) {
                m[i][j] = true;
                ++masked;
            }
    const torch::Tensor q = in.queries.to(torch::kFloat32), c = in.candidates.to(torch::kFloat32);
    const torch::Tensor cosines = torch::mm(q, c.t()); // [B, N]
    const torch::Tensor maskDev = mask.to(cosines.device());
    const float negInf = -std::numeric_limits<float>::infinity();
    const torch::Tensor logits = (cosines / in.temperature).masked_fill(maskDev, negInf);
    const torch::Tensor target = torch::arange(b, torch::TensorOptions().dtype(torch::kInt64).device(cosines.device()));
    torch::Tensor loss = torch::nn::functional::cross_entropy(logits, target);

    InfoNceResult r;
    if (in.symmetric) {
        // Each positive against every query; query j is masked for positive i when it is a copy of
        // query i, or when its own positive is a copy of positive i (it matches document i as well).
        torch::Tensor qmask = torch::zeros({b, b}, boolOpts);
        auto qm = qmask.accessor<bool, 2>();
        for (int64_t i = 0; i < b; ++i)
            for (int64_t j = 0; j < b; ++j)
                if (j != i && (in.queryKeys[static_cast<size_t>(j)] == in.queryKeys[static_cast<size_t>(i)] ||
                               in.candidateKeys[static_cast<size_t>(j)] == in.candidateKeys[static_cast<size_t>(i)])) {
                    qm[i][j] = true;
                    ++masked;
                }
        const torch::Tensor back =
            (torch::mm(c.narrow(0, 0, b), q.t()) / in.temperature).masked_fill(qmask.to(cosines.device()), negInf);
        loss = (loss + torch::nn::functional::cross_entropy(back, target)) / 2;
    }
    r.loss = loss;
    r.masked = masked;
    {
        torch::NoGradGuard noGrad;
        const torch::Tensor detached = cosines.detach();
        r.accuracy = logits.detach().argmax(1).eq(target).to(torch::kFloat64).mean().item<double>();
        r.positiveCosine = detached.narrow(1, 0, b).diagonal().to(torch::kFloat64).mean().item<double>();
        // The hardest negative: the highest cosine among the row's unmasked candidates other than its own.
        torch::Tensor negatives = detached.masked_fill(maskDev, negInf);
        negatives.narrow(1, 0, b).diagonal().fill_(negInf);
        const torch::Tensor hardest = std::get<0>(negatives.max(1));
        const torch::Tensor finite = torch::isfinite(hardest);
        r.hardestNegativeCosine =
            finite.any().item<bool>() ? hardest.masked_select(finite).to(torch::kFloat64).mean().item<double>() : 0.0;
    }
    return r;
}

} // namespace ef::models
