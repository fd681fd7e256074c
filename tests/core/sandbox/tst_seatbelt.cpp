// SPDX-License-Identifier: GPL-3.0-or-later
// The macOS sandbox-exec profile, checked as text (CI does not run macOS).
#include "sandbox/seatbelt.h"

#include "testenv.h"

#include <QRegularExpression>
#include <QTest>

using namespace gatehouse::sandbox;
namespace test = gatehouse::test;

namespace {

SandboxSpec spec()
{
    SandboxSpec s;
    s.projectDir = QStringLiteral("/Users/u/proj");
    s.writableFolders = {QStringLiteral("/Users/u/proj"), QStringLiteral("/Users/u/shared/")};
    s.denyRead = {QStringLiteral("/Users/u/.ssh"), QStringLiteral("/Users/u/.aws")};
    return s;
}

// The regular expressions of the protected-entries block, compiled, to try paths against them.
QList<QRegularExpression> protectedPatterns(const QString &profile)
{
    QList<QRegularExpression> patterns;
    const qsizetype start = profile.indexOf(QStringLiteral("; protected entries"));
    const qsizetype end = profile.indexOf(QStringLiteral("(deny file-write-unlink"), start);
    const QString block = profile.mid(start, end - start);
    static const QRegularExpression literal(QStringLiteral("\\(regex #\"(.*)\"\\)"));
    auto it = literal.globalMatch(block);
    while (it.hasNext()) {
        QString pattern = it.next().captured(1);
        pattern.replace(QStringLiteral("\\\""), QStringLiteral("\""));
        patterns << QRegularExpression(pattern);
    }
    return patterns;
}

bool isProtected(const QString &profile, const QString &path)
{
    for (const QRegularExpression &pattern : protectedPatterns(profile))
        if (pattern.match(path).hasMatch())
            return true;
    return false;
}

} // namespace

class TestSeatbelt final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void denyByDefault()
    {
        const QString profile = seatbeltProfile(spec(), QStringLiteral("/private/tmp/gh-1"), 0);
        QVERIFY(profile.startsWith(QStringLiteral("(version 1)\n(deny default)\n")));
        QVERIFY(profile.contains(QStringLiteral("(allow file-read*)")));
        QVERIFY(profile.contains(QStringLiteral("(subpath \"/Users/u/.ssh\")")));
        QVERIFY(profile.contains(QStringLiteral("(subpath \"/Users/u/proj\")")));
        QVERIFY(profile.contains(QStringLiteral("(subpath \"/Users/u/shared\")")));
        QVERIFY(profile.contains(QStringLiteral("(subpath \"/private/tmp/gh-1\")")));
        QVERIFY(profile.contains(QStringLiteral("(deny network*)")));
        QVERIFY(!profile.contains(QStringLiteral("network-outbound")));
    }

    void onlyTheProxyIsReachable()
    {
        const QString profile = seatbeltProfile(spec(), QStringLiteral("/tmp/x"), 3128);
        QVERIFY(profile.contains(QStringLiteral("(allow network-outbound (remote ip \"localhost:3128\"))")));
        QVERIFY(profile.indexOf(QStringLiteral("(deny network*)")) < profile.indexOf(QStringLiteral("network-outbound")));
    }

    void protectedEntriesExistingOrNot_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("denied");
        QTest::newRow("mcp config") << "/Users/u/proj/.mcp.json" << true;
        QTest::newRow("nested mcp config") << "/Users/u/proj/sub/.mcp.json" << true;
        QTest::newRow("git config") << "/Users/u/proj/.git/config" << true;
        QTest::newRow("a git hook") << "/Users/u/proj/.git/hooks/pre-commit" << true;
        QTest::newRow("git objects stay writable") << "/Users/u/proj/.git/objects/ab/cdef" << false;
        QTest::newRow("git index stays writable") << "/Users/u/proj/.git/index" << false;
        QTest::newRow("vscode settings") << "/Users/u/proj/.vscode/settings.json" << true;
        QTest::newRow("own settings") << "/Users/u/shared/.gatehouse/settings.json" << true;
        QTest::newRow("zshrc") << "/Users/u/proj/.zshrc" << true;
        QTest::newRow("ordinary file") << "/Users/u/proj/src/main.cpp" << false;
        QTest::newRow("similar name") << "/Users/u/proj/.mcp.json.bak" << false;
        QTest::newRow("similar folder") << "/Users/u/proj/.vscode-old/x" << false;
    }

    void protectedEntriesExistingOrNot()
    {
        QFETCH(QString, path);
        QFETCH(bool, denied);
        QCOMPARE(isProtected(seatbeltProfile(spec(), QStringLiteral("/tmp/x"), 0), path), denied);
    }

    void parentsCannotBeRenamedAway()
    {
        const QString profile = seatbeltProfile(spec(), QStringLiteral("/tmp/x"), 0);
        QVERIFY(profile.contains(QStringLiteral("(deny file-write-unlink\n    (literal \"/Users/u/proj\")")));
        QVERIFY(profile.contains(QStringLiteral("(regex #\"^/Users/u/proj/(.*/)?\\.git$\")")));
    }

    void pathsAreEscaped()
    {
        QCOMPARE(seatbeltString(QStringLiteral("/a \"b\"\\c")), QStringLiteral("\"/a \\\"b\\\"\\\\c\""));
        QCOMPARE(seatbeltRegexLiteral(QStringLiteral("/p/a.b+c(1)")), QStringLiteral("/p/a\\.b\\+c\\(1\\)"));
        SandboxSpec odd = spec();
        odd.projectDir = QStringLiteral("/Users/u/my \"proj\".v2");
        odd.writableFolders = {odd.projectDir};
        const QString profile = seatbeltProfile(odd, QStringLiteral("/tmp/x"), 0);
        QVERIFY(profile.contains(QStringLiteral("(subpath \"/Users/u/my \\\"proj\\\".v2\")")));
        QVERIFY(isProtected(profile, QStringLiteral("/Users/u/my \"proj\".v2/.mcp.json")));
        QVERIFY(!isProtected(profile, QStringLiteral("/Users/u/my \"proj\"Xv2/.mcp.json")));
    }
};

QTEST_GUILESS_MAIN(TestSeatbelt)
#include "tst_seatbelt.moc"
