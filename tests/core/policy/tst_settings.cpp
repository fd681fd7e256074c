// SPDX-License-Identifier: GPL-3.0-or-later
// Settings files and their layers: errors that name file, line and column; merging with deny
// over ask over allow; trust; managed locks (SECURITY-MODEL.md section 3).
#include "policy/engine.h"
#include "policy/policy.h"
#include "policy/settings.h"

#include "policyfolders.h"
#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTest>

using namespace gatehouse::policy;
namespace test = gatehouse::test;

namespace {

const AnchorFolders anchors{QStringLiteral("/p"), QStringLiteral("/s"), QStringLiteral("/h")};

struct Fixture : test::PolicyFolders
{
    void write(const QString &path, const QByteArray &json) { test::writeFile(path, json); }
    void user(const QByteArray &json) { write(config() + QStringLiteral("/settings.json"), json); }
    void projectShared(const QByteArray &json) { write(project() + QStringLiteral("/.gatehouse/settings.json"), json); }
    void projectLocal(const QByteArray &json) { write(project() + QStringLiteral("/.gatehouse/settings.local.json"), json); }
    void managedFile(const QByteArray &json) { write(managed() + QStringLiteral("/managed-settings.json"), json); }
};

Decision bash(const Engine &engine, const QString &command)
{
    return engine.decide(ToolCall{QStringLiteral("Bash"), QJsonObject{{QStringLiteral("command"), command}}});
}

} // namespace

class TestSettings final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void syntaxErrorsNameFileLineAndColumn()
    {
        const auto result = parseSettings("{\n  \"permissions\": {\n    \"deny\": [\"Bash(rm *)\",]\n  }\n}\n",
                                          QStringLiteral("/x/settings.json"), Layer::User, anchors);
        QVERIFY(!result.has_value());
        QVERIFY2(result.error().message.startsWith(QStringLiteral("/x/settings.json:3:")), qPrintable(result.error().message));
    }

    void typeErrorsNameTheKey()
    {
        const auto result = parseSettings("{\n  \"permissions\": {\n    \"deny\": \"Bash(rm *)\"\n  }\n}\n",
                                          QStringLiteral("/x/s.json"), Layer::Project, anchors);
        QVERIFY(!result.has_value());
        QVERIFY2(result.error().message.startsWith(QStringLiteral("/x/s.json:3:5:")), qPrintable(result.error().message));
        QVERIFY(result.error().message.contains(QStringLiteral("permissions.deny")));
    }

    void badDenyRuleIsAnErrorBadAllowRuleAWarning()
    {
        const auto deny = parseSettings("{\"permissions\": {\"deny\": [\"Bash(echo \u0027x)\"]}}", QStringLiteral("f"), Layer::User, anchors);
        QVERIFY(!deny.has_value());
        const auto allow = parseSettings("{\"permissions\": {\"allow\": [\"Bash(echo \u0027x)\", \"Bash(ls)\"]}}", QStringLiteral("f"),
                                         Layer::User, anchors);
        QVERIFY(allow.has_value());
        QCOMPARE(allow->rules.size(), 1);
        QCOMPARE(allow->warnings.size(), 1);
        QVERIFY(allow->warnings.first().contains(QStringLiteral("left out")));
    }

    void otherProblems_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty file") << QByteArray("") << false << "empty";
        QTest::newRow("not an object") << QByteArray("[]") << false << "JSON object";
        QTest::newRow("unknown mode") << QByteArray("{\"permissions\": {\"defaultMode\": \"yolo\"}}") << false << "defaultMode";
        QTest::newRow("bad domain") << QByteArray("{\"sandbox\": {\"network\": {\"allowedDomains\": [\"a b\"]}}}") << false << "host";
        QTest::newRow("bool expected") << QByteArray("{\"sandbox\": {\"autoAllow\": \"yes\"}}") << false << "true or false";
        QTest::newRow("unknown key warns") << QByteArray("{\"permisions\": {}}") << true << "unknown setting";
        QTest::newRow("managed-only key outside managed warns") << QByteArray("{\"disableAlwaysAllow\": true}") << true
                                                                << "only has effect in managed settings";
    }

    void otherProblems()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, ok);
        QFETCH(QString, message);
        const auto result = parseSettings(json, QStringLiteral("f.json"), Layer::User, anchors);
        QCOMPARE(result.has_value(), ok);
        const QString text = ok ? result->warnings.join(u'\n') : result.error().message;
        QVERIFY2(text.contains(message), qPrintable(text));
    }

    // The warning names the file, the rule and why; the rule is kept (so `gatehouse rules`
    // lists it as never matching) but decides nothing.
    void aRuleThatNeverMatchesWarns()
    {
        const auto result = parseSettings("{\"permissions\": {\"allow\": [\"Bash(cd src && npm test)\"],\n"
                                          "  \"deny\": [\"Bash(FOO=1 rm x)\"]}}",
                                          QStringLiteral("/x/settings.json"), Layer::User, anchors);
        QVERIFY(result.has_value());
        QCOMPARE(result->rules.size(), 2);
        QVERIFY(result->rules.at(0).rule.neverMatches);
        QVERIFY(result->rules.at(1).rule.neverMatches);
        QCOMPARE(result->warnings.size(), 2);
        const auto warningAbout = [&result](const char *rule) {
            for (const QString &warning : result->warnings)
                if (warning.contains(QString::fromUtf8(rule)))
                    return warning;
            return QString();
        };
        const QString compound = warningAbout("Bash(cd src && npm test)");
        QVERIFY2(compound.startsWith(QStringLiteral("/x/settings.json:1:")), qPrintable(compound));
        QVERIFY(compound.contains(QStringLiteral("never matches")));
        const QString assignment = warningAbout("Bash(FOO=1 rm x)");
        QVERIFY2(assignment.startsWith(QStringLiteral("/x/settings.json:2:")), qPrintable(assignment));
        QVERIFY(assignment.contains(QStringLiteral("assignment FOO=")));

        Fixture f;
        f.user("{\"permissions\": {\"allow\": [\"Bash(cd src && npm test)\"]}}");
        const Engine engine(Policy::load(f.options()));
        QVERIFY(engine.policy().warnings().join(u'\n').contains(QStringLiteral("Bash(cd src && npm test)\" never matches")));
        QCOMPARE(bash(engine, QStringLiteral("cd src && npm test")).verdict, Verdict::Ask);
    }

    void anUnparsableFileMakesEverythingAsk()
    {
        Fixture f;
        f.user("{\"permissions\": {\"allow\": [\"Bash(ls)\"]}}");
        f.projectShared("{ not json");
        const Engine engine(Policy::load(f.options()));
        QCOMPARE(engine.policy().errors().size(), 1);
        QVERIFY(engine.policy().errors().first().contains(QStringLiteral(".gatehouse/settings.json:1:")));
        const Decision d = bash(engine, QStringLiteral("ls"));
        QCOMPARE(d.verdict, Verdict::Ask);
        QVERIFY(d.reason.contains(QStringLiteral("settings file has an error")));
    }

    // A project settings file reached through a link out of the project is not read: an error
    // naming the link, so nothing is allowed without asking (refused headless), trusted or not,
    // while the other layers' deny rules still deny.
    void projectSettingsLinkedOutFailClosed_data()
    {
        QTest::addColumn<QString>("link");
        QTest::newRow("the .gatehouse folder") << QStringLiteral(".gatehouse");
        QTest::newRow("settings.json") << QStringLiteral(".gatehouse/settings.json");
        QTest::newRow("settings.local.json") << QStringLiteral(".gatehouse/settings.local.json");
    }
    void projectSettingsLinkedOutFailClosed()
    {
        QFETCH(QString, link);
        Fixture f;
        f.user("{\"permissions\": {\"allow\": [\"Bash(ls)\"], \"deny\": [\"Bash(curl *)\"]}}");
        const QString outside = f.root() + QStringLiteral("/elsewhere");
        const QByteArray json = "{\"permissions\": {\"allow\": [\"Bash(make)\"], \"defaultMode\": \"bypassPermissions\"}}";
        for (const QString &name : {QStringLiteral("settings.json"), QStringLiteral("settings.local.json")})
            f.write(outside + QStringLiteral("/") + name, json);
        const QString target = link == QStringLiteral(".gatehouse") ? outside : outside + QStringLiteral("/settings.json");
        QVERIFY(QDir().mkpath(f.project() + QStringLiteral("/.gatehouse")) || link == QStringLiteral(".gatehouse"));
        if (link == QStringLiteral(".gatehouse"))
            QVERIFY(QDir(f.project()).rmdir(QStringLiteral(".gatehouse")));
        QVERIFY(QFile::link(target, f.project() + QStringLiteral("/") + link));

        for (const bool trusted : {false, true}) {
            PolicyOptions options = f.options(trusted);
            const Engine engine(Policy::load(options));
            QVERIFY(!engine.policy().errors().isEmpty());
            for (const QString &error : engine.policy().errors())
                QVERIFY2(error.contains(QStringLiteral("/proj/%1 is a link to %2").arg(link, QDir(target).canonicalPath()))
                             && error.contains(QStringLiteral("a project's configuration must live in the project")),
                         qPrintable(error));
            QCOMPARE(engine.policy().mode(), Mode::Default); // the outside file's mode is not read
            QCOMPARE(bash(engine, QStringLiteral("make")).verdict, Verdict::Ask);
            const Decision ls = bash(engine, QStringLiteral("ls")); // the user's own allow rule waits too
            QCOMPARE(ls.verdict, Verdict::Ask);
            QVERIFY(ls.reason.contains(QStringLiteral("settings file has an error")));
            QCOMPARE(bash(engine, QStringLiteral("curl example.com")).verdict, Verdict::Deny);
            options.headless = true;
            QCOMPARE(bash(Engine(Policy::load(options)), QStringLiteral("ls")).verdict, Verdict::Deny);
        }
    }

    void projectSettingsLinkedInsideAreFollowed()
    {
        Fixture f;
        f.write(f.project() + QStringLiteral("/config/gatehouse.json"), "{\"permissions\": {\"allow\": [\"Bash(make)\"]}}");
        QVERIFY(QDir().mkpath(f.project() + QStringLiteral("/.gatehouse")));
        QVERIFY(QFile::link(QStringLiteral("../config/gatehouse.json"), f.project() + QStringLiteral("/.gatehouse/settings.json")));
        const Engine engine(Policy::load(f.options(true)));
        QVERIFY2(engine.policy().errors().isEmpty(), qPrintable(engine.policy().errors().join(u'\n')));
        QCOMPARE(bash(engine, QStringLiteral("make")).verdict, Verdict::Allow);
    }

    void denyBeatsAskBeatsAllowAcrossLayers()
    {
        Fixture f;
        f.managedFile("{\"permissions\": {\"allow\": [\"Bash(git push *)\"]}}");
        f.user("{\"permissions\": {\"deny\": [\"Bash(git push *)\"], \"ask\": [\"Bash(npm publish)\"]}}");
        f.projectShared("{\"permissions\": {\"allow\": [\"Bash(npm publish)\"]}}");
        const Engine engine(Policy::load(f.options()));
        const Decision push = bash(engine, QStringLiteral("git push origin main"));
        QCOMPARE(push.verdict, Verdict::Deny);
        QCOMPARE(push.source, Source::User);
        const Decision publish = bash(engine, QStringLiteral("npm publish"));
        QCOMPARE(publish.verdict, Verdict::Ask);
        QCOMPARE(publish.rule, QStringLiteral("Bash(npm publish)"));
    }

    void untrustedProjectLoosensNothing()
    {
        Fixture f;
        f.projectShared("{\"permissions\": {\"allow\": [\"Bash(make)\"], \"deny\": [\"Bash(curl *)\"], \"defaultMode\": \"bypassPermissions\",\n                            \"additionalDirectories\": [\"/\"]}, \"sandbox\": {\"autoAllow\": true}, \"env\": {\"X\": \"1\"}}");
        {
            const Engine engine(Policy::load(f.options(false)));
            QCOMPARE(bash(engine, QStringLiteral("make")).verdict, Verdict::Ask);
            QCOMPARE(bash(engine, QStringLiteral("curl example.com")).verdict, Verdict::Deny);
            QCOMPARE(engine.policy().mode(), Mode::Default);
            QCOMPARE(engine.policy().workspaceFolders(), QStringList{QDir(f.project()).canonicalPath()});
            QVERIFY(!engine.policy().sandboxAutoAllow());
            QVERIFY(engine.policy().ignored().join(u'\n').contains(QStringLiteral("allow rule Bash(make)")));
            QVERIFY(engine.policy().ignored().join(u'\n').contains(QStringLiteral("environment variables X")));
        }
        {
            const Engine engine(Policy::load(f.options(true)));
            QCOMPARE(bash(engine, QStringLiteral("make")).verdict, Verdict::Allow);
            QCOMPARE(engine.policy().mode(), Mode::BypassPermissions);
        }
    }

    void untrustedProjectMayTighten()
    {
        Fixture f;
        f.projectLocal("{\"permissions\": {\"defaultMode\": \"plan\"}}");
        const Engine engine(Policy::load(f.options(false)));
        QCOMPARE(engine.policy().mode(), Mode::Plan);
    }

    void managedLocks()
    {
        Fixture f;
        f.managedFile("{\"allowManagedPermissionRulesOnly\": true, \"permissions\": {\"disableBypassPermissionsMode\": \"disable\",\n                          \"allow\": [\"Bash(make)\"]}}");
        f.user("{\"permissions\": {\"allow\": [\"Bash(npm test)\"], \"defaultMode\": \"bypassPermissions\"}}");
        const Engine engine(Policy::load(f.options()));
        QCOMPARE(engine.policy().mode(), Mode::Default);
        QCOMPARE(bash(engine, QStringLiteral("make")).verdict, Verdict::Allow);
        QCOMPARE(bash(engine, QStringLiteral("npm test")).verdict, Verdict::Ask);
    }

    // MCP servers are not started yet, but with the lock a non-managed allow rule allows no
    // MCP tool, and `gatehouse rules` lists it as not applied.
    void managedMcpServersOnly()
    {
        Fixture f;
        f.managedFile("{\"allowManagedMcpServersOnly\": true, \"permissions\": {\"allow\": [\"mcp__corp\"]}}");
        f.user("{\"permissions\": {\"allow\": [\"mcp__github\", \"Bash(npm test)\"]}, \"enableAllProjectMcpServers\": true}");
        const Engine engine(Policy::load(f.options()));
        const auto mcp = [&engine](const char *tool) {
            return engine.decide(ToolCall{QString::fromUtf8(tool), QJsonObject{}}).verdict;
        };
        QCOMPARE(mcp("mcp__corp__search"), Verdict::Allow);
        QCOMPARE(mcp("mcp__github__create_issue"), Verdict::Ask);
        QCOMPARE(bash(engine, QStringLiteral("npm test")).verdict, Verdict::Allow);
        const QString ignored = engine.policy().ignored().join(u'\n');
        QVERIFY2(ignored.contains(QStringLiteral("allow rule mcp__github (managed settings allow only their own MCP servers)")),
                 qPrintable(ignored));
        QVERIFY2(ignored.contains(QStringLiteral("MCP servers of .mcp.json")), qPrintable(ignored));
        QVERIFY(!ignored.contains(QStringLiteral("mcp__corp")));
    }

    void managedDropInsAreManaged()
    {
        Fixture f;
        f.write(f.managed() + QStringLiteral("/managed-settings.d/10-deny.json"), "{\"permissions\": {\"deny\": [\"Bash(curl *)\"]}}");
        f.user("{\"permissions\": {\"allow\": [\"Bash(curl *)\"]}}");
        const Engine engine(Policy::load(f.options()));
        const Decision d = bash(engine, QStringLiteral("curl https://example.com"));
        QCOMPARE(d.verdict, Verdict::Deny);
        QCOMPARE(d.source, Source::Managed);
    }

    void anUnreadableManagedDropInIsAnError_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("a dangling link") << QStringLiteral("link");
        QTest::newRow("a folder") << QStringLiteral("folder");
    }

    void anUnreadableManagedDropInIsAnError()
    {
        // Its deny list must not vanish without a word: the policy fails closed, naming it.
        QFETCH(QString, kind);
        Fixture f;
        const QString path = f.managed() + QStringLiteral("/managed-settings.d/20-deny.json");
        f.write(f.managed() + QStringLiteral("/managed-settings.d/10-fine.json"), "{}");
        if (kind == QStringLiteral("link"))
            QVERIFY(QFile::link(f.managed() + QStringLiteral("/gone.json"), path));
        else
            QVERIFY(QDir().mkpath(path));
        f.user("{\"permissions\": {\"allow\": [\"Bash(git status)\"]}}");
        const Policy policy = Policy::load(f.options());
        QCOMPARE(policy.errors().size(), 1);
        QVERIFY2(policy.errors().first().startsWith(path + QStringLiteral(":1:1:")), qPrintable(policy.errors().first()));
        QCOMPARE(bash(Engine(policy), QStringLiteral("git status")).verdict, Verdict::Ask);
    }

    void commandLineModeWins()
    {
        Fixture f;
        f.user("{\"permissions\": {\"defaultMode\": \"acceptEdits\"}}");
        PolicyOptions o = f.options();
        o.cliMode = Mode::Plan;
        QCOMPARE(Policy::load(o).mode(), Mode::Plan);
        QCOMPARE(Policy::load(f.options()).mode(), Mode::AcceptEdits);
    }

    void missingCommandLineSettingsFileIsAnError()
    {
        Fixture f;
        PolicyOptions o = f.options();
        o.cliSettingsFiles << f.root() + QStringLiteral("/nope.json");
        QCOMPARE(Policy::load(o).errors().size(), 1);
    }

    void settingsBaseAnchors()
    {
        Fixture f;
        f.projectShared("{\"permissions\": {\"deny\": [\"Read(/secrets/**)\"]}}");
        f.user("{\"permissions\": {\"deny\": [\"Read(/private/**)\"]}}");
        const Engine engine(Policy::load(f.options()));
        const auto read = [&engine](const QString &path) {
            return engine.decide(ToolCall{QStringLiteral("Read"), QJsonObject{{QStringLiteral("file_path"), path}}}).verdict;
        };
        // "/x" in a project's settings is from the project folder; in the user's, from ~/.config/gatehouse.
        QCOMPARE(read(f.project() + QStringLiteral("/secrets/a")), Verdict::Deny);
        QCOMPARE(read(f.project() + QStringLiteral("/private/a")), Verdict::Allow);
        QCOMPARE(read(f.config() + QStringLiteral("/private/a")), Verdict::Deny);
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
