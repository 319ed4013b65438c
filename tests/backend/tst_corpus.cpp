// SPDX-License-Identifier: GPL-3.0-or-later
// Corpora: BEIR / JSONL / folder import, broken input (line numbers, nothing half-imported),
// FTS5 query safety with hostile strings, CJK matching, metrics on hand-computed cases.
#include <csignal>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "backend/corpus.h"
#include "backend/retrieval.h"
#include "backend/database.h"
#include "backend/fts.h"
#include "backend/metrics.h"
#include "backend/workspace.h"
#include "tests/common/testutil.h"

using namespace ef;

namespace {
using ef::test::writeFile;

// A small BEIR folder: English, German and Chinese documents, two splits.
void writeBeir(const QString &dir)
{
    writeFile(
        dir + QStringLiteral("/corpus.jsonl"),
        "{\"_id\": \"d1\", \"title\": \"Fixing a leaking tap\", \"text\": \"Replace the washer inside the tap to stop "
        "the drip.\"}\n"
        "{\"_id\": \"d2\", \"title\": \"Kitchen sinks\", \"text\": \"A double sink makes washing dishes easier.\"}\n"
        "{\"_id\": \"d3\", \"title\": \"Wasserhahn reparieren\", \"text\": \"Die Dichtung im Wasserhahn tauschen, dann "
        "tropft nichts mehr.\"}\n"
        "{\"_id\": \"d4\", \"title\": \"\\u6c34\\u9f99\\u5934\\u6f0f\\u6c34\", \"text\": "
        "\"\\u66f4\\u6362\\u6c34\\u9f99\\u5934\\u91cc\\u7684\\u5bc6\\u5c01\\u5708\\u5c31\\u80fd\\u89e3\\u51b3\\u6f0f\\u"
        "6c34\\u95ee\\u9898\\u3002\"}\n"
        "{\"_id\": 5, \"text\": \"Numeric ids are kept as text. Taps, valves and pipes.\"}\n");
    writeFile(dir + QStringLiteral("/queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"leaking tap washer\"}\n"
                                                      "{\"_id\": \"q2\", \"text\": \"\\u6f0f\\u6c34\"}\n"
                                                      "{\"_id\": \"q3\", \"text\": \"nothing relevant here\"}\n");
    writeFile(dir + QStringLiteral("/qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\t5\t1\nq2\td4\t1\n");
    writeFile(dir + QStringLiteral("/qrels/dev.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
}
} // namespace

class TestCorpus final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void importsBeirAndSearches();
    void cjkQueriesMatchInsideRuns();
    void hostileQueriesAreSafe_data();
    void hostileQueriesAreSafe();
    void brokenInputFailsWithLineAndLeavesNothing_data();
    void brokenInputFailsWithLineAndLeavesNothing();
    void importsJsonlAndFolder();
    void onlyRegularFiles();
    void folderImportLosesNothing();
    void numericIdsKeepTheirText();
    void markersInNamesStayIntact();
    void queryLimits();
    void exportRoundTrips();
    void metricsOnHandComputedCases();
    void evaluationMatchesMetrics();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    int m_n = 0;
};

void TestCorpus::init()
{
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("w%1.efws").arg(++m_n)));
    QVERIFY2(ws, qPrintable(ws.error()));
    m_db = std::move(ws->connect().value());
}

void TestCorpus::importsBeirAndSearches()
{
    const QString dir = m_dir.filePath(QStringLiteral("beir"));
    writeBeir(dir);
    QList<qint64> progress;
    auto c =
        importCorpus(*m_db, {CorpusImport::Kind::Beir, dir, QStringLiteral("demo")}, [&](qint64 n, const QString &) {
            progress << n;
            return true;
        });
    QVERIFY2(c, qPrintable(c.error()));
    QCOMPARE(c->documents, 5);
    QCOMPARE(c->queries, 3);
    QCOMPARE(c->qrels, 4);
    QCOMPARE(c->splits, (QStringList{QStringLiteral("dev"), QStringLiteral("test")}));
    QCOMPARE(listCorpora(*m_db).size(), 1);

    const QList<SearchHit> hits = searchBm25(*m_db, c.value(), QStringLiteral("leaking tap"), 10);
    QCOMPARE(hits.size(), 1); // unicode61 does not stem: "Taps" in document 5 is another word
    QCOMPARE(hits.first().docId, QStringLiteral("d1"));
    QVERIFY(hits.first().score > 0);
    QVERIFY(
        markSnippet(hits.first().snippet, QStringLiteral("["), QStringLiteral("]")).contains(QStringLiteral("[tap]")));
    // Diacritics are folded: "Wasserhahn" found without caring about case.
    QCOMPARE(searchBm25(*m_db, c.value(), QStringLiteral("WASSERHAHN"), 10).value(0).docId, QStringLiteral("d3"));
    // Numeric ids became text.
    QCOMPARE(searchBm25(*m_db, c.value(), QStringLiteral("valves"), 10).value(0).docId, QStringLiteral("5"));
    QVERIFY(!importCorpus(*m_db, {CorpusImport::Kind::Beir, dir, QStringLiteral("demo")}));
}

void TestCorpus::cjkQueriesMatchInsideRuns()
{
    QCOMPARE(fts::segmentForIndex(QStringLiteral("修理水龙头 now")), QStringLiteral(" 修  理  水  龙  头  now"));
    QCOMPARE(fts::joinCjk(fts::segmentForIndex(QStringLiteral("修理水龙头 now"))), QStringLiteral("修理水龙头 now"));
    QCOMPARE(fts::joinCjk(QStringLiteral(" \x01空 调\x02 效 果 ， 很 好 ok")),
             QStringLiteral("\x01空调\x02效果，很好 ok"));
    QCOMPARE(fts::queryTerms(QStringLiteral("水龙头leak 漏水")),
             (QStringList{QStringLiteral("水龙头"), QStringLiteral("leak"), QStringLiteral("漏水")}));
    const QString dir = m_dir.filePath(QStringLiteral("beir-cjk"));
    writeBeir(dir);
    auto c = importCorpus(*m_db, {CorpusImport::Kind::Beir, dir, QStringLiteral("cjk")});
    QVERIFY(c);
    // "漏水" sits inside the unspaced run "水龙头漏水" and "解决漏水问题".
    const QList<SearchHit> hits = searchBm25(*m_db, c.value(), QStringLiteral("漏水"), 10);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits.first().docId, QStringLiteral("d4"));
    QVERIFY(
        markSnippet(hits.first().snippet, QStringLiteral("["), QStringLiteral("]"))
            .contains(QStringLiteral("[漏][水]")) ||
        markSnippet(hits.first().snippet, QStringLiteral("["), QStringLiteral("]")).contains(QStringLiteral("[漏水]")));
    // Characters that occur but not together do not match the phrase.
    QCOMPARE(searchBm25(*m_db, c.value(), QStringLiteral("水漏"), 10).size(), 0);
}

void TestCorpus::hostileQueriesAreSafe_data()
{
    QTest::addColumn<QString>("query");
    QTest::newRow("quotes") << QStringLiteral("tap\" OR \"x");
    QTest::newRow("unbalanced quote") << QStringLiteral("\"tap");
    QTest::newRow("NEAR") << QStringLiteral("NEAR(tap washer, 2)");
    QTest::newRow("prefix star") << QStringLiteral("ta*");
    QTest::newRow("lone star") << QStringLiteral("*");
    QTest::newRow("minus") << QStringLiteral("-tap");
    QTest::newRow("parentheses") << QStringLiteral("((tap)");
    QTest::newRow("column filter") << QStringLiteral("title_idx:tap");
    QTest::newRow("caret") << QStringLiteral("^tap");
    QTest::newRow("boolean words") << QStringLiteral("AND OR NOT");
    QTest::newRow("NUL") << QStringLiteral("tap") + QChar(0) + QStringLiteral("washer");
    QTest::newRow("only punctuation") << QStringLiteral("!!! ??? ...");
    QTest::newRow("empty") << QString();
    QTest::newRow("emoji") << QStringLiteral("🚰 tap");
    QTest::newRow("lone surrogate") << QString(QChar(0xD800)) + QStringLiteral("tap");
}

void TestCorpus::hostileQueriesAreSafe()
{
    QFETCH(QString, query);
    const QString dir = m_dir.filePath(QStringLiteral("beir-h"));
    if (!QFileInfo::exists(dir))
        writeBeir(dir);
    auto c = importCorpus(*m_db, {CorpusImport::Kind::Beir, dir, QStringLiteral("h")});
    QVERIFY(c);
    QList<SearchHit> hits;
    try {
        hits = searchBm25(*m_db, c.value(), query, 10);
    } catch (const DbError &e) {
        QFAIL(qPrintable(e.message()));
    }
    // Operators are words at most: never more documents than plain matching would give.
    for (const SearchHit &h : hits)
        QVERIFY(!h.docId.isEmpty());
    if (query.contains(QLatin1String("tap")) && !query.startsWith(QLatin1String("ta*")))
        QVERIFY2(!hits.isEmpty(), qPrintable(fts::matchExpression(query)));
}

void TestCorpus::brokenInputFailsWithLineAndLeavesNothing_data()
{
    QTest::addColumn<QByteArray>("corpus");
    QTest::addColumn<QByteArray>("qrels");
    QTest::addColumn<QString>("expected");
    const QByteArray good = "{\"_id\": \"a\", \"text\": \"x\"}\n{\"_id\": \"b\", \"text\": \"y\"}\n";
    const QByteArray goodQrels = "query-id\tcorpus-id\tscore\nq1\ta\t1\n";
    QTest::newRow("bad JSON line") << QByteArray(good + "{\"_id\": \"c\", \"text\": \n") << goodQrels
                                   << QStringLiteral("corpus.jsonl:3: invalid JSON");
    QTest::newRow("missing _id") << QByteArray(good + "{\"text\": \"z\"}\n") << goodQrels
                                 << QStringLiteral("corpus.jsonl:3: missing \"_id\"");
    QTest::newRow("duplicate id") << QByteArray(good + "{\"_id\": \"a\", \"text\": \"again\"}\n") << goodQrels
                                  << QStringLiteral("corpus.jsonl:3: duplicate document id 'a'");
    QTest::newRow("text not a string") << QByteArray("{\"_id\": \"a\", \"text\": [1]}\n") << goodQrels
                                       << QStringLiteral("corpus.jsonl:1: \"text\" is not a string");
    QTest::newRow("qrels unknown doc") << good << QByteArray("query-id\tcorpus-id\tscore\nq1\tzz\t1\n")
                                       << QStringLiteral("test.tsv:2: unknown corpus-id 'zz'");
    QTest::newRow("qrels unknown query") << good << QByteArray("query-id\tcorpus-id\tscore\nq9\ta\t1\n")
                                         << QStringLiteral("test.tsv:2: unknown query-id 'q9'");
    QTest::newRow("qrels no header") << good << QByteArray("q1\ta\t1\n")
                                     << QStringLiteral("test.tsv:1: expected the header");
    QTest::newRow("qrels bad score") << good << QByteArray("query-id\tcorpus-id\tscore\nq1\ta\thigh\n")
                                     << QStringLiteral("test.tsv:2: score 'high'");
    // Issue 15: a line is read with a bounded buffer, whatever the file holds.
    QTest::newRow("line over the limit")
        << QByteArray(good + "{\"_id\": \"c\", \"text\": \"" + QByteArray(9 << 20, 'x') + "\"}\n") << goodQrels
        << QStringLiteral("corpus.jsonl:3: the line is longer than 8 MiB, the most a line may hold");
    QTest::newRow("qrels line over the limit")
        << good << QByteArray("query-id\tcorpus-id\tscore\n" + QByteArray(9 << 20, '1'))
        << QStringLiteral("test.tsv:2: the line is longer than 8 MiB");
}

void TestCorpus::brokenInputFailsWithLineAndLeavesNothing()
{
    QFETCH(QByteArray, corpus);
    QFETCH(QByteArray, qrels);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("corpus.jsonl")), corpus);
    writeFile(dir.filePath(QStringLiteral("queries.jsonl")), "{\"_id\": \"q1\", \"text\": \"x\"}\n");
    writeFile(dir.filePath(QStringLiteral("qrels/test.tsv")), qrels);
    auto c = importCorpus(*m_db, {CorpusImport::Kind::Beir, dir.path(), QStringLiteral("broken")});
    QVERIFY(!c);
    QVERIFY2(c.error().contains(expected), qPrintable(c.error()));
    // Nothing of the failed import remains.
    QCOMPARE(listCorpora(*m_db).size(), 0);
    QCOMPARE(m_db->queryInt(QStringLiteral("SELECT COUNT(*) FROM documents")), 0);
    QCOMPARE(m_db->queryInt(QStringLiteral("SELECT COUNT(*) FROM sqlite_schema WHERE name LIKE 'fts_%'")), 0);
}

void TestCorpus::importsJsonlAndFolder()
{
    const QString jsonl = m_dir.filePath(QStringLiteral("docs.jsonl"));
    writeFile(jsonl, "{\"doc\": \"r1\", \"heading\": \"Heat pumps\", \"body\": \"Cold climate heat pumps work at minus "
                     "25 degrees.\"}\n"
                     "{\"doc\": \"r2\", \"body\": \"Solar panels and batteries.\"}\n");
    CorpusImport o{CorpusImport::Kind::Jsonl, jsonl, QStringLiteral("energy")};
    o.idField = QStringLiteral("doc");
    o.titleField = QStringLiteral("heading");
    o.textField = QStringLiteral("body");
    auto c = importCorpus(*m_db, o);
    QVERIFY2(c, qPrintable(c.error()));
    QCOMPARE(c->documents, 2);
    QCOMPARE(searchBm25(*m_db, c.value(), QStringLiteral("heat pumps"), 5).value(0).title,
             QStringLiteral("Heat pumps"));

    const QString folder = m_dir.filePath(QStringLiteral("notes"));
    writeFile(folder + QStringLiteral("/a.md"), "# Onboarding\nRead the security handbook first.\n");
    writeFile(folder + QStringLiteral("/sub/b.txt"), "Expense reports are due on Friday.\n");
    writeFile(folder + QStringLiteral("/ignored.png"), "\x89PNG");
    auto f = importCorpus(*m_db, {CorpusImport::Kind::Folder, folder, QStringLiteral("notes")});
    QVERIFY2(f, qPrintable(f.error()));
    QCOMPARE(f->documents, 2);
    const QList<SearchHit> hits = searchBm25(*m_db, f.value(), QStringLiteral("security handbook"), 5);
    QCOMPARE(hits.value(0).docId, QStringLiteral("a.md"));
    QCOMPARE(hits.value(0).title, QStringLiteral("Onboarding"));
    QCOMPARE(searchBm25(*m_db, f.value(), QStringLiteral("expense"), 5).value(0).docId, QStringLiteral("sub/b.txt"));

    // A file that is not UTF-8 text is skipped and listed; --strict makes it an error.
    writeFile(folder + QStringLiteral("/bad.txt"), QByteArray("caf\xe9 latin-1"));
    ImportReport report;
    auto skipped = importCorpus(*m_db, {CorpusImport::Kind::Folder, folder, QStringLiteral("notes2")}, {}, &report);
    QVERIFY2(skipped, qPrintable(skipped.error()));
    QCOMPARE(skipped->documents, 2);
    QCOMPARE(report.skipped.size(), 1);
    QCOMPARE(report.skipped.at(0).file, QStringLiteral("bad.txt"));
    QCOMPARE(report.skipped.at(0).reason, QStringLiteral("not UTF-8 text"));
    QCOMPARE(report.ignored, 1); // ignored.png
    CorpusImport strict{CorpusImport::Kind::Folder, folder, QStringLiteral("notes3")};
    strict.strict = true;
    auto bad = importCorpus(*m_db, strict);
    QVERIFY(!bad);
    QCOMPARE(bad.error(), QStringLiteral("'bad.txt' in '%1': not UTF-8 text").arg(folder));
}

// Issue 16.5: a folder import lost files silently and its ids depended on how the folder was named.
void TestCorpus::folderImportLosesNothing()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("notes"));
    writeFile(folder + QStringLiteral("/plain.txt"), "Plain notes about glaciers.\n");
    writeFile(folder + QStringLiteral("/sub/deep.md"), "# Deep\nNotes about volcanoes.\n");
    writeFile(folder + QStringLiteral("/UPPER.TXT"), "Upper case extension about deserts.\n");
    // A name that is not UTF-8 (Latin-1 "café.txt").
    const QByteArray latin1Name = QFile::encodeName(folder) + "/caf\xe9.txt";
    {
        const int fd = ::open(latin1Name.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        QVERIFY(fd >= 0);
        const QByteArray body("Coffee notes about espresso.\n");
        QCOMPARE(::write(fd, body.constData(), body.size()), ssize_t(body.size()));
        ::close(fd);
    }
    // A FIFO with a document's name, a link inside the folder, one outside, and a broken one.
    QCOMPARE(::mkfifo(QFile::encodeName(folder + QStringLiteral("/pipe.txt")).constData(), 0600), 0);
    writeFile(dir.filePath(QStringLiteral("outside/secret.txt")), "Outside the folder about passwords.\n");
    QVERIFY(QFile::link(folder + QStringLiteral("/plain.txt"), folder + QStringLiteral("/alias.txt")));
    QVERIFY(QFile::link(dir.filePath(QStringLiteral("outside/secret.txt")), folder + QStringLiteral("/secret.txt")));
    QVERIFY(QFile::link(dir.filePath(QStringLiteral("outside")), folder + QStringLiteral("/outdir")));
    QVERIFY(QFile::link(dir.filePath(QStringLiteral("nowhere.txt")), folder + QStringLiteral("/broken.txt")));
    QVERIFY(QFile::link(folder, folder + QStringLiteral("/sub/loop"))); // a cycle
    writeFile(folder + QStringLiteral("/.hidden.txt"), "hidden");

    const auto ids = [&](const Expected<CorpusInfo> &c) {
        QStringList out;
        Statement st =
            m_db->prepare(QStringLiteral("SELECT ext_id FROM documents WHERE corpus_id = ? ORDER BY ext_id"));
        st.bind(1, c->id);
        while (st.step())
            out << st.columnText(0);
        return out;
    };
    ImportReport report;
    auto c = importCorpus(*m_db, {CorpusImport::Kind::Folder, folder, QStringLiteral("abs")}, {}, &report);
    QVERIFY2(c, qPrintable(c.error()));
    const QStringList expected{QStringLiteral("UPPER.TXT"), QStringLiteral("alias.txt"), QStringLiteral("caf%E9.txt"),
                               QStringLiteral("plain.txt"), QStringLiteral("sub/deep.md")};
    QCOMPARE(ids(c), expected);
    QCOMPARE(searchBm25(*m_db, c.value(), QStringLiteral("espresso"), 1).value(0).docId, QStringLiteral("caf%E9.txt"));
    QStringList skipped;
    for (const ImportSkip &s : report.skipped)
        skipped << s.file + QStringLiteral(": ") + s.reason;
    QCOMPARE(skipped.size(), 5);
    QCOMPARE(skipped.at(0), QStringLiteral("broken.txt: a broken symbolic link"));
    QVERIFY2(skipped.at(1).startsWith(QStringLiteral("outdir: a symbolic link to '")), qPrintable(skipped.at(1)));
    QCOMPARE(skipped.at(2), QStringLiteral("pipe.txt: a named pipe (FIFO)"));
    QVERIFY2(skipped.at(3).startsWith(QStringLiteral("secret.txt: a symbolic link to '")) &&
                 skipped.at(3).contains(QStringLiteral("outside the folder")),
             qPrintable(skipped.at(3)));
    QCOMPARE(skipped.at(4), QStringLiteral("sub/loop: a link to a folder that is read already"));

    // The same ids when the folder is named relatively, with a trailing slash or through "..".
    const QString cwd = QDir::currentPath();
    QVERIFY(QDir::setCurrent(dir.path()));
    auto rel = importCorpus(*m_db, {CorpusImport::Kind::Folder, QStringLiteral("notes/"), QStringLiteral("rel")});
    auto dots =
        importCorpus(*m_db, {CorpusImport::Kind::Folder, QStringLiteral("outside/../notes"), QStringLiteral("dots")});
    QVERIFY(QDir::setCurrent(cwd));
    QVERIFY2(rel, qPrintable(rel.error()));
    QVERIFY2(dots, qPrintable(dots.error()));
    QCOMPARE(ids(rel), expected);
    QCOMPARE(ids(dots), expected);

    // Asked for, links outside the folder are read.
    CorpusImport follow{CorpusImport::Kind::Folder, folder, QStringLiteral("follow")};
    follow.followSymlinks = true;
    auto f = importCorpus(*m_db, follow, {}, &report);
    QVERIFY2(f, qPrintable(f.error()));
    QVERIFY(ids(f).contains(QStringLiteral("secret.txt")));
    QVERIFY(ids(f).contains(QStringLiteral("outdir/secret.txt")));
    ::unlink(latin1Name.constData()); // QTemporaryDir cannot remove a name that is not UTF-8
}

// Issue 16.5: a numeric BEIR id 0.1 became 0.10000000000000001 and no longer matched its qrels.
void TestCorpus::numericIdsKeepTheirText()
{
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("corpus.jsonl")),
              "{\"_id\": 0.1, \"title\": \"\", \"text\": \"glaciers melt\"}\n"
              "{\"text\": \"volcanoes erupt\", \"_id\": 12345678901234567890}\n"
              "{\"_id\": 1.50, \"text\": \"a \\\"quoted\\\" _id: 9 inside\", \"meta\": {\"_id\": 7}}\n");
    writeFile(dir.filePath(QStringLiteral("queries.jsonl")), "{\"_id\": 1e2, \"text\": \"glaciers\"}\n");
    writeFile(dir.filePath(QStringLiteral("qrels/test.tsv")),
              "query-id\tcorpus-id\tscore\n1e2\t0.1\t1\n1e2\t12345678901234567890\t0\n1e2\t1.50\t0\n");
    auto c = importCorpus(*m_db, {CorpusImport::Kind::Beir, dir.path(), QStringLiteral("numeric")});
    QVERIFY2(c, qPrintable(c.error()));
    QCOMPARE(c->documents, 3);
    QCOMPARE(c->qrels, 3);
    const QList<SearchHit> hits = searchBm25(*m_db, c.value(), QStringLiteral("glaciers"), 1);
    QCOMPARE(hits.value(0).docId, QStringLiteral("0.1"));
    QCOMPARE(searchBm25(*m_db, c.value(), QStringLiteral("volcanoes"), 1).value(0).docId,
             QStringLiteral("12345678901234567890"));
    QCOMPARE(searchBm25(*m_db, c.value(), QStringLiteral("quoted"), 1).value(0).docId, QStringLiteral("1.50"));
}

// Issue 15: a FIFO in place of a corpus file blocked corpus import forever.
void TestCorpus::onlyRegularFiles()
{
    QTemporaryDir dir;
    QElapsedTimer timer;
    timer.start();
    const QString fifo = dir.filePath(QStringLiteral("docs.jsonl"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    auto c = importCorpus(*m_db, {CorpusImport::Kind::Jsonl, fifo, QStringLiteral("fifo")});
    QVERIFY(!c);
    QCOMPARE(c.error(), QStringLiteral("'%1' is a named pipe (FIFO), not a regular file").arg(fifo));
    // In a BEIR folder, behind a symbolic link too.
    const QString beir = dir.filePath(QStringLiteral("beir"));
    QVERIFY(QDir().mkpath(beir));
    QVERIFY(QFile::link(fifo, beir + QStringLiteral("/corpus.jsonl")));
    c = importCorpus(*m_db, {CorpusImport::Kind::Beir, beir, QStringLiteral("fifo")});
    QVERIFY(!c);
    QCOMPARE(c.error(), QStringLiteral("'%1/corpus.jsonl' is a named pipe (FIFO), not a regular file").arg(beir));
    c = importCorpus(*m_db, {CorpusImport::Kind::Jsonl, QStringLiteral("/dev/zero"), QStringLiteral("zero")});
    QVERIFY(!c);
    QCOMPARE(c.error(), QStringLiteral("'/dev/zero' is a device, not a regular file"));
    // A document file of a folder corpus is read whole, so it has the line limit.
    const QString folder = dir.filePath(QStringLiteral("notes"));
    writeFile(folder + QStringLiteral("/big.txt"), QByteArray((8 << 20) + 1, 'a'));
    c = importCorpus(*m_db, {CorpusImport::Kind::Folder, folder, QStringLiteral("big")});
    QVERIFY(!c);
    QCOMPARE(c.error(), QStringLiteral("'%1' holds no documents that can be imported: 1 files skipped, the first "
                                       "'big.txt': cannot read it: larger than 8 MiB, the most a document may hold")
                            .arg(folder));
    QVERIFY(timer.elapsed() < 5000);
    QCOMPARE(listCorpora(*m_db).size(), 0);
}

// Issue 15: a one-megabyte query took 17 GB and a 40,000-character CJK query 2.2 GB in BM25.
void TestCorpus::queryLimits()
{
    // Queries within the limits are searched exactly as before.
    bool cut = true;
    QCOMPARE(fts::matchExpression(QStringLiteral("leaking tap 漏水"), &cut),
             QStringLiteral("\"leaking\" OR \"tap\" OR \"漏 水\""));
    QVERIFY(!cut);
    // More terms than the limit: the first kMaxQueryTerms are kept.
    QStringList words;
    for (int i = 0; i < 300; ++i)
        words << QStringLiteral("w%1").arg(i);
    const QString many = fts::matchExpression(words.join(QLatin1Char(' ')), &cut);
    QVERIFY(cut);
    QCOMPARE(many.count(QStringLiteral(" OR ")), fts::kMaxQueryTerms - 1);
    QVERIFY(many.endsWith(QStringLiteral("\"w255\"")));
    // A CJK run counts one term per character and is cut to fit.
    QString run;
    for (int i = 0; i < 40000; ++i)
        run += QChar(0x4E00 + i % 20000);
    const QString phrase = fts::matchExpression(QStringLiteral("w1 ") + run, &cut);
    QVERIFY(cut);
    QCOMPARE(phrase.count(QLatin1Char(' ')), 2 + fts::kMaxQueryTerms - 2); // "w1" OR "c1 c2 ... c255"
    // Bytes: cut at a character boundary.
    const QString longText = QString(QChar(0x00E9)).repeated(20000);
    const QString limited = fts::limitQueryBytes(longText, &cut);
    QVERIFY(cut);
    QCOMPARE(limited.toUtf8().size(), fts::kMaxQueryBytes);
    QCOMPARE(fts::limitQueryBytes(QStringLiteral("short"), &cut), QStringLiteral("short"));
    QVERIFY(!cut);

    // A one-megabyte query is answered quickly.
    const QString dir = m_dir.filePath(QStringLiteral("beir-q"));
    writeBeir(dir);
    auto c = importCorpus(*m_db, {CorpusImport::Kind::Beir, dir, QStringLiteral("q")});
    QVERIFY(c);
    QString huge = QStringLiteral("tap ");
    while (huge.size() < (1 << 20))
        huge += QStringLiteral("washer%1 ").arg(huge.size());
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(searchBm25(*m_db, c.value(), huge, 10).value(0).docId, QStringLiteral("d1"));
    QCOMPARE(searchBm25(*m_db, c.value(), QStringLiteral("漏水 ") + run, 10).value(0).docId, QStringLiteral("d4"));
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
}

void TestCorpus::exportRoundTrips()
{
    const QString dir = m_dir.filePath(QStringLiteral("beir-x"));
    writeBeir(dir);
    QVERIFY(importCorpus(*m_db, {CorpusImport::Kind::Beir, dir, QStringLiteral("x")}));
    const QString out = m_dir.filePath(QStringLiteral("exported"));
    QVERIFY(exportBeir(*m_db, QStringLiteral("x"), out));
    auto back = importCorpus(*m_db, {CorpusImport::Kind::Beir, out, QStringLiteral("x2")});
    QVERIFY2(back, qPrintable(back.error()));
    QCOMPARE(back->documents, 5);
    QCOMPARE(back->queries, 3);
    QCOMPARE(back->qrels, 4);
    QCOMPARE(back->splits, (QStringList{QStringLiteral("dev"), QStringLiteral("test")}));
    QVERIFY(!exportBeir(*m_db, QStringLiteral("nope"), out));

    // Issue 16.6: on a full disk the export left a truncated corpus.jsonl. Now the previous
    // files stay as they were, and nothing else is left in the folder. The disk fills up
    // (EFBIG) past 64 bytes, through RLIMIT_FSIZE with SIGXFSZ ignored.
    const QByteArray before = ef::test::fileHash(out + QStringLiteral("/corpus.jsonl"));
    const QStringList filesBefore = QDir(out).entryList(QDir::Files);
    writeFile(dir + QStringLiteral("/corpus.jsonl"),
              QByteArray("{\"_id\": \"%3\", \"text\": \"") + QByteArray(4096, 'x') + "\"}\n");
    writeFile(dir + QStringLiteral("/qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\t%3\t2\n");
    writeFile(dir + QStringLiteral("/qrels/dev.tsv"), "query-id\tcorpus-id\tscore\n");
    QVERIFY(importCorpus(*m_db, {CorpusImport::Kind::Beir, dir, QStringLiteral("big")}));
    rlimit saved{};
    QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = saved;
    small.rlim_cur = 64;
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
    const Status full = exportBeir(*m_db, QStringLiteral("big"), out);
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, oldHandler);
    QVERIFY(!full);
    QVERIFY2(full.error().contains(QStringLiteral("cannot write '%1/corpus.jsonl'").arg(out)),
             qPrintable(full.error()));
    QCOMPARE(ef::test::fileHash(out + QStringLiteral("/corpus.jsonl")), before);
    QCOMPARE(QDir(out).entryList(QDir::Files), filesBefore);
    // With room, the export completes; an id holding "%3" stays as it is in the qrels.
    QVERIFY(exportBeir(*m_db, QStringLiteral("big"), out));
    QFile qrels(out + QStringLiteral("/qrels/test.tsv"));
    QVERIFY(qrels.open(QIODevice::ReadOnly));
    QCOMPARE(qrels.readAll(), QByteArray("query-id\tcorpus-id\tscore\nq1\t%3\t2\n"));
}

// Issue 16.6: "%1" or "%2" in a file name garbled the messages that named it.
void TestCorpus::markersInNamesStayIntact()
{
    QTemporaryDir dir;
    const QString jsonl = dir.filePath(QStringLiteral("a%2b%1.jsonl"));
    writeFile(jsonl, "{\"_id\": \"d1\", \"text\": \"fine\"}\n{\"_id\": \"d2\", \"text\": true}\n");
    auto c = importCorpus(*m_db, {CorpusImport::Kind::Jsonl, jsonl, QStringLiteral("markers")});
    QVERIFY(!c);
    QCOMPARE(c.error(), jsonl + QStringLiteral(":2: \"text\" is not a string"));
    const QString folder = dir.filePath(QStringLiteral("n%1"));
    writeFile(folder + QStringLiteral("/%2.txt"), QByteArray("caf\xe9"));
    CorpusImport strict{CorpusImport::Kind::Folder, folder, QStringLiteral("markers")};
    strict.strict = true;
    c = importCorpus(*m_db, strict);
    QVERIFY(!c);
    QCOMPARE(c.error(), QStringLiteral("'%2.txt' in '") + folder + QStringLiteral("': not UTF-8 text"));
}

void TestCorpus::metricsOnHandComputedCases()
{
    using namespace metrics;
    const Qrels q{{QStringLiteral("a"), 2}, {QStringLiteral("b"), 1}, {QStringLiteral("c"), 1}};
    const QStringList ranking{QStringLiteral("x"), QStringLiteral("a"), QStringLiteral("y"), QStringLiteral("b")};
    // DCG = 2/log2(3) + 1/log2(5) = 1.26186 + 0.43068; IDCG = 2 + 1/log2(3) + 1/log2(4) = 3.13093.
    QVERIFY(qAbs(ndcgAt(ranking, q, 10) - (2 / std::log2(3.0) + 1 / std::log2(5.0)) / (2 + 1 / std::log2(3.0) + 0.5)) <
            1e-12);
    QVERIFY(qAbs(ndcgAt(ranking, q, 10) - 0.5405858) < 1e-6); // computed independently in Python
    QCOMPARE(mrrAt(ranking, q, 10), 0.5);
    QCOMPARE(mrrAt(ranking, q, 1), 0.0);
    QVERIFY(qAbs(recallAt(ranking, q, 100) - 2.0 / 3.0) < 1e-12);
    QVERIFY(qAbs(recallAt(ranking, q, 2) - 1.0 / 3.0) < 1e-12);
    // AP = (1/2 + 2/4) / 3 relevant = 1/3 (trec_eval map_cut divides by all relevant).
    QVERIFY(qAbs(mapAt(ranking, q, 10) - 1.0 / 3.0) < 1e-12);
    QCOMPARE(ndcgAt({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}, q, 10), 1.0);
    QCOMPARE(ndcgAt({}, q, 10), 0.0);
    // ignoreSelf drops the query's own id before scoring.
    const QueryScores self = scoreQuery(QStringLiteral("x"), ranking, q, true);
    QCOMPARE(self.mrr10, 1.0);
    const Summary avg = average({scoreQuery(QStringLiteral("q1"), {QStringLiteral("a")}, q, false),
                                 scoreQuery(QStringLiteral("q2"), {QStringLiteral("z")}, q, false)});
    QCOMPARE(avg.queries, 2);
    QCOMPARE(avg.mrr10, 0.5);
}

void TestCorpus::evaluationMatchesMetrics()
{
    const QString dir = m_dir.filePath(QStringLiteral("beir-e"));
    writeBeir(dir);
    auto c = importCorpus(*m_db, {CorpusImport::Kind::Beir, dir, QStringLiteral("e")});
    QVERIFY(c);
    auto r = evaluateBm25(*m_db, c.value(), QStringLiteral("test"), false);
    QVERIFY2(r, qPrintable(r.error()));
    QCOMPARE(r->summary.queries, 2); // q3 has no relevant documents
    for (const metrics::QueryScores &s : r->perQuery) {
        QStringList ranking;
        for (const SearchHit &h : searchBm25(
                 *m_db, c.value(),
                 s.queryId == QLatin1String("q1") ? QStringLiteral("leaking tap washer") : QStringLiteral("漏水"), 100))
            ranking << h.docId;
        metrics::Qrels q;
        Statement st = m_db->prepare(
            QStringLiteral("SELECT doc_ext_id, score FROM qrels WHERE split = 'test' AND query_ext_id = ?"));
        st.bind(1, s.queryId);
        while (st.step())
            q.insert(st.columnText(0), static_cast<int>(st.columnInt(1)));
        QCOMPARE(s.ndcg10, metrics::ndcgAt(ranking, q, 10));
    }
    QVERIFY(r->summary.ndcg10 > 0.5);
    QCOMPARE(
        m_db->queryInt(QStringLiteral("SELECT COUNT(*) FROM eval_results WHERE method = 'bm25' AND split = 'test'")),
        1);
    QVERIFY(!evaluateBm25(*m_db, c.value(), QStringLiteral("train"), false));
}

QTEST_GUILESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
