// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/tool.h"
#include "common/error.h"

#include <QJsonObject>

/// Edit and Write in two steps, because a person may review the change between them: prepare
/// computes the bytes before and after (what the review shows), apply writes them once the call
/// was allowed. Apply checks again that what was reviewed is still what gets replaced.
namespace gatehouse::agent {

/// Edit {file_path, old_string, new_string, replace_all?}: exact replacement in an existing UTF-8
/// text file. old_string must occur exactly once unless replace_all; otherwise the error says how
/// often it occurs, or that it does not (with a hint when it would match ignoring differences in
/// whitespace). old_string equal to new_string is an error, and so is an empty old_string on a
/// file that is not empty (an empty old_string fills an empty file).
Expected<FileChange> prepareEdit(const ToolContext &ctx, const QJsonObject &input);

/// Write {file_path, content}: a new file, or all of an existing one (before = its bytes).
/// Folders, non-regular files and paths the policy denies are refused. For both Edit and Write, a
/// path whose last component is a symbolic link is refused (never written through): the model is
/// told the target, and a call naming it is decided for the file that really changes.
Expected<FileChange> prepareWrite(const ToolContext &ctx, const QJsonObject &input);

/// Writes a prepared change, after checking again at execution that
///  - the policy does not deny the equivalent Write call (a deny rule added meanwhile),
///  - the path still resolves to the canonical path of the preparation (no component became a
///    symlink), and its last component is not a symlink,
///  - the file's bytes still equal @c before (for a new file: it still does not exist).
/// The write is atomic (a temporary file in the same folder, renamed over the file), keeps an
/// existing file's permission bits and gives a new one 0644 less the umask. Missing parent folders
/// are created only inside the workspace.
/// Text: "Edited src/a.cpp: 1 replacement (+1 -1 lines)" / "Wrote 120 lines to x (new file)".
/// details: path, bytesBefore, bytesAfter, created, linesAdded, linesRemoved (and replacements).
ToolResult applyChange(const ToolContext &ctx, const FileChange &change);

/// Lines added and removed, for the review's summary: the lines between the common leading and
/// trailing lines of before and after. Exact for one changed region, an upper bound for several
/// (the side-by-side diff is the viewer's job).
struct LineSummary
{
    qsizetype added = 0;
    qsizetype removed = 0;
};
LineSummary summariseChange(const FileChange &change);

} // namespace gatehouse::agent
