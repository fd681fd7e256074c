// SPDX-License-Identifier: GPL-3.0-or-later
// Risks no allow rule can answer (section 4, step 5).
#include "shell/commands.h"
#include "shell/commandsupport_p.h"
#include "shell/options_p.h"
#include "shell/risks_p.h"

#include <algorithm>

namespace gatehouse::shell {

using namespace Qt::StringLiterals;
using namespace detail;

bool isRemoval(const QString &name)
{
    return name == u"rm"_s || name == u"rmdir"_s || name == u"unlink"_s || name == u"shred"_s;
}

bool isNetworkTool(const QString &name)
{
    static const QSet<QString> names = setOf({u"curl", u"wget", u"nc", u"ncat", u"netcat", u"socat", u"ssh", u"scp",
                                              u"sftp", u"rsync", u"telnet", u"ftp", u"tftp", u"dig", u"nslookup",
                                              u"host", u"ping", u"ping6", u"traceroute", u"tracepath", u"whois",
                                              u"nmap", u"aria2c", u"http", u"https", u"xh", u"lynx", u"w3m", u"links",
                                              u"mosh", u"openssl", u"gcloud", u"aws", u"az", u"kubectl", u"lftp"});
    return names.contains(name);
}

bool isShellOrInterpreter(const QString &name)
{
    static const QSet<QString> names = setOf({u"sh", u"bash", u"zsh", u"dash", u"ksh", u"mksh", u"fish", u"csh", u"tcsh",
                                              u"ash", u"busybox", u"node", u"nodejs", u"bun", u"deno", u"perl", u"ruby",
                                              u"php", u"lua", u"luajit", u"Rscript", u"osascript", u"pwsh",
                                              u"powershell", u"tclsh", u"wish", u"irb", u"python", u"pypy", u"pypy3"});
    if (names.contains(name))
        return true;
    // python3, python3.12, pypy3.10 ...
    if (name.startsWith(u"python"_s) || name.startsWith(u"pypy"_s)) {
        for (const QChar c : QStringView(name).mid(name.startsWith(u"python"_s) ? 6 : 4))
            if (!c.isDigit() && c != u'.')
                return false;
        return true;
    }
    return false;
}

namespace {

bool isStandardInputPath(const QString &path)
{
    return path == u"/dev/stdin"_s || path.startsWith(u"/dev/fd/"_s) || (path.startsWith(u"/proc/"_s) && path.contains(u"/fd/"_s));
}

// python -m MODULE where the module runs code given in its arguments or on standard input
// (python3 -m timeit 'code', -m pdb -c 'cmd', -m code, -m asyncio), not a script file.
bool runsCodeModule(const QList<Word> &args)
{
    static const QSet<QString> modules = setOf({u"timeit", u"pdb", u"code", u"asyncio", u"idlelib", u"idlelib.idle",
                                                u"IPython", u"runpy", u"trace", u"cProfile", u"profile", u"bdb",
                                                u"ptpython", u"bpython", u"doctest"});
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &text = args[i].text;
        if (!text.startsWith(u'-') || text.startsWith(u"--"_s))
            return false; // the script, or the end of python's options
        if (text == u"-W"_s || text == u"-X"_s) {
            ++i; // its value
            continue;
        }
        // -m may close a cluster of flags without a value (-Im); -W, -X and -c take one.
        const qsizetype m = text.indexOf(u'm');
        const QStringView flags = QStringView(text).mid(1, std::max<qsizetype>(m - 1, 0));
        if (m < 0 || std::any_of(flags.begin(), flags.end(), [](QChar c) { return !QStringView(u"bBdEiIOPqsSuvV").contains(c); }))
            continue;
        const QString module = m + 1 < text.size() ? text.mid(m + 1) : (i + 1 < args.size() ? args[i + 1].text : QString());
        return modules.contains(module) || !args[std::min(i + 1, args.size() - 1)].isStatic();
    }
    return false;
}

// Is the interpreter @p name, with these arguments, given code to run (not a script file)?
bool interpreterGivenCode(const QString &name, const QList<Word> &args, bool codeOnStdin)
{
    static const QSet<QString> shells = setOf({u"sh", u"bash", u"zsh", u"dash", u"ksh", u"mksh", u"fish", u"csh",
                                               u"tcsh", u"ash"});
    const auto clusterHas = [&args](QStringView letters) {
        for (const Word &word : args) {
            if (!word.text.startsWith(u'-') || word.text.startsWith(u"--"_s))
                continue;
            for (const QChar c : QStringView(word.text).mid(1))
                if (letters.contains(c))
                    return true;
        }
        return false;
    };
    const QList<Word> pos = positional(args);
    // A script read from standard input or a descriptor is code given on the command line:
    // python3 /dev/stdin <<< 'code', bash /dev/fd/0, node /proc/self/fd/0.
    if (!pos.isEmpty() && isStandardInputPath(pos.first().text))
        return true;
    if (shells.contains(name) || name == u"busybox"_s) {
        if (clusterHas(u"c") || hasOption(args, {u"--command"}))
            return true;
        return pos.isEmpty() || (name == u"busybox"_s && pos.size() <= 1) || clusterHas(u"s");
    }
    if (name.startsWith(u"python"_s) || name.startsWith(u"pypy"_s))
        return clusterHas(u"c") || runsCodeModule(args) || (pos.isEmpty() && !hasOption(args, {u"-m"}) && codeOnStdin)
               || (!pos.isEmpty() && pos.first().text == u"-"_s);
    if (name == u"node"_s || name == u"nodejs"_s || name == u"bun"_s)
        return hasOption(args, {u"-e", u"--eval", u"-p", u"--print"}) || (pos.isEmpty() && codeOnStdin);
    if (name == u"deno"_s)
        return !pos.isEmpty() && pos.first().text == u"eval"_s;
    if (name == u"perl"_s || name == u"ruby"_s)
        return clusterHas(u"eE") || (pos.isEmpty() && codeOnStdin);
    if (name == u"php"_s)
        return clusterHas(u"rR") || hasOption(args, {u"--run"}) || (pos.isEmpty() && codeOnStdin);
    if (name == u"lua"_s || name == u"luajit"_s || name == u"Rscript"_s || name == u"osascript"_s)
        return clusterHas(u"e") || (pos.isEmpty() && codeOnStdin);
    if (name == u"pwsh"_s || name == u"powershell"_s)
        return hasOption(args, {u"-c", u"-Command", u"-command", u"-EncodedCommand", u"-e", u"-ec"}) || pos.isEmpty();
    return pos.isEmpty() && codeOnStdin;
}

bool isSafeGitConfigKey(const QString &key)
{
    const QString lower = key.toLower();
    static const QSet<QString> exact = setOf({u"user.name", u"user.email", u"core.quotepath", u"core.autocrlf",
                                              u"init.defaultbranch", u"color.ui", u"log.showsignature",
                                              u"diff.renames", u"status.short", u"column.ui", u"core.abbrev",
                                              u"commit.gpgsign", u"tag.gpgsign", u"merge.conflictstyle",
                                              u"pull.rebase", u"push.default", u"safe.directory"});
    return exact.contains(lower) || lower.startsWith(u"color."_s) || lower.startsWith(u"advice."_s)
           || lower.startsWith(u"format.pretty"_s);
}

Risk risk(const QString &id, const QString &reason, bool contained = true) { return Risk{id, reason, contained}; }

} // namespace

QList<Risk> commandRisks(const NormalisedCommand &command, const SimpleCommand &source)
{
    QList<Risk> risks;
    for (const Assignment &assignment : command.assignments)
        if (isDangerousVariable(assignment.name))
            risks << risk(u"dangerous-variable"_s,
                          u"it sets %1, which changes what programs run or how"_s.arg(assignment.name));
    // Wrapper options beyond scheduling (normalise.cpp): "time -o .git/config -a git status"
    // is not "git status", whatever allows that. The files they write are checked by the
    // policy like the command's other writes (argumentWrites()).
    if (!command.wrapperEffects.isEmpty())
        risks << risk(u"wrapper-option"_s, command.wrapperEffects.first());
    if (command.dynamicName) {
        risks << risk(u"dynamic-command"_s, u"the program to run is decided at run time"_s);
        return risks;
    }
    if (command.words.isEmpty())
        return risks;
    const QString name = command.name();
    const QList<Word> args = command.words.mid(1);

    if (command.privileged)
        risks << risk(u"privilege"_s, u"%1 runs a command with other privileges"_s.arg(name));
    // "env VAR=x cmd" is "VAR=x cmd" (normalise() moved the assignments to the others), but env's
    // own options change what runs: -S splits a string into a command, -C runs it elsewhere, -i,
    // -u and -P change the environment and PATH it is found in, "--" lets the command look like
    // an option. Section 4, step 5 lists "env with a command" among the risks. "env -u X" alone
    // only prints the environment.
    if (!command.envOptions.isEmpty()) {
        const bool splitString = std::any_of(command.envOptions.begin(), command.envOptions.end(), [](const QString &o) {
            return o.startsWith(u"--split-string"_s) || (o.startsWith(u'-') && !o.startsWith(u"--"_s) && o.contains(u'S'));
        });
        if (splitString)
            risks << risk(u"env-command"_s, u"env -S splits a string into a command"_s);
        else if (name != u"env"_s)
            risks << risk(u"env-command"_s, u"env %1 runs %2 with a changed environment, folder or search path"_s.arg(
                                                command.envOptions.first(), name));
    }

    if (name == u"eval"_s || name == u"trap"_s)
        risks << risk(u"eval"_s, u"%1 runs a string as shell code"_s.arg(name));
    else if (name == u"source"_s || name == u"."_s)
        risks << risk(u"source"_s, u"%1 runs the commands of a file in this shell"_s.arg(name));
    else if (name == u"exec"_s)
        risks << risk(u"exec"_s, u"exec replaces the shell with another program"_s);
    else if (name == u"alias"_s)
        risks << risk(u"eval"_s, u"alias defines a command name as shell code"_s);
    // hash -p FILE NAME makes NAME run FILE; enable -f loads a builtin from a shared library.
    else if ((name == u"hash"_s && hasShortFlag(args, u'p')) || (name == u"enable"_s && hasShortFlag(args, u'f')))
        risks << risk(u"runs-program"_s, u"%1 -%2 changes which program or code a command name runs"_s.arg(
                                             name, name == u"hash"_s ? u"p"_s : u"f"_s));

    const bool codeOnStdin = source.inPipeline || std::any_of(source.redirections.begin(), source.redirections.end(),
                                                              [](const Redirection &r) {
                                                                  return r.op == u"<<"_s || r.op == u"<<-"_s || r.op == u"<<<"_s
                                                                         || r.op == u"<"_s;
                                                              });
    if (isShellOrInterpreter(name) && interpreterGivenCode(name, args, codeOnStdin))
        risks << risk(u"interpreter-code"_s, u"%1 is given code to run"_s.arg(name));
    if (name == u"awk"_s || name == u"gawk"_s || name == u"mawk"_s || name == u"nawk"_s) {
        // A program that cannot be seen may run commands as well as one that does.
        const AwkUse awk = awkUse(args);
        // With options the table does not know, any word may be the program.
        const auto anyWordUnsafe = [&args] {
            return std::any_of(args.begin(), args.end(), [](const Word &word) {
                return !isOption(word) && (!word.isStatic() || !isSafeAwkProgram(word.text));
            });
        };
        if (awk.unchecked)
            risks << risk(u"awk-exec"_s, u"%1, so it may run commands or write files"_s.arg(awk.problem));
        else if (!awk.hasProgram && !awk.problem.isEmpty() && anyWordUnsafe())
            risks << risk(u"awk-exec"_s, u"%1, and a word of it may be a program that runs commands"_s.arg(awk.problem));
        else if (awk.hasProgram && !awk.program.isStatic())
            risks << risk(u"awk-exec"_s, u"the awk program %1 is decided at run time, so it may run commands"_s.arg(awk.program.raw));
        else if (awk.hasProgram && !isSafeAwkProgram(awk.program.text))
            risks << risk(u"awk-exec"_s, u"the awk program can run commands or write files"_s);
    }
    if (name == u"sed"_s) {
        const SedUse sed = sedUse(args);
        QList<Word> scripts = sed.scripts;
        if (sed.scripts.isEmpty() && !sed.problem.isEmpty())
            for (const Word &word : args) // options the table does not know: any word may be the script
                if (!isOption(word))
                    scripts << word;
        if (sed.scriptFromFile)
            risks << risk(u"sed-exec"_s, u"the sed script comes from a file, where its e and w commands cannot be seen"_s);
        for (const Word &script : std::as_const(scripts)) {
            const QString &text = script.text;
            if (!script.isStatic()) {
                risks << risk(u"sed-exec"_s, u"the sed script %1 is decided at run time, so it may run commands"_s.arg(script.raw));
                break;
            }
            if (!readSedScript(text).safe && (text.contains(u'e') || text.contains(u'w') || text.contains(u'W'))) {
                risks << risk(u"sed-exec"_s, u"the sed script can run commands or write files"_s);
                break;
            }
        }
    }
    if (name == u"find"_s) {
        for (const Word &word : args) {
            if (word.text == u"-exec"_s || word.text == u"-execdir"_s || word.text == u"-ok"_s || word.text == u"-okdir"_s)
                risks << risk(u"find-exec"_s, u"find %1 runs a program for each file found"_s.arg(word.text));
            else if (word.text == u"-delete"_s)
                risks << risk(u"find-delete"_s, u"find -delete deletes every file found"_s);
        }
    }
    if (name == u"xargs"_s && !positional(args, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-I", u"-i", u"-L", u"-n", u"-P", u"-s", u"-d", u"-E", u"-a",
                                                      u"--arg-file", u"--delimiter", u"--max-args", u"--max-procs"}); return set; }())
                                   .isEmpty())
        risks << risk(u"xargs"_s, u"xargs runs a program with arguments read from its input"_s);
    static const QSet<QString> runners = setOf({u"watch", u"setsid", u"flock", u"chroot", u"unshare", u"nsenter",
                                                u"strace", u"ltrace", u"gdb", u"parallel", u"script", u"systemd-run",
                                                u"at", u"batch", u"crontab", u"tmux", u"screen", u"ionice", u"taskset",
                                                u"chrt", u"runuser", u"su", u"pkexec", u"firejail", u"bwrap",
                                                u"busybox", u"xdg-open", u"open"});
    if (runners.contains(name))
        risks << risk(u"runs-program"_s, u"%1 runs other programs"_s.arg(name));

    if (name == u"git"_s) {
        for (qsizetype i = 0; i < command.gitGlobalOptions.size(); ++i) {
            const QString option = command.gitGlobalOptions[i];
            if (option == u"-c"_s && i + 1 < command.gitGlobalOptions.size()) {
                const QString key = command.gitGlobalOptions[i + 1].section(u'=', 0, 0);
                if (!isSafeGitConfigKey(key))
                    risks << risk(u"git-config-program"_s, u"git -c %1 can make git run a program"_s.arg(key));
            } else if (option.startsWith(u"--config-env"_s) || option.startsWith(u"--exec-path"_s)) {
                risks << risk(u"git-config-program"_s, u"git %1 can make git run a program"_s.arg(option));
            } else if (option.startsWith(u"--git-dir"_s) || option.startsWith(u"--work-tree"_s) || option == u"--bare"_s) {
                risks << risk(u"git-dir"_s, u"git %1 works on another repository, whose hooks may run"_s.arg(option));
            } else if (option.startsWith(u'-') && !isKnownGitGlobalOption(option)) {
                // Fail closed: what an option Gatehouse has not read does cannot be told.
                risks << risk(u"git-option"_s, u"git %1 is a global option Gatehouse does not know"_s.arg(option));
            }
            static const QSet<QString> withValue = setOf({u"-C", u"-c", u"--git-dir", u"--work-tree", u"--namespace",
                                                          u"--super-prefix", u"--config-env", u"--exec-path",
                                                          u"--list-cmds", u"--attr-source"});
            if (withValue.contains(option))
                ++i; // its value, moved aside with it
        }
        risks << optionRisks(command);
        if (!args.isEmpty()) {
            const QString sub = args.first().text;
            static const QSet<QString> network = setOf({u"clone", u"fetch", u"pull", u"push", u"ls-remote", u"archive"});
            if (network.contains(sub) || (sub == u"remote"_s && args.size() > 1 && (args[1].text == u"update"_s || args[1].text == u"show"_s))
                || (sub == u"submodule"_s && args.size() > 1 && args[1].text == u"update"_s))
                risks << risk(u"network"_s, u"git %1 contacts another host"_s.arg(sub));
            if ((sub == u"submodule"_s && args.size() > 1 && args[1].text == u"foreach"_s) || (sub == u"bisect"_s && args.size() > 1 && args[1].text == u"run"_s))
                risks << risk(u"runs-program"_s, u"git %1 runs a command"_s.arg(sub));
        }
    }
    if (name == u"tar"_s || name == u"rsync"_s || name == u"zip"_s || name == u"ssh"_s || name == u"scp"_s) {
        for (const Word &word : args) {
            const QString t = word.text;
            if (t.startsWith(u"--to-command"_s) || t.startsWith(u"--checkpoint-action"_s) || t.startsWith(u"--use-compress-program"_s)
                || t == u"-I"_s || t.startsWith(u"--info-script"_s) || t.startsWith(u"--new-volume-script"_s)
                || t == u"-e"_s || t.startsWith(u"--rsh"_s) || t.startsWith(u"--rsync-path"_s) || t == u"-TT"_s
                || t.startsWith(u"--unzip-command"_s) || t.contains(u"ProxyCommand"_s, Qt::CaseInsensitive)
                || t.contains(u"LocalCommand"_s, Qt::CaseInsensitive))
                risks << risk(u"program-argument"_s, u"%1 %2 names a program to run"_s.arg(name, t));
        }
    }
    if (isNetworkTool(name))
        risks << risk(u"network"_s, u"%1 reaches the network"_s.arg(name));
    if (name != u"git"_s)
        risks << optionRisks(command);

    return risks;
}

QList<Risk> textRisks(const QString &text)
{
    QList<Risk> risks;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u >= 0x20 && u < 0x7f) || u == u'\t' || u == u'\n')
            continue; // printable ASCII: the common case
        const bool control = (u < 0x20 && u != u'\t' && u != u'\n') || u == 0x7f || (u >= 0x80 && u <= 0x9f);
        const bool bidi = u == 0x061c || u == 0x200e || u == 0x200f || (u >= 0x202a && u <= 0x202e)
                          || (u >= 0x2066 && u <= 0x2069);
        const bool invisible = (u >= 0x200b && u <= 0x200d) || u == 0x2060 || u == 0xfeff || u == 0x180e || u == 0x00ad
                               || u == 0xffff || u == 0xfffe || (u >= 0xfff9 && u <= 0xfffb);
        if (control || bidi || invisible) {
            risks << risk(u"hidden-characters"_s,
                          u"the command contains the invisible or control character U+%1, which can hide what runs"_s.arg(
                              QString::number(u, 16).toUpper().rightJustified(4, u'0')));
            break;
        }
    }
    if (text.contains(u'$') && (text.contains(u"$IFS"_s) || text.contains(u"${IFS"_s) || text.contains(u"${!"_s)))
        risks << risk(u"ifs"_s, u"the command uses $IFS or indirect expansion, which hide what runs"_s);
    return risks;
}

} // namespace gatehouse::shell
