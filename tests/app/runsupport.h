// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the `gatehouse run` tests share: running the program on a project, and a loopback HTTP
// server that the sandboxed commands reach through the proxy.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTcpServer>

class QTcpSocket;

namespace gatehouse::test {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

/// `gatehouse run OPTIONS -- COMMAND` in @p project; the event loop runs meanwhile, so servers
/// of the test answer the sandboxed command.
Run sandboxed(const QString &project, const QStringList &command, const QStringList &options = {},
              const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
/// Whether the tests run the sandbox's fallback (GATEHOUSE_SANDBOX_STAGING=fallback: no overlays).
bool stagingFallback();
/// Runs git on the host in @p folder, as the person would after a sandboxed command (a fixed
/// identity; the user's configuration and hooks apply): what it prints. Its status does not
/// matter to the escape tests, only what it runs.
QString hostGit(const QString &folder, const QStringList &arguments);
/// The same with `sh -c SCRIPT`.
Run shell(const QString &project, const QString &script, const QStringList &options = {});
/// A file's bytes, or "<missing>".
QByteArray contents(const QString &path);
/// `--allow-domain HOST`.
QStringList allow(const QString &host);
/// The process ids whose command line matches @p pattern (pgrep -f).
QByteArray pgrep(const QString &pattern);
/// Points XDG_RUNTIME_DIR at a runtime folder of this test's own (the sandboxes' lock and record
/// of stand-ins), so that its checks do not depend on the sandboxes of tests ctest -j runs alongside.
bool useOwnRuntimeFolder(const QString &name);
/// This test program copied into @p project (under @p name), to run as a child inside the
/// sandbox: the build folder may lie in the host's /tmp, which the sandbox replaces by its own.
QString childProgram(const QString &project, const QString &name);

/// A plain HTTP server on loopback that answers every request with its body and remembers what
/// it was asked; it answers only while the event loop runs.
class TinyHttpServer final : public QObject
{
public:
    explicit TinyHttpServer(QByteArray body);
    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    quint16 port() const { return m_server.serverPort(); }

    int connections = 0;
    QList<QByteArray> requests;

private:
    QTcpServer m_server;
    QByteArray m_body;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace gatehouse::test
