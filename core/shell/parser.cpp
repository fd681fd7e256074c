// SPDX-License-Identifier: GPL-3.0-or-later
// A recursive-descent parser for the shell language agents write: POSIX sh plus bash's
// extensions. It produces every simple command wherever it sits, and fails closed: anything it
// does not understand ends the parse with an error and an offset, never with a guess.
#include "shell/parser_p.h"
#include "shell/syntax.h"

#include <QStringView>

#include <algorithm>
#include <utility>

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

namespace detail {

Parser::Parser(const QString &text)
    : m_text(text)
{
}

ParseResult Parser::run()
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

void Parser::enter()
{
    if (++m_depth > maxDepth)
        fail(u"the command nests more than %1 levels deep"_s.arg(maxDepth));
}

void Parser::skipBlanks()
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

QString Parser::peekToken()
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

void Parser::consumeNewline()
{
    ++m_pos; // the '\n'
    readHereDocuments();
}

void Parser::skipNewlines(const Scope &)
{
    while (true) {
        skipBlanks();
        if (peek() == u'\n')
            consumeNewline();
        else
            break;
    }
}

void Parser::skipSeparatorsAndNewlines(const Scope &scope)
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

bool Parser::atReserved(QStringView word)
{
    skipBlanks();
    if (!lookingAt(word))
        return false;
    const QChar after = peek(word.size());
    return after.isNull() || isMeta(after);
}

QStringView Parser::currentToken()
{
    skipBlanks();
    qsizetype end = m_pos;
    while (end < m_text.size() && !isMeta(m_text[end]))
        ++end;
    return QStringView(m_text).mid(m_pos, end - m_pos);
}

bool Parser::isReservedWord(QStringView token)
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

bool Parser::atAnyReserved(std::initializer_list<const char16_t *> words)
{
    for (const char16_t *word : words)
        if (atReserved(QStringView(word)))
            return true;
    return false;
}

void Parser::expectReserved(QStringView word, const char *context)
{
    if (!atReserved(word))
        fail(u"expected \"%1\" %2, found \"%3\""_s.arg(word.toString(), QString::fromLatin1(context), peekToken()));
    m_pos += word.size();
}

bool Parser::parseList(const Scope &scope, std::initializer_list<const char16_t *> stopWords, bool topLevel)
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
        const qsizetype firstArithmetic = m_result.arithmetic.size();
        parseAndOr(scope);
        any = true;
        skipBlanks();
        if (peek() == u'&' && peek(1) != u'&' && peek(1) != u'>') {
            ++m_pos;
            m_result.constructs |= static_cast<std::uint32_t>(Construct::Background);
            for (qsizetype i = first; i < m_result.commands.size(); ++i)
                m_result.commands[i].background = true;
            markArithmetic(firstArithmetic, false, true);
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

void Parser::parseAndOr(const Scope &scope)
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

void Parser::parsePipeline(const Scope &scope)
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
    const qsizetype firstArithmetic = m_result.arithmetic.size();
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
        markArithmetic(firstArithmetic, true, false);
    }
    if (negated)
        for (qsizetype i = first; i < m_result.commands.size(); ++i)
            m_result.commands[i].negated = true;
}

void Parser::parseCommand(const Scope &scope)
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
        parseArithmeticCommand(scope);
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
        if (!named) {
            m_pos = save;
        } else {
            // The coprocess's file descriptors go into the array NAME.
            VariableBinding binding;
            binding.how = VariableBinding::How::Coprocess;
            binding.name = m_text.mid(save, end - save);
            binding.offset = int(save);
            binding.nesting = scope.nesting;
            binding.scopeEnd = int(m_text.size());
            m_result.bindings << binding;
        }
        parseCommand(inner(scope));
    } else if (atAnyReserved({u"then", u"elif", u"else", u"fi", u"do", u"done", u"esac", u"}", u"in"})) {
        fail(u"unexpected \"%1\""_s.arg(peekToken()));
    } else {
        parseSimpleCommand(scope);
    }
    leave();
}

void Parser::parseFunctionBody(const Scope &scope)
{
    m_result.constructs |= static_cast<std::uint32_t>(Construct::FunctionDefinition);
    skipNewlines(scope);
    Scope body = inner(scope);
    body.inFunction = true;
    if (!(atReserved(u"{") || peek() == u'(' || atAnyReserved({u"if", u"for", u"while", u"until", u"case", u"[["})))
        fail(u"a function body must be a compound command"_s);
    parseCommand(body);
}

void Parser::parseTrailingRedirections(const Scope &scope)
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

void Parser::parseIf(const Scope &scope)
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

void Parser::parseFor(const Scope &scope, QStringView keyword)
{
    m_result.constructs |= static_cast<std::uint32_t>(keyword == u"for" ? Construct::For : Construct::Select);
    m_pos += keyword.size();
    skipBlanks();
    const Scope s = inner(scope);
    qsizetype header = -1;
    qsizetype loopVariable = -1;
    if (keyword == u"for" && lookingAt(u"((")) {
        header = parseArithmeticText(scope, true); // for ((i=0; i<n; i++))
        skipBlanks();
        if (peek() == u';')
            ++m_pos;
    } else {
        const qsizetype nameStart = m_pos;
        while (!atEnd() && isNameChar(peek()))
            ++m_pos;
        if (m_pos == nameStart || !isNameStart(m_text[nameStart]))
            fail(u"\"%1\" needs a variable name"_s.arg(keyword.toString()));
        VariableBinding variable;
        variable.how = keyword == u"for" ? VariableBinding::How::For : VariableBinding::How::Select;
        variable.name = m_text.mid(nameStart, m_pos - nameStart);
        variable.offset = int(nameStart);
        variable.nesting = scope.nesting;
        skipNewlines(scope);
        if (atReserved(u"in")) {
            m_pos += 2;
            variable.hasList = true;
            // The words of the list (their substitutions are parsed as they are read).
            while (true) {
                skipBlanks();
                if (atEnd() || peek() == u';' || peek() == u'\n')
                    break;
                variable.words << readWord(s);
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
        loopVariable = m_result.bindings.size();
        m_result.bindings << variable;
    }
    skipNewlines(scope);
    expectReserved(u"do", "in the loop");
    parseList(s, {u"done"});
    expectReserved(u"done", "to end the loop");
    if (header >= 0)
        m_result.arithmetic[header].scopeEnd = int(m_pos);
    if (loopVariable >= 0)
        m_result.bindings[loopVariable].scopeEnd = int(m_pos);
    parseTrailingRedirections(scope);
}

void Parser::parseCase(const Scope &scope)
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

void Parser::parseConditional(const Scope &scope)
{
    m_result.constructs |= static_cast<std::uint32_t>(Construct::ConditionalCommand);
    const qsizetype start = m_pos;
    m_pos += 2;
    const Scope s = inner(scope);
    QList<Word> words;
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
        words << readWord(s, true);
    }
    // The operands of arithmetic comparisons are evaluated as arithmetic, and -v evaluates the
    // subscript of the name it tests.
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString &op = words[i].raw;
        if (op == u"-eq"_s || op == u"-ne"_s || op == u"-lt"_s || op == u"-le"_s || op == u"-gt"_s || op == u"-ge"_s) {
            if (i > 0)
                recordArithmetic(Arithmetic::Kind::Operand, words[i - 1].raw, words[i - 1].offset, s);
            if (i + 1 < words.size())
                recordArithmetic(Arithmetic::Kind::Operand, words[i + 1].raw, words[i + 1].offset, s);
        } else if (op == u"-v"_s && i + 1 < words.size()) {
            const Word &operand = words[i + 1];
            recordArithmetic(Arithmetic::Kind::VariableTest, operand.isStatic() ? operand.text : operand.raw, operand.offset, s);
        }
    }
}

void Parser::parseArithmeticCommand(const Scope &scope)
{
    m_result.constructs |= static_cast<std::uint32_t>(Construct::ArithmeticCommand);
    parseArithmeticText(scope, true);
}

qsizetype Parser::recordArithmetic(Arithmetic::Kind kind, const QString &text, qsizetype offset, const Scope &scope)
{
    Arithmetic arithmetic;
    arithmetic.kind = kind;
    arithmetic.text = text;
    arithmetic.offset = int(offset);
    arithmetic.nesting = scope.nesting;
    m_result.arithmetic << arithmetic;
    return m_result.arithmetic.size() - 1;
}

void Parser::markArithmetic(qsizetype first, bool pipeline, bool background)
{
    for (qsizetype i = first; i < m_result.arithmetic.size(); ++i) {
        m_result.arithmetic[i].inPipeline |= pipeline;
        m_result.arithmetic[i].background |= background;
    }
}

qsizetype Parser::skipArithmeticBody(const Scope &scope, QChar open, QChar close, qsizetype start, const QString &unclosed)
{
    const qsizetype bodyStart = m_pos;
    int depth = 0;
    Word scratch;
    while (true) {
        if (atEnd())
            failAt(unclosed, start);
        const QChar c = peek();
        if (c == open) {
            ++depth;
            ++m_pos;
        } else if (c == close) {
            if (depth == 0)
                return bodyStart;
            --depth;
            ++m_pos;
        } else if (c == u'$' || c == u'`' || c == u'"' || c == u'\'' || c == u'\\') {
            QString ignored;
            readWordPart(scratch, ignored, inner(scope), false);
        } else {
            ++m_pos;
        }
    }
}

qsizetype Parser::parseArithmeticText(const Scope &scope, bool fromCommand)
{
    const qsizetype start = m_pos;
    m_pos += 2; // ((
    const QString unclosed = u"\"((\" is not closed with \"))\""_s;
    const qsizetype bodyStart = skipArithmeticBody(scope, u'(', u')', start, unclosed);
    if (peek(1) != u')')
        fail(unclosed);
    // Recorded after what is nested in it, like commands.
    const qsizetype index = recordArithmetic(Arithmetic::Kind::Expression, m_text.mid(bodyStart, m_pos - bodyStart), start, scope);
    m_result.arithmetic[index].fromCommand = fromCommand;
    m_pos += 2;
    return index;
}

void Parser::parseBracketArithmetic(const Scope &scope)
{
    const qsizetype start = m_pos;
    m_pos += 2; // $[
    const qsizetype bodyStart = skipArithmeticBody(scope, u'[', u']', start, u"\"$[\" is not closed with \"]\""_s);
    recordArithmetic(Arithmetic::Kind::Expression, m_text.mid(bodyStart, m_pos - bodyStart), start, scope);
    ++m_pos;
}

void Parser::parseSimpleCommand(const Scope &scope)
{
    SimpleCommand command;
    command.context = scope.context;
    command.nesting = scope.nesting;
    command.inFunctionBody = scope.inFunction;
    command.offset = int(m_pos);
    command.words.reserve(8);
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
    m_result.commands.append(std::move(command));
    queueHereDocuments(m_result.commands.size() - 1);
}

} // namespace detail

ParseResult parse(const QString &text)
{
    // Backtick bodies and here-documents are parsed by nested parsers that throw too; the
    // exception never leaves this function.
    return detail::Parser(text).run();
}

} // namespace gatehouse::shell
