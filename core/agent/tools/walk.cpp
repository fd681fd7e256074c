// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/tools/walk_p.h"

#include "policy/engine.h"
#include "policy/paths.h"

#include <QFile>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>

namespace gatehouse::agent::detail {
namespace {

constexpr qsizetype maxBraceAlternatives = 256;

// Expands the first top-level {...} group of @p pattern, recursively.
void expandInto(const QString &pattern, QStringList &out)
{
    if (out.size() >= maxBraceAlternatives)
        return;
    qsizetype open = -1;
    int depth = 0;
    QList<qsizetype> commas;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QChar c = pattern[i];
        if (c == u'\\') {
            ++i;
            continue;
        }
        if (c == u'{') {
            if (depth++ == 0) {
                open = i;
                commas.clear();
            }
        } else if (c == u',' && depth == 1) {
            commas << i;
        } else if (c == u'}' && depth > 0 && --depth == 0) {
            if (commas.isEmpty()) { // "{x}" is literal text, as in bash
                open = -1;
                continue;
            }
            const QString head = pattern.left(open);
            const QString tail = pattern.mid(i + 1);
            qsizetype start = open + 1;
            commas << i;
            for (const qsizetype end : std::as_const(commas)) {
                expandInto(head + pattern.mid(start, end - start) + tail, out);
                start = end + 1;
            }
            return;
        }
    }
    out << pattern;
}

// Matches path components from @p pi against pattern components from @p si; with @p prefix, a
// path that runs out first still counts (something below it could match).
bool matchComponents(const QStringList &pattern, qsizetype si, const QStringList &path, qsizetype pi, bool prefix)
{
    while (si < pattern.size()) {
        if (pattern[si] == QStringLiteral("**")) {
            if (prefix && pi == path.size())
                return true;
            for (qsizetype skip = pi; skip <= path.size(); ++skip)
                if (matchComponents(pattern, si + 1, path, skip, prefix))
                    return true;
            return false;
        }
        if (pi == path.size())
            return prefix;
        if (!policy::globMatchSegment(pattern[si], path[pi]))
            return false;
        ++si;
        ++pi;
    }
    return pi == path.size() && !prefix;
}

bool isFolder(const struct stat &info)
{
    return S_ISDIR(info.st_mode);
}

qint64 mtimeOf(const struct stat &info)
{
#ifdef Q_OS_DARWIN
    const struct timespec mtime = info.st_mtimespec;
#else
    const struct timespec mtime = info.st_mtim;
#endif
    return qint64(mtime.tv_sec) * 1000 + mtime.tv_nsec / 1000000;
}

} // namespace

QStringList expandBraces(const QString &pattern)
{
    QStringList out;
    expandInto(pattern, out);
    return out;
}

GlobPattern::GlobPattern(const QString &pattern)
{
    for (const QString &alternative : expandBraces(pattern)) {
        QStringList parts = alternative.split(u'/', Qt::SkipEmptyParts);
        parts.removeAll(QStringLiteral("."));
        if (!parts.isEmpty())
            m_alternatives << parts;
    }
}

bool GlobPattern::matches(const QString &relativePath) const
{
    const QStringList path = relativePath.split(u'/', Qt::SkipEmptyParts);
    for (const QStringList &alternative : m_alternatives)
        if (matchComponents(alternative, 0, path, 0, false))
            return true;
    return false;
}

bool GlobPattern::mayMatchBelow(const QString &relativeFolder) const
{
    const QStringList path = relativeFolder.split(u'/', Qt::SkipEmptyParts);
    for (const QStringList &alternative : m_alternatives)
        if (matchComponents(alternative, 0, path, 0, true))
            return true;
    return false;
}

ReadFilter::ReadFilter(
    const ToolContext &ctx, const QString &tool, const QString &rootLexical, const QString &rootCanonical)
    : m_ctx(ctx)
    , m_tool(tool)
    , m_rootCanonical(rootCanonical)
{
    const policy::Policy &policy = ctx.engine->policy();
    m_denyMayApply = ctx.engine->readDenyMayCoverBelow(rootLexical) || ctx.engine->readDenyMayCoverBelow(rootCanonical);
    m_rootSensitive = !ctx.engine->sensitivePathReason(rootLexical, rootCanonical).isEmpty();
    // The engine keeps its compiled denyRead patterns to itself; these are compiled the same way.
    for (const QString &path : policy.sandboxDenyRead())
        m_denyRead << policy::PathPattern::compile(
            QStringLiteral("/") + path, {policy.projectDir(), QString(), policy.homeDir()});
    for (const policy::RuleEntry &entry : policy.rules())
        if (entry.verdict == policy::Verdict::Ask && entry.rule.kind == policy::Rule::Kind::Path
            && entry.rule.pathFamily == QStringLiteral("Read") && !entry.rule.neverMatches)
            m_askRead << entry.rule.path;
}

bool ReadFilter::hidden(const QString &lexical, const QString &canonical) const
{
    // Below the root without a symlink on the way, nothing can match unless a deny reaches below it.
    if (m_denyMayApply || !policy::isInside(canonical, m_rootCanonical)) {
        if (m_ctx.engine->matchPathRule(policy::Verdict::Deny, m_tool, lexical, canonical, false))
            return true;
        for (const policy::PathPattern &pattern : m_denyRead)
            if (pattern.matches(lexical) || pattern.matches(canonical))
                return true;
    }
    for (const policy::PathPattern &pattern : m_askRead)
        if (pattern.matches(lexical) || pattern.matches(canonical))
            return true;
    // Credential stores and Gatehouse's own folders are never searched through (a Grep over
    // home must not print ~/.ssh/id_rsa, even when a rule or mode allows the search).
    // (A search the person allowed inside one of them, having been asked, is not hidden from.)
    return !m_rootSensitive && !m_ctx.engine->sensitivePathReason(lexical, canonical).isEmpty();
}

bool ReadFilter::targetAllowed(const QString &canonicalTarget) const
{
    if (policy::isInside(canonicalTarget, m_rootCanonical)
        || m_ctx.engine->inWorkspace(canonicalTarget, canonicalTarget))
        return true;
    const policy::ToolCall read{QStringLiteral("Read"), QJsonObject{{QStringLiteral("file_path"), canonicalTarget}}};
    return m_ctx.engine->decide(read).verdict == policy::Verdict::Allow;
}

TreeWalker::TreeWalker(
    const ToolContext &ctx, const QString &tool, const QString &rootLexical, const QString &rootCanonical)
    : m_filter(ctx, tool, rootLexical, rootCanonical)
    , m_rootLexical(rootLexical)
    , m_rootCanonical(rootCanonical)
{
}

void TreeWalker::walk(
    const std::function<bool(const QString &)> &descend, const std::function<bool(const FoundFile &)> &visit)
{
    walkFolder(m_rootLexical, QString(), descend, visit);
}

bool TreeWalker::walkFolder(const QString &lexical, const QString &relative,
    const std::function<bool(const QString &)> &descend, const std::function<bool(const FoundFile &)> &visit)
{
    const std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir(QFile::encodeName(lexical).constData()), ::closedir);
    if (!dir)
        return true; // unreadable folders are skipped, as grep -r and find do
    QList<QByteArray> names;
    while (const dirent *entry = ::readdir(dir.get())) {
        const QByteArray name(entry->d_name);
        if (name != "." && name != ".." && name != ".git")
            names << name;
    }
    std::sort(names.begin(), names.end());
    const int parent = ::dirfd(dir.get());
    for (const QByteArray &name : std::as_const(names)) {
        if (++m_entries > maxEntries) {
            m_truncated = true;
            return false;
        }
        struct stat info
        {
        };
        if (::fstatat(parent, name.constData(), &info, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        const QString decoded = QFile::decodeName(name);
        const QString childLexical =
            lexical == QStringLiteral("/") ? QString(u'/' + decoded) : QString(lexical + u'/' + decoded);
        const QString childRelative = relative.isEmpty() ? decoded : QString(relative + u'/' + decoded);
        QString childCanonical = m_rootCanonical == QStringLiteral("/")
            ? QString(u'/' + childRelative)
            : QString(m_rootCanonical + u'/' + childRelative);
        if (S_ISLNK(info.st_mode)) {
            // A symlinked file is shown when its target may be read; a symlinked folder is never
            // entered (no loops, no leaving the tree; ripgrep and fd do the same by default).
            childCanonical = policy::canonicalPath(childLexical);
            struct stat target
            {
            };
            if (::stat(QFile::encodeName(childCanonical).constData(), &target) != 0 || !S_ISREG(target.st_mode))
                continue;
            if (!m_filter.targetAllowed(childCanonical) || m_filter.hidden(childLexical, childCanonical)) {
                ++m_hidden;
                continue;
            }
            if (!visit(FoundFile{childLexical, childCanonical, childRelative, qint64(target.st_size), mtimeOf(target)}))
                return false;
            continue;
        }
        if (isFolder(info)) {
            if (!descend(childRelative))
                continue;
            if (m_filter.hidden(childLexical, childCanonical)) {
                ++m_hidden;
                continue;
            }
            if (!walkFolder(childLexical, childRelative, descend, visit))
                return false;
            continue;
        }
        if (!S_ISREG(info.st_mode))
            continue; // sockets, pipes, devices: nothing to list or search
        if (m_filter.hidden(childLexical, childCanonical)) {
            ++m_hidden;
            continue;
        }
        if (!visit(FoundFile{childLexical, childCanonical, childRelative, qint64(info.st_size), mtimeOf(info)}))
            return false;
    }
    return true;
}

} // namespace gatehouse::agent::detail
