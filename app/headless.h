// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

/// `gatehouse -p PROMPT`: the agent without a window (ARCHITECTURE.md, "Command line").
namespace gatehouse::app {

/// Whether the command line asks for a headless run (-p or --print before any "--").
bool isHeadlessRun(int argc, char **argv);

/// Runs the agent on the prompt and prints what it did. Refuses an untrusted folder before
/// reading anything of its configuration; every call that would ask is denied and listed.
/// Exit status: 0 the model finished, 1 the model could not be reached or failed, 2 bad usage,
/// an untrusted folder or settings that cannot be read, 3 the turn limit, 130 interrupted.
int runHeadless(const QStringList &arguments);

} // namespace gatehouse::app
