// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "policy/rule.h"

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

namespace gatehouse::policy {
class Policy;
}

namespace gatehouse::sandbox {

/// Which hosts a sandboxed command may reach through the proxy (SECURITY-MODEL.md section 6):
/// `sandbox.network.allowedDomains` and `WebFetch(domain:...)` allow rules allow, `deniedDomains`
/// and `WebFetch(domain:...)` deny rules refuse, ask rules ask (deny beats ask beats allow),
/// anything else is asked. An empty
/// allow list never means "everything". Rules made from a policy with errors (a settings file that
/// cannot be read) fail closed: their deny entries still refuse, and every other host asks.
class HostRules
{
public:
    enum class Verdict { Allow, Deny, Ask };
    struct Decision
    {
        Verdict verdict = Verdict::Ask;
        QString reason;
        /// The host is named by an allow entry (not merely approved by a person), which is what
        /// lets it resolve to a loopback or link-local address.
        bool allowedByName = false;
    };

    HostRules() = default;
    /// The host lists of @p policy's settings, plus @p extraAllowed (gatehouse run --allow-domain).
    /// Patterns that do not compile are returned in @p errors and match nothing. When @p policy
    /// has errors the rules fail closed (see failsClosed()).
    static HostRules fromPolicy(const policy::Policy &policy, const QStringList &extraAllowed = {},
                                QStringList *errors = nullptr);
    /// Rules from plain lists of host patterns (tests, benchmarks).
    static HostRules fromLists(const QStringList &allowed, const QStringList &denied, QStringList *errors = nullptr);

    /// The decision for a host as the client named it. A name with NUL, control characters or
    /// other characters no host has is refused.
    Decision decide(const QString &host) const;

    bool isEmpty() const { return m_allow.isEmpty(); }
    /// Why no host is allowed without asking (the settings have an error); empty when the rules apply.
    QString failClosedReason() const { return m_failClosed; }
    bool failsClosed() const { return !m_failClosed.isEmpty(); }
    /// Adds the deny entries of @p earlier (the rules before a settings file broke), so that a file
    /// that stops parsing never takes its denials with it.
    void keepDenials(const HostRules &earlier);

private:
    struct Entry
    {
        policy::HostPattern pattern;
        QString source;
    };
    void add(QList<Entry> &list, const QString &pattern, const QString &source, QStringList *errors);

    QList<Entry> m_allow;
    QList<Entry> m_deny;
    QList<Entry> m_ask;
    QString m_failClosed;
};

/// Whether @p address reaches this machine or its link (loopback, link-local, multicast,
/// broadcast, unspecified, 0.0.0.0/8, also IPv4-mapped): only an allow entry naming the host opens those.
bool isLocalDestination(QHostAddress address);

/// @p host with control characters shown as \\xNN and cut to 255 characters, fit for a message.
QString printableHost(const QString &host);

} // namespace gatehouse::sandbox
