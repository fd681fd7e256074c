// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The per-command risks that risks.cpp gathers from tables of their own.

#include "shell/commands.h"

namespace gatehouse::shell::detail {

/// Options and arguments that make a program run code or a program named in them, whatever
/// allow rule matched (git rebase --exec, make --eval, npm run X --script-shell=..., docker run
/// --privileged...). Not contained: the sandbox does not make running a named program harmless.
QList<Risk> optionRisks(const NormalisedCommand &command);

/// What git config sets (a key, a section, in which file), and git config --edit.
QList<Risk> gitConfigRisks(const NormalisedCommand &command);

} // namespace gatehouse::shell::detail
