// SPDX-License-Identifier: GPL-3.0-or-later
// Secret redaction: what must be masked, and what must stay as it is.
#include "audit/redact.h"

#include "testenv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace gatehouse::audit;
namespace test = gatehouse::test;

class TestRedact final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void text_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *name, const char *input, const char *expected) {
            QTest::newRow(name) << QString::fromUtf8(input) << QString::fromUtf8(expected);
        };
        // Masked
        row("anthropic key", "key sk-ant-api03-AbCdEf0123456789_xyz-ABCDEFG here", "key [redacted] here");
        row("openai project key", "sk-proj-abcdefghijklmnopqrstuvwxyz012345", "[redacted]");
        row("openai key", "OPENAI=sk-abcdefghijklmnopqrstuvwx", "OPENAI=[redacted]");
        row("github personal token", "git push https://ghp_0123456789abcdefghijABCDEFGHIJ@github.com/x",
            "git push https://[redacted]@github.com/x");
        row("github oauth token", "gho_0123456789abcdefghijABCD", "[redacted]");
        row("github app token", "token ghs_0123456789abcdefghijABCD", "token [redacted]");
        row("github fine-grained token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "[redacted]");
        row("slack token", "xoxb-1234567890-abcdefghij", "[redacted]");
        row("aws access key id", "AKIAIOSFODNN7EXAMPLE", "[redacted]");
        row("aws session key id", "id=ASIAIOSFODNN7EXAMPLE,", "id=[redacted],");
        row("aws secret in credentials file", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key = [redacted]");
        row("google api key", "AIzaSyA-0123456789abcdefghijklmnopqrstu", "[redacted]");
        row("jwt", "cookie eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig_nature-1", "cookie [redacted]");
        row("bearer header", "curl -H 'Authorization: Bearer abc.def-123' https://api",
            "curl -H 'Authorization: Bearer [redacted]' https://api");
        row("basic header", "Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic [redacted]");
        row("x-api-key header", "curl -H \"x-api-key: 0123456789\" https://api",
            "curl -H \"x-api-key: [redacted]\" https://api");
        row("url password", "git clone https://alice:hunter2@example.com/r.git",
            "git clone https://alice:[redacted]@example.com/r.git");
        row("auth variable", "GITHUB_AUTH=abc123 make", "GITHUB_AUTH=[redacted] make");
        row("secret variable", "GITHUB_TOKEN=abc123 gh pr list", "GITHUB_TOKEN=[redacted] gh pr list");
        row("exported secret", "export MY_API_KEY=\"s3cr3t value\"; make", "export MY_API_KEY=[redacted]; make");
        row("quoted secret", "DB_PASSWORD='p a s s' ./run", "DB_PASSWORD=[redacted] ./run");
        row("password option", "mysql --password=hunter2 db", "mysql --password=[redacted] db");
        row("password option with a space", "tool --token abc123 --verbose", "tool --token [redacted] --verbose");
        row("api-key option", "cli --api-key=xyz", "cli --api-key=[redacted]");
        row("query parameter", "https://h/cb?access_token=abc&x=1", "https://h/cb?access_token=[redacted]&x=1");
        row("json inside text", "curl -d '{\"password\": \"hunter2\", \"user\": \"bob\"}'",
            "curl -d '{\"password\": \"[redacted]\", \"user\": \"bob\"}'");
        row("private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----\nafter",
            "-----BEGIN RSA PRIVATE KEY-----[redacted]-----END RSA PRIVATE KEY-----\nafter");
        row("private key cut short", "-----BEGIN PRIVATE KEY-----\nMIIEow", "-----BEGIN PRIVATE KEY-----[redacted]");
        // Kept
        row("git author is no secret", "GIT_AUTHOR_NAME=Bob git commit", "GIT_AUTHOR_NAME=Bob git commit");
        row("path", "PATH=/usr/bin:/bin make", "PATH=/usr/bin:/bin make");
        row("commit message about tokens", "git commit -m \"fix token parsing\"",
            "git commit -m \"fix token parsing\"");
        row("plain command", "npm run test -- --watch=false", "npm run test -- --watch=false");
        row("word ending in sk", "task-runner --ask-first", "task-runner --ask-first");
        row("short sk- word", "pip install sk-learn", "pip install sk-learn");
        row("url without password", "https://alice@example.com/x", "https://alice@example.com/x");
        row("variable reference", "echo $GITHUB_TOKEN", "echo $GITHUB_TOKEN");
        row("comparison", "test \"$X\" = y", "test \"$X\" = y");
        row("uuid", "id 123e4567-e89b-12d3-a456-426614174000", "id 123e4567-e89b-12d3-a456-426614174000");
        row("git sha", "git show 4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            "git show 4b825dc642cb6eb9a060e54bf8d69288fbee4904");
        row("public key", "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
            "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----");
        row("empty", "", "");
    }

    void text()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(redactSecrets(input), expected);
        QCOMPARE(redactSecrets(expected), expected); // masking again changes nothing
    }

    void registeredSecretsAreMaskedAnywhere()
    {
        const QString key = QStringLiteral("k3y-without-any-known-shape");
        const QString text = QStringLiteral("a%1b and %1").arg(key);
        QCOMPARE(redactSecrets(text), text);
        registerSecret(key);
        QCOMPARE(redactSecrets(text), QStringLiteral("a[redacted]b and [redacted]"));
        registerSecret(QStringLiteral("short")); // too short to mask: ignored
        QCOMPARE(redactSecrets(QStringLiteral("a short text")), QStringLiteral("a short text"));
        unregisterSecret(key);
        QCOMPARE(redactSecrets(text), text);
    }

    void json()
    {
        const QJsonObject input {
            {QStringLiteral("command"), QStringLiteral("GH_TOKEN=abc gh api")},
            {QStringLiteral("apiKey"), QStringLiteral("plain-looking")},
            {QStringLiteral("client-secret"), QJsonObject {{QStringLiteral("v"), QStringLiteral("x")}}},
            {QStringLiteral("password"), QString()},
            {QStringLiteral("input_tokens"), 1234},
            {QStringLiteral("list"),
                QJsonArray {QStringLiteral("ok"), QStringLiteral("Authorization: Bearer zzz"),
                    QJsonObject {{QStringLiteral("token"), QStringLiteral("t")}}}},
            {QStringLiteral("path"), QStringLiteral("/usr/bin")},
            {QStringLiteral("enabled"), true},
        };
        const QJsonObject expected {
            {QStringLiteral("command"), QStringLiteral("GH_TOKEN=[redacted] gh api")},
            {QStringLiteral("apiKey"), QStringLiteral("[redacted]")},
            {QStringLiteral("client-secret"), QStringLiteral("[redacted]")},
            {QStringLiteral("password"), QString()},
            {QStringLiteral("input_tokens"), 1234},
            {QStringLiteral("list"),
                QJsonArray {QStringLiteral("ok"), QStringLiteral("Authorization: Bearer [redacted]"),
                    QJsonObject {{QStringLiteral("token"), QStringLiteral("[redacted]")}}}},
            {QStringLiteral("path"), QStringLiteral("/usr/bin")},
            {QStringLiteral("enabled"), true},
        };
        const QJsonObject actual = redactJson(input).toObject();
        QVERIFY2(actual == expected, QJsonDocument(actual).toJson().constData());
    }
};

QTEST_GUILESS_MAIN(TestRedact)
#include "tst_redact.moc"
