// SPDX-License-Identifier: GPL-3.0-or-later
#include "runsupport.h"
#include "testenv.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTcpSocket>
#include <QTest>

namespace gatehouse::test {

Run sandboxed(const QString &project, const QStringList &command, const QStringList &options,
              const QProcessEnvironment &env)
{
    QProcess process;
    process.setWorkingDirectory(project);
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(GATEHOUSE_BINARY),
                  QStringList{QStringLiteral("run")} + options + QStringList{QStringLiteral("--")} + command);
    // The event loop runs meanwhile: servers of this test answer the sandboxed command.
    if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, 60000))
        process.kill();
    process.waitForFinished();
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

Run shell(const QString &project, const QString &script, const QStringList &options)
{
    return sandboxed(project, {QStringLiteral("sh"), QStringLiteral("-c"), script}, options);
}

bool stagingFallback()
{
    return qEnvironmentVariable("GATEHOUSE_SANDBOX_STAGING") == QStringLiteral("fallback");
}

QString hostGit(const QString &folder, const QStringList &arguments)
{
    QProcess git;
    git.setWorkingDirectory(folder);
    git.setProcessChannelMode(QProcess::MergedChannels);
    git.start(QStringLiteral("git"), QStringList{QStringLiteral("-c"), QStringLiteral("user.name=Host"), QStringLiteral("-c"),
                                                 QStringLiteral("user.email=host@example.com")}
                                         + arguments);
    git.waitForFinished(60000);
    return QString::fromUtf8(git.readAll());
}

QByteArray contents(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
}

TinyHttpServer::TinyHttpServer(QByteArray body)
: m_body(std::move(body))
{
    QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            ++connections;
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                QByteArray &buffer = m_buffers[socket];
                buffer += socket->readAll();
                if (!buffer.contains("\r\n\r\n"))
                    return;
                requests << buffer;
                socket->write("HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(m_body.size())
                              + "\r\nConnection: close\r\n\r\n" + m_body);
                socket->disconnectFromHost();
            });
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    });
}

QStringList allow(const QString &host)
{
    return {QStringLiteral("--allow-domain"), host};
}

QByteArray pgrep(const QString &pattern)
{
    QProcess process;
    process.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), pattern});
    process.waitForFinished();
    return process.readAllStandardOutput().trimmed();
}

bool useOwnRuntimeFolder(const QString &name)
{
    const QString runtime = scratchRoot() + QStringLiteral("/runtime-") + name;
    if (!QDir().mkpath(runtime) || !QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
        return false;
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime));
    return true;
}

QString childProgram(const QString &project, const QString &name)
{
    const QString self = project + u'/' + name;
    if (!QFileInfo::exists(self))
        QFile::copy(QCoreApplication::applicationFilePath(), self);
    return self;
}

} // namespace gatehouse::test
