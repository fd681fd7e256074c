// SPDX-License-Identifier: GPL-3.0-or-later
// Glob and Grep on real trees: patterns, order, limits, output modes, and what they must not
// reveal (Read-denied files, .git, symlinks to folders and files outside the workspace).
#include "agent/tools/filetools.h"

#include "toolfixture.h"

#include <QDateTime>

using namespace gatehouse::agent;
namespace test = gatehouse::test;

namespace {

// A small project; every file has the same modification time, so results come in path order.
void makeTree(const ToolFixture &f)
{
    f.write(QStringLiteral("src/a.cpp"), "int alpha = 1;\n");
    f.write(QStringLiteral("src/b.h"), "// beta\n");
    f.write(QStringLiteral("src/deep/c.cpp"), "alpha();\nALPHA();\nalpha(2);\n");
    f.write(QStringLiteral("docs/readme.md"), "Alpha and beta\n");
    f.write(QStringLiteral("top.txt"), "nothing\n");
    f.write(QStringLiteral(".git/config"), "alpha in git\n");
    f.write(QStringLiteral("image.bin"), QByteArray("alpha\0binary", 12));
    const QDateTime when = QDateTime::fromSecsSinceEpoch(1700000000);
    for (const QString &file :
        {QStringLiteral("src/a.cpp"), QStringLiteral("src/b.h"), QStringLiteral("src/deep/c.cpp"),
            QStringLiteral("docs/readme.md"), QStringLiteral("top.txt"), QStringLiteral("image.bin")}) {
        QFile handle(f.path(file));
        QVERIFY(handle.open(QIODevice::ReadWrite));
        QVERIFY(handle.setFileTime(when, QFileDevice::FileModificationTime));
    }
}

ToolResult glob(const ToolFixture &f, const QString &pattern, const QString &path = QString())
{
    QJsonObject input{{QStringLiteral("pattern"), pattern}};
    if (!path.isEmpty())
        input.insert(QStringLiteral("path"), path);
    return globFiles(f.ctx, input);
}

} // namespace

class TestSearchTools final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void globMatches_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("expected");
        QTest::newRow("star within one folder") << "src/*.cpp" << QString() << "src/a.cpp\n";
        QTest::newRow("double star across folders") << "**/*.cpp" << QString() << "src/a.cpp\nsrc/deep/c.cpp\n";
        QTest::newRow("braces") << "src/**/*.{cpp,h}" << QString() << "src/a.cpp\nsrc/b.h\nsrc/deep/c.cpp\n";
        QTest::newRow("question mark") << "t?p.txt" << QString() << "top.txt\n";
        QTest::newRow("below a given path, shown relative to the project") << "*.cpp"
                                                                           << "src"
                                                                           << "src/a.cpp\n";
        QTest::newRow("never inside .git")
            << "**/config" << QString() << "No files match **/config in the project folder.";
        QTest::newRow("nothing matches") << "*.rs" << QString() << "No files match *.rs in the project folder.";
    }

    void globMatches()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, path);
        QFETCH(QString, expected);
        ToolFixture f;
        makeTree(f);
        const ToolResult result = glob(f, pattern, path);
        QVERIFY2(!result.isError, qPrintable(result.content));
        QCOMPARE(result.content, expected);
    }

    void globListsNewestFirst()
    {
        ToolFixture f;
        const QDateTime now = QDateTime::currentDateTime();
        for (const auto &[name, age] : {std::pair{QStringLiteral("old.txt"), 300},
                 std::pair{QStringLiteral("new.txt"), 10}, std::pair{QStringLiteral("mid.txt"), 100}}) {
            f.write(name, "x");
            QFile handle(f.path(name));
            QVERIFY(handle.open(QIODevice::ReadWrite));
            QVERIFY(handle.setFileTime(now.addSecs(-age), QFileDevice::FileModificationTime));
        }
        QCOMPARE(glob(f, QStringLiteral("*.txt")).content, QStringLiteral("new.txt\nmid.txt\nold.txt\n"));
    }

    void globCutsAtTheLimitWithANote()
    {
        ToolFixture f;
        makeTree(f);
        f.ctx.maxGlobResults = 2;
        const ToolResult result = glob(f, QStringLiteral("**/*"));
        QCOMPARE(result.content.split(u'\n').mid(0, 2).size(), 2);
        QVERIFY2(result.content.endsWith(
                     QStringLiteral("(4 more not shown, newest first; narrow the pattern or the path.)\n")),
            qPrintable(result.content));
        QCOMPARE(result.details.value(QStringLiteral("matches")).toInt(), 6);
    }

    void globAndGrepHide_data()
    {
        QTest::addColumn<QString>("setup");
        QTest::newRow("a file a Read deny rule covers") << "deny";
        QTest::newRow("a file a Read ask rule covers") << "ask";
        QTest::newRow("a file in sandbox.filesystem.denyRead") << "denyRead";
        QTest::newRow("a symlink to a folder outside the workspace") << "folderLink";
        QTest::newRow("a symlink to a file outside the workspace") << "fileLink";
    }

    void globAndGrepHide()
    {
        QFETCH(QString, setup);
        ToolFixture f;
        f.write(QStringLiteral("visible.txt"), "SECRET=visible\n");
        QString hiddenName = QStringLiteral(".env");
        if (setup == QStringLiteral("folderLink") || setup == QStringLiteral("fileLink")) {
            test::writeFile(f.outside() + QStringLiteral("/ssh/id_rsa"), "SECRET=key\n");
            hiddenName = setup == QStringLiteral("folderLink") ? QStringLiteral("ssh") : QStringLiteral("id_rsa");
            const QString target = f.outside()
                + (setup == QStringLiteral("folderLink") ? QStringLiteral("/ssh") : QStringLiteral("/ssh/id_rsa"));
            QVERIFY(QFile::link(target, f.path(hiddenName)));
        } else {
            f.write(QStringLiteral(".env"), "SECRET=hunter2\n");
            if (setup == QStringLiteral("deny"))
                f.rebuild({QStringLiteral("Read(.env)")});
            else if (setup == QStringLiteral("ask"))
                f.rebuild({}, {QStringLiteral("Read(.env)")});
            else
                f.denyReadInSandbox({f.path(QStringLiteral(".env"))});
        }

        const ToolResult listed = glob(f, QStringLiteral("**/*"));
        QVERIFY2(!listed.isError, qPrintable(listed.content));
        QCOMPARE(listed.content, QStringLiteral("visible.txt\n"));
        QCOMPARE(listed.details.value(QStringLiteral("hidden")).toInt(), setup == QStringLiteral("folderLink") ? 0 : 1);
        QVERIFY(glob(f, QStringLiteral("**/") + hiddenName).content.startsWith(QStringLiteral("No files match")));

        const ToolResult found = grepFiles(f.ctx,
            {{QStringLiteral("pattern"), QStringLiteral("SECRET")}, {QStringLiteral("path"), QStringLiteral(".")},
                {QStringLiteral("output_mode"), QStringLiteral("content")}});
        QVERIFY2(!found.isError, qPrintable(found.content));
        QCOMPARE(found.content, QStringLiteral("visible.txt:1:SECRET=visible\n"));
    }

    void globAndGrepNeverEnterCredentialStoresOrGatehouseFolders()
    {
        // A broad rule allows searching home; the keys, tokens and Gatehouse's own records below
        // it stay out of the results. Searching inside one (after an explicit answer) does not.
        ToolFixture f({}, {}, {QStringLiteral("Read(~/**)")});
        test::writeFile(f.home() + QStringLiteral("/notes/todo.txt"), "TOKEN=visible\n");
        test::writeFile(f.home() + QStringLiteral("/.ssh/id_ed25519"), "TOKEN=ssh-key\n");
        test::writeFile(f.home() + QStringLiteral("/.aws/credentials"), "TOKEN=aws\n");
        test::writeFile(f.home() + QStringLiteral("/.netrc"), "TOKEN=netrc\n");
        test::writeFile(f.home() + QStringLiteral("/.config/gatehouse/settings.json"), "{\"TOKEN\": 1}\n");
        QVERIFY(QFile::link(f.home() + QStringLiteral("/.ssh"), f.home() + QStringLiteral("/notes/keys")));

        const ToolResult found = grepFiles(f.ctx,
            {{QStringLiteral("pattern"), QStringLiteral("TOKEN")}, {QStringLiteral("path"), f.home()},
                {QStringLiteral("output_mode"), QStringLiteral("content")}});
        QVERIFY2(!found.isError, qPrintable(found.content));
        QCOMPARE(found.content, f.home() + QStringLiteral("/notes/todo.txt:1:TOKEN=visible\n")); // outside the project: absolute

        const ToolResult listed = globFiles(f.ctx,
            {{QStringLiteral("pattern"), QStringLiteral("**/*")}, {QStringLiteral("path"), f.home()}});
        QVERIFY2(!listed.isError, qPrintable(listed.content));
        QCOMPARE(listed.content, f.home() + QStringLiteral("/notes/todo.txt\n"));

        const ToolResult inside = grepFiles(f.ctx,
            {{QStringLiteral("pattern"), QStringLiteral("TOKEN")}, {QStringLiteral("path"), QString(f.home() + QStringLiteral("/.ssh"))},
                {QStringLiteral("output_mode"), QStringLiteral("content")}});
        QCOMPARE(inside.content, f.home() + QStringLiteral("/.ssh/id_ed25519:1:TOKEN=ssh-key\n"));
    }

    void globAndGrepShowASymlinkedFileInsideTheProject()
    {
        ToolFixture f;
        f.write(QStringLiteral("real.txt"), "needle\n");
        QVERIFY(QFile::link(f.path(QStringLiteral("real.txt")), f.path(QStringLiteral("alias.txt"))));
        QCOMPARE(glob(f, QStringLiteral("alias*")).content, QStringLiteral("alias.txt\n"));
        const ToolResult found = grepFiles(f.ctx, {{QStringLiteral("pattern"), QStringLiteral("needle")}});
        QCOMPARE(found.content, QStringLiteral("alias.txt\nreal.txt\n"));
    }

    void globAndGrepShowALinkedFileOutsideThatAReadRuleAllows()
    {
        ToolFixture f;
        test::writeFile(f.outside() + QStringLiteral("/shared.txt"), "needle\n");
        f.rebuild({}, {}, {QStringLiteral("Read(/") + f.outside() + QStringLiteral("/**)")});
        QVERIFY(QFile::link(f.outside() + QStringLiteral("/shared.txt"), f.path(QStringLiteral("shared.txt"))));
        QCOMPARE(glob(f, QStringLiteral("*.txt")).content, QStringLiteral("shared.txt\n"));
        const ToolResult found = grepFiles(f.ctx,
            {{QStringLiteral("pattern"), QStringLiteral("needle")},
                {QStringLiteral("output_mode"), QStringLiteral("content")}});
        QCOMPARE(found.content, QStringLiteral("shared.txt:1:needle\n"));
    }

    void grepModes_data()
    {
        QTest::addColumn<QJsonObject>("input");
        QTest::addColumn<QString>("expected");
        const auto in = [](std::initializer_list<QPair<QString, QJsonValue>> extra) {
            QJsonObject input{{QStringLiteral("pattern"), QStringLiteral("alpha")}};
            for (const auto &[key, value] : extra)
                input.insert(key, value);
            return input;
        };
        QTest::newRow("files with matches by default, in path order") << in({}) << "src/a.cpp\nsrc/deep/c.cpp\n";
        QTest::newRow("content with line numbers")
            << in({{QStringLiteral("output_mode"), QStringLiteral("content")}})
            << "src/a.cpp:1:int alpha = 1;\nsrc/deep/c.cpp:1:alpha();\nsrc/deep/c.cpp:3:alpha(2);\n";
        QTest::newRow("content without line numbers") << in({{QStringLiteral("output_mode"), QStringLiteral("content")},
            {QStringLiteral("-n"), false}, {QStringLiteral("path"), QStringLiteral("src/a.cpp")}})
                                                      << "src/a.cpp:int alpha = 1;\n";
        QTest::newRow("count per file") << in({{QStringLiteral("output_mode"), QStringLiteral("count")}})
                                        << "src/a.cpp:1\nsrc/deep/c.cpp:2\n";
        QTest::newRow("ignoring case") << in({{QStringLiteral("-i"), true}})
                                       << "docs/readme.md\nsrc/a.cpp\nsrc/deep/c.cpp\n";
        QTest::newRow("a glob on the name")
            << in({{QStringLiteral("-i"), true}, {QStringLiteral("glob"), QStringLiteral("*.md")}})
            << "docs/readme.md\n";
        QTest::newRow("a glob with braces")
            << in({{QStringLiteral("glob"), QStringLiteral("*.{h,cpp}")}}) << "src/a.cpp\nsrc/deep/c.cpp\n";
        QTest::newRow("head_limit on content")
            << in({{QStringLiteral("output_mode"), QStringLiteral("content")}, {QStringLiteral("head_limit"), 1}})
            << "src/a.cpp:1:int alpha = 1;\n(Output stopped after 1 line; narrow the pattern, the path or the glob.)\n";
        QTest::newRow("head_limit on files")
            << in({{QStringLiteral("head_limit"), 1}}) << "src/a.cpp\n(1 more not shown.)\n";
        QTest::newRow("one file") << in({{QStringLiteral("path"), QStringLiteral("src/deep/c.cpp")},
            {QStringLiteral("output_mode"), QStringLiteral("count")}})
                                  << "src/deep/c.cpp:2\n";
        QTest::newRow("no match")
            << QJsonObject{{QStringLiteral("pattern"), QStringLiteral("zeta")}}
            << "No matches for zeta in the project folder. (1 binary or very large file was not searched.)";
    }

    void grepModes()
    {
        QFETCH(QJsonObject, input);
        QFETCH(QString, expected);
        ToolFixture f;
        makeTree(f);
        const ToolResult result = grepFiles(f.ctx, input);
        QVERIFY2(!result.isError, qPrintable(result.content));
        QCOMPARE(result.content, expected);
    }

    void grepStopsAtMaxMatches()
    {
        ToolFixture f;
        f.ctx.maxGrepMatches = 2;
        f.write(QStringLiteral("many.txt"), "x\nx\nx\nx\n");
        const ToolResult result = grepFiles(f.ctx,
            {{QStringLiteral("pattern"), QStringLiteral("x")},
                {QStringLiteral("output_mode"), QStringLiteral("content")}});
        QCOMPARE(result.content,
            QStringLiteral("many.txt:1:x\nmany.txt:2:x\n(Output stopped after 2 lines; narrow the pattern, the path or "
                           "the glob.)\n"));
    }

    void grepErrors_data()
    {
        QTest::addColumn<QJsonObject>("input");
        QTest::addColumn<QStringList>("deny");
        QTest::addColumn<QString>("expected");
        QTest::newRow("an invalid regular expression") << QJsonObject{{QStringLiteral("pattern"), QStringLiteral("(")}}
                                                       << QStringList() << "not a valid regular expression";
        QTest::newRow("an unknown output mode") << QJsonObject{{QStringLiteral("pattern"), QStringLiteral("a")},
            {QStringLiteral("output_mode"), QStringLiteral("lines")}}
                                                << QStringList() << "output_mode must be";
        QTest::newRow("a missing path") << QJsonObject{{QStringLiteral("pattern"), QStringLiteral("a")},
            {QStringLiteral("path"), QStringLiteral("gone")}}
                                        << QStringList() << "gone does not exist";
        QTest::newRow("a deny rule on the searched folder")
            << QJsonObject{{QStringLiteral("pattern"), QStringLiteral("a")},
                   {QStringLiteral("path"), QStringLiteral("src")}}
            << QStringList{QStringLiteral("Read(src/**)")} << "denied";
    }

    void grepErrors()
    {
        QFETCH(QJsonObject, input);
        QFETCH(QStringList, deny);
        QFETCH(QString, expected);
        ToolFixture f(deny);
        makeTree(f);
        const ToolResult result = grepFiles(f.ctx, input);
        QVERIFY(result.isError);
        QVERIFY2(result.content.contains(expected), qPrintable(result.content));
    }

    void globOfADeniedFolderIsRefused()
    {
        ToolFixture f({QStringLiteral("Read(src/**)")});
        makeTree(f);
        const ToolResult result = glob(f, QStringLiteral("src/*.cpp"));
        QVERIFY(result.isError);
        QVERIFY2(result.content.contains(QStringLiteral("denied")), qPrintable(result.content));
    }
};

QTEST_GUILESS_MAIN(TestSearchTools)
#include "tst_searchtools.moc"
