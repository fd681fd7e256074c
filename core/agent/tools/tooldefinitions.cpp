// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/tools/tooldefinitions.h"

#include <QJsonArray>

namespace gatehouse::agent {
namespace {

QJsonObject property(const QString &type, const QString &description)
{
    return {{QStringLiteral("type"), type}, {QStringLiteral("description"), description}};
}

QJsonObject schema(const QJsonObject &properties, const QStringList &required)
{
    return {{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), properties},
        {QStringLiteral("required"), QJsonArray::fromStringList(required)},
        {QStringLiteral("additionalProperties"), false}};
}

ToolDefinition read()
{
    QJsonObject offset =
        property(QStringLiteral("integer"), QStringLiteral("The first line to return, counting from 1."));
    offset.insert(QStringLiteral("minimum"), 1);
    QJsonObject limit = property(QStringLiteral("integer"), QStringLiteral("How many lines to return."));
    limit.insert(QStringLiteral("minimum"), 1);
    return {QStringLiteral("Read"),
        QStringLiteral(
            "Reads a text file and returns its lines numbered like `cat -n` (line number, a tab, the line). "
            "Relative paths are resolved against the project folder. Without offset and limit it returns the "
            "first 2000 lines and says how to read on; a large file must be read in ranges with offset and "
            "limit. Lines longer than 2000 characters are cut. Binary and non-UTF-8 files are refused; use "
            "Glob to list a folder. When you later edit the file, copy text without the line-number prefix."),
        schema({{QStringLiteral("file_path"),
                    property(QStringLiteral("string"),
                        QStringLiteral("The file to read, relative to the project folder or absolute."))},
                   {QStringLiteral("offset"), offset}, {QStringLiteral("limit"), limit}},
            {QStringLiteral("file_path")})};
}

ToolDefinition glob()
{
    return {QStringLiteral("Glob"),
        QStringLiteral("Lists files whose path matches a glob pattern: `*` and `?` within one path component, "
                       "`**` across folders, `{a,b}` alternatives (for example `src/**/*.{h,cpp}`). Paths are "
                       "relative to the project folder; results are newest first and cut at 1000. The .git "
                       "folder is never searched, symlinked folders are not followed, and files the "
                       "permission rules keep from being read are not listed."),
        schema({{QStringLiteral("pattern"), property(QStringLiteral("string"), QStringLiteral("The glob pattern."))},
                   {QStringLiteral("path"),
                       property(QStringLiteral("string"),
                           QStringLiteral("The folder to search in; the project folder when left out."))}},
            {QStringLiteral("pattern")})};
}

ToolDefinition grep()
{
    QJsonObject mode = property(QStringLiteral("string"),
        QStringLiteral("files_with_matches (the default) lists matching files; content shows "
                       "matching lines as path:line:text; count gives matches per file."));
    mode.insert(QStringLiteral("enum"),
        QJsonArray{QStringLiteral("files_with_matches"), QStringLiteral("content"), QStringLiteral("count")});
    QJsonObject head =
        property(QStringLiteral("integer"), QStringLiteral("Show only the first N files, lines or counts."));
    head.insert(QStringLiteral("minimum"), 0);
    return {QStringLiteral("Grep"),
        QStringLiteral("Searches the text files below a folder (or one file) for a regular expression in Perl "
                       "syntax, line by line. Use it instead of running grep or rg in Bash. Binary files, the "
                       ".git folder and files the permission rules keep from being read are skipped. Content "
                       "output stops after 500 lines; narrow with path, glob or head_limit."),
        schema({{QStringLiteral("pattern"),
                    property(QStringLiteral("string"), QStringLiteral("The regular expression to look for."))},
                   {QStringLiteral("path"),
                       property(QStringLiteral("string"),
                           QStringLiteral("File or folder to search; the project folder when left out."))},
                   {QStringLiteral("glob"),
                       property(QStringLiteral("string"),
                           QStringLiteral("Only files whose name matches, e.g. `*.py` or `*.{ts,tsx}`; a pattern "
                                          "with `/` matches the path below the searched folder."))},
                   {QStringLiteral("output_mode"), mode},
                   {QStringLiteral("-i"), property(QStringLiteral("boolean"), QStringLiteral("Ignore case."))},
                   {QStringLiteral("-n"),
                       property(QStringLiteral("boolean"),
                           QStringLiteral("Line numbers in content output (default true)."))},
                   {QStringLiteral("head_limit"), head}},
            {QStringLiteral("pattern")})};
}

ToolDefinition edit()
{
    return {QStringLiteral("Edit"),
        QStringLiteral("Replaces exact text in an existing file. old_string must appear in the file exactly once, "
                       "character for character including indentation and line ends; include enough surrounding "
                       "lines to make it unique, or set replace_all to change every occurrence. Read the file "
                       "first and copy the text without Read's line-number prefix. The person may review the "
                       "change before it is written; if the file changes meanwhile, the edit is refused and you "
                       "must read it again. Configuration such as .git, .gatehouse and shell start-up files is "
                       "protected."),
        schema(
            {{QStringLiteral("file_path"),
                 property(QStringLiteral("string"), QStringLiteral("The file, relative to the project folder."))},
                {QStringLiteral("old_string"),
                    property(QStringLiteral("string"), QStringLiteral("The text to replace."))},
                {QStringLiteral("new_string"),
                    property(QStringLiteral("string"), QStringLiteral("The text to put in its place (must differ)."))},
                {QStringLiteral("replace_all"),
                    property(QStringLiteral("boolean"),
                        QStringLiteral("Replace every occurrence of old_string (default false)."))}},
            {QStringLiteral("file_path"), QStringLiteral("old_string"), QStringLiteral("new_string")})};
}

ToolDefinition write()
{
    return {QStringLiteral("Write"),
        QStringLiteral("Creates a file, or replaces all of an existing one, with the given content (UTF-8). "
                       "Prefer Edit for changing part of a file. Missing folders are created inside the project "
                       "only. The person may review the content before it is written."),
        schema({{QStringLiteral("file_path"),
                    property(QStringLiteral("string"), QStringLiteral("The file, relative to the project folder."))},
                   {QStringLiteral("content"),
                       property(QStringLiteral("string"), QStringLiteral("The whole new content."))}},
            {QStringLiteral("file_path"), QStringLiteral("content")})};
}

ToolDefinition bash()
{
    QJsonObject timeout = property(QStringLiteral("integer"), QStringLiteral("Seconds before the command is killed."));
    timeout.insert(QStringLiteral("minimum"), 1);
    return {QStringLiteral("Bash"),
        QStringLiteral("Runs a shell command in the project folder, inside a sandbox: it can write only the "
                       "project, the allowed extra folders and its temporary folder, cannot read credentials, "
                       "and has no direct network; HTTP(S) goes through a proxy that must approve each host, so "
                       "a refused host fails as a network error. Commands are checked against the permission "
                       "rules and may need the person's approval; one simple command per call is approved more "
                       "easily than a long chain. Do not use it to read or search files (use Read, Glob, Grep) "
                       "or to edit them (use Edit, Write). Output is captured and may be shortened."),
        schema({{QStringLiteral("command"), property(QStringLiteral("string"), QStringLiteral("The command line."))},
                   {QStringLiteral("description"),
                       property(QStringLiteral("string"),
                           QStringLiteral("What the command does, in a few words, for the person approving it."))},
                   {QStringLiteral("timeout"), timeout}},
            {QStringLiteral("command")})};
}

ToolDefinition webFetch()
{
    QJsonObject url = property(QStringLiteral("string"), QStringLiteral("An http or https URL."));
    url.insert(QStringLiteral("format"), QStringLiteral("uri"));
    return {QStringLiteral("WebFetch"),
        QStringLiteral("Fetches a web page (http or https) and answers the prompt about it. The host must be "
                       "allowed by the rules or approved by the person. A separate model reads the page and "
                       "returns only its answer to the prompt, so ask for what you need from the page."),
        schema({{QStringLiteral("url"), url},
                   {QStringLiteral("prompt"),
                       property(QStringLiteral("string"), QStringLiteral("What to find out from the page."))}},
            {QStringLiteral("url"), QStringLiteral("prompt")})};
}

} // namespace

QList<ToolDefinition> builtinToolDefinitions()
{
    return {read(), glob(), grep(), edit(), write(), bash(), webFetch()};
}

} // namespace gatehouse::agent
