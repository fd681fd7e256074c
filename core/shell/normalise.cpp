// SPDX-License-Identifier: GPL-3.0-or-later
// Normalising a simple command before rules see it (SECURITY-MODEL.md section 4, step 3).
#include "shell/commands.h"
#include "shell/commandsupport_p.h"

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

// Strips the wrappers that only change scheduling; with @p stripPrivilege also sudo and doas.
void stripWrappers(NormalisedCommand &n, QList<Word> &words, bool stripPrivilege)
{
    for (int guard = 0; guard < 64 && !words.isEmpty(); ++guard) {
        if (!words.first().isStatic()) {
            n.dynamicName = true;
            return;
        }
        const QString name = programName(words.first().text);
        if (name.size() != words.first().text.size())
            words.first().text = name; // only then: writing detaches (copies) the shared list
        if (name == u"command"_s) {
            if (words.size() > 1 && (words[1].text == u"-v"_s || words[1].text == u"-V"_s))
                return; // a lookup: "command -v x" only prints where x is
            words.removeFirst();
            skipOptions(words, {});
        } else if (name == u"builtin"_s || name == u"nohup"_s) {
            words.removeFirst();
        } else if (name == u"time"_s) {
            words.removeFirst();
            skipOptions(words, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-f", u"--format", u"-o", u"--output"}); return set; }());
        } else if (name == u"nice"_s) {
            words.removeFirst();
            skipOptions(words, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-n", u"--adjustment"}); return set; }());
        } else if (name == u"timeout"_s) {
            words.removeFirst();
            skipOptions(words, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-s", u"--signal", u"-k", u"--kill-after"}); return set; }());
            if (!words.isEmpty())
                words.removeFirst(); // the duration
        } else if (name == u"stdbuf"_s) {
            words.removeFirst();
            skipOptions(words, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-i", u"-o", u"-e", u"--input", u"--output", u"--error"}); return set; }());
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
                    static const QSet<QString> withValue = setOf({u"-u", u"--unset", u"-C", u"--chdir", u"-S", u"--split-string", u"-P"});
                    if (withValue.contains(text) && !rest.isEmpty())
                        n.envOptions << rest.takeFirst().text;
                } else {
                    break;
                }
            }
            if (rest.isEmpty())
                return; // "env" alone prints the environment: keep it as it is
            words = rest;
        } else if (stripPrivilege && (name == u"sudo"_s || name == u"doas"_s)) {
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
    stripWrappers(n, words, false);
    moveGitOptionsAside(n, words);
    n.words = words;

    // The deny forms: as written (program path reduced to its base name), and without sudo.
    // (Most commands are written in their normal form already: then there is nothing to add.)
    const bool sameAsNormal = command.words.size() == n.words.size()
                              && (command.words.isEmpty() || !command.words.first().isStatic()
                                  || baseName(command.words.first().text) == n.words.first().text);
    if (!sameAsNormal) {
        QList<Word> written = command.words;
        if (!written.isEmpty() && written.first().isStatic())
            written.first().text = baseName(written.first().text);
        n.denyForms << written;
    }
    if (n.privileged) {
        NormalisedCommand scratch;
        QList<Word> unprivileged = command.words;
        stripWrappers(scratch, unprivileged, true);
        moveGitOptionsAside(scratch, unprivileged);
        if (!unprivileged.isEmpty() && unprivileged.first().isStatic())
            unprivileged.first().text = baseName(unprivileged.first().text);
        n.denyForms << unprivileged;
    }
    return n;
}

} // namespace gatehouse::shell
