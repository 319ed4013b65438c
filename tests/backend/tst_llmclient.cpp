// SPDX-License-Identifier: GPL-3.0-or-later
// Tests for LlmClient against the local fake server: protocol, retries, timeouts, bound, Azure.
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include "backend/llmclient.h"
#include "tests/common/fakellmserver.h"

using namespace ef;
using ef::test::FakeLlmServer;
using ef::test::FakeReply;
using ef::test::FakeRequest;

namespace {

EndpointProfile profileFor(const FakeLlmServer &server)
{
    EndpointProfile p;
    p.name = QStringLiteral("fake");
    p.baseUrl = server.baseUrl();
    p.model = QStringLiteral("fake-model");
    p.timeoutMs = 3000;
    p.maxRetries = 3;
    p.backoffBaseMs = 10;
    p.backoffMaxMs = 100;
    return p;
}

// Submits calls and waits for all results (by id order).
QList<LlmResult> runCalls(LlmClient &client, int n, int timeoutMs = 20000)
{
    QSignalSpy spy(&client, &LlmClient::finished);
    for (int i = 0; i < n; ++i)
        client.submit({static_cast<quint64>(i), QStringLiteral("prompt %1").arg(i), QStringLiteral("tag-%1").arg(i)});
    QElapsedTimer t;
    t.start();
    while (spy.count() < n && t.elapsed() < timeoutMs)
        spy.wait(100);
    QList<LlmResult> out(n);
    for (const QList<QVariant> &args : spy) {
        const LlmResult r = args.at(0).value<LlmResult>();
        out[static_cast<int>(r.id)] = r;
    }
    return out;
}

} // namespace

class TestLlmClient final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void urls()
    {
        EndpointProfile p;
        p.baseUrl = QStringLiteral("http://h:1/v1/");
        QCOMPARE(chatCompletionsUrl(p), QStringLiteral("http://h:1/v1/chat/completions"));
        p.baseUrl = QStringLiteral("http://h:1");
        QCOMPARE(chatCompletionsUrl(p), QStringLiteral("http://h:1/v1/chat/completions"));
        p.kind = QStringLiteral("azure");
        p.baseUrl = QStringLiteral("https://r.openai.azure.com");
        p.azureDeployment = QStringLiteral("gpt4");
        p.azureApiVersion = QStringLiteral("2024-02-01");
        QCOMPARE(chatCompletionsUrl(p),
                 QStringLiteral(
                     "https://r.openai.azure.com/openai/deployments/gpt4/chat/completions?api-version=2024-02-01"));
    }

    void apiKeyFromEnvironmentOrUserOnlyFile()
    {
        QStandardPaths::setTestModeEnabled(true);
        EndpointProfile p;
        p.name = QStringLiteral("prof");
        p.apiKeyEnv = QStringLiteral("EF_TEST_UNSET_KEY_VAR");
        QString error;
        QVERIFY(apikeys::store(p.name, QStringLiteral("file-key"), &error));
        QFile f(apikeys::keyFilePath());
        QCOMPARE(f.permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ReadOwner |
                                     QFileDevice::WriteOwner),
                 QFileDevice::Permissions{});
        QCOMPARE(apikeys::resolve(p), QStringLiteral("file-key"));
        qputenv("EF_TEST_UNSET_KEY_VAR", "env-key");
        QCOMPARE(apikeys::resolve(p), QStringLiteral("env-key")); // the environment wins
        qunsetenv("EF_TEST_UNSET_KEY_VAR");
        QVERIFY(f.setPermissions(f.permissions() | QFileDevice::ReadOther));
        QCOMPARE(apikeys::resolve(p, &error), QString()); // refused: others may read it
        QVERIFY(error.contains(QStringLiteral("chmod 600")));
        QFile::remove(apikeys::keyFilePath());
    }

    void successRequestAndAccounting()
    {
        FakeLlmServer server;
        EndpointProfile p = profileFor(server);
        p.temperature = 0.8;
        p.topP = 0.9;
        p.maxTokens = 512;
        p.seed = 7;
        p.jsonResponseFormat = true;
        p.inputPricePerMTok = 2.0;
        p.outputPricePerMTok = 10.0;
        LlmClient client(p, QStringLiteral("sk-secret-123"));
        const QList<LlmResult> rs = runCalls(client, 1);
        QVERIFY(rs[0].ok);
        QCOMPARE(rs[0].attempts, 1);
        QCOMPARE(rs[0].promptTokens, 100);
        QCOMPARE(rs[0].completionTokens, 50);
        QVERIFY(qAbs(rs[0].cost - (100 * 2.0 + 50 * 10.0) / 1e6) < 1e-12);
        QCOMPARE(rs[0].finishReason, QStringLiteral("stop"));
        const FakeRequest req = server.requests().at(0);
        QCOMPARE(req.method, QByteArray("POST"));
        QCOMPARE(req.path, QByteArray("/v1/chat/completions"));
        QCOMPARE(req.headers.value("authorization"), QByteArray("Bearer sk-secret-123"));
        QCOMPARE(req.tag(), QStringLiteral("tag-0"));
        QCOMPARE(req.prompt, QStringLiteral("prompt 0"));
        QCOMPARE(req.json.value(QStringLiteral("model")).toString(), QStringLiteral("fake-model"));
        QCOMPARE(req.json.value(QStringLiteral("temperature")).toDouble(), 0.8);
        QCOMPARE(req.json.value(QStringLiteral("top_p")).toDouble(), 0.9);
        QCOMPARE(req.json.value(QStringLiteral("max_tokens")).toInt(), 512);
        QCOMPARE(req.json.value(QStringLiteral("seed")).toInt(), 7);
        QCOMPARE(req.json.value(QStringLiteral("response_format")).toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("json_object"));
        const LlmStats st = client.stats();
        QCOMPARE(st.succeeded, 1);
        QCOMPARE(st.promptTokens, 100);
    }

    void azure()
    {
        FakeLlmServer server;
        EndpointProfile p = profileFor(server);
        p.kind = QStringLiteral("azure");
        p.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(server.port());
        p.azureDeployment = QStringLiteral("my-gpt");
        p.azureApiVersion = QStringLiteral("2024-06-01");
        LlmClient client(p, QStringLiteral("azure-key"));
        QVERIFY(runCalls(client, 1)[0].ok);
        const FakeRequest req = server.requests().at(0);
        QCOMPARE(req.path, QByteArray("/openai/deployments/my-gpt/chat/completions?api-version=2024-06-01"));
        QCOMPARE(req.headers.value("api-key"), QByteArray("azure-key"));
        QVERIFY(!req.headers.contains("authorization"));
    }

    // A redirect within the endpoint's origin is followed with the key; one to another host (a
    // second server on 127.0.0.2) or port is refused, and that server never sees the key.
    void keyNeverFollowsARedirectToAnotherHost_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("status");
        QTest::newRow("openai 307") << QStringLiteral("openai") << 307;
        QTest::newRow("openai 308") << QStringLiteral("openai") << 308;
        QTest::newRow("azure 307") << QStringLiteral("azure") << 307;
    }

    void keyNeverFollowsARedirectToAnotherHost()
    {
        QFETCH(QString, kind);
        QFETCH(int, status);
        FakeLlmServer other(QStringLiteral("127.0.0.2"));
        FakeLlmServer samePort(QStringLiteral("127.0.0.1"));
        FakeLlmServer server;
        const auto redirectTo = [status](const QString &url) {
            FakeReply x;
            x.status = status;
            x.headers.append(qMakePair(QByteArray("Location"), url.toUtf8()));
            return x;
        };
        // Call 0: moved within the origin (another path); call 1: to another host; call 2: to
        // another port of the same host (decided by each call's tag, whatever the arrival order).
        server.setHandler([&](const FakeRequest &r) {
            if (r.path.startsWith("/moved/"))
                return server.defaultReply(r);
            if (r.tag() == QLatin1String("tag-0"))
                return redirectTo(QStringLiteral("/moved/chat/completions"));
            if (r.tag() == QLatin1String("tag-1"))
                return redirectTo(other.baseUrl() + QStringLiteral("/chat/completions"));
            return redirectTo(samePort.baseUrl() + QStringLiteral("/chat/completions"));
        });
        EndpointProfile p = profileFor(server);
        p.maxInFlight = 1;
        if (kind == QLatin1String("azure")) {
            p.kind = kind;
            p.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(server.port());
            p.azureDeployment = QStringLiteral("d");
            p.azureApiVersion = QStringLiteral("2024-06-01");
        }
        const QByteArray header = kind == QLatin1String("azure") ? QByteArray("api-key") : QByteArray("authorization");
        LlmClient client(p, QStringLiteral("sk-paid-key-42"));
        QSignalSpy spy(&client, &LlmClient::finished);
        for (int i = 0; i < 3; ++i) {
            client.submit(
                {static_cast<quint64>(i), QStringLiteral("prompt %1").arg(i), QStringLiteral("tag-%1").arg(i)});
            QTRY_COMPARE_WITH_TIMEOUT(spy.size(), i + 1, 10000);
        }
        const LlmResult same = spy.at(0).at(0).value<LlmResult>();
        QVERIFY2(same.ok, qPrintable(same.error));
        int moved = 0;
        for (const FakeRequest &r : server.requests())
            if (r.path.startsWith("/moved/")) {
                ++moved;
                QCOMPARE(r.tag(), QStringLiteral("tag-0"));
                QVERIFY(r.headers.value(header).contains("sk-paid-key-42")); // same origin: the key goes along
            }
        QVERIFY(moved >= 1);
        for (int i : {1, 2}) {
            const LlmResult r = spy.at(i).at(0).value<LlmResult>();
            QVERIFY(!r.ok);
            QCOMPARE(r.errorKind, QStringLiteral("redirect"));
            QCOMPARE(r.attempts, 1); // not retried
            const QString target = i == 1 ? other.baseUrl() : samePort.baseUrl();
            QVERIFY2(r.error.contains(target), qPrintable(r.error));
            QVERIFY(!r.error.contains(QLatin1String("sk-paid-key-42")));
        }
        QCOMPARE(other.requestCount(), 0);
        QCOMPARE(samePort.requestCount(), 0);

        // Without a key there is nothing to leak: the redirect is followed.
        server.setHandler([&](const FakeRequest &r) {
            return r.path.startsWith("/moved/") ? server.defaultReply(r)
                                                : redirectTo(other.baseUrl() + QStringLiteral("/chat/completions"));
        });
        LlmClient keyless(p, {});
        QVERIFY(runCalls(keyless, 1)[0].ok);
        QVERIFY(other.requestCount() >= 1);
        for (const FakeRequest &r : other.requests())
            QVERIFY(!r.headers.contains(header));
    }

    void retryAfterOn429()
    {
        FakeLlmServer server;
        server.setHandler([&](const FakeRequest &r) {
            if (r.index == 0) {
                FakeReply x;
                x.status = 429;
                x.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("1")));
                x.body = R"({"error":{"message":"slow down"}})";
                return x;
            }
            return server.defaultReply(r);
        });
        LlmClient client(profileFor(server), {});
        QElapsedTimer t;
        t.start();
        const LlmResult r = runCalls(client, 1)[0];
        QVERIFY(r.ok);
        QCOMPARE(r.attempts, 2);
        QVERIFY2(t.elapsed() >= 1000, qPrintable(QString::number(t.elapsed()))); // waited as told
        QCOMPARE(client.stats().retries, 1);
    }

    void serverErrorsRetriedThenGiveUp()
    {
        FakeLlmServer server;
        auto seen = std::make_shared<QHash<QString, int>>();
        server.setHandler([&server, seen](const FakeRequest &r) {
            FakeReply x;
            x.status = 500;
            x.body = "oops";
            const int attempt = ++(*seen)[r.prompt];
            if (r.prompt == QLatin1String("prompt 1") || attempt <= 2)
                return x;
            return server.defaultReply(r);
        });
        EndpointProfile p = profileFor(server);
        p.maxRetries = 2;
        LlmClient client(p, {});
        const QList<LlmResult> rs = runCalls(client, 2);
        QVERIFY(rs[0].ok);
        QCOMPARE(rs[0].attempts, 3);
        QVERIFY(!rs[1].ok);
        QCOMPARE(rs[1].attempts, 3);
        QCOMPARE(rs[1].httpStatus, 500);
        QCOMPARE(rs[1].errorKind, QStringLiteral("http"));
    }

    void clientErrorNotRetried()
    {
        FakeLlmServer server;
        server.setHandler([](const FakeRequest &) {
            FakeReply x;
            x.status = 400;
            x.body = R"({"error":{"message":"bad model sk-secret-123"}})";
            return x;
        });
        LlmClient client(profileFor(server), QStringLiteral("sk-secret-123"));
        const LlmResult r = runCalls(client, 1)[0];
        QVERIFY(!r.ok);
        QCOMPARE(r.attempts, 1);
        QCOMPARE(r.httpStatus, 400);
        QVERIFY(r.error.contains(QStringLiteral("bad model")));
        QVERIFY(!r.error.contains(QStringLiteral("sk-secret-123"))); // never echoed
    }

    void malformedBody()
    {
        FakeLlmServer server;
        server.setHandler([](const FakeRequest &) {
            FakeReply x;
            x.body = "{\"choices\": [ {\"message\": ";
            return x;
        });
        LlmClient client(profileFor(server), {});
        const LlmResult r = runCalls(client, 1)[0];
        QVERIFY(!r.ok);
        QCOMPARE(r.errorKind, QStringLiteral("invalid_body"));
        QCOMPARE(r.attempts, 1);
    }

    void slowReplyTimesOut()
    {
        FakeLlmServer server;
        server.setHandler([&](const FakeRequest &r) {
            FakeReply x = server.defaultReply(r);
            x.delayMs = r.index == 0 ? 1500 : 0;
            return x;
        });
        EndpointProfile p = profileFor(server);
        p.timeoutMs = 300;
        LlmClient client(p, {});
        const LlmResult ok = runCalls(client, 1)[0];
        QVERIFY(ok.ok); // first attempt timed out, the retry is fast
        QCOMPARE(ok.attempts, 2);

        FakeLlmServer slow;
        slow.setHandler([&](const FakeRequest &r) {
            FakeReply x = slow.defaultReply(r);
            x.delayMs = 1500;
            return x;
        });
        EndpointProfile q = profileFor(slow);
        q.timeoutMs = 200;
        q.maxRetries = 1;
        LlmClient client2(q, {});
        const LlmResult r = runCalls(client2, 1)[0];
        QVERIFY(!r.ok);
        QCOMPARE(r.errorKind, QStringLiteral("timeout"));
        QCOMPARE(r.attempts, 2);
    }

    void droppedConnection()
    {
        FakeLlmServer server;
        server.setHandler([&](const FakeRequest &r) {
            FakeReply x = server.defaultReply(r);
            x.drop = r.index < 3;
            return x;
        });
        LlmClient client(profileFor(server), {});
        const LlmResult r = runCalls(client, 1)[0];
        QVERIFY(r.ok);
        // QtNetwork itself resends once on a closed keep-alive connection; our retries do the rest.
        QVERIFY(r.attempts >= 2);
        QCOMPARE(server.requestCount(), 4);
    }

    void boundOnRequestsInFlight()
    {
        FakeLlmServer server;
        server.setDefaultDelayMs(80);
        EndpointProfile p = profileFor(server);
        p.maxInFlight = 3;
        LlmClient client(p, {});
        const QList<LlmResult> rs = runCalls(client, 15);
        for (const LlmResult &r : rs)
            QVERIFY(r.ok);
        QCOMPARE(server.maxConcurrent(), 3);

        FakeLlmServer wide;
        wide.setDefaultDelayMs(150);
        EndpointProfile q = profileFor(wide);
        q.maxInFlight = 16; // more than one manager's 6 connections per host
        LlmClient client2(q, {});
        QElapsedTimer t;
        t.start();
        for (const LlmResult &r : runCalls(client2, 32))
            QVERIFY(r.ok);
        QVERIFY2(wide.maxConcurrent() > 6 && wide.maxConcurrent() <= 16,
                 qPrintable(QString::number(wide.maxConcurrent())));
    }
};

QTEST_GUILESS_MAIN(TestLlmClient)
#include "tst_llmclient.moc"
