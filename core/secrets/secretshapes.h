// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QRegularExpression>
#include <QString>

/// What secrets look like, in one place: the audit's redaction masks what these find, and the
/// sandbox passes no environment variable whose value they find.
namespace gatehouse::secrets {

/// Whether a variable's or key's name says it holds a secret (TOKEN, SECRET, PASSWORD, API_KEY,
/// CREDENTIAL, AUTH but not AUTHOR, AWS_..., GITHUB_...; agent sockets such as SSH_AUTH_SOCK).
/// A judgement by name, always one name short: used to mask more, never to let anything through.
bool looksSecretName(const QString &name);

/// API keys and tokens recognisable by their shape, the whole token in capture group 1:
/// Anthropic and OpenAI (sk-..., sk-ant-..., sk-proj-...), GitHub (ghp_, gho_, ghs_, ghu_, ghr_,
/// github_pat_), GitLab (glpat-, gldt-, glrt-, glptt-, glcbt-...), Slack (xoxa-, xoxb-, xoxp-,
/// xoxr-, xoxs-, and hooks.slack.com webhook paths), Discord webhook paths, AWS access key ids
/// (AKIA..., ASIA...), Google (AIza..., ya29. access tokens), npm (npm_), PyPI (pypi-), Stripe
/// (sk_live_, rk_live_...), Hugging Face (hf_), and JWTs (eyJ....eyJ....).
const QRegularExpression &tokenPattern();

/// A password in a URL, scheme://user:password@host: group 1 is "scheme://user", group 2 the password.
const QRegularExpression &urlPasswordPattern();

/// Whether @p value carries a credential: a token of tokenPattern(), a URL with any user part
/// (scheme://user:password@ or scheme://token@), a URL query parameter named like a secret
/// (?access_token=, &sig=...), an authorization value ("Bearer ...", "Basic ..."), or a private key block.
bool carriesCredential(const QString &value);

} // namespace gatehouse::secrets
