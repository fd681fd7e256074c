// SPDX-License-Identifier: GPL-3.0-or-later
// The approval broker: the queue, each kind of answer, edited rules, session answers that die
// with the session, and what is never offered. (What "always" writes: tst_rulewriter.cpp.)
#include "approval/approvalbroker.h"
#include "policy/engine.h"

#include "approvalfixture.h"
#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::approval;
using namespace gatehouse::policy;
namespace test = gatehouse::test;
using Kind = ApprovalAnswer::Kind;

using namespace approvaltest;

Q_DECLARE_METATYPE(Layer)
Q_DECLARE_METATYPE(Kind)

class TestApprovalBroker final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void theQueueKeepsOrder()
    {
        Fixture fixture;
        ApprovalBroker broker(fixture.options());
        QSignalSpy added(&broker, &ApprovalBroker::requestAdded);
        QSignalSpy changed(&broker, &ApprovalBroker::pendingChanged);
        const Submitted a = submit(broker, bash(QStringLiteral("npm test")));
        const Submitted b = submit(broker, bash(QStringLiteral("make check")));
        const Submitted c = submit(broker, bash(QStringLiteral("cargo build")));
        QCOMPARE(added.count(), 3);
        QCOMPARE(changed.count(), 3);
        QCOMPARE(added.at(1).at(0).toULongLong(), b.id);
        QList<quint64> ids;
        for (const ApprovalRequest &request : broker.pending())
            ids << request.id;
        QCOMPARE(ids, (QList<quint64>{a.id, b.id, c.id}));
        QCOMPARE(broker.pending().at(0).proposedRules, QStringList{QStringLiteral("Bash(npm test *)")});
        QCOMPARE(broker.pending().at(0).modelDescription, QStringLiteral("the model's words"));
        QVERIFY(broker.pending().at(0).alwaysOffered);

        QVERIFY(broker.answer(b.id, answerOf(Kind::AllowOnce)).has_value());
        ids.clear();
        for (const ApprovalRequest &request : broker.pending())
            ids << request.id;
        QCOMPARE(ids, (QList<quint64>{a.id, c.id}));
        QVERIFY(!broker.answer(b.id, answerOf(Kind::AllowOnce)).has_value()); // answered already
    }

    void eachAnswerReachesTheAgent_data()
    {
        QTest::addColumn<Kind>("kind");
        QTest::addColumn<QString>("feedback");
        QTest::newRow("allow once") << Kind::AllowOnce << QString();
        QTest::newRow("deny") << Kind::Deny << QString();
        QTest::newRow("deny with a message") << Kind::DenyWithFeedback << QStringLiteral("use make test instead");
        QTest::newRow("allow for the session") << Kind::AllowSession << QString();
        QTest::newRow("always allow") << Kind::AllowAlways << QString();
    }

    void eachAnswerReachesTheAgent()
    {
        QFETCH(Kind, kind);
        QFETCH(QString, feedback);
        Fixture fixture;
        ApprovalBroker broker(fixture.options());
        QSignalSpy answered(&broker, &ApprovalBroker::requestAnswered);
        const Submitted s = submit(broker, bash(QStringLiteral("npm test")));
        const auto outcome = broker.answer(s.id, answerOf(kind, Layer::Local, {}, feedback));
        QVERIFY2(outcome.has_value(), outcome ? "" : qPrintable(outcome.error().message));
        QVERIFY(s.heard->has_value());
        QCOMPARE((*s.heard)->kind, kind);
        QCOMPARE((*s.heard)->feedback, feedback);
        QCOMPARE(answered.count(), 1);
        QCOMPARE(answered.at(0).at(0).toULongLong(), s.id);
        QVERIFY(broker.pending().isEmpty());
        QCOMPARE(outcome->kind, kind);
        const bool grants = kind == Kind::AllowSession || kind == Kind::AllowAlways;
        QCOMPARE(outcome->rules, grants ? QStringList{QStringLiteral("Bash(npm test *)")} : QStringList());
        QCOMPARE(QFileInfo::exists(fixture.fileOf(Layer::Local)), kind == Kind::AllowAlways);
        QCOMPARE(broker.sessionRules().isEmpty(), kind != Kind::AllowSession);
    }

    void denyWithFeedbackNeedsTheMessage()
    {
        Fixture fixture;
        ApprovalBroker broker(fixture.options());
        const Submitted s = submit(broker, bash(QStringLiteral("npm test")));
        QVERIFY(!broker.answer(s.id, answerOf(Kind::DenyWithFeedback, Layer::Local, {}, QStringLiteral("  "))).has_value());
        QCOMPARE(broker.pending().size(), 1);
        QVERIFY(!s.heard->has_value());
    }

    void editedRulesAreParsedAndMustCoverTheCall_data()
    {
        QTest::addColumn<QStringList>("rules");
        QTest::addColumn<QString>("error");
        QTest::newRow("no longer covers") << QStringList{QStringLiteral("Bash(npm run build *)")} << QStringLiteral("would still not be allowed");
        QTest::newRow("does not parse") << QStringList{QStringLiteral("Bash(npm 'test)")} << QStringLiteral("quote");
        QTest::newRow("another tool") << QStringList{QStringLiteral("WebFetch(domain:npmjs.com)")} << QStringLiteral("not about the tool");
        QTest::newRow("edited and fine") << QStringList{QStringLiteral("Bash(npm test)")} << QString();
    }

    void editedRulesAreParsedAndMustCoverTheCall()
    {
        QFETCH(QStringList, rules);
        QFETCH(QString, error);
        Fixture fixture;
        ApprovalBroker broker(fixture.options());
        const Submitted s = submit(broker, bash(QStringLiteral("npm test")));
        const auto outcome = broker.answer(s.id, answerOf(Kind::AllowAlways, Layer::Local, rules));
        QCOMPARE(outcome.has_value(), error.isEmpty());
        if (!outcome) {
            QVERIFY2(outcome.error().message.contains(error), qPrintable(outcome.error().message));
            QCOMPARE(broker.pending().size(), 1); // still waiting for a better answer
            QVERIFY(!QFileInfo::exists(fixture.fileOf(Layer::Local)));
        } else {
            QCOMPARE(outcome->rules, rules);
            QVERIFY(readAll(fixture.fileOf(Layer::Local)).contains("\"Bash(npm test)\""));
        }
    }

    void alwaysIsNotOfferedWhereNoRuleMayAnswer_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("setup");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<bool>("session");
        QTest::newRow("risk flags") << "curl https://example.com" << "" << "risks" << true;
        QTest::newRow("managed disableAlwaysAllow") << "npm test" << "managed" << "disableAlwaysAllow" << true;
        QTest::newRow("ask rule") << "git push origin main" << "ask" << "Bash(git push *)" << false;
    }

    void alwaysIsNotOfferedWhereNoRuleMayAnswer()
    {
        QFETCH(QString, command);
        QFETCH(QString, setup);
        QFETCH(QString, reason);
        QFETCH(bool, session);
        Fixture fixture;
        PolicyOptions options = fixture.options();
        if (setup == QStringLiteral("managed"))
            test::writeFile(fixture.managed() + QStringLiteral("/managed-settings.json"), "{\"disableAlwaysAllow\": true}");
        if (setup == QStringLiteral("ask"))
            options.cliAsk << QStringLiteral("Bash(git push *)");
        ApprovalBroker broker(options);
        const Submitted s = submit(broker, bash(command));
        const ApprovalRequest request = *broker.request(s.id);
        QVERIFY(!request.alwaysOffered);
        QVERIFY2(request.alwaysUnavailableReason.contains(reason), qPrintable(request.alwaysUnavailableReason));
        QCOMPARE(request.sessionOffered, session);
        for (const Layer layer : {Layer::Local, Layer::Project, Layer::User}) {
            const auto refused = broker.answer(s.id, answerOf(Kind::AllowAlways, layer, {QStringLiteral("Bash(npm test *)")}));
            QVERIFY(!refused.has_value());
            QVERIFY2(refused.error().message.contains(reason), qPrintable(refused.error().message));
        }
        QVERIFY(!QFileInfo::exists(fixture.fileOf(Layer::Local)));
        QVERIFY(!QFileInfo::exists(fixture.fileOf(Layer::User)));
        QCOMPARE(broker.answer(s.id, answerOf(Kind::AllowSession)).has_value(), session);
        QCOMPARE(broker.pending().isEmpty(), session);
    }

    void sessionRulesFeedTheEngineAndDieWithTheSession()
    {
        Fixture fixture;
        PolicyOptions options = fixture.options();
        options.cliDeny << QStringLiteral("Bash(npm test --bad *)");
        ApprovalBroker broker(options);
        const Submitted s = submit(broker, bash(QStringLiteral("npm test")));
        const auto outcome = broker.answer(s.id, answerOf(Kind::AllowSession));
        QVERIFY2(outcome.has_value(), outcome ? "" : qPrintable(outcome.error().message));
        QCOMPARE(broker.sessionRules(), QStringList{QStringLiteral("Bash(npm test *)")});
        QCOMPARE(broker.options().sessionAllow, broker.sessionRules());
        QVERIFY(!QFileInfo::exists(fixture.fileOf(Layer::Local))); // nothing written

        const Engine engine(Policy::load(broker.options()));
        const Decision allowed = engine.decide(bash(QStringLiteral("npm test -- -u")));
        QCOMPARE(verdictName(allowed.verdict), QStringLiteral("allow"));
        QCOMPARE(sourceName(allowed.source), QStringLiteral("session"));
        QCOMPARE(allowed.rule, QStringLiteral("Bash(npm test *)"));
        QCOMPARE(verdictName(engine.decide(bash(QStringLiteral("npm test --bad x"))).verdict), QStringLiteral("deny"));
        QCOMPARE(verdictName(engine.decide(bash(QStringLiteral("npm test $(curl x)"))).verdict), QStringLiteral("ask"));

        // A call asked about again after the session rule is in place is allowed by it.
        QVERIFY(!broker.allowedForSession(bash(QStringLiteral("npm test"))));
        ApprovalBroker next(fixture.options());
        QVERIFY(next.sessionRules().isEmpty());
        QCOMPARE(verdictName(Engine(Policy::load(next.options())).decide(bash(QStringLiteral("npm test"))).verdict),
                 QStringLiteral("ask"));
    }

    void riskyCallsAreRememberedVerbatimForTheSession()
    {
        Fixture fixture;
        const ToolCall risky = bash(QStringLiteral("curl -s https://example.com/status"));
        auto broker = std::make_unique<ApprovalBroker>(fixture.options());
        const Submitted s = submit(*broker, risky);
        QVERIFY(!broker->request(s.id)->alwaysOffered);
        const auto outcome = broker->answer(s.id, answerOf(Kind::AllowSession));
        QVERIFY2(outcome.has_value(), outcome ? "" : qPrintable(outcome.error().message));
        QVERIFY(outcome->exactCallRemembered);
        QVERIFY(broker->sessionRules().isEmpty());
        ToolCall described = risky;
        described.input.insert(QStringLiteral("description"), QStringLiteral("other words"));
        QVERIFY(broker->allowedForSession(risky));
        QVERIFY(broker->allowedForSession(described));
        QVERIFY(!broker->allowedForSession(bash(QStringLiteral("curl -s https://example.com/status2"))));
        QVERIFY(!broker->allowedForSession(bash(QStringLiteral("curl -s https://example.com/status && rm -rf x"))));
        broker = std::make_unique<ApprovalBroker>(fixture.options());
        QVERIFY(!broker->allowedForSession(risky));
    }

    void cancelAllDeniesEverything()
    {
        Fixture fixture;
        ApprovalBroker broker(fixture.options());
        QSignalSpy answered(&broker, &ApprovalBroker::requestAnswered);
        const Submitted a = submit(broker, bash(QStringLiteral("npm test")));
        const Submitted b = submit(broker, bash(QStringLiteral("make check")));
        broker.cancelAll(QStringLiteral("the person stopped the run"));
        QVERIFY(broker.pending().isEmpty());
        QCOMPARE(answered.count(), 2);
        for (const Submitted &s : {a, b}) {
            QVERIFY(s.heard->has_value());
            QCOMPARE((*s.heard)->kind, Kind::Deny);
            QCOMPARE((*s.heard)->feedback, QStringLiteral("the person stopped the run"));
        }
    }

    // What a sandboxed command wrote that was held: landed once or discarded, never remembered.
    void heldChangesAreAnsweredOnceOnly()
    {
        Fixture fixture;
        ApprovalBroker broker(fixture.options());
        ApprovalRequest request = requestFor(broker, bash(QStringLiteral("npm install")));
        request.subject = ApprovalRequest::Subject::HeldChanges;
        sandbox::StagedChange change;
        change.folder = fixture.options().projectDir;
        change.relative = QStringLiteral(".husky/pre-commit");
        change.held = QStringLiteral(".husky is protected");
        request.heldChanges = {change};
        std::optional<ApprovalAnswer> heard;
        const quint64 id = broker.submit(request, [&heard](const ApprovalAnswer &answer) { heard = answer; });
        const ApprovalRequest queued = *broker.request(id);
        QVERIFY(!queued.alwaysOffered);
        QVERIFY(!queued.sessionOffered);
        QVERIFY(queued.proposedRules.isEmpty());
        for (Kind refused : {Kind::AllowAlways, Kind::AllowSession})
            QVERIFY(!broker.answer(id, answerOf(refused, Layer::User)));
        QVERIFY(!heard.has_value());
        QVERIFY(broker.sessionRules().isEmpty());
        QVERIFY(broker.answer(id, answerOf(Kind::AllowOnce)));
        QVERIFY(heard.has_value());
        QCOMPARE(heard->kind, Kind::AllowOnce);
        // Nothing about the command is remembered: the next one asks again.
        QVERIFY(!broker.allowedForSession(bash(QStringLiteral("npm install"))));
        QVERIFY(broker.sessionRules().isEmpty());
    }

    void endingTheSessionDeniesWhatIsPending()
    {
        Fixture fixture;
        Submitted s;
        {
            ApprovalBroker broker(fixture.options());
            s = submit(broker, bash(QStringLiteral("npm test")));
        }
        QVERIFY(s.heard->has_value());
        QCOMPARE((*s.heard)->kind, Kind::Deny);
    }
};

QTEST_GUILESS_MAIN(TestApprovalBroker)
#include "tst_approvalbroker.moc"
