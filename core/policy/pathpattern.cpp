// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/pathpattern.h"

#include "policy/paths.h"

#include <QFileInfo>

#include <optional>

namespace gatehouse::policy {
namespace {

// Whether @p c belongs to the POSIX character class @p name ("alpha" of "[:alpha:]"), as in
// the C locale; std::nullopt for a name that is not a class.
std::optional<bool> inNamedClass(QStringView name, QChar c)
{
    const char16_t u = c.unicode();
    const bool ascii = u < 0x80;
    const bool upper = u >= u'A' && u <= u'Z';
    const bool lower = u >= u'a' && u <= u'z';
    const bool digit = u >= u'0' && u <= u'9';
    const bool space = u == u' ' || (u >= u'\t' && u <= u'\r');
    const bool print = u >= 0x20 && u < 0x7f;
    if (name == u"alpha") return upper || lower || (!ascii && c.isLetter());
    if (name == u"upper") return upper || (!ascii && c.isUpper());
    if (name == u"lower") return lower || (!ascii && c.isLower());
    if (name == u"digit") return digit;
    if (name == u"xdigit") return digit || (u >= u'a' && u <= u'f') || (u >= u'A' && u <= u'F');
    if (name == u"alnum") return upper || lower || digit || (!ascii && c.isLetterOrNumber());
    if (name == u"space") return space || (!ascii && c.isSpace());
    if (name == u"blank") return u == u' ' || u == u'\t';
    if (name == u"punct") return print && !upper && !lower && !digit && u != u' ';
    if (name == u"print") return print || (!ascii && c.isPrint());
    if (name == u"graph") return (print && u != u' ') || (!ascii && c.isPrint() && !c.isSpace());
    if (name == u"cntrl") return u < 0x20 || u == 0x7f;
    if (name == u"word") return upper || lower || digit || u == u'_';
    return std::nullopt;
}

// Matches a bracket expression starting at pattern[p] == '['; on success returns the index
// after ']' and sets matched. Returns -1 for a malformed class (then '[' is literal). Knows
// ranges, negation, POSIX classes ([:alpha:]), equivalence classes ([=e=]) and collating
// symbols ([.a.]) of one character, as bash does in the C locale.
qsizetype matchClass(QStringView pattern, qsizetype p, QChar c, bool &matched)
{
    qsizetype i = p + 1;
    bool negate = false;
    if (i < pattern.size() && (pattern[i] == u'!' || pattern[i] == u'^')) {
        negate = true;
        ++i;
    }
    bool found = false;
    bool first = true;
    while (i < pattern.size() && (first || pattern[i] != u']')) {
        first = false;
        // [:name:], [=c=], [.c.]
        if (pattern[i] == u'[' && i + 1 < pattern.size()
            && (pattern[i + 1] == u':' || pattern[i + 1] == u'=' || pattern[i + 1] == u'.')) {
            const QChar kind = pattern[i + 1];
            const QString closing = QString(kind) + u']';
            const qsizetype close = pattern.indexOf(closing, i + 2);
            if (close < 0)
                return -1;
            const QStringView inside = pattern.mid(i + 2, close - i - 2);
            if (kind == u':') {
                const std::optional<bool> member = inNamedClass(inside, c);
                if (!member)
                    return -1; // bash: an unknown class makes the bracket match nothing it can name
                found |= *member;
            } else if (inside.size() == 1) {
                found |= inside.front() == c;
            } else {
                return -1;
            }
            i = close + 2;
            continue;
        }
        QChar low = pattern[i];
        if (low == u'\\' && i + 1 < pattern.size())
            low = pattern[++i];
        QChar high = low;
        if (i + 2 < pattern.size() && pattern[i + 1] == u'-' && pattern[i + 2] != u']') {
            high = pattern[i + 2];
            if (high == u'\\' && i + 3 < pattern.size()) {
                high = pattern[i + 3];
                ++i;
            }
            i += 2;
        }
        if (c >= low && c <= high)
            found = true;
        ++i;
    }
    if (i >= pattern.size())
        return -1;
    matched = found != negate;
    return i + 1;
}

} // namespace

bool globMatchSegment(QStringView pattern, QStringView text)
{
    qsizetype p = 0;
    qsizetype t = 0;
    qsizetype starP = -1;
    qsizetype starT = 0;
    while (t < text.size()) {
        if (p < pattern.size()) {
            const QChar pc = pattern[p];
            if (pc == u'*') {
                starP = ++p;
                starT = t;
                continue;
            }
            if (pc == u'?') {
                ++p;
                ++t;
                continue;
            }
            if (pc == u'[') {
                bool matched = false;
                const qsizetype next = matchClass(pattern, p, text[t], matched);
                if (next >= 0) {
                    if (matched) {
                        p = next;
                        ++t;
                        continue;
                    }
                } else if (text[t] == u'[') {
                    ++p;
                    ++t;
                    continue;
                }
            } else {
                QChar literal = pc;
                qsizetype width = 1;
                if (pc == u'\\' && p + 1 < pattern.size()) {
                    literal = pattern[p + 1];
                    width = 2;
                }
                if (literal == text[t]) {
                    p += width;
                    ++t;
                    continue;
                }
            }
        }
        if (starP < 0)
            return false;
        p = starP;
        t = ++starT;
    }
    while (p < pattern.size() && pattern[p] == u'*')
        ++p;
    return p == pattern.size();
}

GlobSearch globSearch(const QString &pattern, const QString &path, const QString &projectDir)
{
    const auto hasWildcard = [](const QString &component) {
        return component.contains(u'*') || component.contains(u'?') || component.contains(u'[') || component.contains(u'{');
    };
    GlobSearch search;
    search.root = path.isEmpty() ? projectDir : path;
    QStringList parts = pattern.split(u'/');
    QStringList fixed;
    while (parts.size() > 1 && !hasWildcard(parts.first()))
        fixed << parts.takeFirst();
    if (pattern.startsWith(u'/'))
        search.root = QStringLiteral("/") + fixed.join(u'/');
    else if (!fixed.isEmpty())
        search.root += u'/' + fixed.join(u'/');
    search.rest = parts.join(u'/');
    return search;
}

PathPattern PathPattern::compile(const QString &specifier, const AnchorFolders &anchors)
{
    PathPattern pattern;
    QString rest;
    if (specifier.startsWith(QStringLiteral("//"))) {
        pattern.m_anchor = QStringLiteral("/");
        rest = specifier.mid(2);
    } else if (specifier == u'~' || specifier.startsWith(QStringLiteral("~/"))) {
        pattern.m_anchor = anchors.home;
        rest = specifier.mid(2);
    } else if (specifier.startsWith(u'/')) {
        pattern.m_anchor = anchors.settingsBase;
        rest = specifier.mid(1);
    } else if (specifier.startsWith(QStringLiteral("./"))) {
        pattern.m_anchor = anchors.project;
        rest = specifier.mid(2);
    } else {
        pattern.m_anchor = anchors.project;
        rest = specifier;
        QString trimmed = rest;
        while (trimmed.endsWith(u'/'))
            trimmed.chop(1);
        pattern.m_floating = !trimmed.isEmpty() && !trimmed.contains(u'/');
    }
    if (pattern.m_anchor.isEmpty())
        return {};
    pattern.m_anchor = cleanAbsolute(pattern.m_anchor);
    pattern.m_directoryOnly = rest.endsWith(u'/');
    for (const auto part : QStringView(rest).split(u'/', Qt::SkipEmptyParts)) {
        if (part == u'.')
            continue;
        // ".." in a pattern would climb out of its anchor: apply it to the anchor itself.
        if (part == QStringLiteral("..") && pattern.m_segments.isEmpty()) {
            pattern.m_anchor = cleanAbsolute(pattern.m_anchor + QStringLiteral("/.."));
            continue;
        }
        pattern.m_segments << part.toString();
    }
    // Collapse runs of "**".
    for (qsizetype i = pattern.m_segments.size() - 1; i > 0; --i)
        if (pattern.m_segments[i] == QStringLiteral("**") && pattern.m_segments[i - 1] == QStringLiteral("**"))
            pattern.m_segments.removeAt(i);
    if (!pattern.m_floating) {
        QStringList literal;
        for (const QString &segment : std::as_const(pattern.m_segments)) {
            if (segment.contains(u'*') || segment.contains(u'?') || segment.contains(u'[') || segment.contains(u'\\'))
                break;
            literal << segment;
        }
        pattern.m_literalPrefix = literal.join(u'/');
    }
    return pattern;
}

bool PathPattern::matchFrom(const QList<QStringView> &path, qsizetype pi, qsizetype si, bool pathIsDir) const
{
    // The pattern matches path[0..k) for some k: a match of a folder covers what is inside it.
    while (true) {
        if (si == m_segments.size()) {
            if (pi == path.size())
                return !m_directoryOnly || pathIsDir;
            return true; // an ancestor folder of the path matched
        }
        const QString &segment = m_segments[si];
        if (segment == QStringLiteral("**")) {
            if (si + 1 == m_segments.size())
                return pi < path.size() || !m_directoryOnly || pathIsDir;
            for (qsizetype k = pi; k <= path.size(); ++k)
                if (matchFrom(path, k, si + 1, pathIsDir))
                    return true;
            return false;
        }
        if (pi == path.size() || !globMatchSegment(segment, path[pi]))
            return false;
        ++pi;
        ++si;
    }
}

QString PathPattern::fixedFolder() const
{
    if (!isValid() || m_floating)
        return {};
    if (m_literalPrefix.isEmpty())
        return m_anchor;
    if (m_anchor == QStringLiteral("/"))
        return QStringLiteral("/") + m_literalPrefix;
    return m_anchor + u'/' + m_literalPrefix;
}

bool PathPattern::matches(const QString &absolutePath) const
{
    if (!isValid() || !isInside(absolutePath, m_anchor))
        return false;
    // The part below the anchor, without copying it ("" for the anchor itself).
    const QStringView rel = absolutePath.size() == m_anchor.size()
                                ? QStringView()
                                : QStringView(absolutePath).mid(m_anchor == QStringLiteral("/") ? 1 : m_anchor.size() + 1);
    if (!m_literalPrefix.isEmpty()) {
        if (!rel.startsWith(m_literalPrefix)
            || (rel.size() > m_literalPrefix.size() && rel.at(m_literalPrefix.size()) != u'/'))
            return false;
    }
    if (m_segments.isEmpty())
        return true; // "~" or "//": everything below the anchor
    const QList<QStringView> path = rel.split(u'/', Qt::SkipEmptyParts);
    const bool pathIsDir = m_directoryOnly && QFileInfo(absolutePath).isDir();
    if (m_floating) {
        for (qsizetype i = 0; i < path.size(); ++i)
            if (globMatchSegment(m_segments.first(), path[i]))
                return !m_directoryOnly || i + 1 < path.size() || pathIsDir;
        return false;
    }
    return matchFrom(path, 0, 0, pathIsDir);
}

bool PathPattern::mayMatchBelow(const QString &folder) const
{
    if (!isValid())
        return false;
    if (isInside(m_anchor, folder))
        return true; // the whole anchor lies inside the folder
    if (!isInside(folder, m_anchor))
        return false;
    if (m_floating || m_segments.isEmpty())
        return true;
    const QStringList rel = relativeTo(folder, m_anchor).split(u'/', Qt::SkipEmptyParts);
    for (qsizetype i = 0; i < rel.size(); ++i) {
        if (i >= m_segments.size())
            return true; // the pattern matches an ancestor of the folder
        if (m_segments[i] == QStringLiteral("**"))
            return true;
        if (!globMatchSegment(m_segments[i], rel[i]))
            return false;
    }
    return true;
}

} // namespace gatehouse::policy
