// SPDX-License-Identifier: GPL-3.0-or-later
// `gatehouse run` and its seccomp filter (SECURITY-MODEL.md section 6): sockets only of the
// allowed families, socketpair only as a connected AF_UNIX stream or seqpacket pair, and every
// argument compared on the width the kernel reads (`1<<32 | AF_UNIX` is AF_UNIX). This test
// program, copied into the project, is the child that makes each attempt; each attempt is made
// inside the sandbox and outside it (to show that the attempt itself works), and checked from
// outside where it reaches something (a host-side listener, a host-side datagram socket).
#include "runsupport.h"
#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <termios.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace test = gatehouse::test;

using test::Run;

namespace {

QString hex(quint64 value)
{
    return QStringLiteral("0x%1").arg(value, 0, 16);
}

// A datagram socket of the host's, bound to a socket file the sandbox sees.
class HostDatagramSocket
{
public:
    explicit HostDatagramSocket(const QString &path)
        : m_path(path)
    {
        QFile::remove(path);
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, QFile::encodeName(path).constData(), sizeof address.sun_path - 1);
        if (m_fd >= 0 && ::bind(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~HostDatagramSocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        QFile::remove(m_path);
    }
    Q_DISABLE_COPY_MOVE(HostDatagramSocket)

    bool ok() const { return m_fd >= 0; }
    /// Every datagram that arrived since the last call.
    QByteArray received() const
    {
        QByteArray all;
        char buffer[256];
        ssize_t got = 0;
        while ((got = ::recv(m_fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
            all.append(buffer, got);
        return all;
    }

private:
    QString m_path;
    int m_fd = -1;
};

} // namespace

class TestRunSeccomp final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;
    QString m_child;
    int m_socketCount = 0;

    QString socketPath(const char *kind) { return m_project + QStringLiteral("/host-%1-%2.sock").arg(QLatin1StringView(kind)).arg(++m_socketCount); }

    Run inside(const QStringList &arguments) { return test::sandboxed(m_project, QStringList{m_child} + arguments); }

    static Run run(const QString &program, const QStringList &arguments)
    {
        QProcess process;
        process.start(program, arguments);
        // The event loop runs meanwhile: the test's listeners accept.
        if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, 30000))
            process.kill();
        process.waitForFinished();
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }
    Run outside(const QStringList &arguments) { return run(m_child, arguments); }
    // Outside, but with the capabilities a user namespace of its own gives (AF_PACKET needs
    // CAP_NET_RAW, AF_KEY CAP_NET_ADMIN): the kernel then refuses nothing for lack of them, so an
    // EPERM inside is the filter's.
    Run outsideWithCapabilities(const QStringList &arguments)
    {
        return run(QStringLiteral("unshare"), QStringList{QStringLiteral("--user"), QStringLiteral("--map-root-user"),
                                                          QStringLiteral("--net"), m_child} + arguments);
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        QVERIFY(test::useOwnRuntimeFolder(QStringLiteral("runseccomp")));
        m_project = QDir(m_dir.path()).canonicalPath() + QStringLiteral("/proj");
        QVERIFY(QDir().mkpath(m_project));
        m_child = test::childProgram(m_project, QStringLiteral("tst_runseccomp-child"));
    }

    void unixSocketsOfAnySpellingReachNoHostListener_data()
    {
        QTest::addColumn<quint64>("family");
        QTest::newRow("AF_UNIX") << quint64{AF_UNIX};
        QTest::newRow("1<<32 | AF_UNIX") << (quint64{1} << 32 | AF_UNIX);
        QTest::newRow("0xffffffff00000001") << quint64{0xffffffff00000001ULL};
        QTest::newRow("1<<63 | AF_UNIX") << (quint64{1} << 63 | AF_UNIX);
        QTest::newRow("0x7fffffff00000001") << quint64{0x7fffffff00000001ULL};
        QTest::newRow("0xdead00000001") << quint64{0xdead00000001ULL};
        QTest::newRow("AF_LOCAL with 1<<40") << (quint64{1} << 40 | AF_LOCAL);
    }

    void unixSocketsOfAnySpellingReachNoHostListener()
    {
        QFETCH(quint64, family);
        QLocalServer server;
        const QString path = socketPath("listener");
        QLocalServer::removeServer(path);
        QVERIFY(server.listen(path));

        // Outside, the same attempt connects: the kernel reads only the low 32 bits.
        const Run free = outside({QStringLiteral("--unix-connect"), hex(family), path});
        QVERIFY2(free.exitCode == 0 && free.out.contains(QStringLiteral("connected")), qPrintable(free.out + free.err));
        QTRY_VERIFY(server.hasPendingConnections());
        delete server.nextPendingConnection();

        const Run run = inside({QStringLiteral("--unix-connect"), hex(family), path});
        QVERIFY2(run.out.contains(QStringLiteral("socket: EPERM")), qPrintable(run.out + run.err));
        QCOMPARE(run.exitCode, 1);
        QTest::qWait(200);
        QVERIFY(!server.hasPendingConnections());
    }

    void familiesOutsideTheAllowlistAreRefused_data()
    {
        QTest::addColumn<quint64>("family");
        QTest::addColumn<int>("type");
        QTest::addColumn<quint64>("protocol");
        const auto row = [](const char *name, quint64 family, int type, quint64 protocol = 0) {
            QTest::newRow(name) << family << type << protocol;
        };
        row("AF_UNSPEC", AF_UNSPEC, SOCK_STREAM);
        row("AF_UNIX datagram", AF_UNIX, SOCK_DGRAM);
        row("AF_VSOCK", AF_VSOCK, SOCK_STREAM);
        row("AF_VSOCK datagram", AF_VSOCK, SOCK_DGRAM);
        row("1<<32 | AF_VSOCK", quint64{1} << 32 | AF_VSOCK, SOCK_STREAM);
        row("AF_PACKET", AF_PACKET, SOCK_RAW);
        row("AF_PACKET 0xffffffff00000011", 0xffffffff00000000ULL | AF_PACKET, SOCK_DGRAM);
        row("AF_BLUETOOTH", AF_BLUETOOTH, SOCK_STREAM, 3 /* BTPROTO_RFCOMM */);
        row("AF_ALG", AF_ALG, SOCK_SEQPACKET);
        row("AF_KEY", AF_KEY, SOCK_RAW, 2 /* PF_KEY_V2 */);
        row("AF_TIPC", AF_TIPC, SOCK_RDM);
        row("AF_CAN", AF_CAN, SOCK_RAW, 1 /* CAN_RAW */);
        row("AF_RDS", AF_RDS, SOCK_SEQPACKET);
        row("AF_XDP", AF_XDP, SOCK_RAW);
        row("AF_QIPCRTR", AF_QIPCRTR, SOCK_DGRAM);
        row("AF_SMC", AF_SMC, SOCK_STREAM);
        row("AF_MCTP", 45, SOCK_DGRAM);
        row("AF_APPLETALK", AF_APPLETALK, SOCK_DGRAM);
        row("a family beyond AF_MAX", 63, SOCK_STREAM);
        row("a negative family", 0xffffffffULL, SOCK_STREAM);
        row("netlink sock_diag", AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
        row("netlink uevents", AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
        row("netlink audit", AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
        row("netlink generic", AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
        row("netlink sock_diag with 1<<32", AF_NETLINK, SOCK_RAW, quint64{1} << 32 | NETLINK_SOCK_DIAG);
        row("netlink 1<<32 family, sock_diag", quint64{1} << 32 | AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
    }

    void familiesOutsideTheAllowlistAreRefused()
    {
        QFETCH(quint64, family);
        QFETCH(int, type);
        QFETCH(quint64, protocol);
        const QStringList attempt{QStringLiteral("--socket"), hex(family), QString::number(type), hex(protocol)};
        const Run run = inside(attempt);
        QVERIFY2(run.exitCode == 0 && run.out == QStringLiteral("EPERM\n"), qPrintable(run.out + run.err));
        // With the capabilities of a namespace of its own, the kernel does not say EPERM: the
        // socket is made, or the family is not there (EAFNOSUPPORT...).
        const Run free = outsideWithCapabilities(attempt);
        QVERIFY2(free.exitCode == 0 && !free.out.isEmpty() && free.out != QStringLiteral("EPERM\n"),
                 qPrintable(free.out + free.err));
    }

    void vsockIsRefusedWhereTheHostHasIt()
    {
        // Where the machine has vsock (this one runs in a VM), outside makes the socket; inside not.
        const QStringList attempt{QStringLiteral("--socket"), hex(AF_VSOCK), QString::number(SOCK_STREAM), hex(0)};
        const Run free = outside(attempt);
        if (QFile::exists(QStringLiteral("/dev/vsock")))
            QVERIFY2(free.out == QStringLiteral("ok\n"), qPrintable(free.out + free.err));
        QCOMPARE(inside(attempt).out, QStringLiteral("EPERM\n"));
    }

    void whatCommandsNeedStillWorks()
    {
        // inet and inet6 sockets, netlink routing, TCP on loopback, socketpair stream and
        // seqpacket pairs (with and without flags) carrying data.
        const Run run = inside({QStringLiteral("--allowed")});
        QCOMPARE(run.exitCode, 0);
        const QStringList lines = run.out.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.size() >= 9, qPrintable(run.out + run.err));
        for (const QString &line : lines)
            QVERIFY2(line.endsWith(QStringLiteral(" ok")), qPrintable(line));
        // A real program on a stream pair: the shell's own pipes are not sockets, Python's are.
        if (QFile::exists(QStringLiteral("/usr/bin/python3"))) {
            const Run python = test::shell(m_project, QStringLiteral("python3 -c \"import socket; a, b = socket.socketpair(); "
                                                                     "a.sendall(b'pair'); print(b.recv(4).decode())\""));
            QVERIFY2(python.out == QStringLiteral("pair\n"), qPrintable(python.out + python.err));
        }
    }

    void datagramPairsReachNoHostSocket_data()
    {
        QTest::addColumn<quint64>("family");
        QTest::addColumn<quint64>("type");
        QTest::newRow("SOCK_DGRAM") << quint64{AF_UNIX} << quint64{SOCK_DGRAM};
        QTest::newRow("SOCK_DGRAM | SOCK_CLOEXEC") << quint64{AF_UNIX} << quint64{SOCK_DGRAM | SOCK_CLOEXEC};
        QTest::newRow("SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC") << quint64{AF_UNIX} << quint64{SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC};
        QTest::newRow("1<<32 | SOCK_DGRAM") << quint64{AF_UNIX} << (quint64{1} << 32 | SOCK_DGRAM);
        QTest::newRow("0xffffffff00000002") << quint64{AF_UNIX} << quint64{0xffffffff00000002ULL};
        QTest::newRow("SOCK_RAW (a datagram socket to AF_UNIX)") << quint64{AF_UNIX} << quint64{SOCK_RAW};
        QTest::newRow("1<<32 | AF_UNIX, SOCK_DGRAM") << (quint64{1} << 32 | AF_UNIX) << quint64{SOCK_DGRAM};
    }

    void datagramPairsReachNoHostSocket()
    {
        QFETCH(quint64, family);
        QFETCH(quint64, type);
        const QString path = socketPath("datagram");
        const HostDatagramSocket host(path);
        QVERIFY(host.ok());
        const QStringList attempt{QStringLiteral("--pair-sendto"), hex(family), hex(type), path};

        const Run free = outside(attempt);
        QVERIFY2(free.out.contains(QStringLiteral("sent")), qPrintable(free.out + free.err));
        QCOMPARE(host.received(), QByteArray("escaped"));

        const Run run = inside(attempt);
        QVERIFY2(run.out.contains(QStringLiteral("socketpair: EPERM")), qPrintable(run.out + run.err));
        QTest::qWait(100);
        QCOMPARE(host.received(), QByteArray());
    }

    void connectedPairsReachNothingElse_data()
    {
        QTest::addColumn<int>("type");
        QTest::newRow("SOCK_STREAM") << int{SOCK_STREAM};
        QTest::newRow("SOCK_SEQPACKET") << int{SOCK_SEQPACKET};
    }

    void connectedPairsReachNothingElse()
    {
        // The pairs that stay allowed: connect(), sendto() and sendmsg() with an address, before
        // and after the other end is closed, reach neither a host listener nor a host datagram
        // socket, inside or out (a claim about the kernel that the allowlist relies on).
        QFETCH(int, type);
        QLocalServer server;
        const QString listenerPath = socketPath("listener");
        QVERIFY(server.listen(listenerPath));
        const QString datagramPath = socketPath("datagram");
        const HostDatagramSocket host(datagramPath);
        QVERIFY(host.ok());
        const QStringList attempt{QStringLiteral("--pair-reach"), QString::number(type), listenerPath, datagramPath};
        for (const Run &run : {inside(attempt), outside(attempt)}) {
            QVERIFY2(run.exitCode == 0 && run.out.contains(QStringLiteral("pair ok")), qPrintable(run.out + run.err));
            QVERIFY2(!run.out.contains(QStringLiteral("reached")), qPrintable(run.out));
            QTest::qWait(100);
            QVERIFY(!server.hasPendingConnections());
            QCOMPARE(host.received(), QByteArray());
        }
    }

    void terminalInjectionIsRefusedOnTheLow32Bits_data()
    {
        QTest::addColumn<quint64>("request");
        QTest::newRow("TIOCSTI") << quint64{TIOCSTI};
        QTest::newRow("1<<32 | TIOCSTI") << (quint64{1} << 32 | TIOCSTI);
        QTest::newRow("0xffffffff00000000 | TIOCSTI") << (0xffffffff00000000ULL | TIOCSTI);
        QTest::newRow("1<<63 | TIOCSTI") << (quint64{1} << 63 | TIOCSTI);
    }

    void terminalInjectionIsRefusedOnTheLow32Bits()
    {
        // The child makes a terminal of its own its controlling one and types into it.
        QFETCH(quint64, request);
        const QStringList attempt{QStringLiteral("--tiocsti"), hex(request)};
        const Run free = outside(attempt);
        // Typed; or EIO where the kernel has legacy TIOCSTI switched off (dev.tty.legacy_tiocsti).
        QVERIFY2(free.out == QStringLiteral("ok typed\n") || free.out == QStringLiteral("EIO nothing\n"),
                 qPrintable(free.out + free.err));
        const Run run = inside(attempt);
        QVERIFY2(run.out == QStringLiteral("EPERM nothing\n"), qPrintable(run.out + run.err));
    }

    void callsOf32BitX86AreKilled()
    {
#if !defined(__x86_64__)
        QSKIP("the other ABIs tried here are those of x86-64");
#endif
        // socket() through int 0x80, the 32-bit entry that a 64-bit process may still use.
        const Run free = outside({QStringLiteral("--int80-socket")});
        const Run run = inside({QStringLiteral("--int80-socket")});
        QVERIFY2(!run.out.contains(QStringLiteral("ok")), qPrintable(run.out + run.err));
        // Where the kernel has the 32-bit entry (outside makes the socket), the filter kills it.
        if (free.out == QStringLiteral("ok\n"))
            QVERIFY2(run.out == QStringLiteral("killed by SIGSYS\n"), qPrintable(run.out + run.err));
        else
            QVERIFY2(free.out.contains(QStringLiteral("killed")), qPrintable(free.out + free.err));
    }

    void callsOfTheX32AbiAreKilled()
    {
#if !defined(__x86_64__)
        QSKIP("the other ABIs tried here are those of x86-64");
#endif
        // socket() by its x32 number: other ABIs of the machine are not filtered, so they die.
        const Run run = inside({QStringLiteral("--x32-socket")});
        QVERIFY2(run.out == QStringLiteral("killed by SIGSYS\n"), qPrintable(run.out + run.err));
        const Run free = outside({QStringLiteral("--x32-socket")});
        QVERIFY2(!free.out.contains(QStringLiteral("killed")), qPrintable(free.out + free.err));
    }
};

// The child: each attempt prints what happened.

namespace {

const char *errnoName(int error)
{
    switch (error) {
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
    case EINVAL: return "EINVAL";
    case EISCONN: return "EISCONN";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOTCONN: return "ENOTCONN";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ENOENT: return "ENOENT";
    case ENOSYS: return "ENOSYS";
    case EIO: return "EIO";
    case EPIPE: return "EPIPE";
    default: return std::strerror(error);
    }
}

unsigned long long number(const char *text)
{
    return std::strtoull(text, nullptr, 0);
}

sockaddr_un unixAddress(const char *path)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path, sizeof address.sun_path - 1);
    return address;
}

int childUnixConnect(unsigned long long family, const char *path)
{
    const long fd = ::syscall(SYS_socket, family, SOCK_STREAM, 0);
    if (fd < 0) {
        std::printf("socket: %s\n", errnoName(errno));
        return 1;
    }
    const sockaddr_un address = unixAddress(path);
    if (::connect(static_cast<int>(fd), reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        std::printf("connect: %s\n", errnoName(errno));
        return 2;
    }
    std::printf("connected\n");
    return 0;
}

int childSocket(unsigned long long family, int type, unsigned long long protocol)
{
    const long fd = ::syscall(SYS_socket, family, type, protocol);
    std::printf("%s\n", fd >= 0 ? "ok" : errnoName(errno));
    return 0;
}

int childPairSendto(unsigned long long family, unsigned long long type, const char *path)
{
    int pair[2] = {-1, -1};
    if (::syscall(SYS_socketpair, family, type, 0, pair) != 0) {
        std::printf("socketpair: %s\n", errnoName(errno));
        return 1;
    }
    const sockaddr_un address = unixAddress(path);
    if (::sendto(pair[0], "escaped", 7, 0, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 7) {
        std::printf("sendto: %s\n", errnoName(errno));
        return 2;
    }
    std::printf("sent\n");
    return 0;
}

int childPairReach(int type, const char *listener, const char *datagram)
{
    int pair[2] = {-1, -1};
    if (::socketpair(AF_UNIX, type, 0, pair) != 0) {
        std::printf("socketpair: %s\n", errnoName(errno));
        return 1;
    }
    std::printf("pair ok\n");
    const sockaddr_un toListener = unixAddress(listener);
    const sockaddr_un toDatagram = unixAddress(datagram);
    const auto attempts = [&](const char *when) {
        const int connected = ::connect(pair[0], reinterpret_cast<const sockaddr *>(&toListener), sizeof toListener);
        std::printf("connect %s: %s\n", when, connected == 0 ? "reached the listener" : errnoName(errno));
        const ssize_t sent = ::sendto(pair[0], "escaped", 7, MSG_NOSIGNAL, reinterpret_cast<const sockaddr *>(&toDatagram),
                                      sizeof toDatagram);
        // For a seqpacket pair the kernel ignores the address: sent to the pair's other end.
        std::printf("sendto %s: %s\n", when, sent == 7 ? "to the pair" : errnoName(errno));
        iovec part{const_cast<char *>("escaped"), 7};
        msghdr message{};
        message.msg_name = const_cast<sockaddr_un *>(&toDatagram);
        message.msg_namelen = sizeof toDatagram;
        message.msg_iov = &part;
        message.msg_iovlen = 1;
        const ssize_t sentMessage = ::sendmsg(pair[0], &message, MSG_NOSIGNAL);
        std::printf("sendmsg %s: %s\n", when, sentMessage == 7 ? "to the pair" : errnoName(errno));
    };
    attempts("connected");
    ::close(pair[1]);
    attempts("after the other end closed");
    return 0;
}

// Whether the pair carries a byte both ways.
bool carries(int domain, int type)
{
    int pair[2] = {-1, -1};
    if (::socketpair(domain, type, 0, pair) != 0)
        return false;
    char byte = 0;
    const bool ok = ::write(pair[0], "a", 1) == 1 && ::read(pair[1], &byte, 1) == 1 && byte == 'a'
                    && ::write(pair[1], "b", 1) == 1 && ::read(pair[0], &byte, 1) == 1 && byte == 'b';
    ::close(pair[0]);
    ::close(pair[1]);
    return ok;
}

bool loopbackTcpWorks()
{
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr *>(&address), size) != 0 || ::listen(listener, 1) != 0
        || ::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &size) != 0)
        return false;
    const int client = ::socket(AF_INET, SOCK_STREAM, 0);
    if (client < 0 || ::connect(client, reinterpret_cast<sockaddr *>(&address), size) != 0)
        return false;
    const int server = ::accept(listener, nullptr, nullptr);
    char byte = 0;
    const bool ok = server >= 0 && ::write(client, "t", 1) == 1 && ::read(server, &byte, 1) == 1 && byte == 't';
    ::close(server);
    ::close(client);
    ::close(listener);
    return ok;
}

int childAllowed()
{
    const auto report = [](const char *name, bool ok) { std::printf("%s %s\n", name, ok ? "ok" : errnoName(errno)); };
    report("socket-inet-stream", ::socket(AF_INET, SOCK_STREAM, 0) >= 0);
    report("socket-inet-dgram", ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0) >= 0);
    report("socket-inet6-stream", ::socket(AF_INET6, SOCK_STREAM, 0) >= 0);
    report("socket-inet6-dgram", ::socket(AF_INET6, SOCK_DGRAM, 0) >= 0);
    report("socket-netlink-route", ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE) >= 0);
    report("loopback-tcp", loopbackTcpWorks());
    report("socketpair-stream", carries(AF_UNIX, SOCK_STREAM));
    report("socketpair-stream-flags", carries(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK));
    report("socketpair-seqpacket", carries(AF_UNIX, SOCK_SEQPACKET));
    report("socketpair-seqpacket-cloexec", carries(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC));
    return 0;
}

// Makes a new terminal the controlling one of a new session, and types a byte into it with
// ioctl(@p request): prints the result and whether the byte arrived.
int childTiocsti(unsigned long long request)
{
    const pid_t child = ::fork();
    if (child == 0) {
        ::setsid();
        const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
        if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0)
            ::_exit(3);
        const int terminal = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
        if (terminal < 0 || ::ioctl(terminal, TIOCSCTTY, 0) != 0)
            ::_exit(4);
        termios raw{};
        ::tcgetattr(terminal, &raw);
        ::cfmakeraw(&raw);
        ::tcsetattr(terminal, TCSANOW, &raw);
        char byte = 'Z';
        const long result = ::syscall(SYS_ioctl, terminal, request, &byte);
        const int error = errno;
        ::fcntl(terminal, F_SETFL, O_NONBLOCK);
        char typed = 0;
        const bool arrived = ::read(terminal, &typed, 1) == 1 && typed == 'Z';
        std::printf("%s %s\n", result == 0 ? "ok" : errnoName(error), arrived ? "typed" : "nothing");
        std::fflush(stdout);
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        std::printf("no terminal (status %d)\n", status);
    return 0;
}


// Reports how a forked child that runs @p attempt ended: what it printed, or the signal.
template<typename Attempt>
int inChild(Attempt attempt)
{
    const pid_t child = ::fork();
    if (child == 0) {
        std::printf("%s\n", attempt());
        std::fflush(stdout);
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (WIFSIGNALED(status))
        std::printf("killed by %s\n", WTERMSIG(status) == SIGSYS ? "SIGSYS" : "another signal");
    return 0;
}

int childX32Socket()
{
    constexpr long x32Bit = 0x40000000;
    return inChild([] {
        const long fd = ::syscall(x32Bit | SYS_socket, AF_UNIX, SOCK_STREAM, 0);
        return fd >= 0 ? "ok" : errnoName(errno);
    });
}

int childInt80Socket()
{
    return inChild([]() -> const char * {
        long result = -1;
#if defined(__x86_64__)
        // i386's socket() is number 359; r8-r11 are cleared by the 32-bit entry.
        asm volatile("int $0x80" : "=a"(result) : "a"(359L), "b"(long{AF_UNIX}), "c"(long{SOCK_STREAM}), "d"(0L)
                     : "memory", "r8", "r9", "r10", "r11");
#endif
        return result >= 0 ? "ok" : result == -EPERM ? "EPERM" : "failed";
    });
}

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 2) {
        const QByteArray mode = argv[1];
        if (mode == "--unix-connect" && argc == 4)
            return childUnixConnect(number(argv[2]), argv[3]);
        if (mode == "--socket" && argc == 5)
            return childSocket(number(argv[2]), static_cast<int>(number(argv[3])), number(argv[4]));
        if (mode == "--pair-sendto" && argc == 5)
            return childPairSendto(number(argv[2]), number(argv[3]), argv[4]);
        if (mode == "--pair-reach" && argc == 5)
            return childPairReach(static_cast<int>(number(argv[2])), argv[3], argv[4]);
        if (mode == "--allowed")
            return childAllowed();
        if (mode == "--tiocsti" && argc == 3)
            return childTiocsti(number(argv[2]));
        if (mode == "--x32-socket")
            return childX32Socket();
        if (mode == "--int80-socket")
            return childInt80Socket();
    }
    QCoreApplication app(argc, argv);
    TestRunSeccomp test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_runseccomp.moc"
