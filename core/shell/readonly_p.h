// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared by the read-only table's files: readonly.cpp (most commands) and readonlytools.cpp
// (git and jq, whose options are their own). Not a public header.

#include "shell/commands.h"

namespace gatehouse::shell::detail {

/// Not read-only, because of @p why; @p files are still checked against Read deny rules (a
/// command that reads a denied file is denied, not only asked about).
ReadOnlyUse notReadOnly(const QString &why, QList<Word> files = {});
ReadOnlyUse readOnlyWith(QList<Word> files, bool readsContent = true);

ReadOnlyUse gitReadOnly(const QList<Word> &args);
ReadOnlyUse jqReadOnly(const QList<Word> &args);

/// ps, df, xxd, printenv and tree (readonlysystem.cpp), for which isSystemReadOnlyProgram().
ReadOnlyUse systemReadOnly(const QString &name, const QList<Word> &args);
bool isSystemReadOnlyProgram(const QString &name);
/// Whether the recursive reader @p name follows symbolic links below its operands with
/// @p args (grep -R, ls -RL, du -L, find -L/-follow, rg -L, tree -l, diff -r).
bool followsLinksBelow(const QString &name, const QList<Word> &args);
/// readsRepositoryContent() and repositoryPaths() for git's words after "git".
bool gitReadsContent(const QList<Word> &args);
QStringList gitPaths(const QList<Word> &args);

} // namespace gatehouse::shell::detail
