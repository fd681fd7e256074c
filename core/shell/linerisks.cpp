// SPDX-License-Identifier: GPL-3.0-or-later
// Risks of a command line as a whole (section 4, step 5): arithmetic that evaluates values
// nobody can see, parameter transformations that run code, and the variables that change what
// runs set by other means than an assignment word.
//
// Arithmetic is evaluated in $((...)), $[...], ((...)), for ((...)), array subscripts, the
// offset and length of ${x:offset:length}, the operands of [[ ]]'s -eq and friends, and the
// subscript of the name [[ -v ]] and test -v test. Evaluating a variable there evaluates its
// value as an expression in turn, and an array subscript in that value runs the command
// substitutions in it: x='a[$(touch p)]'; echo $((x)) runs touch. So a variable evaluated there
// must hold a number this line put into it before, at the top level (x=5; echo $((x+1))), or
// in the loop around it (for i in 1 2 3, for ((i=0; ...))); anything else asks.
#include "shell/commands.h"
#include "shell/commandsupport_p.h"

#include <algorithm>
#include <iterator>

namespace gatehouse::shell {

using namespace Qt::StringLiterals;
using namespace detail;

namespace {

Risk risk(const QString &id, const QString &reason) { return Risk{id, reason, true}; }

bool isNameStart(QChar c) { return c.unicode() < 0x80 && (c.isLetter() || c == u'_'); }
bool isNameChar(QChar c) { return c.unicode() < 0x80 && (c.isLetterOrNumber() || c == u'_'); }

// NAME, or NAME[subscript] with @p subscript.
bool isVariableName(QStringView text, bool subscript)
{
    if (text.isEmpty() || !isNameStart(text[0]))
        return false;
    qsizetype i = 0;
    while (i < text.size() && isNameChar(text[i]))
        ++i;
    return i == text.size() || (subscript && text[i] == u'[' && text.endsWith(u']'));
}

bool isInteger(QStringView text)
{
    if (text.startsWith(u'-') || text.startsWith(u'+'))
        text = text.mid(1);
    return isAsciiNumber(text);
}

// A value that is a number: a literal integer, or exactly one $((...)) (whose result is one).
bool isNumericValue(const Word &value)
{
    if (value.isStatic())
        return isInteger(value.text);
    QStringView raw(value.raw);
    if (raw.size() >= 2 && raw.startsWith(u'"') && raw.endsWith(u'"'))
        raw = raw.mid(1, raw.size() - 2);
    if (!raw.startsWith(u"$((") || !raw.endsWith(u"))"))
        return false;
    int depth = 0;
    for (qsizetype i = 1; i < raw.size(); ++i) {
        if (raw[i] == u'(')
            ++depth;
        else if (raw[i] == u')' && --depth == 0)
            return i == raw.size() - 1;
        else if (raw[i] == u'"' || raw[i] == u'\'' || raw[i] == u'`')
            return false;
    }
    return false;
}

bool isSpecialNumber(QStringView name)
{
    static constexpr QStringView names[] = {u"RANDOM", u"SRANDOM", u"SECONDS", u"LINENO", u"BASHPID", u"PPID",
                                            u"UID", u"EUID", u"EPOCHSECONDS", u"OPTIND", u"HISTCMD"};
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

struct NumericWrite
{
    QString name;
    int offset = 0;
    int scopeEnd = -1; ///< -1: holds for the rest of the line
};

// What the line puts into its variables.
struct Knowledge
{
    QStringList notNumeric;        ///< written somewhere with something that may not be a number (a few names)
    QList<NumericWrite> numeric;   ///< numbers written where they hold for what follows

    bool known(QStringView name, int offset) const
    {
        if (notNumeric.contains(name))
            return false;
        if (isSpecialNumber(name))
            return true;
        for (const NumericWrite &write : numeric)
            if (write.name == name && write.offset < offset && (write.scopeEnd < 0 || offset <= write.scopeEnd))
                return true;
        return false;
    }
};

// The first value @p text evaluates as arithmetic that is not known to be a number, for a
// person ("the variable x", "$1"); empty when there is none. Names
// the text assigns unconditionally (before any &&, || or ?) are added to @p assigned.
QString arithmeticProblem(QStringView text, int offset, const Knowledge &knowledge, QStringList *assigned = nullptr)
{
    QStringList local;
    bool conditional = false;
    const qsizetype n = text.size();
    const auto at = [&text, n](qsizetype i) { return i < n ? text[i] : QChar(); };
    const auto isKnown = [&](QStringView name) { return local.contains(name) || knowledge.known(name, offset); };
    const auto unknownVariable = [](QStringView name) { return u"the variable %1"_s.arg(name); };
    qsizetype i = 0;
    while (i < n) {
        const QChar c = text[i];
        if (c == u'$') {
            const QChar next = at(i + 1);
            if (next == u'(' && at(i + 2) == u'(') {
                i += 3; // a nested $((...)): its content is part of this expression
            } else if (next == u'(' || next == u'`') {
                return u"a command substitution"_s;
            } else if (next == u'[') {
                i += 2;
            } else if (next == u'{') {
                qsizetype close = i + 2;
                for (int depth = 1; close < n; ++close) {
                    if (text[close] == u'{')
                        ++depth;
                    else if (text[close] == u'}' && --depth == 0)
                        break;
                }
                const QStringView body = text.mid(i + 2, close - i - 2);
                const bool length = body.size() > 1 && body.startsWith(u'#');
                bool name = !body.isEmpty() && isNameStart(body[0]);
                for (const QChar b : body)
                    name = name && isNameChar(b);
                if (!length && !(body.size() == 1 && QStringView(u"#?$!").contains(body[0]))) {
                    if (!name)
                        return u"${%1}"_s.arg(body);
                    if (!isKnown(body))
                        return unknownVariable(body);
                }
                i = close + 1;
            } else if (QStringView(u"#?$!").contains(next) && !next.isNull()) {
                i += 2;
            } else if (isNameStart(next)) {
                qsizetype end = i + 1;
                while (end < n && isNameChar(text[end]))
                    ++end;
                if (!isKnown(text.mid(i + 1, end - i - 1)))
                    return unknownVariable(text.mid(i + 1, end - i - 1));
                i = end;
            } else if (next.isDigit() || QStringView(u"@*-").contains(next)) {
                return u"$%1"_s.arg(next);
            } else {
                ++i;
            }
        } else if (c == u'`') {
            return u"a command substitution"_s;
        } else if (c >= u'0' && c <= u'9') {
            // 42, 0x2a, 8#52, 64#_@: letters after a digit belong to the number
            ++i;
            while (i < n && (isNameChar(text[i]) || text[i] == u'#' || text[i] == u'@'))
                ++i;
        } else if (isNameStart(c)) {
            qsizetype end = i;
            while (end < n && isNameChar(text[end]))
                ++end;
            const QStringView name = text.mid(i, end - i);
            qsizetype k = end;
            while (k < n && (text[k] == u' ' || text[k] == u'\t' || text[k] == u'\n'))
                ++k;
            if (at(k) == u'=' && at(k + 1) != u'=') {
                // NAME = value: the old value is not evaluated.
                if (!conditional) {
                    local << name.toString();
                    if (assigned)
                        *assigned << name.toString();
                }
                i = k + 1;
                continue;
            }
            if (!isKnown(name))
                return unknownVariable(name);
            i = end;
        } else {
            if ((c == u'&' && at(i + 1) == u'&') || (c == u'|' && at(i + 1) == u'|') || c == u'?')
                conditional = true;
            ++i;
        }
    }
    return {};
}

// The variables an arithmetic text writes, wherever they are in it (conditional or not, in a
// subscript or not): NAME = v, NAME op= v, ++NAME, NAME--, each with or without a subscript.
// ((PATH=0)), $((IFS=1)), let HOME=3, [[ -v 'a[BASH_ENV=1]' ]] and a declare -i variable given
// "PATH=5" all set the variable in bash 5.2.
QStringList arithmeticWrites(QStringView text)
{
    QStringList names;
    const qsizetype n = text.size();
    const auto skipBlanks = [&text, n](qsizetype i, int step) {
        while (i >= 0 && i < n && (text[i] == u' ' || text[i] == u'\t' || text[i] == u'\n'))
            i += step;
        return i;
    };
    const auto isIncrement = [&text, n](qsizetype i) {
        return i >= 0 && i + 1 < n && (text[i] == u'+' || text[i] == u'-') && text[i + 1] == text[i];
    };
    qsizetype i = 0;
    while (i < n) {
        const QChar c = text[i];
        // 42, 0x2a, 64#_@: letters after a digit belong to the number. ASCII digits only: a
        // digit of another script ("߀") is no name character, and the loop must move on.
        if (c >= u'0' && c <= u'9') {
            while (i < n && (isNameChar(text[i]) || text[i] == u'#' || text[i] == u'@'))
                ++i;
            continue;
        }
        if (!isNameStart(c) || (i > 0 && text[i - 1] == u'$')) {
            ++i;
            continue;
        }
        qsizetype end = i;
        while (end < n && isNameChar(text[end]))
            ++end;
        qsizetype k = skipBlanks(end, 1);
        if (k < n && text[k] == u'[') { // skip the subscript (scanned on its own as the loop goes on)
            for (int depth = 0; k < n; ++k) {
                if (text[k] == u'[')
                    ++depth;
                else if (text[k] == u']' && --depth == 0)
                    break;
            }
            k = skipBlanks(k + 1, 1);
        }
        static constexpr QStringView compound[] = {u"<<=", u">>=", u"+=", u"-=", u"*=", u"/=", u"%=", u"&=", u"^=", u"|="};
        const QStringView rest = text.mid(std::min(k, n));
        const bool assigns = (rest.startsWith(u'=') && !rest.startsWith(u"=="))
                             || std::any_of(std::begin(compound), std::end(compound),
                                            [&rest](QStringView op) { return rest.startsWith(op); });
        const qsizetype before = skipBlanks(i - 1, -1);
        if (assigns || isIncrement(k) || isIncrement(before - 1))
            names << text.mid(i, end - i).toString();
        i = end;
    }
    return names;
}

QString shortened(const QString &text)
{
    const QString simplified = text.simplified();
    return simplified.size() > 60 ? simplified.left(57) + u"..."_s : simplified;
}

// The subscript of a name like "a[i]" (what is inside the brackets), or an empty view.
QStringView subscriptOf(QStringView name)
{
    const qsizetype open = name.indexOf(u'[');
    const qsizetype close = name.lastIndexOf(u']');
    return open < 0 || close < open ? QStringView() : name.mid(open + 1, close - open - 1);
}

// A variable a builtin writes: its name as written (with a subscript when there is one).
struct Target
{
    Word word;
    QString how; ///< "read", "printf -v"... for a person
    bool numeric = false;
};

// The variables that @p command writes by its arguments (read, printf -v, mapfile, getopts,
// declare and friends, unset), and risks of the builtin itself (mapfile -C).
QList<Target> targetsOf(const NormalisedCommand &command, QList<Risk> &risks)
{
    QList<Target> targets;
    if (command.words.size() < 2)
        return targets;
    // Most commands are none of these: compared without hashing or copying anything.
    static constexpr QStringView writers[] = {u"read", u"mapfile", u"readarray", u"printf", u"getopts", u"declare",
                                              u"typeset", u"local", u"export", u"readonly", u"unset", u"wait"};
    const QString &first = command.words.first().text;
    if (std::none_of(std::begin(writers), std::end(writers), [&first](QStringView writer) { return first == writer; }))
        return targets;
    const QString name = command.name();
    const QList<Word> args = command.words.mid(1);
    // Options that take a value, and the options whose value is a variable written.
    const auto scan = [&](QStringView withValue, QStringView nameValue, QList<Word> &operands) {
        for (qsizetype i = 0; i < args.size(); ++i) {
            const QString &text = args[i].text;
            if (text == u"--"_s) {
                operands << args.mid(i + 1);
                return;
            }
            if (!text.startsWith(u'-') || text.size() == 1) {
                operands << args[i];
                continue;
            }
            for (qsizetype k = 1; k < text.size(); ++k) {
                if (!withValue.contains(text[k]))
                    continue;
                Word value = args[i];
                if (k + 1 < text.size())
                    value.text = text.mid(k + 1);
                else if (i + 1 < args.size())
                    value = args[++i];
                if (nameValue.contains(text[k]))
                    targets << Target{value, u"%1 -%2"_s.arg(name, text[k])};
                if (text[k] == u'C' && (name == u"mapfile"_s || name == u"readarray"_s))
                    risks << risk(u"eval"_s, u"%1 -C runs a string as shell code"_s.arg(name));
                break;
            }
        }
    };
    QList<Word> operands;
    if (name == u"read"_s) {
        scan(u"adinNptu", u"a", operands);
        for (const Word &word : std::as_const(operands))
            targets << Target{word, name};
    } else if (name == u"mapfile"_s || name == u"readarray"_s) {
        scan(u"dnOsuCc", u"", operands);
        if (!operands.isEmpty())
            targets << Target{operands.first(), name};
    } else if (name == u"printf"_s) {
        if (args.first().text.startsWith(u"-v"_s)) {
            Word value = args.first();
            if (value.text.size() > 2)
                value.text = value.text.mid(2);
            else if (args.size() > 1)
                value = args[1];
            targets << Target{value, u"printf -v"_s};
        }
    } else if (name == u"wait"_s) {
        scan(u"p", u"p", operands); // wait -n -p NAME: the id of the job that ended
    } else if (name == u"getopts"_s) {
        if (args.size() >= 2)
            targets << Target{args[1], name};
    } else if (name == u"declare"_s || name == u"typeset"_s || name == u"local"_s || name == u"export"_s
               || name == u"readonly"_s) {
        bool nameReference = false;
        bool printsOrFunctions = false;
        for (const Word &word : args) {
            if (word.text.startsWith(u'-') || word.text.startsWith(u'+')) {
                nameReference |= word.text.startsWith(u'-') && word.text.contains(u'n');
                printsOrFunctions |= word.text.contains(u'p') || word.text.contains(u'f') || word.text.contains(u'F');
                continue;
            }
            const qsizetype equals = word.text.indexOf(u'=');
            // export NAME and readonly NAME keep its value, declare -p prints it; declare NAME in
            // a function (and local NAME) makes a new, empty NAME there.
            if (equals < 0 && word.isStatic() && (name == u"export"_s || name == u"readonly"_s || printsOrFunctions))
                continue;
            Word target = word;
            target.text = word.text.left(equals < 0 ? word.text.size() : equals);
            if (isVariableName(target.text, true))
                target.features = 0; // the name is written out, whatever its value
            Word value = word;
            value.text = word.text.mid(equals + 1);
            targets << Target{target, name, equals >= 0 && value.isStatic() && isInteger(value.text)};
            // declare -n REF=NAME: what is assigned to REF goes to NAME.
            if (nameReference && equals >= 0)
                targets << Target{value, u"%1 -n"_s.arg(name)};
        }
    } else if (name == u"unset"_s) {
        if (hasOption(args, {u"-f"}) || hasShortFlag(args, u'f'))
            return targets; // functions
        for (const Word &word : positional(args))
            targets << Target{word, name, true};
    }
    return targets;
}

bool isDeclaration(const QString &name)
{
    return name == u"declare"_s || name == u"typeset"_s || name == u"local"_s || name == u"export"_s
           || name == u"readonly"_s;
}

// The variables the line gives the integer attribute (declare -i x, local -ai y...): bash
// evaluates what is assigned to them as arithmetic, wherever the assignment is in the line.
QStringList integerVariables(std::span<const NormalisedCommand *const> commands)
{
    QStringList names;
    for (const NormalisedCommand *command : commands) {
        if (command->words.size() < 2 || !isDeclaration(command->name()))
            continue;
        const QList<Word> args = command->words.mid(1);
        const bool integer = std::any_of(args.begin(), args.end(), [](const Word &word) {
            return word.text.startsWith(u'-') && !word.text.startsWith(u"--"_s) && word.text.contains(u'i');
        });
        if (!integer)
            continue;
        for (const Word &word : args)
            if (!word.text.startsWith(u'-') && !word.text.startsWith(u'+'))
                names << word.text.section(u'=', 0, 0).section(u'[', 0, 0);
    }
    return names;
}

// The NAME=value operands of a declaration, as (name, value) pairs.
QList<std::pair<QString, Word>> declaredValues(const NormalisedCommand &command)
{
    QList<std::pair<QString, Word>> values;
    if (command.words.size() < 2 || !isDeclaration(command.name()))
        return values;
    for (const Word &word : command.words.mid(1)) {
        const qsizetype equals = word.text.indexOf(u'=');
        if (equals <= 0 || word.text.startsWith(u'-'))
            continue;
        Word value = word;
        value.text = word.text.mid(equals + 1);
        value.raw = word.raw.mid(word.raw.indexOf(u'=') + 1);
        values << std::pair{word.text.left(equals).section(u'[', 0, 0).remove(u'+'), value};
    }
    return values;
}

} // namespace

QList<Risk> lineRisks(const ParseResult &parsed, std::span<const NormalisedCommand *const> commands)
{
    QList<Risk> risks;
    Knowledge knowledge;

    // ---- what the line writes into variables, and the dangerous ones it writes
    const auto dangerous = [&risks](const QString &name, const QString &how) {
        if (isDangerousVariable(name))
            risks << risk(u"dangerous-variable"_s, u"%1 sets %2, which changes what programs run or how"_s.arg(how, name));
    };
    const auto dangerousWrites = [&dangerous](QStringView text, const QString &where) {
        for (const QString &name : arithmeticWrites(text))
            dangerous(name, where);
    };
    const qsizetype count = std::min(parsed.commands.size(), qsizetype(commands.size()));
    const QStringList integers = integerVariables(commands);
    // What is assigned to an integer variable is evaluated as arithmetic.
    const auto integerRisks = [&](const QString &name, const Word &value, int offset) {
        const QString text = value.isStatic() ? value.text : value.raw;
        const QString where = u"the integer variable %1, given \"%2\","_s.arg(name, shortened(text));
        dangerousWrites(text, where);
        if (const QString problem = arithmeticProblem(text, offset, knowledge); !problem.isEmpty())
            risks << risk(u"arithmetic-evaluation"_s,
                          u"%1 evaluates %2 as arithmetic, and its value is not known here; a value like a[$(cmd)] "
                          u"would run cmd"_s.arg(where, problem));
    };
    for (qsizetype c = 0; c < count; ++c) {
        const SimpleCommand &source = parsed.commands[c];
        const NormalisedCommand &command = *commands[c];
        const bool establishes = command.words.isEmpty() && source.nesting == 0 && !source.inPipeline
                                 && !source.background && source.context == CommandContext::TopLevel;
        for (const auto &[name, value] : declaredValues(command))
            if (integers.contains(name))
                integerRisks(name, value, source.offset);
        for (const Assignment &assignment : command.assignments) {
            if (integers.contains(assignment.name))
                integerRisks(assignment.name, assignment.value, source.offset);
            if (!assignment.isArray && isNumericValue(assignment.value)) {
                if (establishes)
                    knowledge.numeric << NumericWrite{assignment.name, source.offset};
            } else {
                knowledge.notNumeric << assignment.name;
            }
        }
        for (const Target &target : targetsOf(command, risks)) {
            if (!target.word.isStatic()) {
                risks << risk(u"dangerous-variable"_s,
                              u"%1 sets a variable whose name (%2) is decided at run time"_s.arg(target.how, target.word.raw));
                continue;
            }
            const QString name = target.word.text.section(u'[', 0, 0);
            if (command.name() == u"unset"_s) {
                if (isDangerousVariable(name))
                    risks << risk(u"dangerous-variable"_s,
                                  u"unset removes %1, which changes what programs run or how"_s.arg(name));
            } else {
                dangerous(name, target.how);
            }
            if (!target.numeric)
                knowledge.notNumeric << name;
            const QStringView subscript = subscriptOf(target.word.text);
            if (!subscript.isNull()) {
                dangerousWrites(subscript, u"the subscript of %1"_s.arg(shortened(target.word.text)));
                if (const QString problem = arithmeticProblem(subscript, source.offset, knowledge); !problem.isEmpty())
                    risks << risk(u"arithmetic-evaluation"_s,
                                  u"%1 %2 evaluates %3 as arithmetic, and its value is not known here; a value like "
                                  u"a[$(cmd)] would run cmd"_s.arg(target.how, shortened(target.word.text), problem));
            }
        }
    }
    for (const VariableBinding &binding : parsed.bindings) {
        QString how;
        switch (binding.how) {
        case VariableBinding::How::For: how = u"the loop \"for %1 in ...\""_s.arg(binding.name); break;
        case VariableBinding::How::Select: how = u"the loop \"select %1 in ...\""_s.arg(binding.name); break;
        case VariableBinding::How::Coprocess: how = u"coproc %1"_s.arg(binding.name); break;
        case VariableBinding::How::DefaultValue: how = u"${%1=...}"_s.arg(binding.name); break;
        case VariableBinding::How::Descriptor: how = u"the redirection {%1}"_s.arg(binding.name); break;
        }
        dangerous(binding.name, how);
        // {fd}>file puts a number into fd, but only in the shell that runs the command (not
        // after a pipeline or a subshell): fd is left unknown to arithmetic, which then asks.
        if (binding.how == VariableBinding::How::Descriptor) {
            knowledge.notNumeric << binding.name;
            continue;
        }
        bool numeric = binding.how == VariableBinding::How::For && binding.hasList;
        for (const Word &word : binding.words)
            numeric = numeric && word.isStatic() && isInteger(word.text);
        if (numeric)
            knowledge.numeric << NumericWrite{binding.name, binding.offset, binding.scopeEnd};
        else
            knowledge.notNumeric << binding.name;
    }
    // What (( )) commands and for (( )) headers assign holds after them (in the loop, for a header).
    // (A header's loop runs in the same shell as the header, even in a pipeline.)
    for (const Arithmetic &arithmetic : parsed.arithmetic) {
        if (!arithmetic.fromCommand)
            continue;
        if (arithmetic.scopeEnd < 0 && (arithmetic.nesting > 0 || arithmetic.inPipeline || arithmetic.background))
            continue;
        QStringList assigned;
        arithmeticProblem(arithmetic.text, arithmetic.offset, knowledge, &assigned);
        for (const QString &name : std::as_const(assigned))
            knowledge.numeric << NumericWrite{name, arithmetic.offset, arithmetic.scopeEnd};
    }

    // ---- arithmetic
    const auto arithmeticRisk = [&risks](const QString &where, const QString &problem) {
        risks << risk(u"arithmetic-evaluation"_s,
                      u"%1 evaluates %2 as arithmetic, and its value is not known here; a value like a[$(cmd)] would "
                      u"run cmd"_s.arg(where, problem));
    };
    // -v NAME evaluates the subscript of NAME.
    const auto variableTest = [&](const QString &text, int offset, const QString &where) {
        const QStringView subscript = subscriptOf(text);
        if (!subscript.isNull()) {
            dangerousWrites(subscript, where);
            if (const QString problem = arithmeticProblem(subscript, offset, knowledge); !problem.isEmpty())
                arithmeticRisk(where, problem);
        } else if (text.contains(u'$') || text.contains(u'`')) {
            arithmeticRisk(where, u"the subscript of a name decided at run time"_s);
        }
    };
    for (const Arithmetic &arithmetic : parsed.arithmetic) {
        if (arithmetic.kind == Arithmetic::Kind::VariableTest) {
            variableTest(arithmetic.text, arithmetic.offset, u"[[ -v %1 ]]"_s.arg(shortened(arithmetic.text)));
            continue;
        }
        dangerousWrites(arithmetic.text, u"the arithmetic \"%1\""_s.arg(shortened(arithmetic.text)));
        const QString problem = arithmeticProblem(arithmetic.text, arithmetic.offset, knowledge);
        if (problem.isEmpty())
            continue;
        switch (arithmetic.kind) {
        case Arithmetic::Kind::Subscript:
            arithmeticRisk(u"the array subscript [%1]"_s.arg(shortened(arithmetic.text)), problem);
            break;
        case Arithmetic::Kind::Substring:
            arithmeticRisk(u"the substring offset :%1"_s.arg(shortened(arithmetic.text)), problem);
            break;
        case Arithmetic::Kind::Operand:
            arithmeticRisk(u"the [[ ]] comparison of %1"_s.arg(shortened(arithmetic.text)), problem);
            break;
        default:
            arithmeticRisk(u"the arithmetic \"%1\""_s.arg(shortened(arithmetic.text)), problem);
        }
    }
    for (qsizetype c = 0; c < count; ++c) {
        const NormalisedCommand &command = *commands[c];
        if (command.words.size() < 2)
            continue;
        const QString &name = command.words.first().text;
        const int offset = parsed.commands[c].offset;
        if (name == u"test"_s || name == u"["_s) {
            for (qsizetype i = 1; i + 1 < command.words.size(); ++i)
                if (command.words[i].text == u"-v"_s) {
                    const Word &operand = command.words[i + 1];
                    variableTest(operand.isStatic() ? operand.text : operand.raw, offset,
                                 u"%1 -v %2"_s.arg(name, shortened(operand.raw)));
                }
        } else if (name == u"let"_s) {
            for (const Word &word : command.words.mid(1)) {
                dangerousWrites(word.isStatic() ? word.text : word.raw, u"let %1"_s.arg(shortened(word.raw)));
                if (const QString problem = arithmeticProblem(word.raw, offset, knowledge); !problem.isEmpty())
                    arithmeticRisk(u"let %1"_s.arg(shortened(word.raw)), problem);
            }
        }
    }

    // ---- ${x@P} expands x like a prompt, running the command substitutions in its value.
    for (const QString &body : parsed.transformations) {
        const QString op = body.mid(body.lastIndexOf(u'@') + 1);
        if (op == u"Q"_s || op == u"U"_s || op == u"u"_s || op == u"L"_s || op == u"a"_s)
            continue;
        if (op == u"P"_s)
            risks << risk(u"prompt-expansion"_s,
                          u"${%1} expands a value like a prompt, which runs the command substitutions in it"_s.arg(body));
        else
            risks << risk(u"parameter-transformation"_s,
                          u"${%1} is a transformation Gatehouse does not treat as safe"_s.arg(body));
    }
    return risks;
}

} // namespace gatehouse::shell
