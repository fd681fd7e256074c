// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/clients/httpmodelclient.h"

#include <QMap>

namespace gatehouse::agent {

/// The Anthropic Messages API (POST <base>/v1/messages, streamed). The base URL may carry a
/// path for gateways: https://gw.example/anthropic posts to https://gw.example/anthropic/v1/messages.
class AnthropicClient final : public HttpModelClient
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AnthropicClient)

public:
    static constexpr const char *ApiVersion = "2023-06-01";

    explicit AnthropicClient(HttpClientOptions options, QObject *parent = nullptr);
    ~AnthropicClient() override;

    QString kind() const override { return QStringLiteral("anthropic"); }
    /// "claude-sonnet-4-5 (Anthropic API)", or "... via gw.example (Anthropic API)" through a gateway.
    QString displayName() const override;

    /// The JSON body of @p request (public for tests and transcripts).
    QJsonObject requestJson(const ModelRequest &request) const;
    /// The URL the requests go to.
    QUrl endpoint() const;

protected:
    QNetworkRequest networkRequest() const override;
    QByteArray requestBody(const ModelRequest &request) const override;
    void resetStream() override;
    std::optional<StreamOutcome> handleEvent(const SseEvent &event) override;
    StreamOutcome handleEndOfStream() override;
    QString serverLabel() const override { return QStringLiteral("Anthropic API"); }
    QString keyAdvice() const override;

private:
    struct Block
    {
        ContentBlock block;
        QByteArray partialJson;
        bool known = false; ///< a text or tool_use block; others (thinking...) are left out
    };

    std::optional<StreamOutcome> failure(const QString &message) const;

    QMap<int, Block> m_blocks;
    ModelReply m_reply;
    bool m_started = false;
};

/// The kind of an Anthropic error type ("overloaded_error" -> Overloaded, ...).
ModelError::Kind anthropicErrorKind(const QString &type);

} // namespace gatehouse::agent
