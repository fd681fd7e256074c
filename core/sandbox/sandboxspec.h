// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

/// What a sandboxed command may see and do (SECURITY-MODEL.md section 6).
namespace gatehouse::sandbox {

struct SandboxSpec
{
    /// The project folder (canonical); the command starts there unless workingDirectory is set.
    QString projectDir;
    /// Folders the command may write: the project, additional directories, sandbox.filesystem.allowWrite.
    QStringList writableFolders;
    /// Paths the command may not read (the default credential stores and sandbox.filesystem.denyRead).
    QStringList denyRead;
    /// Where the command starts (must lie inside a writable folder); empty: the project.
    QString workingDirectory;
    /// Seconds before the command and everything it started are killed (exit 124); 0: no limit.
    int timeoutSeconds = 0;
    /// Environment variables passed through although their names look like secrets.
    QStringList passEnvironment;
};

/// The credential stores below @p home that no sandboxed command reads, and Gatehouse's own
/// configuration, data and state.
QStringList defaultDenyRead(const QString &home, const QStringList &gatehouseFolders);

/// Whether a variable's name says it holds a secret (tokens, keys, passwords, credentials...).
bool looksSecret(const QString &name);

/// @p environment without the variables whose names look secret, except those in @p pass.
QProcessEnvironment scrubbedEnvironment(const QProcessEnvironment &environment, const QStringList &pass);

/// Names that nothing writes without an explicit answer (SECURITY-MODEL.md section 4), as they
/// are protected inside each writable folder by the sandbox. Inside the sandbox the git folder is
/// protected only where it makes git run programs.
QStringList protectedEntries();

} // namespace gatehouse::sandbox
