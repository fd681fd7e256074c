// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/fallbackscan.h"

#include "policy/protectednames.h"
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

// Whether the entry @p name in @p parent was made at or after @p started (its birth time; false
// where the file system does not keep one: then only the entries in a folder are looked at, each
// on its own).
bool bornSince(int parent, const char *name, const timespec &started)
{
    struct statx info {};
    if (::statx(parent, name, AT_SYMLINK_NOFOLLOW, STATX_BTIME, &info) != 0 || !(info.stx_mask & STATX_BTIME))
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

// Walks the folder open as @p fd (at @p relative) through folder handles and the names' own
// bytes, so that neither a name that is not valid UTF-8 nor a path longer than the system's
// limit hides what is below it.
void walk(const Walk &scan, int fd, const QString &relative)
{
    detail::DirPtr dir(::fdopendir(::dup(fd)));
    if (!dir)
        return;
    QList<QByteArray> names;
    while (const dirent *entry = ::readdir(dir.get()))
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
            names << QByteArray(entry->d_name);
    dir.reset();
    for (const QByteArray &raw : std::as_const(names)) {
        const QString name = QFile::decodeName(raw);
        const bool decodable = QFile::encodeName(name) == raw;
        const QString child = relative.isEmpty() ? name : relative + u'/' + name;
        const QString childPath = scan.folder + u'/' + child;
        struct stat info {};
        if (::fstatat(fd, raw.constData(), &info, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        // The empty stand-ins of missing protected paths (this sandbox's or another's) are the
        // sandbox's own; PlaceholderGuard takes them away.
        if (decodable && scan.skip->contains(childPath))
            continue;
        // git's object store is data and can be large: nothing there is held. Only a `.git`'s
        // own: a folder merely named like a repository (`x.git/objects`) could hide anything.
        if (S_ISDIR(info.st_mode) && name == QStringLiteral("objects")
            && (relative == QStringLiteral(".git") || relative.endsWith(QStringLiteral("/.git"))))
            continue;
        // A folder's status changes with every entry made or removed in it: a folder counts as
        // changed only when it is new (born after the start), else only what is in it is looked at.
        // Except a folder under a protected name that was not made here: a folder renamed into
        // place (`mv prepared sub/.vscode`) keeps its birth time and its entries' change times.
        // The protected folders that existed at the start are read-only, and the top `.git`, whose
        // entries git changes, cannot be renamed (its config is a mount point).
        // Set-user and set-group bits are not kept on what the command made or changed.
        if ((S_ISREG(info.st_mode) || S_ISDIR(info.st_mode)) && (info.st_mode & (S_ISUID | S_ISGID))
            && changedSince(info, scan.started))
            ::fchmodat(fd, raw.constData(), info.st_mode & 07777 & ~mode_t(S_ISUID | S_ISGID), 0);
        bool changed = false;
        if (S_ISDIR(info.st_mode))
            changed = bornSince(fd, raw.constData(), scan.started)
                      || (changedSince(info, scan.started) && policy::isProtectedName(name) && child != QStringLiteral(".git"));
        else
            changed = changedSince(info, scan.started);
        if (changed) {
            StagedChange change;
            change.folder = scan.folder;
            change.relative = child;
            change.staged = childPath;
            change.isFolder = S_ISDIR(info.st_mode);
            change.isLink = S_ISLNK(info.st_mode);
            change.mode = info.st_mode & 07777 & ~unsigned(S_ISUID | S_ISGID);
            change.kind = change.isFolder ? StagedChange::Kind::FolderTree : StagedChange::Kind::Write;
            change.held = decodable ? holdReason(scan.folder, child, change, *scan.rules)
                                    : QStringLiteral("its name is not valid UTF-8, so Gatehouse cannot check or land it");
            if (!change.held.isEmpty() && !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode) && !S_ISLNK(info.st_mode))
                change.held = QStringLiteral("a special file (a named pipe, socket or device), which is never landed");
            if (!change.held.isEmpty()) {
                const QString target = scan.quarantine + u'/' + QString::number(scan.index) + u'/' + child;
                if (QDir().mkpath(QFileInfo(target).path())
                    && detail::moveEntry(fd, raw.constData(), AT_FDCWD, QFile::encodeName(target).constData())) {
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
        if (S_ISDIR(info.st_mode)) {
            detail::Fd inner(::openat(fd, raw.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (inner.valid())
                walk(scan, inner.get(), child);
        }
    }
}

} // namespace

QList<StagedChange> fallbackScan(const QStringList &folders, const HoldRules &rules, const timespec &started,
                                 const QString &quarantine, const QStringList &skip)
{
    QList<StagedChange> held;
    int index = 0;
    for (const QString &folder : folders) {
        ++index;
        detail::Fd top(::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (top.valid())
            walk({folder, index, &rules, started, quarantine, &held, &skip}, top.get(), QString());
    }
    return held;
}

} // namespace gatehouse::sandbox
