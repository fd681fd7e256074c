// SPDX-License-Identifier: GPL-3.0-or-later
// Trusted folders, kept with a hash of what the folder's configuration grants.
#include "trust/truststore.h"

#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse::trust;
namespace test = gatehouse::test;

class TestTrustStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void grantsListWhatLoosens()
    {
        QTemporaryDir dir;
        test::writeFile(dir.filePath(QStringLiteral(".gatehouse/settings.json")),
                        R"j({"permissions": {"allow": ["Bash(make)"], "deny": ["Bash(curl *)"], "defaultMode": "acceptEdits",
                            "additionalDirectories": ["../shared"]},
                            "sandbox": {"autoAllow": true, "network": {"allowedDomains": ["pypi.org"]}},
                            "env": {"FOO": "bar"}, "hooks": {"PreToolUse": []}})j");
        test::writeFile(dir.filePath(QStringLiteral(".mcp.json")),
                        R"j({"mcpServers": {"files": {"command": "npx", "args": ["-y", "server-files"]}}})j");
        const Grants grants = readGrants(dir.path());
        QVERIFY2(grants.errors.isEmpty(), qPrintable(grants.errors.join(u'\n')));
        const QString all = grants.items.join(u'\n');
        QVERIFY(all.contains(QStringLiteral("allows Bash(make) without asking")));
        QVERIFY(!all.contains(QStringLiteral("curl"))); // deny rules apply anyway; they grant nothing
        QVERIFY(all.contains(QStringLiteral("acceptEdits")));
        QVERIFY(all.contains(QStringLiteral("shared")));
        QVERIFY(all.contains(QStringLiteral("without asking (.gatehouse/settings.json)")));
        QVERIFY(all.contains(QStringLiteral("pypi.org")));
        QVERIFY(all.contains(QStringLiteral("FOO")));
        QVERIFY(all.contains(QStringLiteral("hook")));
        QVERIFY(all.contains(QStringLiteral("MCP server \"files\", which runs npx -y server-files")));
        QCOMPARE(grants.hash.size(), 64);
    }

    void emptyFolderGrantsNothing()
    {
        QTemporaryDir dir;
        const Grants grants = readGrants(dir.path());
        QVERIFY(grants.isEmpty());
        QVERIFY(grants.errors.isEmpty());
    }

    void brokenConfigurationIsAnError()
    {
        QTemporaryDir dir;
        test::writeFile(dir.filePath(QStringLiteral(".gatehouse/settings.local.json")), "{oops");
        test::writeFile(dir.filePath(QStringLiteral(".mcp.json")), "nope");
        const Grants grants = readGrants(dir.path());
        QCOMPARE(grants.errors.size(), 2);
    }

    void trustIsKeptWithTheHash()
    {
        QTemporaryDir config;
        QTemporaryDir project;
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")), R"j({"permissions": {"allow": ["Bash(make)"]}})j");
        TrustStore store(config.path());
        const Grants before = readGrants(project.path());
        QVERIFY(!store.isTrusted(project.path(), before.hash));
        QVERIFY(store.trust(project.path(), before.hash).has_value());
        QVERIFY(store.isTrusted(project.path(), before.hash));
        QVERIFY(store.isTrusted(project.path() + QStringLiteral("/."), before.hash)); // canonical path

        // The file is 0600 and holds the canonical path.
        QFile file(store.filePath());
        QCOMPARE(file.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains(QDir(project.path()).canonicalPath().toUtf8()));

        // A new grant changes the hash: no longer trusted, but known.
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")),
                        R"j({"permissions": {"allow": ["Bash(make)", "Bash(curl *)"]}})j");
        const Grants after = readGrants(project.path());
        QVERIFY(after.hash != before.hash);
        QVERIFY(!store.isTrusted(project.path(), after.hash));
        QVERIFY(store.find(project.path()).has_value());

        // Wording or order changes that grant nothing new keep the hash.
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")),
                        R"j({"permissions": {"allow": ["Bash(curl *)", "Bash(make)"], "deny": ["Bash(rm *)"]}})j");
        QCOMPARE(readGrants(project.path()).hash, after.hash);

        QVERIFY(store.revoke(project.path()).has_value());
        QVERIFY(!store.find(project.path()).has_value());
    }

    void corruptStoreTrustsNothing()
    {
        QTemporaryDir config;
        QTemporaryDir project;
        test::writeFile(config.filePath(QStringLiteral("trust.json")), "{broken");
        TrustStore store(config.path());
        QVERIFY(!store.isTrusted(project.path(), readGrants(project.path()).hash));
        QVERIFY(!store.loadError().isEmpty());
        // and does not overwrite what it cannot read
        QVERIFY(!store.trust(project.path(), "x").has_value());
        QFile file(config.filePath(QStringLiteral("trust.json")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("{broken"));
    }
};

QTEST_GUILESS_MAIN(TestTrustStore)
#include "tst_truststore.moc"
