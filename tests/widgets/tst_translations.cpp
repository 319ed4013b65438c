// SPDX-License-Identifier: GPL-3.0-or-later
// The zh_CN catalogue loads and translates the real main window; English stays English.
#include <QDateTime>
#include <QDockWidget>
#include <QLocale>
#include <QMenuBar>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include "backend/jobs.h"
#include "backend/training.h"
#include "backend/workspace.h"
#include "translations/translations.h"
#include "widgets/displaytext.h"
#include "widgets/mainwindow.h"

using namespace ef;

class TestTranslations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path()); }

    void chineseCatalogueIsShipped() { QVERIFY(availableLanguages().contains(QStringLiteral("zh_CN"))); }

    void mainWindowInChinese()
    {
        QCOMPARE(installTranslations(QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
        JobManager jobs;
        MainWindow w(&jobs);
        const QList<QAction *> menus = w.menuBar()->actions();
        QVERIFY(!menus.isEmpty());
        QCOMPARE(menus.first()->text(), QStringLiteral("文件(&F)"));
        QCOMPARE(w.findChild<QDockWidget *>(QStringLiteral("jobsDock"))->windowTitle(), QStringLiteral("任务"));
        QCOMPARE(w.findChild<QDockWidget *>(QStringLiteral("logDock"))->windowTitle(), QStringLiteral("日志"));
        // Job states shown in the dock are translated too.
        QCOMPARE(jobStateDisplayName(JobState::Running), QStringLiteral("运行中"));
        // Issue 14.11: stored states, statuses and dates are shown in the language and locale.
        QVERIFY(generationRunStateName(QStringLiteral("finished")) != QStringLiteral("finished"));
        QVERIFY(generationRunStateName(QStringLiteral("interrupted")) != QStringLiteral("interrupted"));
        QVERIFY(exampleStatusName(QStringLiteral("duplicate")) != QStringLiteral("duplicate"));
        QCOMPARE(QLocale().language(), QLocale::Chinese);
        const QString iso = QStringLiteral("2026-12-05T13:26:42.568Z");
        QCOMPARE(displayTime(iso),
                 QLocale(QLocale::Chinese, QLocale::China)
                     .toString(QDateTime::fromString(iso, Qt::ISODateWithMs).toLocalTime(), QLocale::ShortFormat));
        QVERIFY(!displayTime(iso).contains(QLatin1Char('T')));
        QCOMPARE(displayTime(QStringLiteral("not a time")), QStringLiteral("not a time"));
    }

    // Backend messages made by helper functions are found in the catalogue too (their context
    // must be the one lupdate files them under).
    void backendMessagesInChinese()
    {
        QCOMPARE(installTranslations(QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
        auto ws = Workspace::create(m_dir.filePath(QStringLiteral("zh.efws")));
        QVERIFY2(ws, qPrintable(ws.error()));
        TrainingRequest request;
        request.configJson = QStringLiteral("{}");
        const auto id = createTrainingRun(*ws, request);
        QVERIFY(!id);
        QVERIFY2(id.error().contains(QStringLiteral("请选择基础模型文件夹")), qPrintable(id.error()));
        installTranslations(QStringLiteral("en"));
    }

    void englishHasNoCatalogue()
    {
        QCOMPARE(installTranslations(QStringLiteral("en")), QString());
        JobManager jobs;
        MainWindow w(&jobs);
        QCOMPARE(w.menuBar()->actions().first()->text(), QStringLiteral("&File"));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
