// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace gatehouse::policy {

/// The credential stores below @p home (~/.ssh, ~/.gnupg, ~/.aws, the keyrings, database and
/// cloud tool credentials, browser profiles...): the file tools never read or write them without
/// an explicit answer, whatever a rule or mode says. The sandbox does not rely on this list being
/// complete (it hides all of home, SECURITY-MODEL.md section 6); it uses it where it shows part of
/// home (a broad sandbox.filesystem.allowRead) and for stores that are links out of home.
QStringList credentialStores(const QString &home);

/// Gatehouse's own folders: user settings and trust, managed settings, transcripts, the audit
/// log and the program's log (paths::configDir(), dataDir(), stateDir(), managedDir()), plus
/// @p extra (a policy's own user and managed folders when they were moved). Writing there
/// changes what the agent may do or erases what it did; reading there shows past sessions.
QStringList gatehouseFolders(const QStringList &extra = {});

} // namespace gatehouse::policy
