// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/policy.h"

#include "policy/paths.h"

#include <QDir>

#include <algorithm>

namespace gatehouse::policy {
namespace {

bool isTightening(Mode mode) { return mode == Mode::Plan || mode == Mode::DontAsk; }

} // namespace

PolicyOptions withSessionRules(PolicyOptions options, const QStringList &rules)
{
    for (const QString &rule : rules)
        if (!options.sessionAllow.contains(rule.trimmed()))
            options.sessionAllow << rule.trimmed();
    return options;
}

Policy Policy::load(const PolicyOptions &options)
{
    Policy policy;
    policy.m_options = options;
    PolicyOptions &o = policy.m_options;
    o.projectDir = canonicalPath(cleanAbsolute(QDir(options.projectDir).absolutePath()));
    if (!o.homeDir.isEmpty())
        o.homeDir = cleanAbsolute(o.homeDir);

    const auto anchorsFor = [&o](const QString &settingsBase) {
        return AnchorFolders{o.projectDir, settingsBase, o.homeDir};
    };
    QList<std::pair<QString, Layer>> sources;
    if (!o.managedDir.isEmpty()) {
        sources.append({o.managedDir + QStringLiteral("/managed-settings.json"), Layer::Managed});
        const QDir dropIns(o.managedDir + QStringLiteral("/managed-settings.d"));
        // Every *.json entry counts: one that cannot be read (a dangling link, a folder, no
        // permission) is an error, never a deny list silently dropped.
        const QStringList names = dropIns.entryList({QStringLiteral("*.json")},
                                                    QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
        for (const QString &name : names) {
            const QString path = dropIns.filePath(name);
            const QFileInfo info(path);
            if (info.isFile() && info.isReadable())
                sources.append({path, Layer::Managed});
            else
                policy.m_errors << QStringLiteral("%1:1:1: this managed settings file cannot be read").arg(path);
        }
    }
    for (const QString &file : std::as_const(o.cliSettingsFiles))
        sources.append({QDir(o.projectDir).absoluteFilePath(file), Layer::Cli});
    sources.append({o.projectDir + QStringLiteral("/.gatehouse/settings.local.json"), Layer::Local});
    sources.append({o.projectDir + QStringLiteral("/.gatehouse/settings.json"), Layer::Project});
    if (!o.userConfigDir.isEmpty())
        sources.append({o.userConfigDir + QStringLiteral("/settings.json"), Layer::User});

    QList<SettingsFile> loaded;
    for (const auto &[path, layer] : std::as_const(sources)) {
        // "/x" in a project's own files means the project folder (the folder they speak for),
        // elsewhere the folder that holds the file.
        const bool fromProject = layer == Layer::Project || layer == Layer::Local;
        const QString base = fromProject ? o.projectDir : QFileInfo(path).absolutePath();
        if (fromProject) {
            // A project file reached through a link that leads out of the project is not read at
            // all (see projectConfigFile()). Failing closed here means: the error makes every
            // decision ask (deny in headless and dontAsk runs), and the other layers' deny and ask
            // rules still decide first. The file's own deny rules are unknown, but nothing they
            // could deny is allowed without the person's answer while the error stands.
            const auto checked = projectConfigFile(o.projectDir, QDir(o.projectDir).relativeFilePath(path));
            if (!checked) {
                policy.m_errors << checked.error().message;
                continue;
            }
        }
        auto file = loadSettingsFile(path, layer, anchorsFor(base));
        if (!file) {
            policy.m_errors << file.error().message;
            continue;
        }
        if (layer == Layer::Cli && !QFileInfo::exists(path))
            policy.m_errors << QStringLiteral("%1:1:1: no such settings file").arg(path);
        loaded << *file;
    }

    // Rules and the mode given on the command line form one more file of the cli layer, ahead
    // of --settings files, so that --mode wins over a mode in such a file.
    SettingsFile cli;
    cli.path = QStringLiteral("command line");
    cli.layer = Layer::Cli;
    for (const auto &[list, verdict] : {std::pair{&o.cliDeny, Verdict::Deny}, std::pair{&o.cliAsk, Verdict::Ask},
                                        std::pair{&o.cliAllow, Verdict::Allow}}) {
        for (const QString &text : *list) {
            QStringList warnings;
            auto rule = parseRule(text, anchorsFor(o.projectDir), &warnings);
            for (const QString &warning : std::as_const(warnings))
                cli.warnings << QStringLiteral("command line: %1").arg(warning);
            if (!rule) {
                policy.m_errors << QStringLiteral("command line: %1").arg(rule.error().message);
                continue;
            }
            cli.rules << RuleEntry{*rule, verdict, Layer::Cli, cli.path};
        }
    }
    cli.defaultMode = o.cliMode;
    // Session answers: allow rules only, anchored like the command line's. One that does not
    // parse is left out with a warning, as in a settings file (an allow rule lost fails closed).
    SettingsFile session;
    session.path = QStringLiteral("session");
    session.layer = Layer::Session;
    for (const QString &text : std::as_const(o.sessionAllow)) {
        auto rule = parseRule(text, anchorsFor(o.projectDir), &session.warnings);
        if (rule)
            session.rules << RuleEntry{*rule, Verdict::Allow, Layer::Session, session.path};
        else
            session.warnings << QStringLiteral("session: %1 (left out)").arg(rule.error().message);
    }
    const auto firstAfter = [&loaded](std::initializer_list<Layer> layers) {
        return std::distance(loaded.begin(), std::find_if(loaded.begin(), loaded.end(), [layers](const SettingsFile &f) {
                                 return std::find(layers.begin(), layers.end(), f.layer) == layers.end();
                             }));
    };
    loaded.insert(firstAfter({Layer::Managed}), cli);
    if (!session.rules.isEmpty() || !session.warnings.isEmpty())
        loaded.insert(firstAfter({Layer::Managed, Layer::Cli}), session);

    // Managed locks first, since they change what the other layers may contribute.
    bool managedRulesOnly = false;
    bool managedDomainsOnly = false;
    bool managedMcpOnly = false;
    bool bypassDisabled = false;
    for (const SettingsFile &file : std::as_const(loaded)) {
        if (file.layer == Layer::Managed) {
            managedRulesOnly |= file.allowManagedPermissionRulesOnly;
            managedDomainsOnly |= file.allowManagedDomainsOnly;
            managedMcpOnly |= file.allowManagedMcpServersOnly;
            policy.m_disableAlwaysAllow |= file.disableAlwaysAllow;
        }
        // Any layer may switch bypass off; none may switch it back on.
        bypassDisabled |= file.disableBypassPermissionsMode;
    }

    std::optional<Mode> mode;
    std::optional<bool> autoAllow;
    policy.m_workspace << o.projectDir;
    for (SettingsFile file : std::as_const(loaded)) {
        const bool fromProject = file.layer == Layer::Project || file.layer == Layer::Local;
        const bool untrusted = fromProject && !o.projectTrusted;
        policy.m_warnings << file.warnings;

        for (const RuleEntry &entry : std::as_const(file.rules)) {
            if (entry.verdict == Verdict::Allow) {
                if (untrusted) {
                    policy.m_ignored << QStringLiteral("%1: allow rule %2 (folder not trusted)").arg(file.path, entry.rule.text);
                    continue;
                }
                if (managedRulesOnly && file.layer != Layer::Managed) {
                    policy.m_ignored << QStringLiteral("%1: allow rule %2 (managed settings allow only their own rules)")
                                            .arg(file.path, entry.rule.text);
                    continue;
                }
                // MCP servers are not started yet, but their tools are decided: with the lock, only
                // managed rules allow one (the servers themselves will be filtered the same way).
                if (managedMcpOnly && file.layer != Layer::Managed && entry.rule.tool.startsWith(QStringLiteral("mcp__"))) {
                    policy.m_ignored << QStringLiteral("%1: allow rule %2 (managed settings allow only their own MCP servers)")
                                            .arg(file.path, entry.rule.text);
                    continue;
                }
                if (managedDomainsOnly && file.layer != Layer::Managed && entry.rule.kind == Rule::Kind::Domain) {
                    policy.m_ignored << QStringLiteral("%1: allow rule %2 (managed settings allow only their own domains)")
                                            .arg(file.path, entry.rule.text);
                    continue;
                }
            }
            policy.m_rules << entry;
        }

        if (file.defaultMode && !mode) {
            if (untrusted && !isTightening(*file.defaultMode)) {
                policy.m_ignored << QStringLiteral("%1: defaultMode %2 (folder not trusted)").arg(file.path, modeName(*file.defaultMode));
            } else {
                mode = file.defaultMode;
                policy.m_modeLayer = file.layer;
            }
        }
        if (file.sandboxAutoAllow && !autoAllow) {
            if (untrusted && *file.sandboxAutoAllow)
                policy.m_ignored << QStringLiteral("%1: sandbox.autoAllow (folder not trusted)").arg(file.path);
            else
                autoAllow = file.sandboxAutoAllow;
        }
        const auto loosening = [&](const QStringList &items, const QString &what, QStringList &target) {
            for (const QString &item : items) {
                if (untrusted)
                    policy.m_ignored << QStringLiteral("%1: %2 %3 (folder not trusted)").arg(file.path, what, item);
                else
                    target << item;
            }
        };
        QStringList extraDirectories;
        loosening(file.additionalDirectories, QStringLiteral("additional directory"), extraDirectories);
        for (const QString &directory : std::as_const(extraDirectories))
            if (!policy.m_workspace.contains(directory))
                policy.m_workspace << directory;
        if (managedDomainsOnly && file.layer != Layer::Managed) {
            for (const QString &domain : std::as_const(file.allowedDomains))
                policy.m_ignored << QStringLiteral("%1: allowed domain %2 (managed settings allow only their own domains)")
                                        .arg(file.path, domain);
        } else {
            loosening(file.allowedDomains, QStringLiteral("allowed domain"), policy.m_allowedDomains);
        }
        loosening(file.allowWrite, QStringLiteral("writable folder"), policy.m_allowWrite);
        loosening(file.environmentAllow, QStringLiteral("environment variable for sandboxed commands"),
                  policy.m_environmentAllow);
        loosening(file.allowRead, QStringLiteral("readable path"), policy.m_allowRead);
        if (managedMcpOnly && file.layer != Layer::Managed && !untrusted
            && (file.enableAllProjectMcpServers.value_or(false) || !file.enabledMcpjsonServers.isEmpty()))
            policy.m_ignored << QStringLiteral("%1: MCP servers of .mcp.json (managed settings allow only their own MCP servers)")
                                    .arg(file.path);
        // Tightening lists apply from every layer, trusted or not.
        policy.m_deniedDomains << file.deniedDomains;
        policy.m_denyRead << file.denyRead;
        if (untrusted) {
            if (!file.env.isEmpty())
                policy.m_ignored << QStringLiteral("%1: environment variables %2 (folder not trusted)")
                                        .arg(file.path, file.env.keys().join(QStringLiteral(", ")));
            if (!file.hooks.isEmpty())
                policy.m_ignored << QStringLiteral("%1: hooks (folder not trusted)").arg(file.path);
            if (file.enableAllProjectMcpServers.value_or(false) || !file.enabledMcpjsonServers.isEmpty())
                policy.m_ignored << QStringLiteral("%1: MCP servers of .mcp.json (folder not trusted)").arg(file.path);
        }
    }

    policy.m_mode = mode.value_or(Mode::Default);
    policy.m_modeFromSettings = mode.has_value();
    if (policy.m_mode == Mode::BypassPermissions && bypassDisabled) {
        policy.m_warnings << QStringLiteral("bypassPermissions is switched off by settings; using the default mode");
        policy.m_mode = Mode::Default;
    }
    policy.m_sandboxAutoAllow = autoAllow.value_or(false);
    policy.m_files = loaded;
    return policy;
}

} // namespace gatehouse::policy
