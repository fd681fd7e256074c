// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "policy/rule.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace gatehouse::policy {

/// One tool call of the agent: a canonical tool name and its JSON input (SECURITY-MODEL.md
/// section 1).
struct ToolCall
{
    QString tool;
    QJsonObject input;
};

/// What decided, in the words of `gatehouse check` (section 5).
enum class Source { Managed, Cli, Session, Local, Project, User, Builtin, Mode, Risk, Sandbox, Default };
QString sourceName(Source source);
Source sourceFor(Layer layer);

struct Decision
{
    Verdict verdict = Verdict::Ask;
    QString reason;
    QString rule;        ///< the rule that decided, as written; empty when none did
    Source source = Source::Default;
    QStringList risks;   ///< risk identifiers ("command-substitution", "network", ...)
    QString description; ///< what the call does, in plain words
    /// For Bash decisions: run inside the sandbox without asking (sandbox.autoAllow).
    bool sandboxed = false;

    /// The JSON line of `gatehouse check`.
    QJsonObject toJson() const;
};

} // namespace gatehouse::policy
