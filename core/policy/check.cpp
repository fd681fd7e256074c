// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/check.h"

#include "policy/engine.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace gatehouse::policy {
namespace {

QByteArray malformedAnswer(const QString &error)
{
    Decision decision;
    decision.verdict = Verdict::Deny;
    decision.reason = QStringLiteral("the input line is not a tool call");
    QJsonObject object = decision.toJson();
    object.insert(QStringLiteral("error"), error);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

QByteArray checkLine(const Engine &engine, QByteArrayView line, bool *malformed)
{
    *malformed = true;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return malformedAnswer(QStringLiteral("invalid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString()));
    if (!document.isObject())
        return malformedAnswer(QStringLiteral("expected a JSON object {\"tool\": ..., \"input\": {...}}"));
    const QJsonObject object = document.object();
    const QJsonValue tool = object.value(QStringLiteral("tool"));
    if (!tool.isString() || tool.toString().isEmpty())
        return malformedAnswer(QStringLiteral("\"tool\" must be a non-empty string"));
    const QJsonValue input = object.value(QStringLiteral("input"));
    if (!input.isObject())
        return malformedAnswer(QStringLiteral("\"input\" must be a JSON object"));
    *malformed = false;
    const Decision decision = engine.decide(ToolCall{tool.toString(), input.toObject()});
    return QJsonDocument(decision.toJson()).toJson(QJsonDocument::Compact);
}

} // namespace gatehouse::policy
