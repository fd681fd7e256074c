// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/describe.h"

#include <QUrl>

#include <algorithm>
#include <span>

namespace gatehouse::shell {
namespace {

using namespace Qt::StringLiterals;

using Words = std::span<const Word>; // a part of a command's words, not a copy

QList<Word> operands(Words args)
{
    QList<Word> result;
    bool end = false;
    for (const Word &word : args) {
        if (!end && word.text == u"--"_s) {
            end = true;
            continue;
        }
        if (!end && word.text.startsWith(u'-') && word.text.size() > 1)
            continue;
        result << word;
    }
    return result;
}

QString list(Words words)
{
    QStringList texts;
    texts.reserve(qsizetype(words.size()));
    for (const Word &word : words)
        texts << word.text;
    if (texts.size() <= 1)
        return texts.join(QString());
    const QString last = texts.takeLast();
    return texts.join(u", "_s) + u" and "_s + last;
}

bool hasFlag(Words args, QChar letter, const QString &longName = {})
{
    for (const Word &word : args) {
        if (word.text == u"--"_s)
            break;
        if (!longName.isEmpty() && word.text == longName)
            return true;
        if (word.text.startsWith(u'-') && !word.text.startsWith(u"--"_s) && word.text.contains(letter))
            return true;
    }
    return false;
}

QString hostOf(const QString &text)
{
    const QUrl url = QUrl::fromUserInput(text);
    return url.host().isEmpty() ? text : url.host();
}

QString describeCurl(const QString &name, Words args)
{
    QStringList sent;
    QString target;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const QString &t = args[i].text;
        const bool takesValue = t == u"-d"_s || t == u"--data"_s || t == u"--data-binary"_s || t == u"--data-raw"_s
                                || t == u"--data-urlencode"_s || t == u"-F"_s || t == u"--form"_s || t == u"-T"_s
                                || t == u"--upload-file"_s || t == u"-o"_s || t == u"--output"_s || t == u"-H"_s
                                || t == u"--header"_s || t == u"-X"_s || t == u"--request"_s || t == u"-u"_s
                                || t == u"--user"_s || t == u"-O"_s;
        if (takesValue && i + 1 < args.size()) {
            const QString value = args[i + 1].text;
            if (t == u"-T"_s || t == u"--upload-file"_s)
                sent << value;
            else if (value.contains(u'@') && (t.startsWith(u"-d"_s) || t.startsWith(u"--data"_s) || t == u"-F"_s || t == u"--form"_s))
                sent << value.mid(value.indexOf(u'@') + 1).section(u';', 0, 0);
            if (t != u"-O"_s)
                ++i;
            continue;
        }
        if (!t.startsWith(u'-') && target.isEmpty())
            target = t;
    }
    if (target.isEmpty())
        return u"runs "_s + name;
    if (!sent.isEmpty()) {
        if (sent == QStringList{u"-"_s})
            return u"sends its input to "_s + hostOf(target);
        return u"sends the file "_s + sent.join(u", "_s) + u" to "_s + hostOf(target);
    }
    return (name == u"wget"_s ? u"downloads "_s : u"fetches "_s) + target;
}

QString describeGit(Words args)
{
    if (args.empty())
        return u"runs git"_s;
    const QString &sub = args.front().text;
    const QList<Word> rest = operands(args.subspan(1));
    if (sub == u"status"_s)
        return u"shows the state of the git working tree"_s;
    if (sub == u"diff"_s)
        return u"shows changes in the git working tree"_s;
    if (sub == u"log"_s)
        return u"shows the git history"_s;
    if (sub == u"show"_s)
        return u"shows a git commit"_s;
    if (sub == u"add"_s)
        return u"stages "_s + (rest.isEmpty() ? u"changes"_s : list(rest)) + u" for the next git commit"_s;
    if (sub == u"commit"_s)
        return u"records a git commit"_s;
    if (sub == u"push"_s)
        return u"pushes git commits to "_s + (rest.isEmpty() ? u"the remote"_s : list(rest));
    if (sub == u"pull"_s || sub == u"fetch"_s)
        return u"downloads git commits from "_s + (rest.isEmpty() ? u"the remote"_s : list(rest));
    if (sub == u"clone"_s)
        return u"clones the git repository "_s + (rest.isEmpty() ? QString() : rest.first().text);
    if (sub == u"checkout"_s || sub == u"switch"_s)
        return u"switches the working tree to "_s + (rest.isEmpty() ? u"another revision"_s : list(rest));
    if (sub == u"reset"_s)
        return hasFlag(args, u'\0', u"--hard"_s) ? u"resets the working tree, discarding uncommitted changes"_s
                                                 : u"moves the current git branch"_s;
    if (sub == u"branch"_s)
        return u"lists or changes git branches"_s;
    return u"runs git "_s + sub;
}

} // namespace

QString describeCommand(const NormalisedCommand &command, const SimpleCommand &source)
{
    if (command.dynamicName)
        return u"runs a program whose name is decided at run time"_s;
    QString text;
    const QString name = command.name();
    const Words args = command.words.isEmpty() ? Words() : Words(command.words).subspan(1);
    const QList<Word> files = operands(args);
    if (command.words.isEmpty()) {
        QStringList names;
        for (const Assignment &assignment : command.assignments)
            names << assignment.name;
        text = names.isEmpty() ? u"does nothing"_s : (u"sets the shell variable "_s + names.join(u", "_s));
    } else if (isRemoval(name)) {
        const bool recursive = hasFlag(args, u'r', u"--recursive"_s) || hasFlag(args, u'R');
        QStringList parts;
        for (const Word &file : files) {
            if (!file.isStatic())
                parts << (file.text + u" (decided at run time)"_s);
            else if (recursive || name == u"rmdir"_s)
                parts << u"the folder "_s + file.text + u" and everything in it"_s;
            else
                parts << file.text;
        }
        text = parts.isEmpty() ? u"deletes nothing"_s : (u"deletes "_s + parts.join(u", "_s));
        if (name == u"shred"_s)
            text = u"overwrites and "_s + text;
    } else if (name == u"curl"_s || name == u"wget"_s) {
        text = describeCurl(name, args);
    } else if (name == u"git"_s) {
        text = describeGit(args);
    } else if (name == u"cat"_s || name == u"head"_s || name == u"tail"_s || name == u"less"_s) {
        text = files.isEmpty() ? u"prints its input"_s : (u"prints "_s + list(files));
    } else if (name == u"ls"_s) {
        text = files.isEmpty() ? u"lists the current folder"_s : (u"lists "_s + list(files));
    } else if (name == u"cd"_s) {
        text = files.isEmpty() ? u"goes to the home folder"_s : (u"goes to the folder "_s + files.first().text);
    } else if (name == u"mkdir"_s) {
        text = u"creates the folder "_s + list(files);
    } else if (name == u"touch"_s) {
        text = u"creates or updates "_s + list(files);
    } else if ((name == u"cp"_s || name == u"mv"_s) && files.size() >= 2) {
        text = (name == u"cp"_s ? u"copies "_s : u"moves "_s) + list(Words(files).first(std::size_t(files.size() - 1))) + u" to "_s
               + files.last().text;
    } else if (name == u"chmod"_s && files.size() >= 2) {
        text = u"changes the permissions of "_s + list(Words(files).subspan(1)) + u" to "_s + files.first().text;
    } else if ((name == u"grep"_s || name == u"rg"_s) && !files.isEmpty()) {
        text = u"searches for "_s + files.first().text
               + (files.size() > 1 ? QString(u" in "_s + list(Words(files).subspan(1))) : QString());
    } else if (name == u"find"_s) {
        const auto has = [&args](std::initializer_list<const char16_t *> actions) {
            return std::any_of(args.begin(), args.end(), [&actions](const Word &word) {
                return std::any_of(actions.begin(), actions.end(), [&word](const char16_t *a) { return word.text == QStringView(a); });
            });
        };
        QStringList actions;
        if (has({u"-delete"}))
            actions << u"deletes them"_s;
        if (has({u"-exec", u"-execdir", u"-ok", u"-okdir"}))
            actions << u"runs a command on each"_s;
        if (has({u"-fprint", u"-fprint0", u"-fprintf", u"-fls"}))
            actions << u"writes the list to a file"_s;
        text = actions.isEmpty() ? u"finds files"_s : u"finds files and "_s + actions.join(u" and "_s);
    } else if ((name == u"npm"_s || name == u"pnpm"_s || name == u"yarn"_s || name == u"bun"_s) && !files.isEmpty()) {
        const QString sub = files.first().text;
        if ((sub == u"run"_s || sub == u"run-script"_s) && files.size() > 1)
            text = u"runs the package script \""_s + files[1].text + u"\""_s;
        else if (sub == u"install"_s || sub == u"i"_s || sub == u"add"_s || sub == u"ci"_s)
            text = u"installs packages"_s + (files.size() > 1 ? QString(u" "_s + list(Words(files).subspan(1))) : QString());
        else if (sub == u"test"_s || sub == u"t"_s)
            text = u"runs the package's tests"_s;
        else
            text = u"runs "_s + name + u" "_s + sub;
    } else if (name == u"make"_s || name == u"ninja"_s || name == u"cmake"_s || name == u"cargo"_s || name == u"go"_s) {
        text = u"runs the build tool "_s + name + (files.isEmpty() ? QString() : QString(u" ("_s + files.first().text + u')'));
    } else if (name == u"echo"_s || name == u"printf"_s) {
        text = u"prints text"_s;
    } else if (isShellOrInterpreter(name)) {
        text = u"runs "_s + name + u" code"_s;
    } else {
        QStringList shown;
        for (const Word &word : args.first(std::min<std::size_t>(args.size(), 6)))
            shown << word.text;
        text = shown.isEmpty() ? u"runs "_s + name : QString(u"runs "_s + name + u" with "_s + shown.join(u' '));
        if (args.size() > 6)
            text += u" …"_s;
    }
    if (command.privileged)
        text += u" (as another user, with sudo)"_s;
    // "\time -o .git/config git status" is not only "shows the state...": say what the wrapper writes.
    for (const Word &file : command.wrapperWrites)
        text += u", and its wrapper writes to "_s + file.text;

    for (const Redirection &redirection : source.redirections) {
        const QString target = redirection.target.text;
        if (redirection.op == u">"_s || redirection.op == u">|"_s || redirection.op == u"&>"_s) {
            if (target != u"/dev/null"_s)
                text += u", writing the output to "_s + target;
        } else if (redirection.op == u">>"_s || redirection.op == u"&>>"_s) {
            if (target != u"/dev/null"_s)
                text += u", appending the output to "_s + target;
        } else if (redirection.op == u"<"_s) {
            text += u", reading "_s + target;
        }
    }
    if (source.context == CommandContext::CommandSubstitution)
        text += u" (its output becomes part of another command)"_s;
    if (source.background)
        text += u" (in the background)"_s;
    return text;
}

QString describeCommands(const QStringList &descriptions)
{
    if (descriptions.isEmpty())
        return u"does nothing"_s;
    QString text = descriptions.first();
    for (qsizetype i = 1; i < descriptions.size(); ++i)
        text += u"; then "_s + descriptions[i];
    return text;
}

} // namespace gatehouse::shell
