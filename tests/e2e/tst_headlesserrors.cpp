// SPDX-License-Identifier: GPL-3.0-or-later
// `gatehouse -p` when the model's server misbehaves or the person stops it: the run says what
// happened, exits non-zero, keeps the conversation, and never shows the key.
#include "headlesssupport.h"
#include "testenv.h"

#include "secrets/credentialstore.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace gatehouse;
using namespace gatehouse::test;
using Dialect = FakeModelServer::Dialect;

class TestHeadlessErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { requireIsolatedEnvironment(); }


    void wrongKey_data() { addDialectRows(); }
    void wrongKey()
    {
        QFETCH(bool, openAi);
        const Dialect dialect = fetchDialect(openAi);
        const QString project = makeProject(QStringLiteral("401"), {{QStringLiteral("README"), "x\n"}});
        FakeModelServer server(dialect);
        QVERIFY(server.isListening());
        server.error(401, FakeModelServer::errorBody(dialect, "authentication_error", QStringLiteral("invalid x-api-key")));
        const HeadlessRun run = headless(server, project, QStringLiteral("Hello"));
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(server.requests().size(), 1); // a wrong key is not tried again
        const QJsonObject result = run.result();
        QCOMPARE(result.value(QStringLiteral("subtype")).toString(), QStringLiteral("model-failed"));
        QVERIFY2(result.value(QStringLiteral("message")).toString().contains(QStringLiteral("key"), Qt::CaseInsensitive),
                 qPrintable(run.out));
        QVERIFY(!QString(run.out + run.err).contains(QStringLiteral("e2e-key-0123456789")));
    }

    void rateLimitAndOverloadAreRetried_data() { addDialectRows(); }
    void rateLimitAndOverloadAreRetried()
    {
        QFETCH(bool, openAi);
        const Dialect dialect = fetchDialect(openAi);
        const QString project = makeProject(QStringLiteral("429"), {{QStringLiteral("README"), "x\n"}});
        FakeModelServer server(dialect);
        QVERIFY(server.isListening());
        server.error(429, FakeModelServer::errorBody(dialect, "rate_limit_error", QStringLiteral("slow down")),
                     {{"retry-after", "1"}});
        server.error(529, FakeModelServer::errorBody(dialect, "overloaded_error", QStringLiteral("overloaded")),
                     {{"retry-after", "0"}});
        server.reply({agent::ContentBlock::makeText(QStringLiteral("Third time lucky."))});
        const HeadlessRun run = headless(server, project, QStringLiteral("Hello"));
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(run.result().value(QStringLiteral("result")).toString(), QStringLiteral("Third time lucky."));
        const QList<RecordedRequest> requests = server.requests();
        QCOMPARE(requests.size(), 3);
        // retry-after: 1 was honoured (a lower bound, not a benchmark).
        QVERIFY2(requests.at(1).arrivedMs - requests.at(0).arrivedMs >= 950,
                 qPrintable(QString::number(requests.at(1).arrivedMs - requests.at(0).arrivedMs)));
        // The person was told why it waited.
        QVERIFY2(run.err.contains(QStringLiteral("trying again")), qPrintable(run.err));
    }

    void droppedConnectionKeepsTheConversation_data() { addDialectRows(); }
    void droppedConnectionKeepsTheConversation()
    {
        QFETCH(bool, openAi);
        const Dialect dialect = fetchDialect(openAi);
        const QString project = makeProject(QStringLiteral("drop"), {{QStringLiteral("README"), "x\n"}});
        FakeModelServer server(dialect);
        QVERIFY(server.isListening());
        server.dropAfter(120);
        const HeadlessRun run = headless(server, project, QStringLiteral("Tell me a long story."));
        QCOMPARE(run.exitCode, 1);
        const QJsonObject result = run.result();
        QCOMPARE(result.value(QStringLiteral("subtype")).toString(), QStringLiteral("model-failed"));
        const QString session = result.value(QStringLiteral("session_id")).toString();
        QVERIFY(!session.isEmpty());

        // The prompt was kept: resuming sends it again with the next one.
        server.reply({agent::ContentBlock::makeText(QStringLiteral("Once upon a time."))});
        const HeadlessRun again = headless(server, project, QStringLiteral("Go on."), {QStringLiteral("--resume"), session});
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        const QString body = QString::fromUtf8(server.requests().last().body);
        QVERIFY(body.contains(QStringLiteral("Tell me a long story.")));
        QVERIFY(body.contains(QStringLiteral("Go on.")));
    }

    void interruptMidStream_data() { addDialectRows(); }
    void interruptMidStream()
    {
        QFETCH(bool, openAi);
        const Dialect dialect = fetchDialect(openAi);
        const QString project = makeProject(QStringLiteral("cancel"), {{QStringLiteral("README"), "x\n"}});
        FakeModelServer server(dialect);
        QVERIFY(server.isListening());
        server.stall();
        QSignalSpy closed(&server, &FakeModelServer::clientClosedConnection);
        const HeadlessRun run = runGatehouse(
            {QStringLiteral("-p"), QStringLiteral("Write forever."), QStringLiteral("--project"), project,
             QStringLiteral("--output-format"), QStringLiteral("json")},
            modelEnvironment(server), [&server](qint64 pid) {
                // Once the stream is flowing, the person presses Ctrl-C.
                QVERIFY(server.waitForRequests(1, 60000));
                QTest::qWait(200);
                ::kill(static_cast<pid_t>(pid), SIGINT);
            });
        QCOMPARE(run.exitCode, 130);
        QCOMPARE(run.result().value(QStringLiteral("subtype")).toString(), QStringLiteral("cancelled"));
        QTRY_VERIFY(server.clientAborts() >= 1);
    }

    void keyFromTheKeychain()
    {
        // No ANTHROPIC_API_KEY: the key comes from the (test's own) keychain.
        const QString project = makeProject(QStringLiteral("keychain"), {{QStringLiteral("README"), "x\n"}});
        secrets::CredentialStore store;
        QSignalSpy written(&store, &secrets::CredentialStore::writeFinished);
        store.write(secrets::CredentialStore::anthropicApiKey(), QStringLiteral("sk-ant-from-keychain-987654321"));
        QTRY_COMPARE_WITH_TIMEOUT(written.size(), 1, 20000);
        FakeModelServer server(Dialect::Anthropic);
        QVERIFY(server.isListening());
        server.reply({agent::ContentBlock::makeText(QStringLiteral("Hi."))});
        QProcessEnvironment env = modelEnvironment(server);
        env.remove(QStringLiteral("ANTHROPIC_API_KEY"));
        const HeadlessRun run = runGatehouse({QStringLiteral("-p"), QStringLiteral("Hello"), QStringLiteral("--project"), project}, env);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(server.requests().first().header("x-api-key"), QByteArray("sk-ant-from-keychain-987654321"));
        QVERIFY(filesContaining(qEnvironmentVariable("XDG_STATE_HOME"), "from-keychain-987654321").isEmpty());
        QVERIFY(filesContaining(qEnvironmentVariable("XDG_DATA_HOME"), "from-keychain-987654321").isEmpty());

        QSignalSpy removed(&store, &secrets::CredentialStore::removeFinished);
        store.remove(secrets::CredentialStore::anthropicApiKey());
        QTRY_COMPARE_WITH_TIMEOUT(removed.size(), 1, 20000);
        const HeadlessRun without = runGatehouse({QStringLiteral("-p"), QStringLiteral("Hello"), QStringLiteral("--project"), project}, env);
        QCOMPARE(without.exitCode, 2);
        QVERIFY2(without.err.contains(QStringLiteral("ANTHROPIC_API_KEY")), qPrintable(without.err));
    }

    void turnLimit()
    {
        const QString project = makeProject(QStringLiteral("turns"), {{QStringLiteral("a.txt"), "a\n"}});
        FakeModelServer server(Dialect::Anthropic);
        QVERIFY(server.isListening());
        for (int i = 0; i < 3; ++i)
            server.reply({toolUse(QStringLiteral("t%1").arg(i), QStringLiteral("Read"),
                                  QJsonObject{{QStringLiteral("file_path"), QStringLiteral("a.txt")}})},
                         agent::StopReason::ToolUse);
        const HeadlessRun run = headless(server, project, QStringLiteral("Loop."), {QStringLiteral("--max-turns"), QStringLiteral("2")});
        QCOMPARE(run.exitCode, 3);
        QCOMPARE(run.result().value(QStringLiteral("subtype")).toString(), QStringLiteral("max-turns"));
        QCOMPARE(server.requests().size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestHeadlessErrors)
#include "tst_headlesserrors.moc"
