// SPDX-License-Identifier: GPL-3.0-or-later
// Read-only forms of programs that look at the system rather than at files (ps, df, printenv),
// of xxd and tree (which also write files when told to), and which reading programs follow
// symbolic links below the folders they are given.
#include "shell/commandsupport_p.h"
#include "shell/options_p.h"
#include "shell/readonly_p.h"

#include "secrets/secretshapes.h"

namespace gatehouse::shell::detail {

using namespace Qt::StringLiterals;

namespace {

// tree 2.x, as its manual lists the options. -o writes the listing into a file, -R (with -H)
// writes 00Tree.html into every folder it lists; --fromfile and --fromtabfile read their
// operands as listings; --infofile, --gitfile, --hintro and --houtro read the named file.
const OptionTable &treeTable()
{
    static const OptionTable table({u"a", u"d", u"l", u"f", u"x", u"L=", u"R", u"P=", u"I=", u",gitignore",
                                    u",gitfile=", u",ignore-case", u",matchdirs", u",metafirst", u",prune", u",info",
                                    u",infofile=", u",noreport", u",charset=", u",filelimit=", u"o=", u"q", u"N", u"Q",
                                    u"p", u"u", u"g", u"s", u"h", u",si", u",du", u"D", u",timefmt=", u"F", u",inodes",
                                    u",device", u"v", u"t", u"c", u"U", u"r", u",dirsfirst", u",filesfirst", u",sort=",
                                    u"i", u"A", u"S", u"n", u"C", u"X", u"J", u"H=", u"T=", u",nolinks", u",hintro=",
                                    u",houtro=", u",fromfile", u",fromtabfile", u",fflinks", u",opt-toggle", u",help",
                                    u",version"});
    return table;
}

const OptionTable &dfTable()
{
    static const OptionTable table({u"a,all", u"B,block-size=", u"h,human-readable", u"H,si", u"i,inodes", u"k",
                                    u"l,local", u",no-sync", u",output?", u"P,portability", u",sync", u",total",
                                    u"t,type=", u"T,print-type", u"x,exclude-type=", u"v", u",help", u",version"});
    return table;
}

// Environment variables whose values are not secrets; printenv prints any other only when asked.
bool isPlainVariable(const QString &name)
{
    static const QSet<QString> names = setOf(
        {u"PATH", u"HOME", u"USER", u"LOGNAME", u"SHELL", u"PWD", u"OLDPWD", u"LANG", u"LANGUAGE", u"TERM",
         u"COLORTERM", u"TZ", u"EDITOR", u"VISUAL", u"PAGER", u"HOSTNAME", u"TMPDIR", u"SHLVL", u"DISPLAY",
         u"WAYLAND_DISPLAY", u"JAVA_HOME", u"GOPATH", u"GOROOT", u"CARGO_HOME", u"RUSTUP_HOME", u"VIRTUAL_ENV",
         u"CONDA_PREFIX", u"CONDA_DEFAULT_ENV", u"NODE_ENV", u"PYTHONPATH", u"MANPATH", u"CC", u"CXX", u"CFLAGS",
         u"CXXFLAGS", u"LDFLAGS", u"PKG_CONFIG_PATH", u"LD_LIBRARY_PATH", u"CI", u"NVM_DIR", u"GOFLAGS"});
    const bool known = names.contains(name) || name.startsWith(u"LC_"_s) || name.startsWith(u"XDG_"_s);
    return known && !secrets::looksSecretName(name);
}

// ps: UNIX options ("-ef", "-o pid,cmd"), BSD words ("aux") and GNU long options. The BSD "e"
// prints each process's environment, secrets included.
ReadOnlyUse psReadOnly(const QList<Word> &args)
{
    static const QString unixFlags = u"AaCcdeFfGgHjLlMmNOopqsTtUuVwXxyZ"_s;
    static const QString unixValues = u"CGgOopqstUu"_s;
    static const QString bsdFlags = u"auxjfwhlrvmnSLXZcT"_s;
    static const QSet<QString> longFlags = setOf({u"--forest", u"--headers", u"--no-headers", u"--help", u"--version",
                                                  u"--cumulative", u"--deselect", u"--info"});
    static const QSet<QString> longValues = setOf({u"--sort", u"--format", u"--pid", u"--ppid", u"--user", u"--User",
                                                   u"--group", u"--Group", u"--sid", u"--tty", u"--cols", u"--columns",
                                                   u"--width", u"--lines", u"--rows", u"--quick-pid"});
    // A format naming the "environ" column prints each process's environment too.
    const auto environmentFormat = [](const Word &format) {
        return !format.isStatic() || format.text.contains(u"env"_s, Qt::CaseInsensitive);
    };
    static const QString environmentWhy = u"ps with the environ column prints the environment of each process, secrets included"_s;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const Word &word = args[i];
        if (!word.isStatic())
            return notReadOnly(u"ps %1 is decided at run time"_s.arg(word.raw));
        const QString &text = word.text;
        if (text.startsWith(u"--"_s)) {
            const QString name = text.section(u'=', 0, 0);
            if (longValues.contains(name)) {
                Word value = word;
                value.text = text.section(u'=', 1);
                if (!text.contains(u'=') && i + 1 < args.size())
                    value = args[++i];
                if (name == u"--format"_s && environmentFormat(value))
                    return notReadOnly(environmentWhy);
            } else if (!longFlags.contains(text)) {
                return notReadOnly(u"ps %1 is an option Gatehouse does not know"_s.arg(text));
            }
        } else if (text.startsWith(u'-')) {
            for (qsizetype k = 1; k < text.size(); ++k) {
                if (!unixFlags.contains(text[k]))
                    return notReadOnly(u"ps -%1 is an option Gatehouse does not know"_s.arg(text[k]));
                if (unixValues.contains(text[k])) {
                    Word value = word;
                    value.text = text.mid(k + 1);
                    if (k + 1 == text.size() && i + 1 < args.size())
                        value = args[++i]; // the value is the next word
                    if ((text[k] == u'o' || text[k] == u'O') && environmentFormat(value))
                        return notReadOnly(environmentWhy);
                    break;
                }
            }
        } else if (isAsciiNumber(QString(text).remove(u','))) {
            continue; // a list of process ids ("ps 1234")
        } else {
            for (const QChar c : text)
                if (!bsdFlags.contains(c))
                    return notReadOnly(c == u'e' ? u"ps e prints the environment of each process, secrets included"_s
                                                 : u"ps %1 is an option Gatehouse does not know"_s.arg(text));
        }
    }
    return readOnlyWith({}, false);
}

// xxd [options] [INFILE [OUTFILE]]: a second operand is a file it writes. Its options are
// single-dash words, given whole or by their first letter ("-c 8", "-cols 8", "-c8").
ReadOnlyUse xxdReadOnly(const QList<Word> &args)
{
    static const QSet<QString> flags = setOf({u"-a", u"-autoskip", u"-b", u"-bits", u"-C", u"-capitalize", u"-E",
                                              u"-EBCDIC", u"-e", u"-h", u"-help", u"-i", u"-include", u"-p", u"-ps",
                                              u"-postscript", u"-plain", u"-r", u"-revert", u"-d", u"-u", u"-v",
                                              u"-version"});
    static const QSet<QString> withValue = setOf({u"-c", u"-cols", u"-g", u"-groupsize", u"-l", u"-len", u"-n",
                                                  u"-name", u"-o", u"-offset", u"-s", u"-seek", u"-R"});
    QList<Word> operands;
    bool endOfOptions = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &text = args[i].text;
        if (endOfOptions || !text.startsWith(u'-') || text == u"-"_s) {
            operands << args[i];
        } else if (text == u"--"_s) {
            endOfOptions = true;
        } else if (withValue.contains(text)) {
            ++i;
        } else if (!flags.contains(text) && !(text.size() > 2 && QStringView(u"cglnosR").contains(text[1])
                                             && (text[2].isDigit() || text[2] == u'+' || text[2] == u'-'))) {
            return notReadOnly(u"xxd %1 is an option Gatehouse does not know"_s.arg(text));
        }
    }
    if (operands.size() > 1)
        return notReadOnly(u"xxd INFILE OUTFILE writes OUTFILE"_s, operands.mid(0, 1));
    return readOnlyWith(operands);
}

ReadOnlyUse printenvReadOnly(const QList<Word> &args)
{
    QList<Word> names;
    for (const Word &word : args) {
        if (word.text == u"-0"_s || word.text == u"--null"_s)
            continue;
        if (isOption(word))
            return notReadOnly(u"printenv %1 is an option Gatehouse does not know"_s.arg(word.text));
        names << word;
    }
    if (names.isEmpty())
        return notReadOnly(u"printenv alone prints every environment variable, secrets included"_s);
    for (const Word &name : std::as_const(names))
        if (!name.isStatic() || !isPlainVariable(name.text))
            return notReadOnly(u"printenv %1 may print a secret"_s.arg(name.raw));
    return readOnlyWith({});
}

ReadOnlyUse dfReadOnly(const QList<Word> &args)
{
    const ParsedArgs parsed = parseOptions(args, dfTable());
    if (!parsed.problem.isEmpty())
        return notReadOnly(u"df %1"_s.arg(parsed.problem));
    // It shows the file systems that hold its operands: nothing of the files themselves.
    return readOnlyWith({}, false);
}

ReadOnlyUse treeReadOnly(const QList<Word> &args)
{
    const ParsedArgs parsed = parseOptions(args, treeTable());
    if (!parsed.problem.isEmpty())
        return notReadOnly(u"tree %1"_s.arg(parsed.problem));
    if (const ParsedOption *o = parsed.find(u"o"))
        return notReadOnly(u"tree %1 writes a file"_s.arg(o->shown()));
    if (const ParsedOption *o = parsed.find(u"R"))
        return notReadOnly(u"tree %1 writes 00Tree.html into every folder it lists"_s.arg(o->shown()));
    QList<Word> read;
    for (const char16_t *key : {u"infofile", u"gitfile", u"hintro", u"houtro"})
        read << parsed.values(key);
    if (parsed.has(u"fromfile") || parsed.has(u"fromtabfile")) {
        // The operands are listings it reads (standard input without one).
        read << parsed.operands;
        return readOnlyWith(read);
    }
    ReadOnlyUse use = readOnlyWith(parsed.operands, false);
    use.optionValues = read;
    use.recursive = true;
    use.defaultsToCurrentFolder = true;
    use.followsLinks = parsed.has(u"l");
    return use;
}

} // namespace

ReadOnlyUse systemReadOnly(const QString &name, const QList<Word> &args)
{
    if (name == u"ps"_s)
        return psReadOnly(args);
    if (name == u"df"_s)
        return dfReadOnly(args);
    if (name == u"xxd"_s)
        return xxdReadOnly(args);
    if (name == u"printenv"_s)
        return printenvReadOnly(args);
    if (name == u"tree"_s)
        return treeReadOnly(args);
    return notReadOnly(name + u" is not a read-only command that Gatehouse knows"_s);
}

bool isSystemReadOnlyProgram(const QString &name)
{
    static const QSet<QString> names = setOf({u"ps", u"df", u"xxd", u"printenv", u"tree"});
    return names.contains(name);
}

bool followsLinksBelow(const QString &name, const QList<Word> &args)
{
    const auto parsedHas = [&args](const QString &program, QStringView key) {
        const OptionTable *table = optionTableFor(program);
        return table && parseOptions(args, *table).has(key);
    };
    if (name == u"grep"_s || name == u"egrep"_s || name == u"fgrep"_s)
        return parsedHas(name, u"dereference-recursive");
    if (name == u"ls"_s || name == u"dir"_s || name == u"vdir"_s || name == u"du"_s)
        return parsedHas(name, u"dereference");
    if (name == u"diff"_s)
        return !parsedHas(name, u"no-dereference"); // diff -r follows links unless told not to
    if (name == u"find"_s)
        return std::any_of(args.begin(), args.end(),
                           [](const Word &word) { return word.text == u"-L"_s || word.text == u"-follow"_s; });
    if (name == u"rg"_s)
        return hasOption(args, {u"--follow"}) || hasShortFlag(args, u'L');
    if (name == u"tree"_s)
        return treeReadOnly(args).followsLinks;
    return false;
}

} // namespace gatehouse::shell::detail
