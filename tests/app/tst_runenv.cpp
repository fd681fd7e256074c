// SPDX-License-Identifier: GPL-3.0-or-later
// `gatehouse run` and the environment (SECURITY-MODEL.md section 6): the command gets an
// allowlist (the defaults and sandbox.environment.allow), never a value that carries a
// credential, and a project's own allow list only once the folder is trusted. Checked by what
// the sandboxed command sees (`env`), and by what `gatehouse rules` says.
#include "runsupport.h"
#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace test = gatehouse::test;

using test::Run;

namespace {

// The variables a command printed with `env -0`, by name.
QHash<QString, QString> variablesOf(const QString &output)
{
    QHash<QString, QString> variables;
    for (const QString &entry : output.split(QChar(0), Qt::SkipEmptyParts)) {
        const qsizetype equals = entry.indexOf(u'=');
        if (equals > 0)
            variables.insert(entry.left(equals), entry.mid(equals + 1));
    }
    return variables;
}

// Secrets under innocent names, and what changes which program runs (each value is unique, so
// that it can be looked for anywhere in the output).
const QList<QPair<QString, QString>> &hostileVariables()
{
    static const QList<QPair<QString, QString>> variables{
        {QStringLiteral("DATABASE_URL"), QStringLiteral("postgres://u:pw-leak-1@h/db")},
        {QStringLiteral("MYSQL_PWD"), QStringLiteral("leak-2")},
        {QStringLiteral("DB_PASS"), QStringLiteral("leak-3")},
        {QStringLiteral("SMTP_PASS"), QStringLiteral("leak-4")},
        {QStringLiteral("GITLAB_PAT"), QStringLiteral("glpat-leak5abcdefghij0123456789")},
        {QStringLiteral("CI_JOB_JWT"), QStringLiteral("eyJhbGciOiJSUzI1NiJ9.eyJsZWFrIjo2fQ.leak-6")},
        {QStringLiteral("REDIS_URL"), QStringLiteral("redis://:leak-7@cache:6379/0")},
        {QStringLiteral("SLACK_WEBHOOK_URL"), QStringLiteral("https://hooks.slack.com/services/T0/B0/leak-8")},
        {QStringLiteral("GIT_CONFIG_COUNT"), QStringLiteral("1")},
        {QStringLiteral("GIT_CONFIG_KEY_0"), QStringLiteral("core.fsmonitor")},
        {QStringLiteral("GIT_CONFIG_VALUE_0"), QStringLiteral("touch leak-9")},
        {QStringLiteral("FOO"), QStringLiteral("https://user:leak-10@example.org/")},
        {QStringLiteral("ANTHROPIC_API_KEY"), QStringLiteral("sk-ant-leak-11-abcdefghijklmnopqrstuvwxyz")},
        {QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("leak-12")},
        {QStringLiteral("LD_PRELOAD"), QStringLiteral("/nonexistent/leak-13.so")},
        {QStringLiteral("LD_LIBRARY_PATH"), QStringLiteral("/nonexistent/leak-14")},
        {QStringLiteral("BASH_ENV"), QStringLiteral("/nonexistent/leak-15.sh")},
        {QStringLiteral("ENV"), QStringLiteral("/nonexistent/leak-16.sh")},
        {QStringLiteral("PROMPT_COMMAND"), QStringLiteral("echo leak-17")},
        {QStringLiteral("PYTHONSTARTUP"), QStringLiteral("/nonexistent/leak-18.py")},
        {QStringLiteral("NODE_OPTIONS"), QStringLiteral("--require /nonexistent/leak-19.js")},
        {QStringLiteral("GIT_SSH_COMMAND"), QStringLiteral("leak-20")},
        {QStringLiteral("HARMLESS"), QStringLiteral("leak-21")},
    };
    return variables;
}

} // namespace

class TestRunEnv final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;

    // `env -0` in the sandbox of @p project, with @p extra added to this environment.
    static Run env(const QString &project, const QList<QPair<QString, QString>> &extra, const QStringList &options = {})
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const auto &[name, value] : extra)
            environment.insert(name, value);
        return test::sandboxed(project, {QStringLiteral("env"), QStringLiteral("-0")}, options, environment);
    }

    QString settingsFile(const QByteArray &json)
    {
        const QString path = m_dir.path() + QStringLiteral("/settings-%1.json").arg(qHash(json));
        test::writeFile(path, json);
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        QVERIFY(test::useOwnRuntimeFolder(QStringLiteral("runenv")));
        m_project = QDir(m_dir.path()).canonicalPath() + QStringLiteral("/proj");
        QVERIFY(QDir().mkpath(m_project));
    }

    void onlyTheAllowlistReachesTheCommand()
    {
        const Run run = env(m_project, hostileVariables() + QList<QPair<QString, QString>>{
                                           {QStringLiteral("LANG"), QStringLiteral("C.UTF-8")},
                                           {QStringLiteral("LC_TIME"), QStringLiteral("C.UTF-8")},
                                           {QStringLiteral("TZ"), QStringLiteral("UTC")},
                                           {QStringLiteral("GOPATH"), QStringLiteral("/opt/go")},
                                           {QStringLiteral("JAVA_HOME"), QStringLiteral("/opt/java")},
                                           {QStringLiteral("GIT_AUTHOR_NAME"), QStringLiteral("Alice")}});
        QCOMPARE(run.exitCode, 0);
        const QHash<QString, QString> seen = variablesOf(run.out);
        for (const auto &[name, value] : hostileVariables()) {
            QVERIFY2(!seen.contains(name), qPrintable(name));
            if (value.contains(QStringLiteral("leak"))) // not "1", which any output may hold
                QVERIFY2(!run.out.contains(value), qPrintable(value)); // (stderr has the loader's word on LD_PRELOAD for gatehouse itself)
        }
        for (const char *name : {"PATH", "HOME", "LANG", "LC_TIME", "TZ", "GOPATH", "JAVA_HOME", "GIT_AUTHOR_NAME"})
            QVERIFY2(seen.contains(QLatin1StringView(name)), name);
        QCOMPARE(seen.value(QStringLiteral("PATH")), qEnvironmentVariable("PATH"));
        QCOMPARE(seen.value(QStringLiteral("HOME")), QDir::homePath());
        QCOMPARE(seen.value(QStringLiteral("GOPATH")), QStringLiteral("/opt/go"));
        QCOMPARE(seen.value(QStringLiteral("TMPDIR")), QStringLiteral("/tmp")); // set by the sandbox itself
        // And nothing else of this test's environment (its XDG_RUNTIME_DIR, the harness's own variables).
        QVERIFY(!seen.contains(QStringLiteral("XDG_RUNTIME_DIR")));
        QVERIFY(!seen.contains(QStringLiteral("GATEHOUSE_TEST_SCRATCH")));
        QVERIFY(!seen.contains(QStringLiteral("GIT_CONFIG_NOSYSTEM")));
    }

    void gitRunsNoProgramFromTheEnvironment()
    {
        // GIT_CONFIG_* would make git run a program (core.fsmonitor) on every status.
        test::git(m_project, {QStringLiteral("init"), QStringLiteral("-q")});
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("GIT_CONFIG_COUNT"), QStringLiteral("1"));
        environment.insert(QStringLiteral("GIT_CONFIG_KEY_0"), QStringLiteral("core.fsmonitor"));
        environment.insert(QStringLiteral("GIT_CONFIG_VALUE_0"), QStringLiteral("touch fsmonitor-ran; false"));
        const Run run = test::sandboxed(m_project, {QStringLiteral("git"), QStringLiteral("status"), QStringLiteral("--short")}, {},
                                        environment);
        QCOMPARE(run.exitCode, 0);
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/fsmonitor-ran")));
    }

    void allowedNamesPass_data()
    {
        QTest::addColumn<QByteArray>("settings");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("passes");
        const QByteArray foo = R"({"sandbox": {"environment": {"allow": ["FOO", "MYAPP_*", "DATABASE_URL", "NODE_OPTIONS"]}}})";
        QTest::newRow("a plain value") << foo << QStringLiteral("FOO") << QStringLiteral("bar") << true;
        QTest::newRow("a program option, named") << foo << QStringLiteral("NODE_OPTIONS") << QStringLiteral("--max-old-space-size=4096") << true;
        QTest::newRow("a pattern") << foo << QStringLiteral("MYAPP_MODE") << QStringLiteral("fast") << true;
        QTest::newRow("a pattern brings no secret-looking name") << foo << QStringLiteral("MYAPP_TOKEN") << QStringLiteral("t-leak") << false;
        QTest::newRow("a URL password") << foo << QStringLiteral("FOO") << QStringLiteral("https://user:pass-leak@example.org/") << false;
        QTest::newRow("a database URL with a password") << foo << QStringLiteral("DATABASE_URL") << QStringLiteral("postgres://u:pw-leak@h/db") << false;
        QTest::newRow("a database URL without one") << foo << QStringLiteral("DATABASE_URL") << QStringLiteral("postgres:///db?host=/run/pg") << true;
        QTest::newRow("a GitHub token") << foo << QStringLiteral("FOO") << QStringLiteral("ghp_0123456789abcdefghijABCDEFGHIJ") << false;
        QTest::newRow("a GitLab token") << foo << QStringLiteral("FOO") << QStringLiteral("glpat-abcdefghij0123456789") << false;
        QTest::newRow("a Slack token") << foo << QStringLiteral("FOO") << QStringLiteral("xoxb-1234567890-abcdefghij") << false;
        QTest::newRow("an Anthropic key") << foo << QStringLiteral("FOO") << QStringLiteral("sk-ant-api03-AbCdEf0123456789_xyz") << false;
        QTest::newRow("an AWS key id") << foo << QStringLiteral("FOO") << QStringLiteral("AKIAIOSFODNN7EXAMPLE") << false;
        QTest::newRow("a Google token") << foo << QStringLiteral("FOO") << QStringLiteral("ya29.a0AfH6SMBx0123456789abcdefghij") << false;
        QTest::newRow("an npm token") << foo << QStringLiteral("FOO") << QStringLiteral("npm_0123456789abcdefghijABCDEFGHIJabcdef") << false;
        QTest::newRow("a JWT") << foo << QStringLiteral("FOO") << QStringLiteral("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.leak") << false;
        QTest::newRow("a Slack webhook") << foo << QStringLiteral("FOO") << QStringLiteral("https://hooks.slack.com/services/T0/B0/leak") << false;
        QTest::newRow("not named") << foo << QStringLiteral("BAR") << QStringLiteral("bar-not-named") << false;
    }

    void allowedNamesPass()
    {
        QFETCH(QByteArray, settings);
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(bool, passes);
        const Run run = env(m_project, {{name, value}}, {QStringLiteral("--settings"), settingsFile(settings)});
        QCOMPARE(run.exitCode, 0);
        const QHash<QString, QString> seen = variablesOf(run.out);
        QCOMPARE(seen.contains(name), passes);
        if (passes)
            QCOMPARE(seen.value(name), value);
        else
            QVERIFY2(!run.out.contains(value) && !run.err.contains(value), qPrintable(run.err));
    }

    void aProjectsOwnAllowListWaitsForTrust()
    {
        // The project's own settings name FOO: a loosening grant, ignored until the folder is trusted.
        QTemporaryDir dir;
        const QString project = QDir(dir.path()).canonicalPath();
        test::writeFile(project + QStringLiteral("/.gatehouse/settings.json"),
                        R"({"sandbox": {"environment": {"allow": ["FOO"]}}})");
        const QList<QPair<QString, QString>> foo{{QStringLiteral("FOO"), QStringLiteral("from-the-project")}};
        QVERIFY(!variablesOf(env(project, foo).out).contains(QStringLiteral("FOO")));

        QProcess rules;
        rules.start(QStringLiteral(GATEHOUSE_BINARY), {QStringLiteral("rules"), QStringLiteral("--project"), project});
        QVERIFY(rules.waitForFinished(30000));
        const QString before = QString::fromUtf8(rules.readAllStandardOutput());
        QVERIFY2(before.contains(QStringLiteral("sandbox.environment.allow: (none)")), qPrintable(before));
        QVERIFY2(before.contains(QStringLiteral("environment variable for sandboxed commands FOO (folder not trusted)")),
                 qPrintable(before));

        QProcess trust;
        trust.start(QStringLiteral(GATEHOUSE_BINARY), {QStringLiteral("trust"), project, QStringLiteral("--yes")});
        QVERIFY(trust.waitForFinished(30000));
        const QString prompt = QString::fromUtf8(trust.readAllStandardOutput());
        QVERIFY2(prompt.contains(QStringLiteral("passes the environment variable FOO to commands")), qPrintable(prompt));
        QCOMPARE(variablesOf(env(project, foo).out).value(QStringLiteral("FOO")), QStringLiteral("from-the-project"));
    }

    void rulesListWhatPasses()
    {
        QProcess rules;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("FOO"), QStringLiteral("https://user:pass@example.org/"));
        environment.insert(QStringLiteral("MYAPP_MODE"), QStringLiteral("fast"));
        rules.setProcessEnvironment(environment);
        rules.start(QStringLiteral(GATEHOUSE_BINARY),
                    {QStringLiteral("rules"), QStringLiteral("--project"), m_project, QStringLiteral("--settings"),
                     settingsFile(R"({"sandbox": {"environment": {"allow": ["FOO", "MYAPP_*"]}}})")});
        QVERIFY(rules.waitForFinished(30000));
        const QString out = QString::fromUtf8(rules.readAllStandardOutput());
        QVERIFY2(out.contains(QStringLiteral("Environment of sandboxed commands:")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("  by default: PATH, HOME, USER")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("  sandbox.environment.allow: FOO, MYAPP_*\n")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("  withheld, their values carry credentials: FOO\n")), qPrintable(out));
        const qsizetype passed = out.indexOf(QStringLiteral("  passed from this environment: "));
        QVERIFY(passed >= 0);
        const QString passedLine = out.mid(passed, out.indexOf(u'\n', passed) - passed);
        QVERIFY2(passedLine.contains(QStringLiteral("MYAPP_MODE")) && passedLine.contains(QStringLiteral("PATH"))
                     && !passedLine.contains(QStringLiteral("FOO")),
                 qPrintable(passedLine));
        QVERIFY(!out.contains(QStringLiteral("pass@")));
    }

    void aBadPatternIsAnError()
    {
        const Run run = test::sandboxed(m_project, {QStringLiteral("true")},
                                        {QStringLiteral("--settings"), settingsFile(R"({"sandbox": {"environment": {"allow": ["*"]}}})")});
        QCOMPARE(run.exitCode, 125);
        QVERIFY2(run.err.contains(QStringLiteral("is not a variable name or NAME_PREFIX* pattern")), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestRunEnv)
#include "tst_runenv.moc"
