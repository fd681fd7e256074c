// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in read-only commands and which of their arguments they read (section 4, step 6).
// Their words are read as the programs read them (options_p.h): an option this table does not
// know, or one that writes, runs a program or reads files that cannot be checked, makes the
// command not read-only; the values of options that name files it reads are checked like its
// file arguments.
#include "shell/commands.h"
#include "shell/awkprogram_p.h"
#include "shell/commandsupport_p.h"
#include "shell/options_p.h"
#include "shell/readonly_p.h"

#include <algorithm>
#include <iterator>

namespace gatehouse::shell {

using namespace Qt::StringLiterals;
using namespace detail;

namespace detail {

ReadOnlyUse notReadOnly(const QString &why, QList<Word> files)
{
    ReadOnlyUse use;
    use.readOnly = false;
    use.whyNot = why;
    use.files = std::move(files);
    return use;
}

ReadOnlyUse readOnlyWith(QList<Word> files, bool readsContent)
{
    ReadOnlyUse use;
    use.readOnly = true;
    use.files = std::move(files);
    use.readsContent = readsContent;
    return use;
}

} // namespace detail

namespace {

// Values given to options: "--name=value", and the word after a short option that is not
// itself an option or the last word (it may be the option's value: "-c FILE"). For the
// commands whose options are not in the table.
QList<Word> optionValuesOf(const QList<Word> &args)
{
    QList<Word> values;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const Word &word = args[i];
        if (word.text == u"--"_s)
            break;
        if (!isOption(word))
            continue;
        const qsizetype equals = word.text.indexOf(u'=');
        if (word.text.startsWith(u"--"_s) && equals > 0) {
            Word value = word;
            value.text = word.text.mid(equals + 1);
            values << value;
        } else if (i + 1 < args.size() && !isOption(args[i + 1])) {
            values << args[i + 1];
        }
    }
    return values;
}

// A command whose options are in the table.
ReadOnlyUse tableReadOnly(const QString &name, const QList<Word> &args, const OptionTable &table)
{
    if (name == u"sed"_s) {
        const SedUse sed = sedUse(args);
        if (!sed.problem.isEmpty()) // sed -f .env prints its lines in error messages: still checked
            return notReadOnly(sed.problem, sed.files + sed.scriptFiles);
        // The files its r and R commands name are read like its operands ("sed '1r .env' f").
        QList<Word> files = sed.files;
        for (const Word &script : sed.scripts) {
            if (!script.isStatic())
                return notReadOnly(u"the sed script %1 is decided at run time"_s.arg(script.raw), files);
            const SedScript read = readSedScript(script.text);
            for (const QString &path : read.reads) {
                Word file = script;
                file.text = path;
                files << file;
            }
            if (!read.safe)
                return notReadOnly(u"the sed script writes files or runs commands"_s, files);
        }
        return readOnlyWith(files);
    }
    if (name == u"awk"_s || name == u"gawk"_s || name == u"mawk"_s || name == u"nawk"_s) {
        const AwkUse awk = awkUse(args);
        if (!awk.problem.isEmpty())
            return notReadOnly(awk.problem, awk.files);
        if (!awk.program.isStatic())
            return notReadOnly(u"the awk program %1 is decided at run time"_s.arg(awk.program.raw), awk.files);
        // The files its program names with constants (getline < "F", ARGV[1] = "F") are read too.
        const AwkProgram program = readAwkProgram(awk.program.text);
        QList<Word> files = awk.files;
        for (const QString &file : program.files) {
            Word word = awk.program;
            word.text = file;
            files << word;
        }
        if (!program.problem.isEmpty())
            return notReadOnly(program.problem, files);
        return readOnlyWith(files);
    }

    // binutils read more arguments from @FILE wherever it stands, an option's value included
    // ("strings -s @.env" prints .env): the file is read, and what it adds cannot be checked.
    if (name == u"strings"_s)
        for (const Word &word : args)
            if (word.text.startsWith(u'@')) {
                Word file = word;
                file.text = word.text.mid(1);
                return notReadOnly(u"strings %1 reads further options from a file"_s.arg(word.raw), {file});
            }
    // rg takes "--no-X" for its flags, as git does.
    const ParsedArgs parsed = name == u"rg"_s ? parseGitOptions(args, table) : parseOptions(args, table);
    if (!parsed.problem.isEmpty())
        return notReadOnly(u"%1 %2"_s.arg(name, parsed.problem));
    const auto option = [&parsed](const char16_t *key) { return parsed.find(QStringView(key)); };
    QList<Word> files = parsed.operands;
    // Values of options that name files it reads: checked like its file arguments.
    QList<Word> fileOptions;
    bool readsContent = true;
    bool recursive = false;
    bool defaultsToCurrentFolder = false;

    if (const ParsedOption *o = option(u"files0-from"))
        return notReadOnly(u"%1 %2 reads the names of the files to read from a file, so what it reads cannot be checked"_s
                               .arg(name, o->shown()),
                           parsed.values(u"files0-from"));
    if (name == u"sort"_s) {
        if (const ParsedOption *o = option(u"output"))
            return notReadOnly(u"sort %1 writes a file"_s.arg(o->shown()), files);
        if (const ParsedOption *o = option(u"compress-program"))
            return notReadOnly(u"sort %1 runs a program"_s.arg(o->shown()), files);
        if (const ParsedOption *o = option(u"temporary-directory"))
            return notReadOnly(u"sort %1 writes temporary files into a folder"_s.arg(o->shown()), files);
        fileOptions << parsed.values(u"random-source");
    } else if (name == u"uniq"_s) {
        if (files.size() > 1)
            return notReadOnly(u"uniq IN OUT writes OUT"_s, files.mid(0, 1));
    } else if (name == u"date"_s) {
        if (const ParsedOption *o = option(u"set"))
            return notReadOnly(u"date %1 sets the clock"_s.arg(o->shown()));
        fileOptions << parsed.values(u"file") << parsed.values(u"reference");
    } else if (name == u"hostname"_s) {
        if (const ParsedOption *o = option(u"file"))
            return notReadOnly(u"hostname %1 sets the host name"_s.arg(o->shown()), parsed.values(u"file"));
        if (const ParsedOption *o = option(u"boot"))
            return notReadOnly(u"hostname %1 sets the host name"_s.arg(o->shown()));
        if (!files.isEmpty())
            return notReadOnly(u"hostname NAME sets the host name"_s);
    } else if (name == u"file"_s) {
        if (const ParsedOption *o = option(u"compile"))
            return notReadOnly(u"file %1 writes a compiled magic file"_s.arg(o->shown()), files);
        if (const ParsedOption *o = option(u"files-from"))
            return notReadOnly(u"file %1 reads the names of the files to examine from a file, so what it reads cannot be checked"_s
                                   .arg(o->shown()),
                               parsed.values(u"files-from") << files);
        for (const char16_t *key : {u"uncompress", u"uncompress-noreport"})
            if (const ParsedOption *o = option(key))
                return notReadOnly(u"file %1 runs decompression programs"_s.arg(o->shown()), files);
        fileOptions << parsed.values(u"magic-file");
    } else if (name == u"rg"_s) {
        // The pattern is the first operand unless -e or -f gives it; -f and --ignore-file name
        // files it reads.
        if (!option(u"regexp") && !option(u"file") && !option(u"files") && !option(u"type-list") && !files.isEmpty())
            files.removeFirst();
        for (const char16_t *key : {u"pre", u"pre-glob", u"search-zip", u"hostname-bin"})
            if (const ParsedOption *o = option(key))
                return notReadOnly(u"rg %1 runs other programs"_s.arg(o->shown()), files);
        fileOptions << parsed.values(u"file") << parsed.values(u"ignore-file");
        recursive = true;
        defaultsToCurrentFolder = true;
    } else if (name == u"hexdump"_s) {
        fileOptions << parsed.values(u"format-file");
    } else if (name == u"diff"_s) {
        fileOptions << parsed.values(u"from-file") << parsed.values(u"to-file") << parsed.values(u"exclude-from");
        recursive = option(u"recursive") != nullptr;
    } else if (name == u"grep"_s || name == u"egrep"_s || name == u"fgrep"_s) {
        // The pattern is the first operand unless -e or -f gives it.
        if (!option(u"regexp") && !option(u"file") && !files.isEmpty())
            files.removeFirst();
        fileOptions << parsed.values(u"file") << parsed.values(u"exclude-from");
        recursive = option(u"recursive") || option(u"dereference-recursive");
        for (const Word &action : parsed.values(u"directories"))
            recursive |= !action.text.isEmpty() && u"recurse"_s.startsWith(action.text);
        defaultsToCurrentFolder = recursive;
    } else if (name == u"ls"_s || name == u"dir"_s || name == u"vdir"_s) {
        readsContent = false;
        recursive = option(u"recursive") != nullptr;
        defaultsToCurrentFolder = true;
    } else if (name == u"stat"_s || name == u"realpath"_s || name == u"readlink"_s) {
        readsContent = false;
    } else if (name == u"du"_s) {
        readsContent = false;
        recursive = true;
        defaultsToCurrentFolder = true;
        fileOptions << parsed.values(u"exclude-from");
    }

    if (!fileOptions.isEmpty())
        files << fileOptions;
    ReadOnlyUse use = readOnlyWith(std::move(files), readsContent);
    use.recursive = recursive;
    use.defaultsToCurrentFolder = defaultsToCurrentFolder;
    // Any other value that looks like a path, or names a file that exists, is checked as well
    // (it stays inside the project and meets no Read deny).
    static constexpr QStringView checkedAbove[] = {u"#", u"random-source", u"file", u"reference", u"magic-file",
                                                   u"format-file", u"from-file", u"to-file", u"exclude-from",
                                                   u"ignore-file",
                                                   // patterns, globs and formats, never files
                                                   u"regexp", u"glob", u"iglob", u"type", u"type-not", u"type-add",
                                                   u"type-clear", u"replace", u"colors", u"color", u"sort", u"sortr",
                                                   u"context-separator", u"field-context-separator",
                                                   u"field-match-separator", u"path-separator", u"engine",
                                                   u"hyperlink-format", u"generate"};
    for (const ParsedOption &o : parsed.options)
        if (o.hasValue && std::find(std::begin(checkedAbove), std::end(checkedAbove), o.key) == std::end(checkedAbove))
            use.optionValues << o.value;
    return use;
}

// Commands that read no files, whatever their words: an option's value is no path to check
// ("echo -n /etc/hosts", "test -f ~/.ssh/id_rsa" only tells whether it exists).
bool takesNoFiles(const QString &name)
{
    static const QSet<QString> names = setOf({u"tr", u":", u"read", u"echo", u"printf", u"pwd", u"whoami", u"id", u"uname", u"nproc", u"true",
                                                u"false", u"test", u"[", u"seq", u"sleep", u"basename", u"dirname",
                                                u"which", u"type", u"groups", u"locale", u"tty", u"arch", u"expr",
                                                u"cal", u"logname", u"getconf"});
    return names.contains(name);
}

ReadOnlyUse readOnlyUseOf(const NormalisedCommand &command)
{
    if (command.dynamicName)
        return notReadOnly(u"the program to run is decided at run time"_s);
    if (command.privileged)
        return notReadOnly(u"it runs with other privileges"_s);
    if (!command.envOptions.isEmpty())
        return notReadOnly(u"env options change how the program runs"_s);
    if (!command.wrapperEffects.isEmpty())
        return notReadOnly(command.wrapperEffects.first());
    if (command.words.isEmpty())
        return readOnlyWith({}); // only assignments or redirections (judged on their own)
    const QString name = command.name();
    const QList<Word> args = command.words.mid(1);

    if (takesNoFiles(name))
        return readOnlyWith({});
    if (name == u"command"_s) // "command -v x" (other forms were stripped)
        return readOnlyWith({});
    if (name == u"less"_s || name == u"more"_s)
        return notReadOnly(u"%1 is interactive and can run commands"_s.arg(name));
    if (const OptionTable *table = optionTableFor(name))
        return tableReadOnly(name, args, *table);

    if (isSystemReadOnlyProgram(name))
        return systemReadOnly(name, args);
    if (name == u"find"_s) {
        static const QSet<QString> actions = setOf({u"-exec", u"-execdir", u"-ok", u"-okdir", u"-delete", u"-fprint",
                                                    u"-fprint0", u"-fprintf", u"-fls"});
        for (qsizetype i = 0; i < args.size(); ++i) {
            if (actions.contains(args[i].text))
                return notReadOnly(u"find %1 runs a program, deletes or writes files"_s.arg(args[i].text));
            if (args[i].text == u"-files0-from"_s)
                return notReadOnly(u"find -files0-from reads the folders to search from a file, so what it reads cannot be checked"_s,
                                   args.mid(i + 1, 1));
        }
        // find [-H] [-L] [-P] [-D OPTS] [-OLEVEL] [ROOT...] [EXPRESSION]
        qsizetype first = 0;
        while (first < args.size()) {
            const QString &text = args[first].text;
            if (text == u"-H"_s || text == u"-L"_s || text == u"-P"_s || (text.startsWith(u"-O"_s) && text.size() > 2))
                ++first;
            else if (text == u"-D"_s)
                first += 2;
            else
                break;
        }
        QList<Word> roots;
        for (const Word &word : args.mid(first)) {
            if (word.text.startsWith(u'-') || word.text == u"("_s || word.text == u"!"_s)
                break;
            roots << word;
        }
        ReadOnlyUse use = readOnlyWith(roots, false);
        use.recursive = true;
        use.defaultsToCurrentFolder = true;
        return use;
    }
    if (name == u"jq"_s)
        return jqReadOnly(args);
    if (name == u"git"_s)
        return gitReadOnly(args);
    // binutils read more arguments from @FILE, wherever it stands ("nm @.env" prints its lines in
    // an error): not read-only anyway, but the file is read, so a Read deny rule on it denies.
    static const QSet<QString> binutils = setOf({u"nm", u"objdump", u"readelf", u"size", u"ar", u"ranlib",
                                                 u"objcopy", u"strip", u"addr2line", u"c++filt", u"elfedit",
                                                 u"gprof", u"as", u"ld", u"dwp"});
    if (binutils.contains(name) || name.startsWith(u"x86_64-linux-gnu-"_s))
        for (const Word &word : args)
            if (word.text.startsWith(u'@')) {
                Word file = word;
                file.text = word.text.mid(1);
                return notReadOnly(u"%1 %2 reads further arguments from a file"_s.arg(name, word.raw), {file});
            }
    return notReadOnly(name + u" is not a read-only command that Gatehouse knows"_s);
}

} // namespace

ReadOnlyUse readOnlyUse(const NormalisedCommand &command)
{
    ReadOnlyUse use = readOnlyUseOf(command);
    // The table's commands, git and jq say which of their option values name files; for the
    // others, any value may.
    const QString name = command.name();
    if (use.readOnly && command.words.size() > 1 && name != u"git"_s && name != u"jq"_s && !optionTableFor(name)
        && !isSystemReadOnlyProgram(name) && !takesNoFiles(name))
        use.optionValues = optionValuesOf(command.words.mid(1));
    if (use.recursive)
        use.followsLinks |= followsLinksBelow(name, command.words.mid(1));
    // Reading /dev/null reads nothing ("diff f /dev/null" shows f whole).
    const auto isNull = [](const Word &word) { return word.isStatic() && word.text == u"/dev/null"_s; };
    use.files.removeIf(isNull);
    use.optionValues.removeIf(isNull);
    return use;
}

bool readsRepositoryContent(const NormalisedCommand &command)
{
    return command.name() == u"git"_s && gitReadsContent(command.words.mid(1));
}

QStringList repositoryPaths(const NormalisedCommand &command)
{
    return command.name() == u"git"_s ? gitPaths(command.words.mid(1)) : QStringList();
}

} // namespace gatehouse::shell
