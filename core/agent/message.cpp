// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/message.h"

#include <QJsonArray>

namespace gatehouse::agent {

ContentBlock ContentBlock::makeText(const QString &text)
{
    ContentBlock block;
    block.type = Type::Text;
    block.text = text;
    return block;
}

ContentBlock ContentBlock::makeToolUse(const QString &id, const QString &name, const QJsonObject &input)
{
    ContentBlock block;
    block.type = Type::ToolUse;
    block.id = id;
    block.name = name;
    block.input = input;
    return block;
}

ContentBlock ContentBlock::makeToolResult(const QString &toolUseId, const QString &text, bool isError)
{
    ContentBlock block;
    block.type = Type::ToolResult;
    block.id = toolUseId;
    block.text = text;
    block.isError = isError;
    return block;
}

QJsonObject ContentBlock::toJson() const
{
    switch (type) {
    case Type::Text:
        return {{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), text}};
    case Type::ToolUse:
        return {{QStringLiteral("type"), QStringLiteral("tool_use")},
                {QStringLiteral("id"), id},
                {QStringLiteral("name"), name},
                {QStringLiteral("input"), input}};
    case Type::ToolResult: {
        QJsonObject json{{QStringLiteral("type"), QStringLiteral("tool_result")},
                         {QStringLiteral("tool_use_id"), id},
                         {QStringLiteral("content"), text}};
        if (isError)
            json.insert(QStringLiteral("is_error"), true);
        return json;
    }
    }
    return {};
}

Expected<ContentBlock> ContentBlock::fromJson(const QJsonObject &json)
{
    const QString type = json.value(QStringLiteral("type")).toString();
    if (type == QStringLiteral("text"))
        return makeText(json.value(QStringLiteral("text")).toString());
    if (type == QStringLiteral("tool_use")) {
        const QString id = json.value(QStringLiteral("id")).toString();
        const QString name = json.value(QStringLiteral("name")).toString();
        if (id.isEmpty() || name.isEmpty())
            return fail(QStringLiteral("a tool_use block without id or name"));
        return makeToolUse(id, name, json.value(QStringLiteral("input")).toObject());
    }
    if (type == QStringLiteral("tool_result")) {
        const QString id = json.value(QStringLiteral("tool_use_id")).toString();
        if (id.isEmpty())
            return fail(QStringLiteral("a tool_result block without tool_use_id"));
        // content is a string or a list of text blocks.
        QString text;
        const QJsonValue content = json.value(QStringLiteral("content"));
        if (content.isArray()) {
            for (const QJsonValue &part : content.toArray())
                text += part.toObject().value(QStringLiteral("text")).toString();
        } else {
            text = content.toString();
        }
        return makeToolResult(id, text, json.value(QStringLiteral("is_error")).toBool());
    }
    return fail(QStringLiteral("unknown content block type \"%1\"").arg(type));
}

Message Message::userText(const QString &text)
{
    return Message{Role::User, {ContentBlock::makeText(text)}};
}

QString Message::text() const
{
    QString joined;
    for (const ContentBlock &block : content) {
        if (block.type == ContentBlock::Type::Text)
            joined += block.text;
    }
    return joined;
}

QList<ContentBlock> Message::toolUses() const
{
    QList<ContentBlock> uses;
    for (const ContentBlock &block : content) {
        if (block.type == ContentBlock::Type::ToolUse)
            uses.append(block);
    }
    return uses;
}

QJsonObject Message::toJson() const
{
    QJsonArray blocks;
    for (const ContentBlock &block : content)
        blocks.append(block.toJson());
    return {{QStringLiteral("role"), role == Role::User ? QStringLiteral("user") : QStringLiteral("assistant")},
            {QStringLiteral("content"), blocks}};
}

Expected<Message> Message::fromJson(const QJsonObject &json)
{
    Message message;
    const QString role = json.value(QStringLiteral("role")).toString();
    if (role == QStringLiteral("user"))
        message.role = Role::User;
    else if (role == QStringLiteral("assistant"))
        message.role = Role::Assistant;
    else
        return fail(QStringLiteral("unknown message role \"%1\"").arg(role));
    const QJsonValue content = json.value(QStringLiteral("content"));
    if (content.isString()) {
        message.content.append(ContentBlock::makeText(content.toString()));
        return message;
    }
    for (const QJsonValue &value : content.toArray()) {
        auto block = ContentBlock::fromJson(value.toObject());
        if (!block)
            return std::unexpected(block.error());
        message.content.append(*block);
    }
    return message;
}

QJsonObject ToolDefinition::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("description"), description},
            {QStringLiteral("input_schema"), inputSchema}};
}

QString stopReasonName(StopReason reason)
{
    switch (reason) {
    case StopReason::EndTurn:
        return QStringLiteral("end_turn");
    case StopReason::ToolUse:
        return QStringLiteral("tool_use");
    case StopReason::MaxTokens:
        return QStringLiteral("max_tokens");
    case StopReason::StopSequence:
        return QStringLiteral("stop_sequence");
    case StopReason::Refusal:
        return QStringLiteral("refusal");
    case StopReason::PauseTurn:
        return QStringLiteral("pause_turn");
    case StopReason::Other:
        break;
    }
    return QStringLiteral("other");
}

StopReason stopReasonFromName(const QString &name)
{
    for (StopReason reason : {StopReason::EndTurn, StopReason::ToolUse, StopReason::MaxTokens, StopReason::StopSequence,
                              StopReason::Refusal, StopReason::PauseTurn}) {
        if (stopReasonName(reason) == name)
            return reason;
    }
    return StopReason::Other;
}

QString modelErrorKindName(ModelError::Kind kind)
{
    switch (kind) {
    case ModelError::Kind::Authentication:
        return QStringLiteral("authentication");
    case ModelError::Kind::Permission:
        return QStringLiteral("permission");
    case ModelError::Kind::RateLimited:
        return QStringLiteral("rate-limited");
    case ModelError::Kind::Overloaded:
        return QStringLiteral("overloaded");
    case ModelError::Kind::InvalidRequest:
        return QStringLiteral("invalid-request");
    case ModelError::Kind::Server:
        return QStringLiteral("server");
    case ModelError::Kind::Network:
        return QStringLiteral("network");
    case ModelError::Kind::BadResponse:
        return QStringLiteral("bad-response");
    case ModelError::Kind::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("network");
}

} // namespace gatehouse::agent
