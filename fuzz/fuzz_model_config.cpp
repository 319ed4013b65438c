// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer: arbitrary bytes as config.json through ef::models::ModelConfig::fromJson, which must
// either throw ConfigError or return a configuration inside the bounds it promises (sizes
// positive and bounded, heads dividing, head_dim even, eps and theta finite and positive).
#include <cmath>
#include <cstdint>
#include <string>

#include "models/modelconfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    ef::models::ModelConfig c;
    try {
        c = ef::models::ModelConfig::fromJson(text, "config.json");
    } catch (const ef::models::ConfigError &) {
        return 0;
    }
    const bool sizes = c.hiddenSize >= 1 && c.hiddenSize <= (1 << 16) && c.intermediateSize >= 1 &&
                       c.intermediateSize <= (1 << 20) && c.numLayers >= 1 && c.numLayers <= 1024 && c.numHeads >= 1 &&
                       c.numHeads <= 1024 && c.numKvHeads >= 1 && c.numHeads % c.numKvHeads == 0 && c.headDim >= 2 &&
                       c.headDim <= 4096 && c.headDim % 2 == 0 && c.vocabSize >= 1 && c.vocabSize <= (1 << 22) &&
                       c.maxPositions >= 1 && c.maxPositions <= (1 << 24);
    const bool numbers = std::isfinite(c.rmsNormEps) && c.rmsNormEps > 0 && std::isfinite(c.ropeTheta) &&
                         c.ropeTheta > 0 && std::isfinite(c.ropeScaling.factor) && c.ropeScaling.factor > 0;
    if (!sizes || !numbers)
        __builtin_trap(); // an accepted configuration outside the documented bounds
    for (int64_t id : c.eosTokenIds)
        if (id < 0 || id >= c.vocabSize)
            __builtin_trap();
    return 0;
}
