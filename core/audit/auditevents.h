// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "policy/decision.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

/// The fields of each kind of audit line (auditlog.h), built from the domain objects so that
/// every caller writes the same shape. The audit log records what was decided about an action,
/// not its payload: inputs are summarised (a command, a path, a URL, byte counts), and file
/// contents never appear.
namespace gatehouse::audit {

/// Event "decision": {"tool","input":{summary},"verdict":"allow|ask|deny","rule":"..."|null,
/// "source":"managed|cli|local|project|user|builtin|mode|risk|sandbox|default","risks":[...],
/// "reason","sandboxed"}. The summary keeps Bash's command, description and timeout; file_path,
/// path, pattern, glob, url; for Edit the byte counts of old_string and new_string and
/// replace_all; for Write the byte count of content; for other tools (MCP) each input key with a
/// short scalar value or the size of a longer one. Long strings are cut at 4,000 characters.
QJsonObject decisionFields(const policy::ToolCall &call, const policy::Decision &decision);

/// Event "answer": what the person answered to an ask. @p answer is "once", "session",
/// "always" or "deny"; @p rule the rule it allowed or saved; @p savedTo the settings file an
/// "always" answer was saved to; @p feedback what the person said with a deny. Empty values are
/// left out.
QJsonObject answerFields(
    const QString &tool, const QString &answer, const QString &rule, const QString &savedTo, const QString &feedback);

/// Event "execution": how a call that ran ended. @p sandboxProfile names the sandbox it ran in
/// ("bubblewrap", "seatbelt", "none" for in-process tools).
QJsonObject executionFields(
    const QString &tool, int exitStatus, qint64 durationMs, const QString &sandboxProfile, bool isError);

/// Event "connection": a network connection decided at the proxy.
QJsonObject connectionFields(const QString &host, quint16 port, const QString &command, const QString &protocol,
    bool allowed, const QString &reason);

/// Event "trust": a folder trusted or its trust revoked, with the hash of what it grants and
/// the grants themselves in words.
QJsonObject trustFields(
    const QString &projectDir, bool trusted, const QByteArray &grantsHash, const QStringList &items);

/// Event "session": a session started or ended.
QJsonObject sessionFields(const QString &action, const QString &projectDir, const QString &model);

} // namespace gatehouse::audit
