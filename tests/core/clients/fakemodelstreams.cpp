// SPDX-License-Identifier: GPL-3.0-or-later
// The event streams the fake server sends: the Anthropic Messages API's and the OpenAI
// chat-completions', shaped like the real ones (pings, an empty first input_json_delta, usage
// at the start and the end), with texts and tool inputs cut across several deltas.
#include "fakemodelserver.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace gatehouse::test {

using agent::ContentBlock;

namespace {

QByteArray compact(const QJsonObject &json)
{
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

/// @p text in @p count pieces or fewer (never inside a surrogate pair).
QStringList pieces(const QString &text, int count)
{
    QStringList parts;
    const qsizetype size = std::max<qsizetype>(1, (text.size() + count - 1) / count);
    for (qsizetype start = 0; start < text.size();) {
        qsizetype end = std::min(text.size(), start + size);
        if (end < text.size() && text.at(end).isLowSurrogate())
            ++end;
        parts.append(text.mid(start, end - start));
        start = end;
    }
    return parts;
}

QByteArray anthropicEvent(const char *name, const QJsonObject &data)
{
    return "event: " + QByteArray(name) + "\ndata: " + compact(data) + "\n\n";
}

QByteArray anthropicStream(const FakeStep &step)
{
    QByteArray out;
    const QJsonObject usage{{QStringLiteral("input_tokens"), step.usage.inputTokens},
                            {QStringLiteral("output_tokens"), 1}};
    out += anthropicEvent("message_start",
                          {{QStringLiteral("type"), QStringLiteral("message_start")},
                           {QStringLiteral("message"),
                            QJsonObject{{QStringLiteral("id"), QStringLiteral("msg_fake")},
                                        {QStringLiteral("type"), QStringLiteral("message")},
                                        {QStringLiteral("role"), QStringLiteral("assistant")},
                                        {QStringLiteral("model"), step.model},
                                        {QStringLiteral("content"), QJsonArray()},
                                        {QStringLiteral("stop_reason"), QJsonValue()},
                                        {QStringLiteral("usage"), usage}}}});
    out += "event: ping\ndata: {\"type\": \"ping\"}\n\n";
    for (qsizetype index = 0; index < step.blocks.size(); ++index) {
        const ContentBlock &block = step.blocks.at(index);
        const bool text = block.type == ContentBlock::Type::Text;
        const QJsonObject start = text ? QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                     {QStringLiteral("text"), QString()}}
                                       : QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_use")},
                                                     {QStringLiteral("id"), block.id},
                                                     {QStringLiteral("name"), block.name},
                                                     {QStringLiteral("input"), QJsonObject()}};
        out += anthropicEvent("content_block_start", {{QStringLiteral("type"), QStringLiteral("content_block_start")},
                                                      {QStringLiteral("index"), int(index)},
                                                      {QStringLiteral("content_block"), start}});
        QStringList parts;
        if (text) {
            parts = pieces(block.text, 3);
        } else {
            parts = pieces(QString::fromUtf8(compact(block.input)), 4);
            parts.prepend(QString()); // the real API starts with an empty partial_json
        }
        for (const QString &part : std::as_const(parts)) {
            const QJsonObject delta = text ? QJsonObject{{QStringLiteral("type"), QStringLiteral("text_delta")},
                                                         {QStringLiteral("text"), part}}
                                           : QJsonObject{{QStringLiteral("type"), QStringLiteral("input_json_delta")},
                                                         {QStringLiteral("partial_json"), part}};
            out += anthropicEvent("content_block_delta",
                                  {{QStringLiteral("type"), QStringLiteral("content_block_delta")},
                                   {QStringLiteral("index"), int(index)},
                                   {QStringLiteral("delta"), delta}});
        }
        out += anthropicEvent("content_block_stop", {{QStringLiteral("type"), QStringLiteral("content_block_stop")},
                                                     {QStringLiteral("index"), int(index)}});
    }
    out += anthropicEvent(
        "message_delta",
        {{QStringLiteral("type"), QStringLiteral("message_delta")},
         {QStringLiteral("delta"), QJsonObject{{QStringLiteral("stop_reason"), agent::stopReasonName(step.stopReason)},
                                               {QStringLiteral("stop_sequence"), QJsonValue()}}},
         {QStringLiteral("usage"), QJsonObject{{QStringLiteral("output_tokens"), step.usage.outputTokens}}}});
    out += anthropicEvent("message_stop", {{QStringLiteral("type"), QStringLiteral("message_stop")}});
    return out;
}

QByteArray openAiChunk(const FakeStep &step, const QJsonObject &delta, const QJsonValue &finish = QJsonValue())
{
    const QJsonObject choice{{QStringLiteral("index"), 0}, {QStringLiteral("delta"), delta},
                             {QStringLiteral("finish_reason"), finish}};
    const QJsonObject chunk{{QStringLiteral("id"), QStringLiteral("chatcmpl-fake")},
                            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                            {QStringLiteral("model"), step.model},
                            {QStringLiteral("choices"), QJsonArray{choice}}};
    return "data: " + compact(chunk) + "\n\n";
}

QByteArray openAiStream(const FakeStep &step)
{
    QByteArray out = openAiChunk(
        step, {{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), QString()}});
    int callIndex = 0;
    for (const ContentBlock &block : step.blocks) {
        if (block.type == ContentBlock::Type::Text) {
            for (const QString &part : pieces(block.text, 3))
                out += openAiChunk(step, {{QStringLiteral("content"), part}});
            continue;
        }
        const QJsonObject first{{QStringLiteral("index"), callIndex},
                                {QStringLiteral("id"), block.id},
                                {QStringLiteral("type"), QStringLiteral("function")},
                                {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), block.name},
                                                                         {QStringLiteral("arguments"), QString()}}}};
        out += openAiChunk(step, {{QStringLiteral("tool_calls"), QJsonArray{first}}});
        for (const QString &part : pieces(QString::fromUtf8(compact(block.input)), 4)) {
            const QJsonObject more{{QStringLiteral("index"), callIndex},
                                   {QStringLiteral("function"), QJsonObject{{QStringLiteral("arguments"), part}}}};
            out += openAiChunk(step, {{QStringLiteral("tool_calls"), QJsonArray{more}}});
        }
        ++callIndex;
    }
    QString finish = QStringLiteral("stop");
    if (step.stopReason == agent::StopReason::ToolUse)
        finish = QStringLiteral("tool_calls");
    else if (step.stopReason == agent::StopReason::MaxTokens)
        finish = QStringLiteral("length");
    out += openAiChunk(step, QJsonObject(), finish);
    const QJsonObject usage{{QStringLiteral("prompt_tokens"), step.usage.inputTokens},
                            {QStringLiteral("completion_tokens"), step.usage.outputTokens},
                            {QStringLiteral("total_tokens"), step.usage.inputTokens + step.usage.outputTokens}};
    out += "data: "
        + compact({{QStringLiteral("id"), QStringLiteral("chatcmpl-fake")},
                   {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                   {QStringLiteral("model"), step.model},
                   {QStringLiteral("choices"), QJsonArray()},
                   {QStringLiteral("usage"), usage}})
        + "\n\n";
    out += "data: [DONE]\n\n";
    return out;
}

QList<ContentBlock> longText()
{
    QString text;
    for (int i = 1; i <= 40; ++i)
        text += QStringLiteral("Sentence %1 of a long reply. ").arg(i);
    return {ContentBlock::makeText(text)};
}

} // namespace

QByteArray RecordedRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

FakeStep FakeStep::reply(QList<ContentBlock> blocks, agent::StopReason stop, agent::Usage usage)
{
    FakeStep step;
    step.blocks = std::move(blocks);
    step.stopReason = stop;
    step.usage = usage;
    return step;
}

FakeStep FakeStep::text(const QString &text)
{
    return reply({ContentBlock::makeText(text)});
}

FakeStep FakeStep::error(int status, QByteArray jsonBody, HeaderList headers)
{
    FakeStep step;
    step.kind = Kind::HttpError;
    step.status = status;
    step.body = std::move(jsonBody);
    step.headers = std::move(headers);
    return step;
}

FakeStep FakeStep::dropAfter(qsizetype bytes, QList<ContentBlock> blocks)
{
    FakeStep step = reply(blocks.isEmpty() ? longText() : std::move(blocks));
    step.dropAfterBytes = bytes;
    return step;
}

FakeStep FakeStep::stall(QList<ContentBlock> blocks)
{
    FakeStep step = reply(blocks.isEmpty() ? longText() : std::move(blocks));
    step.stallHalfway = true;
    return step;
}

FakeStep FakeStep::rawStream(QByteArray eventStream)
{
    FakeStep step;
    step.kind = Kind::RawStream;
    step.body = std::move(eventStream);
    return step;
}

FakeStep FakeStep::closeAtOnce()
{
    FakeStep step;
    step.kind = Kind::CloseAtOnce;
    return step;
}

QByteArray FakeModelServer::eventStream(Dialect dialect, const FakeStep &step)
{
    return dialect == Dialect::Anthropic ? anthropicStream(step) : openAiStream(step);
}

QByteArray FakeModelServer::errorBody(Dialect dialect, const QByteArray &type, const QString &message)
{
    const QJsonObject error{{QStringLiteral("type"), QString::fromUtf8(type)}, {QStringLiteral("message"), message}};
    if (dialect == Dialect::Anthropic)
        return compact({{QStringLiteral("type"), QStringLiteral("error")}, {QStringLiteral("error"), error}});
    return compact({{QStringLiteral("error"), error}});
}

} // namespace gatehouse::test
