// SPDX-License-Identifier: GPL-3.0-or-later
// The Train page (see trainpage.h).
#include "widgets/trainpage.h"

#include <algorithm>
#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "backend/argtext.h"
#include "backend/corpus.h"
#include "backend/examples.h"
#include "backend/templates.h"
#include "widgets/async.h"
#include "widgets/qcustomplot_compat.h"

namespace ef {

namespace {

const char *kTargets[] = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
constexpr int kMaxSeed = 2147483647;
const QString kDemoInstruction =
    QStringLiteral("Given a web search query, retrieve relevant passages that answer the query");

QString bytesText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString countText(qint64 n)
{
    return QLocale().toString(n);
}

QSpinBox *spin(QWidget *parent, int min, int max, const QString &tip)
{
    auto *s = new QSpinBox(parent);
    s->setRange(min, max);
    s->setToolTip(tip);
    s->setGroupSeparatorShown(true);
    return s;
}

QDoubleSpinBox *dspin(QWidget *parent, double min, double max, int decimals, double step, const QString &tip)
{
    auto *s = new QDoubleSpinBox(parent);
    s->setRange(min, max);
    s->setDecimals(decimals);
    s->setSingleStep(step);
    s->setToolTip(tip);
    return s;
}

void stylePlot(QCustomPlot *p, const QString &title, const QString &yLabel)
{
    p->plotLayout()->insertRow(0);
    auto *t = new QCPTextElement(p, title, QFont(p->font().family(), p->font().pointSize(), QFont::Bold));
    p->plotLayout()->addElement(0, 0, t);
    p->yAxis->setLabel(yLabel);
    p->setMinimumHeight(150);
    p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    p->legend->setVisible(false);
}

} // namespace

TrainPage::TrainPage(JobManager *jobs, QThreadPool *ioPool, QWidget *parent)
    : QWidget(parent), m_jobs(jobs), m_io(ioPool), m_tabs(new QTabWidget(this))
{
    setObjectName(QStringLiteral("trainPage"));
    // Runs column.
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    auto *runsLabel = new QLabel(tr("Runs (check one to draw it beside the shown run)"), left);
    runsLabel->setWordWrap(true);
    leftLayout->addWidget(runsLabel);
    m_runTable = new QTableWidget(0, 4, left);
    m_runTable->setObjectName(QStringLiteral("runTable"));
    m_runTable->setHorizontalHeaderLabels({tr("Run"), tr("Name"), tr("Status"), tr("Steps")});
    m_runTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_runTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_runTable->verticalHeader()->setVisible(false);
    m_runTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_runTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    leftLayout->addWidget(m_runTable, 1);
    auto *runButtons = new QGridLayout;
    m_new = new QPushButton(tr("New run"), left);
    m_resume = new QPushButton(tr("Resume"), left);
    m_stop = new QPushButton(tr("Stop"), left);
    m_export = new QPushButton(tr("Export…"), left);
    m_resume->setObjectName(QStringLiteral("resumeRun"));
    m_stop->setObjectName(QStringLiteral("stopRun"));
    m_export->setObjectName(QStringLiteral("exportRun"));
    m_resume->setToolTip(tr("Continue the selected run from its newest checkpoint"));
    m_stop->setToolTip(tr("Save a checkpoint and stop the running run (it can be resumed)"));
    m_export->setToolTip(tr("Write the selected run as a PEFT adapter, a merged model or a sentence-transformers "
                            "folder; the export is loaded back and checked"));
    runButtons->addWidget(m_new, 0, 0);
    runButtons->addWidget(m_resume, 0, 1);
    runButtons->addWidget(m_stop, 1, 0);
    runButtons->addWidget(m_export, 1, 1);
    leftLayout->addLayout(runButtons);
    m_demo = new QPushButton(tr("Demo: train a small model from scratch"), left);
    m_demo->setObjectName(QStringLiteral("demoButton"));
    m_demo->setToolTip(tr("Creates a small model with a tokenizer learned from this workspace, trains it on the CPU "
                          "for a few minutes (the demo corpus's own queries are kept out of training), and compares "
                          "retrieval on the demo corpus with its untrained start in the Search page"));
    leftLayout->addWidget(m_demo);

    m_tabs->addTab(buildSetup(), tr("Setup"));
    m_tabs->addTab(buildCurves(), tr("Curves"));
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({320, 960});
    left->setMinimumWidth(260);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    m_replot.setInterval(250);
    connect(&m_replot, &QTimer::timeout, this, [this] {
        if (m_dirty)
            replot();
    });
    m_replot.start();
    m_preflightDelay.setSingleShot(true);
    m_preflightDelay.setInterval(400);
    connect(&m_preflightDelay, &QTimer::timeout, this, &TrainPage::runPreflight);
    m_countsDelay.setSingleShot(true);
    m_countsDelay.setInterval(300);
    connect(&m_countsDelay, &QTimer::timeout, this, [this] {
        if (!m_ws.isValid())
            return;
        const Workspace ws = m_ws;
        const TrainingData data = dataSelection();
        const double heldout = m_heldout->value();
        runAsync(
            m_io, this, [ws, data] { return countTrainingData(ws, data); },
            [this, heldout](const Expected<TrainingDataCounts> &c) {
                if (!c) {
                    m_counts->setText(c.error());
                    return;
                }
                QStringList parts;
                if (m_synthetic->isChecked())
                    parts << tr("%1 synthetic").arg(countText(c->synthetic));
                if (c->corpusPairs > 0)
                    parts << tr("%1 pseudo-queries").arg(countText(c->corpusPairs));
                for (const auto &d : c->datasets)
                    parts << tr("%1 from %2").arg(countText(d.second), d.first);
                QString text =
                    tr("%1 examples (%2); about %3 held out for evaluation")
                        .arg(argText(countText(c->total())),
                             argText(parts.isEmpty() ? tr("nothing selected") : parts.join(QStringLiteral(", "))),
                             argText(countText(qint64(std::llround(double(c->total()) * heldout)))));
                if (c->excluded > 0)
                    text += QLatin1Char('\n') + tr("%1 kept out because their query is one of the evaluation corpus's")
                                                    .arg(countText(c->excluded));
                m_counts->setText(text);
            });
    });

    connect(m_jobs, &JobManager::jobFinished, this, &TrainPage::onJobFinished);
    connect(m_jobs, &JobManager::jobMetrics, this, &TrainPage::onMetrics);
    connect(m_new, &QPushButton::clicked, this, [this] {
        m_runTable->clearSelection();
        m_tabs->setCurrentIndex(0);
    });
    connect(m_resume, &QPushButton::clicked, this, [this] { resumeSelected(); });
    connect(m_stop, &QPushButton::clicked, this, &TrainPage::stop);
    connect(m_export, &QPushButton::clicked, this, &TrainPage::exportSelected);
    connect(m_demo, &QPushButton::clicked, this, &TrainPage::startDemo);
    connect(m_runTable, &QTableWidget::itemSelectionChanged, this, [this] {
        const qint64 id = selectedRun();
        if (id > 0 && id != m_shownRun) {
            m_shownRun = id;
            loadSeries(id, false);
        }
        updateButtons();
    });
    connect(m_runTable, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (item->column() != 0)
            return;
        const qint64 id = item->data(Qt::UserRole).toLongLong();
        if (item->checkState() == Qt::Checked && !m_series.contains(id))
            loadSeries(id, true);
        m_dirty = true;
    });
    setConfigJson(defaultTrainingConfig());
    updateButtons();
    updateStatus();
}

TrainPage::~TrainPage() = default;

QWidget *TrainPage::buildSetup()
{
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    auto *page = new QWidget(scroll);
    auto *layout = new QVBoxLayout(page);

    // Base model and preflight.
    auto *modelBox = new QGroupBox(tr("Base model"), page);
    auto *modelForm = new QFormLayout(modelBox);
    auto *modelRow = new QHBoxLayout;
    m_model = new QLineEdit(modelBox);
    m_model->setObjectName(QStringLiteral("trainModel"));
    m_model->setPlaceholderText(tr("Hugging Face model folder (Llama, Mistral or Qwen2)"));
    auto *browse = new QPushButton(tr("Browse…"), modelBox);
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(browse);
    modelForm->addRow(tr("Folder:"), modelRow);
    m_mode = new QComboBox(modelBox);
    m_mode->addItem(tr("LoRA adapters (the paper's choice)"), QStringLiteral("lora"));
    m_mode->addItem(tr("Full fine-tuning (small models, training from scratch)"), QStringLiteral("full"));
    modelForm->addRow(tr("Mode:"), m_mode);
    m_device = new QComboBox(modelBox);
    m_device->addItem(tr("Automatic (CUDA when present)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA"), QStringLiteral("cuda"));
    modelForm->addRow(tr("Device:"), m_device);
    m_preflight = new QLabel(tr("Choose a model folder to see what training it will take."), modelBox);
    m_preflight->setObjectName(QStringLiteral("preflight"));
    m_preflight->setWordWrap(true);
    m_preflight->setTextInteractionFlags(Qt::TextSelectableByMouse);
    modelForm->addRow(tr("Preflight:"), m_preflight);
    layout->addWidget(modelBox);

    // Data.
    auto *dataBox = new QGroupBox(tr("Data"), page);
    auto *dataForm = new QFormLayout(dataBox);
    m_synthetic = new QCheckBox(tr("The workspace's valid synthetic examples"), dataBox);
    m_synthetic->setChecked(true);
    dataForm->addRow(m_synthetic);
    m_family = new QComboBox(dataBox);
    m_family->addItem(tr("All families"), QString());
    for (const QString &f : taskFamilies())
        m_family->addItem(f, f);
    m_language = new QComboBox(dataBox);
    m_language->addItem(tr("All languages"), QString());
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_family);
    filters->addWidget(m_language);
    dataForm->addRow(tr("Filters:"), filters);
    m_datasets = new QListWidget(dataBox);
    m_datasets->setMaximumHeight(90);
    m_datasets->setToolTip(tr("Imported labelled datasets (embedforge-cli dataset import --jsonl); each keeps its "
                              "instruction and sampling ratio"));
    dataForm->addRow(tr("Datasets:"), m_datasets);
    m_evalCorpus = new QComboBox(dataBox);
    m_evalCorpus->setObjectName(QStringLiteral("evalCorpus"));
    m_evalCorpus->addItem(tr("None (the held-out split only)"), QString());
    dataForm->addRow(tr("Evaluate on corpus:"), m_evalCorpus);
    m_evalInstruction = new QLineEdit(kDemoInstruction, dataBox);
    dataForm->addRow(tr("Its query instruction:"), m_evalInstruction);
    m_excludeEvalQueries = new QCheckBox(tr("Keep that corpus's queries out of training"), dataBox);
    m_excludeEvalQueries->setToolTip(
        tr("Leave out every example whose query is one of the evaluation corpus's queries"));
    m_excludeEvalQueries->setChecked(true);
    dataForm->addRow(m_excludeEvalQueries);
    m_corpusPairs = new QCheckBox(tr("Add pseudo-queries from that corpus's documents"), dataBox);
    m_corpusPairs->setObjectName(QStringLiteral("corpusPairs"));
    m_corpusPairs->setToolTip(
        tr("Spans of 3–7 words of each document as its query (its queries and judgements are never "
           "used): unsupervised pairs in the manner of contrastive pre-training, which teach a model "
           "trained from scratch what the corpus's words look like"));
    dataForm->addRow(m_corpusPairs);
    m_minePool = new QComboBox(dataBox);
    m_minePool->setObjectName(QStringLiteral("minePool"));
    m_minePool->addItem(tr("The training positives"), QString());
    m_minePool->setToolTip(tr("With \"Mine negatives\" above 0: the documents ranked by the base model for each "
                              "example that lacks hard negatives (a corpus's queries and judgements are not used)"));
    dataForm->addRow(tr("Mine negatives from:"), m_minePool);
    m_counts = new QLabel(dataBox);
    m_counts->setObjectName(QStringLiteral("dataCounts"));
    m_counts->setWordWrap(true);
    dataForm->addRow(tr("Selected:"), m_counts);
    layout->addWidget(dataBox);

    // Hyperparameters.
    auto *hyper = new QGroupBox(tr("Hyperparameters (pre-filled with the paper's values)"), page);
    auto *grid = new QGridLayout(hyper);
    m_name = new QLineEdit(hyper);
    m_name->setPlaceholderText(tr("run N"));
    m_steps = spin(hyper, 0, 10000000, tr("Optimiser steps; 0 trains one epoch of the data"));
    m_batch = spin(hyper, 1, 1 << 20, tr("Query-positive pairs per step: the contrastive batch (the paper: 2048)"));
    m_micro =
        spin(hyper, 0, 1 << 16,
             tr("Sequences per forward pass. Fewer than the batch's sequences: the gradient cache keeps the whole "
                "batch's negatives with the memory of one micro-batch. 0: off"));
    m_lr = dspin(hyper, 1e-7, 1.0, 7, 1e-5, tr("Peak learning rate of AdamW"));
    m_warmup = spin(hyper, 0, 10000000, tr("Linear warmup steps, then linear decay to zero"));
    m_weightDecay = dspin(hyper, 0, 10, 3, 0.01, tr("AdamW weight decay"));
    m_gradClip = dspin(hyper, 0, 1000, 2, 0.1, tr("Gradient norm clipping; 0: none"));
    m_temperature = dspin(hyper, 0.001, 10, 4, 0.005, tr("InfoNCE temperature"));
    m_maxLength = spin(hyper, 2, 131072, tr("Tokens per query or document, the appended EOS included"));
    m_hardNegatives = spin(hyper, 0, 64, tr("Hard negatives per pair, at most"));
    m_rank = spin(hyper, 1, 4096, tr("LoRA rank"));
    m_alpha = dspin(hyper, 0.1, 4096, 1, 1, tr("LoRA alpha (the scaling is alpha / rank)"));
    m_dropout = dspin(hyper, 0, 0.99, 2, 0.05, tr("LoRA dropout"));
    m_heldout = dspin(hyper, 0, 0.5, 3, 0.01, tr("Share of the examples held out for evaluation during training"));
    m_evalEvery = spin(hyper, 0, 10000000, tr("Evaluate every N steps (0: at the end)"));
    m_checkpointEvery = spin(hyper, 0, 10000000, tr("Checkpoint every N steps (0: at the end); Stop saves one too"));
    m_seed = spin(hyper, 0, kMaxSeed, tr("Seed of the data order, the initialisation and dropout"));
    m_mineNegatives = spin(hyper, 0, 64,
                           tr("Before the first step, give each example that has fewer hard negatives this many, mined "
                              "with the base model (0: off)"));
    m_mineNegatives->setObjectName(QStringLiteral("mineNegatives"));
    m_mineSkip = spin(hyper, 0, 10000,
                      tr("Pass over this many best-ranked candidates when mining (likely unlabelled positives)"));
    m_checkpointing = new QCheckBox(tr("Activation checkpointing"), hyper);
    m_checkpointing->setToolTip(
        tr("Recompute each layer in the backward pass: less memory, about a third more compute"));
    m_symmetric = new QCheckBox(tr("Symmetric loss (document → query too)"), hyper);
    int row = 0;
    const auto add = [&](const QString &label, QWidget *w, int col) {
        grid->addWidget(new QLabel(label, hyper), row, col * 2);
        grid->addWidget(w, row, col * 2 + 1);
    };
    add(tr("Name:"), m_name, 0);
    add(tr("Steps:"), m_steps, 1);
    ++row;
    add(tr("Batch:"), m_batch, 0);
    add(tr("Micro-batch:"), m_micro, 1);
    ++row;
    add(tr("Learning rate:"), m_lr, 0);
    add(tr("Warmup steps:"), m_warmup, 1);
    ++row;
    add(tr("Weight decay:"), m_weightDecay, 0);
    add(tr("Gradient clipping:"), m_gradClip, 1);
    ++row;
    add(tr("Temperature:"), m_temperature, 0);
    add(tr("Max length:"), m_maxLength, 1);
    ++row;
    add(tr("Hard negatives:"), m_hardNegatives, 0);
    add(tr("Held-out share:"), m_heldout, 1);
    ++row;
    add(tr("LoRA rank:"), m_rank, 0);
    add(tr("LoRA alpha:"), m_alpha, 1);
    ++row;
    add(tr("LoRA dropout:"), m_dropout, 0);
    add(tr("Seed:"), m_seed, 1);
    ++row;
    add(tr("Evaluate every:"), m_evalEvery, 0);
    add(tr("Checkpoint every:"), m_checkpointEvery, 1);
    ++row;
    add(tr("Mine negatives:"), m_mineNegatives, 0);
    add(tr("Mining skips:"), m_mineSkip, 1);
    ++row;
    auto *targets = new QHBoxLayout;
    for (const char *t : kTargets) {
        auto *c = new QCheckBox(QString::fromLatin1(t), hyper);
        m_targets << c;
        targets->addWidget(c);
    }
    targets->addStretch(1);
    grid->addWidget(new QLabel(tr("LoRA on:"), hyper), row, 0);
    grid->addLayout(targets, row, 1, 1, 3);
    ++row;
    grid->addWidget(m_checkpointing, row, 0, 1, 2);
    grid->addWidget(m_symmetric, row, 2, 1, 2);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);
    layout->addWidget(hyper);

    auto *buttons = new QHBoxLayout;
    auto *load = new QPushButton(tr("Load settings…"), page);
    auto *save = new QPushButton(tr("Save settings…"), page);
    auto *reset = new QPushButton(tr("The paper's values"), page);
    save->setToolTip(tr("The settings as JSON: `embedforge-cli train --config FILE` or `embedforge-core train --config "
                        "FILE` replays them headless, e.g. on a GPU server"));
    m_start = new QPushButton(tr("Start training"), page);
    m_start->setObjectName(QStringLiteral("startTraining"));
    m_start->setDefault(true);
    QFont bold = m_start->font();
    bold.setBold(true);
    m_start->setFont(bold);
    buttons->addWidget(load);
    buttons->addWidget(save);
    buttons->addWidget(reset);
    buttons->addStretch(1);
    buttons->addWidget(m_start);
    layout->addLayout(buttons);
    layout->addStretch(1);
    scroll->setWidget(page);
    // Long items must not widen the form beyond a small window: combos elide, rows wrap.
    for (QComboBox *c : {m_mode, m_device, m_family, m_language, m_evalCorpus, m_minePool}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        c->setMinimumContentsLength(12);
    }
    for (QFormLayout *f : {modelForm, dataForm})
        f->setRowWrapPolicy(QFormLayout::WrapLongRows);

    connect(browse, &QPushButton::clicked, this, [this] {
        if (qEnvironmentVariableIsSet("EMBEDFORGE_NO_DIALOGS"))
            return;
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose a model folder"), m_model->text());
        if (!dir.isEmpty())
            setModel(dir);
    });
    connect(load, &QPushButton::clicked, this, &TrainPage::loadConfigFile);
    connect(save, &QPushButton::clicked, this, &TrainPage::saveConfigFile);
    connect(reset, &QPushButton::clicked, this, &TrainPage::resetToPaperValues);
    connect(m_start, &QPushButton::clicked, this, [this] { start(); });
    for (QWidget *w : std::initializer_list<QWidget *>{m_model, m_mode, m_device, m_batch, m_micro, m_maxLength, m_rank,
                                                       m_hardNegatives, m_checkpointing}) {
        if (auto *e = qobject_cast<QLineEdit *>(w))
            connect(e, &QLineEdit::textChanged, this, &TrainPage::schedulePreflight);
        else if (auto *c = qobject_cast<QComboBox *>(w))
            connect(c, &QComboBox::currentIndexChanged, this, &TrainPage::schedulePreflight);
        else if (auto *s = qobject_cast<QSpinBox *>(w))
            connect(s, &QSpinBox::valueChanged, this, &TrainPage::schedulePreflight);
        else if (auto *b = qobject_cast<QCheckBox *>(w))
            connect(b, &QCheckBox::toggled, this, &TrainPage::schedulePreflight);
    }
    for (QCheckBox *c : m_targets)
        connect(c, &QCheckBox::toggled, this, &TrainPage::schedulePreflight);
    connect(m_synthetic, &QCheckBox::toggled, this, &TrainPage::scheduleCounts);
    connect(m_family, &QComboBox::currentIndexChanged, this, &TrainPage::scheduleCounts);
    connect(m_language, &QComboBox::currentIndexChanged, this, &TrainPage::scheduleCounts);
    connect(m_datasets, &QListWidget::itemChanged, this, &TrainPage::scheduleCounts);
    connect(m_excludeEvalQueries, &QCheckBox::toggled, this, &TrainPage::scheduleCounts);
    connect(m_corpusPairs, &QCheckBox::toggled, this, &TrainPage::scheduleCounts);
    connect(m_heldout, &QDoubleSpinBox::valueChanged, this, &TrainPage::scheduleCounts);
    connect(m_evalCorpus, &QComboBox::currentIndexChanged, this, [this] {
        const QString name = m_evalCorpus->currentData().toString();
        m_evalCorpus->setProperty("queries", QStringList());
        if (!name.isEmpty() && m_ws.isValid()) {
            const Workspace ws = m_ws;
            const qint64 id = m_evalCorpus->currentData(Qt::UserRole + 1).toLongLong();
            runAsync(
                m_io, this, [ws, id] { return corpusQueryTexts(ws, id, 1000000); },
                [this, name](const Expected<QStringList> &q) {
                    if (q && m_evalCorpus->currentData().toString() == name) {
                        m_evalCorpus->setProperty("queries", *q);
                        scheduleCounts();
                    }
                });
        }
        scheduleCounts();
    });
    return scroll;
}

QWidget *TrainPage::buildCurves()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    auto *bar = new QHBoxLayout;
    m_axisCombo = new QComboBox(page);
    m_axisCombo->addItem(tr("Steps"));
    m_axisCombo->addItem(tr("Examples"));
    m_axisCombo->addItem(tr("Time (s)"));
    m_smoothing = dspin(page, 0, 0.99, 2, 0.05, tr("Exponential smoothing of the loss (0: none)"));
    m_smoothing->setValue(0.9);
    m_status = new QLabel(page);
    m_status->setObjectName(QStringLiteral("trainStatus"));
    m_status->setWordWrap(true);
    bar->addWidget(new QLabel(tr("x axis:"), page));
    bar->addWidget(m_axisCombo);
    bar->addWidget(new QLabel(tr("Smoothing:"), page));
    bar->addWidget(m_smoothing);
    bar->addWidget(m_status, 1);
    layout->addLayout(bar);
    auto *plots = new QGridLayout;
    m_lossPlot = new QCustomPlot(page);
    m_lrPlot = new QCustomPlot(page);
    m_normPlot = new QCustomPlot(page);
    m_accPlot = new QCustomPlot(page);
    m_lossPlot->setObjectName(QStringLiteral("lossPlot"));
    stylePlot(m_lossPlot, tr("Loss (raw and smoothed; checked runs dashed)"), tr("InfoNCE"));
    stylePlot(m_lrPlot, tr("Learning rate"), tr("lr"));
    stylePlot(m_normPlot, tr("Gradient norm (before clipping)"), tr("norm"));
    stylePlot(m_accPlot, tr("In-batch accuracy and evaluation (nDCG@10, dots)"), tr("fraction"));
    plots->addWidget(m_lossPlot, 0, 0);
    plots->addWidget(m_lrPlot, 0, 1);
    plots->addWidget(m_normPlot, 1, 0);
    plots->addWidget(m_accPlot, 1, 1);
    layout->addLayout(plots, 1);
    m_diff = new QTextBrowser(page);
    m_diff->setObjectName(QStringLiteral("runDiff"));
    m_diff->setMaximumHeight(90);
    m_diff->setPlaceholderText(tr("Check runs in the list to compare their curves and settings with the shown run."));
    layout->addWidget(m_diff);
    connect(m_axisCombo, &QComboBox::currentIndexChanged, this, [this](int i) { setXAxis(XAxis(i)); });
    connect(m_smoothing, &QDoubleSpinBox::valueChanged, this, [this] { m_dirty = true; });
    return page;
}

void TrainPage::setWorkspace(const Workspace &ws)
{
    m_ws = ws;
    if (m_liveJob)
        m_jobs->cancel(m_liveJob); // a run belongs to its workspace (it stops with a checkpoint)
    m_liveJob = 0;
    m_liveRun = 0;
    m_shownRun = 0;
    m_series.clear();
    m_runs.clear();
    m_runTable->setRowCount(0);
    m_diff->clear();
    m_dirty = true;
    reloadRuns();
    reloadChoices();
    updateButtons();
    updateStatus();
}

void TrainPage::reloadRuns(qint64 select)
{
    if (!m_ws.isValid())
        return;
    const Workspace ws = m_ws;
    runAsync(
        m_io, this, [ws] { return trainingRuns(ws); },
        [this, select, path = ws.path()](const Expected<QList<TrainingRunInfo>> &runs) {
            if (path != m_ws.path())
                return;
            if (!runs) {
                m_status->setText(runs.error());
                return;
            }
            QSet<qint64> checked;
            for (qint64 id : overlayRuns())
                checked.insert(id);
            const qint64 keep = select ? select : selectedRun();
            m_runs = *runs;
            const QSignalBlocker block(m_runTable);
            m_runTable->setRowCount(int(m_runs.size()));
            for (int i = 0; i < m_runs.size(); ++i) {
                const TrainingRunInfo &r = m_runs.at(i);
                auto *idItem = new QTableWidgetItem(QString::number(r.id));
                idItem->setData(Qt::UserRole, r.id);
                idItem->setFlags(idItem->flags() | Qt::ItemIsUserCheckable);
                idItem->setCheckState(checked.contains(r.id) ? Qt::Checked : Qt::Unchecked);
                m_runTable->setItem(i, 0, idItem);
                m_runTable->setItem(i, 1, new QTableWidgetItem(r.name));
                auto *status = new QTableWidgetItem(r.id == m_liveRun ? tr("running") : jobStateLikeName(r.status));
                status->setToolTip(r.message);
                m_runTable->setItem(i, 2, status);
                m_runTable->setItem(
                    i, 3, new QTableWidgetItem(QStringLiteral("%1/%2").arg(argText(r.steps), argText(r.totalSteps))));
            }
            for (int i = 0; i < m_runs.size(); ++i)
                if (m_runs.at(i).id == keep)
                    m_runTable->selectRow(i);
            Q_EMIT runsLoaded(int(m_runs.size()));
            if (keep > 0 && keep != m_shownRun) {
                m_shownRun = keep;
                loadSeries(keep, false);
            }
            updateButtons();
            updateStatus();
        });
}

QString TrainPage::jobStateLikeName(const QString &status) const
{
    if (status == QLatin1String("created"))
        return tr("created");
    if (status == QLatin1String("running"))
        return tr("interrupted");
    if (status == QLatin1String("finished"))
        return tr("finished");
    if (status == QLatin1String("cancelled"))
        return tr("stopped");
    if (status == QLatin1String("diverged"))
        return tr("diverged");
    if (status == QLatin1String("failed"))
        return tr("failed");
    return status;
}

void TrainPage::reloadChoices()
{
    const Workspace ws = m_ws;
    runAsync(
        m_io, this,
        [ws] {
            struct Choices
            {
                Expected<QList<DatasetInfo>> sets;
                Expected<QList<CorpusInfo>> corpora;
                Expected<ExampleCharts> charts;
            };
            return Choices{datasets(ws), listCorpora(ws), exampleCharts(ws, ExampleFilter{})};
        },
        [this, path = ws.path()](const auto &c) {
            if (path != m_ws.path())
                return;
            {
                const QSignalBlocker b(m_datasets);
                m_datasets->clear();
                if (c.sets)
                    for (const DatasetInfo &d : *c.sets) {
                        auto *item =
                            new QListWidgetItem(tr("%1 (%2 examples, ratio %3)")
                                                    .arg(argText(d.name), argText(d.examples), argText(d.ratio)),
                                                m_datasets);
                        item->setData(Qt::UserRole, d.name);
                        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                        item->setCheckState(Qt::Checked);
                    }
            }
            {
                const QSignalBlocker b(m_minePool);
                m_minePool->clear();
                m_minePool->addItem(tr("The training positives"), QString());
                if (c.corpora)
                    for (const CorpusInfo &ci : *c.corpora)
                        m_minePool->addItem(tr("Corpus %1 (%2 documents)").arg(argText(ci.name), argText(ci.documents)),
                                            ci.name);
            }
            {
                const QSignalBlocker b(m_evalCorpus);
                m_evalCorpus->clear();
                m_evalCorpus->addItem(tr("None (the held-out split only)"), QString());
                if (c.corpora)
                    for (const CorpusInfo &ci : *c.corpora)
                        if (ci.qrels > 0) {
                            m_evalCorpus->addItem(tr("%1 (%2 queries)").arg(argText(ci.name), argText(ci.queries)),
                                                  ci.name);
                            m_evalCorpus->setItemData(m_evalCorpus->count() - 1, ci.id, Qt::UserRole + 1);
                        }
            }
            {
                const QSignalBlocker b(m_language);
                m_language->clear();
                m_language->addItem(tr("All languages"), QString());
                if (c.charts)
                    for (const QString &l : c.charts->languages)
                        m_language->addItem(l, l);
            }
            scheduleCounts();
        });
}

QString TrainPage::configJson() const
{
    QJsonObject o = QJsonDocument::fromJson(m_extraConfig.toUtf8()).object();
    o.insert(QStringLiteral("name"), m_name->text());
    o.insert(QStringLiteral("model"),
             m_model->text().trimmed().isEmpty() ? QString() : QFileInfo(m_model->text().trimmed()).absoluteFilePath());
    o.insert(QStringLiteral("mode"), m_mode->currentData().toString());
    o.insert(QStringLiteral("device"), m_device->currentData().toString());
    o.insert(QStringLiteral("steps"), m_steps->value());
    o.insert(QStringLiteral("batch_size"), m_batch->value());
    o.insert(QStringLiteral("micro_batch"), m_micro->value());
    o.insert(QStringLiteral("learning_rate"), m_lr->value());
    o.insert(QStringLiteral("warmup_steps"), m_warmup->value());
    o.insert(QStringLiteral("weight_decay"), m_weightDecay->value());
    o.insert(QStringLiteral("max_grad_norm"), m_gradClip->value());
    o.insert(QStringLiteral("temperature"), m_temperature->value());
    o.insert(QStringLiteral("max_length"), m_maxLength->value());
    o.insert(QStringLiteral("hard_negatives"), m_hardNegatives->value());
    o.insert(QStringLiteral("lora_rank"), m_rank->value());
    o.insert(QStringLiteral("lora_alpha"), m_alpha->value());
    o.insert(QStringLiteral("lora_dropout"), m_dropout->value());
    o.insert(QStringLiteral("heldout_fraction"), m_heldout->value());
    o.insert(QStringLiteral("eval_every"), m_evalEvery->value());
    o.insert(QStringLiteral("checkpoint_every"), m_checkpointEvery->value());
    o.insert(QStringLiteral("seed"), m_seed->value());
    o.insert(QStringLiteral("mine_negatives"), m_mineNegatives->value());
    o.insert(QStringLiteral("mine_skip"), m_mineSkip->value());
    o.insert(QStringLiteral("gradient_checkpointing"), m_checkpointing->isChecked());
    o.insert(QStringLiteral("symmetric"), m_symmetric->isChecked());
    QJsonArray targets;
    for (QCheckBox *c : m_targets)
        if (c->isChecked())
            targets.append(c->text());
    o.insert(QStringLiteral("lora_targets"), targets);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
}

void TrainPage::setConfigJson(const QString &json)
{
    QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    const auto num = [&](const char *key, double def) { return o.value(QLatin1String(key)).toDouble(def); };
    m_name->setText(o.value(QStringLiteral("name")).toString());
    if (o.contains(QStringLiteral("model")) && !o.value(QStringLiteral("model")).toString().isEmpty())
        m_model->setText(o.value(QStringLiteral("model")).toString());
    m_mode->setCurrentIndex(
        std::max(0, m_mode->findData(o.value(QStringLiteral("mode")).toString(QStringLiteral("lora")))));
    m_device->setCurrentIndex(
        std::max(0, m_device->findData(o.value(QStringLiteral("device")).toString(QStringLiteral("auto")))));
    m_steps->setValue(int(num("steps", 0)));
    m_batch->setValue(int(num("batch_size", 2048)));
    m_micro->setValue(int(num("micro_batch", 32)));
    m_lr->setValue(num("learning_rate", 1e-4));
    m_warmup->setValue(int(num("warmup_steps", 100)));
    m_weightDecay->setValue(num("weight_decay", 0.1));
    m_gradClip->setValue(num("max_grad_norm", 1.0));
    m_temperature->setValue(num("temperature", 0.02));
    m_maxLength->setValue(int(num("max_length", 512)));
    m_hardNegatives->setValue(int(num("hard_negatives", 1)));
    m_rank->setValue(int(num("lora_rank", 16)));
    m_alpha->setValue(num("lora_alpha", 32));
    m_dropout->setValue(num("lora_dropout", 0.1));
    m_heldout->setValue(num("heldout_fraction", 0.02));
    m_evalEvery->setValue(int(num("eval_every", 100)));
    m_checkpointEvery->setValue(int(num("checkpoint_every", 100)));
    m_seed->setValue(int(std::min<double>(kMaxSeed, num("seed", 42))));
    m_mineNegatives->setValue(int(num("mine_negatives", 0)));
    m_mineSkip->setValue(int(num("mine_skip", 0)));
    m_checkpointing->setChecked(o.value(QStringLiteral("gradient_checkpointing")).toBool(true));
    m_symmetric->setChecked(o.value(QStringLiteral("symmetric")).toBool(false));
    QStringList targets;
    for (const auto &t : o.value(QStringLiteral("lora_targets")).toArray())
        targets << t.toString();
    if (!o.contains(QStringLiteral("lora_targets")))
        for (const char *t : kTargets)
            targets << QString::fromLatin1(t);
    for (QCheckBox *c : m_targets)
        c->setChecked(targets.contains(c->text()));
    // What the form has no field for stays as loaded.
    for (const char *k : {"name",          "model",
                          "mode",          "device",
                          "steps",         "batch_size",
                          "micro_batch",   "learning_rate",
                          "warmup_steps",  "weight_decay",
                          "max_grad_norm", "temperature",
                          "max_length",    "hard_negatives",
                          "lora_rank",     "lora_alpha",
                          "lora_dropout",  "heldout_fraction",
                          "eval_every",    "checkpoint_every",
                          "seed",          "mine_negatives",
                          "mine_skip",     "gradient_checkpointing",
                          "symmetric",     "lora_targets"})
        o.remove(QLatin1String(k));
    m_extraConfig = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    schedulePreflight();
}

void TrainPage::setModel(const QString &dir)
{
    m_model->setText(dir);
    schedulePreflight();
}

TrainingData TrainPage::dataSelection() const
{
    TrainingData d;
    d.synthetic = m_synthetic->isChecked();
    d.filter.family = m_family->currentData().toString();
    d.filter.language = m_language->currentData().toString();
    for (int i = 0; i < m_datasets->count(); ++i)
        if (m_datasets->item(i)->checkState() == Qt::Checked)
            d.datasets << m_datasets->item(i)->data(Qt::UserRole).toString();
    if (m_excludeEvalQueries->isChecked() && !m_evalCorpus->currentData().toString().isEmpty())
        d.excludeQueries = m_evalCorpus->property("queries").toStringList();
    if (m_mineNegatives->value() > 0)
        d.mineCorpus = m_minePool->currentData().toString();
    if (m_corpusPairs->isChecked() && !m_evalCorpus->currentData().toString().isEmpty()) {
        d.pairsCorpus = m_evalCorpus->currentData().toString();
        d.pairsInstruction = m_evalInstruction->text();
    }
    return d;
}

void TrainPage::schedulePreflight()
{
    m_preflightDelay.start();
}

void TrainPage::scheduleCounts()
{
    m_countsDelay.start();
}

void TrainPage::runPreflight()
{
    if (m_model->text().trimmed().isEmpty()) {
        m_preflight->setText(tr("Choose a model folder to see what training it will take."));
        return;
    }
    const Status valid = validateTrainingConfig(configJson());
    if (!valid) {
        m_preflight->setText(valid.error());
        Q_EMIT preflightShown(false);
        return;
    }
    m_preflight->setText(tr("Reading the model folder…"));
    m_preflightJob = m_jobs->submit(makeTrainingPreflightJob(configJson()));
}

bool TrainPage::start()
{
    if (!m_ws.isValid()) {
        m_status->setText(tr("Open a workspace first."));
        return false;
    }
    if (m_liveJob) {
        m_status->setText(tr("Run %1 is training; stop it first.").arg(m_liveRun));
        return false;
    }
    const Status valid = validateTrainingConfig(configJson());
    if (!valid) {
        m_status->setText(valid.error());
        m_tabs->setCurrentIndex(0);
        return false;
    }
    TrainingRequest request;
    request.configJson = configJson();
    request.data = dataSelection();
    request.evalCorpus = m_evalCorpus->currentData().toString();
    request.evalInstruction = m_evalInstruction->text();
    const Workspace ws = m_ws;
    m_start->setEnabled(false);
    m_status->setText(tr("Preparing the data…"));
    runAsync(
        m_io, this, [ws, request] { return createTrainingRun(ws, request); },
        [this, ws](const Expected<qint64> &id) {
            m_start->setEnabled(true);
            if (!id) {
                m_status->setText(id.error());
                QMessageBox box(QMessageBox::Warning, tr("Cannot start training"), id.error(), QMessageBox::Ok, this);
                if (!qEnvironmentVariableIsSet("EMBEDFORGE_NO_DIALOGS"))
                    box.exec();
                return;
            }
            m_liveRun = *id;
            m_shownRun = *id;
            m_series[*id] = Series{};
            m_series[*id].configJson = configJson();
            m_liveJob = m_jobs->submit(makeTrainingJob(ws, *id));
            m_liveClock.start();
            m_tabs->setCurrentIndex(1);
            m_dirty = true;
            reloadRuns(*id);
            Q_EMIT runStarted(*id);
            updateButtons();
            updateStatus();
        });
    return true;
}

void TrainPage::stop()
{
    if (m_liveJob) {
        m_jobs->cancel(m_liveJob);
        m_status->setText(tr("Stopping run %1: saving a checkpoint…").arg(m_liveRun));
    }
}

bool TrainPage::resumeSelected()
{
    const qint64 id = selectedRun();
    if (!id || m_liveJob)
        return false;
    for (const TrainingRunInfo &r : m_runs)
        if (r.id == id && !r.resumable())
            return false;
    m_liveRun = id;
    m_shownRun = id;
    m_liveJob = m_jobs->submit(makeTrainingJob(m_ws, id));
    m_liveClock.start();
    loadSeries(id, false); // the stored curve; the live samples continue it
    m_tabs->setCurrentIndex(1);
    Q_EMIT runStarted(id);
    updateButtons();
    updateStatus();
    return true;
}

void TrainPage::startDemo()
{
    if (!m_ws.isValid() || m_liveJob || m_demoModelJob)
        return;
    m_status->setText(tr("Creating the demo model (a tokenizer learned from this workspace's texts)…"));
    m_demoModelJob = m_jobs->submit(makeDemoModelJob(m_ws));
    m_demo->setEnabled(false);
}

void TrainPage::onJobFinished(const JobInfo &info)
{
    if (info.id == m_preflightJob) {
        m_preflightJob = 0;
        const auto p = jobResult<TrainingPreflight>(info);
        if (info.state != JobState::Succeeded || !p) {
            m_preflight->setText(info.error.isEmpty() ? jobStateDisplayName(info.state) : info.error);
            Q_EMIT preflightShown(false);
            return;
        }
        QStringList lines;
        lines << tr("%1 (%2), %3 layers, hidden size %4, %5 parameters")
                     .arg(p->architecture, p->family, QString::number(p->layers), QString::number(p->hidden),
                          countText(p->parameters));
        lines << tr("Trains %1 parameters (%2 %)")
                     .arg(countText(p->trainableParameters))
                     .arg(p->parameters ? 100.0 * double(p->trainableParameters) / double(p->parameters) : 0.0, 0, 'f',
                          2);
        lines << tr("Memory estimate on %1 (%2): %3 — weights %4, trainable state %5, activations %6, embeddings %7")
                     .arg(p->device, p->dtype, bytesText(p->totalBytes), bytesText(p->weightBytes),
                          bytesText(p->trainableBytes), bytesText(p->activationBytes), bytesText(p->embeddingBytes));
        lines << (p->eosAppended
                      ? tr("EOS (%1) is appended to every text by EmbedForge (the tokenizer does not add it)")
                            .arg(p->eosToken)
                      : tr("The tokenizer appends EOS (%1) itself; EmbedForge adds no second one").arg(p->eosToken));
        lines << tr("Padding: %1 side; pooling: the last token (EOS), L2-normalised").arg(p->paddingSide);
        lines << tr("Queries: %1; documents: no instruction")
                     .arg(p->queryTemplate.toHtmlEscaped().replace(QLatin1String("\n"), QLatin1String("\\n")));
        if (!p->note.isEmpty())
            lines << p->note;
        m_preflight->setText(lines.join(QLatin1Char('\n')));
        Q_EMIT preflightShown(true);
        return;
    }
    if (info.id == m_demoModelJob) {
        m_demoModelJob = 0;
        m_demo->setEnabled(true);
        const auto dir = jobResult<QString>(info);
        if (info.state != JobState::Succeeded || !dir) {
            m_status->setText(tr("The demo model could not be created: %1").arg(info.error));
            return;
        }
        m_demoModel = *dir;
        setConfigJson(demoTrainingConfig(*dir));
        m_synthetic->setChecked(true);
        m_family->setCurrentIndex(0);
        m_language->setCurrentIndex(0);
        const int demo = m_evalCorpus->findData(QStringLiteral("demo"));
        if (demo >= 0)
            m_evalCorpus->setCurrentIndex(demo);
        m_evalInstruction->setText(kDemoInstruction);
        m_excludeEvalQueries->setChecked(true);
        m_corpusPairs->setChecked(demo >= 0);
        // The corpus's query texts arrive asynchronously: start once they are there.
        QTimer::singleShot(demo >= 0 ? 600 : 0, this, [this] {
            m_demoPending = true;
            if (!start())
                m_demoPending = false;
        });
        return;
    }
    if (info.id == m_exportJob) {
        m_exportJob = 0;
        const auto r = jobResult<QString>(info);
        if (info.state != JobState::Succeeded || !r) {
            m_status->setText(tr("Export failed: %1").arg(info.error));
            return;
        }
        const QStringList parts = r->split(QLatin1Char('\t'));
        m_status->setText(tr("Exported to %1 (reloaded and checked: lowest cosine %2 over %3 probe texts)")
                              .arg(parts.value(0), parts.value(2), parts.value(1)));
        if (m_demoRun && info.handle.toLongLong() == m_demoRun) {
            m_demoRun = 0;
            Q_EMIT compareRequested(m_demoModel, parts.value(0), QStringLiteral("demo"), kDemoInstruction);
        }
        return;
    }
    if (info.id == m_liveJob) {
        m_liveJob = 0;
        const qint64 run = m_liveRun;
        m_liveRun = 0;
        const auto outcome = jobResult<TrainingOutcome>(info);
        const QString status = outcome ? outcome->status : jobStateName(info.state);
        m_status->setText(
            info.state == JobState::Succeeded
                ? tr("Run %1 finished: %2").arg(argText(run), argText(outcome ? outcome->message : QString()))
                : tr("Run %1 %2: %3").arg(run).arg(jobStateLikeName(status), outcome ? outcome->message : info.error));
        reloadRuns(run);
        Q_EMIT runFinished(run, status);
        if (m_demoPending) {
            m_demoPending = false;
            if (info.state == JobState::Succeeded) {
                m_demoRun = run;
                const QString out =
                    QDir(m_ws.artifactsDir()).filePath(QStringLiteral("models/demo-trained-run%1").arg(run));
                QDir(out).removeRecursively();
                m_exportJob = m_jobs->submit(makeTrainingExportJob(m_ws, run, QStringLiteral("merged"), out));
                m_status->setText(
                    tr("Demo run %1 finished; exporting it to compare with its untrained start…").arg(run));
            }
        }
        updateButtons();
    }
}

void TrainPage::appendSample(Series &s, const MetricSample &m)
{
    const bool isEval = m.values.contains(QStringLiteral("eval.heldout.ndcg10")) ||
                        std::any_of(m.values.keyBegin(), m.values.keyEnd(),
                                    [](const QString &k) { return k.startsWith(QLatin1String("eval.")); });
    if (m.values.contains(QStringLiteral("loss"))) {
        const double examples = (s.examples.isEmpty() ? 0.0 : s.examples.last()) + m.value(QStringLiteral("examples"));
        s.step << double(m.step);
        s.examples << examples;
        s.time << m.value(QStringLiteral("elapsed_s"));
        s.loss << m.value(QStringLiteral("loss"));
        s.lr << m.value(QStringLiteral("lr"));
        s.gradNorm << m.value(QStringLiteral("grad_norm"));
        s.accuracy << m.value(QStringLiteral("accuracy"));
    }
    if (isEval) {
        // The held-out split, or the corpus when there is one (the last value wins).
        double ndcg = -1;
        for (auto it = m.values.constBegin(); it != m.values.constEnd(); ++it)
            if (it.key().startsWith(QLatin1String("eval.")) && it.key().endsWith(QLatin1String(".ndcg10")))
                ndcg = it.value();
        if (ndcg >= 0) {
            s.evalStep << double(m.step);
            s.evalExamples << (s.examples.isEmpty() ? 0.0 : s.examples.last());
            s.evalTime << (s.time.isEmpty() ? 0.0 : s.time.last());
            s.evalNdcg << ndcg;
        }
    }
}

void TrainPage::onMetrics(quint64 id, const QList<MetricSample> &samples)
{
    if (id != m_liveJob || !m_liveRun)
        return;
    Series &s = m_series[m_liveRun];
    for (const MetricSample &m : samples)
        appendSample(s, m);
    m_dirty = true; // the timer replots; never once per sample
}

void TrainPage::loadSeries(qint64 runId, bool overlay)
{
    const Workspace ws = m_ws;
    runAsync(
        m_io, this,
        [ws, runId] {
            struct Loaded
            {
                Expected<QList<TrainingPoint>> points;
                Expected<QList<TrainingEval>> evals;
                Expected<TrainingRunInfo> info;
            };
            return Loaded{trainingPoints(ws, runId), trainingEvals(ws, runId), trainingRun(ws, runId)};
        },
        [this, runId, overlay, path = ws.path()](const auto &l) {
            if (path != m_ws.path() || !l.points)
                return;
            Series s;
            double examples = 0;
            for (const TrainingPoint &p : *l.points) {
                examples += double(p.examples);
                s.step << double(p.step);
                s.examples << examples;
                s.time << p.elapsedS;
                s.loss << p.loss;
                s.lr << p.lr;
                s.gradNorm << p.gradNorm;
                s.accuracy << p.accuracy;
            }
            if (l.evals) {
                // One evaluation per step: the corpus when there is one, else the held-out split.
                QMap<qint64, double> byStep;
                for (const TrainingEval &e : *l.evals)
                    if (!byStep.contains(e.step) || e.split != QLatin1String("heldout"))
                        byStep[e.step] = e.ndcg10;
                for (auto it = byStep.constBegin(); it != byStep.constEnd(); ++it) {
                    const auto at = std::lower_bound(s.step.begin(), s.step.end(), double(it.key()));
                    const int i = at == s.step.end() ? int(s.step.size()) - 1 : int(at - s.step.begin());
                    s.evalStep << double(it.key());
                    s.evalExamples << (i >= 0 ? s.examples[i] : 0.0);
                    s.evalTime << (i >= 0 ? s.time[i] : 0.0);
                    s.evalNdcg << it.value();
                }
            }
            if (l.info)
                s.configJson = l.info->configJson;
            // A live run keeps the samples that arrived after its stored ones.
            if (runId == m_liveRun && m_series.contains(runId)) {
                const Series &live = m_series[runId];
                for (int i = 0; i < live.step.size(); ++i)
                    if (s.step.isEmpty() || live.step[i] > s.step.last()) {
                        s.step << live.step[i];
                        s.examples << live.examples[i];
                        s.time << live.time[i];
                        s.loss << live.loss[i];
                        s.lr << live.lr[i];
                        s.gradNorm << live.gradNorm[i];
                        s.accuracy << live.accuracy[i];
                    }
            }
            m_series[runId] = s;
            Q_UNUSED(overlay);
            m_dirty = true;
        });
}

void TrainPage::setXAxis(XAxis axis)
{
    m_axis = axis;
    if (m_axisCombo->currentIndex() != int(axis))
        m_axisCombo->setCurrentIndex(int(axis));
    m_dirty = true;
}

int TrainPage::plottedPoints() const
{
    return m_series.contains(m_shownRun) ? int(m_series[m_shownRun].loss.size()) : 0;
}

void TrainPage::replot()
{
    m_dirty = false;
    for (QCustomPlot *p : {m_lossPlot, m_lrPlot, m_normPlot, m_accPlot})
        p->clearPlottables();
    const auto xs = [this](const Series &s) -> const QVector<double> & {
        return m_axis == XAxis::Steps ? s.step : m_axis == XAxis::Examples ? s.examples : s.time;
    };
    const auto evalXs = [this](const Series &s) -> const QVector<double> & {
        return m_axis == XAxis::Steps ? s.evalStep : m_axis == XAxis::Examples ? s.evalExamples : s.evalTime;
    };
    const auto smooth = [this](const QVector<double> &v) {
        QVector<double> out(v.size());
        const double a = m_smoothing->value();
        double ema = 0;
        for (int i = 0; i < v.size(); ++i) {
            ema = i == 0 ? v[i] : a * ema + (1 - a) * v[i];
            out[i] = ema;
        }
        return out;
    };
    static const QColor overlayColors[] = {QColor(230, 120, 30), QColor(40, 160, 80), QColor(160, 60, 170),
                                           QColor(120, 120, 120)};
    int colorIndex = 0;
    for (qint64 id : overlayRuns()) {
        if (id == m_shownRun || !m_series.contains(id))
            continue;
        const Series &o = m_series[id];
        auto *g = m_lossPlot->addGraph();
        QPen pen(overlayColors[colorIndex++ % 4]);
        pen.setStyle(Qt::DashLine);
        pen.setWidthF(1.5);
        g->setPen(pen);
        g->setName(tr("run %1").arg(id));
        g->setData(xs(o), smooth(o.loss), true);
    }
    if (m_series.contains(m_shownRun)) {
        const Series &s = m_series[m_shownRun];
        auto *raw = m_lossPlot->addGraph();
        raw->setPen(QPen(QColor(120, 170, 230, 140)));
        raw->setData(xs(s), s.loss, true);
        auto *sm = m_lossPlot->addGraph();
        sm->setPen(QPen(QColor(20, 80, 200), 2));
        sm->setData(xs(s), smooth(s.loss), true);
        auto *lr = m_lrPlot->addGraph();
        lr->setPen(QPen(QColor(40, 140, 60), 2));
        lr->setData(xs(s), s.lr, true);
        auto *norm = m_normPlot->addGraph();
        norm->setPen(QPen(QColor(180, 90, 20)));
        norm->setData(xs(s), s.gradNorm, true);
        auto *acc = m_accPlot->addGraph();
        acc->setPen(QPen(QColor(90, 90, 200), 1.5));
        acc->setData(xs(s), smooth(s.accuracy), true);
        auto *ev = m_accPlot->addGraph();
        ev->setLineStyle(QCPGraph::lsLine);
        ev->setPen(QPen(QColor(200, 30, 30), 1, Qt::DotLine));
        ev->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(200, 30, 30), 7));
        ev->setData(evalXs(s), s.evalNdcg, true);
    }
    const QString xLabel = m_axis == XAxis::Steps      ? tr("step")
                           : m_axis == XAxis::Examples ? tr("examples")
                                                       : tr("seconds");
    for (QCustomPlot *p : {m_lossPlot, m_lrPlot, m_normPlot, m_accPlot}) {
        p->xAxis->setLabel(xLabel);
        p->rescaleAxes();
        if (p == m_accPlot)
            p->yAxis->setRange(0, 1.02);
        p->replot(QCustomPlot::rpQueuedReplot);
    }
    m_diff->setHtml(diffText());
    updateStatus();
    Q_EMIT curvesUpdated(plottedPoints());
}

QString TrainPage::diffText() const
{
    if (!m_series.contains(m_shownRun))
        return {};
    QStringList out;
    for (qint64 id : overlayRuns()) {
        if (id == m_shownRun || !m_series.contains(id))
            continue;
        const QStringList d = configDifferences(m_series[m_shownRun].configJson, m_series[id].configJson);
        out << tr("<b>Run %1 → run %2</b>: %3")
                   .arg(argText(m_shownRun), argText(id),
                        argText(d.isEmpty() ? tr("the same settings") : d.join(QStringLiteral("; ")).toHtmlEscaped()));
    }
    return out.join(QStringLiteral("<br>"));
}

void TrainPage::updateButtons()
{
    const qint64 id = selectedRun();
    bool resumable = false;
    for (const TrainingRunInfo &r : m_runs)
        if (r.id == id)
            resumable = r.resumable() && r.id != m_liveRun;
    m_resume->setEnabled(id > 0 && resumable && !m_liveJob);
    m_stop->setEnabled(m_liveJob != 0);
    m_export->setEnabled(id > 0 && id != m_liveRun && !m_exportJob);
    m_start->setEnabled(!m_liveJob);
    m_demo->setEnabled(!m_liveJob && !m_demoModelJob);
}

void TrainPage::updateStatus()
{
    if (!m_liveRun) {
        if (m_status->text().isEmpty() && m_series.contains(m_shownRun) && !m_series[m_shownRun].loss.isEmpty()) {
            const Series &s = m_series[m_shownRun];
            m_status->setText(
                tr("Run %1: %2 steps, last loss %3").arg(m_shownRun).arg(s.step.last()).arg(s.loss.last(), 0, 'f', 4));
        }
        return;
    }
    const Series &s = m_series[m_liveRun];
    qint64 total = 0;
    for (const TrainingRunInfo &r : m_runs)
        if (r.id == m_liveRun)
            total = r.totalSteps;
    if (s.step.isEmpty()) {
        m_status->setText(tr("Run %1: loading the model and the data…").arg(m_liveRun));
        return;
    }
    // ETA from the median of the recent steps' durations.
    QVector<double> durations;
    for (int i = std::max(1, int(s.time.size()) - 20); i < s.time.size(); ++i)
        durations << s.time[i] - s.time[i - 1];
    std::sort(durations.begin(), durations.end());
    const double perStep = durations.isEmpty() ? 0 : durations[durations.size() / 2];
    const qint64 done = qint64(s.step.last());
    QString eta;
    if (total > done && perStep > 0) {
        const qint64 secs = qint64((total - done) * perStep);
        eta = tr(", about %1 left")
                  .arg(secs >= 3600 ? tr("%1 h %2 min").arg(secs / 3600).arg((secs % 3600) / 60)
                       : secs >= 60 ? tr("%1 min %2 s").arg(secs / 60).arg(secs % 60)
                                    : tr("%1 s").arg(secs));
    }
    m_status->setText(tr("Run %1: step %2 of %3, loss %4%5")
                          .arg(m_liveRun)
                          .arg(done)
                          .arg(total)
                          .arg(s.loss.last(), 0, 'f', 4)
                          .arg(eta));
}

void TrainPage::exportSelected()
{
    const qint64 id = selectedRun();
    if (!id || qEnvironmentVariableIsSet("EMBEDFORGE_NO_DIALOGS"))
        return;
    bool ok = false;
    const QStringList formats = {QStringLiteral("peft"), QStringLiteral("merged"),
                                 QStringLiteral("sentence-transformers")};
    const QString format =
        QInputDialog::getItem(this, tr("Export run %1").arg(id), tr("Format:"), formats, 0, false, &ok);
    if (!ok)
        return;
    const QString parent = QFileDialog::getExistingDirectory(this, tr("Folder to write the export into"));
    if (parent.isEmpty())
        return;
    const QString out = QDir(parent).filePath(QStringLiteral("run%1-%2").arg(argText(id), argText(format)));
    m_exportJob = m_jobs->submit(makeTrainingExportJob(m_ws, id, format, out));
    m_status->setText(tr("Exporting run %1 to %2…").arg(argText(id), argText(out)));
    updateButtons();
}

void TrainPage::resetToPaperValues()
{
    const QString model = m_model->text();
    setConfigJson(defaultTrainingConfig());
    m_model->setText(model);
}

void TrainPage::loadConfigFile()
{
    if (qEnvironmentVariableIsSet("EMBEDFORGE_NO_DIALOGS"))
        return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Load training settings"), {}, tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        m_status->setText(tr("%1: cannot be read").arg(path));
        return;
    }
    const QString text = QString::fromUtf8(f.readAll());
    const Status valid = validateTrainingConfig(text);
    if (!valid) {
        m_status->setText(tr("%1: %2").arg(path, valid.error()));
        return;
    }
    setConfigJson(text);
}

void TrainPage::saveConfigFile()
{
    if (qEnvironmentVariableIsSet("EMBEDFORGE_NO_DIALOGS"))
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save training settings"), QStringLiteral("train.json"),
                                                      tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(configJson().toUtf8()) < 0)
        m_status->setText(tr("%1: cannot write").arg(path));
}

qint64 TrainPage::selectedRun() const
{
    const auto rows = m_runTable->selectionModel() ? m_runTable->selectionModel()->selectedRows() : QModelIndexList{};
    if (rows.isEmpty())
        return 0;
    const QTableWidgetItem *item = m_runTable->item(rows.first().row(), 0);
    return item ? item->data(Qt::UserRole).toLongLong() : 0;
}

QList<qint64> TrainPage::overlayRuns() const
{
    QList<qint64> out;
    for (int i = 0; i < m_runTable->rowCount(); ++i)
        if (const QTableWidgetItem *item = m_runTable->item(i, 0); item && item->checkState() == Qt::Checked)
            out << item->data(Qt::UserRole).toLongLong();
    return out;
}

void TrainPage::selectRun(qint64 runId)
{
    for (int i = 0; i < m_runTable->rowCount(); ++i)
        if (m_runTable->item(i, 0) && m_runTable->item(i, 0)->data(Qt::UserRole).toLongLong() == runId)
            m_runTable->selectRow(i);
}

} // namespace ef
