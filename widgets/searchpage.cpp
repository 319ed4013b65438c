// SPDX-License-Identifier: GPL-3.0-or-later
// The Search page.
#include "widgets/searchpage.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "backend/database.h"
#include "backend/jobs.h"
#include "widgets/async.h"

namespace ef {

namespace {
// Table cells that sort by number, not by text.
class NumberItem final : public QTableWidgetItem
{
public:
    explicit NumberItem(double v) : QTableWidgetItem(QString::number(v, 'f', 4)) { setData(Qt::UserRole, v); }
    bool operator<(const QTableWidgetItem &o) const override { return data(Qt::UserRole).toDouble() < o.data(Qt::UserRole).toDouble(); }
};

struct SearchReply
{
    QList<SearchHit> hits;
    QHash<QString, int> relevance; // doc id -> qrels score, for a query text the corpus knows
    qint64 ms = 0;
    QString error;
};
} // namespace

SearchPage::SearchPage(JobManager *jobs, QThreadPool *ioPool, QWidget *parent)
    : QWidget(parent), m_jobs(jobs), m_ioPool(ioPool), m_corpus(new QComboBox(this)), m_knownQueries(new QComboBox(this)),
      m_query(new QLineEdit(this)), m_status(new QLabel(this)), m_results(new QTextBrowser(this)),
      m_evaluate(new QPushButton(tr("Evaluate (BM25)"), this)), m_summary(new QLabel(this)), m_perQuery(new QTableWidget(0, 4, this))
{
    setObjectName(QStringLiteral("searchPage"));
    m_query->setObjectName(QStringLiteral("searchQuery"));
    m_results->setObjectName(QStringLiteral("searchResults"));
    m_evaluate->setObjectName(QStringLiteral("evaluate"));
    m_query->setPlaceholderText(tr("Type a query: results update as you type"));
    m_query->setClearButtonEnabled(true);
    m_knownQueries->addItem(tr("Queries of this corpus…"), QString());
    m_corpus->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_corpus->setMinimumContentsLength(24);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Corpus:"), this));
    bar->addWidget(m_corpus);
    bar->addWidget(new QLabel(tr("Method: BM25"), this));
    bar->addWidget(m_knownQueries, 1);
    auto *queryRow = new QHBoxLayout;
    queryRow->addWidget(m_query, 1);
    queryRow->addWidget(m_status);

    m_perQuery->setHorizontalHeaderLabels({tr("Query"), tr("nDCG@10"), tr("Recall@100"), tr("MRR@10")});
    m_perQuery->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_perQuery->verticalHeader()->hide();
    m_perQuery->setSortingEnabled(true);
    m_perQuery->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto *evalBox = new QWidget(this);
    auto *evalLayout = new QVBoxLayout(evalBox);
    evalLayout->setContentsMargins(0, 0, 0, 0);
    evalLayout->addWidget(m_evaluate);
    evalLayout->addWidget(m_summary);
    evalLayout->addWidget(m_perQuery, 1);

    auto *split = new QSplitter(this);
    split->addWidget(m_results);
    split->addWidget(evalBox);
    split->setSizes({700, 400});

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(QStringLiteral("<h2>%1</h2>").arg(tr("Search")), this));
    layout->addLayout(bar);
    layout->addLayout(queryRow);
    layout->addWidget(split, 1);

    m_typing.setSingleShot(true);
    m_typing.setInterval(150);
    connect(&m_typing, &QTimer::timeout, this, &SearchPage::runSearch);
    connect(m_query, &QLineEdit::textChanged, this, [this] { m_typing.start(); });
    connect(m_corpus, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_knownQueries->blockSignals(true);
        while (m_knownQueries->count() > 1)
            m_knownQueries->removeItem(1);
        m_knownQueries->blockSignals(false);
        if (index < 0 || index >= m_corpora.size() || !m_ws.isValid())
            return;
        const Workspace ws = m_ws;
        const qint64 corpusId = m_corpora.at(index).id;
        runAsync(
            m_ioPool, this,
            [ws, corpusId] {
                QStringList texts;
                if (auto db = ws.connect()) {
                    Statement st = (*db)->prepare(QStringLiteral("SELECT text FROM queries WHERE corpus_id = ? ORDER BY id LIMIT 500"));
                    st.bind(1, corpusId);
                    while (st.step())
                        texts << st.columnText(0);
                }
                return texts;
            },
            [this](const QStringList &texts) {
                for (const QString &t : texts)
                    m_knownQueries->addItem(t, t);
            });
        runSearch();
    });
    connect(m_knownQueries, &QComboBox::activated, this, [this](int index) {
        if (index > 0)
            m_query->setText(m_knownQueries->itemData(index).toString());
    });
    connect(m_evaluate, &QPushButton::clicked, this, &SearchPage::evaluate);
    setEnabled(false);
}

void SearchPage::setWorkspace(const Workspace &ws)
{
    m_ws = ws;
    setEnabled(ws.isValid());
    reloadCorpora();
}

void SearchPage::reloadCorpora()
{
    if (!m_ws.isValid())
        return;
    const Workspace ws = m_ws;
    runAsync(
        m_ioPool, this,
        [ws] {
            auto db = ws.connect();
            return db ? listCorpora(**db) : QList<CorpusInfo>{};
        },
        [this](const QList<CorpusInfo> &corpora) {
            m_corpora = corpora;
            m_corpus->blockSignals(true);
            m_corpus->clear();
            for (const CorpusInfo &c : corpora)
                m_corpus->addItem(tr("%1 (%2 documents)").arg(c.name).arg(c.documents), c.name);
            m_corpus->blockSignals(false);
            if (!corpora.isEmpty())
                Q_EMIT m_corpus->currentIndexChanged(0);
            else
                m_results->setHtml(tr("<p>This workspace has no corpus yet. Import one with <code>embedforge-cli corpus import</code> "
                                      "(BEIR folder, JSONL or a folder of text files).</p>"));
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
    const int index = m_corpus->currentIndex();
    if (index < 0 || index >= m_corpora.size())
        return;
    const CorpusInfo corpus = m_corpora.at(index);
    const QString query = m_query->text();
    const Workspace ws = m_ws;
    const quint64 request = ++m_request; // typing supersedes earlier searches
    runAsync(
        m_ioPool, this,
        [ws, corpus, query] {
            SearchReply r;
            QElapsedTimer t;
            t.start();
            auto db = ws.connect();
            if (!db) {
                r.error = db.error();
                return r;
            }
            try {
                r.hits = searchBm25(**db, corpus, query, 20);
                Statement rel = (*db)->prepare(QStringLiteral(
                    "SELECT qr.doc_ext_id, MAX(qr.score) FROM queries q JOIN qrels qr ON qr.corpus_id = q.corpus_id "
                    "AND qr.query_ext_id = q.ext_id WHERE q.corpus_id = ? AND q.text = ? GROUP BY qr.doc_ext_id"));
                rel.bind(1, corpus.id).bind(2, query);
                while (rel.step())
                    r.relevance.insert(rel.columnText(0), static_cast<int>(rel.columnInt(1)));
            } catch (const DbError &e) {
                r.error = e.message();
            }
            r.ms = t.elapsed();
            return r;
        },
        [this, request](const SearchReply &r) {
            if (request != m_request)
                return;
            if (!r.error.isEmpty()) {
                m_status->setText(r.error);
                return;
            }
            m_status->setText(tr("%1 results in %2 ms").arg(r.hits.size()).arg(r.ms));
            showHits(r.hits, r.relevance);
        });
}

void SearchPage::showHits(const QList<SearchHit> &hits, const QHash<QString, int> &relevance)
{
    m_hits = hits;
    QString html;
    for (int i = 0; i < hits.size(); ++i) {
        const SearchHit &h = hits.at(i);
        QString mark;
        if (!relevance.isEmpty()) {
            const int rel = relevance.value(h.docId, 0);
            mark = rel > 0 ? QStringLiteral(" <span style='color:#1b7a3a'>✓ %1</span>").arg(tr("relevant (%1)").arg(rel))
                           : QStringLiteral(" <span style='color:#888'>✗ %1</span>").arg(tr("not judged relevant"));
        }
        const QString snippet = markSnippet(h.snippet.toHtmlEscaped(), QStringLiteral("<b style='background:#fff3b0'>"), QStringLiteral("</b>"));
        html += QStringLiteral("<p><b>%1.</b> %2 <span style='color:#666'>[%3] · %4</span>%5<br>%6</p>")
                    .arg(i + 1)
                    .arg(h.title.isEmpty() ? tr("(untitled)") : h.title.toHtmlEscaped(), h.docId.toHtmlEscaped())
                    .arg(h.score, 0, 'f', 3)
                    .arg(mark, snippet);
    }
    if (hits.isEmpty())
        html = m_query->text().trimmed().isEmpty() ? QString() : QStringLiteral("<p>%1</p>").arg(tr("No results."));
    m_results->setHtml(html);
    Q_EMIT resultsShown(static_cast<int>(hits.size()));
}

QString SearchPage::resultsText() const
{
    return m_results->toPlainText();
}

quint64 SearchPage::evaluate()
{
    const int index = m_corpus->currentIndex();
    if (!m_jobs || index < 0 || index >= m_corpora.size())
        return 0;
    const CorpusInfo corpus = m_corpora.at(index);
    if (corpus.splits.isEmpty()) {
        m_summary->setText(tr("Corpus '%1' has no qrels to evaluate against.").arg(corpus.name));
        return 0;
    }
    const QString split = corpus.splits.contains(QStringLiteral("test")) ? QStringLiteral("test") : corpus.splits.first();
    const Workspace ws = m_ws;
    auto result = std::make_shared<EvalResult>();
    m_evaluate->setEnabled(false);
    const quint64 id = m_jobs->submit({QStringLiteral("search.eval"), tr("Evaluate BM25 on %1 (%2)").arg(corpus.name, split), false,
                                       [ws, corpus, split, result](JobContext &ctx) {
                                           auto db = ws.connect();
                                           if (!db)
                                               throw std::runtime_error(db.error().toStdString());
                                           ctx.setTotal(corpus.queries);
                                           auto r = evaluateBm25(**db, corpus, split, false, [&](qint64 done, const QString &q) {
                                               ctx.setProgress(done, q);
                                               return !ctx.cancelRequested();
                                           });
                                           if (!r)
                                               throw std::runtime_error(r.error().toStdString());
                                           *result = r.value();
                                       }});
    auto *conn = new QMetaObject::Connection;
    *conn = connect(m_jobs, &JobManager::jobFinished, this, [this, id, result, conn](const JobInfo &info) {
        if (info.id != id)
            return;
        disconnect(*conn);
        delete conn;
        m_evaluate->setEnabled(true);
        if (info.state != JobState::Succeeded) {
            m_summary->setText(info.error.isEmpty() ? jobStateDisplayName(info.state) : info.error);
            return;
        }
        const metrics::Summary &s = result->summary;
        m_summary->setText(tr("nDCG@10 %1 · Recall@100 %2 · MRR@10 %3 · MAP@10 %4 (%5 queries, split %6)")
                               .arg(s.ndcg10, 0, 'f', 4)
                               .arg(s.recall100, 0, 'f', 4)
                               .arg(s.mrr10, 0, 'f', 4)
                               .arg(s.map10, 0, 'f', 4)
                               .arg(s.queries)
                               .arg(result->split));
        m_perQuery->setSortingEnabled(false);
        m_perQuery->setRowCount(static_cast<int>(result->perQuery.size()));
        for (int r = 0; r < result->perQuery.size(); ++r) {
            const metrics::QueryScores &q = result->perQuery.at(r);
            m_perQuery->setItem(r, 0, new QTableWidgetItem(q.queryId));
            m_perQuery->setItem(r, 1, new NumberItem(q.ndcg10));
            m_perQuery->setItem(r, 2, new NumberItem(q.recall100));
            m_perQuery->setItem(r, 3, new NumberItem(q.mrr10));
        }
        m_perQuery->setSortingEnabled(true);
        m_perQuery->sortItems(1, Qt::AscendingOrder); // the queries BM25 serves worst first
        Q_EMIT evaluated(s.ndcg10);
    });
    return id;
}

} // namespace ef
