// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/commandsupport_p.h"
#include "shell/awkprogram_p.h"
#include "shell/options_p.h"

namespace gatehouse::shell::detail {

using namespace Qt::StringLiterals;

QSet<QString> setOf(std::initializer_list<const char16_t *> names)
{
    QSet<QString> set;
    for (const char16_t *name : names)
        set.insert(QString::fromUtf16(name));
    return set;
}

bool isOption(const Word &word) { return word.text.startsWith(u'-') && word.text.size() > 1; }

bool looksLikeAssignment(const QString &text)
{
    const qsizetype equals = text.indexOf(u'=');
    if (equals <= 0)
        return false;
    for (qsizetype i = 0; i < equals; ++i) {
        const QChar c = text[i];
        if (!(c.isLetter() || c == u'_' || (i > 0 && c.isDigit())) || c.unicode() >= 0x80)
            return false;
    }
    return true;
}

// The positional arguments (not options; all after "--"), skipping the values of options in
// @p withValue.
QList<Word> positional(const QList<Word> &args, const QSet<QString> &withValue)
{
    QList<Word> result;
    bool endOfOptions = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const Word &word = args[i];
        if (!endOfOptions && word.text == u"--"_s) {
            endOfOptions = true;
            continue;
        }
        if (!endOfOptions && isOption(word)) {
            if (withValue.contains(word.text))
                ++i;
            continue;
        }
        result << word;
    }
    return result;
}

bool hasOption(const QList<Word> &args, std::initializer_list<const char16_t *> options, bool prefix)
{
    for (const Word &word : args) {
        if (word.text == u"--"_s)
            return false;
        for (const char16_t *option : options) {
            const QStringView o(option);
            if (word.text == o || (prefix && word.text.startsWith(o))
                || (word.text.size() > o.size() && word.text.startsWith(o) && word.text.at(o.size()) == u'='))
                return true;
        }
    }
    return false;
}

// Short options may come clustered ("-rn"): is @p letter among them?
bool hasShortFlag(const QList<Word> &args, QChar letter)
{
    for (const Word &word : args) {
        if (word.text == u"--"_s)
            return false;
        if (word.text.size() > 1 && word.text.startsWith(u'-') && !word.text.startsWith(u"--"_s)
            && word.text.contains(letter))
            return true;
    }
    return false;
}

// A sed script that only prints and edits the stream: no w/W (write), e (execute), r/R (read
// other files), and no s///w or s///e.
bool isSafeSedScript(const QString &script)
{
    const SedScript read = readSedScript(script);
    return read.safe && read.reads.isEmpty();
}

// Read as GNU sed reads it: addresses, then one command; r, R, w and W take the rest of the
// line as a file name (";" and "}" included), a, i and c the rest of the line as text.
SedScript readSedScript(const QString &script)
{
    SedScript result;
    result.safe = false;
    qsizetype i = 0;
    const qsizetype n = script.size();
    const auto skipBlanks = [&] {
        while (i < n && (script[i] == u' ' || script[i] == u'\t' || script[i] == u';' || script[i] == u'\n'))
            ++i;
    };
    const auto skipDelimited = [&](QChar delimiter) {
        // one delimited part; false when it does not end
        while (i < n && script[i] != delimiter) {
            if (script[i] == u'\\')
                ++i;
            ++i;
        }
        if (i >= n)
            return false;
        ++i;
        return true;
    };
    while (true) {
        skipBlanks();
        if (i >= n) {
            result.safe = true;
            return result;
        }
        // addresses: numbers, $, /re/, \cREc, with , ~ + and !
        while (i < n) {
            const QChar c = script[i];
            if (c.isDigit() || c == u'$' || c == u',' || c == u'~' || c == u'+' || c == u'!' || c == u' ') {
                ++i;
            } else if (c == u'/') {
                ++i;
                if (!skipDelimited(u'/'))
                    return result;
                while (i < n && (script[i] == u'I' || script[i] == u'M'))
                    ++i;
            } else if (c == u'\\' && i + 1 < n) {
                const QChar delimiter = script[i + 1];
                i += 2;
                if (!skipDelimited(delimiter))
                    return result;
            } else {
                break;
            }
        }
        if (i >= n) {
            result.safe = true;
            return result;
        }
        const QChar command = script[i++];
        if (command == u's') {
            if (i >= n)
                return result;
            const QChar delimiter = script[i++];
            if (!skipDelimited(delimiter) || !skipDelimited(delimiter))
                return result;
            while (i < n && script[i] != u';' && script[i] != u'\n' && script[i] != u'}') {
                if (script[i] == u'w' || script[i] == u'W' || script[i] == u'e')
                    return result;
                ++i;
            }
        } else if (command == u'y') {
            if (i >= n)
                return result;
            const QChar delimiter = script[i++];
            if (!skipDelimited(delimiter) || !skipDelimited(delimiter))
                return result;
        } else if (command == u'a' || command == u'i' || command == u'c' || command == u'#' || command == u':'
                   || command == u'b' || command == u't' || command == u'T') {
            while (i < n && script[i] != u'\n' && (command == u'a' || command == u'i' || command == u'c'
                                                    || command == u'#' || script[i] != u';'))
                ++i;
        } else if (QStringView(u"pPdDnNgGhHxlq=Qz{}F").contains(command)) {
            while (i < n && script[i].isDigit())
                ++i;
        } else if (command == u'r' || command == u'R') {
            while (i < n && (script[i] == u' ' || script[i] == u'\t'))
                ++i;
            const qsizetype start = i;
            while (i < n && script[i] != u'\n')
                ++i;
            if (i == start)
                return result; // GNU sed wants a file name
            result.reads << script.mid(start, i - start);
        } else {
            return result; // w W e v and anything unknown
        }
    }
}

// Read token by token (awkprogram.cpp): "NR>1" compares, "print > F" writes.
bool isSafeAwkProgram(const QString &program)
{
    return !readAwkProgram(program).runsOrWrites;
}

SedUse sedUse(const QList<Word> &args)
{
    SedUse use;
    const OptionTable *table = optionTableFor(u"sed"_s);
    const ParsedArgs parsed = parseOptions(args, *table);
    if (!parsed.problem.isEmpty()) {
        use.problem = u"sed %1"_s.arg(parsed.problem);
        return use;
    }
    const ParsedOption *file = parsed.find(u"file");
    use.scriptFromFile = file != nullptr;
    use.scripts = parsed.values(u"expression");
    use.files = parsed.operands;
    use.scriptFiles = parsed.values(u"file");
    if (use.scripts.isEmpty() && !file && !use.files.isEmpty())
        use.scripts << use.files.takeFirst();
    if (const ParsedOption *inPlace = parsed.find(u"in-place")) {
        use.inPlace = true;
        use.problem = u"sed %1 edits files in place"_s.arg(inPlace->shown());
    } else if (file) {
        use.problem = u"sed %1 runs a script from a file, which cannot be checked"_s.arg(file->shown());
    } else if (use.scripts.isEmpty()) {
        use.problem = u"sed without a script"_s;
    }
    return use;
}

AwkUse awkUse(const QList<Word> &args)
{
    AwkUse use;
    const ParsedArgs parsed = parseOptions(args, *optionTableFor(u"awk"_s));
    if (!parsed.problem.isEmpty()) {
        use.problem = u"awk %1"_s.arg(parsed.problem);
        return use;
    }
    for (const ParsedOption &option : parsed.options) {
        static const QSet<QString> fromFile = setOf({u"file", u"exec", u"include", u"load"});
        static const QSet<QString> unchecked = setOf({u"source", u"W", u"debug"});
        static const QSet<QString> writes = setOf({u"dump-variables", u"pretty-print", u"profile"});
        if (fromFile.contains(option.key)) {
            use.unchecked = true;
            if (option.hasValue)
                use.files << option.value; // still checked against Read deny rules
            use.problem = u"awk %1 runs a program or loads code from a file, which cannot be checked"_s.arg(option.shown());
        } else if (unchecked.contains(option.key)) {
            use.unchecked = true;
            use.problem = u"awk %1 gives it a program or commands that are not checked"_s.arg(option.shown());
        } else if (writes.contains(option.key)) {
            use.problem = u"awk %1 writes a file"_s.arg(option.shown());
        }
        if (!use.problem.isEmpty())
            return use;
    }
    QList<Word> operands = parsed.operands;
    if (operands.isEmpty()) {
        use.problem = u"awk without a program"_s;
        return use;
    }
    use.program = operands.takeFirst();
    use.hasProgram = true;
    for (const Word &word : std::as_const(operands))
        if (!looksLikeAssignment(word.text))
            use.files << word;
    return use;
}

bool isAsciiNumber(QStringView text)
{
    if (text.isEmpty())
        return false;
    for (const QChar c : text)
        if (c < u'0' || c > u'9')
            return false;
    return true;
}

} // namespace gatehouse::shell::detail
