// SPDX-License-Identifier: GPL-3.0-or-later
#include "approval/rulewriter.h"

#include "approval/ruleproposal.h"
#include "common/filelock.h"
#include "policy/paths.h"
#include "policy/settings.h"
#include "trust/truststore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace gatehouse::approval {
namespace {

using namespace Qt::StringLiterals;
using policy::Layer;

QString projectFolder(const policy::PolicyOptions &options)
{
    return policy::canonicalPath(policy::cleanAbsolute(QDir(options.projectDir).absolutePath()));
}

// QJsonDocument indents by four spaces; settings files use two. JSON strings hold no raw
// newlines, so every line's leading spaces are indentation.
QByteArray indentedByTwo(const QJsonObject &root)
{
    const QByteArray json = QJsonDocument(root).toJson(QJsonDocument::Indented);
    QByteArray out;
    out.reserve(json.size());
    for (const QByteArray &line : json.split('\n')) {
        qsizetype spaces = 0;
        while (spaces < line.size() && line[spaces] == ' ')
            ++spaces;
        out += QByteArray(spaces / 2, ' ') + line.mid(spaces) + '\n';
    }
    out.chop(1); // split() gave an empty last line after the final newline
    return out;
}

} // namespace

Expected<QString> settingsFileFor(const policy::PolicyOptions &options, Layer layer)
{
    switch (layer) {
    case Layer::Local:
        return projectFolder(options) + u"/.gatehouse/settings.local.json"_s;
    case Layer::Project:
        return projectFolder(options) + u"/.gatehouse/settings.json"_s;
    case Layer::User:
        if (options.userConfigDir.isEmpty())
            return fail(u"there is no user configuration folder to save the rule to"_s);
        return policy::cleanAbsolute(QDir(options.userConfigDir).absolutePath()) + u"/settings.json"_s;
    case Layer::Managed:
    case Layer::Cli:
    case Layer::Session:
        break;
    }
    return fail(u"rules are saved to the project's local or shared settings, or to the user's (not the %1 layer)"_s
                    .arg(policy::layerName(layer)));
}

Expected<SavedRules> saveAllowRules(const policy::PolicyOptions &options, Layer layer, const QStringList &rules)
{
    auto target = settingsFileFor(options, layer);
    if (!target)
        return std::unexpected(target.error());
    QString path = *target;
    const bool projectLayer = layer == Layer::Local || layer == Layer::Project;
    const QString project = projectFolder(options);
    if (projectLayer) {
        for (const QString &step : {QString(project + u"/.gatehouse"_s), path})
            if (QFileInfo(step).isSymLink())
                return fail(u"%1 is a symbolic link; Gatehouse does not write settings through it"_s.arg(step));
    } else if (QFileInfo(path).isSymLink()) {
        // The user's own link (dotfiles kept elsewhere): write where it points.
        const QString resolved = QFileInfo(path).canonicalFilePath();
        if (resolved.isEmpty())
            return fail(u"%1 is a symbolic link to a file that does not exist"_s.arg(path));
        path = resolved;
    }

    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder))
        return fail(u"cannot create the folder %1"_s.arg(folder));
    // Held from the read to the trust renewal: another answer saved to the same file meanwhile
    // would otherwise be overwritten, or renew the trust with a hash that no longer holds.
    const auto lock = filelock::lockForUpdate(path);
    if (!lock)
        return std::unexpected(lock.error());

    // Trust is keyed by what the folder grants; remember whether it held before this write.
    trust::TrustStore store(options.userConfigDir);
    const bool trustedBefore = projectLayer && !options.userConfigDir.isEmpty()
                               && store.isTrusted(project, trust::readGrants(project).hash);

    const QFileInfo info(path);
    QJsonObject root;
    if (info.exists()) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return fail(u"%1:1:1: cannot be read: %2"_s.arg(path, file.errorString()));
        const QByteArray text = file.readAll();
        // The same reading as the policy's: a file the policy calls broken is never overwritten.
        if (auto parsed = policy::parseSettings(text, path, layer, anchorsFor(options, layer)); !parsed)
            return std::unexpected(parsed.error());
        root = QJsonDocument::fromJson(text).object();
    }
    QJsonObject permissions = root.value(u"permissions"_s).toObject();
    QJsonArray allow = permissions.value(u"allow"_s).toArray();
    SavedRules saved;
    saved.file = path;
    for (const QString &rule : rules) {
        const QString text = rule.trimmed();
        if (text.isEmpty() || allow.contains(QJsonValue(text)) || saved.added.contains(text))
            continue;
        allow.append(text);
        saved.added << text;
    }
    if (saved.added.isEmpty())
        return saved;
    permissions.insert(u"allow"_s, allow);
    root.insert(u"permissions"_s, permissions);

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(u"cannot write %1: %2"_s.arg(path, file.errorString()));
    if (info.exists())
        file.setPermissions(info.permissions());
    else if (layer == Layer::User)
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(indentedByTwo(root));
    if (!file.commit())
        return fail(u"cannot write %1: %2"_s.arg(path, file.errorString()));

    if (trustedBefore) {
        const trust::Grants grants = trust::readGrants(project);
        if (!grants.errors.isEmpty())
            return fail(u"saved to %1, but the folder's configuration cannot be read to renew its trust: %2"_s.arg(
                path, grants.errors.first()));
        if (auto renewed = store.trust(project, grants.hash); !renewed)
            return fail(u"saved to %1, but the folder's trust could not be renewed: %2"_s.arg(path, renewed.error().message));
        saved.trustRenewed = true;
    }
    return saved;
}

} // namespace gatehouse::approval
