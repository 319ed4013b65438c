// SPDX-License-Identifier: GPL-3.0-or-later
// Training runs in a workspace (see training.h).
#include "backend/training.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include "backend/argtext.h"
#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/metrics.h"
#include "backend/timestamp.h"
#include "models/compute.h"
#include "models/tinymodel.h"
#include "models/training.h"

namespace ef {

namespace {

// lupdate files a bare tr() in namespace ef under the context "ef": the same context here, so
// that the catalogue's translations are found.
QString tr(const char *text)
{
    return QCoreApplication::translate("ef", text);
}

QString runDirFor(const Workspace &ws, qint64 id)
{
    return QDir(ws.artifactsDir()).filePath(QStringLiteral("runs/%1").arg(id));
}

QString inputDirFor(const Workspace &ws, qint64 id)
{
    return QDir(ws.artifactsDir()).filePath(QStringLiteral("runs/%1.input").arg(id));
}

std::string u8(const QString &s)
{
    return s.toStdString();
}

// Never a null QString: a null one would be bound as SQL NULL into NOT NULL text columns.
QString q(const std::string &s)
{
    QString r = QString::fromStdString(s);
    if (r.isNull())
        r = QStringLiteral("");
    return r;
}

QString nn(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

// The workspace's valid examples that the data selects, and the imported datasets', as the
// engine's examples; configSources gets one DataSource per source.
Expected<std::vector<train::Example>> gatherExamples(Database &db, const TrainingData &data,
                                                     std::vector<train::DataSource> *configSources,
                                                     TrainingDataCounts *counts)
{
    std::vector<train::Example> out;
    QSet<QString> excluded;
    for (const QString &e : data.excludeQueries)
        excluded.insert(e);
    if (data.synthetic) {
        ExampleFilter f = data.filter;
        f.status = QStringLiteral("valid");
        QStringList binds;
        const QString where = exampleWhereClause(f, &binds);
        // Examples excluded on the Dataset page (leakage) never reach training.
        Statement st = db.prepare(QStringLiteral("SELECT id, family, language, instruction, query, positive, "
                                                 "COALESCE(negative, '') FROM examples") +
                                  where + QStringLiteral(" AND excluded = 0 ORDER BY id"));
        for (int i = 0; i < binds.size(); ++i)
            st.bind(i + 1, binds.at(i));
        while (st.step()) {
            if (excluded.contains(st.columnText(4))) {
                if (counts)
                    ++counts->excluded;
                continue;
            }
            train::Example e;
            e.id = "synthetic:" + std::to_string(st.columnInt(0));
            e.source = "synthetic";
            e.family = u8(st.columnText(1));
            e.language = u8(st.columnText(2));
            e.instruction = u8(st.columnText(3));
            e.query = u8(st.columnText(4));
            e.positive = u8(st.columnText(5));
            if (!st.columnText(6).isEmpty())
                e.negatives.push_back(u8(st.columnText(6)));
            if (e.query.empty() || e.positive.empty())
                continue;
            out.push_back(std::move(e));
            if (counts)
                ++counts->synthetic;
        }
        if (configSources)
            configSources->push_back({"synthetic", 1.0, {}});
    }
    if (!data.pairsCorpus.isEmpty()) {
        const Expected<CorpusInfo> c = findCorpus(db, data.pairsCorpus);
        if (!c)
            return makeError(c.error());
        const std::string source = "corpus:" + u8(data.pairsCorpus);
        Statement docs =
            db.prepare(QStringLiteral("SELECT id, title, text FROM documents WHERE corpus_id = ? ORDER BY id"));
        docs.bind(1, c->id);
        while (docs.step()) {
            const QString title = docs.columnText(1), text = docs.columnText(2);
            const QStringList words = text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
            // Texts without spaces between words (Chinese, Japanese, Thai) get spans of characters.
            const bool byChars = words.size() < 3;
            if (byChars && text.size() < 4)
                continue;
            std::mt19937_64 rng(static_cast<uint64_t>(docs.columnInt(0)) * 0x9E3779B97F4A7C15ULL + 17);
            for (int k = 0; k < data.pairsPerDocument; ++k) {
                QString query;
                if (byChars) {
                    const int n = std::min<int>(int(text.size()), 4 + int(rng() % 9));
                    query = text.mid(int(rng() % uint64_t(text.size() - n + 1)), n);
                } else {
                    const int n = std::min<int>(int(words.size()), 3 + int(rng() % 5));
                    query = words.mid(int(rng() % uint64_t(words.size() - n + 1)), n).join(QLatin1Char(' '));
                }
                train::Example e;
                e.id = source + ":" + std::to_string(docs.columnInt(0)) + ":" + std::to_string(k);
                e.source = source;
                e.instruction = u8(data.pairsInstruction);
                e.query = u8(query.trimmed());
                e.positive = u8(title.isEmpty() ? text : title + QLatin1Char(' ') + text);
                if (e.query.empty())
                    continue;
                out.push_back(std::move(e));
                if (counts)
                    ++counts->corpusPairs;
            }
        }
        if (configSources)
            configSources->push_back({source, 1.0, u8(data.pairsInstruction)});
    }
    for (const QString &name : data.datasets) {
        Statement ds = db.prepare(QStringLiteral("SELECT id, instruction, ratio FROM datasets WHERE name = ?"));
        ds.bind(1, name);
        if (!ds.step())
            return makeError(tr("there is no imported dataset named '%1' (see 'dataset import --jsonl')").arg(name));
        const qint64 id = ds.columnInt(0);
        const QString instruction = ds.columnText(1);
        const double ratio = ds.columnDouble(2);
        qint64 n = 0;
        Statement st = db.prepare(QStringLiteral("SELECT id, query, positive, negatives, instruction FROM "
                                                 "dataset_examples WHERE dataset_id = ? ORDER BY id"));
        st.bind(1, id);
        while (st.step()) {
            if (excluded.contains(st.columnText(1))) {
                if (counts)
                    ++counts->excluded;
                continue;
            }
            train::Example e;
            e.id = u8(name) + ":" + std::to_string(st.columnInt(0));
            e.source = u8(name);
            e.query = u8(st.columnText(1));
            e.positive = u8(st.columnText(2));
            const QJsonDocument negs = QJsonDocument::fromJson(st.columnText(3).toUtf8());
            for (const auto &v : negs.array())
                e.negatives.push_back(u8(v.toString()));
            e.instruction = u8(st.columnText(4).isEmpty() ? instruction : st.columnText(4));
            out.push_back(std::move(e));
            ++n;
        }
        if (counts)
            counts->datasets.append({name, n});
        if (configSources)
            configSources->push_back({u8(name), ratio, {}});
    }
    return out;
}

TrainingRunInfo readRun(Statement &st)
{
    TrainingRunInfo r;
    r.id = st.columnInt(0);
    r.name = st.columnText(1);
    r.status = st.columnText(2);
    r.message = st.columnText(3);
    r.configJson = st.columnText(4);
    r.runDir = st.columnText(5);
    r.baseModel = st.columnText(6);
    r.mode = st.columnText(7);
    r.steps = st.columnInt(8);
    r.totalSteps = st.columnInt(9);
    r.examples = st.columnInt(10);
    r.heldOut = st.columnInt(11);
    r.evalCorpus = st.columnText(12);
    r.evalSplit = st.columnText(13);
    r.evalInstruction = st.columnText(14);
    r.createdAt = st.columnText(15);
    r.updatedAt = st.columnText(16);
    return r;
}

const char *kRunColumns =
    "id, name, status, message, config, run_dir, base_model, mode, steps, total_steps, examples, "
    "heldout, COALESCE(eval_corpus, ''), COALESCE(eval_split, ''), COALESCE(eval_instruction, ''), "
    "created_at, updated_at";

void setStatus(Database &db, qint64 id, const QString &status, const QString &message, qint64 steps, qint64 total)
{
    Statement st = db.prepare(QStringLiteral(
        "UPDATE train_runs SET status = ?, message = ?, steps = ?, total_steps = ?, updated_at = ? WHERE id = ?"));
    st.bind(1, status).bind(2, nn(message)).bind(3, steps).bind(4, total).bind(5, isoNow()).bind(6, id);
    st.run();
}

// A corpus with qrels as the training job evaluates it: the queries of a split that have relevant
// documents, every document (title and text, as corpus embed embeds them).
struct EvalCorpus
{
    QString name;
    QStringList docIds, docTexts;
    QStringList queryIds, queryTexts;
    QHash<QString, metrics::Qrels> qrels;
};

Expected<EvalCorpus> loadEvalCorpus(Database &db, const QString &name, const QString &split)
{
    const Expected<CorpusInfo> c = findCorpus(db, name);
    if (!c)
        return makeError(c.error());
    EvalCorpus e;
    e.name = name;
    Statement docs =
        db.prepare(QStringLiteral("SELECT ext_id, title, text FROM documents WHERE corpus_id = ? ORDER BY id"));
    docs.bind(1, c->id);
    while (docs.step()) {
        e.docIds << docs.columnText(0);
        const QString title = docs.columnText(1), text = docs.columnText(2);
        e.docTexts << (title.isEmpty() ? text : title + QLatin1Char(' ') + text);
    }
    Statement rels = db.prepare(
        QStringLiteral("SELECT query_ext_id, doc_ext_id, score FROM qrels WHERE corpus_id = ? AND split = ?"));
    rels.bind(1, c->id).bind(2, split);
    while (rels.step())
        e.qrels[rels.columnText(0)].insert(rels.columnText(1), static_cast<int>(rels.columnInt(2)));
    Statement qs = db.prepare(QStringLiteral("SELECT ext_id, text FROM queries WHERE corpus_id = ? ORDER BY id"));
    qs.bind(1, c->id);
    while (qs.step()) {
        const auto it = e.qrels.constFind(qs.columnText(0));
        bool relevant = false;
        if (it != e.qrels.constEnd())
            for (int s : *it)
                relevant = relevant || s > 0;
        if (relevant) {
            e.queryIds << qs.columnText(0);
            e.queryTexts << qs.columnText(1);
        }
    }
    if (e.queryIds.isEmpty())
        return makeError(tr("corpus '%1' has no queries with relevant documents in split '%2'").arg(name, split));
    return e;
}

std::vector<std::string> toStd(const QStringList &l)
{
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(l.size()));
    for (const QString &s : l)
        out.push_back(u8(s));
    return out;
}

train::EvalRecord evaluateCorpus(const EvalCorpus &c, const QString &instruction, const train::EmbedFn &embed)
{
    const models::Matrix docs = embed(toStd(c.docTexts), {});
    const models::Matrix queries = embed(toStd(c.queryTexts), u8(instruction));
    QList<metrics::QueryScores> scores;
    double r10 = 0, r1 = 0;
    for (int64_t qi = 0; qi < queries.rows; ++qi) {
        std::vector<std::pair<float, int>> s;
        s.reserve(static_cast<size_t>(docs.rows));
        for (int64_t d = 0; d < docs.rows; ++d) {
            float dot = 0;
            for (int64_t k = 0; k < docs.cols; ++k)
                dot += queries.row(qi)[k] * docs.row(d)[k];
            s.emplace_back(dot, static_cast<int>(d));
        }
        const size_t top = std::min<size_t>(100, s.size());
        std::partial_sort(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(top), s.end(),
                          [&](const auto &a, const auto &b) {
                              return a.first != b.first ? a.first > b.first : c.docIds[a.second] > c.docIds[b.second];
                          });
        QStringList ranking;
        for (size_t i = 0; i < top; ++i)
            ranking << c.docIds.at(s[i].second);
        const metrics::Qrels &rel = c.qrels.value(c.queryIds.at(static_cast<int>(qi)));
        scores << metrics::scoreQuery(c.queryIds.at(static_cast<int>(qi)), ranking, rel, false);
        r10 += metrics::recallAt(ranking, rel, 10);
        r1 += metrics::recallAt(ranking, rel, 1);
    }
    const metrics::Summary sum = metrics::average(scores);
    train::EvalRecord r;
    r.split = u8(c.name);
    r.queries = sum.queries;
    r.ndcg10 = sum.ndcg10;
    r.mrr10 = sum.mrr10;
    r.recall10 = queries.rows ? r10 / double(queries.rows) : 0;
    r.recall1 = queries.rows ? r1 / double(queries.rows) : 0;
    return r;
}

} // namespace

QString defaultTrainingConfig()
{
    return q(train::TrainConfig().toJson());
}

Status validateTrainingConfig(const QString &configJson)
{
    try {
        (void)train::TrainConfig::fromJson(u8(configJson), "the training settings");
        return Status::success();
    } catch (const train::ConfigError &e) {
        return makeError(q(e.what()));
    }
}

bool TrainingRunInfo::finished() const
{
    return status == QLatin1String("finished") || status == QLatin1String("diverged") ||
           status == QLatin1String("failed");
}

bool TrainingRunInfo::resumable() const
{
    return !finished();
}

qint64 TrainingDataCounts::total() const
{
    qint64 n = synthetic + corpusPairs;
    for (const auto &d : datasets)
        n += d.second;
    return n;
}

Expected<TrainingDataCounts> countTrainingData(const Workspace &ws, const TrainingData &data)
{
    try {
        auto db = ws.connect();
        if (!db)
            return makeError(db.error());
        TrainingDataCounts counts;
        const auto ex = gatherExamples(**db, data, nullptr, &counts);
        if (!ex)
            return makeError(ex.error());
        return counts;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<qint64> createTrainingRun(const Workspace &ws, const TrainingRequest &request)
{
    train::TrainConfig config;
    try {
        config = train::TrainConfig::fromJson(u8(request.configJson), "the training settings");
    } catch (const train::ConfigError &e) {
        return makeError(tr("training settings: %1").arg(q(e.what())));
    }
    if (config.model.empty())
        return makeError(tr("training settings: choose a base model folder"));
    if (!QFileInfo(q(config.model) + QStringLiteral("/config.json")).isFile())
        return makeError(tr("%1 is not a model folder (no config.json)").arg(q(config.model)));
    try {
        auto dbx = ws.connect();
        if (!dbx)
            return makeError(dbx.error());
        Database &db = **dbx;
        std::vector<train::DataSource> sources;
        auto ex = gatherExamples(db, request.data, &sources, nullptr);
        if (!ex)
            return makeError(ex.error());
        std::vector<train::Example> all = std::move(*ex);
        if (all.empty())
            return makeError(tr("no training examples: the selection has no valid examples"));
        // The sources keep ratios and instructions from the config when it names them.
        for (train::DataSource &s : sources)
            for (const train::DataSource &c : config.sources)
                if (c.name == s.name)
                    s = c;
        config.sources = sources;
        std::vector<train::Example> heldOut;
        train::splitHeldOut(all, config.heldoutFraction, config.seed, &heldOut);
        if (all.empty())
            return makeError(tr("every example went to the held-out split; lower heldout_fraction"));
        if (!request.data.mineCorpus.isEmpty()) {
            const Expected<CorpusInfo> c = findCorpus(db, request.data.mineCorpus);
            if (!c)
                return makeError(c.error());
        }
        qint64 id = 0;
        {
            Transaction t(db);
            Statement st = db.prepare(QStringLiteral(
                "INSERT INTO train_runs (name, status, message, config, run_dir, base_model, mode, examples, heldout, "
                "eval_corpus, eval_split, eval_instruction, created_at, updated_at) "
                "VALUES (?, 'created', '', ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
            const QString now = isoNow();
            st.bind(1, q(config.name))
                .bind(2, q(config.toJson()))
                .bind(3, q(config.model))
                .bind(4, q(config.mode))
                .bind(5, static_cast<qint64>(all.size()))
                .bind(6, static_cast<qint64>(heldOut.size()))
                .bind(7, request.evalCorpus)
                .bind(8, request.evalSplit)
                .bind(9, request.evalInstruction)
                .bind(10, now)
                .bind(11, now);
            st.run();
            id = db.lastInsertRowId();
            if (config.name.empty())
                config.name = u8(tr("run %1").arg(id));
            const QString dir = runDirFor(ws, id);
            Statement up =
                db.prepare(QStringLiteral("UPDATE train_runs SET name = ?, config = ?, run_dir = ? WHERE id = ?"));
            up.bind(1, q(config.name)).bind(2, q(config.toJson())).bind(3, dir).bind(4, id);
            up.run();
            // The examples wait beside the run's folder until the job starts the engine.
            const QString input = inputDirFor(ws, id);
            if (!QDir().mkpath(input))
                return makeError(tr("%1: cannot create the folder").arg(input));
            train::writeExamplesJsonl(u8(input + QStringLiteral("/train.jsonl")), all);
            train::writeExamplesJsonl(u8(input + QStringLiteral("/heldout.jsonl")), heldOut);
            if (!request.data.mineCorpus.isEmpty()) {
                // The mining pool: the corpus's documents as the dense index sees them, one JSON string per line.
                const Expected<CorpusInfo> c = findCorpus(db, request.data.mineCorpus);
                if (!c)
                    return makeError(c.error());
                QFile pool(input + QStringLiteral("/mine_pool.jsonl"));
                if (!pool.open(QIODevice::WriteOnly))
                    return makeError(tr("%1: cannot write").arg(pool.fileName()));
                Statement docs =
                    db.prepare(QStringLiteral("SELECT title, text FROM documents WHERE corpus_id = ? ORDER BY id"));
                docs.bind(1, c->id);
                while (docs.step()) {
                    const QString title = docs.columnText(0), text = docs.columnText(1);
                    const QJsonValue line(title.isEmpty() ? text : title + QLatin1Char(' ') + text);
                    if (pool.write(QJsonDocument(QJsonArray{line}).toJson(QJsonDocument::Compact).mid(1).chopped(1) +
                                   '\n') < 0)
                        return makeError(tr("%1: cannot write").arg(pool.fileName()));
                }
                if (!pool.flush())
                    return makeError(tr("%1: cannot write").arg(pool.fileName()));
            }
            QFile cfg(input + QStringLiteral("/config.json"));
            if (!cfg.open(QIODevice::WriteOnly) || cfg.write(QByteArray::fromStdString(config.toJson())) < 0)
                return makeError(tr("%1: cannot write").arg(cfg.fileName()));
            cfg.close();
            t.commit();
        }
        return id;
    } catch (const DbError &e) {
        return makeError(e.message());
    } catch (const std::exception &e) {
        return makeError(q(compute::errorMessage(e)));
    }
}

JobSpec makeTrainingJob(const Workspace &ws, qint64 runId)
{
    JobSpec spec;
    spec.kind = QStringLiteral("train");
    spec.titleText = trText("ef", QT_TRANSLATE_NOOP("ef", "Train run %1"), {QString::number(runId)});
    spec.heavy = true;
    spec.handle = runId;
    spec.body = [ws, runId](JobContext &ctx) {
        const auto db = ctx.take(ws.connect());
        TrainingRunInfo info = ctx.take(trainingRun(ws, runId));
        const std::string dir = u8(info.runDir);
        std::unique_ptr<train::Trainer> trainer;
        try {
            if (QFileInfo::exists(info.runDir + QStringLiteral("/config.json"))) {
                trainer = train::Trainer::resume(dir);
            } else {
                const QString input = inputDirFor(ws, runId);
                QFile cfg(input + QStringLiteral("/config.json"));
                if (!cfg.open(QIODevice::ReadOnly))
                    ctx.fail(tr("run %1 has neither a folder nor its prepared data (%2)")
                                 .arg(argText(runId), argText(input)));
                const train::TrainConfig config =
                    train::TrainConfig::fromJson(cfg.readAll().toStdString(), u8(cfg.fileName()));
                const auto trainSet = train::readExamplesJsonl(u8(input + QStringLiteral("/train.jsonl")), {});
                const auto heldOut = train::readExamplesJsonl(u8(input + QStringLiteral("/heldout.jsonl")), {});
                std::vector<std::string> pool;
                QFile poolFile(input + QStringLiteral("/mine_pool.jsonl"));
                if (poolFile.open(QIODevice::ReadOnly)) {
                    while (!poolFile.atEnd()) {
                        const QByteArray line = poolFile.readLine().trimmed();
                        if (!line.isEmpty())
                            pool.push_back(
                                QJsonDocument::fromJson("[" + line + "]").array().at(0).toString().toStdString());
                    }
                }
                if (config.mineNegatives > 0)
                    ctx.setMessage(trText(
                        "ef", QT_TRANSLATE_NOOP("ef", "mining hard negatives with the base model among %1 candidates…"),
                        {QString::number(pool.empty() ? trainSet.size() : pool.size())}));
                trainer = train::Trainer::create(config, trainSet, heldOut, dir, pool);
                if (config.mineNegatives > 0) {
                    const auto m = trainer->mining();
                    ctx.setMessage(trText(
                        "ef",
                        QT_TRANSLATE_NOOP("ef", "run %1: mined %2 hard negatives for %3 examples among %4 candidates"),
                        {QString::number(runId), QString::number(m.negatives), QString::number(m.examples),
                         QString::number(m.pool)}));
                }
                QDir(input).removeRecursively();
            }
        } catch (const std::exception &e) {
            const QString message = q(compute::errorMessage(e));
            setStatus(*db, runId, info.status == QLatin1String("created") ? QStringLiteral("failed") : info.status,
                      message, info.steps, info.totalSteps);
            ctx.fail(message);
        }
        {
            // Metrics of steps the checkpoint does not hold (a killed run's last ones) are gone.
            Transaction t(*db);
            for (const char *table : {"train_metrics", "train_evals"}) {
                Statement del = db->prepare(
                    QStringLiteral("DELETE FROM %1 WHERE run_id = ? AND step > ?").arg(QLatin1String(table)));
                del.bind(1, runId).bind(2, static_cast<qint64>(trainer->stepsDone()));
                del.run();
            }
            t.commit();
        }
        setStatus(*db, runId, QStringLiteral("running"), {}, trainer->stepsDone(), trainer->totalSteps());
        ctx.setTotal(trainer->totalSteps());
        ctx.setProgress(trainer->stepsDone());

        std::optional<EvalCorpus> corpus;
        if (!info.evalCorpus.isEmpty())
            corpus = ctx.take(loadEvalCorpus(*db, info.evalCorpus,
                                             info.evalSplit.isEmpty() ? QStringLiteral("test") : info.evalSplit));

        Statement insert = db->prepare(QStringLiteral(
            "INSERT OR REPLACE INTO train_metrics (run_id, step, loss, lr, grad_norm, accuracy, positive_cos, "
            "hardest_negative_cos, masked, examples, tokens, examples_per_s, tokens_per_s, elapsed_s, memory_bytes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        Statement insertEval = db->prepare(QStringLiteral(
            "INSERT OR REPLACE INTO train_evals (run_id, step, split, queries, ndcg10, recall10, recall1, mrr10) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
        const qint64 total = trainer->totalSteps();
        train::Callbacks cb;
        cb.onStep = [&](const train::StepRecord &s) {
            insert.reset();
            insert.bind(1, runId)
                .bind(2, static_cast<qint64>(s.step))
                .bind(3, s.loss)
                .bind(4, s.learningRate)
                .bind(5, s.gradNorm)
                .bind(6, s.accuracy)
                .bind(7, s.positiveCosine)
                .bind(8, s.hardestNegativeCosine)
                .bind(9, static_cast<qint64>(s.masked))
                .bind(10, static_cast<qint64>(s.examples))
                .bind(11, static_cast<qint64>(s.tokens))
                .bind(12, s.examplesPerSecond)
                .bind(13, s.tokensPerSecond)
                .bind(14, s.elapsedSeconds)
                .bind(15, static_cast<qint64>(s.memoryBytes));
            insert.run();
            ctx.addMetrics(s.step, {{QStringLiteral("loss"), s.loss},
                                    {QStringLiteral("lr"), s.learningRate},
                                    {QStringLiteral("grad_norm"), s.gradNorm},
                                    {QStringLiteral("accuracy"), s.accuracy},
                                    {QStringLiteral("positive_cos"), s.positiveCosine},
                                    {QStringLiteral("hardest_negative_cos"), s.hardestNegativeCosine},
                                    {QStringLiteral("examples_per_s"), s.examplesPerSecond},
                                    {QStringLiteral("tokens_per_s"), s.tokensPerSecond},
                                    {QStringLiteral("examples"), double(s.examples)},
                                    {QStringLiteral("elapsed_s"), s.elapsedSeconds},
                                    {QStringLiteral("memory_bytes"), double(s.memoryBytes)},
                                    {QStringLiteral("masked"), double(s.masked)}});
            if (s.step % 10 == 0 || s.step == total)
                setStatus(*db, runId, QStringLiteral("running"), {}, s.step, total);
            ctx.setProgress(s.step,
                            trText("ef", QT_TRANSLATE_NOOP("ef", "step %1 of %2, loss %3"),
                                   {QString::number(s.step), QString::number(total), QString::number(s.loss, 'f', 4)}));
        };
        cb.onEval = [&](const train::EvalRecord &e) {
            insertEval.reset();
            insertEval.bind(1, runId)
                .bind(2, static_cast<qint64>(e.step))
                .bind(3, q(e.split))
                .bind(4, static_cast<qint64>(e.queries))
                .bind(5, e.ndcg10)
                .bind(6, e.recall10)
                .bind(7, e.recall1)
                .bind(8, e.mrr10);
            insertEval.run();
            const QString p = QStringLiteral("eval.%1.").arg(q(e.split));
            ctx.addMetrics(e.step, {{p + QStringLiteral("ndcg10"), e.ndcg10},
                                    {p + QStringLiteral("recall10"), e.recall10},
                                    {p + QStringLiteral("recall1"), e.recall1}});
        };
        if (corpus) {
            const QString instruction = info.evalInstruction;
            cb.evaluate = [&, instruction](int64_t, const train::EmbedFn &embed) {
                return std::vector<train::EvalRecord>{evaluateCorpus(*corpus, instruction, embed)};
            };
        }
        cb.shouldStop = [&ctx] { return ctx.cancelRequested(); };
        train::RunResult r;
        try {
            r = trainer->run(cb);
        } catch (const std::exception &e) {
            const QString message = q(compute::errorMessage(e));
            setStatus(*db, runId, QStringLiteral("failed"), message, trainer->stepsDone(), total);
            ctx.fail(message);
        }
        TrainingOutcome outcome;
        outcome.runId = runId;
        outcome.status = q(train::outcomeName(r.outcome));
        outcome.message = q(r.message);
        outcome.steps = r.steps;
        outcome.checkpoint = q(r.checkpoint);
        setStatus(*db, runId, outcome.status, outcome.message, r.steps, total);
        ctx.setResult(outcome);
        if (r.outcome == train::Outcome::Cancelled)
            throw JobCancelled();
        if (r.outcome != train::Outcome::Finished)
            ctx.fail(outcome.message);
    };
    return spec;
}

Expected<QList<TrainingRunInfo>> trainingRuns(const Workspace &ws)
{
    try {
        auto db = ws.connect();
        if (!db)
            return makeError(db.error());
        QList<TrainingRunInfo> out;
        Statement st =
            (*db)->prepare(QStringLiteral("SELECT %1 FROM train_runs ORDER BY id").arg(QLatin1String(kRunColumns)));
        while (st.step())
            out << readRun(st);
        return out;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<TrainingRunInfo> trainingRun(const Workspace &ws, qint64 runId)
{
    try {
        auto db = ws.connect();
        if (!db)
            return makeError(db.error());
        Statement st =
            (*db)->prepare(QStringLiteral("SELECT %1 FROM train_runs WHERE id = ?").arg(QLatin1String(kRunColumns)));
        st.bind(1, runId);
        if (!st.step())
            return makeError(tr("there is no training run %1 in %2").arg(argText(runId), argText(ws.path())));
        return readRun(st);
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<QList<TrainingPoint>> trainingPoints(const Workspace &ws, qint64 runId)
{
    try {
        auto db = ws.connect();
        if (!db)
            return makeError(db.error());
        QList<TrainingPoint> out;
        Statement st = (*db)->prepare(QStringLiteral(
            "SELECT step, loss, lr, grad_norm, accuracy, positive_cos, hardest_negative_cos, masked, examples, tokens, "
            "examples_per_s, tokens_per_s, elapsed_s, memory_bytes FROM train_metrics WHERE run_id = ? ORDER BY step"));
        st.bind(1, runId);
        while (st.step()) {
            TrainingPoint p;
            p.step = st.columnInt(0);
            p.loss = st.columnDouble(1);
            p.lr = st.columnDouble(2);
            p.gradNorm = st.columnDouble(3);
            p.accuracy = st.columnDouble(4);
            p.positiveCos = st.columnDouble(5);
            p.hardestNegativeCos = st.columnDouble(6);
            p.masked = st.columnInt(7);
            p.examples = st.columnInt(8);
            p.tokens = st.columnInt(9);
            p.examplesPerS = st.columnDouble(10);
            p.tokensPerS = st.columnDouble(11);
            p.elapsedS = st.columnDouble(12);
            p.memoryBytes = st.columnInt(13);
            out << p;
        }
        return out;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<QList<TrainingEval>> trainingEvals(const Workspace &ws, qint64 runId)
{
    try {
        auto db = ws.connect();
        if (!db)
            return makeError(db.error());
        QList<TrainingEval> out;
        Statement st = (*db)->prepare(QStringLiteral("SELECT step, split, queries, ndcg10, recall10, recall1, mrr10 "
                                                     "FROM train_evals WHERE run_id = ? ORDER BY step, split"));
        st.bind(1, runId);
        while (st.step()) {
            TrainingEval e;
            e.step = st.columnInt(0);
            e.split = st.columnText(1);
            e.queries = st.columnInt(2);
            e.ndcg10 = st.columnDouble(3);
            e.recall10 = st.columnDouble(4);
            e.recall1 = st.columnDouble(5);
            e.mrr10 = st.columnDouble(6);
            out << e;
        }
        return out;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

QStringList configDifferences(const QString &a, const QString &b)
{
    const QJsonObject x = QJsonDocument::fromJson(a.toUtf8()).object(),
                      y = QJsonDocument::fromJson(b.toUtf8()).object();
    QStringList keys = x.keys();
    for (const QString &k : y.keys())
        if (!keys.contains(k))
            keys << k;
    keys.sort();
    QStringList out;
    for (const QString &k : keys) {
        if (k == QLatin1String("name"))
            continue;
        const QJsonValue u = x.value(k), v = y.value(k);
        if (u == v)
            continue;
        const auto text = [](const QJsonValue &val) {
            if (val.isString())
                return val.toString();
            if (val.isDouble())
                return QString::number(val.toDouble(), 'g', 8);
            if (val.isBool())
                return val.toBool() ? QStringLiteral("true") : QStringLiteral("false");
            if (val.isUndefined() || val.isNull())
                return QStringLiteral("-");
            return QString::fromUtf8(
                QJsonDocument(val.isArray() ? QJsonDocument(val.toArray()) : QJsonDocument(val.toObject()))
                    .toJson(QJsonDocument::Compact));
        };
        out << QStringLiteral("%1: %2 → %3").arg(k, text(u), text(v));
    }
    return out;
}

JobSpec makeTrainingExportJob(const Workspace &ws, qint64 runId, const QString &format, const QString &outDir)
{
    JobSpec spec;
    spec.kind = QStringLiteral("train.export");
    spec.titleText = trText("ef", QT_TRANSLATE_NOOP("ef", "Export run %1 as %2"), {QString::number(runId), format});
    spec.heavy = true;
    spec.handle = runId;
    spec.body = [ws, runId, format, outDir](JobContext &ctx) {
        const TrainingRunInfo info = ctx.take(trainingRun(ws, runId));
        train::ExportFormat f;
        if (!train::parseExportFormat(u8(format), &f))
            ctx.fail(tr("unknown export format '%1' (expected peft, merged or sentence-transformers)").arg(format));
        try {
            ctx.setMessage(trText("ef", QT_TRANSLATE_NOOP("ef", "writing and checking %1"), {outDir}));
            const train::ExportResult r = train::exportRun(u8(info.runDir), f, u8(outDir));
            ctx.setResult(QStringLiteral("%1\t%2\t%3")
                              .arg(q(r.dir), QString::number(r.probes), QString::number(r.minCosine, 'f', 7)));
        } catch (const std::exception &e) {
            ctx.fail(q(compute::errorMessage(e)));
        }
    };
    return spec;
}

JobSpec makeTrainingPreflightJob(const QString &configJson)
{
    JobSpec spec;
    spec.kind = QStringLiteral("train.preflight");
    spec.titleText = trText("ef", QT_TRANSLATE_NOOP("ef", "Check the training settings"));
    spec.heavy = false;
    spec.interactive = true;
    spec.body = [configJson](JobContext &ctx) {
        try {
            const train::TrainConfig c = train::TrainConfig::fromJson(u8(configJson), "the training settings");
            if (c.model.empty())
                ctx.fail(tr("choose a base model folder"));
            const train::Preflight p = train::preflight(c);
            TrainingPreflight out;
            out.architecture = q(p.architecture);
            out.family = q(p.family);
            out.device = q(p.device);
            out.dtype = q(p.dtype);
            out.eosToken = q(p.eosToken);
            out.paddingSide = q(p.paddingSide);
            out.queryTemplate = q(p.queryTemplate);
            out.note = q(p.note);
            out.parameters = p.parameters;
            out.trainableParameters = p.trainableParameters;
            out.layers = p.layers;
            out.hidden = p.hidden;
            out.eosAppended = p.eosAppended;
            out.weightBytes = p.weightBytes;
            out.trainableBytes = p.trainableBytes;
            out.activationBytes = p.activationBytes;
            out.embeddingBytes = p.embeddingBytes;
            out.totalBytes = p.totalBytes;
            ctx.setResult(out);
        } catch (const std::exception &e) {
            ctx.fail(q(compute::errorMessage(e)));
        }
    };
    return spec;
}

Expected<DatasetInfo> importDataset(const Workspace &ws, const QString &jsonlPath, const QString &name,
                                    const QString &instruction, double ratio)
{
    if (name.trimmed().isEmpty() || name == QLatin1String("synthetic"))
        return makeError(tr("dataset name '%1': choose a name other than 'synthetic'").arg(name));
    if (!(ratio > 0 && ratio <= 100))
        return makeError(tr("--ratio %1: must be above 0 and at most 100").arg(ratio));
    std::vector<train::Example> examples;
    try {
        examples = train::readExamplesJsonl(u8(jsonlPath), u8(name), u8(instruction));
    } catch (const std::exception &e) {
        return makeError(q(e.what()));
    }
    if (examples.empty())
        return makeError(tr("%1: no examples").arg(jsonlPath));
    try {
        auto dbx = ws.connect();
        if (!dbx)
            return makeError(dbx.error());
        Database &db = **dbx;
        Transaction t(db);
        Statement exists = db.prepare(QStringLiteral("SELECT 1 FROM datasets WHERE name = ?"));
        exists.bind(1, name);
        if (exists.step())
            return makeError(tr("a dataset named '%1' exists already").arg(name));
        DatasetInfo info;
        info.name = name;
        info.instruction = instruction;
        info.ratio = ratio;
        info.sourceFile = QFileInfo(jsonlPath).absoluteFilePath();
        info.importedAt = isoNow();
        Statement ins = db.prepare(QStringLiteral(
            "INSERT INTO datasets (name, instruction, ratio, source_file, imported_at) VALUES (?, ?, ?, ?, ?)"));
        ins.bind(1, name).bind(2, nn(instruction)).bind(3, ratio).bind(4, info.sourceFile).bind(5, info.importedAt);
        ins.run();
        info.id = db.lastInsertRowId();
        Statement row = db.prepare(QStringLiteral("INSERT INTO dataset_examples (dataset_id, line, query, positive, "
                                                  "negatives, instruction) VALUES (?, ?, ?, ?, ?, ?)"));
        qint64 line = 0;
        for (const train::Example &e : examples) {
            QJsonArray negs;
            for (const std::string &n : e.negatives)
                negs.append(q(n));
            row.reset();
            row.bind(1, info.id)
                .bind(2, ++line)
                .bind(3, q(e.query))
                .bind(4, q(e.positive))
                .bind(5, QString::fromUtf8(QJsonDocument(negs).toJson(QJsonDocument::Compact)))
                .bind(6, instruction.isEmpty() ? q(e.instruction) : QStringLiteral(""));
            row.run();
        }
        t.commit();
        info.examples = static_cast<qint64>(examples.size());
        return info;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<QList<DatasetInfo>> datasets(const Workspace &ws)
{
    try {
        auto db = ws.connect();
        if (!db)
            return makeError(db.error());
        QList<DatasetInfo> out;
        Statement st = (*db)->prepare(QStringLiteral(
            "SELECT d.id, d.name, d.instruction, d.ratio, d.source_file, d.imported_at, "
            "(SELECT COUNT(*) FROM dataset_examples e WHERE e.dataset_id = d.id) FROM datasets d ORDER BY d.name"));
        while (st.step()) {
            DatasetInfo d;
            d.id = st.columnInt(0);
            d.name = st.columnText(1);
            d.instruction = st.columnText(2);
            d.ratio = st.columnDouble(3);
            d.sourceFile = st.columnText(4);
            d.importedAt = st.columnText(5);
            d.examples = st.columnInt(6);
            out << d;
        }
        return out;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

JobSpec makeDemoModelJob(const Workspace &ws)
{
    JobSpec spec;
    spec.kind = QStringLiteral("train.demo-model");
    spec.titleText = trText("ef", QT_TRANSLATE_NOOP("ef", "Create the demo model"));
    spec.heavy = false;
    spec.body = [ws](JobContext &ctx) {
        const QString dir = QDir(ws.artifactsDir()).filePath(QStringLiteral("models/demo-from-scratch"));
        if (QFileInfo::exists(dir + QStringLiteral("/model.safetensors"))) {
            ctx.setResult(dir);
            return;
        }
        const auto db = ctx.take(ws.connect());
        // The tokenizer's merges come from the workspace's own texts (examples and corpora).
        std::vector<std::string> texts;
        Statement ex = db->prepare(
            QStringLiteral("SELECT query, positive, COALESCE(negative, '') FROM examples WHERE status = 'valid'"));
        while (ex.step())
            for (int c = 0; c < 3; ++c)
                if (!ex.columnText(c).isEmpty())
                    texts.push_back(u8(ex.columnText(c)));
        Statement docs = db->prepare(QStringLiteral("SELECT title, text FROM documents LIMIT 20000"));
        while (docs.step())
            texts.push_back(u8(docs.columnText(0) + QLatin1Char(' ') + docs.columnText(1)));
        ctx.setMessage(trText("ef", QT_TRANSLATE_NOOP("ef", "learning a tokenizer from %1 texts"),
                              {QString::number(texts.size())}));
        models::TinyModelOptions o;
        o.family = models::Family::Llama;
        o.seed = 3;
        o.hidden = 256;
        o.layers = 4;
        o.heads = 8;
        o.kvHeads = 4;
        o.intermediate = 768;
        o.merges = 3000;
        o.mergeTexts = std::move(texts);
        const QString tmp = dir + QStringLiteral(".partial");
        QDir(tmp).removeRecursively();
        try {
            models::makeTinyModel(u8(tmp), o);
        } catch (const std::exception &e) {
            ctx.fail(q(e.what()));
        }
        QDir().mkpath(QFileInfo(dir).path());
        QDir(dir).removeRecursively();
        if (!QDir().rename(tmp, dir))
            ctx.fail(tr("cannot move %1 into place").arg(dir));
        ctx.setResult(dir);
    };
    return spec;
}

QString demoTrainingConfig(const QString &modelDir)
{
    train::TrainConfig c;
    c.name = u8(tr("demo: small model from scratch"));
    c.model = u8(modelDir);
    c.mode = "full";
    c.device = "cpu";
    c.dtype = "f32";
    c.steps = 150;
    c.batchSize = 32;
    c.microBatch = 0;
    c.learningRate = 1e-3;
    c.warmupSteps = 10;
    c.temperature = 0.05;
    c.maxLength = 128;
    c.gradientCheckpointing = false;
    c.evalEvery = 25;
    c.checkpointEvery = 50;
    c.heldoutFraction = 0.1;
    return q(c.toJson());
}

} // namespace ef
