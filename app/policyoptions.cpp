// SPDX-License-Identifier: GPL-3.0-or-later
#include "policyoptions.h"

#include "common/paths.h"
#include "trust/truststore.h"

#include <QDir>
#include <QFileInfo>

namespace gatehouse::app {

void PolicyCommandLine::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({m_project, m_settings, m_allow, m_ask, m_deny, m_mode});
    if (m_offerAssumeTrusted)
        parser.addOption(m_assumeTrusted);
}

Expected<policy::PolicyOptions> PolicyCommandLine::read(const QCommandLineParser &parser) const
{
    policy::PolicyOptions options;
    options.projectDir = parser.isSet(m_project) ? parser.value(m_project) : QDir::currentPath();
    if (!QFileInfo(options.projectDir).isDir())
        return fail(QStringLiteral("the project folder %1 does not exist").arg(options.projectDir));
    options.projectDir = QFileInfo(options.projectDir).canonicalFilePath();
    options.homeDir = QDir::homePath();
    options.userConfigDir = paths::configDir();
    options.managedDir = paths::managedDir();
    options.cliSettingsFiles = parser.values(m_settings);
    options.cliAllow = parser.values(m_allow);
    options.cliAsk = parser.values(m_ask);
    options.cliDeny = parser.values(m_deny);
    if (parser.isSet(m_mode)) {
        const auto mode = policy::modeFromName(parser.value(m_mode));
        if (!mode)
            return fail(QStringLiteral("unknown mode \"%1\" (default, acceptEdits, plan, dontAsk, bypassPermissions)")
                            .arg(parser.value(m_mode)));
        options.cliMode = mode;
    }
    if (m_offerAssumeTrusted && parser.isSet(m_assumeTrusted)) {
        options.projectTrusted = true;
    } else {
        const trust::Grants grants = trust::readGrants(options.projectDir);
        const trust::TrustStore store(paths::configDir());
        options.projectTrusted = grants.errors.isEmpty() && store.isTrusted(options.projectDir, grants.hash);
    }
    return options;
}

} // namespace gatehouse::app
