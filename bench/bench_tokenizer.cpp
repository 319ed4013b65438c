// SPDX-License-Identifier: GPL-3.0-or-later
// Tokenizer throughput (MB/s, one thread) of EmbedForge's tokenizer.json engine against Hugging
// Face's Rust `tokenizers` (the PyPI package, in scripts/pyref-env.sh's venv) on the same tokenizer.json files and the
// same texts, in the same run; the ids of both are compared through a checksum over every id.
//
// Texts: (1) English package descriptions from this machine's apt lists (`apt-cache dumpavail`, up to
// --mb MB) and (2) a multilingual mix: the non-English texts of the demo workspace (13 languages)
// and the tokenizer test texts up to 400 bytes (45 scripts, emoji, code, URLs), repeated to about
// 1 MB; or only the file given with --texts (one text per line). Tokenizers: the files given, or
// GPT-2 and Mistral-7B (committed) and Llama-3, Qwen2.5, Qwen3, Gemma 3 (provided in the build tree
// by the fetch_real_tokenizers test: run `ctest -R fetch_real` first). The peer runs under --python
// PY (default: the venv of scripts/pyref-env.sh when it exists; `--python none` skips it).
//
// Usage: bench_tokenizer [--python PY] [--texts FILE] [--mb N] [tokenizer.json ...]
// Exit status 1 when the ids of the two differ anywhere.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/tokenizer.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string run(const std::string &cmd)
{
    std::string out;
    std::unique_ptr<FILE, int (*)(FILE *)> p(popen(cmd.c_str(), "r"), pclose);
    if (!p)
        return out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p.get())) > 0)
        out.append(buf, n);
    return out;
}

std::string quote(const std::string &s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Package descriptions: the "Description:" line plus its continuation lines, one text per package.
std::vector<std::string> aptDescriptions(size_t maxBytes)
{
    std::istringstream in(run("apt-cache dumpavail 2>/dev/null"));
    std::vector<std::string> texts;
    std::string line, current;
    size_t bytes = 0;
    bool inDescription = false;
    while (std::getline(in, line) && bytes < maxBytes) {
        if (line.rfind("Description:", 0) == 0) {
            current = line.substr(std::strlen("Description: "));
            inDescription = true;
        } else if (inDescription && !line.empty() && line[0] == ' ') {
            current += line == " ." ? std::string(" ") : line;
        } else if (inDescription) {
            inDescription = false;
            bytes += current.size();
            texts.push_back(current);
        }
    }
    return texts;
}

// One text per line in the file the peer reads: newlines inside a text become spaces.
std::string oneLine(std::string s)
{
    for (char &c : s)
        if (c == '\n' || c == '\r')
            c = ' ';
    return s;
}

std::vector<std::string> multilingualMix(size_t targetBytes)
{
    std::vector<std::string> base;
    std::ifstream demo(EMBEDFORGE_SOURCE_DIR "/resources/demo/examples.jsonl");
    for (std::string line; std::getline(demo, line);) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || j.value("language", "en") == "en")
            continue;
        for (const char *field : {"query", "positive", "negative"})
            if (j.contains(field) && j[field].is_string() && !j[field].get<std::string>().empty())
                base.push_back(oneLine(j[field].get<std::string>()));
    }
    std::ifstream goldens(EMBEDFORGE_SOURCE_DIR "/tests/data/tokenizers/gpt2/goldens.jsonl");
    for (std::string line; std::getline(goldens, line);) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded())
            continue;
        const std::string t = oneLine(j.value("text", std::string()));
        if (!t.empty() && t.size() <= 400 && t.find_first_not_of(' ') != std::string::npos)
            base.push_back(t);
    }
    std::vector<std::string> texts;
    size_t bytes = 0;
    while (!base.empty() && bytes < targetBytes)
        for (const auto &t : base) {
            texts.push_back(t);
            bytes += t.size();
        }
    return texts;
}

std::string writeTexts(const std::vector<std::string> &texts)
{
    char name[] = "/tmp/bench_tokenizer_XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0)
        return {};
    FILE *f = fdopen(fd, "w");
    for (const auto &t : texts)
        std::fprintf(f, "%s\n", t.c_str());
    std::fclose(f);
    return name;
}

struct Row
{
    std::string set, tokenizer;
    double ours = 0, peer = 0;
    std::string ids;
};

} // namespace

int main(int argc, char **argv)
{
    std::string python, textsFile;
    double mb = 4.0;
    std::vector<std::string> tokenizers;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--python" && i + 1 < argc)
            python = argv[++i];
        else if (a == "--texts" && i + 1 < argc)
            textsFile = argv[++i];
        else if (a == "--mb" && i + 1 < argc)
            mb = std::atof(argv[++i]);
        else
            tokenizers.push_back(a);
    }
    if (python.empty()) {
        // The reference venv, when scripts/pyref-env.sh has made it (asking never creates it).
        const std::string venv = run("EMBEDFORGE_PYREF_NO_CREATE=1 " +
                                     quote(EMBEDFORGE_SOURCE_DIR "/scripts/pyref-env.sh") + " 2>/dev/null");
        if (!venv.empty())
            python = venv.substr(0, venv.find_last_not_of('\n') + 1) + "/bin/python";
    }
    if (python == "none")
        python.clear();
    if (tokenizers.empty()) {
        for (const char *name : {"gpt2", "mistral7b"})
            tokenizers.push_back(std::string(EMBEDFORGE_SOURCE_DIR "/tests/data/tokenizers/") + name +
                                 "/tokenizer.json");
        for (const char *name : {"llama3", "qwen2_5", "qwen3", "gemma3"}) {
            const std::string p = std::string(EMBEDFORGE_REAL_TOKENIZERS_DIR "/") + name + "/tokenizer.json";
            if (std::ifstream(p).good())
                tokenizers.push_back(p);
            else
                std::printf("%s: absent (run `ctest --test-dir build -R fetch_real` to provide it)\n", p.c_str());
        }
    }
    std::vector<std::pair<std::string, std::string>> sets; // name, file of texts
    if (!textsFile.empty()) {
        sets.emplace_back(textsFile, textsFile);
    } else {
        sets.emplace_back("English package descriptions", writeTexts(aptDescriptions(static_cast<size_t>(mb * 1e6))));
        sets.emplace_back("multilingual mix", writeTexts(multilingualMix(1000000)));
    }
    std::vector<Row> rows;
    bool differ = false;
    for (const auto &[setName, file] : sets) {
        std::vector<std::string> texts;
        std::ifstream in(file);
        for (std::string l; std::getline(in, l);)
            if (!l.empty())
                texts.push_back(l);
        size_t bytes = 0;
        for (const auto &t : texts)
            bytes += t.size();
        std::printf("\n%s: %zu texts, %.2f MB (%s)\n", setName.c_str(), texts.size(), bytes / 1e6, file.c_str());
        for (const std::string &path : tokenizers) {
            std::unique_ptr<ef::Tokenizer> tok;
            try {
                tok = ef::Tokenizer::fromFile(path);
            } catch (const std::exception &e) {
                std::printf("%s: %s\n", path.c_str(), e.what());
                continue;
            }
            for (size_t i = 0; i < std::min<size_t>(200, texts.size()); ++i)
                (void)tok->encode(texts[i], true);
            double best = 1e300;
            uint64_t checksum = 0;
            size_t count = 0;
            for (int rep = 0; rep < 3; ++rep) {
                std::vector<std::vector<int64_t>> all;
                all.reserve(texts.size());
                const auto t0 = Clock::now();
                for (const auto &t : texts)
                    all.push_back(tok->encode(t, true));
                best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
                uint64_t h = 0xcbf29ce484222325ULL;
                count = 0;
                for (const auto &ids : all)
                    for (int64_t id : ids) {
                        h ^= static_cast<uint64_t>(id);
                        h *= 0x100000001b3ULL;
                        ++count;
                    }
                checksum = h;
            }
            Row row{setName, path, bytes / 1e6 / best, 0, "peer skipped"};
            std::printf("%-70s EmbedForge %6.2f MB/s (%zu tokens)", path.c_str(), row.ours, count);
            std::fflush(stdout);
            if (python.empty()) {
                std::printf("  [peer skipped: no --python and no scripts/pyref-env.sh venv]\n");
                rows.push_back(row);
                continue;
            }
            const std::string out = run("TOKENIZERS_PARALLELISM=false RAYON_NUM_THREADS=1 " + quote(python) + " " +
                                        quote(EMBEDFORGE_SOURCE_DIR "/bench/hf_tokenizers_bench.py") + " " +
                                        quote(path) + " " + quote(file));
            char hex[40] = {};
            size_t peerCount = 0;
            if (std::sscanf(out.c_str(), "%lf %39s %zu", &row.peer, hex, &peerCount) != 3) {
                std::printf("  [peer failed: %s]\n", out.c_str());
                row.ids = "peer failed";
                rows.push_back(row);
                continue;
            }
            char ourHex[40];
            std::snprintf(ourHex, sizeof ourHex, "%llx", static_cast<unsigned long long>(checksum));
            const bool same = std::strcmp(hex, ourHex) == 0 && peerCount == count;
            differ = differ || !same;
            row.ids = same ? "identical" : "DIFFERENT";
            std::printf("  HF tokenizers %6.2f MB/s  ratio %.2fx  ids %s\n", row.peer, row.ours / row.peer,
                        row.ids.c_str());
            rows.push_back(row);
        }
    }
    std::printf("\n| texts | tokenizer.json | EmbedForge MB/s | HF tokenizers MB/s | ratio | ids "
                "|\n|---|---|---|---|---|---|\n");
    for (const Row &r : rows) {
        const std::string name = r.tokenizer.substr(r.tokenizer.rfind('/', r.tokenizer.rfind('/') - 1) + 1);
        std::printf("| %s | %s | %.1f | %.2f | %s | %s |\n", r.set.c_str(), name.c_str(), r.ours, r.peer,
                    r.peer > 0 ? (std::to_string(r.ours / r.peer).substr(0, 4) + "x").c_str() : "-", r.ids.c_str());
    }
    return differ ? 1 : 0;
}
