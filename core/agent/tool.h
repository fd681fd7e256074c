// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>

namespace gatehouse::policy {
class Engine;
}

namespace gatehouse::agent {

/// What a tool returns to the model, and what the audit log records of it.
struct ToolResult
{
    QString content;     ///< the tool_result text the model reads
    bool isError = false;
    QJsonObject details; ///< for the audit log: exit status, duration, bytes, path... never secrets
};

/// A change to one file, as the review shows it and as the Edit and Write tools apply it.
struct FileChange
{
    QString path;        ///< absolute, as the call named it (cleaned)
    QString canonicalPath; ///< symlinks of existing components resolved, at preparation
    bool exists = false; ///< the file existed when the change was prepared
    QByteArray before;   ///< the file's bytes when prepared (empty for a new file)
    QByteArray after;    ///< the bytes the tool will write
    QString tool;        ///< "Edit" or "Write": the tool that prepared it, for the result's wording
    int replacements = 0; ///< Edit: how many occurrences of old_string were replaced
};

/// What the in-process tools need: the project, and the engine to check paths again when they run.
struct ToolContext
{
    QString projectDir;                        ///< canonical
    const policy::Engine *engine = nullptr;
    qint64 maxReadBytes = 256 * 1024;          ///< Read refuses more without a line range
    int maxReadLines = 2000;                   ///< Read returns at most this many lines by default
    int maxGlobResults = 1000;
    int maxGrepMatches = 500;
};

} // namespace gatehouse::agent
