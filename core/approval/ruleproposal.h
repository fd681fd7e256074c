// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"
#include "policy/decision.h"
#include "policy/policy.h"

#include <QString>
#include <QStringList>

/// "Always allow" answers: which allow rule to offer for a call that asked, and whether one may
/// be offered at all (SECURITY-MODEL.md sections 2-4). The rule offered is the narrowest that
/// covers the call and still sticks when the agent repeats it with other trailing arguments,
/// and it is offered only when the engine, given it, would really allow the call.
namespace gatehouse::approval {

struct Proposal
{
    /// The rules as they would be written into the target layer's file (one per distinct
    /// simple command of a compound Bash command that nothing allows yet).
    QStringList rules;
    bool offered = false;
    /// When not offered: why, for a person ("it carries risks that no allow rule can answer...").
    QString reason;
};

/// The rules to offer for @p call, which @p policy answered with @p decision, when saved to
/// @p target: Layer::Local, Layer::Project or Layer::User for "always", Layer::Session for
/// "allow for this session" (the managed disableAlwaysAllow lock does not apply to those).
/// Never offered for a decision that is not ask, has risk flags or came from an ask rule, for a
/// project layer of an untrusted folder, while a settings file has errors, or when the engine
/// would still not allow the call with the rules.
Proposal proposeRules(const policy::ToolCall &call, const policy::Decision &decision, const policy::Policy &policy,
                      policy::Layer target);

/// Checks rules a person may have edited before saving them to @p target: each parses with the
/// anchors of that layer's file, can allow and is about @p call's tool, and together they make
/// the engine allow @p call. The error says which rule failed or why the call would still ask.
Expected<void> checkRules(const policy::ToolCall &call, const QStringList &rules, const policy::Policy &policy,
                          policy::Layer target);

/// The anchors of path rules in @p layer's settings file: "/x" is the project for the project
/// layers (and session rules), the user configuration folder for the user layer.
policy::AnchorFolders anchorsFor(const policy::PolicyOptions &options, policy::Layer layer);

/// @p rules written for @p layer, rewritten to mean the same as session rules (whose "/x" is
/// the project folder): used to try rules with the engine before they are saved.
QStringList asSessionRules(const QStringList &rules, const policy::PolicyOptions &options, policy::Layer layer);

} // namespace gatehouse::approval
