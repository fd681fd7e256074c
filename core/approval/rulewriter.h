// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"
#include "policy/policy.h"

#include <QString>
#include <QStringList>

namespace gatehouse::approval {

/// What saving "always allow" rules did, for the audit log and the person.
struct SavedRules
{
    QString file;        ///< the settings file written (or that already held every rule)
    QStringList added;   ///< the rules that were not in it before
    /// The folder was trusted before the write, and its trust was recorded again with the new
    /// hash of what its configuration grants (the person just chose this rule).
    bool trustRenewed = false;
};

/// The settings file of @p layer: <project>/.gatehouse/settings.local.json (Local),
/// <project>/.gatehouse/settings.json (Project), <userConfigDir>/settings.json (User). Other
/// layers hold no file Gatehouse writes to.
Expected<QString> settingsFileFor(const policy::PolicyOptions &options, policy::Layer layer);

/// Adds @p rules to permissions.allow of @p layer's settings file, without duplicates, keeping
/// every other key and rule. The file and its folders are made when missing (a new user file
/// is 0600); an existing file keeps its mode. The write is atomic (QSaveFile), so a crash
/// leaves the old file or the new one, never half of one. The read, the write and the trust
/// renewal happen under the file's lock (common/filelock.h), so answers saved at once by
/// several processes keep every rule; when the lock cannot be taken, nothing is written. A
/// file that does not parse is an error naming file:line:column and is left untouched, as is
/// one reached through a symbolic link inside the project (the project's author would choose
/// where the rule lands).
/// Writing a project layer changes the hash its trust is kept with: when the folder was
/// trusted before, its trust is recorded again with the new hash, so the next start does not
/// treat it as untrusted.
Expected<SavedRules> saveAllowRules(const policy::PolicyOptions &options, policy::Layer layer, const QStringList &rules);

} // namespace gatehouse::approval
