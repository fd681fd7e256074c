// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"
#include "policy/rule.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace gatehouse::policy {

/// A rule together with where it was written.
struct RuleEntry
{
    Rule rule;
    Verdict verdict = Verdict::Ask;
    Layer layer = Layer::User;
    QString file; ///< settings file, or "command line"
};

/// The permission modes (SECURITY-MODEL.md section 4).
enum class Mode { Default, AcceptEdits, Plan, DontAsk, BypassPermissions };
std::optional<Mode> modeFromName(const QString &name);
QString modeName(Mode mode);

/// One settings file, parsed. The schema follows Claude Code's settings.json, so rules can be
/// copied from `.claude/settings*.json`.
struct SettingsFile
{
    QString path;
    Layer layer = Layer::User;
    QList<RuleEntry> rules;
    std::optional<Mode> defaultMode;
    QStringList additionalDirectories; ///< absolute, resolved against the file's base folder
    bool disableBypassPermissionsMode = false;

    // sandbox.*
    std::optional<bool> sandboxAutoAllow;
    QStringList allowedDomains;
    QStringList deniedDomains;
    QStringList denyRead;
    QStringList allowWrite;
    QStringList environmentAllow; ///< sandbox.environment.allow: names and NAME_PREFIX* patterns
    QStringList allowRead;

    // What else a project's configuration can grant (listed by the trust dialog).
    QJsonObject env;
    QJsonObject hooks;
    std::optional<bool> enableAllProjectMcpServers;
    QStringList enabledMcpjsonServers;

    // Managed-only locks.
    bool allowManagedPermissionRulesOnly = false;
    bool allowManagedDomainsOnly = false;
    bool allowManagedMcpServersOnly = false;
    bool disableAlwaysAllow = false;
    bool disableSandboxAutoAllow = false;

    /// Things a person should see but that do not stop the file from applying (unknown keys,
    /// rules that never match, allow rules that could not be parsed and were left out).
    QStringList warnings;
};

/// Reads and parses a settings file. A file that does not exist gives an empty SettingsFile;
/// one that cannot be read or parsed, or whose deny/ask rules cannot be understood, is an error
/// naming the file, line and column. @p anchors resolves the anchors of path rules ("/x" is
/// from anchors.settingsBase).
Expected<SettingsFile> loadSettingsFile(const QString &path, Layer layer, const AnchorFolders &anchors);

/// Checks that @p relativePath (".gatehouse/settings.json", ".mcp.json"...) below @p projectDir
/// (canonical) can be read as part of the project's own configuration, and returns its absolute
/// path. The rule, one for every reader of these files (Policy::load, trust::readGrants): the
/// file must really live in the project. A symbolic link (the folder .gatehouse or the file
/// itself) is followed while it stays inside the project, where its target is as much the
/// repository's as any other file; one that leads outside is an error naming the link and where
/// it leads, and the file is not opened at all (a repository could otherwise present a file of
/// the person's, a device or a pipe as its configuration). Something that exists but is not a
/// regular file is an error too. A file that does not exist is fine (nothing to read).
Expected<QString> projectConfigFile(const QString &projectDir, const QString &relativePath);

/// The same, from text already in memory (for tests and the fuzzer); @p path names it in messages.
Expected<SettingsFile> parseSettings(const QByteArray &json, const QString &path, Layer layer,
                                     const AnchorFolders &anchors);

} // namespace gatehouse::policy
