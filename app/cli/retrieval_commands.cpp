// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli corpus import|list|export, search, eval.
#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

#include "app/cli/cli.h"
#include "backend/argtext.h"
#include "backend/corpus.h"
#include "backend/fts.h"
#include "backend/retrieval.h"

namespace ef::cli {

namespace {

SearchMethod methodOf(const ParsedArgs &a)
{
    const QString name = a.value(QStringLiteral("method"), QStringLiteral("bm25"));
    const std::optional<SearchMethod> m = parseSearchMethod(name);
    if (!m)
        throw UsageError(
            QCoreApplication::translate("ef::cli", "--method must be bm25, dense or hybrid, not '%1'").arg(name));
    if (*m != SearchMethod::Bm25 && a.value(QStringLiteral("model")).isEmpty())
        throw UsageError(QCoreApplication::translate("ef::cli", "--method %1 needs --model DIR").arg(name));
    return *m;
}

const QStringList kModelOptions = {QStringLiteral("model"), QStringLiteral("adapter"), QStringLiteral("max-length"),
                                   QStringLiteral("batch"), QStringLiteral("device"),  QStringLiteral("dtype")};

DenseModel denseModelOf(const ParsedArgs &a)
{
    DenseModel m;
    m.dir = a.value(QStringLiteral("model"));
    m.adapter = a.value(QStringLiteral("adapter"));
    if (!m.adapter.isEmpty() && m.dir.isEmpty())
        throw UsageError(
            QCoreApplication::translate("ef::cli", "--adapter DIR needs --model DIR (the adapter's base model)"));
    m.maxLength = a.intValue(QStringLiteral("max-length"), 512, 2, 1 << 20);
    m.batchSize = a.intValue(QStringLiteral("batch"), 16, 1, 4096);
    m.device = a.value(QStringLiteral("device"), QStringLiteral("cpu"));
    m.dtype = a.value(QStringLiteral("dtype"), QStringLiteral("f32"));
    if (m.dtype != QLatin1String("f32") && m.dtype != QLatin1String("bf16") && m.dtype != QLatin1String("f16"))
        throw UsageError(
            QCoreApplication::translate("ef::cli", "--dtype must be f32, bf16 or f16, not '%1'").arg(m.dtype));
    return m;
}

// --method, --instruction and --rrf-k, shared by search and eval.
SearchOptions searchOptionsOf(const ParsedArgs &a)
{
    SearchOptions so;
    so.method = methodOf(a);
    so.rrfK = a.intValue(QStringLiteral("rrf-k"), 60, 1, 100000);
    so.instruction = a.value(QStringLiteral("instruction"));
    if (a.has(QStringLiteral("instruction-preset"))) {
        if (a.has(QStringLiteral("instruction")))
            throw UsageError(QCoreApplication::translate(
                "ef::cli", "give --instruction TEXT or --instruction-preset NAME, not both"));
        const Expected<QString> preset = instructionForPreset(a.value(QStringLiteral("instruction-preset")));
        if (!preset)
            throw UsageError(preset.error());
        so.instruction = preset.value();
    }
    return so;
}

QJsonObject corpusJson(const CorpusInfo &c)
{
    return {{QStringLiteral("name"), c.name},
            {QStringLiteral("documents"), c.documents},
            {QStringLiteral("queries"), c.queries},
            {QStringLiteral("qrels"), c.qrels},
            {QStringLiteral("splits"), QJsonArray::fromStringList(c.splits)},
            {QStringLiteral("source"), c.source},
            {QStringLiteral("created_at"), c.createdAt}};
}

int corpusImport(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("workspace"), QStringLiteral("beir"), QStringLiteral("jsonl"),
                                    QStringLiteral("folder"), QStringLiteral("name"), QStringLiteral("id-field"),
                                    QStringLiteral("title-field"), QStringLiteral("text-field")},
                                   {QStringLiteral("follow-symlinks"), QStringLiteral("strict")}, 0, 0);
    CorpusImport o;
    o.followSymlinks = a.has(QStringLiteral("follow-symlinks"));
    o.strict = a.has(QStringLiteral("strict"));
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
        throw UsageError(
            QCoreApplication::translate("ef::cli", "give exactly one of --beir DIR, --jsonl FILE or --folder DIR"));
    o.name = a.value(QStringLiteral("name"));
    if (o.name.isEmpty())
        throw UsageError(QCoreApplication::translate("ef::cli", "--name N is required"));
    o.idField = a.value(QStringLiteral("id-field"), o.idField);
    o.titleField = a.value(QStringLiteral("title-field"), o.titleField);
    o.textField = a.value(QStringLiteral("text-field"), o.textField);
    OpenedWorkspace w = openWorkspace(a);
    ProgressPrinter progress(QCoreApplication::translate("ef::cli", "importing"));
    ImportReport report;
    auto c = importCorpus(
        *w.db, o,
        [&](qint64 done, const QString &what) {
            progress.update(done, 0, what);
            return true;
        },
        &report);
    progress.finish();
    if (!c)
        return ctx.fail(c.error());
    // Every file that was not imported is named, with its reason, on stderr and in the JSON.
    for (const ImportSkip &skip : std::as_const(report.skipped))
        ctx.err << QCoreApplication::translate("ef::cli", "embedforge-cli: corpus import: skipped '%1': %2")
                       .arg(skip.file, skip.reason)
                << Qt::endl;
    if (ctx.json) {
        QJsonObject o = corpusJson(c.value());
        QJsonArray skipped;
        for (const ImportSkip &skip : std::as_const(report.skipped))
            skipped.append(QJsonObject{{QStringLiteral("file"), skip.file}, {QStringLiteral("reason"), skip.reason}});
        o.insert(QStringLiteral("skipped"), skipped);
        o.insert(QStringLiteral("ignored_entries"), report.ignored);
        ctx.printJson(o);
    } else {
        ctx.out << QCoreApplication::translate("ef::cli",
                                               "Imported corpus '%1': %2 documents, %3 queries, %4 qrels (%5)")
                       .arg(c->name, QString::number(c->documents), QString::number(c->queries),
                            QString::number(c->qrels), c->splits.join(QStringLiteral(", ")))
                << Qt::endl;
        if (!report.skipped.isEmpty())
            ctx.out << QCoreApplication::translate("ef::cli", "Skipped %1 files that could not be imported (listed on "
                                                              "stderr); --strict makes that an error.")
                           .arg(report.skipped.size())
                    << Qt::endl;
    }
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
                       .arg(c.name.leftJustified(20), QString::number(c.documents), QString::number(c.queries),
                            QString::number(c.qrels), c.splits.join(QStringLiteral(", ")))
                << Qt::endl;
    return ExitOk;
}

int corpusExport(Context &ctx)
{
    const ParsedArgs a =
        ctx.parse({QStringLiteral("workspace"), QStringLiteral("name"), QStringLiteral("out")}, {}, 0, 0);
    if (a.value(QStringLiteral("name")).isEmpty() || a.value(QStringLiteral("out")).isEmpty())
        throw UsageError(QCoreApplication::translate("ef::cli", "--name N and --out DIR are required"));
    OpenedWorkspace w = openWorkspace(a);
    const Status s = exportBeir(*w.db, a.value(QStringLiteral("name")), a.value(QStringLiteral("out")));
    if (!s)
        return ctx.fail(s.error());
    if (!ctx.json)
        ctx.out << QCoreApplication::translate("ef::cli", "Exported '%1' to %2")
                       .arg(a.value(QStringLiteral("name")), a.value(QStringLiteral("out")))
                << Qt::endl;
    else
        ctx.printJson({{QStringLiteral("name"), a.value(QStringLiteral("name"))},
                       {QStringLiteral("out"), a.value(QStringLiteral("out"))}});
    return ExitOk;
}

int corpusEmbed(Context &ctx)
{
    QStringList options = kModelOptions;
    options << QStringLiteral("workspace") << QStringLiteral("corpus");
    const ParsedArgs a = ctx.parse(options, {}, 0, 0);
    if (a.value(QStringLiteral("corpus")).isEmpty() || a.value(QStringLiteral("model")).isEmpty())
        throw UsageError(QCoreApplication::translate("ef::cli", "--corpus N and --model DIR are required"));
    const DenseModel model = denseModelOf(a);
    OpenedWorkspace w = openWorkspace(a);
    auto c = findCorpus(*w.db, a.value(QStringLiteral("corpus")));
    if (!c)
        return ctx.fail(c.error());
    w.db.reset(); // the job opens its own connection
    ProgressPrinter progress(QCoreApplication::translate("ef::cli", "embedding"));
    const JobInfo job = runJob(makeEmbedCorpusJob(w.ws, c.value(), model),
                               [&](const JobProgress &p) { progress.update(p.done, c->documents); });
    progress.finish();
    const std::optional<EmbedCorpusResult> r = jobResult<EmbedCorpusResult>(job);
    if (job.state != JobState::Succeeded || !r)
        return ctx.fail(job.error);
    const QString fingerprint = r->set.fingerprint;
    if (ctx.json) {
        ctx.printJson({{QStringLiteral("corpus"), c->name},
                       {QStringLiteral("model"), model.dir},
                       {QStringLiteral("fingerprint"), fingerprint},
                       {QStringLiteral("dim"), r->set.dim},
                       {QStringLiteral("embedded"), r->embedded},
                       {QStringLiteral("reused"), r->reused},
                       {QStringLiteral("vectors"), r->set.vectors}});
        return ExitOk;
    }
    ctx.out << QCoreApplication::translate(
                   "ef::cli",
                   "Embedded %1 documents of '%2' (%3 already stored); %4 vectors of dimension %5, fingerprint %6")
                   .arg(argText(r->embedded), argText(c->name), argText(r->reused), argText(r->set.vectors),
                        argText(r->set.dim), argText(fingerprint.left(12)))
            << Qt::endl;
    return ExitOk;
}

// Warnings about a query cut to the limits of backend/fts.h, for the output.
QStringList queryWarnings(QString *query, SearchMethod method)
{
    QStringList warnings;
    bool bytesCut = false;
    *query = fts::limitQueryBytes(*query, &bytesCut);
    if (bytesCut)
        warnings << QCoreApplication::translate(
                        "ef::cli", "the query is longer than %1 bytes; only its first %1 bytes were searched")
                        .arg(fts::kMaxQueryBytes);
    bool termsCut = false;
    if (method != SearchMethod::Dense)
        fts::matchExpression(*query, &termsCut);
    if (termsCut)
        warnings << QCoreApplication::translate("ef::cli",
                                                "the query has more than %1 terms; BM25 searched its first %1")
                        .arg(fts::kMaxQueryTerms);
    return warnings;
}

// How many of the split's evaluated queries (those with a relevant document) BM25 searches cut
// to the limits of backend/fts.h.
int queriesOverLimits(Database &db, const CorpusInfo &corpus, const QString &split)
{
    Statement st = db.prepare(QStringLiteral(
        "SELECT q.text FROM queries q WHERE q.corpus_id = ?1 AND EXISTS (SELECT 1 FROM qrels r WHERE r.corpus_id = ?1 "
        "AND r.split = ?2 AND r.query_ext_id = q.ext_id AND r.score > 0)"));
    st.bind(1, corpus.id).bind(2, split);
    int n = 0;
    while (st.step()) {
        bool cut = false;
        fts::matchExpression(st.columnText(0), &cut);
        n += cut ? 1 : 0;
    }
    return n;
}

int search(Context &ctx)
{
    QStringList options = kModelOptions;
    options << QStringLiteral("workspace") << QStringLiteral("corpus") << QStringLiteral("method")
            << QStringLiteral("instruction") << QStringLiteral("instruction-preset") << QStringLiteral("k")
            << QStringLiteral("rrf-k");
    const ParsedArgs a = ctx.parse(options, {}, 1, -1);
    SearchOptions so = searchOptionsOf(a);
    so.k = a.intValue(QStringLiteral("k"), 10, 1, 10000);
    const DenseModel model = denseModelOf(a); // checked for every method: a lone --adapter is an error even with bm25
    OpenedWorkspace w = openWorkspace(a);
    auto c = findCorpus(*w.db, a.value(QStringLiteral("corpus")));
    if (!c)
        return ctx.fail(c.error());
    DenseRetriever dense;
    if (so.method != SearchMethod::Bm25) {
        Expected<DenseRetriever> loaded = DenseRetriever::load(*w.db, c.value(), model);
        if (!loaded)
            return ctx.fail(loaded.error());
        dense = loaded.value();
    }
    QString query = a.positionals.join(QLatin1Char(' '));
    const QStringList warnings = queryWarnings(&query, so.method);
    const Expected<QList<SearchHit>> found = ef::search(*w.db, c.value(), so, &dense, query);
    if (!found)
        return ctx.fail(found.error());
    const QList<SearchHit> &hits = found.value();
    if (ctx.json) {
        QJsonArray arr;
        for (int i = 0; i < hits.size(); ++i)
            arr.append(QJsonObject{{QStringLiteral("rank"), i + 1},
                                   {QStringLiteral("id"), hits[i].docId},
                                   {QStringLiteral("title"), hits[i].title},
                                   {QStringLiteral("score"), hits[i].score},
                                   {QStringLiteral("snippet"), markSnippet(hits[i].snippet, QString(), QString())}});
        QJsonObject o{{QStringLiteral("query"), query},
                      {QStringLiteral("method"), searchMethodName(so.method)},
                      {QStringLiteral("hits"), arr}};
        if (so.method != SearchMethod::Bm25) {
            o.insert(QStringLiteral("model"), dense.model().dir);
            if (!dense.model().adapter.isEmpty())
                o.insert(QStringLiteral("adapter"), dense.model().adapter);
            o.insert(QStringLiteral("instruction"), so.instruction);
        }
        if (!warnings.isEmpty())
            o.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(warnings));
        ctx.printJson(o);
        return ExitOk;
    }
    for (const QString &warning : warnings)
        ctx.err << QCoreApplication::translate("ef::cli", "warning: %1").arg(warning) << Qt::endl;
    for (int i = 0; i < hits.size(); ++i)
        ctx.out << QStringLiteral("%1. [%2] %3  (%4)\n    %5")
                       .arg(QString::number(i + 1), hits[i].docId, hits[i].title,
                            QString::number(hits[i].score, 'f', 4),
                            markSnippet(hits[i].snippet, QStringLiteral("["), QStringLiteral("]")))
                << Qt::endl;
    if (hits.isEmpty())
        ctx.out << QCoreApplication::translate("ef::cli", "No results.") << Qt::endl;
    return ExitOk;
}

int evaluate(Context &ctx)
{
    QStringList options = kModelOptions;
    options << QStringLiteral("workspace") << QStringLiteral("corpus") << QStringLiteral("method")
            << QStringLiteral("instruction") << QStringLiteral("instruction-preset") << QStringLiteral("split")
            << QStringLiteral("rrf-k") << QStringLiteral("depth") << QStringLiteral("save-run")
            << QStringLiteral("run");
    const ParsedArgs a = ctx.parse(options, {QStringLiteral("ignore-self"), QStringLiteral("keep-self")}, 0, 0);
    const QString runFile = a.value(QStringLiteral("run"));
    if (!runFile.isEmpty()) {
        for (const QString &o : {QStringLiteral("method"), QStringLiteral("model"), QStringLiteral("instruction"),
                                 QStringLiteral("instruction-preset"), QStringLiteral("save-run")})
            if (a.has(o))
                throw UsageError(QCoreApplication::translate(
                                     "ef::cli", "--run FILE evaluates a finished ranking: --%1 does not apply")
                                     .arg(o));
    }
    if (a.has(QStringLiteral("ignore-self")) && a.has(QStringLiteral("keep-self")))
        throw UsageError(QCoreApplication::translate("ef::cli", "give --ignore-self or --keep-self, not both"));
    const SearchOptions so = runFile.isEmpty() ? searchOptionsOf(a) : SearchOptions{};
    const DenseModel model = denseModelOf(a); // checked for every method
    OpenedWorkspace w = openWorkspace(a);
    auto c = findCorpus(*w.db, a.value(QStringLiteral("corpus")));
    if (!c)
        return ctx.fail(c.error());
    EvaluationRequest request;
    request.workspace = w.ws;
    request.corpus = c.value();
    request.split = a.value(QStringLiteral("split"), QStringLiteral("test"));
    // BEIR's convention by default: a hit whose id is the query's own is not counted.
    request.ignoreSelf = !a.has(QStringLiteral("keep-self"));
    request.depth = a.intValue(QStringLiteral("depth"), 1000, 1, 100000);
    request.saveRun = a.value(QStringLiteral("save-run"));
    request.runFile = runFile;
    RetrievalSystem system{so, {}};
    if (runFile.isEmpty()) {
        if (so.method != SearchMethod::Bm25)
            system.model = model;
        request.systems = {system};
    }
    QStringList warnings;
    if (runFile.isEmpty() && so.method != SearchMethod::Bm25 && so.instruction.isEmpty())
        warnings << QCoreApplication::translate(
            "ef::cli", "no query instruction: the paper always instructs queries (--instruction TEXT or "
                       "--instruction-preset NAME); the figures are not comparable with its tables");
    const int overLimits =
        !runFile.isEmpty() || so.method == SearchMethod::Dense ? 0 : queriesOverLimits(*w.db, c.value(), request.split);
    if (overLimits > 0)
        warnings << QCoreApplication::translate("ef::cli",
                                                "queries longer than the query limits (%1 bytes, %2 terms), of "
                                                "which BM25 searched only the beginning: %3")
                        .arg(argText(fts::kMaxQueryBytes), argText(fts::kMaxQueryTerms), argText(overLimits));
    w.db.reset(); // the job opens its own connection
    ProgressPrinter progress(QCoreApplication::translate("ef::cli", "evaluating"));
    const JobInfo job =
        runJob(makeEvaluationJob(request), [&](const JobProgress &p) { progress.update(p.done, 0, QString()); });
    progress.finish();
    const std::optional<QList<EvalResult>> results = jobResult<QList<EvalResult>>(job);
    if (job.state != JobState::Succeeded || !results || results->isEmpty())
        return ctx.fail(job.error);
    const EvalResult *r = &results->first();
    const metrics::Summary &s = r->summary;
    if (r->queriesWithoutResults > 0)
        warnings << QCoreApplication::translate("ef::cli",
                                                "%1 queries of the qrels have no results; they count 0 (trec_eval -c)")
                        .arg(r->queriesWithoutResults);
    if (r->runQueriesWithoutQrels > 0)
        warnings << QCoreApplication::translate("ef::cli", "%1 queries of the run file are not in the qrels of split "
                                                           "'%2'; they are left out")
                        .arg(argText(r->runQueriesWithoutQrels), argText(r->split));
    if (!r->notStoredBecause.isEmpty())
        warnings << QCoreApplication::translate("ef::cli", "the result was not stored in the workspace: %1")
                        .arg(r->notStoredBecause);
    const QJsonObject conventions{{QStringLiteral("ignore_self"), r->ignoreSelf},
                                  {QStringLiteral("depth"), r->depth},
                                  {QStringLiteral("ties"), QString::fromLatin1(metrics::kTrecTieRule)},
                                  {QStringLiteral("queries"), QStringLiteral("every query of the qrels; all-zero "
                                                                             "judgements and no results count 0")}};
    if (ctx.json) {
        QJsonObject o{{QStringLiteral("ndcg@10"), s.ndcg10},
                      {QStringLiteral("recall@100"), s.recall100},
                      {QStringLiteral("mrr@10"), s.mrr10},
                      {QStringLiteral("map@10"), s.map10},
                      {QStringLiteral("queries"), s.queries},
                      {QStringLiteral("method"), r->method},
                      {QStringLiteral("split"), r->split},
                      {QStringLiteral("ignore_self"), r->ignoreSelf},
                      {QStringLiteral("depth"), r->depth},
                      {QStringLiteral("conventions"), conventions},
                      {QStringLiteral("queries_without_results"), r->queriesWithoutResults},
                      {QStringLiteral("stored"), r->notStoredBecause.isEmpty()}};
        if (!runFile.isEmpty()) {
            o.insert(QStringLiteral("run"), r->runFile);
            o.insert(QStringLiteral("run_queries_without_qrels"), r->runQueriesWithoutQrels);
        } else {
            o.insert(QStringLiteral("instruction"), so.method == SearchMethod::Bm25 ? QString() : so.instruction);
            if (!request.saveRun.isEmpty())
                o.insert(QStringLiteral("saved_run"), QFileInfo(request.saveRun).absoluteFilePath());
        }
        if (so.method != SearchMethod::Bm25 && runFile.isEmpty()) {
            o.insert(QStringLiteral("model"), system.model.dir);
            if (!system.model.adapter.isEmpty())
                o.insert(QStringLiteral("adapter"), system.model.adapter);
        }
        if (overLimits > 0)
            o.insert(QStringLiteral("queries_truncated"), overLimits);
        if (!warnings.isEmpty())
            o.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(warnings));
        ctx.printJson(o);
        return ExitOk;
    }
    for (const QString &warning : warnings)
        ctx.err << QCoreApplication::translate("ef::cli", "warning: %1").arg(warning) << Qt::endl;
    ctx.out << QStringLiteral("nDCG@10     %1\nRecall@100  %2\nMRR@10      %3\nMAP@10      %4\n")
                   .arg(QString::number(s.ndcg10, 'f', 4), QString::number(s.recall100, 'f', 4),
                        QString::number(s.mrr10, 'f', 4), QString::number(s.map10, 'f', 4))
            << QCoreApplication::translate("ef::cli", "%1 queries, split %2, %3; depth %4, %5, ties: %6")
                   .arg(QString::number(s.queries), r->split, r->method, QString::number(r->depth),
                        r->ignoreSelf ? QCoreApplication::translate("ef::cli", "self hits ignored")
                                      : QCoreApplication::translate("ef::cli", "self hits kept"),
                        QString::fromLatin1(metrics::kTrecTieRule))
            << Qt::endl;
    return ExitOk;
}

} // namespace

void registerRetrievalCommands(Registry &registry)
{
    registry.add({{QStringLiteral("corpus"), QStringLiteral("import")},
                  QStringLiteral("corpus import --beir DIR|--jsonl FILE|--folder DIR --name N --workspace W "
                                 "[--id-field F --title-field F --text-field F] [--follow-symlinks] [--strict]"),
                  QCoreApplication::translate(
                      "ef::cli", "Import a corpus (BEIR folder, JSONL or a folder of text files) with an FTS5 index"),
                  corpusImport});
    registry.add({{QStringLiteral("corpus"), QStringLiteral("list")},
                  QStringLiteral("corpus list --workspace W [--json]"),
                  QCoreApplication::translate("ef::cli", "List the workspace's corpora"),
                  corpusList});
    registry.add({{QStringLiteral("corpus"), QStringLiteral("export")},
                  QStringLiteral("corpus export --name N --out DIR --workspace W"),
                  QCoreApplication::translate("ef::cli", "Export a corpus in BEIR layout"),
                  corpusExport});
    registry.add(
        {{QStringLiteral("corpus"), QStringLiteral("embed")},
         QStringLiteral("corpus embed --corpus N --model DIR [--adapter DIR] --workspace W [--max-length N] [--batch "
                        "N] [--device cpu|cuda] [--dtype f32|bf16|f16]"),
         QCoreApplication::translate(
             "ef::cli", "Embed a corpus's documents with a model (resumable; vectors kept per model fingerprint)"),
         corpusEmbed});
    registry.add(
        {{QStringLiteral("search")},
         QStringLiteral("search --corpus N --method bm25|dense|hybrid [--model DIR [--adapter DIR]] [--instruction "
                        "TEXT | --instruction-preset NAME] [--k K] [--rrf-k K] [--json] --workspace W QUERY"),
         QCoreApplication::translate("ef::cli", "Search a corpus: BM25 over FTS5 (any query text is safe), dense "
                                                "(exact, embedded vectors) or hybrid (reciprocal-rank fusion)"),
         search});
    registry.add(
        {{QStringLiteral("eval")},
         QStringLiteral("eval --corpus N (--method bm25|dense|hybrid [--model DIR [--adapter DIR]] [--instruction TEXT "
                        "| --instruction-preset NAME] [--rrf-k K] [--save-run FILE] | --run FILE) [--split test] "
                        "[--keep-self] [--depth 1000] [--json] --workspace W"),
         QCoreApplication::translate("ef::cli",
                                     "Evaluate retrieval on the corpus's qrels as BEIR and trec_eval do (every qrels "
                                     "query, self hits ignored, trec_eval's tie order): nDCG@10, Recall@100, MRR@10, "
                                     "MAP@10; --run evaluates a TREC run file made by any tool"),
         evaluate});
}

} // namespace ef::cli
