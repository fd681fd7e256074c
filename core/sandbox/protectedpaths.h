// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QString>
#include <QStringList>

namespace gatehouse::sandbox {

/// The protected entries of the writable folders as the sandbox must mount them
/// (SECURITY-MODEL.md sections 4 and 6).
struct ProtectedMounts
{
    /// Existing protected paths, mounted read-only onto themselves. Besides the entries of
    /// protectedEntries() this holds a `.git` file (a worktree or submodule checkout: it names
    /// the git folder) and, in git folders inside the writable folders, the config and hooks of
    /// submodules and worktrees.
    QStringList readOnly;
    /// Protected paths that do not exist yet, each cut back to its first missing component: an
    /// empty read-only folder or file is mounted there, so that the command cannot create them.
    /// The sandbox helper makes the mount point, which the host sees as an empty entry while the
    /// command runs; PlaceholderGuard removes it afterwards.
    QStringList missingFolders;
    QStringList missingFiles;
};

/// For the git folder of @p folder: a file to mount read-only over its `info/exclude` that adds
/// the stand-ins of @p missing below @p folder to what the repository already excludes, so that
/// `git status` and `git add -A` in the sandbox do not pick them up. Empty when there is nothing
/// to exclude or @p folder has no `.git/info` folder.
Expected<QString> gitExcludeWithPlaceholders(const QString &folder, const QStringList &missing);

/// What the sandbox mounts for the protected entries of @p writableFolders (canonical).
ProtectedMounts protectedMounts(const QStringList &writableFolders);

/// Takes the empty mount points of missing protected entries away again after a sandboxed
/// command ended, unless another sandboxed command still uses them. Sandboxes of one user share
/// a lock: each holds it shared while it runs, and the last to end (who can take it exclusively)
/// removes every recorded mount point that is still empty, including those of a run that crashed.
class PlaceholderGuard
{
public:
    PlaceholderGuard() = default;
    ~PlaceholderGuard();
    PlaceholderGuard(const PlaceholderGuard &) = delete;
    PlaceholderGuard &operator=(const PlaceholderGuard &) = delete;

    /// Records @p paths (before the sandbox makes them) and takes the shared lock.
    Expected<void> begin(const QStringList &paths);
    /// Releases the lock, and removes the recorded empty entries if no other sandbox runs.
    void end();

private:
    int m_lock = -1;
};

} // namespace gatehouse::sandbox
