// SPDX-License-Identifier: GPL-3.0-or-later
// "Always allow" proposals: for each call, the rule offered, that the engine then allows the
// call with the rule saved in its layer's file, and what the rule must not allow.
#include "approval/ruleproposal.h"
#include "approval/rulewriter.h"
#include "policy/engine.h"

#include "policyfolders.h"
#include "testenv.h"

#include <QDir>
#include <QJsonDocument>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::policy;
namespace test = gatehouse::test;

namespace {

struct Fixture : test::PolicyFolders
{
    Fixture()
    {
        for (const QString &file : {QStringLiteral("/src/a.cpp"), QStringLiteral("/src/b.cpp"), QStringLiteral("/scripts/gen.py"),
                                    QStringLiteral("/README.md")})
            test::writeFile(project() + file, "x\n");
        test::writeFile(home() + QStringLiteral("/other/data.csv"), "1,2\n");
        test::writeFile(home() + QStringLiteral("/other/secret.txt"), "s\n");
        test::writeFile(home() + QStringLiteral("/lib/x.h"), "\n");
        QDir().mkpath(home() + QStringLiteral("/elsewhere"));
    }
    QString expand(QString text) const
    {
        // "{star}" keeps "/*" out of the raw strings below, which moc would read as a comment.
        return text.replace(QStringLiteral("{project}"), project())
            .replace(QStringLiteral("{home}"), home())
            .replace(QStringLiteral("{star}"), QStringLiteral("*"));
    }
    // "command" for Bash, or "Tool {json input}".
    ToolCall call(const QString &tool, const QString &spec) const
    {
        if (tool == QStringLiteral("Bash"))
            return ToolCall{tool, QJsonObject{{QStringLiteral("command"), spec}}};
        // Inputs are written with single quotes in the tables (moc misreads raw strings).
        const QString json = expand(spec).replace(u'\'', u'"');
        return ToolCall{tool, QJsonDocument::fromJson(json.toUtf8()).object()};
    }
    ToolCall other(const QString &tool, const QString &spec) const
    {
        if (tool == QStringLiteral("Bash"))
            return call(tool, spec);
        const qsizetype space = spec.indexOf(u' ');
        return call(spec.left(space), spec.mid(space + 1));
    }
};

using Rules = QStringList;
using Others = QStringList;
using Texts = std::initializer_list<const char *>;

QStringList strings(Texts texts)
{
    QStringList list;
    for (const char *text : texts)
        list << QString::fromUtf8(text);
    return list;
}

} // namespace

Q_DECLARE_METATYPE(Layer)

class TestRuleProposal final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void offered_data()
    {
        QTest::addColumn<QString>("tool");
        QTest::addColumn<QString>("input");
        QTest::addColumn<Layer>("layer");
        QTest::addColumn<Rules>("rules");
        QTest::addColumn<Others>("notAllowed");
        const auto bash = [](const char *name, const char *command, Texts rules, Texts others) {
            QTest::newRow(name) << QStringLiteral("Bash") << QString::fromUtf8(command) << Layer::Local << strings(rules)
                                << strings(others);
        };
        bash("npm run script keeps the script", "npm run test:unit -- --watch", {"Bash(npm run test:unit *)"},
             {"npm run testing", "npm run test:unit:slow", "npm install", "npm run test:unit && rm -rf x"});
        bash("npm test", "npm test", {"Bash(npm test *)"}, {"npm install left-pad", "npm testing", "npm run build"});
        bash("npm install names the package", "npm install lodash", {"Bash(npm install lodash)"},
             {"npm install lodash evil-pkg", "npm install", "npm install lodash2"});
        bash("yarn script", "yarn build --prod", {"Bash(yarn build *)"}, {"yarn add left-pad", "yarn builder"});
        bash("pnpm exec runs the tool", "pnpm exec jest --ci", {"Bash(pnpm exec jest *)"}, {"pnpm exec rm -rf x", "pnpm add jest"});
        bash("test runner alone", "pytest tests/x.py -k foo", {"Bash(pytest *)"}, {"python tests/x.py", "pytest-watch", "pip install pytest"});
        bash("make keeps options before the target", "make -j4 check", {"Bash(make -j4 check *)"},
             {"make install", "make -j4 install", "make -f /tmp/evil.mk check", "make checkout"});
        bash("make without a target is exact", "make", {"Bash(make)"}, {"make install", "make -f evil.mk"});
        bash("git commit", "git commit -m 'fix: parser'", {"Bash(git commit *)"}, {"git push", "git commit-tree x", "git reset --hard"});
        bash("git reset is exact", "git reset --hard HEAD~1", {"Bash(git reset --hard 'HEAD~1')"},
             {"git reset --hard origin/main", "git reset --hard HEAD~1 -- src", "git reset --hard"});
        bash("git add", "git add src/a.cpp", {"Bash(git add *)"}, {"git rm src/a.cpp", "git addx"});
        bash("git checkout is exact", "git checkout -b feature/x", {"Bash(git checkout -b feature/x)"}, {"git checkout -- .", "git checkout main"});
        bash("cargo test", "cargo test --release", {"Bash(cargo test *)"}, {"cargo install ripgrep", "cargo testx"});
        bash("cargo toolchain stays", "cargo +nightly build", {"Bash(cargo +nightly build *)"}, {"cargo +nightly install x", "cargo build"});
        bash("go test", "go test ./...", {"Bash(go test *)"}, {"go run main.go", "go install example.com/x@latest"});
        bash("go run names the package", "go run ./cmd/tool -v", {"Bash(go run ./cmd/tool *)"}, {"go run ./cmd/other", "go run /tmp/x.go"});
        bash("go mod action", "go mod tidy", {"Bash(go mod tidy *)"}, {"go mod edit -replace x=y", "go get x"});
        bash("docker compose up", "docker compose up -d", {"Bash(docker compose up *)"},
             {"docker compose run web sh", "docker run --privileged alpine", "docker compose down -v"});
        bash("docker run is exact", "docker run --rm alpine true", {"Bash(docker run --rm alpine true)"},
             {"docker run --rm alpine sh", "docker run --privileged alpine"});
        bash("docker build", "docker build -t app .", {"Bash(docker build *)"}, {"docker run app", "docker push app"});
        bash("helm read-only verb", "helm list -A", {"Bash(helm list *)"}, {"helm install x y", "helm uninstall x"});
        bash("pip install is exact", "pip install -r requirements.txt", {"Bash(pip install -r requirements.txt)"},
             {"pip install evil", "pip install -r requirements.txt evil"});
        bash("uv run tool", "uv run pytest -x", {"Bash(uv run pytest *)"}, {"uv run python x.py", "uv add x", "uv run pytestx"});
        bash("poetry run script", "poetry run python manage.py migrate", {"Bash(poetry run python manage.py *)"},
             {"poetry run python other.py", "poetry add x"});
        bash("bundle exec tool", "bundle exec rspec spec/a_spec.rb", {"Bash(bundle exec rspec *)"}, {"bundle exec rake db:drop"});
        bash("gradle wrapper task", "./gradlew test --info", {"Bash(./gradlew test *)"}, {"./gradlew publish", "./gradlew tests"});
        bash("maven options before the phase", "mvn -q verify", {"Bash(mvn -q verify *)"}, {"mvn deploy", "mvn -q deploy"});
        bash("python script, never python alone", "python scripts/gen.py --out x", {"Bash(python scripts/gen.py *)"},
             {"python other.py", "python -m http.server", "python", "python scripts/gen.pyc"});
        bash("python -m module is the program", "python3 -m pytest -q", {"Bash(python3 -m pytest *)"},
             {"python3 -m http.server", "python3 x.py", "python3 -m pip install x"});
        bash("node script", "node build.js --minify", {"Bash(node build.js *)"}, {"node evil.js", "node"});
        bash("project script by path", "./scripts/check.sh --fast", {"Bash(./scripts/check.sh *)"}, {"./scripts/deploy.sh", "scripts/check.sh"});
        bash("rm is exact", "rm build/out.o", {"Bash(rm build/out.o)"}, {"rm -rf build", "rm build/out.o src/a.cpp"});
        bash("unknown program is exact", "mkdir -p build/x", {"Bash(mkdir -p build/x)"}, {"mkdir -p /tmp/x", "mkdir -p build/y"});
        bash("compound: one rule per command", "npm run lint && npm test", {"Bash(npm run lint *)", "Bash(npm test *)"},
             {"npm run lint && npm install x", "npm run lint; curl x"});
        bash("compound: read-only commands need no rule", "git status && make check", {"Bash(make check *)"},
             {"make install", "git status && make install"});
        bash("the same command twice gives one rule", "npm test; npm test -- -u", {"Bash(npm test *)"}, {"npm ci"});
        bash("pipeline", "cat README.md | npm run format", {"Bash(npm run format *)"}, {"npm run format2", "cat README.md | sh"});
        bash("cmake --build", "cmake --build build --target all", {"Bash(cmake --build build *)"}, {"cmake -P evil.cmake", "cmake --build /tmp"});
        bash("npx tool", "npx eslint src --fix", {"Bash(npx eslint *)"}, {"npx some-pkg", "npx eslint-evil"});
        bash("redirect into the project", "echo hello > out.txt", {"Bash(echo hello)"}, {"echo bye > out.txt"});
        bash("assignments are not part of the rule", "FOO=1 npm test", {"Bash(npm test *)"}, {"npm publish"});
        bash("scheduling wrappers are stripped", "timeout 60 pytest -x", {"Bash(pytest *)"}, {"timeout 60 make install"});
        bash("quoted words stay quoted", "git commit -m 'a b'", {"Bash(git commit *)"}, {"git push"});
        bash("yarn add is exact", "yarn add react@18", {"Bash(yarn add react@18)"}, {"yarn add react@19", "yarn add react@18 evil"});

        const auto row = [](const char *name, const char *tool, const char *input, Layer layer, Texts rules, Texts others) {
            QTest::newRow(name) << QString::fromUtf8(tool) << QString::fromUtf8(input) << layer << strings(rules)
                                << strings(others);
        };
        row("edit in the project, local layer", "Edit", "{'file_path': '{project}/src/a.cpp', 'old_string': 'x', 'new_string': 'y'}",
             Layer::Local, {"Edit(./src/a.cpp)"},
             {"Edit {'file_path': '{project}/src/b.cpp', 'old_string': 'x', 'new_string': 'y'}",
              "Write {'file_path': '{project}/src/a.cpp.bak', 'content': ''}"});
        row("edit in the project, user layer is absolute", "Edit", "{'file_path': '{project}/src/a.cpp', 'old_string': 'x', 'new_string': 'y'}",
             Layer::User, {"Edit(/{project}/src/a.cpp)"},
             {"Edit {'file_path': '{home}/src/a.cpp', 'old_string': 'x', 'new_string': 'y'}"});
        row("write a new file with pattern characters", "Write", "{'file_path': '{project}/docs/new file[1].md', 'content': 'x'}",
             Layer::Project, {"Edit(./docs/new file\\[1\\].md)"},
             {"Write {'file_path': '{project}/docs/new file1.md', 'content': 'x'}"});
        row("edit outside the project", "Edit", "{'file_path': '{home}/notes/todo.txt', 'old_string': 'x', 'new_string': 'y'}",
             Layer::Local, {"Edit(/{home}/notes/todo.txt)"},
             {"Edit {'file_path': '{home}/notes/other.txt', 'old_string': 'x', 'new_string': 'y'}"});
        row("read outside the project names the file", "Read", "{'file_path': '{home}/other/data.csv'}", Layer::Local,
             {"Read(/{home}/other/data.csv)"}, {"Read {'file_path': '{home}/other/secret.txt'}"});
        row("grep outside the project names the folder", "Grep", "{'pattern': 'x', 'path': '{home}/other'}", Layer::User,
             {"Read(/{home}/other/**)"}, {"Read {'file_path': '{home}/elsewhere/x'}", "Grep {'pattern': 'x', 'path': '{home}'}"});
        row("glob outside the project", "Glob", "{'pattern': '{home}/lib/{star}.h'}", Layer::Local, {"Read(/{home}/lib/**)"},
             {"Glob {'pattern': '{home}/{star}'}"});
        row("web fetch names the host", "WebFetch", "{'url': 'https://docs.python.org/3/', 'prompt': 'p'}", Layer::User,
             {"WebFetch(domain:docs.python.org)"},
             {"WebFetch {'url': 'https://evil.python.org/', 'prompt': 'p'}",
              "WebFetch {'url': 'https://docs.python.org.evil.com/', 'prompt': 'p'}"});
        row("mcp tool", "mcp__github__create_issue", "{'title': 'x'}", Layer::Local, {"mcp__github__create_issue"},
             {"mcp__github__delete_repo {'name': 'x'}"});
    }

    void offered()
    {
        QFETCH(QString, tool);
        QFETCH(QString, input);
        QFETCH(Layer, layer);
        QFETCH(Rules, rules);
        QFETCH(Others, notAllowed);
        Fixture fixture;
        const ToolCall call = fixture.call(tool, input);
        const Policy before = Policy::load(fixture.options());
        const Decision decision = Engine(before).decide(call);
        QCOMPARE(verdictName(decision.verdict), QStringLiteral("ask"));
        const approval::Proposal proposal = approval::proposeRules(call, decision, before, layer);
        QVERIFY2(proposal.offered, qPrintable(proposal.reason));
        QStringList expected;
        for (const QString &rule : rules)
            expected << fixture.expand(rule);
        QCOMPARE(proposal.rules, expected);

        // Saved for real into the layer's file, the engine allows the call...
        const auto saved = approval::saveAllowRules(fixture.options(), layer, proposal.rules);
        QVERIFY2(saved.has_value(), saved ? "" : qPrintable(saved.error().message));
        const Engine after(Policy::load(fixture.options()));
        const Decision allowed = after.decide(call);
        QVERIFY2(allowed.verdict == Verdict::Allow, qPrintable(allowed.reason));
        // ...and nothing more than it should.
        for (const QString &spec : notAllowed) {
            const Decision other = after.decide(fixture.other(tool, spec));
            QVERIFY2(other.verdict != Verdict::Allow, qPrintable(QStringLiteral("%1 is allowed: %2").arg(spec, other.reason)));
        }
    }

    void notOffered_data()
    {
        QTest::addColumn<QString>("tool");
        QTest::addColumn<QString>("input");
        QTest::addColumn<Layer>("layer");
        QTest::addColumn<QString>("setup");
        QTest::addColumn<QString>("reason");
        const auto row = [](const char *name, const char *tool, const char *input, Layer layer, const char *setup, const char *reason) {
            QTest::newRow(name) << QString::fromUtf8(tool) << QString::fromUtf8(input) << layer << QString::fromUtf8(setup)
                                << QString::fromUtf8(reason);
        };
        row("network tool", "Bash", "curl https://example.com", Layer::Local, "", "risks");
        row("make -C runs another makefile", "Bash", "make -C build test", Layer::Local, "", "risks");
        row("docker run with the host's files", "Bash", "docker run --rm -v /:/host alpine", Layer::Local, "", "risks");
        row("kubectl talks to a cluster", "Bash", "kubectl get pods", Layer::Local, "", "network");
        row("command substitution", "Bash", "echo $(make -s version)", Layer::Local, "", "command-substitution");
        row("critical removal", "Bash", "rm -rf ~", Layer::User, "", "risks");
        row("shell given code", "Bash", "sh -c 'make'", Layer::Local, "", "risks");
        row("interpreter given code", "Bash", "python -c 'print(1)'", Layer::Local, "", "risks");
        row("git push talks to the remote", "Bash", "git push origin main", Layer::Local, "", "network");
        row("ask rule asks every time", "Bash", "make install", Layer::Local, "ask:Bash(make install *)",
            "Bash(make install *) asks every time");
        row("managed settings forbid always", "Bash", "npm test", Layer::User, "managed:disableAlwaysAllow",
            "disableAlwaysAllow");
        row("untrusted folder, project layer", "Bash", "npm test", Layer::Local, "untrusted", "not trusted");
        row("untrusted folder, shared layer", "Bash", "npm test", Layer::Project, "untrusted", "not trusted");
        row("managed rules only", "Bash", "npm test", Layer::User, "managed:allowManagedPermissionRulesOnly",
            "would still not be allowed");
        row("protected path", "Edit", "{'file_path': '{project}/.gatehouse/settings.json', 'old_string': 'a', 'new_string': 'b'}",
            Layer::Local, "", "protected-path");
        row("git config", "Write", "{'file_path': '{project}/.git/config', 'content': 'x'}", Layer::User, "", "protected-path");
        row("script name decided at run time", "Bash", "npm run $SCRIPT", Layer::Local, "", "decided at run time");
        row("program decided at run time", "Bash", "$TOOL build", Layer::Local, "", "decided at run time");
        row("file pattern in an exact rule", "Bash", "rm build/*.o", Layer::Local, "", "file pattern");
        row("unknown tool", "Frobnicate", "{'x': 1}", Layer::Local, "", "no rule can allow");
        row("url with user name", "WebFetch", "{'url': 'https://user@example.com/', 'prompt': 'p'}", Layer::Local, "", "url-userinfo");
        row("ambiguous mcp name", "mcp__a___b", "{}", Layer::Local, "", "ambiguous-mcp-name");
        row("not a settings layer", "Bash", "npm test", Layer::Managed, "", "saved to the project");
    }

    void notOffered()
    {
        QFETCH(QString, tool);
        QFETCH(QString, input);
        QFETCH(Layer, layer);
        QFETCH(QString, setup);
        QFETCH(QString, reason);
        Fixture fixture;
        PolicyOptions options = fixture.options(setup != QStringLiteral("untrusted"));
        if (setup.startsWith(QStringLiteral("ask:")))
            options.cliAsk << setup.mid(4);
        if (setup.startsWith(QStringLiteral("managed:")))
            test::writeFile(fixture.managed() + QStringLiteral("/managed-settings.json"),
                            QStringLiteral("{\"%1\": true}").arg(setup.mid(8)).toUtf8());
        const Policy policy = Policy::load(options);
        QVERIFY2(policy.errors().isEmpty(), qPrintable(policy.errors().join(u'\n')));
        const ToolCall call = fixture.call(tool, input);
        const Decision decision = Engine(policy).decide(call);
        QCOMPARE(verdictName(decision.verdict), QStringLiteral("ask"));
        const approval::Proposal proposal = approval::proposeRules(call, decision, policy, layer);
        QVERIFY(!proposal.offered);
        QVERIFY2(proposal.reason.contains(reason), qPrintable(proposal.reason));
    }

    void sessionIgnoresTheManagedLockOnAlways()
    {
        Fixture fixture;
        test::writeFile(fixture.managed() + QStringLiteral("/managed-settings.json"), "{\"disableAlwaysAllow\": true}");
        const Policy policy = Policy::load(fixture.options());
        const ToolCall call = fixture.call(QStringLiteral("Bash"), QStringLiteral("npm test"));
        const Decision decision = Engine(policy).decide(call);
        QVERIFY(!approval::proposeRules(call, decision, policy, Layer::Local).offered);
        const approval::Proposal session = approval::proposeRules(call, decision, policy, Layer::Session);
        QVERIFY2(session.offered, qPrintable(session.reason));
        QCOMPARE(session.rules, QStringList{QStringLiteral("Bash(npm test *)")});
    }

    void editedRulesAreChecked_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<Layer>("layer");
        QTest::addColumn<QString>("error"); // empty: accepted
        QTest::newRow("broader, still covers") << "Bash(npm *)" << Layer::Local << "";
        QTest::newRow("no longer covers the call") << "Bash(npm run build *)" << Layer::Local << "would still not be allowed";
        QTest::newRow("does not parse") << "Bash(npm 'test)" << Layer::Local << "quote";
        QTest::newRow("another tool") << "Read(./src/**)" << Layer::Local << "not about the tool Bash";
        QTest::newRow("unknown tool never matches") << "Bsh(npm test)" << Layer::User << "never matches";
        QTest::newRow("no rule") << "" << Layer::Local << "no rule";
        QTest::newRow("not a file layer") << "Bash(npm test *)" << Layer::Cli << "saved to the project";
    }

    void editedRulesAreChecked()
    {
        QFETCH(QString, rule);
        QFETCH(Layer, layer);
        QFETCH(QString, error);
        Fixture fixture;
        const Policy policy = Policy::load(fixture.options());
        const ToolCall call = fixture.call(QStringLiteral("Bash"), QStringLiteral("npm test"));
        const auto checked = approval::checkRules(call, rule.isEmpty() ? QStringList() : QStringList{rule}, policy, layer);
        QCOMPARE(checked.has_value(), error.isEmpty());
        if (!checked)
            QVERIFY2(checked.error().message.contains(error), qPrintable(checked.error().message));
    }

    void userLayerSlashMeansTheConfigFolder()
    {
        // "/x" in the user's settings is below the user configuration folder, not the project:
        // an edited rule written that way for a project file does not cover the call.
        Fixture fixture;
        const Policy policy = Policy::load(fixture.options());
        const ToolCall call = fixture.call(QStringLiteral("Edit"),
                                           QStringLiteral("{'file_path': '{project}/src/a.cpp', 'old_string': 'x', 'new_string': 'y'}"));
        QVERIFY(approval::checkRules(call, {QStringLiteral("Edit(/src/a.cpp)")}, policy, Layer::Local).has_value());
        const auto user = approval::checkRules(call, {QStringLiteral("Edit(/src/a.cpp)")}, policy, Layer::User);
        QVERIFY(!user.has_value());
        QVERIFY2(user.error().message.contains(QStringLiteral("would still not be allowed")), qPrintable(user.error().message));
    }
};

QTEST_GUILESS_MAIN(TestRuleProposal)
#include "tst_ruleproposal.moc"
