// SPDX-License-Identifier: GPL-3.0-or-later
// The example dataset as views read it.
#include "backend/examples.h"

#include <algorithm>
#include <utility>

#include <QCoreApplication>

#include "backend/argtext.h"
#include "backend/database.h"

namespace ef {

namespace {

void bindAll(Statement &st, const QStringList &binds, int first = 1)
{
    for (int i = 0; i < binds.size(); ++i)
        st.bind(first + i, binds.at(i));
}

QList<QPair<QString, qint64>> groupCounts(Database &db, const QString &column, const ExampleFilter &f,
                                          const QString &extra = {})
{
    QStringList binds;
    QString where = exampleWhereClause(f, &binds);
    if (!extra.isEmpty())
        where += (where.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ")) + extra;
    Statement st = db.prepare(
        QStringLiteral("SELECT %1, COUNT(*) AS n FROM examples%2 GROUP BY %1 ORDER BY n DESC, %1").arg(column, where));
    bindAll(st, binds);
    QList<QPair<QString, qint64>> out;
    while (st.step())
        out.append({st.columnText(0), st.columnInt(1)});
    return out;
}

// Runs fn over a new connection to ws.
template <typename Fn> auto withConnection(const Workspace &ws, Fn fn) -> decltype(fn(std::declval<Database &>()))
{
    auto db = ws.connect();
    if (!db)
        return makeError(db.error());
    return fn(**db);
}

} // namespace

QString exampleWhereClause(const ExampleFilter &f, QStringList *binds)
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
        w.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
            .replace(QLatin1Char('%'), QStringLiteral("\\%"))
            .replace(QLatin1Char('_'), QStringLiteral("\\_"));
        return QLatin1Char('%') + w + QLatin1Char('%');
    };
    if (!f.task.trimmed().isEmpty()) {
        parts << QStringLiteral("instruction LIKE ? ESCAPE '\\'");
        binds->append(likePattern(f.task.trimmed()));
    }
    // Each word must occur somewhere.
    for (const QString &word : f.text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        parts << QStringLiteral(
            "(instruction || ' ' || query || ' ' || positive || ' ' || coalesce(negative, '')) LIKE ? ESCAPE '\\'");
        binds->append(likePattern(word));
    }
    if (f.leakedOnly)
        parts << QStringLiteral("id IN (SELECT example_id FROM leakage_flags)");
    return parts.isEmpty() ? QString() : QStringLiteral(" WHERE ") + parts.join(QStringLiteral(" AND "));
}

Expected<QVector<qint64>> exampleIds(Database &db, const ExampleFilter &filter)
{
    try {
        QStringList binds;
        Statement st = db.prepare(QStringLiteral("SELECT id FROM examples") + exampleWhereClause(filter, &binds) +
                                  QStringLiteral(" ORDER BY id"));
        bindAll(st, binds);
        QVector<qint64> ids;
        while (st.step())
            ids.append(st.columnInt(0));
        return ids;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<QList<ExampleRow>> exampleRows(Database &db, const ExampleFilter &filter, qint64 lo, qint64 hi)
{
    try {
        QStringList binds;
        QString where = exampleWhereClause(filter, &binds);
        where += (where.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ")) +
                 QStringLiteral("id BETWEEN ? AND ?");
        Statement st = db.prepare(QStringLiteral("SELECT id, family, language, status, invalid_reason, instruction, "
                                                 "query, positive, coalesce(negative, '') FROM examples") +
                                  where + QStringLiteral(" ORDER BY id"));
        bindAll(st, binds);
        const int n = static_cast<int>(binds.size());
        st.bind(n + 1, lo);
        st.bind(n + 2, hi);
        QList<ExampleRow> rows;
        while (st.step())
            rows.append({st.columnInt(0), st.columnText(1), st.columnText(2), st.columnText(3), st.columnText(4),
                         st.columnText(5), st.columnText(6), st.columnText(7), st.columnText(8)});
        return rows;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<ExampleDetail> exampleDetail(Database &db, qint64 id)
{
    try {
        Statement st = db.prepare(QStringLiteral(
            "SELECT family, language, status, invalid_reason, invalid_detail, instruction, query, positive, "
            "coalesce(negative, ''), template_id, template_version, placeholders, prompt, raw_response FROM "
            "examples WHERE id = ?"));
        st.bind(1, id);
        if (!st.step())
            return makeError(QCoreApplication::translate("ef::Examples", "Example %1 no longer exists.").arg(id));
        ExampleDetail d;
        d.id = id;
        d.family = st.columnText(0);
        d.language = st.columnText(1);
        d.status = st.columnText(2);
        d.invalidReason = st.columnText(3);
        d.invalidDetail = st.columnText(4);
        d.instruction = st.columnText(5);
        d.query = st.columnText(6);
        d.positive = st.columnText(7);
        d.negative = st.columnText(8);
        d.templateId = st.columnText(9);
        d.templateVersion = st.columnInt(10);
        d.placeholders = st.columnText(11);
        d.prompt = st.columnText(12);
        d.rawResponse = st.columnText(13);
        if (d.status == QLatin1String("duplicate")) {
            Statement of = db.prepare(QStringLiteral(
                "SELECT v.id FROM examples v JOIN examples d ON d.dedup_key = v.dedup_key WHERE d.id = ? AND "
                "v.status = 'valid' AND d.dedup_key != ''"));
            of.bind(1, id);
            if (of.step())
                d.duplicateOf = of.columnInt(0);
        }
        Statement leaks = db.prepare(
            QStringLiteral("SELECT c.name, f.field, f.match_kind, f.match_id, f.ngram FROM leakage_flags f JOIN "
                           "corpora c ON c.id = f.corpus_id WHERE f.example_id = ? ORDER BY c.name"));
        leaks.bind(1, id);
        while (leaks.step())
            d.leaks.append({leaks.columnText(0), leaks.columnText(1), leaks.columnText(2), leaks.columnText(3),
                            leaks.columnText(4)});
        return d;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<ExampleCharts> exampleCharts(Database &db, const ExampleFilter &filter)
{
    ExampleCharts s;
    try {
        s.perLanguage = groupCounts(db, QStringLiteral("language"), filter);
        s.perFamily = groupCounts(db, QStringLiteral("family"), filter);
        s.invalidReasons =
            groupCounts(db, QStringLiteral("invalid_reason"), filter, QStringLiteral("status = 'invalid'"));
        for (const auto &p : std::as_const(s.perFamily))
            s.total += p.second;
        // Word counts approximated by spaces + 1 (CJK text counts characters / 2 instead).
        QStringList binds;
        const QString where = exampleWhereClause(filter, &binds);
        const auto words = [](const QString &f) {
            return QStringLiteral(
                       "(CASE WHEN coalesce(%1,'') = '' THEN NULL "
                       "WHEN length(%1) - length(replace(%1, ' ', '')) < length(%1) / 20 THEN length(%1) / 2 "
                       "ELSE length(%1) - length(replace(%1, ' ', '')) + 1 END)")
                .arg(f);
        };
        // The bins cover the longest text shown (a nice width: 1, 2, 5, 10, 20, 25, 50, ...), so short
        // texts are not crushed into the first bins of a fixed axis.
        {
            Statement mx = db.prepare(QStringLiteral("SELECT MAX(MAX(coalesce(%1, 0)), MAX(coalesce(%2, 0)), "
                                                     "MAX(coalesce(%3, 0))) FROM examples%4")
                                          .arg(words(QStringLiteral("query")), words(QStringLiteral("positive")),
                                               words(QStringLiteral("negative")), where));
            bindAll(mx, binds);
            const qint64 longest = mx.step() ? mx.columnInt(0) : 0;
            s.binWords = 1;
            for (const int step : {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000}) {
                s.binWords = step;
                if (longest < qint64(step) * ExampleCharts::kLengthBins)
                    break;
            }
        }
        for (const QString &field : {QStringLiteral("query"), QStringLiteral("positive"), QStringLiteral("negative")}) {
            QVector<qint64> bins(ExampleCharts::kLengthBins, 0);
            // Empty fields (no hard negative) get no bin at all.
            const QString bin =
                QStringLiteral(
                    "(CASE WHEN coalesce(%1,'') = '' THEN NULL "
                    "WHEN length(%1) - length(replace(%1, ' ', '')) < length(%1) / 20 THEN (length(%1) / 2) / %2 "
                    "ELSE (length(%1) - length(replace(%1, ' ', '')) + 1) / %2 END)")
                    .arg(argText(field), argText(s.binWords));
            Statement st =
                db.prepare(QStringLiteral("SELECT %1 AS bin, COUNT(*) FROM examples%2 GROUP BY bin").arg(bin, where));
            bindAll(st, binds);
            while (st.step()) {
                const qint64 b = st.columnInt(0);
                if (!st.columnIsNull(0) && b >= 0)
                    bins[static_cast<int>(std::min<qint64>(b, ExampleCharts::kLengthBins - 1))] += st.columnInt(1);
            }
            s.wordHistograms.insert(field, bins);
        }
        Statement langs = db.prepare(QStringLiteral("SELECT DISTINCT language FROM examples ORDER BY language"));
        while (langs.step())
            s.languages << langs.columnText(0);
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    return s;
}

Expected<QVector<qint64>> exampleIds(const Workspace &ws, const ExampleFilter &filter)
{
    return withConnection(ws, [&](Database &db) { return exampleIds(db, filter); });
}

Expected<QList<ExampleRow>> exampleRows(const Workspace &ws, const ExampleFilter &filter, qint64 lo, qint64 hi)
{
    return withConnection(ws, [&](Database &db) { return exampleRows(db, filter, lo, hi); });
}

Expected<ExampleDetail> exampleDetail(const Workspace &ws, qint64 id)
{
    return withConnection(ws, [&](Database &db) { return exampleDetail(db, id); });
}

Expected<ExampleCharts> exampleCharts(const Workspace &ws, const ExampleFilter &filter)
{
    return withConnection(ws, [&](Database &db) { return exampleCharts(db, filter); });
}

} // namespace ef
