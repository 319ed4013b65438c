// SPDX-License-Identifier: GPL-3.0-or-later
// FakeLlmServer: a scripted OpenAI-compatible chat/completions server on 127.0.0.1 for tests.
//
// It speaks real HTTP/1.1 (keep-alive, Content-Length bodies) on its own thread. A handler
// decides each reply: status, headers, body, a delay, or a dropped connection. The default
// handler answers brainstorm prompts with a list of tasks and generate prompts with a JSON
// object holding the keys the prompt asks for, derived from the X-Client-Request-Id header,
// so replies are deterministic. Every request is recorded.
#pragma once

#include <functional>
#include <memory>

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMutex>
#include <QString>

class QThread;

namespace ef::test {

struct FakeRequest
{
    int index = 0; // order of arrival, from 0
    QByteArray method;
    QByteArray path;                      // with the query string
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;
    QJsonObject json;
    QString prompt; // messages[0].content
    QString tag() const { return QString::fromUtf8(headers.value("x-client-request-id")); }
};

struct FakeReply
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int delayMs = 0;
    bool drop = false; // close the connection without answering
};

class FakeLlmServer final
{
public:
    using Handler = std::function<FakeReply(const FakeRequest &)>;

    // Listens on address (a loopback address: 127.0.0.1, or 127.0.0.2 as a second "host").
    explicit FakeLlmServer(const QString &address = QStringLiteral("127.0.0.1"));
    ~FakeLlmServer();

    quint16 port() const { return m_port; }
    QString baseUrl() const; // http://ADDRESS:PORT/v1
    void setHandler(Handler handler);
    // Delay added to every default reply.
    void setDefaultDelayMs(int ms);

    QList<FakeRequest> requests() const;
    int requestCount() const;
    int maxConcurrent() const; // most requests received but not yet answered at once

    static FakeReply completion(const QString &content, int promptTokens = 100, int completionTokens = 50);
    // The deterministic default answer for a request.
    static QString defaultContent(const FakeRequest &request);
    FakeReply defaultReply(const FakeRequest &request) const;

private:
    friend class FakeLlmServerWorker;
    FakeReply handle(const FakeRequest &request);
    void answered();

    std::unique_ptr<QThread> m_thread;
    QString m_address;
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    Handler m_handler;
    int m_defaultDelayMs = 0;
    QList<FakeRequest> m_requests;
    int m_open = 0;
    int m_maxOpen = 0;
};

} // namespace ef::test
