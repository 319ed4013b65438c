// SPDX-License-Identifier: GPL-3.0-or-later
// The compute device setting resolves against what LibTorch reports.
#include <QTest>

#include "backend/computeinfo.h"
#include "backend/jobs.h"

using namespace ef;

class TestComputeInfo final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void probeReportsThreadsAndVersion()
    {
        JobManager::configureComputeThreads(2);
        const ComputeInfo info = probeCompute();
        QCOMPARE(info.threads, 2);
        QVERIFY(!info.torchVersion.isEmpty());
        QVERIFY(info.cudaAvailable ? info.description.startsWith(QStringLiteral("CUDA: "))
                                   : info.description == QStringLiteral("CPU (2 threads)"));
    }

    void settingResolves_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<bool>("cuda");
        QTest::addColumn<QString>("device");
        QTest::addColumn<QString>("text");
        QTest::newRow("auto, no CUDA") << QStringLiteral("auto") << false << QStringLiteral("cpu")
                                       << QStringLiteral("CPU (4 threads)");
        QTest::newRow("auto, CUDA") << QStringLiteral("auto") << true << QStringLiteral("cuda")
                                    << QStringLiteral("CUDA: NVIDIA H100");
        QTest::newRow("cpu forced") << QStringLiteral("cpu") << true << QStringLiteral("cpu")
                                    << QStringLiteral("CPU (4 threads)");
        QTest::newRow("cuda missing") << QStringLiteral("cuda") << false << QStringLiteral("cpu")
                                      << QStringLiteral("CPU (4 threads) — CUDA not available");
    }

    void settingResolves()
    {
        QFETCH(QString, setting);
        QFETCH(bool, cuda);
        QFETCH(QString, device);
        QFETCH(QString, text);
        ComputeInfo info;
        info.cudaAvailable = cuda;
        info.threads = 4;
        info.description = cuda ? QStringLiteral("CUDA: NVIDIA H100") : QStringLiteral("CPU (4 threads)");
        QCOMPARE(resolveDevice(setting, info), device);
        QCOMPARE(describeDevice(setting, info), text);
    }
};

QTEST_GUILESS_MAIN(TestComputeInfo)
#include "tst_computeinfo.moc"
