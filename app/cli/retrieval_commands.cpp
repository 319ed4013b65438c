// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli corpus import|list|export, search, eval.
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

#include "app/cli/cli.h"
#include "backend/corpus.h"

namespace ef::cli {

namespace {

// Dense and hybrid search need the embedding model core (decoder + embedder), which this
// build does not contain yet; the forms are reserved and refused with the reason.
void requireBm25(const ParsedArgs &a)
{
    const QString method = a.value(QStringLiteral("method"), QStringLiteral("bm25"));
    if (method == QLatin1String("bm25"))
        return;
    if (method == QLatin1String("dense") || method == QLatin1String("hybrid"))
        throw UsageError(QCoreApplication::translate(
                             "ef::cli", "--method %1 needs the embedding model core, which this build does not include yet; use --method bm25")
                             .arg(method));
    throw UsageError(QCoreApplication::translate("ef::cli", "--method must be bm25, dense or hybrid, not '%1'").arg(method));
}

QJsonObject corpusJson(const CorpusInfo &c)
{
    return {{QStringLiteral("name"), c.name},         {QStringLiteral("documents"), c.documents},
            {QStringLiteral("queries"), c.queries},   {QStringLiteral("qrels"), c.qrels},
            {QStringLiteral("splits"), QJsonArray::fromStringList(c.splits)}, {QStringLiteral("source"), c.source},
            {QStringLiteral("created_at"), c.createdAt}};
}

int corpusImport(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("beir"), QStringLiteral("jsonl"), QStringLiteral("folder"),
                                    QStringLiteral("name"), QStringLiteral("id-field"), QStringLiteral("title-field"),
                                    QStringLiteral("text-field")},
                                   {}, 0, 0);
    CorpusImport o;
    int sources = 0;
    for (const auto &[flag, kind] : {std::pair{QStringLiteral("beir"), CorpusImport::Kind::Beir},
                                     std::pair{QStringLiteral("jsonl"), CorpusImport::Kind::Jsonl},
                                     std::pair{QStringLiteral("folder"), CorpusImport::Kind::Folder}}) {
        if (a.has(flag)) {
            ++sources;
            o.kind = kind;
            o.path = a.value(flag);
        }
    }
    if (sources != 1)
        throw UsageError(QCoreApplication::translate("ef::cli", "give exactly one of --beir DIR, --jsonl FILE or --folder DIR"));
    o.name = a.value(QStringLiteral("name"));
    if (o.name.isEmpty())
        throw UsageError(QCoreApplication::translate("ef::cli", "--name N is required"));
    o.idField = a.value(QStringLiteral("id-field"), o.idField);
    o.titleField = a.value(QStringLiteral("title-field"), o.titleField);
    o.textField = a.value(QStringLiteral("text-field"), o.textField);
    OpenedWorkspace w = openWorkspace(a);
    ProgressPrinter progress(QCoreApplication::translate("ef::cli", "importing"));
    auto c = importCorpus(*w.db, o, [&](qint64 done, const QString &what) {
        progress.update(done, 0, what);
        return true;
    });
    progress.finish();
    if (!c)
        return ctx.fail(c.error());
    if (ctx.json)
        ctx.printJson(corpusJson(c.value()));
    else
        ctx.out << QCoreApplication::translate("ef::cli", "Imported corpus '%1': %2 documents, %3 queries, %4 qrels (%5)")
                       .arg(c->name)
                       .arg(c->documents)
                       .arg(c->queries)
                       .arg(c->qrels)
                       .arg(c->splits.join(QStringLiteral(", ")))
                << Qt::endl;
    return ExitOk;
}

int corpusList(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace")}, {}, 0, 0);
    OpenedWorkspace w = openWorkspace(a);
    const QList<CorpusInfo> corpora = listCorpora(*w.db);
    if (ctx.json) {
        QJsonArray arr;
        for (const CorpusInfo &c : corpora)
            arr.append(corpusJson(c));
        ctx.printJson({{QStringLiteral("corpora"), arr}});
        return ExitOk;
    }
    if (corpora.isEmpty())
        ctx.out << QCoreApplication::translate("ef::cli", "No corpora in this workspace.") << Qt::endl;
    for (const CorpusInfo &c : corpora)
        ctx.out << QStringLiteral("%1  %2 docs  %3 queries  %4 qrels  [%5]")
                       .arg(c.name, -20)
                       .arg(c.documents)
                       .arg(c.queries)
                       .arg(c.qrels)
                       .arg(c.splits.join(QStringLiteral(", ")))
                << Qt::endl;
    return ExitOk;
}

int corpusExport(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("name"), QStringLiteral("out")}, {}, 0, 0);
    if (a.value(QStringLiteral("name")).isEmpty() || a.value(QStringLiteral("out")).isEmpty())
        throw UsageError(QCoreApplication::translate("ef::cli", "--name N and --out DIR are required"));
    OpenedWorkspace w = openWorkspace(a);
    const Status s = exportBeir(*w.db, a.value(QStringLiteral("name")), a.value(QStringLiteral("out")));
    if (!s)
        return ctx.fail(s.error());
    if (!ctx.json)
        ctx.out << QCoreApplication::translate("ef::cli", "Exported '%1' to %2").arg(a.value(QStringLiteral("name")), a.value(QStringLiteral("out"))) << Qt::endl;
    else
        ctx.printJson({{QStringLiteral("name"), a.value(QStringLiteral("name"))}, {QStringLiteral("out"), a.value(QStringLiteral("out"))}});
    return ExitOk;
}

int search(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("corpus"), QStringLiteral("method"), QStringLiteral("model"),
                                    QStringLiteral("instruction"), QStringLiteral("k")},
                                   {}, 1, -1);
    requireBm25(a);
    const int k = a.intValue(QStringLiteral("k"), 10, 1, 10000);
    OpenedWorkspace w = openWorkspace(a);
    auto c = findCorpus(*w.db, a.value(QStringLiteral("corpus")));
    if (!c)
        return ctx.fail(c.error());
    const QString query = a.positionals.join(QLatin1Char(' '));
    const QList<SearchHit> hits = searchBm25(*w.db, c.value(), query, k);
    if (ctx.json) {
        QJsonArray arr;
        for (int i = 0; i < hits.size(); ++i)
            arr.append(QJsonObject{{QStringLiteral("rank"), i + 1},
                                   {QStringLiteral("id"), hits[i].docId},
                                   {QStringLiteral("title"), hits[i].title},
                                   {QStringLiteral("score"), hits[i].score},
                                   {QStringLiteral("snippet"), markSnippet(hits[i].snippet, QString(), QString())}});
        ctx.printJson({{QStringLiteral("query"), query}, {QStringLiteral("method"), QStringLiteral("bm25")}, {QStringLiteral("hits"), arr}});
        return ExitOk;
    }
    for (int i = 0; i < hits.size(); ++i)
        ctx.out << QStringLiteral("%1. [%2] %3  (%4)\n    %5")
                       .arg(i + 1)
                       .arg(hits[i].docId, hits[i].title)
                       .arg(hits[i].score, 0, 'f', 3)
                       .arg(markSnippet(hits[i].snippet, QStringLiteral("["), QStringLiteral("]")))
                << Qt::endl;
    if (hits.isEmpty())
        ctx.out << QCoreApplication::translate("ef::cli", "No results.") << Qt::endl;
    return ExitOk;
}

int evaluate(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("corpus"), QStringLiteral("method"), QStringLiteral("model"),
                                    QStringLiteral("instruction"), QStringLiteral("split")},
                                   {QStringLiteral("ignore-self")}, 0, 0);
    requireBm25(a);
    OpenedWorkspace w = openWorkspace(a);
    auto c = findCorpus(*w.db, a.value(QStringLiteral("corpus")));
    if (!c)
        return ctx.fail(c.error());
    ProgressPrinter progress(QCoreApplication::translate("ef::cli", "evaluating"));
    auto r = evaluateBm25(*w.db, c.value(), a.value(QStringLiteral("split"), QStringLiteral("test")), a.has(QStringLiteral("ignore-self")),
                          [&](qint64 done, const QString &) {
                              progress.update(done, 0, QString());
                              return true;
                          });
    progress.finish();
    if (!r)
        return ctx.fail(r.error());
    const metrics::Summary &s = r->summary;
    if (ctx.json) {
        ctx.printJson({{QStringLiteral("ndcg@10"), s.ndcg10}, {QStringLiteral("recall@100"), s.recall100}, {QStringLiteral("mrr@10"), s.mrr10},
                       {QStringLiteral("map@10"), s.map10}, {QStringLiteral("queries"), s.queries}, {QStringLiteral("method"), r->method},
                       {QStringLiteral("split"), r->split}, {QStringLiteral("ignore_self"), r->ignoreSelf}});
        return ExitOk;
    }
    ctx.out << QStringLiteral("nDCG@10     %1\nRecall@100  %2\nMRR@10      %3\n")
                   .arg(s.ndcg10, 0, 'f', 4)
                   .arg(s.recall100, 0, 'f', 4)
                   .arg(s.mrr10, 0, 'f', 4)
            << QCoreApplication::translate("ef::cli", "(%1 queries, split %2, bm25)").arg(s.queries).arg(r->split) << Qt::endl;
    return ExitOk;
}

} // namespace

void registerRetrievalCommands(Registry &registry)
{
    registry.add({{QStringLiteral("corpus"), QStringLiteral("import")},
                  QStringLiteral("corpus import --beir DIR|--jsonl FILE|--folder DIR --name N --workspace W [--id-field F --title-field F --text-field F]"),
                  QCoreApplication::translate("ef::cli", "Import a corpus (BEIR folder, JSONL or a folder of text files) with an FTS5 index"),
                  corpusImport});
    registry.add({{QStringLiteral("corpus"), QStringLiteral("list")}, QStringLiteral("corpus list --workspace W [--json]"),
                  QCoreApplication::translate("ef::cli", "List the workspace's corpora"), corpusList});
    registry.add({{QStringLiteral("corpus"), QStringLiteral("export")}, QStringLiteral("corpus export --name N --out DIR --workspace W"),
                  QCoreApplication::translate("ef::cli", "Export a corpus in BEIR layout"), corpusExport});
    registry.add({{QStringLiteral("search")},
                  QStringLiteral("search --corpus N --method bm25 [--k K] [--json] --workspace W QUERY"),
                  QCoreApplication::translate("ef::cli", "Search a corpus (BM25 over FTS5; any query text is safe)"), search});
    registry.add({{QStringLiteral("eval")}, QStringLiteral("eval --corpus N --method bm25 [--split test] [--ignore-self] [--json] --workspace W"),
                  QCoreApplication::translate("ef::cli", "Evaluate retrieval on the corpus's qrels: nDCG@10, Recall@100, MRR@10, MAP@10"),
                  evaluate});
}

} // namespace ef::cli
