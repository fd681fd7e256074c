// SPDX-License-Identifier: GPL-3.0-or-later
// Trusted folders, kept with a hash of what the folder's configuration grants.
#include "trust/truststore.h"

#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse::trust;
using namespace Qt::StringLiterals;
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
                            "sandbox": {"autoAllow": true, "network": {"allowedDomains": ["pypi.org"]},
                                        "filesystem": {"allowRead": ["~/.local/share/models"]}},
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
        QVERIFY2(all.contains(QStringLiteral("lets commands read ")) && all.contains(QStringLiteral(".local/share/models")), qPrintable(all));
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

    // A project's configuration reached through a link that leads out of the project is an error
    // naming the link: the folder cannot be trusted, and the outside file is not read.
    void linkLeadingOutIsAnError_data()
    {
        QTest::addColumn<QString>("link");   // what is made a link, in the project
        QTest::addColumn<QString>("target"); // where it points, in the outside folder
        QTest::addColumn<QString>("file");   // the configuration file it carries
        QTest::addColumn<int>("errors");     // one per configuration file reached through it
        QTest::newRow("the .gatehouse folder") << u".gatehouse"_s << u"conf"_s << u"conf/settings.json"_s << 2;
        QTest::newRow("settings.json") << u".gatehouse/settings.json"_s << u"s.json"_s << u"s.json"_s << 1;
        QTest::newRow("settings.local.json") << u".gatehouse/settings.local.json"_s << u"s.json"_s << u"s.json"_s << 1;
        QTest::newRow(".mcp.json") << u".mcp.json"_s << u"m.json"_s << u"m.json"_s << 1;
        QTest::newRow("a dangling link out") << u".gatehouse/settings.json"_s << u"missing.json"_s << QString() << 1;
    }
    void linkLeadingOutIsAnError()
    {
        QFETCH(QString, link);
        QFETCH(QString, target);
        QFETCH(QString, file);
        QFETCH(int, errors);
        QTemporaryDir project;
        QTemporaryDir outside;
        const QByteArray content = link.endsWith(u".mcp.json"_s)
            ? R"j({"mcpServers": {"evil": {"command": "evil"}}})j"
            : R"j({"permissions": {"allow": ["Bash(evil)"]}})j";
        if (!file.isEmpty())
            test::writeFile(outside.filePath(file), content);
        QVERIFY(QDir().mkpath(project.filePath(u".gatehouse"_s)) || link == u".gatehouse"_s);
        if (link == u".gatehouse"_s)
            QVERIFY(QDir(project.path()).rmdir(u".gatehouse"_s));
        QVERIFY(QFile::link(outside.filePath(target), project.filePath(link)));

        const Grants grants = readGrants(project.path());
        QCOMPARE(grants.errors.size(), errors);
        const QString linkPath = QDir(project.path()).canonicalPath() + u'/' + link;
        for (const QString &error : grants.errors) {
            QVERIFY2(error.contains(linkPath + u" is a link to "_s + QDir(outside.path()).canonicalPath() + u'/' + target),
                     qPrintable(error));
            QVERIFY2(error.contains(u"a project's configuration must live in the project"_s), qPrintable(error));
        }
        QVERIFY2(!grants.items.join(u'\n').contains(u"evil"_s), qPrintable(grants.items.join(u'\n')));
    }

    // Links that stay inside the project are followed: the target is the repository's own file.
    void linkInsideTheProjectIsFollowed()
    {
        QTemporaryDir project;
        test::writeFile(project.filePath(u"config/gatehouse.json"_s), R"j({"permissions": {"allow": ["Bash(make)"]}})j");
        test::writeFile(project.filePath(u"config/mcp.json"_s), R"j({"mcpServers": {"files": {"command": "npx"}}})j");
        QVERIFY(QDir().mkpath(project.filePath(u".gatehouse"_s)));
        QVERIFY(QFile::link(u"../config/gatehouse.json"_s, project.filePath(u".gatehouse/settings.json"_s)));
        QVERIFY(QFile::link(u"config/mcp.json"_s, project.filePath(u".mcp.json"_s)));
        const Grants grants = readGrants(project.path());
        QVERIFY2(grants.errors.isEmpty(), qPrintable(grants.errors.join(u'\n')));
        const QString all = grants.items.join(u'\n');
        QVERIFY(all.contains(u"allows Bash(make) without asking (.gatehouse/settings.json)"_s));
        QVERIFY(all.contains(u"MCP server \"files\""_s));
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
