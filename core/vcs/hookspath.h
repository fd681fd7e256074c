// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace gatehouse::vcs {

/// The folder whose programs git runs as hooks for the repository that @p path lies in (found
/// upwards from it, as git finds it): `core.hooksPath` from the repository's configuration and
/// the user's and system's (resolved against the working tree when relative, `~` expanded), else
/// the git folder's `hooks`. Empty when @p path is in no repository or the configuration cannot
/// be read.
QString hooksFolder(const QString &path);

} // namespace gatehouse::vcs
