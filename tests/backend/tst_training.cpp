// SPDX-License-Identifier: GPL-3.0-or-later
// Training runs in a workspace: what a run trains on (valid examples, filters, datasets, excluded
// queries, corpus pseudo-queries), the job (metrics channel and rows, result, state), cancel and
// resume, a killed run's leftovers, datasets imported all or nothing, settings differences.
#include <algorithm>
#include <cmath>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/dataset.h"
#include "backend/jobs.h"
#include "backend/training.h"
#include "backend/workspace.h"
#include "models/tinymodel.h"

using namespace ef;

class TestTraining final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void defaultsAreThePapersRecipe();
    void dataSelectionCountsWhatTheRunTrainsOn();
    void corpusPseudoQueriesUseDocumentsOnly();
    void negativesMinedFromACorpusAreItsDocuments();
    void jobStreamsMetricsStoresRowsAndFinishes();
    void cancelKeepsACheckpointAndResumeContinuesTheCurve();
    void aKilledRunIsResumableAndLosesOnlyUncheckpointedSteps();
    void datasetImportIsAllOrNothing();
    void settingsDifferencesNameTheKeys();
    void badSettingsAreRefusedWithTheField();

private:
    QString config(int steps, const QString &extra = {}) const;
    JobInfo runToEnd(JobManager &jobs, quint64 id, QList<MetricSample> *samples = nullptr);
    QTemporaryDir m_dir;
    Workspace m_ws;
    QString m_model;
};

void TestTraining::initTestCase()
{
    m_model = m_dir.filePath(QStringLiteral("tiny"));
    models::TinyModelOptions o;
    o.family = models::Family::Llama;
    o.seed = 7;
    models::makeTinyModel(m_model.toStdString(), o);
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("t.efws")));
    QVERIFY2(ws, qPrintable(ws.error()));
    m_ws = ws.value();
    const auto n = importDemoExamples(m_ws);
    QVERIFY2(n && *n > 300, qPrintable(n.error()));
    auto db = m_ws.connect();
    QVERIFY(db);
    const auto c =
        importCorpus(**db, {CorpusImport::Kind::Beir, QStringLiteral(":/demo/corpus"), QStringLiteral("demo")});
    QVERIFY2(c, qPrintable(c.error()));
}

QString TestTraining::config(int steps, const QString &extra) const
{
    QJsonObject o = QJsonDocument::fromJson(defaultTrainingConfig().toUtf8()).object();
    o.insert(QStringLiteral("model"), m_model);
    o.insert(QStringLiteral("device"), QStringLiteral("cpu"));
    o.insert(QStringLiteral("steps"), steps);
    o.insert(QStringLiteral("batch_size"), 16);
    o.insert(QStringLiteral("micro_batch"), 12);
    o.insert(QStringLiteral("lora_rank"), 4);
    o.insert(QStringLiteral("max_length"), 64);
    o.insert(QStringLiteral("warmup_steps"), 2);
    o.insert(QStringLiteral("learning_rate"), 1e-3);
    o.insert(QStringLiteral("eval_every"), 3);
    o.insert(QStringLiteral("checkpoint_every"), 3);
    o.insert(QStringLiteral("heldout_fraction"), 0.05);
    const QJsonObject more = QJsonDocument::fromJson(extra.toUtf8()).object();
    for (auto it = more.constBegin(); it != more.constEnd(); ++it)
        o.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(o).toJson());
}

JobInfo TestTraining::runToEnd(JobManager &jobs, quint64 id, QList<MetricSample> *samples)
{
    JobInfo done;
    QEventLoop loop;
    connect(&jobs, &JobManager::jobMetrics, &loop, [&](quint64 job, const QList<MetricSample> &s) {
        if (job == id && samples)
            *samples += s;
    });
    connect(&jobs, &JobManager::jobFinished, &loop, [&](const JobInfo &info) {
        if (info.id == id) {
            done = info;
            loop.quit();
        }
    });
    QTimer::singleShot(240000, &loop, &QEventLoop::quit);
    loop.exec();
    return done;
}

void TestTraining::defaultsAreThePapersRecipe()
{
    const QJsonObject o = QJsonDocument::fromJson(defaultTrainingConfig().toUtf8()).object();
    QCOMPARE(o.value(QStringLiteral("lora_rank")).toInt(), 16);
    QCOMPARE(o.value(QStringLiteral("batch_size")).toInt(), 2048);
    QCOMPARE(o.value(QStringLiteral("learning_rate")).toDouble(), 1e-4);
    QCOMPARE(o.value(QStringLiteral("warmup_steps")).toInt(), 100);
    QCOMPARE(o.value(QStringLiteral("weight_decay")).toDouble(), 0.1);
    QCOMPARE(o.value(QStringLiteral("temperature")).toDouble(), 0.02);
    QCOMPARE(o.value(QStringLiteral("hard_negatives")).toInt(), 1);
    QCOMPARE(o.value(QStringLiteral("max_length")).toInt(), 512);
    QCOMPARE(o.value(QStringLiteral("lora_targets")).toArray().size(), 7);
}

void TestTraining::dataSelectionCountsWhatTheRunTrainsOn()
{
    TrainingData all;
    const auto c = countTrainingData(m_ws, all);
    QVERIFY2(c, qPrintable(c.error()));
    auto db = m_ws.connect();
    const qint64 valid = (*db)->queryInt(
        QStringLiteral("SELECT COUNT(*) FROM examples WHERE status = 'valid' AND query <> '' AND positive <> ''"));
    QCOMPARE(c->synthetic, valid);
    TrainingData zh = all;
    zh.filter.language = QStringLiteral("zh");
    const auto czh = countTrainingData(m_ws, zh);
    QVERIFY(czh && czh->synthetic > 0 && czh->synthetic < valid);
    QCOMPARE(czh->synthetic, (*db)->queryInt(QStringLiteral(
                                 "SELECT COUNT(*) FROM examples WHERE status = 'valid' AND language = 'zh'")));
    // The demo corpus's queries are demo examples' queries too: keeping them out is counted.
    const auto corpora = listCorpora(m_ws);
    QVERIFY(corpora && !corpora->isEmpty());
    const auto queries = corpusQueryTexts(m_ws, corpora->first().id, 100000);
    QVERIFY(queries && !queries->isEmpty());
    TrainingData without = all;
    without.excludeQueries = *queries;
    const auto cw = countTrainingData(m_ws, without);
    QVERIFY(cw && cw->excluded > 0);
    QCOMPARE(cw->synthetic + cw->excluded, valid);
    // The run's data is what was counted, minus the held-out share.
    TrainingRequest request;
    request.configJson = config(3);
    request.data = without;
    const auto id = createTrainingRun(m_ws, request);
    QVERIFY2(id, qPrintable(id.error()));
    const auto info = trainingRun(m_ws, *id);
    QVERIFY(info);
    QCOMPARE(info->examples + info->heldOut, cw->synthetic);
    QVERIFY(info->heldOut > 0);
    QCOMPARE(info->status, QStringLiteral("created"));
}

void TestTraining::corpusPseudoQueriesUseDocumentsOnly()
{
    TrainingData d;
    d.synthetic = false;
    d.pairsCorpus = QStringLiteral("demo");
    d.pairsPerDocument = 3;
    const auto c = countTrainingData(m_ws, d);
    QVERIFY2(c, qPrintable(c.error()));
    auto db = m_ws.connect();
    QCOMPARE(c->corpusPairs, 3 * (*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM documents")));
    TrainingRequest request;
    request.configJson = config(2, QStringLiteral(R"({"heldout_fraction": 0})"));
    request.data = d;
    const auto id = createTrainingRun(m_ws, request);
    QVERIFY2(id, qPrintable(id.error()));
    // Every pseudo-query is a span of its positive document, and none is one of the corpus's queries.
    QFile f(m_ws.artifactsDir() + QStringLiteral("/runs/%1.input/train.jsonl").arg(*id));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto queries = corpusQueryTexts(m_ws, 1, 100000);
    int n = 0;
    while (!f.atEnd()) {
        const QJsonObject o = QJsonDocument::fromJson(f.readLine()).object();
        QVERIFY(o.value(QStringLiteral("positive")).toString().contains(o.value(QStringLiteral("query")).toString()));
        QVERIFY(!queries->contains(o.value(QStringLiteral("query")).toString()));
        QCOMPARE(o.value(QStringLiteral("source")).toString(), QStringLiteral("corpus:demo"));
        ++n;
    }
    QCOMPARE(qint64(n), c->corpusPairs);
}

// With mine_negatives and a corpus: every example that had no hard negative trains with one of the
// corpus's documents (title and text, as the dense index embeds them); the others keep theirs.
void TestTraining::negativesMinedFromACorpusAreItsDocuments()
{
    TrainingRequest request;
    request.configJson = config(2, QStringLiteral(R"({"mine_negatives": 1, "heldout_fraction": 0})"));
    request.data.mineCorpus = QStringLiteral("demo");
    const auto id = createTrainingRun(m_ws, request);
    QVERIFY2(id, qPrintable(id.error()));
    QSet<QString> documents;
    {
        auto db = m_ws.connect();
        Statement st = (*db)->prepare(QStringLiteral("SELECT title, text FROM documents"));
        while (st.step())
            documents.insert(st.columnText(0).isEmpty() ? st.columnText(1)
                                                        : st.columnText(0) + QLatin1Char(' ') + st.columnText(1));
    }
    QMap<QString, int> ownNegatives; // query -> negatives before mining
    {
        QFile in(m_ws.artifactsDir() + QStringLiteral("/runs/%1.input/train.jsonl").arg(*id));
        QVERIFY(in.open(QIODevice::ReadOnly));
        while (!in.atEnd()) {
            const QJsonObject o = QJsonDocument::fromJson(in.readLine()).object();
            ownNegatives[o.value(QStringLiteral("id")).toString()] =
                int(o.value(QStringLiteral("negatives")).toArray().size());
        }
    }
    QVERIFY(std::count(ownNegatives.begin(), ownNegatives.end(), 0) > 20); // the demo's short-short and long-long rows
    JobManager jobs;
    const JobInfo done = runToEnd(jobs, jobs.submit(makeTrainingJob(m_ws, *id)));
    QVERIFY2(done.state == JobState::Succeeded, qPrintable(done.error));
    QFile f(trainingRun(m_ws, *id)->runDir + QStringLiteral("/data/train.jsonl"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    int mined = 0;
    while (!f.atEnd()) {
        const QJsonObject o = QJsonDocument::fromJson(f.readLine()).object();
        const QJsonArray negatives = o.value(QStringLiteral("negatives")).toArray();
        QVERIFY(!negatives.isEmpty());
        if (ownNegatives.value(o.value(QStringLiteral("id")).toString()) == 0) {
            QCOMPARE(negatives.size(), 1);
            QVERIFY2(documents.contains(negatives.at(0).toString()), qPrintable(negatives.at(0).toString()));
            QVERIFY(negatives.at(0).toString() != o.value(QStringLiteral("positive")).toString());
            ++mined;
        }
    }
    QCOMPARE(mined, int(std::count(ownNegatives.begin(), ownNegatives.end(), 0)));
    // A corpus that does not exist is named before anything is created.
    request.data.mineCorpus = QStringLiteral("nope");
    const auto bad = createTrainingRun(m_ws, request);
    QVERIFY(!bad);
    QVERIFY2(bad.error().contains(QLatin1String("nope")), qPrintable(bad.error()));
}

void TestTraining::jobStreamsMetricsStoresRowsAndFinishes()
{
    TrainingRequest request;
    request.configJson = config(6);
    request.evalCorpus = QStringLiteral("demo");
    request.evalInstruction =
        QStringLiteral("Given a web search query, retrieve relevant passages that answer the query");
    const auto id = createTrainingRun(m_ws, request);
    QVERIFY2(id, qPrintable(id.error()));
    JobManager jobs;
    QList<MetricSample> samples;
    const quint64 job = jobs.submit(makeTrainingJob(m_ws, *id));
    QCOMPARE(jobs.job(job).handle.toLongLong(), *id);
    const JobInfo done = runToEnd(jobs, job, &samples);
    QVERIFY2(done.state == JobState::Succeeded, qPrintable(done.error));
    const auto outcome = jobResult<TrainingOutcome>(done);
    QVERIFY(outcome);
    QCOMPARE(outcome->status, QStringLiteral("finished"));
    QCOMPARE(outcome->steps, qint64(6));
    // One sample per step, in order, with the documented series; evaluations at steps 3 and 6.
    QList<qint64> steps;
    int evals = 0;
    for (const MetricSample &s : samples) {
        if (s.values.contains(QStringLiteral("loss"))) {
            steps << s.step;
            for (const char *k : {"lr", "grad_norm", "accuracy", "examples_per_s", "tokens_per_s", "memory_bytes"})
                QVERIFY2(s.values.contains(QLatin1String(k)), k);
        }
        if (s.values.contains(QStringLiteral("eval.demo.ndcg10")))
            ++evals;
    }
    QCOMPARE(steps, (QList<qint64>{1, 2, 3, 4, 5, 6}));
    QCOMPARE(evals, 2);
    const auto points = trainingPoints(m_ws, *id);
    QVERIFY(points);
    QCOMPARE(points->size(), 6);
    QCOMPARE(points->last().step, qint64(6));
    QVERIFY(points->first().loss > 0 && std::isfinite(points->first().loss));
    const auto evalRows = trainingEvals(m_ws, *id);
    QVERIFY(evalRows);
    QCOMPARE(evalRows->size(), 4); // held-out and demo, at steps 3 and 6
    const auto info = trainingRun(m_ws, *id);
    QCOMPARE(info->status, QStringLiteral("finished"));
    QCOMPARE(info->steps, qint64(6));
    QVERIFY(
        QFile::exists(info->runDir + QStringLiteral("/checkpoints/step-00000006/adapter/adapter_model.safetensors")));
    // Export from the workspace's run.
    const QString out = m_dir.filePath(QStringLiteral("export-peft"));
    const quint64 ex = jobs.submit(makeTrainingExportJob(m_ws, *id, QStringLiteral("peft"), out));
    const JobInfo exported = runToEnd(jobs, ex);
    QVERIFY2(exported.state == JobState::Succeeded, qPrintable(exported.error));
    QVERIFY(QFile::exists(out + QStringLiteral("/adapter_config.json")));
    // A finished run cannot be resumed.
    QVERIFY(info->finished() && !info->resumable());
}

void TestTraining::cancelKeepsACheckpointAndResumeContinuesTheCurve()
{
    TrainingRequest request;
    request.configJson = config(40, QStringLiteral(R"({"checkpoint_every": 1000, "eval_every": 1000})"));
    const auto id = createTrainingRun(m_ws, request);
    QVERIFY2(id, qPrintable(id.error()));
    JobManager jobs;
    const quint64 job = jobs.submit(makeTrainingJob(m_ws, *id));
    QList<MetricSample> samples;
    connect(&jobs, &JobManager::jobMetrics, this, [&](quint64 j, const QList<MetricSample> &s) {
        if (j == job && !s.isEmpty() && s.last().step >= 3)
            jobs.cancel(job);
    });
    const JobInfo done = runToEnd(jobs, job, &samples);
    QCOMPARE(done.state, JobState::Cancelled);
    const auto outcome = jobResult<TrainingOutcome>(done);
    QVERIFY(outcome && outcome->status == QStringLiteral("cancelled"));
    const qint64 stopped = outcome->steps;
    QVERIFY(stopped >= 3 && stopped < 40);
    auto info = trainingRun(m_ws, *id);
    QCOMPARE(info->status, QStringLiteral("cancelled"));
    QVERIFY(info->resumable());
    QVERIFY(outcome->checkpoint.endsWith(QStringLiteral("step-%1").arg(stopped, 8, 10, QLatin1Char('0'))));
    // Resume: the curve continues from the checkpoint to the end, each step stored once.
    const quint64 again = jobs.submit(makeTrainingJob(m_ws, *id));
    QList<MetricSample> more;
    const JobInfo finished = runToEnd(jobs, again, &more);
    QVERIFY2(finished.state == JobState::Succeeded, qPrintable(finished.error));
    QCOMPARE(more.first().step, stopped + 1);
    const auto points = trainingPoints(m_ws, *id);
    QCOMPARE(points->size(), 40);
    for (int i = 0; i < points->size(); ++i)
        QCOMPARE(points->at(i).step, qint64(i + 1));
}

void TestTraining::aKilledRunIsResumableAndLosesOnlyUncheckpointedSteps()
{
    // As a killed process leaves it: the row says running, metrics went beyond the last checkpoint.
    TrainingRequest request;
    request.configJson = config(6, QStringLiteral(R"({"checkpoint_every": 3, "eval_every": 1000})"));
    const auto id = createTrainingRun(m_ws, request);
    JobManager jobs;
    QVERIFY(runToEnd(jobs, jobs.submit(makeTrainingJob(m_ws, *id))).state == JobState::Succeeded);
    const auto info = trainingRun(m_ws, *id);
    {
        auto db = m_ws.connect();
        (*db)->exec(QStringLiteral("UPDATE train_runs SET status = 'running', steps = 5 WHERE id = %1").arg(*id));
        QDir(info->runDir + QStringLiteral("/checkpoints/step-00000006")).removeRecursively();
    }
    const auto killed = trainingRun(m_ws, *id);
    QVERIFY(killed->resumable());
    QList<MetricSample> samples;
    const JobInfo done = runToEnd(jobs, jobs.submit(makeTrainingJob(m_ws, *id)), &samples);
    QVERIFY2(done.state == JobState::Succeeded, qPrintable(done.error));
    QCOMPARE(samples.first().step, qint64(4)); // from the step-3 checkpoint
    QCOMPARE(trainingPoints(m_ws, *id)->size(), 6);
}

void TestTraining::datasetImportIsAllOrNothing()
{
    const QString bad = m_dir.filePath(QStringLiteral("bad.jsonl"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"query\": \"q1\", \"pos\": [\"p1\"], \"neg\": [\"n1\"]}\n{\"anchor\": \"q2\"}\n");
    f.close();
    const auto r = importDataset(m_ws, bad, QStringLiteral("msmarco"), {}, 0.5);
    QVERIFY(!r);
    QVERIFY2(r.error().contains(QStringLiteral("bad.jsonl:2")), qPrintable(r.error()));
    QVERIFY(datasets(m_ws)->isEmpty());
    const QString good = m_dir.filePath(QStringLiteral("good.jsonl"));
    QFile g(good);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write("{\"query\": \"q1\", \"pos\": [\"p1\"], \"neg\": [\"n1\", \"n2\"], \"prompt\": \"Find\"}\n"
            "{\"anchor\": \"q2\", \"positive\": \"p2\", \"negative\": \"n3\"}\n");
    g.close();
    const auto ok =
        importDataset(m_ws, good, QStringLiteral("msmarco"), QStringLiteral("Given a web search query"), 0.5);
    QVERIFY2(ok, qPrintable(ok.error()));
    QCOMPARE(ok->examples, qint64(2));
    QVERIFY(!importDataset(m_ws, good, QStringLiteral("msmarco"), {}, 1.0)); // the name is taken
    QVERIFY(!importDataset(m_ws, good, QStringLiteral("synthetic"), {}, 1.0));
    TrainingData d;
    d.synthetic = false;
    d.datasets = {QStringLiteral("msmarco")};
    QCOMPARE(countTrainingData(m_ws, d)->total(), qint64(2));
    d.datasets = {QStringLiteral("nope")};
    QVERIFY(!countTrainingData(m_ws, d));
}

void TestTraining::settingsDifferencesNameTheKeys()
{
    const QStringList d = configDifferences(config(3), config(5, QStringLiteral(R"({"lora_rank": 8})")));
    QCOMPARE(d.size(), 2);
    QVERIFY2(d.join(QLatin1Char('|')).contains(QStringLiteral("lora_rank: 4 → 8")),
             qPrintable(d.join(QLatin1Char('|'))));
    QVERIFY(d.join(QLatin1Char('|')).contains(QStringLiteral("steps: 3 → 5")));
    QVERIFY(configDifferences(config(3), config(3)).isEmpty());
}

void TestTraining::badSettingsAreRefusedWithTheField()
{
    QVERIFY(!validateTrainingConfig(QStringLiteral(R"({"temperature": 0})")));
    QVERIFY(validateTrainingConfig(QStringLiteral(R"({"temperature": 0})"))
                .error()
                .contains(QStringLiteral("temperature")));
    TrainingRequest request;
    request.configJson = config(3, QStringLiteral(R"({"lora_targets": ["qkv_proj"]})"));
    const auto id = createTrainingRun(m_ws, request);
    QVERIFY(!id);
    QVERIFY2(id.error().contains(QStringLiteral("lora_targets")), qPrintable(id.error()));
    request.configJson = config(3, QStringLiteral(R"({"model": "/nonexistent/model"})"));
    QVERIFY(!createTrainingRun(m_ws, request));
}

QTEST_GUILESS_MAIN(TestTraining)
#include "tst_training.moc"
