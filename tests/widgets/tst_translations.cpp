// SPDX-License-Identifier: GPL-3.0-or-later
// The zh_CN catalogue loads and translates the real main window; English stays English.
#include <QCoreApplication>
#include <QDateTime>
#include <QDockWidget>
#include <QLocale>
#include <QMenuBar>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include "backend/database.h"
#include "backend/jobhistory.h"
#include "backend/jobs.h"
#include "backend/trtext.h"
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

    // Issue 14.11: a job recorded in English shows in Chinese in the history later (its title and
    // message are kept as their source); an old row without a source keeps its words.
    void jobHistoryInTheReadersLanguage()
    {
        installTranslations(QStringLiteral("en"));
        auto ws = Workspace::create(m_dir.filePath(QStringLiteral("history.efws")));
        QVERIFY2(ws, qPrintable(ws.error()));
        {
            auto db = ws->connect();
            JobInfo info;
            info.kind = QStringLiteral("workspace.check");
            info.titleText = trText("ef::Workspace", "Check %1", {QStringLiteral("a%2b.efws")});
            info.title = info.titleText.toString();
            info.state = JobState::Succeeded;
            info.progress.messageText = trText("ef::Workspace", "healthy");
            info.progress.message = info.progress.messageText.toString();
            info.createdAt = info.startedAt = info.finishedAt = QDateTime::currentDateTimeUtc();
            recordJob(**db, info);
            JobInfo old = info;
            old.titleText = {};
            old.progress.messageText = {};
            old.title = QStringLiteral("An old job");
            old.progress.message = QStringLiteral("done long ago");
            recordJob(**db, old);
        }
        QCOMPARE(installTranslations(QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
        auto history = loadJobHistory(ws.value(), 10);
        QVERIFY2(history, qPrintable(history.error()));
        QCOMPARE(history->size(), 2);
        const JobInfo &recorded = history->at(1);
        QCOMPARE(recorded.title, QCoreApplication::translate("ef::Workspace", "Check %1")
                                     .replace(QStringLiteral("%1"), QStringLiteral("a%2b.efws")));
        QVERIFY2(recorded.title != QStringLiteral("Check a%2b.efws"), qPrintable(recorded.title));
        QVERIFY(recorded.title.contains(QStringLiteral("a%2b.efws"))); // the value untouched
        QCOMPARE(recorded.progress.message, QCoreApplication::translate("ef::Workspace", "healthy"));
        QVERIFY(recorded.progress.message != QStringLiteral("healthy"));
        QCOMPARE(history->at(0).title, QStringLiteral("An old job"));
        QCOMPARE(history->at(0).progress.message, QStringLiteral("done long ago"));
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
