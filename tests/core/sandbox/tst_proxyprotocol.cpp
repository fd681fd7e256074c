// SPDX-License-Identifier: GPL-3.0-or-later
// The network proxy's two protocols, parsed without any I/O: HTTP/1.x requests (CONNECT and the
// absolute form) and SOCKS5 (SECURITY-MODEL.md section 6). Each trick a command could play on the
// proxy is one row.
#include "sandbox/proxyprotocol.h"

#include "testenv.h"

#include <QTest>

#include <initializer_list>

using namespace gatehouse::sandbox::proxy;
namespace test = gatehouse::test;

namespace {

// Bytes given as numbers, for binary protocol messages (no "\x00e" surprises of C escapes).
QByteArray bytes(std::initializer_list<int> values)
{
    QByteArray result;
    for (const int value : values)
        result.append(static_cast<char>(value));
    return result;
}

QByteArray portBytes(int port)
{
    return bytes({(port >> 8) & 0xff, port & 0xff});
}

QByteArray socksIpv4(int command, std::initializer_list<int> address, int port)
{
    return bytes({0x05, command, 0x00, 0x01}) + bytes(address) + portBytes(port);
}

QByteArray socksIpv6(int command, const QByteArray &address, int port)
{
    return bytes({0x05, command, 0x00, 0x04}) + address + portBytes(port);
}

QByteArray socksDomain(int command, const QByteArray &name, int port)
{
    return bytes({0x05, command, 0x00, 0x03, static_cast<int>(name.size())}) + name + portBytes(port);
}

// 2001:db8::1
QByteArray documentationV6()
{
    return bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01});
}

// @p before, a NUL byte, @p after.
QByteArray withNul(const QByteArray &before, const QByteArray &after)
{
    return before + QByteArray(1, '\0') + after;
}

QByteArray connectRequest(const QByteArray &target)
{
    return "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n";
}

constexpr int connectCommand = 0x01;
constexpr int bindCommand = 0x02;
constexpr int udpAssociateCommand = 0x03;

} // namespace

class TestProxyProtocol final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    // ------------------------------------------------------------------------------ HTTP

    void headEnd_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<int>("end");
        QTest::newRow("nothing yet") << QByteArray() << -1;
        QTest::newRow("request line only") << QByteArray("GET / HTTP/1.1\r\n") << -1;
        QTest::newRow("a header, no empty line yet") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n") << -1;
        QTest::newRow("head complete") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 18;
        QTest::newRow("a body after the head is not part of it") << QByteArray("GET / HTTP/1.1\r\n\r\nbody") << 18;
        QTest::newRow("bare line feeds do not end a head") << QByteArray("GET / HTTP/1.1\n\n") << -1;
        QTest::newRow("the first empty line ends it") << QByteArray("A\r\n\r\nB\r\n\r\n") << 5;
    }

    void headEnd()
    {
        QFETCH(QByteArray, data);
        QFETCH(int, end);
        QCOMPARE(httpHeadEnd(data), qsizetype(end));
    }

    void connectTargets_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        const auto valid = [](const char *name, const QByteArray &target, const QString &host, int port) {
            QTest::newRow(name) << target << true << host << port;
        };
        const auto invalid = [](const char *name, const QByteArray &target) {
            QTest::newRow(name) << target << false << QString() << 0;
        };
        valid("name and port", "example.com:443", QStringLiteral("example.com"), 443);
        valid("name kept as written (rules normalise it)", "Example.COM:8443", QStringLiteral("Example.COM"), 8443);
        valid("IPv4 address", "192.0.2.1:80", QStringLiteral("192.0.2.1"), 80);
        valid("IPv6 address in brackets", "[2001:db8::1]:443", QStringLiteral("2001:db8::1"), 443);
        valid("highest port", "example.com:65535", QStringLiteral("example.com"), 65535);
        invalid("missing port", "example.com");
        invalid("empty port", "example.com:");
        invalid("IPv6 address without a port", "[2001:db8::1]");
        invalid("port 0", "example.com:0");
        invalid("port 65536", "example.com:65536");
        invalid("port with a plus sign", "example.com:+80");
        invalid("negative port", "example.com:-1");
        invalid("port that is a name", "example.com:https");
        invalid("port in hexadecimal", "example.com:0x50");
        invalid("userinfo before the host", "user@example.com:443");
        invalid("userinfo with a password", "user:secret@example.com:443");
        invalid("empty host", ":443");
        invalid("IPv6 address without its closing bracket", "[2001:db8::1:443");
        invalid("a name between brackets", "[example.com]:443");
        invalid("text after the IPv6 brackets", "[2001:db8::1]x:443");
        invalid("NUL in the target", withNul("example.com", ".evil.test:443"));
        invalid("control character in the target", "exa\x01mple.com:443");
        invalid("escape character in the target", "example.com\x1b:443");
        invalid("DEL in the target", "example.com\x7f:443");
    }

    void connectTargets()
    {
        QFETCH(QByteArray, target);
        QFETCH(bool, valid);
        QFETCH(QString, host);
        QFETCH(int, port);
        const QByteArray request = connectRequest(target);
        int status = 0;
        const auto parsed = parseHttpRequest(request, &status);
        QCOMPARE(parsed.has_value(), valid);
        if (!valid) {
            QCOMPARE(status, 400);
            QVERIFY(!parsed.error().message.isEmpty());
            return;
        }
        QVERIFY(parsed->connect);
        QCOMPARE(parsed->target.host, host);
        QCOMPARE(int(parsed->target.port), port);
        QCOMPARE(parsed->headSize, request.size());
        QVERIFY(parsed->forwardHead.isEmpty()); // a tunnel forwards nothing of the head
        QCOMPARE(parsed->bodyLength, qint64(0));
    }

    void connectKeepsWhatFollowsTheHead()
    {
        // A TLS hello sent right behind the CONNECT head is not part of the head.
        const QByteArray head = connectRequest("example.com:443");
        int status = 0;
        const auto parsed = parseHttpRequest(head + "\x16\x03\x01", &status);
        QVERIFY(parsed);
        QCOMPARE(parsed->headSize, head.size());
    }

    void forwardedRequests_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QByteArray>("forwardHead");
        QTest::addColumn<qint64>("bodyLength");

        QTest::newRow("origin-form; query kept, fragment dropped")
            << QByteArray("GET http://example.com/a/b?x=1&y=2#frag HTTP/1.1\r\nUser-Agent: t\r\n\r\n")
            << QStringLiteral("example.com") << 80
            << QByteArray("GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\nConnection: close\r\n\r\n")
            << qint64(0);
        QTest::newRow("no path becomes /") << QByteArray("GET http://example.com HTTP/1.1\r\n\r\n")
                                           << QStringLiteral("example.com") << 80
                                           << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
                                           << qint64(0);
        QTest::newRow("a query without a path gets a slash")
            << QByteArray("GET http://example.com?q=1 HTTP/1.1\r\n\r\n") << QStringLiteral("example.com") << 80
            << QByteArray("GET /?q=1 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("a fragment without a path is dropped")
            << QByteArray("GET http://example.com#top HTTP/1.1\r\n\r\n") << QStringLiteral("example.com") << 80
            << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("a lying Host header is replaced by the URL's host")
            << QByteArray("GET http://example.com/ HTTP/1.1\r\nHost: evil.example\r\nAccept: */*\r\n\r\n")
            << QStringLiteral("example.com") << 80
            << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("headers the Connection header names are removed")
            << QByteArray("GET http://example.com/ HTTP/1.1\r\nConnection: X-Secret, keep-alive\r\nX-Secret: s\r\nX-Kept: k\r\n\r\n")
            << QStringLiteral("example.com") << 80
            << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\nX-Kept: k\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("a Host header in other letters is replaced too")
            << QByteArray("GET http://example.com/ HTTP/1.1\r\nhOsT: evil.example\r\nHOST: evil2.example\r\n\r\n")
            << QStringLiteral("example.com") << 80
            << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("hop-by-hop headers are removed")
            << QByteArray("GET http://example.com/ HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nKeep-Alive: timeout=5\r\n"
                          "TE: trailers\r\nTrailer: Expires\r\nUpgrade: websocket\r\nX-Kept: 1\r\n\r\n")
            << QStringLiteral("example.com") << 80
            << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\nX-Kept: 1\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("Proxy-* headers are removed")
            << QByteArray("GET http://example.com/ HTTP/1.1\r\nProxy-Authorization: Basic c2VjcmV0\r\n"
                          "Proxy-Connection: keep-alive\r\nProxy-Authenticate: Basic\r\nproxy-authorization: Basic eA==\r\n"
                          "Proxy-Token: secret\r\nX-Kept: 1\r\n\r\n")
            << QStringLiteral("example.com") << 80
            << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\nX-Kept: 1\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("the client's own Connection: close is sent once")
            << QByteArray("GET http://example.com/ HTTP/1.1\r\nConnection: close\r\n\r\n") << QStringLiteral("example.com")
            << 80 << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("another port stays in Host")
            << QByteArray("GET http://example.com:8080/x HTTP/1.1\r\n\r\n") << QStringLiteral("example.com") << 8080
            << QByteArray("GET /x HTTP/1.1\r\nHost: example.com:8080\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("port 80 is not repeated in Host")
            << QByteArray("GET http://example.com:80/x HTTP/1.1\r\n\r\n") << QStringLiteral("example.com") << 80
            << QByteArray("GET /x HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("an IPv6 address keeps its brackets in Host")
            << QByteArray("GET http://[2001:db8::1]:8080/ HTTP/1.1\r\n\r\n") << QStringLiteral("2001:db8::1") << 8080
            << QByteArray("GET / HTTP/1.1\r\nHost: [2001:db8::1]:8080\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("an HTTP/1.0 request goes out as HTTP/1.1")
            << QByteArray("GET http://example.com/ HTTP/1.0\r\n\r\n") << QStringLiteral("example.com") << 80
            << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("a scheme in capitals") << QByteArray("GET HTTP://example.com/ HTTP/1.1\r\n\r\n")
                                              << QStringLiteral("example.com") << 80
                                              << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
                                              << qint64(0);
        QTest::newRow("header values are trimmed")
            << QByteArray("GET http://example.com/ HTTP/1.1\r\nX-A:   v  \r\n\r\n") << QStringLiteral("example.com") << 80
            << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\nX-A: v\r\nConnection: close\r\n\r\n") << qint64(0);
        QTest::newRow("a body's Content-Length is kept and taken")
            << QByteArray("POST http://example.com/up HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world")
            << QStringLiteral("example.com") << 80
            << QByteArray("POST /up HTTP/1.1\r\nHost: example.com\r\nContent-Length: 11\r\nConnection: close\r\n\r\n")
            << qint64(11);
        QTest::newRow("a repeated, equal Content-Length")
            << QByteArray("PUT http://example.com/ HTTP/1.1\r\nContent-Length: 4\r\ncontent-length: 4\r\n\r\nbody")
            << QStringLiteral("example.com") << 80
            << QByteArray("PUT / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 4\r\ncontent-length: 4\r\n"
                          "Connection: close\r\n\r\n")
            << qint64(4);
    }

    void forwardedRequests()
    {
        QFETCH(QByteArray, request);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QByteArray, forwardHead);
        QFETCH(qint64, bodyLength);
        int status = 0;
        const auto parsed = parseHttpRequest(request, &status);
        QVERIFY2(parsed.has_value(), parsed ? "" : qPrintable(parsed.error().message));
        QVERIFY(!parsed->connect);
        QCOMPARE(parsed->target.host, host);
        QCOMPARE(int(parsed->target.port), port);
        QCOMPARE(parsed->forwardHead, forwardHead);
        QCOMPARE(parsed->bodyLength, bodyLength);
        QCOMPARE(parsed->headSize, httpHeadEnd(request)); // the body is not part of the head
    }

    void refusedRequests_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        const auto row = [](const char *name, const QByteArray &request, int status) {
            QTest::newRow(name) << request << status;
        };
        row("https in absolute form (it goes through CONNECT)", "GET https://example.com/ HTTP/1.1\r\n\r\n", 501);
        row("origin form, without an absolute URL", "GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n", 400);
        row("another scheme", "GET ftp://example.com/ HTTP/1.1\r\n\r\n", 400);
        row("a tab in the request target", "GET http://example.com/a\tb HTTP/1.1\r\n\r\n", 400);
        row("an empty method", " http://example.com/ HTTP/1.1\r\n\r\n", 400);
        row("chunked Transfer-Encoding", "POST http://example.com/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411);
        row("a list of transfer codings",
            "POST http://example.com/ HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 411);
        row("Transfer-Encoding beside Content-Length",
            "POST http://example.com/ HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 411);
        row("conflicting Content-Length",
            "POST http://example.com/ HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400);
        row("negative Content-Length", "POST http://example.com/ HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400);
        row("Content-Length that is not a number", "POST http://example.com/ HTTP/1.1\r\nContent-Length: five\r\n\r\n", 400);
        row("Content-Length as a list", "POST http://example.com/ HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n", 400);
        row("userinfo in the URL", "GET http://user@example.com/ HTTP/1.1\r\n\r\n", 400);
        row("user and password in the URL", "GET http://user:secret@example.com/ HTTP/1.1\r\n\r\n", 400);
        row("URL without a host", "GET http:///x HTTP/1.1\r\n\r\n", 400);
        row("URL with port 0", "GET http://example.com:0/ HTTP/1.1\r\n\r\n", 400);
        row("URL with port 65536", "GET http://example.com:65536/ HTTP/1.1\r\n\r\n", 400);
        row("URL with port +80", "GET http://example.com:+80/ HTTP/1.1\r\n\r\n", 400);
        row("NUL in the URL", withNul("GET http://example.com", ".evil/ HTTP/1.1\r\n\r\n"), 400);
        row("control character in the URL path", "GET http://example.com/a\x01 HTTP/1.1\r\n\r\n", 400);
        row("a method in small letters", "get http://example.com/ HTTP/1.1\r\n\r\n", 400);
        row("a method with digits", "G3T http://example.com/ HTTP/1.1\r\n\r\n", 400);
        row("HTTP/2 request line", "GET http://example.com/ HTTP/2\r\n\r\n", 400);
        row("an extra space in the request line", "GET  http://example.com/ HTTP/1.1\r\n\r\n", 400);
        row("a request line without a version", "GET http://example.com/\r\n\r\n", 400);
        row("a header line without a colon", "GET http://example.com/ HTTP/1.1\r\nX-Broken\r\n\r\n", 400);
        row("a folded header line", "GET http://example.com/ HTTP/1.1\r\nX-A: 1\r\n  continued\r\n\r\n", 400);
        row("a space before the colon", "GET http://example.com/ HTTP/1.1\r\nHost : evil.example\r\n\r\n", 400);
        row("an empty header name", "GET http://example.com/ HTTP/1.1\r\n: x\r\n\r\n", 400);
        row("NUL in a header value", withNul("GET http://example.com/ HTTP/1.1\r\nX-A: a", "b\r\n\r\n"), 400);
        row("a bare CR in a header value", "GET http://example.com/ HTTP/1.1\r\nX-A: a\rHost: evil\r\n\r\n", 400);
        row("CONNECT without a port", connectRequest("example.com"), 400);
        row("an incomplete head", "GET http://example.com/ HTTP/1.1\r\n", 400);
    }

    void refusedRequests()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        int answered = 0;
        const auto parsed = parseHttpRequest(request, &answered);
        QVERIFY(!parsed.has_value());
        QCOMPARE(answered, status);
        QVERIFY(!parsed.error().message.isEmpty());
    }

    void errorResponses_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("statusLine");
        QTest::newRow("400") << 400 << QByteArray("HTTP/1.1 400 Bad Request\r\n");
        QTest::newRow("403") << 403 << QByteArray("HTTP/1.1 403 Forbidden\r\n");
        QTest::newRow("405") << 405 << QByteArray("HTTP/1.1 405 Method Not Allowed\r\n");
        QTest::newRow("411") << 411 << QByteArray("HTTP/1.1 411 Length Required\r\n");
        QTest::newRow("431") << 431 << QByteArray("HTTP/1.1 431 Request Header Fields Too Large\r\n");
        QTest::newRow("501") << 501 << QByteArray("HTTP/1.1 501 Not Implemented\r\n");
        QTest::newRow("502") << 502 << QByteArray("HTTP/1.1 502 Bad Gateway\r\n");
        QTest::newRow("504") << 504 << QByteArray("HTTP/1.1 504 Gateway Timeout\r\n");
        QTest::newRow("a status without a phrase of its own") << 418 << QByteArray("HTTP/1.1 418 Error\r\n");
    }

    void errorResponses()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, statusLine);
        const QString message = QStringLiteral("Gatehouse: b\u00fccher.example is not allowed");
        const QByteArray response = httpError(status, message);
        QVERIFY2(response.startsWith(statusLine), response.constData());
        const qsizetype end = httpHeadEnd(response);
        QVERIFY(end > 0);
        const QByteArray head = response.left(end);
        const QByteArray body = response.mid(end);
        QCOMPARE(body, QByteArray(message.toUtf8() + '\n'));
        QVERIFY(head.contains("\r\nConnection: close\r\n"));
        QVERIFY(head.contains("\r\nX-Gatehouse-Proxy: refused\r\n"));
        QVERIFY(head.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"));
        // Content-Length counts bytes, not characters.
        QVERIFY(head.contains(QByteArray("\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n")));
    }

    // ------------------------------------------------------------------------------ SOCKS5

    void socksGreeting_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<int>("taken");
        QTest::newRow("nothing yet") << QByteArray() << true << 0;
        QTest::newRow("the version alone") << bytes({0x05}) << true << 0;
        QTest::newRow("methods still to come") << bytes({0x05, 0x02, 0x00}) << true << 0;
        QTest::newRow("no authentication offered") << bytes({0x05, 0x01, 0x00}) << true << 3;
        QTest::newRow("no authentication among others") << bytes({0x05, 0x03, 0x01, 0x02, 0x00}) << true << 5;
        QTest::newRow("a request behind the greeting is not taken")
            << QByteArray(bytes({0x05, 0x01, 0x00}) + socksIpv4(connectCommand, {192, 0, 2, 1}, 443)) << true << 3;
        QTest::newRow("SOCKS4") << bytes({0x04, 0x01, 0x00}) << false << 0;
        QTest::newRow("an HTTP request") << QByteArray("GET http://example.com/ HTTP/1.1\r\n") << false << 0;
        QTest::newRow("only username and password") << bytes({0x05, 0x01, 0x02}) << false << 0;
        QTest::newRow("only GSSAPI and username and password") << bytes({0x05, 0x02, 0x01, 0x02}) << false << 0;
        QTest::newRow("no methods at all") << bytes({0x05, 0x00}) << false << 0;
    }

    void socksGreeting()
    {
        QFETCH(QByteArray, data);
        QFETCH(bool, valid);
        QFETCH(int, taken);
        const auto parsed = parseSocksGreeting(data);
        QCOMPARE(parsed.has_value(), valid);
        if (valid)
            QCOMPARE(*parsed, qsizetype(taken));
        else
            QVERIFY(!parsed.error().message.isEmpty());
    }

    void socksRequest_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<int>("reply");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<int>("size");
        const auto valid = [](const char *name, const QByteArray &data, const QString &host, int port, int size) {
            QTest::newRow(name) << data << true << 0 << host << port << size;
        };
        const auto incomplete = [](const char *name, const QByteArray &data) {
            QTest::newRow(name) << data << true << 0 << QString() << 0 << 0;
        };
        const auto invalid = [](const char *name, const QByteArray &data, SocksReply reply) {
            QTest::newRow(name) << data << false << int(reply) << QString() << 0 << 0;
        };
        valid("IPv4 address", socksIpv4(connectCommand, {192, 0, 2, 1}, 443), QStringLiteral("192.0.2.1"), 443, 10);
        valid("bytes behind the request are not taken", socksIpv4(connectCommand, {192, 0, 2, 1}, 443) + "\x16\x03",
              QStringLiteral("192.0.2.1"), 443, 10);
        valid("IPv6 address", socksIpv6(connectCommand, documentationV6(), 80), QStringLiteral("2001:db8::1"), 80, 22);
        valid("domain name", socksDomain(connectCommand, "example.com", 443), QStringLiteral("example.com"), 443, 18);
        valid("highest port", socksDomain(connectCommand, "example.com", 65535), QStringLiteral("example.com"), 65535, 18);

        incomplete("nothing yet", QByteArray());
        incomplete("four bytes", bytes({0x05, 0x01, 0x00, 0x01}));
        incomplete("IPv4 address without the port", socksIpv4(connectCommand, {192, 0, 2, 1}, 443).chopped(2));
        incomplete("IPv4 address with half the port", socksIpv4(connectCommand, {192, 0, 2, 1}, 443).chopped(1));
        incomplete("IPv6 address cut short", socksIpv6(connectCommand, documentationV6(), 80).left(12));
        incomplete("domain name cut short", socksDomain(connectCommand, "example.com", 443).left(9));
        incomplete("domain name without the port", socksDomain(connectCommand, "example.com", 443).chopped(2));
        incomplete("BIND still incomplete", socksIpv4(bindCommand, {192, 0, 2, 1}, 443).left(7));

        invalid("domain name containing NUL", socksDomain(connectCommand, withNul("example.com", ".evil.test"), 443),
                SocksReply::NotAllowed);
        invalid("domain name with a control character", socksDomain(connectCommand, "exa\x01mple.com", 443),
                SocksReply::NotAllowed);
        invalid("domain name with a line feed", socksDomain(connectCommand, "example.com\nevil.test", 443),
                SocksReply::NotAllowed);
        invalid("domain name with DEL", socksDomain(connectCommand, "example.com\x7f", 443), SocksReply::NotAllowed);
        invalid("empty domain name", socksDomain(connectCommand, QByteArray(), 443), SocksReply::NotAllowed);
        invalid("BIND", socksIpv4(bindCommand, {192, 0, 2, 1}, 443), SocksReply::CommandNotSupported);
        invalid("UDP ASSOCIATE", socksDomain(udpAssociateCommand, "example.com", 53), SocksReply::CommandNotSupported);
        invalid("unknown command", socksIpv4(0x09, {192, 0, 2, 1}, 443), SocksReply::CommandNotSupported);
        invalid("unknown address type", bytes({0x05, 0x01, 0x00, 0x05, 1, 2, 3, 4, 0x01, 0xbb}),
                SocksReply::AddressTypeNotSupported);
        invalid("port 0", socksIpv4(connectCommand, {192, 0, 2, 1}, 0), SocksReply::NotAllowed);
        invalid("port 0 with a name", socksDomain(connectCommand, "example.com", 0), SocksReply::NotAllowed);
        invalid("not version 5", bytes({0x04, 0x01, 0x00, 0x01, 192, 0, 2, 1, 0x01, 0xbb}), SocksReply::GeneralFailure);
        invalid("reserved byte set", bytes({0x05, 0x01, 0x01, 0x01, 192, 0, 2, 1, 0x01, 0xbb}), SocksReply::GeneralFailure);
    }

    void socksRequest()
    {
        QFETCH(QByteArray, data);
        QFETCH(bool, valid);
        QFETCH(int, reply);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(int, size);
        SocksReply code = SocksReply::Succeeded;
        const auto parsed = parseSocksRequest(data, &code);
        QCOMPARE(parsed.has_value(), valid);
        if (!valid) {
            QCOMPARE(int(code), reply);
            QVERIFY(!parsed.error().message.isEmpty());
            return;
        }
        QCOMPARE(parsed->size, qsizetype(size));
        QCOMPARE(parsed->target.host, host);
        QCOMPARE(int(parsed->target.port), port);
    }

    void socksReplies_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QByteArray>("reply");
        const QByteArray bound = bytes({0x00, 0x01, 0, 0, 0, 0, 0, 0}); // RSV, IPv4, 0.0.0.0, port 0
        QTest::newRow("succeeded") << int(SocksReply::Succeeded) << QByteArray(bytes({0x05, 0x00}) + bound);
        QTest::newRow("general failure") << int(SocksReply::GeneralFailure) << QByteArray(bytes({0x05, 0x01}) + bound);
        QTest::newRow("not allowed") << int(SocksReply::NotAllowed) << QByteArray(bytes({0x05, 0x02}) + bound);
        QTest::newRow("host unreachable") << int(SocksReply::HostUnreachable) << QByteArray(bytes({0x05, 0x04}) + bound);
        QTest::newRow("connection refused") << int(SocksReply::ConnectionRefused) << QByteArray(bytes({0x05, 0x05}) + bound);
        QTest::newRow("command not supported") << int(SocksReply::CommandNotSupported) << QByteArray(bytes({0x05, 0x07}) + bound);
        QTest::newRow("address type not supported") << int(SocksReply::AddressTypeNotSupported) << QByteArray(bytes({0x05, 0x08}) + bound);
    }

    void socksReplies()
    {
        QFETCH(int, code);
        QFETCH(QByteArray, reply);
        const QByteArray made = socksReply(static_cast<SocksReply>(code));
        QCOMPARE(made.size(), qsizetype(10));
        QCOMPARE(made.toHex(' '), reply.toHex(' '));
    }
};

QTEST_GUILESS_MAIN(TestProxyProtocol)
#include "tst_proxyprotocol.moc"
