// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "policy/policy.h"

#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QTemporaryDir>

namespace gatehouse::test {

/// The folders a policy test works in, in a temporary folder ROOT of its own: ROOT/home (the
/// home folder), ROOT/home/proj (the project, made at once), ROOT/home/.config/gatehouse (user
/// settings and trust) and ROOT/etc/gatehouse (managed settings); and the PolicyOptions that
/// point there. Fixtures derive from it and add their files.
struct PolicyFolders
{
    QTemporaryDir dir;

    PolicyFolders() { QDir().mkpath(project()); }

    QString root() const { return QFileInfo(dir.path()).canonicalFilePath(); }
    QString home() const { return root() + QStringLiteral("/home"); }
    QString project() const { return home() + QStringLiteral("/proj"); }
    QString config() const { return home() + QStringLiteral("/.config/gatehouse"); }
    QString managed() const { return root() + QStringLiteral("/etc/gatehouse"); }

    policy::PolicyOptions options(bool trusted = true) const
    {
        policy::PolicyOptions o;
        o.projectDir = project();
        o.homeDir = home();
        o.userConfigDir = config();
        o.managedDir = managed();
        o.projectTrusted = trusted;
        return o;
    }
};

} // namespace gatehouse::test
