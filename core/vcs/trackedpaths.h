// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace gatehouse::vcs {

/// Identifies what trackedPaths() would read: the repository, its index file (device, inode,
/// size, modification time) and the commit HEAD names. Git replaces the index file whenever it
/// changes it, and a commit changes HEAD, so an equal stamp means equal paths.
struct TrackedStamp
{
    QString workDir;  ///< the repository's working folder (canonical)
    QByteArray stamp;
};

/// The paths `git diff` and `git diff --cached` without revisions can print: those of the index
/// (every stage) and of HEAD's tree. Nothing of history: an older commit may hold other files.
struct TrackedPaths
{
    TrackedStamp stamp; ///< taken before reading, so a change while reading makes it stale, not wrong
    QStringList paths;  ///< relative to stamp.workDir, '/'-separated; a path in both appears twice
    /// A submodule (gitlink) in the index or in HEAD: its diff can show the submodule's history.
    bool hasSubmodules = false;
};

/// The stamp of the repository containing @p folder (searching upwards, as git does). nullopt
/// when @p folder is in no repository; an error when libgit2 cannot read it or it is bare.
/// Cheap: it opens the repository, stats the index file and resolves HEAD.
Expected<std::optional<TrackedStamp>> trackedStamp(const QString &folder);

/// The paths of the index and of HEAD's tree of the repository containing @p folder.
Expected<std::optional<TrackedPaths>> trackedPaths(const QString &folder);

} // namespace gatehouse::vcs
