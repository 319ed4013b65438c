// SPDX-License-Identifier: GPL-3.0-or-later
// Workspace write throughput: EmbedForge's wrappers (WAL, IMMEDIATE transactions, busy
// timeout) against the raw sqlite3 C API doing the same inserts, measured in one run.
#include <chrono>
#include <cstdio>

#include <sqlite3.h>

#include <QCoreApplication>
#include <QTemporaryDir>

#include "backend/database.h"
#include "backend/workspace.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

QByteArray payload(int i)
{
    return QByteArray("example text number ").append(QByteArray::number(i)).append(QByteArray(200, 'x'));
}

double benchWrapper(const QString &path, int rows, int batch)
{
    auto ws = ef::Workspace::create(path);
    auto db = ws->connect();
    (*db)->exec(QStringLiteral("CREATE TABLE bench(id INTEGER PRIMARY KEY, body TEXT)"));
    const auto t0 = Clock::now();
    for (int i = 0; i < rows;) {
        ef::Transaction tx(**db);
        ef::Statement ins = (*db)->prepare(QStringLiteral("INSERT INTO bench(body) VALUES (?)"));
        for (int j = 0; j < batch && i < rows; ++j, ++i) {
            ins.bind(1, QString::fromLatin1(payload(i))).run();
            ins.reset();
        }
        tx.commit();
    }
    return rows / seconds(t0, Clock::now());
}

double benchRaw(const QString &path, int rows, int batch)
{
    sqlite3 *db = nullptr;
    sqlite3_open(path.toUtf8().constData(), &db);
    sqlite3_exec(
        db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE bench(id INTEGER PRIMARY KEY, body TEXT)",
        nullptr, nullptr, nullptr);
    const auto t0 = Clock::now();
    for (int i = 0; i < rows;) {
        sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        sqlite3_stmt *st = nullptr;
        sqlite3_prepare_v2(db, "INSERT INTO bench(body) VALUES (?)", -1, &st, nullptr);
        for (int j = 0; j < batch && i < rows; ++j, ++i) {
            const QByteArray p = payload(i);
            sqlite3_bind_text(st, 1, p.constData(), static_cast<int>(p.size()), SQLITE_TRANSIENT);
            sqlite3_step(st);
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    const double rate = rows / seconds(t0, Clock::now());
    sqlite3_close(db);
    return rate;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int rows = argc > 1 ? std::atoi(argv[1]) : 200000;
    QTemporaryDir dir;
    std::printf("bench_store: %d rows of ~240 bytes, WAL, synchronous=NORMAL\n", rows);
    std::printf("%-10s %14s %14s %8s\n", "batch", "embedforge/s", "raw sqlite3/s", "ratio");
    for (int batch : {1, 100, 1000}) {
        const int n = batch == 1 ? rows / 20 : rows;
        const double ours = benchWrapper(dir.filePath(QStringLiteral("w%1.efws").arg(batch)), n, batch);
        const double raw = benchRaw(dir.filePath(QStringLiteral("r%1.db").arg(batch)), n, batch);
        std::printf("%-10d %14.0f %14.0f %8.2f\n", batch, ours, raw, ours / raw);
    }
    return 0;
}
