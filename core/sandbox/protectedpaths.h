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
    /// The sandbox helper makes the mount point (the stand-in), which the host sees as an empty
    /// entry while the command runs; PlaceholderGuard removes it afterwards. A stand-in that
    /// another running sandbox made is listed here too: this sandbox mounts its own over it.
    QStringList missingFolders;
    QStringList missingFiles;
};

/// For the git folder of @p folder: a file to mount read-only over its `info/exclude` that adds
/// the stand-ins of @p missing below @p folder to what the repository already excludes, so that
/// `git status` and `git add -A` in the sandbox do not pick them up. Empty when there is nothing
/// to exclude or @p folder has no `.git/info` folder.
Expected<QString> gitExcludeWithPlaceholders(const QString &folder, const QStringList &missing);

/// What the sandbox mounts for the protected entries of @p writableFolders (canonical).
/// @p standIns are the stand-ins of other running sandboxes (PlaceholderGuard::begin()): they
/// count as missing, so that this sandbox mounts an empty read-only entry over each of them
/// rather than treating an empty host folder as a real one (and letting the command fill it).
ProtectedMounts protectedMounts(const QStringList &writableFolders, const QStringList &standIns);

/// Takes the empty mount points of missing protected entries (the stand-ins) away again after a
/// sandboxed command ended, unless another sandboxed command still uses them. Sandboxes of one
/// user share a lock: each holds it shared from before it looks at the protected paths until it
/// has ended, and the last to end (who can take it exclusively) removes every recorded stand-in
/// that is still empty, including those of a run that crashed. So a stand-in that a sandbox found
/// or recorded stays for as long as that sandbox runs, whatever the others do meanwhile.
class PlaceholderGuard
{
public:
    PlaceholderGuard() = default;
    ~PlaceholderGuard();
    PlaceholderGuard(const PlaceholderGuard &) = delete;
    PlaceholderGuard &operator=(const PlaceholderGuard &) = delete;

    /// Takes the shared lock (waiting while the last sandbox cleans up) and returns the recorded
    /// stand-ins that are still empty: those of sandboxes that run, or of runs not cleaned up yet.
    /// Call it before protectedMounts(), and pass what it returns there.
    Expected<QStringList> begin();
    /// Records @p paths, the stand-ins this sandbox will mount, before the sandbox makes them.
    Expected<void> record(const QStringList &paths);
    /// Releases the lock, and removes the recorded empty entries if no other sandbox runs.
    void end();
    /// The stand-ins of every sandbox recorded now that are still empty (read again: sandboxes
    /// that started after begin() are in it too). Call it while the lock is held.
    QStringList standInsNow() const;

private:
    int m_lock = -1;
    QStringList m_recorded; ///< what the record held when begin() read it
};

} // namespace gatehouse::sandbox
