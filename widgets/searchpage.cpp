// SPDX-License-Identifier: GPL-3.0-or-later
// The Search page.
#include "widgets/searchpage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "backend/argtext.h"
#include "backend/jobs.h"
#include "widgets/async.h"
#include "widgets/documentviewer.h"

namespace ef {

namespace {

// Table cells that sort by number, not by text.
class NumberItem final : public QTableWidgetItem
{
public:
    explicit NumberItem(double v, bool signedValue = false)
        : QTableWidgetItem(signedValue
                               ? QStringLiteral("%1%2").arg(v > 0 ? QStringLiteral("+") : QString()).arg(v, 0, 'f', 4)
                               : QString::number(v, 'f', 4))
    {
        setData(Qt::UserRole, v);
        if (signedValue && v != 0)
            setForeground(v > 0 ? QColor(0x1b, 0x7a, 0x3a) : QColor(0xb0, 0x30, 0x30));
    }
    bool operator<(const QTableWidgetItem &o) const override
    {
        return data(Qt::UserRole).toDouble() < o.data(Qt::UserRole).toDouble();
    }
};

QString methodLabel(SearchMethod m)
{
    switch (m) {
    case SearchMethod::Bm25:
        return QCoreApplication::translate("ef::SearchPage", "BM25");
    case SearchMethod::Dense:
        return QCoreApplication::translate("ef::SearchPage", "Dense");
    case SearchMethod::Hybrid:
        return QCoreApplication::translate("ef::SearchPage", "Hybrid (RRF)");
    }
    return {};
}

} // namespace

SearchPage::SearchPage(JobManager *jobs, QThreadPool *ioPool, QWidget *parent)
    : QWidget(parent), m_jobs(jobs), m_ioPool(ioPool), m_corpus(new QComboBox(this)),
      m_knownQueries(new QComboBox(this)), m_presets(new QComboBox(this)), m_instruction(new QLineEdit(this)),
      m_sideBySide(new QCheckBox(tr("Side by side"), this)), m_query(new QLineEdit(this)),
      m_evaluate(new QPushButton(tr("Evaluate"), this)), m_summary(new QLabel(this)),
      m_perQuery(new QTableWidget(0, 4, this)), m_session(new DenseSession(jobs, this))
{
    setObjectName(QStringLiteral("searchPage"));
    m_query->setObjectName(QStringLiteral("searchQuery"));
    m_evaluate->setObjectName(QStringLiteral("evaluate"));
    m_sideBySide->setObjectName(QStringLiteral("sideBySide"));
    m_instruction->setObjectName(QStringLiteral("instruction"));
    m_query->setPlaceholderText(tr("Type a query: results update as you type"));
    m_query->setClearButtonEnabled(true);
    m_knownQueries->addItem(tr("Queries of this corpus…"), QString());
    m_corpus->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_corpus->setMinimumContentsLength(24);
    m_instruction->setPlaceholderText(tr("Query instruction for dense search (documents never get one)"));
    m_instruction->setClearButtonEnabled(true);
    m_presets->addItem(tr("Presets (paper, Table 15)…"), QString());
    for (const auto &[task, text] : instructionPresets())
        m_presets->addItem(task, text);
    m_presets->setToolTip(tr(
        "The evaluation instructions of Wang et al. (2024); the query becomes \"Instruct: {task}\\nQuery: {query}\""));
    m_summary->setWordWrap(true);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Corpus:"), this));
    bar->addWidget(m_corpus);
    bar->addWidget(m_knownQueries, 1);
    bar->addWidget(m_sideBySide);
    auto *instructionRow = new QHBoxLayout;
    instructionRow->addWidget(new QLabel(tr("Instruction:"), this));
    instructionRow->addWidget(m_instruction, 1);
    instructionRow->addWidget(m_presets);

    m_perQuery->setHorizontalHeaderLabels({tr("Query"), tr("nDCG@10"), tr("Recall@100"), tr("MRR@10")});
    m_perQuery->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_perQuery->verticalHeader()->hide();
    m_perQuery->setSortingEnabled(true);
    m_perQuery->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_perQuery->setObjectName(QStringLiteral("perQuery"));
    connect(m_perQuery, &QTableWidget::cellClicked, this, [this](int row) {
        const QTableWidgetItem *item = m_perQuery->item(row, 0);
        if (item && !item->data(Qt::UserRole).toString().isEmpty())
            setQuery(item->data(Qt::UserRole).toString()); // both sides search it
    });
    auto *evalBox = new QWidget(this);
    auto *evalLayout = new QVBoxLayout(evalBox);
    evalLayout->setContentsMargins(0, 0, 0, 0);
    evalLayout->addWidget(m_evaluate);
    evalLayout->addWidget(m_summary);
    evalLayout->addWidget(m_perQuery, 1);

    auto *lists = new QSplitter(this);
    lists->addWidget(buildSide(0));
    lists->addWidget(buildSide(1));
    auto *split = new QSplitter(this);
    split->addWidget(lists);
    split->addWidget(evalBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setSizes({1000, 420});

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(QStringLiteral("<h2>%1</h2>").arg(tr("Search")), this));
    layout->addLayout(bar);
    layout->addLayout(instructionRow);
    layout->addWidget(m_query);
    layout->addWidget(split, 1);

    m_typing.setSingleShot(true);
    m_typing.setInterval(150);
    connect(&m_typing, &QTimer::timeout, this, &SearchPage::runSearch);
    connect(m_query, &QLineEdit::textChanged, this, [this] { m_typing.start(); });
    connect(m_instruction, &QLineEdit::textChanged, this, [this] {
        markEvaluationStale();
        m_typing.start();
    });
    connect(m_sideBySide, &QCheckBox::toggled, this, &SearchPage::markEvaluationStale);
    connect(m_presets, &QComboBox::activated, this, [this](int index) {
        if (index > 0)
            m_instruction->setText(m_presets->itemData(index).toString());
        m_presets->setCurrentIndex(0);
    });
    connect(m_sideBySide, &QCheckBox::toggled, this, [this](bool on) {
        m_sides[1].box->setVisible(on);
        if (on)
            runSide(1);
    });
    connect(m_corpus, &QComboBox::currentIndexChanged, this, [this](int index) {
        markEvaluationStale();
        m_knownQueries->blockSignals(true);
        while (m_knownQueries->count() > 1)
            m_knownQueries->removeItem(1);
        m_knownQueries->blockSignals(false);
        if (index < 0 || index >= m_corpora.size() || !m_ws.isValid())
            return;
        const Workspace ws = m_ws;
        const qint64 corpusId = m_corpora.at(index).id;
        runAsync(
            m_ioPool, this, [ws, corpusId] { return corpusQueryTexts(ws, corpusId, 500); },
            [this](const Expected<QStringList> &texts) {
                for (const QString &t : texts ? texts.value() : QStringList())
                    m_knownQueries->addItem(t, t);
            });
        runSearch();
    });
    connect(m_knownQueries, &QComboBox::activated, this, [this](int index) {
        if (index > 0)
            m_query->setText(m_knownQueries->itemData(index).toString());
    });
    connect(m_evaluate, &QPushButton::clicked, this, &SearchPage::evaluate);
    connect(m_session, &DenseSession::searchFinished, this, &SearchPage::showReply);
    if (m_jobs)
        connect(m_jobs, &JobManager::jobFinished, this, &SearchPage::onJobFinished);

    const QSettings settings;
    m_sides[0].model->setText(settings.value(QStringLiteral("search/model0")).toString());
    m_sides[1].model->setText(settings.value(QStringLiteral("search/model1")).toString());
    m_sides[1].method->setCurrentIndex(m_sides[1].method->findData(int(SearchMethod::Dense)));
    m_sides[1].box->setVisible(false);
    updateControls();
    setEnabled(false);
}

SearchPage::~SearchPage() = default;

QWidget *SearchPage::buildSide(int index)
{
    Side &s = m_sides[size_t(index)];
    s.box = new QWidget(this);
    s.method = new QComboBox(s.box);
    for (SearchMethod m : {SearchMethod::Bm25, SearchMethod::Dense, SearchMethod::Hybrid})
        s.method->addItem(methodLabel(m), int(m));
    s.model = new QLineEdit(s.box);
    s.model->setPlaceholderText(tr("Model folder (Hugging Face layout)"));
    s.adapter = new QLineEdit(s.box);
    s.adapter->setPlaceholderText(tr("LoRA adapter folder (optional)"));
    s.adapter->setToolTip(tr("A PEFT adapter (a training run's export) applied to the model, to compare a "
                             "fine-tuned model with its base side by side"));
    s.adapter->setObjectName(QStringLiteral("adapter%1").arg(index));
    s.adapter->setText(QSettings().value(QStringLiteral("search/adapter%1").arg(index)).toString());
    s.browse = new QPushButton(tr("Browse…"), s.box);
    s.embed = new QPushButton(tr("Embed corpus"), s.box);
    s.embed->setToolTip(tr("Embed every document of the corpus with this model (a job; resumes where it stopped)"));
    s.status = new QLabel(s.box);
    s.status->setWordWrap(true);
    s.results = new QTextBrowser(s.box);
    s.results->setObjectName(index == 0 ? QStringLiteral("searchResults") : QStringLiteral("searchResultsB"));
    s.results->setOpenLinks(false); // a result's title opens the document viewer
    s.results->setToolTip(tr("Click a result's title to read the whole document and its judgements"));
    connect(s.results, &QTextBrowser::anchorClicked, this, [this, index](const QUrl &url) {
        if (url.scheme() == QLatin1String("doc"))
            openDocument(index, url.path().toInt());
    });
    s.method->setObjectName(QStringLiteral("method%1").arg(index));
    s.model->setObjectName(QStringLiteral("model%1").arg(index));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(index == 0 ? tr("Method:") : tr("Compare with:"), s.box));
    top->addWidget(s.method);
    top->addWidget(s.model, 2);
    top->addWidget(s.adapter, 1);
    top->addWidget(s.browse);
    top->addWidget(s.embed);
    auto *layout = new QVBoxLayout(s.box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(s.status);
    layout->addWidget(s.results, 1);

    connect(s.method, &QComboBox::currentIndexChanged, this, [this, index] {
        markEvaluationStale();
        updateControls();
        runSide(index);
    });
    connect(s.model, &QLineEdit::editingFinished, this, [this, index] {
        markEvaluationStale();
        QSettings().setValue(QStringLiteral("search/model%1").arg(index), m_sides[size_t(index)].model->text());
        runSide(index);
    });
    connect(s.adapter, &QLineEdit::editingFinished, this, [this, index] {
        markEvaluationStale();
        QSettings().setValue(QStringLiteral("search/adapter%1").arg(index), m_sides[size_t(index)].adapter->text());
        runSide(index);
    });
    connect(s.browse, &QPushButton::clicked, this, [this, index] {
        if (qEnvironmentVariableIsSet("EMBEDFORGE_NO_DIALOGS"))
            return;
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Choose a model folder"), m_sides[size_t(index)].model->text());
        if (!dir.isEmpty())
            setModel(index, dir);
    });
    connect(s.embed, &QPushButton::clicked, this, [this, index] { embedCorpus(index); });
    return s.box;
}

SearchMethod SearchPage::methodOf(int side) const
{
    return SearchMethod(m_sides[size_t(side)].method->currentData().toInt());
}

void SearchPage::updateControls()
{
    for (int i = 0; i < 2; ++i) {
        Side &s = m_sides[size_t(i)];
        const bool dense = methodOf(i) != SearchMethod::Bm25;
        s.model->setEnabled(dense);
        s.adapter->setEnabled(dense);
        s.browse->setEnabled(dense);
        s.embed->setEnabled(dense);
    }
}

void SearchPage::setMethod(int side, SearchMethod method)
{
    m_sides[size_t(side)].method->setCurrentIndex(m_sides[size_t(side)].method->findData(int(method)));
}

void SearchPage::setModel(int side, const QString &dir)
{
    if (m_sides[size_t(side)].model->text() != dir)
        markEvaluationStale();
    m_sides[size_t(side)].model->setText(dir);
    QSettings().setValue(QStringLiteral("search/model%1").arg(side), dir);
    runSide(side);
}

void SearchPage::setAdapter(int side, const QString &dir)
{
    if (m_sides[size_t(side)].adapter->text() != dir)
        markEvaluationStale();
    m_sides[size_t(side)].adapter->setText(dir);
    QSettings().setValue(QStringLiteral("search/adapter%1").arg(side), dir);
    runSide(side);
}

void SearchPage::setInstruction(const QString &text)
{
    m_instruction->setText(text);
    m_typing.stop();
    runSearch();
}

void SearchPage::setSideBySide(bool on)
{
    m_sideBySide->setChecked(on);
}

const CorpusInfo *SearchPage::currentCorpus() const
{
    const int index = m_corpus->currentIndex();
    return index >= 0 && index < m_corpora.size() ? &m_corpora.at(index) : nullptr;
}

void SearchPage::setWorkspace(const Workspace &ws)
{
    m_ws = ws;
    setEnabled(ws.isValid());
    ++m_viewerRequest; // a document still loading belongs to the other workspace
    if (m_viewer)
        m_viewer->close();
    // Nothing of the previous workspace stays: its query, results, evaluation and corpora.
    m_typing.stop();
    {
        const QSignalBlocker blockQuery(m_query), blockCorpus(m_corpus), blockKnown(m_knownQueries);
        m_query->clear();
        m_corpus->clear();
        while (m_knownQueries->count() > 1)
            m_knownQueries->removeItem(1);
    }
    m_corpora.clear();
    for (Side &side : m_sides) {
        side.request = 0;
        side.hits.clear();
        side.relevance.clear();
        side.hitsQuery.clear();
        side.status->clear();
        side.results->clear();
    }
    m_evalJob = 0; // an evaluation still running reports to nobody
    m_evaluate->setEnabled(true);
    m_evalShown = false;
    m_evalStale = false;
    m_summary->clear();
    m_perQuery->setRowCount(0);
    m_perQuery->setEnabled(true);
    updateControls();
    reloadCorpora();
}

void SearchPage::reloadCorpora()
{
    if (!m_ws.isValid())
        return;
    const Workspace ws = m_ws;
    runAsync(
        m_ioPool, this, [ws] { return listCorpora(ws); },
        [this](const Expected<QList<CorpusInfo>> &result) {
            if (!result) {
                m_sides[0].status->setText(result.error());
                return;
            }
            const QList<CorpusInfo> &corpora = result.value();
            m_corpora = corpora;
            m_corpus->blockSignals(true);
            m_corpus->clear();
            for (const CorpusInfo &c : corpora)
                m_corpus->addItem(tr("%1 (%2 documents)").arg(argText(c.name), argText(c.documents)), c.name);
            m_corpus->blockSignals(false);
            if (!corpora.isEmpty())
                Q_EMIT m_corpus->currentIndexChanged(0);
            else
                m_sides[0].results->setHtml(
                    tr("<p>This workspace has no corpus yet. Import one with <b>Corpus › Import…</b> (a BEIR "
                       "folder, a JSONL file or a folder of text files).</p>"));
            Q_EMIT corporaLoaded(static_cast<int>(corpora.size()));
        });
}

void SearchPage::selectCorpus(const QString &name)
{
    const int i = m_corpus->findData(name);
    if (i >= 0)
        m_corpus->setCurrentIndex(i);
}

void SearchPage::setQuery(const QString &text)
{
    m_query->setText(text);
    m_typing.stop();
    runSearch();
}

void SearchPage::runSearch()
{
    runSide(0);
    if (m_sideBySide->isChecked())
        runSide(1);
}

void SearchPage::runSide(int index)
{
    const CorpusInfo *current = currentCorpus();
    if (!current || (index == 1 && !m_sideBySide->isChecked()))
        return;
    Side &side = m_sides[size_t(index)];
    SearchRequest request;
    request.workspace = m_ws;
    request.corpus = *current;
    request.query = m_query->text();
    request.options.method = methodOf(index);
    request.options.instruction = m_instruction->text();
    request.options.k = 20;
    request.lane = index;
    if (request.options.method != SearchMethod::Bm25) {
        const QString dir = side.model->text().trimmed();
        if (dir.isEmpty()) {
            side.status->setText(tr("Choose a model folder for %1 search.").arg(methodLabel(request.options.method)));
            side.request = 0;
            side.hits.clear();
            render(index);
            return;
        }
        request.model.dir = QFileInfo(dir).absoluteFilePath();
        if (!side.adapter->text().trimmed().isEmpty())
            request.model.adapter = QFileInfo(side.adapter->text().trimmed()).absoluteFilePath();
        side.status->setText(tr("Searching…"));
    }
    side.requestQuery = request.query;
    side.request = m_session->search(request); // typing supersedes earlier searches
}

void SearchPage::showReply(quint64 id, const SearchReply &r)
{
    for (int index = 0; index < 2; ++index) {
        Side &s = m_sides[size_t(index)];
        if (s.request != id)
            continue;
        if (!r.error.isEmpty()) {
            s.status->setText(r.needsEmbedding ? tr("This corpus has no vectors for this model yet: press Embed corpus "
                                                    "(a job that resumes where it stopped).")
                                               : r.error);
            s.hits.clear();
            render(index);
            return;
        }
        s.status->setText(tr("%1: %2 results in %3 ms")
                              .arg(argText(methodLabel(methodOf(index))), argText(r.hits.size()), argText(r.ms)));
        s.hits = r.hits;
        s.hitsQuery = s.requestQuery;
        s.relevance = r.relevance;
        render(index);
        if (index == 0 && m_sideBySide->isChecked())
            render(1); // its rank changes are relative to this list
        return;
    }
}

void SearchPage::render(int index)
{
    Side &s = m_sides[size_t(index)];
    QHash<QString, int> otherRank;
    if (index == 1)
        for (int i = 0; i < m_sides[0].hits.size(); ++i)
            otherRank.insert(m_sides[0].hits.at(i).docId, i + 1);
    QString html;
    for (int i = 0; i < s.hits.size(); ++i) {
        const SearchHit &h = s.hits.at(i);
        QString mark;
        if (!s.relevance.isEmpty()) {
            const int rel = s.relevance.value(h.docId, 0);
            mark = rel > 0
                       ? QStringLiteral(" <span style='color:#1b7a3a'>✓ %1</span>").arg(tr("relevant (%1)").arg(rel))
                       : QStringLiteral(" <span style='color:#888'>✗ %1</span>").arg(tr("not judged relevant"));
        }
        QString change;
        if (index == 1) {
            const int before = otherRank.value(h.docId, 0);
            if (before == 0)
                change = QStringLiteral(" <span style='color:#1f5fbf'>%1</span>").arg(tr("new"));
            else if (before > i + 1)
                change = QStringLiteral(" <span style='color:#1b7a3a'>▲%1</span>").arg(before - i - 1);
            else if (before < i + 1)
                change = QStringLiteral(" <span style='color:#b03030'>▼%1</span>").arg(i + 1 - before);
            else
                change = QStringLiteral(" <span style='color:#888'>=</span>");
        }
        const QString snippet = markSnippet(h.snippet.toHtmlEscaped(), QStringLiteral("<b style='background:#fff3b0'>"),
                                            QStringLiteral("</b>"));
        html += QStringLiteral(
                    "<p><b>%1.</b>%2 <a href='doc:%8'>%3</a> <span style='color:#666'>[%4] · %5</span>%6<br>%7</p>")
                    .arg(QString::number(i + 1), change, h.title.isEmpty() ? tr("(untitled)") : h.title.toHtmlEscaped(),
                         h.docId.toHtmlEscaped(), QString::number(h.score, 'f', 4), mark, snippet, QString::number(i));
    }
    if (s.hits.isEmpty())
        html = m_query->text().trimmed().isEmpty() ? QString() : QStringLiteral("<p>%1</p>").arg(tr("No results."));
    s.results->setHtml(html);
    if (index == 0)
        Q_EMIT resultsShown(static_cast<int>(s.hits.size()));
    Q_EMIT sideResultsShown(index, static_cast<int>(s.hits.size()));
}

void SearchPage::openDocument(int index, int row)
{
    const Side &s = m_sides[size_t(index)];
    const CorpusInfo *corpus = currentCorpus();
    if (!corpus || row < 0 || row >= s.hits.size())
        return;
    const SearchHit hit = s.hits.at(row);
    DocumentViewer::Context context;
    context.query = s.hitsQuery;
    context.rank = row + 1;
    context.score = hit.score;
    context.method = methodLabel(methodOf(index));
    if (!s.relevance.isEmpty()) // the query is one of the corpus's: its qrels judge every document
        context.judgement = s.relevance.value(hit.docId, 0);
    if (!m_viewer) {
        m_viewer = new DocumentViewer(this);
        connect(m_viewer, &DocumentViewer::queryRequested, this, [this](const QString &text) {
            setQuery(text);
            m_viewer->close();
        });
    }
    m_viewer->showLoading(hit.docId);
    m_viewer->show();
    m_viewer->raise();
    m_viewer->activateWindow();
    const quint64 request = ++m_viewerRequest;
    const Workspace ws = m_ws;
    const CorpusInfo info = *corpus;
    const QString docId = hit.docId;
    runAsync(
        m_ioPool, this, [ws, info, docId] { return documentDetail(ws, info, docId); },
        [this, request, context, docId](const Expected<DocumentDetail> &detail) {
            if (request != m_viewerRequest || !m_viewer)
                return; // another document was asked for since
            if (detail)
                m_viewer->showDocument(detail.value(), context);
            else
                m_viewer->showError(detail.error());
            Q_EMIT documentShown(docId);
        });
}

QString SearchPage::resultsText(int side) const
{
    return m_sides[size_t(side)].results->toPlainText();
}

quint64 SearchPage::embedCorpus(int index)
{
    const CorpusInfo *current = currentCorpus();
    const QString dir = m_sides[size_t(index)].model->text().trimmed();
    if (!m_jobs || !current || dir.isEmpty()) {
        m_sides[size_t(index)].status->setText(tr("Choose a corpus and a model folder first."));
        return 0;
    }
    DenseModel model;
    model.dir = QFileInfo(dir).absoluteFilePath();
    if (!m_sides[size_t(index)].adapter->text().trimmed().isEmpty())
        model.adapter = QFileInfo(m_sides[size_t(index)].adapter->text().trimmed()).absoluteFilePath();
    model.device = QStringLiteral("auto");
    m_sides[size_t(index)].embed->setEnabled(false);
    m_embedJobs[size_t(index)] = m_jobs->submit(makeEmbedCorpusJob(m_ws, *current, model));
    return m_embedJobs[size_t(index)];
}

void SearchPage::onJobFinished(const JobInfo &info)
{
    for (int index = 0; index < 2; ++index) {
        if (info.id != m_embedJobs[size_t(index)])
            continue;
        m_embedJobs[size_t(index)] = 0;
        updateControls();
        const bool ok = info.state == JobState::Succeeded;
        if (!ok)
            m_sides[size_t(index)].status->setText(info.error.isEmpty() ? jobStateDisplayName(info.state) : info.error);
        else
            runSearch();
        Q_EMIT corpusEmbedded(ok);
        return;
    }
    if (info.id != m_evalJob)
        return;
    m_evalJob = 0;
    m_evaluate->setEnabled(true);
    const std::optional<QList<EvalResult>> results = jobResult<QList<EvalResult>>(info);
    if (info.state != JobState::Succeeded || !results || results->isEmpty()) {
        m_summary->setText(info.error.isEmpty() ? jobStateDisplayName(info.state) : info.error);
        return;
    }
    showEvaluation(*results);
}

quint64 SearchPage::evaluate()
{
    const CorpusInfo *current = currentCorpus();
    if (!m_jobs || !current)
        return 0;
    const CorpusInfo corpus = *current;
    if (corpus.splits.isEmpty()) {
        m_summary->setText(tr("Corpus '%1' has no qrels to evaluate against.").arg(corpus.name));
        return 0;
    }
    EvaluationRequest request;
    request.workspace = m_ws;
    request.corpus = corpus;
    request.split = corpus.splits.contains(QStringLiteral("test")) ? QStringLiteral("test") : corpus.splits.first();
    QStringList labels;
    for (int i = 0; i < (m_sideBySide->isChecked() ? 2 : 1); ++i) {
        RetrievalSystem system;
        system.options.method = methodOf(i);
        system.options.instruction = m_instruction->text();
        const QString dir =
            system.options.method == SearchMethod::Bm25 ? QString() : m_sides[size_t(i)].model->text().trimmed();
        if (system.options.method != SearchMethod::Bm25 && dir.isEmpty()) {
            m_summary->setText(tr("Choose a model folder for %1 search.").arg(methodLabel(system.options.method)));
            return 0;
        }
        if (!dir.isEmpty()) {
            system.model.dir = QFileInfo(dir).absoluteFilePath();
            if (!m_sides[size_t(i)].adapter->text().trimmed().isEmpty())
                system.model.adapter = QFileInfo(m_sides[size_t(i)].adapter->text().trimmed()).absoluteFilePath();
            system.model.device = QStringLiteral("auto");
        }
        request.systems.append(system);
        labels << (dir.isEmpty() ? methodLabel(system.options.method)
                   : system.model.adapter.isEmpty()
                       ? tr("%1 · %2").arg(methodLabel(system.options.method), QFileInfo(dir).fileName())
                       : tr("%1 · %2 + %3")
                             .arg(methodLabel(system.options.method), QFileInfo(dir).fileName(),
                                  QFileInfo(system.model.adapter).fileName()));
    }
    request.title = tr("Evaluate %1 on %2 (%3)").arg(labels.join(tr(" vs ")), corpus.name, request.split);
    m_evalLabels = labels;
    m_evaluate->setEnabled(false);
    m_evalJob = m_jobs->submit(makeEvaluationJob(request));
    return m_evalJob;
}

void SearchPage::markEvaluationStale()
{
    if (!m_evalShown || m_evalStale)
        return;
    m_evalStale = true;
    m_summary->setText(QStringLiteral("<span style='color:#9a6000'>%1</span><br>")
                           .arg(tr("Stale: the corpus, method, model or instruction changed since this evaluation; "
                                   "press Evaluate for figures that match.")) +
                       m_summary->text());
    m_perQuery->setEnabled(false);
}

QString SearchPage::statusText(int side) const
{
    return m_sides[size_t(side)].status->text();
}

QString SearchPage::summaryText() const
{
    return m_summary->text();
}

namespace {
// A row's query: its text (its id in the tooltip); a click loads it into the search.
QTableWidgetItem *queryItem(const EvalResult &r, const QString &id)
{
    const QString text = r.queryTexts.value(id);
    auto *item = new QTableWidgetItem(text.isEmpty() ? id : text);
    item->setToolTip(
        QCoreApplication::translate("ef::SearchPage", "Query %1 — click to search it on both sides").arg(id));
    item->setData(Qt::UserRole, text);
    return item;
}
} // namespace

void SearchPage::showEvaluation(const QList<EvalResult> &results)
{
    const QStringList &labels = m_evalLabels;
    QStringList lines;
    for (int i = 0; i < results.size(); ++i) {
        const metrics::Summary &s = results.at(i).summary;
        lines << tr("<b>%1</b>: nDCG@10 %2 · Recall@100 %3 · MRR@10 %4 · MAP@10 %5 (%6 queries, split %7)")
                     .arg(labels.value(i).toHtmlEscaped(), QString::number(s.ndcg10, 'f', 4),
                          QString::number(s.recall100, 'f', 4), QString::number(s.mrr10, 'f', 4),
                          QString::number(s.map10, 'f', 4), QString::number(s.queries), results.at(i).split);
    }
    if (!results.isEmpty())
        lines << tr("<small>BEIR's conventions: every query of the qrels, self hits ignored, depth %1, ties in "
                    "trec_eval's order.</small>")
                     .arg(results.first().depth);
    m_summary->setText(lines.join(QStringLiteral("<br>")));
    m_evalShown = true;
    m_evalStale = false;
    m_perQuery->setEnabled(true);
    const QList<metrics::QueryScores> &a = results.at(0).perQuery;
    m_perQuery->setSortingEnabled(false);
    m_perQuery->clear();
    m_perQuery->setRowCount(static_cast<int>(a.size()));
    if (results.size() == 1) {
        m_perQuery->setColumnCount(4);
        m_perQuery->setHorizontalHeaderLabels({tr("Query"), tr("nDCG@10"), tr("Recall@100"), tr("MRR@10")});
        for (int r = 0; r < a.size(); ++r) {
            m_perQuery->setItem(r, 0, queryItem(results.at(0), a.at(r).queryId));
            m_perQuery->setItem(r, 1, new NumberItem(a.at(r).ndcg10));
            m_perQuery->setItem(r, 2, new NumberItem(a.at(r).recall100));
            m_perQuery->setItem(r, 3, new NumberItem(a.at(r).mrr10));
        }
        m_perQuery->setSortingEnabled(true);
        m_perQuery->sortItems(1, Qt::AscendingOrder); // the queries served worst first
    } else {
        QHash<QString, metrics::QueryScores> b;
        for (const metrics::QueryScores &q : results.at(1).perQuery)
            b.insert(q.queryId, q);
        m_perQuery->setColumnCount(5);
        m_perQuery->setHorizontalHeaderLabels(
            {tr("Query"), tr("nDCG@10 (left)"), tr("nDCG@10 (right)"), tr("Δ nDCG@10"), tr("Δ MRR@10")});
        for (int r = 0; r < a.size(); ++r) {
            const metrics::QueryScores other = b.value(a.at(r).queryId);
            m_perQuery->setItem(r, 0, queryItem(results.at(0), a.at(r).queryId));
            m_perQuery->setItem(r, 1, new NumberItem(a.at(r).ndcg10));
            m_perQuery->setItem(r, 2, new NumberItem(other.ndcg10));
            m_perQuery->setItem(r, 3, new NumberItem(other.ndcg10 - a.at(r).ndcg10, true));
            m_perQuery->setItem(r, 4, new NumberItem(other.mrr10 - a.at(r).mrr10, true));
        }
        m_perQuery->setSortingEnabled(true);
        m_perQuery->sortItems(3, Qt::DescendingOrder); // where the right system wins most first
    }
    m_perQuery->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    Q_EMIT evaluated(results.at(0).summary.ndcg10);
}

} // namespace ef
