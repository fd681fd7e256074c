// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "shell/commands.h"

#include <QList>
#include <QString>

#include <optional>

namespace gatehouse::policy {

/// One simple command of a Bash command line, as the allow rules see it.
struct BashCommandLine
{
    shell::NormalisedCommand command; ///< after wrappers are stripped and git's global options moved aside
    QString line;                     ///< the canonical line that Bash(...) allow rules are matched against
    shell::CommandContext context = shell::CommandContext::TopLevel;
};

/// The simple commands of @p text in source order, normalised and written exactly as the
/// engine writes them before matching allow rules (SECURITY-MODEL.md section 4, steps 2-3), so
/// that code proposing rules (core/approval) writes rules the engine will match.
/// std::nullopt when the text cannot be parsed.
std::optional<QList<BashCommandLine>> bashCommandLines(const QString &text);

/// The canonical line of @p words: static words quoted only when needed, words decided at
/// run time (or globs) as written, so that they never equal a static word a rule names.
QString bashRuleLine(const QList<shell::Word> &words);

} // namespace gatehouse::policy
