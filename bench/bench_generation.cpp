// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark: LLM client throughput and pipeline storage rate against the local fake server.
//
// Usage: bench_generation [REQUESTS] [CONCURRENCY] [LATENCY_MS]. Prints one JSON object per
// measurement. The fake server runs in this process, so the CPU figures include its share.
#include <sys/resource.h>

#include <cstdio>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "backend/generation.h"
#include "backend/llmclient.h"
#include "tests/common/fakellmserver.h"

namespace {

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void print(const QJsonObject &o)
{
    std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int requests = argc > 1 ? std::atoi(argv[1]) : 3000;
    const int concurrency = argc > 2 ? std::atoi(argv[2]) : 64;
    const int latencyMs = argc > 3 ? std::atoi(argv[3]) : 20;

    ef::test::FakeLlmServer server;
    server.setDefaultDelayMs(latencyMs);
    ef::EndpointProfile p;
    p.baseUrl = server.baseUrl();
    p.model = QStringLiteral("bench");
    p.maxInFlight = concurrency;
    p.timeoutMs = 30000;

    {
        ef::LlmClient client(p, {});
        QEventLoop loop;
        int left = requests, ok = 0;
        QObject::connect(
            &client, &ef::LlmClient::finished, &loop,
            [&](const ef::LlmResult &r) {
                ok += r.ok;
                if (--left == 0)
                    loop.quit();
            },
            Qt::QueuedConnection);
        const double cpu0 = cpuSeconds();
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < requests; ++i)
            client.submit({static_cast<quint64>(i),
                           QStringLiteral("Write a sentence triple with \"S1\", \"S2\" and \"S3\"."),
                           {}});
        loop.exec();
        const double secs = t.elapsed() / 1000.0;
        const double cpu = cpuSeconds() - cpu0;
        print({{QStringLiteral("measure"), QStringLiteral("client")},
               {QStringLiteral("requests"), requests},
               {QStringLiteral("ok"), ok},
               {QStringLiteral("concurrency"), concurrency},
               {QStringLiteral("latency_ms"), latencyMs},
               {QStringLiteral("requests_per_s"), requests / secs},
               {QStringLiteral("latency_bound_per_s"), concurrency * 1000.0 / latencyMs},
               {QStringLiteral("process_cpu_ms_per_request"), 1000.0 * cpu / requests}});
    }

    QTemporaryDir dir;
    auto ws = ef::Workspace::create(dir.filePath(QStringLiteral("bench.efws")));
    if (!ws) {
        std::fprintf(stderr, "%s\n", qPrintable(ws.error()));
        return 1;
    }
    ef::GenerationPipeline pipeline(ws.value());
    ef::GenerationConfig cfg;
    cfg.examples = requests;
    cfg.families = {QStringLiteral("sts")};
    cfg.concurrency = concurrency;
    cfg.endpoint = p;
    auto run = pipeline.createRun(cfg);
    const double cpu0 = cpuSeconds();
    QElapsedTimer t;
    t.start();
    auto result = pipeline.run(run.value(), {});
    const double secs = t.elapsed() / 1000.0;
    if (!result) {
        std::fprintf(stderr, "%s\n", qPrintable(result.error()));
        return 1;
    }
    print({{QStringLiteral("measure"), QStringLiteral("pipeline")},
           {QStringLiteral("examples"), result->valid},
           {QStringLiteral("concurrency"), concurrency},
           {QStringLiteral("latency_ms"), latencyMs},
           {QStringLiteral("examples_stored_per_s"), result->valid / secs},
           {QStringLiteral("process_cpu_ms_per_example"), 1000.0 * (cpuSeconds() - cpu0) / requests}});
    return 0;
}
