// SPDX-License-Identifier: GPL-3.0-or-later
// Parity with Hugging Face transformers on tiny checkpoints of each family. The reference files
// in tests/data/hf_reference were produced by transformers itself (see
// scripts/make_hf_reference.py and the "produced_by" field of each file); this test runs
// offline: it rebuilds the same tiny model with make-tiny (seeded, portable generator), applies
// the case's config overrides, checks the weights are byte-identical to the ones transformers
// saw, and compares last hidden states and pooled embeddings, each sequence alone and inside
// left- and right-padded batches, on the CPU or (--device cuda) on the GPU.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "models/embedder.h"
#include "models/sha256.h"
#include "models/tinymodel.h"
#include "tests/core/check.h"

using namespace ef::models;
using json = nlohmann::json;
namespace fs = std::filesystem;

EF_TEST(matchesTransformers)
{
    std::vector<fs::path> files;
    for (const auto &e : fs::directory_iterator(EMBEDFORGE_TEST_DATA_DIR "/hf_reference"))
        if (e.path().extension() == ".json")
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    EF_CHECK_MSG(files.size() >= 8, "reference files missing in tests/data/hf_reference");
    for (const fs::path &file : files) {
        std::ifstream in(file);
        const json ref = json::parse(in);
        const std::string caseName = ref.value("case", file.stem().string());
        const std::string familyName = ref.at("family");
        TinyModelOptions o;
        o.family = familyName == "llama" ? Family::Llama : familyName == "mistral" ? Family::Mistral : Family::Qwen2;
        o.seed = ref.at("seed").get<uint64_t>();
        const std::string dir = ef::check::tempDir() + "/" + caseName;
        makeTinyModel(dir, o);
        EF_CHECK_MSG(ef::Sha256::hexOfFile(dir + "/model.safetensors") == ref.at("model_sha256").get<std::string>(),
                     caseName << ": make-tiny no longer writes the weights the reference was produced with");

        json cfg;
        {
            std::ifstream c(dir + "/config.json");
            cfg = json::parse(c);
        }
        const json overrides = ref.value("config_overrides", json::object());
        for (const auto &[key, value] : overrides.items())
            cfg[key] = value;
        std::ofstream(dir + "/config.json") << cfg.dump(2);

        const bool bf16 = ref.value("dtype", std::string("float32")).rfind("bfloat16", 0) == 0;
        LoadOptions lo;
        lo.dtype = bf16 ? "bf16" : "f32";
        lo.device = ef::check::device();
        const double tolerance = bf16 ? 3e-2 : 1e-4;
        auto e = Embedder::load(dir, lo);

        std::vector<std::vector<int64_t>> inputs;
        for (const auto &seq : ref.at("inputs"))
            inputs.push_back(seq.get<std::vector<int64_t>>());
        const auto &hidden = ref.at("hidden");
        const auto &pooled = ref.at("pooled");
        EF_CHECK(hidden.size() == inputs.size());

        struct Run
        {
            const char *name;
            PaddingSide side;
            int batch;
        };
        for (const Run run : {Run{"alone", PaddingSide::Right, 1}, Run{"left-padded batch", PaddingSide::Left, 8},
                              Run{"right-padded batch", PaddingSide::Right, 8}}) {
            const IdsResult r = e->forwardIds(inputs, run.side, run.batch, true);
            double worstHidden = 0, worstPooled = 0;
            for (size_t i = 0; i < inputs.size(); ++i) {
                const Matrix &h = r.hidden[i];
                EF_CHECK(size_t(h.rows) == hidden[i].size());
                for (int64_t t = 0; t < h.rows; ++t) {
                    const auto &row = hidden[i][size_t(t)];
                    EF_CHECK(size_t(h.cols) == row.size());
                    for (int64_t c = 0; c < h.cols; ++c)
                        worstHidden =
                            std::max(worstHidden, std::abs(double(h.row(t)[c]) - row[size_t(c)].get<double>()));
                }
                for (int64_t c = 0; c < r.pooled.cols; ++c)
                    worstPooled = std::max(worstPooled, std::abs(double(r.pooled.row(int64_t(i))[c]) -
                                                                 pooled[i][size_t(c)].get<double>()));
            }
            std::printf("  %s, %s: max |hidden - transformers| %.3g, max |pooled - transformers| %.3g (tolerance %g)\n",
                        caseName.c_str(), run.name, worstHidden, worstPooled, tolerance);
            EF_CHECK_MSG(worstHidden <= tolerance && worstPooled <= tolerance,
                         caseName << ", " << run.name << ": hidden " << worstHidden << ", pooled " << worstPooled);
        }
    }
}
