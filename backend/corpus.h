// SPDX-License-Identifier: GPL-3.0-or-later
// Corpora in the workspace: documents, queries and qrels with an FTS5 index; BEIR, JSONL and
// folder import (atomic: one transaction, so a killed import leaves nothing behind), BEIR
// export, BM25 search and evaluation against the qrels.
//
// Each corpus has its own FTS5 table (fts_<id>, external content over documents' indexed
// copies of title and text, unicode61 with diacritics removed), so BM25's document counts
// and average lengths are the corpus's own. CJK handling: see backend/fts.h.
//
// Thread-safety: plain functions over the calling thread's Database connection.
#pragma once

#include <functional>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include "backend/expected.h"
#include "backend/metrics.h"
#include "backend/workspace.h"

namespace ef {

class Database;

struct CorpusInfo
{
    qint64 id = 0;
    QString name;
    QString source; // "beir:/path", "jsonl:/path", "folder:/path"
    qint64 documents = 0;
    qint64 queries = 0;
    qint64 qrels = 0;
    QStringList splits;
    QString createdAt;
};

struct CorpusImport
{
    enum class Kind { Beir, Jsonl, Folder };
    Kind kind = Kind::Beir;
    QString path;
    QString name;
    QString idField = QStringLiteral("_id");      // JSONL only
    QString titleField = QStringLiteral("title"); // JSONL only; may be absent in a record
    QString textField = QStringLiteral("text");   // JSONL only
    // Folder only: read symbolic links that point outside the folder (links inside it are
    // always read; a link outside is otherwise skipped and listed).
    bool followSymlinks = false;
    // Folder only: a file that cannot be imported fails the whole import instead of being
    // skipped and listed.
    bool strict = false;
};

// A file a folder import did not import, and why. file is relative to the folder.
struct ImportSkip
{
    QString file;
    QString reason;
};

struct ImportReport
{
    QList<ImportSkip> skipped; // candidate files (.txt, .md, .markdown) not imported
    qint64 ignored = 0;        // other entries: other extensions, hidden files and folders
};

// Called every few hundred records; return false to cancel (the import is rolled back).
using CorpusProgress = std::function<bool(qint64 done, const QString &what)>;

// Folder import: ids are paths relative to the folder, however the folder was named; names that
// are not UTF-8 keep their other bytes as %XX; files that cannot be read, are not UTF-8 text,
// are too large or are not regular files are skipped and listed in *report (or fail the import
// with options.strict).
Expected<CorpusInfo> importCorpus(Database &db, const CorpusImport &options, const CorpusProgress &progress = {},
                                  ImportReport *report = nullptr);
QList<CorpusInfo> listCorpora(Database &db);
// Renames a corpus (names are unique); its vectors, evaluations and flags stay with it.
Status renameCorpus(Database &db, const QString &name, const QString &newName);
// Deletes a corpus with its documents, queries, qrels, index, vectors and evaluations.
Status deleteCorpus(Database &db, const QString &name);
// The same through a new connection (for a view's I/O task); never throws.
Expected<QList<CorpusInfo>> listCorpora(const Workspace &ws);
// The texts of a corpus's first `limit` queries, in import order (a view's list of examples).
Expected<QStringList> corpusQueryTexts(const Workspace &ws, qint64 corpusId, int limit);
Expected<CorpusInfo> findCorpus(Database &db, const QString &name);
// Writes corpus.jsonl, queries.jsonl and qrels/<split>.tsv into outDir.
Status exportBeir(Database &db, const QString &name, const QString &outDir);

struct SearchHit
{
    QString docId;
    QString title;
    QString snippet;  // matched terms between \x01 and \x02
    double score = 0; // BM25, higher is better
};
// Top k by BM25 for a user query (any text; see fts::matchExpression), ties within the top k in
// trec_eval's order (score descending, then document id descending). Throws DbError.
QList<SearchHit> searchBm25(Database &db, const CorpusInfo &corpus, const QString &query, int k);
// The same ranking, ids and scores only (no titles or snippets), ties in trec_eval's order also
// at the k-th place: for evaluation at depth 1000.
QList<SearchHit> rankBm25(Database &db, const CorpusInfo &corpus, const QString &query, int k);
// The snippet with its markers replaced by open/close.
QString markSnippet(const QString &snippet, const QString &open, const QString &close);

struct EvalResult
{
    QString method; // "bm25", "dense", "hybrid", or "run" for a run file
    QString split;
    bool ignoreSelf = true;
    int depth = 1000;
    QString runFile;                    // the run file evaluated (method "run") or written, if any
    int queriesWithoutResults = 0;      // queries of the qrels the run has nothing for (they count 0)
    int runQueriesWithoutQrels = 0;     // run file: its queries absent from the qrels (left out)
    QString notStoredBecause;           // empty when the result was stored in the workspace
    QHash<QString, QString> queryTexts; // query id -> text, for views that show the queries
    metrics::Summary summary;
    QList<metrics::QueryScores> perQuery;
};

} // namespace ef
