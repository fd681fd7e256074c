// SPDX-License-Identifier: GPL-3.0-or-later
// The agent loop with a person to ask: every answer of the approval broker, as the GUI will give
// them, reaches the right place (the tool runs or not, the model hears the refusal and the
// person's words, "always" is saved and audited, "session" sticks), and cancel while a question
// waits leaves a conversation that can go on. The model is a replay; commands run in the real
// sandbox.
#include "agent/agentsession.h"
#include "agent/clients/replayclient.h"
#include "approval/approvalbroker.h"
#include "audit/auditlog.h"
#include "policy/engine.h"
#include "sandbox/networkproxy.h"

#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QUuid>

#include <memory>
#include <vector>

using namespace gatehouse;
using Kind = approval::ApprovalAnswer::Kind;

namespace {

QByteArray contents(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArrayLiteral("<missing>");
}

// One agent session on a fresh project, with a broker, an audit log and a scripted model.
struct Session
{
    QString root;
    QString project;
    policy::PolicyOptions options;
    std::unique_ptr<agent::ReplayClient> client;
    std::unique_ptr<approval::ApprovalBroker> broker;
    std::unique_ptr<audit::AuditLog> auditLog;
    std::unique_ptr<agent::AgentSession> session;
    std::unique_ptr<QSignalSpy> finished;
    std::unique_ptr<QSignalSpy> asked;

    explicit Session(const QByteArray &script, const QHash<QString, QByteArray> &files = {},
                     const QByteArray &userSettings = {}, bool trusted = true,
                     sandbox::NetworkApprover *networkApprover = nullptr)
    {
        root = test::scratchRoot() + QStringLiteral("/agentsession-") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        project = root + QStringLiteral("/project");
        QDir().mkpath(project);
        project = QFileInfo(project).canonicalFilePath();
        for (auto it = files.cbegin(); it != files.cend(); ++it)
            test::writeFile(project + u'/' + it.key(), it.value());
        test::writeFile(root + QStringLiteral("/script.jsonl"), script);
        options.projectDir = project;
        options.homeDir = QDir::homePath();
        options.userConfigDir = root + QStringLiteral("/config");
        options.managedDir = root + QStringLiteral("/managed");
        options.projectTrusted = trusted;
        if (!userSettings.isEmpty())
            test::writeFile(userSettingsFile(), userSettings);
        client = std::make_unique<agent::ReplayClient>(root + QStringLiteral("/script.jsonl"));
        broker = std::make_unique<approval::ApprovalBroker>(options);
        auditLog = std::move(*audit::AuditLog::open(root + QStringLiteral("/audit")));
        agent::SessionSetup setup;
        setup.policy = options;
        setup.model = QStringLiteral("replay");
        session = std::make_unique<agent::AgentSession>(setup, client.get(), broker.get(), auditLog.get(), nullptr, networkApprover);
        finished = std::make_unique<QSignalSpy>(session.get(), &agent::AgentSession::finished);
        asked = std::make_unique<QSignalSpy>(broker.get(), &approval::ApprovalBroker::requestAdded);
    }

    QString userSettingsFile() const { return root + QStringLiteral("/config/settings.json"); }

    // Runs to the end, answering every question with what @p choose says (allow once by default).
    bool runAnswering(const std::function<approval::ApprovalAnswer(const approval::ApprovalRequest &)> &choose = {})
    {
        return QTest::qWaitFor([&] {
            if (!broker->pending().isEmpty()) {
                const approval::ApprovalRequest request = broker->pending().first();
                approval::ApprovalAnswer given;
                given.kind = Kind::AllowOnce;
                if (choose)
                    given = choose(request);
                if (const auto done = broker->answer(request.id, given); !done)
                    qWarning("answer refused: %s", qPrintable(done.error().message));
            }
            return !finished->isEmpty();
        }, 90000);
    }
    // Calls @p change when the tool call @p id has finished, before the next one is decided.
    void afterCall(const QString &id, std::function<void()> change)
    {
        QObject::connect(session.get(), &agent::AgentSession::toolCallFinished, session.get(),
                         [id, change](const agent::ToolCallRecord &record) {
                             if (record.id == id)
                                 change();
                         });
    }

    // Answers the next question (waiting for it) with @p answer.
    bool answerNext(const approval::ApprovalAnswer &answer)
    {
        if (!QTest::qWaitFor([&] { return !broker->pending().isEmpty(); }, 20000))
            return false;
        const auto done = broker->answer(broker->pending().first().id, answer);
        if (!done)
            qWarning("answer refused: %s", qPrintable(done.error().message));
        return done.has_value();
    }
    bool waitFinished() { return QTest::qWaitFor([this] { return !finished->isEmpty(); }, 60000); }
    agent::SessionEnd end() const { return finished->first().first().value<agent::SessionEnd>(); }

    // The tool_result blocks the model was sent, in order.
    QList<agent::ContentBlock> results() const
    {
        QList<agent::ContentBlock> found;
        for (const agent::Message &message : session->messages()) {
            for (const agent::ContentBlock &block : message.content) {
                if (block.type == agent::ContentBlock::Type::ToolResult)
                    found.append(block);
            }
        }
        return found;
    }
    QList<QJsonObject> audit(const QString &event) const
    {
        QList<QJsonObject> found;
        const auto entries = audit::readAuditLog(root + QStringLiteral("/audit"));
        if (!entries)
            return found;
        for (const QJsonObject &entry : *entries) {
            if (entry.value(QStringLiteral("event")).toString() == event)
                found.append(entry);
        }
        return found;
    }
};

// A host on the internet, played on loopback: "http" answers each request with `body`; "echo"
// greets each connection and sends back what it receives.
class Upstream final : public QObject
{
public:
    static inline const QByteArray body = QByteArrayLiteral("the-body-from-upstream");
    static inline const QByteArray greeting = QByteArrayLiteral("upstream-hello");

    explicit Upstream(bool http)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this, http] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                m_sockets.push_back(socket);
                connect(socket, &QTcpSocket::disconnected, this, [this] { ++closed; });
                if (!http) {
                    socket->write(greeting + '\n');
                    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->write(socket->readAll()); });
                    continue;
                }
                connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    if (!socket->peek(65536).contains("\r\n\r\n"))
                        return;
                    // "/missing" is a 404: a fetch that ends without a side query to the model.
                    const QByteArray status = socket->readAll().startsWith("GET /missing ") ? "404 Not Found" : "200 OK";
                    socket->write("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: "
                                  + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
                    socket->disconnectFromHost();
                });
            }
        });
        m_server.listen(QHostAddress::LocalHost);
    }
    quint16 port() const { return m_server.serverPort(); }
    int connections() const { return int(m_sockets.size()); }
    int closed = 0;

private:
    QTcpServer m_server;
    std::vector<QTcpSocket *> m_sockets;
};

// Stands in for the person at the proxy: refuses every host, and counts the questions.
class RefusingApprover final : public QObject, public sandbox::NetworkApprover
{
public:
    void ask(const sandbox::NetworkRequest &, std::function<void(sandbox::NetworkAnswer)> answer) override
    {
        ++asked;
        QTimer::singleShot(0, this, [answer] { answer(sandbox::NetworkAnswer::Deny); }); // later, as a person would
    }
    int asked = 0;
};

// A script line that runs @p command with Bash, as call @p id.
QByteArray bashLine(const QString &id, const QString &command)
{
    const QJsonObject use{{QStringLiteral("type"), QStringLiteral("tool_use")},
                          {QStringLiteral("id"), id},
                          {QStringLiteral("name"), QStringLiteral("Bash")},
                          {QStringLiteral("input"), QJsonObject{{QStringLiteral("command"), command}}}};
    return QJsonDocument(QJsonObject{{QStringLiteral("content"), QJsonArray{use}}}).toJson(QJsonDocument::Compact) + '\n';
}

const QByteArray endLine = R"({"content":[{"type":"text","text":"ok"}]})" "\n";

// curl through the sandbox's proxy, with the response head, so that a refusal shows.
QString curlCommand(quint16 port)
{
    return QStringLiteral("curl -s -i --max-time 20 http://localhost:%1/").arg(port);
}

approval::ApprovalAnswer answer(Kind kind, const QString &feedback = {}, policy::Layer layer = policy::Layer::Local)
{
    approval::ApprovalAnswer a;
    a.kind = kind;
    a.feedback = feedback;
    a.layer = layer;
    return a;
}

} // namespace

class TestAgentSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        qRegisterMetaType<agent::SessionEnd>();
    }

    void allowOnceRunsThenAsksAgain()
    {
        Session s(R"({"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"touch first.txt","description":"Make a file"}}]}
{"content":[{"type":"tool_use","id":"t2","name":"Bash","input":{"command":"touch second.txt"}}]}
{"content":[{"type":"text","text":"ok"}]}
)");
        s.session->prompt(QStringLiteral("Make files."));
        QVERIFY(s.answerNext(answer(Kind::AllowOnce)));
        // The question showed what the model said the command is for.
        QVERIFY(s.answerNext(answer(Kind::Deny)));
        QVERIFY(s.waitFinished());
        QCOMPARE(s.end(), agent::SessionEnd::Completed);
        QCOMPARE(s.asked->size(), 2); // "once" does not stick
        QVERIFY(QFile::exists(s.project + QStringLiteral("/first.txt")));
        QVERIFY(!QFile::exists(s.project + QStringLiteral("/second.txt")));
        const QList<agent::ContentBlock> results = s.results();
        QCOMPARE(results.size(), 2);
        QVERIFY(!results.at(0).isError);
        QVERIFY(results.at(1).isError);
        QVERIFY(results.at(1).text.contains(QStringLiteral("refused")));
        QCOMPARE(s.audit(QStringLiteral("answer")).size(), 2);
        QCOMPARE(s.audit(QStringLiteral("answer")).at(0).value(QStringLiteral("answer")).toString(), QStringLiteral("once"));
        QCOMPARE(s.audit(QStringLiteral("execution")).size(), 1);
    }

    void questionCarriesTheModelsWords()
    {
        Session s(R"({"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"touch x.txt","description":"Make the marker file"}}]}
{"content":[{"type":"text","text":"ok"}]}
)");
        s.session->prompt(QStringLiteral("Go."));
        QVERIFY(QTest::qWaitFor([&] { return !s.broker->pending().isEmpty(); }, 20000));
        const approval::ApprovalRequest request = s.broker->pending().first();
        QCOMPARE(request.modelDescription, QStringLiteral("Make the marker file"));
        QCOMPARE(request.call.tool, QStringLiteral("Bash"));
        QCOMPARE(request.decision.verdict, policy::Verdict::Ask);
        QVERIFY(s.answerNext(answer(Kind::Deny)));
        QVERIFY(s.waitFinished());
    }

    void sessionAnswerSticks()
    {
        Session s(R"({"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"touch same.txt"}}]}
{"content":[{"type":"tool_use","id":"t2","name":"Bash","input":{"command":"touch same.txt"}}]}
{"content":[{"type":"text","text":"ok"}]}
)");
        s.session->prompt(QStringLiteral("Touch twice."));
        QVERIFY(s.answerNext(answer(Kind::AllowSession)));
        QVERIFY(s.waitFinished());
        QCOMPARE(s.asked->size(), 1); // the second call was allowed by the session's answer
        QCOMPARE(s.session->toolCalls().size(), 2);
        QCOMPARE(s.session->toolCalls().at(1).decision.verdict, policy::Verdict::Allow);
        QCOMPARE(s.session->toolCalls().at(1).decision.source, policy::Source::Session);
        QVERIFY(s.session->toolCalls().at(1).executed);
        // Nothing of it was written anywhere: a new session asks again.
        QVERIFY(!QFile::exists(s.project + QStringLiteral("/.gatehouse/settings.local.json")));
        const policy::Engine fresh(policy::Policy::load(s.options));
        QCOMPARE(fresh.decide(s.session->toolCalls().at(1).call).verdict, policy::Verdict::Ask);
    }

    void alwaysSavesTheRuleAndAuditsWhere()
    {
        Session s(R"({"content":[{"type":"tool_use","id":"e1","name":"Edit","input":{"file_path":"notes.txt","old_string":"old","new_string":"new"}}]}
{"content":[{"type":"tool_use","id":"e2","name":"Edit","input":{"file_path":"notes.txt","old_string":"new","new_string":"newer"}}]}
{"content":[{"type":"text","text":"ok"}]}
)",
                  {{QStringLiteral("notes.txt"), "old text\n"}});
        s.session->prompt(QStringLiteral("Edit."));
        QVERIFY(QTest::qWaitFor([&] { return !s.broker->pending().isEmpty(); }, 20000));
        // The review gets the exact change.
        const approval::ApprovalRequest request = s.broker->pending().first();
        QVERIFY(request.change.has_value());
        QCOMPARE(request.change->before, QByteArray("old text\n"));
        QCOMPARE(request.change->after, QByteArray("new text\n"));
        QVERIFY(request.alwaysOffered);
        QCOMPARE(request.proposedRules, QStringList{QStringLiteral("Edit(./notes.txt)")});
        QVERIFY(s.answerNext(answer(Kind::AllowAlways)));
        QVERIFY(s.waitFinished());
        QCOMPARE(s.asked->size(), 1); // the saved rule allowed the second edit
        QCOMPARE(contents(s.project + QStringLiteral("/notes.txt")), QByteArray("newer text\n"));
        const QString local = s.project + QStringLiteral("/.gatehouse/settings.local.json");
        QVERIFY(contents(local).contains("Edit(./notes.txt)"));
        const QList<QJsonObject> answers = s.audit(QStringLiteral("answer"));
        QCOMPARE(answers.size(), 1);
        QCOMPARE(answers.first().value(QStringLiteral("answer")).toString(), QStringLiteral("always"));
        QVERIFY(answers.first().toVariantMap().values().contains(local));
    }

    void denyWithFeedbackReachesTheModel()
    {
        Session s(R"({"content":[{"type":"tool_use","id":"w1","name":"Write","input":{"file_path":"new.txt","content":"x"}}]}
{"content":[{"type":"text","text":"ok"}]}
)");
        s.session->prompt(QStringLiteral("Write."));
        QVERIFY(s.answerNext(answer(Kind::DenyWithFeedback, QStringLiteral("Put it in docs/ instead."))));
        QVERIFY(s.waitFinished());
        QVERIFY(!QFile::exists(s.project + QStringLiteral("/new.txt")));
        const QList<agent::ContentBlock> results = s.results();
        QCOMPARE(results.size(), 1);
        QVERIFY(results.first().isError);
        QVERIFY(results.first().text.contains(QStringLiteral("Put it in docs/ instead.")));
        QCOMPARE(s.audit(QStringLiteral("answer")).first().value(QStringLiteral("feedback")).toString(),
                 QStringLiteral("Put it in docs/ instead."));
    }

    void fileChangedWhileWaitingIsNotOverwritten()
    {
        Session s(R"({"content":[{"type":"tool_use","id":"e1","name":"Edit","input":{"file_path":"a.txt","old_string":"one","new_string":"two"}}]}
{"content":[{"type":"text","text":"ok"}]}
)",
                  {{QStringLiteral("a.txt"), "one\n"}});
        s.session->prompt(QStringLiteral("Edit."));
        QVERIFY(QTest::qWaitFor([&] { return !s.broker->pending().isEmpty(); }, 20000));
        // The person edits the file themselves while the question waits.
        test::writeFile(s.project + QStringLiteral("/a.txt"), "one, edited by hand\n");
        QVERIFY(s.answerNext(answer(Kind::AllowOnce)));
        QVERIFY(s.waitFinished());
        QCOMPARE(contents(s.project + QStringLiteral("/a.txt")), QByteArray("one, edited by hand\n"));
        QVERIFY(s.results().first().isError);
        QVERIFY(s.results().first().text.contains(QStringLiteral("changed")));
    }

    void cancelWhileAskingLeavesAValidConversation()
    {
        Session s(R"({"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"touch a"}},{"type":"tool_use","id":"t2","name":"Read","input":{"file_path":"a"}}]}
{"content":[{"type":"text","text":"never"}]}
)");
        s.session->prompt(QStringLiteral("Go."));
        QVERIFY(QTest::qWaitFor([&] { return !s.broker->pending().isEmpty(); }, 20000));
        s.session->cancel();
        QVERIFY(s.waitFinished());
        QCOMPARE(s.end(), agent::SessionEnd::Cancelled);
        QVERIFY(s.broker->pending().isEmpty());
        QVERIFY(!QFile::exists(s.project + QStringLiteral("/a")));
        // Both calls have results, so the conversation can be sent again.
        const QList<agent::ContentBlock> results = s.results();
        QCOMPARE(results.size(), 2);
        QCOMPARE(results.at(0).id, QStringLiteral("t1"));
        QCOMPARE(results.at(1).id, QStringLiteral("t2"));
        QVERIFY(results.at(1).isError);
        QCOMPARE(s.session->messages().last().role, agent::Role::User);
    }

    // What a command wrote that the sandbox held is a question of its own: land or discard.
    void heldChangesAreAskedAbout_data()
    {
        QTest::addColumn<bool>("land");
        QTest::newRow("landed") << true;
        QTest::newRow("discarded") << false;
    }

    void heldChangesAreAskedAbout()
    {
        QFETCH(bool, land);
        Session s(R"({"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"echo plain > plain.txt; mkdir -p .vscode; echo '{\"x\":1}' > .vscode/tasks.json","description":"Write files"}}]}
{"content":[{"type":"text","text":"done"}]}
)");
        s.session->prompt(QStringLiteral("Write."));
        QVERIFY(s.answerNext(answer(Kind::AllowOnce))); // the command itself
        QVERIFY(QTest::qWaitFor([&] { return !s.broker->pending().isEmpty(); }, 30000));
        const approval::ApprovalRequest held = s.broker->pending().first();
        QCOMPARE(held.subject, approval::ApprovalRequest::Subject::HeldChanges);
        QCOMPARE(held.call.input.value(QStringLiteral("command")).toString().left(10), QStringLiteral("echo plain"));
        QCOMPARE(held.heldChanges.size(), 1);
        QCOMPARE(held.heldChanges.first().path(), s.project + QStringLiteral("/.vscode"));
        QVERIFY(!held.alwaysOffered && !held.sessionOffered);
        QVERIFY(!s.broker->answer(held.id, answer(Kind::AllowAlways))); // refused: one command's writes
        QVERIFY(!s.broker->answer(held.id, answer(Kind::AllowSession)));
        // What was not held has landed already; the held folder waits.
        QCOMPARE(contents(s.project + QStringLiteral("/plain.txt")), QByteArray("plain\n"));
        QVERIFY(!QFileInfo::exists(s.project + QStringLiteral("/.vscode")));
        QVERIFY(s.broker->answer(held.id, answer(land ? Kind::AllowOnce : Kind::Deny)));
        QVERIFY(s.waitFinished());
        QCOMPARE(contents(s.project + QStringLiteral("/.vscode/tasks.json")),
                 land ? QByteArray("{\"x\":1}\n") : QByteArray("<missing>"));
        const QString result = s.results().first().text;
        QVERIFY2(result.contains(QStringLiteral("[held for the person: ") + s.project + QStringLiteral("/.vscode")), qPrintable(result));
        QVERIFY2(result.contains(land ? QStringLiteral("landed the held changes") : QStringLiteral("discarded")), qPrintable(result));
        const QList<QJsonObject> audited = s.audit(QStringLiteral("held"));
        QCOMPARE(audited.size(), 1);
        QCOMPARE(audited.first().value(QStringLiteral("answer")).toString(), land ? QStringLiteral("land") : QStringLiteral("discard"));
    }

    void cancelRunningCommand()
    {
        Session s(R"({"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"touch started && sleep 60.2468"}}]}
{"content":[{"type":"text","text":"never"}]}
)");
        s.session->prompt(QStringLiteral("Wait."));
        QVERIFY(s.answerNext(answer(Kind::AllowOnce)));
        // The command's writes are staged until it ends: it is seen running by its process.
        const auto running = [] {
            QProcess pgrep;
            pgrep.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), QStringLiteral("^sleep 60.2468")});
            pgrep.waitForFinished();
            return !pgrep.readAllStandardOutput().trimmed().isEmpty();
        };
        QVERIFY(QTest::qWaitFor(running, 30000));
        s.session->cancel();
        QVERIFY(s.waitFinished());
        QCOMPARE(s.end(), agent::SessionEnd::Cancelled);
        QCOMPARE(s.session->toolCalls().first().result.details.value(QStringLiteral("exitStatus")).toInt(), 130);
        // What it wrote before it was cancelled has landed.
        QVERIFY(QFile::exists(s.project + QStringLiteral("/started")));
    }

    void fractionalTimeoutStillStopsTheCommand()
    {
        // "timeout": 0.5 is not "no limit": the command is stopped after (at least) a second.
        Session s(R"({"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"touch started && sleep 100","timeout":0.5}}]}
{"content":[{"type":"text","text":"ok"}]}
)");
        s.session->prompt(QStringLiteral("Wait."));
        QVERIFY(s.answerNext(answer(Kind::AllowOnce)));
        QVERIFY(QTest::qWaitFor([&] { return !s.finished->isEmpty(); }, 30000));
        QCOMPARE(s.session->toolCalls().first().result.details.value(QStringLiteral("exitStatus")).toInt(), 124);
    }

    void rememberedSessionAnswerIsAudited()
    {
        // A command no rule can express (shell code) answered "for this session" runs again
        // without asking; its decision says ask, so the audit log must say why it ran.
        Session s(R"({"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"sh -c 'touch x'"}}]}
{"content":[{"type":"tool_use","id":"t2","name":"Bash","input":{"command":"sh -c 'touch x'"}}]}
{"content":[{"type":"text","text":"ok"}]}
)");
        s.session->prompt(QStringLiteral("Twice."));
        QVERIFY(s.answerNext(answer(Kind::AllowSession)));
        QVERIFY(s.waitFinished());
        QCOMPARE(s.asked->size(), 1);
        QCOMPARE(s.session->toolCalls().size(), 2);
        QCOMPARE(s.session->toolCalls().at(1).decision.verdict, policy::Verdict::Ask);
        QVERIFY(s.session->toolCalls().at(1).executed);
        QCOMPARE(s.audit(QStringLiteral("execution")).size(), 2);
        const QList<QJsonObject> answers = s.audit(QStringLiteral("answer"));
        QCOMPARE(answers.size(), 2);
        QCOMPARE(answers.at(1).value(QStringLiteral("toolUseId")).toString(), QStringLiteral("t2"));
        QCOMPARE(answers.at(1).value(QStringLiteral("answer")).toString(), QStringLiteral("session"));
    }

    void unknownAndMcpToolsAreRefusedAndAuditedWithTheirCall()
    {
        Session s(R"({"content":[{"type":"tool_use","id":"u1","name":"Frobnicate","input":{}},{"type":"tool_use","id":"m1","name":"mcp__srv__do","input":{"x":1}},{"type":"tool_use","id":"r1","name":"Read","input":{"file_path":7}}]}
{"content":[{"type":"text","text":"ok"}]}
)");
        s.session->prompt(QStringLiteral("Go."));
        QVERIFY(s.waitFinished());
        QCOMPARE(s.end(), agent::SessionEnd::Completed);
        const QList<agent::ContentBlock> results = s.results();
        QCOMPARE(results.size(), 3);
        for (const agent::ContentBlock &result : results)
            QVERIFY(result.isError);
        QCOMPARE(s.audit(QStringLiteral("execution")).size(), 0);
        const QList<QJsonObject> decisions = s.audit(QStringLiteral("decision"));
        QCOMPARE(decisions.size(), 3);
        QCOMPARE(decisions.at(0).value(QStringLiteral("toolUseId")).toString(), QStringLiteral("u1"));
        QCOMPARE(decisions.at(1).value(QStringLiteral("toolUseId")).toString(), QStringLiteral("m1"));
        QCOMPARE(decisions.at(2).value(QStringLiteral("toolUseId")).toString(), QStringLiteral("r1"));
    }

    void hugeToolOutputIsCutBeforeTheModel()
    {
        // 3 MB of output (the sandbox keeps 1 MiB of each stream) must not go to the model
        // whole: one such result would fill the context and fail every later request.
        Session s(R"({"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"head -c 3000000 /dev/zero | tr '\\0' a; head -c 3000000 /dev/zero | tr '\\0' b >&2"}}]}
{"content":[{"type":"text","text":"ok"}]}
)");
        s.session->prompt(QStringLiteral("Print.")); // read-only commands: nothing to answer
        QVERIFY(s.waitFinished());
        const QList<agent::ContentBlock> results = s.results();
        QCOMPARE(results.size(), 1);
        QVERIFY2(results.first().text.startsWith(QStringLiteral("aaaa")), qPrintable(results.first().text.left(200)));
        QVERIFY2(results.first().text.size() <= 300000 + 1000, // SessionSetup::maxToolResultChars and the note
                 qPrintable(QString::number(results.first().text.size())));
        QVERIFY(results.first().text.contains(QStringLiteral("cut")));
    }

    void secondPromptWhileRunningIsRefused()
    {
        Session s(R"({"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"touch a"}}]}
{"content":[{"type":"text","text":"done"}]}
{"content":[{"type":"text","text":"second answer"}]}
)");
        s.session->prompt(QStringLiteral("First."));
        QVERIFY(QTest::qWaitFor([&] { return !s.broker->pending().isEmpty(); }, 20000));
        // The interface sends again while the first prompt waits for an answer: nothing of it
        // may enter the conversation between the tool_use and its tool_result.
        s.session->prompt(QStringLiteral("Second."));
        QVERIFY(s.answerNext(answer(Kind::Deny)));
        QVERIFY(s.waitFinished());
        QTest::qWait(200);
        QCOMPARE(s.finished->size(), 1);
        const QList<agent::Message> &messages = s.session->messages();
        QCOMPARE(messages.size(), 4);
        QCOMPARE(messages.at(0).text(), QStringLiteral("First."));
        QCOMPARE(messages.at(1).toolUses().size(), 1);
        QCOMPARE(messages.at(2).content.first().type, agent::ContentBlock::Type::ToolResult);
        QCOMPARE(messages.at(3).text(), QStringLiteral("done"));
        // Once the run ended, the next prompt is taken.
        s.session->prompt(QStringLiteral("Second."));
        QVERIFY(QTest::qWaitFor([&] { return s.finished->size() == 2; }, 20000));
        QCOMPARE(s.session->messages().last().text(), QStringLiteral("second answer"));
    }

    void denyAddedWhileAskingWins()
    {
        // While the question waits, the person adds deny rules (in the settings, or in another
        // window), then answers the old question "allow once": the rules win, for this edit and
        // for the command after it.
        Session s(R"({"content":[{"type":"tool_use","id":"e1","name":"Edit","input":{"file_path":"notes.txt","old_string":"old","new_string":"new"}},{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"touch made.txt"}}]}
{"content":[{"type":"text","text":"ok"}]}
)",
                  {{QStringLiteral("notes.txt"), "old\n"}});
        s.session->prompt(QStringLiteral("Go."));
        QVERIFY(QTest::qWaitFor([&] { return !s.broker->pending().isEmpty(); }, 20000));
        test::writeFile(s.project + QStringLiteral("/.gatehouse/settings.local.json"),
                        R"json({"permissions":{"deny":["Edit(./notes.txt)","Bash(touch *)"]}})json");
        QVERIFY(s.answerNext(answer(Kind::AllowOnce)));
        // Should the command still be asked about, the person allows it too.
        QVERIFY(QTest::qWaitFor([&] {
            if (!s.broker->pending().isEmpty())
                s.broker->answer(s.broker->pending().first().id, answer(Kind::AllowOnce));
            return !s.finished->isEmpty();
        }, 30000));
        QCOMPARE(contents(s.project + QStringLiteral("/notes.txt")), QByteArray("old\n"));
        QVERIFY(!QFile::exists(s.project + QStringLiteral("/made.txt")));
        const QList<agent::ContentBlock> results = s.results();
        QCOMPARE(results.size(), 2);
        QVERIFY(results.at(0).isError);
        QVERIFY(results.at(1).isError);
        QCOMPARE(s.audit(QStringLiteral("execution")).size(), 0);
    }

    // ------------------------------------------------------------------------------ the policy changes during the session

    void hostAllowedBySessionAnswerReachesTheNextCommand()
    {
        // "Allow for this session" on a fetch of a host grants WebFetch(domain:...); the running
        // proxy lets the next command reach the host, without a new session.
        Upstream upstream(true);
        const QString url = QStringLiteral("http://localhost:%1/missing").arg(upstream.port());
        const QJsonObject fetch{{QStringLiteral("type"), QStringLiteral("tool_use")},
                                {QStringLiteral("id"), QStringLiteral("w1")},
                                {QStringLiteral("name"), QStringLiteral("WebFetch")},
                                {QStringLiteral("input"), QJsonObject{{QStringLiteral("url"), url},
                                                                      {QStringLiteral("prompt"), QStringLiteral("What is it?")}}}};
        const QByteArray script = bashLine(QStringLiteral("t1"), curlCommand(upstream.port()))
                                  + QJsonDocument(QJsonObject{{QStringLiteral("content"), QJsonArray{fetch}}}).toJson(QJsonDocument::Compact)
                                  + "\n"
                                  + bashLine(QStringLiteral("t2"), curlCommand(upstream.port())) + endLine;
        Session s(script);
        s.session->prompt(QStringLiteral("Fetch."));
        QVERIFY(s.runAnswering([](const approval::ApprovalRequest &request) {
            return answer(request.call.tool == QStringLiteral("WebFetch") ? Kind::AllowSession : Kind::AllowOnce);
        }));
        const QList<agent::ContentBlock> results = s.results();
        QCOMPARE(results.size(), 3);
        QVERIFY2(results.at(0).text.contains(QStringLiteral("X-Gatehouse-Proxy: refused")), qPrintable(results.at(0).text));
        QVERIFY2(results.at(1).text.contains(QStringLiteral("HTTP 404")), qPrintable(results.at(1).text)); // fetched
        QCOMPARE(s.broker->sessionRules(), QStringList{QStringLiteral("WebFetch(domain:localhost)")});
        QVERIFY2(results.at(2).text.contains(QString::fromLatin1(Upstream::body)), qPrintable(results.at(2).text));
    }

    void hostRefusedAtTheProxyIsRefusedToWebFetch()
    {
        // The person refused the host when a command asked for it; a rule allowing the host is
        // added later. The fetch and the next command are refused alike.
        Upstream upstream(true);
        RefusingApprover approver;
        const QJsonObject fetch{{QStringLiteral("type"), QStringLiteral("tool_use")},
                                {QStringLiteral("id"), QStringLiteral("w1")},
                                {QStringLiteral("name"), QStringLiteral("WebFetch")},
                                {QStringLiteral("input"), QJsonObject{{QStringLiteral("url"), QStringLiteral("http://localhost:%1/missing").arg(upstream.port())},
                                                                      {QStringLiteral("prompt"), QStringLiteral("What is it?")}}}};
        Session s(bashLine(QStringLiteral("t1"), curlCommand(upstream.port()))
                      + QJsonDocument(QJsonObject{{QStringLiteral("content"), QJsonArray{fetch}}}).toJson(QJsonDocument::Compact) + "\n"
                      + bashLine(QStringLiteral("t2"), curlCommand(upstream.port())) + endLine,
                  {}, {}, true, &approver);
        s.afterCall(QStringLiteral("t1"), [&s] {
            test::writeFile(s.userSettingsFile(), R"json({"permissions":{"allow":["WebFetch(domain:localhost)"]}})json");
        });
        s.session->prompt(QStringLiteral("Fetch."));
        QVERIFY(s.runAnswering());
        const QList<agent::ContentBlock> results = s.results();
        QCOMPARE(results.size(), 3);
        QCOMPARE(approver.asked, 1);
        QVERIFY2(results.at(0).text.contains(QStringLiteral("X-Gatehouse-Proxy: refused")), qPrintable(results.at(0).text));
        QVERIFY(!s.session->toolCalls().at(1).executed);
        QCOMPARE(s.session->toolCalls().at(1).decision.verdict, policy::Verdict::Deny);
        QVERIFY2(results.at(1).text.contains(QStringLiteral("refused localhost for this session")), qPrintable(results.at(1).text));
        QVERIFY2(results.at(2).text.contains(QStringLiteral("refused earlier in this session")), qPrintable(results.at(2).text));
        QCOMPARE(upstream.connections(), 0);
    }

    void denyOnDiskClosesTheOpenTunnelAndRefusesTheNext()
    {
        // A command holds a tunnel to an allowed host; the person denies the host in the settings
        // file meanwhile: the tunnel closes while the command runs, and the next command is refused.
        Upstream upstream(false);
        const QString tunnel = QStringLiteral("exec 3<>/dev/tcp/127.0.0.1/3128; printf 'CONNECT localhost:%1 HTTP/1.1\\r\\nHost: "
                                              "localhost:%1\\r\\n\\r\\n' >&3; timeout 40 cat <&3; echo tunnel-ended:$?")
                                   .arg(upstream.port());
        Session s(bashLine(QStringLiteral("t1"), tunnel) + bashLine(QStringLiteral("t2"), curlCommand(upstream.port())) + endLine,
                  {}, R"json({"sandbox":{"network":{"allowedDomains":["localhost"]}}})json");
        s.session->prompt(QStringLiteral("Connect."));
        bool denied = false;
        QVERIFY(QTest::qWaitFor([&] {
            if (!s.broker->pending().isEmpty())
                s.broker->answer(s.broker->pending().first().id, answer(Kind::AllowOnce));
            if (!denied && upstream.connections() == 1) {
                test::writeFile(s.userSettingsFile(),
                                R"json({"sandbox":{"network":{"allowedDomains":["localhost"],"deniedDomains":["localhost"]}}})json");
                denied = true;
            }
            return !s.finished->isEmpty();
        }, 90000));
        QVERIFY(denied);
        const QList<agent::ContentBlock> results = s.results();
        QCOMPARE(results.size(), 2);
        QVERIFY2(results.at(0).text.contains(QString::fromLatin1(Upstream::greeting)), qPrintable(results.at(0).text));
        QVERIFY2(results.at(0).text.contains(QStringLiteral("tunnel-ended:0")), qPrintable(results.at(0).text));
        QCOMPARE(upstream.closed, 1);
        QVERIFY2(results.at(1).text.contains(QStringLiteral("X-Gatehouse-Proxy: refused")), qPrintable(results.at(1).text));
        QVERIFY2(results.at(1).text.contains(QStringLiteral("deniedDomains")), qPrintable(results.at(1).text));
        QCOMPARE(upstream.connections(), 1);
        // The log says the open connection was closed, and why the policy was read again.
        bool closedLogged = false;
        for (const QJsonObject &entry : s.audit(QStringLiteral("connection")))
            closedLogged |= entry.value(QStringLiteral("closedWhileOpen")).toBool() && !entry.value(QStringLiteral("allowed")).toBool();
        QVERIFY(closedLogged);
        QVERIFY(!s.audit(QStringLiteral("policy")).isEmpty());
    }

    void denyReadOnDiskHidesTheFileFromTheNextCommand()
    {
        // The command reads the file through a script, which the policy cannot see into: only the
        // sandbox's mounts keep it from the file.
        Session s(bashLine(QStringLiteral("t1"), QStringLiteral("bash show.sh")) + bashLine(QStringLiteral("t2"), QStringLiteral("bash show.sh"))
                      + endLine,
                  {{QStringLiteral("conf/secret.env"), "the-secret-value\n"}, {QStringLiteral("show.sh"), "cat conf/secret.env\n"}});
        s.afterCall(QStringLiteral("t1"), [&s] {
            test::writeFile(s.userSettingsFile(), QStringLiteral(R"json({"sandbox":{"filesystem":{"denyRead":["%1/conf/secret.env"]}}})json")
                                                      .arg(s.project)
                                                      .toUtf8());
        });
        s.session->prompt(QStringLiteral("Show."));
        QVERIFY(s.runAnswering());
        const QList<agent::ContentBlock> results = s.results();
        QCOMPARE(results.size(), 2);
        QVERIFY2(results.at(0).text.contains(QStringLiteral("the-secret-value")), qPrintable(results.at(0).text));
        QVERIFY(s.session->toolCalls().at(1).executed);
        QVERIFY2(!results.at(1).text.contains(QStringLiteral("the-secret-value")), qPrintable(results.at(1).text));
    }

    void allowWriteOnDiskOpensTheFolderToTheNextCommand()
    {
        const QString outside = test::scratchRoot() + QStringLiteral("/outside-") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        QVERIFY(QDir().mkpath(outside));
        Session s(bashLine(QStringLiteral("t1"), QStringLiteral("touch %1/first.txt").arg(outside))
                  + bashLine(QStringLiteral("t2"), QStringLiteral("touch %1/second.txt").arg(outside)) + endLine);
        s.afterCall(QStringLiteral("t1"), [&s, outside] {
            test::writeFile(s.userSettingsFile(),
                            QStringLiteral(R"json({"sandbox":{"filesystem":{"allowWrite":["%1"]}}})json").arg(outside).toUtf8());
        });
        s.session->prompt(QStringLiteral("Write."));
        QVERIFY(s.runAnswering());
        QCOMPARE(s.results().size(), 2);
        QVERIFY2(!QFile::exists(outside + QStringLiteral("/first.txt")), qPrintable(s.results().at(0).text));
        QVERIFY(s.session->toolCalls().at(1).executed);
        QVERIFY2(QFile::exists(outside + QStringLiteral("/second.txt")), qPrintable(s.results().at(1).text));
    }

    void brokenSettingsOnDiskFailClosed()
    {
        // The settings allowed the command and the host; the file stops parsing mid-session: the
        // next command is asked about (naming the file), and the proxy no longer lets the host through.
        Upstream upstream(true);
        Session s(bashLine(QStringLiteral("t1"), QStringLiteral("touch first.txt")) + bashLine(QStringLiteral("t2"), QStringLiteral("touch second.txt"))
                      + bashLine(QStringLiteral("t3"), curlCommand(upstream.port())) + endLine,
                  {}, R"json({"permissions":{"allow":["Bash(touch *)","Bash(curl *)"]},"sandbox":{"network":{"allowedDomains":["localhost"]}}})json");
        s.afterCall(QStringLiteral("t1"), [&s] { test::writeFile(s.userSettingsFile(), R"json({"permissions":{"allow":["Bash(touch *)"],)json"); });
        QStringList reasons;
        s.session->prompt(QStringLiteral("Touch."));
        QVERIFY(s.runAnswering([&reasons](const approval::ApprovalRequest &request) {
            reasons << request.decision.reason;
            return answer(request.call.input.value(QStringLiteral("command")).toString().startsWith(QStringLiteral("touch"))
                              ? Kind::Deny
                              : Kind::AllowOnce);
        }));
        QVERIFY(QFile::exists(s.project + QStringLiteral("/first.txt")));
        QVERIFY(!QFile::exists(s.project + QStringLiteral("/second.txt")));
        QCOMPARE(reasons.size(), 2); // the command the broken file had allowed, and curl
        QVERIFY(s.session->engine().policy().errors().first().startsWith(s.userSettingsFile()));
        const QList<agent::ContentBlock> results = s.results();
        QCOMPARE(results.size(), 3);
        QVERIFY2(results.at(2).text.contains(QStringLiteral("X-Gatehouse-Proxy: refused")), qPrintable(results.at(2).text));
        QCOMPARE(upstream.connections(), 0);
        const QList<QJsonObject> reloads = s.audit(QStringLiteral("policy"));
        QVERIFY(!reloads.isEmpty());
        QVERIFY(!reloads.last().value(QStringLiteral("errors")).toArray().isEmpty());
    }

    void folderGrantsAddedMidSessionNeedTrust_data()
    {
        QTest::addColumn<bool>("trusted");
        QTest::newRow("never trusted") << false;
        QTest::newRow("trusted with what it granted then") << true;
    }

    void folderGrantsAddedMidSessionNeedTrust()
    {
        // The folder's own settings gain an allowed host mid-session: not applied by the reload,
        // for a folder trusted before the grant any more than for an untrusted one.
        QFETCH(bool, trusted);
        Upstream upstream(true);
        Session s(bashLine(QStringLiteral("t1"), QStringLiteral("true")) + bashLine(QStringLiteral("t2"), curlCommand(upstream.port())) + endLine,
                  {}, {}, trusted);
        s.afterCall(QStringLiteral("t1"), [&s] {
            test::writeFile(s.project + QStringLiteral("/.gatehouse/settings.json"),
                            R"json({"sandbox":{"network":{"allowedDomains":["localhost"]}}})json");
        });
        s.session->prompt(QStringLiteral("Go."));
        QVERIFY(s.runAnswering());
        const QList<agent::ContentBlock> results = s.results();
        QCOMPARE(results.size(), 2);
        QVERIFY2(results.at(1).text.contains(QStringLiteral("X-Gatehouse-Proxy: refused")), qPrintable(results.at(1).text));
        QCOMPARE(upstream.connections(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAgentSession)
#include "tst_agentsession.moc"
