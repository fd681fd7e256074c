// SPDX-License-Identifier: GPL-3.0-or-later
// The Anthropic Messages API client against a fake server on loopback: the shared scenarios
// (httpscenarios.cpp) and what only this dialect has.
#include "agent/clients/anthropicclient.h"
#include "httpscenarios.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace gatehouse::agent;
using namespace gatehouse::test;

namespace {

QByteArray sseEvent(const QByteArray &name, const QByteArray &json)
{
    return "event: " + name + "\ndata: " + json + "\n\n";
}

const QByteArray MessageStart = sseEvent("message_start",
                                      R"({"type":"message_start","message":{"id":"m","model":"claude-x","content":[],)"
                                      R"("usage":{"input_tokens":7,"output_tokens":1}}})");
const QByteArray MessageEnd =
    sseEvent("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}})")
    + sseEvent("message_stop", R"({"type":"message_stop"})");

QByteArray toolBlock(const QByteArray &partialJson)
{
    return sseEvent("content_block_start", R"({"type":"content_block_start","index":0,"content_block":)"
                                        R"({"type":"tool_use","id":"toolu_x","name":"Glob","input":{}}})")
        + sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":)"
                                       R"({"type":"input_json_delta","partial_json":)"
                                           + QJsonDocument(QJsonArray{QString::fromUtf8(partialJson)})
                                                 .toJson(QJsonDocument::Compact)
                                                 .sliced(1)
                                                 .chopped(1)
                                           + "}}")
        + sseEvent("content_block_stop", R"({"type":"content_block_stop","index":0})");
}

} // namespace

class TestAnthropicClient : public HttpClientScenarios
{
    Q_OBJECT

public:
    TestAnthropicClient()
        : HttpClientScenarios(FakeModelServer::Dialect::Anthropic)
    {
    }

private Q_SLOTS:
    void requestShape();
    void displayName();
    void unknownBlocksAndCrlfAreHandled();
    void toolInput_data();
    void toolInput();
    void streamEndingEarlyIsConnectionLost();
    void errorEventBeforeContentIsRetried();
    void errorEventAfterContentFails();
    void endlessReplyIsGivenUp();
};

void TestAnthropicClient::requestShape()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.enqueue(FakeStep::text(QStringLiteral("ok")));
    auto client = makeClient(options(server.baseUrl(QStringLiteral("/gateway/anthropic/"))));
    ClientSpies spies(client.get());
    ModelRequest request = conversation();
    request.model = QStringLiteral("claude-special");
    client->send(request);
    QTRY_COMPARE_WITH_TIMEOUT(spies.finished.count(), 1, 10000);

    const RecordedRequest recorded = server.requests().value(0);
    QCOMPARE(recorded.method, QByteArray("POST"));
    QCOMPARE(recorded.path, QByteArray("/gateway/anthropic/v1/messages"));
    QCOMPARE(recorded.header("x-api-key"), QByteArray(Key));
    QCOMPARE(recorded.header("anthropic-version"), QByteArray("2023-06-01"));
    QCOMPARE(recorded.header("content-type"), QByteArray("application/json"));
    QCOMPARE(recorded.header("authorization"), QByteArray());

    const QJsonObject body = recorded.json;
    QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("claude-special"));
    QCOMPARE(body.value(QStringLiteral("max_tokens")).toInt(), 1000);
    QCOMPARE(body.value(QStringLiteral("stream")).toBool(), true);
    QCOMPARE(body.value(QStringLiteral("system")).toString(), QStringLiteral("You are a careful assistant."));
    const QJsonArray tools = body.value(QStringLiteral("tools")).toArray();
    QCOMPARE(tools.size(), 1);
    QCOMPARE(tools.at(0).toObject(), request.tools.at(0).toJson());
    QVERIFY(tools.at(0).toObject().contains(QStringLiteral("input_schema")));
    const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
    QCOMPARE(messages.size(), 3);
    const QJsonObject result = messages.at(2).toObject().value(QStringLiteral("content")).toArray().at(0).toObject();
    QCOMPARE(result.value(QStringLiteral("type")).toString(), QStringLiteral("tool_result"));
    QCOMPARE(result.value(QStringLiteral("tool_use_id")).toString(), QStringLiteral("toolu_1"));
    QCOMPARE(result.value(QStringLiteral("is_error")).toBool(), true);
    const QJsonObject use = messages.at(1).toObject().value(QStringLiteral("content")).toArray().at(1).toObject();
    QCOMPARE(use.value(QStringLiteral("input")).toObject().value(QStringLiteral("command")).toString(),
             QStringLiteral("rm -rf build"));

    // A request without a model of its own uses the configured one.
    server.enqueue(FakeStep::text(QStringLiteral("ok")));
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.finished.count(), 2, 10000);
    QCOMPARE(server.requests().value(1).json.value(QStringLiteral("model")).toString(), QStringLiteral("test-model"));
}

void TestAnthropicClient::displayName()
{
    HttpClientOptions opts = options(QUrl(QStringLiteral("https://api.anthropic.com")));
    QCOMPARE(AnthropicClient(opts).displayName(), QStringLiteral("test-model (Anthropic API)"));
    QCOMPARE(AnthropicClient(opts).kind(), QStringLiteral("anthropic"));
    opts.baseUrl = QUrl(QStringLiteral("https://gw.example/anthropic"));
    QCOMPARE(AnthropicClient(opts).displayName(), QStringLiteral("test-model via gw.example (Anthropic API)"));
    QCOMPARE(AnthropicClient(opts).endpoint(), QUrl(QStringLiteral("https://gw.example/anthropic/v1/messages")));
}

void TestAnthropicClient::unknownBlocksAndCrlfAreHandled()
{
    QByteArray stream = ": a comment the server sends to keep the line open\n" + MessageStart
        + sseEvent("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}})")
        + sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}})")
        + sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"abc"}})")
        + sseEvent("content_block_stop", R"({"type":"content_block_stop","index":0})")
        + sseEvent("content_block_start", R"({"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})")
        + sseEvent("ping", R"({"type":"ping"})")
        + sseEvent("content_block_delta", R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hello"}})")
        + sseEvent("content_block_delta", R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":", world"}})")
        + sseEvent("content_block_stop", R"({"type":"content_block_stop","index":1})")
        + sseEvent("some_future_event", R"({"type":"some_future_event"})") + MessageEnd;
    stream.replace("\n", "\r\n");
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.enqueue(FakeStep::rawStream(stream));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.failed.count(), 0);
    const ModelReply reply = spies.reply();
    QCOMPARE(reply.message.content.size(), 1);
    QCOMPARE(reply.message.text(), QStringLiteral("Hello, world"));
    QCOMPARE(spies.streamedText(), QStringLiteral("Hello, world"));
    QCOMPARE(reply.model, QStringLiteral("claude-x"));
    QCOMPARE(reply.usage.inputTokens, 7);
    QCOMPARE(reply.usage.outputTokens, 9);
    QCOMPARE(reply.stopReason, StopReason::EndTurn);
}

void TestAnthropicClient::toolInput_data()
{
    QTest::addColumn<QByteArray>("partialJson");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QJsonObject>("input");
    QTest::newRow("empty input is {}") << QByteArray() << true << QJsonObject();
    QTest::newRow("object") << QByteArray(R"({"pattern":"**/*.h"})") << true
                            << QJsonObject{{QStringLiteral("pattern"), QStringLiteral("**/*.h")}};
    QTest::newRow("cut short") << QByteArray(R"({"pattern": )") << false << QJsonObject();
    QTest::newRow("not an object") << QByteArray(R"([1,2])") << false << QJsonObject();
}

void TestAnthropicClient::toolInput()
{
    QFETCH(QByteArray, partialJson);
    QFETCH(bool, valid);
    QFETCH(QJsonObject, input);
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.enqueue(FakeStep::rawStream(MessageStart + toolBlock(partialJson) + MessageEnd));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.toolUse.count(), 1);
    if (!valid) {
        QCOMPARE(spies.failed.count(), 1);
        QCOMPARE(spies.error().kind, ModelError::Kind::BadResponse);
        QVERIFY2(spies.error().message.contains(QStringLiteral("toolu_x")), qPrintable(spies.error().message));
        return;
    }
    QCOMPARE(spies.finished.count(), 1);
    const QList<ContentBlock> uses = spies.reply().message.toolUses();
    QCOMPARE(uses.size(), 1);
    QCOMPARE(uses.at(0).name, QStringLiteral("Glob"));
    QCOMPARE(uses.at(0).input, input);
}

void TestAnthropicClient::streamEndingEarlyIsConnectionLost()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    const QByteArray whole = FakeModelServer::eventStream(m_dialect, FakeStep::text(QStringLiteral("Half a reply")));
    server.enqueue(FakeStep::rawStream(whole.left(whole.indexOf("event: message_stop"))));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.failed.count(), 1);
    QCOMPARE(spies.error().kind, ModelError::Kind::Network);
    QVERIFY2(spies.error().message.contains(QStringLiteral("message_stop")), qPrintable(spies.error().message));
}

void TestAnthropicClient::errorEventBeforeContentIsRetried()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.enqueue(FakeStep::rawStream(
        MessageStart + sseEvent("error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})")));
    server.enqueue(FakeStep::text(QStringLiteral("Second try.")));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.finished.count(), 1);
    QCOMPARE(spies.retrying.count(), 1);
    QCOMPARE(spies.streamedText(), QStringLiteral("Second try."));
}

void TestAnthropicClient::errorEventAfterContentFails()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.enqueue(FakeStep::rawStream(
        MessageStart
        + sseEvent("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})")
        + sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Par"}})")
        + sseEvent("error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})")));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.failed.count(), 1);
    QCOMPARE(spies.error().kind, ModelError::Kind::Overloaded);
    QCOMPARE(spies.retrying.count(), 0); // "Par" was shown; a retry would show it twice
    QCOMPARE(server.requests().size(), 1);
}

void TestAnthropicClient::endlessReplyIsGivenUp()
{
    // A server that streams without end (text, pings) must not grow the reply in memory without
    // bound, nor hold the run forever: past the limit the reply is given up, not retried.
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    QByteArray stream = MessageStart
        + sseEvent("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
    const QByteArray delta = sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":")"
                                                                 + QByteArray(100, 'x') + R"("}})");
    while (stream.size() < 1024 * 1024)
        stream += delta + sseEvent("ping", R"({"type":"ping"})");
    server.enqueue(FakeStep::rawStream(stream + MessageEnd));
    HttpClientOptions limited = options(server.baseUrl());
    limited.maxReplyBytes = 64 * 1024;
    auto client = makeClient(limited);
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.failed.count(), 1);
    QCOMPARE(spies.error().kind, ModelError::Kind::BadResponse);
    QVERIFY2(spies.error().message.contains(QStringLiteral("more than")), qPrintable(spies.error().message));
    QCOMPARE(spies.retrying.count(), 0);
    QCOMPARE(server.requests().size(), 1);
}

QTEST_GUILESS_MAIN(TestAnthropicClient)
#include "tst_anthropicclient.moc"
