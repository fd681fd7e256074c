// SPDX-License-Identifier: GPL-3.0-or-later
// The shared scenarios of giving up on a request: the idle timeout and cancel() at each stage.
#include "httpscenarios.h"

#include <QTest>

using namespace gatehouse::agent;

namespace gatehouse::test {

void HttpClientScenarios::idleTimeout()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.stall();
    HttpClientOptions opts = options(server.baseUrl());
    opts.idleTimeoutMs = 300;
    auto client = makeClient(opts);
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.outcomes(), 1, 10000);
    QCOMPARE(spies.failed.count(), 1);
    QCOMPARE(spies.error().kind, ModelError::Kind::Network);
    QVERIFY2(spies.error().message.contains(QStringLiteral("0.3 s")), qPrintable(spies.error().message));
    QTRY_COMPARE_WITH_TIMEOUT(server.clientAborts(), 1, 10000);
}

void HttpClientScenarios::cancelMidStream()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.stall();
    server.enqueue(FakeStep::text(QStringLiteral("After the cancel.")));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_VERIFY_WITH_TIMEOUT(spies.text.count() > 0, 10000);
    client->cancel();
    QCOMPARE(spies.outcomes(), 0); // not inside cancel()
    QVERIFY(client->isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(spies.failed.count(), 1, 10000);
    QCOMPARE(spies.error().kind, ModelError::Kind::Cancelled);
    QVERIFY(!client->isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(server.clientAborts(), 1, 10000);
    client->cancel(); // idle: nothing

    // The client is usable again, and the cancelled request never reports anything more.
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.finished.count(), 1, 10000);
    QCOMPARE(spies.reply().message.text(), QStringLiteral("After the cancel."));
    QCOMPARE(spies.failed.count(), 1);
}

void HttpClientScenarios::cancelDuringRetryWait()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.error(529, errorBody("overloaded_error", QStringLiteral("Overloaded")), {{"retry-after", "30"}});
    server.enqueue(FakeStep::text(QStringLiteral("Fresh start.")));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.retrying.count(), 1, 10000);
    QVERIFY(spies.retrying.at(0).at(1).toInt() >= 5000); // capped at maxDelayMs, still long
    client->cancel();
    QTRY_COMPARE_WITH_TIMEOUT(spies.failed.count(), 1, 5000);
    QCOMPARE(spies.error().kind, ModelError::Kind::Cancelled);

    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.finished.count(), 1, 10000);
    QCOMPARE(spies.reply().message.text(), QStringLiteral("Fresh start."));
    QCOMPARE(server.requests().size(), 2); // the wait was not followed by a retry
    QCOMPARE(spies.failed.count(), 1);
}

void HttpClientScenarios::cancelBeforeAnswer()
{
    FakeModelServer server(m_dialect);
    QVERIFY(server.isListening());
    server.enqueue(FakeStep::text(QStringLiteral("Too late.")));
    server.enqueue(FakeStep::text(QStringLiteral("Second.")));
    auto client = makeClient(options(server.baseUrl()));
    ClientSpies spies(client.get());
    client->send(conversation());
    client->cancel();
    client->cancel();
    QCOMPARE(spies.outcomes(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(spies.failed.count(), 1, 10000);
    QCOMPARE(spies.error().kind, ModelError::Kind::Cancelled);
    client->send(conversation());
    QTRY_COMPARE_WITH_TIMEOUT(spies.finished.count(), 1, 10000);
    QCOMPARE(spies.failed.count(), 1);
    QCOMPARE(spies.text.count() > 0, true);
}

} // namespace gatehouse::test
