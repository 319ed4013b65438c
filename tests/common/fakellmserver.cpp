// SPDX-License-Identifier: GPL-3.0-or-later
// A scripted HTTP/1.1 chat/completions server for tests.
#include "tests/common/fakellmserver.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QSemaphore>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

namespace ef::test {

class FakeLlmServerWorker final : public QObject
{
public:
    explicit FakeLlmServerWorker(FakeLlmServer *owner) : m_owner(owner) {}

    quint16 listen(const QString &address)
    {
        m_server = new QTcpServer(this);
        m_server->listen(QHostAddress(address), 0);
        QObject::connect(m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server->nextPendingConnection()) {
                s->setParent(this);
                QObject::connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
                QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        return m_server->serverPort();
    }

private:
    void onData(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        while (true) {
            const int end = static_cast<int>(buf.indexOf("\r\n\r\n"));
            if (end < 0)
                return;
            const QList<QByteArray> lines = buf.left(end).split('\n');
            FakeRequest req;
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            req.method = first.value(0);
            req.path = first.value(1);
            for (int i = 1; i < lines.size(); ++i) {
                const int colon = static_cast<int>(lines[i].indexOf(':'));
                if (colon > 0)
                    req.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
            }
            const int length = req.headers.value("content-length").toInt();
            if (buf.size() < end + 4 + length)
                return;
            req.body = buf.mid(end + 4, length);
            buf.remove(0, end + 4 + length);
            req.json = QJsonDocument::fromJson(req.body).object();
            req.prompt = req.json.value(QStringLiteral("messages"))
                             .toArray()
                             .at(0)
                             .toObject()
                             .value(QStringLiteral("content"))
                             .toString();
            const FakeReply reply = m_owner->handle(req);
            QPointer<QTcpSocket> guard(s);
            auto send = [this, guard, reply] {
                m_owner->answered();
                if (!guard)
                    return;
                if (reply.drop) {
                    guard->abort();
                    return;
                }
                QByteArray out = "HTTP/1.1 " + QByteArray::number(reply.status) + " Status\r\n";
                out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(reply.body.size()) +
                       "\r\n";
                out += "Connection: keep-alive\r\n";
                for (const auto &h : reply.headers)
                    out += h.first + ": " + h.second + "\r\n";
                out += "\r\n" + reply.body;
                guard->write(out);
            };
            if (reply.delayMs > 0)
                QTimer::singleShot(reply.delayMs, this, send);
            else
                send();
        }
    }

    FakeLlmServer *m_owner;
    QTcpServer *m_server = nullptr;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

FakeLlmServer::FakeLlmServer(const QString &address) : m_thread(std::make_unique<QThread>()), m_address(address)
{
    auto *worker = new FakeLlmServerWorker(this);
    worker->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::finished, worker, &QObject::deleteLater);
    m_thread->start();
    QMetaObject::invokeMethod(
        worker, [this, worker] { m_port = worker->listen(m_address); }, Qt::BlockingQueuedConnection);
}

FakeLlmServer::~FakeLlmServer()
{
    m_thread->quit();
    m_thread->wait();
}

QString FakeLlmServer::baseUrl() const
{
    return QStringLiteral("http://%1:%2/v1").arg(m_address).arg(m_port);
}

void FakeLlmServer::setHandler(Handler handler)
{
    QMutexLocker lock(&m_mutex);
    m_handler = std::move(handler);
}

void FakeLlmServer::setDefaultDelayMs(int ms)
{
    QMutexLocker lock(&m_mutex);
    m_defaultDelayMs = ms;
}

QList<FakeRequest> FakeLlmServer::requests() const
{
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

int FakeLlmServer::requestCount() const
{
    QMutexLocker lock(&m_mutex);
    return static_cast<int>(m_requests.size());
}

int FakeLlmServer::maxConcurrent() const
{
    QMutexLocker lock(&m_mutex);
    return m_maxOpen;
}

FakeReply FakeLlmServer::handle(const FakeRequest &request)
{
    Handler h;
    FakeRequest r = request;
    {
        QMutexLocker lock(&m_mutex);
        r.index = static_cast<int>(m_requests.size());
        m_requests.append(r);
        m_maxOpen = std::max(m_maxOpen, ++m_open);
        h = m_handler;
    }
    return h ? h(r) : defaultReply(r);
}

void FakeLlmServer::answered()
{
    QMutexLocker lock(&m_mutex);
    --m_open;
}

FakeReply FakeLlmServer::completion(const QString &content, int promptTokens, int completionTokens)
{
    const QJsonObject o{
        {QStringLiteral("id"), QStringLiteral("chatcmpl-test")},
        {QStringLiteral("object"), QStringLiteral("chat.completion")},
        {QStringLiteral("choices"),
         QJsonArray{
             QJsonObject{{QStringLiteral("index"), 0},
                         {QStringLiteral("message"), QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                                                 {QStringLiteral("content"), content}}},
                         {QStringLiteral("finish_reason"), QStringLiteral("stop")}}}},
        {QStringLiteral("usage"), QJsonObject{{QStringLiteral("prompt_tokens"), promptTokens},
                                              {QStringLiteral("completion_tokens"), completionTokens},
                                              {QStringLiteral("total_tokens"), promptTokens + completionTokens}}}};
    FakeReply r;
    r.body = QJsonDocument(o).toJson(QJsonDocument::Compact);
    return r;
}

QString FakeLlmServer::defaultContent(const FakeRequest &request)
{
    const QString p = request.prompt;
    const QString tag =
        request.tag().isEmpty()
            ? QString::fromLatin1(QCryptographicHash::hash(p.toUtf8(), QCryptographicHash::Md5).toHex().left(8))
            : request.tag();
    if (p.contains(QLatin1String("python list"))) {
        QJsonArray tasks;
        for (int i = 0; i < 4; ++i)
            tasks.append(QStringLiteral("Task %1 from %2: find documents about topic %1.").arg(i).arg(tag));
        return QStringLiteral("```python\n") + QString::fromUtf8(QJsonDocument(tasks).toJson(QJsonDocument::Compact)) +
               QStringLiteral("\n```");
    }
    QStringList keys;
    if (p.contains(QLatin1String("\"user_query\"")))
        keys = {QStringLiteral("user_query"), QStringLiteral("positive_document"),
                QStringLiteral("hard_negative_document")};
    else if (p.contains(QLatin1String("\"input_text\"")))
        keys = {QStringLiteral("input_text"), QStringLiteral("label"), QStringLiteral("misleading_label")};
    else if (p.contains(QLatin1String("\"S1\"")))
        keys = {QStringLiteral("S1"), QStringLiteral("S2"), QStringLiteral("S3")};
    else
        keys = {QStringLiteral("input"), QStringLiteral("positive_document")};
    QJsonObject o;
    for (const QString &k : keys)
        o.insert(k, QStringLiteral("%1 of %2").arg(k, tag));
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

FakeReply FakeLlmServer::defaultReply(const FakeRequest &request) const
{
    FakeReply r = completion(defaultContent(request));
    QMutexLocker lock(&m_mutex);
    r.delayMs = m_defaultDelayMs;
    return r;
}

} // namespace ef::test
