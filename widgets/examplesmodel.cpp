// SPDX-License-Identifier: GPL-3.0-or-later
// ExamplesModel: lazy, paged access to the examples table.
#include "widgets/examplesmodel.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include "backend/llmparse.h"
#include "backend/examples.h"
#include "widgets/displaytext.h"

namespace ef {

namespace {
QString shorten(const QString &s)
{
    QString one = s.simplified();
    return one.size() > 160 ? one.left(157) + QStringLiteral("…") : one;
}
} // namespace

ExamplesModel::ExamplesModel(QThreadPool *pool, QObject *parent) : QAbstractTableModel(parent), m_pool(pool)
{}

void ExamplesModel::setWorkspace(const Workspace &ws)
{
    m_ws = ws;
    refresh();
}

void ExamplesModel::setWorkspace(const Workspace &ws, const ExampleFilter &filter)
{
    m_ws = ws;
    m_filter = filter;
    refresh();
}

void ExamplesModel::setFilter(const ExampleFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    refresh();
}

void ExamplesModel::refresh()
{
    const quint64 generation = ++m_generation;
    beginResetModel();
    m_ids.clear();
    m_pages.clear();
    m_pageOrder.clear();
    m_pending.clear();
    endResetModel();
    if (!m_ws.isValid())
        return;
    const Workspace ws = m_ws;
    const ExampleFilter f = m_filter;
    auto *watcher = new QFutureWatcher<Expected<QVector<qint64>>>(this);
    connect(watcher, &QFutureWatcher<Expected<QVector<qint64>>>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // a newer filter superseded this one
        Expected<QVector<qint64>> r = watcher->result();
        if (!r) {
            Q_EMIT loadFailed(r.error());
            return;
        }
        beginResetModel();
        m_ids = std::move(r).value();
        endResetModel();
        Q_EMIT loaded(static_cast<int>(m_ids.size()));
    });
    watcher->setFuture(QtConcurrent::run(m_pool, [ws, f] { return exampleIds(ws, f); }));
}

int ExamplesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_ids.size());
}

int ExamplesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ExamplesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_ids.size())
        return {};
    if (role == IdRole)
        return m_ids.at(index.row());
    const int page = index.row() / kPageSize;
    const auto it = m_pages.constFind(page);
    if (role == LoadedRole)
        return it != m_pages.cend();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    if (it == m_pages.cend()) {
        requestPage(page);
        return index.column() == IdColumn ? QVariant(m_ids.at(index.row())) : QVariant(QStringLiteral("…"));
    }
    const int offset = index.row() - page * kPageSize;
    if (offset >= it->size())
        return {};
    const ExampleRow &r = it->at(offset);
    const bool tip = role == Qt::ToolTipRole;
    switch (index.column()) {
    case IdColumn:
        return r.id;
    case FamilyColumn:
        return r.family;
    case LanguageColumn:
        return r.language;
    case StatusColumn:
        if (tip && r.status == QLatin1String("invalid") && !r.invalidReason.isEmpty()) // the reason in full
            return tr("invalid: %1 (%2)").arg(invalidReasonDescription(r.invalidReason), r.invalidReason);
        return r.status == QLatin1String("invalid") && !r.invalidReason.isEmpty()
                   ? tr("invalid: %1").arg(r.invalidReason)
                   : exampleStatusName(r.status);
    case InstructionColumn:
        return tip ? r.instruction : shorten(r.instruction);
    case QueryColumn:
        return tip ? r.query : shorten(r.query);
    case PositiveColumn:
        return tip ? r.positive : shorten(r.positive);
    case NegativeColumn:
        return tip ? r.negative : shorten(r.negative);
    default:
        return {};
    }
}

QVariant ExamplesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn:
        return tr("ID");
    case FamilyColumn:
        return tr("Family");
    case LanguageColumn:
        return tr("Language");
    case StatusColumn:
        return tr("Status");
    case InstructionColumn:
        return tr("Instruction");
    case QueryColumn:
        return tr("Query");
    case PositiveColumn:
        return tr("Positive");
    case NegativeColumn:
        return tr("Hard negative");
    default:
        return {};
    }
}

void ExamplesModel::requestPage(int page) const
{
    if (m_pending.contains(page))
        return;
    m_pending.insert(page);
    const int first = page * kPageSize;
    const int last = std::min<int>(first + kPageSize, static_cast<int>(m_ids.size())) - 1;
    if (last < first)
        return;
    const qint64 lo = m_ids.at(first);
    const qint64 hi = m_ids.at(last);
    const Workspace ws = m_ws;
    const ExampleFilter f = m_filter;
    const quint64 generation = m_generation;
    QPointer<ExamplesModel> self(const_cast<ExamplesModel *>(this));
    auto *watcher = new QFutureWatcher<QList<ExampleRow>>(self);
    connect(watcher, &QFutureWatcher<QList<ExampleRow>>::finished, self, [self, watcher, generation, page] {
        watcher->deleteLater();
        if (self)
            self->pageArrived(generation, page, watcher->result());
    });
    // Rows between the page's first and last id that match the filter are exactly the page.
    watcher->setFuture(QtConcurrent::run(m_pool, [ws, f, lo, hi] {
        Expected<QList<ExampleRow>> rows = exampleRows(ws, f, lo, hi);
        if (!rows)
            qWarning("%s", qPrintable(rows.error()));
        return rows ? rows.value() : QList<ExampleRow>();
    }));
}

void ExamplesModel::pageArrived(quint64 generation, int page, const QList<ExampleRow> &rows)
{
    if (generation != m_generation)
        return;
    m_pending.remove(page);
    m_pages.insert(page, rows);
    m_pageOrder.removeAll(page);
    m_pageOrder.append(page);
    while (m_pageOrder.size() > kMaxCachedPages)
        m_pages.remove(m_pageOrder.takeFirst());
    const int first = page * kPageSize;
    const int last = std::min<int>(first + kPageSize, static_cast<int>(m_ids.size())) - 1;
    Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

} // namespace ef
