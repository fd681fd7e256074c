// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/message.h"
#include "agent/tool.h"
#include "policy/decision.h"
#include "policy/policy.h"
#include "sandbox/hostrules.h"
#include "sandbox/sandboxspec.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>

namespace gatehouse::approval {
class ApprovalBroker;
struct ApprovalAnswer;
}
namespace gatehouse::audit {
class AuditLog;
}
namespace gatehouse::policy {
class Engine;
}
namespace gatehouse::sandbox {
class NetworkApprover;
class NetworkProxy;
struct ConnectionEvent;
struct StagedChange;
}

namespace gatehouse::agent {

class BashTool;
class ModelClient;
class SettingsWatch;
class Transcript;
class WebFetcher;

/// What a session is set up with.
struct SessionSetup
{
    /// The policy of the project; the session adds its own session answers (sessionAllow).
    policy::PolicyOptions policy;
    QString model;
    int maxTurns = 30;     ///< model requests per prompt before the session stops
    int maxTokens = 8192;
    /// A tool_result longer than this is cut (with a note) before the model sees it: command
    /// output (up to 1 MiB per stream) or a long list of files would otherwise fill the context
    /// and make every later request of the conversation fail. Above Read's own 256 KiB.
    qsizetype maxToolResultChars = 300000;
};

/// One tool call of the model and what became of it (for the interface and headless output).
struct ToolCallRecord
{
    QString id;
    policy::ToolCall call;
    policy::Decision decision;
    QString answer;      ///< "rule" (decided without asking), "once", "session", "always", "deny", "cancelled"
    bool executed = false;
    ToolResult result;
};

/// Why a prompt's run ended.
enum class SessionEnd { Completed, MaxTurns, Cancelled, ModelFailed };
QString sessionEndName(SessionEnd end); ///< "completed", "max-turns", "cancelled", "model-failed"

/// The agent loop of ARCHITECTURE.md ("The flow of one tool call"): the conversation goes to
/// the model; each tool call in its reply, in order, is decided by the policy engine, asked
/// through the approval broker when the decision is ask, executed (file tools in-process,
/// Bash in the sandbox with the network through the session's proxy, WebFetch with a separate
/// model call that alone sees the page), audited, and returned as a tool_result; refusals go
/// back as error results so the model can adapt. Headless sessions have no broker: the engine
/// turns every ask into deny.
class AgentSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentSession)

public:
    /// @p client, @p broker (null: headless), @p audit, @p transcript (null: none) and
    /// @p networkApprover (null: hosts no rule allows are refused) must outlive the session.
    AgentSession(SessionSetup setup, ModelClient *client, approval::ApprovalBroker *broker, audit::AuditLog *auditLog,
                 Transcript *transcript, sandbox::NetworkApprover *networkApprover, QObject *parent = nullptr);
    ~AgentSession() override;

    /// A conversation to continue (a resumed session); before the first prompt (ignored while running).
    void setHistory(const QList<Message> &messages);
    /// Sends @p prompt and runs turns until the model ends, a limit is hit, or cancel().
    /// Ignored (with a warning) while a prompt is running.
    void prompt(const QString &prompt);
    /// Stops whatever runs: the model's reply, a command, a fetch or a pending question.
    void cancel();
    bool isRunning() const { return m_running; }

    const QList<Message> &messages() const { return m_messages; }
    const QList<ToolCallRecord> &toolCalls() const { return m_records; }
    const policy::Engine &engine() const { return *m_engine; }
    QString systemPrompt() const { return m_systemPrompt; }
    Usage usage() const { return m_usage; }
    int turns() const { return m_turns; }

Q_SIGNALS:
    void textDelta(const QString &text);
    void messageAdded(const gatehouse::agent::Message &message);
    void toolCallDecided(const gatehouse::agent::ToolCallRecord &record);
    void toolCallFinished(const gatehouse::agent::ToolCallRecord &record);
    void networkDecided(const gatehouse::sandbox::ConnectionEvent &event);
    void retrying(int attempt, int delayMs, const QString &reason);
    void finished(gatehouse::agent::SessionEnd end, const QString &message);

private:
    enum class Phase { Idle, Model, SideQuery, Tool, Approval };

    /// Loads the policy again, from the settings files as they are now and the session's
    /// answers, and hands it to every place that enforces it: the engine (decisions), the proxy
    /// (hosts, at once, also for connections already open) and the next command's sandbox.
    /// @p why, when set, is audited (a change on disk).
    void reloadPolicy(const QString &why = {});
    /// Reloads when a settings file changed on disk since the last load (or anyway, @p force).
    void refreshPolicy(bool force = false);
    /// The folder's loosening grants count only while the trust the session started with still
    /// covers them (a grant added to the folder's files since then is not trusted).
    bool projectStillTrusted() const;
    /// A WebFetch host the person answered at the proxy: the same answer for the fetch.
    bool webFetchAnsweredAtProxy(const ContentBlock &use);
    void addMessage(const Message &message);
    void sendTurn();
    void modelReplied(const ModelReply &reply);
    void modelFailed(const ModelError &error);
    void processNext();
    void decideCall(const ContentBlock &use);
    void answered(const ContentBlock &use, const approval::ApprovalAnswer &answer, const std::optional<FileChange> &change);
    void execute(const ContentBlock &use, const std::optional<FileChange> &change, bool askedPerson);
    void runWebFetch(const ContentBlock &use, bool askedPerson);
    /// A command ended: what its sandbox held goes to the person (or is discarded headless).
    void bashDone(const ToolResult &output);
    void heldAnswered(const ToolResult &output, const QList<sandbox::StagedChange> &changes, bool landed, const QString &why);
    void toolDone(const ToolResult &result);
    void finishTurnResults();
    void end(SessionEnd end, const QString &message);
    void record(const QString &event, const QJsonObject &fields);

    SessionSetup m_setup;
    QPointer<ModelClient> m_client;
    QPointer<approval::ApprovalBroker> m_broker;
    audit::AuditLog *m_audit = nullptr;
    Transcript *m_transcript = nullptr;
    std::unique_ptr<policy::Engine> m_engine;
    std::unique_ptr<sandbox::NetworkProxy> m_proxy;
    BashTool *m_bash = nullptr;
    SettingsWatch *m_settingsWatch = nullptr;
    sandbox::SandboxSpec m_spec; ///< the sandbox of the next command, from the policy in force
    /// What the last policy without errors enforced: while a settings file is broken, its
    /// denials stay (a file that stops parsing never loosens anything).
    std::optional<sandbox::HostRules> m_goodHosts;
    std::optional<sandbox::SandboxSpec> m_goodSpec;
    QByteArray m_trustedGrants; ///< what the folder granted when the session started trusted
    bool m_trustFromStore = false;
    bool m_trustedNow = false; ///< the folder's grants apply to the policy in force
    WebFetcher *m_fetcher = nullptr;
    ToolContext m_context;
    QString m_systemPrompt;
    QList<ToolDefinition> m_tools;

    QList<Message> m_messages;
    QList<ToolCallRecord> m_records;
    QList<ContentBlock> m_pendingUses;  ///< tool calls of the last reply still to handle, in order
    QList<ContentBlock> m_results;      ///< their tool_results so far
    ToolCallRecord m_current;
    std::function<void(const ModelReply &)> m_sideReply;
    std::function<void(const ModelError &)> m_sideFailed;
    Phase m_phase = Phase::Idle;
    Usage m_usage;
    int m_turns = 0;
    bool m_running = false;
    bool m_cancelled = false;
};

} // namespace gatehouse::agent

Q_DECLARE_METATYPE(gatehouse::agent::ToolCallRecord)
Q_DECLARE_METATYPE(gatehouse::agent::SessionEnd)
