// SPDX-License-Identifier: GPL-3.0-or-later
// A loopback HTTP server for tests/bench/run-sandbox-bench.sh: GET /bytes/N answers N zero bytes,
// written as fast as the client takes them. Prints its port on the first line, serves until its
// standard input closes.
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>

#include <cstdio>
#include <unistd.h>

namespace {

constexpr qint64 chunkSize = 1024 * 1024;

void serve(QTcpSocket *socket)
{
    auto *request = new QByteArray;
    auto *left = new qint64(-1);
    QObject::connect(socket, &QObject::destroyed, socket, [request, left] {
        delete request;
        delete left;
    });
    static const QByteArray zeros(chunkSize, '\0');
    const auto feed = [socket, left] {
        while (*left > 0 && socket->bytesToWrite() < 4 * chunkSize) {
            const qint64 n = qMin(*left, chunkSize);
            socket->write(zeros.constData(), n);
            *left -= n;
        }
        if (*left == 0 && socket->bytesToWrite() == 0)
            socket->disconnectFromHost();
    };
    QObject::connect(socket, &QTcpSocket::bytesWritten, socket, feed);
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, request, left, feed] {
        request->append(socket->readAll());
        if (*left >= 0 || !request->contains("\r\n\r\n"))
            return;
        const QByteArray path = request->split(' ').value(1);
        *left = path.startsWith("/bytes/") ? path.mid(7).toLongLong() : 0;
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\nContent-Length: "
                      + QByteArray::number(*left) + "\r\n\r\n");
        feed();
    });
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost))
        return 1;
    QObject::connect(&server, &QTcpServer::newConnection, &server, [&server] {
        while (QTcpSocket *socket = server.nextPendingConnection())
            serve(socket);
    });
    std::printf("%d\n", server.serverPort());
    std::fflush(stdout);
    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&input, &QSocketNotifier::activated, &app, [&app] {
        char c;
        if (::read(STDIN_FILENO, &c, 1) <= 0)
            app.quit();
    });
    return app.exec();
}
