// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

/// The conversation with a model, in a form that every model client translates to and from.
/// The shapes follow the Anthropic Messages API (text, tool_use and tool_result blocks), which
/// is also the form of the transcripts on disk.
namespace gatehouse::agent {

struct ContentBlock
{
    enum class Type { Text, ToolUse, ToolResult };
    Type type = Type::Text;
    QString text;      ///< Text: the text; ToolResult: the result's text
    QString id;        ///< ToolUse: its id; ToolResult: the id of the tool_use it answers
    QString name;      ///< ToolUse: the tool's name
    QJsonObject input; ///< ToolUse: the arguments
    bool isError = false; ///< ToolResult: the call failed or was refused

    static ContentBlock makeText(const QString &text);
    static ContentBlock makeToolUse(const QString &id, const QString &name, const QJsonObject &input);
    static ContentBlock makeToolResult(const QString &toolUseId, const QString &text, bool isError);

    /// The Anthropic form ({"type":"text","text":...}, {"type":"tool_use",...}, {"type":"tool_result",...}).
    QJsonObject toJson() const;
    static Expected<ContentBlock> fromJson(const QJsonObject &json);
};

enum class Role { User, Assistant };

struct Message
{
    Role role = Role::User;
    QList<ContentBlock> content;

    static Message userText(const QString &text);
    /// The text blocks, joined.
    QString text() const;
    QList<ContentBlock> toolUses() const;

    /// {"role":"user"|"assistant","content":[...]}
    QJsonObject toJson() const;
    static Expected<Message> fromJson(const QJsonObject &json);
};

/// A tool as the model sees it.
struct ToolDefinition
{
    QString name;
    QString description;
    QJsonObject inputSchema; ///< JSON Schema of the input object

    QJsonObject toJson() const; ///< Anthropic form: name, description, input_schema
};

/// One request to a model: the whole conversation so far.
struct ModelRequest
{
    QString model;
    QString system;
    QList<Message> messages;
    QList<ToolDefinition> tools;
    int maxTokens = 8192;
};

enum class StopReason { EndTurn, ToolUse, MaxTokens, StopSequence, Refusal, PauseTurn, Other };
QString stopReasonName(StopReason reason); ///< "end_turn", "tool_use", "max_tokens", ...
StopReason stopReasonFromName(const QString &name);

struct Usage
{
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
};

/// A complete reply: the assistant message (text and tool_use blocks, in order).
struct ModelReply
{
    Message message;
    StopReason stopReason = StopReason::EndTurn;
    Usage usage;
    QString model; ///< as the server named it
};

struct ModelError
{
    enum class Kind {
        Authentication,  ///< 401: the key is wrong or missing
        Permission,      ///< 403
        RateLimited,     ///< 429 after the retries ran out
        Overloaded,      ///< 529 (or 503) after the retries ran out
        InvalidRequest,  ///< 400, 404, 413...
        Server,          ///< other 5xx
        Network,         ///< connection refused, lost, timed out
        BadResponse,     ///< the server's answer could not be understood
        Cancelled,       ///< cancel() was called
    };
    Kind kind = Kind::Network;
    QString message; ///< fit to show a person; never contains the key
    int httpStatus = 0;
};
QString modelErrorKindName(ModelError::Kind kind); ///< "authentication", "rate-limited", ...

} // namespace gatehouse::agent

Q_DECLARE_METATYPE(gatehouse::agent::ModelReply)
Q_DECLARE_METATYPE(gatehouse::agent::ModelError)
