// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/message.h"

#include <QByteArray>
#include <QDateTime>

#include <optional>

namespace gatehouse::agent {

/// When a failed model request is sent again, and after how long. Rate limits (429) and
/// overload (529, 503) are ordinary on busy days: the person should see "retrying in 4 s",
/// not an error, and the server's own retry-after wins over our guess.
struct RetryPolicy
{
    int maxRetries = 4;
    int initialDelayMs = 1000;
    int maxDelayMs = 60000;

    /// Whether an answer with HTTP @p status is worth sending again (408, 409, 429, 5xx, 529).
    static bool isRetryableStatus(int status);
    /// The error kind a status ends in once the retries ran out or when it is not retried.
    static ModelError::Kind kindForStatus(int status);

    /// The wait before retry number @p attempt (1-based). @p retryAfter / @p retryAfterMs are
    /// the raw header values (empty if absent): seconds or an HTTP date, and milliseconds.
    /// A server-given wait is kept (capped at maxDelayMs) with a little jitter added, never
    /// taken away; otherwise the wait doubles from initialDelayMs with jitter, up to maxDelayMs.
    int delayMs(int attempt, const QByteArray &retryAfter = {}, const QByteArray &retryAfterMs = {},
                const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

    /// The server-given wait in milliseconds, if the headers carry a usable one.
    static std::optional<qint64> serverDelayMs(const QByteArray &retryAfter, const QByteArray &retryAfterMs,
                                               const QDateTime &now);
};

} // namespace gatehouse::agent
