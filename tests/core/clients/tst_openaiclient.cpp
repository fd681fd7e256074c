// SPDX-License-Identifier: GPL-3.0-or-later
// The OpenAI-compatible chat-completions client against a fake server on loopback: the shared
// scenarios (httpscenarios.cpp), the translation of the conversation, and this dialect's streams.
#include "agent/clients/openaiclient.h"
#include "httpscenarios.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace gatehouse::agent;
using namespace gatehouse::test;

class TestOpenAiClient : public HttpClientScenarios
{
    Q_OBJECT

public:
    TestOpenAiClient()
        : HttpClientScenarios(FakeModelServer::Dialect::OpenAi)
    {
    }

private Q_SLOTS:
    void requestShape();
    void conversationWithToolResults();
    void endpointAndName_data();
    void endpointAndName();
    void noKeyNoAuthorization();
    void serverQuirks();
    void invalidArguments();
    void streamEndingEarlyIsConnectionLost();
};

void TestOpenAiClient::requestShape()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.enqueue(FakeStep::text(QStringLiteral("ok")));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.finished.count(), 1, 10000);

    const RecordedRequest recorded = server.requests().value(0);
    QCOMPARE(recorded.path, QByteArray("/v1/chat/completions"));
    QCOMPARE(recorded.header("authorization"), QByteArray("Bearer ") + Key);
    QCOMPARE(recorded.header("x-api-key"), QByteArray());
    const QJsonObject body = recorded.json;
    QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("test-model"));
    QCOMPARE(body.value(QStringLiteral("stream")).toBool(), true);
    QCOMPARE(body.value(QStringLiteral("max_tokens")).toInt(), 1000);
    const QJsonArray tools = body.value(QStringLiteral("tools")).toArray();
    QCOMPARE(tools.size(), 1);
    const QJsonObject expectedTool{
        {QStringLiteral("type"), QStringLiteral("function")},
        {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Bash")},
                                                 {QStringLiteral("description"), QStringLiteral("Runs a shell command.")},
                                                 {QStringLiteral("parameters"),
                                                  QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}}}}};
    QCOMPARE(tools.at(0).toObject(), expectedTool);
    QCOMPARE(spies.reply().usage.inputTokens, 12);
    QCOMPARE(spies.reply().usage.outputTokens, 34);
}

void TestOpenAiClient::conversationWithToolResults()
{
    ModelRequest request = conversation();
    // A second round: two calls, one answered by an error; then the person adds a remark.
    request.messages.append(Message{
        Role::Assistant,
        {ContentBlock::makeToolUse(QStringLiteral("call_2"), QStringLiteral("Read"), {{QStringLiteral("file_path"), QStringLiteral("a")}}),
         ContentBlock::makeToolUse(QStringLiteral("call_3"), QStringLiteral("Read"), {})}});
    request.messages.append(Message{Role::User,
                                    {ContentBlock::makeToolResult(QStringLiteral("call_2"), QStringLiteral("alpha"), false),
                                     ContentBlock::makeToolResult(QStringLiteral("call_3"), QStringLiteral("no such file"), true),
                                     ContentBlock::makeText(QStringLiteral("Also check b."))}});
    const QJsonArray messages = OpenAiClient(options(QUrl(QStringLiteral("http://localhost:11434"))))
                                    .requestJson(request)
                                    .value(QStringLiteral("messages"))
                                    .toArray();
    const QByteArray expected = R"([
        {"role":"system","content":"You are a careful assistant."},
        {"role":"user","content":"Delete the build folder."},
        {"role":"assistant","content":"I will remove it.","tool_calls":[
            {"id":"toolu_1","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"rm -rf build\"}"}}]},
        {"role":"tool","tool_call_id":"toolu_1","content":"Error: The person refused this command."},
        {"role":"assistant","content":null,"tool_calls":[
            {"id":"call_2","type":"function","function":{"name":"Read","arguments":"{\"file_path\":\"a\"}"}},
            {"id":"call_3","type":"function","function":{"name":"Read","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"call_2","content":"alpha"},
        {"role":"tool","tool_call_id":"call_3","content":"Error: no such file"},
        {"role":"user","content":"Also check b."}
    ])";
    QCOMPARE(messages, QJsonDocument::fromJson(expected).array());
}

void TestOpenAiClient::endpointAndName_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<QString>("name");
    QTest::newRow("host only") << QStringLiteral("http://localhost:11434") << QStringLiteral("http://localhost:11434/v1/chat/completions")
                               << QStringLiteral("test-model on localhost:11434 (OpenAI-compatible server)");
    QTest::newRow("ends in /v1") << QStringLiteral("http://127.0.0.1:8080/v1/") << QStringLiteral("http://127.0.0.1:8080/v1/chat/completions")
                                 << QStringLiteral("test-model on 127.0.0.1:8080 (OpenAI-compatible server)");
    QTest::newRow("gateway path") << QStringLiteral("https://gw.example/openai") << QStringLiteral("https://gw.example/openai/v1/chat/completions")
                                  << QStringLiteral("test-model on gw.example (OpenAI-compatible server)");
}

void TestOpenAiClient::endpointAndName()
{
    QFETCH(QString, base);
    QFETCH(QString, endpoint);
    QFETCH(QString, name);
    const OpenAiClient client(options(QUrl(base)));
    QCOMPARE(client.endpoint(), QUrl(endpoint));
    QCOMPARE(client.displayName(), name);
    QCOMPARE(client.kind(), QStringLiteral("openai"));
}

void TestOpenAiClient::noKeyNoAuthorization()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.enqueue(FakeStep::text(QStringLiteral("local")));
    HttpClientOptions opts = options(server.baseUrl(QStringLiteral("/v1")));
    opts.apiKey.clear();
    auto client = makeClient(opts);
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.finished.count(), 1, 10000);
    QCOMPARE(server.requests().value(0).path, QByteArray("/v1/chat/completions"));
    QCOMPARE(server.requests().value(0).header("authorization"), QByteArray());
}

void TestOpenAiClient::serverQuirks()
{
    // Ollama-like: no ids, arguments as an object, "stop" despite the call, no [DONE] at the end.
    const QByteArray stream =
        R"(data: {"model":"llama","choices":[{"index":0,"delta":{"role":"assistant","content":"Looking"}}]})" "\n\n"
        R"(data: {"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"name":"Glob","arguments":{"pattern":"*.md"}}}]}}]})" "\n\n"
        R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})" "\n\n";
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.enqueue(FakeStep::rawStream(stream));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.failed.count(), 0);
    const ModelReply reply = spies.reply();
    QCOMPARE(reply.model, QStringLiteral("llama"));
    QCOMPARE(reply.stopReason, StopReason::ToolUse);
    QCOMPARE(reply.message.text(), QStringLiteral("Looking"));
    const QList<ContentBlock> uses = reply.message.toolUses();
    QCOMPARE(uses.size(), 1);
    QVERIFY(!uses.at(0).id.isEmpty());
    QCOMPARE(uses.at(0).input, (QJsonObject{{QStringLiteral("pattern"), QStringLiteral("*.md")}}));
    QCOMPARE(spies.toolUse.count(), 1);
    QCOMPARE(spies.toolUse.at(0).at(0).toString(), uses.at(0).id);
}

void TestOpenAiClient::invalidArguments()
{
    const QByteArray stream =
        R"(data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"Glob","arguments":"{\"pat"}}]}}]})" "\n\n"
        R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})" "\n\n"
        "data: [DONE]\n\n";
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.enqueue(FakeStep::rawStream(stream));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.failed.count(), 1);
    QCOMPARE(spies.error().kind, ModelError::Kind::BadResponse);
    QVERIFY2(spies.error().message.contains(QStringLiteral("c1")), qPrintable(spies.error().message));
}

void TestOpenAiClient::streamEndingEarlyIsConnectionLost()
{
    const QByteArray whole = FakeModelServer::eventStream(m_dialect, FakeStep::text(QStringLiteral("Half a reply")));
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.enqueue(FakeStep::rawStream(whole.left(whole.indexOf("\"finish_reason\":\"stop\"") - 60)));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.failed.count(), 1);
    QCOMPARE(spies.error().kind, ModelError::Kind::Network);
}

QTEST_GUILESS_MAIN(TestOpenAiClient)
#include "tst_openaiclient.moc"
