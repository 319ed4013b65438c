// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer: arbitrary bytes as a BEIR folder (corpus.jsonl, queries.jsonl and qrels/test.tsv,
// the input's parts separated by NUL bytes) and as a JSONL corpus, imported through
// backend/corpus.cpp into a workspace schema, then searched with BM25 using each query line
// as user text. An import either succeeds or fails with a message (and leaves nothing behind);
// a crash, a hang, undefined behaviour, an escaping exception or a half import is a finding.
#include <cstdint>
#include <stdexcept>

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/dense.h"
#include "backend/workspace.h"

namespace ef {
// corpus.cpp's evaluateBm25 calls dense.cpp's evaluate(), which needs LibTorch; never called here.
Expected<EvalResult> evaluate(Database &, const CorpusInfo &, const QString &, bool, const SearchOptions &,
                              DenseContext *, const CorpusProgress &)
{
    __builtin_trap();
}
} // namespace ef

namespace {

// A workspace schema in memory-backed files where available, without fsync: thousands of
// imports a minute instead of dozens.
struct Fixture
{
    QTemporaryDir dir{QDir(QStringLiteral("/dev/shm")).exists() ? QStringLiteral("/dev/shm/ef-fuzz-XXXXXX")
                                                                : QDir::tempPath() + QStringLiteral("/ef-fuzz-XXXXXX")};
    std::unique_ptr<ef::Database> db;
    Fixture()
    {
        auto opened = ef::Database::open(dir.filePath(QStringLiteral("fuzz.efws")), ef::Database::Mode::Create);
        if (!opened)
            __builtin_trap();
        db = std::move(opened.value());
        db->exec(QStringLiteral("PRAGMA synchronous = OFF"));
        for (const ef::Migration &m : ef::workspaceMigrations())
            db->exec(QString::fromUtf8(m.sql));
    }
};

void write(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
        __builtin_trap();
}

qint64 count(ef::Database &db, const char *table)
{
    return db.queryInt(QStringLiteral("SELECT COUNT(*) FROM %1").arg(QLatin1String(table)));
}

// Imports, searches with each query, then removes the corpus so that the next input starts empty.
void importAndSearch(Fixture &f, const ef::CorpusImport &options, const QList<QByteArray> &queries)
{
    const ef::Expected<ef::CorpusInfo> c = ef::importCorpus(*f.db, options);
    if (!c) {
        if (c.error().isEmpty() || count(*f.db, "corpora") != 0 || count(*f.db, "documents") != 0)
            __builtin_trap(); // a failed import says why and leaves nothing behind
        return;
    }
    for (const QByteArray &q : queries)
        (void)ef::searchBm25(*f.db, c.value(), QString::fromUtf8(q), 10);
    f.db->exec(QStringLiteral("DROP TABLE fts_%1").arg(c->id));
    f.db->exec(QStringLiteral("DELETE FROM corpora"));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Fixture f;
    const QList<QByteArray> parts =
        QByteArray(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size)).split('\0');
    const QString beir = f.dir.filePath(QStringLiteral("beir"));
    QDir(beir).removeRecursively();
    write(beir + QStringLiteral("/corpus.jsonl"), parts.value(0));
    if (parts.size() > 1)
        write(beir + QStringLiteral("/queries.jsonl"), parts.value(1));
    if (parts.size() > 2)
        write(beir + QStringLiteral("/qrels/test.tsv"), parts.value(2));
    const QList<QByteArray> queries = parts.value(1).split('\n').mid(0, 8);
    try {
        importAndSearch(f, {ef::CorpusImport::Kind::Beir, beir, QStringLiteral("fuzz")}, queries);
        // The same bytes as a JSONL corpus with other field names.
        ef::CorpusImport jsonl{ef::CorpusImport::Kind::Jsonl, beir + QStringLiteral("/corpus.jsonl"),
                               QStringLiteral("fuzz")};
        jsonl.idField = QStringLiteral("id");
        jsonl.titleField = QStringLiteral("_id");
        importAndSearch(f, jsonl, queries);
    } catch (const ef::DbError &) {
        __builtin_trap(); // importCorpus returns errors; searchBm25 quotes every term
    }
    return 0;
}
