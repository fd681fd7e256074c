// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/commands.h"

#include <QSet>

namespace gatehouse::shell {
namespace {

using namespace Qt::StringLiterals;

QSet<QString> setOf(std::initializer_list<const char16_t *> names)
{
    QSet<QString> set;
    for (const char16_t *name : names)
        set.insert(QString::fromUtf16(name));
    return set;
}

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

bool isOption(const Word &word) { return word.text.startsWith(u'-') && word.text.size() > 1; }

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

// Strips the wrappers that only change scheduling; with @p stripPrivilege also sudo and doas.
void stripWrappers(NormalisedCommand &n, QList<Word> &words, bool stripPrivilege)
{
    for (int guard = 0; guard < 64 && !words.isEmpty(); ++guard) {
        if (!words.first().isStatic()) {
            n.dynamicName = true;
            return;
        }
        const QString name = programName(words.first().text);
        words.first().text = name;
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
                    static const QSet<QString> withValue = setOf({u"-u", u"--unset", u"-C", u"--chdir", u"-S", u"--split-string"});
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
                                                  u"--super-prefix", u"--config-env", u"--exec-path", u"--list-cmds"});
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
    QList<Word> written = command.words;
    if (!written.isEmpty() && written.first().isStatic())
        written.first().text = baseName(written.first().text);
    n.denyForms << written;
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

// ------------------------------------------------------------------------------ read-only

namespace {

ReadOnlyUse notReadOnly(const QString &why)
{
    ReadOnlyUse use;
    use.readOnly = false;
    use.whyNot = why;
    return use;
}

ReadOnlyUse readOnlyWith(QList<Word> files, bool readsContent = true)
{
    ReadOnlyUse use;
    use.readOnly = true;
    use.files = std::move(files);
    use.readsContent = readsContent;
    return use;
}

// The positional arguments (not options; all after "--"), skipping the values of options in
// @p withValue.
QList<Word> positional(const QList<Word> &args, const QSet<QString> &withValue = {})
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

bool hasOption(const QList<Word> &args, std::initializer_list<const char16_t *> options, bool prefix = false)
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
        if (i >= n)
            return true;
        // addresses: numbers, $, /re/, \cREc, with , ~ + and !
        while (i < n) {
            const QChar c = script[i];
            if (c.isDigit() || c == u'$' || c == u',' || c == u'~' || c == u'+' || c == u'!' || c == u' ') {
                ++i;
            } else if (c == u'/') {
                ++i;
                if (!skipDelimited(u'/'))
                    return false;
                while (i < n && (script[i] == u'I' || script[i] == u'M'))
                    ++i;
            } else if (c == u'\\' && i + 1 < n) {
                const QChar delimiter = script[i + 1];
                i += 2;
                if (!skipDelimited(delimiter))
                    return false;
            } else {
                break;
            }
        }
        if (i >= n)
            return true;
        const QChar command = script[i++];
        if (command == u's') {
            if (i >= n)
                return false;
            const QChar delimiter = script[i++];
            if (!skipDelimited(delimiter) || !skipDelimited(delimiter))
                return false;
            while (i < n && script[i] != u';' && script[i] != u'\n' && script[i] != u'}') {
                if (script[i] == u'w' || script[i] == u'W' || script[i] == u'e')
                    return false;
                ++i;
            }
        } else if (command == u'y') {
            if (i >= n)
                return false;
            const QChar delimiter = script[i++];
            if (!skipDelimited(delimiter) || !skipDelimited(delimiter))
                return false;
        } else if (command == u'a' || command == u'i' || command == u'c' || command == u'#' || command == u':'
                   || command == u'b' || command == u't' || command == u'T') {
            while (i < n && script[i] != u'\n' && (command == u'a' || command == u'i' || command == u'c'
                                                    || command == u'#' || script[i] != u';'))
                ++i;
        } else if (QStringView(u"pPdDnNgGhHxlq=Qz{}F").contains(command)) {
            while (i < n && script[i].isDigit())
                ++i;
        } else {
            return false; // w W e r R v and anything unknown
        }
    }
}

bool isSafeAwkProgram(const QString &program)
{
    return !program.contains(u"system"_s) && !program.contains(u'|') && !program.contains(u"getline"_s)
           && !program.contains(u'>') && !program.contains(u"close("_s) && !program.contains(u"fflush"_s);
}

ReadOnlyUse gitReadOnly(const QList<Word> &args)
{
    if (args.isEmpty())
        return notReadOnly(u"git without a subcommand"_s);
    const QString sub = args.first().text;
    const QList<Word> rest = args.mid(1);
    const QList<Word> pos = positional(rest);
    static const QSet<QString> plain = setOf({u"status", u"shortlog", u"describe", u"rev-parse", u"rev-list", u"ls-files",
                                              u"ls-tree", u"blame", u"annotate", u"cat-file", u"merge-base", u"name-rev",
                                              u"count-objects", u"for-each-ref", u"show-ref", u"check-ignore",
                                              u"check-attr", u"version", u"whatchanged", u"show-branch", u"cherry",
                                              u"diff-tree", u"diff-files", u"diff-index", u"grep", u"log", u"show", u"diff"});
    if (plain.contains(sub)) {
        if (hasOption(rest, {u"--output", u"--ext-diff", u"--no-index", u"-O", u"--open-files-in-pager", u"--textconv"}))
            return notReadOnly(u"git %1 with an option that writes a file or runs a program"_s.arg(sub));
        return readOnlyWith({}, true);
    }
    if (sub == u"branch"_s) {
        if (hasOption(rest, {u"-d", u"-D", u"--delete", u"-m", u"-M", u"--move", u"-c", u"-C", u"--copy", u"-u",
                             u"--set-upstream-to", u"--unset-upstream", u"--edit-description", u"-f", u"--force",
                             u"--track", u"--no-track"}))
            return notReadOnly(u"git branch with an option that changes branches"_s);
        if (!pos.isEmpty() && !hasOption(rest, {u"-l", u"--list", u"--contains", u"--no-contains", u"--merged",
                                                u"--no-merged", u"--points-at"}))
            return notReadOnly(u"git branch NAME creates a branch"_s);
        return readOnlyWith({});
    }
    if (sub == u"tag"_s) {
        if (hasOption(rest, {u"-d", u"--delete", u"-a", u"--annotate", u"-s", u"--sign", u"-u", u"--local-user", u"-f",
                             u"--force", u"-m", u"--message", u"-F", u"--file"}))
            return notReadOnly(u"git tag with an option that changes tags"_s);
        if (!pos.isEmpty() && !hasOption(rest, {u"-l", u"--list", u"--contains", u"--merged", u"--points-at"}))
            return notReadOnly(u"git tag NAME creates a tag"_s);
        return readOnlyWith({});
    }
    if (sub == u"config"_s) {
        if (!pos.isEmpty() && (pos.first().text == u"get"_s || pos.first().text == u"list"_s))
            return readOnlyWith({});
        if (hasOption(rest, {u"--add", u"--unset", u"--unset-all", u"--replace-all", u"-e", u"--edit",
                             u"--rename-section", u"--remove-section"}))
            return notReadOnly(u"git config that changes the configuration"_s);
        if (hasOption(rest, {u"--get", u"--get-all", u"--get-regexp", u"-l", u"--list", u"--get-urlmatch",
                             u"--get-color", u"--get-colorbool"})
            || pos.size() == 1)
            return readOnlyWith({});
        return notReadOnly(u"git config that changes the configuration"_s);
    }
    if (sub == u"stash"_s) {
        if (!pos.isEmpty() && (pos.first().text == u"list"_s || pos.first().text == u"show"_s))
            return readOnlyWith({});
        return notReadOnly(u"git stash changes the working tree"_s);
    }
    if (sub == u"remote"_s) {
        if (pos.isEmpty() || pos.first().text == u"get-url"_s)
            return readOnlyWith({});
        return notReadOnly(u"git remote %1 changes remotes or contacts them"_s.arg(pos.first().text));
    }
    if (sub == u"reflog"_s) {
        if (pos.isEmpty() || pos.first().text == u"show"_s)
            return readOnlyWith({});
        return notReadOnly(u"git reflog %1 changes the reflog"_s.arg(pos.first().text));
    }
    if (sub == u"worktree"_s) {
        if (!pos.isEmpty() && pos.first().text == u"list"_s)
            return readOnlyWith({});
        return notReadOnly(u"git worktree changes worktrees"_s);
    }
    if (sub == u"symbolic-ref"_s) {
        if (pos.size() <= 1)
            return readOnlyWith({});
        return notReadOnly(u"git symbolic-ref with a target changes a reference"_s);
    }
    return notReadOnly(u"git %1 is not a read-only git command"_s.arg(sub));
}

} // namespace

ReadOnlyUse readOnlyUse(const NormalisedCommand &command)
{
    if (command.dynamicName)
        return notReadOnly(u"the program to run is decided at run time"_s);
    if (command.privileged)
        return notReadOnly(u"it runs with other privileges"_s);
    if (!command.envOptions.isEmpty())
        return notReadOnly(u"env options change how the program runs"_s);
    if (command.words.isEmpty())
        return readOnlyWith({}); // only assignments or redirections (judged on their own)
    const QString name = command.name();
    const QList<Word> args = command.words.mid(1);

    static const QSet<QString> noFiles = setOf({u"echo", u"printf", u"pwd", u"whoami", u"id", u"uname", u"nproc", u"true",
                                                u"false", u"test", u"[", u"seq", u"sleep", u"basename", u"dirname",
                                                u"which", u"type", u"groups", u"locale", u"tty", u"arch", u"expr",
                                                u"cal", u"logname", u"getconf"});
    if (noFiles.contains(name))
        return readOnlyWith({});
    if (name == u"command"_s) // "command -v x" (other forms were stripped)
        return readOnlyWith({});
    if (name == u"date"_s) {
        if (hasOption(args, {u"-s", u"--set"}) || hasShortFlag(args, u's'))
            return notReadOnly(u"date -s sets the clock"_s);
        return readOnlyWith({});
    }
    if (name == u"hostname"_s) {
        if (!positional(args).isEmpty())
            return notReadOnly(u"hostname NAME sets the host name"_s);
        return readOnlyWith({});
    }

    static const QSet<QString> contentReaders = setOf({u"cat", u"head", u"tail", u"nl", u"tac", u"wc", u"od", u"hexdump",
                                                       u"strings", u"file", u"md5sum", u"sha1sum", u"sha224sum",
                                                       u"sha256sum", u"sha384sum", u"sha512sum", u"b2sum", u"cksum",
                                                       u"sum", u"cmp", u"diff", u"comm", u"cut", u"paste", u"column",
                                                       u"fold", u"fmt", u"rev", u"expand", u"unexpand", u"base64",
                                                       u"base32", u"tr", u"less", u"more"});
    if (name == u"less"_s || name == u"more"_s)
        return notReadOnly(u"%1 is interactive and can run commands"_s.arg(name));
    if (contentReaders.contains(name))
        return readOnlyWith(positional(args, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-n", u"-c", u"-t", u"-w", u"-d", u"-f", u"-s", u"-N", u"-j",
                                                    u"-C", u"-U", u"-L", u"--label"}); return set; }()));
    static const QSet<QString> metadataReaders = setOf({u"stat", u"realpath", u"readlink", u"ls", u"dir", u"vdir"});
    if (metadataReaders.contains(name)) {
        ReadOnlyUse use = readOnlyWith(positional(args, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-I", u"--ignore", u"-w", u"--width", u"-T", u"-c",
                                                               u"--format", u"--printf"}); return set; }()),
                                       false);
        use.recursive = (name == u"ls"_s || name == u"dir"_s) && (hasShortFlag(args, u'R') || hasOption(args, {u"--recursive"}));
        use.defaultsToCurrentFolder = name == u"ls"_s || name == u"dir"_s || name == u"vdir"_s;
        return use;
    }
    if (name == u"du"_s || name == u"tree"_s) {
        ReadOnlyUse use = readOnlyWith(positional(args, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-L", u"-P", u"-I", u"-o", u"--exclude", u"-d",
                                                               u"--max-depth", u"-B", u"-t"}); return set; }()),
                                       false);
        if (name == u"tree"_s && (hasOption(args, {u"-o"}) || hasOption(args, {u"--output"})))
            return notReadOnly(u"tree -o writes a file"_s);
        use.recursive = true;
        use.defaultsToCurrentFolder = true;
        return use;
    }
    if (name == u"find"_s) {
        static const QSet<QString> actions = setOf({u"-exec", u"-execdir", u"-ok", u"-okdir", u"-delete", u"-fprint",
                                                    u"-fprint0", u"-fprintf", u"-fls"});
        for (const Word &word : args)
            if (actions.contains(word.text))
                return notReadOnly(u"find %1 runs a program, deletes or writes files"_s.arg(word.text));
        QList<Word> roots;
        for (const Word &word : args) {
            if (word.text.startsWith(u'-') || word.text == u"("_s || word.text == u"!"_s)
                break;
            roots << word;
        }
        ReadOnlyUse use = readOnlyWith(roots, false);
        use.recursive = true;
        use.defaultsToCurrentFolder = true;
        return use;
    }
    if (name == u"grep"_s || name == u"egrep"_s || name == u"fgrep"_s || name == u"rg"_s) {
        const bool rg = name == u"rg"_s;
        if (rg && hasOption(args, {u"--pre", u"--pre-glob", u"--search-zip", u"-z"}))
            return notReadOnly(u"rg --pre and --search-zip run other programs"_s);
        static const QSet<QString> withValue = setOf({u"-e", u"--regexp", u"-f", u"--file", u"-m", u"--max-count", u"-A",
                                                      u"-B", u"-C", u"--context", u"--after-context", u"--before-context",
                                                      u"--include", u"--exclude", u"--exclude-dir", u"-g", u"--glob",
                                                      u"-t", u"--type", u"-T", u"--type-not", u"-d", u"--directories",
                                                      u"-D", u"--devices", u"--label", u"-M", u"--max-columns", u"-j",
                                                      u"--threads", u"--color", u"--colors", u"-E", u"--encoding",
                                                      u"--max-depth", u"--sort", u"--sortr", u"-r", u"--replace"});
        QList<Word> files;
        bool patternGiven = false;
        for (qsizetype i = 0; i < args.size(); ++i) {
            const QString text = args[i].text;
            // rg's -r is --replace (takes a value); grep's -r is recursive.
            if ((text == u"-e"_s || text == u"--regexp"_s) || text.startsWith(u"--regexp="_s) || text.startsWith(u"-e"_s))
                patternGiven = true;
            if ((text == u"-f"_s || text == u"--file"_s) && i + 1 < args.size()) {
                files << args[i + 1];
                patternGiven = true;
            }
        }
        static const QSet<QString> grepWithValue = [] {
            QSet<QString> values = withValue;
            values.remove(u"-r"_s); // grep's -r is recursive; rg's is --replace
            return values;
        }();
        QList<Word> pos = positional(args, rg ? withValue : grepWithValue);
        if (!patternGiven && !pos.isEmpty())
            pos.removeFirst();
        files << pos;
        ReadOnlyUse use = readOnlyWith(files);
        use.recursive = rg || hasShortFlag(args, u'r') || hasShortFlag(args, u'R') || hasOption(args, {u"--recursive",
                                                                                                    u"--dereference-recursive"})
                        || hasOption(args, {u"--directories=recurse"});
        use.defaultsToCurrentFolder = use.recursive;
        return use;
    }
    if (name == u"sort"_s) {
        if (hasOption(args, {u"-o", u"--output", u"--compress-program"}) || hasShortFlag(args, u'o'))
            return notReadOnly(u"sort -o writes a file"_s);
        return readOnlyWith(positional(args, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-k", u"--key", u"-t", u"--field-separator", u"-S",
                                                    u"--buffer-size", u"-T", u"--temporary-directory", u"--parallel",
                                                    u"--files0-from"}); return set; }()));
    }
    if (name == u"uniq"_s) {
        const QList<Word> pos = positional(args, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-f", u"-s", u"-w", u"--skip-fields", u"--skip-chars",
                                                        u"--check-chars"}); return set; }());
        if (pos.size() > 1)
            return notReadOnly(u"uniq IN OUT writes OUT"_s);
        return readOnlyWith(pos);
    }
    if (name == u"sed"_s) {
        if (hasOption(args, {u"-i", u"--in-place"}, true) || hasShortFlag(args, u'i'))
            return notReadOnly(u"sed -i edits files"_s);
        QStringList scripts;
        QList<Word> files;
        bool scriptGiven = false;
        for (qsizetype i = 0; i < args.size(); ++i) {
            const QString text = args[i].text;
            if ((text == u"-e"_s || text == u"--expression"_s) && i + 1 < args.size()) {
                scripts << args[i + 1].text;
                scriptGiven = true;
            } else if (text.startsWith(u"--expression="_s)) {
                scripts << text.mid(13);
                scriptGiven = true;
            } else if (text == u"-f"_s || text == u"--file"_s || text.startsWith(u"--file="_s)) {
                return notReadOnly(u"sed -f runs a script from a file"_s);
            }
        }
        QList<Word> pos = positional(args, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-e", u"--expression", u"-l", u"--line-length"}); return set; }());
        if (!scriptGiven && !pos.isEmpty())
            scripts << pos.takeFirst().text;
        for (const QString &script : std::as_const(scripts))
            if (!isSafeSedScript(script))
                return notReadOnly(u"the sed script writes files, reads other files or runs commands"_s);
        files << pos;
        return readOnlyWith(files);
    }
    if (name == u"awk"_s || name == u"gawk"_s || name == u"mawk"_s || name == u"nawk"_s) {
        if (hasOption(args, {u"-f", u"--file", u"-i", u"--include", u"-l", u"--load", u"-E", u"--exec"}))
            return notReadOnly(u"awk runs a program from a file"_s);
        QList<Word> pos = positional(args, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-F", u"-v", u"--assign", u"--field-separator"}); return set; }());
        if (pos.isEmpty())
            return notReadOnly(u"awk without a program"_s);
        const Word program = pos.takeFirst();
        if (!program.isStatic() || !isSafeAwkProgram(program.text))
            return notReadOnly(u"the awk program can run commands or write files"_s);
        QList<Word> files;
        for (const Word &word : std::as_const(pos))
            if (!looksLikeAssignment(word.text))
                files << word;
        return readOnlyWith(files);
    }
    if (name == u"jq"_s) {
        QList<Word> files;
        bool filterGiven = false;
        QList<Word> pos;
        for (qsizetype i = 0; i < args.size(); ++i) {
            const QString text = args[i].text;
            if (text == u"--args"_s || text == u"--jsonargs"_s)
                break;
            if ((text == u"--arg"_s || text == u"--argjson"_s) && i + 2 < args.size()) {
                i += 2;
            } else if ((text == u"--rawfile"_s || text == u"--slurpfile"_s) && i + 2 < args.size()) {
                files << args[i + 2];
                i += 2;
            } else if ((text == u"-f"_s || text == u"--from-file"_s) && i + 1 < args.size()) {
                files << args[++i];
                filterGiven = true;
            } else if ((text == u"--indent"_s || text == u"-L"_s) && i + 1 < args.size()) {
                ++i;
            } else if (!isOption(args[i])) {
                pos << args[i];
            }
        }
        if (!filterGiven && !pos.isEmpty())
            pos.removeFirst();
        files << pos;
        return readOnlyWith(files);
    }
    if (name == u"git"_s)
        return gitReadOnly(args);
    return notReadOnly(u"%1 is not a read-only command that Gatehouse knows"_s.arg(name));
}

// ------------------------------------------------------------------------------ risks

bool isRemoval(const QString &name)
{
    return name == u"rm"_s || name == u"rmdir"_s || name == u"unlink"_s || name == u"shred"_s;
}

bool isDangerousVariable(const QString &name)
{
    static const QSet<QString> names = setOf(
        {u"PATH", u"IFS", u"BASH_ENV", u"ENV", u"SHELLOPTS", u"BASHOPTS", u"PS4", u"PROMPT_COMMAND", u"CDPATH",
         u"GLOBIGNORE", u"PYTHONPATH", u"PYTHONSTARTUP", u"PYTHONHOME", u"PYTHONINSPECT", u"NODE_OPTIONS", u"NODE_PATH",
         u"PERL5OPT", u"PERL5LIB", u"PERLLIB", u"PERL5DB", u"RUBYOPT", u"RUBYLIB", u"PAGER", u"MANPAGER", u"GIT_PAGER",
         u"EDITOR", u"VISUAL", u"GIT_EDITOR", u"GIT_SEQUENCE_EDITOR", u"BROWSER", u"LESSOPEN", u"LESSCLOSE", u"GIT_SSH",
         u"GIT_SSH_COMMAND", u"GIT_EXTERNAL_DIFF", u"GIT_ASKPASS", u"SSH_ASKPASS", u"GIT_EXEC_PATH", u"GIT_PROXY_COMMAND",
         u"GIT_DIR", u"GIT_WORK_TREE", u"GIT_TEMPLATE_DIR", u"GIT_INDEX_FILE", u"GIT_CONFIG", u"GIT_CONFIG_GLOBAL",
         u"GIT_CONFIG_SYSTEM", u"GIT_CONFIG_COUNT", u"GIT_CONFIG_PARAMETERS", u"GIT_TRACE", u"TERMINAL", u"SHELL",
         u"CC", u"CXX", u"LD", u"AR", u"MAKE", u"MAKEFLAGS", u"NPM_CONFIG_SCRIPT_SHELL", u"npm_config_script_shell",
         u"SUDO_ASKPASS", u"TMUX", u"XDG_CONFIG_HOME", u"HOME", u"ZDOTDIR", u"INPUTRC", u"JAVA_TOOL_OPTIONS",
         u"_JAVA_OPTIONS", u"DOTNET_STARTUP_HOOKS", u"RUSTC_WRAPPER", u"CARGO_BUILD_RUSTC_WRAPPER"});
    return names.contains(name) || name.startsWith(u"LD_"_s) || name.startsWith(u"DYLD_"_s)
           || name.startsWith(u"GIT_CONFIG_KEY_"_s) || name.startsWith(u"GIT_CONFIG_VALUE_"_s)
           || name.startsWith(u"BASH_FUNC_"_s);
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
    if (shells.contains(name) || name == u"busybox"_s) {
        if (clusterHas(u"c") || hasOption(args, {u"--command"}))
            return true;
        return pos.isEmpty() || (name == u"busybox"_s && pos.size() <= 1) || clusterHas(u"s");
    }
    if (name.startsWith(u"python"_s) || name.startsWith(u"pypy"_s))
        return clusterHas(u"c") || (pos.isEmpty() && !hasOption(args, {u"-m"}) && codeOnStdin)
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
    if (!command.envOptions.isEmpty() && (command.envOptions.contains(u"-S"_s) || command.envOptions.contains(u"--split-string"_s)
                                          || std::any_of(command.envOptions.begin(), command.envOptions.end(),
                                                         [](const QString &o) { return o.startsWith(u"--split-string="_s) || (o.startsWith(u'-') && !o.startsWith(u"--"_s) && o.contains(u'S')); })))
        risks << risk(u"env-options"_s, u"env -S splits a string into a command"_s);

    if (name == u"eval"_s || name == u"trap"_s)
        risks << risk(u"eval"_s, u"%1 runs a string as shell code"_s.arg(name));
    else if (name == u"source"_s || name == u"."_s)
        risks << risk(u"source"_s, u"%1 runs the commands of a file in this shell"_s.arg(name));
    else if (name == u"exec"_s)
        risks << risk(u"exec"_s, u"exec replaces the shell with another program"_s);
    else if (name == u"alias"_s)
        risks << risk(u"eval"_s, u"alias defines a command name as shell code"_s);

    const bool codeOnStdin = source.inPipeline || std::any_of(source.redirections.begin(), source.redirections.end(),
                                                              [](const Redirection &r) {
                                                                  return r.op == u"<<"_s || r.op == u"<<-"_s || r.op == u"<<<"_s
                                                                         || r.op == u"<"_s;
                                                              });
    if (isShellOrInterpreter(name) && interpreterGivenCode(name, args, codeOnStdin))
        risks << risk(u"interpreter-code"_s, u"%1 is given code to run"_s.arg(name));
    if ((name == u"awk"_s || name == u"gawk"_s || name == u"mawk"_s || name == u"nawk"_s)) {
        const QList<Word> pos = positional(args, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-F", u"-v", u"--assign"}); return set; }());
        if (!pos.isEmpty() && !isSafeAwkProgram(pos.first().text))
            risks << risk(u"awk-exec"_s, u"the awk program can run commands or write files"_s);
    }
    if (name == u"sed"_s) {
        QList<Word> pos = positional(args, []() -> const QSet<QString> & { static const QSet<QString> set = setOf({u"-e", u"--expression", u"-l"}); return set; }());
        QStringList scripts;
        for (qsizetype i = 0; i + 1 < args.size(); ++i)
            if (args[i].text == u"-e"_s || args[i].text == u"--expression"_s)
                scripts << args[i + 1].text;
        if (scripts.isEmpty() && !pos.isEmpty())
            scripts << pos.first().text;
        for (const QString &script : std::as_const(scripts))
            if (!isSafeSedScript(script) && (script.contains(u'e') || script.contains(u'w') || script.contains(u'W')))
                risks << risk(u"sed-exec"_s, u"the sed script can run commands or write files"_s);
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
            } else if (option.startsWith(u"--git-dir"_s) || option.startsWith(u"--work-tree"_s)) {
                risks << risk(u"git-dir"_s, u"git %1 works on another repository, whose hooks may run"_s.arg(option));
            }
        }
        for (const Word &word : args)
            if (word.text.startsWith(u"--upload-pack"_s) || word.text.startsWith(u"--receive-pack"_s)
                || word.text.startsWith(u"--exec"_s) || word.text == u"-x"_s || word.text.startsWith(u"--extcmd"_s)
                || word.text.startsWith(u"--ext-diff"_s))
                risks << risk(u"program-argument"_s, u"git %1 names a program to run"_s.arg(word.text));
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

    static const QSet<QString> declarers = setOf({u"export", u"declare", u"typeset", u"local", u"readonly"});
    if (declarers.contains(name))
        for (const Word &word : args)
            if (looksLikeAssignment(word.text) && isDangerousVariable(word.text.section(u'=', 0, 0)))
                risks << risk(u"dangerous-variable"_s,
                              u"it sets %1, which changes what programs run or how"_s.arg(word.text.section(u'=', 0, 0)));
    return risks;
}

QList<Risk> textRisks(const QString &text)
{
    QList<Risk> risks;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
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
    if (text.contains(u"$IFS"_s) || text.contains(u"${IFS"_s) || text.contains(u"${!"_s))
        risks << risk(u"ifs"_s, u"the command uses $IFS or indirect expansion, which hide what runs"_s);
    return risks;
}

} // namespace gatehouse::shell
