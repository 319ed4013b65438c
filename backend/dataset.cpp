// SPDX-License-Identifier: GPL-3.0-or-later
// Dataset statistics, export and demo import.
#include "backend/dataset.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include "backend/argtext.h"
#include "backend/database.h"
#include "backend/fileguard.h"
#include "backend/generation.h"
#include "backend/sampler.h"
#include "backend/templates.h"
#include "backend/timestamp.h"

namespace ef {

namespace {

QJsonObject mapJson(const QMap<QString, qint64> &m)
{
    QJsonObject o;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QByteArray line(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

// SQLite binds a null QString as NULL; NOT NULL text columns get "" instead.
QString nn(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

} // namespace

QJsonObject DatasetStats::toJson() const
{
    return QJsonObject{{QStringLiteral("valid"), valid},
                       {QStringLiteral("invalid"), invalid},
                       {QStringLiteral("duplicate"), duplicate},
                       {QStringLiteral("by_family"), mapJson(byFamily)},
                       {QStringLiteral("by_language"), mapJson(byLanguage)},
                       {QStringLiteral("invalid_reasons"), mapJson(invalidReasons)}};
}

DatasetStats datasetStats(Database &db)
{
    DatasetStats s;
    Statement st = db.prepare(QStringLiteral("SELECT status, COUNT(*) FROM examples GROUP BY status"));
    while (st.step()) {
        const QString status = st.columnText(0);
        if (status == QLatin1String("valid"))
            s.valid = st.columnInt(1);
        else if (status == QLatin1String("invalid"))
            s.invalid = st.columnInt(1);
        else if (status == QLatin1String("duplicate"))
            s.duplicate = st.columnInt(1);
    }
    Statement fam =
        db.prepare(QStringLiteral("SELECT family, COUNT(*) FROM examples WHERE status='valid' GROUP BY family"));
    while (fam.step())
        s.byFamily.insert(fam.columnText(0), fam.columnInt(1));
    Statement lang =
        db.prepare(QStringLiteral("SELECT language, COUNT(*) FROM examples WHERE status='valid' GROUP BY language"));
    while (lang.step())
        s.byLanguage.insert(lang.columnText(0), lang.columnInt(1));
    Statement why = db.prepare(
        QStringLiteral("SELECT invalid_reason, COUNT(*) FROM examples WHERE status='invalid' GROUP BY invalid_reason"));
    while (why.step())
        s.invalidReasons.insert(why.columnText(0).isEmpty() ? QStringLiteral("unspecified") : why.columnText(0),
                                why.columnInt(1));
    return s;
}

Expected<ExportSummary> exportDataset(Database &db, const ExportOptions &options)
{
    if (options.format != QLatin1String("examples") && options.format != QLatin1String("triplets"))
        return makeError(QCoreApplication::translate("ef::Dataset", "unknown export format '%1' (examples or triplets)")
                             .arg(options.format));
    if (!(options.validationFraction >= 0.0 && options.validationFraction < 1.0))
        return makeError(
            QCoreApplication::translate("ef::Dataset", "the validation fraction must be at least 0 and below 1"));
    ExportSummary sum;
    sum.trainPath = options.path;
    const bool split = options.validationFraction > 0.0;
    if (split) {
        sum.validationPath = options.validationPath;
        if (sum.validationPath.isEmpty()) {
            QString base = options.path;
            if (base.endsWith(QLatin1String(".jsonl")))
                base.chop(6);
            sum.validationPath = base + QStringLiteral(".validation.jsonl");
        }
    }
    QSaveFile train(sum.trainPath);
    if (!train.open(QIODevice::WriteOnly))
        return makeError(QCoreApplication::translate("ef::Dataset", "cannot write '%1': %2")
                             .arg(sum.trainPath, train.errorString()));
    QSaveFile val(split ? sum.validationPath : QString());
    if (split && !val.open(QIODevice::WriteOnly))
        return makeError(QCoreApplication::translate("ef::Dataset", "cannot write '%1': %2")
                             .arg(sum.validationPath, val.errorString()));
    ExampleFilter filter = options.filter;
    filter.status = QStringLiteral("valid");
    QStringList binds;
    const QString where = exampleWhereClause(filter, &binds);
    Statement st = db.prepare(QStringLiteral("SELECT id, instruction, query, positive, negative, family, language, "
                                             "COALESCE(json_extract(placeholders, '$.tgt_lang_code'), '') FROM "
                                             "examples") +
                              where + QStringLiteral(" AND excluded = 0 ORDER BY id"));
    for (int i = 0; i < binds.size(); ++i)
        st.bind(i + 1, binds.at(i));
    while (st.step()) {
        const qint64 id = st.columnInt(0);
        const QString instruction = st.columnText(1), query = st.columnText(2), positive = st.columnText(3);
        const bool hasNegative = !st.columnIsNull(4) && !st.columnText(4).isEmpty();
        const QString negative = st.columnText(4);
        // Every format keeps every valid example with its family, language (and a bitext pair's
        // target language) and instruction; an example without a hard negative has "negative": null.
        QJsonObject o{{QStringLiteral("instruction"), instruction},
                      {QStringLiteral("query"), query},
                      {QStringLiteral("positive"), positive},
                      {QStringLiteral("negative"), hasNegative ? QJsonValue(negative) : QJsonValue(QJsonValue::Null)},
                      {QStringLiteral("family"), st.columnText(5)},
                      {QStringLiteral("language"), st.columnText(6)}};
        if (!st.columnText(7).isEmpty())
            o.insert(QStringLiteral("target_language"), st.columnText(7));
        if (!hasNegative)
            ++sum.withoutNegative;
        if (options.format == QLatin1String("triplets"))
            o.insert(QStringLiteral("anchor"),
                     instruction.isEmpty() ? query : QStringLiteral("Instruct: %1\nQuery: %2").arg(instruction, query));
        // The split depends only on (seed, example id), never on order or count.
        const quint64 h = Sampler::deriveSeed(options.seed, static_cast<quint64>(id), 0x5eed);
        const double u = static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
        if (split && u < options.validationFraction) {
            val.write(line(o));
            ++sum.validation;
        } else {
            train.write(line(o));
            ++sum.train;
        }
    }
    if (!fileguard::commitSaveFile(train))
        return makeError(QCoreApplication::translate("ef::Dataset", "cannot write '%1': %2")
                             .arg(sum.trainPath, train.errorString()));
    if (split && !fileguard::commitSaveFile(val))
        return makeError(QCoreApplication::translate("ef::Dataset", "cannot write '%1': %2")
                             .arg(sum.validationPath, val.errorString()));
    return sum;
}

Expected<qint64> importDemoExamples(Database &db, const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QCoreApplication::translate("ef::Dataset", "cannot read '%1': %2").arg(path, f.errorString()));
    Transaction tx(db);
    Statement ins = db.prepare(
        QStringLiteral("INSERT INTO examples(family, language, instruction, query, positive, negative, status, "
                       "invalid_reason, invalid_detail, "
                       "dedup_key, template_id, template_version, placeholders, raw_response, source, created_at) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'demo',?)"));
    Statement dup = db.prepare(QStringLiteral("SELECT 1 FROM examples WHERE dedup_key=? AND status='valid'"));
    const QString now = isoNow();
    qint64 n = 0;
    int lineNo = 0;
    while (!f.atEnd()) {
        const QByteArray raw = f.readLine();
        ++lineNo;
        if (raw.trimmed().isEmpty())
            continue;
        QJsonParseError pe{};
        const QJsonDocument doc = QJsonDocument::fromJson(raw, &pe);
        if (!doc.isObject())
            return makeError(QCoreApplication::translate("ef::Dataset", "%1:%2: not a JSON object (%3)")
                                 .arg(argText(path), argText(lineNo), argText(pe.errorString())));
        const QJsonObject o = doc.object();
        const QString family = o.value(QStringLiteral("family")).toString();
        const QString status = o.value(QStringLiteral("status")).toString();
        if (!taskFamilies().contains(family))
            return makeError(QCoreApplication::translate("ef::Dataset", "%1:%2: unknown family '%3'")
                                 .arg(argText(path), argText(lineNo), argText(family)));
        if (status != QLatin1String("valid") && status != QLatin1String("invalid") &&
            status != QLatin1String("duplicate"))
            return makeError(QCoreApplication::translate("ef::Dataset",
                                                         "%1:%2: status must be valid, invalid or duplicate, not '%3'")
                                 .arg(argText(path), argText(lineNo), argText(status)));
        for (const char *key : {"language", "query", "positive", "raw_response"})
            if (!o.value(QLatin1String(key)).isString())
                return makeError(QCoreApplication::translate("ef::Dataset", "%1:%2: \"%3\" must be a string")
                                     .arg(argText(path), argText(lineNo), argText(QLatin1String(key))));
        if (status == QLatin1String("invalid") && o.value(QStringLiteral("invalid_reason")).toString().isEmpty())
            return makeError(
                QCoreApplication::translate("ef::Dataset", "%1:%2: an invalid example needs an \"invalid_reason\"")
                    .arg(argText(path), argText(lineNo)));
        // An invalid example's reason is the one the pipeline's parser gives its raw reply, so that
        // statistics only ever show reasons a run can produce.
        QString detail;
        if (status == QLatin1String("invalid")) {
            const PromptTemplate *t = builtinTemplate(family + QStringLiteral(".generate"));
            const ExampleFields parsed =
                t ? extractExample(*t, QString(), o.value(QStringLiteral("raw_response")).toString()) : ExampleFields{};
            if (!t || parsed.ok || parsed.reason != o.value(QStringLiteral("invalid_reason")).toString())
                return makeError(QCoreApplication::translate("ef::Dataset",
                                                             "%1:%2: invalid_reason '%3' is not what the parser gives "
                                                             "this reply ('%4')")
                                     .arg(path, QString::number(lineNo),
                                          o.value(QStringLiteral("invalid_reason")).toString(),
                                          parsed.ok ? QStringLiteral("valid") : parsed.reason));
            detail = parsed.detail;
        }
        const QString query = o.value(QStringLiteral("query")).toString();
        const QString positive = o.value(QStringLiteral("positive")).toString();
        const QString key = status == QLatin1String("invalid") ? QString() : dedupKey(family, query, positive);
        QString effective = status;
        if (status == QLatin1String("valid")) {
            dup.bind(1, key);
            if (dup.step())
                effective = QStringLiteral("duplicate");
            dup.reset();
        }
        ins.bind(1, family).bind(2, nn(o.value(QStringLiteral("language")).toString()));
        ins.bind(3, nn(o.value(QStringLiteral("instruction")).toString())).bind(4, nn(query)).bind(5, nn(positive));
        if (o.value(QStringLiteral("negative")).isString() && !o.value(QStringLiteral("negative")).toString().isEmpty())
            ins.bind(6, o.value(QStringLiteral("negative")).toString());
        else
            ins.bindNull(6);
        ins.bind(7, effective).bind(8, nn(o.value(QStringLiteral("invalid_reason")).toString())).bind(9, nn(detail));
        ins.bind(10, nn(key)).bind(11, nn(o.value(QStringLiteral("template")).toString())).bind(12, 1);
        QJsonObject placeholders = o.value(QStringLiteral("placeholders")).toObject();
        if (o.value(QStringLiteral("target_language")).isString()) // a bitext pair's target, as a run records it
            placeholders.insert(QStringLiteral("tgt_lang_code"), o.value(QStringLiteral("target_language")));
        if (!placeholders.contains(QStringLiteral("language_code")))
            placeholders.insert(QStringLiteral("language_code"), o.value(QStringLiteral("language")));
        ins.bind(13, QString::fromUtf8(QJsonDocument(placeholders).toJson(QJsonDocument::Compact)));
        ins.bind(14, nn(o.value(QStringLiteral("raw_response")).toString())).bind(15, now);
        ins.run();
        ins.reset();
        ++n;
    }
    tx.commit();
    return n;
}

Expected<qint64> importDemoExamples(const Workspace &workspace, const QString &path)
{
    auto db = workspace.connect();
    if (!db)
        return makeError(db.error());
    try {
        return importDemoExamples(**db, path);
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

JobSpec makeExportJob(const Workspace &workspace, const ExportOptions &options)
{
    JobSpec spec;
    spec.kind = QStringLiteral("dataset.export");
    spec.titleText = trText("ef::Dataset", QT_TRANSLATE_NOOP("ef::Dataset", "Export %1 to %2"),
                            {options.format, QFileInfo(options.path).fileName()});
    spec.handle = options.path;
    spec.body = [workspace, options](JobContext &ctx) {
        const auto db = ctx.take(workspace.connect());
        ctx.setMessage(trText("ef::Dataset", QT_TRANSLATE_NOOP("ef::Dataset", "writing %1"), {options.path}));
        const ExportSummary summary = ctx.take(exportDataset(*db, options));
        ctx.setTotal(summary.train + summary.validation);
        ctx.setProgress(summary.train + summary.validation);
        ctx.setMessage(trText("ef::Dataset", QT_TRANSLATE_NOOP("ef::Dataset", "%1 train, %2 validation records"),
                              {QString::number(summary.train), QString::number(summary.validation)}));
        ctx.setResult(summary);
    };
    return spec;
}

} // namespace ef
