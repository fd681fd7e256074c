// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/protectedpaths.h"

#include "sandbox/fsutil_p.h"

#include "policy/protectednames.h"
#include "sandbox/sandboxspec.h"
#include "sandbox/stagedchanges.h"
#include "vcs/hookspath.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>

namespace gatehouse::sandbox {
namespace {

bool exists(const QString &path)
{
    struct stat info {};
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0;
}

// What a stand-in looks like on the host: an empty folder or an empty regular file (no link).
bool isEmptyEntry(const QByteArray &path)
{
    struct stat info {};
    if (::lstat(path.constData(), &info) != 0)
        return false;
    if (S_ISREG(info.st_mode))
        return info.st_size == 0;
    return S_ISDIR(info.st_mode)
           && QDir(QFile::decodeName(path)).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
}

// The lines of the record, each path once; a line still being appended (no newline yet) is not one.
QStringList recordedPaths(const QByteArray &record)
{
    QList<QByteArray> lines = record.split('\n');
    lines.removeLast(); // what follows the last newline
    QStringList paths;
    for (const QByteArray &line : std::as_const(lines))
        if (!line.isEmpty() && !paths.contains(QFile::decodeName(line)))
            paths << QFile::decodeName(line);
    return paths;
}

bool isFolderEntry(const QString &entry)
{
    return entry == QStringLiteral(".git/hooks") || policy::isProtectedFolderName(entry);
}

// The git folder a `.git` file points to ("gitdir: PATH", relative to the file's folder).
QString gitdirOfFile(const QString &dotGit)
{
    QFile file(dotGit);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray line = file.readLine(4096).trimmed();
    if (!line.startsWith("gitdir:"))
        return {};
    const QString target = QString::fromUtf8(line.mid(7).trimmed());
    return QFileInfo(QFileInfo(dotGit).absolutePath(), target).canonicalFilePath();
}

// Config and hooks of a git folder, its worktrees and its submodules (modules/, nested); other
// sandboxes' stand-ins are not among them (they are missing entries).
void addGitFolder(const QString &gitDir, const QStringList &standIns, QStringList *readOnly)
{
    for (const char *name : {"config", "config.worktree", "hooks", "commondir"})
        if (const QString path = gitDir + u'/' + QLatin1StringView(name); exists(path) && !standIns.contains(path))
            *readOnly << path;
    for (const char *nested : {"modules", "worktrees"}) {
        QDirIterator it(gitDir + u'/' + QLatin1StringView(nested), QDir::Dirs | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString folder = it.next();
            if (QFileInfo(folder).isSymLink())
                continue;
            for (const char *name : {"config", "config.worktree", "hooks", "commondir", "gitdir"})
                if (const QString path = folder + u'/' + QLatin1StringView(name);
                    QFileInfo(path).fileName() == QLatin1StringView(name) && exists(path) && !standIns.contains(path)
                    && !readOnly->contains(path))
                    *readOnly << path;
        }
    }
}

bool isInsideAny(const QString &path, const QStringList &folders)
{
    for (const QString &folder : folders)
        if (path == folder || path.startsWith(folder + u'/'))
            return true;
    return false;
}

QString lockPath()
{
    // The runtime folder is the user's own (0700) and hidden inside the sandbox (/run is private).
    QString folder = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        folder = QDir::tempPath();
    return folder + QStringLiteral("/gatehouse-sandbox-placeholders");
}

// The protected entries below the top of @p folder, at every depth that exists (the fallback has
// no staging to hold them): protected names, and the configuration and hooks of nested git
// folders. Links are not followed; git folders are not walked into.
void addDeeperEntries(const QString &folder, const QString &relative, const QStringList &standIns, QStringList *readOnly)
{
    const QString path = relative.isEmpty() ? folder : folder + u'/' + relative;
    detail::DirPtr dir(::opendir(QFile::encodeName(path).constData()));
    if (!dir)
        return;
    QList<QByteArray> names;
    while (const dirent *entry = ::readdir(dir.get()))
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
            names << QByteArray(entry->d_name);
    dir.reset();
    for (const QByteArray &raw : std::as_const(names)) {
        const QString name = QFile::decodeName(raw);
        const QString child = path + u'/' + name;
        struct stat info {};
        if (::lstat(QFile::encodeName(child).constData(), &info) != 0 || standIns.contains(child))
            continue;
        // Yarn's own release and plugins, which every `yarn` runs (stagedchanges.cpp holds them).
        if (name == QStringLiteral(".yarn") && S_ISDIR(info.st_mode) && !S_ISLNK(info.st_mode))
            for (const char *inner : {"releases", "plugins"})
                if (const QString yarnFolder = child + u'/' + QLatin1StringView(inner);
                    exists(yarnFolder) && !QFileInfo(yarnFolder).isSymLink() && !readOnly->contains(yarnFolder))
                    *readOnly << yarnFolder;
        // At the top, the fixed names are protectedEntries()'s; the families (`.envrc.local`) are here.
        // The top `.git` stays writable: only its configuration and hooks are not (protectedMounts).
        if ((!relative.isEmpty() || name != QStringLiteral(".git"))
            && (policy::isProtectedName(name) || (!relative.isEmpty() && S_ISREG(info.st_mode) && isGitHookName(name)))) {
            if (name == QStringLiteral(".git") && S_ISDIR(info.st_mode))
                addGitFolder(child, standIns, readOnly);
            // A nested repository's own core.hooksPath, where it points inside the folder.
            if (name == QStringLiteral(".git") && !S_ISLNK(info.st_mode))
                if (const QString hooks = vcs::hooksFolder(path); !hooks.isEmpty() && isInsideAny(hooks, {folder})
                    && hooks != folder && exists(hooks) && QFileInfo(hooks).canonicalFilePath() == hooks && !readOnly->contains(hooks)
                    && !isInsideAny(hooks, {child}))
                    *readOnly << hooks;
            if (!S_ISLNK(info.st_mode) && !readOnly->contains(child))
                *readOnly << child;
            continue;
        }
        if (S_ISDIR(info.st_mode) && name != QStringLiteral(".git"))
            addDeeperEntries(folder, relative.isEmpty() ? name : relative + u'/' + name, standIns, readOnly);
    }
}

} // namespace

Expected<QString> gitExcludeWithPlaceholders(const QString &folder, const QStringList &missing)
{
    const QString info = folder + QStringLiteral("/.git/info");
    if (!QFileInfo(info).isDir() || QFileInfo(info).isSymLink())
        return QString();
    QByteArray patterns;
    for (const QString &path : missing)
        if (path.startsWith(folder + u'/') && !path.mid(folder.size() + 1).contains(u'/'))
            patterns += '/' + QFile::encodeName(path.mid(folder.size() + 1)) + '\n';
    if (patterns.isEmpty())
        return QString();
    QByteArray content;
    QFile existing(info + QStringLiteral("/exclude"));
    if (existing.open(QIODevice::ReadOnly)) {
        content = existing.read(1024 * 1024);
        if (!content.isEmpty() && !content.endsWith('\n'))
            content += '\n';
    }
    content += "# Gatehouse sandbox: empty stand-ins that keep protected paths from being created\n" + patterns;
    const QString path = lockPath() + QStringLiteral(".exclude-")
                         + QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex().left(16));
    if (QFileInfo(path).isFile() && QFileInfo(path).size() == content.size())
        return path;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size() || !file.commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return path;
}

ProtectedMounts protectedMounts(const QStringList &writableFolders, const QStringList &standIns)
{
    // Another sandbox's stand-in is an empty entry on the host, writable there: taken for a real
    // one, a `.git` stand-in would let this sandbox's command fill it with a repository of its
    // own. It counts as missing instead, and gets this sandbox's read-only mount too.
    // An empty entry counts as missing too: a sandbox that started at the same time may have
    // recorded and made it after this one read the record. Its read-only stand-in changes nothing
    // for a real empty entry, and an empty `.git` is no repository.
    const auto present = [&standIns](const QString &path) {
        return exists(path) && !standIns.contains(path) && !isEmptyEntry(QFile::encodeName(path));
    };
    ProtectedMounts mounts;
    for (const QString &folder : writableFolders) {
        const QString dotGit = folder + QStringLiteral("/.git");
        const bool gitPresent = present(dotGit);
        QFileInfo dotGitInfo(dotGit);
        if (gitPresent && (dotGitInfo.isFile() || dotGitInfo.isSymLink())) {
            // A worktree or submodule checkout: the file says where git's folder is; the file
            // itself must not be rewritten to point git elsewhere.
            mounts.readOnly << dotGit;
            if (const QString gitDir = gitdirOfFile(dotGit); !gitDir.isEmpty() && isInsideAny(gitDir, writableFolders)) {
                addGitFolder(gitDir, standIns, &mounts.readOnly);
                QFile common(gitDir + QStringLiteral("/commondir"));
                if (common.open(QIODevice::ReadOnly)) {
                    const QString commonDir =
                        QFileInfo(gitDir, QString::fromUtf8(common.readLine(4096).trimmed())).canonicalFilePath();
                    if (!commonDir.isEmpty() && isInsideAny(commonDir, writableFolders))
                        addGitFolder(commonDir, standIns, &mounts.readOnly);
                }
            }
        } else if (gitPresent && dotGitInfo.isDir()) {
            addGitFolder(dotGit, standIns, &mounts.readOnly);
        }
        for (const QString &entry : protectedEntries()) {
            if (entry.startsWith(QStringLiteral(".git/")) && gitPresent && !dotGitInfo.isDir() && dotGitInfo.exists())
                continue; // handled above through the file's git folder
            const QString path = folder + u'/' + entry;
            if (present(path)) {
                if (!mounts.readOnly.contains(path))
                    mounts.readOnly << path;
                continue;
            }
            // The first missing component: `.git` for `.git/config` in a folder without git.
            const qsizetype slash = entry.indexOf(u'/');
            const QString first = slash > 0 && !present(folder + u'/' + entry.left(slash)) ? entry.left(slash) : entry;
            const QString missing = folder + u'/' + first;
            QStringList &list = isFolderEntry(first) ? mounts.missingFolders : mounts.missingFiles;
            if (!list.contains(missing))
                list << missing;
        }
        addDeeperEntries(folder, QString(), standIns, &mounts.readOnly);
        // The folder git runs hooks from, where core.hooksPath puts it inside the folder.
        if (const QString hooks = vcs::hooksFolder(folder); !hooks.isEmpty() && isInsideAny(hooks, {folder}) && hooks != folder
            && present(hooks) && !QFileInfo(hooks).isSymLink() && !mounts.readOnly.contains(hooks))
            mounts.readOnly << hooks;
    }
    return mounts;
}

PlaceholderGuard::~PlaceholderGuard()
{
    end();
}

Expected<QStringList> PlaceholderGuard::begin()
{
    // Taken before the sandbox looks at the protected paths: a cleanup (which needs the lock
    // exclusively) cannot then remove a stand-in between this sandbox seeing it and mounting it.
    const QString base = lockPath();
    m_lock = ::open(QFile::encodeName(base + QStringLiteral(".lock")).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_lock < 0 || ::flock(m_lock, LOCK_SH) != 0) {
        if (m_lock >= 0)
            ::close(m_lock);
        m_lock = -1;
        return fail(QStringLiteral("cannot take the lock %1.lock").arg(base));
    }
    QFile record(base + QStringLiteral(".list"));
    if (record.exists() && !record.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read the sandboxes' stand-ins in %1").arg(record.fileName()));
    m_recorded = recordedPaths(record.isOpen() ? record.readAll() : QByteArray());
    QStringList standIns;
    for (const QString &path : std::as_const(m_recorded))
        if (isEmptyEntry(QFile::encodeName(path)))
            standIns << path;
    return standIns;
}

Expected<void> PlaceholderGuard::record(const QStringList &paths)
{
    if (m_lock < 0)
        return fail(QStringLiteral("the sandboxes' lock is not held"));
    // Appended under the shared lock; lines are short enough to be written whole. Every stand-in
    // this sandbox mounts is in the record, also one that another sandbox made first.
    QByteArray lines;
    for (const QString &path : paths)
        if (!m_recorded.contains(path))
            lines += QFile::encodeName(path) + '\n';
    if (lines.isEmpty())
        return {};
    QFile record(lockPath() + QStringLiteral(".list"));
    if (!record.open(QIODevice::Append))
        return fail(QStringLiteral("cannot record the sandbox's stand-ins in %1").arg(record.fileName()));
    record.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    if (record.write(lines) != lines.size() || !record.flush())
        return fail(QStringLiteral("cannot record the sandbox's stand-ins in %1").arg(record.fileName()));
    m_recorded += paths;
    return {};
}

QStringList PlaceholderGuard::standInsNow() const
{
    QFile record(lockPath() + QStringLiteral(".list"));
    QStringList standIns;
    if (m_lock < 0 || !record.open(QIODevice::ReadOnly))
        return standIns;
    for (const QString &path : recordedPaths(record.readAll()))
        if (isEmptyEntry(QFile::encodeName(path)))
            standIns << path;
    return standIns;
}

void PlaceholderGuard::end()
{
    if (m_lock < 0)
        return;
    ::flock(m_lock, LOCK_UN);
    if (::flock(m_lock, LOCK_EX | LOCK_NB) == 0) {
        QFile record(lockPath() + QStringLiteral(".list"));
        if (record.open(QIODevice::ReadWrite)) {
            QStringList paths = recordedPaths(record.readAll());
            // Deeper paths first, so that a folder emptied of a stand-in goes too.
            std::sort(paths.begin(), paths.end(), std::greater<>());
            for (const QString &path : std::as_const(paths)) {
                const QByteArray name = QFile::encodeName(path);
                // Only what is still an empty stand-in goes; rmdir fails on a folder with content.
                if (!isEmptyEntry(name))
                    continue;
                struct stat info {};
                if (::lstat(name.constData(), &info) == 0 && S_ISDIR(info.st_mode))
                    ::rmdir(name.constData());
                else
                    ::unlink(name.constData());
            }
            record.resize(0);
        }
    }
    ::close(m_lock);
    m_lock = -1;
    m_recorded.clear();
}

} // namespace gatehouse::sandbox
