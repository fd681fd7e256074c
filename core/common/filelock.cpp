// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/filelock.h"

#include <QDeadlineTimer>
#include <QThread>

namespace gatehouse::filelock {

QString lockPathFor(const QString &file) { return file + QStringLiteral(".lock"); }

Expected<Held> lockForUpdate(const QString &file, std::chrono::milliseconds wait)
{
    const QString path = lockPathFor(file);
    auto lock = std::make_unique<QLockFile>(path);
    // QLockFile::tryLock(timeout) sleeps 100 ms, then twice as long each time, up to 5 s: a
    // writer that lost one race may sleep seconds for a lock held for milliseconds. A short
    // steady poll keeps the wait close to the holder's work; each try also clears a stale lock.
    const QDeadlineTimer deadline(wait);
    while (!lock->tryLock(0)) {
        switch (lock->error()) {
        case QLockFile::LockFailedError:
            break;
        case QLockFile::PermissionError:
            return fail(QStringLiteral("cannot change %1: the lock file %2 cannot be created (permission denied); "
                                       "nothing was changed")
                            .arg(file, path));
        default:
            return fail(QStringLiteral("cannot change %1: the lock file %2 cannot be created; nothing was changed")
                            .arg(file, path));
        }
        if (deadline.hasExpired()) {
            qint64 pid = 0;
            QString host;
            QString program;
            const QString holder = lock->getLockInfo(&pid, &host, &program)
                                       ? QStringLiteral("process %1 (%2 on %3)").arg(pid).arg(program, host)
                                       : QStringLiteral("another process");
            return fail(QStringLiteral("cannot change %1: %2 holds its lock file %3 and did not release it within "
                                       "%4 s; nothing was changed. Try again; if that process is stuck, end it or "
                                       "remove %3.")
                            .arg(file, holder, path)
                            .arg(double(wait.count()) / 1000.0));
        }
        QThread::msleep(std::min<qint64>(20, std::max<qint64>(1, deadline.remainingTime())));
    }
    return lock;
}

} // namespace gatehouse::filelock
