// SPDX-License-Identifier: GPL-3.0-or-later
// Normalising a simple command before rules see it (SECURITY-MODEL.md section 4, step 3).
#include "shell/commands.h"
#include "shell/commandsupport_p.h"
#include "shell/options_p.h"

#include <algorithm>

namespace gatehouse::shell {

using namespace Qt::StringLiterals;
using namespace detail;

namespace {

// Folders whose programs are the ones a bare name finds: /bin/rm is rm, ./rm is not.
bool isSystemBinFolder(QStringView folder)
{
    static const QSet<QString> folders = setOf({u"/bin", u"/usr/bin", u"/usr/local/bin", u"/sbin", u"/usr/sbin",
                                                u"/usr/local/sbin", u"/opt/homebrew/bin", u"/usr/libexec"});
    return folders.contains(folder.toString());
}

QString baseName(const QString &path)
{
    const qsizetype slash = path.lastIndexOf(u'/');
    return slash < 0 ? path : path.mid(slash + 1);
}

QString programName(const QString &text)
{
    const qsizetype slash = text.lastIndexOf(u'/');
    if (slash <= 0)
        return text;
    return isSystemBinFolder(QStringView(text).left(slash)) ? text.mid(slash + 1) : text;
}

// Removes options of a wrapper from the front of @p words (already without the wrapper's
// name). @p withValue lists the short and long options that take a separate value.
void skipOptions(QList<Word> &words, const QSet<QString> &withValue)
{
    while (!words.isEmpty() && isOption(words.first())) {
        const QString option = words.first().text;
        words.removeFirst();
        if (option == u"--"_s)
            break;
        if (withValue.contains(option) && !words.isEmpty())
            words.removeFirst();
    }
}

Assignment assignmentFrom(const Word &word)
{
    Assignment assignment;
    const qsizetype equals = word.text.indexOf(u'=');
    assignment.name = word.text.left(equals);
    assignment.value = word;
    assignment.value.text = word.text.mid(equals + 1);
    return assignment;
}

// A wrapper that normalise strips, with all its options (read like getopt_long, abbreviations
// included) and those of them that change nothing but scheduling. With any other option (an
// output file, a format, one this table does not know) the wrapper is not stripped for allow
// rules: "time -o .git/config -a -f TEXT git status" appends to .git/config, so it is not
// "git status". Deny and ask rules still see past it (the lenient form).
struct WrapperSpec
{
    QString name;
    detail::OptionTable options;
    QSet<QString> scheduling;   ///< option keys that change nothing but scheduling
    int operands = 0;           ///< words after the options that are the wrapper's (timeout's duration)
    QSet<QString> writes = {};  ///< option keys whose value is a file it writes
};

const QList<WrapperSpec> &wrapperSpecs()
{
    static const QList<WrapperSpec> specs = [] {
        QList<WrapperSpec> list;
        // GNU time (/usr/bin/time, reached as \time, command time, nice time...; the bash
        // keyword takes -p only and is the parser's): -o/-a write a file, -f is a format.
        list << WrapperSpec{u"time"_s, detail::OptionTable({u"p,portability", u"o,output=", u"a,append", u"f,format=",
                                                             u"v,verbose", u"q,quiet", u",help", u"V,version"}),
                            setOf({u"portability", u"verbose", u"quiet"}), 0, setOf({u"output"})};
        list << WrapperSpec{u"nice"_s, detail::OptionTable({u"n,adjustment=", u",help", u",version"}, true),
                            setOf({u"adjustment", u"#"}), 0};
        list << WrapperSpec{u"timeout"_s, detail::OptionTable({u"s,signal=", u"k,kill-after=", u",preserve-status",
                                                                u",foreground", u"v,verbose", u",help", u",version"}),
                            setOf({u"signal", u"kill-after", u"preserve-status", u"foreground", u"verbose"}), 1};
        // stdbuf's --output is a buffering mode, not a file.
        list << WrapperSpec{u"stdbuf"_s, detail::OptionTable({u"i,input=", u"o,output=", u"e,error=", u",help", u",version"}),
                            setOf({u"input", u"output", u"error"}), 0};
        // command -p searches the default PATH; -v and -V are handled before (lookups).
        list << WrapperSpec{u"command"_s, detail::OptionTable({u"p", u"v", u"V"}), setOf({u"p"}), 0};
        list << WrapperSpec{u"builtin"_s, detail::OptionTable(std::initializer_list<const char16_t *>{}), {}, 0};
        // nohup writes nohup.out (in the current folder, else in $HOME) when its output is a
        // terminal, which the policy cannot know: stripped for allow rules only when the
        // command's standard output is redirected (see stripWrappers).
        list << WrapperSpec{u"nohup"_s, detail::OptionTable({u",help", u",version"}), {}, 0};
        // Not stripped for allow rules (risks.cpp counts them as running programs), but deny
        // rules see past them: "taskset 1 rm -rf x" is "rm -rf x".
        list << WrapperSpec{u"ionice"_s, detail::OptionTable({u"c,class=", u"n,classdata=", u"p,pid", u"P,pgid",
                                                               u"t,ignore", u"u,uid", u"h,help", u"V,version"}),
                            {}, 0};
        return list;
    }();
    return specs;
}

const WrapperSpec *wrapperSpec(const QString &name)
{
    for (const WrapperSpec &spec : wrapperSpecs())
        if (spec.name == name)
            return &spec;
    return nullptr;
}

// The wrapper's options at the front of @p words (without its name), read like getopt_long
// with "+" (they end at the first operand or "--"): how many words they take, and whether all
// of them only change scheduling.
struct WrapperOptions
{
    qsizetype words = 0;
    bool schedulingOnly = true;
    QList<Word> writes; ///< the values of options that name a file it writes
};

WrapperOptions readWrapperOptions(const QList<Word> &words, const WrapperSpec &spec)
{
    WrapperOptions result;
    qsizetype i = 0;
    while (i < words.size() && isOption(words[i])) {
        const QString &text = words[i].text;
        ++i;
        if (text == u"--"_s)
            break;
        if (!words[i - 1].isStatic())
            result.schedulingOnly = false;
        if (text.startsWith(u"--"_s)) {
            const qsizetype equals = text.indexOf(u'=');
            bool ambiguous = false;
            const detail::OptionSpec *option = spec.options.longOption(QStringView(text).mid(2, equals < 0 ? -1 : equals - 2), &ambiguous);
            if (!option) {
                result.schedulingOnly = false;
                continue;
            }
            result.schedulingOnly &= spec.scheduling.contains(option->key);
            if (equals >= 0) {
                if (spec.writes.contains(option->key)) {
                    Word value = words[i - 1];
                    value.text = text.mid(equals + 1);
                    result.writes << value;
                }
            } else if (option->value == detail::OptionValue::Required && i < words.size()) {
                if (spec.writes.contains(option->key))
                    result.writes << words[i];
                ++i;
            }
            continue;
        }
        if (spec.options.numberOptions() && isAsciiNumber(QStringView(text).mid(1))) {
            result.schedulingOnly &= spec.scheduling.contains(u"#"_s);
            continue;
        }
        for (qsizetype k = 1; k < text.size(); ++k) {
            const detail::OptionSpec *option = spec.options.shortOption(text[k]);
            if (!option) {
                result.schedulingOnly = false;
                break;
            }
            result.schedulingOnly &= spec.scheduling.contains(option->key);
            if (option->value != detail::OptionValue::None) {
                Word value = words[i - 1];
                value.text = text.mid(k + 1);
                if (k + 1 == text.size() && option->value == detail::OptionValue::Required && i < words.size())
                    value = words[i++];
                if (spec.writes.contains(option->key))
                    result.writes << value;
                break;
            }
        }
    }
    result.words = i;
    return result;
}

// Whether the command's standard output goes to a file or another descriptor.
bool stdoutRedirected(const SimpleCommand &command)
{
    for (const Redirection &redirection : command.redirections) {
        const QString &op = redirection.op;
        const bool output = op == u">"_s || op == u">>"_s || op == u">|"_s || op == u"&>"_s || op == u"&>>"_s
                            || op == u">&"_s;
        if (output && (redirection.fd < 0 || redirection.fd == 1))
            return true;
    }
    return false;
}

enum class Strip : std::uint8_t {
    Wrappers,  ///< the wrappers of section 4 step 3, with all their options (the allow form)
    Runners,   ///< also ionice, chrt and taskset (deny and ask rules see past them)
    Privilege, ///< also sudo and doas
};

// What the options of a stripped wrapper do beyond scheduling, for a person; empty when nothing.
QString wrapperEffect(const QString &name, const QList<Word> &rest, const WrapperOptions &options,
                      const SimpleCommand &source)
{
    if (name == u"nohup"_s && !stdoutRedirected(source))
        return u"nohup writes its output to nohup.out (in the current folder, else the home folder) when it is a terminal"_s;
    if (options.schedulingOnly)
        return {};
    QStringList shown;
    for (qsizetype i = 0; i < options.words && i < rest.size(); ++i)
        shown << rest[i].raw;
    return u"%1 %2 does more than change scheduling (it may write a file or change what runs)"_s.arg(name, shown.join(u' '));
}

// Strips the wrappers (section 4, step 3) as @p strip says. The effects of a wrapper's options
// beyond scheduling go to n.wrapperEffects.
void stripWrappers(NormalisedCommand &n, QList<Word> &words, Strip strip, const SimpleCommand &source)
{
    for (int guard = 0; guard < 64 && !words.isEmpty(); ++guard) {
        if (!words.first().isStatic()) {
            n.dynamicName = true;
            return;
        }
        const QString name = programName(words.first().text);
        if (name.size() != words.first().text.size())
            words.first().text = name; // only then: writing detaches (copies) the shared list
        if (name == u"command"_s && words.size() > 1 && (words[1].text == u"-v"_s || words[1].text == u"-V"_s))
            return; // a lookup: "command -v x" only prints where x is
        const WrapperSpec *spec = wrapperSpec(name);
        if (spec && (name != u"ionice"_s || strip != Strip::Wrappers)) {
            const QList<Word> rest = words.mid(1);
            const WrapperOptions options = readWrapperOptions(rest, *spec);
            if (const QString effect = wrapperEffect(name, rest, options, source); !effect.isEmpty())
                n.wrapperEffects << effect;
            n.wrapperWrites << options.writes;
            words = rest.mid(std::min(rest.size(), options.words + spec->operands));
            n.wrappers << name;
        } else if (name == u"env"_s) {
            QList<Word> rest = words.mid(1);
            while (!rest.isEmpty()) {
                const QString text = rest.first().text;
                if (looksLikeAssignment(text)) {
                    n.assignments << assignmentFrom(rest.first());
                    rest.removeFirst();
                } else if (text == u"--"_s || text == u"-"_s) {
                    n.envOptions << text;
                    rest.removeFirst();
                } else if (isOption(rest.first())) {
                    n.envOptions << text;
                    rest.removeFirst();
                    // The options that take a value, abbreviated or not ("--ch DIR" is --chdir).
                    static const QStringList withValue = {u"-u"_s, u"-C"_s, u"-S"_s, u"-P"_s};
                    static const QStringList longWithValue = {u"--unset"_s, u"--chdir"_s, u"--split-string"_s};
                    const bool takesValue = withValue.contains(text)
                                            || (text.size() > 3 && !text.contains(u'=')
                                                && std::any_of(longWithValue.begin(), longWithValue.end(),
                                                               [&text](const QString &o) { return o.startsWith(text); }));
                    if (takesValue && !rest.isEmpty())
                        n.envOptions << rest.takeFirst().text;
                } else {
                    break;
                }
            }
            if (rest.isEmpty())
                return; // "env" alone prints the environment: keep it as it is
            words = rest;
            n.wrappers << name;
        } else if (strip != Strip::Wrappers && (name == u"chrt"_s || name == u"taskset"_s)) {
            // chrt [options] PRIORITY cmd, taskset [options] MASK cmd: deny rules see past them.
            words.removeFirst();
            skipOptions(words, setOf({u"-T", u"--sched-runtime", u"-P", u"--sched-period", u"-D", u"--sched-deadline"}));
            if (!words.isEmpty())
                words.removeFirst();
            n.wrappers << name;
        } else if (strip == Strip::Privilege && (name == u"sudo"_s || name == u"doas"_s)) {
            words.removeFirst();
            skipOptions(words, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-u", u"--user", u"-g", u"--group", u"-C", u"--close-from", u"-D", u"--chdir",
                                      u"-h", u"--host", u"-p", u"--prompt", u"-r", u"--role", u"-t", u"--type",
                                      u"-T", u"--command-timeout"}); return set; }());
        } else {
            if (name == u"sudo"_s || name == u"doas"_s)
                n.privileged = true;
            return;
        }
    }
}

// git's global options go aside, so that "git -C x commit" is seen as "git commit".
void moveGitOptionsAside(NormalisedCommand &n, QList<Word> &words)
{
    if (words.isEmpty() || words.first().text != u"git"_s)
        return;
    static const QSet<QString> withValue = setOf({u"-C", u"-c", u"--git-dir", u"--work-tree", u"--namespace",
                                                  u"--super-prefix", u"--config-env", u"--exec-path", u"--list-cmds",
                                                  u"--attr-source"});
    qsizetype i = 1;
    while (i < words.size() && isOption(words[i])) {
        const QString option = words[i].text;
        if (option == u"--version"_s || option == u"--help"_s || option == u"-h"_s)
            break;
        n.gitGlobalOptions << option;
        words.removeAt(i);
        if (withValue.contains(option) && !option.contains(u'=') && i < words.size()) {
            n.gitGlobalOptions << words[i].text;
            words.removeAt(i);
        }
    }
}

} // namespace

NormalisedCommand normalise(const SimpleCommand &command)
{
    NormalisedCommand n;
    n.assignments = command.assignments;
    QList<Word> words = command.words;
    stripWrappers(n, words, Strip::Wrappers, command);
    moveGitOptionsAside(n, words);
    n.words = words;

    const auto baseForm = [](QList<Word> form) {
        if (!form.isEmpty() && form.first().isStatic())
            form.first().text = baseName(form.first().text);
        return form;
    };
    // The deny forms: as written (program path reduced to its base name), past ionice, chrt
    // and taskset, and without sudo. (Most commands are written in their normal form
    // already: then there is nothing to add.)
    const bool sameAsNormal = command.words.size() == n.words.size()
                              && (command.words.isEmpty() || !command.words.first().isStatic()
                                  || baseName(command.words.first().text) == n.words.first().text);
    if (!sameAsNormal)
        n.denyForms << baseForm(command.words);
    const auto addForm = [&n, &command, &baseForm](Strip strip) {
        NormalisedCommand scratch;
        QList<Word> stripped = command.words;
        stripWrappers(scratch, stripped, strip, command);
        moveGitOptionsAside(scratch, stripped);
        stripped = baseForm(stripped);
        const auto same = [&stripped](const QList<Word> &form) {
            if (form.size() != stripped.size())
                return false;
            for (qsizetype i = 0; i < form.size(); ++i)
                if (form[i].text != stripped[i].text)
                    return false;
            return true;
        };
        if (!same(n.words) && std::none_of(n.denyForms.begin(), n.denyForms.end(), same))
            n.denyForms << stripped;
    };
    addForm(Strip::Runners);
    if (n.privileged)
        addForm(Strip::Privilege);
    return n;
}

} // namespace gatehouse::shell
