// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace gatehouse::agent {

/// A fetched page, reduced to text.
struct FetchedPage
{
    QUrl url;      ///< the page actually read (after same-host redirects)
    int httpStatus = 0;
    QString contentType;
    QString text;  ///< readable text (HTML reduced by htmlToText)
    bool truncated = false;
    /// Set when the server redirected to another host: nothing was read from there; the model
    /// must ask for that URL in a new call (which the policy decides again).
    QUrl redirectedTo;
};

/// The network half of WebFetch. It runs in Gatehouse (not in the sandbox), after the policy
/// or the person allowed the host: it follows redirects only on the same host, refuses
/// destinations on this machine or its link unless @p localAllowed (an allow rule names the
/// host), limits size and time, and never sends cookies or credentials of its own.
class WebFetcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebFetcher)

public:
    static constexpr qint64 maxBytes = 5 * 1024 * 1024;
    static constexpr qsizetype maxTextChars = 100 * 1000;
    static constexpr int timeoutMs = 30 * 1000;      ///< silence
    static constexpr int totalTimeoutMs = 90 * 1000; ///< the whole fetch

    explicit WebFetcher(QObject *parent = nullptr);
    ~WebFetcher() override;

    /// @p done is called once, on the event loop.
    void fetch(const QUrl &url, bool localAllowed, std::function<void(Expected<FetchedPage>)> done);
    void cancel();
    bool isRunning() const { return static_cast<bool>(m_done); }

    /// Whether @p url is one WebFetch may ask for: http or https with a host.
    static Expected<QUrl> checkUrl(const QString &text);

private:
    void resolved(const QUrl &url, bool localAllowed, const QString &error);
    void replyFinished();
    void finish(Expected<FetchedPage> result);

    QNetworkAccessManager *m_network = nullptr;
    QPointer<QNetworkReply> m_reply;
    QUrl m_url;
    FetchedPage m_page;
    QByteArray m_body;
    QTimer m_deadline;
    bool m_timedOut = false;
    int m_lookupId = -1;
    std::function<void(Expected<FetchedPage>)> m_done;
};

} // namespace gatehouse::agent
