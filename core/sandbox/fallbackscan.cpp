// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/fallbackscan.h"

#include "sandbox/fsutil_p.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdint>
#include <cstring>
#include <memory>

namespace gatehouse::sandbox {
namespace {

using detail::changedSince;

// Whether the entry was made at or after @p started (its birth time; false where the file system
// does not keep one: then only the entries in a folder are looked at, each on its own).
bool bornSince(const QString &path, const timespec &started)
{
    struct statx info {};
    if (::statx(AT_FDCWD, QFile::encodeName(path).constData(), AT_SYMLINK_NOFOLLOW, STATX_BTIME, &info) != 0
        || !(info.stx_mask & STATX_BTIME))
        return false;
    return info.stx_btime.tv_sec > started.tv_sec
           || (info.stx_btime.tv_sec == started.tv_sec && info.stx_btime.tv_nsec >= std::uint32_t(started.tv_nsec));
}

struct Walk
{
    QString folder;
    int index = 0;
    const HoldRules *rules = nullptr;
    timespec started{};
    QString quarantine;
    QList<StagedChange> *held = nullptr;
    const QStringList *skip = nullptr;
};

void walk(const Walk &scan, const QString &relative)
{
    const QString path = relative.isEmpty() ? scan.folder : scan.folder + u'/' + relative;
    detail::DirPtr dir(::opendir(QFile::encodeName(path).constData()));
    if (!dir)
        return;
    QStringList names;
    while (const dirent *entry = ::readdir(dir.get()))
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
            names << QFile::decodeName(entry->d_name);
    dir.reset();
    for (const QString &name : std::as_const(names)) {
        const QString child = relative.isEmpty() ? name : relative + u'/' + name;
        const QString childPath = scan.folder + u'/' + child;
        struct stat info {};
        if (::lstat(QFile::encodeName(childPath).constData(), &info) != 0)
            continue;
        // The empty stand-ins of missing protected paths (this sandbox's or another's) are the
        // sandbox's own; PlaceholderGuard takes them away.
        if (scan.skip->contains(childPath))
            continue;
        // git's object store is data and can be large: nothing there is held.
        if (S_ISDIR(info.st_mode) && name == QStringLiteral("objects") && relative.endsWith(QStringLiteral(".git")))
            continue;
        // A folder's status changes with every entry made or removed in it: a folder counts as
        // changed only when it is new (born after the start), else only what is in it is looked at.
        const bool changed = S_ISDIR(info.st_mode) ? bornSince(childPath, scan.started) : changedSince(info, scan.started);
        if (changed) {
            StagedChange change;
            change.folder = scan.folder;
            change.relative = child;
            change.staged = childPath;
            change.isFolder = S_ISDIR(info.st_mode);
            change.isLink = S_ISLNK(info.st_mode);
            change.mode = info.st_mode & 07777 & ~unsigned(S_ISUID | S_ISGID);
            change.kind = change.isFolder ? StagedChange::Kind::FolderTree : StagedChange::Kind::Write;
            change.held = holdReason(scan.folder, child, change, *scan.rules);
            if (!change.held.isEmpty() && !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode) && !S_ISLNK(info.st_mode))
                change.held = QStringLiteral("a special file (a named pipe, socket or device), which is never landed");
            if (!change.held.isEmpty()) {
                const QString target = scan.quarantine + u'/' + QString::number(scan.index) + u'/' + child;
                if (QDir().mkpath(QFileInfo(target).path())
                    && detail::moveEntry(AT_FDCWD, QFile::encodeName(childPath).constData(), AT_FDCWD,
                                         QFile::encodeName(target).constData())) {
                    change.staged = target;
                    change.existed = false;
                    scan.held->append(change);
                    continue;
                }
                // It could not be moved away: still reported, so the person knows it is there.
                change.held += QStringLiteral(" (it could not be moved out of the folder)");
                scan.held->append(change);
                continue;
            }
        }
        if (S_ISDIR(info.st_mode))
            walk(scan, child);
    }
}

} // namespace

QList<StagedChange> fallbackScan(const QStringList &folders, const HoldRules &rules, const timespec &started,
                                 const QString &quarantine, const QStringList &skip)
{
    QList<StagedChange> held;
    int index = 0;
    for (const QString &folder : folders)
        walk({folder, ++index, &rules, started, quarantine, &held, &skip}, QString());
    return held;
}

} // namespace gatehouse::sandbox
