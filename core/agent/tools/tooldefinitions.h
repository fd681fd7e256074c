// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/message.h"

#include <QList>

namespace gatehouse::agent {

/// The built-in tools as the model sees them: Read, Glob, Grep, Edit, Write, Bash and WebFetch,
/// with the inputs of SECURITY-MODEL.md section 1 (and the optional ones the tools take). The
/// descriptions tell the model the constraints it will meet (paths relative to the project,
/// Edit's exact single match, Bash's sandbox without direct network), so that it does not learn
/// them by failing. Names and input keys are the ones the policy's rules speak of.
QList<ToolDefinition> builtinToolDefinitions();

} // namespace gatehouse::agent
