// SPDX-License-Identifier: GPL-3.0-or-later
// The Search page: BM25, dense or hybrid search over a workspace corpus while typing, with
// highlighted snippets and relevance marks from the qrels; a side-by-side mode comparing two
// methods or two models with rank changes marked; corpus embedding and evaluation as jobs,
// with per-query results sortable by how much one system beats the other.
//
// Threading: searches run on the I/O pool (a model is loaded once per folder and used by one
// search at a time), embedding and evaluation run as jobs; the GUI thread only renders.
#pragma once

#include <array>
#include <memory>

#include <QHash>
#include <QTimer>
#include <QWidget>

#include "backend/corpus.h"
#include "backend/dense.h"
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

class JobManager;
struct ModelSlot;

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
    void setInstruction(const QString &text);
    void setSideBySide(bool on);
    const QList<SearchHit> &hits(int side = 0) const { return m_sides[size_t(side)].hits; }
    QString resultsText(int side = 0) const;
    quint64 evaluate();
    quint64 embedCorpus(int side = 0);
    QTableWidget *perQueryTable() const { return m_perQuery; }

Q_SIGNALS:
    void corporaLoaded(int count);
    void resultsShown(int hits);               // the left list
    void sideResultsShown(int side, int hits); // either list
    void evaluated(double ndcg10);             // the left system's nDCG@10
    void corpusEmbedded(bool ok);

private:
    struct Side
    {
        QWidget *box = nullptr;
        QComboBox *method = nullptr;
        QLineEdit *model = nullptr;
        QPushButton *browse = nullptr;
        QPushButton *embed = nullptr;
        QLabel *status = nullptr;
        QTextBrowser *results = nullptr;
        QList<SearchHit> hits;
        QHash<QString, int> relevance;
        quint64 request = 0;
    };
    QWidget *buildSide(int side);
    void runSearch();
    void runSide(int side);
    void render(int side);
    void updateControls();
    SearchMethod methodOf(int side) const;
    std::shared_ptr<ModelSlot> slotFor(const QString &dir);
    const CorpusInfo *currentCorpus() const;

    JobManager *m_jobs;
    QThreadPool *m_ioPool;
    Workspace m_ws;
    QList<CorpusInfo> m_corpora;
    std::array<Side, 2> m_sides;
    QHash<QString, std::shared_ptr<ModelSlot>> m_models;
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
};

} // namespace ef
