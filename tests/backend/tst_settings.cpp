// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of the user settings: round trip through QSettings, recent workspaces.
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
        s.endpoints = {profile(QStringLiteral("local vLLM"), QStringLiteral("http://127.0.0.1:8000/v1"), QStringLiteral("qwen"), QString()),
                       profile(QStringLiteral("OpenAI"), QStringLiteral("https://api.openai.com/v1"), QStringLiteral("gpt-4o"),
                               QStringLiteral("OPENAI_API_KEY"))};
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

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
