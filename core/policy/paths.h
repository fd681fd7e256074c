// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

/// Path handling for the policy: canonical paths and containment by components, never by
/// string prefix (/home/u/proj-evil is not inside /home/u/proj).
namespace gatehouse::policy {

/// Two views of one path, both absolute and clean (no ".", "..", "//", trailing "/").
struct ResolvedPath
{
    /// ".." and "." applied to the words as written, symlinks left as they are.
    QString lexical;
    /// Every symlink of an existing component followed (like realpath), the rest appended.
    QString canonical;
    /// The path exists (found while resolving it).
    bool exists = false;
    /// It goes through a view of a process in /proc that only the running command knows
    /// (/proc/PID/cwd of another process, a descriptor's target followed further, a working
    /// folder not known): where it leads is decided at run time, and canonical is left as written.
    bool dynamic = false;
};

/// Makes @p path absolute against @p base (which should itself be absolute) and resolves it.
/// "~" and "~/..." are expanded with @p home when it is not empty. @p workingFolder is the
/// canonical working folder of the process that will open the path: /proc/self/cwd (and
/// /dev/fd/../cwd, /proc/thread-self/cwd...) lead there and /proc/self/root to "/", as that
/// process sees them, never as Gatehouse's own process does. Empty: not known (dynamic).
ResolvedPath resolvePath(const QString &path, const QString &base, const QString &home = QString(),
                         const QString &knownCanonical = QString(), const QString &workingFolder = QString());

/// realpath(3) for a path that may not exist: symlinks of the existing components are followed
/// (at most 40 of them; a loop leaves the rest as written), "." and ".." are applied after each
/// link as the kernel would, and the part that does not exist is appended as written. The links
/// of /proc's process folders are not followed in Gatehouse's own process (see resolvePath).
QString canonicalPath(const QString &absolutePath);

/// The same, for a path that may lie inside @p knownCanonical (a folder already canonical, such
/// as the project): the walk starts there instead of at the root, saving a system call per
/// component.
QString canonicalPath(const QString &absolutePath, const QString &knownCanonical, bool *exists = nullptr);

/// Lexically cleaned absolute path ("/a/./b/../c//" -> "/a/c").
QString cleanAbsolute(const QString &absolutePath);

/// Whether @p path is @p folder or lies below it, comparing whole components.
bool isInside(const QString &path, const QString &folder);

/// @p path relative to @p folder ("" when equal); only meaningful when isInside().
QString relativeTo(const QString &path, const QString &folder);

} // namespace gatehouse::policy
