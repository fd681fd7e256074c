// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandbox/proxyprotocol.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>

class QLocalSocket;
class QTcpSocket;

namespace gatehouse::sandbox {

class NetworkProxy;

/// One client connection of the network proxy: reads an HTTP or SOCKS5 request, has the proxy
/// decide on its host, resolves and connects, then relays bytes both ways with back-pressure.
/// Private to the proxy; deletes itself when either side is done.
class ProxyConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProxyConnection)

public:
    ProxyConnection(NetworkProxy *proxy, QLocalSocket *client, const QString &label);
    ~ProxyConnection() override;

    /// The host the client asked for, normalised (empty before the request is read).
    QString host() const;
    /// Whether the host was allowed and the connection is being made or relays.
    bool isAllowed() const { return m_state == State::Connecting || m_state == State::Relaying; }
    /// Whether the person's answer (not a rule) let it through.
    bool allowedByPerson() const { return m_byPerson; }
    /// Closes an allowed connection because the rules no longer allow its host: reported as a
    /// revoked ConnectionEvent, nothing more goes to the server.
    void revoke(const QString &reason);

private:
    enum class State { Greeting, HttpHead, SocksMethods, SocksRequest, Deciding, Connecting, Relaying, Closing };

    void readClient();
    void startHttp();
    void startSocks();
    void decideTarget();
    void allowedTo(bool allowedByName);
    void resolved(const QList<QHostAddress> &addresses, const QString &error);
    void connectNext();
    void upstreamConnected();
    void refuse(const QString &reason, int httpStatus, proxy::SocksReply socksCode);
    void report(bool allowed, const QString &reason);
    void pump();
    void finish();
    void deleteWhenClosed();

    NetworkProxy *m_proxy;
    QLocalSocket *m_client;
    QTcpSocket *m_upstream = nullptr;
    QString m_label;
    State m_state = State::Greeting;
    QByteArray m_buffer;
    QString m_protocol;
    proxy::Target m_target;
    proxy::HttpRequest m_http;
    qint64 m_bodyLeft = -1; ///< plain HTTP: request body bytes still to forward; -1 for tunnels
    QList<QHostAddress> m_addresses;
    QString m_allowReason; ///< the rule or answer that allowed the host, for the event
    bool m_reported = false;
    bool m_byPerson = false;
    bool m_upstreamDone = false;
};

} // namespace gatehouse::sandbox
