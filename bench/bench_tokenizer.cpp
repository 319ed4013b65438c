// SPDX-License-Identifier: GPL-3.0-or-later
// Tokenizer throughput (MB/s, one thread) of EmbedForge's tokenizer.json engine against Hugging
// Face's Rust `tokenizers` (Node binding from npm) on the same tokenizer.json files and the same
// texts, in the same run; the ids of both are compared through a checksum over every id.
//
// Texts: English package descriptions from this machine's apt lists (`apt-cache dumpavail`), or a
// file given with --texts (one text per line). Tokenizers: the files given, or the committed test
// tokenizers. The peer needs `npm install --prefix DIR tokenizers@0.23.2` and --node-modules DIR/node_modules.
//
// Usage: bench_tokenizer --node-modules DIR [--texts FILE] [--mb N] [tokenizer.json ...]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

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

} // namespace

int main(int argc, char **argv)
{
    std::string nodeModules, textsFile;
    double mb = 4.0;
    std::vector<std::string> tokenizers;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--node-modules" && i + 1 < argc)
            nodeModules = argv[++i];
        else if (a == "--texts" && i + 1 < argc)
            textsFile = argv[++i];
        else if (a == "--mb" && i + 1 < argc)
            mb = std::atof(argv[++i]);
        else
            tokenizers.push_back(a);
    }
    if (tokenizers.empty())
        for (const char *name : {"gpt2", "mistral7b", "llama3", "qwen2_5"}) {
            const std::string p = std::string(EMBEDFORGE_SOURCE_DIR "/tests/data/tokenizers/") + name + "/tokenizer.json";
            if (std::ifstream(p).good())
                tokenizers.push_back(p);
        }
    std::vector<std::string> texts;
    if (!textsFile.empty()) {
        std::ifstream in(textsFile);
        for (std::string l; std::getline(in, l);)
            if (!l.empty())
                texts.push_back(l);
    } else {
        texts = aptDescriptions(static_cast<size_t>(mb * 1e6));
        char name[] = "/tmp/bench_tokenizer_XXXXXX";
        const int fd = mkstemp(name);
        if (fd >= 0) {
            FILE *f = fdopen(fd, "w");
            for (const auto &t : texts)
                std::fprintf(f, "%s\n", t.c_str());
            std::fclose(f);
            textsFile = name;
        }
    }
    size_t bytes = 0;
    for (const auto &t : texts)
        bytes += t.size();
    std::printf("texts: %zu (%.2f MB)%s\n", texts.size(), bytes / 1e6, textsFile.empty() ? "" : (" from " + textsFile).c_str());
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
        const double ours = bytes / 1e6 / best;
        std::printf("%-60s EmbedForge %6.2f MB/s (%zu tokens)", path.c_str(), ours, count);
        if (nodeModules.empty()) {
            std::printf("  [peer skipped: --node-modules DIR]\n");
            continue;
        }
        const std::string out = run("TOKENIZERS_PARALLELISM=false RAYON_NUM_THREADS=1 node " + quote(EMBEDFORGE_SOURCE_DIR "/bench/hf_tokenizers_bench.js") + " " + quote(nodeModules) + " " +
                                    quote(path) + " " + quote(textsFile));
        double peer = 0;
        char hex[40] = {};
        size_t peerCount = 0;
        if (std::sscanf(out.c_str(), "%lf %39s %zu", &peer, hex, &peerCount) != 3) {
            std::printf("  [peer failed: %s]\n", out.c_str());
            continue;
        }
        char ourHex[40];
        std::snprintf(ourHex, sizeof ourHex, "%llx", static_cast<unsigned long long>(checksum));
        std::printf("  HF tokenizers %6.2f MB/s  ratio %.2fx  ids %s\n", peer, ours / peer,
                    std::strcmp(hex, ourHex) == 0 && peerCount == count ? "identical" : "DIFFERENT");
    }
    return 0;
}
