// SPDX-License-Identifier: GPL-3.0-or-later
// The Search page: BM25 search over a workspace corpus while typing, with highlighted
// snippets and relevance marks from the qrels, and evaluation as a job with per-query scores.
#pragma once

#include <QHash>
#include <QTimer>
#include <QWidget>

#include "backend/corpus.h"
#include "backend/workspace.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTextBrowser;
class QThreadPool;

namespace ef {

class JobManager;

class SearchPage final : public QWidget
{
    Q_OBJECT

public:
    SearchPage(JobManager *jobs, QThreadPool *ioPool, QWidget *parent = nullptr);
    void setWorkspace(const Workspace &ws);
    void reloadCorpora();
    void setQuery(const QString &text);
    void selectCorpus(const QString &name);
    const QList<SearchHit> &hits() const { return m_hits; }
    QString resultsText() const;
    quint64 evaluate();
    QTableWidget *perQueryTable() const { return m_perQuery; }

Q_SIGNALS:
    void corporaLoaded(int count);
    void resultsShown(int hits);
    void evaluated(double ndcg10);

private:
    void runSearch();
    void showHits(const QList<SearchHit> &hits, const QHash<QString, int> &relevance);

    JobManager *m_jobs;
    QThreadPool *m_ioPool;
    Workspace m_ws;
    QList<CorpusInfo> m_corpora;
    QList<SearchHit> m_hits;
    quint64 m_request = 0;
    QTimer m_typing;
    QComboBox *m_corpus;
    QComboBox *m_knownQueries;
    QLineEdit *m_query;
    QLabel *m_status;
    QTextBrowser *m_results;
    QPushButton *m_evaluate;
    QLabel *m_summary;
    QTableWidget *m_perQuery;
};

} // namespace ef
