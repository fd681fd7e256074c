// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace gatehouse::policy {

class Engine;

/// One line of `gatehouse check` (SECURITY-MODEL.md section 5): reads a tool call as JSON,
/// {"tool": "Bash", "input": {"command": "git status"}}, and returns the decision as one JSON
/// line (without the newline). A line that is not such a call gets "decision": "deny" and an
/// "error" naming the problem, and sets @p malformed.
QByteArray checkLine(const Engine &engine, QByteArrayView line, bool *malformed);

} // namespace gatehouse::policy
