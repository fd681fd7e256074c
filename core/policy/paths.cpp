// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/paths.h"

#include <QDir>
#include <QFile>

#include <sys/stat.h>
#include <unistd.h>

#include <array>

namespace gatehouse::policy {
namespace {

QStringList components(QStringView path)
{
    QStringList parts;
    for (const auto part : path.split(u'/', Qt::SkipEmptyParts))
        parts << part.toString();
    return parts;
}

QString joinAbsolute(const QStringList &parts)
{
    if (parts.isEmpty())
        return QStringLiteral("/");
    QString result;
    for (const QString &part : parts) {
        result += u'/';
        result += part;
    }
    return result;
}

// The target of the symlink at @p path, or a null string when it is not a symlink.
QString linkTarget(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat info {};
    if (::lstat(native.constData(), &info) != 0 || !S_ISLNK(info.st_mode))
        return {};
    std::array<char, 4096> buffer{};
    const ssize_t size = ::readlink(native.constData(), buffer.data(), buffer.size() - 1);
    if (size <= 0)
        return {};
    return QFile::decodeName(QByteArray(buffer.data(), static_cast<qsizetype>(size)));
}

} // namespace

namespace {

// Whether a path needs cleaning: "//", "." or ".." components, or a trailing "/".
bool needsCleaning(QStringView path)
{
    if (path.isEmpty() || path.front() != u'/')
        return true;
    if (path.size() > 1 && path.back() == u'/')
        return true;
    for (qsizetype i = 0; i < path.size(); ++i) {
        if (path[i] != u'/')
            continue;
        if (i + 1 < path.size() && path[i + 1] == u'/')
            return true;
        if (i + 1 < path.size() && path[i + 1] == u'.') {
            const qsizetype after = i + 2;
            if (after == path.size() || path[after] == u'/')
                return true; // "/."
            if (path[after] == u'.' && (after + 1 == path.size() || path[after + 1] == u'/'))
                return true; // "/.."
        }
    }
    return false;
}

} // namespace

QString cleanAbsolute(const QString &absolutePath)
{
    if (!needsCleaning(absolutePath))
        return absolutePath; // the common case: shares the data, no allocation
    QStringList out;
    for (const QString &part : components(absolutePath)) {
        if (part == u'.')
            continue;
        if (part == QStringLiteral("..")) {
            if (!out.isEmpty())
                out.removeLast();
            continue;
        }
        out << part;
    }
    return joinAbsolute(out);
}

QString canonicalPath(const QString &absolutePath) { return canonicalPath(absolutePath, QString()); }

namespace {

QString canonicalPathSlow(const QString &absolutePath, const QString &knownCanonical, bool *exists);

} // namespace

QString canonicalPath(const QString &absolutePath, const QString &knownCanonical, bool *exists)
{
    // The common case: a clean path with no symlink in it costs one lstat() per component below
    // the known canonical folder and no list of components. Anything else takes the full walk.
    if (needsCleaning(absolutePath))
        return canonicalPathSlow(absolutePath, knownCanonical, exists);
    QString current;
    qsizetype pos = 0;
    if (!knownCanonical.isEmpty() && knownCanonical != QStringLiteral("/") && isInside(absolutePath, knownCanonical)) {
        current = knownCanonical;
        pos = knownCanonical.size();
    }
    current.reserve(absolutePath.size());
    bool existing = true;
    while (pos < absolutePath.size()) {
        qsizetype end = absolutePath.indexOf(u'/', pos + 1);
        if (end < 0)
            end = absolutePath.size();
        current += QStringView(absolutePath).mid(pos, end - pos); // "/component"
        pos = end;
        if (!existing)
            continue;
        struct stat info {};
        if (::lstat(QFile::encodeName(current).constData(), &info) != 0)
            existing = false;
        else if (S_ISLNK(info.st_mode))
            return canonicalPathSlow(absolutePath, knownCanonical, exists);
    }
    if (exists)
        *exists = existing;
    return current.isEmpty() ? QStringLiteral("/") : current;
}

namespace {

QString canonicalPathSlow(const QString &absolutePath, const QString &knownCanonical, bool *exists)
{
    QStringList pending = components(absolutePath);
    QStringList done;
    // Skip the components of a folder known to be canonical, unless ".." follows that could
    // climb out of it (then walk from the root, as always).
    if (!knownCanonical.isEmpty() && knownCanonical != QStringLiteral("/") && isInside(absolutePath, knownCanonical)
        && !absolutePath.contains(QStringLiteral(".."))) {
        done = components(knownCanonical);
        pending = components(QStringView(absolutePath).mid(knownCanonical.size()));
    }
    int hops = 0;
    bool existing = true; // once a component is missing, nothing below it can be a link
    while (!pending.isEmpty()) {
        const QString part = pending.takeFirst();
        if (part == u'.')
            continue;
        if (part == QStringLiteral("..")) {
            if (!done.isEmpty())
                done.removeLast();
            continue;
        }
        done << part;
        if (!existing)
            continue;
        const QString current = joinAbsolute(done);
        const QString target = linkTarget(current);
        if (target.isNull()) {
            struct stat info {};
            if (::lstat(QFile::encodeName(current).constData(), &info) != 0)
                existing = false;
            continue;
        }
        if (++hops > 40) // a loop: keep the rest as written
            continue;
        done.removeLast();
        if (target.startsWith(u'/'))
            done.clear();
        pending = components(target) + pending;
    }
    if (exists)
        *exists = existing;
    return joinAbsolute(done);
}

} // namespace

ResolvedPath resolvePath(const QString &path, const QString &base, const QString &home, const QString &knownCanonical)
{
    QString absolute = path;
    if (!home.isEmpty() && (path == u'~' || path.startsWith(QStringLiteral("~/"))))
        absolute = home + path.mid(1);
    else if (!absolute.startsWith(u'/'))
        absolute = base + u'/' + absolute;
    ResolvedPath resolved;
    resolved.lexical = cleanAbsolute(absolute);
    resolved.canonical = canonicalPath(absolute, knownCanonical, &resolved.exists);
    return resolved;
}

bool isInside(const QString &path, const QString &folder)
{
    if (folder == QStringLiteral("/"))
        return path.startsWith(u'/');
    return path == folder || (path.startsWith(folder) && path.size() > folder.size() && path.at(folder.size()) == u'/');
}

QString relativeTo(const QString &path, const QString &folder)
{
    if (path == folder)
        return QString();
    if (folder == QStringLiteral("/"))
        return path.mid(1);
    return path.mid(folder.size() + 1);
}

} // namespace gatehouse::policy
