// SPDX-License-Identifier: GPL-3.0-or-later
// The Dataset page: the synthetic examples with filters, full text search, a detail pane and
// charts (per language, per family, length histograms, invalid reasons).
#pragma once

#include <QMap>
#include <QTimer>
#include <QWidget>

#include "backend/workspace.h"
#include "backend/examples.h"
#include "widgets/examplesmodel.h"

class QComboBox;
class QCPBars;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTextBrowser;
class QThreadPool;

namespace ef {

class JobManager;
struct JobInfo;
struct ExportOptions;

class DatasetPage final : public QWidget
{
    Q_OBJECT

public:
    DatasetPage(QThreadPool *ioPool, QWidget *parent = nullptr);
    // Export runs as a job on this manager (without one, the Export button is hidden).
    void setJobManager(JobManager *jobs);
    // Starts an export job of the valid examples the current filter shows; returns its id.
    quint64 startExport(const ExportOptions &options);
    void setWorkspace(const Workspace &ws);
    void refresh();
    ExamplesModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    void setFilter(const ExampleFilter &f);
    const ExampleCharts &stats() const { return m_stats; }
    QString detailText() const;
    // Leaves every example a leakage check flagged out of training and exports (one click).
    void excludeLeaked();
    // Checks the examples against a corpus of the workspace for shared n-grams, as a job with
    // progress and cancel; when it ends, the page shows what it found (the flagged examples).
    quint64 startLeakageCheck(const QString &corpus, int ngram = 13);
    QString leakageText() const; // what the last leakage check found

Q_SIGNALS:
    void statsUpdated();
    void detailShown(qint64 id);
    void leakedExcluded(qint64 count);   // -1: it failed (the count label says why)
    void leakageChecked(qint64 flagged); // -1: it failed or was cancelled (the count label says)

private:
    void applyFilter();
    void loadStats();
    void showStats(const Expected<ExampleCharts> &s);
    void showDetail(qint64 id);
    void plotBars(QCustomPlot *plot, const QList<QPair<QString, qint64>> &data, int maxBars);

    void chooseExport();
    void chooseLeakageCheck();
    void onJobFinished(const JobInfo &info);

    QThreadPool *m_ioPool;
    JobManager *m_jobs = nullptr;
    QPushButton *m_export = nullptr;
    QPushButton *m_excludeLeaked = nullptr;
    QPushButton *m_checkLeakage = nullptr;
    QLabel *m_leakageStatus = nullptr;
    quint64 m_leakageJob = 0;
    Workspace m_ws;
    ExamplesModel *m_model;
    ExampleCharts m_stats;
    QTimer m_searchTimer;
    quint64 m_statsGeneration = 0;
    quint64 m_detailRequest = 0;

    QComboBox *m_family;
    QComboBox *m_language;
    QComboBox *m_status;
    QLineEdit *m_task;
    QLineEdit *m_search;
    QLabel *m_count;
    QTableView *m_view;
    QTextBrowser *m_detail;
    QCustomPlot *m_languagePlot;
    QCustomPlot *m_familyPlot;
    QCustomPlot *m_lengthPlot;
    QCustomPlot *m_invalidPlot;
};

} // namespace ef
