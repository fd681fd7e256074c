// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/tools/filesupport_p.h"
#include "agent/tools/filetools.h"

#include <QFile>
#include <QJsonValue>

#include <sys/stat.h>
#include <unistd.h>

namespace gatehouse::agent {
namespace {

ToolResult failure(const QString &message, QJsonObject details = {})
{
    return ToolResult{message, true, details};
}

// A positive integer input, or -1 when absent; an error for anything else.
Expected<qint64> positiveInput(const QJsonObject &input, const QString &key)
{
    const QJsonValue value = input.value(key);
    if (value.isUndefined() || value.isNull())
        return -1;
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 1 || number != double(qint64(number)))
        return fail(QStringLiteral("%1 must be a whole number of at least 1").arg(key));
    return qint64(number);
}

} // namespace

ToolResult readFile(const ToolContext &ctx, const QJsonObject &input)
{
    const auto path = detail::resolveInput(ctx, input.value(QStringLiteral("file_path")).toString());
    if (!path)
        return failure(QStringLiteral("Read: %1").arg(path.error().message));
    const QString shown = detail::displayPath(ctx, path->lexical);
    QJsonObject details{{QStringLiteral("path"), path->lexical}};
    if (const auto denied = detail::refusedForReading(ctx, QStringLiteral("Read"), input, *path))
        return failure(QStringLiteral("Reading %1 is denied: %2").arg(shown, *denied), details);

    const auto offset = positiveInput(input, QStringLiteral("offset"));
    const auto limit = positiveInput(input, QStringLiteral("limit"));
    if (!offset || !limit)
        return failure(QStringLiteral("Read: %1").arg((!offset ? offset : limit).error().message), details);
    const bool ranged = *offset > 0 || *limit > 0;
    const qint64 first = *offset > 0 ? *offset : 1;
    const qint64 count = *limit > 0 ? *limit : ctx.maxReadLines;

    if (!path->exists)
        return failure(
            QStringLiteral("%1 does not exist (resolved against the project folder %2)").arg(shown, ctx.projectDir),
            details);
    auto opened = detail::openRegularFile(path->canonical, shown);
    if (!opened)
        return failure(opened.error().message, details);
    const qint64 size = opened->size;
    details.insert(QStringLiteral("bytes"), size);
    if (size == 0) {
        ::close(opened->fd);
        details.insert(QStringLiteral("lines"), 0);
        return ToolResult{QStringLiteral("%1 is empty (0 bytes).").arg(shown), false, details};
    }
    if (size > ctx.maxReadBytes && !ranged) {
        ::close(opened->fd);
        return failure(QStringLiteral("%1 is %2, more than the %3 Read returns at once. Read a range of lines with "
                                      "offset and limit (for example offset=1, limit=%4), or search it with Grep.")
                           .arg(shown, detail::formatSize(size), detail::formatSize(ctx.maxReadBytes))
                           .arg(ctx.maxReadLines),
            details);
    }

    // Line by line, so that a range of a large file does not read all of it.
    QFile file;
    if (!file.open(opened->fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(opened->fd);
        return failure(QStringLiteral("%1 cannot be read: %2").arg(shown, file.errorString()), details);
    }
    const QByteArray head = file.peek(detail::binaryProbeBytes);
    if (head.contains('\0'))
        return failure(QStringLiteral("%1 is %2 of %3; Read shows text files only.")
                           .arg(shown, detail::describeBinary(path->canonical, head), detail::formatSize(size)),
            details);

    QString text;
    qint64 lineNumber = 0;
    qint64 shownLines = 0;
    qint64 shownBytes = 0;
    bool more = false;
    while (!file.atEnd()) {
        QByteArray line = file.readLine();
        ++lineNumber;
        if (lineNumber < first)
            continue;
        // A range is no way around the size limit: the output stops there too.
        if (shownLines == count || (shownLines > 0 && shownBytes + line.size() > ctx.maxReadBytes)) {
            more = true;
            break;
        }
        shownBytes += line.size();
        if (line.endsWith('\n'))
            line.chop(1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (!detail::isValidUtf8(line))
            return failure(
                QStringLiteral("%1 is %2 of %3 (line %4 is not valid UTF-8); Read shows UTF-8 text files only.")
                    .arg(shown, detail::describeBinary(path->canonical, head), detail::formatSize(size))
                    .arg(lineNumber),
                details);
        text +=
            QString::number(lineNumber).rightJustified(6) + u'\t' + detail::cutLine(QString::fromUtf8(line)) + u'\n';
        ++shownLines;
    }
    if (file.error() != QFileDevice::NoError)
        return failure(QStringLiteral("%1 cannot be read: %2").arg(shown, file.errorString()), details);
    details.insert(QStringLiteral("lines"), shownLines);
    if (shownLines == 0)
        return failure(
            QStringLiteral("%1 has %2 lines; offset %3 is past its end.").arg(shown).arg(lineNumber).arg(first),
            details);
    const qint64 last = first + shownLines - 1;
    if (more)
        text += QStringLiteral("\n(Showing lines %1-%2; the file goes on. To read more, call Read with offset=%3.)\n")
                    .arg(first)
                    .arg(last)
                    .arg(last + 1);
    return ToolResult{text, false, details};
}

} // namespace gatehouse::agent
