// SPDX-License-Identifier: GPL-3.0-or-later
// Test helper: writes to a workspace in batches forever, until it is killed (SIGKILL test).
// Each transaction inserts kBatch rows; so a consistent file always holds a multiple of kBatch.
#include <cstdio>

#include <QCoreApplication>

#include "backend/database.h"
#include "backend/workspace.h"

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: ef_test_writer WORKSPACE\n");
        return 2;
    }
    auto ws = ef::Workspace::open(QString::fromLocal8Bit(argv[1]));
    if (!ws) {
        std::fprintf(stderr, "%s\n", qPrintable(ws.error()));
        return 1;
    }
    auto db = ws->connect();
    if (!db) {
        std::fprintf(stderr, "%s\n", qPrintable(db.error()));
        return 1;
    }
    constexpr int kBatch = 50;
    try {
        (*db)->exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS test_stress(id INTEGER PRIMARY KEY, batch INTEGER, payload BLOB)"));
        const QByteArray payload(3000, 'x');
        for (qint64 batch = 0;; ++batch) {
            ef::Transaction tx(**db);
            ef::Statement ins = (*db)->prepare(QStringLiteral("INSERT INTO test_stress(batch, payload) VALUES (?, ?)"));
            for (int i = 0; i < kBatch; ++i) {
                ins.bind(1, batch).bindBlob(2, payload).run();
                ins.reset();
            }
            tx.commit();
            if (batch == 2) {
                std::printf("ready\n");
                std::fflush(stdout);
            }
        }
    } catch (const ef::DbError &e) {
        std::fprintf(stderr, "%s\n", qPrintable(e.message()));
        return 1;
    }
}
