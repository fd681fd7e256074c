// SPDX-License-Identifier: GPL-3.0-or-later
#include "secrets/secretshapes.h"

#include <QStringList>

namespace gatehouse::secrets {
namespace {

QRegularExpression regex(const char *pattern)
{
    QRegularExpression expression(QString::fromLatin1(pattern));
    Q_ASSERT(expression.isValid());
    return expression;
}

} // namespace

bool looksSecretName(const QString &name)
{
    const QString upper = name.toUpper();
    static const QStringList markers{QStringLiteral("TOKEN"),      QStringLiteral("SECRET"),  QStringLiteral("PASSWORD"),
                                     QStringLiteral("PASSWD"),     QStringLiteral("API_KEY"), QStringLiteral("APIKEY"),
                                     QStringLiteral("CREDENTIAL"), QStringLiteral("PRIVATE"),
                                     QStringLiteral("SESSION"),    QStringLiteral("COOKIE"),  QStringLiteral("_KEY"),
                                     QStringLiteral("ACCESS_KEY")};
    for (const QString &marker : markers)
        if (upper.contains(marker))
            return true;
    // AUTH as in GITHUB_AUTH or AUTH_HEADER, not as in GIT_AUTHOR_NAME.
    static const QRegularExpression auth(QStringLiteral("AUTH(?!OR)"));
    if (upper.contains(auth))
        return true;
    static const QStringList prefixes{QStringLiteral("ANTHROPIC_"), QStringLiteral("OPENAI_"), QStringLiteral("AWS_"),
                                      QStringLiteral("AZURE_"),     QStringLiteral("GOOGLE_"), QStringLiteral("GCP_"),
                                      QStringLiteral("GH_"),        QStringLiteral("GITHUB_"), QStringLiteral("NPM_")};
    for (const QString &prefix : prefixes)
        if (upper.startsWith(prefix))
            return true;
    // Sockets and agents that hand out credentials.
    return upper == QStringLiteral("SSH_AUTH_SOCK") || upper == QStringLiteral("GPG_AGENT_INFO")
           || upper == QStringLiteral("DBUS_SESSION_BUS_ADDRESS") || upper == QStringLiteral("GNOME_KEYRING_CONTROL");
}

const QRegularExpression &tokenPattern()
{
    static const QRegularExpression tokens =
        regex("(?<![A-Za-z0-9_-])("
              "sk-[A-Za-z0-9_-]{20,}" // Anthropic, OpenAI (sk-ant-, sk-proj-)
              "|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}" // GitHub
              "|gl(?:pat|dt|rt|ptt|cbt|ft|imt|oas|soat|agent)-[A-Za-z0-9_-]{20,}" // GitLab
              "|xox[abprs]-[A-Za-z0-9-]{10,}" // Slack
              "|hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]+" // Slack webhooks
              "|discord(?:app)?\\.com/api/webhooks/[A-Za-z0-9_/-]+" // Discord webhooks
              "|(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])" // AWS access key ids
              "|AIza[A-Za-z0-9_-]{35}|ya29\\.[A-Za-z0-9_-]{20,}" // Google
              "|npm_[A-Za-z0-9]{36}" // npm
              "|pypi-[A-Za-z0-9_-]{50,}" // PyPI
              "|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}" // Stripe
              "|hf_[A-Za-z0-9]{30,}" // Hugging Face
              "|eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*" // JWT
              ")");
    return tokens;
}

const QRegularExpression &urlPasswordPattern()
{
    static const QRegularExpression password = regex("([A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@\"']*):([^/\\s@\"']+)@");
    return password;
}

bool carriesCredential(const QString &value)
{
    if (value.isEmpty())
        return false;
    // Any user part: a token is often the user alone (https://TOKEN@host, x-access-token:TOKEN@).
    static const QRegularExpression userPart = regex("[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\s@]+@");
    static const QRegularExpression secretParameter =
        regex("(?i)[?&#](?:[a-z0-9_.-]*(?:token|secret|passw(?:or)?d|api[_-]?key|apikey|auth|credential|signature)"
              "[a-z0-9_.-]*|sig|key|code|x-amz-credential|x-amz-security-token)=[^&#\\s]");
    // A header's value kept whole: "Bearer <token>", "Basic <base64 of user:password>".
    static const QRegularExpression authorization = regex("(?i)\\b(?:bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}");
    return value.contains(tokenPattern()) || value.contains(userPart) || value.contains(secretParameter)
           || value.contains(authorization) || value.contains(QStringLiteral("PRIVATE KEY-----"));
}

} // namespace gatehouse::secrets
