// SPDX-License-Identifier: GPL-3.0-or-later
// ExamplesModel: the workspace's examples as a table that stays fast at 500k rows.
//
// A filter change loads only the matching ids (8 bytes a row) in the background; rows are
// fetched in pages of kPageSize when a view asks for them and kept in a bounded cache, so
// memory stays small whatever the dataset size. Everything touching SQLite runs on the
// given pool through backend/examples; the model itself changes only on the GUI thread.
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QVector>

#include "backend/examples.h"
#include "backend/workspace.h"

class QThreadPool;

namespace ef {

class ExamplesModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        FamilyColumn,
        LanguageColumn,
        StatusColumn,
        InstructionColumn,
        QueryColumn,
        PositiveColumn,
        NegativeColumn,
        ColumnCount
    };
    enum Role { IdRole = Qt::UserRole + 1, LoadedRole };
    static constexpr int kPageSize = kExamplePageSize;
    static constexpr int kMaxCachedPages = 40;

    ExamplesModel(QThreadPool *pool, QObject *parent = nullptr);

    void setWorkspace(const Workspace &ws);
    void setWorkspace(const Workspace &ws, const ExampleFilter &filter); // both, one reload
    void setFilter(const ExampleFilter &filter);
    const ExampleFilter &filter() const { return m_filter; }
    // Reloads ids for the current filter (e.g. after a generation run added rows).
    void refresh();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    qint64 idAt(int row) const { return row >= 0 && row < m_ids.size() ? m_ids.at(row) : 0; }
    int cachedPageCount() const { return static_cast<int>(m_pages.size()); }

Q_SIGNALS:
    void loaded(int rows); // ids for a filter arrived
    void loadFailed(const QString &error);

private:
    void requestPage(int page) const;
    void pageArrived(quint64 generation, int page, const QList<ExampleRow> &rows);

    QThreadPool *m_pool;
    Workspace m_ws;
    ExampleFilter m_filter;
    quint64 m_generation = 0; // bumps on each reload; stale replies are dropped
    QVector<qint64> m_ids;
    mutable QHash<int, QList<ExampleRow>> m_pages;
    mutable QList<int> m_pageOrder; // least recently loaded first
    mutable QSet<int> m_pending;
};

} // namespace ef
