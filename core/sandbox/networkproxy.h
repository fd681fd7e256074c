// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"
#include "sandbox/hostrules.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QLocalServer;
class QTemporaryDir;

namespace gatehouse::sandbox {

class ProxyConnection;

/// A question the proxy puts to the person: may this command reach this host?
struct NetworkRequest
{
    QString host; ///< as the command named it, normalised
    quint16 port = 0;
    QString command; ///< the command line that asked (the endpoint's label)
    QString reason;  ///< why it asks (no rule allows the host, or an ask rule)
};

enum class NetworkAnswer {
    AllowOnce,    ///< this connection (and those waiting on the same question)
    AllowSession, ///< this host, for as long as the proxy lives
    AllowAlways,  ///< as AllowSession; the approver also saves an allow rule for the host
    Deny,         ///< refused; the host is not asked about again while the proxy lives
};

/// Who answers the proxy's questions: the GUI implements it. Without one (a headless run) every
/// host that no rule allows is refused.
class NetworkApprover
{
public:
    virtual ~NetworkApprover() = default;
    /// Asks about @p request; @p answer is called once, on the proxy's thread.
    virtual void ask(const NetworkRequest &request, std::function<void(NetworkAnswer)> answer) = 0;
};

/// What became of one connection, for the audit log and the interface.
struct ConnectionEvent
{
    QString host;
    quint16 port = 0;
    QString command;
    QString protocol; ///< "http", "connect" or "socks5"
    bool allowed = false;
    QString reason;
    /// An allowed connection that the proxy closed because the rules changed while it was open
    /// (allowed is false, reason says why).
    bool revoked = false;
};

/// The filtering proxy that sandboxed commands reach the network through (SECURITY-MODEL.md
/// section 6). It speaks HTTP (CONNECT, and plain requests in absolute form) and SOCKS5 on the
/// same socket, decides on the host the client names (HostRules, then the person), resolves the
/// name here, and refuses loopback, link-local and unspecified destinations unless an allow entry
/// names the host. Each sandboxed command gets an endpoint of its own: a Unix socket in a private
/// folder that the sandbox binds in, so that the proxy knows which command asks.
class NetworkProxy final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NetworkProxy)

public:
    /// @p approver may be null (headless: refuse what no rule allows); it must outlive the proxy.
    explicit NetworkProxy(HostRules rules, NetworkApprover *approver = nullptr, QObject *parent = nullptr);
    ~NetworkProxy() override;

    /// Opens an endpoint for one command, labelled with its command line; returns its socket path.
    Expected<QString> openEndpoint(const QString &label);
    /// Closes an endpoint and every connection that came through it.
    void closeEndpoint(const QString &path);

    /// Replaces the host rules (the session's policy changed). Connections decided under the old
    /// rules are decided again at once: an open one to a host the new rules refuse, or that only
    /// a rule no longer in force had allowed, is closed (reported with ConnectionEvent::revoked);
    /// one whose host the person allowed stays unless the host is now denied. Connections
    /// waiting for the person's answer are refused or let through when the new rules settle
    /// their host. The person's "deny" answers hold whatever the new rules allow.
    void setRules(HostRules rules);
    const HostRules &rules() const { return m_rules; }
    /// What the person answered about @p host in this session: true (allowed for the session),
    /// false (refused), nothing (not asked, or allowed once only).
    std::optional<bool> sessionAnswer(const QString &host) const;

    /// Bytes relayed in both directions since the proxy started.
    quint64 bytesRelayed() const { return m_bytesRelayed; }

Q_SIGNALS:
    void connectionDecided(const gatehouse::sandbox::ConnectionEvent &event);

private:
    friend class ProxyConnection;
    struct Verdict
    {
        bool allowed = false;
        bool allowedByName = false;
        QString reason;
        bool byPerson = false; ///< allowed by the person's answer, not by a rule
    };
    /// The verdict for @p host without asking anyone (the rules, then the session's answers);
    /// nothing when the person would be asked.
    std::optional<Verdict> settled(const QString &host) const;
    /// Decides @p host for @p connection: at once from the rules or the session's answers, or
    /// later, when the person answers. @p done is called exactly once unless the connection dies.
    void decide(ProxyConnection *connection, const QString &host, quint16 port, const QString &label,
                std::function<void(Verdict)> done);
    void answered(const QString &host, NetworkAnswer answer);
    void addRelayed(quint64 bytes) { m_bytesRelayed += bytes; }

    struct Waiting
    {
        QPointer<ProxyConnection> connection;
        std::function<void(Verdict)> done;
    };

    HostRules m_rules;
    NetworkApprover *m_approver = nullptr;
    std::unique_ptr<QTemporaryDir> m_folder;
    QHash<QString, QLocalServer *> m_endpoints;
    QSet<QString> m_sessionAllowed;
    QSet<QString> m_sessionDenied;
    QHash<QString, QList<Waiting>> m_waiting; ///< by host, while the person is asked
    quint64 m_bytesRelayed = 0;
    int m_nextEndpoint = 0;
};

} // namespace gatehouse::sandbox
