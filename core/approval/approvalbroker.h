// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "approval/approvalrequest.h"
#include "approval/ruleproposal.h"
#include "common/error.h"
#include "policy/policy.h"

#include <QList>
#include <QObject>
#include <QSet>

#include <functional>
#include <optional>

namespace gatehouse::approval {

/// The queue of calls waiting for the person, and what their answers do. Lives as long as one
/// session: "allow for this session" answers are kept here in memory only, so a new broker
/// (a new session) has forgotten them. "Always" answers are checked and written to the chosen
/// settings file before the agent hears the answer, so a rule that cannot be saved is never
/// reported as saved. The ui shows and asks; every check is here.
class ApprovalBroker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApprovalBroker)

public:
    using AnswerHandler = std::function<void(const ApprovalAnswer &)>;

    /// @p options are those the session's policy was loaded with (projectDir, userConfigDir,
    /// managedDir, trust...); proposals, the managed lock and the settings files come from them.
    explicit ApprovalBroker(policy::PolicyOptions options, QObject *parent = nullptr);
    /// Ending the session answers every pending request Deny, so no agent waits forever.
    ~ApprovalBroker() override;

    /// Queues @p request (its id, proposals and what may be answered are filled in here);
    /// @p onAnswer runs once, when the person answers or the queue is cancelled.
    quint64 submit(ApprovalRequest request, AnswerHandler onAnswer);
    /// The pending requests, oldest first.
    QList<ApprovalRequest> pending() const;
    std::optional<ApprovalRequest> request(quint64 id) const;
    /// The "always" proposal for another layer than the one the request was made for (the
    /// rule for an edit is written differently in the user's settings).
    Proposal proposalFor(quint64 id, policy::Layer layer) const;

    /// Answers request @p id. Refused, with the request kept pending, when the answer is not
    /// available (always/session not offered), an edited rule does not parse, is not about the
    /// call's tool or no longer covers the call, the feedback is empty, or saving fails.
    Expected<AnswerOutcome> answer(quint64 id, const ApprovalAnswer &answer);
    /// Answers every pending request Deny with @p reason as feedback (the run was stopped).
    void cancelAll(const QString &reason);

    /// Allow rules granted for this session, to be loaded as PolicyOptions::sessionAllow.
    QStringList sessionRules() const { return m_options.sessionAllow; }
    /// Whether "allow for this session" was answered for exactly this call (same tool, same
    /// input; for Bash the same command) where no rule could express it (risk flags). Consult it
    /// only for a decision that asks: it never turns a deny into an allow.
    bool allowedForSession(const policy::ToolCall &call) const;
    /// The session's options: those given, plus the session rules. The agent loads its next
    /// Engine from them after policyChanged().
    policy::PolicyOptions options() const { return m_options; }
    /// The policy proposals are made against (reloaded after each answer that changes it).
    const policy::Policy &policy() const { return m_policy; }
    /// Reads the settings files again (after they changed on disk).
    void reload();

Q_SIGNALS:
    void requestAdded(quint64 id);
    void requestAnswered(quint64 id, const gatehouse::approval::ApprovalAnswer &answer);
    void pendingChanged();
    /// Session rules were added or a rule was saved: rebuild the Engine from options().
    void policyChanged();

private:
    struct Pending
    {
        ApprovalRequest request;
        AnswerHandler onAnswer;
    };
    qsizetype indexOf(quint64 id) const;
    Expected<AnswerOutcome> allowForSession(const Pending &pending, const ApprovalAnswer &answer);
    Expected<AnswerOutcome> allowAlways(const Pending &pending, const ApprovalAnswer &answer);

    policy::PolicyOptions m_options;
    policy::Policy m_policy;
    QList<Pending> m_pending;
    QSet<QString> m_exactCalls;
    quint64 m_nextId = 1;
};

} // namespace gatehouse::approval
