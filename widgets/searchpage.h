// SPDX-License-Identifier: GPL-3.0-or-later
// The Search page: BM25, dense or hybrid search over a workspace corpus while typing, with
// highlighted snippets and relevance marks from the qrels; a side-by-side mode comparing two
// methods or two models with rank changes marked; corpus embedding and evaluation as jobs,
// with per-query results sortable by how much one system beats the other.
//
// Threading: searches run through a DenseSession (BM25 as light jobs, dense and hybrid under
// the compute lock, a model loaded once per folder), embedding and evaluation are backend
// jobs whose results arrive with jobFinished; lists of corpora and queries load on the I/O
// pool. The GUI thread only renders.
#pragma once

#include <array>

#include <QHash>
#include <QTimer>
#include <QWidget>

#include "backend/corpus.h"
#include "backend/retrieval.h"
#include "backend/workspace.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTextBrowser;
class QThreadPool;

namespace ef {

struct JobInfo;
class JobManager;

class DocumentViewer;

class SearchPage final : public QWidget
{
    Q_OBJECT

public:
    SearchPage(JobManager *jobs, QThreadPool *ioPool, QWidget *parent = nullptr);
    ~SearchPage() override;
    void setWorkspace(const Workspace &ws);
    void reloadCorpora();
    void setQuery(const QString &text);
    void selectCorpus(const QString &name);
    // side 0 is the left (or only) list, side 1 the right one in side-by-side mode.
    void setMethod(int side, SearchMethod method);
    void setModel(int side, const QString &dir);
    void setAdapter(int side, const QString &dir); // a LoRA adapter applied to that side's model
    void setInstruction(const QString &text);
    void setSideBySide(bool on);
    const QList<SearchHit> &hits(int side = 0) const { return m_sides[size_t(side)].hits; }
    QString resultsText(int side = 0) const;
    quint64 evaluate();
    quint64 embedCorpus(int side = 0);
    QTableWidget *perQueryTable() const { return m_perQuery; }
    QString summaryText() const;
    QString statusText(int side = 0) const;
    // Opens the document viewer on a hit of a list (row from 0): full text, metadata, judgements.
    void openDocument(int side, int row);
    DocumentViewer *documentViewer() const { return m_viewer; }

Q_SIGNALS:
    void corporaLoaded(int count);
    void resultsShown(int hits);               // the left list
    void sideResultsShown(int side, int hits); // either list
    void evaluated(double ndcg10);             // the left system's nDCG@10
    void corpusEmbedded(bool ok);
    void documentShown(const QString &docId); // the viewer holds the document (or its error)

private:
    struct Side
    {
        QWidget *box = nullptr;
        QComboBox *method = nullptr;
        QLineEdit *model = nullptr;
        QLineEdit *adapter = nullptr; // a LoRA adapter for the model (optional)
        QPushButton *browse = nullptr;
        QPushButton *embed = nullptr;
        QLabel *status = nullptr;
        QTextBrowser *results = nullptr;
        QList<SearchHit> hits;
        QHash<QString, int> relevance;
        quint64 request = 0;  // the search whose reply this list waits for
        QString requestQuery; // that search's query
        QString hitsQuery;    // the query of the hits shown
    };
    QWidget *buildSide(int side);
    void runSearch();
    void runSide(int side);
    void render(int side);
    void updateControls();
    void showReply(quint64 id, const SearchReply &reply);
    void onJobFinished(const JobInfo &info);
    void showEvaluation(const QList<EvalResult> &results);
    // The figures on screen no longer describe the settings: say so (issue 14.3).
    void markEvaluationStale();
    SearchMethod methodOf(int side) const;
    const CorpusInfo *currentCorpus() const;

    JobManager *m_jobs;
    QThreadPool *m_ioPool;
    Workspace m_ws;
    QList<CorpusInfo> m_corpora;
    std::array<Side, 2> m_sides;
    std::array<quint64, 2> m_embedJobs{}; // the embedding job each side started
    quint64 m_evalJob = 0;
    QStringList m_evalLabels;
    bool m_evalShown = false; // figures on screen, for the current settings
    bool m_evalStale = false;
    QTimer m_typing;
    QComboBox *m_corpus;
    QComboBox *m_knownQueries;
    QComboBox *m_presets;
    QLineEdit *m_instruction;
    QCheckBox *m_sideBySide;
    QLineEdit *m_query;
    QPushButton *m_evaluate;
    QLabel *m_summary;
    QTableWidget *m_perQuery;
    DocumentViewer *m_viewer = nullptr;
    quint64 m_viewerRequest = 0; // the latest document asked for; older answers are dropped
    DenseSession *m_session;
};

} // namespace ef
