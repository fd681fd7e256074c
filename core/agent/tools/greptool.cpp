// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/tools/filesupport_p.h"
#include "agent/tools/filetools.h"
#include "agent/tools/walk_p.h"

#include "policy/engine.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace gatehouse::agent {
namespace {

constexpr qint64 maxGrepFileBytes = 8 * 1024 * 1024;

enum class Mode { Files, Content, Count };

struct Search
{
    QRegularExpression regex;
    Mode mode = Mode::Files;
    bool lineNumbers = true;
    qint64 headLimit = -1; ///< entries (files, lines or counts) to show; -1: no limit
    int maxMatches = 500; ///< content lines, whatever head_limit says
    QStringList entries;
    qint64 totalEntries = 0;
    qint64 filesSearched = 0;
    qint64 matchingLines = 0;
    qint64 skipped = 0; ///< binary or too large
    bool more = false; ///< content: a match was found after the output was full

    bool full() const
    {
        const qint64 cap =
            mode == Mode::Content ? (headLimit < 0 ? maxMatches : qMin<qint64>(headLimit, maxMatches)) : headLimit;
        return cap >= 0 && entries.size() >= cap;
    }
};

// Searches one file; @p shown is how the file is named in the output.
void searchFile(Search &search, const QString &canonical, const QString &shown)
{
    const auto bytes = detail::readRegularFile(canonical, maxGrepFileBytes + 1, shown);
    if (!bytes || bytes->size() > maxGrepFileBytes || detail::looksBinary(*bytes)) {
        ++search.skipped;
        return;
    }
    ++search.filesSearched;
    const QString text = QString::fromUtf8(*bytes);
    qint64 count = 0;
    qsizetype start = 0;
    qint64 lineNumber = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf(u'\n', start);
        if (end < 0)
            end = text.size();
        ++lineNumber;
        QStringView line = QStringView(text).mid(start, end - start);
        if (line.endsWith(u'\r'))
            line.chop(1);
        start = end + 1;
        if (!search.regex.matchView(line).hasMatch())
            continue;
        ++count;
        ++search.matchingLines;
        if (search.mode == Mode::Files)
            break;
        if (search.mode == Mode::Content) {
            if (search.full()) {
                search.more = true;
                return;
            }
            const QString cut = detail::cutLine(line.toString());
            search.entries << (search.lineNumbers ? QStringLiteral("%1:%2:%3").arg(shown).arg(lineNumber).arg(cut)
                                                  : QStringLiteral("%1:%2").arg(shown, cut));
        }
    }
    if (count == 0 || search.mode == Mode::Content)
        return;
    ++search.totalEntries;
    if (!search.full())
        search.entries << (search.mode == Mode::Files ? shown : QStringLiteral("%1:%2").arg(shown).arg(count));
}

} // namespace

ToolResult grepFiles(const ToolContext &ctx, const QJsonObject &input)
{
    Search search;
    const QString pattern = input.value(QStringLiteral("pattern")).toString();
    if (pattern.isEmpty())
        return ToolResult{QStringLiteral("Grep: no pattern was given"), true, {}};
    if (!ctx.engine)
        return ToolResult{QStringLiteral("Grep: no policy engine is available to check the call"), true, {}};
    QRegularExpression::PatternOptions options = QRegularExpression::UseUnicodePropertiesOption;
    if (input.value(QStringLiteral("-i")).toBool())
        options |= QRegularExpression::CaseInsensitiveOption;
    search.regex = QRegularExpression(pattern, options);
    if (!search.regex.isValid())
        return ToolResult{QStringLiteral("Grep: the pattern is not a valid regular expression: %1 (at offset %2)")
                              .arg(search.regex.errorString())
                              .arg(search.regex.patternErrorOffset()),
            true, {}};
    const QString mode = input.value(QStringLiteral("output_mode")).toString(QStringLiteral("files_with_matches"));
    if (mode == QStringLiteral("content"))
        search.mode = Mode::Content;
    else if (mode == QStringLiteral("count"))
        search.mode = Mode::Count;
    else if (mode != QStringLiteral("files_with_matches"))
        return ToolResult{
            QStringLiteral("Grep: output_mode must be files_with_matches, content or count, not %1").arg(mode), true,
            {}};
    search.lineNumbers = input.value(QStringLiteral("-n")).toBool(true);
    const QJsonValue head = input.value(QStringLiteral("head_limit"));
    if (head.isDouble() && head.toDouble() >= 0)
        search.headLimit = qint64(head.toDouble());
    search.maxMatches = ctx.maxGrepMatches;

    QString base = input.value(QStringLiteral("path")).toString();
    if (base.isEmpty())
        base = ctx.projectDir;
    const auto root = detail::resolveInput(ctx, base);
    if (!root)
        return ToolResult{QStringLiteral("Grep: %1").arg(root.error().message), true, {}};
    const QString shownRoot = detail::displayPath(ctx, root->lexical);
    QJsonObject details{{QStringLiteral("path"), root->lexical}, {QStringLiteral("pattern"), pattern}};
    if (const auto denied = detail::refusedForReading(ctx, QStringLiteral("Grep"), input, *root))
        return ToolResult{QStringLiteral("Searching %1 is denied: %2").arg(shownRoot, *denied), true, details};
    if (!root->exists)
        return ToolResult{QStringLiteral("%1 does not exist").arg(shownRoot), true, details};

    int hidden = 0;
    bool truncated = false;
    if (QFileInfo(root->canonical).isDir()) {
        const QString globText = input.value(QStringLiteral("glob")).toString();
        const detail::GlobPattern glob(globText.contains(u'/') ? globText : QStringLiteral("**/") + globText);
        detail::TreeWalker walker(ctx, QStringLiteral("Grep"), root->lexical, root->canonical);
        walker.walk([](const QString &) { return true; },
            [&](const detail::FoundFile &file) {
                if (!globText.isEmpty() && !glob.matches(file.relative))
                    return true;
                searchFile(search, file.canonical, detail::displayPath(ctx, file.lexical));
                // Files and counts go on past head_limit, to say how many more there are.
                return !search.more;
            });
        hidden = walker.hiddenCount();
        truncated = walker.truncated();
    } else {
        // One file named by the call: the decision covered it; a deny added since is checked above.
        searchFile(search, root->canonical, shownRoot);
    }

    details.insert(QStringLiteral("files"), search.filesSearched);
    details.insert(QStringLiteral("matches"), search.matchingLines);
    details.insert(QStringLiteral("hidden"), hidden);
    if (search.entries.isEmpty()) {
        QString text = QStringLiteral("No matches for %1 in %2.").arg(pattern, detail::folderName(shownRoot));
        if (search.skipped > 0)
            text += search.skipped == 1
                ? QStringLiteral(" (1 binary or very large file was not searched.)")
                : QStringLiteral(" (%1 binary or very large files were not searched.)").arg(search.skipped);
        return ToolResult{text, false, details};
    }
    QString text = search.entries.join(u'\n') + u'\n';
    if (search.more)
        text += QStringLiteral("(Output stopped after %1 %2; narrow the pattern, the path or the glob.)\n")
                    .arg(search.entries.size())
                    .arg(search.entries.size() == 1 ? QStringLiteral("line") : QStringLiteral("lines"));
    else if (search.totalEntries > search.entries.size())
        text += QStringLiteral("(%1 more not shown.)\n").arg(search.totalEntries - search.entries.size());
    if (truncated)
        text += QStringLiteral("(The search stopped after %1 entries; narrow the path.)\n")
                    .arg(detail::TreeWalker::maxEntries);
    return ToolResult{text, false, details};
}

} // namespace gatehouse::agent
