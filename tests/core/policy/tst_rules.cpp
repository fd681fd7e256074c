// SPDX-License-Identifier: GPL-3.0-or-later
// Rules as written in settings: parsing, command patterns, host patterns (SECURITY-MODEL.md
// section 2).
#include "policy/rule.h"

#include "testenv.h"

#include <QTest>

using namespace gatehouse::policy;
namespace test = gatehouse::test;

namespace {
const AnchorFolders anchors{QStringLiteral("/p"), QStringLiteral("/s"), QStringLiteral("/h")};
}

class TestRules final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("tool");
        QTest::addColumn<QString>("specifier");
        const auto row = [](const char *text, Rule::Kind kind, const char *tool, const char *specifier) {
            QTest::newRow(text) << QString::fromUtf8(text) << int(kind) << QString::fromUtf8(tool) << QString::fromUtf8(specifier);
        };
        row("Bash", Rule::Kind::Tool, "Bash", "");
        row("Bash(*)", Rule::Kind::Tool, "Bash", "*");
        row("Bash()", Rule::Kind::Tool, "Bash", "");
        row("Bash(npm run test:*)", Rule::Kind::Command, "Bash", "npm run test:*");
        row("  Bash( git status )  ", Rule::Kind::Command, "Bash", "git status");
        row("Read(.env)", Rule::Kind::Path, "Read", ".env");
        row("Edit(/src/**)", Rule::Kind::Path, "Edit", "/src/**");
        row("Write(out/*)", Rule::Kind::Path, "Write", "out/*");
        row("Glob(x)", Rule::Kind::Path, "Glob", "x");
        row("WebFetch(domain:example.com)", Rule::Kind::Domain, "WebFetch", "domain:example.com");
        row("WebFetch", Rule::Kind::Tool, "WebFetch", "");
        row("mcp__github", Rule::Kind::Tool, "mcp__github", "");
        row("mcp__github__create_issue", Rule::Kind::Tool, "mcp__github__create_issue", "");
        row("Bash(echo (x))", Rule::Kind::Command, "Bash", "echo (x)");
    }

    void parses()
    {
        QFETCH(QString, text);
        QFETCH(int, kind);
        QFETCH(QString, tool);
        QFETCH(QString, specifier);
        const auto rule = parseRule(text, anchors);
        QVERIFY2(rule.has_value(), rule ? "" : qPrintable(rule.error().message));
        QCOMPARE(int(rule->kind), kind);
        QCOMPARE(rule->tool, tool);
        QCOMPARE(rule->specifier, specifier);
        QVERIFY(!rule->neverMatches);
    }

    void rejects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("unclosed parenthesis") << "Bash(git status";
        QTest::newRow("no tool") << "(git status)";
        QTest::newRow("tool with a space") << "Ba sh(x)";
        QTest::newRow("unbalanced quote in command") << "Bash(echo 'x)";
        QTest::newRow("WebFetch without domain:") << "WebFetch(example.com)";
        QTest::newRow("WebFetch with a bad host") << "WebFetch(domain:exa mple.com)";
        QTest::newRow("WebFetch with a path") << "WebFetch(domain:example.com/x)";
        QTest::newRow("MCP with parentheses") << "mcp__github(x)";
        QTest::newRow("MCP without server") << "mcp__";
        QTest::newRow("empty parentheses") << "Read()";
    }

    void rejects()
    {
        QFETCH(QString, text);
        QVERIFY(!parseRule(text, anchors).has_value());
    }

    void warnsAboutRulesThatNeverMatch()
    {
        QStringList warnings;
        auto unknown = parseRule(QStringLiteral("Fetch(x)"), anchors, &warnings);
        QVERIFY(unknown.has_value());
        QVERIFY(unknown->neverMatches);
        QCOMPARE(warnings.size(), 1);
        QVERIFY(warnings.first().contains(QStringLiteral("unknown tool")));
    }

    // Rules are matched per simple command, without its assignments and redirections: a rule
    // that holds more can never match, and says so rather than silently doing nothing.
    void warnsAboutCommandRulesThatNeverMatch_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("why"); // empty: the rule can match
        QTest::newRow("and list") << "Bash(cd src && npm test)" << "several commands";
        QTest::newRow("pipeline") << "Bash(git log | head)" << "several commands";
        QTest::newRow("semicolon") << "Bash(make; make install)" << "several commands";
        QTest::newRow("background") << "Bash(npm start &)" << "several commands";
        QTest::newRow("substitution") << "Bash(echo $(date))" << "several commands";
        QTest::newRow("subshell") << "Bash((npm test))" << "several commands";
        QTest::newRow("assignment") << "Bash(FOO=1 npm test)" << "assignment FOO=";
        QTest::newRow("redirection") << "Bash(npm test > out.txt)" << "redirection >";
        QTest::newRow("stderr redirection") << "Bash(make 2>&1)" << "redirection";
        QTest::newRow("plain command") << "Bash(npm test)" << "";
        QTest::newRow("prefix") << "Bash(npm run test:*)" << "";
        QTest::newRow("leading star") << "Bash(* --version)" << "";
        QTest::newRow("quoted operators") << "Bash(grep -E 'a|b && c' *)" << "";
        QTest::newRow("equals in an argument") << "Bash(make FOO=1)" << "";
        QTest::newRow("not shell syntax") << "Bash(echo (x))" << "";
    }

    void warnsAboutCommandRulesThatNeverMatch()
    {
        QFETCH(QString, text);
        QFETCH(QString, why);
        QStringList warnings;
        const auto rule = parseRule(text, anchors, &warnings);
        QVERIFY2(rule.has_value(), rule ? "" : qPrintable(rule.error().message));
        QCOMPARE(rule->neverMatches, !why.isEmpty());
        QCOMPARE(warnings.size(), why.isEmpty() ? 0 : 1);
        if (!why.isEmpty()) {
            QVERIFY2(warnings.first().contains(text.trimmed()), qPrintable(warnings.first()));
            QVERIFY2(warnings.first().contains(why), qPrintable(warnings.first()));
        }
    }

    void commandPatterns_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("expected");
        const auto row = [](const char *name, const char *pattern, const char *line, bool expected) {
            QTest::newRow(name) << QString::fromUtf8(pattern) << QString::fromUtf8(line) << expected;
        };
        row("exact", "npm run build", "npm run build", true);
        row("exact is not a prefix", "npm run build", "npm run build --watch", false);
        row("legacy prefix: bare", "npm run test:*", "npm run test", true);
        row("legacy prefix: with args", "npm run test:*", "npm run test -- -x", true);
        row("legacy prefix: word boundary", "npm run test:*", "npm run testing", false);
        row("space star: bare", "npm run test *", "npm run test", true);
        row("space star: boundary", "npm run test *", "npm run testing", false);
        row("leading star", "* --version", "node --version", true);
        row("leading star needs the suffix", "* --version", "node --help", false);
        row("middle star", "git * main", "git push origin main", true);
        row("quotes in rule do not matter", "git commit -m \"fix\"", "git commit -m fix", true);
        row("quoted word with space", "echo 'a b'", "echo 'a b'", true);
        row("a quoted word is not two words", "git status", "'git status'", false);
        row("star matches everything", "*", "rm -rf /", true);
        row("prefix does not match another program", "git log *", "gitk", false);
        row("star inside a word", "cat *.txt", "cat notes.txt", true);
    }

    void commandPatterns()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, line);
        QFETCH(bool, expected);
        const auto compiled = CommandPattern::compile(pattern);
        QVERIFY(compiled.has_value());
        QCOMPARE(compiled->matches(line), expected);
    }

    // A line with unknown parts (U) may match when some value of them makes it match. A word
    // that is all unknown is written without its space, as it may also vanish.
    void commandPatternsMayMatch_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("may");
        QTest::newRow("unknown subcommand") << "git push:*" << "gitU" << true;
        QTest::newRow("unknown inside a word") << "git push:*" << "git puU" << true;
        QTest::newRow("known prefix differs") << "git push:*" << "git pullU" << false;
        QTest::newRow("unknown program") << "git push:*" << "U push" << true;
        QTest::newRow("unknown may be several words") << "rm -rf:*" << "rmU" << true;
        QTest::newRow("a glob's folder is known") << "rm -rf:*" << "rm build/U" << false;
        QTest::newRow("wildcards on both sides") << "git * --force" << "git pushU" << true;
        QTest::newRow("exact rule, longer known line") << "git status" << "git statusU" << true;
        QTest::newRow("exact rule, other known word") << "git status" << "git logU" << false;
        QTest::newRow("literal after the unknown") << "npm publish" << "U publish" << true;
        QTest::newRow("literal that cannot follow") << "npm publish --tag x" << "npm publishU --dry-run" << false;
    }

    void commandPatternsMayMatch()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, line);
        QFETCH(bool, may);
        const auto compiled = CommandPattern::compile(pattern);
        QVERIFY(compiled);
        QCOMPARE(compiled->mayMatch(QString(line).replace(u'U', CommandPattern::unknownMarker())), may);
    }

    void canonicalLines()
    {
        QCOMPARE(canonicalCommandLine({QStringLiteral("git"), QStringLiteral("status")}), QStringLiteral("git status"));
        QCOMPARE(canonicalCommandLine({QStringLiteral("echo"), QStringLiteral("a b")}), QStringLiteral("echo 'a b'"));
        QCOMPARE(canonicalCommandLine({QStringLiteral("echo"), QStringLiteral("it's")}), QStringLiteral("echo 'it'\\''s'"));
        QCOMPARE(canonicalCommandLine({QStringLiteral("echo"), QString()}), QStringLiteral("echo ''"));
        QCOMPARE(canonicalCommandLine({QStringLiteral("ls"), QStringLiteral("*.txt")}), QStringLiteral("ls '*.txt'"));
    }

    void hosts_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("expected");
        const auto row = [](const char *name, const char *pattern, const char *host, bool expected) {
            QTest::newRow(name) << QString::fromUtf8(pattern) << QString::fromUtf8(host) << expected;
        };
        row("exact", "example.com", "example.com", true);
        row("case", "Example.COM", "EXAMPLE.com", true);
        row("trailing dot", "example.com", "example.com.", true);
        row("exact is not a subdomain", "example.com", "api.example.com", false);
        row("suffix trick", "example.com", "evilexample.com", false);
        row("wildcard subdomain", "*.example.com", "api.example.com", true);
        row("wildcard deep subdomain", "*.example.com", "a.b.example.com", true);
        row("wildcard not the apex", "*.example.com", "example.com", false);
        row("wildcard suffix trick", "*.example.com", "evilexample.com", false);
        row("idn", "bücher.example", "xn--bcher-kva.example", true);
        row("not a prefix", "example.com", "example.com.evil.net", false);
    }

    void hosts()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, host);
        QFETCH(bool, expected);
        const auto compiled = HostPattern::compile(pattern);
        QVERIFY(compiled.has_value());
        QCOMPARE(compiled->matches(normaliseHost(host)), expected);
    }

    void invalidHostsNormaliseToNothing()
    {
        for (const char *host : {"", "a b.com", "evil.com\x01", "a/b", "user@host", "..", ".example.com", "a..b"})
            QVERIFY2(normaliseHost(QString::fromUtf8(host)).isEmpty(), host);
        QVERIFY(normaliseHost(QStringLiteral("exa") + QChar(0) + QStringLiteral("mple.com")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRules)
#include "tst_rules.moc"
