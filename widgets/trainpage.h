// SPDX-License-Identifier: GPL-3.0-or-later
// The Train page: the one-click path from the workspace's examples to a fine-tuned embedder.
//
// Left, the workspace's runs (status, steps; a check adds a run's curves as an overlay) with
// Resume, Stop and Export, and the offline demo. Right, two tabs:
// - Setup: the base model with a preflight panel (architecture, parameters, memory estimate for
//   the batch on the device, EOS handling, padding side, the query template), shown before any
//   compute is spent; the data (synthetic examples with filters, imported datasets, an evaluation
//   corpus) with counts; the hyperparameters, pre-filled with the paper's values; Start.
// - Curves: loss (raw and smoothed), learning rate, gradient norm, accuracy and evaluation points,
//   against steps, examples or time; the live run's samples arrive through the job's metrics
//   channel into a buffer that a timer replots (never once per sample); checked runs are drawn
//   beside it, with the differences of their settings.
//
// Every read and write goes through the backend off the GUI thread (runAsync on the I/O pool for
// workspace reads, jobs for anything that loads a model or trains).
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QTimer>
#include <QVector>
#include <QWidget>

#include "backend/jobs.h"
#include "backend/training.h"
#include "backend/workspace.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTextBrowser;
class QThreadPool;

namespace ef {

class TrainPage final : public QWidget
{
    Q_OBJECT

public:
    TrainPage(JobManager *jobs, QThreadPool *ioPool, QWidget *parent = nullptr);
    ~TrainPage() override;
    void setWorkspace(const Workspace &ws);

    // The settings as the form holds them (the Train page's fields = --config's keys).
    QString configJson() const;
    void setConfigJson(const QString &json);
    void setModel(const QString &dir);
    TrainingData dataSelection() const;
    // Starts a run with the form's settings; returns false (and says why) when it cannot.
    bool start();
    void stop();
    bool resumeSelected();
    // Creates the demo model and fills the form with the demo preset (see training.h).
    void startDemo();
    void selectRun(qint64 runId);
    qint64 shownRun() const { return m_shownRun; }
    qint64 liveRun() const { return m_liveRun; }
    int plottedPoints() const; // loss points in the shown run's curve
    enum class XAxis { Steps, Examples, Time };
    void setXAxis(XAxis axis);
    QTabWidget *tabs() const { return m_tabs; }
    QLabel *preflightLabel() const { return m_preflight; }
    QLabel *statusLabel() const { return m_status; }

Q_SIGNALS:
    void runsLoaded(int count);
    void preflightShown(bool ok);
    void runStarted(qint64 runId);
    void runFinished(qint64 runId, const QString &status);
    void curvesUpdated(int points);
    // The demo finished and its trained model was exported: compare it with its untrained start.
    void compareRequested(const QString &baseModel, const QString &trainedModel, const QString &corpus,
                          const QString &instruction);

private:
    struct Series
    {
        QVector<double> step, examples, time, loss, lr, gradNorm, accuracy;
        QVector<double> evalStep, evalExamples, evalTime, evalNdcg;
        QString configJson;
    };
    QWidget *buildSetup();
    QWidget *buildCurves();
    void reloadRuns(qint64 select = 0);
    void reloadChoices();
    void schedulePreflight();
    void runPreflight();
    void scheduleCounts();
    void onJobFinished(const JobInfo &info);
    void onMetrics(quint64 id, const QList<MetricSample> &samples);
    void loadSeries(qint64 runId, bool overlay);
    void replot();
    void updateButtons();
    void updateStatus();
    void exportSelected();
    void resetToPaperValues();
    void loadConfigFile();
    void saveConfigFile();
    qint64 selectedRun() const;
    QList<qint64> overlayRuns() const;
    void appendSample(Series &s, const MetricSample &m);
    QString diffText() const;
    QString jobStateLikeName(const QString &status) const; // a run's stored status, for people

    JobManager *m_jobs;
    QThreadPool *m_io;
    Workspace m_ws;
    QList<TrainingRunInfo> m_runs;
    QHash<qint64, Series> m_series; // loaded or live curves by run
    qint64 m_shownRun = 0;
    qint64 m_liveRun = 0;
    quint64 m_liveJob = 0;
    quint64 m_preflightJob = 0;
    quint64 m_demoModelJob = 0;
    quint64 m_exportJob = 0;
    bool m_demoPending = false; // the demo run's end triggers its export and the comparison
    qint64 m_demoRun = 0;
    QString m_demoModel;
    XAxis m_axis = XAxis::Steps;
    bool m_dirty = false;
    QTimer m_replot; // replots the buffer when it changed (4 Hz)
    QTimer m_preflightDelay, m_countsDelay;
    QElapsedTimer m_liveClock;

    QTabWidget *m_tabs;
    QTableWidget *m_runTable;
    QPushButton *m_resume, *m_stop, *m_export, *m_demo, *m_new;
    // Setup
    QLineEdit *m_model;
    QComboBox *m_mode, *m_device;
    QLabel *m_preflight;
    QCheckBox *m_synthetic;
    QComboBox *m_family, *m_language;
    QListWidget *m_datasets;
    QComboBox *m_evalCorpus;
    QComboBox *m_minePool; // where mined hard negatives come from (with "mine_negatives" > 0)
    QCheckBox *m_excludeEvalQueries;
    QCheckBox *m_corpusPairs;
    QLineEdit *m_evalInstruction;
    QLabel *m_counts;
    QLineEdit *m_name;
    QSpinBox *m_steps, *m_batch, *m_micro, *m_warmup, *m_maxLength, *m_hardNegatives, *m_rank, *m_evalEvery,
        *m_checkpointEvery, *m_seed, *m_mineNegatives, *m_mineSkip;
    QDoubleSpinBox *m_lr, *m_weightDecay, *m_temperature, *m_alpha, *m_dropout, *m_heldout, *m_gradClip;
    QList<QCheckBox *> m_targets;
    QCheckBox *m_checkpointing, *m_symmetric;
    QPushButton *m_start;
    QString m_extraConfig; // keys the form has no field for (kept as they were loaded)
    // Curves
    QComboBox *m_axisCombo;
    QDoubleSpinBox *m_smoothing;
    QLabel *m_status;
    QCustomPlot *m_lossPlot, *m_lrPlot, *m_normPlot, *m_accPlot;
    QTextBrowser *m_diff;
};

} // namespace ef
