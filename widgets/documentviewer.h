// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Search page's document viewer: a result's full text with the query's terms marked, where
// it comes from (corpus, id, source, length), how it ranked, and its judgements: for the query
// searched, and every query of the corpus's qrels that judges it. Clicking a judging query
// searches it.

#include <optional>

#include <QDialog>

#include "backend/retrieval.h"

class QLabel;
class QTableWidget;
class QTextBrowser;

namespace ef {

class DocumentViewer final : public QDialog
{
    Q_OBJECT
public:
    // What the page knows of the hit: the query searched, its rank (from 1), score and method,
    // and the query's judgement of this document (nullopt: the query is not one of the corpus's).
    struct Context
    {
        QString query;
        int rank = 0;
        double score = 0;
        QString method;
        std::optional<int> judgement;
    };

    explicit DocumentViewer(QWidget *parent = nullptr);

    void showLoading(const QString &docId);
    void showDocument(const DocumentDetail &doc, const Context &context);
    void showError(const QString &message);

    QString documentText() const;  // the full text as shown
    QString judgementText() const; // the line about the query searched
    QTableWidget *judgementsTable() const { return m_judgements; }

    // The document's text as HTML, the query's terms (fts::queryTerms) highlighted.
    static QString highlighted(const QString &text, const QString &query);

Q_SIGNALS:
    void queryRequested(const QString &text);

private:
    QLabel *m_heading;
    QLabel *m_facts;
    QLabel *m_judgement;
    QTextBrowser *m_text;
    QTableWidget *m_judgements;
    QString m_plain;
};

} // namespace ef
