// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/clients/retrypolicy.h"
#include "agent/clients/ssestream.h"
#include "agent/modelclient.h"

#include <QNetworkAccessManager>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <optional>
#include <variant>

class QNetworkReply;

namespace gatehouse::agent {

/// Where and how an HTTP model client talks to its server (filled from ModelConfig).
struct HttpClientOptions
{
    QUrl baseUrl;
    QString model;        ///< used when a request names none
    QString apiKey;       ///< may be empty (local servers)
    QString apiKeyOrigin; ///< where the key came from, for messages ("ANTHROPIC_API_KEY", "the keychain")
    RetryPolicy retry;
    int idleTimeoutMs = 120000; ///< no byte for this long: the request fails
    /// A reply's stream longer than this is given up (not retried): a server that streams without
    /// end must not fill the memory or hold the run forever. Far above any real reply.
    qint64 maxReplyBytes = 64 * 1024 * 1024;
};

/// The part the Anthropic and OpenAI-compatible clients share: one streamed POST at a time,
/// retries with backoff, an idle timeout, cancellation, and the rule that every send() ends in
/// exactly one replyFinished() or replyFailed(), always from the event loop. The subclasses only
/// build the request and decode the events of their dialect.
class HttpModelClient : public ModelClient
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpModelClient)

public:
    explicit HttpModelClient(HttpClientOptions options, QObject *parent = nullptr);
    ~HttpModelClient() override;

    /// Ignored (with a warning) while another request is in flight: one request at a time.
    void send(const ModelRequest &request) final;
    void cancel() final;
    bool isBusy() const final { return m_busy; }

    const HttpClientOptions &options() const { return m_options; }

protected:
    /// A failure found in the stream; @p retryable only counts while nothing was streamed yet.
    struct StreamFailure
    {
        ModelError error;
        bool retryable = false;
    };
    using StreamOutcome = std::variant<ModelReply, StreamFailure>;

    /// The URL and headers of the POST.
    virtual QNetworkRequest networkRequest() const = 0;
    virtual QByteArray requestBody(const ModelRequest &request) const = 0;
    /// A new attempt begins: forget everything decoded so far.
    virtual void resetStream() = 0;
    /// One event of the stream; a value ends the request.
    virtual std::optional<StreamOutcome> handleEvent(const SseEvent &event) = 0;
    /// The body ended without an outcome: a complete reply, or the stream was cut short.
    virtual StreamOutcome handleEndOfStream() = 0;
    /// "Anthropic API", "OpenAI-compatible server": for messages.
    virtual QString serverLabel() const = 0;
    /// Where the person sets the key, for the message of a 401.
    virtual QString keyAdvice() const = 0;

    /// Emit streamed content through these, so that a failure after them is not retried.
    void streamText(const QString &text);
    void streamToolUse(const QString &id, const QString &name);

    /// @p message with the API key taken out, should a server echo it.
    QString redacted(QString message) const;
    /// The "connection lost" failure of a stream cut short.
    ModelError connectionLost(const QString &detail) const;
    QString modelFor(const ModelRequest &request) const;

private:
    void startAttempt();
    void onReadyRead();
    void onFinished();
    void onIdleTimeout();
    void failOrRetry(ModelError error, bool retryable, const QByteArray &retryAfter = {},
                     const QByteArray &retryAfterMs = {});
    ModelError httpError(int status, const QByteArray &body) const;
    void conclude(std::variant<ModelReply, ModelError> outcome);
    void completeAfterBody(const ModelReply &reply);
    void dropReply(bool gracefully);

    HttpClientOptions m_options;
    QNetworkAccessManager m_network;
    QPointer<QNetworkReply> m_reply;
    QTimer m_idleTimer;
    QTimer m_retryTimer;
    SseParser m_sse;
    /// The reply is complete; what is left is the end of the HTTP body, read so that the
    /// connection can be used again.
    std::optional<ModelReply> m_complete;
    QByteArray m_body;
    QByteArray m_errorBody;
    int m_status = 0;
    qint64 m_replyBytes = 0; ///< of the current attempt
    int m_retries = 0;
    quint64 m_generation = 0;
    bool m_busy = false;
    bool m_concluded = false;
    bool m_receivedBytes = false;
    bool m_streamed = false;
};

} // namespace gatehouse::agent
