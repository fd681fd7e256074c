// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/paths.h"

#include <QDir>
#include <QFile>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

// Where a path is seen from: the working folder of the process that opens it (null: not known),
// and whether it led somewhere only that process knows.
struct Viewer
{
    const QString *workingFolder = nullptr;
    bool *dynamic = nullptr;
    bool *throughProcess = nullptr; ///< it went through the process's cwd or root
};

QString canonicalPathSlow(const QString &absolutePath, const QString &knownCanonical, bool *exists, Viewer viewer = {});
QString canonicalPathSeenBy(const QString &absolutePath, const QString &knownCanonical, bool *exists, Viewer viewer);

bool isNumber(QStringView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), [](QChar c) { return c.isDigit(); });
}

// /proc's folder of one process: /proc/self, /proc/thread-self, /proc/PID, and their
// task/TID. Its links (cwd, root, exe, fd/N) are that process's, so Gatehouse must not follow
// them in its own process.
struct ProcessFolder
{
    qsizetype depth = 0; ///< components of the folder in the walk; 0 when not in one
    bool self = false;   ///< the process opening the path (or one of its threads)
};

ProcessFolder processFolderOf(const QStringList &done)
{
    if (done.size() < 2 || done[0] != QStringLiteral("proc"))
        return {};
    ProcessFolder folder;
    if (done[1] == QStringLiteral("self") || done[1] == QStringLiteral("thread-self"))
        folder.self = true;
    else if (!isNumber(done[1]))
        return {};
    folder.depth = 2;
    if (done.size() >= 4 && done[2] == QStringLiteral("task") && isNumber(done[3]))
        folder.depth = 4;
    return folder;
}

} // namespace

QString canonicalPath(const QString &absolutePath, const QString &knownCanonical, bool *exists)
{
    return canonicalPathSeenBy(absolutePath, knownCanonical, exists, {});
}

namespace {

QString canonicalPathSeenBy(const QString &absolutePath, const QString &knownCanonical, bool *exists, Viewer viewer)
{
    // The common case: a clean path with no symlink in it costs one lstat() per component below
    // the known canonical folder and no list of components. Anything else takes the full walk.
    if (needsCleaning(absolutePath))
        return canonicalPathSlow(absolutePath, knownCanonical, exists, viewer);
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
            return canonicalPathSlow(absolutePath, knownCanonical, exists, viewer);
    }
    if (exists)
        *exists = existing;
    return current.isEmpty() ? QStringLiteral("/") : current;
}

} // namespace

namespace {

QString canonicalPathSlow(const QString &absolutePath, const QString &knownCanonical, bool *exists, Viewer viewer)
{
    const auto dynamicPath = [&] {
        if (viewer.dynamic)
            *viewer.dynamic = true;
        if (exists)
            *exists = false;
        return cleanAbsolute(absolutePath);
    };
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
        // Inside a process's folder the walk is the opening process's, not Gatehouse's.
        if (const ProcessFolder process = processFolderOf(done); process.depth > 0) {
            const qsizetype below = done.size() - process.depth; // components below the folder
            if (below == 1 && (part == QStringLiteral("cwd") || part == QStringLiteral("root"))) {
                if (!process.self || (part == QStringLiteral("cwd") && (!viewer.workingFolder || viewer.workingFolder->isEmpty())))
                    return dynamicPath();
                done = part == QStringLiteral("root") ? QStringList() : components(*viewer.workingFolder);
                if (viewer.throughProcess)
                    *viewer.throughProcess = true;
                continue;
            }
            // A descriptor's or a mapped file's target (fd/N, map_files/X) and what lies beyond
            // it are the process's; the entry itself stands as written (/dev/stdout is fd/1).
            if (below > 2 && (done[process.depth] == QStringLiteral("fd") || done[process.depth] == QStringLiteral("map_files")))
                return dynamicPath();
            if (below > 1 && (done[process.depth] == QStringLiteral("exe")))
                return dynamicPath();
            if (below == 2 && (done[process.depth] == QStringLiteral("fd") || done[process.depth] == QStringLiteral("map_files"))
                && !pending.isEmpty())
                return dynamicPath(); // "fd/3/..", "fd/3/x": through the descriptor's target
            continue; // the entries of a process folder are not followed here
        }
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

ResolvedPath resolvePath(const QString &path, const QString &base, const QString &home, const QString &knownCanonical,
                         const QString &workingFolder)
{
    QString absolute = path;
    if (!home.isEmpty() && (path == u'~' || path.startsWith(QStringLiteral("~/"))))
        absolute = home + path.mid(1);
    else if (!absolute.startsWith(u'/'))
        absolute = base + u'/' + absolute;
    ResolvedPath resolved;
    resolved.lexical = cleanAbsolute(absolute);
    bool throughProcess = false;
    resolved.canonical = canonicalPathSeenBy(absolute, knownCanonical, &resolved.exists,
                                             Viewer{&workingFolder, &resolved.dynamic, &throughProcess});
    // "/proc/self/cwd/x" as written says nothing of where it is ("/dev/fd/../cwd/x" even less):
    // the kernel follows those links whatever the words, so the path is only what they lead to.
    if (throughProcess)
        resolved.lexical = resolved.canonical;
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
