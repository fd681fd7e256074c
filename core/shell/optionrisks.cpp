// SPDX-License-Identifier: GPL-3.0-or-later
// Options that make a program run code named in its arguments (section 4, step 5): an allow
// rule like Bash(git rebase:*) or Bash(make:*) grants the program with its everyday arguments,
// not "git rebase --exec 'anything'" or "make --eval='$(shell anything)'". These risks hold
// whatever rule matched, and the sandbox does not answer them (contained = false): the program
// they name is what the person would have to agree to.
#include "shell/commandsupport_p.h"
#include "shell/risks_p.h"

#include <algorithm>

namespace gatehouse::shell::detail {

using namespace Qt::StringLiterals;

namespace {

// Contained (SECURITY-MODEL.md section 4): the sandbox holds what such a program does; only
// critical removals and writes onto protected paths are for the person alone.
Risk programRisk(const QString &reason) { return Risk{u"program-argument"_s, reason, true}; }

// The options of one command line that name a program or code to run.
struct DangerousOptions
{
    QStringView program;      ///< the program, with its subcommand for git ("git rebase")
    QStringView shortLetters; ///< short options that name a program or code (also inside a cluster)
    QStringView shortValued;  ///< short options that take a value: the rest of a cluster is that value
    QStringView longOptions;  ///< space-separated; any unambiguous abbreviation counts (git, getopt_long)
    QStringView what;         ///< what they do, for a person
};

constexpr DangerousOptions dangerousOptions[] = {
    {u"git rebase", u"x", u"CsXSx", u"", u"runs the command it is given after each commit"},
    {u"git rebase", u"i", u"CsXSx", u"--interactive --edit-todo", u"runs the sequence editor"},
    {u"git grep", u"O", u"ABCmef", u"--open-files-in-pager", u"opens the files found in a program it names"},
    {u"git archive", u"", u"o", u"--remote", u"runs a program on another host"},
    {u"git clone", u"uc", u"ocbu", u"--template --config",
     u"runs a program it names, or sets configuration or hooks for the new repository"},
    {u"git help", u"wim", u"", u"--web --info --man", u"opens a browser or a pager"},
    {u"make", u"E", u"fCEIjloW", u"--eval", u"runs make code it is given"},
    // Another makefile, folder or include path is other code than the one "make" means.
    {u"make", u"fCI", u"fCEIjloW", u"--file --makefile --directory --include-dir",
     u"runs another makefile than the project's own"},
    {u"pytest", u"pco", u"pcokmWr", u"--override-ini --pdbcls --pastebin --rootdir --confcutdir --config-file",
     u"loads code or configuration it names"},
    {u"docker", u"H", u"Hc", u"--host --context --config", u"talks to another container engine"},
    {u"podman", u"", u"", u"--url --connection --remote", u"talks to another container engine"},
};

// Git subcommands whose whole purpose is to run programs or shell code.
constexpr QStringView gitRunners[] = {u"filter-branch", u"difftool", u"mergetool", u"instaweb", u"web--browse",
                                      u"send-email", u"daemon", u"credential"};

bool longMatches(const QString &given, QStringView options)
{
    const QString option = given.section(u'=', 0, 0);
    if (option.size() < 3 || !option.startsWith(u"--"_s))
        return false;
    for (const QStringView candidate : options.split(u' '))
        if (candidate.startsWith(option))
            return true;
    return false;
}

// The first dangerous option among @p args (before "--"), as written; empty when none.
QString firstDangerous(const QList<Word> &args, const DangerousOptions &table)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &text = args[i].text;
        if (text == u"--"_s)
            break;
        if (longMatches(text, table.longOptions))
            return text;
        if (!text.startsWith(u'-') || text.startsWith(u"--"_s) || text.size() < 2)
            continue;
        for (qsizetype k = 1; k < text.size(); ++k) {
            if (table.shortLetters.contains(text[k])) {
                // With its value in the next word, for a person to see what it names.
                const bool valueNext = k + 1 == text.size() && table.shortValued.contains(text[k]) && i + 1 < args.size();
                return valueNext ? QString(text + u' ' + args[i + 1].raw) : text;
            }
            if (table.shortValued.contains(text[k])) {
                if (k + 1 == text.size())
                    ++i; // the value is the next word
                break;
            }
        }
    }
    return {};
}

// pytest -p no:NAME only turns a plugin off (firstDangerous gives "-p VALUE" or "-pVALUE").
bool isHarmlessPytestOption(const QString &option)
{
    return option.startsWith(u"-p no:"_s) || option.startsWith(u"-pno:"_s);
}

// Make variables given on the command line that choose the shell or a program, or !=, which
// runs a command to get the value ("make 'X!=touch p'" runs touch).
QString makeVariableProblem(const QList<Word> &args)
{
    static const QSet<QString> programs = setOf({u"SHELL", u".SHELLFLAGS", u"MAKESHELL", u"MAKE", u"MAKEFLAGS",
                                                 u"MFLAGS", u"MAKEFILES", u"MAKEOVERRIDES", u"MAKEFILE_LIST"});
    for (const Word &word : args) {
        if (word.text == u"--"_s || word.text.startsWith(u'-'))
            continue;
        const qsizetype equals = word.text.indexOf(u'=');
        if (equals <= 0)
            continue;
        QString name = word.text.left(equals);
        if (name.endsWith(u'!'))
            return word.text;
        while (!name.isEmpty() && (name.endsWith(u':') || name.endsWith(u'+') || name.endsWith(u'?')))
            name.chop(1);
        if (programs.contains(name.trimmed()) || isDangerousVariable(name.trimmed()))
            return word.text;
    }
    return {};
}

// npm run SCRIPT: npm's own options before "--" are npm configuration (script-shell,
// node-options, prefix, userconfig, call...), which changes what runs; a rule for a script
// grants the script and its arguments. Only options that change output are left. pnpm and
// yarn pass what follows the script's name to the script: only what comes before is theirs.
QString npmOptionProblem(const QList<Word> &args, bool untilScript)
{
    static const QSet<QString> harmless = setOf({u"-s", u"--silent", u"-q", u"--quiet", u"-d", u"--verbose",
                                                 u"--if-present", u"--ignore-scripts", u"--color", u"--no-color",
                                                 u"--json", u"--foreground-scripts", u"--workspaces", u"--ws",
                                                 u"--include-workspace-root", u"--no-progress", u"--progress"});
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &text = args[i].text;
        if (text == u"--"_s)
            break;
        if (!text.startsWith(u'-')) {
            if (untilScript)
                break;
            continue;
        }
        const QString option = text.section(u'=', 0, 0);
        if (harmless.contains(option) || option == u"--loglevel"_s || option == u"-w"_s || option == u"--workspace"_s) {
            if (!text.contains(u'=') && (option == u"--loglevel"_s || option == u"-w"_s || option == u"--workspace"_s))
                ++i;
            continue;
        }
        return text;
    }
    return {};
}

// pnpm and yarn: "run SCRIPT" and "exec CMD" name what runs after their own options; their
// "test" and "start" pass every argument to the script.
bool isNamedRun(const QString &sub)
{
    return sub == u"run"_s || sub == u"run-script"_s || sub == u"exec"_s || sub == u"x"_s;
}

// docker run / create / exec options that reach the host: a bind mount, the host's namespaces,
// privileges, devices.
QString dockerRunProblem(const QList<Word> &args)
{
    static constexpr QStringView hostNamespaces[] = {u"--pid", u"--net", u"--network", u"--ipc", u"--uts",
                                                     u"--userns", u"--cgroupns"};
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &text = args[i].text;
        QString option = text.section(u'=', 0, 0);
        QString value = text.contains(u'=') ? text.section(u'=', 1) : (i + 1 < args.size() ? args[i + 1].text : QString());
        if (text.startsWith(u"-v"_s) && text.size() > 2 && text[2] != u'=') { // -v/src:/dst
            option = u"-v"_s;
            value = text.mid(2);
        }
        if (option == u"--privileged"_s || option == u"--cap-add"_s || option == u"--device"_s
            || option == u"--security-opt"_s || option == u"--volumes-from"_s || option == u"--device-cgroup-rule"_s)
            return text;
        if (std::find(std::begin(hostNamespaces), std::end(hostNamespaces), option) != std::end(hostNamespaces)
            && value.startsWith(u"host"_s))
            return text;
        // -v SOURCE:TARGET with a path as source is a bind mount of the host (a bare name is a volume).
        if ((option == u"-v"_s || option == u"--volume"_s) && !args[i].isStatic())
            return text;
        if ((option == u"-v"_s || option == u"--volume"_s) && !value.section(u':', 0, 0).isEmpty()
            && !value.section(u':', 0, 0).front().isLetterOrNumber())
            return text;
        if (option == u"--mount"_s && !value.contains(u"type=volume"_s) && !value.contains(u"type=tmpfs"_s))
            return text;
    }
    return {};
}

} // namespace

QList<Risk> gitConfigRisks(const NormalisedCommand &command)
{
    if (command.words.size() < 3 || command.words[1].text != u"config"_s)
        return {};
    const QList<Word> args = command.words.mid(2);
    static const QSet<QString> withValue = setOf({u"-f", u"--file", u"--blob", u"--type", u"--default", u"--comment",
                                                  u"--value"});
    const QList<Word> operands = positional(args, withValue);
    static const QSet<QString> writes = setOf({u"set", u"unset", u"rename-section", u"remove-section"});
    const bool subcommand = !operands.isEmpty() && (writes.contains(operands.first().text) || operands.first().text == u"edit"_s
                                                    || operands.first().text == u"get"_s || operands.first().text == u"list"_s);
    const bool edits = (subcommand && operands.first().text == u"edit"_s)
                       || std::any_of(args.begin(), args.end(), [](const Word &word) {
                              return word.text == u"-e"_s || longMatches(word.text, u"--edit");
                          });
    if (edits)
        return {programRisk(u"git config --edit opens the configuration in an editor"_s)};
    const bool writeOption = std::any_of(args.begin(), args.end(), [](const Word &word) {
        return longMatches(word.text, u"--add --replace-all --unset --unset-all --rename-section --remove-section");
    });
    const bool readOption = std::any_of(args.begin(), args.end(), [](const Word &word) {
        return word.text == u"-l"_s || longMatches(word.text, u"--list --get --get-all --get-regexp --get-urlmatch --get-color --get-colorbool");
    });
    const bool write = (subcommand && writes.contains(operands.first().text)) || writeOption
                       || (!subcommand && !readOption && operands.size() >= 2);
    if (!write)
        return {};
    const QString key = operands.size() > (subcommand ? 1 : 0) ? operands[subcommand ? 1 : 0].text : QString();
    // The configuration is git's own: a key there can name a program (core.pager, core.fsmonitor,
    // alias.x = !cmd, remote.x.uploadpack...), and the file is a protected path.
    return {Risk{u"git-config-write"_s, u"git config writes %1 into git's configuration, which can make git run a program"_s.arg(
                                           key.isEmpty() ? u"a setting"_s : key),
                 false}};
}

QList<Risk> optionRisks(const NormalisedCommand &command)
{
    QList<Risk> risks;
    if (command.words.size() < 2)
        return risks;
    const QString name = command.name();
    // Most commands have no table here: leave before copying their words.
    static const QSet<QString> programs = [] {
        QSet<QString> names{u"git"_s, u"make"_s, u"npm"_s, u"pnpm"_s, u"yarn"_s};
        for (const DangerousOptions &table : dangerousOptions)
            names.insert(table.program.toString().section(u' ', 0, 0));
        return names;
    }();
    if (!programs.contains(name))
        return risks;
    QList<Word> args = command.words.mid(1);
    QString program = name;
    if (name == u"git"_s) {
        const QString sub = args.first().text;
        if (std::find(std::begin(gitRunners), std::end(gitRunners), sub) != std::end(gitRunners))
            risks << programRisk(u"git %1 runs programs or shell code it is given"_s.arg(sub));
        risks << gitConfigRisks(command);
        if (sub == u"remote"_s && args.size() > 1 && (args[1].text == u"add"_s || args[1].text == u"set-url"_s))
            risks << Risk{u"git-config-write"_s,
                          u"git remote %1 writes a remote into git's configuration; an ext:: address runs a program"_s.arg(args[1].text),
                          false};
        program = u"git "_s + sub;
        args = args.mid(1);
        // Options of several subcommands that name a program: any unambiguous abbreviation.
        for (const Word &word : std::as_const(args)) {
            if (word.text == u"--"_s)
                break;
            if (longMatches(word.text, u"--upload-pack --receive-pack --exec --extcmd --ext-diff"))
                risks << programRisk(u"git %1 %2 names a program to run"_s.arg(sub, word.text));
        }
    }
    for (const DangerousOptions &table : dangerousOptions) {
        if (table.program != program)
            continue;
        const QString option = firstDangerous(args, table);
        if (!option.isEmpty() && !(name == u"pytest"_s && isHarmlessPytestOption(option)))
            risks << programRisk(u"%1 %2 %3"_s.arg(program, option, table.what.toString()));
    }
    if (name == u"make"_s)
        if (const QString problem = makeVariableProblem(args); !problem.isEmpty())
            risks << programRisk(u"make %1 sets a variable that chooses the shell or a program, or runs a command"_s.arg(problem));
    if (name == u"npm"_s || name == u"pnpm"_s || name == u"yarn"_s) {
        static const QSet<QString> runs = setOf({u"run", u"run-script", u"rum", u"urn", u"test", u"t", u"tst",
                                                 u"start", u"stop", u"restart", u"exec", u"x"});
        if (runs.contains(args.first().text))
            if (const QString problem = npmOptionProblem(name == u"npm"_s || isNamedRun(args.first().text) ? args.mid(1) : QList<Word>(),
                                                         name != u"npm"_s);
                !problem.isEmpty())
                risks << programRisk(u"%1: %2 is an option of %3 itself (its configuration), which may change what runs; "
                                     u"options for the script go after \"--\""_s.arg(
                                         QStringList{name, args.first().text, positional(args.mid(1)).value(0).text}.join(u' ').trimmed(),
                                         problem, name));
    }
    if (name == u"docker"_s || name == u"podman"_s) {
        const QList<Word> rest = positional(args);
        const QString sub = rest.isEmpty() ? QString() : rest.first().text;
        if (sub == u"exec"_s)
            risks << programRisk(u"%1 exec runs a program inside a container"_s.arg(name));
        if (sub == u"run"_s || sub == u"create"_s || sub == u"exec"_s || sub == u"container"_s)
            if (const QString problem = dockerRunProblem(args); !problem.isEmpty())
                risks << programRisk(u"%1 %2 %3 gives the container the host's files, devices or privileges"_s.arg(name, sub, problem));
    }
    return risks;
}

} // namespace gatehouse::shell::detail
