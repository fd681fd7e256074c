// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/sandboxprocess.h"

#include "log/logging.h"
#include "log/qtformat.h"
#include "sandbox/bwraprunner.h"
#include "sandbox/fallbackscan.h"
#include "common/paths.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <fcntl.h>
#include <signal.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace gatehouse::sandbox {

SandboxProcess::SandboxProcess(QObject *parent)
    : QObject(parent)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        cancel();
    });
}

SandboxProcess::~SandboxProcess()
{
    if (m_lifeline >= 0)
        ::close(m_lifeline); // the helper ends the sandbox, and bubblewrap ends with it
    if (m_process && m_process->state() != QProcess::NotRunning && !m_process->waitForFinished(3000)) {
        ::kill(-static_cast<pid_t>(m_process->processId()), SIGKILL);
        m_process->waitForFinished(3000);
    }
    if (m_statusPipe >= 0)
        ::close(m_statusPipe);
}

QString SandboxProcess::checkpointFolder() const
{
    if (!m_spec.checkpointFolder.isEmpty())
        return m_spec.checkpointFolder;
    return paths::dataDir() + QStringLiteral("/checkpoints/")
           + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")) + u'-'
           + QString::number(QRandomGenerator::global()->generate(), 36);
}

bool SandboxProcess::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

void SandboxProcess::start(const SandboxSpec &spec, const QStringList &command, Channels channels)
{
    m_spec = spec;
    m_elapsed.start();
    const QString bwrap = BwrapRunner::program();
    if (bwrap.isEmpty()) {
        const BwrapRunner::SelfTest test = BwrapRunner::selfTest();
        done(125, QStringLiteral("the sandbox cannot be built: %1 (%2)").arg(test.reason, test.fix));
        return;
    }
    // Staged writes where overlays work here; else the fallback, whose stand-ins for missing
    // protected paths are taken away when the last sandbox ends (the shared lock that keeps them
    // meanwhile is taken before the protected paths are looked at).
    const QStringList writable = BwrapRunner::canonicalWritableFolders(spec);
    m_started = landingClock();
    m_staging.reset();
    m_landing = {};
    if (auto staging = StagingArea::create(writable, HoldRules{writable, spec.denyRead, readOnlyLinkTargets(spec.homeDir)}, checkpointFolder()); !staging) {
        done(125, QStringLiteral("the sandbox cannot be built: %1").arg(staging.error().message));
        return;
    } else {
        m_staging = *staging;
    }
    bool overlays = true;
    for (const QString &folder : writable) {
        QString why;
        if (!overlaysAvailable(bwrap, StagingArea::stagingRoot(), folder, &why)) {
            overlays = false;
            m_fallbackReason = why;
            break;
        }
    }
    QStringList inUse;
    if (!overlays) {
        auto taken = m_placeholders.begin();
        if (!taken) {
            done(125, QStringLiteral("the sandbox cannot be built: %1").arg(taken.error().message));
            return;
        }
        inUse = *taken;
    }
    QStringList standIns;
    auto args = BwrapRunner::arguments(spec, command, overlays ? m_staging.get() : nullptr, inUse, &standIns);
    if (!args) {
        done(125, QStringLiteral("the sandbox cannot be built: %1").arg(args.error().message));
        return;
    }
    m_overlays = overlays;
    m_standIns = inUse + standIns;
    // Recorded before the sandbox makes them, so that a crashed run's are cleaned up later too.
    if (!overlays) {
        if (auto recorded = m_placeholders.record(standIns); !recorded) {
            done(125, QStringLiteral("the sandbox cannot be built: %1").arg(recorded.error().message));
            return;
        }
    }
    m_staging->markStarted(m_started);
    m_started = m_staging->started();
    // bubblewrap reports the command's pid on this pipe once the sandbox stands; without that
    // report, a failure is bubblewrap's own (no namespaces, a bad mount), not the command's.
    int status[2] = {-1, -1};
    if (::pipe2(status, O_CLOEXEC) != 0) {
        done(125, QStringLiteral("the sandbox cannot be built: no pipe for its status"));
        return;
    }
    m_statusPipe = status[0];
    args->prepend(QStringLiteral("3"));
    args->prepend(QStringLiteral("--json-status-fd"));
    // The lifeline: the helper ends the sandbox when this process's end of it closes.
    int lifeline[2] = {-1, -1};
    if (::pipe2(lifeline, O_CLOEXEC) != 0) {
        ::close(status[1]);
        done(125, QStringLiteral("the sandbox cannot be built: no pipe for its lifeline"));
        return;
    }
    m_lifeline = lifeline[1];

    m_process = new QProcess(this);
    if (channels == Channels::Forwarded) {
        m_process->setProcessChannelMode(QProcess::ForwardedChannels);
        m_process->setInputChannelMode(QProcess::ForwardedInputChannel);
    } else {
        m_process->setStandardInputFile(QProcess::nullDevice());
        connect(m_process, &QProcess::readyReadStandardOutput, this, [this] { collect(QProcess::StandardOutput); });
        connect(m_process, &QProcess::readyReadStandardError, this, [this] { collect(QProcess::StandardError); });
    }
    m_process->setProcessEnvironment(sandboxEnvironment(QProcessEnvironment::systemEnvironment(), spec.environmentAllow));
    const int writeEnd = status[1];
    const int readEnd = status[0];
    const int lifelineRead = lifeline[0];
    const pid_t parent = ::getpid();
    m_process->setChildProcessModifier([writeEnd, readEnd, lifelineRead, parent] {
        ::setpgid(0, 0); // bubblewrap leads a process group of its own, killed as one
        // No parent-death signal for bubblewrap: killed while its child is still building the
        // sandbox, that child would wait forever. When Gatehouse dies, the lifeline closes, the
        // helper ends the sandbox as soon as it starts, and bubblewrap exits with it.
        if (::getppid() != parent)
            ::_exit(125);
        // The status pipe on 3, the lifeline on 4, and on 5 bubblewrap's own copy of the status
        // pipe's read end: should Gatehouse die, bubblewrap's status report must not meet a pipe
        // without readers (SIGPIPE would kill it halfway and strand its child).
        const int statusCopy = ::fcntl(writeEnd, F_DUPFD_CLOEXEC, 10);
        const int lifelineCopy = ::fcntl(lifelineRead, F_DUPFD_CLOEXEC, 10);
        const int readCopy = ::fcntl(readEnd, F_DUPFD_CLOEXEC, 10);
        if (statusCopy < 0 || lifelineCopy < 0 || readCopy < 0 || ::dup2(statusCopy, 3) != 3
            || ::dup2(lifelineCopy, BwrapRunner::lifelineFd) != BwrapRunner::lifelineFd || ::dup2(readCopy, 5) != 5)
            ::_exit(125);
        // Nothing else of Gatehouse's reaches the sandbox (its log file, sockets...): every other
        // descriptor closes on exec. The helper closes all but 0, 1 and 2 for the command.
        if (::syscall(SYS_close_range, 6U, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
            for (int fd = 6; fd < 65536; ++fd)
                ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    });
    connect(m_process, &QProcess::finished, this, &SandboxProcess::processFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            done(125, QStringLiteral("the sandbox cannot be built: %1").arg(m_process->errorString()));
    });
    log::logger("sandbox")->info("running {} in bubblewrap", command.join(u' '));
    m_process->start(bwrap, *args);
    ::close(status[1]);
    ::close(lifeline[0]);
    if (spec.timeoutSeconds > 0)
        m_timeout.start(std::chrono::seconds(spec.timeoutSeconds));
}

void SandboxProcess::cancel()
{
    if (!isRunning())
        return;
    if (!m_timedOut)
        m_cancelled = true;
    // Closing the lifeline makes the helper (the sandbox's pid 1) exit, which ends everything
    // the command started, and bubblewrap with it. Killing bubblewrap instead could leave its
    // child stuck if the sandbox were still being built; that is only the fallback.
    if (m_lifeline >= 0) {
        ::close(m_lifeline);
        m_lifeline = -1;
    }
    QTimer::singleShot(std::chrono::seconds(3), this, [this] {
        if (isRunning())
            ::kill(-static_cast<pid_t>(m_process->processId()), SIGKILL);
    });
}

void SandboxProcess::collect(QProcess::ProcessChannel channel)
{
    m_process->setReadChannel(channel);
    QByteArray &target = channel == QProcess::StandardOutput ? m_stdout : m_stderr;
    const QByteArray data = m_process->readAll();
    const qint64 room = qMax<qint64>(0, m_spec.outputLimit - target.size());
    if (data.size() > room)
        m_truncated = true;
    target += data.left(room);
}

void SandboxProcess::processFinished()
{
    m_timeout.stop();
    if (m_process->processChannelMode() != QProcess::ForwardedChannels) {
        collect(QProcess::StandardOutput);
        collect(QProcess::StandardError);
    }
    QByteArray report;
    char buffer[512];
    ssize_t got = 0;
    while ((got = ::read(m_statusPipe, buffer, sizeof buffer)) > 0)
        report.append(buffer, got);
    if (m_timedOut) {
        done(124, QStringLiteral("the command was stopped after %1 seconds").arg(m_spec.timeoutSeconds));
        return;
    }
    if (m_cancelled) {
        done(130, QStringLiteral("the command was cancelled"));
        return;
    }
    if (!report.contains("child-pid")) {
        const BwrapRunner::SelfTest test = BwrapRunner::selfTest();
        done(125, test.ok ? QStringLiteral("the sandbox cannot be built (bubblewrap: %1)")
                                .arg(QString::fromUtf8(m_stderr).trimmed().isEmpty() ? QStringLiteral("see its message above")
                                                                                     : QString::fromUtf8(m_stderr).trimmed())
                          : QStringLiteral("the sandbox cannot be built: %1 (%2)").arg(test.reason, test.fix));
        return;
    }
    if (m_process->exitStatus() != QProcess::NormalExit) {
        done(128 + SIGKILL, QStringLiteral("the sandbox was killed"));
        return;
    }
    done(m_process->exitCode(), {});
}

void SandboxProcess::done(int status, const QString &error)
{
    if (m_finished)
        return;
    m_finished = true;
    // What the command wrote lands now, whatever its status (also after a timeout or cancel):
    // a command stopped halfway has still changed what it changed.
    if (m_staging && m_process) {
        QElapsedTimer landing;
        landing.start();
        if (m_overlays) {
            if (auto collected = m_staging->collect(); !collected)
                m_landing.errors << collected.error().message;
        } else {
            m_staging->addHeld(fallbackScan(BwrapRunner::canonicalWritableFolders(m_spec),
                                            HoldRules{BwrapRunner::canonicalWritableFolders(m_spec), m_spec.denyRead, readOnlyLinkTargets(m_spec.homeDir)},
                                            m_started, m_staging->root() + QStringLiteral("/held"),
                                            // Every sandbox's stand-ins, also of those that started
                                            // after this one: read while the shared lock is held.
                                            m_standIns + m_placeholders.standInsNow()));
        }
        const LandingResult landed = m_staging->landFree();
        m_landing.landed = landed.landed;
        m_landing.conflicts = landed.conflicts;
        m_landing.errors += landed.errors;
        m_landing.checkpoint = landed.checkpoint;
        m_landingUs = landing.nsecsElapsed() / 1000;
    }
    m_placeholders.end();
    if (m_lifeline >= 0) {
        ::close(m_lifeline);
        m_lifeline = -1;
    }
    if (m_statusPipe >= 0) {
        ::close(m_statusPipe);
        m_statusPipe = -1;
    }
    // Queued, so that a failure inside start() still reaches a caller that connects after it.
    QMetaObject::invokeMethod(this, [this, status, error] { Q_EMIT finished(status, error); }, Qt::QueuedConnection);
}

} // namespace gatehouse::sandbox
