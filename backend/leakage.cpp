// SPDX-License-Identifier: GPL-3.0-or-later
// Dataset leakage: shared word n-grams between synthetic examples and an evaluation corpus.
#include "backend/leakage.h"

#include <algorithm>
#include <vector>

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>

#include "backend/argtext.h"
#include "backend/database.h"
#include "backend/fts.h"
#include "backend/jobs.h"
#include "backend/timestamp.h"
#include "backend/workspace.h"

namespace ef {

namespace {

quint64 wordHash(const QString &w)
{
    // FNV-1a over the UTF-16 code units: stable within a process, which is all this needs.
    quint64 h = 1469598103934665603ULL;
    for (const QChar c : w) {
        h ^= c.unicode();
        h *= 1099511628211ULL;
    }
    return h;
}

// The hash of each n-gram of words, in order (none when there are fewer than n words).
std::vector<quint64> ngramHashes(const QStringList &words, int n)
{
    std::vector<quint64> out;
    if (words.size() < n)
        return out;
    std::vector<quint64> wh(static_cast<size_t>(words.size()));
    for (int i = 0; i < words.size(); ++i)
        wh[static_cast<size_t>(i)] = wordHash(words.at(i));
    out.reserve(static_cast<size_t>(words.size() - n + 1));
    for (int i = 0; i + n <= words.size(); ++i) {
        quint64 h = 0x9e3779b97f4a7c15ULL;
        for (int k = 0; k < n; ++k) {
            h ^= wh[static_cast<size_t>(i + k)] + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
            h *= 0xff51afd7ed558ccdULL;
        }
        out.push_back(h);
    }
    return out;
}

QString ngramText(const QStringList &words, int at, int n)
{
    return words.mid(at, n).join(QLatin1Char(' '));
}

struct Hit
{
    QString kind; // "document" or "query"
    QString id;
    QString ngram;
};

} // namespace

QStringList leakageWords(const QString &text)
{
    QStringList out;
    QString current;
    const auto flush = [&] {
        if (!current.isEmpty()) {
            out << current;
            current.clear();
        }
    };
    const QList<uint> ucs4 = text.toUcs4();
    for (const uint c : ucs4) {
        const char32_t cp = static_cast<char32_t>(c);
        if (fts::isCjk(cp)) {
            flush();
            out << QString::fromUcs4(&cp, 1);
        } else if (QChar::isLetterOrNumber(c) || QChar::isMark(c)) { // marks: Devanagari vowel signs
            current += QString::fromUcs4(&cp, 1).toCaseFolded();
        } else {
            flush();
        }
    }
    flush();
    return out;
}

QJsonObject LeakageReport::toJson() const
{
    QJsonObject families, languages;
    for (auto it = byFamily.cbegin(); it != byFamily.cend(); ++it)
        families.insert(it.key(), it.value());
    for (auto it = byLanguage.cbegin(); it != byLanguage.cend(); ++it)
        languages.insert(it.key(), it.value());
    QJsonArray list;
    for (const LeakageFlag &f : flags)
        list.append(QJsonObject{{QStringLiteral("example"), f.exampleId},
                                {QStringLiteral("family"), f.family},
                                {QStringLiteral("language"), f.language},
                                {QStringLiteral("field"), f.field},
                                {QStringLiteral("match"), f.matchKind},
                                {QStringLiteral("match_id"), f.matchId},
                                {QStringLiteral("ngram"), f.ngram}});
    return QJsonObject{{QStringLiteral("corpus"), corpus},
                       {QStringLiteral("ngram"), ngram},
                       {QStringLiteral("examples_checked"), examplesChecked},
                       {QStringLiteral("flagged"), flagged},
                       {QStringLiteral("by_family"), families},
                       {QStringLiteral("by_language"), languages},
                       {QStringLiteral("flags"), list}};
}

Expected<LeakageReport> checkLeakage(Database &db, const CorpusInfo &corpus, int n,
                                     const std::function<bool(qint64, qint64)> &progress)
{
    if (n < 3 || n > 100)
        return makeError(
            QCoreApplication::translate("ef::Leakage", "the n-gram length must be 3 to 100 words, not %1").arg(n));
    LeakageReport report;
    report.corpus = corpus.name;
    report.ngram = n;
    try {
        const QString examplesSql =
            QStringLiteral("SELECT id, family, language, query, positive, COALESCE(negative, '') FROM examples "
                           "WHERE status IN ('valid', 'duplicate') ORDER BY id");
        const qint64 exampleCount =
            db.queryInt(QStringLiteral("SELECT COUNT(*) FROM examples WHERE status IN ('valid', 'duplicate')"));
        const qint64 total = 2 * exampleCount + corpus.documents + corpus.queries;
        qint64 done = 0;
        const auto step = [&] {
            if (progress && ++done % 256 == 0 && !progress(done, total))
                throw JobCancelled();
        };
        // 1. Every n-gram of the examples, hashed, sorted.
        std::vector<quint64> hashes;
        {
            Statement st = db.prepare(examplesSql);
            while (st.step()) {
                for (int col = 3; col <= 5; ++col) {
                    const std::vector<quint64> h = ngramHashes(leakageWords(st.columnText(col)), n);
                    hashes.insert(hashes.end(), h.begin(), h.end());
                }
                step();
            }
        }
        std::sort(hashes.begin(), hashes.end());
        hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
        // 2. The corpus streamed past them: the first place each shared hash occurs.
        QHash<quint64, Hit> hits;
        const auto scan = [&](const QString &kind, const QString &id, const QString &text) {
            const QStringList words = leakageWords(text);
            const std::vector<quint64> h = ngramHashes(words, n);
            for (size_t i = 0; i < h.size(); ++i)
                if (std::binary_search(hashes.begin(), hashes.end(), h[i]) && !hits.contains(h[i]))
                    hits.insert(h[i], Hit{kind, id, ngramText(words, static_cast<int>(i), n)});
        };
        {
            Statement docs =
                db.prepare(QStringLiteral("SELECT ext_id, title, text FROM documents WHERE corpus_id = ? ORDER BY id"));
            docs.bind(1, corpus.id);
            while (docs.step()) {
                scan(QStringLiteral("document"), docs.columnText(0),
                     docs.columnText(1) + QLatin1Char(' ') + docs.columnText(2));
                step();
            }
            Statement queries =
                db.prepare(QStringLiteral("SELECT ext_id, text FROM queries WHERE corpus_id = ? ORDER BY id"));
            queries.bind(1, corpus.id);
            while (queries.step()) {
                scan(QStringLiteral("query"), queries.columnText(0), queries.columnText(1));
                step();
            }
        }
        // 3. The examples again: flagged where a hash hit is confirmed on the words themselves.
        {
            Statement st = db.prepare(examplesSql);
            static const char *fields[] = {"query", "positive", "negative"};
            while (st.step()) {
                ++report.examplesChecked;
                bool flagged = false;
                for (int col = 3; col <= 5 && !flagged; ++col) {
                    const QStringList words = leakageWords(st.columnText(col));
                    const std::vector<quint64> h = ngramHashes(words, n);
                    for (size_t i = 0; i < h.size() && !flagged; ++i) {
                        const auto hit = hits.constFind(h[i]);
                        if (hit == hits.constEnd() || hit->ngram != ngramText(words, static_cast<int>(i), n))
                            continue;
                        LeakageFlag f{
                            st.columnInt(0), st.columnText(1), st.columnText(2), QString::fromLatin1(fields[col - 3]),
                            hit->kind,       hit->id,          hit->ngram};
                        report.byFamily[f.family] += 1;
                        report.byLanguage[f.language] += 1;
                        report.flags.append(f);
                        flagged = true;
                    }
                }
                step();
            }
        }
        report.flagged = report.flags.size();
        if (!db.readOnlyBecause().isEmpty())
            return report; // a read-only workspace: the report, not stored
        Transaction tx(db);
        db.prepare(QStringLiteral("DELETE FROM leakage_flags WHERE corpus_id = ?")).bind(1, corpus.id).run();
        Statement ins = db.prepare(
            QStringLiteral("INSERT INTO leakage_flags(example_id, corpus_id, field, match_kind, match_id, ngram, "
                           "ngram_size, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
        const QString now = isoNow();
        for (const LeakageFlag &f : std::as_const(report.flags)) {
            ins.bind(1, f.exampleId).bind(2, corpus.id).bind(3, f.field).bind(4, f.matchKind).bind(5, f.matchId);
            ins.bind(6, f.ngram).bind(7, n).bind(8, now).run();
            ins.reset();
        }
        tx.commit();
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    return report;
}

Expected<qint64> excludeFlaggedExamples(Database &db)
{
    try {
        Transaction tx(db);
        db.exec(QStringLiteral("UPDATE examples SET excluded = 1 WHERE excluded = 0 AND id IN "
                               "(SELECT example_id FROM leakage_flags)"));
        const qint64 changed = db.changes();
        tx.commit();
        return changed;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<qint64> includeAllExamples(Database &db)
{
    try {
        Transaction tx(db);
        db.exec(QStringLiteral("UPDATE examples SET excluded = 0 WHERE excluded = 1"));
        const qint64 changed = db.changes();
        tx.commit();
        return changed;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

JobSpec makeLeakageCheckJob(const Workspace &workspace, const QString &corpusName, int ngram)
{
    JobSpec spec;
    spec.kind = QStringLiteral("dataset.leakage");
    spec.titleText =
        trText("ef::Leakage", QT_TRANSLATE_NOOP("ef::Leakage", "Check the examples for leakage into %1"), {corpusName});
    spec.handle = corpusName;
    spec.body = [workspace, corpusName, ngram](JobContext &ctx) {
        const auto db = ctx.take(workspace.connect());
        const CorpusInfo corpus = ctx.take(findCorpus(*db, corpusName));
        bool totalSet = false;
        const LeakageReport report =
            ctx.take(checkLeakage(*db, corpus, ngram, [&ctx, &totalSet](qint64 done, qint64 total) {
                if (!totalSet) {
                    ctx.setTotal(total);
                    totalSet = true;
                }
                ctx.setProgress(done);
                return !ctx.cancelRequested();
            }));
        ctx.setMessage(trText("ef::Leakage",
                              QT_TRANSLATE_NOOP("ef::Leakage", "%1 of %2 examples share a %3-word n-gram with %4"),
                              {QString::number(report.flagged), QString::number(report.examplesChecked),
                               QString::number(ngram), corpusName}));
        ctx.setResult(report);
    };
    return spec;
}

} // namespace ef
