// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakemodelserver.h"

#include <QJsonDocument>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

namespace gatehouse::test {

namespace {

/// Sizes of the pieces the stream is written in, in turn: single bytes and odd sizes, so that
/// events, lines, CRLFs and UTF-8 sequences end up split across reads.
constexpr qsizetype PieceSizes[] = {1, 7, 13, 29, 64, 3, 41};

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 529:
        return "Overloaded";
    default:
        return "Status";
    }
}

QByteArray chunk(QByteArrayView bytes)
{
    return QByteArray::number(bytes.size(), 16) + "\r\n" + bytes.toByteArray() + "\r\n";
}

} // namespace

struct FakeModelServer::Connection
{
    enum class End { Finish, Close, Stall };

    int id = 0;
    QTcpSocket *socket = nullptr;
    QByteArray buffer;
    bool answering = false;
    bool closeAfterAnswer = false;
    bool closingOurselves = false;
    QList<QByteArray> writes; ///< what is still to be written, one TCP write each
    End end = End::Finish;
};

FakeModelServer::FakeModelServer(Dialect dialect, QObject *parent)
    : QObject(parent)
    , m_dialect(dialect)
{
    m_clock.start();
    connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, &FakeModelServer::accept);
    m_server.listen(QHostAddress::LocalHost, 0);
}

FakeModelServer::~FakeModelServer()
{
    // The sockets are children of m_server; no signal of theirs may reach a half-destroyed this.
    for (QTcpSocket *socket : m_server.findChildren<QTcpSocket *>())
        disconnect(socket, nullptr, this, nullptr);
}

QUrl FakeModelServer::baseUrl(const QString &pathPrefix) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(pathPrefix));
}

void FakeModelServer::enqueue(FakeStep step)
{
    m_script.append(std::move(step));
}

void FakeModelServer::setResponder(std::function<FakeStep(const RecordedRequest &)> responder)
{
    m_responder = std::move(responder);
}

bool FakeModelServer::waitForRequests(int count, int timeoutMs)
{
    return QTest::qWaitFor([&] { return m_requests.size() >= count; }, timeoutMs);
}

void FakeModelServer::accept()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        auto connection = std::make_shared<Connection>();
        connection->id = ++m_connections;
        connection->socket = socket;
        connect(socket, &QTcpSocket::readyRead, this, [this, connection] { readRequests(connection); });
        connect(socket, &QTcpSocket::disconnected, this, [this, connection] {
            if (!connection->closingOurselves) {
                ++m_clientCloses;
                const bool duringAnswer = connection->answering;
                if (duringAnswer)
                    ++m_clientAborts;
                Q_EMIT clientClosedConnection(connection->id, duringAnswer);
            }
            connection->answering = false;
            connection->writes.clear();
            connection->socket->deleteLater();
        });
    }
}

void FakeModelServer::readRequests(const std::shared_ptr<Connection> &connection)
{
    connection->buffer += connection->socket->readAll();
    // One request at a time per connection; the next waits until the answer is complete.
    while (!connection->answering) {
        const qsizetype headerEnd = connection->buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QList<QByteArray> lines = connection->buffer.left(headerEnd).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        RecordedRequest request;
        request.method = requestLine.value(0);
        request.path = requestLine.value(1);
        qsizetype contentLength = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            request.headers.append({name, value});
            if (name == "content-length")
                contentLength = value.toLongLong();
        }
        const qsizetype total = headerEnd + 4 + contentLength;
        if (connection->buffer.size() < total)
            return;
        request.body = connection->buffer.mid(headerEnd + 4, contentLength);
        connection->buffer.remove(0, total);
        request.json = QJsonDocument::fromJson(request.body).object();
        request.arrivedMs = m_clock.elapsed();
        request.connection = connection->id;
        connection->closeAfterAnswer = request.header("connection").toLower() == "close";
        m_requests.append(request);
        Q_EMIT requestReceived(request);
        answer(connection, request);
    }
}

void FakeModelServer::answer(const std::shared_ptr<Connection> &connection, const RecordedRequest &request)
{
    FakeStep step;
    if (m_responder) {
        step = m_responder(request);
    } else if (!m_script.isEmpty()) {
        step = m_script.takeFirst();
    } else {
        step = FakeStep::error(
            400, errorBody(m_dialect, "invalid_request_error",
                           QStringLiteral("the fake server has no scripted step left for %1 %2")
                               .arg(QString::fromUtf8(request.method), QString::fromUtf8(request.path))));
    }

    connection->answering = true;
    connection->writes.clear();
    connection->end = Connection::End::Finish;
    if (step.kind == FakeStep::Kind::CloseAtOnce) {
        connection->end = Connection::End::Close;
    } else if (step.kind == FakeStep::Kind::HttpError) {
        QByteArray head = "HTTP/1.1 " + QByteArray::number(step.status) + ' ' + reasonPhrase(step.status) + "\r\n"
            + "content-type: application/json\r\ncontent-length: " + QByteArray::number(step.body.size()) + "\r\n";
        for (const auto &[name, value] : std::as_const(step.headers))
            head += name + ": " + value + "\r\n";
        connection->writes = {head + "\r\n" + step.body};
    } else {
        QByteArray head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
                          "cache-control: no-cache\r\ntransfer-encoding: chunked\r\n";
        for (const auto &[name, value] : std::as_const(step.headers))
            head += name + ": " + value + "\r\n";
        connection->writes.append(head + "\r\n");
        const QByteArray stream = step.kind == FakeStep::Kind::RawStream ? step.body : eventStream(m_dialect, step);
        qsizetype limit = stream.size();
        if (step.dropAfterBytes >= 0) {
            limit = std::min(limit, step.dropAfterBytes);
            connection->end = Connection::End::Close;
        } else if (step.stallHalfway) {
            limit = stream.size() / 2;
            connection->end = Connection::End::Stall;
        }
        qsizetype at = 0;
        for (int turn = 0; at < limit; ++turn) {
            const qsizetype size = std::min(PieceSizes[turn % std::size(PieceSizes)], limit - at);
            connection->writes.append(chunk(QByteArrayView(stream).sliced(at, size)));
            at += size;
        }
        if (connection->end == Connection::End::Finish)
            connection->writes.append("0\r\n\r\n");
    }
    writeNext(connection);
}

void FakeModelServer::writeNext(const std::shared_ptr<Connection> &connection)
{
    QTcpSocket *socket = connection->socket;
    if (!connection->answering || socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (!connection->writes.isEmpty()) {
        socket->write(connection->writes.takeFirst());
        socket->flush();
        // The next piece on the next turn of the event loop: a separate write on the wire.
        QTimer::singleShot(0, socket, [this, connection] { writeNext(connection); });
        return;
    }
    switch (connection->end) {
    case Connection::End::Stall:
        return; // answering stays true: a close by the client now is an abort
    case Connection::End::Close:
        connection->closingOurselves = true;
        connection->answering = false;
        socket->disconnectFromHost();
        return;
    case Connection::End::Finish:
        connection->answering = false;
        if (connection->closeAfterAnswer) {
            connection->closingOurselves = true;
            socket->disconnectFromHost();
            return;
        }
        if (!connection->buffer.isEmpty())
            readRequests(connection);
        return;
    }
}

} // namespace gatehouse::test
