// SPDX-License-Identifier: GPL-3.0-or-later
// GUI tests (offscreen): the main window on a new workspace, the Jobs dock with a running
// job and its Cancel button, failures shown without a crash, and a screenshot artifact.
#include <atomic>

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QMessageBox>
#include <QTimer>
#include <QApplication>
#include <QAction>
#include <QKeySequence>
#include <QImage>
#include <QLineEdit>
#include <QPointer>
#include <QSet>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QTextCursor>
#include <QTableWidget>
#include <QTest>
#include <QThread>

#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/jobs.h"
#include "backend/logbus.h"
#include "backend/workspace.h"
#include "tests/common/modal.h"
#include "tests/common/testutil.h"
#include "widgets/jobsdock.h"
#include "widgets/templatespage.h"
#include "backend/templates.h"
#include "widgets/logdock.h"
#include "widgets/mainwindow.h"
#include "widgets/searchpage.h"
#include "widgets/workspacepage.h"

using namespace ef;

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void opensNewWorkspace();
    void jobsDockShowsRunningJobAndCancels();
    void failedJobIsShownAndLogged();
    void badWorkspaceIsRefusedWithMessage();
    void geometryAndLastWorkspacePersist();
    void demoWorkspaceHasExamplesOffline();
    void readOnlyWorkspaceOpensForReading();
    void quittingDuringAJobAsks();
    void shortcutsGuideAndLastPage();
    void corporaFromTheGui();
    void switchingWorkspacesKeepsTemplateEdits();
    void valueSetEditsUndoAndRedo();

private:
    QTemporaryDir m_dir;
};

void TestMainWindow::initTestCase()
{
    QCoreApplication::setOrganizationName(QStringLiteral("EmbedForgeTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
    LogBus::install();
    // Permissions apply to this process even when the tests run as root: without
    // CAP_DAC_OVERRIDE, a chmod-ed folder is read-only to it (readOnlyWorkspaceOpensForReading).
    // Threads started later inherit this thread's capabilities. The files of the other tests are
    // this process's own, so nothing else changes.
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &header, data) == 0) {
        for (int cap : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH}) {
            data[cap / 32].effective &= ~(1u << (cap % 32));
            data[cap / 32].permitted &= ~(1u << (cap % 32));
        }
        ::syscall(SYS_capset, &header, data);
    }
}

void TestMainWindow::opensNewWorkspace()
{
    JobManager jobs;
    MainWindow w(&jobs);
    w.show();
    QSignalSpy opened(&w, &MainWindow::workspaceOpened);
    const QString path = m_dir.filePath(QStringLiteral("gui.efws"));
    w.openWorkspace(path, true);
    QVERIFY(opened.wait(10000));
    QCOMPARE(w.workspace().path(), path);
    QVERIFY(QFileInfo::exists(path));
    QCOMPARE(w.windowTitle(), QStringLiteral("gui — EmbedForge"));
    QVERIFY(w.workspaceText().contains(path));
    QTRY_VERIFY_WITH_TIMEOUT(w.deviceText().startsWith(QStringLiteral("Device: CPU (")) ||
                                 w.deviceText().startsWith(QStringLiteral("Device: CUDA: ")),
                             10000);
    QVERIFY(w.pageIds().contains(QStringLiteral("workspace")));
    auto *recent = w.findChild<QMenu *>(QStringLiteral("recentMenu"));
    QVERIFY(recent);
    QVERIFY(!recent->actions().isEmpty());
    QCOMPARE(recent->actions().first()->toolTip(), path);
    auto *summary = w.findChild<QLabel *>(QStringLiteral("workspaceSummary"));
    QTRY_VERIFY_WITH_TIMEOUT(summary->text().contains(QStringLiteral("Schema version")), 5000);

    // Issue 14.11: the About box promises only what this build and machine can do.
    const QString about = w.aboutHtml();
    const bool gpu = w.deviceText().startsWith(QStringLiteral("Device: CUDA: "));
    QVERIFY2(about.contains(QStringLiteral("LibTorch 2.")), qPrintable(about));
    QVERIFY(about.contains(QStringLiteral("Qt ") + QString::fromLatin1(qVersion())));
    QVERIFY(about.contains(QStringLiteral("SQLite 3.")));
    QVERIFY(about.contains(QStringLiteral("It downloads no model or dataset")));
    QCOMPARE(about.contains(QStringLiteral("run on the GPU")), gpu);
    QCOMPARE(about.contains(QStringLiteral("run on the CPU")), !gpu);
    if (!gpu)
        QVERIFY2(about.contains(QStringLiteral("a 7B model needs a GPU")), qPrintable(about));
}

void TestMainWindow::jobsDockShowsRunningJobAndCancels()
{
    JobManager jobs;
    MainWindow w(&jobs);
    w.resize(1200, 780);
    w.show();
    QSignalSpy opened(&w, &MainWindow::workspaceOpened);
    const QString path = m_dir.filePath(QStringLiteral("jobs.efws"));
    w.openWorkspace(path, true);
    QVERIFY(opened.wait(10000));

    std::atomic<int> units{0};
    const quint64 id =
        jobs.submit({QStringLiteral("test.slow"), QStringLiteral("Embed demo corpus"), true, [&](JobContext &ctx) {
                         ctx.setTotal(100000);
                         for (int i = 1; i <= 100000; ++i) {
                             ctx.throwIfCancelled();
                             QThread::msleep(2);
                             units = i;
                             ctx.setProgress(i, QStringLiteral("batch %1").arg(i));
                         }
                     }});
    JobsModel *model = w.jobsDock()->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(units > 20, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(
        model->data(model->index(0, JobsModel::ProgressColumn)).toString().contains(QStringLiteral("/ 100000")), 5000);
    QCOMPARE(model->data(model->index(0, JobsModel::StateColumn)).toString(), QStringLiteral("Running"));
    QTRY_VERIFY_WITH_TIMEOUT(
        model->data(model->index(0, JobsModel::ProgressColumn), JobsModel::FractionRole).toDouble() > 0, 5000);
    QVERIFY(!model->data(model->index(0, JobsModel::RateColumn)).toString().isEmpty());

    // The screenshot shows the dock with the running job.
    QTest::qWait(150);
    const QString shot = QDir(test::artifactsDir()).filePath(QStringLiteral("mainwindow.png"));
    QVERIFY(w.grab().save(shot));
    QVERIFY(QFileInfo(shot).size() > 10000);

    auto *cancel = w.findChild<QPushButton *>(QStringLiteral("cancelJobButton_%1").arg(id));
    QVERIFY(cancel);
    QVERIFY(cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(jobs.job(id).state, JobState::Cancelled, 5000);
    QCOMPARE(model->data(model->index(0, JobsModel::StateColumn)).toString(), QStringLiteral("Cancelled"));
    QVERIFY(!cancel->isEnabled());
    QVERIFY(units < 100000);

    // Clearing finished rows leaves running jobs alone.
    const quint64 other =
        jobs.submit({QStringLiteral("test.wait"), QStringLiteral("Waiting"), false, [](JobContext &ctx) {
                         while (!ctx.cancelRequested())
                             QThread::msleep(2);
                     }});
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 5000);
    QTest::mouseClick(w.findChild<QPushButton *>(QStringLiteral("clearFinishedJobs")), Qt::LeftButton);
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->jobAt(0).id, other);
    jobs.cancel(other);
    QVERIFY(jobs.waitForIdle(5000));

    // A view's interactive request (a search) is neither a row of the dock nor history.
    JobSpec search{QStringLiteral("search.query"), QStringLiteral("Search demo"), false, [](JobContext &) {}};
    search.interactive = true;
    jobs.submit(search);
    QVERIFY(jobs.waitForIdle(5000));
    QCOMPARE(model->rowCount(), 1);

    // The finished job lands in the workspace's history.
    auto ws = Workspace::open(path);
    QTRY_VERIFY_WITH_TIMEOUT(
        (*ws->connect())
                ->queryInt(QStringLiteral(
                    "SELECT COUNT(*) FROM jobs WHERE state = 'cancelled' AND title = 'Embed demo corpus'")) == 1,
        5000);
    QTest::qWait(200);
    QCOMPARE((*ws->connect())->queryInt(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE kind = 'search.query'")), 0);
}

void TestMainWindow::failedJobIsShownAndLogged()
{
    JobManager jobs;
    MainWindow w(&jobs);
    w.show();
    const quint64 id = jobs.submit({QStringLiteral("test.fail"), QStringLiteral("Doomed"), false, [](JobContext &) {
                                        throw std::runtime_error("model.safetensors: tensor 'w' overlaps 'v'");
                                    }});
    QTRY_COMPARE_WITH_TIMEOUT(jobs.job(id).state, JobState::Failed, 5000);
    JobsModel *model = w.jobsDock()->model();
    const int row = model->rowOf(id);
    QCOMPARE(model->data(model->index(row, JobsModel::MessageColumn)).toString(),
             QStringLiteral("model.safetensors: tensor 'w' overlaps 'v'"));
    QTRY_VERIFY_WITH_TIMEOUT(w.logDock()->text().contains(QStringLiteral("tensor 'w' overlaps 'v'")), 5000);

    // Issue 14.11: a failed job's row reads short; a double-click shows the whole error. The
    // workspace's history reads the same, its tooltip holding the whole text.
    QSignalSpy opened(&w, &MainWindow::workspaceOpened);
    w.openWorkspace(m_dir.filePath(QStringLiteral("failed-history.efws")), true);
    QVERIFY(opened.wait(10000));
    const QString weights = m_dir.filePath(QStringLiteral("models/tiny/model.safetensors"));
    const QString technical =
        QStringLiteral("cannot read '%1': the header ends at byte 8 of 64\nheader: {\"w\": ...").arg(weights);
    const quint64 second =
        jobs.submit({QStringLiteral("test.fail"), QStringLiteral("Truncated"), false,
                     [technical](JobContext &) { throw std::runtime_error(technical.toStdString()); }});
    QTRY_COMPARE_WITH_TIMEOUT(jobs.job(second).state, JobState::Failed, 5000);
    const QModelIndex message = model->index(model->rowOf(second), JobsModel::MessageColumn);
    QCOMPARE(model->data(message).toString(),
             QStringLiteral("cannot read 'model.safetensors': the header ends at byte 8 of 64"));
    QVERIFY(model->data(message, Qt::ToolTipRole).toString().contains(weights));
    auto *history = w.findChild<QTableWidget *>(QStringLiteral("jobHistory"));
    QVERIFY(history);
    QTRY_VERIFY_WITH_TIMEOUT(history->rowCount() >= 1 && history->item(0, 4) &&
                                 history->item(0, 4)->text() ==
                                     QStringLiteral("cannot read 'model.safetensors': the header ends at byte 8 of 64"),
                             5000);
    QCOMPARE(history->item(0, 4)->toolTip(), technical);
    const test::DialogsEnabled dialogs;
    auto *view = w.jobsDock()->findChild<QTableView *>();
    QVERIFY(view);
    view->scrollTo(message);
    // A real double-click: press, release, then the double-click event.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(message).center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(message).center());
    auto *box = w.jobsDock()->findChild<QMessageBox *>(QStringLiteral("errorBox"));
    QVERIFY(box && box->isVisible());
    QCOMPARE(box->text(), QStringLiteral("The job 'Truncated' failed."));
    QCOMPARE(box->detailedText(), technical);
    box->close();
}

void TestMainWindow::badWorkspaceIsRefusedWithMessage()
{
    JobManager jobs;
    MainWindow w(&jobs);
    w.show();
    const QString path = m_dir.filePath(QStringLiteral("notes.efws"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("just some notes");
    f.close();
    QSignalSpy failed(&w, &MainWindow::workspaceFailed);
    w.openWorkspace(path);
    QVERIFY(failed.wait(10000));
    QVERIFY(failed.first().first().toString().contains(QStringLiteral("not a SQLite database")));
    QVERIFY(!w.workspace().isValid());
    QCOMPARE(w.windowTitle(), QStringLiteral("EmbedForge"));

    // Issue 14.11: the box says what failed in a sentence and the cause in short (the file's name,
    // not its path); the whole technical text is behind "Show Details…".
    qDeleteAll(w.findChildren<QMessageBox *>()); // run outside CTest, the first attempt showed one too
    const test::DialogsEnabled dialogs;
    w.openWorkspace(path);
    QVERIFY(failed.wait(10000));
    auto *box = w.findChild<QMessageBox *>(QStringLiteral("errorBox"));
    QVERIFY(box && box->isVisible());
    QCOMPARE(box->text(), QStringLiteral("EmbedForge could not open the workspace 'notes.efws'. Nothing was changed."));
    QVERIFY2(box->informativeText().contains(QStringLiteral("'notes.efws' is not an EmbedForge workspace")),
             qPrintable(box->informativeText()));
    QVERIFY2(!box->informativeText().contains(m_dir.path()), qPrintable(box->informativeText()));
    QVERIFY(box->detailedText().contains(path));
    QVERIFY(box->detailedText().contains(QStringLiteral("not a SQLite database")));
    QVERIFY(box->grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("error-box.png"))));
    const QPointer<QMessageBox> closing(box);
    box->close();
    QTRY_VERIFY(!closing); // deleted on close
}

void TestMainWindow::geometryAndLastWorkspacePersist()
{
    const QString path = m_dir.filePath(QStringLiteral("persist.efws"));
    {
        JobManager jobs;
        MainWindow w(&jobs);
        w.resize(900, 640);
        w.show();
        QSignalSpy opened(&w, &MainWindow::workspaceOpened);
        w.openWorkspace(path, true);
        QVERIFY(opened.wait(10000));
        w.close();
    }
    QSettings s;
    QVERIFY(!s.value(QStringLiteral("window/geometry")).toByteArray().isEmpty());
    QCOMPARE(AppSettings::load().lastWorkspace, path);
    JobManager jobs;
    MainWindow again(&jobs);
    QCOMPARE(again.size(), QSize(900, 640));
}

// The first-run demo workspace works offline: templates, and examples in all six families,
// several languages including Chinese, with invalid and duplicate ones.
void TestMainWindow::demoWorkspaceHasExamplesOffline()
{
    JobManager jobs;
    MainWindow w(&jobs);
    w.resize(1200, 800);
    w.show();
    QSignalSpy opened(&w, &MainWindow::workspaceOpened);
    const QString path = m_dir.filePath(QStringLiteral("demo/demo.efws"));
    w.openDemoWorkspace(path);
    QVERIFY(opened.wait(20000));
    auto db = w.workspace().connect();
    QVERIFY((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM examples WHERE status = 'valid'")) >= 300);
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(DISTINCT family) FROM examples WHERE status = 'valid'")), 6);
    QVERIFY((*db)->queryInt(QStringLiteral("SELECT COUNT(DISTINCT language) FROM examples WHERE status = 'valid'")) >=
            8);
    QVERIFY((*db)->queryInt(
                QStringLiteral("SELECT COUNT(*) FROM examples WHERE status = 'valid' AND language = 'zh'")) >= 30);
    QVERIFY((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM examples WHERE status = 'invalid'")) >= 5);
    QVERIFY((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM examples WHERE status = 'duplicate'")) >= 5);
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM templates")), 10);
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM corpora WHERE name = 'demo'")), 1);
    QVERIFY(w.pageIds().contains(QStringLiteral("search")));
    // Issue 14.10: the first screen says what the workspace holds and what to do next.
    auto *page = w.findChild<WorkspacePage *>();
    QVERIFY(page);
    QTRY_VERIFY_WITH_TIMEOUT(page->holdingsText().contains(QStringLiteral("<b>305</b> valid examples")), 10000);
    QVERIFY2(page->holdingsText().contains(QStringLiteral("corpora: demo")), qPrintable(page->holdingsText()));
    QVERIFY(page->holdingsText().contains(QStringLiteral("<b>10</b> prompt templates")));
    w.showPage(QStringLiteral("workspace"));
    QTest::qWait(200);
    QVERIFY(w.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("demo-dashboard.png"))));
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("next_search")), Qt::LeftButton);
    QCOMPARE(w.currentPageId(), QStringLiteral("search"));
    w.showPage(QStringLiteral("dataset"));
    QTest::qWait(800);
    QVERIFY(w.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("demo-dataset.png"))));
    // Reopening does not load the examples twice.
    const qint64 before = (*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM examples"));
    MainWindow again(&jobs);
    QSignalSpy reopened(&again, &MainWindow::workspaceOpened);
    again.openDemoWorkspace(path);
    QVERIFY(reopened.wait(20000));
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM examples")), before);
}

// Issue 16.4: a workspace in a read-only folder could not even be read ("attempt to write a
// readonly database"). The window opens it, says so, searches and evaluates, and leaves nothing
// beside the file.
void TestMainWindow::readOnlyWorkspaceOpensForReading()
{
    const QString folder = m_dir.filePath(QStringLiteral("readonly"));
    QVERIFY(QDir().mkpath(folder));
    const QString path = folder + QStringLiteral("/shared.efws");
    {
        auto ws = Workspace::create(path);
        QVERIFY(ws);
        auto db = ws->connect();
        QVERIFY(
            importCorpus(**db, {CorpusImport::Kind::Beir, QStringLiteral(":/demo/corpus"), QStringLiteral("demo")}));
    }
    QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
    QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup));
    struct Restore
    {
        QString folder;
        ~Restore() { QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner); }
    } restore{folder};
    if (::access(QFile::encodeName(folder).constData(), W_OK) == 0)
        QSKIP("this process can write into a chmod-ed folder (privileged and unable to drop CAP_DAC_OVERRIDE)");

    JobManager jobs;
    MainWindow w(&jobs);
    w.resize(1200, 800);
    w.show();
    QSignalSpy opened(&w, &MainWindow::workspaceOpened);
    w.openWorkspace(path);
    QVERIFY(opened.wait(10000));
    QVERIFY(w.workspace().isReadOnly());
    QCOMPARE(w.windowTitle(), QStringLiteral("shared (read-only) — EmbedForge"));
    QVERIFY(w.workspaceText().contains(QStringLiteral("(read-only)")));

    auto *search = w.findChild<SearchPage *>();
    QVERIFY(search);
    w.showPage(QStringLiteral("search"));
    QTRY_VERIFY_WITH_TIMEOUT(search->findChild<QComboBox *>() != nullptr, 5000);
    search->setQuery(QStringLiteral("how to fix leaking tap"));
    QTRY_VERIFY_WITH_TIMEOUT(!search->hits().isEmpty(), 10000);
    QSignalSpy evaluated(search, &SearchPage::evaluated);
    QVERIFY(search->evaluate() != 0);
    QVERIFY(evaluated.wait(30000));
    QVERIFY(evaluated.first().first().toDouble() > 0.5);
    QTest::qWait(300);
    QVERIFY(w.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("readonly-search.png"))));
    QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::System),
             QStringList{QStringLiteral("shared.efws")});
}

// Issue 14.5: quitting during a job asks whether to stop it or keep the window open.
void TestMainWindow::quittingDuringAJobAsks()
{
    JobManager jobs;
    MainWindow w(&jobs);
    w.show();
    const quint64 id = jobs.submit({QStringLiteral("test.wait"), QStringLiteral("Generate synthetic examples (run 7)"),
                                    false, [](JobContext &ctx) {
                                        while (!ctx.cancelRequested())
                                            QThread::msleep(2);
                                    }});
    QTRY_COMPARE_WITH_TIMEOUT(jobs.job(id).state, JobState::Running, 5000);
    const auto answer = [&w](const char *button, QString *text) { test::clickInNextMessageBox(&w, button, text); };
    QString asked;
    answer("keepWorking", &asked);
    QVERIFY(!w.close()); // kept open
    QVERIFY2(asked.contains(QStringLiteral("Generate synthetic examples (run 7)")) &&
                 asked.contains(QStringLiteral("resumed later")),
             qPrintable(asked));
    QVERIFY(w.isVisible());
    QCOMPARE(jobs.job(id).state, JobState::Running);
    asked.clear();
    answer("stopAndQuit", &asked);
    QVERIFY(w.close());
    QVERIFY(!asked.isEmpty());
    QCOMPARE(jobs.job(id).state, JobState::Cancelled);
}

// Issue 14.11: Ctrl+1..6 go to the pages, Ctrl+, opens Settings, F1 the guide with the shortcuts,
// and the window comes back on the page it was left on.
void TestMainWindow::shortcutsGuideAndLastPage()
{
    JobManager jobs;
    {
        MainWindow w(&jobs);
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(w.currentPageId(), w.pageIds().at(2));
        QTest::keyClick(&w, Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(w.currentPageId(), QStringLiteral("workspace"));
        auto *settings = w.findChild<QAction *>(QStringLiteral("settingsAction"));
        QVERIFY(settings && settings->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_Comma)));
        auto *guide = w.findChild<QAction *>(QStringLiteral("quickGuideAction"));
        QVERIFY(guide && guide->shortcut() == QKeySequence(QKeySequence::HelpContents));
        QCOMPARE(guide->text(), QStringLiteral("&User Guide and Shortcuts")); // Help › User Guide
        const QString html = w.quickGuideHtml();
        QVERIFY(html.contains(QKeySequence(Qt::CTRL | Qt::Key_6).toString(QKeySequence::NativeText)));
        QVERIFY(html.contains(QStringLiteral("Search")));
        QTest::keyClick(&w, Qt::Key_4, Qt::ControlModifier);
        QCOMPARE(w.currentPageId(), QStringLiteral("dataset"));
        // Issue 14.11: every page has its own icon in the page list, and each one draws.
        auto *nav = w.findChild<QListWidget *>(QStringLiteral("navigation"));
        QVERIFY(nav);
        QCOMPARE(nav->count(), w.pageIds().size());
        QSet<QByteArray> drawn;
        for (int i = 0; i < nav->count(); ++i) {
            const QImage image = nav->item(i)->icon().pixmap(QSize(24, 24)).toImage();
            QVERIFY2(!image.isNull(), qPrintable(nav->item(i)->text()));
            int inked = 0;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x)
                    inked += qAlpha(image.pixel(x, y)) > 128;
            QVERIFY2(inked > 20, qPrintable(nav->item(i)->text()));
            drawn.insert(QByteArray(reinterpret_cast<const char *>(image.constBits()), image.sizeInBytes()));
        }
        QCOMPARE(drawn.size(), nav->count()); // six different icons
        // The Edit menu's Undo acts on the focused field.
        auto *query = new QLineEdit(&w); // any focused field (the pages are disabled without a workspace)
        query->show();
        query->setFocus();
        QTest::keyClicks(query, QStringLiteral("heat"));
        QCOMPARE(query->text(), QStringLiteral("heat"));
        w.findChild<QAction *>(QStringLiteral("undoAction"))->trigger();
        QCOMPARE(query->text(), QString());
        QVERIFY(w.findChild<QAction *>(QStringLiteral("redoAction")));
        w.showPage(QStringLiteral("dataset"));
    }
    MainWindow again(&jobs);
    QCOMPARE(again.currentPageId(), QStringLiteral("dataset"));
    again.showPage(QStringLiteral("workspace"));
}

// Issue 14.9: corpora are imported (as a job with progress and cancel), renamed and deleted (after
// a confirmation) from the Corpus menu's actions; only the CLI could import before.
void TestMainWindow::corporaFromTheGui()
{
    JobManager jobs;
    MainWindow w(&jobs);
    w.show();
    QSignalSpy opened(&w, &MainWindow::workspaceOpened);
    w.openWorkspace(m_dir.filePath(QStringLiteral("corpora.efws")), true);
    QVERIFY(opened.wait(10000));
    const QString beir = m_dir.filePath(QStringLiteral("gui-beir"));
    test::writeFile(beir + QStringLiteral("/corpus.jsonl"), "{\"_id\": \"d1\", \"text\": \"heat pumps in winter\"}\n"
                                                            "{\"_id\": \"d2\", \"text\": \"solar panels\"}\n");
    test::writeFile(beir + QStringLiteral("/queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"heat pump\"}\n");
    test::writeFile(beir + QStringLiteral("/qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
    QSignalSpy changed(&w, &MainWindow::corporaChanged);
    const quint64 id = w.importCorpus(CorpusImport::Kind::Beir, beir, QStringLiteral("energy"));
    QVERIFY(id != 0);
    QVERIFY(changed.wait(10000));
    QCOMPARE(jobs.job(id).state, JobState::Succeeded);
    const auto names = [&] {
        QStringList out;
        const Expected<QList<CorpusInfo>> list = listCorpora(w.workspace());
        if (list)
            for (const CorpusInfo &c : list.value())
                out << c.name;
        return out;
    };
    QCOMPARE(names(), QStringList{QStringLiteral("energy")});
    QVERIFY(w.findChild<QMenu *>(QStringLiteral("corpusMenu")));

    // A long import can be cancelled, and leaves nothing behind.
    const QString big = m_dir.filePath(QStringLiteral("big.jsonl"));
    {
        QByteArray lines;
        for (int i = 0; i < 60000; ++i)
            lines += "{\"_id\": \"b" + QByteArray::number(i) + "\", \"text\": \"words of document number " +
                     QByteArray::number(i) + "\"}\n";
        test::writeFile(big, lines);
    }
    const quint64 cancelled = w.importCorpus(CorpusImport::Kind::Jsonl, big, QStringLiteral("big"));
    QTRY_VERIFY_WITH_TIMEOUT(jobs.job(cancelled).progress.done > 0, 10000);
    jobs.cancel(cancelled);
    QVERIFY(changed.wait(10000));
    QCOMPARE(jobs.job(cancelled).state, JobState::Cancelled);
    QCOMPARE(names(), QStringList{QStringLiteral("energy")});

    QVERIFY(w.renameCorpus(QStringLiteral("energy"), QStringLiteral("heating")));
    QCOMPARE(names(), QStringList{QStringLiteral("heating")});
    QVERIFY(!w.renameCorpus(QStringLiteral("heating"), QString()));

    const auto answer = [&w](const char *button) { test::clickInNextMessageBox(&w, button); };
    test::clickInNextMessageBox(&w, QMessageBox::Cancel);
    QVERIFY(!w.deleteCorpusAsking(QStringLiteral("heating")));
    QCOMPARE(names(), QStringList{QStringLiteral("heating")});
    answer("confirmDelete");
    QVERIFY(w.deleteCorpusAsking(QStringLiteral("heating")));
    QCOMPARE(names(), QStringList());
    auto db = w.workspace().connect();
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM documents")), 0);
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'fts_%'")), 0);
}

// Issue 14.4: opening another workspace with unsaved template edits asks first. Cancel stays
// with the edits; Save stores them in the workspace they belong to, then switches. (The switch
// used to drop them without a word.)
void TestMainWindow::switchingWorkspacesKeepsTemplateEdits()
{
    JobManager jobs;
    MainWindow w(&jobs);
    w.show();
    QSignalSpy opened(&w, &MainWindow::workspaceOpened);
    const QString first = m_dir.filePath(QStringLiteral("edits-a.efws"));
    const QString second = m_dir.filePath(QStringLiteral("edits-b.efws"));
    QVERIFY(Workspace::create(second));
    auto *page = w.findChild<TemplatesPage *>();
    QVERIFY(page);
    QSignalSpy loaded(page, &TemplatesPage::templatesLoaded);
    w.openWorkspace(first, true);
    QVERIFY(opened.wait(10000));
    QVERIFY(loaded.wait(5000));
    w.showPage(QStringLiteral("templates"));
    page->selectTemplate(QStringLiteral("sts.generate"));
    auto *text = page->findChild<QPlainTextEdit *>(QStringLiteral("templateText"));
    QTRY_VERIFY_WITH_TIMEOUT(
        page->editedTemplate().id == QStringLiteral("sts.generate") && !text->toPlainText().isEmpty(), 5000);
    text->moveCursor(QTextCursor::End);
    QTest::keyClicks(text, QStringLiteral(" Keep it short."));
    QTRY_VERIFY_WITH_TIMEOUT(page->isDirty(), 2000);

    const test::DialogsEnabled dialogs;
    QString asked;
    const auto answer = [&](QMessageBox::StandardButton button) { test::clickInNextMessageBox(&w, button, &asked); };
    // Cancel: still the first workspace, with the edit.
    answer(QMessageBox::Cancel);
    w.openWorkspace(second);
    QTRY_VERIFY_WITH_TIMEOUT(asked.startsWith(QStringLiteral("unsavedQuestion ")), 5000);
    QTest::qWait(300);
    QCOMPARE(w.workspace().path(), first);
    QVERIFY(page->isDirty());
    QVERIFY(text->toPlainText().endsWith(QStringLiteral(" Keep it short.")));
    // Save: a new version in the first workspace, none in the second, then the switch.
    asked.clear();
    answer(QMessageBox::Save);
    w.openWorkspace(second);
    QVERIFY(opened.wait(10000));
    QVERIFY(asked.startsWith(QStringLiteral("unsavedQuestion ")));
    QCOMPARE(w.workspace().path(), second);
    QVERIFY(!page->isDirty());
    auto firstWs = Workspace::open(first);
    QVERIFY(firstWs);
    auto saved = templatestore::load(firstWs.value(), QStringLiteral("sts.generate"));
    QVERIFY2(saved, qPrintable(saved.error()));
    QVERIFY(saved->text.endsWith(QStringLiteral(" Keep it short.")));
    auto untouched = templatestore::load(w.workspace(), QStringLiteral("sts.generate"));
    QVERIFY(untouched && !untouched->text.contains(QStringLiteral("Keep it short.")));
}

// Issue 14.4: value-set edits (add, rename, values, remove) undo and redo, with the table's keys,
// the Edit menu and the page's buttons.
void TestMainWindow::valueSetEditsUndoAndRedo()
{
    JobManager jobs;
    MainWindow w(&jobs);
    w.show();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QSignalSpy opened(&w, &MainWindow::workspaceOpened);
    auto *page = w.findChild<TemplatesPage *>();
    QSignalSpy loaded(page, &TemplatesPage::templatesLoaded);
    w.openWorkspace(m_dir.filePath(QStringLiteral("undo-sets.efws")), true);
    QVERIFY(opened.wait(10000));
    QVERIFY(loaded.wait(5000));
    w.showPage(QStringLiteral("templates"));
    page->selectTemplate(QStringLiteral("sts.generate"));
    auto *sets = page->findChild<QTableWidget *>(QStringLiteral("valueSets"));
    QTRY_VERIFY_WITH_TIMEOUT(page->editedTemplate().id == QStringLiteral("sts.generate") && sets->rowCount() > 0, 5000);
    const auto rows = [sets] {
        QStringList out;
        for (int r = 0; r < sets->rowCount(); ++r)
            out << sets->item(r, 0)->text() + QLatin1Char('=') + sets->item(r, 1)->text();
        return out;
    };
    const QStringList original = rows();
    auto *undoButton = page->findChild<QPushButton *>(QStringLiteral("undoValueSets"));
    auto *redoButton = page->findChild<QPushButton *>(QStringLiteral("redoValueSets"));
    QVERIFY(!undoButton->isEnabled() && !redoButton->isEnabled());

    // Three edits: a new set with a name and values, then the first set removed.
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("addValueSet")), Qt::LeftButton);
    QWidget *editor = QApplication::focusWidget();
    QTest::keyClick(editor, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(editor, QStringLiteral("tone"));
    QTest::keyClick(editor, Qt::Key_Tab);
    QTest::qWait(50);                   // the name's editor closes, the values' one opens
    QCOMPARE(sets->currentColumn(), 1); // Tab went on to the new set's values
    sets->currentItem()->setText(QStringLiteral("calm, formal"));
    const QStringList added = rows();
    QCOMPARE(added.last(), QStringLiteral("tone=calm, formal"));
    sets->setFocus();
    sets->setCurrentCell(0, 0);
    for (QPushButton *b : page->findChildren<QPushButton *>())
        if (b->text() == QStringLiteral("Remove"))
            QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(rows(), added.mid(1));
    QVERIFY(page->editedTemplate().valueSets.contains(QStringLiteral("tone")));

    // Undo with the table's key, then with the Edit menu, then with the button.
    sets->setFocus();
    QTest::keyClick(sets, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(rows(), added);
    w.findChild<QAction *>(QStringLiteral("undoAction"))->trigger(); // the values typed
    QCOMPARE(rows().last(), QStringLiteral("tone="));
    QTest::mouseClick(undoButton, Qt::LeftButton); // the name
    QTest::mouseClick(undoButton, Qt::LeftButton); // the new row
    QCOMPARE(rows(), original);
    QVERIFY(!undoButton->isEnabled());
    QVERIFY(!page->editedTemplate().valueSets.contains(QStringLiteral("tone")));
    // Redo all of it.
    sets->setFocus();
    const QKeySequence redo(QKeySequence::Redo);
    for (int i = 0; i < 3; ++i)
        QTest::keyClick(sets, redo[0].key(), redo[0].keyboardModifiers());
    QCOMPARE(rows(), added);
    w.findChild<QAction *>(QStringLiteral("redoAction"))->trigger();
    QCOMPARE(rows(), added.mid(1));
    QVERIFY(!redoButton->isEnabled());
    QVERIFY(page->isDirty());
    page->discardEdits();
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
