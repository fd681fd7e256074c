// SPDX-License-Identifier: GPL-3.0-or-later
// The policy verbs of the gatehouse binary: `check` (the contract of SECURITY-MODEL.md section
// 5), `rules` and `trust`, run as a person or a script would.
#include "testenv.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

namespace test = gatehouse::test;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QString err;
};

Run runGatehouse(const QStringList &arguments, const QByteArray &input = {}, const QString &folder = {})
{
    QProcess process;
    if (!folder.isEmpty())
        process.setWorkingDirectory(folder);
    process.start(QStringLiteral(GATEHOUSE_BINARY), arguments);
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(60000))
        process.kill();
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
            QString::fromUtf8(process.readAllStandardError())};
}

QList<QJsonObject> lines(const QByteArray &out)
{
    QList<QJsonObject> result;
    for (const QByteArray &line : out.split('\n'))
        if (!line.isEmpty())
            result << QJsonDocument::fromJson(line).object();
    return result;
}

} // namespace

class TestVerbs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void checkAnswersOneLinePerInputInOrder()
    {
        QTemporaryDir project;
        test::writeFile(project.filePath(QStringLiteral("a.txt")), "a");
        const QByteArray input = R"j({"tool": "Bash", "input": {"command": "git status"}}
{"tool": "Bash", "input": {"command": "rm -rf build"}}
this is not json
{"tool": "Read", "input": {"file_path": "a.txt"}}
{"input": {}}
{"tool": "Bash", "input": "ls"}
{"tool": "Bash", "input": {"command": "npm run test -- -x"}}
)j";
        const Run run = runGatehouse({QStringLiteral("check"), QStringLiteral("--project"), project.path(), QStringLiteral("--deny"),
                                   QStringLiteral("Bash(rm -rf *)"), QStringLiteral("--allow"), QStringLiteral("Bash(npm run test:*)")},
                                  input);
        QCOMPARE(run.exitCode, 2); // malformed lines, after finishing the stream
        const QList<QJsonObject> answers = lines(run.out);
        QCOMPARE(answers.size(), 7);
        QCOMPARE(answers[0].value(QStringLiteral("decision")).toString(), QStringLiteral("allow"));
        QCOMPARE(answers[0].value(QStringLiteral("source")).toString(), QStringLiteral("builtin"));
        QVERIFY(answers[0].value(QStringLiteral("rule")).isNull());
        QCOMPARE(answers[1].value(QStringLiteral("decision")).toString(), QStringLiteral("deny"));
        QCOMPARE(answers[1].value(QStringLiteral("rule")).toString(), QStringLiteral("Bash(rm -rf *)"));
        QCOMPARE(answers[1].value(QStringLiteral("source")).toString(), QStringLiteral("cli"));
        QCOMPARE(answers[2].value(QStringLiteral("decision")).toString(), QStringLiteral("deny"));
        QVERIFY(answers[2].value(QStringLiteral("error")).toString().contains(QStringLiteral("invalid JSON")));
        QCOMPARE(answers[3].value(QStringLiteral("decision")).toString(), QStringLiteral("allow"));
        QVERIFY(answers[4].value(QStringLiteral("error")).toString().contains(QStringLiteral("tool")));
        QVERIFY(answers[5].value(QStringLiteral("error")).toString().contains(QStringLiteral("input")));
        QCOMPARE(answers[6].value(QStringLiteral("decision")).toString(), QStringLiteral("allow"));
        QCOMPARE(answers[6].value(QStringLiteral("rule")).toString(), QStringLiteral("Bash(npm run test:*)"));
        for (const QJsonObject &answer : answers)
            for (const char *key : {"decision", "reason", "rule", "source", "risks", "description"})
                QVERIFY2(answer.contains(QString::fromLatin1(key)), key);
    }

    void checkExitsZeroOnGoodInput()
    {
        QTemporaryDir project;
        const Run run = runGatehouse({QStringLiteral("check"), QStringLiteral("--project"), project.path(), QStringLiteral("--mode"),
                                   QStringLiteral("plan")},
                                  R"j({"tool": "Write", "input": {"file_path": "x", "content": ""}})j"
                                  "\n");
        QCOMPARE(run.exitCode, 0);
        const auto answers = lines(run.out);
        QCOMPARE(answers.size(), 1);
        QCOMPARE(answers[0].value(QStringLiteral("decision")).toString(), QStringLiteral("deny"));
        QCOMPARE(answers[0].value(QStringLiteral("source")).toString(), QStringLiteral("mode"));
    }

    void checkDefaultsToTheCurrentFolder()
    {
        QTemporaryDir project;
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")),
                        R"j({"permissions": {"deny": ["Read(notes.txt)"], "allow": ["Bash(make)"]}})j");
        const QByteArray input = R"j({"tool": "Read", "input": {"file_path": "notes.txt"}}
{"tool": "Bash", "input": {"command": "make"}}
)j";
        // Not trusted: the folder's deny applies, its allow does not.
        Run run = runGatehouse({QStringLiteral("check")}, input, project.path());
        QCOMPARE(run.exitCode, 0);
        auto answers = lines(run.out);
        QCOMPARE(answers[0].value(QStringLiteral("decision")).toString(), QStringLiteral("deny"));
        QCOMPARE(answers[0].value(QStringLiteral("source")).toString(), QStringLiteral("project"));
        QCOMPARE(answers[1].value(QStringLiteral("decision")).toString(), QStringLiteral("ask"));
        run = runGatehouse({QStringLiteral("check"), QStringLiteral("--assume-trusted")}, input, project.path());
        answers = lines(run.out);
        QCOMPARE(answers[1].value(QStringLiteral("decision")).toString(), QStringLiteral("allow"));

        // Trusting the folder with `gatehouse trust` has the same effect, until its grants change.
        Run trust = runGatehouse({QStringLiteral("trust"), project.path()}, "y\n");
        QCOMPARE(trust.exitCode, 0);
        QVERIFY(trust.out.contains("allows Bash(make) without asking"));
        QVERIFY(trust.out.contains("Trusted."));
        run = runGatehouse({QStringLiteral("check")}, input, project.path());
        QCOMPARE(lines(run.out)[1].value(QStringLiteral("decision")).toString(), QStringLiteral("allow"));
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")),
                        R"j({"permissions": {"allow": ["Bash(make)", "Bash(make install)"]}})j");
        run = runGatehouse({QStringLiteral("check")}, input, project.path());
        QCOMPARE(lines(run.out)[1].value(QStringLiteral("decision")).toString(), QStringLiteral("ask"));
    }

    void trustCanBeDeclined()
    {
        QTemporaryDir project;
        test::writeFile(project.filePath(QStringLiteral(".mcp.json")), R"j({"mcpServers": {"x": {"command": "evil"}}})j");
        const Run run = runGatehouse({QStringLiteral("trust"), project.path()}, "n\n");
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.out.contains("MCP server \"x\", which runs evil"));
        QVERIFY(run.out.contains("Not trusted."));
        QFile store(qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/gatehouse/trust.json"));
        if (store.open(QIODevice::ReadOnly))
            QVERIFY(!store.readAll().contains(QDir(project.path()).canonicalPath().toUtf8()));
    }

    // Several `gatehouse trust DIR --yes` at once in one HOME, as `ctest -j2` runs the tests that
    // call it: every folder is trusted afterwards (trust.json is changed under its lock).
    void trustFromManyProcessesAtOnce()
    {
        QTemporaryDir root;
        QStringList folders;
        std::vector<std::unique_ptr<QProcess>> processes;
        for (int i = 0; i < 8; ++i) {
            const QString folder = QDir(root.path()).canonicalPath() + QStringLiteral("/folder-%1").arg(i);
            QVERIFY(QDir().mkpath(folder));
            folders << folder;
            auto process = std::make_unique<QProcess>();
            process->start(QStringLiteral(GATEHOUSE_BINARY),
                           {QStringLiteral("trust"), folder, QStringLiteral("--yes")});
            process->closeWriteChannel();
            processes.push_back(std::move(process));
        }
        for (const auto &process : processes) {
            QVERIFY(process->waitForFinished(60000));
            QVERIFY2(process->exitCode() == 0, process->readAllStandardError().constData());
            QVERIFY(process->readAllStandardOutput().contains("Trusted."));
        }
        QFile store(qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/gatehouse/trust.json"));
        QVERIFY(store.open(QIODevice::ReadOnly));
        const QJsonObject trusted =
            QJsonDocument::fromJson(store.readAll()).object().value(QStringLiteral("folders")).toObject();
        for (const QString &folder : std::as_const(folders))
            QVERIFY2(trusted.contains(folder), qPrintable(folder + QStringLiteral(" lost its trust")));
    }

    void settingsErrorsAreReported()
    {
        QTemporaryDir project;
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")), "{\n  \"permissions\": [\n");
        const Run run = runGatehouse({QStringLiteral("check"), QStringLiteral("--project"), project.path(), QStringLiteral("--allow"),
                                   QStringLiteral("Bash(ls)")},
                                  R"j({"tool": "Bash", "input": {"command": "ls"}})j"
                                  "\n");
        QVERIFY2(run.err.contains(QStringLiteral(".gatehouse/settings.json:3:")), qPrintable(run.err));
        QCOMPARE(lines(run.out)[0].value(QStringLiteral("decision")).toString(), QStringLiteral("ask"));

        const Run rules = runGatehouse({QStringLiteral("rules"), QStringLiteral("--project"), project.path()});
        QCOMPARE(rules.exitCode, 1);
        QVERIFY(rules.err.contains(QStringLiteral("settings.json:3:")));
    }

    void rulesShowLayersAndFiles()
    {
        QTemporaryDir project;
        test::writeFile(qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/gatehouse/settings.json"),
                        R"j({"permissions": {"deny": ["Bash(curl *)"]}})j");
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")), R"j({"permissions": {"allow": ["Bash(make)"]}})j");
        const Run run = runGatehouse({QStringLiteral("rules"), QStringLiteral("--project"), project.path(), QStringLiteral("--ask"),
                                   QStringLiteral("Bash(npm publish)")});
        QCOMPARE(run.exitCode, 0);
        const QString out = QString::fromUtf8(run.out);
        QVERIFY2(out.contains(QStringLiteral("Bash(curl *)    [user: ")), qPrintable(out));
        QVERIFY(out.contains(QStringLiteral("Bash(npm publish)    [cli: command line]")));
        QVERIFY(out.contains(QStringLiteral("not trusted")));
        QVERIFY(out.contains(QStringLiteral("allow rule Bash(make) (folder not trusted)")));
        QFile::remove(qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/gatehouse/settings.json"));
    }

    void rulesShowRulesThatNeverMatch()
    {
        QTemporaryDir project;
        const Run run = runGatehouse({QStringLiteral("rules"), QStringLiteral("--project"), project.path(), QStringLiteral("--allow"),
                                      QStringLiteral("Bash(cd src && npm test)")});
        QCOMPARE(run.exitCode, 0);
        const QString out = QString::fromUtf8(run.out);
        QVERIFY2(out.contains(QStringLiteral("Bash(cd src && npm test)    [cli: command line] (never matches)")), qPrintable(out));
        QVERIFY2(run.err.contains(QStringLiteral("rule \"Bash(cd src && npm test)\" never matches")), qPrintable(run.err));
    }

    void containedCommandsRunWithoutAsking()
    {
        QTemporaryDir project;
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")),
                        "{\"sandbox\": {\"autoAllow\": true}, \"permissions\": {\"ask\": [\"Bash(npm publish *)\"]}}");
        const QByteArray input = "{\"tool\": \"Bash\", \"input\": {\"command\": \"python3 build.py\"}}\n"
                                 "{\"tool\": \"Bash\", \"input\": {\"command\": \"npm publish --tag x\"}}\n"
                                 "{\"tool\": \"Bash\", \"input\": {\"command\": \"rm -rf ~\"}}\n";
        const Run run = runGatehouse({QStringLiteral("check"), QStringLiteral("--project"), project.path(),
                                      QStringLiteral("--assume-trusted")},
                                     input);
        const auto answers = lines(run.out);
        QCOMPARE(answers.size(), 3);
        QCOMPARE(answers[0].value(QStringLiteral("decision")).toString(), QStringLiteral("allow"));
        QCOMPARE(answers[0].value(QStringLiteral("source")).toString(), QStringLiteral("sandbox"));
        QCOMPARE(answers[1].value(QStringLiteral("decision")).toString(), QStringLiteral("ask"));
        QCOMPARE(answers[2].value(QStringLiteral("decision")).toString(), QStringLiteral("ask"));

        // Without a usable bubblewrap, nothing is contained: it asks.
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GATEHOUSE_BWRAP"), QStringLiteral("/nonexistent/bwrap"));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(GATEHOUSE_BINARY), {QStringLiteral("check"), QStringLiteral("--project"), project.path(),
                                                         QStringLiteral("--assume-trusted")});
        process.write(input);
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(lines(process.readAllStandardOutput())[0].value(QStringLiteral("decision")).toString(), QStringLiteral("ask"));
    }

    void badArguments()
    {
        QCOMPARE(runGatehouse({QStringLiteral("check"), QStringLiteral("--mode"), QStringLiteral("yolo")}).exitCode, 2);
        QCOMPARE(runGatehouse({QStringLiteral("check"), QStringLiteral("--project"), QStringLiteral("/nonexistent/x")}).exitCode, 2);
        QCOMPARE(runGatehouse({QStringLiteral("check"), QStringLiteral("--bogus")}).exitCode, 2);
        QCOMPARE(runGatehouse({QStringLiteral("trust")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestVerbs)
#include "tst_verbs.moc"
