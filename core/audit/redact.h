// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonValue>
#include <QString>

/// Masking of secrets before anything is written to disk (SECURITY-MODEL.md section 7): the audit
/// log applies it to every line, transcripts to every line, and the program's own log may use it
/// for text that could carry a secret.
///
/// Redaction is best effort by pattern and cannot know every secret format; the registry below
/// covers the secrets Gatehouse itself holds (the API key in use), which matter most. A masked
/// secret is replaced by "[redacted]"; what identifies its kind (the variable name, the header
/// name, the URL's user) stays, so that an entry still reads as what happened.
namespace gatehouse::audit {

/// The replacement text.
QString redactedMarker();

/// @p text with the secrets it contains masked:
/// - values Gatehouse registered with registerSecret(), wherever they appear;
/// - API keys and tokens by their shape (secrets::tokenPattern());
/// - PEM private key blocks;
/// - header values of Authorization (the scheme stays) and x-api-key;
/// - passwords in URLs (https://user:[redacted]@host);
/// - values assigned to names that look secret (secrets::looksSecretName): NAME=value,
///   export NAME=value, --password=value, "api_key": "value", aws_secret_access_key = value.
QString redactSecrets(const QString &text);

/// @p value with every string passed through redactSecrets(), recursively; and the whole value of
/// any key whose name looks secret ("token", "apiKey", "password"...) replaced when it is a
/// non-empty string, object or array. Numbers and booleans stay, so that counts such as
/// "input_tokens" remain readable.
QJsonValue redactJson(const QJsonValue &value);

/// Remembers @p value as a secret of this process: from now on redactSecrets() masks every
/// occurrence. Values shorter than 8 characters are ignored, since masking them would mangle
/// ordinary text without protecting much. Thread-safe.
void registerSecret(const QString &value);

/// Forgets @p value (after the person removed the key). Thread-safe.
void unregisterSecret(const QString &value);

} // namespace gatehouse::audit
