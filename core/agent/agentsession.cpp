// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/agentsession.h"

#include "agent/bashtool.h"
#include "agent/modelclient.h"
#include "agent/settingswatch.h"
#include "agent/systemprompt.h"
#include "agent/transcript.h"
#include "agent/webfetcher.h"
#include "agent/tools/filechange.h"
#include "agent/tools/filetools.h"
#include "agent/tools/tooldefinitions.h"
#include "approval/approvalbroker.h"
#include "sandbox/staging.h"
#include "audit/auditevents.h"
#include "audit/auditlog.h"
#include "log/logging.h"
#include "log/qtformat.h"
#include "policy/engine.h"
#include "policy/paths.h"
#include "policy/rule.h"
#include "sandbox/hostrules.h"
#include "sandbox/networkproxy.h"
#include "sandbox/sandboxspec.h"
#include "trust/truststore.h"

#include <QJsonArray>
#include <QTimer>
#include <QUrl>

namespace gatehouse::agent {
namespace {

const QStringList &knownTools()
{
    static const QStringList tools{QStringLiteral("Read"), QStringLiteral("Glob"), QStringLiteral("Grep"),
                                   QStringLiteral("Edit"), QStringLiteral("Write"), QStringLiteral("Bash"),
                                   QStringLiteral("WebFetch")};
    return tools;
}

QString refusal(const policy::Decision &decision)
{
    QString text = QStringLiteral("Refused by the permission policy: %1").arg(decision.reason);
    if (!decision.rule.isEmpty())
        text += QStringLiteral(" (rule %1)").arg(decision.rule);
    if (decision.verdict == policy::Verdict::Ask)
        text += QStringLiteral(". It would need the person's approval, and nobody can answer in this run");
    return text + u'.';
}

QString webFetchHost(const QJsonObject &input)
{
    return policy::normaliseHost(QUrl(input.value(QStringLiteral("url")).toString(), QUrl::StrictMode).host(QUrl::FullyDecoded));
}

} // namespace

QString sessionEndName(SessionEnd end)
{
    switch (end) {
    case SessionEnd::Completed:
        return QStringLiteral("completed");
    case SessionEnd::MaxTurns:
        return QStringLiteral("max-turns");
    case SessionEnd::Cancelled:
        return QStringLiteral("cancelled");
    case SessionEnd::ModelFailed:
        return QStringLiteral("model-failed");
    }
    return QStringLiteral("completed");
}

AgentSession::AgentSession(SessionSetup setup, ModelClient *client, approval::ApprovalBroker *broker,
                           audit::AuditLog *auditLog, Transcript *transcript, sandbox::NetworkApprover *networkApprover,
                           QObject *parent)
    : QObject(parent)
    , m_setup(std::move(setup))
    , m_client(client)
    , m_broker(broker)
    , m_audit(auditLog)
    , m_transcript(transcript)
{
    if (m_setup.policy.projectTrusted) {
        // As the app decides trust at start (app/policyoptions.cpp): by the store, with what the
        // folder grants; or given by whoever started the session (--assume-trusted).
        const trust::Grants grants = trust::readGrants(m_setup.policy.projectDir);
        m_trustedGrants = grants.hash;
        m_trustFromStore = grants.errors.isEmpty() && !m_setup.policy.userConfigDir.isEmpty()
                           && trust::TrustStore(m_setup.policy.userConfigDir).isTrusted(m_setup.policy.projectDir, grants.hash);
    }
    // One proxy for the session: what the person allowed for one command holds for the next.
    // Its host rules come from reloadPolicy(), like the engine's and the sandbox's, every time.
    m_proxy = std::make_unique<sandbox::NetworkProxy>(sandbox::HostRules{}, networkApprover);
    connect(m_proxy.get(), &sandbox::NetworkProxy::connectionDecided, this, [this](const sandbox::ConnectionEvent &event) {
        QJsonObject fields =
            audit::connectionFields(event.host, event.port, event.command, event.protocol, event.allowed, event.reason);
        if (event.revoked)
            fields.insert(QStringLiteral("closedWhileOpen"), true);
        record(QStringLiteral("connection"), fields);
        Q_EMIT networkDecided(event);
    });
    m_settingsWatch = new SettingsWatch(m_setup.policy, this);
    reloadPolicy();
    // A change on disk is enforced as it happens: a connection open to a host just denied closes
    // while its command still runs. refreshPolicy() before each call catches what a watcher misses.
    connect(m_settingsWatch, &SettingsWatch::touched, this, [this] { refreshPolicy(); });
    if (m_broker) {
        connect(m_broker, &approval::ApprovalBroker::requestAnswered, this,
                [this](quint64, const approval::ApprovalAnswer &answer) {
                    // The session's own "always" answer, saved in the folder's settings, changes what
                    // the folder grants; a folder trusted by the caller stays trusted with it.
                    if (answer.kind == approval::ApprovalAnswer::Kind::AllowAlways && m_trustedNow && !m_trustFromStore
                        && policy::isInside(answer.savedTo, m_engine->policy().projectDir()))
                        m_trustedGrants = trust::readGrants(m_setup.policy.projectDir).hash;
                });
        connect(m_broker, &approval::ApprovalBroker::policyChanged, this, [this] { refreshPolicy(true); });
    }
    const policy::Policy &policy = m_engine->policy();
    m_context.projectDir = policy.projectDir();
    m_systemPrompt = mainSystemPrompt(policy, policy.headless());
    m_tools = builtinToolDefinitions();

    m_bash = new BashTool([this] { return m_spec; }, m_proxy.get(), this);
    m_fetcher = new WebFetcher(this);

    connect(m_client, &ModelClient::textDelta, this, [this](const QString &text) {
        if (m_phase == Phase::Model)
            Q_EMIT textDelta(text); // a side query's answer is not the conversation's text
    });
    connect(m_client, &ModelClient::retrying, this, &AgentSession::retrying);
    connect(m_client, &ModelClient::replyFinished, this, [this](const ModelReply &reply) {
        if (m_phase == Phase::SideQuery && m_sideReply)
            std::exchange(m_sideReply, nullptr)(reply);
        else if (m_phase == Phase::Model)
            modelReplied(reply);
    });
    connect(m_client, &ModelClient::replyFailed, this, [this](const ModelError &error) {
        if (m_phase == Phase::SideQuery && m_sideFailed)
            std::exchange(m_sideFailed, nullptr)(error);
        else if (m_phase == Phase::Model)
            modelFailed(error);
    });
}

AgentSession::~AgentSession() = default;

void AgentSession::reloadPolicy(const QString &why)
{
    m_settingsWatch->takeChange(); // the files as they are now are what the next check compares with
    policy::PolicyOptions options = m_setup.policy;
    if (m_broker)
        options.sessionAllow = m_broker->sessionRules();
    options.projectTrusted = projectStillTrusted();
    m_trustedNow = options.projectTrusted;
    auto engine = std::make_unique<policy::Engine>(policy::Policy::load(options));
    const policy::Policy &policy = engine->policy();
    sandbox::HostRules hosts = sandbox::HostRules::fromPolicy(policy);
    sandbox::SandboxSpec spec = sandbox::specForPolicy(policy);
    if (policy.errors().isEmpty()) {
        m_goodHosts = hosts;
        m_goodSpec = spec;
    } else {
        // Fail closed: the engine asks for everything (Engine::finish), the proxy asks for every
        // host, and what the settings denied before the file broke stays denied.
        if (m_goodHosts)
            hosts.keepDenials(*m_goodHosts);
        if (m_goodSpec) {
            for (const QString &path : std::as_const(m_goodSpec->denyRead))
                if (!spec.denyRead.contains(path))
                    spec.denyRead << path;
            QStringList writable;
            for (const QString &folder : std::as_const(spec.writableFolders))
                if (m_goodSpec->writableFolders.contains(folder))
                    writable << folder;
            spec.writableFolders = writable;
        }
    }
    m_engine = std::move(engine);
    m_context.engine = m_engine.get();
    m_spec = spec;
    m_proxy->setRules(std::move(hosts));
    if (why.isEmpty())
        return;
    if (m_broker)
        m_broker->reload(); // its proposals are made against the settings as they are now
    const policy::Policy &now = m_engine->policy();
    QJsonObject fields{{QStringLiteral("reason"), why}, {QStringLiteral("projectTrusted"), m_trustedNow}};
    if (!now.errors().isEmpty())
        fields.insert(QStringLiteral("errors"), QJsonArray::fromStringList(now.errors()));
    record(QStringLiteral("policy"), fields);
    if (now.errors().isEmpty())
        log::logger("agent")->info("the settings changed on disk; the policy was read again");
    else
        log::logger("agent")->warn("the settings changed on disk and have errors; every decision asks: {}",
                                   now.errors().join(QStringLiteral("; ")));
}

void AgentSession::refreshPolicy(bool force)
{
    if (m_settingsWatch->takeChange())
        reloadPolicy(QStringLiteral("the settings changed on disk"));
    else if (force)
        reloadPolicy();
}

bool AgentSession::projectStillTrusted() const
{
    if (!m_setup.policy.projectTrusted)
        return false; // never trusted in this session: no reload makes the folder's grants apply
    const trust::Grants grants = trust::readGrants(m_setup.policy.projectDir);
    if (m_trustFromStore)
        return grants.errors.isEmpty() && trust::TrustStore(m_setup.policy.userConfigDir).isTrusted(m_setup.policy.projectDir, grants.hash);
    return grants.hash == m_trustedGrants;
}

void AgentSession::record(const QString &event, const QJsonObject &fields)
{
    if (!m_audit)
        return;
    if (auto written = m_audit->append(event, fields); !written)
        log::logger("agent")->error("the audit log could not be written: {}", written.error().message);
}

void AgentSession::setHistory(const QList<Message> &messages)
{
    if (m_running) {
        log::logger("agent")->warn("the history cannot be replaced while the agent is running; ignored");
        return;
    }
    m_messages = messages;
}

void AgentSession::addMessage(const Message &message)
{
    m_messages.append(message);
    if (m_transcript) {
        if (auto written = m_transcript->append(message); !written)
            log::logger("agent")->error("the transcript could not be written: {}", written.error().message);
    }
    Q_EMIT messageAdded(message);
}

void AgentSession::prompt(const QString &prompt)
{
    // Not only an assertion: in a release build a second prompt would land between a tool_use
    // and its tool_result and start a second model request beside the first.
    if (m_running) {
        log::logger("agent")->warn("a prompt was sent while the agent is running; ignored");
        return;
    }
    m_running = true;
    m_cancelled = false;
    m_turns = 0;
    QJsonObject fields = audit::sessionFields(QStringLiteral("prompt"), m_engine->policy().projectDir(), m_setup.model);
    fields.insert(QStringLiteral("mode"), policy::modeName(m_engine->policy().mode()));
    fields.insert(QStringLiteral("headless"), m_engine->policy().headless());
    record(QStringLiteral("session"), fields);
    addMessage(Message::userText(prompt));
    sendTurn();
}

void AgentSession::sendTurn()
{
    if (m_cancelled) {
        end(SessionEnd::Cancelled, QStringLiteral("cancelled"));
        return;
    }
    if (m_turns >= m_setup.maxTurns) {
        end(SessionEnd::MaxTurns, QStringLiteral("stopped after %1 turns (the limit)").arg(m_setup.maxTurns));
        return;
    }
    ++m_turns;
    ModelRequest request;
    request.model = m_setup.model;
    request.system = m_systemPrompt;
    request.messages = m_messages;
    request.tools = m_tools;
    request.maxTokens = m_setup.maxTokens;
    m_phase = Phase::Model;
    m_client->send(request);
}

void AgentSession::modelReplied(const ModelReply &reply)
{
    m_phase = Phase::Idle;
    m_usage.inputTokens += reply.usage.inputTokens;
    m_usage.outputTokens += reply.usage.outputTokens;
    Message message = reply.message;
    message.role = Role::Assistant;
    if (message.content.isEmpty())
        message.content.append(ContentBlock::makeText(QString())); // the API refuses empty assistant turns
    addMessage(message);
    m_pendingUses = message.toolUses();
    m_results.clear();
    if (m_pendingUses.isEmpty()) {
        const QString note = reply.stopReason == StopReason::MaxTokens ? QStringLiteral("the reply reached the token limit")
                             : reply.stopReason == StopReason::Refusal ? QStringLiteral("the model declined to answer")
                                                                       : QString();
        end(SessionEnd::Completed, note);
        return;
    }
    processNext();
}

void AgentSession::modelFailed(const ModelError &error)
{
    m_phase = Phase::Idle;
    // The conversation stays as it was: the person can send the prompt again or go on.
    if (error.kind == ModelError::Kind::Cancelled)
        end(SessionEnd::Cancelled, QStringLiteral("cancelled"));
    else
        end(SessionEnd::ModelFailed, error.message);
}

void AgentSession::processNext()
{
    if (m_pendingUses.isEmpty()) {
        finishTurnResults();
        return;
    }
    const ContentBlock use = m_pendingUses.takeFirst();
    m_current = ToolCallRecord{};
    m_current.id = use.id;
    m_current.call = policy::ToolCall{use.name, use.input};
    if (m_cancelled) {
        m_current.answer = QStringLiteral("cancelled");
        toolDone({QStringLiteral("Not run: the person stopped the agent."), true, {}});
        return;
    }
    refreshPolicy(); // a settings file changed since the last call decides this one
    decideCall(use);
}

void AgentSession::decideCall(const ContentBlock &use)
{
    const bool mcp = use.name.startsWith(QStringLiteral("mcp__"));
    if (!knownTools().contains(use.name)) {
        m_current.decision.verdict = policy::Verdict::Deny;
        m_current.decision.reason = mcp ? QStringLiteral("MCP tools are not available in this version")
                                        : QStringLiteral("there is no tool named \"%1\"").arg(use.name);
        QJsonObject fields = audit::decisionFields(m_current.call, m_current.decision);
        fields.insert(QStringLiteral("toolUseId"), use.id);
        record(QStringLiteral("decision"), fields);
        Q_EMIT toolCallDecided(m_current);
        toolDone({QStringLiteral("Error: %1.").arg(m_current.decision.reason), true, {}});
        return;
    }
    m_current.decision = m_engine->decide(m_current.call);
    if (use.name == QStringLiteral("WebFetch") && m_current.decision.verdict != policy::Verdict::Deny) {
        // The fetch and the proxy decide a host alike: one the person refused when a command
        // asked for it is refused to the fetch too, whatever rule came later (as at the proxy).
        const QString host = webFetchHost(use.input);
        if (const std::optional<bool> atProxy = m_proxy->sessionAnswer(host); atProxy && !*atProxy) {
            m_current.decision.verdict = policy::Verdict::Deny;
            m_current.decision.source = policy::Source::Session;
            m_current.decision.rule.clear();
            m_current.decision.reason =
                QStringLiteral("the person refused %1 for this session when a command asked to reach it").arg(host);
        }
    }
    QJsonObject fields = audit::decisionFields(m_current.call, m_current.decision);
    fields.insert(QStringLiteral("toolUseId"), use.id);
    record(QStringLiteral("decision"), fields);
    Q_EMIT toolCallDecided(m_current);

    const policy::Verdict verdict = m_current.decision.verdict;
    if (verdict == policy::Verdict::Deny) {
        m_current.answer = QStringLiteral("rule");
        toolDone({refusal(m_current.decision), true, {}});
        return;
    }
    // Edits are prepared before anyone is asked, so that the review shows the exact change.
    std::optional<FileChange> change;
    if (use.name == QStringLiteral("Edit") || use.name == QStringLiteral("Write")) {
        auto prepared = use.name == QStringLiteral("Edit") ? prepareEdit(m_context, use.input)
                                                           : prepareWrite(m_context, use.input);
        if (!prepared) {
            m_current.answer = QStringLiteral("rule");
            toolDone({QStringLiteral("Error: %1").arg(prepared.error().message), true, {}});
            return;
        }
        change = *prepared;
    }
    if (verdict == policy::Verdict::Allow) {
        m_current.answer = QStringLiteral("rule");
        execute(use, change, false);
        return;
    }
    if (!m_broker) {
        // The engine makes every ask a deny when nobody can answer; this is the same, defensively.
        m_current.answer = QStringLiteral("deny");
        toolDone({refusal(m_current.decision), true, {}});
        return;
    }
    if (m_broker->allowedForSession(m_current.call)) {
        // The decision above says ask: the log says which answer let it run.
        m_current.answer = QStringLiteral("session");
        QJsonObject remembered = audit::answerFields(m_current.call.tool, QStringLiteral("session"), {}, {}, {});
        remembered.insert(QStringLiteral("toolUseId"), use.id);
        remembered.insert(QStringLiteral("remembered"), true); // given earlier for this exact call
        record(QStringLiteral("answer"), remembered);
        execute(use, change, true);
        return;
    }
    if (webFetchAnsweredAtProxy(use)) {
        // Allowed for the session at the proxy: the fetch is the same host. Not a loopback or
        // link-local address, which the proxy never opens on a person's answer either.
        m_current.answer = QStringLiteral("session");
        QJsonObject remembered = audit::answerFields(m_current.call.tool, QStringLiteral("session"), {}, {}, {});
        remembered.insert(QStringLiteral("toolUseId"), use.id);
        remembered.insert(QStringLiteral("remembered"), true);
        remembered.insert(QStringLiteral("host"), webFetchHost(use.input)); // answered at the network proxy
        record(QStringLiteral("answer"), remembered);
        execute(use, change, false);
        return;
    }
    approval::ApprovalRequest request;
    request.call = m_current.call;
    request.decision = m_current.decision;
    request.modelDescription = use.input.value(QStringLiteral("description")).toString();
    request.change = change;
    m_phase = Phase::Approval;
    m_broker->submit(request, [this, use, change](const approval::ApprovalAnswer &answer) {
        // Answered later, from the event loop of whoever answers.
        QMetaObject::invokeMethod(this, [this, use, answer, change] { answered(use, answer, change); }, Qt::QueuedConnection);
    });
}

bool AgentSession::webFetchAnsweredAtProxy(const ContentBlock &use)
{
    // While a settings file is broken the proxy asks again for such hosts; so does this.
    if (use.name != QStringLiteral("WebFetch") || m_current.decision.verdict != policy::Verdict::Ask
        || !m_engine->policy().errors().isEmpty())
        return false;
    const std::optional<bool> atProxy = m_proxy->sessionAnswer(webFetchHost(use.input));
    return atProxy && *atProxy;
}

void AgentSession::answered(const ContentBlock &use, const approval::ApprovalAnswer &answer,
                            const std::optional<FileChange> &change)
{
    using Kind = approval::ApprovalAnswer::Kind;
    m_phase = Phase::Idle;
    switch (answer.kind) {
    case Kind::AllowOnce:
        m_current.answer = QStringLiteral("once");
        break;
    case Kind::AllowSession:
        m_current.answer = QStringLiteral("session");
        break;
    case Kind::AllowAlways:
        m_current.answer = QStringLiteral("always");
        break;
    case Kind::Deny:
    case Kind::DenyWithFeedback:
        m_current.answer = QStringLiteral("deny");
        break;
    }
    QJsonObject fields = audit::answerFields(m_current.call.tool, approval::answerKindName(answer.kind),
                                             answer.rules.join(QStringLiteral(", ")), answer.savedTo, answer.feedback);
    fields.insert(QStringLiteral("toolUseId"), use.id);
    record(QStringLiteral("answer"), fields);
    if (answer.kind == Kind::Deny || answer.kind == Kind::DenyWithFeedback) {
        QString text = QStringLiteral("The person refused this call.");
        if (!answer.feedback.isEmpty())
            text += QStringLiteral(" Their words: %1").arg(answer.feedback);
        toolDone({text, true, {}});
        return;
    }
    // The settings are read again: the session's and "always" rules just granted, and any deny
    // rule added while the question waited, which wins over the answer to the older question
    // (and holds for the calls after it).
    refreshPolicy(true);
    if (const policy::Decision now = m_engine->decide(m_current.call); now.verdict == policy::Verdict::Deny) {
        QJsonObject recheck = audit::decisionFields(m_current.call, now);
        recheck.insert(QStringLiteral("toolUseId"), use.id);
        recheck.insert(QStringLiteral("afterAnswer"), true);
        record(QStringLiteral("decision"), recheck);
        m_current.decision = now;
        toolDone({refusal(now), true, {}});
        return;
    }
    execute(use, change, true);
}

void AgentSession::execute(const ContentBlock &use, const std::optional<FileChange> &change, bool askedPerson)
{
    if (m_cancelled) {
        // The person stopped the agent while the answer was on its way.
        m_current.answer = QStringLiteral("cancelled");
        toolDone({QStringLiteral("Not run: the person stopped the agent."), true, {}});
        return;
    }
    m_current.executed = true;
    const QString &tool = use.name;
    if (tool == QStringLiteral("Read"))
        toolDone(readFile(m_context, use.input));
    else if (tool == QStringLiteral("Glob"))
        toolDone(globFiles(m_context, use.input));
    else if (tool == QStringLiteral("Grep"))
        toolDone(grepFiles(m_context, use.input));
    else if (tool == QStringLiteral("Edit") || tool == QStringLiteral("Write"))
        toolDone(applyChange(m_context, *change));
    else if (tool == QStringLiteral("Bash")) {
        m_phase = Phase::Tool;
        m_bash->start(use.input, [this](const ToolResult &result) { bashDone(result); });
    } else if (tool == QStringLiteral("WebFetch"))
        runWebFetch(use, askedPerson);
}

void AgentSession::bashDone(const ToolResult &output)
{
    const std::shared_ptr<sandbox::StagingArea> held = m_bash->takeHeld();
    if (!held) {
        toolDone(output);
        return;
    }
    const QList<sandbox::StagedChange> changes = held->held();
    if (!m_broker || m_cancelled) {
        // Nobody can answer (a headless run): what was held is discarded, and said so.
        held->discardHeld();
        heldAnswered(output, changes, false, QStringLiteral("nobody can answer in this run"));
        return;
    }
    approval::ApprovalRequest request;
    request.subject = approval::ApprovalRequest::Subject::HeldChanges;
    request.call = m_current.call;
    request.decision = m_current.decision;
    request.modelDescription = m_current.call.input.value(QStringLiteral("description")).toString();
    request.heldChanges = changes;
    request.heldDiffs = heldDiffs(changes);
    m_phase = Phase::Approval;
    m_broker->submit(request, [this, held, output, changes](const approval::ApprovalAnswer &answer) {
        QMetaObject::invokeMethod(this, [this, held, output, changes, answer] {
            m_phase = Phase::Idle;
            if (answer.allows() && !m_cancelled) {
                const sandbox::LandingResult landed = held->landHeld();
                ToolResult result = output;
                result.content += describeLanding(landed, nullptr);
                if (!landed.conflicts.isEmpty())
                    result.details.insert(QStringLiteral("heldConflicts"), changeList(landed.conflicts));
                heldAnswered(result, changes, true, {});
            } else {
                held->discardHeld();
                heldAnswered(output, changes, false, answer.feedback);
            }
        }, Qt::QueuedConnection);
    });
}

void AgentSession::heldAnswered(const ToolResult &output, const QList<sandbox::StagedChange> &changes, bool landed,
                                const QString &why)
{
    ToolResult result = output;
    result.details.insert(QStringLiteral("heldAnswer"), landed ? QStringLiteral("landed") : QStringLiteral("discarded"));
    result.content += landed ? QStringLiteral("[the person landed the held changes]\n")
                             : QStringLiteral("[the held changes were discarded%1]\n")
                                   .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why);
    QJsonObject fields{{QStringLiteral("tool"), m_current.call.tool},
                       {QStringLiteral("toolUseId"), m_current.id},
                       {QStringLiteral("answer"), landed ? QStringLiteral("land") : QStringLiteral("discard")},
                       {QStringLiteral("changes"), changeList(changes)}};
    if (!why.isEmpty())
        fields.insert(QStringLiteral("reason"), why);
    record(QStringLiteral("held"), fields);
    toolDone(result);
}

void AgentSession::runWebFetch(const ContentBlock &use, bool askedPerson)
{
    const auto url = WebFetcher::checkUrl(use.input.value(QStringLiteral("url")).toString());
    if (!url) {
        toolDone({QStringLiteral("Error: %1.").arg(url.error().message), true, {}});
        return;
    }
    const QString question = use.input.value(QStringLiteral("prompt")).toString();
    // A host on this machine is opened only by a rule that names it, or by the person.
    const QString namingRule = QStringLiteral("WebFetch(domain:%1)").arg(url->host());
    const bool localAllowed = askedPerson || m_current.decision.rule.compare(namingRule, Qt::CaseInsensitive) == 0;
    m_phase = Phase::Tool;
    const QUrl target = *url;
    m_fetcher->fetch(*url, localAllowed, [this, question, target](Expected<FetchedPage> page) {
        // The fetch is a connection of Gatehouse's own: audited like the proxy's.
        sandbox::ConnectionEvent event;
        event.host = target.host();
        event.port = static_cast<quint16>(target.port(target.scheme() == QStringLiteral("https") ? 443 : 80));
        event.command = QStringLiteral("WebFetch ") + QString::fromLatin1(target.toEncoded());
        event.protocol = target.scheme();
        event.allowed = page.has_value();
        event.reason = page ? QStringLiteral("HTTP %1").arg(page->httpStatus) : page.error().message;
        record(QStringLiteral("connection"), audit::connectionFields(event.host, event.port, event.command, event.protocol,
                                                                      event.allowed, event.reason));
        if (!page)
            Q_EMIT networkDecided(event);
        if (m_cancelled) {
            toolDone({QStringLiteral("Cancelled by the person."), true, {}});
            return;
        }
        if (!page) {
            toolDone({QStringLiteral("Error: %1.").arg(page.error().message), true, {}});
            return;
        }
        QJsonObject details{{QStringLiteral("url"), page->url.toString()},
                            {QStringLiteral("httpStatus"), page->httpStatus},
                            {QStringLiteral("chars"), page->text.size()}};
        if (page->redirectedTo.isValid()) {
            // Encoded as sent: the target is the page's choice, so nothing of it is decoded into the conversation.
            const QString elsewhere = QString::fromLatin1(page->redirectedTo.toEncoded());
            details.insert(QStringLiteral("redirectedTo"), elsewhere);
            toolDone({QStringLiteral("The page redirects to another host: %1. Fetch that URL with a new WebFetch call "
                                     "if you need it.")
                          .arg(elsewhere),
                      false, details});
            return;
        }
        if (page->httpStatus >= 400) {
            toolDone({QStringLiteral("Error: the server answered HTTP %1.").arg(page->httpStatus), true, details});
            return;
        }
        // The page goes to a separate model call; only its answer joins the conversation, so
        // that text written to steer the agent never reaches it verbatim.
        ModelRequest side;
        side.model = m_setup.model;
        side.system = webFetchSystemPrompt();
        side.messages = {Message::userText(webFetchQuestion(page->url.toString(), page->text, question))};
        side.maxTokens = 2048;
        const QString shownUrl = page->url.toString();
        m_phase = Phase::SideQuery;
        m_sideReply = [this, details, shownUrl](const ModelReply &reply) {
            m_phase = Phase::Tool;
            m_usage.inputTokens += reply.usage.inputTokens;
            m_usage.outputTokens += reply.usage.outputTokens;
            toolDone({QStringLiteral("Answer from %1 (read by a separate model call; the page itself is not shown):\n%2")
                          .arg(shownUrl, reply.message.text()),
                      false, details});
        };
        m_sideFailed = [this, details](const ModelError &error) {
            m_phase = Phase::Tool;
            toolDone({QStringLiteral("Error: the page was fetched but could not be read: %1.").arg(error.message), true,
                      details});
        };
        m_client->send(side);
    });
}

void AgentSession::toolDone(const ToolResult &output)
{
    m_phase = Phase::Idle;
    ToolResult result = output;
    if (result.content.size() > m_setup.maxToolResultChars) {
        qsizetype keep = m_setup.maxToolResultChars;
        if (keep > 0 && result.content.at(keep - 1).isHighSurrogate())
            --keep; // not half a character
        const qsizetype cut = result.content.size() - keep;
        result.content.truncate(keep);
        result.content += QStringLiteral("\n[... output cut: %1 more characters were not kept. Narrow the command, the "
                                         "path or the pattern, or read a range.]\n")
                              .arg(cut);
        result.details.insert(QStringLiteral("resultCutChars"), cut);
    }
    m_current.result = result;
    if (m_current.executed) {
        // Bash says which sandbox it ran in; the other tools run inside Gatehouse.
        const QString profile = result.details.value(QStringLiteral("sandbox")).toString(QStringLiteral("in-process"));
        QJsonObject fields = audit::executionFields(m_current.call.tool, result.details.value(QStringLiteral("exitStatus")).toInt(),
                                                    result.details.value(QStringLiteral("durationMs")).toInteger(), profile,
                                                    result.isError);
        fields.insert(QStringLiteral("toolUseId"), m_current.id);
        record(QStringLiteral("execution"), fields);
    }
    m_records.append(m_current);
    m_results.append(ContentBlock::makeToolResult(m_current.id, result.content, result.isError));
    Q_EMIT toolCallFinished(m_current);
    // On the event loop, so that a reply with many calls does not grow the stack.
    QTimer::singleShot(0, this, &AgentSession::processNext);
}

void AgentSession::finishTurnResults()
{
    // Every tool_use gets its tool_result, so the conversation stays valid to continue or resume.
    addMessage(Message{Role::User, m_results});
    m_results.clear();
    if (m_cancelled) {
        end(SessionEnd::Cancelled, QStringLiteral("cancelled"));
        return;
    }
    sendTurn();
}

void AgentSession::cancel()
{
    if (!m_running || m_cancelled)
        return;
    m_cancelled = true;
    switch (m_phase) {
    case Phase::Model:
    case Phase::SideQuery:
        m_client->cancel();
        break;
    case Phase::Tool:
        if (m_bash->isRunning())
            m_bash->cancel();
        if (m_fetcher->isRunning())
            m_fetcher->cancel();
        break;
    case Phase::Approval:
        if (m_broker)
            m_broker->cancelAll(QStringLiteral("the person stopped the agent"));
        break;
    case Phase::Idle:
        break;
    }
}

void AgentSession::end(SessionEnd end, const QString &message)
{
    m_phase = Phase::Idle;
    m_running = false;
    m_pendingUses.clear();
    QJsonObject fields = audit::sessionFields(QStringLiteral("end"), {}, {});
    fields.insert(QStringLiteral("outcome"), sessionEndName(end));
    if (!message.isEmpty())
        fields.insert(QStringLiteral("message"), message);
    fields.insert(QStringLiteral("turns"), m_turns);
    record(QStringLiteral("session"), fields);
    Q_EMIT finished(end, message);
}

} // namespace gatehouse::agent
