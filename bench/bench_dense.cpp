// SPDX-License-Identifier: GPL-3.0-or-later
// Exact dense top-10 for N x 896 float32 vectors (default 100k) and a batch of 64 queries:
// EmbedForge's chunked search (models::TopKSearch, the kernel behind search and evaluation)
// against FAISS IndexFlatIP (Debian's libfaiss) on the same data in the same run, with the
// results compared id for id. Then the workspace path: the same vectors stored as BLOBs in a
// vector set and searched by streaming them from SQLite, with the process's peak memory.
//
// Usage: bench_dense [N] [--no-sqlite]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <QCoreApplication>
#include <QTemporaryDir>

#ifdef EMBEDFORGE_BENCH_FAISS
#include <faiss/IndexFlat.h>
#endif

#include "bench/benchutil.h"
#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/dense.h"
#include "backend/densecompute.h"
#include "backend/workspace.h"
#include "models/compute.h"
#include "models/embedder.h"
#include "models/vectorsearch.h"

namespace {

using ef::bench::Clock;
using ef::bench::msSince;
using ef::bench::procStatusKb;

void normalise(std::vector<float> &v, int64_t rows, int64_t dim)
{
    for (int64_t r = 0; r < rows; ++r) {
        float *p = v.data() + r * dim;
        double n = 0;
        for (int64_t c = 0; c < dim; ++c)
            n += double(p[c]) * p[c];
        const float inv = static_cast<float>(1.0 / std::sqrt(n));
        for (int64_t c = 0; c < dim; ++c)
            p[c] *= inv;
    }
}

} // namespace

#ifndef EMBEDFORGE_BENCH_FAISS
// Runs bench/faiss_peer.py (faiss-cpu from PyPI) on the same data and compares ids and scores.
void pythonFaissPeer(const std::vector<float> &base, const std::vector<float> &queries, int64_t n, int64_t dim,
                     int64_t nq, int k, const std::vector<std::vector<ef::models::ScoredIndex>> &ours, double oursMs,
                     double gflop)
{
    std::string python;
    if (FILE *p =
            popen("EMBEDFORGE_PYREF_NO_CREATE=1 " EMBEDFORGE_SOURCE_DIR "/scripts/pyref-env.sh 2>/dev/null", "r")) {
        char buf[512] = {};
        if (fgets(buf, sizeof buf, p)) {
            python = buf;
            while (!python.empty() && python.back() == '\n')
                python.pop_back();
            python += "/bin/python";
        }
        pclose(p);
    }
    if (python.empty()) {
        std::printf("  FAISS: skipped (no libfaiss-dev at configure time and no scripts/pyref-env.sh venv)\n");
        return;
    }
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    const auto write = [](const std::string &path, const std::vector<float> &v) {
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char *>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
        return bool(out);
    };
    if (!write(d + "/base.f32", base) || !write(d + "/queries.f32", queries)) {
        std::printf("  FAISS: skipped (cannot write the vectors to %s)\n", d.c_str());
        return;
    }
    const std::string cmd = python + " " EMBEDFORGE_SOURCE_DIR "/bench/faiss_peer.py " + d + "/base.f32 " + d +
                            "/queries.f32 " + std::to_string(n) + " " + std::to_string(dim) + " " + std::to_string(nq) +
                            " " + std::to_string(k) + " " + std::to_string(ef::compute::intraOpThreads()) + " " + d +
                            "/out 2>&1";
    std::string reply;
    if (FILE *p = popen(cmd.c_str(), "r")) {
        char buf[1024];
        while (fgets(buf, sizeof buf, p))
            reply += buf;
        pclose(p);
    }
    const size_t msAt = reply.find("\"ms\": ");
    std::ifstream labelsIn(d + "/out.labels", std::ios::binary), scoresIn(d + "/out.scores", std::ios::binary);
    std::vector<int64_t> labels(static_cast<size_t>(nq * k));
    std::vector<float> scores(static_cast<size_t>(nq * k));
    labelsIn.read(reinterpret_cast<char *>(labels.data()),
                  static_cast<std::streamsize>(labels.size() * sizeof(int64_t)));
    scoresIn.read(reinterpret_cast<char *>(scores.data()), static_cast<std::streamsize>(scores.size() * sizeof(float)));
    if (msAt == std::string::npos || !labelsIn || !scoresIn) {
        std::printf("  FAISS (PyPI): failed: %s\n", reply.c_str());
        return;
    }
    const double faissMs = std::atof(reply.c_str() + msAt + 6);
    const size_t verAt = reply.find("\"faiss\": \"");
    const std::string version =
        verAt == std::string::npos ? "?" : reply.substr(verAt + 10, reply.find('"', verAt + 10) - verAt - 10);
    std::printf("  FAISS %s IndexFlatIP (faiss-cpu from PyPI): %8.1f ms  (%.0f queries/s, %.1f GFLOP/s)\n",
                version.c_str(), faissMs, nq * 1000.0 / faissMs, gflop / (faissMs / 1000.0));
    int64_t same = 0;
    double maxScoreDiff = 0;
    for (int64_t q = 0; q < nq; ++q)
        for (int j = 0; j < k; ++j) {
            same += ours[size_t(q)][size_t(j)].index == labels[size_t(q * k + j)];
            maxScoreDiff =
                std::max(maxScoreDiff, double(std::abs(ours[size_t(q)][size_t(j)].score - scores[size_t(q * k + j)])));
        }
    std::printf("  throughput ratio (EmbedForge / FAISS): %.2fx; identical ids %lld/%lld, max score difference %.2g\n",
                faissMs / oursMs, static_cast<long long>(same), static_cast<long long>(nq * k), maxScoreDiff);
}
#endif

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int64_t n = 100000;
    bool sqlite = true;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--no-sqlite") == 0)
            sqlite = false;
        else
            n = std::atoll(argv[i]);
    }
    const int64_t dim = 896, nq = 64;
    const int k = 10;
    ef::compute::setIntraOpThreads(0);
    std::printf("dense top-%d: %lld vectors x %lld dims (float32), %lld queries, %d threads\n", k,
                static_cast<long long>(n), static_cast<long long>(dim), static_cast<long long>(nq),
                ef::compute::intraOpThreads());

    std::mt19937 rng(7);
    std::normal_distribution<float> normal;
    std::vector<float> base(static_cast<size_t>(n * dim)), queries(static_cast<size_t>(nq * dim));
    for (float &x : base)
        x = normal(rng);
    for (float &x : queries)
        x = normal(rng);
    normalise(base, n, dim);
    normalise(queries, nq, dim);
    std::vector<int64_t> ids(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        ids[size_t(i)] = i;

    // EmbedForge: 8192-vector chunks, as the workspace search streams them.
    std::vector<std::vector<ef::models::ScoredIndex>> ours;
    double oursMs = 1e300;
    for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = Clock::now();
        ef::models::TopKSearch s(queries.data(), nq, dim, k);
        for (int64_t at = 0; at < n; at += 8192) {
            const int64_t m = std::min<int64_t>(8192, n - at);
            s.add(base.data() + at * dim, ids.data() + at, m);
        }
        ours = s.results();
        oursMs = std::min(oursMs, msSince(t0));
    }
    const double gflop = 2.0 * double(n) * double(dim) * double(nq) / 1e9;
    std::printf("  EmbedForge TopKSearch : %8.1f ms  (%.0f queries/s, %.1f GFLOP/s)\n", oursMs, nq * 1000.0 / oursMs,
                gflop / (oursMs / 1000.0));

#ifdef EMBEDFORGE_BENCH_FAISS
    faiss::IndexFlatIP index(dim);
    index.add(n, base.data());
    std::vector<float> distances(static_cast<size_t>(nq * k));
    std::vector<faiss::Index::idx_t> labels(static_cast<size_t>(nq * k));
    double faissMs = 1e300;
    for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = Clock::now();
        index.search(nq, queries.data(), k, distances.data(), labels.data());
        faissMs = std::min(faissMs, msSince(t0));
    }
    std::printf("  FAISS IndexFlatIP     : %8.1f ms  (%.0f queries/s, %.1f GFLOP/s)\n", faissMs, nq * 1000.0 / faissMs,
                gflop / (faissMs / 1000.0));
    int64_t same = 0;
    double maxScoreDiff = 0;
    for (int64_t q = 0; q < nq; ++q)
        for (int j = 0; j < k; ++j) {
            same += ours[size_t(q)][size_t(j)].index == labels[size_t(q * k + j)];
            maxScoreDiff = std::max(maxScoreDiff,
                                    double(std::abs(ours[size_t(q)][size_t(j)].score - distances[size_t(q * k + j)])));
        }
    std::printf("  throughput ratio (EmbedForge / FAISS): %.2fx; identical ids %lld/%lld, max score difference %.2g\n",
                faissMs / oursMs, static_cast<long long>(same), static_cast<long long>(nq * k), maxScoreDiff);
#else
    // The peer from PyPI: faiss-cpu in the venv of scripts/pyref-env.sh, on the same vectors.
    pythonFaissPeer(base, queries, n, dim, nq, k, ours, oursMs, gflop);
#endif

    if (!sqlite)
        return 0;
    // The workspace path: vectors as BLOBs, streamed from SQLite in chunks.
    QTemporaryDir dir;
    auto ws = ef::Workspace::create(dir.filePath(QStringLiteral("bench.efws")));
    if (!ws) {
        std::fprintf(stderr, "%s\n", qPrintable(ws.error()));
        return 1;
    }
    auto db = std::move(ws->connect().value());
    const auto tInsert = Clock::now();
    {
        ef::Transaction tx(*db);
        db->prepare(
              QStringLiteral("INSERT INTO corpora(id, name, source, created_at) VALUES (1, 'bench', 'bench', '')"))
            .run();
        db->prepare(QStringLiteral(
                        "INSERT INTO vector_sets(id, corpus_id, fingerprint, model_dir, settings, dim, created_at) "
                        "VALUES (1, 1, 'bench', '', '{}', ?, '')"))
            .bind(1, qint64(dim))
            .run();
        ef::Statement doc = db->prepare(
            QStringLiteral("INSERT INTO documents(id, corpus_id, ext_id, text, text_idx) VALUES (?, 1, ?, '', '')"));
        ef::Statement vec =
            db->prepare(QStringLiteral("INSERT INTO doc_vectors(set_id, doc_id, vector) VALUES (1, ?, ?)"));
        for (int64_t i = 0; i < n; ++i) {
            doc.bind(1, qint64(i + 1)).bind(2, QString::number(i)).run();
            doc.reset();
            vec.bind(1, qint64(i + 1))
                .bindBlob(2, QByteArray(reinterpret_cast<const char *>(base.data() + i * dim),
                                        static_cast<qsizetype>(dim * 4)))
                .run();
            vec.reset();
        }
        tx.commit();
    }
    const double insertMs = msSince(tInsert);
    const size_t baseBytes = base.size() * sizeof(float);
    std::vector<float>().swap(base); // the search must not rely on an in-memory copy
    const long rssBefore = procStatusKb("VmRSS:");
    ef::CorpusInfo corpus;
    corpus.id = 1;
    corpus.name = QStringLiteral("bench");
    corpus.documents = n;
    ef::VectorSet set;
    set.id = 1;
    set.corpusId = 1;
    set.dim = static_cast<int>(dim);
    set.vectors = n;
    set.documents = n;
    ef::models::Matrix q;
    q.rows = nq;
    q.cols = dim;
    q.data = queries;
    // Peak during the search: reset the high-water mark first (Linux >= 4.0).
    {
        std::ofstream("/proc/self/clear_refs") << "5";
    }
    const long hwmBefore = procStatusKb("VmHWM:");
    const auto tSearch = Clock::now();
    const QList<QList<ef::SearchHit>> hits = ef::searchDense(*db, corpus, set, q, k);
    const double searchMs = msSince(tSearch);
    const long hwm = procStatusKb("VmHWM:");
    int64_t agree = 0;
    for (int64_t qi = 0; qi < nq; ++qi)
        for (int j = 0; j < k && j < hits[int(qi)].size(); ++j)
            agree += hits[int(qi)][j].docId.toLongLong() == ours[size_t(qi)][size_t(j)].index;
    std::printf("  workspace: stored %lld vectors in %.1f s; streamed search of %lld queries %.0f ms; ids equal to the "
                "in-memory "
                "search %lld/%lld\n",
                static_cast<long long>(n), insertMs / 1000.0, static_cast<long long>(nq), searchMs,
                static_cast<long long>(agree), static_cast<long long>(nq * k));
    std::printf("  memory: vectors %.0f MiB on disk; RSS before search %.0f MiB, peak during search %.0f MiB "
                "(high-water before %.0f MiB)\n",
                baseBytes / 1048576.0, rssBefore / 1024.0, hwm / 1024.0, hwmBefore / 1024.0);
    return 0;
}
