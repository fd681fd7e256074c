// SPDX-License-Identifier: GPL-3.0-or-later
// An awk program read token by token (awkprogram_p.h). A ">" is a redirection only at the top
// level of a print or printf statement; elsewhere it compares. A "/" starts a regular
// expression where an operand is expected, and divides after one. What this reading cannot
// place fails closed: the program is then not read-only.
#include "shell/awkprogram_p.h"

#include "shell/commandsupport_p.h"

#include <QList>

namespace gatehouse::shell::detail {

using namespace Qt::StringLiterals;

namespace {

enum class Kind : std::uint8_t { Name, Number, String, Regex, Operator, Newline };

struct Token
{
    Kind kind;
    QString text; ///< the name, the operator, or a string's value (escapes resolved)
};

bool isKeyword(const QString &name)
{
    static const QSet<QString> keywords = setOf({u"BEGIN", u"END", u"BEGINFILE", u"ENDFILE", u"function", u"func",
                                                 u"if", u"else", u"while", u"for", u"do", u"break", u"continue",
                                                 u"next", u"nextfile", u"exit", u"return", u"delete", u"in",
                                                 u"getline", u"print", u"printf", u"switch", u"case", u"default"});
    return keywords.contains(name);
}

// Whether a "/" after @p previous divides (it follows an operand) rather than starting a regex.
bool divides(const QList<Token> &tokens)
{
    if (tokens.isEmpty())
        return false;
    const Token &previous = tokens.last();
    switch (previous.kind) {
    case Kind::Number:
    case Kind::String:
    case Kind::Regex:
        return true;
    case Kind::Name:
        return !isKeyword(previous.text) || previous.text == u"getline"_s;
    case Kind::Operator:
        return previous.text == u")"_s || previous.text == u"]"_s || previous.text == u"$"_s
               || previous.text == u"++"_s || previous.text == u"--"_s;
    case Kind::Newline:
        return false;
    }
    return false;
}

struct Lexer
{
    explicit Lexer(const QString &program) : text(program) {}

    const QString &text;
    qsizetype i = 0;
    QList<Token> tokens;
    QString problem;

    // A string's or a regex's body up to @p end; false when it does not end.
    bool delimited(QChar end, QString *value)
    {
        bool bracket = false; // inside [...] of a regex, "/" does not end it
        for (++i; i < text.size(); ++i) {
            const QChar c = text[i];
            if (c == u'\\' && i + 1 < text.size()) {
                *value += text[i + 1];
                ++i;
            } else if (end == u'/' && c == u'[') {
                bracket = true;
                *value += c;
            } else if (end == u'/' && c == u']') {
                bracket = false;
                *value += c;
            } else if (c == end && !bracket) {
                ++i;
                return true;
            } else if (c == u'\n') {
                return false;
            } else {
                *value += c;
            }
        }
        return false;
    }

    bool run()
    {
        static const QStringList operators = {u"**="_s, u"**"_s, u">>"_s, u">="_s, u"<="_s, u"=="_s, u"!="_s, u"!~"_s,
                                              u"&&"_s, u"||"_s, u"|&"_s, u"++"_s, u"--"_s, u"+="_s, u"-="_s, u"*="_s,
                                              u"/="_s, u"%="_s, u"^="_s};
        while (i < text.size()) {
            const QChar c = text[i];
            if (c == u' ' || c == u'\t' || c == u'\r') {
                ++i;
            } else if (c == u'\\' && i + 1 < text.size() && text[i + 1] == u'\n') {
                i += 2;
            } else if (c == u'#') {
                while (i < text.size() && text[i] != u'\n')
                    ++i;
            } else if (c == u'\n') {
                // A newline after a comma, && or || (and, in gawk, ? and :) continues the
                // statement: "print a,\n b > F" still redirects.
                static const QSet<QString> continues = setOf({u",", u"&&", u"||", u"?", u":"});
                if (tokens.isEmpty() || tokens.last().kind != Kind::Operator || !continues.contains(tokens.last().text))
                    tokens << Token{Kind::Newline, {}};
                ++i;
            } else if (c == u'"' || (c == u'/' && !divides(tokens))) {
                QString value;
                if (!delimited(c, &value)) {
                    problem = u"the awk program has a string or regular expression that does not end"_s;
                    return false;
                }
                tokens << Token{c == u'"' ? Kind::String : Kind::Regex, value};
            } else if (c.isLetter() || c == u'_') {
                const qsizetype start = i;
                while (i < text.size() && text[i].unicode() < 0x80 && (text[i].isLetterOrNumber() || text[i] == u'_'))
                    ++i;
                if (i == start) {
                    problem = u"the awk program has characters awk does not read"_s;
                    return false;
                }
                tokens << Token{Kind::Name, text.mid(start, i - start)};
            } else if (c.isDigit() || (c == u'.' && i + 1 < text.size() && text[i + 1].isDigit())) {
                const qsizetype start = i;
                while (i < text.size() && (text[i].isLetterOrNumber() || text[i] == u'.'))
                    ++i;
                tokens << Token{Kind::Number, text.mid(start, i - start)};
            } else if (c == u'@') {
                problem = u"the awk program uses gawk's @ directives or indirect calls (@include, @load, @f())"_s;
                return false;
            } else {
                QString op(c);
                for (const QString &candidate : operators)
                    if (QStringView(text).mid(i).startsWith(candidate)) {
                        op = candidate;
                        break;
                    }
                if (c.unicode() >= 0x80 || !QStringView(u"{}()[];,+-*/%^!<>=~?:$|&").contains(c)) {
                    problem = u"the awk program has characters awk does not read"_s;
                    return false;
                }
                tokens << Token{Kind::Operator, op};
                i += op.size();
            }
        }
        return true;
    }
};

bool is(const Token &token, QStringView op) { return token.kind == Kind::Operator && token.text == op; }

bool isAssignment(const Token &token)
{
    static const QSet<QString> ops = setOf({u"=", u"+=", u"-=", u"*=", u"/=", u"%=", u"^=", u"**=", u"++", u"--"});
    return token.kind == Kind::Operator && ops.contains(token.text);
}

// Whether a constant string at @p k stands alone (is not concatenated with more): the token
// after it ends the expression.
bool endsExpression(const QList<Token> &tokens, qsizetype k)
{
    if (k >= tokens.size())
        return true;
    const Token &next = tokens[k];
    if (next.kind == Kind::Newline)
        return true;
    static const QSet<QString> ends = setOf({u")", u";", u"}", u",", u"&&", u"||", u"?", u":", u">", u"<", u">=",
                                             u"<=", u"==", u"!="});
    return next.kind == Kind::Operator && ends.contains(next.text);
}

// The index after the group that opens at @p k ("[" or "("), or -1.
qsizetype afterGroup(const QList<Token> &tokens, qsizetype k)
{
    int depth = 0;
    for (; k < tokens.size(); ++k) {
        if (is(tokens[k], u"[") || is(tokens[k], u"("))
            ++depth;
        else if ((is(tokens[k], u"]") || is(tokens[k], u")")) && --depth == 0)
            return k + 1;
    }
    return -1;
}

class Reader
{
public:
    explicit Reader(const QList<Token> &tokens) : m_tokens(tokens) {}

    AwkProgram read()
    {
        for (qsizetype k = 0; k < m_tokens.size() && m_result.problem.isEmpty(); ++k)
            step(k);
        return m_result;
    }

private:
    void fail(const QString &why, bool runsOrWrites = false)
    {
        if (m_result.problem.isEmpty())
            m_result.problem = why;
        m_result.runsOrWrites |= runsOrWrites;
    }

    void step(qsizetype k)
    {
        const Token &token = m_tokens[k];
        if (token.kind == Kind::Newline || is(token, u";") || is(token, u"}") || is(token, u"{")) {
            m_printDepth = -1;
            return;
        }
        if (is(token, u"(") || is(token, u"[")) {
            const QString &callee = k > 0 && m_tokens[k - 1].kind == Kind::Name ? m_tokens[k - 1].text : QString();
            static const QSet<QString> modifying = setOf({u"sub", u"gsub", u"split", u"patsplit", u"match",
                                                          u"asort", u"asorti"});
            m_groups << (is(token, u"(") && modifying.contains(callee));
            return;
        }
        if (is(token, u")") || is(token, u"]")) {
            if (!m_groups.isEmpty())
                m_groups.removeLast();
            if (m_printDepth > m_groups.size())
                m_printDepth = -1; // "(print ...)" cannot be, but fail towards comparisons ending
            return;
        }
        if (is(token, u"|") || is(token, u"|&"))
            return fail(u"the awk program runs a command through a pipe"_s, true);
        if ((is(token, u">") || is(token, u">>")) && m_printDepth == m_groups.size())
            return redirection(k);
        if (token.kind != Kind::Name)
            return;
        if (token.text == u"print"_s || token.text == u"printf"_s)
            m_printDepth = int(m_groups.size());
        else if (token.text == u"system"_s)
            fail(u"the awk program runs commands (system)"_s, true);
        else if (token.text == u"ENVIRON"_s)
            fail(u"the awk program reads the environment (ENVIRON)"_s);
        else if (token.text == u"SYMTAB"_s)
            fail(u"the awk program changes variables by name (SYMTAB)"_s);
        else if (token.text == u"getline"_s)
            getline(k);
        else if (token.text == u"ARGV"_s)
            argv(k);
    }

    // "print ... > FILE": only the terminal streams keep it read-only.
    void redirection(qsizetype k)
    {
        const bool terminal = k + 1 < m_tokens.size() && m_tokens[k + 1].kind == Kind::String
                              && (m_tokens[k + 1].text == u"/dev/stdout"_s || m_tokens[k + 1].text == u"/dev/stderr"_s)
                              && endsExpression(m_tokens, k + 2);
        if (!terminal)
            fail(u"the awk program writes a file (print > FILE)"_s, true);
    }

    // "getline", "getline VAR", "getline < FILE", "getline VAR < FILE" ("CMD | getline" is a pipe).
    void getline(qsizetype k)
    {
        qsizetype next = k + 1;
        if (next < m_tokens.size() && m_tokens[next].kind == Kind::Name && !isKeyword(m_tokens[next].text)) {
            ++next;
            if (next < m_tokens.size() && is(m_tokens[next], u"["))
                next = afterGroup(m_tokens, next);
        } else if (next < m_tokens.size() && is(m_tokens[next], u"$")) {
            next += 2; // $NF, $1; "$(expr)" reads as that group
            if (next - 1 < m_tokens.size() && is(m_tokens[next - 1], u"("))
                next = afterGroup(m_tokens, next - 1);
        }
        if (next < 0 || next >= m_tokens.size() || !is(m_tokens[next], u"<"))
            return;
        const qsizetype file = next + 1;
        if (file < m_tokens.size() && m_tokens[file].kind == Kind::String && endsExpression(m_tokens, file + 1)) {
            if (m_tokens[file].text != u"-"_s)
                m_result.files << m_tokens[file].text;
            return;
        }
        fail(u"the awk program reads a file decided at run time (getline < FILE)"_s);
    }

    // ARGV lists the files awk reads next: setting it to a constant reads that file; anything
    // else (a value decided at run time, passing the array on, sub() on an element) cannot be told.
    void argv(qsizetype k)
    {
        const Token *before = k > 0 ? &m_tokens[k - 1] : nullptr;
        if (before && before->kind == Kind::Name && (before->text == u"in"_s || before->text == u"delete"_s))
            return; // "for (i in ARGV)", "delete ARGV[1]": nothing more is read
        if (std::any_of(m_groups.begin(), m_groups.end(), [](bool modifying) { return modifying; }))
            return fail(u"the awk program changes ARGV, the files it reads, at run time"_s);
        if (k + 1 >= m_tokens.size() || !is(m_tokens[k + 1], u"["))
            return fail(u"the awk program passes ARGV, the files it reads, on"_s);
        const qsizetype after = afterGroup(m_tokens, k + 1);
        const bool prefixed = before && (is(*before, u"++") || is(*before, u"--"));
        const bool getlineTarget = before && before->kind == Kind::Name && before->text == u"getline"_s;
        if (after < 0)
            return fail(u"the awk program's ARGV subscript does not end"_s);
        if (!prefixed && !getlineTarget && (after >= m_tokens.size() || !isAssignment(m_tokens[after])))
            return; // read
        if (!prefixed && !getlineTarget && is(m_tokens[after], u"=") && after + 1 < m_tokens.size()
            && m_tokens[after + 1].kind == Kind::String && endsExpression(m_tokens, after + 2)) {
            m_result.files << m_tokens[after + 1].text;
            return;
        }
        fail(u"the awk program sets ARGV, the files it reads, to a value decided at run time"_s);
    }

    const QList<Token> &m_tokens;
    AwkProgram m_result;
    QList<bool> m_groups; // open ( and [, whether each is the arguments of a call that changes them
    int m_printDepth = -1; // the group depth of the print statement being read, or -1
};

} // namespace

AwkProgram readAwkProgram(const QString &program)
{
    Lexer lexer(program);
    if (!lexer.run()) {
        AwkProgram result;
        result.problem = lexer.problem;
        // Text awk's lexer refuses too ("out.awk" when -o took no value) runs nothing; where
        // this reading and awk's may differ, the words that would make it run or write count.
        result.runsOrWrites = program.contains(u"system"_s) || program.contains(u'|') || program.contains(u"getline"_s)
                              || program.contains(u'>') || program.contains(u'@');
        return result;
    }
    return Reader(lexer.tokens).read();
}

} // namespace gatehouse::shell::detail
