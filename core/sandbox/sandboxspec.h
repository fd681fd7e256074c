// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandbox/sandboxenvironment.h"

#include <QString>
#include <QStringList>

namespace gatehouse::policy {
class Policy;
}

/// What a sandboxed command may see and do (SECURITY-MODEL.md section 6).
namespace gatehouse::sandbox {

struct SandboxSpec
{
    /// The project folder (canonical); the command starts there unless workingDirectory is set.
    QString projectDir;
    /// Folders the command may write: the project, additional directories, sandbox.filesystem.allowWrite.
    QStringList writableFolders;
    /// Paths the command may not read (the default credential stores and sandbox.filesystem.denyRead).
    /// On Linux, home is hidden whole anyway (homeview.h); these matter outside it, and inside
    /// what the home view shows.
    QStringList denyRead;
    /// Paths shown read-only although they lie in the hidden home (sandbox.filesystem.allowRead).
    QStringList allowRead;
    /// The home folder to hide and show a view of; empty: $HOME.
    QString homeDir;
    /// Where the command starts (must lie inside a writable folder); empty: the project.
    QString workingDirectory;
    /// Seconds before the command and everything it started are killed (exit 124); 0: no limit.
    int timeoutSeconds = 0;
    /// Variables passed besides defaultEnvironmentAllow() (sandbox.environment.allow): names and
    /// NAME_PREFIX* patterns; a value carrying a credential never passes (sandboxEnvironment()).
    QStringList environmentAllow;
    /// The network proxy's Unix socket for this command (NetworkProxy::openEndpoint); empty: no
    /// network at all. Inside, the helper serves it on 127.0.0.1:proxyPort and the proxy
    /// variables point there.
    QString proxySocket;
    quint16 proxyPort = 3128;
    /// Where landing saves what the command's writes replace; empty: a new folder under
    /// paths::dataDir()/checkpoints.
    QString checkpointFolder;
    /// Captured output (SandboxProcess::Captured) keeps at most this many bytes of each channel.
    qint64 outputLimit = 1024 * 1024;
};

/// The sandbox of a project's Bash commands under @p policy: the workspace folders and
/// sandbox.filesystem.allowWrite writable; the default credential stores, Gatehouse's own folders
/// and sandbox.filesystem.denyRead unreadable. No network until proxySocket is set.
SandboxSpec specForPolicy(const policy::Policy &policy);

/// The proxy variables a sandboxed command gets for @p port (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY,
/// their lower-case forms, and NO_PROXY empty so that every host goes through the proxy).
QList<QPair<QString, QString>> proxyEnvironment(quint16 port);

/// Names that nothing writes without an explicit answer (SECURITY-MODEL.md section 4), as they
/// are protected inside each writable folder by the sandbox. Inside the sandbox the git folder is
/// protected only where it makes git run programs.
QStringList protectedEntries();

} // namespace gatehouse::sandbox
