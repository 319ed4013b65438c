// SPDX-License-Identifier: GPL-3.0-or-later
// The Settings dialog: edits become settings, bad profiles are refused with a reason.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

#include "tests/common/fakellmserver.h"
#include "tests/common/profiles.h"
#include "widgets/settingsdialog.h"

using namespace ef;

using ef::test::profile;

class TestSettingsDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Issue 14.1: Test connection sends one tiny request and shows the answer or the error.
    void testConnectionShowsAnswerOrError()
    {
        test::FakeLlmServer server;
        server.setHandler(
            [](const test::FakeRequest &) { return test::FakeLlmServer::completion(QStringLiteral("OK")); });
        AppSettings base;
        base.endpoints = {profile(QStringLiteral("local"), server.baseUrl(), QStringLiteral("m"), QString())};
        SettingsDialog dlg(base, ComputeInfo{});
        dlg.findChild<QTableWidget *>(QStringLiteral("endpointProfiles"))->setCurrentCell(0, 0);
        auto *button = dlg.findChild<QPushButton *>(QStringLiteral("testConnection"));
        auto *result = dlg.findChild<QLabel *>(QStringLiteral("testResult"));
        QVERIFY(button && result);
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(QStringLiteral("It works")), 10000);
        QVERIFY(result->text().contains(QStringLiteral("OK")));
        QCOMPARE(server.requestCount(), 1);
        server.setHandler([](const test::FakeRequest &) {
            test::FakeReply r;
            r.status = 401;
            r.body = R"({"error": {"message": "Incorrect API key provided"}})";
            return r;
        });
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(QStringLiteral("It failed")), 10000);
        QVERIFY2(result->text().contains(QStringLiteral("HTTP 401: Incorrect API key provided")),
                 qPrintable(result->text()));
        // A key variable that is not set is said before anything is sent.
        base.endpoints[0].apiKeyEnv = QStringLiteral("EF_SURELY_UNSET_KEY_VARIABLE");
        SettingsDialog other(base, ComputeInfo{});
        other.findChild<QTableWidget *>(QStringLiteral("endpointProfiles"))->setCurrentCell(0, 0);
        QTest::mouseClick(other.findChild<QPushButton *>(QStringLiteral("testConnection")), Qt::LeftButton);
        QVERIFY(other.findChild<QLabel *>(QStringLiteral("testResult"))
                    ->text()
                    .contains(QStringLiteral("EF_SURELY_UNSET_KEY_VARIABLE is not set")));
        QCOMPARE(server.requestCount(), 2);
    }

    void editsBecomeSettings()
    {
        AppSettings base;
        base.endpoints = {profile(QStringLiteral("vllm"), QStringLiteral("http://127.0.0.1:8000/v1"),
                                  QStringLiteral("qwen"), QString())};
        SettingsDialog dlg(base, ComputeInfo{});
        auto *table = dlg.findChild<QTableWidget *>(QStringLiteral("endpointProfiles"));
        QCOMPARE(table->rowCount(), 1);
        QTest::mouseClick(dlg.findChild<QPushButton *>(QStringLiteral("addEndpoint")), Qt::LeftButton);
        QCOMPARE(table->rowCount(), 2);
        table->item(1, 0)->setText(QStringLiteral("azure"));
        table->item(1, 1)->setText(QStringLiteral("https://example.openai.azure.com/openai"));
        table->item(1, 3)->setText(QStringLiteral("AZURE_OPENAI_KEY"));
        auto *device = dlg.findChild<QComboBox *>(QStringLiteral("computeDevice"));
        device->setCurrentIndex(device->findData(QStringLiteral("cpu")));
        dlg.findChild<QSpinBox *>(QStringLiteral("computeThreads"))->setValue(2);
        QCOMPARE(dlg.validationError(), QString());
        dlg.accept();
        QCOMPARE(dlg.result(), int(QDialog::Accepted));
        const AppSettings s = dlg.settings();
        QCOMPARE(s.endpoints.size(), 2);
        QCOMPARE(s.endpoints[1].name, QStringLiteral("azure"));
        QCOMPARE(s.endpoints[1].apiKeyEnv, QStringLiteral("AZURE_OPENAI_KEY"));
        QCOMPARE(s.computeDevice, QStringLiteral("cpu"));
        QCOMPARE(s.computeThreads, 2);
    }

    // Editing the visible columns keeps the fields shown only in the details form.
    void detailsSurviveEditsAndCanBeChanged()
    {
        AppSettings base;
        base.endpoints = {profile(QStringLiteral("azure"), QStringLiteral("https://x.openai.azure.com"),
                                  QStringLiteral("gpt-4o"), QStringLiteral("AZURE_KEY"))};
        base.endpoints[0].kind = QStringLiteral("azure");
        base.endpoints[0].azureDeployment = QStringLiteral("prod");
        base.endpoints[0].temperature = 0.7;
        base.endpoints[0].outputPricePerMTok = 10.0;
        SettingsDialog dlg(base, ComputeInfo{});
        auto *table = dlg.findChild<QTableWidget *>(QStringLiteral("endpointProfiles"));
        table->item(0, 2)->setText(QStringLiteral("gpt-4o-mini"));
        AppSettings s = dlg.settings();
        QCOMPARE(s.endpoints[0].model, QStringLiteral("gpt-4o-mini"));
        QCOMPARE(s.endpoints[0].kind, QStringLiteral("azure"));
        QCOMPARE(s.endpoints[0].azureDeployment, QStringLiteral("prod"));
        QCOMPARE(s.endpoints[0].temperature, 0.7);
        QCOMPARE(s.endpoints[0].outputPricePerMTok, 10.0);
        // The details form edits the selected profile.
        const QList<QDoubleSpinBox *> spins = dlg.findChildren<QDoubleSpinBox *>();
        QVERIFY(!spins.isEmpty());
        spins.first()->setValue(0.2); // temperature comes first in the form
        QCOMPARE(dlg.settings().endpoints[0].temperature, 0.2);
        QCOMPARE(dlg.validationError(), QString());
        // Issue 14.3: requests in flight are set on the Generate page only, not here too.
        for (const QLabel *label : dlg.findChildren<QLabel *>())
            QVERIFY2(!label->text().contains(QStringLiteral("in flight"), Qt::CaseInsensitive),
                     qPrintable(label->text()));
        base.endpoints[0].azureDeployment.clear();
        SettingsDialog noDeployment(base, ComputeInfo{});
        QVERIFY(noDeployment.validationError().contains(QStringLiteral("names no deployment")));
    }

    void badProfilesAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("keyEnv");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no name") << QString() << QStringLiteral("http://127.0.0.1:1/v1") << QString()
                                 << QStringLiteral("has no name");
        QTest::newRow("duplicate") << QStringLiteral("vllm") << QStringLiteral("http://127.0.0.1:1/v1") << QString()
                                   << QStringLiteral("Two endpoints are named 'vllm'");
        QTest::newRow("ftp") << QStringLiteral("x") << QStringLiteral("ftp://host/v1") << QString()
                             << QStringLiteral("is not an http(s) URL");
        QTest::newRow("no host") << QStringLiteral("x") << QStringLiteral("http:///v1") << QString()
                                 << QStringLiteral("is not an http(s) URL");
        QTest::newRow("env with space") << QStringLiteral("x") << QStringLiteral("http://h/v1")
                                        << QStringLiteral("MY KEY")
                                        << QStringLiteral("is not an environment variable name");
    }

    void badProfilesAreRefused()
    {
        QFETCH(QString, name);
        QFETCH(QString, url);
        QFETCH(QString, keyEnv);
        QFETCH(QString, expected);
        AppSettings base;
        base.endpoints = {
            profile(QStringLiteral("vllm"), QStringLiteral("http://127.0.0.1:8000/v1"), QString(), QString()),
            profile(name, url, QString(), keyEnv)};
        SettingsDialog dlg(base, ComputeInfo{});
        QVERIFY2(dlg.validationError().contains(expected), qPrintable(dlg.validationError()));
        dlg.accept();
        QCOMPARE(dlg.result(), int(QDialog::Rejected));
        QVERIFY(dlg.findChild<QLabel *>(QStringLiteral("settingsError"))->text().contains(expected));
    }

    // The compute panel shows the real probe of this process: LibTorch's version, whether CUDA is
    // compiled in and why it is not available here, the CPU.
    void computePanelShowsTheProbe()
    {
        const ComputeInfo info = probeCompute();
        QVERIFY(info.probed);
        QVERIFY(info.torchVersion.startsWith(QLatin1String("2.")));
        SettingsDialog dlg(AppSettings{}, info);
        const QString text = dlg.findChild<QLabel *>(QStringLiteral("computeStatus"))->text();
        QVERIFY2(text.contains(QStringLiteral("LibTorch ") + info.torchVersion), qPrintable(text));
        if (!info.cudaCompiled)
            QVERIFY2(text.contains(QLatin1String("not in this build")), qPrintable(text));
        else if (!info.cudaAvailable)
            QVERIFY2(text.contains(QLatin1String("compiled in, not available")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("%1 hardware threads").arg(info.cpuCores)), qPrintable(text));
        QVERIFY(info.cpuCores >= 1 && info.cpuMemoryBytes > 0);
        auto *device = dlg.findChild<QComboBox *>(QStringLiteral("computeDevice"));
        const QString cudaItem = device->itemText(device->findData(QStringLiteral("cuda")));
        QCOMPARE(cudaItem.contains(QLatin1String("not available")), !info.cudaAvailable);

        // A probe with a GPU (as on a workstation): each device with its memory and capability.
        ComputeInfo gpu = info;
        gpu.cudaCompiled = gpu.cudaAvailable = true;
        gpu.cudaStatus.clear();
        gpu.cudaRuntimeVersion = 13000;
        gpu.gpus = {{QStringLiteral("NVIDIA H200"), qint64(140) << 30, 9, 0}};
        const QString details = describeComputeDetails(gpu);
        QVERIFY2(details.contains(QLatin1String("CUDA: available (runtime 13.0)")), qPrintable(details));
        QVERIFY2(details.contains(QLatin1String("GPU 0: NVIDIA H200, 140.0 GiB, compute capability 9.0")),
                 qPrintable(details));
        QVERIFY(describeComputeDetails(ComputeInfo{}).contains(QLatin1String("Probing")));
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "tst_settingsdialog.moc"
