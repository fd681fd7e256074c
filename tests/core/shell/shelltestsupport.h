// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the shell-layer tests share: the first simple command of a line, normalised, and a
// list of words written as one string to compare.

#include "shell/commands.h"
#include "shell/syntax.h"

#include <QStringList>

namespace gatehouse::test {

/// The first simple command of @p text, normalised; an empty command when it does not parse.
inline shell::NormalisedCommand firstCommand(const QString &text)
{
    const shell::ParseResult parsed = shell::parse(text);
    if (!parsed.ok || parsed.commands.isEmpty())
        return {};
    return shell::normalise(parsed.commands.first());
}

/// The texts of @p words, joined by spaces.
inline QString joined(const QList<shell::Word> &words)
{
    QStringList texts;
    for (const shell::Word &word : words)
        texts << word.text;
    return texts.join(u' ');
}

} // namespace gatehouse::test
