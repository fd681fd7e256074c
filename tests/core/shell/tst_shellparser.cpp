// SPDX-License-Identifier: GPL-3.0-or-later
// The shell parser's structure: which simple commands it finds, in which context, with which
// word features, assignments and redirections; and the input it refuses.
#include "shell/syntax.h"

#include "testenv.h"

#include <QTest>

using namespace gatehouse::shell;
namespace test = gatehouse::test;

namespace {

// "name arg | name2 ..." : the commands' words, each command as words joined by spaces,
// commands joined by " / ", with a context marker ($ for command substitution, < for process
// substitution) before those not at the top level.
QString shape(const ParseResult &result)
{
    QStringList commands;
    for (const SimpleCommand &command : result.commands) {
        QStringList words;
        for (const Assignment &assignment : command.assignments)
            words << assignment.name + u'=' + assignment.value.text;
        for (const Word &word : command.words)
            words << word.text;
        for (const Redirection &redirection : command.redirections)
            words << (redirection.fd >= 0 ? QString::number(redirection.fd) : QString())
                         + (redirection.fdVariable.isEmpty() ? QString() : u'{' + redirection.fdVariable + u'}')
                         + redirection.op + redirection.target.text;
        QString marker;
        if (command.context == CommandContext::CommandSubstitution)
            marker = QStringLiteral("$");
        else if (command.context == CommandContext::ProcessSubstitution)
            marker = QStringLiteral("<");
        commands << marker + words.join(u' ');
    }
    return commands.join(QStringLiteral(" / "));
}

} // namespace

class TestShellParser final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void structure_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *name, const char *input, const char *expected) {
            QTest::newRow(name) << QString::fromUtf8(input) << QString::fromUtf8(expected);
        };
        row("simple", "ls -la src", "ls -la src");
        row("and-or list", "a && b || c", "a / b / c");
        row("sequence", "a; b\nc", "a / b / c");
        row("pipeline", "a | b |& c", "a / b / c");
        row("background", "a & b", "a / b");
        row("command substitution", "echo $(date +%s)", "echo $(date +%s) / $date +%s");
        row("backticks", "echo `date`", "echo `date` / $date");
        row("escaped backtick inside backticks", "echo `echo \\`date\\``", "echo `echo \\`date\\`` / $echo `date` / $date");
        row("process substitution", "diff <(ls a) >(cat)", "diff <(ls a) >(cat) / <ls a / <cat");
        row("substitution in double quotes", "echo \"x $(id) y\"", "echo x $(id) y / $id");
        row("substitution in assignment", "x=$(id)", "x=$(id) / $id");
        row("nested substitution", "a $(b $(c))", "a $(b $(c)) / $b $(c) / $c");
        row("parameter default with command", "echo ${x:-$(id)}", "echo ${x:-$(id)} / $id");
        row("arithmetic with command", "echo $(( $(id) + 1 ))", "echo $(( $(id) + 1 )) / $id");
        row("subshell and group", "(a; b) && { c; }", "a / b / c");
        row("if elif else", "if a; then b; elif c; then d; else e; fi", "a / b / c / d / e");
        row("for in", "for x in 1 2; do echo $x; done", "echo $x");
        row("for arithmetic", "for ((i=0;i<3;i++)); do echo; done", "echo");
        row("while", "while read l; do echo $l; done < f", "read l / echo $l / <f");
        row("until", "until a; do b; done", "a / b");
        row("case", "case $x in a|b) c;; *) d;& e) f;;& esac", "c / d / f");
        row("case with parenthesis", "case x in (a) b;; esac", "b");
        row("function", "f() { a; }; f", "a / f");
        row("function keyword", "function g { a; }", "a");
        row("negation", "! a", "a");
        row("time", "time -p a b", "a b");
        row("coproc", "coproc a", "a");
        row("assignments before command", "A=1 B='2 3' cmd", "A=1 B=2 3 cmd");
        row("array assignment", "arr=(a 'b c')", "arr=a b c");
        row("append assignment", "PATH+=:/x", "PATH=:/x");
        row("not an assignment after the command", "env A=1", "env A=1");
        row("redirections", "a >out 2>&1 <in 3<>rw >>app &>both &>>bothapp >|clobber",
            "a >out 2>&1 <in 3<>rw >>app &>both &>>bothapp >|clobber");
        row("here-string", "cat <<< 'hi'", "cat <<<hi");
        row("here-document", "cat <<EOF\nbody $(id)\nEOF\necho after", "cat <<EOF / $id / echo after");
        row("quoted here-document", "cat <<'EOF'\n$(id)\nEOF", "cat <<EOF");
        row("here-document with tabs", "cat <<-EOF\n\tx\n\tEOF", "cat <<-EOF");
        row("two here-documents", "a <<A; b <<B\n1\nA\n2\nB", "a <<A / b <<B");
        row("comment", "a # b; c", "a");
        row("hash inside a word", "echo a#b", "echo a#b");
        row("line continuation", "ec\\\nho a", "echo a");
        row("single quotes", "echo 'a $b \\c'", "echo a $b \\c");
        row("double quote escapes", "echo \"\\$x \\\" \\\\ \\q\"", "echo $x \" \\ \\q");
        row("ansi-c quotes", "echo $'a\\tb\\x41\\101\\u00e9'", "echo a\tbAAé");
        row("locale quotes", "echo $\"hi\"", "echo hi");
        row("backslash escapes", "echo \\; \\& \\|", "echo ; & |");
        row("conditional command", "[[ -f x && $(id) == y ]]", "$id");
        row("arithmetic command", "(( x = $(id) ))", "$id");
        row("redirection on a group", "{ a; } > out", "a / >out");
        row("empty command substitution", "echo $( )", "echo $( )");
        row("deep nesting", "((((((a))))))", "");
        row("keywords as arguments", "echo if then fi done", "echo if then fi done");
        row("brace group needs separator", "{ echo }; }", "echo }");
        // {NAME}> allocates a descriptor and puts its number into NAME (bash 5.2).
        row("fd variable redirection", "exec {fd}>file", "exec {fd}>file");
        row("fd variable close", "exec {fd}>&-", "exec {fd}>&-");
        row("fd variable input", "cat {in_1}<README", "cat {in_1}<README");
        row("fd variable on a group", "{ a; } {fd}>out", "a / {fd}>out");
        row("fd variable first", "{fd}>out echo hi", "echo hi {fd}>out");
        row("brace word before &>", "echo {fd}&>o", "echo {fd} &>o");
        row("brace digit is a word", "echo {1}>o", "echo {1} >o");
        row("quoted brace word", "echo \"{fd}\">o", "echo {fd} >o");
        row("brace word glued to text", "echo x{fd}>o", "echo x{fd} >o");
    }

    void structure()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const ParseResult result = parse(input);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(shape(result), expected);
    }

    void features()
    {
        const auto word = [](const char *text, int index = 1) {
            const ParseResult result = parse(QString::fromUtf8(text));
            return result.commands.value(0).words.value(index);
        };
        QVERIFY(word("echo a").isStatic());
        QVERIFY(word("echo 'a b'").isStatic());
        QVERIFY(word("echo 'a b'").has(WordFeature::Quoted));
        QVERIFY(!word("echo $x").isStatic());
        QVERIFY(word("echo $x").has(WordFeature::ParameterExpansion));
        QVERIFY(word("echo \"$x\"").has(WordFeature::ParameterExpansion));
        QVERIFY(!word("echo '$x'").has(WordFeature::ParameterExpansion));
        QVERIFY(word("echo *.txt").has(WordFeature::Glob));
        QVERIFY(!word("echo '*.txt'").has(WordFeature::Glob));
        QVERIFY(!word("echo \\*.txt").has(WordFeature::Glob));
        QVERIFY(word("echo [ab].txt").has(WordFeature::Glob));
        QVERIFY(word("echo ~/x").has(WordFeature::Tilde));
        QVERIFY(!word("echo '~/x'").has(WordFeature::Tilde));
        QVERIFY(!word("echo a~b").has(WordFeature::Tilde));
        QVERIFY(word("echo {a,b}").has(WordFeature::BraceExpansion));
        QVERIFY(!word("echo {a}").has(WordFeature::BraceExpansion));
        QVERIFY(word("echo $(id)").has(WordFeature::CommandSubstitution));
        QVERIFY(word("echo `id`").has(WordFeature::CommandSubstitution));
        QVERIFY(word("echo $((1+2))").has(WordFeature::ArithmeticExpansion));
        QVERIFY(word("cat <(ls)").has(WordFeature::ProcessSubstitution));
        QVERIFY(word("echo $'\\x41'").has(WordFeature::AnsiCQuote));
        QCOMPARE(word("echo $'\\x41'").text, QStringLiteral("A"));
        QCOMPARE(word("\\rm -rf x", 0).text, QStringLiteral("rm"));
        QCOMPARE(word("echo \"a\"'b'c", 1).raw, QStringLiteral("\"a\"'b'c"));
    }

    void flags()
    {
        const ParseResult result = parse(QStringLiteral("a | b & c; f() { d; }; ! e"));
        QVERIFY(result.ok);
        QCOMPARE(result.commands.size(), 5);
        QVERIFY(result.commands[0].inPipeline && result.commands[0].background);
        QVERIFY(result.commands[1].inPipeline && result.commands[1].background);
        QVERIFY(!result.commands[2].inPipeline && !result.commands[2].background);
        QVERIFY(result.commands[3].inFunctionBody);
        QVERIFY(result.commands[4].negated);
        QVERIFY(result.has(Construct::Pipeline));
        QVERIFY(result.has(Construct::FunctionDefinition));
        QVERIFY(result.has(Construct::Background));
        const ParseResult nested = parse(QStringLiteral("(a; $(b))"));
        // a, the command made of the substitution's output, and b inside it
        QCOMPARE(nested.commands.size(), 3);
        QCOMPARE(nested.commands[0].nesting, 1);
        QCOMPARE(nested.commands[1].nesting, 1);
        QCOMPARE(nested.commands[1].context, CommandContext::TopLevel);
        QCOMPARE(nested.commands[2].nesting, 2);
        QCOMPARE(nested.commands[2].context, CommandContext::CommandSubstitution);
    }

    void hereDocumentBody()
    {
        const ParseResult result = parse(QStringLiteral("cat <<EOF > out\nline 1\nline 2\nEOF"));
        QVERIFY(result.ok);
        QCOMPARE(result.commands.size(), 1);
        QCOMPARE(result.commands[0].redirections.size(), 2);
        QCOMPARE(result.commands[0].redirections[0].hereDocument, QStringLiteral("line 1\nline 2\n"));
        QVERIFY(result.commands[0].redirections[0].hereDocumentExpands);
        QCOMPARE(result.commands[0].redirections[1].target.text, QStringLiteral("out"));
    }

    // Every place bash evaluates arithmetic is reported, with its kind and text.
    void arithmetic_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *name, const char *input, const char *expected) {
            QTest::newRow(name) << QString::fromUtf8(input) << QString::fromUtf8(expected);
        };
        row("expansion", "echo $((x + 1))", "expression:x + 1");
        row("old expansion", "echo $[x]", "expression:x");
        row("old expansion quoted", "echo \"$[x]\"", "expression:x");
        row("command", "(( x ))", "expression: x ");
        row("for header", "for ((i=0; i<n; i++)); do :; done", "expression:i=0; i<n; i++");
        row("subscript", "echo ${a[i]} ${a[@]}", "subscript:i");
        row("substring", "echo ${x:o:l} ${x:-d} ${x: -1}", "substring:o:l / substring: -1");
        row("assignment subscript", "a[i+1]=2", "subscript:i+1");
        row("compound assignment subscript", "a=([k]=1 2)", "subscript:k");
        row("comparison operands", "[[ $x -eq 1 && y == z ]]", "operand:$x / operand:1");
        row("variable test", "[[ -v 'a[i]' ]]", "variable:a[i]");
        row("nested in backticks", "echo `echo $((y))`", "expression:y");
        row("here-document", "cat <<E\n$((z))\nE", "expression:z");
    }

    void arithmetic()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const ParseResult result = parse(input);
        QVERIFY2(result.ok, qPrintable(result.error));
        QStringList found;
        for (const Arithmetic &arithmetic : result.arithmetic) {
            static const char *const kinds[] = {"expression", "subscript", "substring", "operand", "variable"};
            found << QString::fromLatin1(kinds[int(arithmetic.kind)]) + u':' + arithmetic.text;
        }
        QCOMPARE(found.join(QStringLiteral(" / ")), expected);
    }

    void bindingsAndTransformations()
    {
        const ParseResult result = parse(QStringLiteral("for PATH in a b; do :; done; select s in x; do :; done; "
                                                        "coproc C { :; }; : ${D:=1} ${E=2}; echo ${x@P} ${y@Q} {F}>/dev/null"));
        QVERIFY2(result.ok, qPrintable(result.error));
        QStringList names;
        for (const VariableBinding &binding : result.bindings)
            names << binding.name;
        QCOMPARE(names, (QStringList{QStringLiteral("PATH"), QStringLiteral("s"), QStringLiteral("C"), QStringLiteral("D"),
                                     QStringLiteral("E"), QStringLiteral("F")}));
        QCOMPARE(result.bindings.last().how, VariableBinding::How::Descriptor);
        QCOMPARE(result.bindings[0].words.size(), 2);
        QVERIFY(result.bindings[0].scopeEnd > result.bindings[0].offset);
        QCOMPARE(result.transformations, (QStringList{QStringLiteral("x@P"), QStringLiteral("y@Q")}));
    }

    void refuses_data()
    {
        QTest::addColumn<QString>("input");
        const auto row = [](const char *name, const char *input) { QTest::newRow(name) << QString::fromUtf8(input); };
        row("unterminated single quote", "echo 'a");
        row("unterminated double quote", "echo \"a");
        row("unterminated ansi-c", "echo $'a");
        row("unterminated substitution", "echo $(a");
        row("unterminated backticks", "echo `a");
        row("unterminated parameter", "echo ${a");
        row("unterminated arithmetic", "echo $((1+2)");
        row("unterminated old arithmetic", "echo $[1+2");
        row("unterminated process substitution", "cat <(ls");
        row("missing fi", "if a; then b");
        row("missing then", "if a; b; fi");
        row("missing done", "while a; do b");
        row("missing do", "for x in a; b; done");
        row("missing esac", "case x in a) b;;");
        row("missing brace", "{ a;");
        row("missing paren", "(a");
        row("stray paren", "a )");
        row("stray fi", "fi");
        row("stray done", "a; done");
        row("lone and", "&& a");
        row("trailing and", "a &&");
        row("trailing pipe", "a |");
        row("double semicolon outside case", "a;; b");
        row("redirection without target", "a >");
        row("here-document without end", "cat <<EOF\nx");
        row("here-document without body", "cat <<EOF");
        row("empty group", "{ }");
        row("empty subshell", "( )");
        row("function without body", "f()");
        row("fd variable with a subscript", "exec {a[$(id)]}>file");
        row("fd variable with a plain subscript", "echo {a[0]}<file");
        row("subscript with substitution", "a[$(id)]=1");
        row("unclosed conditional", "[[ -f x");
        row("bad substitution", "echo ${}");
    }

    void refuses()
    {
        QFETCH(QString, input);
        const ParseResult result = parse(input);
        QVERIFY2(!result.ok, qPrintable(QStringLiteral("parsed: ") + shape(result)));
        QVERIFY(!result.error.isEmpty());
        QVERIFY(result.errorOffset >= 0);
    }

    void deepNestingIsRefusedNotCrashed()
    {
        QString groups;
        for (int i = 0; i < 300; ++i)
            groups += QStringLiteral("( ");
        groups += u'a';
        for (int i = 0; i < 300; ++i)
            groups += QStringLiteral(" )");
        const ParseResult deep = parse(groups);
        QVERIFY(!deep.ok);
        QVERIFY(deep.error.contains(QStringLiteral("levels deep")));
    }

    void deepNestingOfSubstitutionsIsRefusedNotCrashed()
    {
        QString text;
        for (int i = 0; i < 5000; ++i)
            text += QStringLiteral("$(");
        const ParseResult result = parse(text);
        QVERIFY(!result.ok);
    }

    void manyCommandsAreAllReported()
    {
        QString text;
        for (int i = 0; i < 3000; ++i)
            text += QStringLiteral("a%1;").arg(i);
        const ParseResult result = parse(text);
        QVERIFY(result.ok);
        QCOMPARE(result.commands.size(), 3000);
        QCOMPARE(result.commands.last().words.first().text, QStringLiteral("a2999"));
    }
};

QTEST_GUILESS_MAIN(TestShellParser)
#include "tst_shellparser.moc"
