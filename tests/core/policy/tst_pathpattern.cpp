// SPDX-License-Identifier: GPL-3.0-or-later
// Gitignore-style path patterns with the four anchors, and canonical paths (SECURITY-MODEL.md
// sections 1 and 2).
#include "policy/paths.h"
#include "policy/pathpattern.h"

#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse::policy;
namespace test = gatehouse::test;

class TestPathPattern final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void matches_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("expected");
        const auto row = [](const char *name, const char *pattern, const char *path, bool expected) {
            QTest::newRow(name) << QString::fromUtf8(pattern) << QString::fromUtf8(path) << expected;
        };
        // anchors: project /p, settings base /s, home /h
        row("bare name at the project root", ".env", "/p/.env", true);
        row("bare name at any depth", ".env", "/p/a/b/.env", true);
        row("bare name not outside the project", ".env", "/other/.env", false);
        row("bare name is a whole component", ".env", "/p/x.env", false);
        row("bare name with a glob at depth", "*.pem", "/p/keys/server.pem", true);
        row("bare name covers a folder's contents", "secrets", "/p/a/secrets/key.txt", true);
        row("./ anchors at the project root", "./.env", "/p/.env", true);
        row("./ does not float", "./.env", "/p/a/.env", false);
        row("path with a slash is anchored", "src/*.ts", "/p/src/a.ts", true);
        row("anchored pattern not deeper", "src/*.ts", "/p/lib/src/a.ts", false);
        row("* stays in one component", "src/*.ts", "/p/src/sub/a.ts", false);
        row("** crosses components", "src/**/*.ts", "/p/src/a/b/c.ts", true);
        row("** matches zero components", "src/**/*.ts", "/p/src/c.ts", true);
        row("trailing ** covers everything inside", "build/**", "/p/build/x/y", true);
        row("trailing ** not the folder's sibling", "build/**", "/p/builder/x", false);
        row("folder pattern covers contents", "build", "/p/build/out/a.o", true);
        row("leading **", "**/node_modules/**", "/p/a/node_modules/x/y.js", true);
        row("// is from the root", "//etc/passwd", "/etc/passwd", true);
        row("// exact", "//etc/passwd", "/etc/passwd.bak", false);
        row("// folder", "//etc", "/etc/ssh/sshd_config", true);
        row("~/ is from home", "~/.ssh/**", "/h/.ssh/id_rsa", true);
        row("~/ folder form", "~/.aws", "/h/.aws/credentials", true);
        row("~ alone is all of home", "~", "/h/anything", true);
        row("~/ not elsewhere", "~/.ssh/**", "/p/.ssh/id_rsa", false);
        row("/ is from the settings base", "/config/*.json", "/s/config/a.json", true);
        row("/ not from the project", "/config/*.json", "/p/config/a.json", false);
        row("sibling with a common prefix", "//home/u/proj", "/home/u/proj-evil/x", false);
        row("question mark", "file?.txt", "/p/file1.txt", true);
        row("question mark is one character", "file?.txt", "/p/file10.txt", false);
        row("character class", "log[0-9].txt", "/p/log5.txt", true);
        row("negated class", "log[!0-9].txt", "/p/log5.txt", false);
        row("escaped star is literal", "a\\*b", "/p/a*b", true);
        row("escaped star does not glob", "a\\*b", "/p/axxb", false);
        row("star alone is everything", "*", "/p/deep/file", true);
        row("** alone is everything below", "**", "/p/deep/file", true);
        row("dot-dot in a pattern climbs the anchor", "../shared/*.txt", "/shared/a.txt", true);
        row("pattern case matters", ".ENV", "/p/.env", false);
    }

    void matches()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, path);
        QFETCH(bool, expected);
        const AnchorFolders anchors{QStringLiteral("/p"), QStringLiteral("/s"), QStringLiteral("/h")};
        QCOMPARE(PathPattern::compile(pattern, anchors).matches(path), expected);
    }

    // One component as bash's globs match it in the C locale.
    void segments_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("expected");
        QTest::newRow("posix class") << ".[[:alpha:]]nv" << ".env" << true;
        QTest::newRow("posix class, no") << ".[[:digit:]]nv" << ".env" << false;
        QTest::newRow("two classes") << "[[:upper:][:digit:]]x" << "7x" << true;
        QTest::newRow("class and range") << "[[:digit:]a-c]" << "b" << true;
        QTest::newRow("negated class") << "[![:alpha:]]" << "e" << false;
        QTest::newRow("equivalence class") << ".[[=e=]]nv" << ".env" << true;
        QTest::newRow("collating symbol") << ".[[.e.]]nv" << ".env" << true;
        QTest::newRow("punct") << "a[[:punct:]]b" << "a-b" << true;
        QTest::newRow("space") << "a[[:space:]]b" << "a b" << true;
        QTest::newRow("unknown class is literal") << "[[:nope:]]" << "n" << false;
        QTest::newRow("xdigit") << "[[:xdigit:]]" << "F" << true;
    }

    void segments()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, name);
        QFETCH(bool, expected);
        QCOMPARE(globMatchSegment(pattern, name), expected);
    }

    void mayMatchBelow_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("folder");
        QTest::addColumn<bool>("expected");
        QTest::newRow("floating name anywhere below") << ".env" << "/p/src" << true;
        QTest::newRow("anchored elsewhere") << "secrets/**" << "/p/src" << false;
        QTest::newRow("anchored inside") << "src/keys/*.pem" << "/p/src" << true;
        QTest::newRow("folder inside pattern's match") << "src" << "/p/src/deep" << true;
        QTest::newRow("whole project holds the pattern") << "//p/x/y" << "/p" << true;
        QTest::newRow("other tree") << "//etc/**" << "/p" << false;
        QTest::newRow("home pattern, project folder") << "~/.ssh" << "/p" << false;
        QTest::newRow("home pattern, home folder") << "~/.ssh" << "/h" << true;
    }

    void mayMatchBelow()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, folder);
        QFETCH(bool, expected);
        const AnchorFolders anchors{QStringLiteral("/p"), QStringLiteral("/s"), QStringLiteral("/h")};
        QCOMPARE(PathPattern::compile(pattern, anchors).mayMatchBelow(folder), expected);
    }

    void cleanAndContain()
    {
        QCOMPARE(cleanAbsolute(QStringLiteral("/a/./b/../c//d/")), QStringLiteral("/a/c/d"));
        QCOMPARE(cleanAbsolute(QStringLiteral("/../..")), QStringLiteral("/"));
        QVERIFY(isInside(QStringLiteral("/home/u/proj/x"), QStringLiteral("/home/u/proj")));
        QVERIFY(isInside(QStringLiteral("/home/u/proj"), QStringLiteral("/home/u/proj")));
        QVERIFY(!isInside(QStringLiteral("/home/u/proj-evil"), QStringLiteral("/home/u/proj")));
        QVERIFY(!isInside(QStringLiteral("/home/u"), QStringLiteral("/home/u/proj")));
        QVERIFY(isInside(QStringLiteral("/x"), QStringLiteral("/")));
    }

    void canonicalFollowsLinks()
    {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath();
        QVERIFY(QDir().mkpath(root + QStringLiteral("/real/sub")));
        QVERIFY(QFile::link(root + QStringLiteral("/real"), root + QStringLiteral("/link")));
        QVERIFY(QFile::link(QStringLiteral("../real/sub"), root + QStringLiteral("/real/rel")));
        QVERIFY(QFile::link(root + QStringLiteral("/loop2"), root + QStringLiteral("/loop1")));
        QVERIFY(QFile::link(root + QStringLiteral("/loop1"), root + QStringLiteral("/loop2")));

        QCOMPARE(canonicalPath(root + QStringLiteral("/link/sub/file")), root + QStringLiteral("/real/sub/file"));
        QCOMPARE(canonicalPath(root + QStringLiteral("/real/rel/x")), root + QStringLiteral("/real/sub/x"));
        // ".." after a link climbs from the link's target, as the kernel does.
        QCOMPARE(canonicalPath(root + QStringLiteral("/link/sub/../../outside")), root + QStringLiteral("/outside"));
        QCOMPARE(canonicalPath(root + QStringLiteral("/real/rel/../..")), root);
        // A missing tail is kept as written.
        QCOMPARE(canonicalPath(root + QStringLiteral("/link/missing/deeper")), root + QStringLiteral("/real/missing/deeper"));
        // A loop ends without hanging.
        QVERIFY(!canonicalPath(root + QStringLiteral("/loop1/x")).isEmpty());

        const ResolvedPath resolved = resolvePath(QStringLiteral("link/sub"), root, QStringLiteral("/h"));
        QCOMPARE(resolved.lexical, root + QStringLiteral("/link/sub"));
        QCOMPARE(resolved.canonical, root + QStringLiteral("/real/sub"));
        QCOMPARE(resolvePath(QStringLiteral("~/x"), root, QStringLiteral("/h")).lexical, QStringLiteral("/h/x"));
    }
};

QTEST_GUILESS_MAIN(TestPathPattern)
#include "tst_pathpattern.moc"
