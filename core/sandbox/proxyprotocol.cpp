// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/proxyprotocol.h"

#include <QHostAddress>
#include <QList>
#include <QUrl>

namespace gatehouse::sandbox::proxy {
namespace {

// Header names a proxy consumes (every Proxy-* header) or that only concern one hop (RFC 9110
// section 7.6.1).
bool hopByHop(const QByteArray &lowerName)
{
    return lowerName.startsWith("proxy-") || lowerName == "connection" || lowerName == "keep-alive"
           || lowerName == "te" || lowerName == "trailer" || lowerName == "upgrade" || lowerName == "host";
}

bool hasControlCharacters(const QByteArray &text)
{
    for (const char c : text)
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
            return true;
    return false;
}

// "host:port", "[v6]:port"; the port is required (CONNECT) unless @p defaultPort is given.
Expected<Target> parseAuthority(const QByteArray &authority, quint16 defaultPort)
{
    QByteArray host = authority;
    QByteArray port;
    if (authority.startsWith('[')) {
        const qsizetype close = authority.indexOf(']');
        if (close < 0)
            return fail(QStringLiteral("an IPv6 address without its closing bracket"));
        host = authority.mid(1, close - 1);
        const QByteArray rest = authority.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(':'))
                return fail(QStringLiteral("text after an IPv6 address"));
            port = rest.mid(1);
        }
        if (QHostAddress(QString::fromLatin1(host)).protocol() != QAbstractSocket::IPv6Protocol)
            return fail(QStringLiteral("not an IPv6 address between brackets"));
    } else if (const qsizetype colon = authority.lastIndexOf(':'); colon >= 0) {
        host = authority.left(colon);
        port = authority.mid(colon + 1);
    }
    if (host.isEmpty() || hasControlCharacters(host) || host.contains('@'))
        return fail(QStringLiteral("no valid host name"));
    Target target;
    target.host = QString::fromUtf8(host);
    if (port.isEmpty()) {
        if (defaultPort == 0)
            return fail(QStringLiteral("no port"));
        target.port = defaultPort;
        return target;
    }
    bool ok = false;
    const uint number = port.toUInt(&ok);
    if (!ok || number == 0 || number > 65535 || port.startsWith('+'))
        return fail(QStringLiteral("not a valid port: %1").arg(QString::fromLatin1(port)));
    target.port = static_cast<quint16>(number);
    return target;
}

QString reasonPhrase(int status)
{
    switch (status) {
    case 400: return QStringLiteral("Bad Request");
    case 403: return QStringLiteral("Forbidden");
    case 405: return QStringLiteral("Method Not Allowed");
    case 411: return QStringLiteral("Length Required");
    case 431: return QStringLiteral("Request Header Fields Too Large");
    case 501: return QStringLiteral("Not Implemented");
    case 502: return QStringLiteral("Bad Gateway");
    case 504: return QStringLiteral("Gateway Timeout");
    default: return QStringLiteral("Error");
    }
}

} // namespace

qsizetype httpHeadEnd(const QByteArray &data)
{
    const qsizetype end = data.indexOf("\r\n\r\n");
    return end < 0 ? -1 : end + 4;
}

Expected<HttpRequest> parseHttpRequest(const QByteArray &data, int *status)
{
    *status = 400;
    const qsizetype end = httpHeadEnd(data);
    if (end < 0)
        return fail(QStringLiteral("the request head is incomplete"));
    const QList<QByteArray> lines = data.left(end - 4).split('\n');
    QByteArray requestLine = lines.first();
    if (requestLine.endsWith('\r'))
        requestLine.chop(1);
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !parts.at(2).startsWith("HTTP/1."))
        return fail(QStringLiteral("not an HTTP/1 request line"));
    const QByteArray &method = parts.at(0);
    const QByteArray &target = parts.at(1);
    if (method.isEmpty())
        return fail(QStringLiteral("not an HTTP method"));
    for (const char c : method)
        if (!(c >= 'A' && c <= 'Z') && c != '-')
            return fail(QStringLiteral("not an HTTP method"));
    if (target.isEmpty() || hasControlCharacters(target) || target.contains('\t'))
        return fail(QStringLiteral("control characters in the request target"));

    HttpRequest request;
    request.headSize = end;
    // Headers (names checked; values kept as they are).
    QList<QPair<QByteArray, QByteArray>> headers;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (line.endsWith('\r'))
            line.chop(1);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || line.at(0) == ' ' || line.at(0) == '\t')
            return fail(QStringLiteral("a malformed header line"));
        const QByteArray name = line.left(colon);
        for (const char c : name)
            if (c <= 0x20 || c >= 0x7f || c == '(' || c == ')' || c == ',' || c == '/' || c == ':' || c == ';' || c == '<'
                || c == '=' || c == '>' || c == '?' || c == '@' || c == '[' || c == '\\' || c == ']' || c == '{' || c == '}'
                || c == '"')
                return fail(QStringLiteral("a malformed header name"));
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (value.contains('\0') || value.contains('\r'))
            return fail(QStringLiteral("a header value with control characters"));
        headers.append({name, value});
    }

    if (method == "CONNECT") {
        auto authority = parseAuthority(target, 0);
        if (!authority)
            return fail(QStringLiteral("CONNECT needs host:port (%1)").arg(authority.error().message));
        request.connect = true;
        request.target = *authority;
        return request;
    }

    // A plain request must name its server: absolute form, http only (https goes through CONNECT).
    if (!target.startsWith("http://") && !target.startsWith("HTTP://")) {
        if (target.startsWith("https://")) {
            *status = 501;
            return fail(QStringLiteral("https requests go through CONNECT"));
        }
        return fail(QStringLiteral("a proxy request needs an absolute http:// URL"));
    }
    const qsizetype authorityStart = 7;
    qsizetype authorityEnd = target.size();
    for (const char stop : {'/', '?', '#'})
        if (const qsizetype at = target.indexOf(stop, authorityStart); at >= 0 && at < authorityEnd)
            authorityEnd = at;
    auto authority = parseAuthority(target.mid(authorityStart, authorityEnd - authorityStart), 80);
    if (!authority)
        return fail(QStringLiteral("the URL names no valid server (%1)").arg(authority.error().message));
    request.target = *authority;
    QByteArray path = target.mid(authorityEnd);
    if (const qsizetype hash = path.indexOf('#'); hash >= 0)
        path.truncate(hash);
    if (path.isEmpty() || path.startsWith('?'))
        path.prepend('/');

    bool chunked = false;
    bool haveLength = false;
    for (const auto &[name, value] : std::as_const(headers)) {
        const QByteArray lower = name.toLower();
        if (lower == "transfer-encoding") {
            chunked = true;
        } else if (lower == "content-length") {
            bool ok = false;
            const qint64 length = value.toLongLong(&ok);
            if (!ok || length < 0 || (haveLength && length != request.bodyLength))
                return fail(QStringLiteral("an invalid Content-Length"));
            request.bodyLength = length;
            haveLength = true;
        }
    }
    if (chunked) {
        // The end of a chunked body needs a parser of its own; without it, bytes after the body
        // could carry a second request to another server past the check.
        *status = 411;
        return fail(QStringLiteral("request bodies without Content-Length are not forwarded"));
    }
    QByteArray head = method + ' ' + path + " HTTP/1.1\r\nHost: ";
    const bool ipv6 = request.target.host.contains(u':');
    head += ipv6 ? '[' + request.target.host.toUtf8() + ']' : request.target.host.toUtf8();
    if (request.target.port != 80)
        head += ':' + QByteArray::number(request.target.port);
    head += "\r\n";
    // Headers that the Connection header names concern this hop only, too (RFC 9110 7.6.1).
    QList<QByteArray> connectionNamed;
    for (const auto &[name, value] : std::as_const(headers))
        if (name.toLower() == "connection")
            for (const QByteArray &token : value.split(','))
                connectionNamed << token.trimmed().toLower();
    for (const auto &[name, value] : std::as_const(headers))
        if (!hopByHop(name.toLower()) && !connectionNamed.contains(name.toLower()))
            head += name + ": " + value + "\r\n";
    head += "Connection: close\r\n\r\n";
    request.forwardHead = head;
    return request;
}

QByteArray httpError(int status, const QString &message)
{
    const QByteArray body = message.toUtf8() + '\n';
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status).toLatin1()
           + "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: "
           + QByteArray::number(body.size()) + "\r\nX-Gatehouse-Proxy: refused\r\n\r\n" + body;
}

Expected<qsizetype> parseSocksGreeting(const QByteArray &data)
{
    if (data.size() < 2)
        return 0;
    if (data.at(0) != 0x05)
        return fail(QStringLiteral("not SOCKS version 5"));
    const int methods = static_cast<unsigned char>(data.at(1));
    if (data.size() < 2 + methods)
        return 0;
    if (!data.mid(2, methods).contains('\0'))
        return fail(QStringLiteral("the client offers no SOCKS method without authentication"));
    return 2 + methods;
}

Expected<SocksRequest> parseSocksRequest(const QByteArray &data, SocksReply *reply)
{
    *reply = SocksReply::GeneralFailure;
    if (data.size() < 5)
        return SocksRequest{};
    if (data.at(0) != 0x05 || data.at(2) != 0x00)
        return fail(QStringLiteral("a malformed SOCKS5 request"));
    const auto bytes = reinterpret_cast<const unsigned char *>(data.constData());
    qsizetype addressEnd = 0;
    SocksRequest request;
    switch (bytes[3]) {
    case 0x01: // IPv4
        addressEnd = 4 + 4;
        if (data.size() < addressEnd + 2)
            return SocksRequest{};
        request.target.host = QHostAddress((quint32(bytes[4]) << 24) | (quint32(bytes[5]) << 16)
                                           | (quint32(bytes[6]) << 8) | bytes[7])
                                  .toString();
        break;
    case 0x03: { // a name, resolved on this side
        const int length = bytes[4];
        addressEnd = 5 + length;
        if (data.size() < addressEnd + 2)
            return SocksRequest{};
        const QByteArray name = data.mid(5, length);
        if (length == 0 || hasControlCharacters(name) || name.contains('\0')) {
            *reply = SocksReply::NotAllowed;
            return fail(QStringLiteral("a host name with NUL or control characters"));
        }
        request.target.host = QString::fromUtf8(name);
        break;
    }
    case 0x04: { // IPv6
        addressEnd = 4 + 16;
        if (data.size() < addressEnd + 2)
            return SocksRequest{};
        Q_IPV6ADDR address;
        for (int i = 0; i < 16; ++i)
            address[i] = bytes[4 + i];
        request.target.host = QHostAddress(address).toString();
        break;
    }
    default:
        *reply = SocksReply::AddressTypeNotSupported;
        return fail(QStringLiteral("an unknown SOCKS address type"));
    }
    if (bytes[1] != 0x01) {
        *reply = SocksReply::CommandNotSupported;
        return fail(QStringLiteral("only SOCKS CONNECT is supported"));
    }
    request.target.port = static_cast<quint16>((bytes[addressEnd] << 8) | bytes[addressEnd + 1]);
    if (request.target.port == 0) {
        *reply = SocksReply::NotAllowed;
        return fail(QStringLiteral("port 0"));
    }
    request.size = addressEnd + 2;
    return request;
}

QByteArray socksReply(SocksReply code)
{
    return QByteArray("\x05", 1) + static_cast<char>(code) + QByteArray("\x00\x01\x00\x00\x00\x00\x00\x00", 8);
}

} // namespace gatehouse::sandbox::proxy
