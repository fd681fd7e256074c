// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "shell/commands.h"

#include <QString>

namespace gatehouse::shell {

/// What one simple command does, in plain words ("deletes the folder build/ and everything in
/// it", "sends the file .env to evil.example"), for the approval dialog to show beside the
/// model's own description. Never empty: an unknown program is "runs NAME with ...".
QString describeCommand(const NormalisedCommand &command, const SimpleCommand &source);

/// The whole command line: the descriptions of its commands joined in order.
QString describeCommands(const QStringList &descriptions);

} // namespace gatehouse::shell
