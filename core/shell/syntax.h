// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>

/// The result of parsing a shell command line: every simple command it can run, however deeply
/// nested, with its words, assignments and redirections, and what about it cannot be known
/// without running it. The policy (core/policy) decides on this; it never looks at the raw text.
namespace gatehouse::shell {

/// What a word contains besides literal text. A word with none of these is static: its value
/// after quote removal (Word::text) is exactly what the program will receive.
enum class WordFeature : std::uint32_t {
    None = 0,
    ParameterExpansion = 1u << 0,      ///< $x, ${x}, ${x:-y}, $1, $@, $#, ...
    CommandSubstitution = 1u << 1,     ///< $(...) or `...`
    ArithmeticExpansion = 1u << 2,     ///< $((...))
    ProcessSubstitution = 1u << 3,     ///< <(...) or >(...) (the whole word)
    Glob = 1u << 4,                    ///< unquoted *, ? or [...] (pathname expansion)
    Tilde = 1u << 5,                   ///< unquoted leading ~ or ~user (text keeps the ~)
    BraceExpansion = 1u << 6,          ///< unquoted {a,b} or {1..3}
    AnsiCQuote = 1u << 7,              ///< $'...' (decoded into text; static)
    LocaleQuote = 1u << 8,             ///< $"..." (treated like "...")
    Quoted = 1u << 9,                  ///< some part was quoted or escaped (static)
};

struct Word
{
    /// The value after quote removal. For parts that are not static, their source text is kept
    /// in place (e.g. "$HOME/x" stays "$HOME/x"), so that a person can read it.
    QString text;
    /// The word as written.
    QString raw;
    std::uint32_t features = 0;
    /// Offset of the word in the parsed text.
    int offset = 0;

    bool has(WordFeature feature) const { return features & static_cast<std::uint32_t>(feature); }
    /// Nothing in it is decided at run time: text is what the program gets.
    bool isStatic() const;
};

struct Assignment
{
    QString name;
    Word value;
    bool append = false; ///< NAME+=value
    bool isArray = false; ///< NAME=(a b c)
};

struct Redirection
{
    /// The file descriptor redirected; -1 when the operator's default applies (0 for <, 1 for >).
    int fd = -1;
    /// {NAME}> and friends: the variable that receives the new descriptor's number (or, with
    /// >&- and <&-, names the descriptor to close); fd is then -1. Empty otherwise.
    QString fdVariable;
    /// One of: < > >> >| <> << <<- <<< >& <& &> &>>
    QString op;
    /// The file name, the fd number (for >& and <&), the here-string, or the here-document delimiter.
    Word target;
    /// The body of a here-document (<< and <<-), after the delimiter line.
    QString hereDocument;
    /// The here-document's delimiter was unquoted, so its body is subject to expansions.
    bool hereDocumentExpands = false;
};

/// Where a simple command sits. A command can be inside several of these at once; the innermost
/// substitution counts for `context`, the rest is in `nesting`.
enum class CommandContext {
    TopLevel,              ///< runs as a command of the line (possibly in a list, pipeline, group, loop...)
    CommandSubstitution,   ///< inside $(...) or `...`: its output becomes part of a word
    ProcessSubstitution,   ///< inside <(...) or >(...)
};

struct SimpleCommand
{
    QList<Assignment> assignments;
    /// The command name and its arguments, as the shell would pass them (before expansions that
    /// are not static). Empty for a command that is only assignments and/or redirections.
    QList<Word> words;
    QList<Redirection> redirections;
    CommandContext context = CommandContext::TopLevel;
    /// How many substitutions, subshells, groups, compound commands or function bodies enclose it.
    int nesting = 0;
    bool inFunctionBody = false;   ///< part of a function definition (runs when the function is called)
    bool inPipeline = false;       ///< part of a pipeline with more than one command
    bool background = false;       ///< ends with &, or is inside a list that does
    bool negated = false;          ///< preceded by !
    /// Where the command starts and ends in the parsed text.
    int offset = 0;
    int length = 0;
};

/// Constructs the parser saw, beyond simple commands, that the policy may care about.
enum class Construct : std::uint32_t {
    None = 0,
    Subshell = 1u << 0,          ///< ( ... )
    BraceGroup = 1u << 1,        ///< { ...; }
    If = 1u << 2,
    For = 1u << 3,               ///< for name in ...; and for ((...))
    While = 1u << 4,             ///< while and until
    Case = 1u << 5,
    FunctionDefinition = 1u << 6,
    ArithmeticCommand = 1u << 7, ///< (( ... ))
    ConditionalCommand = 1u << 8,///< [[ ... ]]
    HereDocument = 1u << 9,
    Background = 1u << 10,       ///< &
    Pipeline = 1u << 11,
    Coprocess = 1u << 12,        ///< coproc
    Select = 1u << 13,
};

/// A place where bash evaluates text as arithmetic. Evaluating a variable there evaluates its
/// value as an expression in turn, and an array subscript in that value runs the command
/// substitutions in it (x='a[$(cmd)]'; echo $((x)) runs cmd), so the policy looks at each one.
struct Arithmetic
{
    enum class Kind {
        Expression,   ///< $((...)), $[...], ((...)), the header of for ((...)): text is the expression
        Subscript,    ///< an array subscript (${a[i]}, a[i]=..., a=([i]=...)): text is what is inside [ ]
        Substring,    ///< ${x:offset:length}: text is "offset:length"
        Operand,      ///< an operand of -eq, -ne, -lt, -le, -gt or -ge inside [[ ]]: text is the word as written
        VariableTest, ///< the operand of -v inside [[ ]] (its subscript is evaluated): its value, or as written when not static
    };
    Kind kind = Kind::Expression;
    QString text;
    /// Where it is in the parsed text, how many constructs enclose it, and whether it sits in a
    /// pipeline or the background (where the variables it sets do not outlive it).
    int offset = 0;
    int nesting = 0;
    bool inPipeline = false;
    bool background = false;
    bool fromCommand = false; ///< a (( )) command or a for (( )) header (not an expansion in a word)
    /// For the header of for ((...)): where the loop ends (what the header sets holds until there).
    int scopeEnd = -1;
};

/// A variable the line sets without an assignment word: the variable of a for or select loop,
/// the NAME of "coproc NAME", ${NAME=value} or ${NAME:=value}, and the NAME of {NAME}>file.
struct VariableBinding
{
    enum class How { For, Select, Coprocess, DefaultValue, Descriptor };
    How how = How::For;
    QString name;
    /// The words after "in" of a loop; hasList is false for "for NAME; do" (which takes "$@").
    QList<Word> words;
    bool hasList = false;
    int offset = 0;
    int nesting = 0;
    int scopeEnd = 0; ///< where the loop ends (the end of the text for the others)
};

struct ParseResult
{
    /// False when the text is not a complete, valid command line as far as this parser knows.
    /// The policy treats that as "ask" at best, never as allowed.
    bool ok = false;
    /// Why not, for a person (e.g. "unterminated double quote at offset 12").
    QString error;
    int errorOffset = -1;
    /// Every simple command, in source order, including those inside substitutions, subshells,
    /// groups, compound commands and function bodies. No cap on the number.
    QList<SimpleCommand> commands;
    std::uint32_t constructs = 0;
    /// Every place the line evaluates arithmetic, in the order the parser met them.
    QList<Arithmetic> arithmetic;
    /// The variables set by loops, coproc and ${NAME=value}.
    QList<VariableBinding> bindings;
    /// Parameter transformations ${x@OP}: the expansion's text inside the braces ("x@P").
    QStringList transformations;

    bool has(Construct construct) const { return constructs & static_cast<std::uint32_t>(construct); }
};

/// Parses @p text as bash would (POSIX sh plus the bash syntax agents write). Never guesses:
/// what it does not understand is reported with ok == false.
ParseResult parse(const QString &text);

} // namespace gatehouse::shell
