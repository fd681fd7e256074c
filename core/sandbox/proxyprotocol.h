// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QByteArray>
#include <QString>

/// The two protocols the sandbox's network proxy speaks, parsed without any I/O so that each
/// trick can be tested on its own: HTTP/1.x requests (CONNECT, and plain requests in absolute
/// form) and SOCKS5 (CONNECT only, no authentication).
namespace gatehouse::sandbox::proxy {

/// The most a request head (request line and headers) may take.
inline constexpr qsizetype maxHeadSize = 64 * 1024;

struct Target
{
    QString host; ///< as the client named it (an IP address without brackets, or a name)
    quint16 port = 0;
};

struct HttpRequest
{
    bool connect = false; ///< CONNECT host:port (a tunnel), else a plain request to forward
    Target target;
    /// For a plain request: the head to send to the server (origin-form request line, the Host
    /// header of the target, hop-by-hop and Proxy-* headers removed, "Connection: close").
    QByteArray forwardHead;
    /// The request body's length (Content-Length); no more than that is forwarded.
    qint64 bodyLength = 0;
    qsizetype headSize = 0; ///< bytes of the input the head took
};

/// Where the head of an HTTP request ends in @p data (after "\r\n\r\n"), or -1 if not yet.
qsizetype httpHeadEnd(const QByteArray &data);

/// Parses a complete request head (@p data holds at least httpHeadEnd() bytes). Errors say what
/// was wrong and carry the HTTP status to answer in @p status (400, 405, 411, 501).
Expected<HttpRequest> parseHttpRequest(const QByteArray &data, int *status);

/// A short HTTP response that closes the connection, with @p message as its plain-text body.
QByteArray httpError(int status, const QString &message);

/// SOCKS5: the greeting (VER NMETHODS METHODS). Returns the bytes it took, 0 when incomplete,
/// or an error when it is not SOCKS5 or offers no "no authentication" method.
Expected<qsizetype> parseSocksGreeting(const QByteArray &data);

struct SocksRequest
{
    Target target;
    qsizetype size = 0; ///< bytes of the input the request took
};

/// SOCKS5 reply codes used here.
enum class SocksReply : char {
    Succeeded = 0x00,
    GeneralFailure = 0x01,
    NotAllowed = 0x02,
    HostUnreachable = 0x04,
    ConnectionRefused = 0x05,
    CommandNotSupported = 0x07,
    AddressTypeNotSupported = 0x08,
};

/// SOCKS5: the request (VER CMD RSV ATYP DST.ADDR DST.PORT). size 0 when incomplete; an error
/// carries the reply code to send in @p reply.
Expected<SocksRequest> parseSocksRequest(const QByteArray &data, SocksReply *reply);

/// The reply to a SOCKS5 request (bound address 0.0.0.0:0).
QByteArray socksReply(SocksReply code);

} // namespace gatehouse::sandbox::proxy
