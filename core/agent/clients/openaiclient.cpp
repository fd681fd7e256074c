// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/clients/openaiclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>

namespace gatehouse::agent {

namespace {

QJsonObject assistantMessage(const Message &message)
{
    QString text;
    QJsonArray calls;
    for (const ContentBlock &block : message.content) {
        if (block.type == ContentBlock::Type::Text) {
            text += block.text;
        } else if (block.type == ContentBlock::Type::ToolUse) {
            const QString arguments = QString::fromUtf8(QJsonDocument(block.input).toJson(QJsonDocument::Compact));
            calls.append(QJsonObject{{QStringLiteral("id"), block.id},
                                     {QStringLiteral("type"), QStringLiteral("function")},
                                     {QStringLiteral("function"),
                                      QJsonObject{{QStringLiteral("name"), block.name},
                                                  {QStringLiteral("arguments"), arguments}}}});
        }
    }
    QJsonObject json{{QStringLiteral("role"), QStringLiteral("assistant")}};
    // With tool calls and no text, content is null, as the API documents it.
    json.insert(QStringLiteral("content"), text.isEmpty() && !calls.isEmpty() ? QJsonValue() : QJsonValue(text));
    if (!calls.isEmpty())
        json.insert(QStringLiteral("tool_calls"), calls);
    return json;
}

/// A user message: its tool results become "tool" messages (first, as they answer the calls of
/// the assistant message just before), its text one "user" message.
void appendUserMessages(const Message &message, QJsonArray &messages)
{
    QString text;
    for (const ContentBlock &block : message.content) {
        if (block.type == ContentBlock::Type::ToolResult) {
            // No is_error field exists in this dialect: the model reads it in the content.
            const QString content = block.isError ? QStringLiteral("Error: ") + block.text : block.text;
            messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("tool")},
                                        {QStringLiteral("tool_call_id"), block.id},
                                        {QStringLiteral("content"), content}});
        } else if (block.type == ContentBlock::Type::Text) {
            text += block.text;
        }
    }
    if (!text.isEmpty())
        messages.append(
            QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), text}});
}

StopReason stopReasonFromFinish(const QString &finish)
{
    if (finish == QStringLiteral("stop"))
        return StopReason::EndTurn;
    if (finish == QStringLiteral("tool_calls") || finish == QStringLiteral("function_call"))
        return StopReason::ToolUse;
    if (finish == QStringLiteral("length"))
        return StopReason::MaxTokens;
    if (finish == QStringLiteral("content_filter"))
        return StopReason::Refusal;
    return StopReason::Other;
}

} // namespace

OpenAiClient::OpenAiClient(HttpClientOptions options, QObject *parent)
    : HttpModelClient(std::move(options), parent)
{
}

OpenAiClient::~OpenAiClient() = default;

QString OpenAiClient::displayName() const
{
    const QUrl base = options().baseUrl;
    const QString where = base.port() > 0 ? QStringLiteral("%1:%2").arg(base.host()).arg(base.port()) : base.host();
    return QStringLiteral("%1 on %2 (OpenAI-compatible server)").arg(options().model, where);
}

QUrl OpenAiClient::endpoint() const
{
    QUrl url = options().baseUrl;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (!path.endsWith(QStringLiteral("/v1")))
        path += QStringLiteral("/v1");
    url.setPath(path + QStringLiteral("/chat/completions"));
    return url;
}

QString OpenAiClient::keyAdvice() const
{
    return QStringLiteral("Set the server's key in the OPENAI_API_KEY environment variable.");
}

QJsonObject OpenAiClient::requestJson(const ModelRequest &request) const
{
    QJsonArray messages;
    if (!request.system.isEmpty())
        messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                    {QStringLiteral("content"), request.system}});
    for (const Message &message : request.messages) {
        if (message.role == Role::Assistant)
            messages.append(assistantMessage(message));
        else
            appendUserMessages(message, messages);
    }
    QJsonObject json{{QStringLiteral("model"), modelFor(request)},
                     {QStringLiteral("stream"), true},
                     {QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}}},
                     {QStringLiteral("messages"), messages},
                     {QStringLiteral("max_tokens"), request.maxTokens}};
    if (!request.tools.isEmpty()) {
        QJsonArray tools;
        for (const ToolDefinition &tool : request.tools) {
            tools.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("function")},
                                     {QStringLiteral("function"),
                                      QJsonObject{{QStringLiteral("name"), tool.name},
                                                  {QStringLiteral("description"), tool.description},
                                                  {QStringLiteral("parameters"), tool.inputSchema}}}});
        }
        json.insert(QStringLiteral("tools"), tools);
    }
    return json;
}

QNetworkRequest OpenAiClient::networkRequest() const
{
    QNetworkRequest request(endpoint());
    if (!options().apiKey.isEmpty())
        request.setRawHeader(QByteArrayLiteral("authorization"), "Bearer " + options().apiKey.toUtf8());
    return request;
}

QByteArray OpenAiClient::requestBody(const ModelRequest &request) const
{
    return QJsonDocument(requestJson(request)).toJson(QJsonDocument::Compact);
}

void OpenAiClient::resetStream()
{
    m_text.clear();
    m_calls.clear();
    m_reply = ModelReply();
    m_reply.message.role = Role::Assistant;
    m_finishSeen = false;
}

HttpModelClient::StreamFailure OpenAiClient::failure(const QString &message) const
{
    return StreamFailure{
        ModelError{ModelError::Kind::BadResponse,
                   QStringLiteral("The OpenAI-compatible server sent a reply that could not be read: %1.").arg(message),
                   200},
        false};
}

std::optional<HttpModelClient::StreamOutcome> OpenAiClient::handleEvent(const SseEvent &event)
{
    if (event.data.trimmed() == "[DONE]")
        return finish();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(event.data, &parseError);
    if (!document.isObject())
        return failure(QStringLiteral("a chunk that is not a JSON object (%1)").arg(parseError.errorString()));
    const QJsonObject json = document.object();
    if (json.contains(QStringLiteral("error"))) {
        const QJsonValue error = json.value(QStringLiteral("error"));
        const QString detail = error.isObject() ? error.toObject().value(QStringLiteral("message")).toString()
                                                : error.toString();
        const QString text =
            QStringLiteral("The OpenAI-compatible server stopped the reply with an error (%1).").arg(detail);
        return StreamFailure{ModelError{ModelError::Kind::Server, text, 200}, true};
    }
    if (const QString model = json.value(QStringLiteral("model")).toString(); !model.isEmpty())
        m_reply.model = model;
    if (const QJsonObject usage = json.value(QStringLiteral("usage")).toObject(); !usage.isEmpty()) {
        m_reply.usage.inputTokens = usage.value(QStringLiteral("prompt_tokens")).toInteger();
        m_reply.usage.outputTokens = usage.value(QStringLiteral("completion_tokens")).toInteger();
    }
    const QJsonArray choices = json.value(QStringLiteral("choices")).toArray();
    if (choices.isEmpty())
        return std::nullopt;
    const QJsonObject choice = choices.first().toObject();
    const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
    if (const QString text = delta.value(QStringLiteral("content")).toString(); !text.isEmpty()) {
        m_text += text;
        streamText(text);
    }
    const QJsonArray calls = delta.value(QStringLiteral("tool_calls")).toArray();
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject fragment = calls.at(i).toObject();
        const int index = fragment.value(QStringLiteral("index")).toInt(int(i));
        ToolCall &call = m_calls[index];
        // The id and name come whole in the first fragment; some servers repeat them later.
        if (call.id.isEmpty())
            call.id = fragment.value(QStringLiteral("id")).toString();
        const QJsonObject function = fragment.value(QStringLiteral("function")).toObject();
        if (call.name.isEmpty())
            call.name = function.value(QStringLiteral("name")).toString();
        const QJsonValue arguments = function.value(QStringLiteral("arguments"));
        // Some servers send the arguments as an object rather than a JSON string.
        call.arguments += arguments.isObject() ? QJsonDocument(arguments.toObject()).toJson(QJsonDocument::Compact)
                                               : arguments.toString().toUtf8();
        if (!call.announced && !call.name.isEmpty()) {
            if (call.id.isEmpty())
                call.id = QStringLiteral("call_%1").arg(index);
            call.announced = true;
            streamToolUse(call.id, call.name);
        }
    }
    const QJsonValue finish = choice.value(QStringLiteral("finish_reason"));
    if (finish.isString()) {
        m_reply.stopReason = stopReasonFromFinish(finish.toString());
        m_finishSeen = true;
    }
    return std::nullopt;
}

HttpModelClient::StreamOutcome OpenAiClient::handleEndOfStream()
{
    // A server that ends the body after the finish reason without "[DONE]" is taken at its word.
    if (m_finishSeen)
        return finish();
    return StreamFailure{connectionLost(QStringLiteral("the stream ended before the reply was complete")), false};
}

HttpModelClient::StreamOutcome OpenAiClient::finish()
{
    if (!m_text.isEmpty())
        m_reply.message.content.append(ContentBlock::makeText(m_text));
    for (const ToolCall &call : std::as_const(m_calls)) {
        if (call.name.isEmpty())
            return failure(QStringLiteral("a tool call without a name"));
        QJsonObject input;
        if (!call.arguments.trimmed().isEmpty()) {
            QJsonParseError parseError;
            const QJsonDocument document = QJsonDocument::fromJson(call.arguments, &parseError);
            if (!document.isObject())
                return failure(QStringLiteral("the arguments of tool call %1 are not a JSON object (%2)")
                                   .arg(call.id, parseError.errorString()));
            input = document.object();
        }
        m_reply.message.content.append(ContentBlock::makeToolUse(call.id, call.name, input));
    }
    // Some servers say "stop" even when they called tools; the calls are what count.
    if (!m_calls.isEmpty())
        m_reply.stopReason = StopReason::ToolUse;
    return m_reply;
}

} // namespace gatehouse::agent
