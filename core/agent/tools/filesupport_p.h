// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/tool.h"
#include "common/error.h"
#include "policy/paths.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

/// What the in-process file tools share: resolving a path as the policy did, checking the
/// policy again at execution, and reading a file without following a symlink swapped in since.
namespace gatehouse::agent::detail {

/// Lines longer than this are cut (Read and Grep), so that one minified line cannot flood the model.
inline constexpr qsizetype maxLineLength = 2000;
/// Binary detection looks for a NUL byte in this many leading bytes (as git and grep do).
inline constexpr qsizetype binaryProbeBytes = 8 * 1024;

/// @p path (relative to the project, "~" expanded with the policy's home) resolved the way the
/// engine resolved it for the decision. Errors for an empty path or one with a NUL character.
Expected<policy::ResolvedPath> resolveInput(const ToolContext &ctx, const QString &path);

/// Relative to the project when inside it (as the model named files), absolute otherwise.
QString displayPath(const ToolContext &ctx, const QString &absolutePath);

/// A folder as displayPath() shows it, in a sentence ("." is "the project folder").
QString folderName(const QString &shown);

/// The reason the policy now denies @p tool with @p input, or nothing when it does not deny.
/// The decision that let the call run was taken earlier; a rule may have been added since.
std::optional<QString> deniedNow(const ToolContext &ctx, const QString &tool, const QJsonObject &input);

/// deniedNow(), and for a read of @p path: a path inside the workspace that now leads outside it
/// through a symlink is refused unless the policy now allows the call without asking. The person
/// (or the rule) allowed a read inside the project; the link may have been swapped in since.
std::optional<QString> refusedForReading(
    const ToolContext &ctx, const QString &tool, const QJsonObject &input, const policy::ResolvedPath &path);

/// NUL bytes in the first binaryProbeBytes, or not valid UTF-8.
bool looksBinary(QByteArrayView bytes);
bool isValidUtf8(QByteArrayView bytes);
/// "a binary file (PNG image, image/png)" from the name and the leading bytes.
QString describeBinary(const QString &path, const QByteArray &head);
/// "812 bytes", "12.5 KiB", "3.1 MiB".
QString formatSize(qint64 bytes);
/// @p line with a marker when longer than maxLineLength.
QString cutLine(const QString &line);

/// What an open regular file is, and where.
struct OpenedFile
{
    int fd = -1;
    qint64 size = 0;
    qint64 mtimeMs = 0;
};

/// Opens @p canonicalPath for reading without following a symlink at its last component and
/// refuses anything but a regular file (a FIFO would block, a device never end). On Linux, the
/// path the kernel opened is compared with @p canonicalPath, so a folder swapped for a symlink
/// between the check and the open is caught too. The caller closes fd.
Expected<OpenedFile> openRegularFile(const QString &canonicalPath, const QString &shownPath);

/// Reads the whole of a file opened by openRegularFile() (at most @p maxBytes) and closes it.
Expected<QByteArray> readAndClose(const OpenedFile &file, qint64 maxBytes, const QString &shownPath);

/// Convenience: open, read at most @p maxBytes, close.
Expected<QByteArray> readRegularFile(const QString &canonicalPath, qint64 maxBytes, const QString &shownPath);

} // namespace gatehouse::agent::detail
