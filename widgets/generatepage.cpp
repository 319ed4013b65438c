// SPDX-License-Identifier: GPL-3.0-or-later
// The Generate page.
#include "widgets/generatepage.h"

#include <algorithm>
#include <optional>

#include <QCheckBox>
#include <QComboBox>
#include <QTimer>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include "backend/argtext.h"
#include "backend/database.h"
#include "backend/generation.h"
#include "backend/jobs.h"
#include "backend/templates.h"
#include "widgets/displaytext.h"
#include "widgets/errorbox.h"
#include "widgets/async.h"
#include "widgets/jobsdock.h"

namespace ef {

namespace {
QStringList splitCodes(const QString &s)
{
    QStringList out;
    for (const QString &part : s.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts))
        out << part.trimmed();
    return out;
}
} // namespace

GeneratePage::GeneratePage(JobManager *jobs, QThreadPool *ioPool, QWidget *parent)
    : QWidget(parent), m_jobs(jobs), m_ioPool(ioPool), m_endpoint(new QComboBox(this)), m_examples(new QSpinBox(this)),
      m_scheme(new QComboBox(this)), m_languages(new QLineEdit(this)), m_seed(new QSpinBox(this)),
      m_concurrency(new QSpinBox(this)), m_familyWeights(new QLineEdit(this)), m_budget(new QDoubleSpinBox(this)),
      m_plan(new QLabel(this)), m_planTimer(new QTimer(this)),
      m_startButton(new QPushButton(tr("Start new run"), this)), m_resumeButton(new QPushButton(tr("Resume"), this)),
      m_stopButton(new QPushButton(tr("Stop"), this)), m_progress(new QProgressBar(this)),
      m_countersLabel(new QLabel(this)), m_runs(new QTableWidget(0, 7, this)), m_previewLanguages(new QLineEdit(this)),
      m_previewPerCell(new QSpinBox(this)), m_grid(new QTableWidget(this))
{
    setObjectName(QStringLiteral("generatePage"));
    m_endpoint->setObjectName(QStringLiteral("generateEndpoint"));
    m_startButton->setObjectName(QStringLiteral("startRun"));
    m_resumeButton->setObjectName(QStringLiteral("resumeRun"));
    m_stopButton->setObjectName(QStringLiteral("stopRun"));
    m_countersLabel->setObjectName(QStringLiteral("runCounters"));
    m_grid->setObjectName(QStringLiteral("previewGrid"));
    m_runs->setObjectName(QStringLiteral("runsTable"));

    // --- Run tab ---
    auto *configBox = new QGroupBox(tr("Run configuration"), this);
    auto *form = new QFormLayout(configBox);
    form->addRow(tr("Endpoint:"), m_endpoint);
    m_examples->setRange(1, 100000000);
    m_examples->setValue(120);
    m_examples->setGroupSeparatorShown(true);
    m_examples->setObjectName(QStringLiteral("examples"));
    form->addRow(tr("Examples:"), m_examples);
    auto *familyRow = new QHBoxLayout;
    for (const QString &f : taskFamilies()) {
        auto *box = new QCheckBox(f, this);
        box->setChecked(true);
        box->setObjectName(QStringLiteral("family_") + f);
        m_families << box;
        familyRow->addWidget(box);
    }
    familyRow->addStretch();
    form->addRow(tr("Families:"), familyRow);
    // The paper's mix by default (short-long 167k, long-short 122k, STS 99k, bitext 89k,
    // long-long 17k, short-short 13k).
    QStringList mix;
    for (const QString &f : taskFamilies())
        mix << QStringLiteral("%1=%2").arg(f, QString::number(paperFamilyWeights().value(f)));
    m_familyWeights->setText(mix.join(QLatin1Char(',')));
    m_familyWeights->setObjectName(QStringLiteral("familyWeights"));
    m_familyWeights->setToolTip(tr("Relative number of examples per family; the default is the paper's mix"));
    form->addRow(tr("Family weights:"), m_familyWeights);
    m_scheme->addItem(tr("Paper-like (English 43%, 13 major languages 2.9%)"), QStringLiteral("ose"));
    m_scheme->addItem(tr("Uniform over the languages"), QStringLiteral("uniform"));
    m_scheme->addItem(tr("Proportional to CC-100 size"), QStringLiteral("size"));
    form->addRow(tr("Language weighting:"), m_scheme);
    m_languages->setPlaceholderText(tr("all 100 XLM-R languages; or codes such as en, zh, de, sw"));
    form->addRow(tr("Languages:"), m_languages);
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(42);
    form->addRow(tr("Seed:"), m_seed);
    m_concurrency->setRange(1, 256);
    m_concurrency->setValue(8);
    m_concurrency->setObjectName(QStringLiteral("concurrency"));
    m_concurrency->setToolTip(tr("Requests sent to the endpoint at once. This is the only such setting: it is "
                                 "stored with the run, and Resume sends with the value shown here."));
    form->addRow(tr("Requests in flight:"), m_concurrency);
    m_budget->setRange(0.0, 1e9);
    m_budget->setDecimals(2);
    m_budget->setSpecialValueText(tr("none"));
    m_budget->setObjectName(QStringLiteral("budget"));
    m_budget->setToolTip(tr("Stop sending once the run has spent this much (the endpoint's currency); a resume with "
                            "a higher budget continues it"));
    form->addRow(tr("Budget:"), m_budget);
    m_plan->setObjectName(QStringLiteral("plan"));
    m_plan->setWordWrap(true);
    m_plan->setTextFormat(Qt::RichText);
    form->addRow(tr("Plan:"), m_plan);
    // The run configuration is remembered between sessions.
    {
        QSettings s;
        s.beginGroup(QStringLiteral("generate"));
        m_examples->setValue(s.value(QStringLiteral("examples"), m_examples->value()).toInt());
        m_familyWeights->setText(s.value(QStringLiteral("family_weights"), m_familyWeights->text()).toString());
        m_scheme->setCurrentIndex(
            std::max(0, m_scheme->findData(s.value(QStringLiteral("weighting"), QStringLiteral("ose")))));
        m_languages->setText(s.value(QStringLiteral("languages")).toString());
        m_seed->setValue(s.value(QStringLiteral("seed"), m_seed->value()).toInt());
        m_concurrency->setValue(s.value(QStringLiteral("concurrency"), m_concurrency->value()).toInt());
        m_budget->setValue(s.value(QStringLiteral("budget"), 0.0).toDouble());
        const QStringList families = s.value(QStringLiteral("families"), taskFamilies()).toStringList();
        for (QCheckBox *box : std::as_const(m_families))
            box->setChecked(families.contains(box->text()));
    }
    m_planTimer->setSingleShot(true);
    m_planTimer->setInterval(250);
    connect(m_planTimer, &QTimer::timeout, this, &GeneratePage::updatePlan);
    connect(m_planTimer, &QTimer::timeout, this, [this] { // remember the configuration
        QSettings s;
        s.beginGroup(QStringLiteral("generate"));
        s.setValue(QStringLiteral("examples"), m_examples->value());
        s.setValue(QStringLiteral("family_weights"), m_familyWeights->text());
        s.setValue(QStringLiteral("weighting"), m_scheme->currentData());
        s.setValue(QStringLiteral("languages"), m_languages->text());
        s.setValue(QStringLiteral("seed"), m_seed->value());
        s.setValue(QStringLiteral("concurrency"), m_concurrency->value());
        s.setValue(QStringLiteral("budget"), m_budget->value());
        QStringList families;
        for (QCheckBox *box : std::as_const(m_families))
            if (box->isChecked())
                families << box->text();
        s.setValue(QStringLiteral("families"), families);
    });
    connect(m_seed, &QSpinBox::valueChanged, m_planTimer, qOverload<>(&QTimer::start));
    connect(m_concurrency, &QSpinBox::valueChanged, m_planTimer, qOverload<>(&QTimer::start));
    const auto replan = [this] { m_planTimer->start(); };
    connect(m_examples, &QSpinBox::valueChanged, this, replan);
    connect(m_familyWeights, &QLineEdit::textChanged, this, replan);
    connect(m_languages, &QLineEdit::textChanged, this, replan);
    connect(m_scheme, &QComboBox::currentIndexChanged, this, replan);
    connect(m_endpoint, &QComboBox::currentIndexChanged, this, replan);
    connect(m_budget, &QDoubleSpinBox::valueChanged, this, replan);
    for (QCheckBox *box : std::as_const(m_families))
        connect(box, &QCheckBox::toggled, this, replan);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_startButton);
    buttons->addWidget(m_resumeButton);
    buttons->addWidget(m_stopButton);
    buttons->addStretch();
    form->addRow(buttons);

    auto *liveBox = new QGroupBox(tr("Progress"), this);
    auto *live = new QVBoxLayout(liveBox);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_countersLabel->setTextFormat(Qt::RichText);
    m_countersLabel->setWordWrap(true);
    m_countersLabel->setText(tr("No run in progress."));
    live->addWidget(m_progress);
    live->addWidget(m_countersLabel, 1);

    m_runs->setHorizontalHeaderLabels(
        {tr("Run"), tr("State"), tr("Created"), tr("Valid"), tr("Invalid"), tr("Duplicates"), tr("Cost")});
    m_runs->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_runs->verticalHeader()->hide();
    m_runs->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_runs->setSelectionBehavior(QAbstractItemView::SelectRows);

    auto *runTab = new QWidget(this);
    auto *runLayout = new QGridLayout(runTab);
    runLayout->addWidget(configBox, 0, 0);
    runLayout->addWidget(liveBox, 0, 1);
    runLayout->addWidget(m_runs, 1, 0, 1, 2);
    runLayout->setRowStretch(1, 1);
    runLayout->setColumnStretch(1, 1);

    // --- Preview tab ---
    auto *previewTab = new QWidget(this);
    auto *previewLayout = new QVBoxLayout(previewTab);
    auto *previewBar = new QHBoxLayout;
    m_previewLanguages->setText(QStringLiteral("en, zh, de, sw"));
    m_previewPerCell->setRange(1, 5);
    m_previewPerCell->setValue(1);
    auto *render = new QPushButton(tr("Render prompts"), previewTab);
    render->setObjectName(QStringLiteral("renderPreview"));
    auto *send = new QPushButton(tr("Render and send to the LLM"), previewTab);
    send->setObjectName(QStringLiteral("sendPreview"));
    previewBar->addWidget(new QLabel(tr("Languages:"), previewTab));
    previewBar->addWidget(m_previewLanguages, 1);
    previewBar->addWidget(new QLabel(tr("Per cell:"), previewTab));
    previewBar->addWidget(m_previewPerCell);
    previewBar->addWidget(render);
    previewBar->addWidget(send);
    m_grid->setWordWrap(true);
    m_grid->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_grid->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_grid->verticalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_grid->verticalHeader()->setDefaultSectionSize(180);
    previewLayout->addLayout(previewBar);
    previewLayout->addWidget(m_grid, 1);
    connect(render, &QPushButton::clicked, this, [this] { renderPreviewGrid(false); });
    connect(send, &QPushButton::clicked, this, [this] { renderPreviewGrid(true); });

    auto *tabs = new QTabWidget(this);
    tabs->addTab(runTab, tr("Run"));
    tabs->addTab(previewTab, tr("Preview"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(QStringLiteral("<h2>%1</h2>").arg(tr("Generate")), this));
    layout->addWidget(tabs, 1);

    connect(m_startButton, &QPushButton::clicked, this, [this] { start(false); });
    connect(m_resumeButton, &QPushButton::clicked, this, [this] { start(true); });
    connect(m_runs, &QTableWidget::itemSelectionChanged, this, &GeneratePage::updateResumeButton);
    connect(m_stopButton, &QPushButton::clicked, this, &GeneratePage::stop);
    connect(m_jobs, &JobManager::jobFinished, this, &GeneratePage::onJobFinished);
    connect(m_jobs, &JobManager::jobMetrics, this, [this](quint64 id, const QList<MetricSample> &samples) {
        if (id == m_job && !samples.isEmpty())
            showCounters(generationCountersFrom(samples.constLast())); // the newest counters
    });
    setRunning(false);
    setEnabled(false);
}

void GeneratePage::setWorkspace(const Workspace &ws)
{
    const bool switched = m_ws.path() != ws.path();
    m_ws = ws;
    setEnabled(ws.isValid());
    if (switched) {
        // Nothing of the previous workspace stays on screen.
        m_runList.clear();
        m_runs->setRowCount(0);
        m_grid->clear();
        m_grid->setRowCount(0);
        m_grid->setColumnCount(0);
        if (!m_job && !m_preparing) {
            m_counters = {};
            m_runId = 0;
            m_progress->setRange(0, 1);
            m_progress->setValue(0);
            m_countersLabel->setText(tr("No run in progress."));
        } else {
            m_countersLabel->setText(
                tr("Run %1 of the previous workspace is still running (see the Jobs dock).").arg(m_runId));
        }
    }
    reloadRuns();
    m_planTimer->start();
}

void GeneratePage::setSettings(const AppSettings &settings)
{
    m_settings = settings;
    const QString current = m_endpoint->currentText();
    m_endpoint->clear();
    for (const EndpointProfile &p : settings.endpoints)
        m_endpoint->addItem(QStringLiteral("%1 — %2").arg(p.name, p.model.isEmpty() ? p.baseUrl : p.model), p.name);
    if (settings.endpoints.isEmpty())
        m_endpoint->addItem(tr("No endpoint: add one in File › Settings"), QString());
    m_endpoint->setCurrentIndex(std::max(0, m_endpoint->findText(current)));
}

Expected<GenerationConfig> GeneratePage::config() const
{
    GenerationConfig c;
    const QString name = m_endpoint->currentData().toString();
    bool found = false;
    for (const EndpointProfile &p : m_settings.endpoints) {
        if (p.name == name) {
            c.endpoint = p;
            found = true;
        }
    }
    if (!found)
        return makeError(tr("Choose an LLM endpoint (File › Settings adds one)."));
    for (QCheckBox *box : m_families)
        if (box->isChecked())
            c.families << box->text();
    if (c.families.isEmpty())
        return makeError(tr("Choose at least one task family."));
    c.examples = m_examples->value();
    auto weights = GenerationConfig::parseFamilyWeights(m_familyWeights->text());
    if (!weights)
        return makeError(weights.error());
    c.familyWeights = weights.value();
    c.budget = m_budget->value();
    c.sampler.scheme = m_scheme->currentData().toString();
    c.sampler.languages = splitCodes(m_languages->text());
    for (const QString &code : std::as_const(c.sampler.languages))
        if (!findLanguage(code))
            return makeError(tr("'%1' is not an XLM-R language code or name.").arg(code));
    c.seed = static_cast<quint64>(m_seed->value());
    c.concurrency = m_concurrency->value();
    return c;
}

void GeneratePage::updatePlan()
{
    if (!m_ws.isValid())
        return;
    auto c = config();
    if (!c) {
        m_plan->setText(QStringLiteral("<span style='color:#b00020'>%1</span>").arg(c.error().toHtmlEscaped()));
        return;
    }
    const quint64 generation = ++m_planGeneration;
    const Workspace ws = m_ws;
    const GenerationConfig config = c.value();
    runAsync(
        m_ioPool, this,
        [ws, config]() -> Expected<GenerationEstimate> {
            auto db = ws.connect();
            if (!db)
                return makeError(db.error());
            try {
                return estimateGeneration(**db, config);
            } catch (const DbError &e) {
                return makeError(e.message());
            }
        },
        [this, generation](const Expected<GenerationEstimate> &e) {
            if (generation != m_planGeneration) // a newer configuration is being estimated
                return;
            if (!e) {
                m_plan->setText(QStringLiteral("<span style='color:#b00020'>%1</span>").arg(e.error().toHtmlEscaped()));
                return;
            }
            const QLocale loc;
            QStringList families, languages;
            for (auto it = e->examplesPerFamily.cbegin(); it != e->examplesPerFamily.cend(); ++it)
                families << QStringLiteral("%1 %2").arg(it.key(), loc.toString(it.value()));
            QList<QPair<QString, double>> byCount = e->examplesPerLanguage;
            std::stable_sort(byCount.begin(), byCount.end(),
                             [](const auto &a, const auto &b) { return a.second > b.second; });
            for (int i = 0; i < byCount.size() && i < 12; ++i)
                languages << QStringLiteral("%1 %2").arg(byCount[i].first, loc.toString(byCount[i].second, 'f', 1));
            if (byCount.size() > 12)
                languages << tr("%1 more").arg(byCount.size() - 12);
            QString html = tr("%1 requests · per family: %2<br>expected per language: %3<br>about %4 prompt and %5 "
                              "completion tokens, about %6 %7")
                               .arg(loc.toString(e->requests), families.join(QStringLiteral(", ")),
                                    languages.join(QStringLiteral(", ")), loc.toString(qint64(e->promptTokens)),
                                    loc.toString(qint64(e->completionTokens)), loc.toString(e->cost, 'f', 2),
                                    e->currency.toHtmlEscaped());
            for (const QString &w : e->warnings)
                html += QStringLiteral("<br><span style='color:#b00020'>%1</span>").arg(w.toHtmlEscaped());
            m_plan->setText(html);
        });
}

QString GeneratePage::planText() const
{
    return m_plan->text();
}

void GeneratePage::start(bool resume)
{
    if (m_job || m_preparing || !m_ws.isValid())
        return;
    GenerationStart start;
    start.resume = resume;
    if (!resume) {
        auto c = config();
        if (!c) {
            m_countersLabel->setText(QStringLiteral("<p style='color:#b00020'>%1</p>").arg(c.error().toHtmlEscaped()));
            return;
        }
        start.config = c.value();
    }
    if (resume) {
        if (m_resumeTarget == 0)
            return;
        start.runId = m_resumeTarget; // the run the button names
    }
    // The endpoint of a resumed run can be the one now chosen (a new URL or a key).
    if (resume) {
        if (auto c = config())
            start.endpoint = c->endpoint;
        if (m_budget->value() > 0)
            start.budget = m_budget->value();
        start.concurrency = m_concurrency->value(); // the one setting: what the page shows is what is sent
    }
    setRunning(true);
    m_preparing = true;
    m_stopWhenPrepared = false;
    m_countersLabel->setText(tr("Starting…"));
    const Workspace ws = m_ws;
    std::optional<EndpointProfile> endpoint =
        resume ? start.endpoint : std::optional<EndpointProfile>(start.config.endpoint);
    runAsync(
        m_ioPool, this,
        [ws, start, endpoint]() -> Expected<GenerationJobRequest> {
            // Before anything is created or sent: a profile that names a key variable needs its key.
            if (endpoint) {
                QString keyError;
                const QString key = apikeys::resolve(*endpoint, &keyError);
                if (!keyError.isEmpty())
                    return makeError(keyError);
                if (key.isEmpty() && !endpoint->apiKeyEnv.isEmpty())
                    return makeError(QCoreApplication::translate(
                                         "ef::GeneratePage",
                                         "The environment variable %1 is not set and the key file has no key for "
                                         "'%2': every request would be refused. Set it before starting EmbedForge, "
                                         "or clear the profile's key variable for an endpoint without a key.")
                                         .arg(endpoint->apiKeyEnv, endpoint->name));
            }
            return prepareGeneration(ws, start);
        },
        [this](const Expected<GenerationJobRequest> &request) {
            m_preparing = false;
            if (!request || m_stopWhenPrepared) {
                setRunning(false);
                m_countersLabel->setText(
                    request ? tr("No run in progress.")
                            : QStringLiteral("<p style='color:#b00020'>%1</p>").arg(request.error().toHtmlEscaped()));
                Q_EMIT runFinished(request ? request->runId : 0,
                                   jobStateName(request ? JobState::Cancelled : JobState::Failed));
                return;
            }
            m_runId = request->runId; // known before the job runs
            m_job = m_jobs->submit(makeGenerationJob(request.value()));
            reloadRuns();
        });
}

void GeneratePage::stop()
{
    if (m_job)
        m_jobs->cancel(m_job);
    else if (m_preparing)
        m_stopWhenPrepared = true;
    m_stopButton->setEnabled(false);
}

void GeneratePage::onJobFinished(const JobInfo &info)
{
    if (info.id == m_previewJob) {
        m_previewJob = 0;
        showPreviewGrid(info);
        return;
    }
    if (info.id != m_job)
        return;
    m_job = 0;
    setRunning(false);
    if (const std::optional<GenerationOutcome> outcome = jobResult<GenerationOutcome>(info))
        showCounters(outcome->counters);
    if (isFailure(info.state))
        m_countersLabel->setText(m_countersLabel->text() +
                                 QStringLiteral("<p style='color:#b00020'>%1</p>").arg(info.error.toHtmlEscaped()));
    reloadRuns();
    Q_EMIT runFinished(m_runId, jobStateName(info.state));
}

void GeneratePage::setRunning(bool running)
{
    m_startButton->setEnabled(!running);
    m_stopButton->setEnabled(running);
    updateResumeButton();
}

void GeneratePage::updateResumeButton()
{
    const GenerationRun *target = nullptr;
    const int row = m_runs->currentRow();
    if (row >= 0 && row < m_runList.size() && m_runList.at(row).state != QLatin1String("finished"))
        target = &m_runList.at(row);
    for (int i = static_cast<int>(m_runList.size()) - 1; i >= 0 && !target; --i)
        if (m_runList.at(i).state != QLatin1String("finished"))
            target = &m_runList.at(i);
    m_resumeTarget = target ? target->id : 0;
    const QLocale loc;
    m_resumeButton->setText(target ? tr("Resume run %1 (%2 of %3 done)")
                                         .arg(QString::number(target->id), loc.toString(target->counters.done),
                                              loc.toString(target->counters.requestsTotal))
                                   : tr("Resume"));
    m_resumeButton->setEnabled(target && !m_job && !m_preparing);
    m_resumeButton->setToolTip(target ? QString() : tr("Every run is finished: nothing to resume"));
}

void GeneratePage::showCounters(const GenerationCounters &c)
{
    m_counters = c;
    const QLocale loc;
    m_progress->setRange(0, static_cast<int>(std::max<qint64>(1, c.requestsTotal)));
    m_progress->setValue(static_cast<int>(c.done)); // failed requests are not progress
    QString reasons;
    for (auto it = c.invalidReasons.cbegin(); it != c.invalidReasons.cend(); ++it)
        reasons += QStringLiteral("<li>%1: %2</li>").arg(argText(it.key().toHtmlEscaped()), argText(it.value()));
    m_countersLabel->setText(
        tr("<table>"
           "<tr><td>Requests</td><td><b>%1</b> of %2 done · %3 failed · %4 in flight</td></tr>"
           "<tr><td>Rate</td><td>%5 requests/s · ETA %6</td></tr>"
           "<tr><td>Examples</td><td><b>%7</b> valid · %8 invalid · %9 duplicates · %10 tasks</td></tr>"
           "<tr><td>Tokens</td><td>%11 prompt · %12 completion · cost %13</td></tr>"
           "</table>")
            .arg(loc.toString(c.done), loc.toString(c.requestsTotal), loc.toString(c.failed), loc.toString(c.inFlight),
                 loc.toString(c.requestsPerSecond, 'f', 2), formatDuration(c.etaMs), loc.toString(c.valid),
                 loc.toString(c.invalid), loc.toString(c.duplicate))
            .arg(loc.toString(c.tasks), loc.toString(c.promptTokens), loc.toString(c.completionTokens),
                 loc.toString(c.cost, 'f', 4)) +
        (reasons.isEmpty() ? QString() : tr("<p>Invalid outputs by reason:</p><ul>%1</ul>").arg(reasons)));
    Q_EMIT countersUpdated(c);
}

QString GeneratePage::runStateText(const GenerationRun &run) const
{
    // This page's own run is running, also before its job has taken the run's lease (the list
    // would call it interrupted until then).
    if (m_job && run.id == m_runId)
        return generationRunStateName(QStringLiteral("running"));
    // A failed run that kept examples failed only in part.
    if (run.state == QLatin1String("failed") && run.counters.failed > 0 &&
        run.counters.valid + run.counters.invalid + run.counters.duplicate > 0)
        return tr("partly failed");
    return generationRunStateName(run.state);
}

void GeneratePage::reloadRuns()
{
    if (!m_ws.isValid())
        return;
    const Workspace ws = m_ws;
    runAsync(
        m_ioPool, this, [ws] { return GenerationPipeline(ws).runs(); },
        [this](const QList<GenerationRun> &result) {
            const QList<GenerationRun> runs = result;
            m_runList = runs;
            const QSignalBlocker block(m_runs);
            m_runs->setRowCount(static_cast<int>(runs.size()));
            const QLocale loc;
            for (int r = 0; r < runs.size(); ++r) {
                const GenerationRun &i = runs.at(r);
                const QStringList cells = {QString::number(i.id),
                                           runStateText(i),
                                           displayTime(i.createdAt),
                                           loc.toString(i.counters.valid),
                                           loc.toString(i.counters.invalid),
                                           loc.toString(i.counters.duplicate),
                                           loc.toString(i.counters.cost, 'f', 4)};
                for (int c = 0; c < cells.size(); ++c)
                    m_runs->setItem(r, c, new QTableWidgetItem(cells.at(c)));
            }
            updateResumeButton();
        });
}

void GeneratePage::renderPreviewGrid(bool send)
{
    if (!m_ws.isValid())
        return;
    QStringList families;
    for (QCheckBox *box : m_families)
        if (box->isChecked())
            families << box->text();
    const QStringList languages = splitCodes(m_previewLanguages->text());
    std::optional<EndpointProfile> endpoint;
    if (send) {
        auto c = config();
        if (!c) {
            showError(this, tr("Preview"), tr("The preview cannot be sent: the generation settings are not valid."),
                      c.error());
            return;
        }
        endpoint = c->endpoint;
    }
    if (m_previewJob)
        return;
    PreviewGridRequest request;
    request.workspace = m_ws;
    request.families = families;
    request.languages = languages;
    request.perCell = m_previewPerCell->value();
    request.seed = static_cast<quint64>(m_seed->value());
    request.endpoint = endpoint;
    m_previewJob = m_jobs->submit(makePreviewGridJob(request));
}

void GeneratePage::showPreviewGrid(const JobInfo &info)
{
    const std::optional<PreviewGrid> result = jobResult<PreviewGrid>(info);
    if (result) {
        const PreviewGrid &g = *result;
        QTableWidget *grid = m_grid;
        grid->clear();
        grid->setColumnCount(static_cast<int>(g.families.size()));
        grid->setRowCount(static_cast<int>(g.languages.size()));
        grid->setHorizontalHeaderLabels(g.families);
        QStringList rowNames;
        for (const QString &code : g.languages) {
            const LanguageInfo *l = findLanguage(code);
            rowNames << (l ? l->name : code);
        }
        grid->setVerticalHeaderLabels(rowNames);
        int cell = 0;
        for (int r = 0; r < g.languages.size(); ++r) {
            for (int c = 0; c < g.families.size(); ++c, ++cell) {
                const QList<PreviewItem> items = g.cells.value(cell);
                QString text, tip;
                bool anyInvalid = false, anyCalled = false;
                for (const PreviewItem &it : items) {
                    QStringList values;
                    for (auto v = it.values.cbegin(); v != it.values.cend(); ++v)
                        values << QStringLiteral("%1=%2").arg(v.key(), v.value());
                    if (!it.task.isEmpty())
                        text += tr("Task: %1\n").arg(it.task);
                    text += values.join(QStringLiteral(" · ")) + QLatin1Char('\n');
                    if (it.called) {
                        anyCalled = true;
                        if (!it.error.isEmpty()) {
                            anyInvalid = true;
                            text += tr("✗ request failed: %1\n").arg(it.error);
                        } else if (!it.example.ok) {
                            anyInvalid = true;
                            text += tr("✗ invalid (%1): %2\n").arg(it.example.reason, it.example.detail);
                        } else {
                            text +=
                                tr("✓ valid\nQuery: %1\nPositive: %2\nNegative: %3\n")
                                    .arg(it.example.query, it.example.positive.left(300),
                                         it.example.negative.isEmpty() ? tr("(none)") : it.example.negative.left(300));
                        }
                    } else {
                        text += it.prompt.left(400) + QStringLiteral("…\n");
                    }
                    text += QLatin1Char('\n');
                    tip += it.prompt + (it.called ? QStringLiteral("\n\n— ") + it.rawResponse : QString()) +
                           QStringLiteral("\n\n");
                }
                auto *item = new QTableWidgetItem(text.trimmed());
                item->setToolTip(tip.trimmed().left(4000));
                if (anyCalled)
                    item->setBackground(anyInvalid ? QColor(0xfd, 0xe7, 0xe9) : QColor(0xe6, 0xf4, 0xea));
                grid->setItem(r, c, item);
            }
        }
    }
    const QStringList errors = result ? result->errors : QStringList();
    if (info.state == JobState::Failed || !errors.isEmpty())
        showError(this, tr("Preview"), tr("Some preview requests failed; the cells that failed say why."),
                  (QStringList{info.error} + errors).join(QLatin1Char('\n')).trimmed());
    Q_EMIT previewReady();
}

} // namespace ef
