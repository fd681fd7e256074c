// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/tool.h"

#include <QJsonObject>

/// The reading tools (Read, Glob, Grep) as the agent loop runs them once the policy (or the
/// person) allowed the call. They are synchronous and check again at execution what may have
/// changed since the decision: a deny rule added, a path that became a symlink.
///
/// Every result for the model is a ToolResult; an ordinary failure (missing file, bad pattern)
/// is a result with isError set and a message the model can act on, never an exception.
/// Paths in results are relative to the project when inside it, absolute otherwise.
/// A path inside the project that now leads out of it through a symlink is refused unless the
/// policy now allows that read without asking (the link may have been swapped in after the
/// decision); the model is told the target, which it can name to be asked about it.
namespace gatehouse::agent {

/// Read {file_path, offset?, limit?}: the file's lines numbered like `cat -n`, from the 1-based
/// @c offset, at most @c limit lines (ctx.maxReadLines by default, with a note on how to read on).
/// Lines over 2000 characters are cut with a marker. Refused: a file over ctx.maxReadBytes without
/// offset or limit (the message gives its size and how to read a range), binary or non-UTF-8 files
/// (with the size and a guess of the type), folders, devices and pipes.
/// details: path (absolute), lines (returned), bytes (the file's size).
ToolResult readFile(const ToolContext &ctx, const QJsonObject &input);

/// Glob {pattern, path?}: files below @c path (the project by default) whose path relative to it
/// matches @c pattern: `*` and `?` within a component, `**` across components, `{a,b}`
/// alternatives, `[...]` classes. Newest first by modification time (the files the person is
/// working on come first when the list is cut), then by path; at most ctx.maxGlobResults.
/// Never enters .git; symlinked folders are not followed; a symlinked file is listed only when
/// its target is inside the workspace or the searched folder, or a Read of it would be allowed.
/// Files a Read deny or ask rule (or sandbox.filesystem.denyRead) covers are left out.
/// details: path, pattern, matches, shown, hidden (files left out by those rules).
ToolResult globFiles(const ToolContext &ctx, const QJsonObject &input);

/// Grep {pattern, path?, glob?, output_mode?, -i?, -n?, head_limit?}: a QRegularExpression (Perl
/// syntax) over the UTF-8 text files below @c path (or that one file), in path order. output_mode
/// "files_with_matches" (default) lists files, "content" the matching lines as path:line:text
/// (line numbers unless -n is false), "count" path:count. @c glob filters files by name (or by
/// path relative to @c path when it holds a '/'). @c head_limit keeps the first N entries; content
/// stops at ctx.maxGrepMatches lines. Binary files and files over 8 MiB are skipped; the walk and
/// what it hides are those of globFiles().
/// details: path, pattern, files (searched), matches, hidden.
ToolResult grepFiles(const ToolContext &ctx, const QJsonObject &input);

} // namespace gatehouse::agent
