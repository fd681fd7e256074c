// SPDX-License-Identifier: GPL-3.0-or-later
#include "approval/approvalbroker.h"

#include "approval/rulewriter.h"

#include <QJsonDocument>

namespace gatehouse::approval {
namespace {

using namespace Qt::StringLiterals;
using Kind = ApprovalAnswer::Kind;

// What makes two calls "the same call" for a session answer. A Bash call's description and
// timeout do not change what runs, so only its command counts.
QString exactKey(const policy::ToolCall &call)
{
    if (call.tool == u"Bash"_s)
        return call.tool + u'\n' + call.input.value(u"command"_s).toString();
    return call.tool + u'\n' + QString::fromUtf8(QJsonDocument(call.input).toJson(QJsonDocument::Compact));
}

QStringList trimmedRules(const QStringList &rules)
{
    QStringList out;
    for (const QString &rule : rules)
        if (!rule.trimmed().isEmpty())
            out << rule.trimmed();
    return out;
}

} // namespace

QString answerKindName(ApprovalAnswer::Kind kind)
{
    switch (kind) {
    case Kind::AllowOnce:
        return u"once"_s;
    case Kind::AllowSession:
        return u"session"_s;
    case Kind::AllowAlways:
        return u"always"_s;
    case Kind::Deny:
        return u"deny"_s;
    case Kind::DenyWithFeedback:
        return u"deny-with-feedback"_s;
    }
    return u"deny"_s;
}

ApprovalBroker::ApprovalBroker(policy::PolicyOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_policy(policy::Policy::load(m_options))
{
}

ApprovalBroker::~ApprovalBroker()
{
    // No signals from a dying object; the agents waiting still hear that nothing runs.
    const QList<Pending> pending = std::exchange(m_pending, {});
    ApprovalAnswer deny;
    deny.kind = Kind::Deny;
    deny.feedback = u"the session ended before the person answered"_s;
    for (const Pending &entry : pending)
        if (entry.onAnswer)
            entry.onAnswer(deny);
}

void ApprovalBroker::reload()
{
    m_policy = policy::Policy::load(m_options);
}

quint64 ApprovalBroker::submit(ApprovalRequest request, AnswerHandler onAnswer)
{
    request.id = m_nextId++;
    if (request.subject == ApprovalRequest::Subject::HeldChanges) {
        // Held changes are one command's writes: landed or discarded now, never remembered.
        request.alwaysOffered = false;
        request.alwaysUnavailableReason = u"held changes are answered for one command at a time"_s;
        request.sessionOffered = false;
        request.sessionUnavailableReason = request.alwaysUnavailableReason;
        m_pending.append(Pending{request, std::move(onAnswer)});
        Q_EMIT requestAdded(request.id);
        Q_EMIT pendingChanged();
        return request.id;
    }
    request.proposedLayer = m_options.projectTrusted ? policy::Layer::Local : policy::Layer::User;
    const Proposal proposal = proposeRules(request.call, request.decision, m_policy, request.proposedLayer);
    request.proposedRules = proposal.rules;
    request.alwaysOffered = proposal.offered;
    request.alwaysUnavailableReason = proposal.reason;
    request.sessionOffered = request.decision.rule.isEmpty() || request.decision.verdict != policy::Verdict::Ask;
    request.sessionUnavailableReason =
        request.sessionOffered ? QString() : u"the rule %1 asks every time, so it can only be answered once"_s.arg(request.decision.rule);
    m_pending.append(Pending{request, std::move(onAnswer)});
    Q_EMIT requestAdded(request.id);
    Q_EMIT pendingChanged();
    return request.id;
}

QList<ApprovalRequest> ApprovalBroker::pending() const
{
    QList<ApprovalRequest> requests;
    requests.reserve(m_pending.size());
    for (const Pending &entry : m_pending)
        requests << entry.request;
    return requests;
}

qsizetype ApprovalBroker::indexOf(quint64 id) const
{
    for (qsizetype i = 0; i < m_pending.size(); ++i)
        if (m_pending[i].request.id == id)
            return i;
    return -1;
}

std::optional<ApprovalRequest> ApprovalBroker::request(quint64 id) const
{
    const qsizetype index = indexOf(id);
    if (index < 0)
        return std::nullopt;
    return m_pending[index].request;
}

Proposal ApprovalBroker::proposalFor(quint64 id, policy::Layer layer) const
{
    const qsizetype index = indexOf(id);
    if (index < 0) {
        Proposal none;
        none.reason = u"no request %1 is pending"_s.arg(id);
        return none;
    }
    return proposeRules(m_pending[index].request.call, m_pending[index].request.decision, m_policy, layer);
}

bool ApprovalBroker::allowedForSession(const policy::ToolCall &call) const
{
    return m_exactCalls.contains(exactKey(call));
}

Expected<AnswerOutcome> ApprovalBroker::allowForSession(const Pending &pending, const ApprovalAnswer &answer)
{
    const ApprovalRequest &request = pending.request;
    if (!request.sessionOffered)
        return fail(request.sessionUnavailableReason);
    AnswerOutcome outcome;
    outcome.kind = Kind::AllowSession;
    outcome.layer = policy::Layer::Session;
    QStringList rules = trimmedRules(answer.rules);
    if (rules.isEmpty()) {
        const Proposal proposal = proposeRules(request.call, request.decision, m_policy, policy::Layer::Session);
        if (proposal.offered)
            rules = proposal.rules;
    }
    if (rules.isEmpty()) {
        // Risk flags no rule can satisfy: this very call, repeated verbatim, is allowed.
        m_exactCalls.insert(exactKey(request.call));
        outcome.exactCallRemembered = true;
        return outcome;
    }
    if (auto checked = checkRules(request.call, rules, m_policy, policy::Layer::Session); !checked)
        return std::unexpected(checked.error());
    m_options = policy::withSessionRules(m_options, rules);
    outcome.rules = rules;
    return outcome;
}

Expected<AnswerOutcome> ApprovalBroker::allowAlways(const Pending &pending, const ApprovalAnswer &answer)
{
    const ApprovalRequest &request = pending.request;
    if (request.subject == ApprovalRequest::Subject::HeldChanges)
        return fail(request.alwaysUnavailableReason);
    const Proposal proposal = proposeRules(request.call, request.decision, m_policy, answer.layer);
    if (!proposal.offered)
        return fail(u"\"always allow\" is not available: %1"_s.arg(proposal.reason));
    QStringList rules = trimmedRules(answer.rules);
    if (rules.isEmpty())
        rules = proposal.rules;
    if (auto checked = checkRules(request.call, rules, m_policy, answer.layer); !checked)
        return std::unexpected(checked.error());
    auto saved = saveAllowRules(m_options, answer.layer, rules);
    if (!saved)
        return std::unexpected(saved.error());
    AnswerOutcome outcome;
    outcome.kind = Kind::AllowAlways;
    outcome.rules = rules;
    outcome.layer = answer.layer;
    outcome.file = saved->file;
    outcome.trustRenewed = saved->trustRenewed;
    return outcome;
}

Expected<AnswerOutcome> ApprovalBroker::answer(quint64 id, const ApprovalAnswer &answer)
{
    const qsizetype index = indexOf(id);
    if (index < 0)
        return fail(u"no request %1 is pending"_s.arg(id));
    const Pending &pending = m_pending[index];
    Expected<AnswerOutcome> outcome = AnswerOutcome{answer.kind, {}, answer.layer, {}, false, false};
    switch (answer.kind) {
    case Kind::AllowOnce:
    case Kind::Deny:
        break;
    case Kind::DenyWithFeedback:
        if (answer.feedback.trimmed().isEmpty())
            return fail(u"a denial with a message needs the message for the model"_s);
        break;
    case Kind::AllowSession:
        outcome = allowForSession(pending, answer);
        break;
    case Kind::AllowAlways:
        outcome = allowAlways(pending, answer);
        break;
    }
    if (!outcome)
        return outcome;
    const bool policyChanges = !outcome->rules.isEmpty();
    if (policyChanges)
        reload();

    // What the agent and the audit log hear: the rules really granted or saved, and where.
    ApprovalAnswer delivered = answer;
    if (!outcome->rules.isEmpty())
        delivered.rules = outcome->rules;
    delivered.savedTo = outcome->file;
    // Out of the queue before anyone hears of it: a handler may submit the next request.
    const Pending answered = m_pending.takeAt(index);
    if (answered.onAnswer)
        answered.onAnswer(delivered);
    Q_EMIT requestAnswered(id, delivered);
    Q_EMIT pendingChanged();
    if (policyChanges)
        Q_EMIT policyChanged();
    return outcome;
}

void ApprovalBroker::cancelAll(const QString &reason)
{
    if (m_pending.isEmpty())
        return;
    const QList<Pending> pending = std::exchange(m_pending, {});
    ApprovalAnswer deny;
    deny.kind = Kind::Deny;
    deny.feedback = reason;
    for (const Pending &entry : pending) {
        if (entry.onAnswer)
            entry.onAnswer(deny);
        Q_EMIT requestAnswered(entry.request.id, deny);
    }
    Q_EMIT pendingChanged();
}

} // namespace gatehouse::approval
