// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpscenarios.h"

#include "agent/clients/anthropicclient.h"
#include "agent/clients/openaiclient.h"
#include "testenv.h"

#include <QJsonArray>
#include <QTcpServer>
#include <QTest>

using namespace gatehouse::agent;

namespace gatehouse::test {

namespace {

/// The URL of a loopback port nobody listens on.
QUrl closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost))
        qFatal("cannot listen on loopback");
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort()));
}

} // namespace

HttpClientScenarios::HttpClientScenarios(FakeModelServer::Dialect dialect)
    : m_dialect(dialect)
{
}

HttpClientOptions HttpClientScenarios::options(const QUrl &baseUrl) const
{
    HttpClientOptions options;
    options.baseUrl = baseUrl;
    options.model = QStringLiteral("test-model");
    options.apiKey = QString::fromLatin1(Key);
    options.apiKeyOrigin = QStringLiteral("the test");
    options.retry = RetryPolicy{3, 20, 5000};
    options.idleTimeoutMs = 20000;
    return options;
}

std::unique_ptr<HttpModelClient> HttpClientScenarios::makeClient(const HttpClientOptions &options) const
{
    if (m_dialect == FakeModelServer::Dialect::Anthropic)
        return std::make_unique<AnthropicClient>(options);
    return std::make_unique<OpenAiClient>(options);
}

ModelRequest HttpClientScenarios::conversation()
{
    ModelRequest request;
    request.system = QStringLiteral("You are a careful assistant.");
    request.maxTokens = 1000;
    request.messages = {Message::userText(QStringLiteral("Delete the build folder.")),
                        Message{Role::Assistant,
                                {ContentBlock::makeText(QStringLiteral("I will remove it.")),
                                 ContentBlock::makeToolUse(QStringLiteral("toolu_1"), QStringLiteral("Bash"),
                                                           {{QStringLiteral("command"), QStringLiteral("rm -rf build")}})}},
                        Message{Role::User,
                                {ContentBlock::makeToolResult(QStringLiteral("toolu_1"),
                                                              QStringLiteral("The person refused this command."), true)}}};
    request.tools = {ToolDefinition{QStringLiteral("Bash"), QStringLiteral("Runs a shell command."),
                                    QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}}};
    return request;
}

QByteArray HttpClientScenarios::errorBody(const QByteArray &type, const QString &message) const
{
    return FakeModelServer::errorBody(m_dialect, type, message);
}

void HttpClientScenarios::initTestCase()
{
    requireIsolatedEnvironment();
    qRegisterMetaType<ModelReply>();
    qRegisterMetaType<ModelError>();
}

void HttpClientScenarios::streamsTextAndToolCalls()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    const QString text = QStringLiteral("I'll read both files — «naïve» 🙂 first.");
    const QJsonObject grepInput{{QStringLiteral("pattern"), QStringLiteral("TODO\\(\"x\"\\)")},
                                {QStringLiteral("path"), QStringLiteral("src")},
                                {QStringLiteral("options"), QJsonObject{{QStringLiteral("context"), 3},
                                                                        {QStringLiteral("globs"), QJsonArray{QStringLiteral("*.cpp")}}}}};
    const QList<ContentBlock> blocks{
        ContentBlock::makeText(text),
        ContentBlock::makeToolUse(QStringLiteral("toolu_a"), QStringLiteral("Read"),
                                  {{QStringLiteral("file_path"), QStringLiteral("/p/a.txt")}}),
        ContentBlock::makeToolUse(QStringLiteral("toolu_b"), QStringLiteral("Grep"), grepInput)};
    server.enqueue(FakeStep::reply(blocks, StopReason::ToolUse, Usage{321, 54}));

    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QVERIFY(client->isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.failed.count(), 0);
    QVERIFY(!client->isBusy());

    const ModelReply reply = spies.reply();
    QCOMPARE(reply.message.role, Role::Assistant);
    QCOMPARE(reply.message.toJson(), (Message{Role::Assistant, blocks}.toJson()));
    QCOMPARE(reply.stopReason, StopReason::ToolUse);
    QCOMPARE(reply.usage.inputTokens, 321);
    QCOMPARE(reply.usage.outputTokens, 54);
    QCOMPARE(reply.model, QStringLiteral("fake-model"));
    QCOMPARE(spies.streamedText(), text);
    QVERIFY2(spies.text.count() >= 3, "the text arrives in several deltas");
    QCOMPARE(spies.toolUse.count(), 2);
    QCOMPARE(spies.toolUse.at(0), (QList<QVariant>{QStringLiteral("toolu_a"), QStringLiteral("Read")}));
    QCOMPARE(spies.toolUse.at(1), (QList<QVariant>{QStringLiteral("toolu_b"), QStringLiteral("Grep")}));
    QCOMPARE(server.requests().size(), 1);
}

void HttpClientScenarios::neverSignalsInsideSend()
{
    // A port with nobody behind it: the failure is immediate, the signal still is not.
    HttpClientOptions opts = options(closedPort());
    opts.retry.maxRetries = 0;
    auto client = makeClient(opts);
    ClientSpies spies(client.get());
    client->send(conversation());
    QCOMPARE(spies.outcomes(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(spies.failed.count(), 1, 10000);
    QCOMPARE(spies.error().kind, ModelError::Kind::Network);
    QVERIFY2(spies.error().message.contains(QStringLiteral("127.0.0.1")), qPrintable(spies.error().message));
}

void HttpClientScenarios::refusedKey_data()
{
    QTest::addColumn<QString>("serverMessage");
    QTest::newRow("plain") << QStringLiteral("invalid x-api-key");
    QTest::newRow("server echoes the key") << QStringLiteral("Incorrect API key provided: %1").arg(QString::fromLatin1(Key));
}

void HttpClientScenarios::refusedKey()
{
    QFETCH(QString, serverMessage);
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.error(401, errorBody("authentication_error", serverMessage));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.failed.count(), 1, 10000);
    const ModelError error = spies.error();
    QCOMPARE(error.kind, ModelError::Kind::Authentication);
    QCOMPARE(error.httpStatus, 401);
    QVERIFY2(error.message.contains(QStringLiteral("refused the API key")), qPrintable(error.message));
    QVERIFY2(error.message.contains(QStringLiteral("_API_KEY")), "says where to set the key");
    QVERIFY2(!error.message.contains(QString::fromLatin1(Key)), "the key itself is never shown");
    QCOMPARE(spies.retrying.count(), 0);
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(spies.finished.count(), 0);
}

void HttpClientScenarios::errorStatusesAreNotRetried_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<ModelError::Kind>("kind");
    QTest::newRow("403 permission") << 403 << QByteArray("permission_error") << ModelError::Kind::Permission;
    QTest::newRow("400 invalid") << 400 << QByteArray("invalid_request_error") << ModelError::Kind::InvalidRequest;
    QTest::newRow("404 not found") << 404 << QByteArray("not_found_error") << ModelError::Kind::InvalidRequest;
    QTest::newRow("413 too large") << 413 << QByteArray("request_too_large") << ModelError::Kind::InvalidRequest;
}

void HttpClientScenarios::errorStatusesAreNotRetried()
{
    QFETCH(int, status);
    QFETCH(QByteArray, type);
    QFETCH(ModelError::Kind, kind);
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.error(status, errorBody(type, QStringLiteral("messages.1: the server's own words")));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.failed.count(), 1, 10000);
    QCOMPARE(spies.error().kind, kind);
    QCOMPARE(spies.error().httpStatus, status);
    QVERIFY2(spies.error().message.contains(QStringLiteral("the server's own words")), qPrintable(spies.error().message));
    QCOMPARE(spies.retrying.count(), 0);
    QCOMPARE(server.requests().size(), 1);
}

void HttpClientScenarios::honoursRetryAfter()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.error(429, errorBody("rate_limit_error", QStringLiteral("slow down")), {{"retry-after", "1"}});
    server.enqueue(FakeStep::text(QStringLiteral("Back again.")));
    auto client = makeClient(options(server.baseUrl())); // its own first wait would be 20 ms
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 15000);
    QCOMPARE(spies.finished.count(), 1);
    QCOMPARE(spies.reply().message.text(), QStringLiteral("Back again."));
    QCOMPARE(spies.retrying.count(), 1);
    QCOMPARE(spies.retrying.at(0).at(0).toInt(), 1);
    QVERIFY(spies.retrying.at(0).at(1).toInt() >= 1000);
    QVERIFY2(spies.retrying.at(0).at(2).toString().contains(QStringLiteral("429")),
             qPrintable(spies.retrying.at(0).at(2).toString()));
    const QList<RecordedRequest> requests = server.requests();
    QCOMPARE(requests.size(), 2);
    // A lower bound only: the second request did not come before the server said.
    QVERIFY2(requests.at(1).arrivedMs - requests.at(0).arrivedMs >= 950,
             qPrintable(QString::number(requests.at(1).arrivedMs - requests.at(0).arrivedMs)));
    QCOMPARE(requests.at(1).body, requests.at(0).body);
}

void HttpClientScenarios::retriesOverloadThenSucceeds_data()
{
    QTest::addColumn<int>("status");
    QTest::newRow("529 overloaded") << 529;
    QTest::newRow("503 unavailable") << 503;
    QTest::newRow("500 server error") << 500;
    QTest::newRow("429 without retry-after") << 429;
}

void HttpClientScenarios::retriesOverloadThenSucceeds()
{
    QFETCH(int, status);
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.error(status, errorBody("overloaded_error", QStringLiteral("Overloaded")));
    server.error(status, errorBody("overloaded_error", QStringLiteral("Overloaded")));
    server.enqueue(FakeStep::text(QStringLiteral("Made it.")));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.finished.count(), 1);
    QCOMPARE(spies.reply().message.text(), QStringLiteral("Made it."));
    QCOMPARE(spies.retrying.count(), 2);
    QCOMPARE(spies.retrying.at(0).at(0).toInt(), 1);
    QCOMPARE(spies.retrying.at(1).at(0).toInt(), 2);
    QCOMPARE(server.requests().size(), 3);
}

void HttpClientScenarios::retriesRunOut_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<ModelError::Kind>("kind");
    QTest::newRow("529 -> overloaded") << 529 << ModelError::Kind::Overloaded;
    QTest::newRow("429 -> rate limited") << 429 << ModelError::Kind::RateLimited;
    QTest::newRow("502 -> server") << 502 << ModelError::Kind::Server;
}

void HttpClientScenarios::retriesRunOut()
{
    QFETCH(int, status);
    QFETCH(ModelError::Kind, kind);
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.setResponder([&](const RecordedRequest &) {
        return FakeStep::error(status, errorBody("overloaded_error", QStringLiteral("Overloaded")));
    });
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.failed.count(), 1);
    QCOMPARE(spies.error().kind, kind);
    QCOMPARE(spies.error().httpStatus, status);
    QVERIFY2(spies.error().message.contains(QStringLiteral("3 retries")), qPrintable(spies.error().message));
    QCOMPARE(spies.retrying.count(), 3);
    QCOMPARE(server.requests().size(), 4);
}

void HttpClientScenarios::droppedConnectionIsNetworkError()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.dropAfter(1500); // past the first text delta, before the end
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.failed.count(), 1);
    QCOMPARE(spies.error().kind, ModelError::Kind::Network);
    QVERIFY2(spies.error().message.contains(QStringLiteral("connection")), qPrintable(spies.error().message));
    QVERIFY2(spies.text.count() > 0, "some text had streamed before the drop");
    QCOMPARE(spies.retrying.count(), 0); // streamed text cannot be taken back: no silent retry
    QCOMPARE(server.requests().size(), 1);
}

void HttpClientScenarios::connectionRefusedIsRetriedThenReported()
{
    HttpClientOptions opts = options(closedPort());
    opts.retry.maxRetries = 2;
    auto client = makeClient(opts);
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.failed.count(), 1, 10000);
    QCOMPARE(spies.error().kind, ModelError::Kind::Network);
    QCOMPARE(spies.retrying.count(), 2);
    QCOMPARE(spies.finished.count(), 0);
}

void HttpClientScenarios::reusesTheConnection()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.enqueue(FakeStep::text(QStringLiteral("One.")));
    server.enqueue(FakeStep::text(QStringLiteral("Two.")));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.finished.count(), 1, 10000);
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.finished.count(), 2, 10000);
    QCOMPARE(spies.reply(1).message.text(), QStringLiteral("Two."));
    const QList<RecordedRequest> requests = server.requests();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.at(1).connection, requests.at(0).connection); // kept alive and used again
}

} // namespace gatehouse::test
