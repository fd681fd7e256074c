// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace gatehouse::policy {
class Policy;
}

namespace gatehouse::agent {

/// The system prompt of the main conversation: who the agent is, the project, the tools and
/// the gate every call passes (so that the model adapts to refusals instead of retrying them).
QString mainSystemPrompt(const policy::Policy &policy, bool headless);

/// The system prompt of WebFetch's separate model call, which sees only the page and the
/// question: the page is data, never instructions.
QString webFetchSystemPrompt();

/// The user message of that call.
QString webFetchQuestion(const QString &url, const QString &pageText, const QString &prompt);

} // namespace gatehouse::agent
