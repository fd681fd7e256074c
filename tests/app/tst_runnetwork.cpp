// SPDX-License-Identifier: GPL-3.0-or-later
// `gatehouse run` and the network: no way out but the proxy, which lets the command reach the
// hosts the settings allow (a loopback server of the test, allowed by name) and nothing else;
// each refusal checked from outside (the server saw no connection).
#include "runsupport.h"
#include "testenv.h"

#include <QDir>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace test = gatehouse::test;
using test::allow;
using test::Run;
using test::sandboxed;
using test::shell;
using test::TinyHttpServer;

class TestRunNetwork final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        m_project = QDir(m_dir.path()).canonicalPath() + QStringLiteral("/proj");
        QDir().mkpath(m_project);
        test::git(m_project, {QStringLiteral("init"), QStringLiteral("-q")});
    }

    void noNetworkToTheHost()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const Run run = sandboxed(m_project, {QStringLiteral("bash"), QStringLiteral("-c"),
                                              QStringLiteral("echo hi > /dev/tcp/127.0.0.1/%1").arg(server.serverPort())});
        QVERIFY(run.exitCode != 0);
        QTest::qWait(200);
        QVERIFY(!server.hasPendingConnections());
    }

    void anAllowedHostIsReachedThroughTheProxy_data()
    {
        QTest::addColumn<QString>("client");
        QTest::newRow("plain http from the proxy variables") << "curl -sS http://localhost:%1/page";
        QTest::newRow("a CONNECT tunnel") << "curl -sS --proxytunnel http://localhost:%1/page";
        QTest::newRow("socks5 with the name") << "curl -sS -x \"$ALL_PROXY\" http://localhost:%1/page";
    }

    void anAllowedHostIsReachedThroughTheProxy()
    {
        QFETCH(QString, client);
        TinyHttpServer server("served-through-the-proxy");
        QVERIFY(server.listen());
        const Run run = shell(m_project, client.arg(server.port()), allow(QStringLiteral("localhost")));
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QStringLiteral("served-through-the-proxy"));
        QCOMPARE(server.connections, 1);
        QVERIFY(server.requests.first().contains("GET /page HTTP/1.1"));
    }

    void hostsComeFromTheSettings_data()
    {
        QTest::addColumn<QByteArray>("settings");
        QTest::addColumn<bool>("reached");
        QTest::newRow("allowedDomains") << QByteArray(R"j({"sandbox": {"network": {"allowedDomains": ["localhost"]}}})j") << true;
        QTest::newRow("a WebFetch allow rule") << QByteArray(R"j({"permissions": {"allow": ["WebFetch(domain:localhost)"]}})j") << true;
        QTest::newRow("deniedDomains beats allowedDomains")
            << QByteArray(R"j({"sandbox": {"network": {"allowedDomains": ["localhost"], "deniedDomains": ["localhost"]}}})j") << false;
        QTest::newRow("a WebFetch deny rule beats allowedDomains")
            << QByteArray(R"j({"permissions": {"deny": ["WebFetch(domain:localhost)"]}, "sandbox": {"network": {"allowedDomains": ["localhost"]}}})j")
            << false;
        QTest::newRow("a subdomain pattern does not match the name") << QByteArray(R"j({"sandbox": {"network": {"allowedDomains": ["*.localhost"]}}})j")
                                                                       << false;
    }

    void hostsComeFromTheSettings()
    {
        QFETCH(QByteArray, settings);
        QFETCH(bool, reached);
        TinyHttpServer server("from-settings");
        QVERIFY(server.listen());
        const QString file = m_dir.path() + QStringLiteral("/network-settings.json");
        test::writeFile(file, settings);
        const Run run = shell(m_project, QStringLiteral("curl -sS http://localhost:%1/").arg(server.port()),
                              {QStringLiteral("--settings"), file});
        QCOMPARE(run.out == QStringLiteral("from-settings"), reached);
        QCOMPARE(server.connections, reached ? 1 : 0);
    }

    void theProxyVariablesAreSet()
    {
        const Run run = shell(m_project, QStringLiteral("env | grep -i _proxy= | sort"), allow(QStringLiteral("example.com")));
        QVERIFY2(run.out.contains(QStringLiteral("HTTPS_PROXY=http://127.0.0.1:")), qPrintable(run.out));
        QVERIFY(run.out.contains(QStringLiteral("http_proxy=http://127.0.0.1:")));
        QVERIFY(run.out.contains(QStringLiteral("ALL_PROXY=socks5h://127.0.0.1:")));
        QVERIFY(run.out.contains(QStringLiteral("NO_PROXY=\n")));
    }

    void theProxyRefusesHostLoopback_data()
    {
        QTest::addColumn<QString>("client");
        QTest::newRow("plain http by IP") << "curl -sS http://127.0.0.1:%1/";
        QTest::newRow("plain http by name") << "curl -sS http://localhost:%1/";
        QTest::newRow("CONNECT by IP") << "curl -sS --proxytunnel http://127.0.0.1:%1/";
        QTest::newRow("CONNECT by name") << "curl -sS --proxytunnel http://localhost:%1/";
        QTest::newRow("socks by IP") << "curl -sS -x \"$ALL_PROXY\" http://127.0.0.1:%1/";
        QTest::newRow("IPv6 loopback") << "curl -sS -g 'http://[::1]:%1/'";
        QTest::newRow("unspecified address") << "curl -sS http://0.0.0.0:%1/";
        QTest::newRow("IPv4-mapped IPv6") << "curl -sS -g 'http://[::ffff:127.0.0.1]:%1/'";
        QTest::newRow("decimal IP") << "curl -sS http://2130706433:%1/";
    }

    void theProxyRefusesHostLoopback()
    {
        QFETCH(QString, client);
        TinyHttpServer server("host-secret");
        QVERIFY(server.listen());
        // The proxy runs (example.com is allowed), but nobody allowed loopback by name.
        const Run run = shell(m_project, client.arg(server.port()), allow(QStringLiteral("example.com")));
        QVERIFY2(!run.out.contains(QStringLiteral("host-secret")), qPrintable(run.out));
        QCOMPARE(server.connections, 0);
        QVERIFY2(run.err.contains(QStringLiteral("network: refused")), qPrintable(run.err));
    }

    void socksWithANulInTheHostIsRefused()
    {
        TinyHttpServer server("host-secret");
        QVERIFY(server.listen());
        const QString self = test::childProgram(m_project, QStringLiteral("tst_runnetwork-child"));
        // "localhost\0.example.com": a C string says localhost, a suffix check says example.com.
        const Run run = sandboxed(m_project, {self, QStringLiteral("--child-socks-nul"), QString::number(server.port())},
                                  allow(QStringLiteral("*.example.com")) + allow(QStringLiteral("localhost.example.com")));
        QVERIFY2(run.out.contains(QStringLiteral("reply 2")), qPrintable(run.out + run.err));
        QCOMPARE(server.connections, 0);
    }

    void withoutAllowedHostsThereIsNoProxy()
    {
        const Run run = shell(m_project, QStringLiteral("env | grep -ci _proxy=; echo > /dev/tcp/127.0.0.1/3128 && echo open"));
        QVERIFY2(run.out.startsWith(QStringLiteral("0\n")), qPrintable(run.out));
        QVERIFY(!run.out.contains(QStringLiteral("open")));
    }

    void unfilteredProcessesCannotBeTamperedWith()
    {
        // The bridge to the proxy runs inside the sandbox without the seccomp filter (it needs
        // AF_UNIX). No process without the filter may have its memory written or its environment
        // read by the command: it could be made to open sockets for it.
        const Run run = shell(m_project, QStringLiteral(
            "for p in /proc/[0-9]*; do grep -q '^Seccomp:.*0$' $p/status 2>/dev/null || continue; echo \"unfiltered $p\"; "
            "(exec 3<>$p/mem) 2>/dev/null && echo \"mem-writable $p\"; cat $p/environ >/dev/null 2>&1 && echo \"environ-readable $p\"; "
            "done"), allow(QStringLiteral("example.com")));
        QVERIFY2(run.out.contains(QStringLiteral("unfiltered")), qPrintable(run.out + run.err)); // the bridge
        QVERIFY2(!run.out.contains(QStringLiteral("writable")) && !run.out.contains(QStringLiteral("readable")), qPrintable(run.out));
        // The same check sees a process of the command's own: it can fail.
        const Run own = shell(m_project, QStringLiteral("sleep 5 & (exec 3<>/proc/$!/mem) && echo mem-writable; kill $!"));
        QVERIFY2(own.out.contains(QStringLiteral("mem-writable")), qPrintable(own.out + own.err));
    }
};

// Run as the child inside the sandbox: a SOCKS5 request for "localhost\0.example.com" to the
// proxy's bridge; prints the reply code.
int childSocksNul(const char *port)
{
    const char *proxy = std::getenv("ALL_PROXY"); // socks5h://127.0.0.1:PORT
    const char *colon = proxy ? std::strrchr(proxy, ':') : nullptr;
    if (!colon)
        return 3;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(std::atoi(colon + 1)));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
        return 4;
    const char greeting[] = {5, 1, 0};
    char answer[2];
    if (::write(fd, greeting, 3) != 3 || ::read(fd, answer, 2) != 2)
        return 5;
    const char host[] = "localhost\0.example.com";
    const int length = sizeof host - 1;
    const int target = std::atoi(port);
    char request[4 + 1 + length + 2];
    request[0] = 5; request[1] = 1; request[2] = 0; request[3] = 3; request[4] = static_cast<char>(length);
    std::memcpy(request + 5, host, length);
    request[5 + length] = static_cast<char>(target >> 8);
    request[6 + length] = static_cast<char>(target & 0xff);
    if (::write(fd, request, sizeof request) != static_cast<ssize_t>(sizeof request))
        return 6;
    char reply[10];
    if (::read(fd, reply, sizeof reply) < 2)
        return 7;
    std::printf("reply %d\n", reply[1]);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && std::strcmp(argv[1], "--child-socks-nul") == 0)
        return childSocksNul(argv[2]);
    QCoreApplication app(argc, argv);
    TestRunNetwork test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_runnetwork.moc"
