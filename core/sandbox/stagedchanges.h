// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QList>
#include <QString>
#include <QStringList>

/// What a sandboxed command wrote, read from its staging folders (SECURITY-MODEL.md section 6,
/// "Writes are staged, then landed"), and which of it must wait for the person.
namespace gatehouse::sandbox {

/// One entry the command created, changed or deleted in a writable folder.
struct StagedChange
{
    enum class Kind {
        Write,      ///< a file or link created or changed (staged holds the new entry)
        MakeFolder, ///< a folder created, or one that replaced what was there (opaque)
        FolderTree, ///< a new folder and everything in it, landed whole (staged is the folder)
        Delete,     ///< the entry (a whole tree for a folder) was removed
        Mode,       ///< an existing folder's permissions changed
    };
    Kind kind = Kind::Write;
    QString folder;   ///< the writable folder (canonical)
    QString relative; ///< the entry, relative to folder
    QString staged;   ///< the new entry in the staging folder (empty for Delete and Mode)
    bool existed = false; ///< something was there on the host when the command ended
    bool isFolder = false;
    bool isLink = false;
    unsigned mode = 0;  ///< permissions of the new entry
    qint64 size = 0;    ///< bytes of a new file; entries below a FolderTree
    QString held;       ///< why it waits for the person; empty: it lands

    QString path() const { return relative.isEmpty() ? folder : folder + u'/' + relative; }
    /// "created", "changed", "deleted"... for messages.
    QString verb() const;
};

/// What decides that a staged change is held rather than landed.
struct HoldRules
{
    /// The writable folders (canonical): a link that points out of them is held.
    QStringList writableFolders;
    /// Paths the command may not read: deleting one (or a folder holding one) is held.
    QStringList denyRead;
    /// Folders outside the writable ones that a link may point into and still land: what every
    /// command sees read-only and nobody writes through (the system's programs and libraries,
    /// the toolchains in home). A virtual environment's `bin/python3 -> /usr/bin/python3`.
    QStringList linkTargets;
};

/// The folders a landed link may point into besides the writable folders, for a user whose home
/// is @p home: /usr, /bin, /lib..., /opt, /nix/store, and the toolchain folders of the home view.
QStringList readOnlyLinkTargets(const QString &home);

/// Reads the staging folder @p upper of the writable folder @p folder (an overlay's upper
/// folder after the command ended) and returns every change in it, parents before children,
/// each marked held where @p rules say so. Unchanged copies (a file opened for writing and
/// closed as it was) are left out.
Expected<QList<StagedChange>> readStagedChanges(const QString &folder, const QString &upper, const HoldRules &rules);

/// Whether git runs a file of this name from its hooks folder (pre-commit, post-checkout...).
bool isGitHookName(QStringView name);

/// Why a change at @p relative (below @p folder) is held, or empty. @p isNew: nothing is there on
/// the host. Exposed for the fallback's scan and for tests.
QString holdReason(const QString &folder, const QString &relative, const StagedChange &change, const HoldRules &rules);

} // namespace gatehouse::sandbox
