// SPDX-License-Identifier: GPL-3.0-or-later
// The sandbox's network proxy (SECURITY-MODEL.md section 6): which hosts it lets through
// (HostRules), and the proxy itself end to end over real sockets only: a command's connection on
// the endpoint's Unix socket, and servers written here standing in for hosts on the internet.
#include "sandbox/hostrules.h"
#include "sandbox/networkproxy.h"
#include "sandbox/proxyprotocol.h"

#include "testenv.h"

#include <QCryptographicHash>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QHostAddress>
#include <QLocalSocket>
#include <QNetworkInterface>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

using namespace gatehouse::sandbox;
namespace test = gatehouse::test;

Q_DECLARE_METATYPE(gatehouse::sandbox::NetworkAnswer)

namespace {

constexpr int timeout = 10000; // ms, for anything that goes over the sockets
const QString label = QStringLiteral("curl https://example.com/install.sh");

QByteArray bytes(std::initializer_list<int> values)
{
    QByteArray result;
    for (const int value : values)
        result.append(static_cast<char>(value));
    return result;
}

// ------------------------------------------------------------------------------ the servers

// A server on a local address standing in for a host on the internet. It records, per
// connection, every byte it receives and whether the proxy closed the connection.
class Upstream final : public QObject
{
public:
    enum class Mode {
        Http,   ///< answers the first request (after its Content-Length body) with `body`
        Echo,   ///< greets, then sends back what it receives; "quit" makes it close
        Stream, ///< answers a request with `streamSize` bytes of a fixed pseudo-random sequence
        Sink,   ///< counts and hashes what it receives; reads nothing while `paused`
    };
    struct Connection
    {
        QTcpSocket *socket = nullptr;
        QByteArray received;
        bool answered = false;
        bool closed = false;
        qint64 sunk = 0;
        QCryptographicHash sunkHash{QCryptographicHash::Sha256};
    };
    static constexpr qint64 blockSize = 64 * 1024;
    static inline const QByteArray greeting = QByteArrayLiteral("upstream-hello\n");

    explicit Upstream(Mode mode, const QHostAddress &address = QHostAddress(QHostAddress::LocalHost))
        : m_mode(mode)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &Upstream::accept);
        m_server.listen(address);
    }
    ~Upstream() override
    {
        for (const auto &connection : m_connections)
            connection->socket->disconnect(this);
    }

    bool isListening() const { return m_server.isListening(); }
    quint16 port() const { return m_server.serverPort(); }
    int connectionCount() const { return int(m_connections.size()); }
    const Connection &connection(int i) const { return *m_connections.at(size_t(i)); }

    QByteArray body = QByteArrayLiteral("the body from upstream\n");
    bool closeAfterAnswer = true;
    qint64 streamSize = 0;
    std::function<void()> streamProgressed; ///< called after each part of the stream is handed over
    qint64 streamed() const { return m_streamed; }
    QByteArray streamDigest() const { return m_hash.result(); }
    bool paused = false;
    void resume()
    {
        paused = false;
        for (const auto &connection : m_connections)
            readFrom(connection.get());
    }
    QByteArray streamHead() const
    {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
               + QByteArray::number(streamSize) + "\r\nConnection: close\r\n\r\n";
    }

    // Block @p index of the stream: 64 KiB of a xorshift sequence seeded by the index.
    static QByteArray streamBlock(qint64 index)
    {
        QByteArray block(blockSize, Qt::Uninitialized);
        quint64 x = (0x9e3779b97f4a7c15ULL ^ (quint64(index) * 0xbf58476d1ce4e5b9ULL)) | 1;
        for (qsizetype i = 0; i < block.size(); i += 8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            std::memcpy(block.data() + i, &x, 8);
        }
        return block;
    }

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            m_connections.push_back(std::make_unique<Connection>());
            Connection *connection = m_connections.back().get();
            connection->socket = socket;
            connect(socket, &QTcpSocket::readyRead, this, [this, connection] { readFrom(connection); });
            connect(socket, &QTcpSocket::disconnected, this, [connection] { connection->closed = true; });
            if (m_mode == Mode::Stream)
                connect(socket, &QTcpSocket::bytesWritten, this, [this, connection] { streamMore(connection); });
            if (m_mode == Mode::Echo)
                socket->write(greeting);
            if (m_mode == Mode::Sink)
                socket->setReadBufferSize(64 * 1024); // so that not reading holds the sender back
        }
    }

    void readFrom(Connection *connection)
    {
        if (m_mode == Mode::Sink) {
            while (!paused && connection->socket->bytesAvailable() > 0) {
                const QByteArray data = connection->socket->read(64 * 1024);
                connection->sunk += data.size();
                connection->sunkHash.addData(data);
            }
            return;
        }
        const QByteArray data = connection->socket->readAll();
        connection->received += data;
        switch (m_mode) {
        case Mode::Echo:
            connection->socket->write(data);
            if (connection->received.endsWith("quit"))
                connection->socket->disconnectFromHost();
            break;
        case Mode::Http:
            if (!connection->answered && requestComplete(connection->received)) {
                connection->answered = true;
                connection->socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                                          + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
                if (closeAfterAnswer)
                    connection->socket->disconnectFromHost();
            }
            break;
        case Mode::Sink:
            break;
        case Mode::Stream:
            if (!connection->answered && requestComplete(connection->received)) {
                connection->answered = true;
                connection->socket->write(streamHead());
                streamMore(connection);
            }
            break;
        }
    }

    // Writes the stream on while less than 256 KiB wait to be sent: the server itself holds little.
    void streamMore(Connection *connection)
    {
        if (!connection->answered || connection->socket->state() != QAbstractSocket::ConnectedState)
            return;
        while (m_streamed < streamSize && connection->socket->bytesToWrite() < 256 * 1024) {
            QByteArray block = streamBlock(m_streamed / blockSize);
            block.truncate(qMin<qint64>(block.size(), streamSize - m_streamed));
            m_hash.addData(block);
            connection->socket->write(block);
            m_streamed += block.size();
        }
        if (streamProgressed)
            streamProgressed();
        if (m_streamed == streamSize)
            connection->socket->disconnectFromHost();
    }

    // A request head and as much body as its Content-Length says.
    static bool requestComplete(const QByteArray &received)
    {
        const qsizetype end = received.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        qint64 length = 0;
        for (const QByteArray &line : received.left(end).split('\n'))
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        return received.size() >= end + 4 + length;
    }

    Mode m_mode;
    std::vector<std::unique_ptr<Connection>> m_connections;
    QTcpServer m_server;
    qint64 m_streamed = 0;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
};

// ------------------------------------------------------------------------------ the command's side

// A command's connection to the proxy; everything it receives is collected in `received`.
class Client final
{
public:
    explicit Client(const QString &path)
    {
        QObject::connect(&socket, &QLocalSocket::readyRead, &socket, [this] { received += socket.readAll(); });
        socket.connectToServer(path);
    }
    Q_DISABLE_COPY_MOVE(Client)

    bool waitConnected()
    {
        return QTest::qWaitFor([this] { return socket.state() == QLocalSocket::ConnectedState; }, timeout);
    }
    // Connects and sends @p data.
    bool send(const QByteArray &data)
    {
        if (!waitConnected())
            return false;
        socket.write(data);
        return socket.flush() || socket.bytesToWrite() == 0;
    }
    bool waitFor(const QByteArray &expected)
    {
        return QTest::qWaitFor([&] { return received.size() >= expected.size(); }, timeout) && received == expected;
    }
    bool waitContains(const QByteArray &part)
    {
        return QTest::qWaitFor([&] { return received.contains(part); }, timeout);
    }
    // Waits until the proxy has closed the connection.
    bool waitClosed()
    {
        const bool closed = QTest::qWaitFor([this] { return socket.state() == QLocalSocket::UnconnectedState; }, timeout);
        received += socket.readAll();
        return closed;
    }
    int status() const { return received.startsWith("HTTP/1.1 ") ? received.mid(9, 3).toInt() : -1; }

    QLocalSocket socket;
    QByteArray received;
};

QString authority(const QString &host, quint16 port)
{
    const QString name = host.contains(u':') ? QString(u'[' + host + u']') : host;
    return name + u':' + QString::number(port);
}

QByteArray connectRequest(const QString &host, quint16 port)
{
    const QByteArray target = authority(host, port).toUtf8();
    return "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\nUser-Agent: gatehouse-test\r\n\r\n";
}

QByteArray getRequest(const QString &host, quint16 port, const QByteArray &path = "/")
{
    return "GET http://" + authority(host, port).toUtf8() + path + " HTTP/1.1\r\nHost: " + authority(host, port).toUtf8()
           + "\r\n\r\n";
}

const QByteArray socksGreeting = bytes({0x05, 0x01, 0x00});
const QByteArray socksChosen = bytes({0x05, 0x00});

// A SOCKS5 CONNECT with the address type that fits @p host: IPv4, IPv6 or a name.
QByteArray socksConnect(const QString &host, quint16 port)
{
    QByteArray request = bytes({0x05, 0x01, 0x00});
    const QHostAddress address(host);
    if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        const quint32 v4 = address.toIPv4Address();
        request += bytes({0x01, int(v4 >> 24), int((v4 >> 16) & 0xff), int((v4 >> 8) & 0xff), int(v4 & 0xff)});
    } else if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        request += bytes({0x04});
        const Q_IPV6ADDR v6 = address.toIPv6Address();
        for (const quint8 byte : v6.c)
            request += static_cast<char>(byte);
    } else {
        const QByteArray name = host.toUtf8();
        request += bytes({0x03, int(name.size())}) + name;
    }
    return request + bytes({port >> 8, port & 0xff});
}

// How a test reaches a host: "connect" (HTTP CONNECT), "get" (a plain HTTP request), "socks".
QByteArray requestVia(const QString &via, const QString &host, quint16 port)
{
    if (via == QStringLiteral("connect"))
        return connectRequest(host, port);
    if (via == QStringLiteral("get"))
        return getRequest(host, port);
    return socksGreeting + socksConnect(host, port);
}

// What the command receives when the proxy refuses it the host (then the proxy closes).
bool isRefusal(const QString &via, const Client &client)
{
    if (via == QStringLiteral("socks"))
        return client.received == QByteArray(socksChosen + proxy::socksReply(proxy::SocksReply::NotAllowed));
    return client.status() == 403 && client.received.contains("\r\nX-Gatehouse-Proxy: refused\r\n");
}

QString protocolOf(const QString &via)
{
    if (via == QStringLiteral("socks"))
        return QStringLiteral("socks5");
    return via == QStringLiteral("get") ? QStringLiteral("http") : QStringLiteral("connect");
}

ConnectionEvent eventAt(const QSignalSpy &spy, qsizetype i)
{
    return spy.at(i).at(0).value<ConnectionEvent>();
}

// An address of this machine that is neither loopback nor link-local: an approved host the
// proxy may connect to (it refuses loopback unless an allow entry names the host).
QHostAddress reachableNonLocalAddress()
{
    for (const QNetworkInterface &networkInterface : QNetworkInterface::allInterfaces()) {
        const auto flags = networkInterface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp) || !flags.testFlag(QNetworkInterface::IsRunning)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        for (const QNetworkAddressEntry &entry : networkInterface.addressEntries()) {
            const QHostAddress address = entry.ip();
            if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback() && !address.isLinkLocal())
                return address;
        }
    }
    return {};
}

// ------------------------------------------------------------------------------ the person

// Stands in for the person: records each question and answers it later, from the event loop,
// with the next scripted answer (or `answer`); in manual mode only when answerPending() is called.
class TestApprover final : public QObject, public NetworkApprover
{
public:
    void ask(const NetworkRequest &request, std::function<void(NetworkAnswer)> done) override
    {
        requests.append(request);
        m_pending.push_back(std::move(done));
        if (!manual)
            answerPending(script.isEmpty() ? answer : script.takeFirst());
    }
    void answerPending(NetworkAnswer given)
    {
        for (auto &done : std::exchange(m_pending, {}))
            QTimer::singleShot(0, this, [this, done, given] {
                ++delivered;
                done(given);
            });
    }

    NetworkAnswer answer = NetworkAnswer::Deny;
    QList<NetworkAnswer> script;
    bool manual = false;
    QList<NetworkRequest> requests;
    int delivered = 0; ///< answers handed to the proxy

private:
    std::vector<std::function<void(NetworkAnswer)>> m_pending;
};

HostRules rules(const QStringList &allowed, const QStringList &denied = {})
{
    QStringList errors;
    HostRules made = HostRules::fromLists(allowed, denied, &errors);
    if (!errors.isEmpty())
        qFatal("test rules do not compile: %s", qPrintable(errors.join(u'\n')));
    return made;
}

} // namespace

class TestNetworkProxy final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    // ------------------------------------------------------------------------------ endpoints

    void endpointsArePrivate()
    {
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        const auto first = proxy.openEndpoint(QStringLiteral("one"));
        const auto second = proxy.openEndpoint(QStringLiteral("two"));
        QVERIFY2(first, first ? "" : qPrintable(first.error().message));
        QVERIFY2(second, second ? "" : qPrintable(second.error().message));
        QVERIFY(*first != *second);
        QVERIFY(QFileInfo(*first).exists());
        QCOMPARE(QFileInfo(*first).absolutePath(), QFileInfo(*second).absolutePath());
        // Only this user can enter the folder that holds the sockets.
        const QFileInfo folder(QFileInfo(*first).absolutePath());
        QCOMPARE(folder.permissions() & (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther
                                         | QFile::WriteOther | QFile::ExeOther),
                 QFile::Permissions());
        QVERIFY(folder.absoluteFilePath().startsWith(QDir::tempPath()));
    }

    void closeEndpointStopsNewConnections()
    {
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        const auto closing = proxy.openEndpoint(QStringLiteral("closing"));
        const auto staying = proxy.openEndpoint(QStringLiteral("staying"));
        QVERIFY(closing && staying);

        proxy.closeEndpoint(*closing);
        QVERIFY(!QFileInfo::exists(*closing));
        QLocalSocket late;
        QSignalSpy failed(&late, &QLocalSocket::errorOccurred);
        late.connectToServer(*closing);
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() > 0, timeout);
        QCOMPARE(late.state(), QLocalSocket::UnconnectedState);

        // The other endpoint goes on working; closing an unknown path does nothing.
        proxy.closeEndpoint(*closing);
        proxy.closeEndpoint(QStringLiteral("/nonexistent/p0.sock"));
        Client client(*staying);
        QVERIFY(client.send(connectRequest(QStringLiteral("localhost"), upstream.port())));
        QVERIFY(client.waitFor("HTTP/1.1 200 Connection established\r\n\r\n" + Upstream::greeting));
    }

    void closeEndpointClosesItsConnections()
    {
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        const auto closing = proxy.openEndpoint(QStringLiteral("closing"));
        const auto staying = proxy.openEndpoint(QStringLiteral("staying"));
        QVERIFY(closing && staying);
        Client through(*closing);
        Client other(*staying);
        const QByteArray established = "HTTP/1.1 200 Connection established\r\n\r\n" + Upstream::greeting;
        QVERIFY(through.send(connectRequest(QStringLiteral("localhost"), upstream.port())));
        QVERIFY(other.send(connectRequest(QStringLiteral("localhost"), upstream.port())));
        QVERIFY(through.waitFor(established));
        QVERIFY(other.waitFor(established));
        QCOMPARE(upstream.connectionCount(), 2);

        // "Closes an endpoint and every connection that came through it", and only those.
        proxy.closeEndpoint(*closing);
        QVERIFY(through.waitClosed());
        QTRY_VERIFY_WITH_TIMEOUT(upstream.connection(0).closed || upstream.connection(1).closed, timeout);
        other.socket.write("still here");
        QVERIFY(other.waitFor(established + "still here"));
        QCOMPARE(other.socket.state(), QLocalSocket::ConnectedState);
    }

    // ------------------------------------------------------------------------------ relaying

    void connectTunnelsBothWays()
    {
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);

        // Bytes sent right behind the head (a TLS hello, say) reach the server after the tunnel opens.
        Client client(*path);
        QVERIFY(client.send(connectRequest(QStringLiteral("localhost"), upstream.port()) + "early"));
        const QByteArray established = "HTTP/1.1 200 Connection established\r\n\r\n" + Upstream::greeting;
        QVERIFY2(client.waitFor(established + "early"), client.received.constData());
        client.socket.write("ping");
        QVERIFY2(client.waitFor(established + "earlyping"), client.received.constData());
        QCOMPARE(upstream.connectionCount(), 1);
        QCOMPARE(upstream.connection(0).received, QByteArray("earlyping"));

        QCOMPARE(decided.size(), 1);
        const ConnectionEvent event = eventAt(decided, 0);
        QVERIFY(event.allowed);
        QCOMPARE(event.host, QStringLiteral("localhost"));
        QCOMPARE(event.port, upstream.port());
        QCOMPARE(event.command, label);
        QCOMPARE(event.protocol, QStringLiteral("connect"));
        QVERIFY(!event.reason.isEmpty());
        // What went through, both ways: "early" and "ping" out, the greeting and the echo back.
        QCOMPARE(proxy.bytesRelayed(), quint64(2 * (5 + 4) + Upstream::greeting.size()));

        // The command leaves: the proxy closes the server's side too.
        client.socket.disconnectFromServer();
        QTRY_VERIFY_WITH_TIMEOUT(upstream.connection(0).closed, timeout);
    }

    void tunnelClosesWhenTheServerCloses()
    {
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        Client client(*path);
        QVERIFY(client.send(connectRequest(QStringLiteral("localhost"), upstream.port())));
        QVERIFY(client.waitContains(Upstream::greeting));
        client.socket.write("quit");
        QVERIFY(client.waitClosed());
        QVERIFY(client.received.endsWith(QByteArray(Upstream::greeting + "quit")));
    }

    void tunnelDeliversWhatTheCommandSentBeforeLeaving()
    {
        // The server reads nothing at first, so the upload backs up in the proxy; the command
        // sends it all and leaves. Every byte still reaches the server, then the proxy closes.
        constexpr qint64 size = 8LL * 1024 * 1024;
        Upstream upstream(Upstream::Mode::Sink);
        upstream.paused = true;
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        Client client(*path);
        QVERIFY(client.send(connectRequest(QStringLiteral("localhost"), upstream.port())));
        QVERIFY(client.waitFor("HTTP/1.1 200 Connection established\r\n\r\n"));
        QByteArray upload;
        upload.reserve(size);
        for (qint64 i = 0; i < size / Upstream::blockSize; ++i)
            upload += Upstream::streamBlock(i);
        client.socket.write(upload);
        QSignalSpy gone(&client.socket, &QLocalSocket::disconnected);
        client.socket.disconnectFromServer(); // after what is still to be written
        {
            QEventLoop loop; // lets the pipe fill up while the server reads nothing
            QTimer::singleShot(std::chrono::milliseconds(500), &loop, &QEventLoop::quit);
            loop.exec();
        }
        QVERIFY(upstream.connection(0).sunk == 0);
        upstream.resume();
        if (client.socket.state() != QLocalSocket::UnconnectedState)
            QVERIFY(gone.wait(60000));
        QTRY_VERIFY_WITH_TIMEOUT(upstream.connection(0).closed, 60000);
        QCOMPARE(upstream.connection(0).sunk, size);
        QCOMPARE(upstream.connection(0).sunkHash.result().toHex(),
                 QCryptographicHash::hash(upload, QCryptographicHash::Sha256).toHex());
        QCOMPARE(proxy.bytesRelayed(), quint64(size));
    }

    void plainRequestIsForwardedInOriginForm()
    {
        Upstream upstream(Upstream::Mode::Http);
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        const QByteArray port = QByteArray::number(upstream.port());
        Client client(*path);
        QVERIFY(client.send("GET http://localhost:" + port
                            + "/x?y=1#frag HTTP/1.1\r\nHost: evil.example\r\nProxy-Authorization: Basic c2VjcmV0\r\n"
                              "Proxy-Connection: keep-alive\r\nConnection: keep-alive\r\nUser-Agent: gatehouse-test\r\n\r\n"));
        QVERIFY(client.waitClosed()); // the server closes after its answer, and so does the proxy
        QCOMPARE(client.status(), 200);
        QVERIFY(client.received.endsWith(QByteArray("\r\n\r\n" + upstream.body)));
        QCOMPARE(upstream.connectionCount(), 1);
        QCOMPARE(upstream.connection(0).received,
                 QByteArray("GET /x?y=1 HTTP/1.1\r\nHost: localhost:" + port
                            + "\r\nUser-Agent: gatehouse-test\r\nConnection: close\r\n\r\n"));
        QCOMPARE(decided.size(), 1);
        QVERIFY(eventAt(decided, 0).allowed);
        QCOMPARE(eventAt(decided, 0).protocol, QStringLiteral("http"));
        QCOMPARE(proxy.bytesRelayed(), quint64(client.received.size()));
    }

    void pipelinedRequestsAreNotForwarded()
    {
        Upstream upstream(Upstream::Mode::Http);
        upstream.closeAfterAnswer = false; // so that it would see anything sent after the answer
        Upstream other(Upstream::Mode::Http);
        QVERIFY(upstream.isListening() && other.isListening());
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        const QByteArray port = QByteArray::number(upstream.port());
        const QByteArray otherPort = QByteArray::number(other.port());

        // A second request to another host, in the same write as the first, and another one
        // after the answer: neither is sent anywhere.
        Client client(*path);
        QVERIFY(client.send("GET http://localhost:" + port + "/first HTTP/1.1\r\nHost: localhost\r\n\r\n"
                            "GET http://localhost:" + otherPort + "/second HTTP/1.1\r\nHost: localhost:" + otherPort
                            + "\r\n\r\n"));
        QVERIFY(client.waitContains(upstream.body));
        client.socket.write("GET /third HTTP/1.1\r\nHost: localhost:" + otherPort + "\r\n\r\n");
        QVERIFY(client.socket.flush());
        client.socket.disconnectFromServer();
        QTRY_VERIFY_WITH_TIMEOUT(upstream.connectionCount() == 1 && upstream.connection(0).closed, timeout);
        QCOMPARE(upstream.connection(0).received,
                 QByteArray("GET /first HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n"));
        QCOMPARE(other.connectionCount(), 0);
    }

    void postBodyIsForwardedExactly()
    {
        Upstream upstream(Upstream::Mode::Http);
        upstream.closeAfterAnswer = false;
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        const QByteArray port = QByteArray::number(upstream.port());

        // More than the proxy's 256 KiB buffer, in two parts: one behind the head, one later.
        QByteArray body;
        for (int i = 0; body.size() < 600 * 1024; ++i)
            body += "line " + QByteArray::number(i) + " of the uploaded body\n";
        const qsizetype half = body.size() / 2;
        const QByteArray head = "POST http://localhost:" + port + "/upload HTTP/1.1\r\nContent-Type: text/plain\r\n"
                                "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
        const QByteArray forwardHead = "POST /upload HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: text/plain\r\n"
                                       "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n";
        Client client(*path);
        QVERIFY(client.send(head + body.left(half)));
        QTRY_VERIFY_WITH_TIMEOUT(upstream.connectionCount() == 1
                                     && upstream.connection(0).received.size() == forwardHead.size() + half,
                                 timeout);
        // The rest of the body, then what would be a second request: only the body goes on.
        client.socket.write(body.mid(half) + "GET http://localhost:" + port + "/smuggled HTTP/1.1\r\n\r\n");
        QVERIFY(client.waitContains(upstream.body));
        QCOMPARE(client.status(), 200);
        client.socket.disconnectFromServer();
        QTRY_VERIFY_WITH_TIMEOUT(upstream.connection(0).closed, timeout);
        QCOMPARE(upstream.connection(0).received.size(), forwardHead.size() + body.size());
        QVERIFY(upstream.connection(0).received == QByteArray(forwardHead + body));
        QCOMPARE(upstream.connectionCount(), 1);
    }

    void socksToAnAllowedName()
    {
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        Client client(*path);
        // The greeting alone first: the proxy chooses "no authentication" before the request.
        QVERIFY(client.send(socksGreeting));
        QVERIFY(client.waitFor(socksChosen));
        client.socket.write(socksConnect(QStringLiteral("localhost"), upstream.port()));
        const QByteArray established = socksChosen + proxy::socksReply(proxy::SocksReply::Succeeded) + Upstream::greeting;
        QVERIFY(client.waitFor(established));
        client.socket.write("ping");
        QVERIFY(client.waitFor(established + "ping"));
        QCOMPARE(upstream.connection(0).received, QByteArray("ping"));
        QCOMPARE(decided.size(), 1);
        QVERIFY(eventAt(decided, 0).allowed);
        QCOMPARE(eventAt(decided, 0).protocol, QStringLiteral("socks5"));
        QCOMPARE(eventAt(decided, 0).host, QStringLiteral("localhost"));
        QCOMPARE(eventAt(decided, 0).port, upstream.port());
    }

    void socksGreetingAndRequestTogether()
    {
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        Client client(*path);
        QVERIFY(client.send(socksGreeting + socksConnect(QStringLiteral("localhost"), upstream.port()) + "early"));
        QVERIFY(client.waitFor(socksChosen + proxy::socksReply(proxy::SocksReply::Succeeded) + Upstream::greeting + "early"));
    }

    void loopbackOpensToAnEntryNamingIt_data()
    {
        QTest::addColumn<QString>("allowed");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("via");
        QTest::newRow("localhost by CONNECT") << QStringLiteral("localhost") << QStringLiteral("localhost") << QStringLiteral("connect");
        QTest::newRow("localhost by SOCKS") << QStringLiteral("localhost") << QStringLiteral("localhost") << QStringLiteral("socks");
        QTest::newRow("localhost as written otherwise") << QStringLiteral("localhost") << QStringLiteral("LocalHost.")
                                                        << QStringLiteral("connect");
        QTest::newRow("127.0.0.1 by CONNECT") << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1")
                                              << QStringLiteral("connect");
        QTest::newRow("127.0.0.1 by SOCKS address") << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1")
                                                    << QStringLiteral("socks");
    }

    void loopbackOpensToAnEntryNamingIt()
    {
        QFETCH(QString, allowed);
        QFETCH(QString, host);
        QFETCH(QString, via);
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules({allowed}));
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        Client client(*path);
        QVERIFY(client.send(requestVia(via, host, upstream.port())));
        QVERIFY2(client.waitContains(Upstream::greeting), client.received.toHex(' ').constData());
        QCOMPARE(upstream.connectionCount(), 1);
    }

    void largeDownloadWithBackPressure()
    {
        // QTest::qWaitFor pauses 10 ms between passes of the event loop, which would throttle the
        // traffic here (and hide a proxy without back-pressure); real event loops run this test.
        constexpr qint64 size = 64LL * 1024 * 1024;
        Upstream upstream(Upstream::Mode::Stream);
        upstream.streamSize = size;
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);

        QLocalSocket client;
        client.setReadBufferSize(64 * 1024); // the command holds little, and reads nothing at first
        client.connectToServer(*path);
        QVERIFY(QTest::qWaitFor([&] { return client.state() == QLocalSocket::ConnectedState; }, timeout));
        client.write(getRequest(QStringLiteral("localhost"), upstream.port(), "/big"));

        // While the command reads nothing, the server cannot hand the download over: the proxy
        // stops reading from it instead of holding it in memory. What is under way stays in the
        // kernel's socket buffers and the proxy's 2 x 256 KiB (a few MiB here).
        {
            QEventLoop loop;
            upstream.streamProgressed = [&] {
                if (upstream.streamed() >= size / 2)
                    loop.quit(); // no back-pressure: no need to wait any longer
            };
            QTimer::singleShot(std::chrono::milliseconds(1500), &loop, &QEventLoop::quit);
            loop.exec();
            upstream.streamProgressed = nullptr;
        }
        const qint64 heldBack = upstream.streamed();
        QVERIFY(heldBack > 0);
        QVERIFY2(heldBack < size / 2,
                 qPrintable(QStringLiteral("the server handed over %1 bytes while nobody read them").arg(heldBack)));

        // Now the command reads (hashing as it goes): everything arrives, byte for byte.
        const QByteArray head = upstream.streamHead();
        QByteArray received;
        qint64 bodyBytes = 0;
        QCryptographicHash hash(QCryptographicHash::Sha256);
        const auto drain = [&] {
            while (client.bytesAvailable() > 0) {
                QByteArray chunk = client.read(64 * 1024);
                if (received.size() < head.size()) {
                    const qsizetype take = qMin(chunk.size(), head.size() - received.size());
                    received += chunk.left(take);
                    chunk.remove(0, take);
                }
                hash.addData(chunk);
                bodyBytes += chunk.size();
            }
        };
        connect(&client, &QLocalSocket::readyRead, &client, drain);
        QSignalSpy closed(&client, &QLocalSocket::disconnected);
        drain();
        if (client.state() != QLocalSocket::UnconnectedState)
            QVERIFY(closed.wait(120000)); // runs the event loop until the proxy closes
        drain();
        QCOMPARE(received, head);
        QCOMPARE(bodyBytes, size);
        QCOMPARE(upstream.streamed(), size);
        QCOMPARE(hash.result().toHex(), upstream.streamDigest().toHex());
        QCOMPARE(proxy.bytesRelayed(), quint64(head.size() + size));
    }

    // ------------------------------------------------------------------------------ refusals

    void refusedHosts_data()
    {
        QTest::addColumn<QStringList>("allowed");
        QTest::addColumn<QStringList>("denied");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("via");
        QTest::addColumn<QString>("reason");
        const QStringList example{QStringLiteral("example.com")};
        const QStringList local{QStringLiteral("localhost")};
        const QString nobody = QStringLiteral("nobody can be asked");
        for (const QString &via : {QStringLiteral("connect"), QStringLiteral("get"), QStringLiteral("socks")}) {
            const auto row = [&](const char *name, const QStringList &allowed, const QStringList &denied, const QString &host,
                                 const QString &reason) {
                QTest::addRow("%s (%s)", name, qPrintable(via)) << allowed << denied << host << via << reason;
            };
            row("a host no rule allows, nobody to ask", example, {}, QStringLiteral("localhost"),
                QStringLiteral("no rule allows the host localhost; ") + nobody);
            row("127.0.0.1 when only example.com is allowed", example, {}, QStringLiteral("127.0.0.1"),
                QStringLiteral("no rule allows the host 127.0.0.1; ") + nobody);
            row("::1 when only example.com is allowed", example, {}, QStringLiteral("::1"),
                QStringLiteral("no rule allows the host ::1; ") + nobody);
            row("a denied domain", local, local, QStringLiteral("localhost"), QStringLiteral("denied by denied domain localhost"));
            row("a denied wildcard", {QStringLiteral("*.localhost")}, {QStringLiteral("*.localhost")},
                QStringLiteral("api.localhost"), QStringLiteral("denied by denied domain *.localhost"));
            row("a host in capitals, denied", local, local, QStringLiteral("LOCALHOST."), QStringLiteral("denied by"));
            row("an empty allow list", {}, {}, QStringLiteral("localhost"), nobody);
        }
        // A name that only SOCKS can carry: a tab passes the protocol, not the rules.
        QTest::newRow("a name with a tab (socks)") << local << QStringList() << QStringLiteral("local\thost")
                                                   << QStringLiteral("socks") << QStringLiteral("not a valid host name");
    }

    void refusedHosts()
    {
        QFETCH(QStringList, allowed);
        QFETCH(QStringList, denied);
        QFETCH(QString, host);
        QFETCH(QString, via);
        QFETCH(QString, reason);
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules(allowed, denied));
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        Client client(*path);
        QVERIFY(client.send(requestVia(via, host, upstream.port())));
        QVERIFY(client.waitClosed());
        QVERIFY2(isRefusal(via, client), client.received.toHex(' ').constData());
        if (via != QStringLiteral("socks"))
            QVERIFY2(client.received.contains(reason.toUtf8()), client.received.constData());
        QCOMPARE(decided.size(), 1);
        const ConnectionEvent event = eventAt(decided, 0);
        QVERIFY(!event.allowed);
        QVERIFY2(event.reason.contains(reason), qPrintable(event.reason));
        QCOMPARE(event.port, upstream.port());
        QCOMPARE(event.command, label);
        QCOMPARE(event.protocol, protocolOf(via));
        QCOMPARE(upstream.connectionCount(), 0);
        QCOMPARE(proxy.bytesRelayed(), quint64(0));
    }

    void malformedRequests_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("response"); // what the answer starts with
        QTest::addColumn<bool>("exact");          // the answer is exactly that
        QTest::newRow("not HTTP") << QByteArray("hello proxy\r\n\r\n") << QByteArray("HTTP/1.1 400 ") << false;
        QTest::newRow("origin form") << QByteArray("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                                     << QByteArray("HTTP/1.1 400 ") << false;
        QTest::newRow("https in absolute form") << QByteArray("GET https://localhost/ HTTP/1.1\r\n\r\n")
                                                << QByteArray("HTTP/1.1 501 ") << false;
        QTest::newRow("chunked body") << QByteArray("POST http://localhost/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                                      << QByteArray("HTTP/1.1 411 ") << false;
        QTest::newRow("CONNECT with userinfo") << QByteArray("CONNECT user@localhost:443 HTTP/1.1\r\n\r\n")
                                               << QByteArray("HTTP/1.1 400 ") << false;
        QTest::newRow("a head larger than 64 KiB")
            << QByteArray("GET http://localhost/ HTTP/1.1\r\nX-Big: " + QByteArray(proxy::maxHeadSize, 'a'))
            << QByteArray("HTTP/1.1 431 ") << false;
        QTest::newRow("SOCKS without the no-authentication method") << bytes({0x05, 0x01, 0x02}) << bytes({0x05, 0xff}) << true;
        QTest::newRow("SOCKS BIND") << QByteArray(socksGreeting + bytes({0x05, 0x02, 0x00, 0x01, 127, 0, 0, 1, 0x01, 0xbb}))
                                    << QByteArray(socksChosen + proxy::socksReply(proxy::SocksReply::CommandNotSupported))
                                    << true;
        QTest::newRow("SOCKS unknown address type")
            << QByteArray(socksGreeting + bytes({0x05, 0x01, 0x00, 0x09, 1, 2, 3, 4, 0x01, 0xbb}))
            << QByteArray(socksChosen + proxy::socksReply(proxy::SocksReply::AddressTypeNotSupported)) << true;
        QTest::newRow("SOCKS name with NUL")
            << QByteArray(socksGreeting + bytes({0x05, 0x01, 0x00, 0x03, 10}) + "local" + bytes({0}) + "host"
                          + bytes({0x01, 0xbb}))
            << QByteArray(socksChosen + proxy::socksReply(proxy::SocksReply::NotAllowed)) << true;
    }

    void malformedRequests()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, response);
        QFETCH(bool, exact);
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        Client client(*path);
        QVERIFY(client.send(request));
        QVERIFY(client.waitClosed());
        if (exact)
            QCOMPARE(client.received.toHex(' '), response.toHex(' '));
        else
            QVERIFY2(client.received.startsWith(response) && client.received.contains("\r\nX-Gatehouse-Proxy: refused\r\n"),
                     client.received.left(200).constData());
        QCOMPARE(decided.size(), 1);
        QVERIFY(!eventAt(decided, 0).allowed);
    }

    void unreachablePort_data()
    {
        QTest::addColumn<QString>("via");
        QTest::newRow("CONNECT") << QStringLiteral("connect");
        QTest::newRow("plain request") << QStringLiteral("get");
        QTest::newRow("SOCKS") << QStringLiteral("socks");
    }

    void unreachablePort()
    {
        QFETCH(QString, via);
        quint16 closedPort = 0;
        {
            QTcpServer gone;
            QVERIFY(gone.listen(QHostAddress::LocalHost));
            closedPort = gone.serverPort();
        }
        NetworkProxy proxy(rules({QStringLiteral("localhost")}));
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        Client client(*path);
        QVERIFY(client.send(requestVia(via, QStringLiteral("localhost"), closedPort)));
        QVERIFY(client.waitClosed());
        if (via == QStringLiteral("socks"))
            QCOMPARE(client.received.toHex(' '),
                     QByteArray(socksChosen + proxy::socksReply(proxy::SocksReply::ConnectionRefused)).toHex(' '));
        else
            QCOMPARE(client.status(), 502);
        QCOMPARE(decided.size(), 1);
        QVERIFY(!eventAt(decided, 0).allowed);
        QVERIFY2(eventAt(decided, 0).reason.contains(QStringLiteral("could not be reached")),
                 qPrintable(eventAt(decided, 0).reason));
    }

    // ------------------------------------------------------------------------------ the person

    void approvedLocalDestinationsAreRefused_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("via");
        QTest::newRow("localhost approved by the person (CONNECT)") << QStringLiteral("localhost") << QStringLiteral("connect");
        QTest::newRow("localhost approved by the person (GET)") << QStringLiteral("localhost") << QStringLiteral("get");
        QTest::newRow("localhost approved by the person (SOCKS)") << QStringLiteral("localhost") << QStringLiteral("socks");
        QTest::newRow("127.0.0.1") << QStringLiteral("127.0.0.1") << QStringLiteral("connect");
        QTest::newRow("127.0.0.1 by SOCKS address") << QStringLiteral("127.0.0.1") << QStringLiteral("socks");
        QTest::newRow("another loopback address") << QStringLiteral("127.1.2.3") << QStringLiteral("connect");
        QTest::newRow("::1") << QStringLiteral("::1") << QStringLiteral("connect");
        QTest::newRow("::1 by SOCKS address") << QStringLiteral("::1") << QStringLiteral("socks");
        QTest::newRow("IPv4-mapped loopback") << QStringLiteral("::ffff:127.0.0.1") << QStringLiteral("connect");
        QTest::newRow("0.0.0.0") << QStringLiteral("0.0.0.0") << QStringLiteral("connect");
        QTest::newRow("the unspecified IPv6 address") << QStringLiteral("::") << QStringLiteral("connect");
        QTest::newRow("link-local cloud metadata address") << QStringLiteral("169.254.169.254") << QStringLiteral("connect");
        QTest::newRow("IPv6 link-local") << QStringLiteral("fe80::1") << QStringLiteral("connect");
        QTest::newRow("multicast") << QStringLiteral("224.0.0.1") << QStringLiteral("connect");
        QTest::newRow("broadcast") << QStringLiteral("255.255.255.255") << QStringLiteral("socks");
    }

    void approvedLocalDestinationsAreRefused()
    {
        QFETCH(QString, host);
        QFETCH(QString, via);
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        TestApprover approver;
        approver.answer = NetworkAnswer::AllowSession;
        NetworkProxy proxy(rules({QStringLiteral("example.com")}), &approver);
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        Client client(*path);
        QVERIFY(client.send(requestVia(via, host, upstream.port())));
        QVERIFY(client.waitClosed());
        QVERIFY2(isRefusal(via, client), client.received.toHex(' ').constData());
        QCOMPARE(approver.requests.size(), 1); // the person said yes ...
        QCOMPARE(decided.size(), 1);           // ... and the address still says no
        QVERIFY(!eventAt(decided, 0).allowed);
        QVERIFY2(eventAt(decided, 0).reason.contains(QStringLiteral("a loopback or link-local address")),
                 qPrintable(eventAt(decided, 0).reason));
        QCOMPARE(upstream.connectionCount(), 0);
    }

    void approverAnswers_data()
    {
        QTest::addColumn<NetworkAnswer>("answer");
        QTest::addColumn<int>("questions"); // for two connections, one after the other
        QTest::addColumn<QString>("firstReason");
        QTest::addColumn<QString>("secondReason");
        // The host is 127.0.0.1: a connection the person allows is refused for its address,
        // one the person refuses is refused for that; the reason tells which.
        const QString local = QStringLiteral("a loopback or link-local address");
        QTest::newRow("allowed once: asked again") << NetworkAnswer::AllowOnce << 2 << local << local;
        QTest::newRow("allowed for the session: remembered") << NetworkAnswer::AllowSession << 1 << local << local;
        QTest::newRow("always allowed: remembered") << NetworkAnswer::AllowAlways << 1 << local << local;
        QTest::newRow("refused: remembered") << NetworkAnswer::Deny << 1 << QStringLiteral("refused by the person")
                                             << QStringLiteral("127.0.0.1 was refused earlier in this session");
    }

    void approverAnswers()
    {
        QFETCH(NetworkAnswer, answer);
        QFETCH(int, questions);
        QFETCH(QString, firstReason);
        QFETCH(QString, secondReason);
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        TestApprover approver;
        approver.answer = answer;
        NetworkProxy proxy(rules({QStringLiteral("example.com")}), &approver);
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        {
            Client first(*path);
            QVERIFY(first.send(connectRequest(QStringLiteral("127.0.0.1"), upstream.port())));
            QVERIFY(first.waitClosed());
            QCOMPARE(first.status(), 403);
        }
        QCOMPARE(approver.requests.size(), 1);
        const NetworkRequest request = approver.requests.at(0);
        QCOMPARE(request.host, QStringLiteral("127.0.0.1"));
        QCOMPARE(request.port, upstream.port());
        QCOMPARE(request.command, label);
        QVERIFY2(request.reason.contains(QStringLiteral("no rule allows the host 127.0.0.1")), qPrintable(request.reason));
        {
            Client second(*path);
            QVERIFY(second.send(socksGreeting + socksConnect(QStringLiteral("127.0.0.1"), upstream.port())));
            QVERIFY(second.waitClosed());
            QVERIFY(isRefusal(QStringLiteral("socks"), second));
        }
        QCOMPARE(approver.requests.size(), questions);
        QCOMPARE(decided.size(), 2);
        QVERIFY2(eventAt(decided, 0).reason.contains(firstReason), qPrintable(eventAt(decided, 0).reason));
        QVERIFY2(eventAt(decided, 1).reason.contains(secondReason), qPrintable(eventAt(decided, 1).reason));
        QCOMPARE(upstream.connectionCount(), 0);
    }

    void approvedHostIsReached()
    {
        const QHostAddress address = reachableNonLocalAddress();
        if (address.isNull())
            QSKIP("this machine has no address besides loopback and link-local, and the proxy rightly refuses those to "
                  "hosts the person approves; approverAnswers covers the decisions");
        Upstream upstream(Upstream::Mode::Echo, address);
        QVERIFY2(upstream.isListening(), qPrintable(address.toString()));
        const QString host = address.toString();
        TestApprover approver;
        approver.script = {NetworkAnswer::AllowOnce, NetworkAnswer::AllowSession};
        NetworkProxy proxy(rules({QStringLiteral("example.com")}), &approver);
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        const QByteArray established = "HTTP/1.1 200 Connection established\r\n\r\n" + Upstream::greeting;

        // Allowed once: this connection goes through ...
        Client once(*path);
        QVERIFY(once.send(connectRequest(host, upstream.port())));
        QVERIFY2(once.waitFor(established), once.received.constData());
        QCOMPARE(approver.requests.size(), 1);
        // ... and the next one is asked about again: allowed for the session ...
        Client session(*path);
        QVERIFY(session.send(connectRequest(host, upstream.port())));
        QVERIFY2(session.waitFor(established), session.received.constData());
        QCOMPARE(approver.requests.size(), 2);
        // ... which the proxy remembers.
        Client remembered(*path);
        QVERIFY(remembered.send(socksGreeting + socksConnect(host, upstream.port())));
        QVERIFY(remembered.waitFor(socksChosen + proxy::socksReply(proxy::SocksReply::Succeeded) + Upstream::greeting));
        QCOMPARE(approver.requests.size(), 2);
        QCOMPARE(upstream.connectionCount(), 3);
        QCOMPARE(decided.size(), 3);
        for (qsizetype i = 0; i < decided.size(); ++i)
            QVERIFY(eventAt(decided, i).allowed);
    }

    void oneQuestionForConcurrentConnections_data()
    {
        QTest::addColumn<NetworkAnswer>("answer");
        QTest::addColumn<QString>("reason");
        QTest::newRow("refused") << NetworkAnswer::Deny << QStringLiteral("refused by the person");
        QTest::newRow("allowed once (then refused for the address)")
            << NetworkAnswer::AllowOnce << QStringLiteral("a loopback or link-local address");
    }

    void oneQuestionForConcurrentConnections()
    {
        QFETCH(NetworkAnswer, answer);
        QFETCH(QString, reason);
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        TestApprover approver;
        approver.manual = true;
        NetworkProxy proxy(rules({QStringLiteral("example.com")}, {QStringLiteral("denied.example")}), &approver);
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);

        Client first(*path);
        Client second(*path);
        QVERIFY(first.send(connectRequest(QStringLiteral("127.0.0.1"), upstream.port())));
        QVERIFY(second.send(socksGreeting + socksConnect(QStringLiteral("127.0.0.1"), upstream.port())));
        QTRY_COMPARE_WITH_TIMEOUT(approver.requests.size(), 1, timeout);
        // A refusal on the same endpoint, sent after both: once it is answered, the proxy has
        // read both requests (it handles its sockets in order, on one thread).
        Client barrier(*path);
        QVERIFY(barrier.send(connectRequest(QStringLiteral("denied.example"), 443)));
        QVERIFY(barrier.waitClosed());
        QCOMPARE(barrier.status(), 403);
        QCOMPARE(approver.requests.size(), 1);
        QCOMPARE(decided.size(), 1); // the barrier's refusal; the others still wait
        QCOMPARE(first.socket.state(), QLocalSocket::ConnectedState);
        QCOMPARE(second.received, socksChosen);

        approver.answerPending(answer);
        QVERIFY(first.waitClosed());
        QVERIFY(second.waitClosed());
        QCOMPARE(first.status(), 403);
        QVERIFY(isRefusal(QStringLiteral("socks"), second));
        QCOMPARE(approver.requests.size(), 1);
        QCOMPARE(decided.size(), 3);
        for (const qsizetype i : {1, 2})
            QVERIFY2(eventAt(decided, i).reason.contains(reason), qPrintable(eventAt(decided, i).reason));
        QCOMPARE(upstream.connectionCount(), 0);
    }

    void concurrentConnectionsShareTheApproval()
    {
        const QHostAddress address = reachableNonLocalAddress();
        if (address.isNull())
            QSKIP("this machine has no address besides loopback and link-local; oneQuestionForConcurrentConnections "
                  "covers the decision");
        Upstream upstream(Upstream::Mode::Echo, address);
        QVERIFY(upstream.isListening());
        TestApprover approver;
        approver.manual = true;
        NetworkProxy proxy(rules({QStringLiteral("example.com")}, {QStringLiteral("denied.example")}), &approver);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        Client first(*path);
        Client second(*path);
        QVERIFY(first.send(connectRequest(address.toString(), upstream.port())));
        QVERIFY(second.send(connectRequest(address.toString(), upstream.port())));
        QTRY_COMPARE_WITH_TIMEOUT(approver.requests.size(), 1, timeout);
        Client barrier(*path);
        QVERIFY(barrier.send(connectRequest(QStringLiteral("denied.example"), 443)));
        QVERIFY(barrier.waitClosed());
        approver.answerPending(NetworkAnswer::AllowOnce);
        const QByteArray established = "HTTP/1.1 200 Connection established\r\n\r\n" + Upstream::greeting;
        QVERIFY(first.waitFor(established));
        QVERIFY(second.waitFor(established));
        QCOMPARE(approver.requests.size(), 1);
        QCOMPARE(upstream.connectionCount(), 2);
    }

    void questionsNameTheNormalisedHostAndTheCommand()
    {
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        TestApprover approver;
        approver.answer = NetworkAnswer::Deny;
        NetworkProxy proxy(rules({QStringLiteral("example.com")}), &approver);
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const QString otherLabel = QStringLiteral("npm install left-pad");
        const auto first = proxy.openEndpoint(label);
        const auto second = proxy.openEndpoint(otherLabel);
        QVERIFY(first && second);
        {
            Client client(*first);
            QVERIFY(client.send(connectRequest(QStringLiteral("LocalHost."), upstream.port())));
            QVERIFY(client.waitClosed());
        }
        {
            Client client(*second);
            QVERIFY(client.send(connectRequest(QStringLiteral("192.0.2.7"), 8443)));
            QVERIFY(client.waitClosed());
        }
        QCOMPARE(approver.requests.size(), 2);
        QCOMPARE(approver.requests.at(0).host, QStringLiteral("localhost"));
        QCOMPARE(approver.requests.at(0).command, label);
        QCOMPARE(approver.requests.at(1).host, QStringLiteral("192.0.2.7"));
        QCOMPARE(approver.requests.at(1).port, quint16(8443));
        QCOMPARE(approver.requests.at(1).command, otherLabel);
        QCOMPARE(decided.size(), 2);
        QCOMPARE(eventAt(decided, 0).command, label);
        QCOMPARE(eventAt(decided, 0).host, QStringLiteral("LocalHost.")); // as the command named it
        QCOMPARE(eventAt(decided, 1).command, otherLabel);
        // The refusal is remembered under the normalised name, however it is written next.
        {
            Client client(*first);
            QVERIFY(client.send(connectRequest(QStringLiteral("localhost"), upstream.port())));
            QVERIFY(client.waitClosed());
            QCOMPARE(client.status(), 403);
        }
        QCOMPARE(approver.requests.size(), 2);
    }

    void commandLeavingBeforeTheAnswer()
    {
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        TestApprover approver;
        approver.manual = true;
        NetworkProxy proxy(rules({QStringLiteral("example.com")}), &approver);
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        {
            Client leaving(*path);
            QVERIFY(leaving.send(connectRequest(QStringLiteral("127.0.0.1"), upstream.port())));
            QTRY_COMPARE_WITH_TIMEOUT(approver.requests.size(), 1, timeout);
        }
        approver.answerPending(NetworkAnswer::Deny);
        QTRY_COMPARE_WITH_TIMEOUT(approver.delivered, 1, timeout);
        // The answer still counts for the session.
        Client next(*path);
        QVERIFY(next.send(connectRequest(QStringLiteral("127.0.0.1"), upstream.port())));
        QVERIFY(next.waitClosed());
        QCOMPARE(next.status(), 403);
        QCOMPARE(approver.requests.size(), 1);
        QVERIFY(!decided.isEmpty());
        QVERIFY2(eventAt(decided, decided.size() - 1).reason.contains(QStringLiteral("refused earlier in this session")),
                 qPrintable(eventAt(decided, decided.size() - 1).reason));
    }

    // ------------------------------------------------------------------------------ rules that change

    void newRulesCloseTunnelsTheyNoLongerAllow_data()
    {
        QTest::addColumn<QStringList>("allowed");
        QTest::addColumn<QStringList>("denied");
        QTest::addColumn<QString>("why");
        QTest::newRow("the host is denied now") << QStringList{QStringLiteral("127.0.0.1")}
                                                << QStringList{QStringLiteral("localhost")} << QStringLiteral("denied domain localhost");
        QTest::newRow("the entry that allowed it is gone") << QStringList{QStringLiteral("127.0.0.1")} << QStringList{}
                                                           << QStringLiteral("no rule allows localhost any more");
    }

    void newRulesCloseTunnelsTheyNoLongerAllow()
    {
        QFETCH(QStringList, allowed);
        QFETCH(QStringList, denied);
        QFETCH(QString, why);
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        NetworkProxy proxy(rules({QStringLiteral("localhost"), QStringLiteral("127.0.0.1")}));
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        const QByteArray established = "HTTP/1.1 200 Connection established\r\n\r\n" + Upstream::greeting;
        Client closing(*path);
        Client staying(*path);
        QVERIFY(closing.send(connectRequest(QStringLiteral("localhost"), upstream.port())));
        QVERIFY(closing.waitFor(established));
        QVERIFY(staying.send(connectRequest(QStringLiteral("127.0.0.1"), upstream.port())));
        QVERIFY(staying.waitFor(established));
        QCOMPARE(decided.size(), 2);

        proxy.setRules(rules(allowed, denied));
        // The tunnel to the host the rules no longer allow closes at once, on both sides, and says why.
        QVERIFY(closing.waitClosed());
        QTRY_VERIFY_WITH_TIMEOUT(upstream.connection(0).closed, timeout);
        QCOMPARE(decided.size(), 3);
        const ConnectionEvent closed = eventAt(decided, 2);
        QVERIFY(closed.revoked);
        QVERIFY(!closed.allowed);
        QCOMPARE(closed.host, QStringLiteral("localhost"));
        QCOMPARE(closed.port, upstream.port());
        QCOMPARE(closed.command, label);
        QVERIFY2(closed.reason.contains(why), qPrintable(closed.reason));
        // The other one goes on.
        staying.socket.write("still here");
        QVERIFY(staying.waitFor(established + "still here"));
        // The next connection to the host is refused.
        Client next(*path);
        QVERIFY(next.send(connectRequest(QStringLiteral("localhost"), upstream.port())));
        QVERIFY(next.waitClosed());
        QVERIFY(isRefusal(QStringLiteral("connect"), next));
        QCOMPARE(upstream.connectionCount(), 2);
    }

    void newRulesReachWaitingQuestions()
    {
        // A connection waits for the person; the rules change meanwhile and settle it.
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        TestApprover approver;
        approver.manual = true;
        NetworkProxy proxy(rules({}), &approver);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        Client allowedLater(*path);
        QVERIFY(allowedLater.send(connectRequest(QStringLiteral("localhost"), upstream.port())));
        QTRY_COMPARE_WITH_TIMEOUT(approver.requests.size(), 1, timeout);
        proxy.setRules(rules({QStringLiteral("localhost")}));
        QVERIFY(allowedLater.waitFor("HTTP/1.1 200 Connection established\r\n\r\n" + Upstream::greeting));

        Client deniedLater(*path);
        QVERIFY(deniedLater.send(connectRequest(QStringLiteral("127.0.0.1"), upstream.port())));
        QTRY_COMPARE_WITH_TIMEOUT(approver.requests.size(), 2, timeout);
        proxy.setRules(rules({QStringLiteral("localhost")}, {QStringLiteral("127.0.0.1")}));
        QVERIFY(deniedLater.waitClosed());
        QVERIFY(isRefusal(QStringLiteral("connect"), deniedLater));
        // The late answer changes nothing for it.
        approver.answerPending(NetworkAnswer::AllowOnce);
        QTRY_COMPARE_WITH_TIMEOUT(approver.delivered, 2, timeout);
        QCOMPARE(upstream.connectionCount(), 1);
    }

    void refusedHostStaysRefusedWhenARuleAllowsIt()
    {
        // "Deny" is the person's answer for the session: a rule added later does not overturn it.
        Upstream upstream(Upstream::Mode::Echo);
        QVERIFY(upstream.isListening());
        TestApprover approver;
        approver.answer = NetworkAnswer::Deny;
        NetworkProxy proxy(rules({}), &approver);
        const auto path = proxy.openEndpoint(label);
        QVERIFY(path);
        Client first(*path);
        QVERIFY(first.send(connectRequest(QStringLiteral("localhost"), upstream.port())));
        QVERIFY(first.waitClosed());
        QVERIFY(isRefusal(QStringLiteral("connect"), first));
        QCOMPARE(proxy.sessionAnswer(QStringLiteral("LOCALHOST")), std::optional<bool>(false));

        proxy.setRules(rules({QStringLiteral("localhost")}));
        QSignalSpy decided(&proxy, &NetworkProxy::connectionDecided);
        Client second(*path);
        QVERIFY(second.send(connectRequest(QStringLiteral("localhost"), upstream.port())));
        QVERIFY(second.waitClosed());
        QVERIFY(isRefusal(QStringLiteral("connect"), second));
        QCOMPARE(decided.size(), 1);
        QVERIFY(eventAt(decided, 0).reason.contains(QStringLiteral("refused earlier in this session")));
        QCOMPARE(approver.requests.size(), 1);
        QCOMPARE(upstream.connectionCount(), 0);
    }

    void proxyGoneBeforeTheAnswer()
    {
        TestApprover approver;
        approver.manual = true;
        auto proxy = std::make_unique<NetworkProxy>(rules({QStringLiteral("example.com")}), &approver);
        const auto path = proxy->openEndpoint(label);
        QVERIFY(path);
        Client client(*path);
        QVERIFY(client.send(connectRequest(QStringLiteral("127.0.0.1"), 443)));
        QTRY_COMPARE_WITH_TIMEOUT(approver.requests.size(), 1, timeout);
        proxy.reset();
        QVERIFY(client.waitClosed());
        QVERIFY(!QFileInfo::exists(*path));
        // The person answers a question nobody waits for any more.
        approver.answerPending(NetworkAnswer::AllowSession);
        QTRY_COMPARE_WITH_TIMEOUT(approver.delivered, 1, timeout);
    }
};

QTEST_GUILESS_MAIN(TestNetworkProxy)
#include "tst_networkproxy.moc"
