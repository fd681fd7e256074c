// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/tool.h"
#include "policy/decision.h"
#include "policy/rule.h"
#include "sandbox/stagedchanges.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace gatehouse::approval {

/// One call the policy asked about, waiting for the person (ARCHITECTURE.md, "The flow of one
/// tool call"). The broker fills id, the proposals and what may be answered; the rest comes from
/// the agent.
struct ApprovalRequest
{
    /// What is asked: may this call run, or may what a command wrote that the sandbox held
    /// (SECURITY-MODEL.md section 6) land on the real files? A held-changes request is answered
    /// once: AllowOnce lands them, Deny (with or without feedback) discards them.
    enum class Subject { Call, HeldChanges };

    quint64 id = 0;
    Subject subject = Subject::Call;
    policy::ToolCall call;
    /// The engine's answer: reason, risks and description are shown to the person.
    policy::Decision decision;
    /// The model's own words about the call (the Bash "description" input, or its text).
    QString modelDescription;
    /// For edits: the file before and after, for the side-by-side review.
    std::optional<agent::FileChange> change;
    /// For held changes: each change with why it was held (call is the command that made them),
    /// and the files among them as before/after for the review (text files up to a size).
    QList<sandbox::StagedChange> heldChanges;
    QList<agent::FileChange> heldDiffs;

    /// The rules "always" would save to proposedLayer (editable by the person before saving).
    QStringList proposedRules;
    policy::Layer proposedLayer = policy::Layer::Local;
    bool alwaysOffered = false;
    QString alwaysUnavailableReason;
    /// "Allow for this session" is refused only when an ask rule asks every time.
    bool sessionOffered = true;
    QString sessionUnavailableReason;
};

/// The person's answer to one request.
struct ApprovalAnswer
{
    enum class Kind { AllowOnce, AllowSession, AllowAlways, Deny, DenyWithFeedback };
    Kind kind = Kind::Deny;
    /// For AllowAlways and AllowSession: the rules, possibly edited; empty means the proposal.
    QStringList rules;
    /// For AllowAlways: Local, Project or User.
    policy::Layer layer = policy::Layer::Local;
    /// For DenyWithFeedback (and cancelAll): the words the model gets back.
    QString feedback;
    /// Filled in by the broker when it delivers the answer: the settings file an AllowAlways
    /// rule was written to (rules then holds the rules really saved or granted).
    QString savedTo;

    bool allows() const { return kind == Kind::AllowOnce || kind == Kind::AllowSession || kind == Kind::AllowAlways; }
};

/// What an answer did, for the audit log (SECURITY-MODEL.md section 7).
struct AnswerOutcome
{
    ApprovalAnswer::Kind kind = ApprovalAnswer::Kind::Deny;
    QStringList rules;       ///< rules saved (always) or granted for the session
    policy::Layer layer = policy::Layer::Session;
    QString file;            ///< the settings file written, for AllowAlways
    bool trustRenewed = false;
    /// AllowSession without a rule: this exact call is allowed again for the session.
    bool exactCallRemembered = false;
};

QString answerKindName(ApprovalAnswer::Kind kind); ///< "once", "session", "always", "deny", "deny-with-feedback"

} // namespace gatehouse::approval

Q_DECLARE_METATYPE(gatehouse::approval::ApprovalAnswer)
