// SPDX-License-Identifier: GPL-3.0-or-later
// ExamplesModel: lazy, paged access to the examples table.
#include "widgets/examplesmodel.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include "backend/database.h"

namespace ef {

namespace {
struct IdsResult
{
    QVector<qint64> ids;
    QString error;
};

QString shorten(const QString &s)
{
    QString one = s.simplified();
    return one.size() > 160 ? one.left(157) + QStringLiteral("…") : one;
}
} // namespace

ExamplesModel::ExamplesModel(QThreadPool *pool, QObject *parent) : QAbstractTableModel(parent), m_pool(pool) {}

QString ExamplesModel::whereClause(const ExampleFilter &f, QStringList *binds)
{
    QStringList parts;
    if (!f.family.isEmpty()) {
        parts << QStringLiteral("family = ?");
        binds->append(f.family);
    }
    if (!f.language.isEmpty()) {
        parts << QStringLiteral("language = ?");
        binds->append(f.language);
    }
    if (!f.status.isEmpty()) {
        parts << QStringLiteral("status = ?");
        binds->append(f.status);
    }
    // LIKE with an escaped pattern: wildcards in the user's text are literal characters.
    const auto likePattern = [](QString w) -> QString { // QString, not a QStringBuilder referring to w
        w.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('%'), QStringLiteral("\\%")).replace(QLatin1Char('_'), QStringLiteral("\\_"));
        return QLatin1Char('%') + w + QLatin1Char('%');
    };
    if (!f.task.trimmed().isEmpty()) {
        parts << QStringLiteral("instruction LIKE ? ESCAPE '\\'");
        binds->append(likePattern(f.task.trimmed()));
    }
    // Each word must occur somewhere.
    for (const QString &word : f.text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        parts << QStringLiteral("(instruction || ' ' || query || ' ' || positive || ' ' || coalesce(negative, '')) LIKE ? ESCAPE '\\'");
        binds->append(likePattern(word));
    }
    return parts.isEmpty() ? QString() : QStringLiteral(" WHERE ") + parts.join(QStringLiteral(" AND "));
}

void ExamplesModel::setWorkspace(const Workspace &ws)
{
    m_ws = ws;
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
    auto *watcher = new QFutureWatcher<IdsResult>(this);
    connect(watcher, &QFutureWatcher<IdsResult>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // a newer filter superseded this one
        IdsResult r = watcher->result();
        if (!r.error.isEmpty()) {
            Q_EMIT loadFailed(r.error);
            return;
        }
        beginResetModel();
        m_ids = std::move(r.ids);
        endResetModel();
        Q_EMIT loaded(static_cast<int>(m_ids.size()));
    });
    watcher->setFuture(QtConcurrent::run(m_pool, [ws, f] {
        IdsResult r;
        auto db = ws.connect();
        if (!db) {
            r.error = db.error();
            return r;
        }
        try {
            QStringList binds;
            Statement st = (*db)->prepare(QStringLiteral("SELECT id FROM examples") + whereClause(f, &binds) + QStringLiteral(" ORDER BY id"));
            for (int i = 0; i < binds.size(); ++i)
                st.bind(i + 1, binds.at(i));
            while (st.step())
                r.ids.append(st.columnInt(0));
        } catch (const DbError &e) {
            r.error = e.message();
        }
        return r;
    }));
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
    case IdColumn: return r.id;
    case FamilyColumn: return r.family;
    case LanguageColumn: return r.language;
    case StatusColumn: return r.status == QLatin1String("invalid") && !r.invalidReason.isEmpty()
                                  ? tr("invalid: %1").arg(r.invalidReason) : r.status;
    case InstructionColumn: return tip ? r.instruction : shorten(r.instruction);
    case QueryColumn: return tip ? r.query : shorten(r.query);
    case PositiveColumn: return tip ? r.positive : shorten(r.positive);
    case NegativeColumn: return tip ? r.negative : shorten(r.negative);
    default: return {};
    }
}

QVariant ExamplesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn: return tr("ID");
    case FamilyColumn: return tr("Family");
    case LanguageColumn: return tr("Language");
    case StatusColumn: return tr("Status");
    case InstructionColumn: return tr("Instruction");
    case QueryColumn: return tr("Query");
    case PositiveColumn: return tr("Positive");
    case NegativeColumn: return tr("Hard negative");
    default: return {};
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
        QList<ExampleRow> rows;
        auto db = ws.connect();
        if (!db)
            return rows;
        try {
            QStringList binds;
            QString where = whereClause(f, &binds);
            where += (where.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ")) + QStringLiteral("id BETWEEN ? AND ?");
            Statement st = (*db)->prepare(QStringLiteral("SELECT id, family, language, status, invalid_reason, instruction, query, "
                                                         "positive, coalesce(negative, '') FROM examples") + where + QStringLiteral(" ORDER BY id"));
            int i = 1;
            for (const QString &b : binds)
                st.bind(i++, b);
            st.bind(i, lo);
            st.bind(i + 1, hi);
            while (st.step())
                rows.append({st.columnInt(0), st.columnText(1), st.columnText(2), st.columnText(3), st.columnText(4),
                             st.columnText(5), st.columnText(6), st.columnText(7), st.columnText(8)});
        } catch (const DbError &e) {
            qWarning("%s", qPrintable(e.message()));
        }
        return rows;
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
