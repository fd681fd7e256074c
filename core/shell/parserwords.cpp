// SPDX-License-Identifier: GPL-3.0-or-later
// The shell parser's words: quotes of every kind, escapes, the expansions whose commands it
// parses, assignments, redirections and here-documents (parser.cpp has lists and commands).
#include "shell/parser_p.h"

#include <utility>

namespace gatehouse::shell::detail {

Word Parser::readWord(const Scope &scope, bool pattern, bool assignmentValue)
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
    // Most words are written as they are meant ("git", "src/main.cpp"): then raw shares text.
    const QStringView raw = QStringView(m_text).mid(start, m_pos - start);
    word.text = std::move(text);
    word.raw = raw == word.text ? word.text : raw.toString();
    leave();
    return word;
}

void Parser::readWordPart(Word &word, QString &text, const Scope &scope, bool unquotedGlobs)
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

void Parser::readDoubleQuoted(Word &word, QString &text, const Scope &scope)
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
        if (c == u'$' && (peek(1) == u'(' || peek(1) == u'{' || peek(1) == u'[' || isNameStart(peek(1)) || peek(1).isDigit()
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

void Parser::readAnsiC(Word &word, QString &text)
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

void Parser::readDollarOrBacktick(Word &word, QString &text, const Scope &scope)
{
    const qsizetype start = m_pos;
    const QChar c = peek();
    if (c == u'`') {
        readBackticks(word, scope);
    } else if (peek(1) == u'(' && peek(2) == u'(') {
        m_pos += 1;
        set(word, WordFeature::ArithmeticExpansion);
        parseArithmeticText(scope, false);
    } else if (peek(1) == u'[') {
        set(word, WordFeature::ArithmeticExpansion);
        parseBracketArithmetic(scope);
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

void Parser::readBraceExpansion(Word &word, const Scope &scope)
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
    recordParameterOperators(m_text.mid(start + 2, m_pos - start - 3), start, scope);
}

void Parser::recordParameterOperators(const QString &body, qsizetype offset, const Scope &scope)
{
    qsizetype i = 0;
    const qsizetype n = body.size();
    if (n > 1 && (body[0] == u'#' || body[0] == u'!'))
        ++i; // ${#x} (length), ${!x} (indirection)
    const qsizetype nameStart = i;
    if (i < n && isNameStart(body[i])) {
        while (i < n && isNameChar(body[i]))
            ++i;
    } else if (i < n && body[i].isDigit()) {
        while (i < n && body[i].isDigit())
            ++i;
    } else if (i < n && QStringView(u"@*#?-$!").contains(body[i])) {
        ++i;
    } else {
        return;
    }
    if (i < n && body[i] == u'[') {
        // The subscript, up to its matching ']'.
        int depth = 0;
        qsizetype j = i;
        for (; j < n; ++j) {
            if (body[j] == u'[')
                ++depth;
            else if (body[j] == u']' && --depth == 0)
                break;
        }
        const QString subscript = body.mid(i + 1, j - i - 1);
        if (subscript != u"@"_s && subscript != u"*"_s)
            recordArithmetic(Arithmetic::Kind::Subscript, subscript, offset, scope);
        i = j + 1;
    }
    if (i >= n)
        return;
    if (body[i] == u':' && (i + 1 >= n || !QStringView(u"-=?+").contains(body[i + 1]))) {
        recordArithmetic(Arithmetic::Kind::Substring, body.mid(i + 1), offset, scope);
    } else if (body[i] == u'@' && i + 1 < n) {
        m_result.transformations << body;
    } else if ((body[i] == u'=' || (body[i] == u':' && i + 1 < n && body[i + 1] == u'=')) && isNameStart(body[nameStart])) {
        // ${NAME=value} and ${NAME:=value} set NAME when it is unset (or empty).
        VariableBinding binding;
        binding.how = VariableBinding::How::DefaultValue;
        binding.name = body.mid(nameStart, i - nameStart).section(u'[', 0, 0);
        binding.offset = int(offset);
        binding.nesting = scope.nesting;
        binding.scopeEnd = int(m_text.size());
        m_result.bindings << binding;
    }
}

void Parser::readBackticks(Word &word, const Scope &scope)
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
    mergeNested(sub, start + 1);
}

void Parser::mergeNested(const Parser &sub, qsizetype offset)
{
    for (SimpleCommand command : std::as_const(sub.m_result.commands)) {
        command.offset += int(offset);
        m_result.commands << command;
    }
    m_result.constructs |= sub.m_result.constructs;
    for (Arithmetic arithmetic : std::as_const(sub.m_result.arithmetic)) {
        arithmetic.offset += int(offset);
        if (arithmetic.scopeEnd >= 0)
            arithmetic.scopeEnd += int(offset);
        m_result.arithmetic << arithmetic;
    }
    for (VariableBinding variable : std::as_const(sub.m_result.bindings)) {
        variable.offset += int(offset);
        variable.scopeEnd += int(offset);
        m_result.bindings << variable;
    }
    m_result.transformations << sub.m_result.transformations;
}

std::optional<Assignment> Parser::tryAssignment(const Scope &scope)
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
        // "[i]=" or "[i]+=": what is inside the brackets.
        const qsizetype close = subscript.lastIndexOf(u']');
        recordArithmetic(Arithmetic::Kind::Subscript, subscript.mid(1, close - 1), subscriptStart, scope);
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
            // NAME=([i]=value ...): the subscript is arithmetic too.
            if (item.raw.startsWith(u'[')) {
                const qsizetype close = item.raw.indexOf(u"]="_s);
                recordArithmetic(Arithmetic::Kind::Subscript, close > 0 ? item.raw.mid(1, close - 1) : item.raw,
                                 item.offset, scope);
            }
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

bool Parser::tryRedirection(SimpleCommand &command, const Scope &scope)
{
    qsizetype i = m_pos;
    int fd = -1;
    // {NAME}>file, {NAME}<file, {NAME}>&-: bash opens a new descriptor (or closes the one in
    // NAME) and puts its number into NAME, in the current shell. So it is a redirection like
    // any other plus a variable binding ({PATH}>/dev/null sets PATH to 10). {a[i]}> evaluates
    // the subscript as arithmetic, which can run commands: not supported, fail closed.
    QString fdVariable;
    if (peek() == u'{') {
        qsizetype j = i + 1;
        while (j < m_text.size() && isNameChar(m_text[j]))
            ++j;
        const bool named = j > i + 1 && !m_text[i + 1].isDigit();
        if (named && j < m_text.size() && m_text[j] == u'[') {
            qsizetype close = m_text.indexOf(u"]}"_s, j);
            if (close > 0 && close + 2 < m_text.size() && (m_text[close + 2] == u'>' || m_text[close + 2] == u'<'))
                fail(u"{name[subscript]}> redirections are not supported"_s);
        }
        if (named && j + 1 < m_text.size() && m_text[j] == u'}' && (m_text[j + 1] == u'>' || m_text[j + 1] == u'<')) {
            fdVariable = m_text.mid(i + 1, j - i - 1);
            i = j + 1;
        }
    }
    while (fdVariable.isEmpty() && i < m_text.size() && m_text[i].isDigit() && m_text[i].unicode() < 0x80)
        ++i;
    // Most words are not redirections: only <, > and &> start one.
    if (i >= m_text.size() || (m_text[i] != u'<' && m_text[i] != u'>' && m_text[i] != u'&'))
        return false;
    if (i > m_pos && fdVariable.isEmpty()) {
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
    const qsizetype start = m_pos;
    m_pos = i + op.size();
    skipBlanks();
    if (atEnd() || peek() == u'\n' || (isMeta(peek()) && !((peek() == u'<' || peek() == u'>') && peek(1) == u'(')))
        fail(u"the redirection %1 has no target"_s.arg(op));
    Redirection redirection;
    redirection.fd = fd;
    redirection.fdVariable = fdVariable;
    redirection.op = op;
    if (!fdVariable.isEmpty()) {
        VariableBinding binding;
        binding.how = VariableBinding::How::Descriptor;
        binding.name = fdVariable;
        binding.offset = int(start);
        binding.nesting = scope.nesting;
        binding.scopeEnd = int(m_text.size());
        m_result.bindings << binding;
    }
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

void Parser::queueHereDocuments(qsizetype commandIndex)
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

void Parser::readHereDocuments()
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

void Parser::scanForSubstitutions(const QString &text, qsizetype baseOffset, const Scope &scope)
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
    mergeNested(sub, baseOffset);
}

} // namespace gatehouse::shell::detail
