// SPDX-License-Identifier: GPL-3.0-or-later
// LlmClient: asynchronous chat-completions calls (OpenAI-compatible and Azure OpenAI) over QtNetwork.
//
// Requests run on the client's own network thread, at most maxInFlight on the wire at once
// (the rest wait in a queue). Each attempt has a total deadline (timeoutMs). 429, 5xx,
// timeouts and network errors are retried with exponential backoff and jitter; a
// Retry-After header (seconds or an HTTP date) sets the wait instead. Every call ends in
// exactly one finished() signal. The API key is sent only in its header; it never appears
// in errors, results or logs.
//
// Thread-safety: create and destroy an LlmClient in one thread; submit() may be called from
// any thread. finished() is emitted in the network thread; connect with a queued or
// automatic connection. The destructor aborts what is on the wire and joins the thread.
#pragma once

#include <atomic>
#include <memory>

#include <QByteArray>
#include <QMetaType>
#include <QObject>
#include <QString>

#include "backend/settings.h"

class QThread;

namespace ef {

struct LlmCall
{
    quint64 id = 0;
    QString prompt;    // sent as one user message
    QString clientTag; // sent as X-Client-Request-Id (for tracing; may be empty)
};

struct LlmResult
{
    quint64 id = 0;
    bool ok = false;
    QString content; // choices[0].message.content
    QString finishReason;
    int httpStatus = 0; // of the last attempt (0: no HTTP response)
    QString errorKind;  // "http", "network", "timeout", "invalid_body", "redirect" when !ok
    QString error;      // for people
    int attempts = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 latencyMs = 0; // of the successful (or last) attempt
    double cost = 0.0;    // from the profile's prices
};

struct LlmStats
{
    qint64 sent = 0; // attempts put on the wire
    qint64 retries = 0;
    qint64 succeeded = 0;
    qint64 failed = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    double cost = 0.0;
};

// The chat/completions URL for a profile.
QString chatCompletionsUrl(const EndpointProfile &profile);

class LlmClient final : public QObject
{
    Q_OBJECT

public:
    // apiKey: resolved by the caller (apikeys::resolve); empty = no auth header.
    LlmClient(const EndpointProfile &profile, const QString &apiKey, QObject *parent = nullptr);
    ~LlmClient() override;

    void submit(const LlmCall &call);
    int inFlight() const { return m_inFlight->load(); }
    LlmStats stats() const;
    const EndpointProfile &profile() const { return m_profile; }

Q_SIGNALS:
    void finished(const ef::LlmResult &result);

private:
    class Worker;
    EndpointProfile m_profile;
    std::shared_ptr<std::atomic_int> m_inFlight;
    std::unique_ptr<QThread> m_thread;
    Worker *m_worker = nullptr; // lives in m_thread
};

} // namespace ef

Q_DECLARE_METATYPE(ef::LlmCall)
Q_DECLARE_METATYPE(ef::LlmResult)
