// SPDX-License-Identifier: GPL-3.0-or-later
// The paths a command writes through its arguments (section 4, step 5): sed -i's files, tee's
// files, the target of cp/mv/ln/install, dd of=, --output= and -o of the tools that take an
// output file... The shell layer does not know which paths are protected or writable; the
// policy checks each of these like the target of a redirection.
#include "shell/commands.h"
#include "shell/commandsupport_p.h"

#include <algorithm>
#include <QRegularExpression>

#include <functional>

namespace gatehouse::shell {

using namespace Qt::StringLiterals;
using namespace detail;

namespace {

Word withText(const Word &word, const QString &text)
{
    Word copy = word;
    copy.text = text;
    return copy;
}

// The values of an output option: "-o F", "-oF", "--output F", "--output=F" (long options also
// in any unambiguous abbreviation of at least three letters after the dashes).
struct OutputOptions
{
    QStringView shortLetters;    ///< letters that take the output path (-o)
    QStringView longOptions;     ///< space-separated (--output --output-directory)
    QStringView shortValued = {};///< other short options with a value, which end a cluster
};

QList<Word> optionValues(const QList<Word> &args, const OutputOptions &options)
{
    QList<Word> values;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &text = args[i].text;
        if (text == u"--"_s)
            break;
        if (text.startsWith(u"--"_s)) {
            const QString name = text.section(u'=', 0, 0);
            const QList<QStringView> longOptions = options.longOptions.split(u' ');
            const bool matches = name.size() >= 5 && std::any_of(longOptions.begin(), longOptions.end(),
                                                              [&name](QStringView option) { return option.startsWith(name); });
            if (!matches)
                continue;
            if (text.contains(u'='))
                values << withText(args[i], text.section(u'=', 1));
            else if (i + 1 < args.size())
                values << args[++i];
            continue;
        }
        if (!text.startsWith(u'-') || text.size() < 2)
            continue;
        for (qsizetype k = 1; k < text.size(); ++k) {
            const bool output = options.shortLetters.contains(text[k]);
            if (!output && !options.shortValued.contains(text[k]))
                continue;
            if (k + 1 < text.size()) {
                if (output)
                    values << withText(args[i], text.mid(k + 1));
            } else if (i + 1 < args.size()) {
                ++i;
                if (output)
                    values << args[i];
            }
            break;
        }
    }
    return values;
}

// cp, mv, ln, install: -t DIR, --target-directory=DIR, else the last operand (ln with one
// operand makes the link in the current folder; install -d creates every operand).
QList<Word> targetOf(const QString &name, const QList<Word> &args)
{
    QList<Word> targets = optionValues(args, {u"t", u"--target-directory", name == u"install"_s ? u"Smog" : u"S"});
    static const QSet<QString> withValue = setOf({u"-t", u"--target-directory", u"-S", u"--suffix", u"-m", u"--mode",
                                                  u"-o", u"--owner", u"-g", u"--group"});
    const QList<Word> operands = positional(args, name == u"install"_s ? withValue : setOf({u"-t", u"--target-directory", u"-S", u"--suffix"}));
    if (name == u"install"_s && (hasOption(args, {u"-d", u"--directory"}) || hasShortFlag(args, u'd')))
        return targets << operands;
    if (!targets.isEmpty())
        return name == u"mv"_s ? targets << operands : targets; // mv removes its sources too
    if (name == u"ln"_s && operands.size() == 1)
        return {withText(operands.first(), operands.first().text.section(u'/', -1))};
    if (operands.size() >= 2)
        targets << operands.last();
    if (name == u"mv"_s)
        targets << operands.mid(0, operands.size() - 1); // it takes them away from where they were
    return targets;
}

// tar: -f ARCHIVE is written when tar creates or adds to it; -C DIR is where it extracts. The
// first word may hold the options without a dash (tar czf out.tgz src).
QList<Word> tarWrites(QList<Word> args)
{
    if (!args.isEmpty() && !args.first().text.startsWith(u'-'))
        args.first().text.prepend(u'-');
    const bool creates = hasOption(args, {u"--create", u"--append", u"--update", u"--concatenate", u"--catenate"})
                         || std::any_of(args.begin(), args.end(), [](const Word &word) {
                                return word.text.startsWith(u'-') && !word.text.startsWith(u"--"_s)
                                       && word.text.section(u'f', 0, 0).contains(QRegularExpression(u"[cruA]"_s));
                            });
    QList<Word> out = optionValues(args, {u"C", u"--directory", u"bfgHIKLNTVX"});
    if (creates)
        out << optionValues(args, {u"f", u"--file", u"bCgHIKLNTVX"});
    return out;
}

// Compilers: -o FILE (gcc's options are not clusters: -fno-omit-frame-pointer is no -o), and
// the dependency file of -MF.
QList<Word> compilerWrites(const QList<Word> &args)
{
    QList<Word> out;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &text = args[i].text;
        if ((text == u"-o"_s || text == u"-MF"_s) && i + 1 < args.size())
            out << args[++i];
        else if (text.startsWith(u"-o"_s) && text.size() > 2)
            out << withText(args[i], text.mid(2));
    }
    return out;
}

using WritesOf = std::function<QList<Word>(const QList<Word> &args)>;

const QHash<QString, WritesOf> &writers()
{
    static const QHash<QString, WritesOf> table = {
        {u"sed"_s, [](const QList<Word> &args) { const SedUse sed = sedUse(args); return sed.inPlace ? sed.files : QList<Word>(); }},
        {u"tee"_s, [](const QList<Word> &args) { return positional(args); }},
        {u"cp"_s, [](const QList<Word> &args) { return targetOf(u"cp"_s, args); }},
        {u"mv"_s, [](const QList<Word> &args) { return targetOf(u"mv"_s, args); }},
        {u"ln"_s, [](const QList<Word> &args) { return targetOf(u"ln"_s, args); }},
        {u"install"_s, [](const QList<Word> &args) { return targetOf(u"install"_s, args); }},
        {u"rsync"_s, [](const QList<Word> &args) { const QList<Word> p = positional(args); return p.size() >= 2 ? QList<Word>{p.last()} : QList<Word>(); }},
        {u"dd"_s, [](const QList<Word> &args) {
             QList<Word> out;
             for (const Word &word : args)
                 if (word.text.startsWith(u"of="_s))
                     out << withText(word, word.text.mid(3));
             return out;
         }},
        {u"find"_s, [](const QList<Word> &args) {
             QList<Word> out;
             for (qsizetype i = 0; i + 1 < args.size(); ++i)
                 if (args[i].text == u"-fprint"_s || args[i].text == u"-fprint0"_s || args[i].text == u"-fprintf"_s
                     || args[i].text == u"-fls"_s)
                     out << args[i + 1];
             return out;
         }},
        {u"sort"_s, [](const QList<Word> &args) { return optionValues(args, {u"o", u"--output", u"kStT"}); }},
        {u"shuf"_s, [](const QList<Word> &args) { return optionValues(args, {u"o", u"--output", u"inR"}); }},
        {u"uniq"_s, [](const QList<Word> &args) {
             const QList<Word> p = positional(args, setOf({u"-f", u"-s", u"-w", u"--skip-fields", u"--skip-chars", u"--check-chars"}));
             return p.size() >= 2 ? QList<Word>{p[1]} : QList<Word>();
         }},
        {u"split"_s, [](const QList<Word> &args) {
             const QList<Word> p = positional(args, setOf({u"-a", u"-b", u"-C", u"-l", u"-n", u"-t", u"--additional-suffix"}));
             return p.size() >= 2 ? QList<Word>{p[1]} : QList<Word>();
         }},
        {u"csplit"_s, [](const QList<Word> &args) { return optionValues(args, {u"f", u"--prefix", u"bn"}); }},
        {u"patch"_s, [](const QList<Word> &args) { return optionValues(args, {u"or", u"--output --reject-file", u"pdiBDFVYzgi"}); }},
        {u"tar"_s, [](const QList<Word> &args) { return tarWrites(args); }},
        {u"unzip"_s, [](const QList<Word> &args) { return optionValues(args, {u"d", u"", u"x"}); }},
        {u"curl"_s, [](const QList<Word> &args) {
             return optionValues(args, {u"ocD", u"--output --output-dir --dump-header --cookie-jar --trace --trace-ascii "
                                        u"--stderr --libcurl --etag-save --hsts --alt-svc", u"AbdeEFHKmrTuUwxXyYz"});
         }},
        {u"wget"_s, [](const QList<Word> &args) {
             return optionValues(args, {u"OoaP", u"--output-document --output-file --append-output --directory-prefix", u"eiUtTwQ"});
         }},
        {u"git"_s, [](const QList<Word> &args) {
             if (args.isEmpty())
                 return QList<Word>();
             static const QSet<QString> outputs = setOf({u"diff", u"log", u"show", u"format-patch", u"whatchanged",
                                                         u"range-diff", u"diff-tree", u"diff-index", u"diff-files"});
             if (!outputs.contains(args.first().text))
                 return QList<Word>();
             return optionValues(args.mid(1), args.first().text == u"format-patch"_s ? OutputOptions{u"o", u"--output --output-directory"}
                                                                                      : OutputOptions{u"", u"--output"});
         }},
        {u"pytest"_s, [](const QList<Word> &args) {
             QList<Word> out = optionValues(args, {u"", u"--basetemp --junitxml --junit-xml --result-log --resultlog --log-file"});
             for (const Word &report : optionValues(args, {u"", u"--cov-report"}))
                 if (report.text.contains(u':'))
                     out << withText(report, report.text.section(u':', 1));
             return out;
         }},
        {u"touch"_s, [](const QList<Word> &args) { return positional(args, setOf({u"-d", u"-r", u"-t", u"--date", u"--reference"})); }},
        {u"mkdir"_s, [](const QList<Word> &args) { return positional(args, setOf({u"-m", u"--mode"})); }},
        {u"truncate"_s, [](const QList<Word> &args) { return positional(args, setOf({u"-s", u"-r", u"--size", u"--reference"})); }},
        {u"chmod"_s, [](const QList<Word> &args) {
             const QList<Word> p = positional(args);
             return hasOption(args, {u"--reference"}, true) ? p : p.mid(1);
         }},
        {u"iconv"_s, [](const QList<Word> &args) { return optionValues(args, {u"o", u"--output", u"ft"}); }},
        {u"mktemp"_s, [](const QList<Word> &args) {
             return optionValues(args, {u"p", u"--tmpdir", u""}) << positional(args, setOf({u"-p", u"--suffix"}));
         }},
        {u"xxd"_s, [](const QList<Word> &args) {
             const QList<Word> p = positional(args, setOf({u"-c", u"-g", u"-l", u"-o", u"-s", u"-n"}));
             return p.size() >= 2 ? QList<Word>{p[1]} : QList<Word>();
         }},
    };
    return table;
}

bool isCompiler(const QString &name)
{
    static const QSet<QString> names = setOf({u"cc", u"gcc", u"g++", u"c++", u"clang", u"clang++", u"ld", u"as", u"tcc"});
    return names.contains(name) || name.startsWith(u"gcc-"_s) || name.startsWith(u"clang-"_s) || name.startsWith(u"g++-"_s);
}

} // namespace

QList<Word> argumentWrites(const NormalisedCommand &command, const SimpleCommand &source)
{
    Q_UNUSED(source);
    QList<Word> writes = command.wrapperWrites; // GNU time -o FILE, which normalise() read

    if (command.words.isEmpty() || command.dynamicName)
        return writes;
    const QString name = command.name();
    // The words are copied only for a command that writes through them.
    if (const auto it = writers().constFind(name); it != writers().constEnd())
        writes << (*it)(command.words.mid(1));
    else if (isRemoval(name))
        writes << positional(command.words.mid(1));
    else if (isCompiler(name))
        writes << compilerWrites(command.words.mid(1));
    return writes;
}

} // namespace gatehouse::shell
