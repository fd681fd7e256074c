// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"
#include "sandbox/sandboxspec.h"

#include <QList>
#include <QString>
#include <QStringList>

/// The home folder as a sandboxed command sees it (SECURITY-MODEL.md section 6, "Home"): hidden
/// behind an empty tmpfs, with read-only what toolchains need, sandbox.filesystem.allowRead, a
/// filtered git configuration, and a private writable package cache of Gatehouse's.
namespace gatehouse::sandbox {

/// A path below home that toolchains need, shown read-only. The one list of them.
struct ToolchainPath
{
    QString relative; ///< below home
    QString what;     ///< for `gatehouse rules`
};
const QList<ToolchainPath> &toolchainPaths();

/// A package manager's cache, pointed into the private cache: by an environment variable set to
/// @c ~/.cache/<folder>, or, for tools without one, by binding @c <private cache>/<folder> onto
/// @c ~/<mountedAt>.
struct PackageCache
{
    QString variable;  ///< empty: bound at mountedAt instead
    QString folder;    ///< below the private cache (which the command sees as ~/.cache)
    QString mountedAt; ///< below home, for caches without a variable
    QString what;
};
const QList<PackageCache> &packageCaches();

/// The folders shown as an empty home: $HOME and, when HOME was overridden, the home of the
/// user in /etc/passwd (`~user` reaches it), each canonical; never "/" or a system folder.
QStringList hiddenHomes(const QString &home);

/// The private cache of @p projectDir's sandboxed commands:
/// $XDG_CACHE_HOME/gatehouse/sandbox-cache/<name>-<hash> (0700), one per project so that one
/// repository's commands cannot plant build outputs or wheels that another project's build uses.
QString privateCacheDir(const QString &projectDir);

/// The bwrap arguments that build the home view; they go after the system's and /tmp's mounts
/// and before the writable folders' (which then mount on top, when they lie in home). Creates
/// the private cache and writes the filtered git configuration.
Expected<QStringList> homeArguments(const SandboxSpec &spec);

/// The bwrap arguments that make the home view read-only; they go after every other mount (the
/// writable folders and the helper may need mount points in it). What a command writes to home
/// fails, as anywhere outside the writable folders, except in the private cache.
QStringList homeClosingArguments(const SandboxSpec &spec);

/// What gatehouse-sandbox-helper hides (--hide) after all mounts: spec.denyRead, and where they
/// are links, what they point to; the credential stores and other links of home that point out
/// of it (a ~/.aws linked into /data/dotfiles would still be readable there); a git config named
/// by GIT_CONFIG_GLOBAL and the XDG config, data and state folders outside home; the user's mail
/// spool. Only paths that exist.
QStringList helperHides(const SandboxSpec &spec);

/// The home view in words, one line each, for `gatehouse rules`.
QStringList describeHomeView(const SandboxSpec &spec);

} // namespace gatehouse::sandbox
