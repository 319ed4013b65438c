// SPDX-License-Identifier: GPL-3.0-or-later
// Corpora: import, export, BM25 search and evaluation.
#include "backend/corpus.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <vector>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStringDecoder>

#include "backend/argtext.h"
#include "backend/database.h"
#include "backend/fileguard.h"
#include "backend/fts.h"
#include "backend/jobs.h"
#include "backend/metrics.h"
#include "backend/timestamp.h"

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
                 .arg(argText(file), argText(lineNo), argText(err.errorString())));
    if (!doc.isObject())
        fail(QCoreApplication::translate("ef::Corpus", "%1:%2: not a JSON object").arg(argText(file), argText(lineNo)));
    return doc.object();
}

// The text of a number member of the top-level object in raw (a line that parsed as one), as
// written: "0.1" stays "0.1", where a double would print 0.10000000000000001. The last member of
// that name wins, as in QJsonObject.
QString rawNumber(const QByteArray &raw, const QString &key)
{
    const QByteArray want = key.toUtf8();
    QByteArray found;
    int depth = 0;
    bool expectKey = false;
    QByteArray lastKey;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const char c = raw.at(i);
        if (c == '"') {
            QByteArray str;
            for (++i; i < raw.size() && raw.at(i) != '"'; ++i) {
                if (raw.at(i) == '\\' && i + 1 < raw.size())
                    str += raw.at(i++);
                str += raw.at(i);
            }
            if (depth == 1 && expectKey)
                lastKey = str;
            continue;
        }
        if (c == '{' || c == '[') {
            ++depth;
            expectKey = c == '{' && depth == 1;
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (depth == 1 && c == ',') {
            expectKey = true;
        } else if (depth == 1 && c == ':') {
            expectKey = false;
            qsizetype j = i + 1;
            while (j < raw.size() && (raw.at(j) == ' ' || raw.at(j) == '\t'))
                ++j;
            qsizetype end = j;
            while (end < raw.size() &&
                   (std::isdigit(static_cast<unsigned char>(raw.at(end))) || raw.at(end) == '-' || raw.at(end) == '+' ||
                    raw.at(end) == '.' || raw.at(end) == 'e' || raw.at(end) == 'E'))
                ++end;
            if (lastKey == want && end > j)
                found = raw.mid(j, end - j);
        }
    }
    return QString::fromLatin1(found);
}

QString stringField(const QString &file, int lineNo, const QJsonObject &o, const QString &key, bool required,
                    const QByteArray &raw = {})
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            fail(QCoreApplication::translate("ef::Corpus", "%1:%2: missing \"%3\"")
                     .arg(argText(file), argText(lineNo), argText(key)));
        return {};
    }
    if (v.isDouble()) { // numeric ids are common in BEIR exports: keep them as written
        const QString written = raw.isEmpty() ? QString() : rawNumber(raw, key);
        return written.isEmpty() ? QString::number(v.toDouble(), 'g', 17) : written;
    }
    if (!v.isString())
        fail(QCoreApplication::translate("ef::Corpus", "%1:%2: \"%3\" is not a string")
                 .arg(argText(file), argText(lineNo), argText(key)));
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
        imp.document(QStringLiteral("%1:%2").arg(argText(corpus), argText(n)),
                     stringField(corpus, n, o, QStringLiteral("_id"), true, raw),
                     stringField(corpus, n, o, QStringLiteral("title"), false),
                     stringField(corpus, n, o, QStringLiteral("text"), true));
    });
    const QString queries = d.filePath(QStringLiteral("queries.jsonl"));
    if (QFileInfo::exists(queries)) {
        forEachLine(queries, [&](const QByteArray &raw, int n) {
            const QJsonObject o = parseJsonLine(queries, n, raw);
            imp.query(QStringLiteral("%1:%2").arg(argText(queries), argText(n)),
                      stringField(queries, n, o, QStringLiteral("_id"), true, raw),
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
                         .arg(argText(path), argText(n)));
            }
            if (cols.size() < 3)
                fail(QCoreApplication::translate("ef::Corpus", "%1:%2: expected 3 tab-separated columns, found %3")
                         .arg(argText(path), argText(n), argText(cols.size())));
            bool ok = false;
            const int score = cols.at(2).trimmed().toInt(&ok);
            if (!ok)
                fail(QCoreApplication::translate("ef::Corpus", "%1:%2: score '%3' is not an integer")
                         .arg(argText(path), argText(n), argText(QString::fromUtf8(cols.at(2)))));
            imp.qrel(QStringLiteral("%1:%2").arg(argText(path), argText(n)), split,
                     QString::fromUtf8(cols.at(0)).trimmed(), QString::fromUtf8(cols.at(1)).trimmed(), score);
        });
    }
}

void importJsonl(Importer &imp, const CorpusImport &o)
{
    forEachLine(o.path, [&](const QByteArray &raw, int n) {
        const QJsonObject obj = parseJsonLine(o.path, n, raw);
        imp.document(QStringLiteral("%1:%2").arg(argText(o.path), argText(n)),
                     stringField(o.path, n, obj, o.idField, true, raw),
                     stringField(o.path, n, obj, o.titleField, false), stringField(o.path, n, obj, o.textField, true));
    });
}

// A name's bytes as text: UTF-8 as it is; otherwise every byte outside ASCII, and '%', as %XX,
// so that no two names map to the same id.
QString nameToText(const QByteArray &name)
{
    QStringDecoder decode(QStringDecoder::Utf8,
                          QStringDecoder::Flag::Stateless); // a cut sequence at the end is an error too
    const QString text = decode(name);
    if (!decode.hasError())
        return text;
    QString out;
    for (const char c : name) {
        const auto b = static_cast<unsigned char>(c);
        if (b >= 0x80 || b == '%')
            out += QStringLiteral("%%1").arg(b, 2, 16, QLatin1Char('0')).toUpper();
        else
            out += QLatin1Char(c);
    }
    return out;
}

bool isCandidate(const QByteArray &name)
{
    const QByteArray lower = name.toLower();
    return lower.endsWith(".txt") || lower.endsWith(".md") || lower.endsWith(".markdown");
}

QString fileKind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return QCoreApplication::translate("ef::Corpus", "a named pipe (FIFO)");
    if (S_ISSOCK(mode))
        return QCoreApplication::translate("ef::Corpus", "a socket");
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return QCoreApplication::translate("ef::Corpus", "a device");
    return QCoreApplication::translate("ef::Corpus", "not a regular file");
}

QString errnoText(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

struct FolderEntry
{
    QByteArray path; // absolute, as bytes
    QString id;      // relative to the folder
};

// Walks a folder with the system's byte names, so that no name is lost to decoding.
class FolderWalk
{
public:
    FolderWalk(const CorpusImport &o, ImportReport &report) : m_options(o), m_report(report) {}

    QList<FolderEntry> run(const QString &dir)
    {
        const QByteArray root = QFile::encodeName(QFileInfo(dir).absoluteFilePath());
        char *real = ::realpath(root.constData(), nullptr);
        if (!real)
            fail(QCoreApplication::translate("ef::Corpus", "cannot read the folder '%1': %2")
                     .arg(dir, errnoText(errno)));
        m_rootReal = QByteArray(real);
        std::free(real);
        struct stat st
        {
        };
        if (::stat(m_rootReal.constData(), &st) != 0 || !S_ISDIR(st.st_mode))
            fail(QCoreApplication::translate("ef::Corpus", "'%1' is not a folder").arg(dir));
        m_visited.insert({st.st_dev, st.st_ino});
        walk(root, QByteArray(), 0);
        std::sort(m_files.begin(), m_files.end(),
                  [](const FolderEntry &a, const FolderEntry &b) { return a.id < b.id; });
        return m_files;
    }

    void skip(const QString &id, const QString &reason)
    {
        if (m_options.strict)
            fail(QCoreApplication::translate("ef::Corpus", "'%1' in '%2': %3").arg(id, m_options.path, reason));
        m_report.skipped.append({id, reason});
    }

private:
    bool inside(const QByteArray &real) const
    {
        return real == m_rootReal || real.startsWith(QByteArray(m_rootReal + '/'));
    }

    void walk(const QByteArray &dirPath, const QByteArray &rel, int depth)
    {
        constexpr int kMaxDepth = 64;
        DIR *d = ::opendir(dirPath.constData());
        if (!d) {
            skip(rel.isEmpty() ? QStringLiteral(".") : nameToText(rel),
                 QCoreApplication::translate("ef::Corpus", "cannot read the folder: %1").arg(errnoText(errno)));
            return;
        }
        QList<QByteArray> names;
        while (const dirent *e = ::readdir(d)) {
            const QByteArray name(e->d_name);
            if (name != "." && name != "..")
                names << name;
        }
        ::closedir(d);
        std::sort(names.begin(), names.end());
        for (const QByteArray &name : std::as_const(names)) {
            const QByteArray path = dirPath + '/' + name;
            const QByteArray relName = rel.isEmpty() ? name : QByteArray(rel + '/' + name);
            const QString id = nameToText(relName);
            if (name.startsWith('.')) { // hidden files and folders (.git), as file managers hide them
                ++m_report.ignored;
                continue;
            }
            struct stat st
            {
            };
            if (::lstat(path.constData(), &st) != 0) {
                if (isCandidate(name))
                    skip(id, errnoText(errno));
                continue;
            }
            if (S_ISLNK(st.st_mode)) {
                char *real = ::realpath(path.constData(), nullptr);
                if (!real || ::stat(real, &st) != 0) {
                    std::free(real);
                    if (isCandidate(name))
                        skip(id, QCoreApplication::translate("ef::Corpus", "a broken symbolic link"));
                    else
                        ++m_report.ignored;
                    continue;
                }
                const QByteArray target(real);
                std::free(real);
                if (!S_ISDIR(st.st_mode) && !isCandidate(name)) {
                    ++m_report.ignored;
                    continue;
                }
                if (!inside(target) && !m_options.followSymlinks) {
                    skip(id,
                         QCoreApplication::translate(
                             "ef::Corpus", "a symbolic link to '%1', outside the folder (not followed unless asked)")
                             .arg(QFile::decodeName(target)));
                    continue;
                }
            }
            if (S_ISDIR(st.st_mode)) {
                if (m_visited.count({st.st_dev, st.st_ino})) {
                    skip(id, QCoreApplication::translate("ef::Corpus", "a link to a folder that is read already"));
                    continue;
                }
                if (depth + 1 > kMaxDepth) {
                    skip(id, QCoreApplication::translate("ef::Corpus", "nested deeper than %1 folders").arg(kMaxDepth));
                    continue;
                }
                m_visited.insert({st.st_dev, st.st_ino});
                walk(path, relName, depth + 1);
                continue;
            }
            if (!isCandidate(name)) {
                ++m_report.ignored;
                continue;
            }
            if (!S_ISREG(st.st_mode)) {
                skip(id, fileKind(st.st_mode));
                continue;
            }
            m_files.append({path, id});
        }
    }

    const CorpusImport &m_options;
    ImportReport &m_report;
    QByteArray m_rootReal;
    std::set<std::pair<dev_t, ino_t>> m_visited;
    QList<FolderEntry> m_files;
};

QString tooLargeText(qint64 maxBytes)
{
    return QCoreApplication::translate("ef::Corpus", "larger than %1 MiB, the most a document may hold")
        .arg(maxBytes >> 20);
}

// The bytes of a regular file of at most maxBytes, or why not. Opened without blocking, and the
// kind checked on the descriptor, so a FIFO swapped in after the walk cannot block.
Expected<QByteArray> readRegularFile(const QByteArray &path, qint64 maxBytes)
{
    const int fd = ::open(path.constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return makeError(errnoText(errno));
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0)
        return makeError(errnoText(errno));
    if (!S_ISREG(st.st_mode))
        return makeError(fileKind(st.st_mode));
    if (st.st_size > maxBytes)
        return makeError(tooLargeText(maxBytes));
    QByteArray out;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return makeError(errnoText(errno));
        }
        if (n == 0)
            break;
        out.append(buf, n);
        if (out.size() > maxBytes)
            return makeError(tooLargeText(maxBytes));
    }
    return out;
}

void importFolder(Importer &imp, const CorpusImport &o, ImportReport &report)
{
    if (!QFileInfo(o.path).isDir())
        fail(QCoreApplication::translate("ef::Corpus", "'%1' is not a folder").arg(o.path));
    FolderWalk walk(o, report);
    const QList<FolderEntry> files = walk.run(o.path);
    for (const FolderEntry &f : files) {
        const Expected<QByteArray> read = readRegularFile(f.path, fileguard::kMaxLineBytes);
        if (!read) {
            walk.skip(f.id, QCoreApplication::translate("ef::Corpus", "cannot read it: %1").arg(read.error()));
            continue;
        }
        QStringDecoder decode(QStringDecoder::Utf8,
                              QStringDecoder::Flag::Stateless); // a cut sequence at the end is an error too
        const QString text = decode(read.value());
        if (decode.hasError()) {
            walk.skip(f.id, QCoreApplication::translate("ef::Corpus", "not UTF-8 text"));
            continue;
        }
        QString title = QFileInfo(f.id).completeBaseName();
        const QString lower = f.id.toLower();
        if (lower.endsWith(QLatin1String(".md")) || lower.endsWith(QLatin1String(".markdown"))) {
            for (const QString &line : text.split(QLatin1Char('\n'))) {
                if (line.startsWith(QLatin1String("# "))) {
                    title = line.mid(2).trimmed();
                    break;
                }
            }
        }
        imp.document(QDir(o.path).filePath(f.id), f.id, title, text);
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

Expected<CorpusInfo> importCorpus(Database &db, const CorpusImport &o, const CorpusProgress &progress,
                                  ImportReport *reportOut)
{
    ImportReport local;
    ImportReport *report = reportOut ? reportOut : &local;
    *report = {};
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
            importFolder(imp, o, *report);
            break;
        }
        if (imp.documents() == 0 && !report->skipped.isEmpty())
            return makeError(QCoreApplication::translate("ef::Corpus",
                                                         "'%1' holds no documents that can be imported: %2 files "
                                                         "skipped, the first '%3': %4")
                                 .arg(o.path, QString::number(report->skipped.size()),
                                      report->skipped.constFirst().file, report->skipped.constFirst().reason));
        if (imp.documents() == 0)
            return makeError(QCoreApplication::translate("ef::Corpus", "'%1' holds no documents").arg(o.path));
        const QString fts = ftsTable(id);
        db.exec(QStringLiteral("CREATE VIRTUAL TABLE %1 USING fts5(title_idx, text_idx, content='documents', "
                               "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
                    .arg(fts));
        db.exec(
            QStringLiteral("INSERT INTO %1(rowid, title_idx, text_idx) SELECT id, title_idx, text_idx FROM documents "
                           "WHERE corpus_id = %2")
                .arg(argText(fts), argText(id)));
        tx.commit();
    } catch (const ImportError &e) {
        return makeError(e.message);
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    return findCorpus(db, o.name);
}

Status renameCorpus(Database &db, const QString &name, const QString &newName)
{
    const QString target = newName.trimmed();
    if (target.isEmpty())
        return makeError(QCoreApplication::translate("ef::Corpus", "a corpus needs a name"));
    try {
        Transaction tx(db);
        auto c = findCorpus(db, name);
        if (!c)
            return makeError(c.error());
        if (target != name && findCorpus(db, target))
            return makeError(
                QCoreApplication::translate("ef::Corpus", "a corpus named '%1' already exists").arg(target));
        db.prepare(QStringLiteral("UPDATE corpora SET name = ? WHERE id = ?")).bind(1, target).bind(2, c->id).run();
        tx.commit();
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    return Status::success();
}

Status deleteCorpus(Database &db, const QString &name)
{
    try {
        Transaction tx(db);
        auto c = findCorpus(db, name);
        if (!c)
            return makeError(c.error());
        db.exec(QStringLiteral("DROP TABLE IF EXISTS %1").arg(ftsTable(c->id)));
        // Documents, queries, qrels, vectors, evaluations and leakage flags go with it (cascades).
        db.prepare(QStringLiteral("DELETE FROM corpora WHERE id = ?")).bind(1, c->id).run();
        tx.commit();
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    return Status::success();
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
    // Every file goes to a temporary file beside its target and is renamed over it only once all
    // are complete: a full disk or a killed export leaves the previous files as they were, never
    // a truncated one.
    std::vector<std::unique_ptr<QSaveFile>> files;
    const auto writeFailed = [](const QSaveFile &f) {
        return makeError(
            QCoreApplication::translate("ef::Corpus", "cannot write '%1': %2").arg(f.fileName(), f.errorString()));
    };
    auto writeLines = [&](const QString &path, Statement st, auto line) -> Status {
        files.push_back(std::make_unique<QSaveFile>(path));
        QSaveFile &f = *files.back();
        if (!f.open(QIODevice::WriteOnly))
            return writeFailed(f);
        while (st.step()) {
            const QByteArray bytes = line(st);
            if (f.write(bytes) != bytes.size())
                return writeFailed(f);
        }
        return Status::success();
    };
    const auto json = [](const QJsonObject &o) -> QByteArray {
        return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    };
    Statement docs =
        db.prepare(QStringLiteral("SELECT ext_id, title, text FROM documents WHERE corpus_id = ? ORDER BY id"));
    docs.bind(1, c->id);
    Status s = writeLines(QDir(outDir).filePath(QStringLiteral("corpus.jsonl")), std::move(docs), [&](Statement &st) {
        return json({{QStringLiteral("_id"), st.columnText(0)},
                     {QStringLiteral("title"), st.columnText(1)},
                     {QStringLiteral("text"), st.columnText(2)}});
    });
    if (!s)
        return s;
    Statement queries = db.prepare(QStringLiteral("SELECT ext_id, text FROM queries WHERE corpus_id = ? ORDER BY id"));
    queries.bind(1, c->id);
    s = writeLines(QDir(outDir).filePath(QStringLiteral("queries.jsonl")), std::move(queries), [&](Statement &st) {
        return json({{QStringLiteral("_id"), st.columnText(0)}, {QStringLiteral("text"), st.columnText(1)}});
    });
    if (!s)
        return s;
    for (const QString &split : c->splits) {
        Statement qrels =
            db.prepare(QStringLiteral("SELECT query_ext_id, doc_ext_id, score FROM qrels WHERE corpus_id = ? AND "
                                      "split = ? ORDER BY query_ext_id, doc_ext_id"));
        qrels.bind(1, c->id).bind(2, split);
        bool header = true;
        s = writeLines(QDir(outDir).filePath(QStringLiteral("qrels/") + split + QStringLiteral(".tsv")),
                       std::move(qrels), [&](Statement &st) -> QByteArray {
                           QByteArray line = header ? QByteArray("query-id\tcorpus-id\tscore\n") : QByteArray();
                           header = false;
                           return line + st.columnText(0).toUtf8() + '\t' + st.columnText(1).toUtf8() + '\t' +
                                  QByteArray::number(st.columnInt(2)) + '\n';
                       });
        if (!s)
            return s;
        if (header && files.back()->write("query-id\tcorpus-id\tscore\n") < 0)
            return writeFailed(*files.back());
    }
    for (const auto &f : files)
        if (!fileguard::commitSaveFile(*f))
            return writeFailed(*f);
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
    // Ties inside the top k are shown in trec_eval's order; evaluation (rankBm25) also orders the
    // ties at the k-th place that way, which costs a join on every matching row.
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
    metrics::sortTrec(hits);
    return hits;
}

QList<SearchHit> rankBm25(Database &db, const CorpusInfo &corpus, const QString &query, int k)
{
    QList<SearchHit> hits;
    const QString match = fts::matchExpression(query);
    if (match.isEmpty() || k <= 0)
        return hits;
    const QString fts = ftsTable(corpus.id);
    Statement rank = db.prepare(QStringLiteral("SELECT d.ext_id, %1.rank FROM %1 JOIN documents d ON d.id = %1.rowid "
                                               "WHERE %1 MATCH ? ORDER BY %1.rank, d.ext_id DESC LIMIT ?")
                                    .arg(fts));
    rank.bind(1, match).bind(2, k);
    while (rank.step())
        hits.append({rank.columnText(0), QString(), QString(), -rank.columnDouble(1)});
    return hits;
}

QString markSnippet(const QString &snippet, const QString &open, const QString &close)
{
    QString s = snippet;
    s.replace(QChar(1), open).replace(QChar(2), close);
    return s;
}

} // namespace ef
