// SPDX-License-Identifier: GPL-3.0-or-later
// A recursive-descent parser for the shell language agents write: POSIX sh plus bash's
// extensions. It produces every simple command wherever it sits, and fails closed: anything it
// does not understand ends the parse with an error and an offset, never with a guess.
#include "shell/syntax.h"

#include <QStringView>

#include <algorithm>

namespace gatehouse::shell {

bool Word::isStatic() const
{
    constexpr std::uint32_t dynamic =
        static_cast<std::uint32_t>(WordFeature::ParameterExpansion) | static_cast<std::uint32_t>(WordFeature::CommandSubstitution)
        | static_cast<std::uint32_t>(WordFeature::ArithmeticExpansion) | static_cast<std::uint32_t>(WordFeature::ProcessSubstitution)
        | static_cast<std::uint32_t>(WordFeature::Glob) | static_cast<std::uint32_t>(WordFeature::Tilde)
        | static_cast<std::uint32_t>(WordFeature::BraceExpansion);
    return (features & dynamic) == 0;
}

namespace {

using namespace Qt::StringLiterals;

constexpr int maxDepth = 200;

struct Failure
{
    QString message;
    qsizetype offset;
};

// Where commands being parsed sit.
struct Scope
{
    CommandContext context = CommandContext::TopLevel;
    int nesting = 0;
    bool inFunction = false;
};

struct PendingHereDocument
{
    qsizetype commandIndex;
    qsizetype redirectionIndex;
    QString delimiter;
    bool stripTabs;
    bool expands;
    Scope scope;
};

bool isBlank(QChar c) { return c == u' ' || c == u'\t'; }

bool isMeta(QChar c)
{
    return c == u' ' || c == u'\t' || c == u'\n' || c == u';' || c == u'&' || c == u'|' || c == u'<' || c == u'>'
           || c == u'(' || c == u')';
}

// Characters that mean nothing special inside a word (letters, digits, and . / - _ , : = + @ %).
bool isPlainRunChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') || u == u'.' || u == u'/'
           || u == u'-' || u == u'_' || u == u',' || u == u':' || u == u'=' || u == u'+' || u == u'@' || u == u'%';
}

bool isNameStart(QChar c) { return (c.unicode() < 0x80) && (c.isLetter() || c == u'_'); }
bool isNameChar(QChar c) { return (c.unicode() < 0x80) && (c.isLetterOrNumber() || c == u'_'); }

void set(Word &word, WordFeature feature) { word.features |= static_cast<std::uint32_t>(feature); }

class Parser
{
public:
    explicit Parser(const QString &text)
        : m_text(text)
    {
    }

    ParseResult run()
    {
        try {
            parseList(Scope{}, {}, true);
            skipSeparatorsAndNewlines(Scope{});
            if (!atEnd())
                fail(u"unexpected \"%1\""_s.arg(peekToken()));
            if (!m_pending.isEmpty())
                fail(u"here-document \"%1\" has no body"_s.arg(m_pending.first().delimiter));
            // Commands are recorded as they end, so a substitution comes before the command
            // that holds it; report them in source order.
            std::stable_sort(m_result.commands.begin(), m_result.commands.end(),
                             [](const SimpleCommand &a, const SimpleCommand &b) { return a.offset < b.offset; });
            m_result.ok = true;
        } catch (const Failure &failure) {
            m_result.ok = false;
            m_result.error = u"%1 at offset %2"_s.arg(failure.message).arg(failure.offset);
            m_result.errorOffset = int(failure.offset);
        }
        return std::move(m_result);
    }

private:
    // ------------------------------------------------------------------ low level
    [[noreturn]] void fail(const QString &message) const { throw Failure{message, m_pos}; }
    [[noreturn]] void failAt(const QString &message, qsizetype offset) const { throw Failure{message, offset}; }

    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek(qsizetype ahead = 0) const
    {
        const qsizetype at = m_pos + ahead;
        return at < m_text.size() ? m_text[at] : QChar();
    }
    bool lookingAt(QStringView s) const { return QStringView(m_text).mid(m_pos).startsWith(s); }

    void enter()
    {
        if (++m_depth > maxDepth)
            fail(u"the command nests more than %1 levels deep"_s.arg(maxDepth));
    }
    void leave() { --m_depth; }

    // Spaces, tabs, line continuations and comments (not newlines).
    void skipBlanks()
    {
        while (!atEnd()) {
            const QChar c = peek();
            if (isBlank(c)) {
                ++m_pos;
            } else if (c == u'\\' && peek(1) == u'\n') {
                m_pos += 2;
            } else if (c == u'#') {
                while (!atEnd() && peek() != u'\n')
                    ++m_pos;
            } else {
                break;
            }
        }
    }

    QString peekToken()
    {
        skipBlanks();
        if (atEnd())
            return u"end of input"_s;
        qsizetype end = m_pos;
        while (end < m_text.size() && !isMeta(m_text[end]))
            ++end;
        if (end == m_pos)
            return QString(m_text[m_pos]);
        return m_text.mid(m_pos, end - m_pos);
    }

    // Consumes one newline and reads the bodies of here-documents that were waiting for it.
    void consumeNewline()
    {
        ++m_pos; // the '\n'
        readHereDocuments();
    }

    void skipNewlines(const Scope &)
    {
        while (true) {
            skipBlanks();
            if (peek() == u'\n')
                consumeNewline();
            else
                break;
        }
    }

    void skipSeparatorsAndNewlines(const Scope &scope)
    {
        while (true) {
            skipBlanks();
            if (peek() == u'\n')
                consumeNewline();
            else if (peek() == u';' && peek(1) != u';' && peek(1) != u'&')
                ++m_pos;
            else
                break;
        }
        Q_UNUSED(scope);
    }

    // The reserved word at the current position, if the next token is exactly it.
    bool atReserved(QStringView word)
    {
        skipBlanks();
        if (!lookingAt(word))
            return false;
        const QChar after = peek(word.size());
        return after.isNull() || isMeta(after);
    }

    // The characters up to the next metacharacter (the token a reserved word would be).
    QStringView currentToken()
    {
        skipBlanks();
        qsizetype end = m_pos;
        while (end < m_text.size() && !isMeta(m_text[end]))
            ++end;
        return QStringView(m_text).mid(m_pos, end - m_pos);
    }

    static bool isReservedWord(QStringView token)
    {
        if (token.isEmpty() || token.size() > 8)
            return false;
        static const QStringView words[] = {u"if", u"then", u"elif", u"else", u"fi", u"for", u"select", u"while", u"until",
                                            u"do", u"done", u"case", u"esac", u"in", u"{", u"}", u"[[", u"function",
                                            u"coproc", u"time", u"!"};
        for (const QStringView word : words)
            if (token == word)
                return true;
        return false;
    }

    bool atAnyReserved(std::initializer_list<const char16_t *> words)
    {
        for (const char16_t *word : words)
            if (atReserved(QStringView(word)))
                return true;
        return false;
    }

    void expectReserved(QStringView word, const char *context)
    {
        if (!atReserved(word))
            fail(u"expected \"%1\" %2, found \"%3\""_s.arg(word.toString(), QString::fromLatin1(context), peekToken()));
        m_pos += word.size();
    }

    // ------------------------------------------------------------------ lists
    // Parses commands until a stop word or token (not consumed). Returns whether anything was parsed.
    bool parseList(const Scope &scope, std::initializer_list<const char16_t *> stopWords, bool topLevel = false)
    {
        enter();
        bool any = false;
        while (true) {
            skipSeparatorsAndNewlines(scope);
            if (atEnd())
                break;
            const QChar c = peek();
            if (c == u')' || (c == u';' && (peek(1) == u';' || peek(1) == u'&')))
                break;
            bool stop = false;
            if (stopWords.size() > 0) {
                const QStringView token = currentToken();
                for (const char16_t *word : stopWords)
                    if (token == QStringView(word)) {
                        stop = true;
                        break;
                    }
            }
            if (stop)
                break;
            const qsizetype first = m_result.commands.size();
            parseAndOr(scope);
            any = true;
            skipBlanks();
            if (peek() == u'&' && peek(1) != u'&' && peek(1) != u'>') {
                ++m_pos;
                m_result.constructs |= static_cast<std::uint32_t>(Construct::Background);
                for (qsizetype i = first; i < m_result.commands.size(); ++i)
                    m_result.commands[i].background = true;
                continue;
            }
            if (peek() == u';' && peek(1) != u';' && peek(1) != u'&') {
                ++m_pos;
                continue;
            }
            if (peek() == u'\n')
                continue;
            if (atEnd() || peek() == u')' || peek() == u';')
                break;
            // A command must be followed by a separator.
            fail(u"unexpected \"%1\""_s.arg(peekToken()));
        }
        leave();
        Q_UNUSED(topLevel);
        return any;
    }

    void parseAndOr(const Scope &scope)
    {
        parsePipeline(scope);
        while (true) {
            skipBlanks();
            if (lookingAt(u"&&") || lookingAt(u"||")) {
                m_pos += 2;
                skipNewlines(scope);
                if (atEnd())
                    fail(u"a command is missing after && or ||"_s);
                parsePipeline(scope);
            } else {
                break;
            }
        }
    }

    void parsePipeline(const Scope &scope)
    {
        skipBlanks();
        const QStringView leading = currentToken();
        if (leading == u"time") {
            m_pos += 4;
            skipBlanks();
            if (lookingAt(u"-p") && (isMeta(peek(2)) || peek(2).isNull()))
                m_pos += 2;
            skipBlanks();
            if (atEnd() || peek() == u'\n' || peek() == u';')
                return; // "time" alone
        }
        bool negated = false;
        while ((leading == u"!" || leading == u"time") && atReserved(u"!")) {
            ++m_pos;
            negated = true;
        }
        const qsizetype first = m_result.commands.size();
        int elements = 1;
        parseCommand(scope);
        while (true) {
            skipBlanks();
            if (peek() == u'|' && peek(1) != u'|') {
                m_pos += peek(1) == u'&' ? 2 : 1;
                skipNewlines(scope);
                if (atEnd())
                    fail(u"a command is missing after |"_s);
                parseCommand(scope);
                ++elements;
            } else {
                break;
            }
        }
        if (elements > 1) {
            m_result.constructs |= static_cast<std::uint32_t>(Construct::Pipeline);
            for (qsizetype i = first; i < m_result.commands.size(); ++i)
                m_result.commands[i].inPipeline = true;
        }
        if (negated)
            for (qsizetype i = first; i < m_result.commands.size(); ++i)
                m_result.commands[i].negated = true;
    }

    // ------------------------------------------------------------------ commands
    Scope inner(const Scope &scope) const
    {
        Scope s = scope;
        ++s.nesting;
        return s;
    }

    void parseCommand(const Scope &scope)
    {
        enter();
        skipBlanks();
        if (atEnd())
            fail(u"a command is missing"_s);
        const QChar c = peek();
        if (c != u'(' && !isReservedWord(currentToken())) {
            parseSimpleCommand(scope); // the common case, without trying every keyword
            leave();
            return;
        }
        if (c == u'(' && peek(1) == u'(') {
            parseArithmeticCommand();
            parseTrailingRedirections(scope);
        } else if (c == u'(') {
            ++m_pos;
            m_result.constructs |= static_cast<std::uint32_t>(Construct::Subshell);
            if (!parseList(inner(scope), {}))
                fail(u"a subshell needs a command"_s);
            skipNewlines(scope);
            if (peek() != u')')
                fail(u"\"(\" is not closed"_s);
            ++m_pos;
            parseTrailingRedirections(scope);
        } else if (atReserved(u"{")) {
            ++m_pos;
            m_result.constructs |= static_cast<std::uint32_t>(Construct::BraceGroup);
            if (!parseList(inner(scope), {u"}"}))
                fail(u"a { } group needs a command"_s);
            expectReserved(u"}", "to close \"{\"");
            parseTrailingRedirections(scope);
        } else if (atReserved(u"if")) {
            parseIf(scope);
        } else if (atReserved(u"for")) {
            parseFor(scope, u"for");
        } else if (atReserved(u"select")) {
            parseFor(scope, u"select");
        } else if (atReserved(u"while") || atReserved(u"until")) {
            m_result.constructs |= static_cast<std::uint32_t>(Construct::While);
            m_pos += 5; // "while" or "until"
            parseList(inner(scope), {u"do"});
            expectReserved(u"do", "in a while or until loop");
            parseList(inner(scope), {u"done"});
            expectReserved(u"done", "to end the loop");
            parseTrailingRedirections(scope);
        } else if (atReserved(u"case")) {
            parseCase(scope);
        } else if (atReserved(u"[[")) {
            parseConditional(scope);
            parseTrailingRedirections(scope);
        } else if (atReserved(u"function")) {
            m_pos += 8;
            skipBlanks();
            const qsizetype nameStart = m_pos;
            while (!atEnd() && !isMeta(peek()))
                ++m_pos;
            if (m_pos == nameStart)
                fail(u"a function name is missing"_s);
            skipBlanks();
            if (peek() == u'(' && peek(1) == u')')
                m_pos += 2;
            parseFunctionBody(scope);
        } else if (atReserved(u"coproc")) {
            m_pos += 6;
            m_result.constructs |= static_cast<std::uint32_t>(Construct::Coprocess);
            skipBlanks();
            // "coproc NAME { ...; }" or "coproc command"
            const qsizetype save = m_pos;
            qsizetype end = m_pos;
            while (end < m_text.size() && isNameChar(m_text[end]))
                ++end;
            m_pos = end;
            skipBlanks();
            const bool named = end > save && (atReserved(u"{") || peek() == u'(');
            if (!named)
                m_pos = save;
            parseCommand(inner(scope));
        } else if (atAnyReserved({u"then", u"elif", u"else", u"fi", u"do", u"done", u"esac", u"}", u"in"})) {
            fail(u"unexpected \"%1\""_s.arg(peekToken()));
        } else {
            parseSimpleCommand(scope);
        }
        leave();
    }

    void parseFunctionBody(const Scope &scope)
    {
        m_result.constructs |= static_cast<std::uint32_t>(Construct::FunctionDefinition);
        skipNewlines(scope);
        Scope body = inner(scope);
        body.inFunction = true;
        if (!(atReserved(u"{") || peek() == u'(' || atAnyReserved({u"if", u"for", u"while", u"until", u"case", u"[["})))
            fail(u"a function body must be a compound command"_s);
        parseCommand(body);
    }

    void parseTrailingRedirections(const Scope &scope)
    {
        // Redirections after a compound command apply to all of it; they are recorded on a
        // command of their own (with no words) so that the policy sees them.
        SimpleCommand holder;
        holder.offset = int(m_pos);
        holder.context = scope.context;
        holder.nesting = scope.nesting;
        holder.inFunctionBody = scope.inFunction;
        while (true) {
            skipBlanks();
            if (!tryRedirection(holder, scope))
                break;
        }
        if (!holder.redirections.isEmpty()) {
            holder.length = int(m_pos - holder.offset);
            m_result.commands << holder;
            queueHereDocuments(m_result.commands.size() - 1);
        }
    }

    void parseIf(const Scope &scope)
    {
        m_result.constructs |= static_cast<std::uint32_t>(Construct::If);
        m_pos += 2;
        const Scope s = inner(scope);
        if (!parseList(s, {u"then"}))
            fail(u"\"if\" needs a condition"_s);
        expectReserved(u"then", "after the if condition");
        parseList(s, {u"elif", u"else", u"fi"});
        while (atReserved(u"elif")) {
            m_pos += 4;
            parseList(s, {u"then"});
            expectReserved(u"then", "after the elif condition");
            parseList(s, {u"elif", u"else", u"fi"});
        }
        if (atReserved(u"else")) {
            m_pos += 4;
            parseList(s, {u"fi"});
        }
        expectReserved(u"fi", "to end the if");
        parseTrailingRedirections(scope);
    }

    void parseFor(const Scope &scope, QStringView keyword)
    {
        m_result.constructs |= static_cast<std::uint32_t>(keyword == u"for" ? Construct::For : Construct::Select);
        m_pos += keyword.size();
        skipBlanks();
        const Scope s = inner(scope);
        if (keyword == u"for" && lookingAt(u"((")) {
            parseArithmeticText(); // for ((i=0; i<n; i++))
            skipBlanks();
            if (peek() == u';')
                ++m_pos;
        } else {
            const qsizetype nameStart = m_pos;
            while (!atEnd() && isNameChar(peek()))
                ++m_pos;
            if (m_pos == nameStart || !isNameStart(m_text[nameStart]))
                fail(u"\"%1\" needs a variable name"_s.arg(keyword.toString()));
            skipNewlines(scope);
            if (atReserved(u"in")) {
                m_pos += 2;
                // The words of the list (their substitutions are parsed as they are read).
                while (true) {
                    skipBlanks();
                    if (atEnd() || peek() == u';' || peek() == u'\n')
                        break;
                    readWord(s);
                }
                if (peek() == u';' || peek() == u'\n') {
                    if (peek() == u'\n')
                        consumeNewline();
                    else
                        ++m_pos;
                }
            } else if (peek() == u';') {
                ++m_pos;
            }
        }
        skipNewlines(scope);
        expectReserved(u"do", "in the loop");
        parseList(s, {u"done"});
        expectReserved(u"done", "to end the loop");
        parseTrailingRedirections(scope);
    }

    void parseCase(const Scope &scope)
    {
        m_result.constructs |= static_cast<std::uint32_t>(Construct::Case);
        m_pos += 4;
        skipBlanks();
        const Scope s = inner(scope);
        readWord(s); // the subject
        skipNewlines(scope);
        expectReserved(u"in", "after the case word");
        while (true) {
            skipNewlines(scope);
            if (atReserved(u"esac")) {
                m_pos += 4;
                break;
            }
            if (atEnd())
                fail(u"\"case\" is not closed with \"esac\""_s);
            if (peek() == u'(')
                ++m_pos;
            // patterns
            while (true) {
                skipBlanks();
                if (peek() == u')' || atEnd())
                    break;
                readWord(s, true);
                skipBlanks();
                if (peek() == u'|') {
                    ++m_pos;
                    continue;
                }
                break;
            }
            skipBlanks();
            if (peek() != u')')
                fail(u"a case pattern must end with \")\""_s);
            ++m_pos;
            parseList(s, {u"esac"});
            skipBlanks();
            if (lookingAt(u";;&"))
                m_pos += 3;
            else if (lookingAt(u";;") || lookingAt(u";&"))
                m_pos += 2;
            else if (!atReserved(u"esac"))
                fail(u"expected \";;\" or \"esac\" in the case"_s);
        }
        parseTrailingRedirections(scope);
    }

    void parseConditional(const Scope &scope)
    {
        m_result.constructs |= static_cast<std::uint32_t>(Construct::ConditionalCommand);
        const qsizetype start = m_pos;
        m_pos += 2;
        const Scope s = inner(scope);
        while (true) {
            skipBlanks();
            if (atEnd())
                failAt(u"\"[[\" is not closed with \"]]\""_s, start);
            if (peek() == u'\n') {
                consumeNewline();
                continue;
            }
            if (lookingAt(u"]]") && (isMeta(peek(2)) || peek(2).isNull())) {
                m_pos += 2;
                break;
            }
            // Operators inside [[ ]] are not command separators.
            if (lookingAt(u"&&") || lookingAt(u"||")) {
                m_pos += 2;
                continue;
            }
            const QChar c = peek();
            if (c == u'(' || c == u')' || c == u'<' || c == u'>' || c == u'!' || c == u'|' || c == u'&' || c == u';') {
                if (c == u';' || c == u'&')
                    fail(u"unexpected \"%1\" inside [[ ]]"_s.arg(c));
                ++m_pos; // grouping, comparison, negation, or a | of a regular expression
                continue;
            }
            readWord(s, true);
        }
        m_result.arithmetic << m_text.mid(start, m_pos - start);
    }

    void parseArithmeticCommand()
    {
        m_result.constructs |= static_cast<std::uint32_t>(Construct::ArithmeticCommand);
        parseArithmeticText();
    }

    // "((" ... "))" at the current position; substitutions inside are parsed.
    void parseArithmeticText()
    {
        const qsizetype start = m_pos;
        m_pos += 2;
        int depth = 0;
        Word scratch;
        const qsizetype bodyStart = m_pos;
        while (true) {
            if (atEnd())
                failAt(u"\"((\" is not closed with \"))\""_s, start);
            const QChar c = peek();
            if (c == u'(') {
                ++depth;
                ++m_pos;
            } else if (c == u')') {
                if (depth == 0) {
                    if (peek(1) != u')')
                        fail(u"\"((\" is not closed with \"))\""_s);
                    break;
                }
                --depth;
                ++m_pos;
            } else if (c == u'$' || c == u'`' || c == u'"' || c == u'\'' || c == u'\\') {
                QString ignored;
                readWordPart(scratch, ignored, Scope{CommandContext::TopLevel, 1, false}, false);
            } else {
                ++m_pos;
            }
        }
        m_result.arithmetic << m_text.mid(bodyStart, m_pos - bodyStart);
        m_pos += 2;
    }

    // ------------------------------------------------------------------ simple commands
    void parseSimpleCommand(const Scope &scope)
    {
        SimpleCommand command;
        command.context = scope.context;
        command.nesting = scope.nesting;
        command.inFunctionBody = scope.inFunction;
        command.offset = int(m_pos);
        bool prefix = true;
        while (true) {
            skipBlanks();
            if (atEnd())
                break;
            const QChar c = peek();
            if (c == u'\n' || c == u';' || c == u'|' || c == u')' || (c == u'&' && !lookingAt(u"&>")))
                break;
            if (tryRedirection(command, scope))
                continue;
            if (c == u'(') {
                // "name () { ...; }" defines a function.
                if (command.words.size() == 1 && command.assignments.isEmpty() && command.redirections.isEmpty()) {
                    ++m_pos;
                    skipBlanks();
                    if (peek() != u')')
                        fail(u"unexpected \"(\""_s);
                    ++m_pos;
                    parseFunctionBody(scope);
                    return;
                }
                fail(u"unexpected \"(\""_s);
            }
            if (c == u'<' || c == u'>') {
                // "<(" / ">(" process substitution as a word
                if (peek(1) == u'(') {
                    command.words << readWord(scope);
                    prefix = false;
                    continue;
                }
                fail(u"unexpected \"%1\""_s.arg(c));
            }
            if (prefix) {
                if (auto assignment = tryAssignment(scope)) {
                    command.assignments << *assignment;
                    continue;
                }
            }
            command.words << readWord(scope);
            prefix = false;
        }
        if (command.words.isEmpty() && command.assignments.isEmpty() && command.redirections.isEmpty())
            fail(u"a command is missing before \"%1\""_s.arg(peekToken()));
        command.length = int(m_pos - command.offset);
        m_result.commands << command;
        queueHereDocuments(m_result.commands.size() - 1);
    }

    std::optional<Assignment> tryAssignment(const Scope &scope)
    {
        qsizetype i = m_pos;
        if (i >= m_text.size() || !isNameStart(m_text[i]))
            return std::nullopt;
        while (i < m_text.size() && isNameChar(m_text[i]))
            ++i;
        // NAME[subscript]=
        if (i < m_text.size() && m_text[i] == u'[') {
            int depth = 0;
            while (i < m_text.size()) {
                if (m_text[i] == u'[')
                    ++depth;
                else if (m_text[i] == u']' && --depth == 0) {
                    ++i;
                    break;
                }
                ++i;
            }
        }
        bool append = false;
        if (i < m_text.size() && m_text[i] == u'+' && i + 1 < m_text.size() && m_text[i + 1] == u'=') {
            append = true;
            ++i;
        }
        if (i >= m_text.size() || m_text[i] != u'=')
            return std::nullopt;
        Assignment assignment;
        assignment.name = m_text.mid(m_pos, i - m_pos - (append ? 1 : 0)).section(u'[', 0, 0);
        assignment.append = append;
        const qsizetype subscriptStart = m_text.indexOf(u'[', m_pos);
        if (subscriptStart >= 0 && subscriptStart < i) {
            const QString subscript = m_text.mid(subscriptStart, i - subscriptStart);
            // A subscript is arithmetic that can run commands; this parser does not follow them.
            if (subscript.contains(u'$') || subscript.contains(u'`'))
                fail(u"expansions in an array subscript are not supported"_s);
            m_result.arithmetic << subscript;
        }
        m_pos = i + 1;
        if (peek() == u'(') {
            // NAME=(a b c)
            assignment.isArray = true;
            const qsizetype start = m_pos;
            ++m_pos;
            QStringList items;
            while (true) {
                skipBlanks();
                if (peek() == u'\n') {
                    consumeNewline();
                    continue;
                }
                if (atEnd())
                    failAt(u"the array is not closed with \")\""_s, start);
                if (peek() == u')') {
                    ++m_pos;
                    break;
                }
                const Word item = readWord(scope);
                items << item.text;
                assignment.value.features |= item.features;
            }
            assignment.value.raw = m_text.mid(start, m_pos - start);
            assignment.value.text = items.join(u' ');
            assignment.value.offset = int(start);
            return assignment;
        }
        if (atEnd() || isMeta(peek())) {
            assignment.value.offset = int(m_pos);
            return assignment; // NAME=
        }
        assignment.value = readWord(scope, false, true);
        return assignment;
    }

    // Reads a redirection at the current position into @p command; false if there is none.
    bool tryRedirection(SimpleCommand &command, const Scope &scope)
    {
        qsizetype i = m_pos;
        int fd = -1;
        // {var}> is bash's descriptor allocation: not supported, fail closed.
        if (peek() == u'{') {
            qsizetype j = i + 1;
            while (j < m_text.size() && isNameChar(m_text[j]))
                ++j;
            if (j > i + 1 && j < m_text.size() && m_text[j] == u'}' && j + 1 < m_text.size()
                && (m_text[j + 1] == u'>' || m_text[j + 1] == u'<'))
                fail(u"{name}> redirections are not supported"_s);
        }
        while (i < m_text.size() && m_text[i].isDigit() && m_text[i].unicode() < 0x80)
            ++i;
        if (i > m_pos) {
            if (i >= m_text.size() || (m_text[i] != u'<' && m_text[i] != u'>'))
                return false;
            fd = m_text.mid(m_pos, i - m_pos).toInt();
        }
        static const QStringView operators[] = {u"&>>", u"<<<", u"<<-", u"&>", u">>", u">|", u"<>", u"<<", u">&", u"<&", u">", u"<"};
        QString op;
        for (QStringView candidate : operators) {
            if (QStringView(m_text).mid(i).startsWith(candidate)) {
                op = candidate.toString();
                break;
            }
        }
        if (op.isEmpty())
            return false;
        if (fd >= 0 && op.startsWith(u'&'))
            return false;
        // "<(" and ">(" are process substitutions, not redirections.
        if ((op == u"<"_s || op == u">"_s) && i + 1 < m_text.size() && m_text[i + 1] == u'(' && fd < 0)
            return false;
        m_pos = i + op.size();
        skipBlanks();
        if (atEnd() || peek() == u'\n' || (isMeta(peek()) && !((peek() == u'<' || peek() == u'>') && peek(1) == u'(')))
            fail(u"the redirection %1 has no target"_s.arg(op));
        Redirection redirection;
        redirection.fd = fd;
        redirection.op = op;
        const bool hereDocument = op == u"<<"_s || op == u"<<-"_s;
        redirection.target = readWord(scope);
        if (hereDocument) {
            m_result.constructs |= static_cast<std::uint32_t>(Construct::HereDocument);
            redirection.hereDocumentExpands = !(redirection.target.has(WordFeature::Quoted)
                                                || redirection.target.has(WordFeature::AnsiCQuote));
        }
        command.redirections << redirection;
        return true;
    }

    void queueHereDocuments(qsizetype commandIndex)
    {
        const SimpleCommand &command = m_result.commands[commandIndex];
        for (qsizetype r = 0; r < command.redirections.size(); ++r) {
            const Redirection &redirection = command.redirections[r];
            if (redirection.op == u"<<"_s || redirection.op == u"<<-"_s)
                m_pending << PendingHereDocument{commandIndex, r, redirection.target.text, redirection.op == u"<<-"_s,
                                                 redirection.hereDocumentExpands,
                                                 Scope{command.context, command.nesting, command.inFunctionBody}};
        }
    }

    void readHereDocuments()
    {
        while (!m_pending.isEmpty()) {
            const PendingHereDocument doc = m_pending.takeFirst();
            QString body;
            const qsizetype bodyStart = m_pos;
            bool closed = false;
            while (!atEnd()) {
                qsizetype end = m_text.indexOf(u'\n', m_pos);
                if (end < 0)
                    end = m_text.size();
                QString line = m_text.mid(m_pos, end - m_pos);
                m_pos = end < m_text.size() ? end + 1 : end;
                if (doc.stripTabs)
                    while (line.startsWith(u'\t'))
                        line.remove(0, 1);
                if (line == doc.delimiter) {
                    closed = true;
                    break;
                }
                body += line + u'\n';
            }
            if (!closed)
                failAt(u"the here-document \"%1\" is not ended by its delimiter line"_s.arg(doc.delimiter), bodyStart);
            m_result.commands[doc.commandIndex].redirections[doc.redirectionIndex].hereDocument = body;
            if (doc.expands)
                scanForSubstitutions(body, bodyStart, doc.scope);
        }
    }

    // Parses the substitutions in text that the shell expands like a double-quoted string
    // (here-document bodies).
    void scanForSubstitutions(const QString &text, qsizetype baseOffset, const Scope &scope)
    {
        Parser sub(text);
        sub.m_depth = m_depth;
        Word word;
        QString value;
        while (!sub.atEnd()) {
            const QChar c = sub.peek();
            if (c == u'\\') {
                sub.m_pos += 2;
            } else if (c == u'$' || c == u'`') {
                sub.readDollarOrBacktick(word, value, scope);
            } else {
                ++sub.m_pos;
            }
        }
        for (SimpleCommand command : std::as_const(sub.m_result.commands)) {
            command.offset += int(baseOffset);
            m_result.commands << command;
        }
        m_result.constructs |= sub.m_result.constructs;
        m_result.arithmetic << sub.m_result.arithmetic;
    }

    // ------------------------------------------------------------------ words
    // Reads one word. @p pattern: a case pattern or [[ ]] operand ('|' and ')' end it there, and
    // '(' is allowed inside). @p assignmentValue: after NAME=, where ~ after ':' also expands.
    Word readWord(const Scope &scope, bool pattern = false, bool assignmentValue = false)
    {
        enter();
        Word word;
        word.offset = int(m_pos);
        const qsizetype start = m_pos;
        QString text;
        // Process substitution as a whole word.
        if ((peek() == u'<' || peek() == u'>') && peek(1) == u'(') {
            const bool in = peek() == u'<';
            m_pos += 2;
            Scope s = inner(scope);
            s.context = CommandContext::ProcessSubstitution;
            parseList(s, {});
            skipNewlines(scope);
            if (peek() != u')')
                fail(u"the process substitution %1( is not closed"_s.arg(in ? u'<' : u'>'));
            ++m_pos;
            set(word, WordFeature::ProcessSubstitution);
            word.raw = m_text.mid(start, m_pos - start);
            word.text = word.raw;
            leave();
            return word;
        }
        bool first = true;
        while (!atEnd()) {
            const QChar c = peek();
            if (c == u'\\' && peek(1) == u'\n') {
                m_pos += 2;
                continue;
            }
            if (pattern && (c == u'|' || c == u')'))
                break;
            if (pattern && c == u'(') {
                text += c;
                ++m_pos;
                continue;
            }
            if (isMeta(c))
                break;
            if (c == u'~' && (first || (assignmentValue && (text.endsWith(u':') || text.endsWith(u'='))))) {
                set(word, WordFeature::Tilde);
                text += c;
                ++m_pos;
                first = false;
                continue;
            }
            if (c == u'{' && !pattern) {
                // brace expansion: {a,b} or {1..3} with no space inside
                qsizetype j = m_pos + 1;
                int depth = 1;
                bool comma = false;
                while (j < m_text.size() && depth > 0 && !isMeta(m_text[j])) {
                    if (m_text[j] == u'{')
                        ++depth;
                    else if (m_text[j] == u'}')
                        --depth;
                    else if (m_text[j] == u',' && depth == 1)
                        comma = true;
                    else if (m_text[j] == u'.' && j + 1 < m_text.size() && m_text[j + 1] == u'.' && depth == 1)
                        comma = true;
                    ++j;
                }
                if (depth == 0 && comma)
                    set(word, WordFeature::BraceExpansion);
            }
            readWordPart(word, text, scope, true);
            first = false;
        }
        if (m_pos == start)
            fail(u"a word is missing"_s);
        word.raw = m_text.mid(start, m_pos - start);
        word.text = text;
        leave();
        return word;
    }

    // One piece of a word: a quoted string, an escape, an expansion, or one plain character.
    void readWordPart(Word &word, QString &text, const Scope &scope, bool unquotedGlobs)
    {
        const QChar c = peek();
        if (c == u'\'') {
            const qsizetype start = m_pos;
            const qsizetype end = m_text.indexOf(u'\'', m_pos + 1);
            if (end < 0)
                failAt(u"a single quote is not closed"_s, start);
            text += m_text.mid(m_pos + 1, end - m_pos - 1);
            m_pos = end + 1;
            set(word, WordFeature::Quoted);
        } else if (c == u'"') {
            readDoubleQuoted(word, text, scope);
        } else if (c == u'\\') {
            if (m_pos + 1 >= m_text.size()) {
                ++m_pos; // a trailing backslash is literal
                text += u'\\';
                return;
            }
            text += m_text[m_pos + 1];
            m_pos += 2;
            set(word, WordFeature::Quoted);
        } else if (c == u'$' && peek(1) == u'\'') {
            readAnsiC(word, text);
        } else if (c == u'$' && peek(1) == u'"') {
            ++m_pos;
            set(word, WordFeature::LocaleQuote);
            readDoubleQuoted(word, text, scope);
        } else if (c == u'$' || c == u'`') {
            readDollarOrBacktick(word, text, scope);
        } else if (isPlainRunChar(c)) {
            // A run of ordinary characters is appended at once.
            const qsizetype start = m_pos;
            while (m_pos < m_text.size() && isPlainRunChar(m_text[m_pos]))
                ++m_pos;
            text += QStringView(m_text).mid(start, m_pos - start);
        } else {
            if (unquotedGlobs && (c == u'*' || c == u'?'))
                set(word, WordFeature::Glob);
            if (unquotedGlobs && c == u'[') {
                const qsizetype close = m_text.indexOf(u']', m_pos + 1);
                if (close > m_pos + 1) {
                    bool metaInside = false;
                    for (qsizetype j = m_pos + 1; j < close; ++j)
                        if (isMeta(m_text[j]))
                            metaInside = true;
                    if (!metaInside)
                        set(word, WordFeature::Glob);
                }
            }
            text += c;
            ++m_pos;
        }
    }

    void readDoubleQuoted(Word &word, QString &text, const Scope &scope)
    {
        const qsizetype start = m_pos;
        ++m_pos; // "
        set(word, WordFeature::Quoted);
        while (true) {
            if (atEnd())
                failAt(u"a double quote is not closed"_s, start);
            const QChar c = peek();
            if (c == u'"') {
                ++m_pos;
                return;
            }
            if (c == u'\\') {
                const QChar next = peek(1);
                if (next == u'$' || next == u'`' || next == u'"' || next == u'\\') {
                    text += next;
                    m_pos += 2;
                } else if (next == u'\n') {
                    m_pos += 2;
                } else {
                    text += c;
                    ++m_pos;
                }
                continue;
            }
            if (c == u'$' && (peek(1) == u'(' || peek(1) == u'{' || isNameStart(peek(1)) || peek(1).isDigit()
                              || QStringView(u"@*#?-$!").contains(peek(1)))) {
                readDollarOrBacktick(word, text, scope);
                continue;
            }
            if (c == u'`') {
                readDollarOrBacktick(word, text, scope);
                continue;
            }
            text += c;
            ++m_pos;
        }
    }

    void readAnsiC(Word &word, QString &text)
    {
        const qsizetype start = m_pos;
        m_pos += 2; // $'
        set(word, WordFeature::AnsiCQuote);
        set(word, WordFeature::Quoted);
        while (true) {
            if (atEnd())
                failAt(u"a $'...' quote is not closed"_s, start);
            const QChar c = peek();
            if (c == u'\'') {
                ++m_pos;
                return;
            }
            if (c != u'\\') {
                text += c;
                ++m_pos;
                continue;
            }
            const QChar e = peek(1);
            m_pos += 2;
            const auto hexDigits = [this](int maxDigits) {
                uint value = 0;
                int count = 0;
                while (count < maxDigits && !atEnd()) {
                    const qsizetype digit = QStringView(u"0123456789abcdef").indexOf(peek().toLower());
                    if (digit < 0)
                        break;
                    value = value * 16 + uint(digit);
                    ++m_pos;
                    ++count;
                }
                return std::pair{value, count};
            };
            switch (e.unicode()) {
            case u'a': text += QChar(0x07); break;
            case u'b': text += QChar(0x08); break;
            case u'e': case u'E': text += QChar(0x1b); break;
            case u'f': text += QChar(0x0c); break;
            case u'n': text += u'\n'; break;
            case u'r': text += u'\r'; break;
            case u't': text += u'\t'; break;
            case u'v': text += QChar(0x0b); break;
            case u'\\': text += u'\\'; break;
            case u'\'': text += u'\''; break;
            case u'"': text += u'"'; break;
            case u'?': text += u'?'; break;
            case u'x': {
                const auto [value, count] = hexDigits(2);
                if (count == 0)
                    text += u"\\x"_s;
                else
                    text += QChar(char16_t(value));
                break;
            }
            case u'u':
            case u'U': {
                const auto [value, count] = hexDigits(e == u'u' ? 4 : 8);
                if (count == 0) {
                    text += u'\\';
                    text += e;
                } else if (value > 0x10FFFF) {
                    fail(u"a $'\\U' escape is out of range"_s);
                } else {
                    text += QString::fromUcs4(reinterpret_cast<const char32_t *>(&value), 1);
                }
                break;
            }
            case u'c': {
                if (atEnd())
                    fail(u"a $'\\c' escape is incomplete"_s);
                text += QChar(char16_t(peek().toUpper().unicode() & 0x1f));
                ++m_pos;
                break;
            }
            default:
                if (e >= u'0' && e <= u'7') {
                    uint value = uint(e.unicode() - u'0');
                    for (int k = 0; k < 2 && peek() >= u'0' && peek() <= u'7'; ++k) {
                        value = value * 8 + uint(peek().unicode() - u'0');
                        ++m_pos;
                    }
                    text += QChar(char16_t(value & 0xff));
                } else {
                    text += u'\\';
                    if (!e.isNull())
                        text += e;
                }
            }
        }
    }

    // $name, ${...}, $(...), $((...)), `...` at the current position. Their source text goes
    // into @p text, since their value is known only when running.
    void readDollarOrBacktick(Word &word, QString &text, const Scope &scope)
    {
        const qsizetype start = m_pos;
        const QChar c = peek();
        if (c == u'`') {
            readBackticks(word, scope);
        } else if (peek(1) == u'(' && peek(2) == u'(') {
            m_pos += 1;
            set(word, WordFeature::ArithmeticExpansion);
            parseArithmeticText();
        } else if (peek(1) == u'(') {
            m_pos += 2;
            set(word, WordFeature::CommandSubstitution);
            Scope s = inner(scope);
            s.context = CommandContext::CommandSubstitution;
            parseList(s, {});
            skipNewlines(scope);
            if (peek() != u')')
                failAt(u"a $( substitution is not closed"_s, start);
            ++m_pos;
        } else if (peek(1) == u'{') {
            readBraceExpansion(word, scope);
        } else if (isNameStart(peek(1))) {
            ++m_pos;
            while (!atEnd() && isNameChar(peek()))
                ++m_pos;
            set(word, WordFeature::ParameterExpansion);
        } else if (peek(1).isDigit() || (!peek(1).isNull() && QStringView(u"@*#?-$!").contains(peek(1)))) {
            m_pos += 2;
            set(word, WordFeature::ParameterExpansion);
        } else {
            ++m_pos; // a lone $ is literal
            text += u'$';
            return;
        }
        text += m_text.mid(start, m_pos - start);
    }

    void readBraceExpansion(Word &word, const Scope &scope)
    {
        const qsizetype start = m_pos;
        m_pos += 2; // ${
        set(word, WordFeature::ParameterExpansion);
        if (peek() == u'}')
            fail(u"${} is a bad substitution"_s);
        Word inside;
        QString ignored;
        while (true) {
            if (atEnd())
                failAt(u"a ${ expansion is not closed"_s, start);
            const QChar c = peek();
            if (c == u'}') {
                ++m_pos;
                break;
            }
            if (c == u'\'' || c == u'"' || c == u'\\' || c == u'$' || c == u'`') {
                readWordPart(inside, ignored, scope, false);
                continue;
            }
            ++m_pos;
        }
        word.features |= inside.features & (static_cast<std::uint32_t>(WordFeature::CommandSubstitution)
                                             | static_cast<std::uint32_t>(WordFeature::ArithmeticExpansion));
        const QString body = m_text.mid(start + 2, m_pos - start - 3);
        // Array subscripts are arithmetic, which can run code through substitutions.
        if (body.contains(u'['))
            m_result.arithmetic << body;
    }

    void readBackticks(Word &word, const Scope &scope)
    {
        const qsizetype start = m_pos;
        ++m_pos;
        // The inner command: up to the next unescaped backtick, with \` \\ \$ unescaped.
        QString inner;
        while (true) {
            if (atEnd())
                failAt(u"a backtick substitution is not closed"_s, start);
            const QChar c = peek();
            if (c == u'`') {
                ++m_pos;
                break;
            }
            if (c == u'\\' && (peek(1) == u'`' || peek(1) == u'\\' || peek(1) == u'$')) {
                inner += peek(1);
                m_pos += 2;
                continue;
            }
            inner += c;
            ++m_pos;
        }
        set(word, WordFeature::CommandSubstitution);
        Parser sub(inner);
        sub.m_depth = m_depth;
        Scope s = inner_(scope);
        s.context = CommandContext::CommandSubstitution;
        sub.parseList(s, {});
        sub.skipSeparatorsAndNewlines(s);
        if (!sub.atEnd())
            failAt(u"unexpected \"%1\" in a backtick substitution"_s.arg(sub.peekToken()), start);
        if (!sub.m_pending.isEmpty())
            failAt(u"a here-document in a backtick substitution has no body"_s, start);
        for (SimpleCommand command : std::as_const(sub.m_result.commands)) {
            command.offset += int(start + 1);
            m_result.commands << command;
        }
        m_result.constructs |= sub.m_result.constructs;
        m_result.arithmetic << sub.m_result.arithmetic;
    }

    Scope inner_(const Scope &scope) const { return inner(scope); }

    const QString &m_text;
    qsizetype m_pos = 0;
    int m_depth = 0;
    ParseResult m_result;
    QList<PendingHereDocument> m_pending;
};

} // namespace

ParseResult parse(const QString &text)
{
    // Backtick bodies and here-documents are parsed by nested parsers that throw too; the
    // exception never leaves this function.
    return Parser(text).run();
}

} // namespace gatehouse::shell
