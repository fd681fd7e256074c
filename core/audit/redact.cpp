// SPDX-License-Identifier: GPL-3.0-or-later
#include "audit/redact.h"

#include "secrets/secretshapes.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QReadWriteLock>
#include <QRegularExpression>
#include <QStringList>

namespace gatehouse::audit {
namespace {

QReadWriteLock registryLock;
QStringList &registry()
{
    static QStringList secrets;
    return secrets;
}

// Option and key names may be written with dashes or in camelCase ("--api-key", "apiKey").
bool nameLooksSecret(QString name)
{
    while (name.startsWith(u'-'))
        name.remove(0, 1);
    name.replace(u'-', u'_');
    return !name.isEmpty() && secrets::looksSecretName(name);
}

// Replaces, in each match of @p pattern, the capture group @p group by the marker, when
// @p accept (given the match) agrees.
template<typename Accept>
QString maskGroup(const QString &text, const QRegularExpression &pattern, int group, Accept accept)
{
    QString result;
    qsizetype done = 0;
    for (auto it = pattern.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        if (match.capturedLength(group) == 0 || !accept(match))
            continue;
        result += QStringView(text).mid(done, match.capturedStart(group) - done);
        result += redactedMarker();
        done = match.capturedEnd(group);
    }
    if (done == 0)
        return text;
    result += QStringView(text).mid(done);
    return result;
}

QString maskGroup(const QString &text, const QRegularExpression &pattern, int group)
{
    return maskGroup(text, pattern, group, [](const QRegularExpressionMatch &) { return true; });
}

QRegularExpression regex(const char *pattern, QRegularExpression::PatternOptions options = {})
{
    QRegularExpression expression(QString::fromLatin1(pattern), options);
    Q_ASSERT(expression.isValid());
    return expression;
}

} // namespace

QString redactedMarker()
{
    return QStringLiteral("[redacted]");
}

QString redactSecrets(const QString &input)
{
    if (input.isEmpty())
        return input;
    QString text = input;
    {
        const QReadLocker locker(&registryLock);
        for (const QString &secret : std::as_const(registry()))
            text.replace(secret, redactedMarker());
    }

    static const QRegularExpression pem =
        regex("(-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----)(.*?)(-----END \\2PRIVATE KEY-----|\\z)",
            QRegularExpression::DotMatchesEverythingOption);
    text = maskGroup(text, pem, 3);

    // Keys and tokens recognisable by their shape.
    text = maskGroup(text, secrets::tokenPattern(), 1);

    // Header values: the scheme (Bearer, Basic...) stays.
    static const QRegularExpression authorization = regex("(?i)(\\b(?:proxy-)?authorization[\"']?\\s*[:=]\\s*[\"']?)((?"
                                                          ":bearer|basic|token|digest)\\s+)?([^\\s\"'\\\\,;]+)");
    text = maskGroup(text, authorization, 3,
        [](const QRegularExpressionMatch &match) { return match.captured(3) != QStringLiteral("[redacted]"); });
    static const QRegularExpression apiKeyHeader = regex("(?i)(\\b(?:x-api-key|api-key|x-auth-token|private-token|x-"
                                                         "goog-api-key)[\"']?\\s*:\\s*[\"']?)([^\\s\"'\\\\,;]+)");
    text = maskGroup(text, apiKeyHeader, 2);

    // Passwords in URLs: scheme://user:password@host.
    text = maskGroup(text, secrets::urlPasswordPattern(), 2);

    // NAME=value, export NAME=value, --password=value, where the name looks secret.
    static const QRegularExpression assignment =
        regex("(?<![A-Za-z0-9_$])((?:--?)?[A-Za-z_][A-Za-z0-9_-]*)=(\"[^\"]*\"|'[^']*'|[^\\s\"'`;&|()<>]+)");
    text = maskGroup(text, assignment, 2, [](const QRegularExpressionMatch &match) {
        return nameLooksSecret(match.captured(1)) && match.captured(2) != QStringLiteral("[redacted]");
    });
    // --password value, --token value (only the unambiguous option names).
    static const QRegularExpression option = regex("(?i)(?<![A-Za-z0-9_-])(--?(?:password|passwd|token|api-key|apikey|"
                                                   "secret|client-secret|access-token|auth-token))"
                                                   "\\s+(\"[^\"]*\"|'[^']*'|[^\\s\"'`;&|()<>-][^\\s\"'`;&|()<>]*)");
    text = maskGroup(text, option, 2);
    // aws_secret_access_key = value (credentials files), "api_key": "value" (JSON inside text).
    static const QRegularExpression awsConfig =
        regex("(?i)\\b(aws_secret_access_key|aws_session_token)\\s*[=:]\\s*([A-Za-z0-9/+=]+)");
    text = maskGroup(text, awsConfig, 2);
    static const QRegularExpression jsonKey = regex("\"([A-Za-z_][A-Za-z0-9_-]*)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*+)\"");
    text = maskGroup(text, jsonKey, 2, [](const QRegularExpressionMatch &match) {
        return nameLooksSecret(match.captured(1)) && match.captured(2) != QStringLiteral("[redacted]");
    });
    return text;
}

QJsonValue redactJson(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return redactSecrets(value.toString());
    case QJsonValue::Array: {
        QJsonArray array;
        for (const QJsonValue &item : value.toArray())
            array.append(redactJson(item));
        return array;
    }
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        QJsonObject result;
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QJsonValue &item = it.value();
            const bool hidesSomething =
                (item.isString() && !item.toString().isEmpty()) || item.isObject() || item.isArray();
            if (hidesSomething && nameLooksSecret(it.key()))
                result.insert(it.key(), redactedMarker());
            else
                result.insert(it.key(), redactJson(item));
        }
        return result;
    }
    default:
        return value;
    }
}

void registerSecret(const QString &value)
{
    if (value.size() < 8)
        return;
    const QWriteLocker locker(&registryLock);
    if (!registry().contains(value))
        registry().append(value);
}

void unregisterSecret(const QString &value)
{
    const QWriteLocker locker(&registryLock);
    registry().removeAll(value);
}

} // namespace gatehouse::audit
