// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QLockFile>
#include <QString>

#include <chrono>
#include <memory>

/// One lock around a read-modify-write of a file that several Gatehouse processes change (the
/// window, `gatehouse trust`, a headless run): trust.json and the settings files that "always"
/// answers add rules to. Without it, two processes that each load the file, change it and save
/// it lose one of the changes, a revoked trust among them.
namespace gatehouse::filelock {

/// How long an update waits for another process to finish its own.
inline constexpr std::chrono::milliseconds defaultWait{5000};

/// The lock file of @p file: "<file>.lock" beside it. It never ends in ".json", so nothing that
/// reads the folder's *.json files takes it for settings or trust data, and it exists only while
/// a process holds it.
QString lockPathFor(const QString &file);

/// A held lock; destroying it releases the lock and removes the lock file.
using Held = std::unique_ptr<QLockFile>;

/// Takes the lock of @p file (whose folder must exist), waiting up to @p wait for the process
/// that holds it. A lock left by a process that no longer runs is removed (QLockFile: by pid,
/// process name and boot id; a lock file no live process holds is also removed once older than
/// 30 s). When the lock cannot be taken, the error names @p file and the process holding it:
/// the caller must then change nothing.
Expected<Held> lockForUpdate(const QString &file, std::chrono::milliseconds wait = defaultWait);

} // namespace gatehouse::filelock
