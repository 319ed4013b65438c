// SPDX-License-Identifier: GPL-3.0-or-later
// Corpus import rate and BM25 latency at N documents (default 100k): EmbedForge's import
// (JSONL parsing, validation, CJK-segmented copies, per-corpus FTS5) and search (safe query
// building, snippets) against a raw peer — the same documents in a plain FTS5 table queried
// with hand-written MATCH strings — measured in one run on the same data.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "bench/benchutil.h"
#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/workspace.h"

namespace {

using ef::bench::Clock;
using ef::bench::msSince;

const char *kWords[] = {"heat",       "pump",   "solar",  "panel",  "battery", "winter", "insulation", "window",
                        "roof",       "boiler", "grant",  "energy", "price",   "tariff", "meter",      "radiator",
                        "thermostat", "kettle", "washer", "tap",    "pipe",    "leak",   "valve",      "water",
                        "pressure",   "garden", "tomato", "soil",   "compost", "seed",   "frost",      "orchard"};
constexpr int kVocab = sizeof(kWords) / sizeof(kWords[0]);

constexpr int kTerms = 5000;

// Zipf-distributed words over a 5,000-term vocabulary (a few dozen real words first), so
// posting lists have the long-tailed lengths of real text.
QString text(std::mt19937 &rng, int words)
{
    static const std::vector<double> weights = [] {
        std::vector<double> w(kTerms);
        for (int i = 0; i < kTerms; ++i)
            w[i] = 1.0 / (i + 1);
        return w;
    }();
    static std::discrete_distribution<int> zipf(weights.begin(), weights.end());
    QString s;
    for (int i = 0; i < words; ++i) {
        const int w = zipf(rng);
        s += (w < kVocab ? QString::fromLatin1(kWords[w]) : QStringLiteral("term%1").arg(w)) + QLatin1Char(' ');
    }
    return s;
}

struct Latency
{
    double p50 = 0, p95 = 0;
};

Latency percentiles(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v[static_cast<size_t>(v.size() * 0.95)]};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int queries = 500;
    QTemporaryDir dir;
    std::mt19937 rng(7);

    const QString jsonl = dir.filePath(QStringLiteral("docs.jsonl"));
    {
        QFile f(jsonl);
        f.open(QIODevice::WriteOnly);
        for (int i = 0; i < n; ++i)
            f.write(QJsonDocument(QJsonObject{{QStringLiteral("_id"), QStringLiteral("d%1").arg(i)},
                                              {QStringLiteral("title"), text(rng, 6)},
                                              {QStringLiteral("text"), text(rng, 120)}})
                        .toJson(QJsonDocument::Compact) +
                    '\n');
    }
    std::vector<QString> qs;
    for (int i = 0; i < queries; ++i)
        qs.push_back(text(rng, 3).trimmed());

    auto ws = ef::Workspace::create(dir.filePath(QStringLiteral("bench.efws")));
    auto db = ws->connect();
    auto t0 = Clock::now();
    auto corpus = ef::importCorpus(**db, {ef::CorpusImport::Kind::Jsonl, jsonl, QStringLiteral("bench")});
    const double importMs = msSince(t0);
    if (!corpus) {
        std::fprintf(stderr, "%s\n", qPrintable(corpus.error()));
        return 1;
    }
    std::vector<double> ours;
    for (const QString &q : qs) {
        t0 = Clock::now();
        const auto hits = ef::searchBm25(**db, corpus.value(), q, 10);
        ours.push_back(msSince(t0));
        (void)hits;
    }

    // Peer: the same documents in a plain FTS5 table, bulk-inserted, queried with MATCH directly.
    auto peer = ef::Database::open(dir.filePath(QStringLiteral("peer.db")), ef::Database::Mode::Create);
    (*peer)->exec(QStringLiteral(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text, tokenize='unicode61 remove_diacritics 2')"));
    t0 = Clock::now();
    {
        ef::Transaction tx(**peer);
        ef::Statement ins = (*peer)->prepare(QStringLiteral("INSERT INTO docs(id, title, text) VALUES (?, ?, ?)"));
        QFile f(jsonl);
        f.open(QIODevice::ReadOnly);
        while (!f.atEnd()) {
            const QJsonObject o = QJsonDocument::fromJson(f.readLine()).object();
            ins.bind(1, o.value(QStringLiteral("_id")).toString())
                .bind(2, o.value(QStringLiteral("title")).toString())
                .bind(3, o.value(QStringLiteral("text")).toString())
                .run();
            ins.reset();
        }
        tx.commit();
    }
    const double peerImportMs = msSince(t0);
    std::vector<double> theirs;
    ef::Statement q =
        (*peer)->prepare(QStringLiteral("SELECT id, bm25(docs) AS s FROM docs WHERE docs MATCH ? ORDER BY s LIMIT 10"));
    for (const QString &text : qs) {
        t0 = Clock::now();
        q.bind(1, text.split(QLatin1Char(' ')).join(QStringLiteral(" OR ")));
        while (q.step()) {
        }
        q.reset();
        theirs.push_back(msSince(t0));
    }

    const Latency a = percentiles(ours), b = percentiles(theirs);
    std::printf("bench_retrieval: %d documents of ~125 words (Zipf over 5,000 terms), %d three-word queries, top 10\n",
                n, queries);
    std::printf("%-28s %14s %10s %10s\n", "", "import docs/s", "p50 ms", "p95 ms");
    std::printf("%-28s %14.0f %10.2f %10.2f\n", "embedforge (importCorpus)", n / (importMs / 1000.0), a.p50, a.p95);
    std::printf("%-28s %14.0f %10.2f %10.2f\n", "peer: raw FTS5 table", n / (peerImportMs / 1000.0), b.p50, b.p95);
    std::printf("ratio (embedforge / peer): import rate %.2fx, p50 latency %.2fx (ours adds validation, CJK copies, "
                "snippets)\n",
                (n / importMs) / (n / peerImportMs), a.p50 / b.p50);
    return 0;
}
