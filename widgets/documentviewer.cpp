// SPDX-License-Identifier: GPL-3.0-or-later
// The Search page's document viewer.
#include "widgets/documentviewer.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "backend/argtext.h"
#include "backend/fts.h"

namespace ef {

DocumentViewer::DocumentViewer(QWidget *parent)
    : QDialog(parent), m_heading(new QLabel(this)), m_facts(new QLabel(this)), m_judgement(new QLabel(this)),
      m_text(new QTextBrowser(this)), m_judgements(new QTableWidget(0, 4, this))
{
    setObjectName(QStringLiteral("documentViewer"));
    setWindowTitle(tr("Document"));
    resize(760, 640);
    m_heading->setObjectName(QStringLiteral("documentHeading"));
    m_heading->setWordWrap(true);
    m_heading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts->setObjectName(QStringLiteral("documentFacts"));
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_judgement->setObjectName(QStringLiteral("documentJudgement"));
    m_judgement->setWordWrap(true);
    m_text->setObjectName(QStringLiteral("documentText"));
    m_text->setOpenLinks(false);
    m_judgements->setObjectName(QStringLiteral("documentJudgements"));
    m_judgements->setHorizontalHeaderLabels({tr("Split"), tr("Query id"), tr("Query"), tr("Grade")});
    m_judgements->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_judgements->verticalHeader()->hide();
    m_judgements->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_judgements->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_judgements->setSelectionMode(QAbstractItemView::SingleSelection);
    m_judgements->setToolTip(tr("Every query whose relevance judgements (qrels) name this document; click one to "
                                "search it"));
    connect(m_judgements, &QTableWidget::cellClicked, this, [this](int row) {
        if (const QTableWidgetItem *item = m_judgements->item(row, 2); item && !item->text().isEmpty())
            Q_EMIT queryRequested(item->text());
    });

    auto *judgedBy = new QWidget(this);
    auto *judgedLayout = new QVBoxLayout(judgedBy);
    judgedLayout->setContentsMargins(0, 0, 0, 0);
    judgedLayout->addWidget(new QLabel(tr("Judged by these queries of the corpus:"), judgedBy));
    judgedLayout->addWidget(m_judgements);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_text);
    split->addWidget(judgedBy);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy text"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyDocument"));
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_plain); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(m_facts);
    layout->addWidget(m_judgement);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
}

void DocumentViewer::showLoading(const QString &docId)
{
    setWindowTitle(tr("Document %1").arg(docId));
    m_heading->setText(QStringLiteral("<h3>%1</h3>").arg(docId.toHtmlEscaped()));
    m_facts->setText(tr("Loading…"));
    m_judgement->clear();
    m_text->clear();
    m_judgements->setRowCount(0);
    m_plain.clear();
}

void DocumentViewer::showError(const QString &message)
{
    m_facts->setText(QStringLiteral("<span style='color:#b00020'>%1</span>").arg(message.toHtmlEscaped()));
}

void DocumentViewer::showDocument(const DocumentDetail &doc, const Context &context)
{
    const QLocale loc;
    setWindowTitle(tr("Document %1 — %2").arg(argText(doc.docId), argText(doc.corpusName)));
    const QString title = doc.title.isEmpty() ? tr("(untitled)") : doc.title;
    m_heading->setText(QStringLiteral("<h3>%1</h3>").arg(title.toHtmlEscaped()));
    QString facts = tr("Corpus <b>%1</b> · document id <b>%2</b> · %3 characters · %4 words")
                        .arg(argText(doc.corpusName.toHtmlEscaped()), argText(doc.docId.toHtmlEscaped()),
                             argText(loc.toString(doc.characters)), argText(loc.toString(doc.words)));
    if (!doc.corpusSource.isEmpty())
        facts += QStringLiteral("<br>") + tr("Imported from %1").arg(doc.corpusSource.toHtmlEscaped());
    if (context.rank > 0)
        facts += QStringLiteral("<br>") + tr("Rank %1 by %2, score %3")
                                              .arg(argText(context.rank), argText(context.method),
                                                   argText(QString::number(context.score, 'f', 4)));
    m_facts->setText(facts);
    if (!context.judgement)
        m_judgement->setText(tr("Judgement: the query searched is not one of this corpus's queries, so there is "
                                "no judgement for it."));
    else if (*context.judgement > 0)
        m_judgement->setText(QStringLiteral("<span style='color:#1b7a3a'>✓ %1</span>")
                                 .arg(tr("Judged relevant to the query searched (grade %1).").arg(*context.judgement)));
    else
        m_judgement->setText(QStringLiteral("<span style='color:#888'>✗ %1</span>")
                                 .arg(tr("Not judged relevant to the query searched.")));
    m_plain = doc.text;
    m_text->setHtml(highlighted(doc.text, context.query));
    m_judgements->setRowCount(static_cast<int>(doc.judgements.size()));
    for (int i = 0; i < doc.judgements.size(); ++i) {
        const DocumentJudgement &j = doc.judgements.at(i);
        m_judgements->setItem(i, 0, new QTableWidgetItem(j.split));
        m_judgements->setItem(i, 1, new QTableWidgetItem(j.queryId));
        auto *query = new QTableWidgetItem(j.queryText);
        query->setToolTip(j.queryText);
        m_judgements->setItem(i, 2, query);
        m_judgements->setItem(i, 3, new QTableWidgetItem(loc.toString(j.score)));
    }
    m_judgements->resizeColumnToContents(0);
    m_judgements->resizeColumnToContents(1);
    m_judgements->resizeColumnToContents(3);
}

QString DocumentViewer::documentText() const
{
    return m_text->toPlainText();
}

QString DocumentViewer::judgementText() const
{
    return m_judgement->text();
}

QString DocumentViewer::highlighted(const QString &text, const QString &query)
{
    QStringList alternatives;
    QStringList terms = fts::queryTerms(fts::limitQueryBytes(query));
    terms.removeDuplicates();
    for (const QString &term : terms.mid(0, fts::kMaxQueryTerms)) {
        bool cjk = false;
        for (const QChar c : term)
            cjk = cjk || fts::isCjk(c.unicode());
        // Words match whole words; a CJK run matches wherever it occurs (no spaces between words).
        alternatives << (cjk ? QRegularExpression::escape(term)
                             : QStringLiteral("\\b%1\\b").arg(QRegularExpression::escape(term)));
    }
    const auto paragraphs = [](const QString &escaped) {
        return QStringLiteral("<p style='white-space:pre-wrap'>%1</p>").arg(escaped);
    };
    if (alternatives.isEmpty())
        return paragraphs(text.toHtmlEscaped());
    const QRegularExpression re(alternatives.join(QLatin1Char('|')),
                                QRegularExpression::CaseInsensitiveOption |
                                    QRegularExpression::UseUnicodePropertiesOption);
    QString html;
    qsizetype at = 0;
    for (auto it = re.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedLength() == 0)
            continue;
        html += text.mid(at, m.capturedStart() - at).toHtmlEscaped();
        html += QStringLiteral("<span style='background:#fff3b0; font-weight:bold'>%1</span>")
                    .arg(m.captured().toHtmlEscaped());
        at = m.capturedEnd();
    }
    html += text.mid(at).toHtmlEscaped();
    return paragraphs(html);
}

} // namespace ef
