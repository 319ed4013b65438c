// SPDX-License-Identifier: GPL-3.0-or-later
// The main window.
#include "widgets/mainwindow.h"

#include <tuple>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QTextEdit>
#include <QPlainTextEdit>
#include <QInputDialog>
#include <QListWidget>
#include <QPainter>
#include <QPixmap>
#include <QLoggingCategory>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>

#include "backend/database.h"
#include "backend/retrieval.h"
#include "backend/argtext.h"
#include "backend/computeinfo.h"
#include "backend/jobhistory.h"
#include "backend/jobs.h"
#include "backend/workspacetasks.h"
#include "widgets/errorbox.h"
#include "widgets/async.h"
#include "widgets/datasetpage.h"
#include "widgets/generatepage.h"
#include "widgets/jobsdock.h"
#include "widgets/logdock.h"
#include "widgets/searchpage.h"
#include "widgets/settingsdialog.h"
#include "widgets/templatespage.h"
#include "widgets/trainpage.h"
#include "widgets/workspacepage.h"

Q_LOGGING_CATEGORY(lcWindow, "embedforge.window")

namespace ef {

MainWindow::MainWindow(JobManager *jobs, QWidget *parent)
    : QMainWindow(parent), m_jobs(jobs), m_history(new JobHistoryRecorder(jobs, this)), m_settings(AppSettings::load()),
      m_nav(new QListWidget(this)), m_pages(new QStackedWidget(this)), m_workspaceLabel(new QLabel(this)),
      m_deviceLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("EmbedForge"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/embedforge.svg")));
    m_ioPool.setMaxThreadCount(2);

    m_nav->setObjectName(QStringLiteral("navigation"));
    m_nav->setMinimumWidth(120);
    m_nav->setIconSize(QSize(20, 20));
    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_nav);
    splitter->addWidget(m_pages);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setCollapsible(1, false);
    splitter->setSizes({160, 1040});
    setCentralWidget(splitter);
    connect(m_nav, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);

    m_workspacePage = new WorkspacePage(&m_ioPool, this);
    m_templatesPage = new TemplatesPage(&m_ioPool, this);
    m_generatePage = new GeneratePage(jobs, &m_ioPool, this);
    m_datasetPage = new DatasetPage(&m_ioPool, this);
    m_datasetPage->setJobManager(jobs);
    m_searchPage = new SearchPage(jobs, &m_ioPool, this);
    m_trainPage = new TrainPage(jobs, &m_ioPool, this);
    addPage(QStringLiteral("workspace"), tr("Workspace"), m_workspacePage);
    addPage(QStringLiteral("templates"), tr("Templates"), m_templatesPage);
    addPage(QStringLiteral("generate"), tr("Generate"), m_generatePage);
    addPage(QStringLiteral("dataset"), tr("Dataset"), m_datasetPage);
    addPage(QStringLiteral("train"), tr("Train"), m_trainPage);
    addPage(QStringLiteral("search"), tr("Search"), m_searchPage);
    // The demo's end: its trained model beside its untrained start on the demo corpus, embedded and evaluated.
    connect(m_trainPage, &TrainPage::compareRequested, this,
            [this](const QString &base, const QString &trained, const QString &corpus, const QString &instruction) {
                m_searchPage->selectCorpus(corpus);
                m_searchPage->setSideBySide(true);
                m_searchPage->setInstruction(instruction);
                m_searchPage->setMethod(0, SearchMethod::Dense);
                m_searchPage->setModel(0, base);
                m_searchPage->setAdapter(0, QString());
                m_searchPage->setMethod(1, SearchMethod::Dense);
                m_searchPage->setModel(1, trained);
                m_searchPage->setAdapter(1, QString());
                auto pending = std::make_shared<int>(2);
                auto connection = std::make_shared<QMetaObject::Connection>();
                *connection =
                    connect(m_searchPage, &SearchPage::corpusEmbedded, this, [this, pending, connection](bool ok) {
                        if (--*pending > 0)
                            return;
                        disconnect(*connection);
                        if (ok)
                            m_searchPage->evaluate();
                    });
                m_searchPage->embedCorpus(0);
                m_searchPage->embedCorpus(1);
                m_searchPage->setQuery(tr("dishwasher not draining"));
                showPage(QStringLiteral("search"));
            });
    connect(m_workspacePage, &WorkspacePage::checkRequested, this, &MainWindow::checkWorkspace);
    connect(m_workspacePage, &WorkspacePage::pageRequested, this, &MainWindow::showPage);
    m_generatePage->setSettings(m_settings);
    // New examples show up in the Dataset page when a run ends.
    connect(m_generatePage, &GeneratePage::runFinished, m_datasetPage, &DatasetPage::refresh);

    m_jobsDock = new JobsDock(jobs, this);
    m_logDock = new LogDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_jobsDock);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    tabifyDockWidget(m_jobsDock, m_logDock);
    m_jobsDock->raise();

    m_workspaceLabel->setObjectName(QStringLiteral("workspaceStatus"));
    m_deviceLabel->setObjectName(QStringLiteral("deviceStatus"));
    m_workspaceLabel->setText(tr("No workspace"));
    m_deviceLabel->setText(tr("Device: probing…"));
    statusBar()->addWidget(m_workspaceLabel, 1);
    statusBar()->addPermanentWidget(m_deviceLabel);

    createMenus();

    // A finished job is logged, and written to the workspace's history by the backend.
    connect(jobs, &JobManager::jobFinished, this, [this](const JobInfo &info) {
        if (info.id == m_probeJob) {
            m_probeJob = 0;
            if (const std::optional<ComputeInfo> probe = jobResult<ComputeInfo>(info))
                showDevice(*probe);
            else
                m_deviceLabel->setText(tr("Device: %1").arg(info.error));
            return;
        }
        if (info.interactive)
            return;
        if (isFailure(info.state))
            qCWarning(lcWindow, "%s",
                      qPrintable(tr("Job '%1' %2: %3")
                                     .arg(argText(info.title), argText(jobStateDisplayName(info.state).toLower()),
                                          argText(info.error))));
        else
            qCInfo(lcWindow, "%s",
                   qPrintable(tr("Job '%1' %2").arg(info.title, jobStateDisplayName(info.state).toLower())));
    });
    connect(m_history, &JobHistoryRecorder::recorded, m_workspacePage, &WorkspacePage::refresh);
    connect(m_history, &JobHistoryRecorder::recordFailed, this,
            [](const JobInfo &, const QString &error) { qCWarning(lcWindow, "%s", qPrintable(error)); });

    QSettings s;
    if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1200, 780);
    resizeDocks({m_jobsDock}, {170}, Qt::Vertical); // a restored state below overrides this
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    showPage(s.value(QStringLiteral("window/page"), QStringLiteral("workspace")).toString()); // the last one
    connect(m_nav, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_pageIds.size())
            QSettings().setValue(QStringLiteral("window/page"), m_pageIds.at(row)); // remembered
    });
    probeDevice();
}

MainWindow::~MainWindow()
{
    m_ioPool.waitForDone();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("fileMenu"));
    QAction *newAct = file->addAction(tr("&New Workspace…"), this, &MainWindow::newWorkspace);
    newAct->setShortcut(QKeySequence::New);
    QAction *openAct = file->addAction(tr("&Open Workspace…"), this, &MainWindow::chooseWorkspace);
    openAct->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction *settingsAct = file->addAction(tr("&Settings…"), this, &MainWindow::showSettings);
    settingsAct->setObjectName(QStringLiteral("settingsAction"));
    QList<QKeySequence> settingsKeys{QKeySequence(Qt::CTRL | Qt::Key_Comma)};
    if (!QKeySequence(QKeySequence::Preferences).isEmpty() &&
        QKeySequence(QKeySequence::Preferences) != settingsKeys.first())
        settingsKeys << QKeySequence(QKeySequence::Preferences);
    settingsAct->setShortcuts(settingsKeys);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    // Edit: undo, redo and the clipboard act on the focused text field or editor.
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    const auto onFocused = [](const char *slot) {
        return [slot] {
            QWidget *w = QApplication::focusWidget();
            if (qobject_cast<QLineEdit *>(w) || qobject_cast<QPlainTextEdit *>(w) || qobject_cast<QTextEdit *>(w)) {
                QMetaObject::invokeMethod(w, slot);
                return;
            }
            // A view whose edits another object keeps (the template's value sets): that object.
            QObject *target = w ? w->property("editTarget").value<QObject *>() : nullptr;
            const QByteArray signature = QByteArray(slot) + QByteArrayLiteral("()");
            if (target && target->metaObject()->indexOfMethod(signature.constData()) >= 0)
                QMetaObject::invokeMethod(target, slot);
        };
    };
    for (const auto &[text, key, slot, name] :
         {std::tuple{tr("&Undo"), QKeySequence::Undo, "undo", "undoAction"},
          std::tuple{tr("&Redo"), QKeySequence::Redo, "redo", "redoAction"},
          std::tuple{tr("Cu&t"), QKeySequence::Cut, "cut", "cutAction"},
          std::tuple{tr("&Copy"), QKeySequence::Copy, "copy", "copyAction"},
          std::tuple{tr("&Paste"), QKeySequence::Paste, "paste", "pasteAction"},
          std::tuple{tr("Select &All"), QKeySequence::SelectAll, "selectAll", "selectAllAction"}}) {
        QAction *a = edit->addAction(text, this, onFocused(slot));
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetShortcut); // the focused field handles its own keys
        a->setObjectName(QLatin1String(name));
        if (QLatin1String(slot) == QLatin1String("redo"))
            edit->addSeparator();
    }

    QMenu *ws = menuBar()->addMenu(tr("&Workspace"));
    ws->addAction(tr("&Check Integrity"), this, &MainWindow::checkWorkspace);

    QMenu *corpus = menuBar()->addMenu(tr("&Corpus"));
    corpus->setObjectName(QStringLiteral("corpusMenu"));
    corpus->addAction(tr("Import &BEIR Folder…"), this, [this] { chooseCorpusImport(CorpusImport::Kind::Beir); });
    corpus->addAction(tr("Import &JSONL File…"), this, [this] { chooseCorpusImport(CorpusImport::Kind::Jsonl); });
    corpus->addAction(tr("Import &Folder of Text Files…"), this,
                      [this] { chooseCorpusImport(CorpusImport::Kind::Folder); });
    corpus->addSeparator();
    corpus->addAction(tr("&Rename Corpus…"), this, [this] {
        const QStringList names = corpusNames();
        if (names.isEmpty() || qEnvironmentVariableIsSet("EMBEDFORGE_NO_DIALOGS"))
            return;
        bool ok = false;
        const QString name = QInputDialog::getItem(this, tr("Rename Corpus"), tr("Corpus:"), names, 0, false, &ok);
        if (!ok)
            return;
        const QString to =
            QInputDialog::getText(this, tr("Rename Corpus"), tr("New name:"), QLineEdit::Normal, name, &ok);
        if (!ok || to.trimmed() == name)
            return;
        if (Status s = renameCorpus(name, to); !s)
            showError(this, tr("Cannot rename the corpus"),
                      tr("The corpus '%1' could not be renamed to '%2'.").arg(argText(name), argText(to.trimmed())),
                      s.error());
    });
    corpus->addAction(tr("&Delete Corpus…"), this, [this] {
        const QStringList names = corpusNames();
        if (names.isEmpty() || qEnvironmentVariableIsSet("EMBEDFORGE_NO_DIALOGS"))
            return;
        bool ok = false;
        const QString name = QInputDialog::getItem(this, tr("Delete Corpus"), tr("Corpus:"), names, 0, false, &ok);
        if (ok)
            deleteCorpusAsking(name);
    });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_jobsDock->toggleViewAction());
    view->addAction(m_logDock->toggleViewAction());

    // Go: Ctrl+1 to Ctrl+6 for the pages, in the order of the page list.
    QMenu *go = menuBar()->addMenu(tr("&Go"));
    for (int i = 0; i < m_pageIds.size() && i < 9; ++i) {
        QAction *a = go->addAction(m_nav->item(i)->text(), this, [this, i] { m_nav->setCurrentRow(i); });
        a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        a->setObjectName(QStringLiteral("goTo_") + m_pageIds.at(i));
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *guide = help->addAction(tr("&User Guide and Shortcuts"), this, [this] {
        QMessageBox box(QMessageBox::NoIcon, tr("EmbedForge User Guide"), quickGuideHtml(), QMessageBox::Close, this);
        box.setObjectName(QStringLiteral("quickGuide"));
        box.setTextFormat(Qt::RichText);
        box.exec();
    });
    guide->setShortcut(QKeySequence::HelpContents); // F1
    guide->setObjectName(QStringLiteral("quickGuideAction"));
    help->addAction(tr("&About EmbedForge"), this, &MainWindow::showAbout);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    for (const QString &path : std::as_const(m_settings.recentWorkspaces)) {
        QAction *a = m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openWorkspace(path); });
        a->setToolTip(path);
        a->setStatusTip(path);
    }
    m_recentMenu->setEnabled(!m_settings.recentWorkspaces.isEmpty());
}

void MainWindow::addPage(const QString &id, const QString &title, QWidget *page)
{
    m_pageIds << id;
    // A page never dictates the window's minimum size: it scrolls when the window is small.
    auto *scroll = new QScrollArea(m_pages);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(page);
    m_pages->addWidget(scroll);
    // One icon set for the pages (resources/icons/page-*.svg, drawn alike: 24 px, one stroke colour).
    // On the selection's colour the icon is drawn in the highlighted text's colour, to stay visible.
    QIcon icon(QStringLiteral(":/icons/page-%1.svg").arg(id));
    for (const int side : {20, 40}) {
        QPixmap selected = icon.pixmap(QSize(side, side));
        QPainter painter(&selected);
        painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
        painter.fillRect(selected.rect(), m_nav->palette().color(QPalette::HighlightedText));
        painter.end();
        icon.addPixmap(selected, QIcon::Selected);
    }
    auto *item = new QListWidgetItem(icon, title, m_nav);
    item->setData(Qt::UserRole, id);
    if (m_nav->currentRow() < 0)
        m_nav->setCurrentRow(0);
}

QStringList MainWindow::pageIds() const
{
    return m_pageIds;
}

void MainWindow::showPage(const QString &id)
{
    const int i = static_cast<int>(m_pageIds.indexOf(id));
    if (i >= 0)
        m_nav->setCurrentRow(i);
}

QStringList MainWindow::corpusNames() const
{
    QStringList names;
    if (!m_workspace.isValid())
        return names;
    auto list = listCorpora(m_workspace); // a small table, read once per menu use
    if (list)
        for (const CorpusInfo &c : list.value())
            names << c.name;
    return names;
}

void MainWindow::chooseCorpusImport(CorpusImport::Kind kind)
{
    if (!m_workspace.isValid() || qEnvironmentVariableIsSet("EMBEDFORGE_NO_DIALOGS"))
        return;
    const QString path =
        kind == CorpusImport::Kind::Jsonl
            ? QFileDialog::getOpenFileName(this, tr("Import JSONL File"), QString(), tr("JSON Lines (*.jsonl)"))
            : QFileDialog::getExistingDirectory(this, kind == CorpusImport::Kind::Beir
                                                          ? tr("Import BEIR Folder")
                                                          : tr("Import Folder of Text Files"));
    if (path.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Import Corpus"), tr("Name of the corpus:"), QLineEdit::Normal,
                                               QFileInfo(path).completeBaseName(), &ok);
    if (ok && !name.trimmed().isEmpty())
        importCorpus(kind, path, name.trimmed());
}

quint64 MainWindow::importCorpus(CorpusImport::Kind kind, const QString &path, const QString &name)
{
    if (!m_workspace.isValid())
        return 0;
    CorpusImport options;
    options.kind = kind;
    options.path = path;
    options.name = name;
    const quint64 id = m_jobs->submit(makeCorpusImportJob(m_workspace, options));
    auto *once = new QObject(this);
    connect(m_jobs, &JobManager::jobFinished, once, [this, id, once](const JobInfo &info) {
        if (info.id != id)
            return;
        once->deleteLater();
        if (const auto outcome = jobResult<CorpusImportOutcome>(info)) {
            for (const ImportSkip &skip : outcome->report.skipped)
                qCWarning(lcWindow, "%s", qPrintable(tr("Corpus import skipped '%1': %2").arg(skip.file, skip.reason)));
            qCInfo(
                lcWindow, "%s",
                qPrintable(tr("Imported corpus '%1': %2 documents, %3 queries, %4 qrels")
                               .arg(outcome->corpus.name, QString::number(outcome->corpus.documents),
                                    QString::number(outcome->corpus.queries), QString::number(outcome->corpus.qrels))));
        }
        m_searchPage->reloadCorpora();
        m_workspacePage->refresh();
        Q_EMIT corporaChanged();
    });
    return id;
}

Status MainWindow::renameCorpus(const QString &name, const QString &newName)
{
    auto db = m_workspace.connect();
    if (!db)
        return makeError(db.error());
    const Status s = ef::renameCorpus(**db, name, newName);
    if (s) {
        m_searchPage->reloadCorpora();
        m_workspacePage->refresh();
        Q_EMIT corporaChanged();
    }
    return s;
}

bool MainWindow::deleteCorpusAsking(const QString &name)
{
    QMessageBox box(QMessageBox::Warning, tr("Delete Corpus"),
                    tr("Delete the corpus '%1' with its documents, queries, qrels, vectors and evaluations?").arg(name),
                    QMessageBox::NoButton, this);
    box.setObjectName(QStringLiteral("deleteCorpusQuestion"));
    box.setInformativeText(tr("This cannot be undone. The files it was imported from are not touched."));
    QPushButton *remove = box.addButton(tr("Delete"), QMessageBox::DestructiveRole);
    remove->setObjectName(QStringLiteral("confirmDelete"));
    QPushButton *keep = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(keep);
    box.exec();
    if (box.clickedButton() != remove)
        return false;
    auto db = m_workspace.connect();
    Status s = db ? ef::deleteCorpus(**db, name) : Status(makeError(db.error()));
    if (!s) {
        qCWarning(lcWindow, "%s", qPrintable(s.error()));
        return false;
    }
    m_searchPage->reloadCorpora();
    m_workspacePage->refresh();
    Q_EMIT corporaChanged();
    return true;
}

QString MainWindow::currentPageId() const
{
    return m_pageIds.value(m_nav->currentRow());
}

QString MainWindow::quickGuideHtml() const
{
    QString shortcuts;
    const auto row = [&](const QString &keys, const QString &what) {
        shortcuts += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(keys.toHtmlEscaped(), what);
    };
    for (int i = 0; i < m_pageIds.size() && i < 9; ++i)
        row(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)).toString(QKeySequence::NativeText),
            tr("the %1 page").arg(m_nav->item(i)->text()));
    row(QKeySequence(Qt::CTRL | Qt::Key_Comma).toString(QKeySequence::NativeText), tr("Settings"));
    row(QKeySequence(QKeySequence::Save).toString(QKeySequence::NativeText), tr("save the edited template"));
    row(QKeySequence(QKeySequence::Open).toString(QKeySequence::NativeText), tr("open a workspace"));
    row(QKeySequence(QKeySequence::HelpContents).toString(QKeySequence::NativeText), tr("this guide"));
    return tr("<p><b>Templates</b>: the paper's prompts, versioned; edit them and preview what they render.<br>"
              "<b>Generate</b>: send them to your LLM endpoint; the plan and cost show before Start, and a run "
              "resumes where it stopped.<br><b>Dataset</b>: inspect, filter and export the examples, and check "
              "them for leakage.<br><b>Train</b>: fine-tune a decoder with LoRA and a contrastive loss, and "
              "watch the loss.<br><b>Search</b>: BM25, dense and hybrid retrieval over a corpus, and its "
              "evaluation.</p><p>Every long action is a job in the Jobs dock, with its progress and a Cancel "
              "button. The README has the command-line forms.</p>") +
           QStringLiteral("<table cellspacing='6'>%1</table>").arg(shortcuts);
}

QString MainWindow::deviceText() const
{
    return m_deviceLabel->text();
}

QString MainWindow::workspaceText() const
{
    return m_workspaceLabel->text();
}

void MainWindow::openWorkspace(const QString &path, bool createIfMissing)
{
    openWith(path, [path, createIfMissing]() -> Expected<Workspace> {
        return createIfMissing ? Workspace::openOrCreate(path) : Workspace::open(path);
    });
}

void MainWindow::openDemoWorkspace(const QString &path)
{
    openWith(path, [path] { return ef::openDemoWorkspace(path); });
}

void MainWindow::openWith(const QString &path, std::function<Expected<Workspace>()> open)
{
    // Unsaved template edits belong to the workspace open now: Save them there first, Discard
    // them, or Cancel and stay (a switch used to drop them, or save them into the new one).
    if (m_templatesPage->isDirty()) {
        switch (m_templatesPage->askAboutUnsavedEdits()) {
        case TemplatesPage::UnsavedAnswer::Cancel:
            return;
        case TemplatesPage::UnsavedAnswer::Save: {
            auto *once = new QObject(this);
            connect(m_templatesPage, &TemplatesPage::templateSaved, once, [this, once, path, open] {
                once->deleteLater();
                openWith(path, open);
            });
            connect(m_templatesPage, &TemplatesPage::saveFailed, once, [once] { once->deleteLater(); });
            m_templatesPage->saveEdits();
            return;
        }
        case TemplatesPage::UnsavedAnswer::Discard:
            m_templatesPage->discardEdits();
            break;
        }
    }
    m_workspaceLabel->setText(tr("Opening %1…").arg(path));
    runAsync(&m_ioPool, this, std::move(open), [this, path](const Expected<Workspace> &result) {
        if (!result) {
            m_workspaceLabel->setText(m_workspace.isValid() ? m_workspace.path() : tr("No workspace"));
            qCWarning(lcWindow, "%s", qPrintable(result.error()));
            Q_EMIT workspaceFailed(result.error());
            showError(this, tr("Cannot open workspace"),
                      tr("EmbedForge could not open the workspace '%1'. Nothing was changed.")
                          .arg(QFileInfo(path).fileName()),
                      result.error());
            return;
        }
        setWorkspace(result.value());
    });
}

void MainWindow::setWorkspace(const Workspace &ws)
{
    m_workspace = ws;
    m_history->setWorkspace(ws);
    if (ws.isReadOnly()) {
        m_workspaceLabel->setText(tr("Workspace: %1 (read-only)").arg(ws.path()));
        m_workspaceLabel->setToolTip(tr("Read-only: %1. Changes cannot be saved.").arg(ws.readOnlyReason()));
        setWindowTitle(tr("%1 (read-only) — EmbedForge").arg(QFileInfo(ws.path()).completeBaseName()));
    } else {
        m_workspaceLabel->setText(tr("Workspace: %1").arg(ws.path()));
        m_workspaceLabel->setToolTip(QString());
        setWindowTitle(tr("%1 — EmbedForge").arg(QFileInfo(ws.path()).completeBaseName()));
    }
    setWindowFilePath(ws.path());
    m_settings.noteWorkspaceOpened(ws.path());
    m_settings.save();
    rebuildRecentMenu();
    m_workspacePage->setWorkspace(ws);
    m_templatesPage->setWorkspace(ws);
    m_generatePage->setWorkspace(ws);
    m_datasetPage->setWorkspace(ws);
    m_searchPage->setWorkspace(ws);
    m_trainPage->setWorkspace(ws);
    qCInfo(
        lcWindow, "%s",
        qPrintable(tr("Opened workspace %1 (schema version %2)").arg(argText(ws.path()), argText(ws.schemaVersion()))));
    Q_EMIT workspaceOpened(ws);
}

void MainWindow::newWorkspace()
{
    QString path =
        QFileDialog::getSaveFileName(this, tr("New Workspace"), QString(), tr("EmbedForge workspaces (*.efws)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(QLatin1String(".efws")))
        path += QLatin1String(".efws");
    if (QFileInfo::exists(path)) {
        QMessageBox::warning(this, tr("New Workspace"),
                             tr("'%1' already exists. Open it instead, or choose another name.").arg(path));
        return;
    }
    openWorkspace(path, true);
}

void MainWindow::chooseWorkspace()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Workspace"), QString(),
                                                      tr("EmbedForge workspaces (*.efws);;All files (*)"));
    if (!path.isEmpty())
        openWorkspace(path);
}

void MainWindow::checkWorkspace()
{
    if (m_workspace.isValid())
        m_jobs->submit(makeWorkspaceCheckJob(m_workspace.path()));
}

void MainWindow::showSettings()
{
    SettingsDialog dlg(m_settings, m_compute, this);
    if (dlg.exec() != QDialog::Accepted)
        return;
    const AppSettings updated = dlg.settings();
    const bool threadsChanged = updated.computeThreads != m_settings.computeThreads;
    const bool deviceChanged = updated.computeDevice != m_settings.computeDevice;
    m_settings = updated;
    m_settings.save();
    m_generatePage->setSettings(m_settings);
    if (threadsChanged) {
        const int applied = JobManager::configureComputeThreads(m_settings.computeThreads);
        qCInfo(lcWindow, "%s", qPrintable(tr("LibTorch now uses %1 CPU threads").arg(applied)));
    }
    if (threadsChanged || deviceChanged)
        probeDevice();
}

void MainWindow::showAbout()
{
    QMessageBox box(QMessageBox::NoIcon, tr("About EmbedForge"), aboutHtml(), QMessageBox::Close, this);
    box.setObjectName(QStringLiteral("aboutBox"));
    box.setIconPixmap(windowIcon().pixmap(64, 64));
    box.exec();
}

QString MainWindow::aboutHtml() const
{
    QString compute;
    if (!m_compute.probed) {
        compute = tr("The compute device has not been probed yet.");
    } else if (m_compute.cudaAvailable) {
        compute = tr("Compute: %1. Training and embedding run on the GPU.").arg(m_compute.description.toHtmlEscaped());
    } else {
        compute =
            (m_compute.cudaCompiled
                 ? tr("Compute: %1. CUDA support is built in, but no usable GPU was found "
                      "(%2).")
                       .arg(argText(m_compute.description.toHtmlEscaped()),
                            argText(m_compute.cudaStatus.toHtmlEscaped()))
                 : tr("Compute: %1. This build has no CUDA support.").arg(m_compute.description.toHtmlEscaped())) +
            QLatin1Char(' ') +
            tr("Training and embedding run on the CPU, which suits tiny and small models: a 7B model needs a "
               "GPU.");
    }
    return tr("<h3>EmbedForge %1</h3><p>A research workbench that turns an LLM into a text-embedding trainer: curate "
              "prompt templates, generate multilingual synthetic data with the LLM endpoint you configure, inspect "
              "it, fine-tune a decoder LLM (Mistral, Llama or Qwen2 layout) with LoRA and a contrastive loss, and "
              "search and evaluate corpora stored in SQLite.</p><p>Implements Wang et al., <i>Improving Text "
              "Embeddings with Large Language Models</i> (2024).</p>")
               .arg(QStringLiteral(EMBEDFORGE_VERSION)) +
           QStringLiteral("<p>%1</p>").arg(compute) +
           tr("<p>It downloads no model or dataset: models are folders you provide. The only network traffic is to "
              "the LLM endpoint set in Settings.</p>") +
           tr("<p>This build: LibTorch %1 · Qt %2 · SQLite %3. Licensed under the GPL, version 3 or later.</p>")
               .arg(argText(m_compute.torchVersion.isEmpty() ? tr("(not probed yet)") : m_compute.torchVersion),
                    argText(QString::fromLatin1(qVersion())), argText(Database::sqliteVersion()));
}

void MainWindow::probeDevice()
{
    if (!m_probeJob)
        m_probeJob = m_jobs->submit(makeComputeProbeJob());
}

void MainWindow::showDevice(const ComputeInfo &info)
{
    m_compute = info;
    const QString text = describeDevice(m_settings.computeDevice, info);
    m_deviceLabel->setText(tr("Device: %1").arg(text));
    m_deviceLabel->setToolTip(
        tr("LibTorch %1; CUDA %2").arg(info.torchVersion, info.cudaAvailable ? tr("available") : tr("not available")));
    Q_EMIT deviceProbed(text);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Unsaved template edits: Save (then quit once saved), Discard or Cancel.
    if (m_templatesPage->isDirty()) {
        switch (m_templatesPage->askAboutUnsavedEdits()) {
        case TemplatesPage::UnsavedAnswer::Cancel:
            event->ignore();
            return;
        case TemplatesPage::UnsavedAnswer::Save: {
            auto *once = new QObject(this);
            connect(m_templatesPage, &TemplatesPage::templateSaved, once, [this, once] {
                once->deleteLater();
                QTimer::singleShot(0, this, &QWidget::close);
            });
            connect(m_templatesPage, &TemplatesPage::saveFailed, once, [once] { once->deleteLater(); });
            m_templatesPage->saveEdits();
            event->ignore();
            return;
        }
        case TemplatesPage::UnsavedAnswer::Discard:
            break;
        }
    }
    // Quitting during a job asks first: stop the jobs (a generation run resumes later, a training
    // run from its last checkpoint) or keep the window open.
    QStringList running;
    for (const JobInfo &j : m_jobs->jobs())
        if (!isFinished(j.state) && !j.interactive)
            running << j.title;
    if (!running.isEmpty()) {
        QMessageBox box(QMessageBox::Question, tr("Quit EmbedForge?"),
                        tr("Still running: %1.").arg(running.join(QStringLiteral("; "))), QMessageBox::NoButton, this);
        box.setObjectName(QStringLiteral("quitQuestion"));
        box.setInformativeText(tr("Stopping keeps what is done: a generation run can be resumed later (Generate › "
                                  "Resume), a training run continues from its last checkpoint (Train › Resume)."));
        QPushButton *stop = box.addButton(tr("Stop and quit"), QMessageBox::AcceptRole);
        stop->setObjectName(QStringLiteral("stopAndQuit"));
        QPushButton *keep = box.addButton(tr("Keep working"), QMessageBox::RejectRole);
        keep->setObjectName(QStringLiteral("keepWorking"));
        box.setDefaultButton(keep);
        box.exec();
        if (box.clickedButton() != stop) {
            event->ignore();
            return;
        }
    }
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    if (m_jobs->activeCount() > 0) {
        m_jobs->cancelAll();
        m_jobs->waitForIdle(10000);
    }
    event->accept();
}

} // namespace ef
