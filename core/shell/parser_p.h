// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The shell parser's internals, shared by parser.cpp (lists, commands, compound commands,
// here-documents) and parserwords.cpp (words, quoting and expansions). Not a public header.

#include "shell/syntax.h"

#include <QStringView>

#include <initializer_list>
#include <optional>

namespace gatehouse::shell::detail {

using namespace Qt::StringLiterals;

inline constexpr int maxDepth = 200;

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

inline bool isBlank(QChar c) { return c == u' ' || c == u'\t'; }

inline bool isMeta(QChar c)
{
    return c == u' ' || c == u'\t' || c == u'\n' || c == u';' || c == u'&' || c == u'|' || c == u'<' || c == u'>'
           || c == u'(' || c == u')';
}

// Characters that mean nothing special inside a word (letters, digits, and . / - _ , : = + @ %).
inline bool isPlainRunChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') || u == u'.' || u == u'/'
           || u == u'-' || u == u'_' || u == u',' || u == u':' || u == u'=' || u == u'+' || u == u'@' || u == u'%';
}

inline bool isNameStart(QChar c) { return (c.unicode() < 0x80) && (c.isLetter() || c == u'_'); }
inline bool isNameChar(QChar c) { return (c.unicode() < 0x80) && (c.isLetterOrNumber() || c == u'_'); }

inline void set(Word &word, WordFeature feature) { word.features |= static_cast<std::uint32_t>(feature); }

class Parser
{
public:
    explicit Parser(const QString &text);

    ParseResult run();

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

    void enter();
    void leave() { --m_depth; }

    // Spaces, tabs, line continuations and comments (not newlines).
    void skipBlanks();

    QString peekToken();

    // Consumes one newline and reads the bodies of here-documents that were waiting for it.
    void consumeNewline();

    void skipNewlines(const Scope &);

    void skipSeparatorsAndNewlines(const Scope &scope);

    // The reserved word at the current position, if the next token is exactly it.
    bool atReserved(QStringView word);

    // The characters up to the next metacharacter (the token a reserved word would be).
    QStringView currentToken();

    static bool isReservedWord(QStringView token);

    bool atAnyReserved(std::initializer_list<const char16_t *> words);

    void expectReserved(QStringView word, const char *context);

    // ------------------------------------------------------------------ lists
    // Parses commands until a stop word or token (not consumed). Returns whether anything was parsed.
    bool parseList(const Scope &scope, std::initializer_list<const char16_t *> stopWords, bool topLevel = false);

    void parseAndOr(const Scope &scope);

    void parsePipeline(const Scope &scope);

    // ------------------------------------------------------------------ commands
    Scope inner(const Scope &scope) const
    {
        Scope s = scope;
        ++s.nesting;
        return s;
    }

    void parseCommand(const Scope &scope);

    void parseFunctionBody(const Scope &scope);

    void parseTrailingRedirections(const Scope &scope);

    void parseIf(const Scope &scope);

    void parseFor(const Scope &scope, QStringView keyword);

    void parseCase(const Scope &scope);

    void parseConditional(const Scope &scope);

    void parseArithmeticCommand(const Scope &scope);

    // "((" ... "))" at the current position; substitutions inside are parsed. Returns the index
    // of its entry in m_result.arithmetic.
    qsizetype parseArithmeticText(const Scope &scope, bool fromCommand);

    // "$[" ... "]" (bash's old form of $((...))) at the current position.
    void parseBracketArithmetic(const Scope &scope);
    // Reads an arithmetic body (nested brackets, substitutions, quotes) up to the @p close that
    // ends it, where m_pos stops; returns where the body started.
    qsizetype skipArithmeticBody(const Scope &scope, QChar open, QChar close, qsizetype start, const QString &unclosed);

    qsizetype recordArithmetic(Arithmetic::Kind kind, const QString &text, qsizetype offset, const Scope &scope);

    // The arithmetic and transformations inside the braces of ${...}: subscripts, substring
    // offsets and lengths, ${x@OP}.
    void recordParameterOperators(const QString &body, qsizetype offset, const Scope &scope);

    // Marks what was recorded from index @p first of arithmetic on as part of a pipeline or
    // of a background job.
    void markArithmetic(qsizetype first, bool pipeline, bool background);

    // Appends what a nested parser (backticks, here-documents) recorded, moved by @p offset.
    void mergeNested(const Parser &sub, qsizetype offset);

    // ------------------------------------------------------------------ simple commands
    void parseSimpleCommand(const Scope &scope);

    std::optional<Assignment> tryAssignment(const Scope &scope);

    // Reads a redirection at the current position into @p command; false if there is none.
    bool tryRedirection(SimpleCommand &command, const Scope &scope);

    void queueHereDocuments(qsizetype commandIndex);

    void readHereDocuments();

    // Parses the substitutions in text that the shell expands like a double-quoted string
    // (here-document bodies).
    void scanForSubstitutions(const QString &text, qsizetype baseOffset, const Scope &scope);

    // ------------------------------------------------------------------ words
    // Reads one word. @p pattern: a case pattern or [[ ]] operand ('|' and ')' end it there, and
    // '(' is allowed inside). @p assignmentValue: after NAME=, where ~ after ':' also expands.
    Word readWord(const Scope &scope, bool pattern = false, bool assignmentValue = false);

    // One piece of a word: a quoted string, an escape, an expansion, or one plain character.
    void readWordPart(Word &word, QString &text, const Scope &scope, bool unquotedGlobs);

    void readDoubleQuoted(Word &word, QString &text, const Scope &scope);

    void readAnsiC(Word &word, QString &text);

    // $name, ${...}, $(...), $((...)), `...` at the current position. Their source text goes
    // into @p text, since their value is known only when running.
    void readDollarOrBacktick(Word &word, QString &text, const Scope &scope);

    void readBraceExpansion(Word &word, const Scope &scope);

    void readBackticks(Word &word, const Scope &scope);

    Scope inner_(const Scope &scope) const { return inner(scope); }

    const QString &m_text;
    qsizetype m_pos = 0;
    int m_depth = 0;
    ParseResult m_result;
    QList<PendingHereDocument> m_pending;
};

} // namespace gatehouse::shell::detail
