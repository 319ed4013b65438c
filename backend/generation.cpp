// SPDX-License-Identifier: GPL-3.0-or-later
// The resumable synthesis pipeline and the generation job.
#include "backend/generation.h"

#include <cmath>
#include <utility>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include "backend/argtext.h"
#include "backend/database.h"
#include "backend/lease.h"
#include "backend/llmclient.h"
#include "backend/llmparse.h"
#include "backend/templates.h"
#include "backend/timestamp.h"

namespace ef {

namespace {

QString nn(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QString toJsonText(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject valuesJson(const QMap<QString, QString> &values)
{
    QJsonObject o;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

GenerationCounters readCounters(Database &db, qint64 runId)
{
    GenerationCounters c;
    Statement st = db.prepare(QStringLiteral("SELECT state, COUNT(*) FROM gen_requests WHERE run_id=? GROUP BY state"));
    st.bind(1, runId);
    while (st.step()) {
        const QString s = st.columnText(0);
        const qint64 n = st.columnInt(1);
        c.requestsTotal += n;
        if (s == QLatin1String("pending"))
            c.pending = n;
        else if (s == QLatin1String("in_flight"))
            c.inFlight = n;
        else if (s == QLatin1String("done"))
            c.done = n;
        else if (s == QLatin1String("failed"))
            c.failed = n;
    }
    Statement ex = db.prepare(QStringLiteral(
        "SELECT status, invalid_reason, COUNT(*) FROM examples WHERE run_id=? GROUP BY status, invalid_reason"));
    ex.bind(1, runId);
    while (ex.step()) {
        const QString s = ex.columnText(0);
        const qint64 n = ex.columnInt(2);
        if (s == QLatin1String("valid"))
            c.valid += n;
        else if (s == QLatin1String("duplicate"))
            c.duplicate += n;
        else {
            c.invalid += n;
            c.invalidReasons[ex.columnText(1)] += n;
        }
    }
    Statement f = db.prepare(
        QStringLiteral("SELECT error, COUNT(*) FROM gen_requests WHERE run_id=? AND state='failed' GROUP BY error"));
    f.bind(1, runId);
    while (f.step()) {
        const QString e = f.columnText(0);
        c.failuresByKind[e.section(QLatin1Char(':'), 0, 0)] += f.columnInt(1);
    }
    Statement r = db.prepare(QStringLiteral("SELECT prompt_tokens, completion_tokens, cost FROM gen_runs WHERE id=?"));
    r.bind(1, runId);
    if (r.step()) {
        c.promptTokens = r.columnInt(0);
        c.completionTokens = r.columnInt(1);
        c.cost = r.columnDouble(2);
    }
    Statement t = db.prepare(QStringLiteral("SELECT COUNT(*) FROM gen_tasks WHERE run_id=?"));
    t.bind(1, runId);
    if (t.step())
        c.tasks = t.columnInt(0);
    return c;
}

} // namespace

// ---- parsing an example ----

ExampleFields extractExample(const PromptTemplate &t, const QString &task, const QString &reply)
{
    ExampleFields f;
    const ValidatedExample v = validateObject(parseJsonObject(reply), t.output.keys, t.output.lenient);
    if (!v.ok) {
        f.reason = v.reason;
        f.detail = v.detail;
        return f;
    }
    f.ok = true;
    f.query = v.object.value(t.output.queryKey).toString().trimmed();
    f.positive = v.object.value(t.output.positiveKey).toString().trimmed();
    if (!t.output.negativeKey.isEmpty())
        f.negative = v.object.value(t.output.negativeKey).toString().trimmed();
    auto instr = renderTemplate(t.output.instruction, {{QStringLiteral("task"), task}});
    f.instruction = instr ? instr.value().trimmed() : t.output.instruction;
    return f;
}

QString dedupKey(const QString &family, const QString &query, const QString &positive)
{
    QCryptographicHash h(QCryptographicHash::Sha1);
    h.addData((family + QChar(0x1f) + query + QChar(0x1f) + positive).toUtf8());
    return QString::fromLatin1(h.result().toHex());
}
// ---- runs ----

Expected<qint64> GenerationPipeline::createRunImpl(const GenerationConfig &config)
{
    if (config.examples <= 0)
        return makeError(QCoreApplication::translate("ef::Generation", "--examples must be at least 1"));
    auto sampler = Sampler::create(config.sampler, config.seed);
    if (!sampler)
        return makeError(sampler.error());
    if (config.endpoint.baseUrl.trimmed().isEmpty())
        return makeError(QCoreApplication::translate("ef::Generation", "the run has no endpoint base URL"));
    auto db = m_workspace.connect();
    if (!db)
        return makeError(db.error());
    const QList<PromptTemplate> all = templatestore::list(**db);
    const QMap<QString, int> perFamily = config.examplesPerFamily();
    for (auto it = perFamily.cbegin(); it != perFamily.cend(); ++it) {
        if (it.value() == 0)
            continue;
        const PromptTemplate *gen = findFamilyTemplate(all, it.key(), QStringLiteral("generate"));
        if (!gen)
            return makeError(
                QCoreApplication::translate("ef::Generation", "the workspace has no generate template for family '%1'")
                    .arg(it.key()));
        if (hasErrors(validateTemplate(*gen)))
            return makeError(
                QCoreApplication::translate("ef::Generation", "template '%1' has errors; run 'templates validate'")
                    .arg(gen->id));
        if (isAsymmetricFamily(it.key())) {
            const PromptTemplate *bs = findFamilyTemplate(all, it.key(), QStringLiteral("brainstorm"));
            if (!bs)
                return makeError(QCoreApplication::translate("ef::Generation",
                                                             "the workspace has no brainstorm template for family '%1'")
                                     .arg(it.key()));
            if (hasErrors(validateTemplate(*bs)))
                return makeError(
                    QCoreApplication::translate("ef::Generation", "template '%1' has errors; run 'templates validate'")
                        .arg(bs->id));
        }
    }
    Transaction tx(**db);
    (*db)
        ->prepare(QStringLiteral("INSERT INTO gen_runs(config, state, created_at) VALUES (?, 'running', ?)"))
        .bind(1, toJsonText(config.toJson()))
        .bind(2, isoNow())
        .run();
    const qint64 id = (*db)->lastInsertRowId();
    tx.commit();
    return id;
}

Expected<qint64> GenerationPipeline::latestUnfinishedRun()
{
    auto db = m_workspace.connect();
    if (!db)
        return makeError(db.error());
    const qint64 id = (*db)->queryInt(
        QStringLiteral("SELECT id FROM gen_runs WHERE state != 'finished' ORDER BY id DESC LIMIT 1"), 0);
    if (id <= 0)
        return makeError(
            QCoreApplication::translate("ef::Generation", "the workspace has no unfinished generation run"));
    return id;
}

Expected<GenerationRun> GenerationPipeline::runInfo(qint64 runId)
{
    auto db = m_workspace.connect();
    if (!db)
        return makeError(db.error());
    Statement st = (*db)->prepare(
        QStringLiteral("SELECT config, state, message, created_at, COALESCE(finished_at,'') FROM gen_runs WHERE id=?"));
    st.bind(1, runId);
    if (!st.step())
        return makeError(QCoreApplication::translate("ef::Generation", "there is no generation run %1").arg(runId));
    GenerationRun info;
    info.id = runId;
    auto cfg = GenerationConfig::fromJson(QJsonDocument::fromJson(st.columnText(0).toUtf8()).object());
    if (!cfg)
        return makeError(cfg.error());
    info.config = cfg.value();
    info.state = st.columnText(1);
    info.message = st.columnText(2);
    // A run stored as running that nobody holds was stopped by a killed or crashed process.
    if (info.state == QLatin1String("running") &&
        Lease::isTaken(m_workspace.path(), QStringLiteral("generation-run-") + QString::number(runId)) == false) {
        info.state = QStringLiteral("interrupted");
        if (info.message.isEmpty())
            info.message = QCoreApplication::translate(
                "ef::Generation", "the process running it stopped (killed or crashed); resume it to continue");
    }
    info.createdAt = st.columnText(3);
    info.finishedAt = st.columnText(4);
    info.counters = readCounters(**db, runId);
    return info;
}

namespace {

Status storeRunConfig(const Workspace &workspace, qint64 runId, const GenerationConfig &config)
{
    auto db = workspace.connect();
    if (!db)
        return makeError(db.error());
    try {
        (*db)
            ->prepare(QStringLiteral("UPDATE gen_runs SET config=? WHERE id=?"))
            .bind(1, QString::fromUtf8(QJsonDocument(config.toJson()).toJson(QJsonDocument::Compact)))
            .bind(2, runId)
            .run();
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    return Status::success();
}

} // namespace

Status GenerationPipeline::setBudget(qint64 runId, double budget)
{
    if (!(budget >= 0) || !std::isfinite(budget))
        return makeError(QCoreApplication::translate("ef::Generation", "a budget must be a number of 0 or more"));
    auto info = runInfo(runId);
    if (!info)
        return makeError(info.error());
    GenerationConfig config = info->config;
    config.budget = budget;
    return storeRunConfig(m_workspace, runId, config);
}

Status GenerationPipeline::setConcurrency(qint64 runId, int concurrency)
{
    if (concurrency < 1 || concurrency > 1024)
        return makeError(
            QCoreApplication::translate("ef::Generation", "requests in flight must be between 1 and 1024, not %1")
                .arg(concurrency));
    auto info = runInfo(runId);
    if (!info)
        return makeError(info.error());
    GenerationConfig config = info->config;
    config.concurrency = concurrency;
    return storeRunConfig(m_workspace, runId, config);
}

QList<GenerationRun> GenerationPipeline::runs()
{
    QList<GenerationRun> out;
    QList<qint64> ids;
    {
        auto db = m_workspace.connect();
        if (!db)
            return out;
        Statement st = (*db)->prepare(QStringLiteral("SELECT id FROM gen_runs ORDER BY id"));
        while (st.step())
            ids << st.columnInt(0);
    }
    for (qint64 id : ids) {
        auto info = runInfo(id);
        if (info)
            out.append(info.value());
    }
    return out;
}
namespace {

// Everything one run needs while it is going; lives on the calling thread.
class RunState
{
public:
    RunState(Database &db, qint64 runId, GenerationConfig config, QList<PromptTemplate> templates)
        : m_db(db), m_runId(runId), m_config(std::move(config)), m_templates(std::move(templates))
    {}

    Status plan(Sampler &sampler)
    {
        const QMap<QString, int> perFamily = m_config.examplesPerFamily();
        QStringList messages;
        Transaction tx(m_db);
        qint64 seq =
            m_db.queryInt(QStringLiteral("SELECT COALESCE(MAX(seq),0) FROM gen_requests WHERE run_id=%1").arg(m_runId));
        for (auto it = perFamily.cbegin(); it != perFamily.cend(); ++it) {
            const QString &family = it.key();
            const int n = it.value();
            if (n <= 0 || countRequests(family, QStringLiteral("generate")) > 0)
                continue;
            const PromptTemplate *gen = findFamilyTemplate(m_templates, family, QStringLiteral("generate"));
            if (!gen)
                return makeError(QCoreApplication::translate("ef::Generation",
                                                             "the workspace has no generate template for family '%1'")
                                     .arg(family));
            const quint64 famIndex = static_cast<quint64>(taskFamilies().indexOf(family));
            QStringList tasks;
            if (isAsymmetricFamily(family)) {
                const PromptTemplate *bs = findFamilyTemplate(m_templates, family, QStringLiteral("brainstorm"));
                if (!bs)
                    return makeError(QCoreApplication::translate(
                                         "ef::Generation", "the workspace has no brainstorm template for family '%1'")
                                         .arg(family));
                const qint64 planned = countRequests(family, QStringLiteral("brainstorm"));
                if (planned == 0) {
                    const int count =
                        m_config.brainstormsPerFamily > 0 ? m_config.brainstormsPerFamily : std::max(1, (n + 19) / 20);
                    for (int b = 0; b < count; ++b) {
                        sampler.reseed(Sampler::deriveSeed(m_config.seed, 1000 + famIndex, static_cast<quint64>(b)));
                        const SampledValues sv = sampler.sample(*bs);
                        auto prompt = renderTemplate(bs->text, sv.values);
                        if (!prompt)
                            return makeError(QCoreApplication::translate("ef::Generation", "template '%1': %2")
                                                 .arg(bs->id, prompt.error()));
                        insertRequest(++seq, QStringLiteral("brainstorm"), family, *bs, sv.language, sv.values, {},
                                      prompt.value());
                    }
                    continue;
                }
                if (countRequests(family, QStringLiteral("brainstorm"),
                                  QStringLiteral("state IN ('pending','in_flight')")) > 0)
                    continue; // brainstorms still running
                Statement st = m_db.prepare(
                    QStringLiteral("SELECT text FROM gen_tasks WHERE run_id=? AND family=? ORDER BY text"));
                st.bind(1, m_runId).bind(2, family);
                while (st.step())
                    tasks << st.columnText(0);
                if (tasks.isEmpty()) {
                    if (countRequests(family, QStringLiteral("brainstorm"), QStringLiteral("state='failed'")) == 0)
                        messages << QCoreApplication::translate("ef::Generation",
                                                                "family '%1': the brainstorm step produced no tasks")
                                        .arg(family);
                    continue;
                }
            }
            for (int i = 0; i < n; ++i) {
                sampler.reseed(Sampler::deriveSeed(m_config.seed, famIndex, static_cast<quint64>(i)));
                QString task;
                if (!tasks.isEmpty())
                    task = tasks.at(sampler.uniformInt(static_cast<int>(tasks.size())));
                SampledValues sv = sampler.sample(*gen);
                if (!task.isEmpty())
                    sv.values.insert(QStringLiteral("task"), task);
                auto prompt = renderTemplate(gen->text, sv.values);
                if (!prompt)
                    return makeError(QCoreApplication::translate("ef::Generation", "template '%1': %2")
                                         .arg(gen->id, prompt.error()));
                QMap<QString, QString> recorded = sv.values;
                recorded.insert(QStringLiteral("language_code"), sv.language);
                if (!sv.targetLanguage.isEmpty())
                    recorded.insert(QStringLiteral("tgt_lang_code"), sv.targetLanguage);
                insertRequest(++seq, QStringLiteral("generate"), family, *gen, sv.language, recorded, task,
                              prompt.value());
            }
        }
        if (!messages.isEmpty())
            m_db.prepare(QStringLiteral("UPDATE gen_runs SET message=? WHERE id=?"))
                .bind(1, messages.join(QStringLiteral("; ")))
                .bind(2, m_runId)
                .run();
        tx.commit();
        return Status::success();
    }

    // Marks up to n pending requests in flight and returns them.
    QList<LlmCall> takePending(int n)
    {
        QList<LlmCall> calls;
        if (n <= 0)
            return calls;
        Transaction tx(m_db);
        Statement st = m_db.prepare(QStringLiteral(
            "SELECT id, seq, prompt FROM gen_requests WHERE run_id=? AND state='pending' ORDER BY seq LIMIT ?"));
        st.bind(1, m_runId).bind(2, n);
        while (st.step())
            calls.append({static_cast<quint64>(st.columnInt(0)), st.columnText(2),
                          QStringLiteral("ef-%1-%2").arg(argText(m_runId), argText(st.columnInt(1)))});
        Statement up = m_db.prepare(
            QStringLiteral("UPDATE gen_requests SET state='in_flight', sent_at=?, sends=sends+1 WHERE id=?"));
        const QString now = isoNow();
        for (const LlmCall &c : std::as_const(calls)) {
            up.bind(1, now).bind(2, static_cast<qint64>(c.id)).run();
            up.reset();
        }
        tx.commit();
        return calls;
    }

    // Stores results in one transaction; returns true when one was a brainstorm (new tasks
    // may allow planning).
    bool completeBatch(const QList<LlmResult> &results)
    {
        Transaction tx(m_db);
        bool brainstorm = false;
        for (const LlmResult &r : results)
            brainstorm = complete(r) || brainstorm;
        tx.commit();
        return brainstorm;
    }

private:
    bool complete(const LlmResult &r)
    {
        Statement st = m_db.prepare(
            QStringLiteral("SELECT kind, family, template_id, template_version, language, placeholders, task, "
                           "prompt, state FROM gen_requests WHERE id=?"));
        st.bind(1, static_cast<qint64>(r.id));
        if (!st.step() || st.columnText(8) != QLatin1String("in_flight"))
            return false; // not ours any more
        const QString kind = st.columnText(0), family = st.columnText(1), templateId = st.columnText(2);
        const qint64 templateVersion = st.columnInt(3);
        const QString language = st.columnText(4), placeholders = st.columnText(5), task = st.columnText(6),
                      prompt = st.columnText(7);
        const QString now = isoNow();
        m_db
            .prepare(QStringLiteral(
                "UPDATE gen_requests SET state=?, attempts=attempts+?, http_status=?, error=?, raw_response=?, "
                "prompt_tokens=?, completion_tokens=?, latency_ms=?, finished_at=? WHERE id=?"))
            .bind(1, r.ok ? QStringLiteral("done") : QStringLiteral("failed"))
            .bind(2, r.attempts)
            .bind(3, r.httpStatus)
            .bind(4, r.ok ? QStringLiteral("") : QString(r.errorKind + QStringLiteral(": ") + r.error))
            .bind(5, r.ok ? r.content : QString())
            .bind(6, r.promptTokens)
            .bind(7, r.completionTokens)
            .bind(8, r.latencyMs)
            .bind(9, now)
            .bind(10, static_cast<qint64>(r.id))
            .run();
        if (r.ok) {
            m_db.prepare(QStringLiteral("UPDATE gen_runs SET prompt_tokens=prompt_tokens+?, "
                                        "completion_tokens=completion_tokens+?, cost=cost+? WHERE id=?"))
                .bind(1, r.promptTokens)
                .bind(2, r.completionTokens)
                .bind(3, r.cost)
                .bind(4, m_runId)
                .run();
            if (kind == QLatin1String("brainstorm")) {
                Statement ins = m_db.prepare(QStringLiteral(
                    "INSERT OR IGNORE INTO gen_tasks(run_id, family, text, request_id) VALUES (?,?,?,?)"));
                for (const QString &taskText : parseTaskList(r.content)) {
                    ins.bind(1, m_runId).bind(2, family).bind(3, taskText).bind(4, static_cast<qint64>(r.id)).run();
                    ins.reset();
                }
            } else {
                const PromptTemplate *t = nullptr;
                for (const PromptTemplate &x : m_templates)
                    if (x.id == templateId)
                        t = &x;
                if (t)
                    storeExample(*t, r, family, language, task, placeholders, prompt, templateVersion, now);
            }
        }
        return kind == QLatin1String("brainstorm");
    }

public:
    void resetInterrupted()
    {
        Transaction tx(m_db);
        m_db.prepare(QStringLiteral(
                         "UPDATE gen_requests SET state='pending' WHERE run_id=? AND state IN ('in_flight','failed')"))
            .bind(1, m_runId)
            .run();
        m_db.prepare(QStringLiteral("UPDATE gen_runs SET state='running', finished_at=NULL, message='' WHERE id=?"))
            .bind(1, m_runId)
            .run();
        tx.commit();
    }

    // Ends the run in state. A failed run keeps the reason: fatal, or else its first failed
    // request's error and how many failed, so that the run list says why.
    void finish(const QString &state, const QString &fatal = {})
    {
        Transaction tx(m_db);
        QString message = fatal; // a cancelled run's reason (its budget), a failed one's error
        if (state == QLatin1String("failed")) {
            if (message.isEmpty()) {
                Statement first =
                    m_db.prepare(QStringLiteral("SELECT error, (SELECT COUNT(*) FROM gen_requests WHERE run_id=?1 AND "
                                                "state='failed') FROM gen_requests WHERE run_id=?1 AND state='failed' "
                                                "ORDER BY finished_at, seq LIMIT 1"));
                first.bind(1, m_runId);
                if (first.step())
                    message = QCoreApplication::translate("ef::Generation", "%1 requests failed; the first: %2")
                                  .arg(QString::number(first.columnInt(1)), first.columnText(0));
                else if (pendingCount() > 0)
                    message =
                        QCoreApplication::translate("ef::Generation", "%1 requests were not sent").arg(pendingCount());
            }
        }
        Statement up = m_db.prepare(QStringLiteral(
            "UPDATE gen_runs SET state=?, finished_at=?, message=CASE WHEN ?3 = '' THEN message ELSE ?3 END "
            "WHERE id=?4"));
        up.bind(1, state)
            .bind(2, isoNow())
            .bind(3, message.isNull() ? QStringLiteral("") : message)
            .bind(4, m_runId)
            .run();
        tx.commit();
    }

    qint64 pendingCount()
    {
        return m_db.queryInt(
            QStringLiteral("SELECT COUNT(*) FROM gen_requests WHERE run_id=%1 AND state='pending'").arg(m_runId));
    }

private:
    qint64 countRequests(const QString &family, const QString &kind, const QString &extra = {})
    {
        Statement st =
            m_db.prepare(QStringLiteral("SELECT COUNT(*) FROM gen_requests WHERE run_id=? AND family=? AND kind=?") +
                         (extra.isEmpty() ? QString() : QStringLiteral(" AND ") + extra));
        st.bind(1, m_runId).bind(2, family).bind(3, kind);
        return st.step() ? st.columnInt(0) : 0;
    }

    void insertRequest(qint64 seq, const QString &kind, const QString &family, const PromptTemplate &t,
                       const QString &language, const QMap<QString, QString> &values, const QString &task,
                       const QString &prompt)
    {
        m_db.prepare(QStringLiteral(
                         "INSERT INTO gen_requests(run_id, seq, kind, family, template_id, template_version, language, "
                         "placeholders, task, prompt, state, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,'pending',?)"))
            .bind(1, m_runId)
            .bind(2, seq)
            .bind(3, kind)
            .bind(4, family)
            .bind(5, t.id)
            .bind(6, t.version)
            .bind(7, nn(language))
            .bind(8, toJsonText(valuesJson(values)))
            .bind(9, nn(task))
            .bind(10, prompt)
            .bind(11, isoNow())
            .run();
    }

    void storeExample(const PromptTemplate &t, const LlmResult &r, const QString &family, const QString &language,
                      const QString &task, const QString &placeholders, const QString &prompt, qint64 templateVersion,
                      const QString &now)
    {
        const ExampleFields f = extractExample(t, task, r.content);
        QString status = QStringLiteral("invalid");
        QString key;
        if (f.ok) {
            key = dedupKey(family, f.query, f.positive);
            Statement dup = m_db.prepare(QStringLiteral("SELECT 1 FROM examples WHERE dedup_key=? AND status='valid'"));
            dup.bind(1, key);
            status = dup.step() ? QStringLiteral("duplicate") : QStringLiteral("valid");
        }
        Statement ins = m_db.prepare(QStringLiteral("INSERT INTO examples(run_id, request_id, family, language, "
                                                    "instruction, query, positive, negative, status, "
                                                    "invalid_reason, invalid_detail, dedup_key, template_id, "
                                                    "template_version, placeholders, prompt, raw_response, "
                                                    "prompt_tokens, completion_tokens, latency_ms, source, created_at) "
                                                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'generated',?)"));
        ins.bind(1, m_runId).bind(2, static_cast<qint64>(r.id)).bind(3, family).bind(4, nn(language));
        ins.bind(5, nn(f.ok ? f.instruction : task)).bind(6, nn(f.query)).bind(7, nn(f.positive));
        if (f.negative.isEmpty())
            ins.bindNull(8);
        else
            ins.bind(8, f.negative);
        ins.bind(9, status)
            .bind(10, nn(f.reason))
            .bind(11, nn(f.detail))
            .bind(12, nn(key))
            .bind(13, t.id)
            .bind(14, templateVersion);
        ins.bind(15, nn(placeholders))
            .bind(16, nn(prompt))
            .bind(17, nn(r.content))
            .bind(18, r.promptTokens)
            .bind(19, r.completionTokens);
        ins.bind(20, r.latencyMs).bind(21, now);
        ins.run();
    }

    Database &m_db;
    qint64 m_runId;
    GenerationConfig m_config;
    QList<PromptTemplate> m_templates;
};

} // namespace
Expected<qint64> GenerationPipeline::createRun(const GenerationConfig &config)
{
    try {
        return createRunImpl(config);
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<GenerationCounters> GenerationPipeline::run(qint64 runId, const QString &apiKey,
                                                     const std::function<bool(const GenerationCounters &)> &progress,
                                                     const EndpointProfile *endpointOverride)
{
    try {
        return runImpl(runId, apiKey, progress, endpointOverride);
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

Expected<GenerationCounters>
GenerationPipeline::runImpl(qint64 runId, const QString &apiKey,
                            const std::function<bool(const GenerationCounters &)> &progress,
                            const EndpointProfile *endpointOverride)
{
    // One owner per run: a second process (or job) would re-send the requests in flight, and
    // pay for them twice.
    auto lease = Lease::take(m_workspace.path(), QStringLiteral("generation-run-") + QString::number(runId),
                             QCoreApplication::translate("ef::Generation", "generation run %1").arg(runId));
    if (!lease)
        return makeError(lease.error());
    auto info = runInfo(runId);
    if (!info)
        return makeError(info.error());
    if (info->state == QLatin1String("finished"))
        return makeError(
            QCoreApplication::translate("ef::Generation", "generation run %1 is already finished").arg(runId));
    GenerationConfig config = info->config;
    if (endpointOverride)
        config.endpoint = *endpointOverride;
    auto dbx = m_workspace.connect();
    if (!dbx)
        return makeError(dbx.error());
    Database &db = **dbx;
    auto sampler = Sampler::create(config.sampler, config.seed);
    if (!sampler)
        return makeError(sampler.error());

    RunState state(db, runId, config, templatestore::list(db));
    state.resetInterrupted();
    if (Status s = state.plan(sampler.value()); !s)
        return makeError(s.error());

    EndpointProfile endpoint = config.endpoint;
    endpoint.maxInFlight = std::max(1, config.concurrency);
    LlmClient client(endpoint, apiKey);
    QEventLoop loop;
    int onWire = 0;
    bool stopping = false;
    qint64 sentThisSession = 0, completedThisSession = 0;
    QElapsedTimer clock;
    clock.start();
    QString fatal;

    // A budget stops sending once what was spent, plus what the requests on the wire will likely
    // cost (the mean so far), reaches it; the run is then cancelled and can be resumed with more.
    QString budgetMessage;
    auto budgetReached = [&] {
        if (config.budget <= 0)
            return false;
        const GenerationCounters c = readCounters(db, runId);
        const double perRequest = c.done > 0 ? c.cost / static_cast<double>(c.done) : 0.0;
        if (c.cost + perRequest * onWire < config.budget)
            return false;
        budgetMessage =
            QCoreApplication::translate("ef::Generation", "stopped at the budget: spent %1 %3 of %2 %3; resume with a "
                                                          "higher budget to continue")
                .arg(QString::number(c.cost, 'f', 4), QString::number(config.budget, 'f', 4), config.endpoint.currency);
        return true;
    };
    auto dispatch = [&] {
        if (stopping)
            return;
        if (budgetReached()) {
            stopping = true;
            return;
        }
        const int room = endpoint.maxInFlight * 2 - onWire; // keep the client's queue short
        if (room <= 0)
            return;
        const QList<LlmCall> calls = state.takePending(room);
        for (const LlmCall &c : calls) {
            ++onWire;
            ++sentThisSession;
            client.submit(c);
        }
    };
    auto maybeFinish = [&] {
        if (onWire > 0)
            return;
        if (!stopping) {
            if (Status s = state.plan(sampler.value()); !s) {
                fatal = s.error();
                loop.quit();
                return;
            }
            dispatch();
            if (onWire > 0)
                return;
        }
        loop.quit();
    };
    auto counters = [&] {
        GenerationCounters c = readCounters(db, runId);
        const double secs = clock.elapsed() / 1000.0;
        c.sentThisSession = sentThisSession;
        c.requestsPerSecond = secs > 0 ? completedThisSession / secs : 0.0;
        const qint64 left = c.pending + c.inFlight;
        c.etaMs = c.requestsPerSecond > 0 ? static_cast<qint64>(1000.0 * left / c.requestsPerSecond) : -1;
        return c;
    };

    // Results are stored in batches: everything that arrived since the last flush goes into
    // one transaction, so the commit rate does not bound the request rate.
    QObject guard;
    QList<LlmResult> arrived;
    bool flushScheduled = false;
    // A run whose requests keep failing the same way (no key: 401; a server gone) stops after
    // kSameErrorLimit of them in a row instead of sending all the others.
    constexpr int kSameErrorLimit = 8;
    int sameErrors = 0;
    QString lastError, stopReason;
    auto flush = [&] {
        flushScheduled = false;
        const QList<LlmResult> batch = std::exchange(arrived, {});
        if (batch.isEmpty())
            return;
        for (const LlmResult &r : batch) {
            const QString key = r.ok ? QString() : r.errorKind + QLatin1Char('/') + QString::number(r.httpStatus);
            sameErrors = r.ok ? 0 : (key == lastError ? sameErrors + 1 : 1);
            lastError = key;
            if (sameErrors >= kSameErrorLimit && stopReason.isEmpty()) {
                stopReason = QCoreApplication::translate("ef::Generation",
                                                         "stopped after %1 requests in a row failed the same way: %2")
                                 .arg(QString::number(kSameErrorLimit), r.errorKind + QStringLiteral(": ") + r.error);
                stopping = true;
            }
        }
        onWire -= static_cast<int>(batch.size());
        completedThisSession += batch.size();
        try {
            if (state.completeBatch(batch) && !stopping) {
                if (Status s = state.plan(sampler.value()); !s) {
                    fatal = s.error();
                    stopping = true;
                }
            }
            dispatch();
            maybeFinish();
        } catch (const DbError &e) {
            fatal = e.message();
            stopping = true;
            if (onWire == 0)
                loop.quit();
        }
    };
    QObject::connect(
        &client, &LlmClient::finished, &guard,
        [&](const LlmResult &r) {
            arrived.append(r);
            if (!flushScheduled) {
                flushScheduled = true;
                QTimer::singleShot(0, &guard, flush);
            }
        },
        Qt::QueuedConnection);
    QTimer tick;
    tick.setInterval(200);
    QObject::connect(&tick, &QTimer::timeout, &guard, [&] {
        if (progress && !stopping && !progress(counters()))
            stopping = true;
        if (stopping && onWire == 0)
            loop.quit();
    });
    tick.start();
    QTimer::singleShot(0, &guard, [&] {
        dispatch();
        maybeFinish();
    });
    loop.exec();
    tick.stop();

    GenerationCounters c = counters();
    if (!fatal.isEmpty()) {
        state.finish(QStringLiteral("failed"), fatal);
        return makeError(fatal);
    }
    if (!stopReason.isEmpty())
        state.finish(QStringLiteral("failed"), stopReason);
    else if (stopping)
        state.finish(QStringLiteral("cancelled"), budgetMessage);
    else
        state.finish(c.failed > 0 || c.pending > 0 ? QStringLiteral("failed") : QStringLiteral("finished"));
    if (progress)
        progress(c);
    return c;
}
// ---- estimate ----

QJsonObject GenerationEstimate::toJson() const
{
    QJsonObject families, brainstorms, languages;
    for (auto it = examplesPerFamily.cbegin(); it != examplesPerFamily.cend(); ++it)
        families.insert(it.key(), it.value());
    for (auto it = brainstormsPerFamily.cbegin(); it != brainstormsPerFamily.cend(); ++it)
        brainstorms.insert(it.key(), it.value());
    for (const auto &[code, n] : examplesPerLanguage)
        languages.insert(code, std::round(n * 100.0) / 100.0);
    return QJsonObject{{QStringLiteral("requests"), requests},
                       {QStringLiteral("examples_per_family"), families},
                       {QStringLiteral("brainstorms_per_family"), brainstorms},
                       {QStringLiteral("expected_examples_per_language"), languages},
                       {QStringLiteral("prompt_tokens"), std::round(promptTokens)},
                       {QStringLiteral("completion_tokens"), std::round(completionTokens)},
                       {QStringLiteral("cost"), cost},
                       {QStringLiteral("currency"), currency},
                       {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)}};
}

Expected<GenerationEstimate> estimateGeneration(Database &db, const GenerationConfig &config)
{
    GenerationEstimate e;
    e.currency = config.endpoint.currency;
    auto sampler = Sampler::create(config.sampler, config.seed);
    if (!sampler)
        return makeError(sampler.error());
    auto weights = languageWeights(config.sampler);
    if (!weights)
        return makeError(weights.error());
    const QList<PromptTemplate> templates = templatestore::list(db);
    // Measured sizes from this workspace's answered requests, per family and step.
    QHash<QString, QPair<double, double>> measured; // "family/kind" -> (prompt, completion) means
    Statement m = db.prepare(
        QStringLiteral("SELECT family, kind, AVG(prompt_tokens), AVG(completion_tokens), COUNT(*) FROM gen_requests "
                       "WHERE state='done' AND completion_tokens > 0 AND prompt_tokens > 0 GROUP BY family, kind"));
    while (m.step())
        if (m.columnInt(4) >= 5)
            measured.insert(m.columnText(0) + QLatin1Char('/') + m.columnText(1),
                            {m.columnDouble(2), m.columnDouble(3)});
    static const QHash<QString, double> typicalAnswer{
        {QStringLiteral("retrieval"), 450}, {QStringLiteral("classification"), 250},
        {QStringLiteral("sts"), 150},       {QStringLiteral("bitext"), 150},
        {QStringLiteral("long-long"), 700}, {QStringLiteral("short-short"), 60}};
    constexpr double kBrainstormAnswer = 400;
    constexpr int kDraws = 16;
    const auto promptTokensOf = [&](const PromptTemplate &t, quint64 stream) {
        double chars = 0;
        for (int i = 0; i < kDraws; ++i) {
            sampler->reseed(Sampler::deriveSeed(config.seed, 7000 + stream, static_cast<quint64>(i)));
            SampledValues sv = sampler->sample(t);
            sv.values.insert(QStringLiteral("task"), QStringLiteral("Retrieve documents that answer a typical "
                                                                    "question about the topic at hand."));
            const auto rendered = renderTemplate(t.text, sv.values);
            chars += rendered ? rendered.value().size() : t.text.size();
        }
        return chars / kDraws / 4.0;
    };
    e.examplesPerFamily = config.examplesPerFamily();
    quint64 stream = 0;
    for (auto it = e.examplesPerFamily.cbegin(); it != e.examplesPerFamily.cend(); ++it, ++stream) {
        const QString &family = it.key();
        const int n = it.value();
        if (n <= 0) {
            e.warnings << QCoreApplication::translate("ef::Generation",
                                                      "family '%1' gets no examples (its weight is too small for %2 "
                                                      "examples)")
                              .arg(family, QString::number(config.examples));
            continue;
        }
        if (const PromptTemplate *gen = findFamilyTemplate(templates, family, QStringLiteral("generate"))) {
            const auto known = measured.constFind(family + QStringLiteral("/generate"));
            e.promptTokens += n * (known != measured.constEnd() ? known->first : promptTokensOf(*gen, stream));
            e.completionTokens += n * (known != measured.constEnd() ? known->second : typicalAnswer.value(family, 300));
        }
        e.requests += n;
        if (isAsymmetricFamily(family)) {
            const int b = config.brainstormsPerFamily > 0 ? config.brainstormsPerFamily : std::max(1, (n + 19) / 20);
            e.brainstormsPerFamily.insert(family, b);
            e.requests += b;
            if (const PromptTemplate *bs = findFamilyTemplate(templates, family, QStringLiteral("brainstorm"))) {
                const auto known = measured.constFind(family + QStringLiteral("/brainstorm"));
                e.promptTokens += b * (known != measured.constEnd() ? known->first : promptTokensOf(*bs, 100 + stream));
                e.completionTokens += b * (known != measured.constEnd() ? known->second : kBrainstormAnswer);
            }
        }
    }
    for (const auto &[code, w] : weights.value()) {
        const double expected = config.examples * w;
        e.examplesPerLanguage.append({code, expected});
        if (expected < 3.0) // a Poisson draw with mean 3 is 0 one time in 20
            e.warnings << QCoreApplication::translate("ef::Generation",
                                                      "language '%1' is expected to get only %2 of %3 examples and may "
                                                      "get none: raise its weight or the number of examples")
                              .arg(code, QString::number(expected, 'f', 2), QString::number(config.examples));
    }
    e.cost = e.promptTokens * config.endpoint.inputPricePerMTok / 1e6 +
             e.completionTokens * config.endpoint.outputPricePerMTok / 1e6;
    return e;
}

// ---- job ----

JobSpec makeGenerationJob(const GenerationJobRequest &request)
{
    JobSpec spec;
    spec.kind = QStringLiteral("generate");
    spec.titleText =
        trText("ef::Generation", QT_TRANSLATE_NOOP("ef::Generation", "Generate synthetic examples (run %1)"),
               {QString::number(request.runId)});
    spec.handle = request.runId;
    spec.body = [request](JobContext &ctx) {
        GenerationPipeline pipeline(request.workspace);
        QString key;
        if (request.apiKey) {
            key = *request.apiKey;
        } else {
            const GenerationRun run = ctx.take(pipeline.runInfo(request.runId));
            QString keyError;
            key = apikeys::resolve(request.endpoint ? *request.endpoint : run.config.endpoint, &keyError);
            if (!keyError.isEmpty())
                ctx.fail(keyError);
        }
        qint64 tick = 0;
        const GenerationCounters counters = ctx.take(pipeline.run(
            request.runId, key,
            [&ctx, &tick](const GenerationCounters &c) {
                ctx.setTotal(c.requestsTotal);
                ctx.setProgress(
                    c.done, // answered requests only: failed ones are not progress
                    QCoreApplication::translate("ef::Generation", "valid %1, invalid %2, duplicate %3, failed %4")
                        .arg(argText(c.valid), argText(c.invalid), argText(c.duplicate), argText(c.failed)));
                ctx.addMetrics(generationMetricsSample(tick++, c));
                return !ctx.cancelRequested();
            },
            request.endpoint ? &*request.endpoint : nullptr));
        GenerationOutcome outcome;
        outcome.runId = request.runId;
        outcome.counters = counters;
        if (const auto run = pipeline.runInfo(request.runId)) {
            outcome.state = run->state;
            outcome.message = run->message;
        }
        ctx.setResult(outcome);
        ctx.throwIfCancelled();
        if (outcome.state == QLatin1String("finished"))
            return;
        // The run's stored reason first (it names the first error: HTTP status and message, or
        // the network error), so the Jobs dock, the Log and the history say why.
        // Some examples came, some requests failed for good: partly failed, not failed.
        const bool someDone = counters.valid + counters.invalid + counters.duplicate > 0;
        if (!outcome.message.isEmpty()) {
            if (someDone && counters.failed > 0 && outcome.state == QLatin1String("failed"))
                ctx.failPartly(outcome.message);
            ctx.fail(outcome.message);
        }
        if (counters.failed > 0) {
            const QString message =
                QCoreApplication::translate("ef::Generation", "%1 request(s) failed; resume the run to retry them")
                    .arg(counters.failed);
            if (someDone)
                ctx.failPartly(message);
            ctx.fail(message);
        }
        ctx.fail(!outcome.message.isEmpty()
                     ? outcome.message
                     : QCoreApplication::translate("ef::Generation", "generation run %1 ended as '%2'")
                           .arg(argText(request.runId), argText(outcome.state)));
    };
    return spec;
}

Expected<GenerationJobRequest> prepareGeneration(const Workspace &workspace, const GenerationStart &start)
{
    GenerationPipeline pipeline(workspace);
    GenerationJobRequest request;
    request.workspace = workspace;
    if (!start.resume) {
        auto created = pipeline.createRun(start.config);
        if (!created)
            return makeError(created.error());
        request.runId = created.value();
        return request;
    }
    request.runId = start.runId;
    if (request.runId == 0) {
        auto latest = pipeline.latestUnfinishedRun();
        if (!latest)
            return makeError(latest.error());
        request.runId = latest.value();
    }
    if (start.budget) {
        if (Status s = pipeline.setBudget(request.runId, *start.budget); !s)
            return makeError(s.error());
    }
    if (start.concurrency) {
        if (Status s = pipeline.setConcurrency(request.runId, *start.concurrency); !s)
            return makeError(s.error());
    }
    auto run = pipeline.runInfo(request.runId);
    if (!run)
        return makeError(run.error());
    request.endpoint = start.endpoint;
    return request;
}

} // namespace ef
