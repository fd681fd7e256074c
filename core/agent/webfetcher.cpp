// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/webfetcher.h"

#include "agent/htmltext.h"
#include "sandbox/hostrules.h"

#include <QHostInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QStringDecoder>

namespace gatehouse::agent {

WebFetcher::WebFetcher(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (m_reply) {
            m_timedOut = true;
            m_reply->abort();
        }
    });
    // Nothing of the person's is sent along: no cookies, no cache, no stored credentials.
    m_network->setCookieJar(nullptr);
    m_network->setRedirectPolicy(QNetworkRequest::UserVerifiedRedirectPolicy);
}

WebFetcher::~WebFetcher()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
    if (m_reply)
        m_reply->abort();
}

Expected<QUrl> WebFetcher::checkUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return fail(QStringLiteral("\"%1\" is not a valid URL").arg(text.left(200)));
    if (url.scheme() != QStringLiteral("http") && url.scheme() != QStringLiteral("https"))
        return fail(QStringLiteral("only http and https URLs can be fetched, not \"%1\"").arg(url.scheme()));
    if (url.host().isEmpty())
        return fail(QStringLiteral("the URL names no host"));
    if (!url.userInfo().isEmpty())
        return fail(QStringLiteral("URLs with credentials in them are not fetched"));
    return url;
}

void WebFetcher::fetch(const QUrl &url, bool localAllowed, std::function<void(Expected<FetchedPage>)> done)
{
    Q_ASSERT(!m_done);
    m_done = std::move(done);
    m_url = url;
    m_page = FetchedPage{};
    m_page.url = url;
    // The name is resolved first so that a host resolving to this machine (a rebinding trick, or
    // "localhost.example") is refused unless a rule names it; connections then go to what the
    // system resolver says, as for any program.
    m_lookupId = QHostInfo::lookupHost(url.host(), this, [this, url, localAllowed](const QHostInfo &info) {
        m_lookupId = -1;
        if (info.error() != QHostInfo::NoError) {
            resolved(url, localAllowed, QStringLiteral("cannot resolve %1: %2").arg(url.host(), info.errorString()));
            return;
        }
        if (!localAllowed) {
            for (const QHostAddress &address : info.addresses()) {
                if (sandbox::isLocalDestination(address)) {
                    resolved(url, localAllowed,
                             QStringLiteral("%1 resolves to %2, an address on this machine or its link; only an allow "
                                            "rule naming the host opens it")
                                 .arg(url.host(), address.toString()));
                    return;
                }
            }
        }
        resolved(url, localAllowed, {});
    });
}

void WebFetcher::resolved(const QUrl &url, bool localAllowed, const QString &error)
{
    Q_UNUSED(localAllowed)
    if (!error.isEmpty()) {
        finish(fail(error));
        return;
    }
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    // The transfer timeout only sees silence; a server that trickles bytes is stopped by this.
    m_deadline.start(totalTimeoutMs);
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Gatehouse-WebFetch/1"));
    request.setRawHeader("Accept", "text/html, text/plain, text/markdown, application/json;q=0.9, */*;q=0.1");
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setMaximumRedirectsAllowed(5);
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::redirected, this, [this](const QUrl &target) {
        // Another host is another decision: stop here and tell the model where it leads.
        const QUrl resolvedTarget = m_url.resolved(target);
        if (resolvedTarget.host().compare(m_url.host(), Qt::CaseInsensitive) == 0
            && (resolvedTarget.scheme() == m_url.scheme() || resolvedTarget.scheme() == QStringLiteral("https"))) {
            m_page.url = resolvedTarget;
            Q_EMIT m_reply->redirectAllowed();
            return;
        }
        m_page.redirectedTo = resolvedTarget;
        m_reply->abort();
    });
    m_body.clear();
    connect(m_reply, &QNetworkReply::readyRead, this, [this] {
        m_body += m_reply->read(maxBytes - m_body.size());
        if (m_body.size() >= maxBytes) {
            m_page.truncated = true; // what came so far is kept; the rest is not read
            m_reply->abort();
        }
    });
    connect(m_reply, &QNetworkReply::finished, this, &WebFetcher::replyFinished);
}

void WebFetcher::replyFinished()
{
    m_deadline.stop();
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();
    if (m_page.redirectedTo.isValid()) {
        finish(m_page);
        return;
    }
    m_page.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_page.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toString();
    m_body += reply->readAll().left(maxBytes - m_body.size());
    const QByteArray body = std::exchange(m_body, {});
    if (reply->error() != QNetworkReply::NoError && !m_page.truncated && m_page.httpStatus == 0) {
        if (std::exchange(m_timedOut, false))
            finish(fail(QStringLiteral("fetching %1 took longer than %2 s").arg(m_url.toString()).arg(totalTimeoutMs / 1000)));
        else if (reply->error() == QNetworkReply::OperationCanceledError)
            finish(fail(QStringLiteral("the fetch was cancelled")));
        else
            finish(fail(QStringLiteral("fetching %1 failed: %2").arg(m_url.toString(), reply->errorString())));
        return;
    }
    const QString type = m_page.contentType.section(u';', 0, 0).trimmed().toLower();
    const bool html = type.isEmpty() ? body.trimmed().startsWith('<') : type.contains(QStringLiteral("html"));
    const bool textual = html || type.startsWith(QStringLiteral("text/")) || type.contains(QStringLiteral("json"))
                         || type.contains(QStringLiteral("xml")) || type.contains(QStringLiteral("javascript"))
                         || type.isEmpty();
    if (!textual || body.contains('\0')) {
        finish(fail(QStringLiteral("%1 is not text (%2, %3 bytes)").arg(m_url.toString(), type.isEmpty() ? QStringLiteral("unknown type") : type).arg(body.size())));
        return;
    }
    auto decoder = QStringDecoder::decoderForHtml(body);
    QString text = decoder.isValid() ? decoder.decode(body) : QString::fromUtf8(body);
    if (html)
        text = htmlToText(text);
    if (text.size() > maxTextChars) {
        text.truncate(maxTextChars);
        m_page.truncated = true;
    }
    m_page.text = text;
    finish(m_page);
}

void WebFetcher::cancel()
{
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
        finish(fail(QStringLiteral("the fetch was cancelled")));
        return;
    }
    if (m_reply)
        m_reply->abort(); // replyFinished reports it
}

void WebFetcher::finish(Expected<FetchedPage> result)
{
    auto done = std::move(m_done);
    m_done = nullptr;
    if (done)
        done(std::move(result));
}

} // namespace gatehouse::agent
