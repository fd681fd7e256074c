// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

/// The command-line verbs that run without a window (ARCHITECTURE.md, "Command line"). Each
/// takes the arguments after the verb and returns the exit status.
namespace gatehouse::app {

/// Whether @p verb is one of them.
bool isVerb(const QString &verb);
int runVerb(const QString &verb, const QStringList &arguments);

int runCheck(const QStringList &arguments);
int runRules(const QStringList &arguments);
int runTrust(const QStringList &arguments);
int runSandboxed(const QStringList &arguments);
int runAudit(const QStringList &arguments); ///< auditverb.cpp

} // namespace gatehouse::app
