// SPDX-License-Identifier: GPL-3.0-or-later
// The Dataset page.
#include "widgets/datasetpage.h"

#include <cmath>

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QPushButton>
#include <QSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QMouseEvent>
#include <QToolTip>
#include <QUrl>
#include <QVBoxLayout>

#include "backend/argtext.h"
#include "widgets/qcustomplot_compat.h"

#include "backend/database.h"
#include "backend/dataset.h"
#include "backend/examples.h"
#include "backend/templates.h"
#include "backend/jobs.h"
#include "backend/leakage.h"
#include "backend/llmparse.h"
#include "widgets/async.h"
#include "widgets/displaytext.h"

namespace ef {

DatasetPage::DatasetPage(QThreadPool *ioPool, QWidget *parent)
    : QWidget(parent), m_ioPool(ioPool), m_model(new ExamplesModel(ioPool, this)), m_family(new QComboBox(this)),
      m_language(new QComboBox(this)), m_status(new QComboBox(this)), m_task(new QLineEdit(this)),
      m_search(new QLineEdit(this)), m_count(new QLabel(this)), m_view(new QTableView(this)),
      m_detail(new QTextBrowser(this)), m_languagePlot(new QCustomPlot(this)), m_familyPlot(new QCustomPlot(this)),
      m_lengthPlot(new QCustomPlot(this)), m_invalidPlot(new QCustomPlot(this))
{
    setObjectName(QStringLiteral("datasetPage"));
    m_view->setObjectName(QStringLiteral("examplesView"));
    m_detail->setObjectName(QStringLiteral("exampleDetail"));
    m_detail->setOpenLinks(false); // example:N links show that example here
    connect(m_detail, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == QLatin1String("example"))
            showDetail(url.path().toLongLong());
    });
    m_search->setObjectName(QStringLiteral("exampleSearch"));
    m_count->setObjectName(QStringLiteral("exampleCount"));

    m_family->addItem(tr("All families"), QString());
    for (const QString &f : taskFamilies())
        m_family->addItem(f, f);
    m_language->addItem(tr("All languages"), QString());
    m_status->addItem(tr("Any status"), QString());
    m_status->addItem(tr("Valid"), QStringLiteral("valid"));
    m_status->addItem(tr("Invalid"), QStringLiteral("invalid"));
    m_status->addItem(tr("Duplicate"), QStringLiteral("duplicate"));
    m_status->addItem(tr("Flagged as leaked"), QStringLiteral("leaked"));
    m_task->setObjectName(QStringLiteral("exampleTask"));
    m_task->setPlaceholderText(tr("Task contains…"));
    m_task->setClearButtonEnabled(true);
    m_search->setPlaceholderText(tr("Search instruction, query and documents…"));
    m_search->setClearButtonEnabled(true);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_family);
    filters->addWidget(m_language);
    filters->addWidget(m_status);
    filters->addWidget(m_task, 1);
    filters->addWidget(m_search, 2);
    // The second row: what the filter shows, and what can be done with it.
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_count);
    m_leakageStatus = new QLabel(this);
    m_leakageStatus->setObjectName(QStringLiteral("leakageStatus"));
    m_leakageStatus->setWordWrap(true);
    actions->addWidget(m_leakageStatus, 1);
    m_checkLeakage = new QPushButton(tr("Check leakage…"), this);
    m_checkLeakage->setObjectName(QStringLiteral("checkLeakage"));
    m_checkLeakage->setToolTip(tr("Find the examples that share a long word n-gram with a corpus's queries or "
                                  "documents (an evaluation set the LLM may have reproduced)"));
    m_checkLeakage->setVisible(false);
    actions->addWidget(m_checkLeakage);
    connect(m_checkLeakage, &QPushButton::clicked, this, &DatasetPage::chooseLeakageCheck);
    m_excludeLeaked = new QPushButton(tr("Exclude flagged from training"), this);
    m_excludeLeaked->setObjectName(QStringLiteral("excludeLeaked"));
    m_excludeLeaked->setToolTip(tr("Leave every example a leakage check flagged out of training and exports"));
    m_excludeLeaked->setVisible(false);
    actions->addWidget(m_excludeLeaked);
    connect(m_excludeLeaked, &QPushButton::clicked, this, &DatasetPage::excludeLeaked);
    m_export = new QPushButton(tr("Export…"), this);
    m_export->setObjectName(QStringLiteral("exportDataset"));
    m_export->setVisible(false);
    actions->addWidget(m_export);
    connect(m_export, &QPushButton::clicked, this, &DatasetPage::chooseExport);

    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(22);
    m_view->horizontalHeader()->setSectionResizeMode(ExamplesModel::PositiveColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(ExamplesModel::IdColumn, 50);
    m_view->setColumnWidth(ExamplesModel::FamilyColumn, 90);
    m_view->setColumnWidth(ExamplesModel::LanguageColumn, 70);
    m_view->setColumnWidth(ExamplesModel::StatusColumn, 90);
    m_view->setColumnWidth(ExamplesModel::InstructionColumn, 200);
    m_view->setColumnWidth(ExamplesModel::QueryColumn, 220);
    m_view->setColumnWidth(ExamplesModel::NegativeColumn, 180);

    auto *tableSplit = new QSplitter(Qt::Vertical, this);
    tableSplit->addWidget(m_view);
    tableSplit->addWidget(m_detail);
    tableSplit->setSizes({420, 220});

    auto *charts = new QWidget(this);
    auto *grid = new QGridLayout(charts);
    grid->addWidget(m_languagePlot, 0, 0);
    grid->addWidget(m_familyPlot, 0, 1);
    grid->addWidget(m_lengthPlot, 1, 0);
    grid->addWidget(m_invalidPlot, 1, 1);
    for (QCustomPlot *p : {m_languagePlot, m_familyPlot, m_lengthPlot, m_invalidPlot}) {
        p->setMinimumSize(320, 220);
        p->plotLayout()->insertRow(0);
    }
    const auto title = [](QCustomPlot *p, const QString &t) {
        p->plotLayout()->addElement(0, 0, new QCPTextElement(p, t, QFont(QStringLiteral("sans"), 10, QFont::Bold)));
    };
    title(m_languagePlot, tr("Examples per language"));
    title(m_familyPlot, tr("Examples per task family"));
    title(m_lengthPlot, tr("Length in words (query, positive, hard negative)"));
    title(m_invalidPlot, tr("Invalid outputs by reason"));
    // Hover: the bar's label and count; click: filter to that language or family.
    for (QCustomPlot *p : {m_languagePlot, m_familyPlot, m_invalidPlot}) {
        p->setMouseTracking(true);
        connect(p, &QCustomPlot::mouseMove, this, [p](QMouseEvent *event) {
            const int bar = static_cast<int>(std::lround(p->xAxis->pixelToCoord(event->pos().x()))) - 1;
            const QStringList labels = p->property("barLabels").toStringList();
            const QVector<double> values = p->property("barValues").value<QVector<double>>();
            if (bar >= 0 && bar < values.size())
                QToolTip::showText(event->globalPosition().toPoint(),
                                   QStringLiteral("%1: %2").arg(bar < labels.size() ? labels.at(bar) : tr("others"),
                                                                QLocale().toString(qint64(values.at(bar)))),
                                   p);
        });
    }
    const auto filterOnClick = [this](QCustomPlot *plot, QComboBox *combo) {
        connect(plot, &QCustomPlot::mousePress, this, [this, plot, combo](QMouseEvent *event) {
            const int bar = static_cast<int>(std::lround(plot->xAxis->pixelToCoord(event->pos().x()))) - 1;
            const QStringList labels = plot->property("barLabels").toStringList();
            if (bar < 0 || bar >= labels.size())
                return;
            int index = combo->findData(labels.at(bar));
            if (index < 0) {
                combo->addItem(labels.at(bar), labels.at(bar));
                index = combo->count() - 1;
            }
            combo->setCurrentIndex(index); // the filter follows
        });
    };
    filterOnClick(m_languagePlot, m_language);
    filterOnClick(m_familyPlot, m_family);

    auto *tabs = new QTabWidget(this);
    tabs->addTab(tableSplit, tr("Examples"));
    tabs->addTab(charts, tr("Charts"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(QStringLiteral("<h2>%1</h2>").arg(tr("Dataset")), this));
    layout->addLayout(filters);
    layout->addLayout(actions);
    layout->addWidget(tabs, 1);

    m_searchTimer.setSingleShot(true);
    m_searchTimer.setInterval(250);
    connect(&m_searchTimer, &QTimer::timeout, this, &DatasetPage::applyFilter);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchTimer.start(); });
    connect(m_task, &QLineEdit::textChanged, this, [this] { m_searchTimer.start(); });
    for (QComboBox *c : {m_family, m_language, m_status})
        connect(c, &QComboBox::currentIndexChanged, this, &DatasetPage::applyFilter);
    connect(m_model, &ExamplesModel::loaded, this,
            [this](int rows) { m_count->setText(tr("%1 examples").arg(QLocale().toString(rows))); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    showDetail(m_model->idAt(current.row()));
            });
    setEnabled(false);
}

void DatasetPage::setWorkspace(const Workspace &ws)
{
    m_ws = ws;
    setEnabled(ws.isValid());
    // Nothing of the previous workspace stays on screen: its filter, its example, its check.
    m_leakageJob = 0; // a check still running there reports to nobody
    m_checkLeakage->setEnabled(true);
    m_leakageStatus->clear();
    m_detail->clear();
    {
        const QSignalBlocker b1(m_family), b2(m_language), b3(m_status), b4(m_task), b5(m_search);
        m_family->setCurrentIndex(0);
        m_language->setCurrentIndex(0);
        m_status->setCurrentIndex(0);
        m_task->clear();
        m_search->clear();
    }
    m_searchTimer.stop();
    m_excludeLeaked->setVisible(false);
    m_model->setWorkspace(ws, ExampleFilter{});
    loadStats();
}

void DatasetPage::refresh()
{
    m_model->refresh();
    loadStats();
}

void DatasetPage::setFilter(const ExampleFilter &f)
{
    m_family->setCurrentIndex(std::max(0, m_family->findData(f.family)));
    if (m_language->findData(f.language) < 0 && !f.language.isEmpty())
        m_language->addItem(f.language, f.language);
    m_language->setCurrentIndex(std::max(0, m_language->findData(f.language)));
    m_status->setCurrentIndex(std::max(0, m_status->findData(f.leakedOnly ? QStringLiteral("leaked") : f.status)));
    m_task->setText(f.task);
    m_search->setText(f.text);
    applyFilter();
}

void DatasetPage::applyFilter()
{
    m_searchTimer.stop();
    ExampleFilter f;
    f.family = m_family->currentData().toString();
    f.language = m_language->currentData().toString();
    f.status = m_status->currentData().toString();
    if (f.status == QLatin1String("leaked")) { // examples a leakage check flagged (dataset leakage)
        f.status.clear();
        f.leakedOnly = true;
    }
    f.task = m_task->text().trimmed();
    f.text = m_search->text().trimmed();
    m_excludeLeaked->setVisible(f.leakedOnly);
    if (f == m_model->filter())
        return;
    m_model->setFilter(f);
    m_detail->clear();
    loadStats();
}

void DatasetPage::loadStats()
{
    if (!m_ws.isValid())
        return;
    const Workspace ws = m_ws;
    const ExampleFilter f = m_model->filter();
    const quint64 generation = ++m_statsGeneration;
    runAsync(
        m_ioPool, this, [ws, f] { return exampleCharts(ws, f); },
        [this, generation](const Expected<ExampleCharts> &result) {
            if (generation == m_statsGeneration)
                showStats(result);
        });
}

namespace {
// Counts get whole-number ticks (1, 2, 5, 10, ... apart), never 0.5.
void integerTicks(QCPAxis *axis, double maxValue)
{
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    // About five ticks, 1, 2 or 5 times a power of ten apart.
    const double raw = std::max(1.0, maxValue / 5.0);
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double base = raw / power;
    const double step = std::max(1.0, (base <= 1 ? 1 : base <= 2 ? 2 : base <= 5 ? 5 : 10) * power);
    ticker->setTickStep(step);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    axis->setTicker(ticker);
    axis->setNumberFormat(QStringLiteral("f"));
    axis->setNumberPrecision(0);
}
} // namespace

void DatasetPage::plotBars(QCustomPlot *plot, const QList<QPair<QString, qint64>> &data, int maxBars)
{
    plot->clearPlottables();
    auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setBrush(QColor(0x2b, 0x4c, 0x7e, 200));
    bars->setPen(Qt::NoPen);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    QVector<double> keys, values;
    qint64 other = 0;
    for (int i = 0; i < data.size(); ++i) {
        if (i < maxBars) {
            keys << i + 1;
            values << static_cast<double>(data.at(i).second);
            ticker->addTick(i + 1, data.at(i).first.isEmpty() ? tr("(none)") : data.at(i).first);
        } else {
            other += data.at(i).second;
        }
    }
    if (other > 0) {
        keys << maxBars + 1;
        values << static_cast<double>(other);
        ticker->addTick(maxBars + 1, tr("others"));
    }
    bars->setData(keys, values);
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setTickLabelRotation(keys.size() > 6 ? 60 : 0);
    plot->xAxis->setRange(0, keys.size() + 1);
    const double maxValue = values.isEmpty() ? 1 : *std::max_element(values.cbegin(), values.cend());
    plot->yAxis->setRange(0, std::max(1.0, maxValue * 1.1));
    integerTicks(plot->yAxis, maxValue);
    // What each bar stands for, for hover values and click-to-filter.
    QStringList labels;
    for (int i = 0; i < data.size() && i < maxBars; ++i)
        labels << data.at(i).first;
    plot->setProperty("barLabels", labels);
    plot->setProperty("barValues", QVariant::fromValue(values));
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void DatasetPage::showStats(const Expected<ExampleCharts> &result)
{
    if (!result) {
        m_count->setText(result.error());
        return;
    }
    m_stats = result.value();
    const ExampleCharts &s = m_stats;
    // Keep the language filter's choices in step with the data.
    const QString current = m_language->currentData().toString();
    m_language->blockSignals(true);
    while (m_language->count() > 1)
        m_language->removeItem(1);
    for (const QString &l : s.languages)
        m_language->addItem(l, l);
    m_language->setCurrentIndex(std::max(0, m_language->findData(current)));
    m_language->blockSignals(false);

    plotBars(m_languagePlot, s.perLanguage, 15);
    plotBars(m_familyPlot, s.perFamily, 6);
    plotBars(m_invalidPlot, s.invalidReasons, 8);

    m_lengthPlot->clearPlottables();
    m_lengthPlot->legend->setVisible(true);
    const QList<QPair<QString, QColor>> series = {{QStringLiteral("query"), QColor(0x2b, 0x4c, 0x7e)},
                                                  {QStringLiteral("positive"), QColor(0x3c, 0x9d, 0x5d)},
                                                  {QStringLiteral("negative"), QColor(0xe0, 0x8a, 0x2a)}};
    const QStringList names = {tr("query"), tr("positive"), tr("hard negative")};
    double maxY = 1;
    for (int k = 0; k < series.size(); ++k) {
        const QVector<qint64> bins = s.wordHistograms.value(series[k].first);
        QVector<double> x, y;
        for (int b = 0; b < bins.size(); ++b) {
            x << (b + 0.5) * s.binWords;
            y << static_cast<double>(bins.at(b));
            maxY = std::max(maxY, static_cast<double>(bins.at(b)));
        }
        auto *g = m_lengthPlot->addGraph();
        g->setName(names.at(k));
        g->setPen(QPen(series[k].second, 2));
        g->setLineStyle(QCPGraph::lsStepCenter);
        g->setData(x, y);
    }
    m_lengthPlot->xAxis->setLabel(
        tr("words (last bin: %1 and more)").arg((ExampleCharts::kLengthBins - 1) * s.binWords));
    m_lengthPlot->xAxis->setRange(0, ExampleCharts::kLengthBins * s.binWords);
    m_lengthPlot->yAxis->setRange(0, maxY * 1.1);
    integerTicks(m_lengthPlot->yAxis, maxY);
    m_lengthPlot->replot(QCustomPlot::rpQueuedReplot);
    Q_EMIT statsUpdated();
}

void DatasetPage::showDetail(qint64 id)
{
    const Workspace ws = m_ws;
    const quint64 request = ++m_detailRequest; // a newer selection supersedes this one
    runAsync(
        m_ioPool, this,
        [ws, id]() -> QString {
            const Expected<ExampleDetail> d = exampleDetail(ws, id);
            if (!d)
                return d.error().toHtmlEscaped();
            const auto field = [](const QString &name, const QString &value) {
                return QStringLiteral("<h4>%1</h4><p style='white-space: pre-wrap'>%2</p>")
                    .arg(name, value.toHtmlEscaped());
            };
            QString html = QStringLiteral("<p><b>#%1</b> · %2 · %3 · %4</p>")
                               .arg(id)
                               .arg(d->family.toHtmlEscaped(), d->language.toHtmlEscaped(),
                                    exampleStatusName(d->status).toHtmlEscaped());
            if (d->status == QLatin1String("invalid"))
                html +=
                    QStringLiteral("<p style='color:#b00020'>%1</p>")
                        .arg(tr("Invalid (%1): %2. %3")
                                 .arg(d->invalidReason, invalidReasonDescription(d->invalidReason), d->invalidDetail)
                                 .toHtmlEscaped());
            for (const ExampleDetail::Leak &leak : d->leaks) // why a leakage check flagged it
                html +=
                    QStringLiteral("<p style='color:#8a4b00'>%1</p>")
                        .arg(tr("Flagged as leaked: its %1 shares “%2” with %3 %4 of corpus %5.")
                                 .arg(argText(leak.field == QLatin1String("query")      ? tr("query")
                                              : leak.field == QLatin1String("positive") ? tr("positive")
                                                                                        : tr("hard negative")),
                                      argText(leak.ngram),
                                      argText(leak.matchKind == QLatin1String("query") ? tr("query") : tr("document")),
                                      argText(leak.matchId), argText(leak.corpus))
                                 .toHtmlEscaped());
            if (d->duplicateOf > 0) // a link to the example it repeats
                html += QStringLiteral("<p>%1</p>")
                            .arg(tr("Duplicate of <a href='example:%1'>example #%1</a>").arg(d->duplicateOf));
            html += field(tr("Instruction"), d->instruction) + field(tr("Query"), d->query) +
                    field(tr("Positive"), d->positive) + field(tr("Hard negative"), d->negative) +
                    field(tr("Template"),
                          QStringLiteral("%1 v%2").arg(argText(d->templateId), argText(d->templateVersion))) +
                    field(tr("Sampled values"), d->placeholders) + field(tr("Prompt"), d->prompt) +
                    field(tr("Raw response"), d->rawResponse);
            return html;
        },
        [this, id, request](const QString &result) {
            if (request != m_detailRequest)
                return;
            m_detail->setHtml(result);
            Q_EMIT detailShown(id);
        });
}

void DatasetPage::setJobManager(JobManager *jobs)
{
    if (m_jobs)
        disconnect(m_jobs, nullptr, this, nullptr);
    m_jobs = jobs;
    m_export->setVisible(jobs != nullptr);
    m_checkLeakage->setVisible(jobs != nullptr);
    if (jobs)
        connect(jobs, &JobManager::jobFinished, this, &DatasetPage::onJobFinished);
}

quint64 DatasetPage::startLeakageCheck(const QString &corpus, int ngram)
{
    if (!m_jobs || !m_ws.isValid() || m_leakageJob)
        return 0;
    m_checkLeakage->setEnabled(false);
    m_leakageStatus->setText(tr("Checking the examples against %1…").arg(corpus.toHtmlEscaped()));
    m_leakageJob = m_jobs->submit(makeLeakageCheckJob(m_ws, corpus, ngram));
    return m_leakageJob;
}

void DatasetPage::onJobFinished(const JobInfo &info)
{
    if (info.id != m_leakageJob)
        return;
    m_leakageJob = 0;
    m_checkLeakage->setEnabled(true);
    const std::optional<LeakageReport> report = jobResult<LeakageReport>(info);
    if (info.state != JobState::Succeeded || !report) {
        m_leakageStatus->setText(info.state == JobState::Cancelled
                                     ? tr("The leakage check was cancelled; earlier flags are unchanged.")
                                     : QStringLiteral("<span style='color:#b00020'>%1</span>")
                                           .arg(tr("The leakage check failed: %1").arg(info.error).toHtmlEscaped()));
        Q_EMIT leakageChecked(-1);
        return;
    }
    if (report->flagged > 0) {
        // Show what it found: the flagged examples, each with the n-gram it shares.
        ExampleFilter f = m_model->filter();
        f.status.clear();
        f.leakedOnly = true;
        setFilter(f);
    }
    m_leakageStatus->setText(tr("Leakage check: %1 of %2 examples share a %3-word n-gram with corpus %4.")
                                 .arg(argText(QLocale().toString(report->flagged)),
                                      argText(QLocale().toString(report->examplesChecked)), argText(report->ngram),
                                      argText(report->corpus.toHtmlEscaped())));
    Q_EMIT leakageChecked(report->flagged);
}

void DatasetPage::chooseLeakageCheck()
{
    if (!m_ws.isValid())
        return;
    const Workspace ws = m_ws;
    runAsync(
        m_ioPool, this, [ws] { return listCorpora(ws); },
        [this](const Expected<QList<CorpusInfo>> &corpora) {
            if (!corpora || corpora->isEmpty()) {
                m_leakageStatus->setText(
                    corpora ? tr("The workspace has no corpus to check against: import one with Corpus › "
                                 "Import…")
                            : corpora.error().toHtmlEscaped());
                return;
            }
            QDialog dlg(this);
            dlg.setObjectName(QStringLiteral("leakageDialog"));
            dlg.setWindowTitle(tr("Check leakage"));
            auto *form = new QFormLayout(&dlg);
            auto *intro = new QLabel(tr("Flags the valid and duplicate examples whose query or documents share "
                                        "n consecutive words with the corpus's queries or documents. The flags "
                                        "replace the corpus's earlier ones."),
                                     &dlg);
            intro->setWordWrap(true);
            form->addRow(intro);
            auto *corpus = new QComboBox(&dlg);
            corpus->setObjectName(QStringLiteral("leakageCorpus"));
            for (const CorpusInfo &c : corpora.value())
                corpus->addItem(
                    tr("%1 (%2 documents, %3 queries)").arg(argText(c.name), argText(c.documents), argText(c.queries)),
                    c.name);
            auto *ngram = new QSpinBox(&dlg);
            ngram->setObjectName(QStringLiteral("leakageNgram"));
            ngram->setRange(4, 64);
            ngram->setValue(13);
            ngram->setToolTip(tr("13 words, as the GPT-3 and LLaMA contamination checks use; a CJK character counts "
                                 "as a word"));
            form->addRow(tr("Corpus:"), corpus);
            form->addRow(tr("Words in common:"), ngram);
            auto *box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dlg);
            box->button(QDialogButtonBox::Ok)->setText(tr("Check"));
            form->addRow(box);
            connect(box, &QDialogButtonBox::accepted, &dlg, &QDialog::accept);
            connect(box, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
            if (dlg.exec() == QDialog::Accepted)
                startLeakageCheck(corpus->currentData().toString(), ngram->value());
        });
}

QString DatasetPage::leakageText() const
{
    return m_leakageStatus->text();
}

void DatasetPage::excludeLeaked()
{
    if (!m_ws.isValid())
        return;
    const Workspace ws = m_ws;
    m_excludeLeaked->setEnabled(false);
    runAsync(
        m_ioPool, this,
        [ws]() -> Expected<qint64> {
            auto db = ws.connect();
            if (!db)
                return makeError(db.error());
            return excludeFlaggedExamples(**db);
        },
        [this](const Expected<qint64> &n) {
            m_excludeLeaked->setEnabled(true);
            if (!n) {
                m_count->setText(
                    QStringLiteral("<span style='color:#b00020'>%1</span>").arg(n.error().toHtmlEscaped()));
                Q_EMIT leakedExcluded(-1);
                return;
            }
            m_count->setText(tr("%1 excluded from training").arg(n.value()));
            m_count->setToolTip(
                tr("%1 example(s) flagged by a leakage check are left out of training and exports").arg(n.value()));
            Q_EMIT leakedExcluded(n.value());
        });
}

quint64 DatasetPage::startExport(const ExportOptions &options)
{
    if (!m_jobs || !m_ws.isValid())
        return 0;
    ExportOptions o = options;
    o.filter = m_model->filter(); // the page exports what it shows (issue 14.7: 30 rows shown, 118 exported)
    return m_jobs->submit(makeExportJob(m_ws, o));
}

void DatasetPage::chooseExport()
{
    QDialog dlg(this);
    dlg.setWindowTitle(tr("Export dataset"));
    auto *form = new QFormLayout(&dlg);
    form->addRow(new QLabel(tr("Exports the valid examples the current filter shows."), &dlg));
    auto *format = new QComboBox(&dlg);
    format->addItem(tr("Examples: instruction, query, positive, negative, family, language"),
                    QStringLiteral("examples"));
    format->addItem(tr("sentence-transformers triplets: anchor, positive, negative"), QStringLiteral("triplets"));
    auto *fraction = new QDoubleSpinBox(&dlg);
    fraction->setRange(0.0, 0.5);
    fraction->setSingleStep(0.05);
    fraction->setValue(0.05);
    auto *seed = new QSpinBox(&dlg);
    seed->setRange(0, std::numeric_limits<int>::max());
    seed->setValue(42);
    form->addRow(tr("Format:"), format);
    form->addRow(tr("Validation fraction:"), fraction);
    form->addRow(tr("Split seed:"), seed);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dlg);
    form->addRow(box);
    connect(box, &QDialogButtonBox::accepted, &dlg, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
    if (dlg.exec() != QDialog::Accepted)
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export dataset"), QStringLiteral("train.jsonl"),
                                                      tr("JSON Lines (*.jsonl)"));
    if (path.isEmpty())
        return;
    ExportOptions options;
    options.format = format->currentData().toString();
    options.path = path;
    options.validationFraction = fraction->value();
    options.seed = static_cast<quint64>(seed->value());
    startExport(options);
}

QString DatasetPage::detailText() const
{
    return m_detail->toPlainText();
}

} // namespace ef
