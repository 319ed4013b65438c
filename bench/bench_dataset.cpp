// SPDX-License-Identifier: GPL-3.0-or-later
// The Dataset page's paged access at scale (backend/examples, what its model calls): time and
// memory to show N examples (ids + one page), filter and search, against the naive peer that
// loads every row into memory, in one run.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <QCoreApplication>
#include <QTemporaryDir>

#include "bench/benchutil.h"
#include "backend/database.h"
#include "backend/workspace.h"
#include "backend/examples.h"

namespace {

using ef::bench::Clock;
using ef::bench::msSince;

long rssKiB()
{
    return ef::bench::procStatusKb("VmRSS:");
}

QString words(int n, int seed)
{
    static const char *vocab[] = {"tap",    "leak", "repair",  "guide",    "water",  "valve",   "kitchen", "seal",
                                  "washer", "pipe", "plumber", "pressure", "thread", "tighten", "replace", "cartridge"};
    QString s;
    for (int i = 0; i < n; ++i) {
        s += QLatin1String(vocab[(seed * 31 + i * 7) % 16]);
        s += QLatin1Char(' ');
    }
    return s;
}

void fill(const ef::Workspace &ws, int n)
{
    auto db = ws.connect();
    const QStringList families = {QStringLiteral("retrieval"), QStringLiteral("classification"), QStringLiteral("sts")};
    const QStringList langs = {QStringLiteral("en"), QStringLiteral("zh"), QStringLiteral("de"), QStringLiteral("sw"),
                               QStringLiteral("fr")};
    for (int start = 0; start < n; start += 10000) {
        ef::Transaction tx(**db);
        ef::Statement ins = (*db)->prepare(QStringLiteral("INSERT INTO examples(family, language, instruction, query, "
                                                          "positive, negative, status, dedup_key, created_at) "
                                                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2026-01-01')"));
        for (int i = start; i < std::min(n, start + 10000); ++i) {
            ins.bind(1, families.at(i % 3))
                .bind(2, langs.at(i % 5))
                .bind(3, QStringLiteral("Retrieve repair guides"))
                .bind(4, words(8, i) + QString::number(i))
                .bind(5, words(90, i + 1))
                .bind(6, words(70, i + 2))
                .bind(7, i % 10 == 9 ? QStringLiteral("invalid") : QStringLiteral("valid"))
                .bind(8, QString::number(i));
            ins.run();
            ins.reset();
        }
        tx.commit();
    }
}

// What the Dataset page's model does when it opens or changes its filter: the matching ids,
// then the first page of rows (backend/examples, as the model calls it on its I/O pool).
struct View
{
    QVector<qint64> ids;
    QList<ef::ExampleRow> firstPage;
};

double openView(const ef::Workspace &ws, const ef::ExampleFilter &f, View *view)
{
    const auto t0 = Clock::now();
    auto ids = ef::exampleIds(ws, f);
    if (!ids) {
        std::fprintf(stderr, "%s\n", qPrintable(ids.error()));
        std::exit(1);
    }
    view->ids = std::move(ids).value();
    view->firstPage.clear();
    if (!view->ids.isEmpty()) {
        const int last = std::min<int>(ef::kExamplePageSize, static_cast<int>(view->ids.size())) - 1;
        auto rows = ef::exampleRows(ws, f, view->ids.first(), view->ids.at(last));
        if (!rows) {
            std::fprintf(stderr, "%s\n", qPrintable(rows.error()));
            std::exit(1);
        }
        view->firstPage = std::move(rows).value();
    }
    return msSince(t0);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? std::atoi(argv[1]) : 500000;
    QTemporaryDir dir;
    auto ws = ef::Workspace::create(dir.filePath(QStringLiteral("bench.efws")));
    if (!ws) {
        std::fprintf(stderr, "%s\n", qPrintable(ws.error()));
        return 1;
    }
    auto t0 = Clock::now();
    fill(ws.value(), n);
    std::printf("bench_dataset: %d examples (~1.2 KB each) written in %.1f s\n", n, msSince(t0) / 1000.0);

    const long rss0 = rssKiB();
    View view;
    const double openMs = openView(ws.value(), {}, &view);
    const long rssModel = rssKiB() - rss0;
    ef::ExampleFilter byLang;
    byLang.language = QStringLiteral("zh");
    const double langMs = openView(ws.value(), byLang, &view);
    ef::ExampleFilter search;
    search.text = QStringLiteral("cartridge 4242");
    const double searchMs = openView(ws.value(), search, &view);
    const int searchRows = static_cast<int>(view.ids.size());

    // Peer: the naive model that reads every row into memory.
    const long rss1 = rssKiB();
    t0 = Clock::now();
    QList<ef::ExampleRow> all;
    {
        auto db = ws->connect();
        ef::Statement st =
            (*db)->prepare(QStringLiteral("SELECT id, family, language, status, invalid_reason, instruction, query, "
                                          "positive, coalesce(negative, '') FROM examples"));
        while (st.step())
            all.append({st.columnInt(0), st.columnText(1), st.columnText(2), st.columnText(3), st.columnText(4),
                        st.columnText(5), st.columnText(6), st.columnText(7), st.columnText(8)});
    }
    const double naiveMs = msSince(t0);
    const long rssNaive = rssKiB() - rss1;

    std::printf("%-34s %12s %14s\n", "", "time (ms)", "memory (MiB)");
    std::printf("%-34s %12.0f %14.1f\n", "paged model: open (ids + page 1)", openMs, rssModel / 1024.0);
    std::printf("%-34s %12.0f %14s\n", "paged model: filter language=zh", langMs, "");
    std::printf("%-34s %12.0f %14s   (%d hits)\n", "paged model: search 2 words", searchMs, "", searchRows);
    std::printf("%-34s %12.0f %14.1f\n", "peer: load all rows (naive model)", naiveMs, rssNaive / 1024.0);
    std::printf("ratio (peer / paged): time %.1fx, memory %.1fx; rows held: %d vs %lld\n", naiveMs / openMs,
                static_cast<double>(rssNaive) / std::max<long>(rssModel, 1), ef::kExamplePageSize,
                static_cast<long long>(all.size()));
    return 0;
}
