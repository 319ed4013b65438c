// SPDX-License-Identifier: GPL-3.0-or-later
// The Workspace page.
#include "widgets/workspacepage.h"

#include <utility>

#include <QDesktopServices>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "backend/argtext.h"
#include "backend/jobhistory.h"
#include "backend/workspacetasks.h"
#include "widgets/displaytext.h"
#include "widgets/errorbox.h"

namespace ef {

WorkspacePage::WorkspacePage(QThreadPool *ioPool, QWidget *parent)
    : QWidget(parent), m_ioPool(ioPool), m_summary(new QLabel(this)), m_holdings(new QLabel(this)), m_storage(nullptr),
      m_tables(new QTableWidget(0, 2, this)), m_history(new QTableWidget(0, 5, this))
{
    setObjectName(QStringLiteral("workspacePage"));
    m_summary->setObjectName(QStringLiteral("workspaceSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_summary->setText(tr("No workspace is open."));

    auto *check = new QPushButton(tr("Check integrity"), this);
    check->setObjectName(QStringLiteral("checkWorkspaceButton"));
    auto *artifacts = new QPushButton(tr("Open artifacts folder"), this);
    auto *reload = new QPushButton(tr("Refresh"), this);
    connect(check, &QPushButton::clicked, this, &WorkspacePage::checkRequested);
    connect(reload, &QPushButton::clicked, this, &WorkspacePage::refresh);
    connect(artifacts, &QPushButton::clicked, this, [this] {
        if (m_ws.isValid())
            QDesktopServices::openUrl(QUrl::fromLocalFile(m_ws.artifactsDir()));
    });

    m_tables->setHorizontalHeaderLabels({tr("Table"), tr("Rows")});
    m_tables->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tables->verticalHeader()->hide();
    m_tables->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setObjectName(QStringLiteral("jobHistory"));
    m_history->setHorizontalHeaderLabels({tr("Finished"), tr("Job"), tr("State"), tr("Progress"), tr("Message")});
    m_history->horizontalHeader()->setSectionResizeMode(4, QHeaderView::Stretch);
    m_history->verticalHeader()->hide();
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    auto *buttons = new QVBoxLayout;
    buttons->addWidget(check);
    buttons->addWidget(artifacts);
    buttons->addWidget(reload);
    buttons->addStretch();
    top->addLayout(buttons);

    // What the workspace holds, and what to do next.
    auto *holdsBox = new QGroupBox(tr("This workspace holds"), this);
    m_holdings->setObjectName(QStringLiteral("workspaceHoldings"));
    m_holdings->setTextFormat(Qt::RichText);
    m_holdings->setWordWrap(true);
    (new QVBoxLayout(holdsBox))->addWidget(m_holdings);
    auto *nextBox = new QGroupBox(tr("What to do next"), this);
    auto *next = new QVBoxLayout(nextBox);
    for (const auto &[page, label] : {std::pair{QStringLiteral("templates"), tr("Preview a template")},
                                      std::pair{QStringLiteral("generate"), tr("Generate examples")},
                                      std::pair{QStringLiteral("search"), tr("Search the demo corpus")},
                                      std::pair{QStringLiteral("train"), tr("Train a small demo model")}}) {
        auto *b = new QPushButton(label, nextBox);
        b->setObjectName(QStringLiteral("next_") + page);
        connect(b, &QPushButton::clicked, this, [this, page = page] { Q_EMIT pageRequested(page); });
        next->addWidget(b);
    }
    next->addStretch();
    auto *inspect = new QPushButton(tr("Inspect storage"), this);
    inspect->setObjectName(QStringLiteral("inspectStorage"));
    inspect->setCheckable(true);
    next->addWidget(inspect);
    auto *tablesBox = new QGroupBox(tr("Storage: SQLite tables and their rows"), this);
    (new QVBoxLayout(tablesBox))->addWidget(m_tables);
    m_storage = tablesBox;
    tablesBox->setVisible(false); // behind "Inspect storage"
    connect(inspect, &QPushButton::toggled, tablesBox, &QWidget::setVisible);
    auto *historyBox = new QGroupBox(tr("Latest jobs"), this);
    (new QVBoxLayout(historyBox))->addWidget(m_history);
    auto *middle = new QHBoxLayout;
    middle->addWidget(holdsBox, 2);
    middle->addWidget(nextBox, 1);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(tablesBox, 1);
    bottom->addWidget(historyBox, 3);

    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(QStringLiteral("<h2>%1</h2>").arg(tr("Workspace")), this);
    layout->addWidget(title);
    layout->addLayout(top);
    layout->addLayout(middle);
    layout->addLayout(bottom, 1);

    connect(&m_watcher, &QFutureWatcher<Snapshot>::finished, this, [this] { show(m_watcher.result()); });
}

QString WorkspacePage::holdingsText() const
{
    return m_holdings->text();
}

void WorkspacePage::setWorkspace(const Workspace &ws)
{
    m_ws = ws;
    refresh();
}

void WorkspacePage::refresh()
{
    if (!m_ws.isValid())
        return;
    const Workspace ws = m_ws;
    m_watcher.setFuture(QtConcurrent::run(m_ioPool, [ws] {
        Snapshot s;
        s.info = Workspace::inspect(ws.path());
        if (auto holdings = workspaceHoldings(ws)) {
            s.examplesByStatus = holdings->examplesByStatus;
            s.excluded = holdings->excluded;
            s.corpora = holdings->corpora;
            s.unfinishedGenerationRuns = holdings->unfinishedGenerationRuns;
        } else {
            qWarning("%s", qPrintable(holdings.error()));
        }
        if (const auto history = loadJobHistory(ws, 200))
            s.history = history.value();
        else
            qWarning("%s", qPrintable(history.error()));
        return s;
    }));
}

void WorkspacePage::show(const Snapshot &s)
{
    if (!s.info) {
        m_summary->setText(s.info.error());
        return;
    }
    const WorkspaceInfo &i = s.info.value();
    const QLocale loc;
    m_summary->setText(tr("<b>%1</b><br>Schema version %2 · %3 · created %4 by %5<br>Artifacts: %6")
                           .arg(i.path.toHtmlEscaped(), QString::number(i.schemaVersion),
                                loc.formattedDataSize(i.sizeBytes), displayTime(i.createdAt),
                                i.createdBy.toHtmlEscaped(), i.artifactsDir.toHtmlEscaped()));
    const auto count = [&](const char *table) { return loc.toString(i.tableRows.value(QLatin1String(table))); };
    QStringList corpora;
    for (const QString &c : s.corpora)
        corpora << c.toHtmlEscaped();
    m_holdings->setText(
        tr("<b>%1</b> prompt templates<br><b>%2</b> valid examples, %3 invalid, %4 duplicates%5<br><b>%6</b> "
           "corpora%7<br><b>%8</b> generation runs (%9 unfinished) · <b>%10</b> training runs")
            .arg(count("templates"), loc.toString(s.examplesByStatus.value(QStringLiteral("valid"))),
                 loc.toString(s.examplesByStatus.value(QStringLiteral("invalid"))),
                 loc.toString(s.examplesByStatus.value(QStringLiteral("duplicate"))),
                 s.excluded > 0 ? tr(" · %1 excluded from training").arg(loc.toString(s.excluded)) : QString(),
                 loc.toString(s.corpora.size()),
                 corpora.isEmpty() ? QString() : QStringLiteral(": ") + corpora.join(QStringLiteral(", ")),
                 count("gen_runs"), loc.toString(s.unfinishedGenerationRuns), count("train_runs")));
    m_tables->setRowCount(static_cast<int>(i.tableRows.size()));
    int r = 0;
    for (auto it = i.tableRows.cbegin(); it != i.tableRows.cend(); ++it, ++r) {
        m_tables->setItem(r, 0, new QTableWidgetItem(it.key()));
        auto *n = new QTableWidgetItem(loc.toString(it.value()));
        n->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_tables->setItem(r, 1, n);
    }
    m_history->setRowCount(static_cast<int>(s.history.size()));
    for (int h = 0; h < s.history.size(); ++h) {
        const JobInfo &j = s.history.at(h);
        m_history->setItem(h, 0, new QTableWidgetItem(loc.toString(j.finishedAt.toLocalTime(), QLocale::ShortFormat)));
        m_history->setItem(h, 1, new QTableWidgetItem(j.title));
        m_history->setItem(h, 2, new QTableWidgetItem(jobStateDisplayName(j.state)));
        m_history->setItem(h, 3,
                           new QTableWidgetItem(j.progress.total > 0 ? tr("%1 / %2").arg(argText(j.progress.done),
                                                                                         argText(j.progress.total))
                                                                     : QString::number(j.progress.done)));
        // An error reads short here; the whole text is its tooltip.
        auto *message = new QTableWidgetItem(j.error.isEmpty() ? j.progress.message : readableError(j.error));
        message->setToolTip(j.error.isEmpty() ? j.progress.message : j.error);
        m_history->setItem(h, 4, message);
    }
}

} // namespace ef
