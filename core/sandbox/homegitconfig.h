// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace gatehouse::sandbox {

/// What the sandbox's git sees as its global configuration: the person's own, read on the host
/// (~/.gitconfig or $GIT_CONFIG_GLOBAL, $XDG_CONFIG_HOME/git/config or ~/.config/git/config,
/// with their include and includeIf files, evaluated for @p projectDir), reduced to an allowlist
/// of keys that only shape how git behaves (identity, core settings, aliases, colours, merge
/// and diff drivers...). Left out: credential helpers, URL rewrites and http headers (where
/// tokens live), include paths (they would name files the sandbox hides anyway), signing keys,
/// and any value that carries a credential (user:password@ in a URL, a known token prefix).
struct FilteredGitConfig
{
    QByteArray text;       ///< a git config file, written by Gatehouse
    QStringList sources;   ///< the global files it was made from (as read, existing ones)
    QString excludesFile;  ///< core.excludesFile, expanded, if set
    QString attributesFile; ///< core.attributesFile, expanded, if set
};

FilteredGitConfig filteredGitConfig(const QString &home, const QString &projectDir);

} // namespace gatehouse::sandbox
