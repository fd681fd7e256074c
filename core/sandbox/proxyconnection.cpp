// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/proxyconnection.h"

#include "log/logging.h"
#include "log/qtformat.h"
#include "policy/rule.h"
#include "sandbox/networkproxy.h"

#include <QHostInfo>
#include <QLocalSocket>
#include <QTcpSocket>
#include <QTimer>

namespace gatehouse::sandbox {
namespace {

constexpr qint64 bufferLimit = 256 * 1024; // per direction: reading stops while the other side is this far behind

} // namespace

ProxyConnection::ProxyConnection(NetworkProxy *proxy, QLocalSocket *client, const QString &label)
    : QObject(proxy)
    , m_proxy(proxy)
    , m_client(client)
    , m_label(label)
{
    m_client->setParent(this);
    m_client->setReadBufferSize(bufferLimit);
    connect(m_client, &QLocalSocket::readyRead, this, &ProxyConnection::readClient);
    connect(m_client, &QLocalSocket::bytesWritten, this, &ProxyConnection::pump);
    connect(m_client, &QLocalSocket::disconnected, this, [this] {
        if (m_state == State::Relaying) {
            pump(); // what the client sent last still goes out first; pump() finishes after it
            return;
        }
        finish();
    });
    readClient();
}

ProxyConnection::~ProxyConnection() = default;

QString ProxyConnection::host() const
{
    return m_target.host.isEmpty() ? QString() : policy::normaliseHost(m_target.host);
}

void ProxyConnection::revoke(const QString &reason)
{
    if (m_state == State::Connecting) {
        // Nothing was answered to the client yet: an ordinary refusal.
        refuse(reason, 403, proxy::SocksReply::NotAllowed);
        return;
    }
    if (m_state != State::Relaying)
        return;
    ConnectionEvent event;
    event.host = printableHost(m_target.host);
    event.port = m_target.port;
    event.command = m_label;
    event.protocol = m_protocol;
    event.allowed = false;
    event.revoked = true;
    event.reason = QStringLiteral("closed while open: %1").arg(reason);
    log::logger("proxy")->info("closed {}:{} for \"{}\": {}", event.host, event.port, m_label, event.reason);
    finish();
    // Not a byte more to a host that is no longer allowed, not even what is still buffered.
    if (m_upstream)
        m_upstream->abort();
    Q_EMIT m_proxy->connectionDecided(event);
}

void ProxyConnection::readClient()
{
    if (m_state == State::Relaying) {
        pump();
        return;
    }
    if (m_state == State::Deciding || m_state == State::Connecting || m_state == State::Closing) {
        // Bytes sent ahead (a body, a TLS hello) wait; the read buffer limit holds the rest back.
        if (m_buffer.size() < proxy::maxHeadSize + bufferLimit)
            m_buffer += m_client->read(proxy::maxHeadSize + bufferLimit - m_buffer.size());
        return;
    }
    m_buffer += m_client->readAll();
    if (m_state == State::Greeting && !m_buffer.isEmpty()) {
        if (m_buffer.at(0) == 0x05) {
            m_protocol = QStringLiteral("socks5");
            m_state = State::SocksMethods;
        } else {
            m_protocol = QStringLiteral("http");
            m_state = State::HttpHead;
        }
    }
    if (m_state == State::HttpHead)
        startHttp();
    else if (m_state == State::SocksMethods || m_state == State::SocksRequest)
        startSocks();
}

void ProxyConnection::startHttp()
{
    if (proxy::httpHeadEnd(m_buffer) < 0) {
        if (m_buffer.size() > proxy::maxHeadSize)
            refuse(QStringLiteral("the request head is larger than 64 KiB"), 431, proxy::SocksReply::GeneralFailure);
        return;
    }
    int status = 400;
    auto request = proxy::parseHttpRequest(m_buffer, &status);
    if (!request) {
        refuse(request.error().message, status, proxy::SocksReply::GeneralFailure);
        return;
    }
    m_http = *request;
    m_buffer.remove(0, m_http.headSize);
    m_target = m_http.target;
    if (m_http.connect) {
        m_protocol = QStringLiteral("connect");
    } else {
        m_bodyLeft = m_http.bodyLength;
    }
    decideTarget();
}

void ProxyConnection::startSocks()
{
    if (m_state == State::SocksMethods) {
        auto taken = proxy::parseSocksGreeting(m_buffer);
        if (!taken) {
            m_client->write(QByteArray("\x05\xff", 2));
            refuse(taken.error().message, 0, proxy::SocksReply::GeneralFailure);
            return;
        }
        if (*taken == 0)
            return;
        m_buffer.remove(0, *taken);
        m_client->write(QByteArray("\x05\x00", 2));
        m_state = State::SocksRequest;
    }
    proxy::SocksReply code = proxy::SocksReply::GeneralFailure;
    auto request = proxy::parseSocksRequest(m_buffer, &code);
    if (!request) {
        refuse(request.error().message, 0, code);
        return;
    }
    if (request->size == 0)
        return;
    m_buffer.remove(0, request->size);
    m_target = request->target;
    decideTarget();
}

void ProxyConnection::decideTarget()
{
    m_state = State::Deciding;
    m_proxy->decide(this, m_target.host, m_target.port, m_label, [this](NetworkProxy::Verdict verdict) {
        if (!verdict.allowed) {
            refuse(verdict.reason, 403, proxy::SocksReply::NotAllowed);
            return;
        }
        m_allowReason = verdict.reason;
        m_byPerson = verdict.byPerson;
        allowedTo(verdict.allowedByName);
    });
}

void ProxyConnection::allowedTo(bool allowedByName)
{
    m_state = State::Connecting;
    const QString host = policy::normaliseHost(m_target.host);
    // The name is resolved here, not by the command, so that what was decided is what is reached.
    QHostInfo::lookupHost(host, this, [this, allowedByName, host](const QHostInfo &info) {
        if (m_state != State::Connecting)
            return; // closed meanwhile (the client left, or the rules no longer allow the host)
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            refuse(QStringLiteral("%1 could not be resolved: %2").arg(host, info.errorString()), 502,
                   proxy::SocksReply::HostUnreachable);
            return;
        }
        for (const QHostAddress &address : info.addresses())
            if (!allowedByName && isLocalDestination(address)) {
                refuse(QStringLiteral("%1 resolves to %2, a loopback or link-local address, which only an allow entry "
                                      "naming the host opens")
                           .arg(host, address.toString()),
                       403, proxy::SocksReply::NotAllowed);
                return;
            }
        m_addresses = info.addresses();
        connectNext();
    });
}

void ProxyConnection::connectNext()
{
    if (m_addresses.isEmpty()) {
        refuse(QStringLiteral("%1 port %2 could not be reached").arg(m_target.host).arg(m_target.port), 502,
               proxy::SocksReply::ConnectionRefused);
        return;
    }
    const QHostAddress address = m_addresses.takeFirst();
    if (m_upstream) {
        // This may run inside the old socket's own error signal: let it go later.
        m_upstream->disconnect(this);
        m_upstream->deleteLater();
    }
    m_upstream = new QTcpSocket(this);
    m_upstream->setReadBufferSize(bufferLimit);
    connect(m_upstream, &QTcpSocket::connected, this, &ProxyConnection::upstreamConnected);
    connect(m_upstream, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (m_state == State::Connecting) {
            connectNext();
            return;
        }
        if (error != QAbstractSocket::RemoteHostClosedError)
            log::logger("proxy")->debug("connection to {} ended: {}", m_target.host, m_upstream->errorString());
    });
    connect(m_upstream, &QTcpSocket::readyRead, this, &ProxyConnection::pump);
    connect(m_upstream, &QTcpSocket::bytesWritten, this, &ProxyConnection::pump);
    connect(m_upstream, &QTcpSocket::disconnected, this, [this] {
        if (m_state != State::Relaying) {
            deleteWhenClosed();
            return;
        }
        m_upstreamDone = true;
        pump(); // finishes once the client has everything the server sent
    });
    m_upstream->connectToHost(address, m_target.port);
}

void ProxyConnection::upstreamConnected()
{
    if (m_state != State::Connecting)
        return;
    m_state = State::Relaying;
    report(true, m_allowReason);
    if (m_protocol == QStringLiteral("socks5"))
        m_client->write(proxy::socksReply(proxy::SocksReply::Succeeded));
    else if (m_http.connect)
        m_client->write("HTTP/1.1 200 Connection established\r\n\r\n");
    else
        m_upstream->write(m_http.forwardHead);
    pump();
}

void ProxyConnection::pump()
{
    if (m_state != State::Relaying || !m_upstream)
        return;
    // Client to server: what waited in the buffer first, then the socket; a plain request's
    // body no further than its Content-Length (anything after it is not sent anywhere).
    while (m_upstream->bytesToWrite() < bufferLimit) {
        QByteArray chunk = m_buffer.isEmpty() ? m_client->read(bufferLimit) : std::exchange(m_buffer, {});
        if (chunk.isEmpty())
            break;
        if (m_bodyLeft >= 0) {
            chunk.truncate(qMin<qint64>(chunk.size(), m_bodyLeft));
            m_bodyLeft -= chunk.size();
            if (chunk.isEmpty())
                continue;
        }
        m_upstream->write(chunk);
        m_proxy->addRelayed(chunk.size());
    }
    if (m_client->state() == QLocalSocket::UnconnectedState) {
        // The client has left: finish once all it sent is handed to the server (which may still
        // be behind), or once the server has gone too.
        if (m_upstreamDone || (m_buffer.isEmpty() && m_client->bytesAvailable() == 0))
            finish();
        return;
    }
    while (m_client->bytesToWrite() < bufferLimit) {
        const QByteArray chunk = m_upstream->read(bufferLimit);
        if (chunk.isEmpty())
            break;
        m_client->write(chunk);
        m_proxy->addRelayed(chunk.size());
    }
    if (m_upstreamDone && m_upstream->bytesAvailable() == 0)
        finish();
}

void ProxyConnection::refuse(const QString &reason, int httpStatus, proxy::SocksReply socksCode)
{
    if (m_state == State::Closing)
        return;
    report(false, reason);
    if (m_protocol == QStringLiteral("socks5") && m_state != State::SocksMethods)
        m_client->write(proxy::socksReply(socksCode));
    else if (httpStatus != 0 && m_protocol != QStringLiteral("socks5"))
        m_client->write(proxy::httpError(httpStatus, QStringLiteral("Gatehouse: %1").arg(reason)));
    finish();
}

void ProxyConnection::report(bool allowed, const QString &reason)
{
    if (m_reported)
        return;
    m_reported = true;
    ConnectionEvent event;
    event.host = m_target.host.isEmpty() ? QString() : printableHost(m_target.host);
    event.port = m_target.port;
    event.command = m_label;
    event.protocol = m_protocol;
    event.allowed = allowed;
    event.reason = reason;
    log::logger("proxy")->info("{} {}:{} for \"{}\": {}", allowed ? "allowed" : "refused", event.host, event.port,
                               m_label, reason);
    Q_EMIT m_proxy->connectionDecided(event);
}

void ProxyConnection::finish()
{
    if (m_state == State::Closing)
        return;
    m_state = State::Closing;
    // Both sides close after sending what is still buffered; the connection goes when both are closed.
    if (m_upstream) {
        connect(m_upstream, &QTcpSocket::stateChanged, this, &ProxyConnection::deleteWhenClosed);
        m_upstream->disconnectFromHost();
    }
    connect(m_client, &QLocalSocket::stateChanged, this, &ProxyConnection::deleteWhenClosed);
    m_client->disconnectFromServer();
    QTimer::singleShot(std::chrono::seconds(30), this, [this] {
        if (m_upstream)
            m_upstream->abort();
        m_client->abort();
        deleteLater();
    });
    deleteWhenClosed();
}

void ProxyConnection::deleteWhenClosed()
{
    if (m_state != State::Closing)
        return;
    if ((!m_upstream || m_upstream->state() == QAbstractSocket::UnconnectedState)
        && m_client->state() == QLocalSocket::UnconnectedState)
        deleteLater();
}

} // namespace gatehouse::sandbox
