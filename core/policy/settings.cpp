// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/settings.h"

#include "policy/paths.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace gatehouse::policy {
namespace {

struct Position
{
    int line = 1;
    int column = 1;
};

Position positionOf(const QByteArray &text, qsizetype offset)
{
    Position position;
    offset = std::clamp<qsizetype>(offset, 0, text.size());
    for (qsizetype i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++position.line;
            position.column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++position.column;
        }
    }
    return position;
}

// Where the last key of @p keys appears, searching for each key after the previous one. Good
// enough to point a person at the right line of a file that parsed as JSON.
Position locateKey(const QByteArray &text, const QStringList &keys)
{
    qsizetype from = 0;
    qsizetype found = -1;
    for (const QString &key : keys) {
        const qsizetype at = text.indexOf(QByteArray('"' + key.toUtf8() + '"'), from);
        if (at < 0)
            break;
        found = at;
        from = at + 1;
    }
    return found < 0 ? Position{} : positionOf(text, found);
}

class Parser
{
public:
    Parser(const QByteArray &text, SettingsFile &file, const AnchorFolders &anchors)
        : m_text(text)
        , m_file(file)
        , m_anchors(anchors)
    {
    }

    Error error(const QStringList &keys, const QString &message) const
    {
        const Position at = locateKey(m_text, keys);
        return Error{QStringLiteral("%1:%2:%3: %4").arg(m_file.path).arg(at.line).arg(at.column).arg(message)};
    }
    void warn(const QStringList &keys, const QString &message)
    {
        const Position at = locateKey(m_text, keys);
        m_file.warnings << QStringLiteral("%1:%2:%3: %4").arg(m_file.path).arg(at.line).arg(at.column).arg(message);
    }

    Expected<QStringList> stringList(const QJsonObject &object, const QString &key, const QStringList &path)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return QStringList();
        if (!value.isArray())
            return std::unexpected(error(path, QStringLiteral("\"%1\" must be a list of strings").arg(path.join(u'.'))));
        QStringList out;
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isString())
                return std::unexpected(error(path, QStringLiteral("entry %1 of \"%2\" is not a string").arg(i).arg(path.join(u'.'))));
            out << array.at(i).toString();
        }
        return out;
    }

    Expected<std::optional<bool>> boolean(const QJsonObject &object, const QString &key, const QStringList &path)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return std::optional<bool>();
        if (!value.isBool())
            return std::unexpected(error(path, QStringLiteral("\"%1\" must be true or false").arg(path.join(u'.'))));
        return std::optional<bool>(value.toBool());
    }

    Expected<QJsonObject> object(const QJsonObject &parent, const QString &key, const QStringList &path)
    {
        const QJsonValue value = parent.value(key);
        if (value.isUndefined() || value.isNull())
            return QJsonObject();
        if (!value.isObject())
            return std::unexpected(error(path, QStringLiteral("\"%1\" must be an object").arg(path.join(u'.'))));
        return value.toObject();
    }

    void unknownKeys(const QJsonObject &object, const QStringList &known, const QStringList &path)
    {
        for (auto it = object.begin(); it != object.end(); ++it)
            if (!known.contains(it.key()))
                warn(path + QStringList{it.key()},
                     QStringLiteral("unknown setting \"%1\" is ignored").arg((path + QStringList{it.key()}).join(u'.')));
    }

    Expected<void> rules(const QJsonObject &permissions, const QString &key, Verdict verdict)
    {
        const QStringList path{QStringLiteral("permissions"), key};
        auto list = stringList(permissions, key, path);
        if (!list)
            return std::unexpected(list.error());
        for (const QString &text : std::as_const(*list)) {
            QStringList warnings;
            auto rule = parseRule(text, m_anchors, &warnings);
            for (const QString &warning : std::as_const(warnings))
                warn(path, warning);
            if (!rule) {
                // An allow rule that cannot be understood is left out (that only asks more);
                // a deny or ask rule never is: the file is an error until it is fixed.
                if (verdict == Verdict::Allow) {
                    warn(path, rule.error().message + QStringLiteral(" (left out)"));
                    continue;
                }
                return std::unexpected(error(path, rule.error().message));
            }
            m_file.rules << RuleEntry{*rule, verdict, m_file.layer, m_file.path};
        }
        return {};
    }

    Expected<void> parse(const QJsonObject &root)
    {
        unknownKeys(root,
                    {QStringLiteral("$schema"), QStringLiteral("permissions"), QStringLiteral("sandbox"),
                     QStringLiteral("env"), QStringLiteral("hooks"), QStringLiteral("enableAllProjectMcpServers"),
                     QStringLiteral("enabledMcpjsonServers"), QStringLiteral("disabledMcpjsonServers"),
                     QStringLiteral("allowManagedPermissionRulesOnly"), QStringLiteral("allowManagedDomainsOnly"),
                     QStringLiteral("allowManagedMcpServersOnly"), QStringLiteral("disableAlwaysAllow"),
                     QStringLiteral("model"), QStringLiteral("modelProvider"), QStringLiteral("cleanupPeriodDays")},
                    {});

        auto permissions = object(root, QStringLiteral("permissions"), {QStringLiteral("permissions")});
        if (!permissions)
            return std::unexpected(permissions.error());
        unknownKeys(*permissions,
                    {QStringLiteral("allow"), QStringLiteral("ask"), QStringLiteral("deny"), QStringLiteral("defaultMode"),
                     QStringLiteral("additionalDirectories"), QStringLiteral("disableBypassPermissionsMode")},
                    {QStringLiteral("permissions")});
        // Deny and ask first: their errors matter most.
        for (const auto &[key, verdict] : {std::pair{QStringLiteral("deny"), Verdict::Deny},
                                           std::pair{QStringLiteral("ask"), Verdict::Ask},
                                           std::pair{QStringLiteral("allow"), Verdict::Allow}})
            if (auto ok = rules(*permissions, key, verdict); !ok)
                return ok;

        const QJsonValue mode = permissions->value(QStringLiteral("defaultMode"));
        if (!mode.isUndefined() && !mode.isNull()) {
            const auto parsed = mode.isString() ? modeFromName(mode.toString()) : std::nullopt;
            if (!parsed)
                return std::unexpected(error({QStringLiteral("permissions"), QStringLiteral("defaultMode")},
                                             QStringLiteral("\"defaultMode\" must be one of default, acceptEdits, plan, "
                                                            "dontAsk, bypassPermissions")));
            m_file.defaultMode = parsed;
        }
        auto directories = stringList(*permissions, QStringLiteral("additionalDirectories"),
                                      {QStringLiteral("permissions"), QStringLiteral("additionalDirectories")});
        if (!directories)
            return std::unexpected(directories.error());
        for (const QString &directory : std::as_const(*directories))
            m_file.additionalDirectories << resolvePath(directory, m_anchors.settingsBase, m_anchors.home).canonical;
        const QJsonValue bypass = permissions->value(QStringLiteral("disableBypassPermissionsMode"));
        if (!bypass.isUndefined() && !bypass.isNull()) {
            if (bypass.toString() != QStringLiteral("disable"))
                return std::unexpected(error({QStringLiteral("permissions"), QStringLiteral("disableBypassPermissionsMode")},
                                             QStringLiteral("\"disableBypassPermissionsMode\" takes the value \"disable\"")));
            m_file.disableBypassPermissionsMode = true;
        }

        auto sandbox = object(root, QStringLiteral("sandbox"), {QStringLiteral("sandbox")});
        if (!sandbox)
            return std::unexpected(sandbox.error());
        unknownKeys(*sandbox,
                    {QStringLiteral("enabled"), QStringLiteral("autoAllow"), QStringLiteral("network"),
                     QStringLiteral("filesystem"), QStringLiteral("environment")},
                    {QStringLiteral("sandbox")});
        auto autoAllow = boolean(*sandbox, QStringLiteral("autoAllow"), {QStringLiteral("sandbox"), QStringLiteral("autoAllow")});
        if (!autoAllow)
            return std::unexpected(autoAllow.error());
        m_file.sandboxAutoAllow = *autoAllow;
        auto network = object(*sandbox, QStringLiteral("network"), {QStringLiteral("sandbox"), QStringLiteral("network")});
        if (!network)
            return std::unexpected(network.error());
        for (const auto &[key, target] : {std::pair{QStringLiteral("allowedDomains"), &m_file.allowedDomains},
                                          std::pair{QStringLiteral("deniedDomains"), &m_file.deniedDomains}}) {
            const QStringList keyPath{QStringLiteral("sandbox"), QStringLiteral("network"), key};
            auto list = stringList(*network, key, keyPath);
            if (!list)
                return std::unexpected(list.error());
            for (const QString &domain : std::as_const(*list))
                if (!HostPattern::compile(domain))
                    return std::unexpected(error(keyPath, QStringLiteral("\"%1\" is not a host name or *.host pattern").arg(domain)));
            *target = *list;
        }
        auto filesystem = object(*sandbox, QStringLiteral("filesystem"), {QStringLiteral("sandbox"), QStringLiteral("filesystem")});
        if (!filesystem)
            return std::unexpected(filesystem.error());
        for (const auto &[key, target] : {std::pair{QStringLiteral("denyRead"), &m_file.denyRead},
                                          std::pair{QStringLiteral("allowWrite"), &m_file.allowWrite},
                                          std::pair{QStringLiteral("allowRead"), &m_file.allowRead}}) {
            auto list = stringList(*filesystem, key, {QStringLiteral("sandbox"), QStringLiteral("filesystem"), key});
            if (!list)
                return std::unexpected(list.error());
            for (const QString &entry : std::as_const(*list))
                *target << resolvePath(entry, m_anchors.settingsBase, m_anchors.home).canonical;
        }

        auto environment = object(*sandbox, QStringLiteral("environment"), {QStringLiteral("sandbox"), QStringLiteral("environment")});
        if (!environment)
            return std::unexpected(environment.error());
        unknownKeys(*environment, {QStringLiteral("allow")}, {QStringLiteral("sandbox"), QStringLiteral("environment")});
        const QStringList environmentKey{QStringLiteral("sandbox"), QStringLiteral("environment"), QStringLiteral("allow")};
        auto environmentAllow = stringList(*environment, QStringLiteral("allow"), environmentKey);
        if (!environmentAllow)
            return std::unexpected(environmentAllow.error());
        // A name, or a name prefix and one '*': a lone '*' would pass the whole environment.
        static const QRegularExpression variablePattern(QStringLiteral("\\A[A-Za-z_][A-Za-z0-9_]*\\*?\\z"));
        for (const QString &name : std::as_const(*environmentAllow))
            if (!variablePattern.match(name).hasMatch())
                return std::unexpected(error(environmentKey, QStringLiteral("\"%1\" is not a variable name or NAME_PREFIX* pattern").arg(name)));
        m_file.environmentAllow = *environmentAllow;

        auto env = object(root, QStringLiteral("env"), {QStringLiteral("env")});
        if (!env)
            return std::unexpected(env.error());
        m_file.env = *env;
        auto hooks = object(root, QStringLiteral("hooks"), {QStringLiteral("hooks")});
        if (!hooks)
            return std::unexpected(hooks.error());
        m_file.hooks = *hooks;
        auto allMcp = boolean(root, QStringLiteral("enableAllProjectMcpServers"), {QStringLiteral("enableAllProjectMcpServers")});
        if (!allMcp)
            return std::unexpected(allMcp.error());
        m_file.enableAllProjectMcpServers = *allMcp;
        auto enabledMcp = stringList(root, QStringLiteral("enabledMcpjsonServers"), {QStringLiteral("enabledMcpjsonServers")});
        if (!enabledMcp)
            return std::unexpected(enabledMcp.error());
        m_file.enabledMcpjsonServers = *enabledMcp;

        for (const auto &[key, target] : {std::pair{QStringLiteral("allowManagedPermissionRulesOnly"), &m_file.allowManagedPermissionRulesOnly},
                                          std::pair{QStringLiteral("allowManagedDomainsOnly"), &m_file.allowManagedDomainsOnly},
                                          std::pair{QStringLiteral("allowManagedMcpServersOnly"), &m_file.allowManagedMcpServersOnly},
                                          std::pair{QStringLiteral("disableAlwaysAllow"), &m_file.disableAlwaysAllow}}) {
            auto value = boolean(root, key, {key});
            if (!value)
                return std::unexpected(value.error());
            if (value->has_value() && m_file.layer != Layer::Managed) {
                warn({key}, QStringLiteral("\"%1\" only has effect in managed settings").arg(key));
                continue;
            }
            *target = value->value_or(false);
        }
        return {};
    }

private:
    const QByteArray &m_text;
    SettingsFile &m_file;
    const AnchorFolders &m_anchors;
};

} // namespace

std::optional<Mode> modeFromName(const QString &name)
{
    if (name == QStringLiteral("default"))
        return Mode::Default;
    if (name == QStringLiteral("acceptEdits"))
        return Mode::AcceptEdits;
    if (name == QStringLiteral("plan"))
        return Mode::Plan;
    if (name == QStringLiteral("dontAsk"))
        return Mode::DontAsk;
    if (name == QStringLiteral("bypassPermissions"))
        return Mode::BypassPermissions;
    return std::nullopt;
}

QString modeName(Mode mode)
{
    switch (mode) {
    case Mode::Default:
        return QStringLiteral("default");
    case Mode::AcceptEdits:
        return QStringLiteral("acceptEdits");
    case Mode::Plan:
        return QStringLiteral("plan");
    case Mode::DontAsk:
        return QStringLiteral("dontAsk");
    case Mode::BypassPermissions:
        return QStringLiteral("bypassPermissions");
    }
    return QStringLiteral("default");
}

Expected<SettingsFile> parseSettings(const QByteArray &json, const QString &path, Layer layer, const AnchorFolders &anchors)
{
    SettingsFile file;
    file.path = path;
    file.layer = layer;
    if (json.trimmed().isEmpty())
        return fail(QStringLiteral("%1:1:1: the file is empty (write {} for no settings)").arg(path));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const Position at = positionOf(json, parseError.offset);
        return fail(QStringLiteral("%1:%2:%3: %4").arg(path).arg(at.line).arg(at.column).arg(parseError.errorString()));
    }
    if (!document.isObject())
        return fail(QStringLiteral("%1:1:1: the settings must be a JSON object").arg(path));
    Parser parser(json, file, anchors);
    if (auto ok = parser.parse(document.object()); !ok)
        return std::unexpected(ok.error());
    return file;
}

Expected<SettingsFile> loadSettingsFile(const QString &path, Layer layer, const AnchorFolders &anchors)
{
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink()) {
        SettingsFile empty;
        empty.path = path;
        empty.layer = layer;
        return empty;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("%1:1:1: cannot be read: %2").arg(path, file.errorString()));
    return parseSettings(file.readAll(), path, layer, anchors);
}

Expected<QString> projectConfigFile(const QString &projectDir, const QString &relativePath)
{
    const QString path = projectDir + u'/' + relativePath;
    // Walk down component by component, so that the message names the link that leads out
    // (".gatehouse" itself, or the file), not only the file reached through it.
    QString step = projectDir;
    for (const QString &component : relativePath.split(u'/', Qt::SkipEmptyParts)) {
        step += u'/' + component;
        const QString real = canonicalPath(step, projectDir);
        if (!isInside(real, projectDir))
            return fail(QStringLiteral("%1:1:1: %2 is a link to %3; a project's configuration must live in the project, "
                                       "so this file is not read and nothing is allowed without asking until the link "
                                       "is removed")
                            .arg(path, step, real));
    }
    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return fail(QStringLiteral("%1:1:1: not a regular file; a project's configuration must be a plain file").arg(path));
    return path;
}

} // namespace gatehouse::policy
