// SPDX-License-Identifier: GPL-3.0-or-later
// SandboxProcess, as the agent will use it: output captured up to a limit, cancel and timeout
// killing everything the command started, the exit status, and a sandbox that cannot be built.
#include "testenv.h"

#include "sandbox/sandboxprocess.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <memory>
#include <vector>

using gatehouse::sandbox::SandboxProcess;
using gatehouse::sandbox::SandboxSpec;
namespace test = gatehouse::test;

namespace {

struct Result
{
    int status = -1;
    QString error;
};

QByteArray pgrep(const QString &pattern)
{
    QProcess process;
    process.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), pattern});
    process.waitForFinished();
    return process.readAllStandardOutput().trimmed();
}

} // namespace

class TestSandboxProcess final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    SandboxSpec m_spec;

    Result run(SandboxProcess &process, const QString &script, int timeoutMs = 30000)
    {
        QSignalSpy finished(&process, &SandboxProcess::finished);
        process.start(m_spec, {QStringLiteral("sh"), QStringLiteral("-c"), script}, SandboxProcess::Channels::Captured);
        if (!finished.wait(timeoutMs))
            return {};
        return {finished.at(0).at(0).toInt(), finished.at(0).at(1).toString()};
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        QVERIFY(!qEnvironmentVariable("GATEHOUSE_SANDBOX_HELPER").isEmpty());
        m_spec.projectDir = QDir(m_dir.path()).canonicalPath();
    }

    void capturesOutputAndStatus()
    {
        SandboxProcess process;
        const Result result = run(process, QStringLiteral("echo out; echo err >&2; exit 3"));
        QCOMPARE(result.status, 3);
        QVERIFY(result.error.isEmpty());
        QCOMPARE(process.standardOutput(), QByteArray("out\n"));
        QCOMPARE(process.standardError(), QByteArray("err\n"));
        QVERIFY(!process.outputTruncated());
        QVERIFY(!process.isRunning());
    }

    void outputIsCutAtTheLimit()
    {
        m_spec.outputLimit = 1000;
        SandboxProcess process;
        const Result result = run(process, QStringLiteral("yes x | head -c 100000 | tr -d '\\n'; echo tail"));
        m_spec.outputLimit = SandboxSpec().outputLimit;
        QCOMPARE(result.status, 0);
        QCOMPARE(process.standardOutput(), QByteArray(1000, 'x'));
        QVERIFY(process.outputTruncated());
    }

    void noInputReachesTheCommand()
    {
        SandboxProcess process;
        const Result result = run(process, QStringLiteral("cat; echo read-$?"));
        QCOMPARE(result.status, 0);
        QCOMPARE(process.standardOutput(), QByteArray("read-0\n"));
    }

    void cancelKillsEverything()
    {
        SandboxProcess process;
        QSignalSpy finished(&process, &SandboxProcess::finished);
        process.start(m_spec, {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("sleep 41337 & sleep 41338")},
                      SandboxProcess::Channels::Captured);
        QTRY_VERIFY_WITH_TIMEOUT(!pgrep(QStringLiteral("^sleep 41338")).isEmpty(), 10000);
        QVERIFY(process.isRunning());
        process.cancel();
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(0).at(0).toInt(), 130);
        QTRY_VERIFY_WITH_TIMEOUT(pgrep(QStringLiteral("^sleep 4133[78]")).isEmpty(), 10000);
    }

    void timeoutKillsEverything()
    {
        m_spec.timeoutSeconds = 1;
        SandboxProcess process;
        const Result result = run(process, QStringLiteral("sleep 41339 & sleep 41340"));
        m_spec.timeoutSeconds = 0;
        QCOMPARE(result.status, 124);
        QVERIFY(result.error.contains(QStringLiteral("1 seconds")));
        QTRY_VERIFY_WITH_TIMEOUT(pgrep(QStringLiteral("^sleep 413(39|40)")).isEmpty(), 10000);
    }

    void destroyingItKillsTheCommand()
    {
        {
            SandboxProcess process;
            process.start(m_spec, {QStringLiteral("sleep"), QStringLiteral("41341")}, SandboxProcess::Channels::Captured);
            QTRY_VERIFY_WITH_TIMEOUT(!pgrep(QStringLiteral("^sleep 41341")).isEmpty(), 10000);
        }
        QTRY_VERIFY_WITH_TIMEOUT(pgrep(QStringLiteral("^sleep 41341")).isEmpty(), 10000);
    }

    void aSandboxThatCannotBeBuiltRunsNothing()
    {
        SandboxSpec spec = m_spec;
        spec.writableFolders << QStringLiteral("/nonexistent/gatehouse-folder");
        SandboxProcess process;
        QSignalSpy finished(&process, &SandboxProcess::finished);
        process.start(spec, {QStringLiteral("touch"), m_spec.projectDir + QStringLiteral("/ran")},
                      SandboxProcess::Channels::Captured);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(0).at(0).toInt(), 125);
        QVERIFY2(finished.at(0).at(1).toString().contains(QStringLiteral("/nonexistent/gatehouse-folder")),
                 qPrintable(finished.at(0).at(1).toString()));
        QVERIFY(!QFileInfo::exists(m_spec.projectDir + QStringLiteral("/ran")));
    }

    void concurrentSandboxesShareNoDescriptors()
    {
        // As the agent may run them: several at once in one process, each one's status pipe and
        // lifeline open in Gatehouse while the others start. Every command gets 0, 1 and 2 only,
        // listed by the command itself (a copy of this program) as it got them from exec. The
        // project has none of the protected files, so their helpers all make the same stand-ins.
        const QString self = m_dir.path() + QStringLiteral("/tst_sandboxprocess-child");
        QVERIFY(QFileInfo::exists(self) || QFile::copy(QCoreApplication::applicationFilePath(), self));
        constexpr int count = 8;
        std::vector<std::unique_ptr<SandboxProcess>> processes;
        std::vector<int> statuses(count, -1);
        int finished = 0;
        for (int i = 0; i < count; ++i) {
            processes.push_back(std::make_unique<SandboxProcess>());
            connect(processes.back().get(), &SandboxProcess::finished, this, [&statuses, &finished, i](int status) {
                statuses[static_cast<size_t>(i)] = status;
                ++finished;
            });
            processes.back()->start(m_spec, {self, QStringLiteral("--child-descriptors")},
                                    SandboxProcess::Channels::Captured);
        }
        QTRY_COMPARE_WITH_TIMEOUT(finished, count, 60000);
        const QStringList standard{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2")};
        for (int i = 0; i < count; ++i) {
            const SandboxProcess &process = *processes[static_cast<size_t>(i)];
            const QString listing = QString::fromUtf8(process.standardOutput());
            const QString report = listing + QString::fromUtf8(process.standardError());
            QVERIFY2(statuses[static_cast<size_t>(i)] == 0, qPrintable(report));
            QVERIFY2(test::descriptorNumbers(listing) == standard, qPrintable(report));
        }
    }

    void aMissingProgramIs127()
    {
        SandboxProcess process;
        QSignalSpy finished(&process, &SandboxProcess::finished);
        process.start(m_spec, {QStringLiteral("gatehouse-no-such-program")}, SandboxProcess::Channels::Captured);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(0).at(0).toInt(), 127);
        QVERIFY(process.standardError().contains("cannot run gatehouse-no-such-program"));
    }
};

int main(int argc, char **argv)
{
    if (argc == 2 && std::strcmp(argv[1], "--child-descriptors") == 0)
        return test::printDescriptors(); // run as the command inside a sandbox
    QCoreApplication app(argc, argv);
    TestSandboxProcess test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_sandboxprocess.moc"
