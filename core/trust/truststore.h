// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <functional>

namespace gatehouse::trust {

/// Everything a folder's own configuration would grant once trusted (SECURITY-MODEL.md
/// section 3): allow rules, a mode that loosens, additional directories, sandbox loosening,
/// environment, hooks and MCP servers. Deny and ask rules are not here: they apply anyway.
struct Grants
{
    /// One plain sentence per thing granted, for the trust dialog and `gatehouse trust`.
    QStringList items;
    /// SHA-256 (hex) over what is granted, in a canonical form; trust is kept with it, so that
    /// any change to the grants asks again.
    QByteArray hash;
    /// Files of the folder's configuration that could not be read or parsed. A folder whose
    /// configuration cannot be understood cannot be trusted until it is fixed.
    QStringList errors;

    bool isEmpty() const { return items.isEmpty(); }
};

/// Reads what @p projectDir's configuration grants: .gatehouse/settings.json,
/// .gatehouse/settings.local.json and .mcp.json.
Grants readGrants(const QString &projectDir);

struct TrustedFolder
{
    QString path;
    QByteArray hash;
    QDateTime trustedAt;
};

/// The trusted folders, kept on the user's side in trust.json (written atomically, mode 0600),
/// keyed by canonical path. trust() and revoke() load, change and save the file under its lock
/// (common/filelock.h), so processes changing it at once keep each other's changes; when the
/// lock cannot be taken they fail and change nothing.
class TrustStore
{
public:
    /// @p configDir is the user configuration folder (paths::configDir()).
    explicit TrustStore(QString configDir);

    QString filePath() const;
    /// Trusted with exactly these grants? A folder trusted with other grants is not.
    bool isTrusted(const QString &projectDir, const QByteArray &grantsHash) const;
    /// The record for the folder, if it was ever trusted (perhaps with other grants).
    std::optional<TrustedFolder> find(const QString &projectDir) const;
    QList<TrustedFolder> folders() const;

    Expected<void> trust(const QString &projectDir, const QByteArray &grantsHash);
    Expected<void> revoke(const QString &projectDir);

    /// Errors reading trust.json: an unreadable store trusts nothing.
    QString loadError() const { return m_loadError; }

private:
    /// Loads the list, applies @p change and saves it, all under the file's lock.
    Expected<void> update(const std::function<void(QList<TrustedFolder> &)> &change);
    Expected<void> save(const QList<TrustedFolder> &folders);
    QList<TrustedFolder> load() const;

    QString m_configDir;
    mutable QString m_loadError;
};

} // namespace gatehouse::trust
