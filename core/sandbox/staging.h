// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"
#include "sandbox/landing.h"
#include "sandbox/stagedchanges.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <ctime>
#include <memory>

namespace gatehouse::sandbox {

/// The staging folders of one sandboxed command (SECURITY-MODEL.md section 6): each writable
/// folder is an overlay whose writes go to a staging folder of its own under
/// `paths::cacheDir()/staging`, never to the real files. When the command has ended, collect()
/// reads what it created, changed and deleted; landFree() lands what may land and keeps the rest
/// (held) until landHeld() or discardHeld(). The staging folder goes with this object.
class StagingArea
{
public:
    struct Folder
    {
        QString folder; ///< the real folder (canonical)
        QString upper;  ///< where the overlay puts the command's writes
        QString work;   ///< the overlay's own work folder (same file system as upper)
    };

    /// Makes the staging folders for @p writableFolders (canonical; one nested in another is
    /// covered by the outer one's overlay). @p checkpoint: where landing saves what it replaces.
    static Expected<std::shared_ptr<StagingArea>> create(const QStringList &writableFolders, HoldRules rules,
                                                         QString checkpoint);
    ~StagingArea();
    StagingArea(const StagingArea &) = delete;
    StagingArea &operator=(const StagingArea &) = delete;

    /// bubblewrap's arguments that mount the overlays (--overlay-src F --overlay UPPER WORK F).
    QStringList overlayArguments() const;
    const QList<Folder> &folders() const { return m_folders; }
    /// The root of this command's staging folders (hidden from the command).
    QString root() const { return m_root; }

    /// Marks the command's start (landing compares the host's entries with it): the first clock
    /// tick after @p before, which is when the caller began to prepare the command.
    void markStarted(const timespec &before) { m_started = startingTick(before); }
    timespec started() const { return m_started; }
    /// Reads what the command changed (call once, after it ended).
    Expected<void> collect();
    /// Everything collect() found, held or not.
    const QList<StagedChange> &changes() const { return m_changes; }
    /// The changes waiting for the person.
    QList<StagedChange> held() const;
    /// Lands every change that is not held.
    LandingResult landFree();
    /// Lands the held changes too (the person said so).
    LandingResult landHeld();
    /// Drops the held changes.
    void discardHeld();

    /// Adds changes found another way (the fallback's scan moves held entries into the staging
    /// folder and describes them here).
    void addHeld(const QList<StagedChange> &changes) { m_changes += changes; }

    /// The folder where staging folders are made (paths::cacheDir()/staging).
    static QString stagingRoot();

private:
    StagingArea() = default;

    QString m_root;
    QString m_checkpoint;
    HoldRules m_rules;
    QList<Folder> m_folders;
    QList<StagedChange> m_changes;
    timespec m_started{};
    bool m_heldDone = false;
};

/// Whether overlays can be mounted by bubblewrap here, for a staging folder in @p stagingRoot and
/// a writable folder @p folder (probed once per pair of file systems, then remembered); false
/// also when $GATEHOUSE_SANDBOX_STAGING is `fallback` (the tests force the fallback so).
bool overlaysAvailable(const QString &bwrap, const QString &stagingRoot, const QString &folder, QString *why);

} // namespace gatehouse::sandbox
