// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace gatehouse::policy {

/// The credential stores below @p home (~/.ssh, ~/.gnupg, ~/.aws, the keyrings...): no sandboxed
/// command reads them (SECURITY-MODEL.md section 6), and the file tools never read or write them
/// without an explicit answer, whatever a rule or mode says.
QStringList credentialStores(const QString &home);

/// Gatehouse's own folders: user settings and trust, managed settings, transcripts, the audit
/// log and the program's log (paths::configDir(), dataDir(), stateDir(), managedDir()), plus
/// @p extra (a policy's own user and managed folders when they were moved). Writing there
/// changes what the agent may do or erases what it did; reading there shows past sessions.
QStringList gatehouseFolders(const QStringList &extra = {});

} // namespace gatehouse::policy
