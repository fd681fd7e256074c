// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandbox/stagedchanges.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <ctime>

namespace gatehouse::sandbox {

/// What landing a command's staged changes did.
struct LandingResult
{
    QList<StagedChange> landed;
    /// Changed on the host while the command ran (or since): not overwritten. The command's
    /// version is kept in the checkpoint folder, under `conflicts/`.
    QList<StagedChange> conflicts;
    /// Changes that could not be landed, each "path: reason".
    QStringList errors;
    /// Where what landing replaced or removed was saved (with `manifest.jsonl`); empty if nothing was.
    QString checkpoint;
};

/// Lands @p changes on their real folders, parents before children, each atomically (a rename
/// into place), after saving what it replaces or removes in @p checkpoint (made when needed).
/// Held changes are skipped. A host entry whose status changed at or after @p started (the
/// command's start, by the coarse real-time clock the file systems stamp with) is a conflict.
/// Paths are walked with O_NOFOLLOW from each writable folder: a link swapped into the path
/// meanwhile stops that change, it is never followed.
LandingResult landChanges(const QList<StagedChange> &changes, const timespec &started, const QString &checkpoint);

/// The clock landChanges compares with: now, as the file systems stamp changes (a coarse clock
/// that moves in ticks of a few milliseconds).
timespec landingClock();

/// The moment a command starts from, for landChanges and the fallback's scan: the first tick of
/// landingClock() after @p before, waiting for it if need be (at most one tick). Whatever changed
/// up to @p before is stamped earlier, and whatever changes from now on is stamped at it or later,
/// so that neither is taken for the other.
timespec startingTick(const timespec &before);

} // namespace gatehouse::sandbox
