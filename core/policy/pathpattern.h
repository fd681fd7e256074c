// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace gatehouse::policy {

/// Where the folders of a rule's anchors are (SECURITY-MODEL.md section 2).
struct AnchorFolders
{
    QString project;      ///< "x" and "./x"
    QString settingsBase; ///< "/x": the folder the settings file speaks for (see Rule docs)
    QString home;         ///< "~/x"
};

/// A gitignore-style path pattern of a Read(...) or Edit(...) rule:
/// `//abs/path` from the filesystem root, `~/x` from home, `/x` from the settings file's
/// folder, `x` or `./x` from the project folder; `*`, `?` and `[...]` within one component,
/// `**` across components; a pattern with no `/` but a trailing one matches at any depth below
/// its anchor; a trailing `/` matches folders only. A pattern that matches a folder matches
/// everything inside it.
class PathPattern
{
public:
    PathPattern() = default;
    static PathPattern compile(const QString &specifier, const AnchorFolders &anchors);

    /// Whether @p absolutePath (clean, absolute) or one of its folders below the anchor matches.
    bool matches(const QString &absolutePath) const;
    /// Whether something inside @p folder could match (conservative: true when unsure).
    bool mayMatchBelow(const QString &folder) const;

    QString anchor() const { return m_anchor; }
    bool isValid() const { return !m_anchor.isEmpty(); }
    /// The components after the anchor, as written ("**" kept).
    const QStringList &segments() const { return m_segments; }
    bool isFloating() const { return m_floating; }
    /// The folder every match lies in: the anchor and the pattern's leading literal components
    /// ("/p/secrets" for "secrets/**" anchored at /p). Empty for floating patterns.
    QString fixedFolder() const;

private:
    bool matchFrom(const QList<QStringView> &path, qsizetype pi, qsizetype si, bool pathIsDir) const;

    QString m_anchor;
    QStringList m_segments;
    /// The leading segments without wildcards, joined ("secrets/keys" of "secrets/keys/*.pem"):
    /// a path whose relative form does not start with them cannot match (a fast reject).
    QString m_literalPrefix;
    bool m_floating = false;
    bool m_directoryOnly = false;
};

/// fnmatch-style match of one path component: `*`, `?`, `[abc]`, `[!a-z]`, `[[:alpha:]]`, `\x`.
bool globMatchSegment(QStringView pattern, QStringView text);

/// Where a Glob tool call searches, as the engine, the Glob tool and rule proposals all see it:
/// @p path (the project when empty) moved by the pattern's leading folders without wildcards
/// ("src/**/*.h" searches src; "../x/*" and "/etc/*" leave it), and the rest of the pattern.
struct GlobSearch
{
    QString root; ///< absolute or relative to the project, not yet resolved
    QString rest; ///< the pattern below root
};
GlobSearch globSearch(const QString &pattern, const QString &path, const QString &projectDir);

} // namespace gatehouse::policy
