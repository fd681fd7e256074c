// SPDX-License-Identifier: GPL-3.0-or-later
#include "trust/truststore.h"

#include "common/filelock.h"
#include "policy/paths.h"
#include "policy/settings.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace gatehouse::trust {
namespace {

QString canonicalFolder(const QString &path)
{
    return policy::canonicalPath(policy::cleanAbsolute(QDir(path).absolutePath()));
}

QString compact(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return value.toVariant().toString();
}

void readMcpServers(const QString &projectDir, QStringList &items, QStringList &canonical, QStringList &errors)
{
    const auto checked = policy::projectConfigFile(projectDir, QStringLiteral(".mcp.json"));
    if (!checked) {
        errors << checked.error().message;
        return;
    }
    const QString path = *checked;
    QFile file(path);
    if (!file.exists())
        return;
    if (!file.open(QIODevice::ReadOnly)) {
        errors << QStringLiteral("%1: cannot be read: %2").arg(path, file.errorString());
        return;
    }
    QJsonParseError parseError;
    const QByteArray text = file.readAll();
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        errors << QStringLiteral("%1: not a JSON object (%2 at offset %3)").arg(path, parseError.errorString()).arg(parseError.offset);
        return;
    }
    const QJsonObject servers = document.object().value(QStringLiteral("mcpServers")).toObject();
    for (auto it = servers.begin(); it != servers.end(); ++it) {
        const QJsonObject server = it.value().toObject();
        QString what;
        if (server.contains(QStringLiteral("command"))) {
            QStringList words{server.value(QStringLiteral("command")).toString()};
            for (const QJsonValue &arg : server.value(QStringLiteral("args")).toArray())
                words << arg.toString();
            what = QStringLiteral("runs %1").arg(words.join(u' '));
        } else if (server.contains(QStringLiteral("url"))) {
            what = QStringLiteral("connects to %1").arg(server.value(QStringLiteral("url")).toString());
        } else {
            what = QStringLiteral("of an unknown kind");
        }
        items << QStringLiteral("starts the MCP server \"%1\", which %2 (.mcp.json)").arg(it.key(), what);
        canonical << QStringLiteral("mcp %1 %2").arg(it.key(), compact(server));
    }
}

} // namespace

Grants readGrants(const QString &projectDir)
{
    Grants grants;
    QStringList canonical; // what the hash covers, independent of wording
    const QString folder = canonicalFolder(projectDir);
    const policy::AnchorFolders anchors{folder, folder, QDir::homePath()};
    for (const auto &[name, layer] : {std::pair{QStringLiteral("settings.json"), policy::Layer::Project},
                                      std::pair{QStringLiteral("settings.local.json"), policy::Layer::Local}}) {
        // A file reached through a link that leads out of the folder is an error, so the folder
        // cannot be trusted while it is there (Policy::load refuses it the same way).
        const auto path = policy::projectConfigFile(folder, QStringLiteral(".gatehouse/") + name);
        if (!path) {
            grants.errors << path.error().message;
            continue;
        }
        auto file = policy::loadSettingsFile(*path, layer, anchors);
        if (!file) {
            grants.errors << file.error().message;
            continue;
        }
        const QString where = QStringLiteral(".gatehouse/") + name;
        for (const policy::RuleEntry &entry : std::as_const(file->rules)) {
            if (entry.verdict != policy::Verdict::Allow)
                continue;
            grants.items << QStringLiteral("allows %1 without asking (%2)").arg(entry.rule.text, where);
            canonical << QStringLiteral("%1 allow %2").arg(where, entry.rule.text);
        }
        if (file->defaultMode && *file->defaultMode != policy::Mode::Default && *file->defaultMode != policy::Mode::Plan
            && *file->defaultMode != policy::Mode::DontAsk) {
            grants.items << QStringLiteral("switches to the %1 mode (%2)").arg(policy::modeName(*file->defaultMode), where);
            canonical << QStringLiteral("%1 mode %2").arg(where, policy::modeName(*file->defaultMode));
        }
        for (const QString &directory : std::as_const(file->additionalDirectories)) {
            grants.items << QStringLiteral("adds the folder %1 to the project (%2)").arg(directory, where);
            canonical << QStringLiteral("%1 directory %2").arg(where, directory);
        }
        if (file->sandboxAutoAllow.value_or(false)) {
            grants.items << QStringLiteral("runs sandboxed commands without asking (%1)").arg(where);
            canonical << QStringLiteral("%1 autoAllow").arg(where);
        }
        for (const QString &domain : std::as_const(file->allowedDomains)) {
            grants.items << QStringLiteral("lets commands reach %1 (%2)").arg(domain, where);
            canonical << QStringLiteral("%1 domain %2").arg(where, domain);
        }
        for (const QString &path2 : std::as_const(file->allowWrite)) {
            grants.items << QStringLiteral("lets commands write to %1 (%2)").arg(path2, where);
            canonical << QStringLiteral("%1 write %2").arg(where, path2);
        }
        for (const QString &variable : std::as_const(file->environmentAllow)) {
            grants.items << QStringLiteral("passes the environment variable %1 to commands (%2)").arg(variable, where);
            canonical << QStringLiteral("%1 environment %2").arg(where, variable);
        }
        for (const QString &path2 : std::as_const(file->allowRead)) {
            grants.items << QStringLiteral("lets commands read %1 (%2)").arg(path2, where);
            canonical << QStringLiteral("%1 read %2").arg(where, path2);
        }
        for (auto it = file->env.begin(); it != file->env.end(); ++it) {
            grants.items << QStringLiteral("sets the environment variable %1 (%2)").arg(it.key(), where);
            canonical << QStringLiteral("%1 env %2=%3").arg(where, it.key(), compact(it.value()));
        }
        if (!file->hooks.isEmpty()) {
            grants.items << QStringLiteral("runs hook commands: %1 (%2)").arg(compact(file->hooks), where);
            canonical << QStringLiteral("%1 hooks %2").arg(where, compact(file->hooks));
        }
        if (file->enableAllProjectMcpServers.value_or(false)) {
            grants.items << QStringLiteral("enables every MCP server of .mcp.json (%1)").arg(where);
            canonical << QStringLiteral("%1 mcp-all").arg(where);
        }
        for (const QString &server : std::as_const(file->enabledMcpjsonServers)) {
            grants.items << QStringLiteral("enables the MCP server %1 (%2)").arg(server, where);
            canonical << QStringLiteral("%1 mcp-enable %2").arg(where, server);
        }
    }
    readMcpServers(folder, grants.items, canonical, grants.errors);
    canonical.sort();
    grants.hash = QCryptographicHash::hash(canonical.join(u'\n').toUtf8(), QCryptographicHash::Sha256).toHex();
    return grants;
}

TrustStore::TrustStore(QString configDir)
    : m_configDir(std::move(configDir))
{
}

QString TrustStore::filePath() const { return m_configDir + QStringLiteral("/trust.json"); }

QList<TrustedFolder> TrustStore::load() const
{
    m_loadError.clear();
    QList<TrustedFolder> folders;
    QFile file(filePath());
    if (!file.exists())
        return folders;
    if (!file.open(QIODevice::ReadOnly)) {
        m_loadError = QStringLiteral("%1: cannot be read: %2").arg(filePath(), file.errorString());
        return folders;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        m_loadError = QStringLiteral("%1: not valid JSON (%2); no folder is trusted until it is fixed")
                          .arg(filePath(), parseError.errorString());
        return folders;
    }
    const QJsonObject entries = document.object().value(QStringLiteral("folders")).toObject();
    for (auto it = entries.begin(); it != entries.end(); ++it) {
        const QJsonObject entry = it.value().toObject();
        folders << TrustedFolder{it.key(), entry.value(QStringLiteral("hash")).toString().toLatin1(),
                                 QDateTime::fromString(entry.value(QStringLiteral("trustedAt")).toString(), Qt::ISODate)};
    }
    return folders;
}

Expected<void> TrustStore::update(const std::function<void(QList<TrustedFolder> &)> &change)
{
    if (!QDir().mkpath(m_configDir))
        return fail(QStringLiteral("cannot create %1").arg(m_configDir));
    // Held from before the load until after the save: a change made by another process in
    // between would otherwise be overwritten by this one's older list.
    const auto lock = filelock::lockForUpdate(filePath());
    if (!lock)
        return std::unexpected(lock.error());
    QList<TrustedFolder> folders = load();
    if (!m_loadError.isEmpty())
        return fail(m_loadError);
    change(folders);
    return save(folders);
}

Expected<void> TrustStore::save(const QList<TrustedFolder> &folders)
{
    QJsonObject entries;
    for (const TrustedFolder &folder : folders)
        entries.insert(folder.path, QJsonObject{{QStringLiteral("hash"), QString::fromLatin1(folder.hash)},
                                                {QStringLiteral("trustedAt"), folder.trustedAt.toString(Qt::ISODate)}});
    const QJsonObject root{{QStringLiteral("version"), 1}, {QStringLiteral("folders"), entries}};
    QSaveFile file(filePath());
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write %1: %2").arg(filePath(), file.errorString()));
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(root).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(filePath(), file.errorString()));
    return {};
}

QList<TrustedFolder> TrustStore::folders() const { return load(); }

std::optional<TrustedFolder> TrustStore::find(const QString &projectDir) const
{
    const QString key = canonicalFolder(projectDir);
    for (const TrustedFolder &folder : load())
        if (folder.path == key)
            return folder;
    return std::nullopt;
}

bool TrustStore::isTrusted(const QString &projectDir, const QByteArray &grantsHash) const
{
    const auto folder = find(projectDir);
    return folder && !grantsHash.isEmpty() && folder->hash == grantsHash;
}

Expected<void> TrustStore::trust(const QString &projectDir, const QByteArray &grantsHash)
{
    const QString key = canonicalFolder(projectDir);
    return update([&](QList<TrustedFolder> &folders) {
        folders.removeIf([&key](const TrustedFolder &folder) { return folder.path == key; });
        folders << TrustedFolder{key, grantsHash, QDateTime::currentDateTimeUtc()};
    });
}

Expected<void> TrustStore::revoke(const QString &projectDir)
{
    const QString key = canonicalFolder(projectDir);
    return update([&key](QList<TrustedFolder> &folders) {
        folders.removeIf([&key](const TrustedFolder &folder) { return folder.path == key; });
    });
}

} // namespace gatehouse::trust
