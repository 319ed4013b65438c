// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 14: screenshots of every page on the demo workspace at 1600x1000 and 1024x700, in English
// and in Chinese, so that anyone can look at the windows after a build: they go to
// EMBEDFORGE_TEST_ARTIFACTS/screens/<language>-<width>x<height>-<page>.png. The test also checks
// that each page fits: no page needs more width than 1024x700 gives it, and on each page no label,
// button or field overlaps another or is narrower than its text.
#include <QDir>
#include <QLineEdit>
#include <QLabel>
#include <QComboBox>
#include <QAbstractSpinBox>
#include <QAbstractButton>
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
                // Issue 14.7: no label or button overlaps another, and none is cut short.
                const QString problem = layoutProblem(w.findChild<QStackedWidget *>()->currentWidget());
                QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("%1 %2x%3: %4")
                                                           .arg(page, QString::number(size.width()),
                                                                QString::number(size.height()), problem)));
            }
        }
        installTranslations(QStringLiteral("en"));
    }

private:
    // The first overlap of two visible labels, buttons or fields of a page, or the first label
    // or button narrower than its text; empty when there is none.
    static QString layoutProblem(QWidget *page)
    {
        QList<QWidget *> shown;
        for (QWidget *c : page->findChildren<QWidget *>()) {
            if (!c->isVisibleTo(page) || c->width() <= 0 || c->height() <= 0)
                continue;
            if (qobject_cast<QLabel *>(c) || qobject_cast<QAbstractButton *>(c) || qobject_cast<QComboBox *>(c) ||
                qobject_cast<QLineEdit *>(c) || qobject_cast<QAbstractSpinBox *>(c))
                shown << c;
        }
        const auto name = [](QWidget *c) {
            QString text;
            if (auto *l = qobject_cast<QLabel *>(c))
                text = l->text();
            else if (auto *b = qobject_cast<QAbstractButton *>(c))
                text = b->text();
            return QStringLiteral("%1 '%2' %3")
                .arg(QString::fromLatin1(c->metaObject()->className()), text.left(40), c->objectName());
        };
        for (QWidget *c : shown) {
            if (c->parentWidget() && qobject_cast<QAbstractSpinBox *>(c->parentWidget()))
                continue; // a spin box's own line edit
            auto *label = qobject_cast<QLabel *>(c);
            auto *button = qobject_cast<QAbstractButton *>(c);
            const bool oneLine = (label && !label->wordWrap() && label->pixmap().isNull()) || button;
            if (oneLine && c->width() + 1 < c->minimumSizeHint().width())
                return QStringLiteral("%1 is %2 px wide, its text needs %3")
                    .arg(name(c), QString::number(c->width()), QString::number(c->minimumSizeHint().width()));
        }
        for (int i = 0; i < shown.size(); ++i) {
            for (int j = i + 1; j < shown.size(); ++j) {
                QWidget *a = shown.at(i), *b = shown.at(j);
                if (a->isAncestorOf(b) || b->isAncestorOf(a))
                    continue;
                const QRect ra(a->mapTo(page, QPoint(0, 0)), a->size());
                const QRect rb(b->mapTo(page, QPoint(0, 0)), b->size());
                if (ra.intersects(rb))
                    return QStringLiteral("%1 overlaps %2").arg(name(a), name(b));
            }
        }
        return {};
    }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
