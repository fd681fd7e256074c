// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QString>

#include <spdlog/logger.h>

#include <memory>
#include <string_view>

/// The program's own log: one spdlog logger per area over shared sinks (a rotating file in the
/// XDG state folder and stderr), with Qt's own messages routed into the "qt" logger.
///
/// Never log secrets: API keys and tokens are not passed to any logger (see SECURITY-MODEL.md
/// section 7). The audit log is a separate thing (core/audit).
namespace gatehouse::log {

struct Options
{
    /// Folder of the rotating log file; created if missing. Empty: no file.
    QString directory;
    /// Debug messages to stderr and the file (otherwise: info to the file, warnings to stderr).
    bool verbose = false;
    std::size_t maxFileBytes = 5 * 1024 * 1024;
    std::size_t maxFiles = 3;
};

/// Sets up the shared sinks and installs the Qt message handler. Safe to call again (for
/// example after the command line turned on --verbose); existing loggers get the new sinks.
/// Fails if the log folder cannot be created; logging to stderr still works then.
Expected<void> initialize(const Options &options);

/// The logger of one area ("app", "qt", "vcs", "secrets", "ui", ...), created on first use
/// with the shared sinks.
std::shared_ptr<spdlog::logger> logger(std::string_view area);

/// Path of the current log file, or empty when logging to a file is off.
QString logFilePath();

/// Flushes and drops every logger and the Qt message handler (at exit, and in tests).
void shutdown();

} // namespace gatehouse::log
