// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/tools/filechange.h"
#include "agent/tools/filesupport_p.h"

#include "policy/engine.h"

#include <QFileInfo>
#include <QJsonValue>

namespace gatehouse::agent {
namespace {

/// The largest file Edit and Write take as "before": the review holds it in memory twice.
constexpr qint64 maxChangeBytes = 32 * 1024 * 1024;

// The change's target, with its current bytes when it exists.
Expected<FileChange> prepareTarget(
    const ToolContext &ctx, const QString &tool, const QJsonObject &input, bool mustExist)
{
    const QJsonValue value = input.value(QStringLiteral("file_path"));
    if (!value.isString())
        return fail(QStringLiteral("%1: file_path must be given as a string").arg(tool));
    const auto path = detail::resolveInput(ctx, value.toString());
    if (!path)
        return fail(QStringLiteral("%1: %2").arg(tool, path.error().message));
    const QString shown = detail::displayPath(ctx, path->lexical);
    if (const auto denied = detail::deniedNow(ctx, tool, input))
        return fail(QStringLiteral("Changing %1 is denied: %2").arg(shown, *denied));

    // A link as the last component is refused rather than written through: the model names the
    // target itself, and the decision is then about the file that changes.
    if (const QString target = QFileInfo(path->lexical).symLinkTarget(); !target.isEmpty())
        return fail(
            QStringLiteral("%1 is a symbolic link to %2; %3 does not write through links, name the target instead")
                .arg(shown, detail::displayPath(ctx, path->canonical), tool));

    FileChange change;
    change.tool = tool;
    change.path = path->lexical;
    change.canonicalPath = path->canonical;
    change.exists = path->exists;
    if (!path->exists) {
        if (mustExist)
            return fail(
                QStringLiteral("%1 does not exist; Edit changes existing files (Write creates new ones)").arg(shown));
        return change;
    }
    const auto opened = detail::openRegularFile(path->canonical, shown);
    if (!opened)
        return fail(opened.error().message);
    if (opened->size > maxChangeBytes) {
        const qint64 size = opened->size;
        detail::readAndClose(*opened, 0, shown);
        return fail(QStringLiteral("%1 is %2; %3 changes files of at most %4")
                        .arg(shown, detail::formatSize(size), tool, detail::formatSize(maxChangeBytes)));
    }
    const auto bytes = detail::readAndClose(*opened, maxChangeBytes + 1, shown);
    if (!bytes)
        return fail(bytes.error().message);
    change.before = *bytes;
    return change;
}

qsizetype countOccurrences(const QByteArray &haystack, const QByteArray &needle)
{
    qsizetype count = 0;
    for (qsizetype at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.size()))
        ++count;
    return count;
}

Expected<QString> stringInput(const QJsonObject &input, const QString &key, const QString &tool)
{
    const QJsonValue value = input.value(key);
    if (!value.isString())
        return fail(QStringLiteral("%1: %2 must be given as a string").arg(tool, key));
    return value.toString();
}

} // namespace

Expected<FileChange> prepareEdit(const ToolContext &ctx, const QJsonObject &input)
{
    const QString tool = QStringLiteral("Edit");
    const auto oldText = stringInput(input, QStringLiteral("old_string"), tool);
    if (!oldText)
        return std::unexpected(oldText.error());
    const auto newText = stringInput(input, QStringLiteral("new_string"), tool);
    if (!newText)
        return std::unexpected(newText.error());
    if (*oldText == *newText)
        return fail(QStringLiteral("old_string and new_string are the same; the edit would change nothing"));
    const bool replaceAll = input.value(QStringLiteral("replace_all")).toBool(false);

    auto change = prepareTarget(ctx, tool, input, true);
    if (!change)
        return change;
    const QString shown = detail::displayPath(ctx, change->path);
    // The preparation runs before the person is asked. When reading the file needs asking (or
    // is denied), what is wrong with the edit is not described: "occurs 3 times", "not found" or
    // "would match ignoring whitespace" would tell the model what the file holds without anyone
    // answering. One message for every mismatch.
    const policy::ToolCall read{QStringLiteral("Read"), QJsonObject{{QStringLiteral("file_path"), change->path}}};
    if (!ctx.engine || ctx.engine->decide(read).verdict != policy::Verdict::Allow) {
        const QByteArray oldBytes = oldText->toUtf8();
        const qsizetype count = oldBytes.isEmpty() ? 0 : countOccurrences(change->before, oldBytes);
        const bool applies = !detail::looksBinary(change->before) && (replaceAll ? count >= 1 : count == 1);
        if (!applies)
            return fail(QStringLiteral("old_string does not match %1 exactly once. Reading that file needs "
                                       "permission, so what it holds is not described; Read it first.")
                            .arg(shown));
    }
    if (detail::looksBinary(change->before))
        return fail(
            QStringLiteral("%1 is %2; Edit changes UTF-8 text files only")
                .arg(shown,
                    detail::describeBinary(change->canonicalPath,
                        change->before.first(qMin<qsizetype>(change->before.size(), detail::binaryProbeBytes)))));

    const QByteArray oldBytes = oldText->toUtf8();
    const QByteArray newBytes = newText->toUtf8();
    if (oldBytes.isEmpty()) {
        if (!change->before.isEmpty())
            return fail(QStringLiteral("old_string is empty, but %1 is not: name the text to replace, or use Write to "
                                       "replace the whole file")
                            .arg(shown));
        change->after = newBytes;
        change->replacements = 1;
        return change;
    }
    const qsizetype count = countOccurrences(change->before, oldBytes);
    if (count == 0) {
        QString message = QStringLiteral("old_string was not found in %1.").arg(shown);
        const QString wanted = oldText->simplified();
        if (!wanted.isEmpty() && QString::fromUtf8(change->before).simplified().contains(wanted))
            message +=
                QStringLiteral(" It would match if differences in whitespace were ignored: copy the text exactly as "
                               "it is in the file (indentation, tabs or spaces, line ends), without the line "
                               "numbers Read shows.");
        else
            message += QStringLiteral(" Read the file again; it may differ from what you remember.");
        return fail(message);
    }
    if (count > 1 && !replaceAll)
        return fail(
            QStringLiteral("old_string occurs %1 times in %2; it must match exactly once. Include more of the "
                           "surrounding lines to make it unique, or set replace_all to replace every occurrence.")
                .arg(count)
                .arg(shown));
    change->after = change->before;
    if (replaceAll)
        change->after.replace(oldBytes, newBytes);
    else
        change->after.replace(change->before.indexOf(oldBytes), oldBytes.size(), newBytes);
    change->replacements = int(count);
    return change;
}

Expected<FileChange> prepareWrite(const ToolContext &ctx, const QJsonObject &input)
{
    const auto content = stringInput(input, QStringLiteral("content"), QStringLiteral("Write"));
    if (!content)
        return std::unexpected(content.error());
    auto change = prepareTarget(ctx, QStringLiteral("Write"), input, false);
    if (!change)
        return change;
    change->after = content->toUtf8();
    return change;
}

} // namespace gatehouse::agent
