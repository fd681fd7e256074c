// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/clients/anthropicclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>

namespace gatehouse::agent {

namespace {

QString joinPath(QString base, const QString &tail)
{
    while (base.endsWith(u'/'))
        base.chop(1);
    return base + tail;
}

} // namespace

ModelError::Kind anthropicErrorKind(const QString &type)
{
    if (type == QStringLiteral("overloaded_error"))
        return ModelError::Kind::Overloaded;
    if (type == QStringLiteral("rate_limit_error"))
        return ModelError::Kind::RateLimited;
    if (type == QStringLiteral("authentication_error"))
        return ModelError::Kind::Authentication;
    if (type == QStringLiteral("permission_error"))
        return ModelError::Kind::Permission;
    if (type == QStringLiteral("invalid_request_error") || type == QStringLiteral("not_found_error")
        || type == QStringLiteral("request_too_large"))
        return ModelError::Kind::InvalidRequest;
    return ModelError::Kind::Server; // api_error, timeout_error and anything new
}

AnthropicClient::AnthropicClient(HttpClientOptions options, QObject *parent)
    : HttpModelClient(std::move(options), parent)
{
}

AnthropicClient::~AnthropicClient() = default;

QString AnthropicClient::displayName() const
{
    const QString host = options().baseUrl.host();
    if (host == QStringLiteral("api.anthropic.com"))
        return QStringLiteral("%1 (Anthropic API)").arg(options().model);
    return QStringLiteral("%1 via %2 (Anthropic API)").arg(options().model, host);
}

QUrl AnthropicClient::endpoint() const
{
    QUrl url = options().baseUrl;
    url.setPath(joinPath(url.path(), QStringLiteral("/v1/messages")));
    return url;
}

QString AnthropicClient::keyAdvice() const
{
    return QStringLiteral("Set a valid key in Settings > Account, or in the ANTHROPIC_API_KEY environment variable.");
}

QJsonObject AnthropicClient::requestJson(const ModelRequest &request) const
{
    QJsonArray messages;
    for (const Message &message : request.messages)
        messages.append(message.toJson());
    QJsonObject json{{QStringLiteral("model"), modelFor(request)},
                     {QStringLiteral("max_tokens"), request.maxTokens},
                     {QStringLiteral("messages"), messages},
                     {QStringLiteral("stream"), true}};
    if (!request.system.isEmpty())
        json.insert(QStringLiteral("system"), request.system);
    if (!request.tools.isEmpty()) {
        QJsonArray tools;
        for (const ToolDefinition &tool : request.tools)
            tools.append(tool.toJson());
        json.insert(QStringLiteral("tools"), tools);
    }
    return json;
}

QNetworkRequest AnthropicClient::networkRequest() const
{
    QNetworkRequest request(endpoint());
    if (!options().apiKey.isEmpty())
        request.setRawHeader(QByteArrayLiteral("x-api-key"), options().apiKey.toUtf8());
    request.setRawHeader(QByteArrayLiteral("anthropic-version"), QByteArray(ApiVersion));
    return request;
}

QByteArray AnthropicClient::requestBody(const ModelRequest &request) const
{
    return QJsonDocument(requestJson(request)).toJson(QJsonDocument::Compact);
}

void AnthropicClient::resetStream()
{
    m_blocks.clear();
    m_reply = ModelReply();
    m_reply.message.role = Role::Assistant;
    m_started = false;
}

std::optional<HttpModelClient::StreamOutcome> AnthropicClient::failure(const QString &message) const
{
    const QString text = QStringLiteral("The Anthropic API sent a reply that could not be read: %1.").arg(message);
    return StreamFailure{ModelError{ModelError::Kind::BadResponse, text, 200}, false};
}

std::optional<HttpModelClient::StreamOutcome> AnthropicClient::handleEvent(const SseEvent &event)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(event.data, &parseError);
    if (!document.isObject())
        return failure(QStringLiteral("an event that is not a JSON object (%1)").arg(parseError.errorString()));
    const QJsonObject json = document.object();
    // The "type" in the data is authoritative; the SSE event name repeats it.
    const QString type = json.value(QStringLiteral("type")).toString(QString::fromUtf8(event.event));
    const int index = json.value(QStringLiteral("index")).toInt(-1);

    if (type == QStringLiteral("message_start")) {
        const QJsonObject message = json.value(QStringLiteral("message")).toObject();
        m_reply.model = message.value(QStringLiteral("model")).toString();
        const QJsonObject usage = message.value(QStringLiteral("usage")).toObject();
        m_reply.usage.inputTokens = usage.value(QStringLiteral("input_tokens")).toInteger();
        m_reply.usage.outputTokens = usage.value(QStringLiteral("output_tokens")).toInteger();
        m_started = true;
    } else if (type == QStringLiteral("content_block_start")) {
        const QJsonObject start = json.value(QStringLiteral("content_block")).toObject();
        const QString blockType = start.value(QStringLiteral("type")).toString();
        Block block;
        if (blockType == QStringLiteral("text")) {
            block.known = true;
            block.block = ContentBlock::makeText(start.value(QStringLiteral("text")).toString());
            if (!block.block.text.isEmpty())
                streamText(block.block.text);
        } else if (blockType == QStringLiteral("tool_use")) {
            const QString id = start.value(QStringLiteral("id")).toString();
            const QString name = start.value(QStringLiteral("name")).toString();
            if (id.isEmpty() || name.isEmpty())
                return failure(QStringLiteral("a tool_use block without id or name"));
            block.known = true;
            block.block = ContentBlock::makeToolUse(id, name, {});
            m_blocks.insert(index, block);
            streamToolUse(id, name);
            return std::nullopt;
        }
        m_blocks.insert(index, block);
    } else if (type == QStringLiteral("content_block_delta")) {
        auto it = m_blocks.find(index);
        if (it == m_blocks.end() || !it->known)
            return std::nullopt; // a delta of a block we leave out (thinking, signatures...)
        const QJsonObject delta = json.value(QStringLiteral("delta")).toObject();
        const QString deltaType = delta.value(QStringLiteral("type")).toString();
        if (deltaType == QStringLiteral("text_delta") && it->block.type == ContentBlock::Type::Text) {
            const QString text = delta.value(QStringLiteral("text")).toString();
            it->block.text += text;
            if (!text.isEmpty())
                streamText(text);
        } else if (deltaType == QStringLiteral("input_json_delta") && it->block.type == ContentBlock::Type::ToolUse) {
            it->partialJson += delta.value(QStringLiteral("partial_json")).toString().toUtf8();
        }
    } else if (type == QStringLiteral("content_block_stop")) {
        auto it = m_blocks.find(index);
        if (it != m_blocks.end() && it->known && it->block.type == ContentBlock::Type::ToolUse) {
            if (it->partialJson.trimmed().isEmpty()) {
                it->block.input = QJsonObject();
            } else {
                const QJsonDocument input = QJsonDocument::fromJson(it->partialJson, &parseError);
                if (!input.isObject())
                    return failure(QStringLiteral("the input of tool call %1 is not a JSON object (%2)")
                                       .arg(it->block.id, parseError.errorString()));
                it->block.input = input.object();
            }
        }
    } else if (type == QStringLiteral("message_delta")) {
        const QJsonObject delta = json.value(QStringLiteral("delta")).toObject();
        const QJsonValue stop = delta.value(QStringLiteral("stop_reason"));
        if (stop.isString())
            m_reply.stopReason = stopReasonFromName(stop.toString());
        const QJsonObject usage = json.value(QStringLiteral("usage")).toObject();
        if (usage.contains(QStringLiteral("output_tokens")))
            m_reply.usage.outputTokens = usage.value(QStringLiteral("output_tokens")).toInteger();
        if (usage.contains(QStringLiteral("input_tokens")))
            m_reply.usage.inputTokens = usage.value(QStringLiteral("input_tokens")).toInteger();
    } else if (type == QStringLiteral("message_stop")) {
        if (!m_started)
            return failure(QStringLiteral("message_stop without message_start"));
        for (const Block &block : std::as_const(m_blocks)) {
            if (block.known)
                m_reply.message.content.append(block.block);
        }
        return m_reply;
    } else if (type == QStringLiteral("error")) {
        const QJsonObject error = json.value(QStringLiteral("error")).toObject();
        const QString errorType = error.value(QStringLiteral("type")).toString();
        const ModelError::Kind kind = anthropicErrorKind(errorType);
        const QString detail = error.value(QStringLiteral("message")).toString(errorType);
        const bool retryable = kind == ModelError::Kind::Overloaded || kind == ModelError::Kind::RateLimited
            || kind == ModelError::Kind::Server;
        const QString message = kind == ModelError::Kind::Overloaded
            ? QStringLiteral("The Anthropic API is overloaded (%1).").arg(detail)
            : QStringLiteral("The Anthropic API stopped the reply with an error (%1: %2).").arg(errorType, detail);
        return StreamFailure{ModelError{kind, message, 200}, retryable};
    }
    // "ping" and event types added later are ignored.
    return std::nullopt;
}

HttpModelClient::StreamOutcome AnthropicClient::handleEndOfStream()
{
    return StreamFailure{connectionLost(m_started ? QStringLiteral("the stream ended before message_stop")
                                                  : QStringLiteral("the answer was empty")),
                         false};
}

} // namespace gatehouse::agent
