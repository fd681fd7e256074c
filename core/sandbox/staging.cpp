// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/staging.h"

#include "common/paths.h"
#include "log/logging.h"
#include "log/qtformat.h"
#include "policy/paths.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QHash>
#include <QMutex>
#include <QProcess>
#include <QRandomGenerator>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace gatehouse::sandbox {
namespace {

constexpr QFile::Permissions ownerOnly = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;

// Removes a staging folder. The overlay leaves its work folder without permissions; the owner
// may still change that.
void removeStaging(const QString &path)
{
    if (path.isEmpty())
        return;
    QDirIterator it(path, QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext())
        QFile::setPermissions(it.next(), ownerOnly);
    QFile::setPermissions(path, ownerOnly);
    QDir(path).removeRecursively();
}

// Staging folders of runs that died (their process is gone) are removed by the next run.
void sweepStale(const QString &root)
{
    const QStringList entries = QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.section(u'-', 0, 0).toLongLong(&ok);
        if (ok && pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
            removeStaging(root + u'/' + entry);
    }
}

bool makePrivateFolder(const QString &path)
{
    return QDir().mkpath(path) && QFile::setPermissions(path, ownerOnly);
}

} // namespace

QString StagingArea::stagingRoot()
{
    return paths::cacheDir() + QStringLiteral("/staging");
}

Expected<std::shared_ptr<StagingArea>> StagingArea::create(const QStringList &writableFolders, HoldRules rules,
                                                           QString checkpoint)
{
    const QString root = stagingRoot();
    if (!makePrivateFolder(paths::cacheDir()) || !makePrivateFolder(root))
        return fail(QStringLiteral("cannot make the staging folder %1").arg(root));
    sweepStale(root);
    std::shared_ptr<StagingArea> area(new StagingArea);
    const QString id = QString::number(::getpid()) + u'-'
                       + QString::number(QRandomGenerator::system()->generate64(), 36);
    area->m_root = root + u'/' + id;
    area->m_checkpoint = std::move(checkpoint);
    area->m_rules = std::move(rules);
    if (!makePrivateFolder(area->m_root))
        return fail(QStringLiteral("cannot make the staging folder %1").arg(area->m_root));
    QStringList outer;
    for (const QString &folder : writableFolders) {
        bool nested = false;
        for (const QString &parent : std::as_const(outer))
            nested = nested || policy::isInside(folder, parent);
        if (nested)
            continue;
        outer << folder;
        const QString base = area->m_root + u'/' + QString::number(area->m_folders.size());
        Folder staged{folder, base + QStringLiteral("/upper"), base + QStringLiteral("/work")};
        if (!makePrivateFolder(staged.upper) || !makePrivateFolder(staged.work))
            return fail(QStringLiteral("cannot make the staging folder %1").arg(base));
        area->m_folders << staged;
    }
    area->m_started = landingClock();
    return area;
}

StagingArea::~StagingArea()
{
    removeStaging(m_root);
}

QStringList StagingArea::overlayArguments() const
{
    QStringList args;
    for (const Folder &folder : m_folders)
        args << QStringLiteral("--overlay-src") << folder.folder << QStringLiteral("--overlay") << folder.upper << folder.work
             << folder.folder;
    return args;
}

Expected<void> StagingArea::collect()
{
    QList<StagedChange> changes;
    for (const Folder &folder : std::as_const(m_folders)) {
        auto read = readStagedChanges(folder.folder, folder.upper, m_rules);
        if (!read)
            return std::unexpected(read.error());
        changes += *read;
    }
    m_changes = changes + m_changes; // what the fallback added stays after
    return {};
}

QList<StagedChange> StagingArea::held() const
{
    QList<StagedChange> held;
    if (m_heldDone)
        return held;
    for (const StagedChange &change : m_changes)
        if (!change.held.isEmpty())
            held << change;
    return held;
}

LandingResult StagingArea::landFree()
{
    LandingResult result = landChanges(m_changes, m_started, m_checkpoint);
    log::logger("sandbox")->info("landed {} changes ({} held, {} conflicts, {} errors)", result.landed.size(), held().size(),
                                 result.conflicts.size(), result.errors.size());
    return result;
}

LandingResult StagingArea::landHeld()
{
    QList<StagedChange> held = this->held();
    for (StagedChange &change : held)
        change.held.clear();
    m_heldDone = true;
    return landChanges(held, m_started, m_checkpoint);
}

void StagingArea::discardHeld()
{
    m_heldDone = true;
}

bool overlaysAvailable(const QString &bwrap, const QString &stagingRoot, const QString &folder, QString *why)
{
    if (qEnvironmentVariable("GATEHOUSE_SANDBOX_STAGING") == QStringLiteral("fallback")) {
        *why = QStringLiteral("GATEHOUSE_SANDBOX_STAGING=fallback");
        return false;
    }
    struct stat staging {};
    struct stat target {};
    if (::stat(QFile::encodeName(stagingRoot).constData(), &staging) != 0
        || ::stat(QFile::encodeName(folder).constData(), &target) != 0) {
        *why = QStringLiteral("cannot look at %1 or %2").arg(stagingRoot, folder);
        return false;
    }
    static QMutex mutex;
    static QHash<QPair<quint64, quint64>, QString> known; // empty: available; else why not
    const QPair<quint64, quint64> key{quint64(staging.st_dev), quint64(target.st_dev)};
    {
        QMutexLocker lock(&mutex);
        if (const auto found = known.constFind(key); found != known.constEnd()) {
            *why = *found;
            return found->isEmpty();
        }
    }
    // One overlay over the folder with nothing written: it mounts, or says why not.
    // Named by this process's id first, like the staging folders, so that one left by a run that
    // was killed meanwhile is swept away by the next.
    const QString probe = stagingRoot + u'/' + QString::number(::getpid()) + QStringLiteral("-probe-")
                          + QString::number(QRandomGenerator::global()->generate(), 36);
    QString reason;
    if (!makePrivateFolder(probe + QStringLiteral("/upper")) || !makePrivateFolder(probe + QStringLiteral("/work"))) {
        reason = QStringLiteral("cannot make %1").arg(probe);
    } else {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(bwrap, {QStringLiteral("--unshare-all"), QStringLiteral("--ro-bind"), QStringLiteral("/"),
                              QStringLiteral("/"), QStringLiteral("--overlay-src"), folder, QStringLiteral("--overlay"),
                              probe + QStringLiteral("/upper"), probe + QStringLiteral("/work"), folder,
                              QStringLiteral("true")});
        if (!process.waitForFinished(10000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
            reason = QStringLiteral("bubblewrap cannot mount an overlay here: %1")
                         .arg(QString::fromUtf8(process.readAll()).trimmed());
    }
    removeStaging(probe);
    QMutexLocker lock(&mutex);
    known.insert(key, reason);
    *why = reason;
    if (!reason.isEmpty())
        log::logger("sandbox")->warn("writes are not staged ({}); the sandbox uses its fallback", reason);
    return reason.isEmpty();
}

} // namespace gatehouse::sandbox
