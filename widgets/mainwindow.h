// SPDX-License-Identifier: GPL-3.0-or-later
// The main window: navigation column, pages, Jobs and Log docks, status bar, menus.
#pragma once

#include <functional>

#include <QMainWindow>
#include <QThreadPool>

#include "backend/computeinfo.h"
#include "backend/settings.h"
#include "backend/corpus.h"
#include "backend/workspace.h"

class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace ef {

class JobManager;
class JobHistoryRecorder;
class DatasetPage;
class GeneratePage;
class JobsDock;
class LogDock;
class SearchPage;
class TemplatesPage;
class TrainPage;
class WorkspacePage;

class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(JobManager *jobs, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens (or, with create, creates) a workspace in the background; emits
    // workspaceOpened or workspaceFailed when done.
    void openWorkspace(const QString &path, bool createIfMissing = false);
    // Opens the demo workspace, creating it with the demo examples on first use.
    void openDemoWorkspace(const QString &path);
    const Workspace &workspace() const { return m_workspace; }

    // Adds a page to the navigation column (later features add theirs here).
    void addPage(const QString &id, const QString &title, QWidget *page);
    QStringList pageIds() const;
    void showPage(const QString &id);
    QString currentPageId() const;
    // Help › Quick Guide (F1): what each page is for, and the keyboard shortcuts.
    // The About box's text: what EmbedForge does and what this build and machine can do.
    QString aboutHtml() const;
    QString quickGuideHtml() const;

    JobsDock *jobsDock() const { return m_jobsDock; }
    LogDock *logDock() const { return m_logDock; }
    QString deviceText() const;
    QString workspaceText() const;

    // Corpus menu: an import runs as a job (progress, cancel; rolled back when cancelled or
    // failed); rename and delete act on the open workspace and refresh the pages that list
    // corpora. deleteCorpusAsking asks for confirmation first.
    quint64 importCorpus(CorpusImport::Kind kind, const QString &path, const QString &name);
    Status renameCorpus(const QString &name, const QString &newName);
    bool deleteCorpusAsking(const QString &name);

Q_SIGNALS:
    void workspaceOpened(const ef::Workspace &ws);
    void workspaceFailed(const QString &error);
    void deviceProbed(const QString &description);
    void corporaChanged();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void chooseCorpusImport(CorpusImport::Kind kind);
    QStringList corpusNames() const;
    void rebuildRecentMenu();
    void newWorkspace();
    void chooseWorkspace();
    void checkWorkspace();
    void showSettings();
    void showAbout();
    void setWorkspace(const Workspace &ws);
    // Runs open on the I/O pool and shows the workspace it returns (or the error).
    void openWith(const QString &path, std::function<Expected<Workspace>()> open);
    void probeDevice();
    void showDevice(const ComputeInfo &info);

    JobManager *m_jobs;
    JobHistoryRecorder *m_history; // finished jobs -> the workspace's history
    QThreadPool m_ioPool;          // short backend reads for the views; never torch (LibTorch runs in jobs)
    AppSettings m_settings;
    Workspace m_workspace;
    ComputeInfo m_compute; // the latest probe
    quint64 m_probeJob = 0;

    QListWidget *m_nav;
    QStackedWidget *m_pages;
    QStringList m_pageIds;
    WorkspacePage *m_workspacePage;
    TemplatesPage *m_templatesPage;
    GeneratePage *m_generatePage;
    DatasetPage *m_datasetPage;
    SearchPage *m_searchPage;
    TrainPage *m_trainPage;
    JobsDock *m_jobsDock;
    LogDock *m_logDock;
    QLabel *m_workspaceLabel;
    QLabel *m_deviceLabel;
    QMenu *m_recentMenu = nullptr;
};

} // namespace ef
