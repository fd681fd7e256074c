// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QMetaType>
#include <QString>

#include <optional>

namespace gatehouse::vcs {

/// Counts of working-tree and index changes, as `git status` groups them. One file can
/// count in more than one group (staged and then modified again).
struct ChangeSummary
{
    int staged = 0;      ///< changes in the index (new, modified, deleted, renamed, type change)
    int modified = 0;    ///< tracked files changed in the working tree
    int deleted = 0;     ///< tracked files deleted in the working tree
    int untracked = 0;   ///< files and folders git does not track and does not ignore
    int conflicted = 0;  ///< unmerged paths

    bool isClean() const { return staged + modified + deleted + untracked + conflicted == 0; }
    bool operator==(const ChangeSummary &) const = default;
};

struct RepositoryStatus
{
    QString workDir;          ///< the repository's working folder (canonical, no trailing slash)
    QString branch;           ///< current branch, empty when HEAD is detached
    QString headShortId;      ///< abbreviated commit id of HEAD; empty on an unborn branch
    bool detached = false;
    bool unborn = false;      ///< the branch has no commit yet
    QString upstream;         ///< e.g. "origin/main"; empty when the branch tracks nothing
    int ahead = 0;
    int behind = 0;
    ChangeSummary changes;
};

/// Reads the status of the repository that contains @p path (searching upwards, as git does).
/// Returns std::nullopt when @p path is in no git repository, and an error when it is in one
/// that libgit2 cannot read. Blocking: call it off the GUI thread (see StatusWatcher).
Expected<std::optional<RepositoryStatus>> readStatus(const QString &path);

} // namespace gatehouse::vcs

Q_DECLARE_METATYPE(gatehouse::vcs::RepositoryStatus)
