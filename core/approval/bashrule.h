// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"
#include "shell/commands.h"

#include <QString>

namespace gatehouse::approval {

/// The narrowest Bash(...) allow rule that still covers the same command when the agent runs it
/// again with other trailing arguments: the program and the words that choose what it does
/// (subcommand, script, target), then " *" (`npm run test:unit *`, `git commit *`,
/// `python tools/gen.py *`); the exact command where anything after those words could change
/// what it does to the machine (`git push origin main`, `rm build/out.o`, `npm install lodash`)
/// or where the program is not one Gatehouse knows. Fails when no rule can name the command
/// (its program or one of the words the rule keeps is decided at run time).
Expected<QString> bashRuleFor(const shell::NormalisedCommand &command);

} // namespace gatehouse::approval
