// SPDX-License-Identifier: GPL-3.0-or-later
// `gatehouse run`: commands in the bubblewrap sandbox, each escape attempt checked from outside
// (the side effect did not happen), and ordinary work that must still work inside.
#include "testenv.h"

#include <QDir>
#include <QElapsedTimer>
#include <QLocalServer>
#include <QLocalSocket>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace test = gatehouse::test;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run sandboxed(const QString &project, const QStringList &command, const QStringList &options = {},
              const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setWorkingDirectory(project);
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(GATEHOUSE_BINARY),
                  QStringList{QStringLiteral("run")} + options + QStringList{QStringLiteral("--")} + command);
    if (!process.waitForFinished(60000))
        process.kill();
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

Run shell(const QString &project, const QString &script, const QStringList &options = {})
{
    return sandboxed(project, {QStringLiteral("sh"), QStringLiteral("-c"), script}, options);
}

QByteArray contents(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
}

} // namespace

class TestRun final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        m_project = QDir(m_dir.path()).canonicalPath() + QStringLiteral("/proj");
        QDir().mkpath(m_project);
        test::git(m_project, {QStringLiteral("init"), QStringLiteral("-q")});
        test::writeFile(m_project + QStringLiteral("/.mcp.json"), "{}");
        test::writeFile(m_project + QStringLiteral("/.vscode/settings.json"), "{}");
        test::writeFile(QDir::homePath() + QStringLiteral("/.ssh/id_rsa"), "PRIVATE KEY");
        test::writeFile(QDir::homePath() + QStringLiteral("/.aws/credentials"), "aws secret");
        test::writeFile(QDir::homePath() + QStringLiteral("/.netrc"), "machine x password y");
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
        QVERIFY(run.out.contains(QStringLiteral("HARMLESS=visible")));
        for (const char *leak : {"sk-ant-leak", "token-leak", "password-leak"})
            QVERIFY2(!run.out.contains(QString::fromLatin1(leak)), leak);
        QVERIFY(run.out.contains(QStringLiteral("TMPDIR=/tmp")));
    }

    void noNetworkToTheHost()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const Run run = sandboxed(m_project, {QStringLiteral("bash"), QStringLiteral("-c"),
                                              QStringLiteral("echo hi > /dev/tcp/127.0.0.1/%1").arg(server.serverPort())});
        QVERIFY(run.exitCode != 0);
        QTest::qWait(200);
        QVERIFY(!server.hasPendingConnections());
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
        pgrep.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), QStringLiteral("sleep 3133[78]")});
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
        // The child is this test program, copied into the project: the build folder may lie in
        // the host's /tmp, which the sandbox replaces by its own.
        const QString self = m_project + QStringLiteral("/tst_run-child");
        QFile::remove(self);
        QVERIFY(QFile::copy(QCoreApplication::applicationFilePath(), self));

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
        const Run run = shell(m_project, QStringLiteral("grep -E 'NoNewPrivs|Seccomp:' /proc/self/status"));
        QVERIFY2(run.out.contains(QStringLiteral("NoNewPrivs:\t1")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("Seccomp:\t2")), qPrintable(run.out));
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
    std::strncpy(address.sun_path, path, sizeof address.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        std::printf("connect: %s\n", std::strerror(errno));
        return 2;
    }
    std::printf("connected\n");
    ::close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && std::strcmp(argv[1], "--child-unix-connect") == 0)
        return childUnixConnect(argv[2]);
    QCoreApplication app(argc, argv);
    TestRun test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_run.moc"
