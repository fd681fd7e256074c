// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "policy/settings.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace gatehouse::policy {

/// What decides which settings apply to one project (SECURITY-MODEL.md section 3).
struct PolicyOptions
{
    QString projectDir;        ///< the project folder (made canonical by load())
    QString homeDir;           ///< decides "~"
    QString userConfigDir;     ///< holds settings.json (see paths::configDir())
    QString managedDir;        ///< holds managed-settings.json and managed-settings.d/ (paths::managedDir())
    QStringList cliSettingsFiles;
    QStringList cliAllow;
    QStringList cliAsk;
    QStringList cliDeny;
    std::optional<Mode> cliMode;
    /// Allow rules granted by "allow for this session" answers (layer Session). They apply
    /// like any allow rule, so every deny rule, ask rule and risk still beats them; they are
    /// never written anywhere. Managed "allow only managed rules" ignores them too.
    QStringList sessionAllow;
    /// The person trusted the folder (with the current hash of what its config grants). Until
    /// then, nothing from the folder's own settings that loosens anything applies.
    bool projectTrusted = false;
    /// A run nobody can answer (gatehouse -p): every ask becomes deny.
    bool headless = false;
    /// The OS sandbox of SECURITY-MODEL.md section 6 can be built here; only then can
    /// sandbox.autoAllow run commands without asking.
    bool sandboxAvailable = false;
};

/// @p options with @p rules added to its session allow rules (without duplicates): what the
/// agent loads its next Engine from after an "allow for this session" answer.
PolicyOptions withSessionRules(PolicyOptions options, const QStringList &rules);

/// The merged settings of every layer for one project, after trust and managed locks.
/// Loading never throws anything away silently: errors make every decision fail closed, and
/// what was ignored (untrusted, locked) is listed.
class Policy
{
public:
    static Policy load(const PolicyOptions &options);

    const PolicyOptions &options() const { return m_options; }
    QString projectDir() const { return m_options.projectDir; }
    QString homeDir() const { return m_options.homeDir; }

    /// Files that could not be read or parsed (file:line:column: message). While any exists,
    /// every decision is ask (deny when nobody can answer).
    const QStringList &errors() const { return m_errors; }
    const QStringList &warnings() const { return m_warnings; }
    /// Things from the folder's own configuration that were not applied because the folder is
    /// not trusted, or from lower layers that a managed lock overrode (for the person to read).
    const QStringList &ignored() const { return m_ignored; }

    /// The rules in force, every layer merged.
    const QList<RuleEntry> &rules() const { return m_rules; }
    const QList<SettingsFile> &files() const { return m_files; }

    Mode mode() const { return m_mode; }
    Layer modeLayer() const { return m_modeLayer; }
    bool modeFromSettings() const { return m_modeFromSettings; }
    bool headless() const { return m_options.headless; }

    /// The project folder and the additional directories (canonical).
    const QStringList &workspaceFolders() const { return m_workspace; }
    bool sandboxAutoAllow() const { return m_sandboxAutoAllow; }
    const QStringList &allowedDomains() const { return m_allowedDomains; }
    const QStringList &deniedDomains() const { return m_deniedDomains; }
    const QStringList &sandboxDenyRead() const { return m_denyRead; }
    const QStringList &sandboxAllowWrite() const { return m_allowWrite; }
    /// sandbox.filesystem.allowRead: paths the sandbox shows read-only in the hidden home.
    const QStringList &sandboxAllowRead() const { return m_allowRead; }
    bool alwaysAllowForbidden() const { return m_disableAlwaysAllow; }
    /// Variables sandboxed commands get besides the default ones (sandbox.environment.allow of
    /// every layer; a project's own only once the folder is trusted).
    const QStringList &sandboxEnvironmentAllow() const { return m_environmentAllow; }

private:
    PolicyOptions m_options;
    QStringList m_errors;
    QStringList m_warnings;
    QStringList m_ignored;
    QList<RuleEntry> m_rules;
    QList<SettingsFile> m_files;
    Mode m_mode = Mode::Default;
    Layer m_modeLayer = Layer::User;
    bool m_modeFromSettings = false;
    QStringList m_workspace;
    bool m_sandboxAutoAllow = false;
    QStringList m_allowedDomains;
    QStringList m_deniedDomains;
    QStringList m_denyRead;
    QStringList m_allowWrite;
    QStringList m_allowRead;
    bool m_disableAlwaysAllow = false;
    QStringList m_environmentAllow;
};

} // namespace gatehouse::policy
