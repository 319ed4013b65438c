// SPDX-License-Identifier: GPL-3.0-or-later
// Tests for the generation pipeline against the fake server, demo import, stats and export.
#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "backend/database.h"
#include "backend/dataset.h"
#include "backend/preview.h"
#include "backend/generation.h"
#include "backend/preview.h"
#include "backend/templates.h"
#include "tests/common/fakellmserver.h"

using namespace ef;
using ef::test::FakeLlmServer;
using ef::test::FakeReply;
using ef::test::FakeRequest;

namespace {

const QString kSecret = QStringLiteral("sk-TEST-SECRET-9f8e7d");

GenerationConfig configFor(const FakeLlmServer &server, int examples, const QStringList &families, int concurrency = 4)
{
    GenerationConfig c;
    c.examples = examples;
    c.families = families;
    for (const QString &f : taskFamilies()) // an even split, which these tests count on
        c.familyWeights.insert(f, 1.0);
    c.seed = 1234;
    c.concurrency = concurrency;
    c.endpoint.name = QStringLiteral("fake");
    c.endpoint.baseUrl = server.baseUrl();
    c.endpoint.model = QStringLiteral("fake-model");
    c.endpoint.apiKeyEnv = QStringLiteral("EF_TEST_KEY");
    c.endpoint.timeoutMs = 3000;
    c.endpoint.maxRetries = 2;
    c.endpoint.backoffBaseMs = 10;
    c.endpoint.backoffMaxMs = 50;
    c.endpoint.inputPricePerMTok = 1.0;
    c.endpoint.outputPricePerMTok = 2.0;
    return c;
}

Workspace newWorkspace(const QTemporaryDir &dir, const QString &name)
{
    auto ws = Workspace::create(dir.filePath(name));
    if (!ws)
        qFatal("%s", qPrintable(ws.error()));
    return ws.value();
}

QByteArray workspaceBytes(const Workspace &ws)
{
    QByteArray all;
    for (const char *suffix : {"", "-wal"}) {
        QFile f(ws.path() + QLatin1String(suffix));
        if (f.open(QIODevice::ReadOnly))
            all += f.readAll();
    }
    return all;
}

QStringList column(Database &db, const QString &sql)
{
    QStringList out;
    Statement st = db.prepare(sql);
    while (st.step())
        out << st.columnText(0);
    return out;
}

} // namespace

class TestGeneration final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fullRunAllFamilies()
    {
        QTemporaryDir dir;
        FakeLlmServer server;
        Workspace ws = newWorkspace(dir, QStringLiteral("a.efws"));
        GenerationPipeline pipeline(ws);
        auto runId = pipeline.createRun(configFor(server, 24, {}));
        QVERIFY2(runId.ok(), qPrintable(runId.ok() ? QString() : runId.error()));
        int progressCalls = 0;
        auto result = pipeline.run(runId.value(), kSecret, [&](const GenerationCounters &) {
            ++progressCalls;
            return true;
        });
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
        QCOMPARE(result->requestsTotal, 4 + 24); // one brainstorm per asymmetric family
        QCOMPARE(result->done, 28);
        QCOMPARE(result->valid, 24);
        QCOMPARE(result->invalid, 0);
        QCOMPARE(result->tasks, 16);
        QCOMPARE(result->promptTokens, 28 * 100);
        QVERIFY(qAbs(result->cost - (28 * 100 * 1.0 + 28 * 50 * 2.0) / 1e6) < 1e-9);
        QVERIFY(progressCalls >= 1);
        QCOMPARE(pipeline.runInfo(runId.value())->state, QStringLiteral("finished"));
        QCOMPARE(server.requests().at(0).headers.value("authorization"), ("Bearer " + kSecret).toUtf8());

        auto db = ws.connect();
        Database &d = **db;
        QCOMPARE(d.queryInt(QStringLiteral("SELECT COUNT(*) FROM examples")), 24);
        QCOMPARE(d.queryInt(QStringLiteral("SELECT COUNT(DISTINCT request_id) FROM examples")), 24);
        QCOMPARE(d.queryInt(QStringLiteral(
                     "SELECT COUNT(*) FROM examples WHERE template_version=1 AND prompt!='' AND raw_response!='' "
                     "AND prompt_tokens=100 AND completion_tokens=50 AND latency_ms>=0 AND placeholders LIKE "
                     "'%language_code%'")),
                 24);
        for (const QString &f : taskFamilies())
            QCOMPARE(d.queryInt(QStringLiteral("SELECT COUNT(*) FROM examples WHERE family='%1'").arg(f)), 4);
        // Instructions: the brainstormed task for asymmetric families, fixed ones otherwise.
        QCOMPARE(d.queryInt(QStringLiteral("SELECT COUNT(*) FROM examples e WHERE family='retrieval' AND instruction "
                                           "IN (SELECT text FROM gen_tasks)")),
                 4);
        QCOMPARE(column(d, QStringLiteral("SELECT DISTINCT instruction FROM examples WHERE family='sts'")),
                 QStringList{QStringLiteral("Retrieve semantically similar text.")});
        QCOMPARE(d.queryInt(QStringLiteral(
                     "SELECT COUNT(*) FROM examples WHERE family IN ('short-short','long-long') AND negative IS NULL")),
                 8);
        QCOMPARE(d.queryInt(QStringLiteral(
                     "SELECT COUNT(*) FROM examples WHERE family='retrieval' AND query LIKE 'user_query of ef-%' "
                     "AND positive LIKE 'positive_document of %' AND negative LIKE 'hard_negative_document of %'")),
                 4);
        QCOMPARE(d.queryInt(QStringLiteral("SELECT COUNT(*) FROM examples WHERE family='bitext' AND "
                                           "json_extract(placeholders,'$.language_code') = "
                                           "json_extract(placeholders,'$.tgt_lang_code')")),
                 0);
        // Every request was sent once.
        QCOMPARE(d.queryInt(QStringLiteral("SELECT MAX(sends) FROM gen_requests")), 1);
        QCOMPARE(server.requestCount(), 28);

        // Same seed, new workspace: the same prompts. Their order in the request table depends on
        // which family's brainstorms finish first, so compare them as sets (each prompt's
        // sampled values come from (seed, family, index), never from the request order).
        Workspace ws2 = newWorkspace(dir, QStringLiteral("b.efws"));
        GenerationPipeline p2(ws2);
        auto run2 = p2.createRun(configFor(server, 24, {}));
        QVERIFY(p2.run(run2.value(), kSecret).ok());
        auto db2 = ws2.connect();
        QCOMPARE(column(**db2, QStringLiteral("SELECT prompt FROM gen_requests ORDER BY prompt")),
                 column(d, QStringLiteral("SELECT prompt FROM gen_requests ORDER BY prompt")));

        // The key is in neither workspace (nor its config), nor in an export.
        QVERIFY(!workspaceBytes(ws).contains(kSecret.toUtf8()));
        QVERIFY(!workspaceBytes(ws2).contains(kSecret.toUtf8()));
        ExportOptions opt;
        opt.path = dir.filePath(QStringLiteral("out.jsonl"));
        QVERIFY(exportDataset(d, opt).ok());
        QFile out(opt.path);
        QVERIFY(out.open(QIODevice::ReadOnly));
        QVERIFY(!out.readAll().contains(kSecret.toUtf8()));
    }

    // Issue 16.6: a key the endpoint echoed inside a successful reply was stored as it came.
    void echoedKeyIsRedacted()
    {
        QTemporaryDir dir;
        FakeLlmServer server;
        server.setHandler([](const FakeRequest &r) {
            QString content = FakeLlmServer::defaultContent(r);
            const QString auth = QString::fromUtf8(r.headers.value("authorization"));
            content.replace(QStringLiteral(" of "), QStringLiteral(" (your header: ") + auth + QStringLiteral(") of "));
            return FakeLlmServer::completion(content);
        });
        Workspace ws = newWorkspace(dir, QStringLiteral("echo.efws"));
        GenerationPipeline pipeline(ws);
        auto runId = pipeline.createRun(configFor(server, 3, {QStringLiteral("sts")}));
        QVERIFY(runId.ok());
        auto c = pipeline.run(runId.value(), kSecret);
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error()));
        QCOMPARE(c->done, 3);
        auto db = ws.connect();
        QVERIFY((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM gen_requests WHERE raw_response LIKE "
                                               "'%Bearer ***%'")) > 0);
        QVERIFY(!workspaceBytes(ws).contains(kSecret.toUtf8()));
    }

    // Issue 13.10: a brainstorm prompt uses no language, so its preview shows none.
    void brainstormPreviewHasNoLanguage()
    {
        const PromptTemplate *bs = builtinTemplate(QStringLiteral("retrieval.brainstorm"));
        QVERIFY(bs);
        auto items = renderPreview(*bs, {}, QString(), 3, 7);
        QVERIFY2(items, qPrintable(items ? QString() : items.error()));
        for (const PreviewItem &it : items.value())
            QCOMPARE(it.language, QString());
        auto gen = renderPreview(*builtinTemplate(QStringLiteral("sts.generate")), {}, QStringLiteral("de"), 1, 7);
        QVERIFY(gen);
        QCOMPARE(gen->value(0).language, QStringLiteral("de"));
    }

    // Issue 14.1: with no key, every request got 401 and the run sent them all; it stops after
    // eight in a row that fail the same way, and says why.
    void sameErrorInARowStopsTheRun()
    {
        QTemporaryDir dir;
        FakeLlmServer server;
        server.setHandler([](const FakeRequest &) {
            FakeReply r;
            r.status = 401;
            r.body = R"({"error": {"message": "Missing bearer token"}})";
            return r;
        });
        Workspace ws = newWorkspace(dir, QStringLiteral("401.efws"));
        GenerationPipeline pipeline(ws);
        auto runId = pipeline.createRun(configFor(server, 60, {QStringLiteral("sts")}, 2));
        QVERIFY(runId.ok());
        auto c = pipeline.run(runId.value(), {});
        QVERIFY(c.ok());
        QVERIFY2(server.requestCount() <= 8 + 4, qPrintable(QString::number(server.requestCount())));
        const auto info = pipeline.runInfo(runId.value());
        QCOMPARE(info->state, QStringLiteral("failed"));
        QVERIFY2(info->message.startsWith(
                     QStringLiteral("stopped after 8 requests in a row failed the same way: http: HTTP 401: "
                                    "Missing bearer token")),
                 qPrintable(info->message));
        QVERIFY(c->pending > 0); // the rest is left for a resume
    }

    void nastyRepliesAreCountedAndResumeResendsOnlyFailures()
    {
        QTemporaryDir dir;
        FakeLlmServer server;
        auto seen = std::make_shared<QHash<QString, int>>();
        server.setHandler([&server, seen](const FakeRequest &r) {
            const int seq = r.tag().section(QLatin1Char('-'), 2).toInt();
            const int attempt = ++(*seen)[r.tag()];
            FakeReply ok = server.defaultReply(r);
            const QString content = FakeLlmServer::defaultContent(r);
            FakeReply x;
            switch (seq) {
            case 2:
                return FakeLlmServer::completion(QStringLiteral("```json\n") + content + QStringLiteral("\n```"));
            case 3:
                return FakeLlmServer::completion(QStringLiteral("Here is my answer:\n") + content +
                                                 QStringLiteral("\nEnjoy!"));
            case 4:
                return FakeLlmServer::completion(QStringLiteral("{\"S1\": \"a\", \"S2\": \"b\" \"S3\": \"c\"}"));
            case 5:
                return FakeLlmServer::completion(QStringLiteral("{\"S1\": \"a\", \"S2\": \"b\"}"));
            case 6:
                return FakeLlmServer::completion(QString());
            case 7:
                if (attempt > 1)
                    return ok;
                x.status = 429;
                x.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("0")));
                return x;
            case 8:
                if (attempt > 1)
                    return ok;
                x.status = 503;
                return x;
            case 9:
                ok.delayMs = attempt == 1 ? 1500 : 0;
                return ok;
            case 10:
                ok.drop = attempt == 1;
                return ok;
            case 11:
                x.status = 500;
                return x;
            case 12: {
                FakeRequest first = r;
                first.headers.insert("x-client-request-id", r.tag().section(QLatin1Char('-'), 0, 1).toUtf8() + "-1");
                return FakeLlmServer::completion(FakeLlmServer::defaultContent(first));
            }
            default:
                return ok;
            }
        });
        Workspace ws = newWorkspace(dir, QStringLiteral("n.efws"));
        GenerationPipeline pipeline(ws);
        GenerationConfig cfg = configFor(server, 12, {QStringLiteral("sts")}, 2);
        cfg.endpoint.timeoutMs = 400;
        auto runId = pipeline.createRun(cfg);
        QVERIFY(runId.ok());
        auto c = pipeline.run(runId.value(), {});
        QVERIFY(c.ok());
        QCOMPARE(c->requestsTotal, 12);
        QCOMPARE(c->done, 11);
        QCOMPARE(c->failed, 1);
        QCOMPARE(c->valid, 7);
        QCOMPARE(c->invalid, 3);
        QCOMPARE(c->duplicate, 1);
        QCOMPARE(c->invalidReasons.value(QStringLiteral("invalid_json")), 1);
        QCOMPARE(c->invalidReasons.value(QStringLiteral("missing_key")), 1);
        QCOMPARE(c->invalidReasons.value(QStringLiteral("empty_response")), 1);
        QCOMPARE(c->failuresByKind.value(QStringLiteral("http")), 1);
        QCOMPARE(pipeline.runInfo(runId.value())->state, QStringLiteral("failed"));
        // Issue 16.6: a failed run was stored with an empty message. It keeps its first error.
        QVERIFY2(pipeline.runInfo(runId.value())
                     ->message.startsWith(QStringLiteral("1 requests failed; the first: http: HTTP 500")),
                 qPrintable(pipeline.runInfo(runId.value())->message));
        {
            auto db = ws.connect();
            Database &d = **db;
            QCOMPARE(d.queryInt(QStringLiteral("SELECT attempts FROM gen_requests WHERE seq=11")), 3);
            QCOMPARE(d.queryInt(QStringLiteral("SELECT attempts FROM gen_requests WHERE seq=9")), 2);
            QVERIFY(
                d.queryText(QStringLiteral("SELECT invalid_detail FROM examples WHERE invalid_reason='missing_key'"))
                    .contains(QStringLiteral("S3")));
            QCOMPARE(
                d.queryText(QStringLiteral("SELECT raw_response FROM examples WHERE invalid_reason='invalid_json'")),
                QStringLiteral("{\"S1\": \"a\", \"S2\": \"b\" \"S3\": \"c\"}")); // kept verbatim
            QCOMPARE(d.queryInt(QStringLiteral("SELECT COUNT(*) FROM examples e JOIN gen_requests r ON "
                                               "r.id=e.request_id WHERE r.seq=12 AND e.status='duplicate'")),
                     1);
        }

        // Resume: only the failed request goes out again.
        const int before = server.requestCount();
        server.setHandler({});
        auto resumed = pipeline.latestUnfinishedRun();
        QCOMPARE(resumed.value(), runId.value());
        auto c2 = pipeline.run(runId.value(), {});
        QVERIFY(c2.ok());
        const QList<FakeRequest> after = server.requests().mid(before);
        QCOMPARE(after.size(), 1);
        QCOMPARE(after.at(0).tag(), QStringLiteral("ef-%1-11").arg(runId.value()));
        QCOMPARE(c2->valid, 8);
        QCOMPARE(c2->failed, 0);
        QCOMPARE(pipeline.runInfo(runId.value())->state, QStringLiteral("finished"));
        QCOMPARE(pipeline.runInfo(runId.value())->message, QString()); // the failure is over
        QVERIFY(!pipeline.latestUnfinishedRun().ok());
    }

    void stopAndResumeInProcess()
    {
        QTemporaryDir dir;
        FakeLlmServer server;
        server.setDefaultDelayMs(30);
        Workspace ws = newWorkspace(dir, QStringLiteral("s.efws"));
        GenerationPipeline pipeline(ws);
        auto runId = pipeline.createRun(configFor(server, 40, {QStringLiteral("retrieval"), QStringLiteral("sts")}, 2));
        auto first = pipeline.run(runId.value(), {}, [](const GenerationCounters &c) { return c.done < 6; });
        QVERIFY(first.ok());
        QCOMPARE(pipeline.runInfo(runId.value())->state, QStringLiteral("cancelled"));
        QVERIFY(first->pending > 0);
        QCOMPARE(first->inFlight, 0);
        const int sentBefore = server.requestCount();
        auto second = pipeline.run(runId.value(), {});
        QVERIFY(second.ok());
        QCOMPARE(second->valid, 40);
        QCOMPARE(server.requestCount(), 1 + 40); // one brainstorm, 40 examples: nothing sent twice
        QCOMPARE(sentBefore, static_cast<int>(first->done));
    }

    // Runs written by earlier builds may spell the endpoint keys in camelCase; they still load
    // and resume against the same endpoint.
    void runWithOldEndpointSpellingLoads()
    {
        QTemporaryDir dir;
        FakeLlmServer server;
        Workspace ws = newWorkspace(dir, QStringLiteral("old.efws"));
        GenerationPipeline pipeline(ws);
        auto runId = pipeline.createRun(configFor(server, 2, {QStringLiteral("sts")}));
        QVERIFY(runId);
        {
            auto db = ws.connect();
            const QString config = column(**db, QStringLiteral("SELECT config FROM gen_runs")).value(0);
            QJsonObject o = QJsonDocument::fromJson(config.toUtf8()).object();
            const QJsonObject snake = o.value(QStringLiteral("endpoint")).toObject();
            QVERIFY(snake.contains(QStringLiteral("base_url"))); // what is written now
            o.insert(QStringLiteral("endpoint"),
                     QJsonObject{{QStringLiteral("name"), QStringLiteral("fake")},
                                 {QStringLiteral("baseUrl"), server.baseUrl()},
                                 {QStringLiteral("model"), QStringLiteral("fake-model")},
                                 {QStringLiteral("apiKeyEnv"), QStringLiteral("EF_TEST_KEY")},
                                 {QStringLiteral("timeoutMs"), 3000},
                                 {QStringLiteral("inputPricePerMTok"), 1.0}});
            (*db)
                ->prepare(QStringLiteral("UPDATE gen_runs SET config=?"))
                .bind(1, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)))
                .run();
        }
        auto info = pipeline.runInfo(runId.value());
        QVERIFY2(info, qPrintable(info.error()));
        QCOMPARE(info->config.endpoint.baseUrl, server.baseUrl());
        QCOMPARE(info->config.endpoint.apiKeyEnv, QStringLiteral("EF_TEST_KEY"));
        QCOMPARE(info->config.endpoint.inputPricePerMTok, 1.0);
        auto result = pipeline.run(runId.value(), kSecret);
        QVERIFY2(result, qPrintable(result.error()));
        QCOMPARE(result->valid, 2);
        QCOMPARE(server.requestCount(), 2);
    }

    // The job the Generate page and the CLI both run: the run id is its handle, counters arrive
    // as metric samples, the outcome is its result; failed requests fail it, with the outcome.
    void runsAsJob()
    {
        QTemporaryDir dir;
        FakeLlmServer server;
        Workspace ws = newWorkspace(dir, QStringLiteral("j.efws"));
        GenerationPipeline pipeline(ws);
        auto runId =
            pipeline.createRun(configFor(server, 10, {QStringLiteral("short-short"), QStringLiteral("bitext")}));
        JobManager jobs;
        QList<MetricSample> samples;
        connect(&jobs, &JobManager::jobMetrics, this,
                [&](quint64, const QList<MetricSample> &batch) { samples += batch; });
        GenerationJobRequest request;
        request.workspace = ws;
        request.runId = runId.value();
        request.apiKey = kSecret;
        const quint64 id = jobs.submit(makeGenerationJob(request));
        QCOMPARE(jobs.job(id).handle.toLongLong(), runId.value());
        QVERIFY(jobs.waitForIdle(20000));
        const JobInfo info = jobs.job(id);
        QCOMPARE(info.state, JobState::Succeeded);
        QCOMPARE(info.progress.done, info.progress.total);
        QCOMPARE(pipeline.runInfo(runId.value())->counters.valid, 10);
        const std::optional<GenerationOutcome> outcome = jobResult<GenerationOutcome>(info);
        QVERIFY(outcome);
        QCOMPARE(outcome->runId, runId.value());
        QCOMPARE(outcome->state, QStringLiteral("finished"));
        QCOMPARE(outcome->counters.valid, 10);
        QVERIFY(!samples.isEmpty());
        const GenerationCounters last = generationCountersFrom(samples.constLast());
        QCOMPARE(last.valid, 10);
        QCOMPARE(last.done, outcome->counters.done);
        QCOMPARE(last.requestsTotal, outcome->counters.requestsTotal);
        for (int i = 1; i < samples.size(); ++i)
            QCOMPARE(samples.at(i).step, samples.at(i - 1).step + 1);

        // Some requests fail for good: the job fails and says so, and still reports the run.
        auto second = pipeline.createRun(configFor(server, 6, {QStringLiteral("sts")}));
        int n = 0;
        server.setHandler([&server, &n](const FakeRequest &r) {
            FakeReply reply = server.defaultReply(r);
            if (n++ % 2 == 0)
                reply.status = 400; // not retried
            return reply;
        });
        request.runId = second.value();
        const quint64 failing = jobs.submit(makeGenerationJob(request));
        QVERIFY(jobs.waitForIdle(20000));
        const JobInfo f = jobs.job(failing);
        // Issue 14.1: three examples came, three requests failed for good: partly failed.
        QCOMPARE(f.state, JobState::PartlyFailed);
        QCOMPARE(jobStateDisplayName(f.state), QStringLiteral("Partly failed"));
        // Issue 14.1: the job says why (the first error, HTTP status and message), and failed
        // requests are not progress (the bar reached 100 % when the server died).
        QVERIFY2(f.error.startsWith(QStringLiteral("3 requests failed; the first: http: HTTP 400")),
                 qPrintable(f.error));
        QCOMPARE(f.progress.done, 3);
        QCOMPARE(f.progress.total, 6);
        const auto failedOutcome = jobResult<GenerationOutcome>(f);
        QVERIFY(failedOutcome);
        QCOMPARE(failedOutcome->state, QStringLiteral("failed"));
        QCOMPARE(failedOutcome->counters.failed, 3);
        QCOMPARE(failedOutcome->counters.valid, 3);
    }

    void generationCountersSurviveTheMetricsChannel()
    {
        GenerationCounters c;
        c.requestsTotal = 120;
        c.pending = 7;
        c.inFlight = 4;
        c.done = 100;
        c.failed = 9;
        c.valid = 80;
        c.invalid = 15;
        c.duplicate = 5;
        c.tasks = 16;
        c.invalidReasons = {{QStringLiteral("missing_key"), 10}, {QStringLiteral("not_json"), 5}};
        c.failuresByKind = {{QStringLiteral("http"), 9}};
        c.promptTokens = 12345678901LL;
        c.completionTokens = 42;
        c.cost = 1.25;
        c.requestsPerSecond = 3.5;
        c.etaMs = 4000;
        c.sentThisSession = 60;
        const MetricSample s = generationMetricsSample(12, c);
        QCOMPARE(s.step, qint64(12));
        QCOMPARE(s.value(QStringLiteral("valid")), 80.0);
        QCOMPARE(generationCountersFrom(s).toJson(), c.toJson());
        QCOMPARE(generationCountersFrom(s).sentThisSession, qint64(60));
    }

    void demoImportStatsAndExport()
    {
        QTemporaryDir dir;
        Workspace ws = newWorkspace(dir, QStringLiteral("d.efws"));
        auto db = ws.connect();
        Database &d = **db;
        const QString fixture = dir.filePath(QStringLiteral("demo.jsonl"));
        {
            QFile f(fixture);
            QVERIFY(f.open(QIODevice::WriteOnly));
            auto row = [&](const QString &family, const QString &lang, const QString &q, const QJsonValue &neg,
                           const QString &status, const QString &reason = {}) {
                QJsonObject o;
                o.insert(QStringLiteral("family"), family);
                o.insert(QStringLiteral("language"), lang);
                o.insert(QStringLiteral("instruction"), QStringLiteral("Do %1").arg(family));
                o.insert(QStringLiteral("query"), q);
                o.insert(QStringLiteral("positive"), QString(q + QStringLiteral(" pos")));
                o.insert(QStringLiteral("negative"), neg);
                o.insert(QStringLiteral("status"), status);
                // An invalid row's reason must be the parser's for its reply.
                o.insert(QStringLiteral("raw_response"), status == QLatin1String("invalid")
                                                             ? QStringLiteral("{\"input\": \"a\"}")
                                                             : QStringLiteral("{...}"));
                o.insert(QStringLiteral("template"), QString(family + QStringLiteral(".generate")));
                QJsonObject ph;
                ph.insert(QStringLiteral("language"), lang);
                o.insert(QStringLiteral("placeholders"), ph);
                if (!reason.isEmpty())
                    o.insert(QStringLiteral("invalid_reason"), reason);
                f.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
            };
            row(QStringLiteral("retrieval"), QStringLiteral("en"), QStringLiteral("q1"), QStringLiteral("n1"),
                QStringLiteral("valid"));
            row(QStringLiteral("retrieval"), QStringLiteral("zh"), QStringLiteral("查询"), QStringLiteral("负例"),
                QStringLiteral("valid"));
            row(QStringLiteral("classification"), QStringLiteral("de"), QStringLiteral("q3"), QStringLiteral("n3"),
                QStringLiteral("valid"));
            row(QStringLiteral("short-short"), QStringLiteral("fr"), QStringLiteral("q4"), QJsonValue(QJsonValue::Null),
                QStringLiteral("valid"));
            row(QStringLiteral("sts"), QStringLiteral("ja"), QStringLiteral("q5"), QStringLiteral("n5"),
                QStringLiteral("valid"));
            row(QStringLiteral("bitext"), QStringLiteral("uz"), QStringLiteral("q6"), QStringLiteral("n6"),
                QStringLiteral("valid"));
            row(QStringLiteral("sts"), QStringLiteral("ja"), QStringLiteral("q5"), QStringLiteral("n5"),
                QStringLiteral("duplicate"));
            row(QStringLiteral("long-long"), QStringLiteral("en"), QString(), QJsonValue(QJsonValue::Null),
                QStringLiteral("invalid"), QStringLiteral("missing_key"));
        }
        QVERIFY(!importDemoExamples(ws, dir.filePath(QStringLiteral("missing.jsonl"))).ok());
        auto n = importDemoExamples(ws, fixture);
        QVERIFY2(n.ok(), qPrintable(n.ok() ? QString() : n.error()));
        QCOMPARE(n.value(), 8);
        const DatasetStats s = datasetStats(d);
        QCOMPARE(s.valid, 6);
        QCOMPARE(s.duplicate, 1);
        QCOMPARE(s.invalid, 1);
        QCOMPARE(s.byFamily.value(QStringLiteral("retrieval")), 2);
        QCOMPARE(s.byLanguage.value(QStringLiteral("zh")), 1);
        QCOMPARE(s.invalidReasons.value(QStringLiteral("missing_key")), 1);
        const QJsonObject js = s.toJson();
        for (const char *k : {"valid", "invalid", "duplicate", "by_family", "by_language", "invalid_reasons"})
            QVERIFY(js.contains(QLatin1String(k)));

        // A broken file imports nothing.
        const QString bad = dir.filePath(QStringLiteral("bad.jsonl"));
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QFile good(fixture);
            QVERIFY(good.open(QIODevice::ReadOnly));
            f.write(good.readLine());
            f.write("{\"family\": \"poetry\"}\n");
        }
        auto err = importDemoExamples(d, bad);
        QVERIFY(!err.ok());
        QVERIFY(err.error().contains(QStringLiteral(":2:")));
        QCOMPARE(d.queryInt(QStringLiteral("SELECT COUNT(*) FROM examples")), 8);

        // Examples export: valid only, the six keys, null negatives kept as null.
        ExportOptions opt;
        opt.path = dir.filePath(QStringLiteral("ex.jsonl"));
        auto sum = exportDataset(d, opt);
        QVERIFY(sum.ok());
        QCOMPARE(sum->train, 6);
        QFile ex(opt.path);
        QVERIFY(ex.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = ex.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 6);
        const QJsonObject first = QJsonDocument::fromJson(lines.at(0)).object();
        QCOMPARE(QStringList(first.keys()),
                 (QStringList{QStringLiteral("family"), QStringLiteral("instruction"), QStringLiteral("language"),
                              QStringLiteral("negative"), QStringLiteral("positive"), QStringLiteral("query")}));
        QCOMPARE(QJsonDocument::fromJson(lines.at(1)).object().value(QStringLiteral("query")).toString(),
                 QStringLiteral("查询"));
        QVERIFY(QJsonDocument::fromJson(lines.at(3)).object().value(QStringLiteral("negative")).isNull());

        // Triplets: anchor carries the instruction; a row without a negative is kept with null
        // (issue 13.9: 74 of the demo's 305 rows were dropped silently).
        opt.format = QStringLiteral("triplets");
        opt.path = dir.filePath(QStringLiteral("tr.jsonl"));
        sum = exportDataset(d, opt);
        QCOMPARE(sum->train, 6);
        QCOMPARE(sum->withoutNegative, 1);
        QFile tr(opt.path);
        QVERIFY(tr.open(QIODevice::ReadOnly));
        const QJsonObject t0 = QJsonDocument::fromJson(tr.readLine()).object();
        QCOMPARE(t0.value(QStringLiteral("anchor")).toString(), QStringLiteral("Instruct: Do retrieval\nQuery: q1"));
        QCOMPARE(t0.value(QStringLiteral("positive")).toString(), QStringLiteral("q1 pos"));
        QCOMPARE(t0.value(QStringLiteral("negative")).toString(), QStringLiteral("n1"));
        QCOMPARE(t0.value(QStringLiteral("instruction")).toString(), QStringLiteral("Do retrieval"));
        QCOMPARE(t0.value(QStringLiteral("query")).toString(), QStringLiteral("q1"));
        QVERIFY(t0.contains(QStringLiteral("family")) && t0.contains(QStringLiteral("language")));

        // Seeded split: the same seed gives the same files; train + validation = all.
        opt.format = QStringLiteral("examples");
        opt.validationFraction = 0.5;
        opt.seed = 11;
        opt.path = dir.filePath(QStringLiteral("s1.jsonl"));
        auto a = exportDataset(d, opt);
        opt.path = dir.filePath(QStringLiteral("s2.jsonl"));
        auto b = exportDataset(d, opt);
        QCOMPARE(a->train + a->validation, 6);
        QCOMPARE(a->train, b->train);
        QCOMPARE(a->validationPath, dir.filePath(QStringLiteral("s1.validation.jsonl")));
        QFile va(a->validationPath), vb(b->validationPath);
        QVERIFY(va.open(QIODevice::ReadOnly) && vb.open(QIODevice::ReadOnly));
        QCOMPARE(va.readAll(), vb.readAll());
    }

    void splitFractionOnManyExamples()
    {
        QTemporaryDir dir;
        Workspace ws = newWorkspace(dir, QStringLiteral("m.efws"));
        auto db = ws.connect();
        Database &d = **db;
        {
            Transaction tx(d);
            Statement ins = d.prepare(
                QStringLiteral("INSERT INTO examples(family, language, query, positive, status, dedup_key, created_at) "
                               "VALUES ('sts','en',?,?,'valid',?, 'now')"));
            for (int i = 0; i < 2000; ++i) {
                ins.bind(1, QStringLiteral("q%1").arg(i))
                    .bind(2, QStringLiteral("p%1").arg(i))
                    .bind(3, QStringLiteral("k%1").arg(i))
                    .run();
                ins.reset();
            }
            tx.commit();
        }
        ExportOptions opt;
        opt.path = dir.filePath(QStringLiteral("x.jsonl"));
        opt.validationFraction = 0.1;
        opt.seed = 3;
        auto s = exportDataset(d, opt);
        QVERIFY(s.ok());
        QVERIFY2(s->validation > 150 && s->validation < 250, qPrintable(QString::number(s->validation)));
        opt.seed = 4;
        auto t = exportDataset(d, opt);
        QCOMPARE(t->train + t->validation, 2000);
    }
};

QTEST_GUILESS_MAIN(TestGeneration)
#include "tst_generation.moc"
