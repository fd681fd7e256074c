// SPDX-License-Identifier: GPL-3.0-or-later
// The replay client: a scripted conversation played from a file, labelled as such.
#include "agent/clients/modelconfig.h"
#include "agent/clients/replayclient.h"
#include "testenv.h"

#include <QSignalSpy>
#include <QTest>

using namespace gatehouse::agent;

namespace {

const QByteArray Script = R"(# A demo: one tool call, then an answer.
{"content":[{"type":"text","text":"Let me read the file first."},{"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"a.txt"}}],"stop_reason":"tool_use","usage":{"input_tokens":5,"output_tokens":6}}

{"error":{"kind":"rate-limited","message":"Scripted rate limit."}}
{"content":[{"type":"text","text":"The file says hello."}]}
)";

QString writeScript(const QString &name, const QByteArray &contents)
{
    const QString path = gatehouse::test::scratchRoot() + QStringLiteral("/replay/") + name;
    gatehouse::test::writeFile(path, contents);
    return path;
}

ModelRequest ask(const QString &text)
{
    ModelRequest request;
    request.messages = {Message::userText(text)};
    return request;
}

} // namespace

class TestReplayClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        gatehouse::test::requireIsolatedEnvironment();
        qRegisterMetaType<ModelReply>();
        qRegisterMetaType<ModelError>();
    }
    void playsTheScript();
    void checksThatToolUsesAreAnswered();
    void cancelWhilePlaying();
    void badFiles_data();
    void badFiles();
    void createdFromConfig();
};

void TestReplayClient::playsTheScript()
{
    ReplayClient client(writeScript(QStringLiteral("demo.jsonl"), Script));
    QCOMPARE(client.kind(), QStringLiteral("replay"));
    QCOMPARE(client.displayName(), QStringLiteral("Replay of demo.jsonl (scripted, not a model)"));
    QCOMPARE(client.loadError(), QString());
    QCOMPARE(client.turnCount(), 3);
    QSignalSpy finished(&client, &ModelClient::replyFinished);
    QSignalSpy failed(&client, &ModelClient::replyFailed);
    QSignalSpy text(&client, &ModelClient::textDelta);
    QSignalSpy tools(&client, &ModelClient::toolUseStarted);

    client.send(ask(QStringLiteral("What is in a.txt?")));
    QVERIFY(client.isBusy());
    QCOMPARE(text.count(), 0); // nothing inside send()
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    QVERIFY(!client.isBusy());
    QVERIFY2(text.count() >= 2, "the text streams in pieces");
    QString streamed;
    for (const auto &arguments : std::as_const(text))
        streamed += arguments.at(0).toString();
    QCOMPARE(streamed, QStringLiteral("Let me read the file first."));
    QCOMPARE(tools.count(), 1);
    QCOMPARE(tools.at(0), (QList<QVariant>{QStringLiteral("t1"), QStringLiteral("Read")}));
    const ModelReply reply = finished.at(0).at(0).value<ModelReply>();
    QCOMPARE(reply.stopReason, StopReason::ToolUse);
    QCOMPARE(reply.usage.inputTokens, 5);
    QCOMPARE(reply.message.toolUses().value(0).input.value(QStringLiteral("file_path")).toString(), QStringLiteral("a.txt"));

    ModelRequest next = ask(QStringLiteral("What is in a.txt?"));
    next.messages.append(reply.message);
    next.messages.append(Message{Role::User, {ContentBlock::makeToolResult(QStringLiteral("t1"), QStringLiteral("hello"), false)}});
    client.send(next);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
    const ModelError error = failed.at(0).at(0).value<ModelError>();
    QCOMPARE(error.kind, ModelError::Kind::RateLimited);
    QCOMPARE(error.message, QStringLiteral("Scripted rate limit."));

    client.send(next); // the same request again, as the agent would after a failure
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
    QCOMPARE(finished.at(1).at(0).value<ModelReply>().message.text(), QStringLiteral("The file says hello."));
    QCOMPARE(finished.at(1).at(0).value<ModelReply>().stopReason, StopReason::EndTurn);

    client.send(ask(QStringLiteral("More?")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, 5000);
    QCOMPARE(failed.at(1).at(0).value<ModelError>().kind, ModelError::Kind::BadResponse);
    QVERIFY2(failed.at(1).at(0).value<ModelError>().message.contains(QStringLiteral("demo.jsonl has no more turns")),
             qPrintable(failed.at(1).at(0).value<ModelError>().message));
    QCOMPARE(finished.count(), 2);
}

void TestReplayClient::checksThatToolUsesAreAnswered()
{
    ReplayClient client(writeScript(QStringLiteral("tools.jsonl"), Script));
    QSignalSpy finished(&client, &ModelClient::replyFinished);
    QSignalSpy failed(&client, &ModelClient::replyFailed);
    client.send(ask(QStringLiteral("Go")));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    client.send(ask(QStringLiteral("I forgot the tool result")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
    const ModelError error = failed.at(0).at(0).value<ModelError>();
    QCOMPARE(error.kind, ModelError::Kind::InvalidRequest);
    QVERIFY2(error.message.contains(QStringLiteral("tool_use t1")), qPrintable(error.message));
    QCOMPARE(client.turnsPlayed(), 1); // the failed request used no turn
}

void TestReplayClient::cancelWhilePlaying()
{
    ReplayClient client(writeScript(QStringLiteral("cancel.jsonl"), Script));
    QSignalSpy finished(&client, &ModelClient::replyFinished);
    QSignalSpy failed(&client, &ModelClient::replyFailed);
    QSignalSpy text(&client, &ModelClient::textDelta);
    connect(&client, &ModelClient::textDelta, &client, [&client] { client.cancel(); });
    client.send(ask(QStringLiteral("Go")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
    QCOMPARE(failed.at(0).at(0).value<ModelError>().kind, ModelError::Kind::Cancelled);
    QCOMPARE(text.count(), 1);
    QCOMPARE(finished.count(), 0);
    QVERIFY(!client.isBusy());
    client.cancel(); // idle: nothing
    QCOMPARE(failed.count(), 1);
}

void TestReplayClient::badFiles_data()
{
    QTest::addColumn<QByteArray>("contents");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not JSON") << QByteArray("# fine\n\n{\"content\":[]}\n{oops\n") << QStringLiteral("line 4: not a JSON object");
    QTest::newRow("unknown kind") << QByteArray("{\"error\":{\"kind\":\"sleepy\"}}") << QStringLiteral("line 1: unknown error kind \"sleepy\"");
    QTest::newRow("no content") << QByteArray("{\"text\":\"hi\"}") << QStringLiteral("line 1: a turn needs a \"content\" list");
    QTest::newRow("tool_use without id") << QByteArray("\n{\"content\":[{\"type\":\"tool_use\",\"name\":\"Read\"}]}")
                                         << QStringLiteral("line 2: a tool_use block without id or name");
    QTest::newRow("tool_result") << QByteArray("{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"x\"}]}")
                                 << QStringLiteral("line 1: a model's reply cannot hold a tool_result block");
    QTest::newRow("stop reason") << QByteArray("{\"content\":[],\"stop_reason\":\"sleep\"}") << QStringLiteral("line 1: unknown stop_reason");
    QTest::newRow("empty") << QByteArray("# nothing\n\n") << QStringLiteral("has no turns");
}

void TestReplayClient::badFiles()
{
    QFETCH(QByteArray, contents);
    QFETCH(QString, expected);
    const QString path = writeScript(QStringLiteral("bad.jsonl"), contents);
    const auto parsed = ReplayClient::loadScript(path);
    QVERIFY(!parsed);
    QVERIFY2(parsed.error().message.contains(expected), qPrintable(parsed.error().message));
    QVERIFY2(parsed.error().message.contains(QStringLiteral("bad.jsonl")), qPrintable(parsed.error().message));

    ReplayClient client(path);
    QSignalSpy failed(&client, &ModelClient::replyFailed);
    client.send(ask(QStringLiteral("Go")));
    QCOMPARE(failed.count(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
    QCOMPARE(failed.at(0).at(0).value<ModelError>().kind, ModelError::Kind::BadResponse);
    QVERIFY(failed.at(0).at(0).value<ModelError>().message.contains(expected));
}

void TestReplayClient::createdFromConfig()
{
    ModelConfigSources sources;
    sources.cliReplayFile = writeScript(QStringLiteral("config.jsonl"), Script);
    const auto config = resolveModelConfig(sources);
    QVERIFY2(config, qPrintable(config ? QString() : config.error().message));
    QCOMPARE(config->provider, ModelConfig::Provider::Replay);
    QVERIFY(!needsKeychainKey(*config));
    const auto client = createModelClient(*config);
    QCOMPARE(client->kind(), QStringLiteral("replay"));
    QVERIFY(client->displayName().contains(QStringLiteral("not a model")));

    sources.cliReplayFile = gatehouse::test::scratchRoot() + QStringLiteral("/replay/missing.jsonl");
    const auto missing = resolveModelConfig(sources);
    QVERIFY(!missing);
    QVERIFY2(missing.error().message.contains(QStringLiteral("missing.jsonl")), qPrintable(missing.error().message));
}

QTEST_GUILESS_MAIN(TestReplayClient)
#include "tst_replayclient.moc"
