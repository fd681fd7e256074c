// SPDX-License-Identifier: GPL-3.0-or-later
// argumentWrites(): the paths a command writes through its arguments, which the policy checks
// like the targets of redirections (protected paths, writable folders).
#include "shell/commands.h"

#include "testenv.h"

#include <QTest>

using namespace gatehouse::shell;
namespace test = gatehouse::test;

class TestShellWrites final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void writes_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected"); // the paths, joined by " | "
        const auto row = [](const char *input, const char *expected) {
            QTest::newRow(input) << QString::fromUtf8(input) << QString::fromUtf8(expected);
        };
        row("sed -i s/a/b/ .git/config", ".git/config");
        row("sed --in-place -e s/a/b/ a b", "a | b");
        row("sed s/a/b/ a", "");
        row("tee -a out .git/hooks/x", "out | .git/hooks/x");
        row("cp a b .envrc", ".envrc");
        row("cp -t .git/hooks a b", ".git/hooks");
        row("cp --target-directory=.git a", ".git");
        row("cp -r src/ dst", "dst");
        row("mv a .gitmodules", ".gitmodules | a");
        row("mv -t dir a b", "dir | a | b");
        row("ln -s /etc/passwd .git/hooks/pre-commit", ".git/hooks/pre-commit");
        row("ln -s /x/evil", "evil");
        row("install -m 755 x .git/hooks/pre-commit", ".git/hooks/pre-commit");
        row("install -d .git/hooks d2", ".git/hooks | d2");
        row("rsync -a src/ .git/", ".git/");
        row("dd if=/dev/zero of=.git/index bs=1", ".git/index");
        row("find . -name x -fprint .git/hooks/a", ".git/hooks/a");
        row("find . -fprint0 a -fprintf b %p -fls c", "a | b | c");
        row("sort -o .npmrc a", ".npmrc");
        row("sort -uo out a", "out");
        row("sort --output=out a", "out");
        row("sort -k 2 a", "");
        row("uniq a .npmrc", ".npmrc");
        row("split -l 10 a .git/hooks/pre-", ".git/hooks/pre-");
        row("patch -o .envrc a.c a.diff", ".envrc");
        row("tar czf .git/x.tgz src", ".git/x.tgz");
        row("tar -cf out.tar src", "out.tar");
        row("tar -xf in.tar -C .git", ".git");
        row("tar -tf in.tar", "");
        row("curl -o .git/hooks/x https://e.example", ".git/hooks/x");
        row("curl --output-dir .git -O https://e.example/x", ".git");
        row("wget -O .envrc https://e.example", ".envrc");
        row("git diff --output=.git/hooks/pre-commit", ".git/hooks/pre-commit");
        row("git log --output /outside/log", "/outside/log");
        row("git format-patch -o .git/hooks HEAD~1", ".git/hooks");
        row("git status", "");
        row("pytest --basetemp=.git", ".git");
        row("pytest --junitxml=.git/r.xml --cov-report=html:.git/cov", ".git/r.xml | .git/cov");
        row("touch .envrc", ".envrc");
        row("mkdir -p .git/hooks", ".git/hooks");
        row("truncate -s 0 .git/index", ".git/index");
        row("chmod +x .git/hooks/pre-commit", ".git/hooks/pre-commit");
        row("rm -f .gatehouse/settings.json", ".gatehouse/settings.json");
        row("gcc -o .git/hooks/pre-commit a.c", ".git/hooks/pre-commit");
        row("gcc -fno-omit-frame-pointer -c a.c", "");
        row("cc -MF .git/deps -c a.c", ".git/deps");
        row("command time -o .git/t true", ".git/t");
        row("nice time --output=.git/t true", ".git/t");
        row("cat a", "");
        row("echo -o x", "");
    }

    void writes()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const ParseResult parsed = parse(input);
        QVERIFY2(parsed.ok, qPrintable(parsed.error));
        QCOMPARE(parsed.commands.size(), 1);
        QStringList paths;
        for (const Word &word : argumentWrites(normalise(parsed.commands.first()), parsed.commands.first()))
            paths << word.text;
        QCOMPARE(paths.join(QStringLiteral(" | ")), expected);
    }
};

QTEST_GUILESS_MAIN(TestShellWrites)
#include "tst_shellwrites.moc"
