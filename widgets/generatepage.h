// SPDX-License-Identifier: GPL-3.0-or-later
// The Generate page: configure a synthesis run, start / stop / resume it as a job and watch
// its counters live; and the preview grid (language × family) of rendered prompts, optionally
// sent to the LLM and parsed field by field.
//
// The run and the grid are backend jobs (makeGenerationJob, makePreviewGridJob): the run is
// created or chosen off the GUI thread before its job is submitted, so the page knows the run
// at once; live counters arrive as the job's metric samples, final ones as its result.
#pragma once

#include <QWidget>

#include "backend/generation.h"
#include "backend/preview.h"
#include "backend/settings.h"
#include "backend/workspace.h"

class QCheckBox;
class QComboBox;
class QTimer;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QThreadPool;

namespace ef {

class JobManager;
struct JobInfo;

class GeneratePage final : public QWidget
{
    Q_OBJECT

public:
    GeneratePage(JobManager *jobs, QThreadPool *ioPool, QWidget *parent = nullptr);
    void setWorkspace(const Workspace &ws);
    // Re-reads the endpoint profiles (after the Settings dialog).
    void setSettings(const AppSettings &settings);

    // The configuration as the form shows it.
    Expected<GenerationConfig> config() const;
    // Starts a new run (resume=false) or resumes the selected / latest unfinished run.
    void start(bool resume);
    void stop();
    quint64 runningJob() const { return m_job; }
    qint64 resumeTarget() const { return m_resumeTarget; }
    const GenerationCounters &counters() const { return m_counters; }

    // Preview grid: renders K prompts per (language, family) cell; with send, calls the LLM.
    void renderPreviewGrid(bool send);
    QTableWidget *previewGrid() const { return m_grid; }
    QString planText() const;

Q_SIGNALS:
    void countersUpdated(const ef::GenerationCounters &counters);
    void runFinished(qint64 runId, const QString &state);
    void previewReady();

private:
    void onJobFinished(const JobInfo &info);
    void showPreviewGrid(const JobInfo &info);
    void showCounters(const GenerationCounters &c);
    void reloadRuns();
    QString runStateText(const GenerationRun &run) const;
    void setRunning(bool running);
    // The Resume button names the run it continues: the selected run if it is unfinished, else
    // the latest unfinished one; disabled when there is none.
    void updateResumeButton();
    void updatePlan(); // the plan, tokens, cost and warnings of the configuration, before Start

    JobManager *m_jobs;
    QThreadPool *m_ioPool;
    Workspace m_ws;
    AppSettings m_settings;
    quint64 m_job = 0;        // the generation job, once submitted
    bool m_preparing = false; // the run is being created or looked up
    bool m_stopWhenPrepared = false;
    qint64 m_runId = 0;
    quint64 m_previewJob = 0;
    GenerationCounters m_counters;
    QList<GenerationRun> m_runList;
    qint64 m_resumeTarget = 0;

    QComboBox *m_endpoint;
    QSpinBox *m_examples;
    QList<QCheckBox *> m_families;
    QComboBox *m_scheme;
    QLineEdit *m_languages;
    QSpinBox *m_seed;
    QSpinBox *m_concurrency;
    QLineEdit *m_familyWeights;
    QDoubleSpinBox *m_budget;
    QLabel *m_plan;
    QTimer *m_planTimer;
    quint64 m_planGeneration = 0;
    QPushButton *m_startButton;
    QPushButton *m_resumeButton;
    QPushButton *m_stopButton;
    QProgressBar *m_progress;
    QLabel *m_countersLabel;
    QTableWidget *m_runs;
    QLineEdit *m_previewLanguages;
    QSpinBox *m_previewPerCell;
    QTableWidget *m_grid;
};

} // namespace ef
