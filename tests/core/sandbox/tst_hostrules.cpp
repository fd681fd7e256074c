// SPDX-License-Identifier: GPL-3.0-or-later
// HostRules: which hosts a sandboxed command may reach through the proxy, decided on the name the
// client gives (the proxy over real sockets is in tst_networkproxy.cpp).
#include "sandbox/hostrules.h"

#include "testenv.h"

#include <QTest>

using namespace gatehouse::sandbox;
namespace test = gatehouse::test;

namespace {

HostRules rules(const QStringList &allowed, const QStringList &denied = {})
{
    QStringList errors;
    HostRules made = HostRules::fromLists(allowed, denied, &errors);
    if (!errors.isEmpty())
        qFatal("test rules do not compile: %s", qPrintable(errors.join(u'\n')));
    return made;
}

QString hostWith(const QString &before, char16_t c, const QString &after)
{
    return before + QChar(c) + after;
}

} // namespace

class TestHostRules final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void hostRules_data()
    {
        QTest::addColumn<QStringList>("allowed");
        QTest::addColumn<QStringList>("denied");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("verdict");
        QTest::addColumn<bool>("allowedByName");
        const auto row = [](const char *name, const QStringList &allowed, const QStringList &denied, const QString &host,
                            HostRules::Verdict verdict) {
            QTest::newRow(name) << allowed << denied << host << int(verdict) << (verdict == HostRules::Verdict::Allow);
        };
        using V = HostRules::Verdict;
        const QStringList exact{QStringLiteral("example.com")};
        const QStringList sub{QStringLiteral("*.example.com")};
        row("exact host allowed", exact, {}, QStringLiteral("example.com"), V::Allow);
        row("exact host does not allow its subdomain", exact, {}, QStringLiteral("www.example.com"), V::Ask);
        row("exact host does not allow a longer name", exact, {}, QStringLiteral("example.com.evil.test"), V::Ask);
        row("exact host does not allow a name ending like it", exact, {}, QStringLiteral("notexample.com"), V::Ask);
        row("wildcard allows a subdomain", sub, {}, QStringLiteral("api.example.com"), V::Allow);
        row("wildcard allows a deeper subdomain", sub, {}, QStringLiteral("a.b.example.com"), V::Allow);
        row("wildcard does not match the apex", sub, {}, QStringLiteral("example.com"), V::Ask);
        row("wildcard does not match a name ending like it", sub, {}, QStringLiteral("badexample.com"), V::Ask);
        row("deny beats allow", sub, {QStringLiteral("secret.example.com")}, QStringLiteral("secret.example.com"), V::Deny);
        row("a denied wildcard beats an exact allow", {QStringLiteral("api.example.com")}, sub,
            QStringLiteral("api.example.com"), V::Deny);
        row("deny beats allow of the same name", exact, exact, QStringLiteral("example.com"), V::Deny);
        row("a deny leaves other allowed hosts", sub, {QStringLiteral("secret.example.com")},
            QStringLiteral("api.example.com"), V::Allow);
        row("host in capitals", exact, {}, QStringLiteral("EXAMPLE.Com"), V::Allow);
        row("host with a trailing dot", exact, {}, QStringLiteral("example.com."), V::Allow);
        row("pattern in capitals with a trailing dot", {QStringLiteral("Example.COM.")}, {}, QStringLiteral("example.com"),
            V::Allow);
        row("denied host in capitals with a trailing dot", {}, exact, QStringLiteral("EXAMPLE.COM."), V::Deny);
        row("internationalised name and its punycode", {QStringLiteral("b\u00fccher.example")}, {},
            QStringLiteral("xn--bcher-kva.example"), V::Allow);
        row("IPv4 address named", {QStringLiteral("192.0.2.1")}, {}, QStringLiteral("192.0.2.1"), V::Allow);
        row("IPv6 address named, asked in brackets", {QStringLiteral("2001:db8::1")}, {}, QStringLiteral("[2001:DB8::1]"),
            V::Allow);
        row("NUL in the host", exact, {}, hostWith(QStringLiteral("example.com"), 0, QStringLiteral(".evil.test")), V::Deny);
        row("NUL at the end of the host", exact, {}, hostWith(QStringLiteral("example.com"), 0, QString()), V::Deny);
        row("line feed in the host", exact, {}, hostWith(QStringLiteral("example.com"), u'\n', QStringLiteral("x")),
            V::Deny);
        row("tab in the host", exact, {}, hostWith(QStringLiteral("exa"), u'\t', QStringLiteral("mple.com")), V::Deny);
        row("escape character in the host", exact, {}, hostWith(QStringLiteral("example.com"), 0x1b, QString()), V::Deny);
        row("DEL in the host", exact, {}, hostWith(QStringLiteral("example.com"), 0x7f, QString()), V::Deny);
        row("space in the host", exact, {}, QStringLiteral("example.com evil.test"), V::Deny);
        row("slash in the host", exact, {}, QStringLiteral("example.com/evil"), V::Deny);
        row("userinfo in the host", exact, {}, QStringLiteral("user@example.com"), V::Deny);
        row("empty host", exact, {}, QString(), V::Deny);
        row("empty labels", exact, {}, QStringLiteral("example..com"), V::Deny);
        row("an empty allow list asks", {}, {}, QStringLiteral("example.com"), V::Ask);
        row("an empty allow list still denies", {}, exact, QStringLiteral("example.com"), V::Deny);
    }

    void hostRules()
    {
        QFETCH(QStringList, allowed);
        QFETCH(QStringList, denied);
        QFETCH(QString, host);
        QFETCH(int, verdict);
        QFETCH(bool, allowedByName);
        QStringList errors;
        const HostRules hostRules = HostRules::fromLists(allowed, denied, &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
        QCOMPARE(hostRules.isEmpty(), allowed.isEmpty());
        const HostRules::Decision decision = hostRules.decide(host);
        QCOMPARE(int(decision.verdict), verdict);
        QCOMPARE(decision.allowedByName, allowedByName);
        QVERIFY(!decision.reason.isEmpty());
        // Whatever the host holds, the reason is fit for a message: no control characters.
        for (const QChar c : decision.reason)
            QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f, qPrintable(decision.reason.toHtmlEscaped()));
    }

    void hostRuleReasons()
    {
        const HostRules hostRules = rules({QStringLiteral("*.example.com")}, {QStringLiteral("secret.example.com")});
        QVERIFY(hostRules.decide(QStringLiteral("api.example.com")).reason.contains(QStringLiteral("*.example.com")));
        QVERIFY(hostRules.decide(QStringLiteral("secret.example.com")).reason.contains(QStringLiteral("denied domain secret.example.com")));
        QVERIFY(hostRules.decide(QStringLiteral("Other.TEST.")).reason.contains(QStringLiteral("no rule allows the host other.test")));
        const QString invalid = hostRules.decide(hostWith(QStringLiteral("a"), 0, QStringLiteral("b.example.com"))).reason;
        QVERIFY2(invalid.contains(QStringLiteral("\"a\\x00b.example.com\" is not a valid host name")), qPrintable(invalid));
    }

    void invalidPatternsAreReported()
    {
        QStringList errors;
        const QStringList badAllowed{QStringLiteral("exa mple.com"), QStringLiteral("*"), QStringLiteral("a..b"),
                                     QStringLiteral("*.*.example.com"), QStringLiteral("user@example.com")};
        const QStringList badDenied{QStringLiteral("bad/host"), QString()};
        const HostRules hostRules = HostRules::fromLists(badAllowed + QStringList{QStringLiteral("example.com")}, badDenied,
                                                         &errors);
        QCOMPARE(errors.size(), badAllowed.size() + badDenied.size());
        for (const QString &pattern : badAllowed + badDenied)
            QVERIFY2(errors.join(u'\n').contains(QString(u'"' + pattern + u'"')), qPrintable(pattern));
        // The patterns that compile still work; those that do not match nothing.
        QCOMPARE(hostRules.decide(QStringLiteral("example.com")).verdict, HostRules::Verdict::Allow);
        QCOMPARE(hostRules.decide(QStringLiteral("a.example.com")).verdict, HostRules::Verdict::Ask);
        QCOMPARE(hostRules.decide(QStringLiteral("anything.test")).verdict, HostRules::Verdict::Ask);

        // Without an error list the invalid patterns are dropped just the same.
        const HostRules onlyInvalid = HostRules::fromLists(badAllowed, {});
        QVERIFY(onlyInvalid.isEmpty());
        QCOMPARE(onlyInvalid.decide(QStringLiteral("example.com")).verdict, HostRules::Verdict::Ask);
    }

    void emptyAllowListNeverAllows_data()
    {
        QTest::addColumn<QString>("host");
        QTest::newRow("a name") << QStringLiteral("example.com");
        QTest::newRow("localhost") << QStringLiteral("localhost");
        QTest::newRow("an IPv4 address") << QStringLiteral("192.0.2.1");
        QTest::newRow("loopback") << QStringLiteral("127.0.0.1");
        QTest::newRow("an IPv6 address") << QStringLiteral("2001:db8::1");
        QTest::newRow("a single label") << QStringLiteral("intranet");
    }

    void emptyAllowListNeverAllows()
    {
        QFETCH(QString, host);
        for (const HostRules &empty : {HostRules(), HostRules::fromLists({}, {}),
                                       HostRules::fromLists({}, {QStringLiteral("other.test")})}) {
            QVERIFY(empty.isEmpty());
            const HostRules::Decision decision = empty.decide(host);
            QCOMPARE(decision.verdict, HostRules::Verdict::Ask);
            QVERIFY(!decision.allowedByName);
        }
    }

    void printableHosts()
    {
        QCOMPARE(printableHost(QStringLiteral("example.com")), QStringLiteral("example.com"));
        QCOMPARE(printableHost(hostWith(QStringLiteral("a"), 0, QStringLiteral("b"))), QStringLiteral("a\\x00b"));
        QCOMPARE(printableHost(hostWith(QStringLiteral("a"), u'\n', QStringLiteral("b"))), QStringLiteral("a\\x0ab"));
        QCOMPARE(printableHost(hostWith(QStringLiteral("a"), 0x7f, QString())), QStringLiteral("a\\x7f"));
        QCOMPARE(printableHost(QString(300, u'a')), QString(255, u'a'));
    }
};

QTEST_GUILESS_MAIN(TestHostRules)
#include "tst_hostrules.moc"
