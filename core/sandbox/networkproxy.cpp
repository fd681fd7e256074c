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

std::optional<NetworkProxy::Verdict> NetworkProxy::settled(const QString &host) const
{
    const HostRules::Decision decision = m_rules.decide(host);
    if (decision.verdict == HostRules::Verdict::Deny)
        return Verdict{false, false, decision.reason, false};
    const QString name = policy::normaliseHost(host);
    // Before the allow entries: a host the person refused stays refused, also when a rule added
    // later would allow it.
    if (m_sessionDenied.contains(name))
        return Verdict{false, false, QStringLiteral("%1 was refused earlier in this session").arg(name), false};
    if (decision.verdict == HostRules::Verdict::Allow)
        return Verdict{true, decision.allowedByName, decision.reason, false};
    // Failing closed (a settings file has an error) asks again even for hosts allowed earlier.
    if (!m_rules.failsClosed() && m_sessionAllowed.contains(name))
        return Verdict{true, false, QStringLiteral("%1 was allowed earlier in this session").arg(name), true};
    return std::nullopt;
}

std::optional<bool> NetworkProxy::sessionAnswer(const QString &host) const
{
    const QString name = policy::normaliseHost(host);
    if (m_sessionDenied.contains(name))
        return false;
    if (m_sessionAllowed.contains(name))
        return true;
    return std::nullopt;
}

void NetworkProxy::setRules(HostRules rules)
{
    m_rules = std::move(rules);
    // Questions still open: the new rules may settle them before the person answers (whose
    // answer is then only remembered).
    const QStringList asking = m_waiting.keys();
    for (const QString &host : asking) {
        const std::optional<Verdict> verdict = settled(host);
        if (!verdict)
            continue;
        const QList<Waiting> waiting = m_waiting.take(host);
        for (const Waiting &entry : waiting)
            if (entry.connection)
                entry.done(*verdict);
    }
    // Connections already let through, decided again.
    for (QLocalServer *server : std::as_const(m_endpoints)) {
        const QList<ProxyConnection *> connections = server->findChildren<ProxyConnection *>(Qt::FindDirectChildrenOnly);
        for (ProxyConnection *connection : connections) {
            if (!connection->isAllowed())
                continue;
            const std::optional<Verdict> verdict = settled(connection->host());
            if (verdict && verdict->allowed)
                continue;
            if (!verdict && connection->allowedByPerson())
                continue; // the person's answer for this connection stands until a rule denies the host
            connection->revoke(verdict ? verdict->reason
                                       : QStringLiteral("no rule allows %1 any more (%2)")
                                             .arg(connection->host(), m_rules.decide(connection->host()).reason));
        }
    }
}

void NetworkProxy::decide(ProxyConnection *connection, const QString &host, quint16 port, const QString &label,
                          std::function<void(Verdict)> done)
{
    if (const std::optional<Verdict> verdict = settled(host)) {
        done(*verdict);
        return;
    }
    const HostRules::Decision decision = m_rules.decide(host);
    const QString name = policy::normaliseHost(host);
    if (!m_approver) {
        done({false, false, QStringLiteral("%1; nobody can be asked in this run").arg(decision.reason), false});
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
            entry.done({allowed, false, reason, allowed});
}

} // namespace gatehouse::sandbox
