// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/decision.h"

#include <QJsonArray>

namespace gatehouse::policy {

QString sourceName(Source source)
{
    switch (source) {
    case Source::Managed:
        return QStringLiteral("managed");
    case Source::Cli:
        return QStringLiteral("cli");
    case Source::Session:
        return QStringLiteral("session");
    case Source::Local:
        return QStringLiteral("local");
    case Source::Project:
        return QStringLiteral("project");
    case Source::User:
        return QStringLiteral("user");
    case Source::Builtin:
        return QStringLiteral("builtin");
    case Source::Mode:
        return QStringLiteral("mode");
    case Source::Risk:
        return QStringLiteral("risk");
    case Source::Sandbox:
        return QStringLiteral("sandbox");
    case Source::Default:
        return QStringLiteral("default");
    }
    return QStringLiteral("default");
}

Source sourceFor(Layer layer)
{
    switch (layer) {
    case Layer::Managed:
        return Source::Managed;
    case Layer::Cli:
        return Source::Cli;
    case Layer::Session:
        return Source::Session;
    case Layer::Local:
        return Source::Local;
    case Layer::Project:
        return Source::Project;
    case Layer::User:
        return Source::User;
    }
    return Source::Default;
}

QJsonObject Decision::toJson() const
{
    QJsonObject object;
    object.insert(QStringLiteral("decision"), verdictName(verdict));
    object.insert(QStringLiteral("reason"), reason);
    object.insert(QStringLiteral("rule"), rule.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(rule));
    object.insert(QStringLiteral("source"), sourceName(source));
    object.insert(QStringLiteral("risks"), QJsonArray::fromStringList(risks));
    object.insert(QStringLiteral("description"), description);
    return object;
}

} // namespace gatehouse::policy
