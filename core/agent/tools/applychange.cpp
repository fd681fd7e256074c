// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/tools/filechange.h"
#include "agent/tools/filesupport_p.h"

#include "policy/engine.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <sys/stat.h>

namespace gatehouse::agent {
namespace {

QList<QByteArray> linesOf(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return {};
    QList<QByteArray> lines = bytes.split('\n');
    if (bytes.endsWith('\n'))
        lines.removeLast();
    return lines;
}

// The process's umask without changing it (umask(2) can only be read by setting it, which would
// race with other threads creating files).
mode_t currentUmask()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n'))
            if (line.startsWith("Umask:")) {
                bool ok = false;
                const uint mask = line.mid(6).trimmed().toUInt(&ok, 8);
                if (ok)
                    return mode_t(mask);
            }
    }
    const mode_t mask = ::umask(022);
    ::umask(mask);
    return mask;
}

ToolResult refuse(const QString &message, const QJsonObject &details)
{
    return ToolResult{message + QStringLiteral(" Nothing was written."), true, details};
}

} // namespace

LineSummary summariseChange(const FileChange &change)
{
    const QList<QByteArray> before = linesOf(change.before);
    const QList<QByteArray> after = linesOf(change.after);
    qsizetype prefix = 0;
    while (prefix < before.size() && prefix < after.size() && before[prefix] == after[prefix])
        ++prefix;
    qsizetype suffix = 0;
    while (suffix < before.size() - prefix && suffix < after.size() - prefix
        && before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix])
        ++suffix;
    return LineSummary{after.size() - prefix - suffix, before.size() - prefix - suffix};
}

ToolResult applyChange(const ToolContext &ctx, const FileChange &change)
{
    const QString shown = detail::displayPath(ctx, change.path);
    const LineSummary summary = summariseChange(change);
    QJsonObject details{{QStringLiteral("path"), change.path}, {QStringLiteral("bytesBefore"), change.before.size()},
        {QStringLiteral("bytesAfter"), change.after.size()}, {QStringLiteral("created"), !change.exists},
        {QStringLiteral("linesAdded"), summary.added}, {QStringLiteral("linesRemoved"), summary.removed}};
    if (change.tool == QStringLiteral("Edit"))
        details.insert(QStringLiteral("replacements"), change.replacements);

    // 1. The policy now: a deny rule may have been added while the person looked at the change.
    const QJsonObject writeCall{{QStringLiteral("file_path"), change.path}, {QStringLiteral("content"), QString()}};
    if (const auto denied = detail::deniedNow(ctx, QStringLiteral("Write"), writeCall))
        return refuse(QStringLiteral("Writing %1 is now denied: %2.").arg(shown, *denied), details);

    // 2. The same place as reviewed: a component that became a symlink changes the canonical path.
    const auto path = detail::resolveInput(ctx, change.path);
    if (!path)
        return refuse(path.error().message, details);
    if (path->canonical != change.canonicalPath)
        return refuse(QStringLiteral("%1 now leads to %2, not to %3 as when the change was reviewed (a symbolic link "
                                     "changed).")
                          .arg(shown, path->canonical, change.canonicalPath),
            details);
    if (QFileInfo(path->lexical).isSymLink())
        return refuse(QStringLiteral("%1 became a symbolic link since the change was reviewed.").arg(shown), details);
    const QByteArray native = QFile::encodeName(change.canonicalPath);

    // 3. The same bytes as reviewed.
    mode_t mode = 0644 & ~currentUmask();
    struct stat info
    {
    };
    const bool existsNow = ::lstat(native.constData(), &info) == 0;
    if (existsNow) {
        if (!change.exists)
            return refuse(QStringLiteral("%1 was created since the change was reviewed.").arg(shown), details);
        if (S_ISLNK(info.st_mode) || !S_ISREG(info.st_mode))
            return refuse(QStringLiteral("%1 is no longer a regular file.").arg(shown), details);
        const auto current = detail::readRegularFile(change.canonicalPath, change.before.size() + 1, shown);
        if (!current)
            return refuse(current.error().message, details);
        if (*current != change.before)
            return refuse(
                QStringLiteral("%1 changed since it was reviewed. Read it again and redo the change.").arg(shown),
                details);
        mode = info.st_mode & 07777;
    } else if (change.exists) {
        return refuse(QStringLiteral("%1 was deleted since the change was reviewed.").arg(shown), details);
    }

    // 4. Missing folders, only inside the workspace.
    const QString folder = QFileInfo(change.canonicalPath).path();
    if (!QFileInfo(folder).isDir()) {
        const QString lexicalFolder = QFileInfo(change.path).path();
        if (!ctx.engine->inWorkspace(policy::cleanAbsolute(lexicalFolder), folder))
            return refuse(
                QStringLiteral("The folder %1 does not exist, and folders are created only inside the project.")
                    .arg(detail::displayPath(ctx, lexicalFolder)),
                details);
        if (!QDir().mkpath(folder))
            return refuse(
                QStringLiteral("The folder %1 cannot be created.").arg(detail::displayPath(ctx, lexicalFolder)),
                details);
    }

    // 5. Atomically: a temporary file beside it, renamed over it. The canonical path's last
    // component is no symlink (checked above), so QSaveFile does not follow one.
    QSaveFile file(change.canonicalPath);
    file.setDirectWriteFallback(false);
    if (!file.open(QIODevice::WriteOnly))
        return refuse(QStringLiteral("%1 cannot be written: %2.").arg(shown, file.errorString()), details);
    if (file.write(change.after) != change.after.size() || ::fchmod(file.handle(), mode) != 0) {
        file.cancelWriting();
        return refuse(QStringLiteral("%1 cannot be written: %2.").arg(shown, file.errorString()), details);
    }
    if (!file.commit())
        return refuse(QStringLiteral("%1 cannot be written: %2.").arg(shown, file.errorString()), details);

    const QString lines = QStringLiteral("+%1 -%2 lines").arg(summary.added).arg(summary.removed);
    if (change.tool == QStringLiteral("Edit"))
        return ToolResult{
            QStringLiteral("Edited %1: %2 %3 (%4)")
                .arg(shown)
                .arg(change.replacements)
                .arg(change.replacements == 1 ? QStringLiteral("replacement") : QStringLiteral("replacements"), lines),
            false, details};
    const qsizetype written = linesOf(change.after).size();
    return ToolResult{QStringLiteral("Wrote %1 %2 to %3 (%4)")
                          .arg(written)
                          .arg(written == 1 ? QStringLiteral("line") : QStringLiteral("lines"), shown,
                              change.exists ? lines : QStringLiteral("new file")),
        false, details};
}

} // namespace gatehouse::agent
