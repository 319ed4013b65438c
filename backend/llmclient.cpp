// SPDX-License-Identifier: GPL-3.0-or-later
// Chat-completions client: request building, the in-flight bound, retries and accounting.
#include "backend/llmclient.h"
#include "backend/argtext.h"

#include <cmath>
#include <random>

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QQueue>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

namespace ef {

namespace {

// QNetworkAccessManager opens at most 6 HTTP/1.1 connections per host; more managers
// give more connections, so the in-flight bound is really reached.
constexpr int kConnectionsPerManager = 6;

// Retry-After: delay-seconds or an HTTP date. -1 when absent or unreadable.
qint64 retryAfterMs(const QByteArray &value)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return -1;
    bool ok = false;
    const double secs = v.toDouble(&ok);
    if (ok)
        return secs < 0 ? -1 : static_cast<qint64>(secs * 1000.0);
    QDateTime when = QDateTime::fromString(QString::fromLatin1(v), Qt::RFC2822Date);
    if (!when.isValid())
        return -1;
    return std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(when));
}

} // namespace

QString chatCompletionsUrl(const EndpointProfile &profile)
{
    QString base = profile.baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    if (profile.kind == QLatin1String("azure")) {
        QUrl url(base + QStringLiteral("/openai/deployments/") +
                 QString::fromLatin1(QUrl::toPercentEncoding(profile.azureDeployment)) +
                 QStringLiteral("/chat/completions"));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("api-version"), profile.azureApiVersion);
        url.setQuery(q);
        return url.toString();
    }
    if (base.endsWith(QLatin1String("/chat/completions")))
        return base;
    if (base.endsWith(QLatin1String("/v1")))
        return base + QStringLiteral("/chat/completions");
    return base + QStringLiteral("/v1/chat/completions");
}

class LlmClient::Worker final : public QObject
{
public:
    Worker(LlmClient *client, EndpointProfile profile, QString apiKey, std::shared_ptr<std::atomic_int> inFlight)
        : m_client(client), m_profile(std::move(profile)), m_apiKey(apiKey.toUtf8()), m_inFlight(std::move(inFlight)),
          m_rng(std::random_device{}())
    {
        m_url = QUrl(chatCompletionsUrl(m_profile));
    }

    ~Worker() override
    {
        // Abort what is still on the wire without reporting (the client is going away).
        m_closing = true;
        for (QNetworkReply *r : std::as_const(m_replies)) {
            r->disconnect(this);
            r->abort();
            r->deleteLater();
        }
    }

    void enqueue(const LlmCall &call)
    {
        m_queue.enqueue({call, 0, {}});
        pump();
    }

    LlmStats stats() const
    {
        QMutexLocker lock(&m_statsMutex);
        return m_stats;
    }

private:
    struct Job
    {
        LlmCall call;
        int attempt;
        LlmResult last;
    };

    void pump()
    {
        const int limit = std::max(1, m_profile.maxInFlight);
        while (!m_closing && m_active < limit && !m_queue.isEmpty())
            send(m_queue.dequeue());
    }

    QNetworkAccessManager *manager()
    {
        const int needed =
            std::max(1, (std::max(1, m_profile.maxInFlight) + kConnectionsPerManager - 1) / kConnectionsPerManager);
        if (m_managers.isEmpty()) {
            for (int i = 0; i < needed; ++i)
                m_managers.append(new QNetworkAccessManager(this));
        }
        return m_managers.at(static_cast<int>(m_next++ % m_managers.size()));
    }

    QByteArray body(const LlmCall &call) const
    {
        QJsonObject o{
            {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                {QStringLiteral("content"), call.prompt}}}},
            {QStringLiteral("temperature"), m_profile.temperature},
            {QStringLiteral("top_p"), m_profile.topP}};
        if (!m_profile.model.isEmpty())
            o.insert(QStringLiteral("model"), m_profile.model);
        if (m_profile.maxTokens > 0)
            o.insert(QStringLiteral("max_tokens"), m_profile.maxTokens);
        if (m_profile.seed >= 0)
            o.insert(QStringLiteral("seed"), m_profile.seed);
        if (m_profile.jsonResponseFormat)
            o.insert(QStringLiteral("response_format"),
                     QJsonObject{{QStringLiteral("type"), QStringLiteral("json_object")}});
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    }

    void send(Job job)
    {
        ++job.attempt;
        ++m_active;
        m_inFlight->store(m_active);
        {
            QMutexLocker lock(&m_statsMutex);
            ++m_stats.sent;
            if (job.attempt > 1)
                ++m_stats.retries;
        }
        QNetworkRequest req(m_url);
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (!m_apiKey.isEmpty()) {
            if (m_profile.kind == QLatin1String("azure"))
                req.setRawHeader(QByteArrayLiteral("api-key"), m_apiKey);
            else
                req.setRawHeader(QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + m_apiKey);
        }
        if (!job.call.clientTag.isEmpty())
            req.setRawHeader(QByteArrayLiteral("X-Client-Request-Id"), job.call.clientTag.toUtf8());
        // Redirects are followed within the endpoint's origin only: a key (Authorization or api-key)
        // never goes to another scheme, host or port. Such a redirect is an error naming the target.
        req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::UserVerifiedRedirectPolicy);
        req.setMaximumRedirectsAllowed(5);
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        QNetworkReply *reply = manager()->post(req, body(job.call));
        m_replies.insert(reply);
        auto refusedRedirect = std::make_shared<QUrl>();
        QObject::connect(reply, &QNetworkReply::redirected, reply, [this, reply, refusedRedirect](const QUrl &target) {
            const QUrl from = m_url;
            const bool sameOrigin = target.scheme() == from.scheme() && target.host() == from.host() &&
                                    target.port(defaultPort(target.scheme())) == from.port(defaultPort(from.scheme()));
            if (sameOrigin || m_apiKey.isEmpty()) {
                Q_EMIT reply->redirectAllowed();
                return;
            }
            *refusedRedirect = target;
            reply->abort();
        });
        auto timedOut = std::make_shared<bool>(false);
        auto *deadline = new QTimer(reply);
        deadline->setSingleShot(true);
        QObject::connect(deadline, &QTimer::timeout, reply, [reply, timedOut] {
            *timedOut = true;
            reply->abort();
        });
        deadline->start(std::max(1, m_profile.timeoutMs));
        QObject::connect(reply, &QNetworkReply::finished, this,
                         [this, reply, job, timer, timedOut, refusedRedirect]() mutable {
                             m_replies.remove(reply);
                             reply->deleteLater();
                             --m_active;
                             m_inFlight->store(m_active);
                             onReply(reply, std::move(job), timer->elapsed(), *timedOut, *refusedRedirect);
                             pump();
                         });
    }

    static int defaultPort(const QString &scheme) { return scheme == QLatin1String("https") ? 443 : 80; }

    void onReply(QNetworkReply *reply, Job job, qint64 elapsedMs, bool timedOut, const QUrl &refusedRedirect)
    {
        LlmResult r;
        r.id = job.call.id;
        r.attempts = job.attempt;
        r.latencyMs = elapsedMs;
        r.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray data = reply->readAll();
        bool retryable = false;
        qint64 waitMs = -1;
        if (!refusedRedirect.isEmpty()) {
            r.errorKind = QStringLiteral("redirect");
            r.error = QCoreApplication::translate(
                          "ef::LlmClient",
                          "the endpoint redirected to %1, another scheme, host or port: the API key is not sent "
                          "there (make that the profile's base URL if you trust it)")
                          .arg(refusedRedirect.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery));
        } else if (timedOut) {
            r.errorKind = QStringLiteral("timeout");
            r.error =
                QCoreApplication::translate("ef::LlmClient", "no complete reply within %1 ms").arg(m_profile.timeoutMs);
            retryable = true;
        } else if (r.httpStatus == 0) {
            r.errorKind = QStringLiteral("network");
            r.error = QCoreApplication::translate("ef::LlmClient", "network error: %1").arg(reply->errorString());
            retryable = true;
        } else if (r.httpStatus < 200 || r.httpStatus >= 300) {
            r.errorKind = QStringLiteral("http");
            const QJsonObject err = QJsonDocument::fromJson(data).object().value(QStringLiteral("error")).toObject();
            QString detail = err.value(QStringLiteral("message")).toString();
            if (detail.isEmpty())
                detail = QString::fromUtf8(data.left(200)).simplified();
            if (!m_apiKey.isEmpty())
                detail.replace(QString::fromUtf8(m_apiKey), QStringLiteral("***"));
            r.error =
                QCoreApplication::translate("ef::LlmClient", "HTTP %1: %2").arg(argText(r.httpStatus), argText(detail));
            retryable = r.httpStatus == 429 || r.httpStatus >= 500;
            if (retryable)
                waitMs = retryAfterMs(reply->rawHeader(QByteArrayLiteral("Retry-After")));
        } else {
            QJsonParseError pe{};
            const QJsonDocument doc = QJsonDocument::fromJson(data, &pe);
            const QJsonObject o = doc.object();
            const QJsonArray choices = o.value(QStringLiteral("choices")).toArray();
            if (pe.error != QJsonParseError::NoError || !doc.isObject() || choices.isEmpty() ||
                !choices.at(0).toObject().value(QStringLiteral("message")).isObject()) {
                r.errorKind = QStringLiteral("invalid_body");
                r.error =
                    pe.error != QJsonParseError::NoError
                        ? QCoreApplication::translate("ef::LlmClient", "the response body is not valid JSON: %1")
                              .arg(pe.errorString())
                        : QCoreApplication::translate("ef::LlmClient", "the response body has no choices[0].message");
            } else {
                const QJsonObject choice = choices.at(0).toObject();
                r.ok = true;
                r.content =
                    choice.value(QStringLiteral("message")).toObject().value(QStringLiteral("content")).toString();
                // A key the endpoint echoes back is not stored with the reply (keys shorter than
                // 8 characters are not real keys and would garble the text).
                if (m_apiKey.size() >= 8)
                    r.content.replace(QString::fromUtf8(m_apiKey), QStringLiteral("***"));
                r.finishReason = choice.value(QStringLiteral("finish_reason")).toString();
                const QJsonObject usage = o.value(QStringLiteral("usage")).toObject();
                r.promptTokens = usage.value(QStringLiteral("prompt_tokens")).toInteger();
                r.completionTokens = usage.value(QStringLiteral("completion_tokens")).toInteger();
                r.cost = r.promptTokens * m_profile.inputPricePerMTok / 1e6 +
                         r.completionTokens * m_profile.outputPricePerMTok / 1e6;
            }
        }
        if (!r.ok && retryable && job.attempt <= m_profile.maxRetries && !m_closing) {
            if (waitMs < 0) {
                const double exp =
                    std::min<double>(m_profile.backoffMaxMs, m_profile.backoffBaseMs * std::pow(2.0, job.attempt - 1));
                std::uniform_real_distribution<double> jitter(0.5, 1.0); // "equal jitter"
                waitMs = static_cast<qint64>(exp * jitter(m_rng));
            } else {
                std::uniform_int_distribution<int> jitter(0, 100);
                waitMs += jitter(m_rng);
            }
            job.last = r;
            QTimer::singleShot(static_cast<int>(std::min<qint64>(waitMs, 600000)), this, [this, job]() mutable {
                m_queue.prepend(std::move(job));
                pump();
            });
            return;
        }
        {
            QMutexLocker lock(&m_statsMutex);
            if (r.ok) {
                ++m_stats.succeeded;
                m_stats.promptTokens += r.promptTokens;
                m_stats.completionTokens += r.completionTokens;
                m_stats.cost += r.cost;
            } else {
                ++m_stats.failed;
            }
        }
        Q_EMIT m_client->finished(r);
    }

    LlmClient *m_client;
    EndpointProfile m_profile;
    QByteArray m_apiKey;
    QUrl m_url;
    std::shared_ptr<std::atomic_int> m_inFlight;
    std::mt19937 m_rng;
    QList<QNetworkAccessManager *> m_managers;
    quint64 m_next = 0;
    QQueue<Job> m_queue;
    QSet<QNetworkReply *> m_replies;
    int m_active = 0;
    bool m_closing = false;
    mutable QMutex m_statsMutex;
    LlmStats m_stats;
};

LlmClient::LlmClient(const EndpointProfile &profile, const QString &apiKey, QObject *parent)
    : QObject(parent), m_profile(profile), m_inFlight(std::make_shared<std::atomic_int>(0)),
      m_thread(std::make_unique<QThread>())
{
    qRegisterMetaType<ef::LlmResult>();
    m_thread->setObjectName(QStringLiteral("ef-llm-network"));
    m_worker = new Worker(this, profile, apiKey, m_inFlight);
    m_worker->moveToThread(m_thread.get());
    m_thread->start();
}

LlmClient::~LlmClient()
{
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker] { delete worker; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

void LlmClient::submit(const LlmCall &call)
{
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, call] { worker->enqueue(call); }, Qt::QueuedConnection);
}

LlmStats LlmClient::stats() const
{
    return m_worker->stats();
}

} // namespace ef
