// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/protectedpaths.h"

#include "sandbox/sandboxspec.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gatehouse::sandbox {
namespace {

bool exists(const QString &path)
{
    struct stat info {};
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0;
}

bool isFolderEntry(const QString &entry)
{
    static const QStringList folders{QStringLiteral(".git"),   QStringLiteral(".git/hooks"), QStringLiteral(".gatehouse"),
                                     QStringLiteral(".claude"), QStringLiteral(".vscode"),   QStringLiteral(".idea")};
    return folders.contains(entry);
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

// Config and hooks of a git folder, its worktrees and its submodules (modules/, nested).
void addGitFolder(const QString &gitDir, QStringList *readOnly)
{
    for (const char *name : {"config", "config.worktree", "hooks", "commondir"})
        if (const QString path = gitDir + u'/' + QLatin1StringView(name); exists(path))
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
                    QFileInfo(path).fileName() == QLatin1StringView(name) && exists(path) && !readOnly->contains(path))
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

ProtectedMounts protectedMounts(const QStringList &writableFolders)
{
    ProtectedMounts mounts;
    for (const QString &folder : writableFolders) {
        const QString dotGit = folder + QStringLiteral("/.git");
        QFileInfo dotGitInfo(dotGit);
        if (dotGitInfo.isFile() || dotGitInfo.isSymLink()) {
            // A worktree or submodule checkout: the file says where git's folder is; the file
            // itself must not be rewritten to point git elsewhere.
            mounts.readOnly << dotGit;
            if (const QString gitDir = gitdirOfFile(dotGit); !gitDir.isEmpty() && isInsideAny(gitDir, writableFolders)) {
                addGitFolder(gitDir, &mounts.readOnly);
                QFile common(gitDir + QStringLiteral("/commondir"));
                if (common.open(QIODevice::ReadOnly)) {
                    const QString commonDir =
                        QFileInfo(gitDir, QString::fromUtf8(common.readLine(4096).trimmed())).canonicalFilePath();
                    if (!commonDir.isEmpty() && isInsideAny(commonDir, writableFolders))
                        addGitFolder(commonDir, &mounts.readOnly);
                }
            }
        } else if (dotGitInfo.isDir()) {
            addGitFolder(dotGit, &mounts.readOnly);
        }
        for (const QString &entry : protectedEntries()) {
            if (entry.startsWith(QStringLiteral(".git/")) && !dotGitInfo.isDir() && dotGitInfo.exists())
                continue; // handled above through the file's git folder
            const QString path = folder + u'/' + entry;
            if (exists(path)) {
                if (!mounts.readOnly.contains(path))
                    mounts.readOnly << path;
                continue;
            }
            // The first missing component: `.git` for `.git/config` in a folder without git.
            const qsizetype slash = entry.indexOf(u'/');
            const QString first = slash > 0 && !exists(folder + u'/' + entry.left(slash)) ? entry.left(slash) : entry;
            const QString missing = folder + u'/' + first;
            QStringList &list = isFolderEntry(first) ? mounts.missingFolders : mounts.missingFiles;
            if (!list.contains(missing))
                list << missing;
        }
    }
    return mounts;
}

PlaceholderGuard::~PlaceholderGuard()
{
    end();
}

Expected<void> PlaceholderGuard::begin(const QStringList &paths)
{
    const QString base = lockPath();
    m_lock = ::open(QFile::encodeName(base + QStringLiteral(".lock")).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_lock < 0 || ::flock(m_lock, LOCK_SH) != 0)
        return fail(QStringLiteral("cannot take the lock %1.lock").arg(base));
    if (paths.isEmpty())
        return {};
    // The record is appended under the shared lock; lines are short enough to be written whole.
    QFile record(base + QStringLiteral(".list"));
    if (!record.open(QIODevice::Append | QIODevice::Text))
        return fail(QStringLiteral("cannot record the sandbox's mount points in %1").arg(record.fileName()));
    record.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    QByteArray lines;
    for (const QString &path : paths)
        if (!exists(path))
            lines += QFile::encodeName(path) + '\n';
    if (record.write(lines) != lines.size() || !record.flush())
        return fail(QStringLiteral("cannot record the sandbox's mount points in %1").arg(record.fileName()));
    return {};
}

void PlaceholderGuard::end()
{
    if (m_lock < 0)
        return;
    ::flock(m_lock, LOCK_UN);
    if (::flock(m_lock, LOCK_EX | LOCK_NB) == 0) {
        QFile record(lockPath() + QStringLiteral(".list"));
        if (record.open(QIODevice::ReadWrite)) {
            const QList<QByteArray> lines = record.readAll().split('\n');
            for (const QByteArray &line : lines) {
                if (line.isEmpty())
                    continue;
                struct stat info {};
                if (::lstat(line.constData(), &info) != 0)
                    continue;
                // Only what is still an empty mount point goes; rmdir fails on a folder with content.
                if (S_ISDIR(info.st_mode))
                    ::rmdir(line.constData());
                else if (S_ISREG(info.st_mode) && info.st_size == 0)
                    ::unlink(line.constData());
            }
            record.resize(0);
        }
    }
    ::close(m_lock);
    m_lock = -1;
}

} // namespace gatehouse::sandbox
