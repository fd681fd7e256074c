// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in read-only commands and which of their arguments they read (section 4, step 6).
#include "shell/commands.h"
#include "shell/commandsupport_p.h"

namespace gatehouse::shell {

using namespace Qt::StringLiterals;
using namespace detail;

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
        ReadOnlyUse use = readOnlyWith({}, true);
        // These print file contents from the repository, whatever paths they are given.
        static const QSet<QString> contentCommands = setOf({u"diff", u"show", u"grep", u"cat-file", u"blame", u"annotate",
                                                            u"whatchanged", u"diff-tree", u"diff-files", u"diff-index"});
        const bool patch = hasOption(rest, {u"-p", u"--patch", u"-u", u"-L", u"--word-diff", u"--full-diff"}) || hasShortFlag(rest, u'p');
        // Names and counts only: --stat, --name-only... print no content.
        const bool namesOnly = !patch && hasOption(rest, {u"--stat", u"--name-only", u"--name-status", u"--shortstat", u"--numstat",
                                                          u"--summary", u"--quiet", u"--exit-code"});
        use.readsRepository = (contentCommands.contains(sub) && !namesOnly) || (sub == u"log"_s && patch);
        return use;
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

namespace {

// Values given to options: "--name=value", and the word after a short option that is not
// itself an option or the last word (it may be the option's value: "-c FILE").
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

ReadOnlyUse readOnlyUseOf(const NormalisedCommand &command);

} // namespace

ReadOnlyUse readOnlyUse(const NormalisedCommand &command)
{
    ReadOnlyUse use = readOnlyUseOf(command);
    if (use.readOnly && command.words.size() > 1 && command.name() != u"git"_s)
        use.optionValues = optionValuesOf(command.words.mid(1));
    return use;
}

namespace {

ReadOnlyUse readOnlyUseOf(const NormalisedCommand &command)
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

    static const QSet<QString> noFiles = setOf({u"tr", u":", u"read", u"echo", u"printf", u"pwd", u"whoami", u"id", u"uname", u"nproc", u"true",
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
                                                       u"base32", u"less", u"more"});
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

} // namespace

} // namespace gatehouse::shell
