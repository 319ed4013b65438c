// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of the user settings: round trip through QSettings, recent workspaces.
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include "backend/settings.h"
#include "tests/common/profiles.h"

using namespace ef;

using ef::test::profile;

class TestSettings final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("EmbedForgeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_settings"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    }

    void roundTrip()
    {
        AppSettings s;
        s.endpoints = {profile(QStringLiteral("local vLLM"), QStringLiteral("http://127.0.0.1:8000/v1"),
                               QStringLiteral("qwen"), QString()),
                       profile(QStringLiteral("OpenAI"), QStringLiteral("https://api.openai.com/v1"),
                               QStringLiteral("gpt-4o"), QStringLiteral("OPENAI_API_KEY"))};
        s.endpoints[1].kind = QStringLiteral("azure");
        s.endpoints[1].azureDeployment = QStringLiteral("gpt4o-prod");
        s.endpoints[1].temperature = 0.7;
        s.endpoints[1].inputPricePerMTok = 2.5;
        s.computeDevice = QStringLiteral("cpu");
        s.computeThreads = 3;
        s.language = QStringLiteral("zh_CN");
        s.save();
        const AppSettings back = AppSettings::load();
        QCOMPARE(back.endpoints, s.endpoints);
        QCOMPARE(back.computeDevice, QStringLiteral("cpu"));
        QCOMPARE(back.computeThreads, 3);
        QCOMPARE(back.language, QStringLiteral("zh_CN"));
    }

    void unknownDeviceFallsBackToAuto()
    {
        QSettings().setValue(QStringLiteral("compute/device"), QStringLiteral("tpu"));
        QSettings().setValue(QStringLiteral("compute/threads"), -4);
        const AppSettings s = AppSettings::load();
        QCOMPARE(s.computeDevice, QStringLiteral("auto"));
        QCOMPARE(s.computeThreads, 0);
    }

    void recentListIsMostRecentFirstAndBounded()
    {
        AppSettings s;
        for (int i = 0; i < AppSettings::kMaxRecent + 3; ++i)
            s.noteWorkspaceOpened(m_dir.filePath(QStringLiteral("w%1.efws").arg(i)));
        s.noteWorkspaceOpened(m_dir.filePath(QStringLiteral("w5.efws")));
        QCOMPARE(s.recentWorkspaces.size(), AppSettings::kMaxRecent);
        QCOMPARE(s.recentWorkspaces.first(), m_dir.filePath(QStringLiteral("w5.efws")));
        QCOMPARE(s.recentWorkspaces.count(m_dir.filePath(QStringLiteral("w5.efws"))), 1);
        QCOMPARE(s.lastWorkspace, m_dir.filePath(QStringLiteral("w5.efws")));
        s.save();
        QCOMPARE(AppSettings::load().recentWorkspaces, s.recentWorkspaces);
    }

    // Settings files written by earlier builds spell the profile keys in camelCase; they load
    // unchanged, and the next save writes the one spelling (snake_case) and nothing else.
    void oldSettingsSpellingStillLoads()
    {
        {
            QSettings old;
            old.remove(QStringLiteral("endpoints"));
            old.beginWriteArray(QStringLiteral("endpoints"), 1);
            old.setArrayIndex(0);
            old.setValue(QStringLiteral("name"), QStringLiteral("legacy"));
            old.setValue(QStringLiteral("baseUrl"), QStringLiteral("http://10.0.0.5:8000/v1"));
            old.setValue(QStringLiteral("model"), QStringLiteral("qwen"));
            old.setValue(QStringLiteral("apiKeyEnv"), QStringLiteral("LEGACY_KEY"));
            old.setValue(QStringLiteral("kind"), QStringLiteral("azure"));
            old.setValue(QStringLiteral("azureDeployment"), QStringLiteral("dep"));
            old.setValue(QStringLiteral("topP"), 0.9);
            old.setValue(QStringLiteral("maxTokens"), 512);
            old.setValue(QStringLiteral("seed"), 7);
            old.setValue(QStringLiteral("jsonResponseFormat"), true);
            old.setValue(QStringLiteral("timeoutMs"), 9000);
            old.setValue(QStringLiteral("maxInFlight"), 3);
            old.setValue(QStringLiteral("outputPricePerMTok"), 1.5);
            old.endArray();
            old.sync();
        }
        AppSettings s = AppSettings::load();
        QCOMPARE(s.endpoints.size(), 1);
        const EndpointProfile &p = s.endpoints.first();
        QCOMPARE(p.name, QStringLiteral("legacy"));
        QCOMPARE(p.baseUrl, QStringLiteral("http://10.0.0.5:8000/v1"));
        QCOMPARE(p.apiKeyEnv, QStringLiteral("LEGACY_KEY"));
        QCOMPARE(p.kind, QStringLiteral("azure"));
        QCOMPARE(p.azureDeployment, QStringLiteral("dep"));
        QCOMPARE(p.topP, 0.9);
        QCOMPARE(p.maxTokens, 512);
        QCOMPARE(p.seed, qint64(7));
        QCOMPARE(p.jsonResponseFormat, true);
        QCOMPARE(p.timeoutMs, 9000);
        QCOMPARE(p.maxInFlight, 3);
        QCOMPARE(p.outputPricePerMTok, 1.5);
        QCOMPARE(p.temperature, EndpointProfile().temperature); // absent: the default

        s.save();
        QSettings now;
        now.beginReadArray(QStringLiteral("endpoints"));
        now.setArrayIndex(0);
        QStringList keys = now.childKeys();
        keys.sort();
        QStringList expected = endpointToJson(p).keys();
        expected.sort();
        QCOMPARE(keys, expected);
        QVERIFY(keys.contains(QStringLiteral("base_url")));
        QVERIFY(!keys.contains(QStringLiteral("baseUrl")));
        now.endArray();
        QCOMPARE(AppSettings::load().endpoints, s.endpoints);
    }

    // The JSON form is what a workspace stores; both spellings read, snake_case is written.
    void endpointJsonOneSpelling()
    {
        EndpointProfile p =
            profile(QStringLiteral("x"), QStringLiteral("http://h/v1"), QStringLiteral("m"), QStringLiteral("K"));
        p.maxRetries = 2;
        p.backoffMaxMs = 1234;
        p.inputPricePerMTok = 0.25;
        const QJsonObject o = endpointToJson(p);
        QCOMPARE(o.value(QStringLiteral("base_url")).toString(), QStringLiteral("http://h/v1"));
        QCOMPARE(o.value(QStringLiteral("backoff_max_ms")).toInt(), 1234);
        QCOMPARE(endpointFromJson(o), p);
        const QJsonObject camel{{QStringLiteral("name"), QStringLiteral("x")},
                                {QStringLiteral("baseUrl"), QStringLiteral("http://h/v1")},
                                {QStringLiteral("model"), QStringLiteral("m")},
                                {QStringLiteral("apiKeyEnv"), QStringLiteral("K")},
                                {QStringLiteral("maxRetries"), 2},
                                {QStringLiteral("backoffMaxMs"), QStringLiteral("1234")},
                                {QStringLiteral("inputPricePerMTok"), 0.25}};
        QCOMPARE(endpointFromJson(camel), p);
        // The written spelling wins over an old one in the same object.
        QJsonObject both = o;
        both.insert(QStringLiteral("baseUrl"), QStringLiteral("http://stale/v1"));
        QCOMPARE(endpointFromJson(both).baseUrl, QStringLiteral("http://h/v1"));
        // An unknown protocol reads as the OpenAI one.
        QCOMPARE(endpointFromJson({{QStringLiteral("kind"), QStringLiteral("gopher")}}).kind, QStringLiteral("openai"));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
