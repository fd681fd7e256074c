// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/networkproxy.h"

#include "log/logging.h"
#include "log/qtformat.h"
#include "policy/rule.h"
#include "sandbox/proxyconnection.h"

#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QTemporaryDir>

namespace gatehouse::sandbox {

NetworkProxy::NetworkProxy(HostRules rules, NetworkApprover *approver, QObject *parent)
    : QObject(parent)
    , m_rules(std::move(rules))
    , m_approver(approver)
{
}

NetworkProxy::~NetworkProxy()
{
    // Connections are children of their endpoints and go with the proxy; so do the endpoints'
    // sockets and folder.
    for (QLocalServer *server : std::as_const(m_endpoints))
        server->close();
}

Expected<QString> NetworkProxy::openEndpoint(const QString &label)
{
    if (!m_folder) {
        // A folder only this user can enter holds the sockets (QTemporaryDir makes it 0700).
        m_folder = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/gatehouse-proxy-XXXXXX"));
        if (!m_folder->isValid()) {
            const QString error = m_folder->errorString();
            m_folder.reset();
            return fail(QStringLiteral("cannot make a folder for the network proxy's socket: %1").arg(error));
        }
    }
    const QString path = m_folder->filePath(QStringLiteral("p%1.sock").arg(m_nextEndpoint++));
    auto *server = new QLocalServer(this);
    server->setSocketOptions(QLocalServer::UserAccessOption);
    server->setMaxPendingConnections(128);
    if (!server->listen(path)) {
        const QString error = server->errorString();
        delete server;
        return fail(QStringLiteral("the network proxy cannot listen on %1: %2").arg(path, error));
    }
    connect(server, &QLocalServer::newConnection, this, [this, server, label] {
        // Each connection is a child of its endpoint, so that closeEndpoint() closes it too.
        while (QLocalSocket *client = server->nextPendingConnection())
            (new ProxyConnection(this, client, label))->setParent(server);
    });
    m_endpoints.insert(path, server);
    return path;
}

void NetworkProxy::closeEndpoint(const QString &path)
{
    if (QLocalServer *server = m_endpoints.take(path)) {
        server->close();
        server->deleteLater();
    }
}

void NetworkProxy::decide(ProxyConnection *connection, const QString &host, quint16 port, const QString &label,
                          std::function<void(Verdict)> done)
{
    const HostRules::Decision decision = m_rules.decide(host);
    if (decision.verdict == HostRules::Verdict::Deny) {
        done({false, false, decision.reason});
        return;
    }
    if (decision.verdict == HostRules::Verdict::Allow) {
        done({true, decision.allowedByName, decision.reason});
        return;
    }
    const QString name = policy::normaliseHost(host);
    if (m_sessionDenied.contains(name)) {
        done({false, false, QStringLiteral("%1 was refused earlier in this session").arg(name)});
        return;
    }
    if (m_sessionAllowed.contains(name)) {
        done({true, false, QStringLiteral("%1 was allowed earlier in this session").arg(name)});
        return;
    }
    if (!m_approver) {
        done({false, false, QStringLiteral("%1; nobody can be asked in this run").arg(decision.reason)});
        return;
    }
    // One question per host: connections to a host being asked about wait for the same answer.
    QList<Waiting> &waiting = m_waiting[name];
    waiting.append({connection, std::move(done)});
    if (waiting.size() > 1)
        return;
    NetworkRequest request{name, port, label, decision.reason};
    log::logger("proxy")->info("asking whether \"{}\" may reach {}:{}", label, name, port);
    QPointer<NetworkProxy> self(this);
    m_approver->ask(request, [self, name](NetworkAnswer answer) {
        if (self)
            self->answered(name, answer);
    });
}

void NetworkProxy::answered(const QString &host, NetworkAnswer answer)
{
    const bool allowed = answer != NetworkAnswer::Deny;
    QString reason;
    switch (answer) {
    case NetworkAnswer::AllowOnce: reason = QStringLiteral("allowed once by the person"); break;
    case NetworkAnswer::AllowSession:
        m_sessionAllowed.insert(host);
        reason = QStringLiteral("allowed for this session by the person");
        break;
    case NetworkAnswer::AllowAlways:
        m_sessionAllowed.insert(host);
        reason = QStringLiteral("always allowed by the person");
        break;
    case NetworkAnswer::Deny:
        m_sessionDenied.insert(host);
        reason = QStringLiteral("refused by the person");
        break;
    }
    const QList<Waiting> waiting = m_waiting.take(host);
    for (const Waiting &entry : waiting)
        if (entry.connection)
            entry.done({allowed, false, reason});
}

} // namespace gatehouse::sandbox
