// SPDX-License-Identifier: GPL-3.0-or-later
// `gatehouse -p --replay FILE`: a scripted model conversation through the same gate, for demos
// and tests, labelled as a replay wherever it shows.
#include "headlesssupport.h"
#include "testenv.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::test;

namespace {

HeadlessRun replay(const QString &project, const QByteArray &script, const QStringList &arguments = {})
{
    const QString file = project + QStringLiteral("-script.jsonl");
    writeFile(file, script);
    return runGatehouse(QStringList{QStringLiteral("-p"), QStringLiteral("Run the script."), QStringLiteral("--project"), project,
                                    QStringLiteral("--replay"), file, QStringLiteral("--output-format"), QStringLiteral("stream-json")}
                            + arguments,
                        QProcessEnvironment::systemEnvironment());
}

QList<QJsonObject> ofType(const HeadlessRun &run, const QString &type)
{
    QList<QJsonObject> found;
    for (const QJsonObject &line : run.lines()) {
        if (line.value(QStringLiteral("type")).toString() == type)
            found.append(line);
    }
    return found;
}

} // namespace

class TestReplay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { requireIsolatedEnvironment(); }

    void readAndEdit()
    {
        const QString project = makeProject(QStringLiteral("replay-edit"), {{QStringLiteral("notes.md"), "# Todo\n- old item\n"}});
        const HeadlessRun run = replay(project, R"(# a scripted session
{"content":[{"type":"text","text":"Let me look."},{"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"notes.md"}}]}
{"content":[{"type":"tool_use","id":"t2","name":"Edit","input":{"file_path":"notes.md","old_string":"- old item","new_string":"- new item"}}]}
{"content":[{"type":"text","text":"Updated the list."}]}
)",
                                        {QStringLiteral("--mode"), QStringLiteral("acceptEdits")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
        QFile notes(project + QStringLiteral("/notes.md"));
        QVERIFY(notes.open(QIODevice::ReadOnly));
        QCOMPARE(notes.readAll(), QByteArray("# Todo\n- new item\n"));
        // Labelled as a replay from the first line on.
        const QJsonObject init = ofType(run, QStringLiteral("system")).value(0);
        QCOMPARE(init.value(QStringLiteral("client")).toString(), QStringLiteral("replay"));
        QVERIFY(init.value(QStringLiteral("model")).toString().contains(QStringLiteral("Replay")));
        QCOMPARE(ofType(run, QStringLiteral("decision")).size(), 2);
        QCOMPARE(run.result().value(QStringLiteral("result")).toString(), QStringLiteral("Updated the list."));
    }

    void deniedCommandAndSeveralCalls()
    {
        const QString project = makeProject(QStringLiteral("replay-deny"), {{QStringLiteral("a.txt"), "A\n"}});
        const HeadlessRun run = replay(project, R"({"content":[{"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"a.txt"}},{"type":"tool_use","id":"t2","name":"Bash","input":{"command":"git push --force"}},{"type":"tool_use","id":"t3","name":"Glob","input":{"pattern":"*.txt"}}]}
{"content":[{"type":"text","text":"Pushing was refused."}]}
)",
                                        {QStringLiteral("--deny"), QStringLiteral("Bash(git push *)")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
        const QList<QJsonObject> results = ofType(run, QStringLiteral("tool_result"));
        QCOMPARE(results.size(), 3);
        QCOMPARE(results.at(0).value(QStringLiteral("toolUseId")).toString(), QStringLiteral("t1"));
        QCOMPARE(results.at(1).value(QStringLiteral("executed")).toBool(), false);
        QCOMPARE(results.at(2).value(QStringLiteral("isError")).toBool(), false);
        const QJsonArray denied = run.result().value(QStringLiteral("denied")).toArray();
        QCOMPARE(denied.size(), 1);
        QCOMPARE(denied.first().toObject().value(QStringLiteral("rule")).toString(), QStringLiteral("Bash(git push *)"));
    }

    // Headless: what a command wrote that the sandbox held is discarded (nobody can answer) and
    // listed; what it wrote besides lands.
    void heldChangesAreDiscardedAndListed()
    {
        // The script's writes are out of the policy's sight (it cannot see into make.sh): only the
        // sandbox stands between them and the project.
        const QString project = makeProject(QStringLiteral("replay-held"),
                                            {{QStringLiteral("make.sh"), "echo B > b.txt; mkdir -p sub/.vscode; echo '{}' > sub/.vscode/tasks.json\n"}});
        const HeadlessRun run = replay(project, R"({"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"sh make.sh"}}]}
{"content":[{"type":"text","text":"Done."}]}
)",
                                        {QStringLiteral("--allow"), QStringLiteral("Bash(sh make.sh)")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
        QCOMPARE(ofType(run, QStringLiteral("tool_result")).first().value(QStringLiteral("executed")).toBool(), true);
        QFile landed(project + QStringLiteral("/b.txt"));
        QVERIFY(landed.open(QIODevice::ReadOnly));
        QCOMPARE(landed.readAll(), QByteArray("B\n"));
        QVERIFY(!QFile::exists(project + QStringLiteral("/sub/.vscode/tasks.json")));
        const QJsonArray held = run.result().value(QStringLiteral("held")).toArray();
        QCOMPARE(held.size(), 1);
        QCOMPARE(held.first().toObject().value(QStringLiteral("path")).toString(), project + QStringLiteral("/sub/.vscode"));
        QVERIFY(held.first().toObject().value(QStringLiteral("reason")).toString().contains(QStringLiteral(".vscode is protected")));
    }

    void exhaustedScriptIsAFailure()
    {
        const QString project = makeProject(QStringLiteral("replay-end"), {{QStringLiteral("a.txt"), "A\n"}});
        const HeadlessRun run = replay(project, R"({"content":[{"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"a.txt"}}]}
)");
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.result().value(QStringLiteral("message")).toString().contains(QStringLiteral("no more turns")),
                 qPrintable(run.out));
    }
};

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
