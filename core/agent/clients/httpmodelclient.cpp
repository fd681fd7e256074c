// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/clients/httpmodelclient.h"

#include "log/logging.h"
#include "log/qtformat.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

namespace gatehouse::agent {

namespace {

constexpr qsizetype MaxErrorBody = 64 * 1024;

bool isConnectionFailure(QNetworkReply::NetworkError error)
{
    // Failures before any answer that tend to pass: a server restarting, a connection reused
    // after the server closed it, a proxy hiccup. A wrong host name is not among them.
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::UnknownNetworkError:
        return true;
    default:
        return false;
    }
}

QString seconds(int ms)
{
    return ms % 1000 == 0 ? QString::number(ms / 1000) : QString::number(ms / 1000.0, 'f', 1);
}

} // namespace

HttpModelClient::HttpModelClient(HttpClientOptions options, QObject *parent)
    : ModelClient(parent)
    , m_options(std::move(options))
{
    m_idleTimer.setSingleShot(true);
    m_retryTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &HttpModelClient::onIdleTimeout);
    connect(&m_retryTimer, &QTimer::timeout, this, &HttpModelClient::startAttempt);
}

HttpModelClient::~HttpModelClient()
{
    dropReply(false);
}

void HttpModelClient::send(const ModelRequest &request)
{
    if (m_busy) {
        log::logger("agent")->warn("a model request was sent while another one is in flight; ignored");
        return;
    }
    ++m_generation;
    m_busy = true;
    m_concluded = false;
    m_retries = 0;
    m_body = requestBody(request);
    // Posting never reports synchronously, so send() never emits.
    startAttempt();
}

void HttpModelClient::cancel()
{
    if (!m_busy || m_concluded)
        return;
    conclude(ModelError{ModelError::Kind::Cancelled, QStringLiteral("Cancelled."), 0});
}

void HttpModelClient::startAttempt()
{
    m_sse.reset();
    m_complete.reset();
    m_errorBody.clear();
    m_status = 0;
    m_replyBytes = 0;
    m_streamed = false;
    resetStream();

    QNetworkRequest request = networkRequest();
    // A redirect would carry the key to wherever it points: never follow one.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader(QByteArrayLiteral("accept"), QByteArrayLiteral("text/event-stream"));
    QNetworkReply *reply = m_network.post(request, m_body);
    m_reply = reply;
    connect(reply, &QNetworkReply::readyRead, this, &HttpModelClient::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &HttpModelClient::onFinished);
    connect(reply, &QNetworkReply::uploadProgress, this, [this] { m_idleTimer.start(); });
    m_idleTimer.start(std::max(1, m_options.idleTimeoutMs));
}

void HttpModelClient::onReadyRead()
{
    QNetworkReply *reply = m_reply;
    if (!reply || m_concluded)
        return;
    m_idleTimer.start();
    if (m_status == 0)
        m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray bytes = reply->readAll();
    if (m_complete)
        return;
    if (m_status < 200 || m_status >= 300) {
        m_errorBody += bytes.left(MaxErrorBody - m_errorBody.size());
        return;
    }
    m_replyBytes += bytes.size();
    if (m_replyBytes > m_options.maxReplyBytes) {
        conclude(ModelError{ModelError::Kind::BadResponse,
                            QStringLiteral("The %1 sent more than %2 MiB for one reply without ending it; the reply "
                                           "was given up. The conversation is kept.")
                                .arg(serverLabel())
                                .arg(double(m_options.maxReplyBytes) / (1024.0 * 1024.0), 0, 'g', 3),
                            m_status});
        return;
    }
    for (const SseEvent &event : m_sse.feed(bytes)) {
        const auto outcome = handleEvent(event);
        if (m_reply != reply || m_concluded)
            return; // a slot connected to a streamed signal cancelled the request
        if (!outcome)
            continue;
        if (const auto *failure = std::get_if<StreamFailure>(&*outcome))
            failOrRetry(failure->error, failure->retryable && !m_streamed);
        else
            completeAfterBody(std::get<ModelReply>(*outcome));
        return;
    }
}

void HttpModelClient::completeAfterBody(const ModelReply &reply)
{
    if (m_reply->isFinished()) {
        conclude(reply);
        return;
    }
    m_complete = reply;
    m_idleTimer.start(std::min(m_options.idleTimeoutMs, 2000));
}

void HttpModelClient::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply || m_concluded)
        return;
    m_idleTimer.stop();
    if (m_complete) {
        conclude(*m_complete);
        return;
    }
    if (m_status == 0)
        m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_status == 0) {
        const bool retryable = isConnectionFailure(reply->error());
        const QString message = QStringLiteral("Could not reach the %1 at %2: %3.")
                                    .arg(serverLabel(), m_options.baseUrl.host(), reply->errorString());
        failOrRetry(ModelError{ModelError::Kind::Network, message, 0}, retryable);
        return;
    }
    if (m_status >= 200 && m_status < 300) {
        if (reply->bytesAvailable() > 0) {
            onReadyRead();
            if (m_reply != reply || m_concluded)
                return;
        }
        if (reply->error() != QNetworkReply::NoError) {
            conclude(connectionLost(reply->errorString()));
            return;
        }
        const StreamOutcome outcome = handleEndOfStream();
        if (const auto *failure = std::get_if<StreamFailure>(&outcome))
            failOrRetry(failure->error, failure->retryable && !m_streamed);
        else
            conclude(std::get<ModelReply>(outcome));
        return;
    }
    m_errorBody += reply->readAll().left(MaxErrorBody - m_errorBody.size());
    failOrRetry(httpError(m_status, m_errorBody), RetryPolicy::isRetryableStatus(m_status),
                reply->rawHeader(QByteArrayLiteral("retry-after")),
                reply->rawHeader(QByteArrayLiteral("retry-after-ms")));
}

void HttpModelClient::onIdleTimeout()
{
    if (!m_reply || m_concluded)
        return;
    if (m_complete) {
        conclude(*m_complete); // the end of the body is late; the reply itself is whole
        return;
    }
    const QString wait = seconds(m_options.idleTimeoutMs);
    const QString message = m_status == 0
        ? QStringLiteral("The %1 at %2 did not answer within %3 s.").arg(serverLabel(), m_options.baseUrl.host(), wait)
        : QStringLiteral("The %1 sent nothing for %2 s; the reply was given up. The conversation is kept.")
              .arg(serverLabel(), wait);
    conclude(ModelError{ModelError::Kind::Network, message, m_status});
}

void HttpModelClient::failOrRetry(ModelError error, bool retryable, const QByteArray &retryAfter,
                                  const QByteArray &retryAfterMs)
{
    dropReply(false);
    if (!retryable || m_retries >= m_options.retry.maxRetries) {
        if (retryable && m_retries > 0)
            error.message += QStringLiteral(" Gave up after %1 retries.").arg(m_retries);
        conclude(error);
        return;
    }
    ++m_retries;
    const int delay = m_options.retry.delayMs(m_retries, retryAfter, retryAfterMs);
    const quint64 generation = m_generation;
    const QString reason = redacted(error.message);
    log::logger("agent")->info("model request failed ({}); retry {} of {} in {} ms", reason, m_retries,
                               m_options.retry.maxRetries, delay);
    Q_EMIT retrying(m_retries, delay, reason);
    if (generation != m_generation || m_concluded)
        return; // cancelled from a slot
    m_retryTimer.start(delay);
}

ModelError HttpModelClient::httpError(int status, const QByteArray &body) const
{
    QString detail;
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    const QJsonValue error = json.value(QStringLiteral("error"));
    if (error.isObject())
        detail = error.toObject().value(QStringLiteral("message")).toString();
    else if (error.isString())
        detail = error.toString(); // Ollama: {"error":"..."}
    if (detail.isEmpty())
        detail = json.value(QStringLiteral("message")).toString();
    if (detail.isEmpty() && !body.trimmed().startsWith('<')) // not an HTML error page
        detail = QString::fromUtf8(body.left(300)).simplified();
    const QString code = detail.isEmpty() ? QStringLiteral("HTTP %1").arg(status)
                                          : QStringLiteral("HTTP %1: %2").arg(QString::number(status), detail);

    const ModelError::Kind kind = RetryPolicy::kindForStatus(status);
    const QString server = serverLabel();
    QString message;
    switch (kind) {
    case ModelError::Kind::Authentication:
        message = m_options.apiKey.isEmpty()
            ? QStringLiteral("The %1 wants an API key and none is set (%2). %3").arg(server, code, keyAdvice())
            : QStringLiteral("The %1 refused the API key%2 (%3). %4")
                  .arg(server,
                       m_options.apiKeyOrigin.isEmpty() ? QString() : QStringLiteral(" from ") + m_options.apiKeyOrigin,
                       code, keyAdvice());
        break;
    case ModelError::Kind::Permission:
        message = QStringLiteral("The API key is not allowed to do this (%1).").arg(code);
        break;
    case ModelError::Kind::RateLimited:
        message = QStringLiteral("The %1 is rate limiting requests (%2).").arg(server, code);
        break;
    case ModelError::Kind::Overloaded:
        message = QStringLiteral("The %1 is overloaded (%2).").arg(server, code);
        break;
    case ModelError::Kind::InvalidRequest:
        message = status == 404 ? QStringLiteral("The %1 has no %2 (%3); check the base URL and the model.")
                                      .arg(server, m_options.baseUrl.toDisplayString(), code)
                                : QStringLiteral("The %1 rejected the request (%2).").arg(server, code);
        break;
    case ModelError::Kind::Server:
        message = QStringLiteral("The %1 failed (%2).").arg(server, code);
        break;
    default:
        message = QStringLiteral("Unexpected answer from the %1 (%2).").arg(server, code);
        break;
    }
    return ModelError{kind, message, status};
}

void HttpModelClient::conclude(std::variant<ModelReply, ModelError> outcome)
{
    m_concluded = true;
    m_idleTimer.stop();
    m_retryTimer.stop();
    dropReply(std::holds_alternative<ModelReply>(outcome));
    if (auto *error = std::get_if<ModelError>(&outcome))
        error->message = redacted(error->message);
    const quint64 generation = m_generation;
    // Always from the event loop, so that no caller sees a signal inside its own call.
    QMetaObject::invokeMethod(
        this,
        [this, generation, outcome = std::move(outcome)] {
            if (generation != m_generation || !m_busy)
                return;
            m_busy = false;
            if (const auto *reply = std::get_if<ModelReply>(&outcome))
                Q_EMIT replyFinished(*reply);
            else
                Q_EMIT replyFailed(std::get<ModelError>(outcome));
        },
        Qt::QueuedConnection);
}

void HttpModelClient::dropReply(bool gracefully)
{
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    if (!reply)
        return;
    disconnect(reply, nullptr, this, nullptr);
    if (reply->isFinished()) {
        reply->deleteLater();
    } else if (gracefully) {
        // The reply is complete; let the connection finish so that it can be used again, but
        // not forever.
        connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
        QTimer::singleShot(10000, reply, &QNetworkReply::abort);
    } else {
        reply->abort();
        reply->deleteLater();
    }
}

void HttpModelClient::streamText(const QString &text)
{
    m_streamed = true;
    Q_EMIT textDelta(text);
}

void HttpModelClient::streamToolUse(const QString &id, const QString &name)
{
    m_streamed = true;
    Q_EMIT toolUseStarted(id, name);
}

QString HttpModelClient::redacted(QString message) const
{
    if (m_options.apiKey.size() >= 4)
        message.replace(m_options.apiKey, QStringLiteral("[API key]"));
    return message;
}

ModelError HttpModelClient::connectionLost(const QString &detail) const
{
    return ModelError{ModelError::Kind::Network,
                      QStringLiteral("The connection to the %1 was lost during the reply (%2). The conversation is "
                                     "kept; send again to retry.")
                          .arg(serverLabel(), detail),
                      m_status};
}

QString HttpModelClient::modelFor(const ModelRequest &request) const
{
    return request.model.isEmpty() ? m_options.model : request.model;
}

} // namespace gatehouse::agent
