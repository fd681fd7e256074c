// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/clients/httpmodelclient.h"

#include <QMap>

namespace gatehouse::agent {

/// An OpenAI-compatible chat-completions server, streamed: what local servers such as Ollama
/// and llama.cpp's server speak. POST <base>/v1/chat/completions (a base that already ends in
/// /v1 is used as it is). The conversation is translated from the Anthropic form: tool_use
/// blocks become tool_calls, tool_result blocks become "tool" messages.
class OpenAiClient final : public HttpModelClient
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OpenAiClient)

public:
    explicit OpenAiClient(HttpClientOptions options, QObject *parent = nullptr);
    ~OpenAiClient() override;

    QString kind() const override { return QStringLiteral("openai"); }
    /// "qwen2.5-coder on localhost:11434 (OpenAI-compatible server)".
    QString displayName() const override;

    /// The JSON body of @p request (public for tests).
    QJsonObject requestJson(const ModelRequest &request) const;
    QUrl endpoint() const;

protected:
    QNetworkRequest networkRequest() const override;
    QByteArray requestBody(const ModelRequest &request) const override;
    void resetStream() override;
    std::optional<StreamOutcome> handleEvent(const SseEvent &event) override;
    StreamOutcome handleEndOfStream() override;
    QString serverLabel() const override { return QStringLiteral("OpenAI-compatible server"); }
    QString keyAdvice() const override;

private:
    struct ToolCall
    {
        QString id;
        QString name;
        QByteArray arguments;
        bool announced = false;
    };

    StreamOutcome finish();
    StreamFailure failure(const QString &message) const;

    QString m_text;
    QMap<int, ToolCall> m_calls;
    ModelReply m_reply;
    bool m_finishSeen = false;
};

} // namespace gatehouse::agent
