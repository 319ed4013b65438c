// SPDX-License-Identifier: GPL-3.0-or-later
// Job history in the workspace.
#include "backend/jobhistory.h"

#include <QJsonDocument>
#include <QJsonObject>

#include "backend/database.h"
#include "backend/timestamp.h"

namespace ef {

namespace {
JobState stateFromName(const QString &name)
{
    for (JobState s : {JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Failed, JobState::Cancelled,
                       JobState::PartlyFailed})
        if (jobStateName(s) == name)
            return s;
    return JobState::Failed;
}
} // namespace

void recordJob(Database &db, const JobInfo &info)
{
    Transaction tx(db);
    Statement st = db.prepare(QStringLiteral(
        "INSERT INTO jobs(kind, title, state, done, total, message, error, created_at, started_at, finished_at, "
        "texts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    QJsonObject texts;
    if (!info.titleText.isNull())
        texts.insert(QStringLiteral("title"), info.titleText.toJson());
    if (!info.progress.messageText.isNull())
        texts.insert(QStringLiteral("message"), info.progress.messageText.toJson());
    st.bind(1, info.kind)
        .bind(2, info.title.isEmpty() ? info.kind : info.title)
        .bind(3, jobStateName(info.state))
        .bind(4, info.progress.done)
        .bind(5, info.progress.total)
        .bind(6, info.progress.message.isNull() ? QStringLiteral("") : info.progress.message)
        .bind(7, info.error.isNull() ? QStringLiteral("") : info.error)
        .bind(8, isoTimestamp(info.createdAt))
        .bind(9, isoTimestamp(info.startedAt))
        .bind(10, isoTimestamp(info.finishedAt))
        .bind(11, texts.isEmpty() ? QStringLiteral("")
                                  : QString::fromUtf8(QJsonDocument(texts).toJson(QJsonDocument::Compact)));
    st.run();
    tx.commit();
}

QList<JobInfo> loadJobHistory(Database &db, int limit)
{
    QList<JobInfo> out;
    Statement st = db.prepare(QStringLiteral(
        "SELECT id, kind, title, state, done, total, message, error, created_at, started_at, finished_at, texts "
        "FROM jobs ORDER BY id DESC LIMIT ?"));
    st.bind(1, limit);
    while (st.step()) {
        JobInfo info;
        info.id = static_cast<quint64>(st.columnInt(0));
        info.kind = st.columnText(1);
        info.title = st.columnText(2);
        info.state = stateFromName(st.columnText(3));
        info.progress.done = st.columnInt(4);
        info.progress.total = st.columnInt(5);
        info.progress.message = st.columnText(6);
        info.error = st.columnText(7);
        info.createdAt = parseIsoTimestamp(st.columnText(8));
        info.startedAt = parseIsoTimestamp(st.columnText(9));
        info.finishedAt = parseIsoTimestamp(st.columnText(10));
        // Titles and messages kept as their source are shown in today's language.
        const QJsonObject texts = QJsonDocument::fromJson(st.columnText(11).toUtf8()).object();
        if (texts.contains(QStringLiteral("title"))) {
            info.titleText = TrText::fromJson(texts.value(QStringLiteral("title")).toObject());
            info.title = info.titleText.toString();
        }
        if (texts.contains(QStringLiteral("message"))) {
            info.progress.messageText = TrText::fromJson(texts.value(QStringLiteral("message")).toObject());
            info.progress.message = info.progress.messageText.toString();
        }
        out.append(info);
    }
    return out;
}

Expected<QList<JobInfo>> loadJobHistory(const Workspace &ws, int limit)
{
    auto db = ws.connect();
    if (!db)
        return makeError(db.error());
    try {
        return loadJobHistory(**db, limit);
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

// ---- JobHistoryRecorder ----

JobHistoryRecorder::JobHistoryRecorder(JobManager *jobs, QObject *parent) : QObject(parent)
{
    m_writer.setMaxThreadCount(1);
    m_writer.setObjectName(QStringLiteral("ef-job-history"));
    connect(jobs, &JobManager::jobFinished, this, &JobHistoryRecorder::record);
}

JobHistoryRecorder::~JobHistoryRecorder()
{
    m_writer.waitForDone();
}

void JobHistoryRecorder::setWorkspace(const Workspace &workspace)
{
    m_workspace = workspace;
}

void JobHistoryRecorder::waitForWrites()
{
    m_writer.waitForDone();
}

void JobHistoryRecorder::record(const JobInfo &info)
{
    // A read-only workspace keeps this session's history in memory only.
    if (info.interactive || !m_workspace.isValid() || m_workspace.isReadOnly())
        return;
    const Workspace ws = m_workspace;
    m_writer.start([this, ws, info] {
        QString error;
        if (auto db = ws.connect()) {
            try {
                recordJob(**db, info);
            } catch (const DbError &e) {
                error = e.message();
            }
        } else {
            error = db.error();
        }
        // Queued to this object: dropped if it is gone by then.
        QMetaObject::invokeMethod(
            this,
            [this, info, error] {
                if (error.isEmpty())
                    Q_EMIT recorded(info);
                else
                    Q_EMIT recordFailed(info, error);
            },
            Qt::QueuedConnection);
    });
}

} // namespace ef
