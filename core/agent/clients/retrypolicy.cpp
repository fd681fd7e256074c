// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/clients/retrypolicy.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace gatehouse::agent {

bool RetryPolicy::isRetryableStatus(int status)
{
    // 409: a lock conflict on the server side; 408: request timeout. Both pass when tried again.
    return status == 408 || status == 409 || status == 429 || (status >= 500 && status != 501 && status != 505);
}

ModelError::Kind RetryPolicy::kindForStatus(int status)
{
    switch (status) {
    case 401:
        return ModelError::Kind::Authentication;
    case 403:
        return ModelError::Kind::Permission;
    case 429:
        return ModelError::Kind::RateLimited;
    case 503:
    case 529:
        return ModelError::Kind::Overloaded;
    default:
        break;
    }
    if (status >= 500)
        return ModelError::Kind::Server;
    if (status >= 400)
        return ModelError::Kind::InvalidRequest;
    return ModelError::Kind::BadResponse;
}

std::optional<qint64> RetryPolicy::serverDelayMs(const QByteArray &retryAfter, const QByteArray &retryAfterMs,
                                                 const QDateTime &now)
{
    bool ok = false;
    if (!retryAfterMs.isEmpty()) {
        const double ms = retryAfterMs.trimmed().toDouble(&ok);
        if (ok && ms >= 0 && std::isfinite(ms))
            return qint64(std::ceil(ms));
    }
    if (retryAfter.isEmpty())
        return std::nullopt;
    const double seconds = retryAfter.trimmed().toDouble(&ok);
    if (ok && seconds >= 0 && std::isfinite(seconds))
        return qint64(std::ceil(seconds * 1000));
    const QDateTime date = QDateTime::fromString(QString::fromLatin1(retryAfter.trimmed()), Qt::RFC2822Date);
    if (date.isValid())
        return std::max<qint64>(0, now.msecsTo(date));
    return std::nullopt;
}

int RetryPolicy::delayMs(int attempt, const QByteArray &retryAfter, const QByteArray &retryAfterMs,
                         const QDateTime &now) const
{
    const qint64 cap = std::max(0, maxDelayMs);
    if (const auto server = serverDelayMs(retryAfter, retryAfterMs, now)) {
        const qint64 base = std::min(*server, cap);
        // Up to 10% more, so that many clients told the same second do not all come back at once.
        return int(base + QRandomGenerator::global()->bounded(qint64(base / 10) + 1));
    }
    const int exponent = std::clamp(attempt - 1, 0, 30);
    const double full = std::min<double>(double(std::max(0, initialDelayMs)) * std::pow(2.0, exponent), double(cap));
    // Between 3/4 and all of the computed wait.
    const double jittered = full * (0.75 + 0.25 * QRandomGenerator::global()->generateDouble());
    return int(std::llround(jittered));
}

} // namespace gatehouse::agent
