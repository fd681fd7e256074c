// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/landing.h"

#include "sandbox/fsutil_p.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <memory>

namespace gatehouse::sandbox {
namespace {

using detail::changedSince;
using detail::Fd;

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

// Whether anything in the tree at @p name (in @p parent) changed at or after @p started.
bool treeChangedSince(int parent, const char *name, const timespec &started)
{
    struct stat info {};
    if (::fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) != 0)
        return false;
    if (changedSince(info, started))
        return true;
    if (!S_ISDIR(info.st_mode))
        return false;
    const int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return true;
    detail::DirPtr dir(::fdopendir(fd));
    if (!dir) {
        ::close(fd);
        return true;
    }
    while (const dirent *entry = ::readdir(dir.get())) {
        if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0)
            continue;
        if (treeChangedSince(::dirfd(dir.get()), entry->d_name, started))
            return true;
    }
    return false;
}

// Removes the tree at @p name in @p parent (used only when a rename cannot move it).
bool removeTree(int parent, const char *name)
{
    struct stat info {};
    if (::fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(info.st_mode))
        return ::unlinkat(parent, name, 0) == 0;
    const int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    detail::DirPtr dir(::fdopendir(fd));
    if (!dir) {
        ::close(fd);
        return false;
    }
    bool ok = true;
    while (const dirent *entry = ::readdir(dir.get()))
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
            ok = removeTree(::dirfd(dir.get()), entry->d_name) && ok;
    return ::unlinkat(parent, name, AT_REMOVEDIR) == 0 && ok;
}

// Copies the entry @p name of @p fromParent to @p toName in @p toParent: files with their
// content and mode, links as links, folders with everything in them.
bool copyTree(int fromParent, const char *name, int toParent, const char *toName)
{
    struct stat info {};
    if (::fstatat(fromParent, name, &info, AT_SYMLINK_NOFOLLOW) != 0)
        return false;
    const mode_t mode = info.st_mode & 07777 & ~mode_t(S_ISUID | S_ISGID);
    if (S_ISLNK(info.st_mode)) {
        char target[4096];
        const ssize_t got = ::readlinkat(fromParent, name, target, sizeof target - 1);
        if (got < 0)
            return false;
        target[got] = 0;
        return ::symlinkat(target, toParent, toName) == 0;
    }
    if (S_ISREG(info.st_mode)) {
        Fd from(::openat(fromParent, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        Fd to(::openat(toParent, toName, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
        if (!from.valid() || !to.valid())
            return false;
        char buffer[1 << 16];
        for (;;) {
            const ssize_t got = ::read(from.get(), buffer, sizeof buffer);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0)
                return false;
            if (got == 0)
                break;
            for (ssize_t done = 0; done < got;) {
                const ssize_t written = ::write(to.get(), buffer + done, size_t(got - done));
                if (written < 0 && errno != EINTR)
                    return false;
                if (written > 0)
                    done += written;
            }
        }
        return ::fchmod(to.get(), mode) == 0;
    }
    if (!S_ISDIR(info.st_mode))
        return false; // special files are never copied
    if (::mkdirat(toParent, toName, 0700) != 0)
        return false;
    Fd fromFolder(::openat(fromParent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    Fd toFolder(::openat(toParent, toName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fromFolder.valid() || !toFolder.valid())
        return false;
    detail::DirPtr dir(::fdopendir(::dup(fromFolder.get())));
    if (!dir)
        return false;
    while (const dirent *entry = ::readdir(dir.get()))
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0
            && !copyTree(fromFolder.get(), entry->d_name, toFolder.get(), entry->d_name))
            return false;
    return ::fchmod(toFolder.get(), mode) == 0;
}

// Moves an entry, or copies and removes it when the two places are on different file systems
// (the copy is made under a temporary name and renamed into place, so it lands whole or not).
bool moveEntryImpl(int fromParent, const char *name, int toParent, const char *toName)
{
    if (::renameat(fromParent, name, toParent, toName) == 0)
        return true;
    if (errno != EXDEV)
        return false;
    static int counter = 0;
    const QByteArray temporary = ".gatehouse-landing-" + QByteArray::number(::getpid()) + '-' + QByteArray::number(++counter);
    if (!copyTree(fromParent, name, toParent, temporary.constData())) {
        const int saved = errno;
        removeTree(toParent, temporary.constData());
        errno = saved;
        return false;
    }
    if (::renameat(toParent, temporary.constData(), toParent, toName) != 0) {
        const int saved = errno;
        removeTree(toParent, temporary.constData());
        errno = saved;
        return false;
    }
    return removeTree(fromParent, name);
}

void dropOverlayAttributes(const QByteArray &path)
{
    char names[1024];
    const ssize_t got = ::llistxattr(path.constData(), names, sizeof names);
    for (ssize_t i = 0; i < got; i += ssize_t(std::strlen(names + i)) + 1)
        if (std::strncmp(names + i, "user.overlay.", 13) == 0 || std::strncmp(names + i, "trusted.overlay.", 16) == 0)
            ::lremovexattr(path.constData(), names + i);
}

// Walks to folders below the writable folders without following links, keeping the last one open.
class FolderWalker
{
public:
    // The open folder @p relative below @p root (which is canonical); invalid when a component is
    // missing, not a folder, or a link.
    int open(const QString &root, const QString &relative)
    {
        const QString key = root + u'\n' + relative;
        if (key == m_key && m_fd.valid())
            return m_fd.get();
        m_key = key;
        Fd fd(::open(QFile::encodeName(root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        for (const QString &component : relative.split(u'/', Qt::SkipEmptyParts)) {
            if (!fd.valid())
                break;
            fd = Fd(::openat(fd.get(), QFile::encodeName(component).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        }
        m_fd = std::move(fd);
        return m_fd.get();
    }

private:
    QString m_key;
    Fd m_fd;
};

class Lander
{
public:
    Lander(const timespec &started, QString checkpoint)
        : m_started(started)
        , m_checkpoint(std::move(checkpoint))
    {
    }

    void skip(const StagedChange &change, const QString &why) { conflict(change, why); }

    // False when the change did not land (a conflict or an error).
    bool land(const StagedChange &change)
    {
        const QString parentRelative = change.relative.section(u'/', 0, -2);
        const QByteArray name = QFile::encodeName(change.relative.section(u'/', -1));
        const int parent = m_walker.open(change.folder, parentRelative);
        if (parent < 0) {
            conflict(change, QStringLiteral("its folder was removed or replaced on the host"));
            return false;
        }
        struct stat host {};
        const bool present = ::fstatat(parent, name.constData(), &host, AT_SYMLINK_NOFOLLOW) == 0;
        if (present != change.existed && change.kind != StagedChange::Kind::Delete) {
            conflict(change, present ? QStringLiteral("it was created on the host meanwhile")
                                     : QStringLiteral("it was removed on the host meanwhile"));
            return false;
        }
        if (!present && change.kind == StagedChange::Kind::Delete) {
            m_result.landed << change; // already gone
            return true;
        }
        const bool replacesFolder = present && S_ISDIR(host.st_mode) && change.kind != StagedChange::Kind::Mode;
        if (present && (replacesFolder ? treeChangedSince(parent, name.constData(), m_started) : changedSince(host, m_started))) {
            conflict(change, QStringLiteral("it was changed on the host while the command ran"));
            return false;
        }
        switch (change.kind) {
        case StagedChange::Kind::Mode:
            if (::fchmodat(parent, name.constData(), change.mode, 0) != 0) {
                error(change, errnoText());
                return false;
            }
            break;
        case StagedChange::Kind::Delete:
            if (!save(change, parent, name, true))
                return false;
            break;
        case StagedChange::Kind::MakeFolder:
            if (present && !save(change, parent, name, true))
                return false;
            if (::mkdirat(parent, name.constData(), change.mode) != 0 || ::fchmodat(parent, name.constData(), change.mode, 0) != 0) {
                error(change, errnoText());
                return false;
            }
            break;
        case StagedChange::Kind::Write:
        case StagedChange::Kind::FolderTree: {
            if (change.staged.isEmpty()) { // held with nothing that can land (a name Gatehouse cannot spell)
                error(change, QStringLiteral("nothing staged that can land"));
                return false;
            }
            const QByteArray staged = QFile::encodeName(change.staged);
            if (!change.isLink) {
                dropOverlayAttributes(staged);
                ::fchmodat(AT_FDCWD, staged.constData(), change.mode, 0);
            }
            // A file replacing a file is saved by a second name and then renamed over: the path
            // always shows either the old or the new content. What replaces a folder moves the
            // folder away first.
            if (present && !save(change, parent, name, replacesFolder))
                return false;
            if (!moveEntryImpl(AT_FDCWD, staged.constData(), parent, name.constData())) {
                error(change, errnoText());
                return false;
            }
            break;
        }
        }
        m_result.landed << change;
        return true;
    }

    LandingResult result() { return std::move(m_result); }

private:
    void error(const StagedChange &change, const QString &why) { m_result.errors << change.path() + QStringLiteral(": ") + why; }

    void conflict(const StagedChange &change, const QString &why)
    {
        StagedChange kept = change;
        kept.held = why;
        // The command's version is kept beside the checkpoint, so that nothing it wrote is lost.
        if (!change.staged.isEmpty()) {
            const QString target = keepPath(QStringLiteral("conflicts"), change);
            if (!target.isEmpty()) {
                const QByteArray from = QFile::encodeName(change.staged);
                const QByteArray to = QFile::encodeName(target);
                if (moveEntryImpl(AT_FDCWD, from.constData(), AT_FDCWD, to.constData()))
                    kept.staged = target;
            }
        }
        m_result.conflicts << kept;
        record(change, QStringLiteral("conflict"), kept.staged);
    }

    // A new path under the checkpoint's @p area for @p change, its folders made.
    QString keepPath(const QString &area, const StagedChange &change)
    {
        if (!ensureCheckpoint())
            return {};
        int &index = m_folderIndex[change.folder];
        if (index == 0)
            index = int(m_folderIndex.size());
        const QString path = m_checkpoint + u'/' + area + u'/' + QString::number(index) + u'/' + change.relative;
        if (!QDir().mkpath(QFileInfo(path).path()))
            return {};
        return path;
    }

    // Saves the host entry @p name before it is replaced or removed: a second name for a file or
    // link (cheap, and the path keeps its content until the rename), the entry itself moved away
    // for a folder or a removal (@p move).
    bool save(const StagedChange &change, int parent, const QByteArray &name, bool move)
    {
        const QString target = keepPath(QStringLiteral("files"), change);
        if (target.isEmpty()) {
            error(change, QStringLiteral("cannot make the checkpoint folder %1").arg(m_checkpoint));
            return false;
        }
        const QByteArray saved = QFile::encodeName(target);
        bool ok = false;
        if (move) {
            ok = moveEntryImpl(parent, name.constData(), AT_FDCWD, saved.constData());
        } else {
            ok = ::linkat(parent, name.constData(), AT_FDCWD, saved.constData(), 0) == 0
                 || copyTree(parent, name.constData(), AT_FDCWD, saved.constData());
        }
        if (!ok) {
            error(change, QStringLiteral("cannot save what it replaces in the checkpoint: %1").arg(errnoText()));
            return false;
        }
        record(change, change.kind == StagedChange::Kind::Delete ? QStringLiteral("delete") : QStringLiteral("replace"), target);
        return true;
    }

    bool ensureCheckpoint()
    {
        if (m_checkpointMade)
            return true;
        if (m_checkpoint.isEmpty() || !QDir().mkpath(m_checkpoint))
            return false;
        QFile::setPermissions(m_checkpoint, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        m_manifest.setFileName(m_checkpoint + QStringLiteral("/manifest.jsonl"));
        if (!m_manifest.open(QIODevice::Append))
            return false;
        m_checkpointMade = true;
        m_result.checkpoint = m_checkpoint;
        return true;
    }

    void record(const StagedChange &change, const QString &action, const QString &saved)
    {
        if (!ensureCheckpoint())
            return;
        const QJsonObject line{{QStringLiteral("action"), action},
                               {QStringLiteral("path"), change.path()},
                               {QStringLiteral("change"), change.verb()},
                               {QStringLiteral("saved"), saved}};
        m_manifest.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
        m_manifest.flush();
    }

    timespec m_started;
    QString m_checkpoint;
    bool m_checkpointMade = false;
    QFile m_manifest;
    QHash<QString, int> m_folderIndex;
    FolderWalker m_walker;
    LandingResult m_result;
};

} // namespace

} // namespace gatehouse::sandbox

namespace gatehouse::sandbox::detail {

bool moveEntry(int fromParent, const char *name, int toParent, const char *toName)
{
    return moveEntryImpl(fromParent, name, toParent, toName);
}

} // namespace gatehouse::sandbox::detail

namespace gatehouse::sandbox {

timespec landingClock()
{
    timespec now {};
    ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
    return now;
}

timespec startingTick(const timespec &before)
{
    timespec resolution {};
    ::clock_getres(CLOCK_REALTIME_COARSE, &resolution);
    for (;;) {
        const timespec now = landingClock();
        if (now.tv_sec > before.tv_sec || (now.tv_sec == before.tv_sec && now.tv_nsec > before.tv_nsec))
            return now;
        timespec pause{0, std::max<long>(resolution.tv_nsec / 4, 100'000)};
        ::nanosleep(&pause, nullptr);
    }
}

LandingResult landChanges(const QList<StagedChange> &changes, const timespec &started, const QString &checkpoint)
{
    Lander lander(started, checkpoint);
    QStringList failedFolders; // a folder that did not land: nothing below it lands either
    for (const StagedChange &change : changes) {
        if (!change.held.isEmpty())
            continue;
        bool below = false;
        for (const QString &folder : std::as_const(failedFolders))
            below = below || change.path().startsWith(folder + u'/');
        if (below) {
            lander.skip(change, QStringLiteral("its folder was not landed"));
            continue;
        }
        if (!lander.land(change) && change.kind == StagedChange::Kind::MakeFolder)
            failedFolders << change.path();
    }
    return lander.result();
}

} // namespace gatehouse::sandbox
