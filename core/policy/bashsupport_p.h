// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The pieces of the Bash decision (bashpolicy.cpp) that do not need the engine: command lines
// as rules see them, the lines hidden in sh -c and eval strings, and where a word's paths
// lie. Not a public header.

#include "policy/paths.h"

#include "shell/commands.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace gatehouse::policy::detail {

/// The canonical line of @p words, as allow, ask and deny rules are matched against.
QString canonicalLine(const QList<shell::Word> &words);

/// The line of @p words with every word decided at run time or expanded by bash (parameters,
/// substitutions, braces, globs) written as CommandPattern::unknownMarker(), for
/// CommandPattern::mayMatch; an empty string when every word is static.
QString unknownsLine(const QList<shell::Word> &words);

/// Adds the command lines hidden in strings that a shell, eval or env -S will run
/// ("sh -c 'rm -rf x'") to @p out, one list of forms per inner command, down to a few levels.
void addInnerLines(const shell::NormalisedCommand &n, int depth, QList<QStringList> &out);

/// Where relative paths of the next command resolve. Several candidates when a cd happened in a
/// subshell, pipeline or background job (it may or may not apply); none known after "cd -" or
/// a cd to a folder decided at run time.
struct WorkingFolders
{
    QStringList candidates;
    bool unknown = false;
    bool leftWorkspace = false; ///< a cd went out of the writable folders
};

/// The possible absolute paths of @p word (empty list: cannot be known before running).
QList<ResolvedPath> pathsOf(const shell::Word &word, const WorkingFolders &folders, const QString &home,
                            const QString &project);

/// The folder part of a glob word before its first wildcard component ("src/*.ts" -> "src").
QString globFolder(const shell::Word &word);

/// The files a glob whose wildcards are all in its last component names now, as bash would
/// expand it (a leading dot must be matched explicitly). std::nullopt when wildcards sit in
/// folder components, which this does not expand.
std::optional<QStringList> expandLastComponent(const QString &folder, const QString &pattern);

/// Writing there writes nothing anyone keeps (/dev/null, the command's own output...).
bool isDeviceSink(const QString &path);
/// Devices that reading gives nothing of anyone's: no data, random bytes, or the command's own input.
bool isHarmlessInput(const QString &path);
/// bash opens a connection for /dev/tcp/HOST/PORT and /dev/udp/HOST/PORT itself.
bool isNetworkPath(const QString &path);
/// Whether git started in @p folder (canonical) may work on a repository other than the
/// project's own (see bashsupport.cpp).
bool mayFindOtherRepository(const QString &folder, const QString &project);
/// A redirection operator that writes.
bool isOutput(const QString &op);

} // namespace gatehouse::policy::detail
