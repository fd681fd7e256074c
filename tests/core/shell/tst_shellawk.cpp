// SPDX-License-Identifier: GPL-3.0-or-later
// What readOnlyUse() says of awk programs (read token by token: a ">" compares unless a print
// statement redirects, a "/" divides after an operand), of the system commands it knows (ps, df,
// xxd, printenv, tree) and which recursive readers follow links below their folders (issue 11,
// families 4 and 8, and the everyday commands that asked for nothing).
#include "shell/commands.h"
#include "shell/syntax.h"

#include "shelltestsupport.h"
#include "testenv.h"

#include <QTest>

using namespace gatehouse::shell;
using namespace Qt::StringLiterals;
namespace test = gatehouse::test;
using test::joined;

namespace {

ReadOnlyUse useOf(const QString &text) { return readOnlyUse(test::firstCommand(text)); }

} // namespace

class TestShellAwk final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void readOnly_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<bool>("readOnly");
        QTest::addColumn<QString>("files"); // what it reads, joined by spaces

        // awk: comparisons, regexes, strings and comments are no redirections or pipes.
        QTest::newRow("NR>1") << u"awk 'NR>1' f"_s << true << u"f"_s;
        QTest::newRow("field > number") << u"awk '$3 > 1000' f"_s << true << u"f"_s;
        QTest::newRow("max") << u"awk '$1 > max { max = $1 } END { print max }' f"_s << true << u"f"_s;
        QTest::newRow("regex alternation") << u"awk '/a|b/' f"_s << true << u"f"_s;
        QTest::newRow("regex with slash in brackets") << u"awk '/[/]x/ { print }' f"_s << true << u"f"_s;
        QTest::newRow("string with >") << u"awk '{ print \"a > b\" }' f"_s << true << u"f"_s;
        QTest::newRow("division after a name") << u"awk '{ print NF/2 }' f"_s << true << u"f"_s;
        QTest::newRow("print of a comparison in parentheses") << u"awk '{ print ($1 > 2) }' f"_s << true << u"f"_s;
        QTest::newRow("comparison in if then print") << u"awk '{ if ($1 > 2) print }' f"_s << true << u"f"_s;
        QTest::newRow("comment") << u"awk '# print > \"x\" | \"sh\"\n{ print }' f"_s << true << u"f"_s;
        QTest::newRow("logical or") << u"awk '$1 || $2' f"_s << true << u"f"_s;
        QTest::newRow("stderr") << u"awk '{ print > \"/dev/stderr\" }' f"_s << true << u"f"_s;
        QTest::newRow("reading ARGV") << u"awk 'BEGIN { for (i in ARGV) print ARGV[i] }'"_s << true << QString();
        QTest::newRow("delete ARGV") << u"awk 'BEGIN { delete ARGV[1] } 1' f"_s << true << u"f"_s;
        QTest::newRow("getline next record") << u"awk '{ getline; print }' f"_s << true << u"f"_s;
        QTest::newRow("getline into a variable") << u"awk '{ while ((getline line) > 0) n++ }' f"_s << true << u"f"_s;
        // What it really does beyond reading its operands.
        QTest::newRow("print > file") << u"awk '{ print > \"o\" }' f"_s << false << u"f"_s;
        QTest::newRow("print >> file") << u"awk '{ print >> \"o\" }' f"_s << false << u"f"_s;
        QTest::newRow("printf (...) > file") << u"awk '{ printf(\"%s\", $1) > \"o\" }' f"_s << false << u"f"_s;
        QTest::newRow("print to a computed file") << u"awk '{ print $1 > $2 }' f"_s << false << u"f"_s;
        QTest::newRow("print continued after a comma") << u"awk '{ print $1,\n $2 > \"o\" }' f"_s << false << u"f"_s;
        QTest::newRow("print continued after ||") << u"awk '{ print $1 ||\n $2 > \"o\" }' f"_s << false << u"f"_s;
        QTest::newRow("a newline ends print") << u"awk '{ print $1\n $2 > 1 }' f"_s << true << u"f"_s;
        QTest::newRow("print > a ? b : c") << u"awk '{ print 1 > 2 ? \"a\" : \"b\" }' f"_s << false << u"f"_s;
        QTest::newRow("pipe") << u"awk '{ print | \"sh\" }' f"_s << false << u"f"_s;
        QTest::newRow("coprocess") << u"awk '{ print |& \"sh\" }' f"_s << false << u"f"_s;
        QTest::newRow("system") << u"awk 'BEGIN { system(\"id\") }'"_s << false << QString();
        QTest::newRow("getline from a file") << u"awk 'BEGIN { getline l < \".env\" }'"_s << true << u".env"_s;
        QTest::newRow("getline without a variable") << u"awk 'BEGIN { getline < \"k\" }'"_s << true << u"k"_s;
        QTest::newRow("getline from $NF file") << u"awk '{ getline $2 < \"k\" }' f"_s << true << u"f k"_s;
        // mawk reads ".e" here, other awks may read ".env": which one cannot be told.
        QTest::newRow("getline concatenation") << u"awk 'BEGIN { getline l < \".e\" \"nv\" }'"_s << false << QString();
        QTest::newRow("getline from a variable") << u"awk 'BEGIN { f = \"k\"; getline l < f }'"_s << false << QString();
        QTest::newRow("ARGV constant") << u"awk 'BEGIN { ARGV[1] = \".env\"; ARGC = 2 } { print }'"_s << true << u".env"_s;
        QTest::newRow("ARGV appended") << u"awk 'BEGIN { ARGV[ARGC++] = \"k\" } 1' f"_s << true << u"f k"_s;
        QTest::newRow("ARGV from a variable") << u"awk 'BEGIN { ARGV[1] = f } 1'"_s << false << QString();
        QTest::newRow("ARGV concatenated") << u"awk 'BEGIN { ARGV[1] = \".e\" \"nv\" } 1'"_s << false << QString();
        QTest::newRow("ARGV by split") << u"awk 'BEGIN { split(\".env\", ARGV) } 1'"_s << false << QString();
        QTest::newRow("ARGV element by sub") << u"awk 'BEGIN { sub(/x/, \"y\", ARGV[1]) } 1' x"_s << false << u"x"_s;
        QTest::newRow("ARGV passed on") << u"awk 'function f(a) { a[1] = \"k\" } BEGIN { f(ARGV) } 1'"_s << false << QString();
        QTest::newRow("ARGV by getline") << u"awk 'BEGIN { getline ARGV[1] } 1'"_s << false << QString();
        QTest::newRow("ARGV incremented") << u"awk 'BEGIN { ARGV[1]++ } 1' 1"_s << false << u"1"_s;
        QTest::newRow("ENVIRON") << u"awk 'BEGIN { print ENVIRON[\"HOME\"] }'"_s << false << QString();
        QTest::newRow("SYMTAB") << u"awk 'BEGIN { SYMTAB[\"x\"] = 1 }'"_s << false << QString();
        QTest::newRow("@include") << u"awk '@include \"x\"'"_s << false << QString();
        QTest::newRow("-f still names its file") << u"awk -f prog.awk f"_s << false << u"prog.awk"_s;
        QTest::newRow("unterminated string") << u"awk '{ print \"x }' f"_s << false << u"f"_s;

        // Everyday commands that read no files, or nothing of them.
        QTest::newRow("echo -n path") << u"echo -n /etc/passwd"_s << true << QString();
        QTest::newRow("test -f") << u"test -f ~/.ssh/id_rsa"_s << true << QString();
        QTest::newRow("diff f /dev/null") << u"diff f /dev/null"_s << true << u"f"_s;
        QTest::newRow("df -h") << u"df -h /"_s << true << QString();
        QTest::newRow("df unknown") << u"df --frob"_s << false << QString();
        QTest::newRow("ps aux") << u"ps aux"_s << true << QString();
        QTest::newRow("ps -eo") << u"ps -eo pid,args --sort=-%cpu"_s << true << QString();
        QTest::newRow("ps e") << u"ps axe"_s << false << QString();
        QTest::newRow("ps -o environ") << u"ps -o pid,environ"_s << false << QString();
        QTest::newRow("ps -Oenviron") << u"ps -Oenviron"_s << false << QString();
        QTest::newRow("ps --format=environ") << u"ps --format=pid,ENVIRON"_s << false << QString();
        QTest::newRow("ps --format environ") << u"ps --format environ"_s << false << QString();
        QTest::newRow("ps -o from a variable") << u"ps -o \"$f\""_s << false << QString();
        QTest::newRow("xxd file") << u"xxd -l 32 f"_s << true << u"f"_s;
        QTest::newRow("xxd out") << u"xxd f o"_s << false << u"f"_s;
        QTest::newRow("printenv PATH") << u"printenv PATH"_s << true << QString();
        QTest::newRow("printenv") << u"printenv"_s << false << QString();
        QTest::newRow("printenv secret") << u"printenv OPENAI_API_KEY"_s << false << QString();
        QTest::newRow("printenv LC_ALL") << u"printenv LC_ALL"_s << true << QString();
        QTest::newRow("tree") << u"tree -a -L 2 src"_s << true << u"src"_s;
        QTest::newRow("tree -R") << u"tree -R"_s << false << QString();
        QTest::newRow("tree -o") << u"tree -o x src"_s << false << QString();
        QTest::newRow("tree --fromfile") << u"tree --fromfile list"_s << true << u"list"_s;
        QTest::newRow("find -H root") << u"find -H lib -type f"_s << true << u"lib"_s;
        QTest::newRow("find -D -O") << u"find -D stat -O2 lib src -name x"_s << true << u"lib src"_s;
    }

    void readOnly()
    {
        QFETCH(QString, command);
        QFETCH(bool, readOnly);
        QFETCH(QString, files);
        const ReadOnlyUse use = useOf(command);
        QCOMPARE(use.readOnly, readOnly);
        QCOMPARE(joined(use.files), files);
    }

    void followsLinks_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<bool>("follows");
        QTest::newRow("grep -r") << u"grep -r x src"_s << false;
        QTest::newRow("grep -R") << u"grep -R x src"_s << true;
        QTest::newRow("grep -inR") << u"grep -inR x src"_s << true;
        QTest::newRow("grep --dereference-recursive") << u"grep --dereference-recursive x src"_s << true;
        QTest::newRow("grep --deref abbreviated") << u"grep --deref x src"_s << true;
        QTest::newRow("rg") << u"rg x src"_s << false;
        QTest::newRow("rg -L") << u"rg -L x src"_s << true;
        QTest::newRow("rg --follow") << u"rg --follow x src"_s << true;
        QTest::newRow("find") << u"find src -name x"_s << false;
        QTest::newRow("find -L") << u"find -L src -name x"_s << true;
        QTest::newRow("find -follow") << u"find src -follow -name x"_s << true;
        QTest::newRow("du") << u"du -sh src"_s << false;
        QTest::newRow("du -L") << u"du -sL src"_s << true;
        QTest::newRow("ls -R") << u"ls -R src"_s << false;
        QTest::newRow("ls -RL") << u"ls -RL src"_s << true;
        QTest::newRow("ls -L alone") << u"ls -L src"_s << false;
        QTest::newRow("tree") << u"tree src"_s << false;
        QTest::newRow("tree -l") << u"tree -l src"_s << true;
        QTest::newRow("diff -r") << u"diff -r a b"_s << true;
        QTest::newRow("diff -r --no-dereference") << u"diff -r --no-dereference a b"_s << false;
    }

    void followsLinks()
    {
        QFETCH(QString, command);
        QFETCH(bool, follows);
        QCOMPARE(useOf(command).followsLinks, follows);
    }
};

QTEST_GUILESS_MAIN(TestShellAwk)
#include "tst_shellawk.moc"
