// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandbox/stagedchanges.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <ctime>

namespace gatehouse::sandbox {

/// The sandbox's fallback where overlays cannot be mounted (SECURITY-MODEL.md section 6): after
/// the command, finds what it created or changed in @p folders (entries whose status changed at or
/// after @p started) that staging would have held, and moves each such entry out of the folder
/// into @p quarantine, so that nothing outside the sandbox reads it before the person answers.
/// Returns them as held changes whose staged entry is in @p quarantine. Entries in @p skip (the
/// sandboxes' stand-ins) are left alone.
QList<StagedChange> fallbackScan(const QStringList &folders, const HoldRules &rules, const timespec &started,
                                 const QString &quarantine, const QStringList &skip);

} // namespace gatehouse::sandbox
