// SPDX-License-Identifier: GPL-3.0-or-later
// The Dataset page's model at scale: time and memory to show N examples (ids + one page),
// filter and search, against the naive peer that loads every row into memory, in one run.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <QCoreApplication>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QThreadPool>

#include "bench/benchutil.h"
#include "backend/database.h"
#include "backend/workspace.h"
#include "widgets/examplesmodel.h"

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

// Waits for the model's ids and the first page, as a view opening the page would.
double openModel(ef::ExamplesModel &model, const ef::ExampleFilter &f, bool first)
{
    QEventLoop loop;
    const auto t0 = Clock::now();
    auto c = QObject::connect(&model, &ef::ExamplesModel::loaded, &loop, &QEventLoop::quit);
    if (first)
        model.refresh();
    else
        model.setFilter(f);
    loop.exec();
    QObject::disconnect(c);
    if (model.rowCount() > 0) {
        auto d = QObject::connect(&model, &QAbstractItemModel::dataChanged, &loop, &QEventLoop::quit);
        model.data(model.index(0, ef::ExamplesModel::QueryColumn));
        loop.exec();
        QObject::disconnect(d);
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

    QThreadPool pool;
    const long rss0 = rssKiB();
    ef::ExamplesModel model(&pool);
    model.setWorkspace(ws.value());
    const double openMs = openModel(model, {}, true);
    const long rssModel = rssKiB() - rss0;
    ef::ExampleFilter byLang;
    byLang.language = QStringLiteral("zh");
    const double langMs = openModel(model, byLang, false);
    ef::ExampleFilter search;
    search.text = QStringLiteral("cartridge 4242");
    const double searchMs = openModel(model, search, false);
    const int searchRows = model.rowCount();

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
                static_cast<double>(rssNaive) / std::max<long>(rssModel, 1),
                model.cachedPageCount() * ef::ExamplesModel::kPageSize, static_cast<long long>(all.size()));
    return 0;
}
