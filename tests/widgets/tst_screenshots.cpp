// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 14: screenshots of every page on the demo workspace at 1600x1000 and 1024x700, in English
// and in Chinese, so that anyone can look at the windows after a build: they go to
// EMBEDFORGE_TEST_ARTIFACTS/screens/<language>-<width>x<height>-<page>.png. The test also checks
// that each page fits: no page needs more width than 1024x700 gives it.
#include <QDir>
#include <QImage>
#include <QScrollArea>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>

#include "backend/jobs.h"
#include "tests/common/testutil.h"
#include "translations/translations.h"
#include "widgets/mainwindow.h"

using namespace ef;

class TestScreenshots final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
    }

    void everyPage_data()
    {
        QTest::addColumn<QString>("language");
        QTest::newRow("English") << QStringLiteral("en");
        QTest::newRow("Chinese") << QStringLiteral("zh_CN");
    }

    void everyPage()
    {
        QFETCH(QString, language);
        installTranslations(language);
        JobManager jobs;
        MainWindow w(&jobs);
        w.show();
        QSignalSpy opened(&w, &MainWindow::workspaceOpened);
        w.openDemoWorkspace(m_dir.filePath(QStringLiteral("demo-%1/demo.efws").arg(language)));
        QVERIFY(opened.wait(30000));
        const QString out = QDir(test::artifactsDir()).filePath(QStringLiteral("screens"));
        QVERIFY(QDir().mkpath(out));
        for (const QSize size : {QSize(1600, 1000), QSize(1024, 700)}) {
            w.resize(size);
            for (const QString &page : w.pageIds()) {
                w.showPage(page);
                QTest::qWait(250); // let each page load its data
                const QImage shot = w.grab().toImage();
                QCOMPARE(shot.size(), size);
                const QString file =
                    QStringLiteral("%1/%2-%3x%4-%5.png")
                        .arg(out, language, QString::number(size.width()), QString::number(size.height()), page);
                QVERIFY2(shot.save(file), qPrintable(file));
                // The page fits the window: the window did not have to grow past its size.
                QVERIFY2(w.width() <= size.width(), qPrintable(page + QStringLiteral(" widens the window")));
            }
        }
        installTranslations(QStringLiteral("en"));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
