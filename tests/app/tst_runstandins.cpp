// SPDX-License-Identifier: GPL-3.0-or-later
// The empty stand-ins of missing protected paths (SECURITY-MODEL.md section 6) when several
// `gatehouse run` sandboxes on one project start and end in any order: every sandbox gets its
// protected paths read-only and uncreatable, none fails to build because another one took a
// stand-in away, and after the last one ends (or after a killed one, the next) none is left on
// the host. Real processes and bubblewrap throughout; where a third sandbox's cleanup must come at
// one exact moment, the test takes the sandboxes' shared lock itself and does what that cleanup does.
#include "runsupport.h"
#include "testenv.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

namespace test = gatehouse::test;
using test::Run;
using test::shell;

namespace {

// What each sandbox below tries on the protected paths that the folder lacks; "BROKEN" if any
// of them could be created or written.
const QString tryProtected = QStringLiteral(
    "for f in .mcp.json .envrc .git/HEAD .git/config; do (echo x > $f) 2>/dev/null && echo BROKEN $f; done; "
    "for d in .git/objects .git/hooks/x .vscode/x .gatehouse/x; do mkdir $d 2>/dev/null && echo BROKEN $d; done; ");

// Entries of @p folder (recursively, hidden ones too) other than @p expected.
QStringList leftovers(const QString &folder, const QStringList &expected)
{
    QStringList found;
    QDirIterator it(folder, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString name = it.next().mid(folder.size() + 1);
        if (!expected.contains(name))
            found << name;
    }
    return found;
}

std::unique_ptr<QProcess> startRun(const QString &folder, const QString &script)
{
    auto process = std::make_unique<QProcess>();
    process->setWorkingDirectory(folder);
    process->start(QStringLiteral(GATEHOUSE_BINARY), {QStringLiteral("run"), QStringLiteral("--"), QStringLiteral("sh"),
                                                      QStringLiteral("-c"), script});
    return process;
}

Run finish(QProcess &process)
{
    if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, 60000))
        process.kill();
    process.waitForFinished();
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

// Whether process @p pid waits for a flock (a "->" line of /proc/locks).
bool waitsForALock(qint64 pid)
{
    QFile locks(QStringLiteral("/proc/locks"));
    if (!locks.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : locks.readAll().split('\n')) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() > 5 && fields.at(1) == "->" && fields.at(2) == "FLOCK" && fields.at(5) == QByteArray::number(pid))
            return true;
    }
    return false;
}

} // namespace

class TestRunStandIns final : public QObject
{
    Q_OBJECT

private:
    QString m_runtime;

    QString lockFile() const { return m_runtime + QStringLiteral("/gatehouse-sandbox-placeholders.lock"); }
    QString recordFile() const { return m_runtime + QStringLiteral("/gatehouse-sandbox-placeholders.list"); }

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        // A runtime folder of this test's own, so that the sandboxes of tests that ctest runs
        // alongside (which share the harness's) neither hold off nor do the cleanup seen here.
        m_runtime = test::scratchRoot() + QStringLiteral("/runtime-standins");
        QVERIFY(QDir().mkpath(m_runtime));
        QVERIFY(QFile::setPermissions(m_runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtime));
    }

    void overlappingSandboxesKeepTheProtectedPathsReadOnly()
    {
        // A starts and makes the stand-ins; B starts while A runs; A ends (B still uses them);
        // C starts and runs while B does; then B ends, the last one.
        QTemporaryDir dir;
        const QString bare = QDir(dir.path()).canonicalPath();
        auto a = startRun(bare, QStringLiteral("touch a-started; while [ ! -e a-go ]; do sleep 0.05; done; ") + tryProtected
                                    + QStringLiteral("echo a-ran"));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(bare + QStringLiteral("/a-started")), 20000);
        QVERIFY(QFileInfo::exists(bare + QStringLiteral("/.mcp.json"))); // A's stand-ins, seen on the host
        QVERIFY(QFileInfo(bare + QStringLiteral("/.git")).isDir());
        auto b = startRun(bare, QStringLiteral("touch b-started; while [ ! -e b-go ]; do sleep 0.05; done; ") + tryProtected
                                    + QStringLiteral("echo b-ran"));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(bare + QStringLiteral("/b-started")), 20000);
        QVERIFY(QFile(bare + QStringLiteral("/a-go")).open(QIODevice::WriteOnly));
        const Run ranA = finish(*a);
        QCOMPARE(ranA.exitCode, 0);
        QCOMPARE(ranA.out, QStringLiteral("a-ran\n"));

        const Run ranC = shell(bare, tryProtected + QStringLiteral("echo c-ran"));
        QVERIFY2(ranC.exitCode == 0, qPrintable(ranC.err));
        QVERIFY2(ranC.out == QStringLiteral("c-ran\n"), qPrintable(ranC.out));

        QVERIFY(QFile(bare + QStringLiteral("/b-go")).open(QIODevice::WriteOnly));
        const Run ranB = finish(*b);
        QVERIFY2(ranB.exitCode == 0, qPrintable(ranB.err));
        QVERIFY2(ranB.out == QStringLiteral("b-ran\n"), qPrintable(ranB.out));
        const QStringList left =
            leftovers(bare, {QStringLiteral("a-started"), QStringLiteral("a-go"), QStringLiteral("b-started"), QStringLiteral("b-go")});
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u' ')));
    }

    void aSandboxBeingBuiltKeepsTheStandInItFound()
    {
        // A sandbox elsewhere runs (the test holds the shared lock as it would), so the stand-ins
        // of a run that ends here stay. Then that other sandbox ends and cleans up (the test takes
        // the lock exclusively and removes the recorded empty entries, as the last sandbox does)
        // just while B is starting on the folder: B must not build its sandbox on what it saw
        // before the cleanup.
        QTemporaryDir dir;
        const QString bare = QDir(dir.path()).canonicalPath();
        const int lock = ::open(QFile::encodeName(lockFile()).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        QVERIFY(lock >= 0);
        QCOMPARE(::flock(lock, LOCK_SH), 0);
        const Run first = shell(bare, QStringLiteral("true"));
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        QVERIFY(QFileInfo::exists(bare + QStringLiteral("/.mcp.json"))); // the cleanup was put off

        QCOMPARE(::flock(lock, LOCK_EX | LOCK_NB), 0); // the other sandbox ends, the last one
        auto b = startRun(bare, tryProtected + QStringLiteral("echo b-ran"));
        QVERIFY(b->waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(waitsForALock(b->processId()), 20000);
        QFile record(recordFile());
        QVERIFY(record.open(QIODevice::ReadWrite));
        for (const QByteArray &line : record.readAll().split('\n')) {
            struct stat info {};
            if (line.isEmpty() || ::lstat(line.constData(), &info) != 0)
                continue;
            if (S_ISDIR(info.st_mode))
                ::rmdir(line.constData());
            else if (S_ISREG(info.st_mode) && info.st_size == 0)
                ::unlink(line.constData());
        }
        QVERIFY(record.resize(0));
        record.close();
        QVERIFY(!QFileInfo::exists(bare + QStringLiteral("/.mcp.json")));
        ::close(lock);

        const Run ranB = finish(*b);
        QVERIFY2(ranB.exitCode == 0, qPrintable(ranB.err));
        QVERIFY2(ranB.out == QStringLiteral("b-ran\n"), qPrintable(ranB.out));
        const QStringList left = leftovers(bare, {});
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u' ')));
    }

    void aKilledRunsStandInsAreCleanedByTheNextSandbox()
    {
        QTemporaryDir dir;
        const QString bare = QDir(dir.path()).canonicalPath();
        auto killed = startRun(bare, QStringLiteral("touch started; exec sleep 41343"));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(bare + QStringLiteral("/started")), 20000);
        QVERIFY(QFileInfo::exists(bare + QStringLiteral("/.mcp.json")));
        QCOMPARE(::kill(static_cast<pid_t>(killed->processId()), SIGKILL), 0);
        finish(*killed);
        QTRY_VERIFY_WITH_TIMEOUT(test::pgrep(QStringLiteral("^sleep 41343")).isEmpty(), 10000); // the sandbox went with it
        QVERIFY(QFileInfo::exists(bare + QStringLiteral("/.mcp.json"))); // nobody cleaned up yet

        QTemporaryDir other;
        const Run next = shell(QDir(other.path()).canonicalPath(), QStringLiteral("true"));
        QVERIFY2(next.exitCode == 0, qPrintable(next.err));
        const QStringList left = leftovers(bare, {QStringLiteral("started")});
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u' ')));
    }

    void withoutItsRecordNothingRuns()
    {
        // Where the stand-ins cannot be recorded (so that they could not be cleaned up, nor told
        // apart from real entries), the sandbox is not built and the command does not run.
        QTemporaryDir dir;
        const QString bare = QDir(dir.path()).canonicalPath();
        QFile::remove(recordFile());
        QVERIFY(QDir().mkdir(recordFile())); // not a file: neither readable nor appendable as one
        const Run run = shell(bare, QStringLiteral("touch ran"));
        QVERIFY(QDir().rmdir(recordFile()));
        QCOMPARE(run.exitCode, 125);
        QVERIFY2(run.err.contains(recordFile()), qPrintable(run.err));
        QVERIFY(!QFileInfo::exists(bare + QStringLiteral("/ran")));
    }

    void parallelRunsOnOneProjectAllSucceed()
    {
        // Several `gatehouse run` loops at once on one folder, as the agent, a second window and
        // a terminal might: every run builds, nothing protected can be made, nothing is left.
        QTemporaryDir dir;
        const QString bare = QDir(dir.path()).canonicalPath();
        constexpr int loops = 4;
        constexpr int runs = 8;
        const QString loop = QStringLiteral("for i in $(seq %1); do \"$0\" run -- sh -c \"$1\" || { echo \"FAILED $?\"; exit 1; }; done")
                                 .arg(runs);
        std::vector<std::unique_ptr<QProcess>> processes;
        for (int i = 0; i < loops; ++i) {
            processes.push_back(std::make_unique<QProcess>());
            processes.back()->setWorkingDirectory(bare);
            processes.back()->start(QStringLiteral("sh"), {QStringLiteral("-c"), loop, QStringLiteral(GATEHOUSE_BINARY),
                                                           tryProtected + QStringLiteral("echo ok")});
        }
        for (auto &process : processes) {
            const Run run = finish(*process);
            QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
            QVERIFY2(run.out == QStringLiteral("ok\n").repeated(runs), qPrintable(run.out + run.err));
        }
        const QStringList left = leftovers(bare, {});
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u' ')));
    }
};

QTEST_GUILESS_MAIN(TestRunStandIns)
#include "tst_runstandins.moc"
