// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/paths.h"

#include <QDir>

namespace gatehouse::paths {
namespace {

QString fromEnv(const char *name)
{
    const QString value = qEnvironmentVariable(name);
    // The XDG specification says relative paths are invalid and must be ignored.
    return QDir::isAbsolutePath(value) ? QDir::cleanPath(value) : QString();
}

QString xdgDir(const char *variable, const QString &fallbackBelowHome)
{
    QString base = fromEnv(variable);
    if (base.isEmpty())
        base = QDir::homePath() + u'/' + fallbackBelowHome;
    return base + QStringLiteral("/gatehouse");
}

} // namespace

QString configDir()
{
    const QString override = fromEnv("GATEHOUSE_CONFIG_DIR");
    return override.isEmpty() ? xdgDir("XDG_CONFIG_HOME", QStringLiteral(".config")) : override;
}

QString dataDir() { return xdgDir("XDG_DATA_HOME", QStringLiteral(".local/share")); }

QString stateDir() { return xdgDir("XDG_STATE_HOME", QStringLiteral(".local/state")); }

QString cacheDir() { return xdgDir("XDG_CACHE_HOME", QStringLiteral(".cache")); }

QString logDir() { return stateDir() + QStringLiteral("/log"); }

QString managedDir()
{
    const QString override = fromEnv("GATEHOUSE_MANAGED_DIR");
    return override.isEmpty() ? QStringLiteral("/etc/gatehouse") : override;
}

} // namespace gatehouse::paths
