// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "policy/policy.h"

#include <QByteArray>
#include <QFileSystemWatcher>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace gatehouse::agent {

/// Notices when the files a session's policy comes from change on disk: the managed settings
/// (and every drop-in of managed-settings.d), --settings files, the project's local and shared
/// settings, .mcp.json, the user's settings and the trust store. A file watcher reports changes
/// as they happen (so that an open connection can be closed while a command runs); because
/// watchers miss things (a file replaced by a rename, a folder created later, inotify limits),
/// changed() compares the files' contents as well, and the session asks it before every tool
/// call. The files are small; reading them is cheaper than a wrong decision.
class SettingsWatch final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsWatch)

public:
    explicit SettingsWatch(const policy::PolicyOptions &options, QObject *parent = nullptr);

    /// Whether any of the files differs from the last call (or from construction); then the
    /// files are remembered as they are now.
    bool takeChange();
    /// The files whose contents count (existing or not).
    QStringList files() const;

Q_SIGNALS:
    /// Something watched changed; takeChange() says whether the contents did.
    void touched();

private:
    QByteArray fingerprint() const;
    void rewatch();

    policy::PolicyOptions m_options;
    QFileSystemWatcher m_watcher;
    QTimer m_settle;
    QByteArray m_last;
};

} // namespace gatehouse::agent
