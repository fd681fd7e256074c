// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/tools/filesupport_p.h"
#include "agent/tools/filetools.h"
#include "agent/tools/walk_p.h"

#include "policy/engine.h"
#include "policy/pathpattern.h"

#include <QFileInfo>

#include <algorithm>

namespace gatehouse::agent {

ToolResult globFiles(const ToolContext &ctx, const QJsonObject &input)
{
    const QString pattern = input.value(QStringLiteral("pattern")).toString();
    if (pattern.isEmpty())
        return ToolResult{QStringLiteral("Glob: no pattern was given"), true, {}};
    if (!ctx.engine)
        return ToolResult{QStringLiteral("Glob: no policy engine is available to check the call"), true, {}};
    // The pattern's leading literal folders narrow the walk ("src/**/*.h" walks src), and may
    // leave the folder ("../x/*", "/etc/*"), exactly as the engine saw it when deciding.
    const policy::GlobSearch search = policy::globSearch(pattern, input.value(QStringLiteral("path")).toString(), ctx.projectDir);
    const QString &base = search.root;
    const QString &rest = search.rest;

    const auto root = detail::resolveInput(ctx, base);
    if (!root)
        return ToolResult{QStringLiteral("Glob: %1").arg(root.error().message), true, {}};
    const QString shownRoot = detail::displayPath(ctx, root->lexical);
    QJsonObject details{{QStringLiteral("path"), root->lexical}, {QStringLiteral("pattern"), pattern}};
    if (const auto denied = detail::refusedForReading(ctx, QStringLiteral("Glob"), input, *root))
        return ToolResult{QStringLiteral("Listing %1 is denied: %2").arg(shownRoot, *denied), true, details};
    if (!root->exists)
        return ToolResult{QStringLiteral("%1 does not exist").arg(shownRoot), true, details};
    if (!QFileInfo(root->canonical).isDir())
        return ToolResult{
            QStringLiteral("%1 is not a folder; Glob searches below a folder").arg(shownRoot), true, details};

    const detail::GlobPattern glob(rest);
    if (glob.isEmpty())
        return ToolResult{QStringLiteral("Glob: the pattern %1 names no files").arg(pattern), true, details};
    QList<detail::FoundFile> found;
    detail::TreeWalker walker(ctx, QStringLiteral("Glob"), root->lexical, root->canonical);
    walker.walk([&glob](const QString &folder) { return glob.mayMatchBelow(folder); },
        [&glob, &found](const detail::FoundFile &file) {
            if (glob.matches(file.relative))
                found << file;
            return true;
        });
    std::sort(found.begin(), found.end(), [](const detail::FoundFile &a, const detail::FoundFile &b) {
        return a.mtimeMs != b.mtimeMs ? a.mtimeMs > b.mtimeMs : a.lexical < b.lexical;
    });

    const qsizetype shown = qMin<qsizetype>(found.size(), ctx.maxGlobResults);
    details.insert(QStringLiteral("matches"), found.size());
    details.insert(QStringLiteral("shown"), shown);
    details.insert(QStringLiteral("hidden"), walker.hiddenCount());
    if (found.isEmpty()) {
        QString text = QStringLiteral("No files match %1 in %2.").arg(pattern, detail::folderName(shownRoot));
        if (walker.truncated())
            text += QStringLiteral(" (The search stopped after %1 entries; narrow the path.)")
                        .arg(detail::TreeWalker::maxEntries);
        return ToolResult{text, false, details};
    }
    QString text;
    for (qsizetype i = 0; i < shown; ++i)
        text += detail::displayPath(ctx, found[i].lexical) + u'\n';
    if (found.size() > shown)
        text += QStringLiteral("(%1 more not shown, newest first; narrow the pattern or the path.)\n")
                    .arg(found.size() - shown);
    if (walker.truncated())
        text += QStringLiteral("(The search stopped after %1 entries; narrow the path.)\n")
                    .arg(detail::TreeWalker::maxEntries);
    return ToolResult{text, false, details};
}

} // namespace gatehouse::agent
