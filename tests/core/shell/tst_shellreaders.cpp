// SPDX-License-Identifier: GPL-3.0-or-later
// What the shell layer tells the policy about commands that read: the wrappers it strips and what
// their options do beyond scheduling (issue 11, family 2), and which git commands can print file
// contents from history and which repository paths they name (family 5), whatever rule allowed
// them (the engine asks these of any command, not only of read-only ones).
#include "shell/commands.h"
#include "shell/syntax.h"

#include "shelltestsupport.h"
#include "testenv.h"

#include <QTest>

using namespace gatehouse::shell;
namespace test = gatehouse::test;
using test::joined;

namespace {

NormalisedCommand normalised(const QString &text) { return test::firstCommand(text); }

} // namespace

class TestShellReaders final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void wrappers_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("words");   // the normalised words (what allow rules see)
        QTest::addColumn<bool>("effects");    // an option beyond scheduling was seen
        QTest::addColumn<QString>("writes");  // the files the wrappers write
        const auto row = [](const char *name, const char *command, const char *words, bool effects, const char *writes) {
            QTest::newRow(name) << QString::fromUtf8(command) << QString::fromUtf8(words) << effects << QString::fromUtf8(writes);
        };
        row("time -o -a -f", "\\time -o .git/config -a -f x git status", "git status", true, ".git/config");
        row("time --output=", "/usr/bin/time --output=o ls", "ls", true, "o");
        row("time --out= abbreviated", "command time --out=o ls", "ls", true, "o");
        row("time --outp apart", "\\time --outp o ls", "ls", true, "o");
        row("time -ao cluster", "\\time -ao o ls", "ls", true, "o");
        row("time -oFILE", "\\time -oo ls", "ls", true, "o");
        row("time -p", "\\time -p ls", "ls", false, "");
        row("time -f", "\\time -f %e ls", "ls", true, "");
        row("time unknown", "\\time --bogus ls", "ls", true, "");
        row("nice -n", "nice -n 5 ls", "ls", false, "");
        row("nice -5", "nice -5 ls", "ls", false, "");
        row("nice unknown", "nice -x ls", "ls", true, "");
        row("timeout", "timeout -k 1 --foreground 5 ls", "ls", false, "");
        row("timeout unknown", "timeout --bogus 5 ls", "ls", true, "");
        row("stdbuf", "stdbuf -oL --error=0 ls", "ls", false, "");
        row("nohup to the terminal", "nohup ls", "ls", true, "");
        row("nohup redirected", "nohup ls >/dev/null", "ls", false, "");
        row("command -p", "command -p ls", "ls", false, "");
        row("command -v is a lookup", "command -v ls", "command -v ls", false, "");
        row("ionice is not stripped for allow rules", "ionice -c3 ls", "ionice -c3 ls", false, "");
    }

    void wrappers()
    {
        QFETCH(QString, command);
        QFETCH(QString, words);
        QFETCH(bool, effects);
        QFETCH(QString, writes);
        const NormalisedCommand n = normalised(command);
        QCOMPARE(joined(n.words), words);
        QCOMPARE(!n.wrapperEffects.isEmpty(), effects);
        QCOMPARE(joined(n.wrapperWrites), writes);
        if (effects)
            QVERIFY(!readOnlyUse(n).readOnly);
    }

    void denyFormsSeePastRunners_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("taskset") << QStringLiteral("taskset 1 rm -rf x");
        QTest::newRow("ionice") << QStringLiteral("ionice -c 3 rm -rf x");
        QTest::newRow("chrt") << QStringLiteral("chrt -f 10 rm -rf x");
        QTest::newRow("time -o") << QStringLiteral("\\time -o f rm -rf x");
    }

    void denyFormsSeePastRunners()
    {
        QFETCH(QString, command);
        const NormalisedCommand n = normalised(command);
        bool found = joined(n.words) == QStringLiteral("rm -rf x");
        for (const QList<Word> &form : n.denyForms)
            found |= joined(form) == QStringLiteral("rm -rf x");
        QVERIFY2(found, qPrintable(command));
    }

    void filesNamedInside_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<bool>("readOnly");
        QTest::addColumn<QString>("files"); // the files (and option values) it reads
        const auto row = [](const char *command, bool readOnly, const char *files) {
            QTest::newRow(command) << QString::fromUtf8(command) << readOnly << QString::fromUtf8(files);
        };
        row("sed '1r .env' f", true, "f .env");
        row("sed '/x/ R secrets/k' f", true, "f secrets/k");
        row("sed -e p -e '$r a;b}' f", true, "f a;b}");
        row("sed --expression=1r.env f", true, "f .env");
        row("sed ':a;r .env' f", true, "f .env");
        row("sed '1a r .env' f", true, "f");
        row("sed '# r .env' f", true, "f");
        row("sed 's/r .env/x/' f", true, "f");
        row("sed 'y/r/s/' f", true, "f");
        row("sed r f", false, "f"); // "r" wants a file name: f is the input
        row("sed 'w out' f", false, "f");
        row("sed 's/a/b/w out' f", false, "f");
        row("sed 1e f", false, "f");
        row("sed -f .env f", false, "f .env");
        row("strings -s @.env f", false, ".env");
        row("strings -- @.env", false, ".env");
        row("nm @.env", false, ".env");
        row("rg -if.env src", true, "src .env");
        row("rg --file=.env --ignore-file .gi src", true, "src .env .gi");
        row("rg -e /etc/passwd src", true, "src");
        row("rg --pre=x y src", false, "src");
        row("rg --no-ignore --no-heading x", true, "");
    }

    void filesNamedInside()
    {
        QFETCH(QString, command);
        QFETCH(bool, readOnly);
        QFETCH(QString, files);
        const ReadOnlyUse use = readOnlyUse(normalised(command));
        QCOMPARE(use.readOnly, readOnly);
        QCOMPARE(joined(use.files + use.optionValues), files);
    }

    void repositoryContent_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<bool>("content");
        QTest::addColumn<QString>("paths");
        const auto row = [](const char *command, bool content, const char *paths) {
            QTest::newRow(command) << QString::fromUtf8(command) << content << QString::fromUtf8(paths);
        };
        row("git log", false, "");
        row("git log --oneline -10", false, "");
        row("git log --stat --graph", false, "");
        row("git log -p", true, "");
        row("git log -U1", true, "");
        row("git log --unified=0", true, "");
        row("git log --patch-with-stat", true, "");
        row("git log --patch-with-raw", true, "");
        row("git log --binary", true, "");
        row("git log --cc", true, "");
        row("git log -m", true, "");
        row("git log --full-diff", true, "");
        row("git log -W", true, "");
        row("git log -L1,2:.env", true, ".env");
        row("git log -p -- .env", true, ".env");
        row("git log -p -- ':(top).env' ':/secrets/k' ':!src' ':(exclude)docs' ':(icase,top)x'", true, ".env secrets/k x");
        row("git log --output=x", true, "");
        row("git stash list", false, "");
        row("git stash list -U1", true, "");
        row("git stash show", true, "");
        row("git reflog -p", true, "");
        row("git show --stat HEAD:.env", true, ".env");
        row("git show :.env", true, ".env");
        row("git show :0:.env", true, ".env");
        row("git show main:secrets/k", true, "secrets/k");
        row("git show HEAD@{1}:./.env", true, ".env");
        row("git show HEAD:", true, "");
        row("git show :/fix", true, "");
        row("git cat-file -p HEAD:.env", true, ".env");
        row("git grep TOKEN HEAD~3", true, "");
        row("git blame HEAD~5 -- .env", true, ".env");
        row("git diff", true, "");
        row("git diff --stat HEAD~1", false, "");
        row("git diff --exit-code HEAD~1", true, "");
        row("git format-patch --stdout -1", true, "");
        row("git archive HEAD .env", true, "HEAD .env");
        row("git config --blob=HEAD:.env --list", true, ".env");
        row("git add -p", true, "");
        row("git status", false, "");
        row("git shortlog -sn", false, "");
        row("ls HEAD:.env", false, "");
        row("git for-each-ref --format='%(refname)'", false, "");
        row("git for-each-ref --format='%(raw)' refs/tags", true, "");
        row("git tag -l --format='%(contents)'", true, "");
        row("git branch --format='%(raw:size)'", true, "");
    }

    void repositoryContent()
    {
        QFETCH(QString, command);
        QFETCH(bool, content);
        QFETCH(QString, paths);
        const NormalisedCommand n = normalised(command);
        QCOMPARE(readsRepositoryContent(n), content);
        QCOMPARE(repositoryPaths(n).join(u' '), paths);
        const ReadOnlyUse use = readOnlyUse(n);
        if (use.readOnly && n.name() == QStringLiteral("git")) {
            QCOMPARE(use.readsRepository, content);
            QCOMPARE(use.repositoryPaths.join(u' '), paths);
        }
    }
};

QTEST_GUILESS_MAIN(TestShellReaders)
#include "tst_shellreaders.moc"
