// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/tool.h"
#include "policy/pathpattern.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

/// The folder walk that Glob and Grep share, and what it must not reveal.
namespace gatehouse::agent::detail {

/// A glob over paths relative to a folder: `*`, `?`, `[...]` within a component, `**` across
/// components, `{a,b}` alternatives (nested allowed, expanded up front).
class GlobPattern
{
public:
    explicit GlobPattern(const QString &pattern);
    bool isEmpty() const { return m_alternatives.isEmpty(); }
    /// Whether @p relativePath ("a/b/c.txt") matches one alternative.
    bool matches(const QString &relativePath) const;
    /// Whether something below the folder @p relativeFolder ("" for the root) could match.
    bool mayMatchBelow(const QString &relativeFolder) const;

private:
    QList<QStringList> m_alternatives; ///< each alternative split into components
};

/// {a,b} alternatives expanded ("x.{c,h}" -> "x.c", "x.h"); at most 256 results.
QStringList expandBraces(const QString &pattern);

/// Decides which files found below a searched folder the search may show. The search itself was
/// allowed for its folder; a file below it stays hidden when
///  - a Read deny rule or sandbox.filesystem.denyRead covers it (by its path or its symlink target),
///  - a Read ask rule covers it (the person was asked about the folder, not about that file),
///  - it is reached through a symlink whose target lies outside the searched folder and the
///    workspace, unless a Read of the target would be allowed without asking.
class ReadFilter
{
public:
    ReadFilter(const ToolContext &ctx, const QString &tool, const QString &rootLexical, const QString &rootCanonical);

    bool hidden(const QString &lexical, const QString &canonical) const;
    /// Whether a symlink found in the walk may be followed to @p canonicalTarget.
    bool targetAllowed(const QString &canonicalTarget) const;

private:
    const ToolContext &m_ctx;
    QString m_tool;
    QString m_rootCanonical;
    bool m_denyMayApply = false; ///< a deny could cover something below the root
    bool m_rootSensitive = false; ///< the root itself is a credential store or Gatehouse folder (the person was asked)
    QList<policy::PathPattern> m_denyRead;
    QList<policy::PathPattern> m_askRead;
};

/// One file the walk found and may show.
struct FoundFile
{
    QString lexical; ///< absolute, as reached through the searched folder
    QString canonical; ///< the file itself (a symlink's target)
    QString relative; ///< relative to the searched folder
    qint64 size = 0;
    qint64 mtimeMs = 0;
};

/// Walks a folder in name order: never into .git, never into a symlinked folder, skipping what
/// the filter hides. Stops after maxEntries entries (a runaway tree) or when the visitor says so.
class TreeWalker
{
public:
    TreeWalker(const ToolContext &ctx, const QString &tool, const QString &rootLexical, const QString &rootCanonical);

    /// @p descend decides from a folder's relative path whether to enter it (pruning).
    void walk(const std::function<bool(const QString &relativeFolder)> &descend,
        const std::function<bool(const FoundFile &)> &visit);

    int hiddenCount() const { return m_hidden; }
    bool truncated() const { return m_truncated; }
    static constexpr int maxEntries = 200000;

private:
    bool walkFolder(const QString &lexical, const QString &relative,
        const std::function<bool(const QString &)> &descend, const std::function<bool(const FoundFile &)> &visit);

    ReadFilter m_filter;
    QString m_rootLexical;
    QString m_rootCanonical;
    int m_hidden = 0;
    int m_entries = 0;
    bool m_truncated = false;
};

} // namespace gatehouse::agent::detail
