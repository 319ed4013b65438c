// SPDX-License-Identifier: GPL-3.0-or-later
// Corpora: import, export, BM25 search and evaluation.
#include "backend/corpus.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>

#include "backend/database.h"
#include "backend/fileguard.h"
#include "backend/timestamp.h"
#include "backend/fts.h"
#include "backend/jobs.h"

namespace ef {

namespace {

constexpr int kProgressEvery = 500;

QString ftsTable(qint64 corpusId)
{
    return QStringLiteral("fts_%1").arg(corpusId);
}

// One failure, with the file and line it came from.
struct ImportError
{
    QString message;
};

[[noreturn]] void fail(const QString &message)
{
    throw ImportError{message};
}

class Importer
{
public:
    Importer(Database &db, qint64 corpusId, const CorpusProgress &progress)
        : m_db(db), m_corpus(corpusId), m_progress(progress)
    {
        m_insertDoc = std::make_unique<Statement>(m_db.prepare(QStringLiteral(
            "INSERT INTO documents(corpus_id, ext_id, title, text, title_idx, text_idx) VALUES (?, ?, ?, ?, ?, ?)")));
        m_insertQuery = std::make_unique<Statement>(
            m_db.prepare(QStringLiteral("INSERT INTO queries(corpus_id, ext_id, text) VALUES (?, ?, ?)")));
        m_insertQrel = std::make_unique<Statement>(m_db.prepare(QStringLiteral(
            "INSERT INTO qrels(corpus_id, split, query_ext_id, doc_ext_id, score) VALUES (?, ?, ?, ?, ?)")));
    }

    void document(const QString &where, const QString &id, const QString &title, const QString &text)
    {
        if (id.isEmpty())
            fail(QCoreApplication::translate("ef::Corpus", "%1: the document id is empty").arg(where));
        if (const int first = m_docLines.value(id, 0); first != 0)
            fail(QCoreApplication::translate("ef::Corpus", "%1: duplicate document id '%2' (first seen at %3)")
                     .arg(where, id, m_docWhere.value(id)));
        m_docLines.insert(id, 1);
        m_docWhere.insert(id, where);
        // A null QString binds as SQL NULL; an absent title is an empty one.
        const auto nn = [](const QString &v) { return v.isNull() ? QStringLiteral("") : v; };
        m_insertDoc->bind(1, m_corpus).bind(2, id).bind(3, nn(title)).bind(4, nn(text));
        m_insertDoc->bind(5, nn(fts::segmentForIndex(title))).bind(6, nn(fts::segmentForIndex(text)));
        m_insertDoc->run();
        m_insertDoc->reset();
        tick(QCoreApplication::translate("ef::Corpus", "documents"));
    }

    void query(const QString &where, const QString &id, const QString &text)
    {
        if (id.isEmpty())
            fail(QCoreApplication::translate("ef::Corpus", "%1: the query id is empty").arg(where));
        if (m_queryIds.contains(id))
            fail(QCoreApplication::translate("ef::Corpus", "%1: duplicate query id '%2'").arg(where, id));
        m_queryIds.insert(id, true);
        m_insertQuery->bind(1, m_corpus).bind(2, id).bind(3, text.isNull() ? QStringLiteral("") : text).run();
        m_insertQuery->reset();
        tick(QCoreApplication::translate("ef::Corpus", "queries"));
    }

    void qrel(const QString &where, const QString &split, const QString &queryId, const QString &docId, int score)
    {
        if (!m_queryIds.contains(queryId))
            fail(QCoreApplication::translate("ef::Corpus", "%1: unknown query-id '%2'").arg(where, queryId));
        if (!m_docLines.contains(docId))
            fail(QCoreApplication::translate("ef::Corpus", "%1: unknown corpus-id '%2'").arg(where, docId));
        try {
            m_insertQrel->bind(1, m_corpus).bind(2, split).bind(3, queryId).bind(4, docId).bind(5, score).run();
        } catch (const DbError &) {
            fail(QCoreApplication::translate("ef::Corpus", "%1: the pair (%2, %3) is listed twice")
                     .arg(where, queryId, docId));
        }
        m_insertQrel->reset();
        tick(QCoreApplication::translate("ef::Corpus", "qrels"));
    }

    qint64 documents() const { return m_docLines.size(); }

private:
    void tick(const QString &what)
    {
        if (++m_done % kProgressEvery == 0 && m_progress && !m_progress(m_done, what))
            throw JobCancelled();
    }

    Database &m_db;
    qint64 m_corpus;
    CorpusProgress m_progress;
    qint64 m_done = 0;
    std::unique_ptr<Statement> m_insertDoc, m_insertQuery, m_insertQrel;
    QHash<QString, int> m_docLines;
    QHash<QString, QString> m_docWhere;
    QHash<QString, bool> m_queryIds;
};

// Reads a UTF-8 file line by line; fn(line, lineNo). Invalid UTF-8 is an error naming the line.
template <typename F> void forEachLine(const QString &path, F fn)
{
    QFile f;
    QString error;
    if (!fileguard::openForReading(f, path, &error))
        fail(error);
    int lineNo = 0;
    while (!f.atEnd()) {
        bool tooLong = false;
        QByteArray raw = fileguard::readLine(f, fileguard::kMaxLineBytes, &tooLong);
        ++lineNo;
        if (tooLong)
            fail(fileguard::lineTooLong(path, lineNo, fileguard::kMaxLineBytes));
        while (raw.endsWith('\n') || raw.endsWith('\r'))
            raw.chop(1);
        if (raw.trimmed().isEmpty())
            continue;
        fn(raw, lineNo);
    }
}

QJsonObject parseJsonLine(const QString &file, int lineNo, const QByteArray &raw)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(raw, &err);
    if (err.error != QJsonParseError::NoError)
        fail(QCoreApplication::translate("ef::Corpus", "%1:%2: invalid JSON: %3")
                 .arg(file)
                 .arg(lineNo)
                 .arg(err.errorString()));
    if (!doc.isObject())
        fail(QCoreApplication::translate("ef::Corpus", "%1:%2: not a JSON object").arg(file).arg(lineNo));
    return doc.object();
}

QString stringField(const QString &file, int lineNo, const QJsonObject &o, const QString &key, bool required)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            fail(QCoreApplication::translate("ef::Corpus", "%1:%2: missing \"%3\"").arg(file).arg(lineNo).arg(key));
        return {};
    }
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 17); // numeric ids are common in BEIR exports
    if (!v.isString())
        fail(QCoreApplication::translate("ef::Corpus", "%1:%2: \"%3\" is not a string").arg(file).arg(lineNo).arg(key));
    return v.toString();
}

void importBeir(Importer &imp, const QString &dir)
{
    const QDir d(dir);
    const QString corpus = d.filePath(QStringLiteral("corpus.jsonl"));
    if (!QFileInfo::exists(corpus))
        fail(QCoreApplication::translate("ef::Corpus", "'%1' is not a BEIR folder: corpus.jsonl is missing").arg(dir));
    forEachLine(corpus, [&](const QByteArray &raw, int n) {
        const QJsonObject o = parseJsonLine(corpus, n, raw);
        imp.document(QStringLiteral("%1:%2").arg(corpus).arg(n), stringField(corpus, n, o, QStringLiteral("_id"), true),
                     stringField(corpus, n, o, QStringLiteral("title"), false),
                     stringField(corpus, n, o, QStringLiteral("text"), true));
    });
    const QString queries = d.filePath(QStringLiteral("queries.jsonl"));
    if (QFileInfo::exists(queries)) {
        forEachLine(queries, [&](const QByteArray &raw, int n) {
            const QJsonObject o = parseJsonLine(queries, n, raw);
            imp.query(QStringLiteral("%1:%2").arg(queries).arg(n),
                      stringField(queries, n, o, QStringLiteral("_id"), true),
                      stringField(queries, n, o, QStringLiteral("text"), true));
        });
    }
    const QStringList splits =
        QDir(d.filePath(QStringLiteral("qrels"))).entryList({QStringLiteral("*.tsv")}, QDir::Files, QDir::Name);
    for (const QString &file : splits) {
        const QString path = d.filePath(QStringLiteral("qrels/") + file);
        const QString split = QFileInfo(file).completeBaseName();
        bool header = true;
        forEachLine(path, [&](const QByteArray &raw, int n) {
            const QList<QByteArray> cols = raw.split('\t');
            if (header) {
                header = false;
                if (cols.size() >= 3 && cols.at(0).trimmed() == "query-id" && cols.at(1).trimmed() == "corpus-id")
                    return;
                fail(QCoreApplication::translate("ef::Corpus",
                                                 "%1:%2: expected the header 'query-id<TAB>corpus-id<TAB>score'")
                         .arg(path)
                         .arg(n));
            }
            if (cols.size() < 3)
                fail(QCoreApplication::translate("ef::Corpus", "%1:%2: expected 3 tab-separated columns, found %3")
                         .arg(path)
                         .arg(n)
                         .arg(cols.size()));
            bool ok = false;
            const int score = cols.at(2).trimmed().toInt(&ok);
            if (!ok)
                fail(QCoreApplication::translate("ef::Corpus", "%1:%2: score '%3' is not an integer")
                         .arg(path)
                         .arg(n)
                         .arg(QString::fromUtf8(cols.at(2))));
            imp.qrel(QStringLiteral("%1:%2").arg(path).arg(n), split, QString::fromUtf8(cols.at(0)).trimmed(),
                     QString::fromUtf8(cols.at(1)).trimmed(), score);
        });
    }
}

void importJsonl(Importer &imp, const CorpusImport &o)
{
    forEachLine(o.path, [&](const QByteArray &raw, int n) {
        const QJsonObject obj = parseJsonLine(o.path, n, raw);
        imp.document(QStringLiteral("%1:%2").arg(o.path).arg(n), stringField(o.path, n, obj, o.idField, true),
                     stringField(o.path, n, obj, o.titleField, false), stringField(o.path, n, obj, o.textField, true));
    });
}

void importFolder(Importer &imp, const QString &dir)
{
    if (!QFileInfo(dir).isDir())
        fail(QCoreApplication::translate("ef::Corpus", "'%1' is not a folder").arg(dir));
    QStringList files;
    QDirIterator it(dir, {QStringLiteral("*.txt"), QStringLiteral("*.md"), QStringLiteral("*.markdown")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    for (const QString &path : std::as_const(files)) {
        const Expected<QByteArray> read = fileguard::readAll(path, fileguard::kMaxLineBytes);
        if (!read)
            fail(read.error());
        const QByteArray &bytes = read.value();
        QStringDecoder decode(QStringDecoder::Utf8);
        const QString text = decode(bytes);
        if (decode.hasError())
            fail(QCoreApplication::translate("ef::Corpus", "'%1' is not UTF-8 text").arg(path));
        QString title = QFileInfo(path).completeBaseName();
        if (path.endsWith(QLatin1String(".md")) || path.endsWith(QLatin1String(".markdown"))) {
            for (const QString &line : text.split(QLatin1Char('\n'))) {
                if (line.startsWith(QLatin1String("# "))) {
                    title = line.mid(2).trimmed();
                    break;
                }
            }
        }
        imp.document(path, QDir(dir).relativeFilePath(path), title, text);
    }
}

CorpusInfo readInfo(Database &db, Statement &row)
{
    CorpusInfo c;
    c.id = row.columnInt(0);
    c.name = row.columnText(1);
    c.source = row.columnText(2);
    c.createdAt = row.columnText(3);
    c.documents = db.queryInt(QStringLiteral("SELECT COUNT(*) FROM documents WHERE corpus_id = %1").arg(c.id));
    c.queries = db.queryInt(QStringLiteral("SELECT COUNT(*) FROM queries WHERE corpus_id = %1").arg(c.id));
    c.qrels = db.queryInt(QStringLiteral("SELECT COUNT(*) FROM qrels WHERE corpus_id = %1").arg(c.id));
    Statement splits =
        db.prepare(QStringLiteral("SELECT DISTINCT split FROM qrels WHERE corpus_id = ? ORDER BY split"));
    splits.bind(1, c.id);
    while (splits.step())
        c.splits << splits.columnText(0);
    return c;
}

} // namespace

Expected<CorpusInfo> importCorpus(Database &db, const CorpusImport &o, const CorpusProgress &progress)
{
    if (o.name.trimmed().isEmpty())
        return makeError(QCoreApplication::translate("ef::Corpus", "a corpus needs a name"));
    const QString kind = o.kind == CorpusImport::Kind::Beir    ? QStringLiteral("beir")
                         : o.kind == CorpusImport::Kind::Jsonl ? QStringLiteral("jsonl")
                                                               : QStringLiteral("folder");
    try {
        Transaction tx(db); // all or nothing: a killed or failed import leaves no trace
        Statement exists = db.prepare(QStringLiteral("SELECT 1 FROM corpora WHERE name = ?"));
        exists.bind(1, o.name);
        if (exists.step())
            return makeError(
                QCoreApplication::translate("ef::Corpus", "a corpus named '%1' already exists").arg(o.name));
        db.prepare(QStringLiteral("INSERT INTO corpora(name, source, created_at) VALUES (?, ?, ?)"))
            .bind(1, o.name)
            .bind(2, kind + QLatin1Char(':') + QFileInfo(o.path).absoluteFilePath())
            .bind(3, isoNow())
            .run();
        const qint64 id = db.lastInsertRowId();
        Importer imp(db, id, progress);
        switch (o.kind) {
        case CorpusImport::Kind::Beir:
            importBeir(imp, o.path);
            break;
        case CorpusImport::Kind::Jsonl:
            importJsonl(imp, o);
            break;
        case CorpusImport::Kind::Folder:
            importFolder(imp, o.path);
            break;
        }
        if (imp.documents() == 0)
            return makeError(QCoreApplication::translate("ef::Corpus", "'%1' holds no documents").arg(o.path));
        const QString fts = ftsTable(id);
        db.exec(QStringLiteral("CREATE VIRTUAL TABLE %1 USING fts5(title_idx, text_idx, content='documents', "
                               "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
                    .arg(fts));
        db.exec(
            QStringLiteral("INSERT INTO %1(rowid, title_idx, text_idx) SELECT id, title_idx, text_idx FROM documents "
                           "WHERE corpus_id = %2")
                .arg(fts)
                .arg(id));
        tx.commit();
    } catch (const ImportError &e) {
        return makeError(e.message);
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    return findCorpus(db, o.name);
}

QList<CorpusInfo> listCorpora(Database &db)
{
    QList<CorpusInfo> out;
    Statement st = db.prepare(QStringLiteral("SELECT id, name, source, created_at FROM corpora ORDER BY name"));
    while (st.step())
        out << readInfo(db, st);
    return out;
}

Expected<QList<CorpusInfo>> listCorpora(const Workspace &ws)
{
    auto db = ws.connect();
    if (!db)
        return makeError(db.error());
    try {
        return listCorpora(**db);
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<QStringList> corpusQueryTexts(const Workspace &ws, qint64 corpusId, int limit)
{
    auto db = ws.connect();
    if (!db)
        return makeError(db.error());
    try {
        QStringList texts;
        Statement st =
            (*db)->prepare(QStringLiteral("SELECT text FROM queries WHERE corpus_id = ? ORDER BY id LIMIT ?"));
        st.bind(1, corpusId).bind(2, limit);
        while (st.step())
            texts << st.columnText(0);
        return texts;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<CorpusInfo> findCorpus(Database &db, const QString &name)
{
    Statement st = db.prepare(QStringLiteral("SELECT id, name, source, created_at FROM corpora WHERE name = ?"));
    st.bind(1, name);
    if (!st.step())
        return makeError(QCoreApplication::translate("ef::Corpus", "no corpus named '%1' in this workspace").arg(name));
    return readInfo(db, st);
}

Status exportBeir(Database &db, const QString &name, const QString &outDir)
{
    auto c = findCorpus(db, name);
    if (!c)
        return makeError(c.error());
    if (!QDir().mkpath(QDir(outDir).filePath(QStringLiteral("qrels"))))
        return makeError(QCoreApplication::translate("ef::Corpus", "cannot create '%1'").arg(outDir));
    auto writeLines = [&](const QString &path, const QString &sql, auto line) -> Status {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return makeError(
                QCoreApplication::translate("ef::Corpus", "cannot write '%1': %2").arg(path, f.errorString()));
        Statement st = db.prepare(sql);
        st.bind(1, c->id);
        while (st.step())
            f.write(line(st));
        if (!f.flush())
            return makeError(
                QCoreApplication::translate("ef::Corpus", "cannot write '%1': %2").arg(path, f.errorString()));
        return Status::success();
    };
    const auto json = [](const QJsonObject &o) -> QByteArray {
        return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    };
    Status s = writeLines(QDir(outDir).filePath(QStringLiteral("corpus.jsonl")),
                          QStringLiteral("SELECT ext_id, title, text FROM documents WHERE corpus_id = ? ORDER BY id"),
                          [&](Statement &st) {
                              return json({{QStringLiteral("_id"), st.columnText(0)},
                                           {QStringLiteral("title"), st.columnText(1)},
                                           {QStringLiteral("text"), st.columnText(2)}});
                          });
    if (!s)
        return s;
    s = writeLines(
        QDir(outDir).filePath(QStringLiteral("queries.jsonl")),
        QStringLiteral("SELECT ext_id, text FROM queries WHERE corpus_id = ? ORDER BY id"), [&](Statement &st) {
            return json({{QStringLiteral("_id"), st.columnText(0)}, {QStringLiteral("text"), st.columnText(1)}});
        });
    if (!s)
        return s;
    for (const QString &split : c->splits) {
        QFile f(QDir(outDir).filePath(QStringLiteral("qrels/%1.tsv").arg(split)));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return makeError(
                QCoreApplication::translate("ef::Corpus", "cannot write '%1': %2").arg(f.fileName(), f.errorString()));
        f.write("query-id\tcorpus-id\tscore\n");
        Statement st = db.prepare(
            QStringLiteral("SELECT query_ext_id, doc_ext_id, score FROM qrels WHERE corpus_id = ? AND split = ? "
                           "ORDER BY query_ext_id, doc_ext_id"));
        st.bind(1, c->id).bind(2, split);
        while (st.step())
            f.write(
                QStringLiteral("%1\t%2\t%3\n").arg(st.columnText(0), st.columnText(1)).arg(st.columnInt(2)).toUtf8());
        if (!f.flush())
            return makeError(
                QCoreApplication::translate("ef::Corpus", "cannot write '%1': %2").arg(f.fileName(), f.errorString()));
    }
    return Status::success();
}

QList<SearchHit> searchBm25(Database &db, const CorpusInfo &corpus, const QString &query, int k)
{
    QList<SearchHit> hits;
    const QString match = fts::matchExpression(query);
    if (match.isEmpty() || k <= 0)
        return hits;
    const QString fts = ftsTable(corpus.id);
    // Rank first (cheap: no joins, no snippets), then build title and snippet for the top k
    // only; in one statement SQLite would compute them for every matching row before sorting.
    Statement rank =
        db.prepare(QStringLiteral("SELECT rowid, rank FROM %1 WHERE %1 MATCH ? ORDER BY rank LIMIT ?").arg(fts));
    rank.bind(1, match).bind(2, k);
    QList<QPair<qint64, double>> top;
    while (rank.step())
        top.append({rank.columnInt(0), -rank.columnDouble(1)});
    Statement detail =
        db.prepare(QStringLiteral("SELECT d.ext_id, d.title, snippet(%1, 1, char(1), char(2), '…', 24) "
                                  "FROM %1 JOIN documents d ON d.id = %1.rowid WHERE %1 MATCH ? AND %1.rowid = ?")
                       .arg(fts));
    for (const auto &[rowid, score] : top) {
        detail.bind(1, match).bind(2, rowid);
        if (detail.step())
            hits.append({detail.columnText(0), detail.columnText(1), fts::joinCjk(detail.columnText(2)), score});
        detail.reset();
    }
    return hits;
}

QString markSnippet(const QString &snippet, const QString &open, const QString &close)
{
    QString s = snippet;
    s.replace(QChar(1), open).replace(QChar(2), close);
    return s;
}

} // namespace ef
