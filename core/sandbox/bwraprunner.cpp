// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/bwraprunner.h"

#include "log/logging.h"
#include "log/qtformat.h"
#include "policy/paths.h"
#include "sandbox/homeview.h"
#include "sandbox/protectedpaths.h"
#include "sandbox/sandboxprocess.h"
#include "sandbox/staging.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

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

// Where the proxy's socket appears inside the sandbox (/run is the sandbox's own tmpfs).
const QString proxySocketInside = QStringLiteral("/run/gatehouse/proxy.sock");

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
                                  "kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu); a chroot never has them, a container "
                                  "only when it allows them");
        return test;
    }
    test.ok = true;
    return test;
}

QList<BwrapRunner::Check> BwrapRunner::checkAll()
{
    QList<Check> checks;
    const SelfTest test = selfTest();
    checks.append({QStringLiteral("bubblewrap"), !test.bwrap.isEmpty(), test.bwrap.isEmpty() ? test.reason : test.bwrap,
                   test.bwrap.isEmpty() ? test.fix : QString()});
    if (test.bwrap.isEmpty())
        return checks;
    const QString helper = helperProgram();
    checks.append({QStringLiteral("sandbox helper"), !helper.isEmpty(),
                   helper.isEmpty() ? QStringLiteral("gatehouse-sandbox-helper was not found next to gatehouse or in its libexec folder")
                                    : helper,
                   QStringLiteral("reinstall Gatehouse, or name the helper in GATEHOUSE_SANDBOX_HELPER")});
    if (helper.isEmpty())
        return checks;
    checks.append({QStringLiteral("unprivileged namespaces"), test.ok, test.ok ? QStringLiteral("bubblewrap can create them") : test.reason,
                   test.fix});
    if (!test.ok)
        return checks;
    // A whole sandbox: the helper's mounts (a stand-in for every protected entry of an empty
    // folder), the capabilities dropped and the seccomp filter loaded.
    QTemporaryDir project;
    SandboxSpec spec;
    spec.projectDir = QFileInfo(project.path()).canonicalFilePath();
    SandboxProcess process;
    QEventLoop loop;
    int status = -1;
    QString error;
    QObject::connect(&process, &SandboxProcess::finished, &loop, [&](int exitStatus, const QString &message) {
        status = exitStatus;
        error = message;
        loop.quit();
    });
    process.start(spec, {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("grep -q '^Seccomp:.*2$' /proc/self/status")},
                  SandboxProcess::Channels::Captured);
    loop.exec();
    const QString output = QString::fromUtf8(process.standardError()).trimmed();
    checks.append({QStringLiteral("a sandboxed command"), status == 0,
                   status == 0 ? QStringLiteral("ran with the seccomp filter, in %1 ms").arg(process.elapsedMs())
                               : QStringLiteral("exit status %1: %2").arg(status).arg(output.isEmpty() ? error : output),
                   QStringLiteral("see the message; `gatehouse --verbose run -- true` logs the sandbox's arguments")});
    return checks;
}

QString BwrapRunner::program()
{
    return bwrapProgram();
}

QStringList BwrapRunner::canonicalWritableFolders(const SandboxSpec &spec)
{
    QStringList writable = spec.writableFolders;
    if (!writable.contains(spec.projectDir))
        writable.prepend(spec.projectDir);
    for (QString &folder : writable)
        folder = policy::canonicalPath(policy::cleanAbsolute(folder));
    std::sort(writable.begin(), writable.end()); // parents before children
    writable.erase(std::unique(writable.begin(), writable.end()), writable.end());
    return writable;
}

Expected<QStringList> BwrapRunner::arguments(const SandboxSpec &spec, const QStringList &command,
                                             const StagingArea *staging, const QStringList &standInsInUse,
                                             QStringList *standIns)
{
    if (command.isEmpty())
        return fail(QStringLiteral("no command to run"));
    if (spec.projectDir.isEmpty() || !QFileInfo(spec.projectDir).isDir())
        return fail(QStringLiteral("the project folder %1 does not exist").arg(spec.projectDir));
    const QStringList writable = canonicalWritableFolders(spec);

    // No --die-with-parent: bubblewrap killed while its child still builds the sandbox
    // leaves that child waiting forever. The helper's lifeline ends the sandbox instead when
    // Gatehouse goes, and bubblewrap exits with it.
    QStringList args{QStringLiteral("--unshare-all"), QStringLiteral("--unshare-user"), QStringLiteral("--disable-userns"),
                     // The helper is the sandbox's first process: no bubblewrap init without the
                     // seccomp filter whose memory a command could write through /proc.
                     QStringLiteral("--as-pid-1"), QStringLiteral("--new-session"),
                     // The helper mounts the protected and hidden paths, then drops both.
                     QStringLiteral("--cap-drop"), QStringLiteral("ALL"), QStringLiteral("--cap-add"),
                     QStringLiteral("CAP_SYS_ADMIN"), QStringLiteral("--cap-add"), QStringLiteral("CAP_SETPCAP"),
                     QStringLiteral("--ro-bind"), QStringLiteral("/"), QStringLiteral("/"), QStringLiteral("--dev"),
                     QStringLiteral("/dev"), QStringLiteral("--proc"), QStringLiteral("/proc"),
                     // A private temporary folder; /run holds the host's sockets (D-Bus, docker).
                     QStringLiteral("--tmpfs"), QStringLiteral("/tmp"), QStringLiteral("--tmpfs"), QStringLiteral("/var/tmp"),
                     QStringLiteral("--tmpfs"), QStringLiteral("/run")};
    // Home hidden, with what toolchains need; before the writable folders, which may lie in it.
    auto home = homeArguments(spec);
    if (!home)
        return std::unexpected(home.error());
    args << *home;
    for (const QString &folder : std::as_const(writable))
        if (!QFileInfo(folder).isDir())
            return fail(QStringLiteral("the writable folder %1 does not exist").arg(folder));
    QStringList helperArgs;
    if (staging) {
        // Staged writes: the command sees its own writes in an overlay, and the real folder
        // changes only when Gatehouse lands them afterwards, holding what must wait for the
        // person (protected names, git's configuration and hooks, new repositories...). Nothing
        // needs to be mounted over protected entries, so nothing in the project can make the
        // sandbox fail to build.
        args << staging->overlayArguments();
        helperArgs << QStringLiteral("--hide") << staging->root();
    } else {
        for (const QString &folder : std::as_const(writable))
            args << QStringLiteral("--bind") << folder << folder;
        // The fallback without overlays: protected entries stay read-only inside the writable
        // folders, at every depth; those that do not exist yet at the top get an empty read-only
        // folder or file in their place, so that they cannot be created. The helper mounts them
        // (see helper.cpp), as it does what may not be read. A scan after the command holds what
        // it made that staging would hold (fallbackscan.h).
        const ProtectedMounts mounts = protectedMounts(writable, standInsInUse);
        for (const QString &path : mounts.readOnly)
            helperArgs << QStringLiteral("--ro") << path;
        for (const QString &path : mounts.missingFolders)
            helperArgs << QStringLiteral("--stand-in-dir") << path;
        for (const QString &path : mounts.missingFiles)
            helperArgs << QStringLiteral("--stand-in-file") << path;
        if (standIns)
            *standIns = mounts.missingFolders + mounts.missingFiles;
        for (const QString &folder : writable) {
            auto exclude = gitExcludeWithPlaceholders(folder, mounts.missingFolders + mounts.missingFiles);
            if (!exclude)
                return std::unexpected(exclude.error());
            if (!exclude->isEmpty())
                args << QStringLiteral("--ro-bind") << *exclude << folder + QStringLiteral("/.git/info/exclude");
        }
        // A protected or denied entry inside a writable folder cannot be carried out from under
        // its mount by renaming a folder above it: each of those folders becomes a mount point of
        // its own (a rename fails with EBUSY), up to the writable folder.
        QStringList pinned;
        QStringList anchored = mounts.readOnly;
        for (const QString &denied : spec.denyRead)
            if (QFileInfo(denied).exists() || QFileInfo(denied).isSymLink())
                anchored << denied;
        for (const QString &entry : std::as_const(anchored))
            for (const QString &folder : writable)
                if (policy::isInside(entry, folder) && entry != folder)
                    for (QString parent = QFileInfo(entry).path(); policy::isInside(parent, folder) && parent != folder;
                         parent = QFileInfo(parent).path())
                        if (!pinned.contains(parent))
                            pinned << parent;
        std::sort(pinned.begin(), pinned.end()); // parents first
        for (const QString &parent : std::as_const(pinned))
            helperArgs << QStringLiteral("--pin") << parent;
    }
    for (const QString &path : helperHides(spec))
        helperArgs << QStringLiteral("--hide") << path;
    const QString helper = helperProgram();
    if (helper.isEmpty())
        return fail(QStringLiteral("gatehouse-sandbox-helper, which loads the seccomp filter, is missing"));
    // The helper stays read-only even when it lies in a writable folder (a build of Gatehouse
    // itself), so that no command can replace what filters the next one.
    args << QStringLiteral("--ro-bind") << helper << helper;
    args << homeClosingArguments(spec);
    const QString workingDirectory = spec.workingDirectory.isEmpty() ? spec.projectDir : spec.workingDirectory;
    args << QStringLiteral("--chdir") << workingDirectory << QStringLiteral("--setenv") << QStringLiteral("TMPDIR")
         << QStringLiteral("/tmp");
    if (!spec.proxySocket.isEmpty()) {
        args << QStringLiteral("--ro-bind") << spec.proxySocket << proxySocketInside;
        for (const auto &[name, value] : proxyEnvironment(spec.proxyPort))
            args << QStringLiteral("--setenv") << name << value;
        helperArgs << QStringLiteral("--proxy-socket") << proxySocketInside << QStringLiteral("--proxy-port")
                   << QString::number(spec.proxyPort);
    } else {
        for (const auto &variable : proxyEnvironment(spec.proxyPort))
            args << QStringLiteral("--unsetenv") << variable.first;
    }
    helperArgs << QStringLiteral("--lifeline") << QString::number(lifelineFd);
    args << QStringLiteral("--") << helper << helperArgs << QStringLiteral("--") << command;
    return args;
}

int BwrapRunner::runForwarded(const SandboxSpec &spec, const QStringList &command, QString *error)
{
    SandboxProcess process;
    QEventLoop loop;
    int exitStatus = 125;
    QObject::connect(&process, &SandboxProcess::finished, &loop, [&](int status, const QString &message) {
        exitStatus = status;
        *error = message;
        loop.quit();
    });
    process.start(spec, command, SandboxProcess::Channels::Forwarded);
    loop.exec();
    return exitStatus;
}

} // namespace gatehouse::sandbox
