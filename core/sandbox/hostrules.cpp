// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/hostrules.h"

#include "policy/policy.h"

#include <QHostAddress>

namespace gatehouse::sandbox {

QString printableHost(const QString &host)
{
    QString shown;
    for (const QChar c : host.left(255)) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            shown += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            shown += c;
    }
    return shown;
}

void HostRules::add(QList<Entry> &list, const QString &pattern, const QString &source, QStringList *errors)
{
    auto compiled = policy::HostPattern::compile(pattern);
    if (!compiled) {
        if (errors)
            *errors << compiled.error().message;
        return;
    }
    list.append({*compiled, source});
}

HostRules HostRules::fromLists(const QStringList &allowed, const QStringList &denied, QStringList *errors)
{
    HostRules rules;
    for (const QString &pattern : allowed)
        rules.add(rules.m_allow, pattern, QStringLiteral("allowed domain %1").arg(pattern), errors);
    for (const QString &pattern : denied)
        rules.add(rules.m_deny, pattern, QStringLiteral("denied domain %1").arg(pattern), errors);
    return rules;
}

HostRules HostRules::fromPolicy(const policy::Policy &policy, const QStringList &extraAllowed, QStringList *errors)
{
    HostRules rules;
    for (const QString &pattern : policy.allowedDomains())
        rules.add(rules.m_allow, pattern, QStringLiteral("%1 is in sandbox.network.allowedDomains").arg(pattern), errors);
    for (const QString &pattern : extraAllowed)
        rules.add(rules.m_allow, pattern, QStringLiteral("%1 is allowed on the command line").arg(pattern), errors);
    for (const QString &pattern : policy.deniedDomains())
        rules.add(rules.m_deny, pattern, QStringLiteral("%1 is in sandbox.network.deniedDomains").arg(pattern), errors);
    for (const policy::RuleEntry &entry : policy.rules()) {
        if (entry.rule.kind != policy::Rule::Kind::Domain)
            continue;
        const QString source = QStringLiteral("%1 (%2)").arg(entry.rule.text, policy::layerName(entry.layer));
        if (entry.verdict == policy::Verdict::Allow)
            rules.m_allow.append({entry.rule.host, source});
        else // a WebFetch ask rule for a host asks here too: only deny wins over it, below
            (entry.verdict == policy::Verdict::Deny ? rules.m_deny : rules.m_ask).append({entry.rule.host, source});
    }
    if (!policy.errors().isEmpty())
        rules.m_failClosed = QStringLiteral("every host asks while a settings file has an error (%1)").arg(policy.errors().first());
    return rules;
}

void HostRules::keepDenials(const HostRules &earlier)
{
    for (const Entry &entry : earlier.m_deny)
        m_deny.append({entry.pattern, QStringLiteral("%1, kept while the settings have an error").arg(entry.source)});
}

HostRules::Decision HostRules::decide(const QString &host) const
{
    const QString name = policy::normaliseHost(host);
    if (name.isEmpty())
        return {Verdict::Deny, QStringLiteral("\"%1\" is not a valid host name").arg(printableHost(host)), false};
    for (const Entry &entry : m_deny)
        if (entry.pattern.matches(name))
            return {Verdict::Deny, QStringLiteral("denied by %1").arg(entry.source), false};
    if (failsClosed())
        return {Verdict::Ask, m_failClosed, false};
    for (const Entry &entry : m_ask)
        if (entry.pattern.matches(name))
            return {Verdict::Ask, QStringLiteral("asks because of %1").arg(entry.source), false};
    for (const Entry &entry : m_allow)
        if (entry.pattern.matches(name))
            return {Verdict::Allow, QStringLiteral("allowed: %1").arg(entry.source), true};
    return {Verdict::Ask, QStringLiteral("no rule allows the host %1").arg(name), false};
}

bool isLocalDestination(QHostAddress address)
{
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped); // also IPv4-mapped IPv6 (::ffff:127.0.0.1)
    if (mapped)
        address = QHostAddress(v4);
    if (address.protocol() == QAbstractSocket::IPv4Protocol && (address.toIPv4Address() >> 24) == 0)
        return true; // 0.0.0.0/8: "this host"
    return address.isLoopback() || address.isLinkLocal() || address.isMulticast() || address.isBroadcast()
           || address == QHostAddress(QHostAddress::AnyIPv6);
}


} // namespace gatehouse::sandbox
