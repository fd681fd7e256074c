// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/bwraprunner.h"

#include "log/logging.h"
#include "log/qtformat.h"
#include "policy/paths.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include <QScopeGuard>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace gatehouse::sandbox {
namespace {

QString bwrapProgram()
{
    const QString override = qEnvironmentVariable("GATEHOUSE_BWRAP");
    if (!override.isEmpty())
        return QFileInfo(override).isExecutable() ? override : QString();
    return QStandardPaths::findExecutable(QStringLiteral("bwrap"));
}

// The program that starts first inside the sandbox and loads the seccomp filter: next to this
// program in a build, in libexec/gatehouse once installed; $GATEHOUSE_SANDBOX_HELPER overrides.
QString helperProgram()
{
    const QString override = qEnvironmentVariable("GATEHOUSE_SANDBOX_HELPER");
    if (!override.isEmpty())
        return QFileInfo(override).isExecutable() ? QFileInfo(override).canonicalFilePath() : QString();
    const QString here = QCoreApplication::applicationDirPath();
    const QStringList candidates{here + QStringLiteral("/gatehouse-sandbox-helper"),
                                 here + QStringLiteral("/../libexec/gatehouse/gatehouse-sandbox-helper")};
    for (const QString &candidate : candidates)
        if (QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).canonicalFilePath();
    return {};
}

bool exists(const QString &path)
{
    struct stat info {};
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0;
}

} // namespace

BwrapRunner::SelfTest BwrapRunner::selfTest()
{
    SelfTest test;
    test.bwrap = bwrapProgram();
    if (test.bwrap.isEmpty()) {
        test.reason = QStringLiteral("bubblewrap (bwrap) is not installed");
        test.fix = QStringLiteral("install the bubblewrap package");
        return test;
    }
    struct stat info {};
    if (::stat(QFile::encodeName(test.bwrap).constData(), &info) == 0 && (info.st_mode & S_ISUID)) {
        test.reason = QStringLiteral("%1 is setuid root, which Gatehouse does not use").arg(test.bwrap);
        test.fix = QStringLiteral("use a bubblewrap that relies on unprivileged user namespaces");
        return test;
    }
    QProcess probe;
    probe.setProcessChannelMode(QProcess::MergedChannels);
    probe.start(test.bwrap, {QStringLiteral("--unshare-all"), QStringLiteral("--die-with-parent"),
                             QStringLiteral("--ro-bind"), QStringLiteral("/"), QStringLiteral("/"), QStringLiteral("--dev"),
                             QStringLiteral("/dev"), QStringLiteral("--proc"), QStringLiteral("/proc"),
                             QStringLiteral("true")});
    if (!probe.waitForFinished(10000) || probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0) {
        test.reason = QStringLiteral("bubblewrap cannot create namespaces here: %1")
                          .arg(QString::fromUtf8(probe.readAll()).trimmed());
        test.fix = QStringLiteral("allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or "
                                  "kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu)");
        return test;
    }
    test.ok = true;
    return test;
}

Expected<QStringList> BwrapRunner::arguments(const SandboxSpec &spec, const QStringList &command)
{
    if (command.isEmpty())
        return fail(QStringLiteral("no command to run"));
    if (spec.projectDir.isEmpty() || !QFileInfo(spec.projectDir).isDir())
        return fail(QStringLiteral("the project folder %1 does not exist").arg(spec.projectDir));
    QStringList writable = spec.writableFolders;
    if (!writable.contains(spec.projectDir))
        writable.prepend(spec.projectDir);
    for (QString &folder : writable)
        folder = policy::canonicalPath(policy::cleanAbsolute(folder));
    std::sort(writable.begin(), writable.end()); // parents before children
    writable.erase(std::unique(writable.begin(), writable.end()), writable.end());

    QStringList args{QStringLiteral("--unshare-all"), QStringLiteral("--die-with-parent"), QStringLiteral("--new-session"),
                     QStringLiteral("--cap-drop"),    QStringLiteral("ALL"),                 QStringLiteral("--ro-bind"),
                     QStringLiteral("/"),             QStringLiteral("/"),                   QStringLiteral("--dev"),
                     QStringLiteral("/dev"),          QStringLiteral("--proc"),              QStringLiteral("/proc"),
                     // A private temporary folder; /run holds the host's sockets (D-Bus, docker).
                     QStringLiteral("--tmpfs"),       QStringLiteral("/tmp"),                QStringLiteral("--tmpfs"),
                     QStringLiteral("/var/tmp"),      QStringLiteral("--tmpfs"),             QStringLiteral("/run")};
    for (const QString &folder : std::as_const(writable)) {
        if (!QFileInfo(folder).isDir())
            return fail(QStringLiteral("the writable folder %1 does not exist").arg(folder));
        args << QStringLiteral("--bind") << folder << folder;
    }
    // Protected entries that exist stay read-only inside the writable folders.
    for (const QString &folder : std::as_const(writable))
        for (const QString &entry : protectedEntries()) {
            const QString path = folder + u'/' + entry;
            if (exists(path))
                args << QStringLiteral("--ro-bind") << path << path;
        }
    // What may not be read is hidden: an empty folder or an empty file in its place.
    for (const QString &path : spec.denyRead) {
        if (!exists(path))
            continue;
        if (QFileInfo(path).isDir())
            args << QStringLiteral("--tmpfs") << path << QStringLiteral("--remount-ro") << path;
        else
            args << QStringLiteral("--ro-bind") << QStringLiteral("/dev/null") << path;
    }
    const QString helper = helperProgram();
    if (helper.isEmpty())
        return fail(QStringLiteral("gatehouse-sandbox-helper, which loads the seccomp filter, is missing"));
    // The helper stays read-only even when it lies in a writable folder (a build of Gatehouse
    // itself), so that no command can replace what filters the next one.
    args << QStringLiteral("--ro-bind") << helper << helper;
    const QString workingDirectory = spec.workingDirectory.isEmpty() ? spec.projectDir : spec.workingDirectory;
    args << QStringLiteral("--chdir") << workingDirectory << QStringLiteral("--setenv") << QStringLiteral("TMPDIR")
         << QStringLiteral("/tmp") << QStringLiteral("--") << helper << QStringLiteral("--") << command;
    return args;
}

int BwrapRunner::runForwarded(const SandboxSpec &spec, const QStringList &command, QString *error)
{
    const QString bwrap = bwrapProgram();
    if (bwrap.isEmpty()) {
        const SelfTest test = selfTest();
        *error = QStringLiteral("the sandbox cannot be built: %1 (%2)").arg(test.reason, test.fix);
        return 125;
    }
    auto args = arguments(spec, command);
    if (!args) {
        *error = QStringLiteral("the sandbox cannot be built: %1").arg(args.error().message);
        return 125;
    }
    // bubblewrap reports the command's pid on this pipe once the sandbox stands; without that
    // report, a failure is bubblewrap's own (no namespaces, a bad mount), not the command's.
    int status[2] = {-1, -1};
    if (::pipe2(status, O_CLOEXEC) != 0) {
        *error = QStringLiteral("the sandbox cannot be built: no pipe for its status");
        return 125;
    }
    args->prepend(QStringLiteral("3"));
    args->prepend(QStringLiteral("--json-status-fd"));
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedChannels);
    process.setInputChannelMode(QProcess::ForwardedInputChannel);
    process.setProcessEnvironment(scrubbedEnvironment(QProcessEnvironment::systemEnvironment(), spec.passEnvironment));
    const int writeEnd = status[1];
    process.setChildProcessModifier([writeEnd] {
        if (writeEnd == 3)
            ::fcntl(3, F_SETFD, 0);
        else
            ::dup2(writeEnd, 3);
    });
    log::logger("sandbox")->info("running {} in bubblewrap", command.join(u' '));
    process.start(bwrap, *args);
    ::close(status[1]);
    const auto closeRead = qScopeGuard([&status] { ::close(status[0]); });
    if (!process.waitForStarted()) {
        *error = QStringLiteral("the sandbox cannot be built: %1").arg(process.errorString());
        return 125;
    }
    const int timeout = spec.timeoutSeconds > 0 ? spec.timeoutSeconds * 1000 : -1;
    if (!process.waitForFinished(timeout)) {
        // bwrap's child dies with it (--die-with-parent), and with the pid namespace's first
        // process everything the command started.
        process.kill();
        process.waitForFinished();
        *error = QStringLiteral("the command was stopped after %1 seconds").arg(spec.timeoutSeconds);
        return 124;
    }
    QByteArray report;
    char buffer[512];
    ssize_t got = 0;
    while ((got = ::read(status[0], buffer, sizeof buffer)) > 0)
        report.append(buffer, got);
    if (!report.contains("child-pid")) {
        const SelfTest test = selfTest();
        *error = test.ok ? QStringLiteral("the sandbox cannot be built (bubblewrap's message is above)")
                         : QStringLiteral("the sandbox cannot be built: %1 (%2)").arg(test.reason, test.fix);
        return 125;
    }
    if (process.exitStatus() != QProcess::NormalExit)
        return 128 + 9;
    return process.exitCode();
}

} // namespace gatehouse::sandbox
