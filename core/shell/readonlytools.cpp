// SPDX-License-Identifier: GPL-3.0-or-later
// The read-only forms of git and jq, whose options are read by their own parsers. git's
// parse-options takes any unique prefix of a long option ("git config --fil F" is --file,
// "git grep --open=vim" is --open-files-in-pager), so an option that begins the name of one
// that writes, runs a program or reads other files counts as that option.
#include "shell/commandsupport_p.h"
#include "shell/options_p.h"
#include "shell/readonly_p.h"

#include <algorithm>

namespace gatehouse::shell::detail {

using namespace Qt::StringLiterals;

namespace {

// The long option a word may stand for: the first of @p names that "--NAME" or "--NAME=..."
// begins, unless NAME is exactly one of @p exact (real options that happen to begin a
// dangerous one: "--text" is not "--textconv"). Empty when none.
QString abbreviates(const QString &word, std::initializer_list<const char16_t *> names,
                    std::initializer_list<const char16_t *> exact = {})
{
    if (!word.startsWith(u"--"_s) || word.size() == 2)
        return {};
    const qsizetype equals = word.indexOf(u'=');
    const QStringView name = QStringView(word).mid(2, equals < 0 ? -1 : equals - 2);
    if (name.isEmpty())
        return {};
    for (const char16_t *option : exact)
        if (name == QStringView(option))
            return {};
    for (const char16_t *option : names)
        if (QStringView(option).startsWith(name))
            return QString::fromUtf16(option);
    return {};
}

// Whether a cluster of short options ("-vd") holds one of @p letters before a letter that
// takes the rest of the word as its value (@p valueLetters).
bool clusterHas(const Word &word, QStringView letters, QStringView valueLetters = {})
{
    const QString &text = word.text;
    if (text.size() < 2 || !text.startsWith(u'-') || text.startsWith(u"--"_s))
        return false;
    for (const QChar c : QStringView(text).mid(1)) {
        if (letters.contains(c))
            return true;
        if (valueLetters.contains(c) || c.isDigit())
            return false;
    }
    return false;
}

// Scans @p rest (the words after a git subcommand, up to "--") for a long option that
// abbreviates one of @p names or a short cluster holding one of @p letters.
QString dangerousGitOption(const QList<Word> &rest, std::initializer_list<const char16_t *> names,
                           QStringView letters, QStringView valueLetters = {},
                           std::initializer_list<const char16_t *> exact = {})
{
    for (const Word &word : rest) {
        if (word.text == u"--"_s)
            break;
        if (const QString option = abbreviates(word.text, names, exact); !option.isEmpty())
            return word.text.section(u'=', 0, 0) == u"--"_s + option ? word.text.section(u'=', 0, 0)
                                                                     : u"%1 (--%2)"_s.arg(word.text.section(u'=', 0, 0), option);
        if (clusterHas(word, letters, valueLetters))
            return word.text;
    }
    return {};
}

// Options of git's diff machinery that print nothing of the files' contents: names, counts,
// hashes, the choice of commits, formats of the commit itself. Any other option (-p, -U1,
// --binary, --patch-with-stat, --cc, -c, --dd, --remerge-diff, -m, -L, --check, --word-diff...,
// and any option not in the tables) may print lines of files, so it counts as printing them.
bool printsNoContent(const ParsedOption &option)
{
    static const QSet<QString> keys = setOf({
        // output formats without contents
        u"no-patch", u"raw", u"stat", u"stat-width", u"stat-name-width", u"stat-count", u"stat-graph-width",
        u"compact-summary", u"numstat", u"shortstat", u"dirstat", u"cumulative", u"dirstat-by-file", u"summary",
        u"z", u"name-only", u"name-status", u"quiet", u"exit-code",
        // how changes are found and named
        u"renames", u"rename-empty", u"full-index", u"abbrev", u"break-rewrites", u"find-renames", u"find-copies",
        u"find-copies-harder", u"irreversible-delete", u"diff-filter", u"S", u"G", u"find-object", u"pickaxe-all",
        u"pickaxe-regex", u"skip-to", u"rotate-to", u"R", u"relative", u"ignore-submodules", u"submodule",
        u"no-ext-diff", u"no-textconv", u"color", u"src-prefix", u"dst-prefix", u"no-prefix", u"default-prefix",
        u"line-prefix", u"minimal", u"patience", u"histogram", u"diff-algorithm", u"indent-heuristic",
        u"ignore-cr-at-eol", u"ignore-space-at-eol", u"ignore-space-change", u"ignore-all-space",
        u"ignore-blank-lines", u"ignore-matching-lines", u"ita-invisible-in-index", u"ita-visible-in-index",
        u"cached", u"staged", u"merge-base", u"#",
        // commit limiting, ordering and formatting (git log)
        u"max-count", u"skip", u"since", u"after", u"since-as-filter", u"until", u"before", u"max-age", u"min-age",
        u"author", u"committer", u"grep-reflog", u"grep", u"all-match", u"invert-grep", u"regexp-ignore-case",
        u"basic-regexp", u"extended-regexp", u"fixed-strings", u"perl-regexp", u"remove-empty", u"merges",
        u"no-merges", u"min-parents", u"max-parents", u"no-min-parents", u"no-max-parents", u"first-parent",
        u"exclude-first-parent-only", u"not", u"all", u"branches", u"tags", u"remotes", u"glob", u"exclude",
        u"exclude-hidden", u"reflog", u"alternate-refs", u"single-worktree", u"ignore-missing", u"bisect",
        u"cherry-mark", u"cherry-pick", u"left-only", u"right-only", u"cherry", u"walk-reflogs", u"merge",
        u"boundary", u"simplify-by-decoration", u"show-pulls", u"full-history", u"dense", u"sparse",
        u"simplify-merges", u"ancestry-path", u"date-order", u"author-date-order", u"topo-order", u"reverse",
        u"no-walk", u"do-walk", u"pretty", u"format", u"abbrev-commit", u"no-abbrev-commit", u"oneline",
        u"encoding", u"expand-tabs", u"no-expand-tabs", u"show-signature", u"relative-date", u"date", u"parents",
        u"children", u"left-right", u"graph", u"show-linear-break", u"decorate", u"decorate-refs",
        u"decorate-refs-exclude", u"clear-decorations", u"source", u"mailmap", u"use-mailmap", u"log-size",
        u"follow", u"t", u"r", u"root", u"in-commit-order", u"count", u"q", u"no-commit-id", u"v",
        u"always"});
    return keys.contains(option.key);
}

// Whether git's diff machinery, read by @p table, prints lines of files: any option not known to
// print none does; with none of the output formats above, git diff (@p patchByDefault) does too.
bool diffPrintsContent(const QList<Word> &rest, const OptionTable &table, bool patchByDefault)
{
    const ParsedArgs parsed = parseGitOptions(rest, table);
    if (!parsed.problem.isEmpty())
        return true;
    static const QSet<QString> formats = setOf({u"no-patch", u"raw", u"stat", u"compact-summary", u"numstat",
                                                u"shortstat", u"dirstat", u"dirstat-by-file", u"summary",
                                                u"name-only", u"name-status", u"quiet"});
    bool format = false;
    for (const ParsedOption &option : parsed.options) {
        if (!printsNoContent(option))
            return true;
        format |= formats.contains(option.key);
    }
    return patchByDefault && !format;
}

// The repository path an object name names ("HEAD:.env", ":.env", ":0:.env", "main:secrets/k",
// "HEAD@{1}:x", "HEAD:" for the whole tree, "" for the root), or a null string when it names none
// (":/message" searches commit messages).
QString objectNamePath(const QString &name)
{
    if (name.startsWith(u'-'))
        return {};
    QString rest;
    if (name.startsWith(u':')) {
        if (name.startsWith(u":/"_s))
            return {};
        rest = name.mid(1);
        if (rest.size() >= 2 && rest[0] >= u'0' && rest[0] <= u'3' && rest[1] == u':')
            rest = rest.mid(2);
    } else {
        const qsizetype brace = name.lastIndexOf(u'}');
        const qsizetype colon = name.indexOf(u':', brace < 0 ? 0 : brace);
        if (colon < 0)
            return {};
        rest = name.mid(colon + 1);
    }
    while (rest.startsWith(u"./"_s))
        rest = rest.mid(2);
    return rest.isNull() ? u""_s : rest;
}

// @p rest without the word @p skip names ("list" of "git stash list").
QList<Word> without(const QList<Word> &rest, const QString &skip)
{
    QList<Word> words = rest;
    for (qsizetype i = 0; i < words.size(); ++i)
        if (words[i].text == skip) {
            words.removeAt(i);
            break;
        }
    return words;
}

// Whether the git subcommand @p sub, given @p rest, can print lines of files of the repository,
// past or present, whatever allowed it to run.
bool gitPrintsContent(const QString &sub, const QList<Word> &rest)
{
    // Whatever their options say: a blob named "HEAD:.env" is printed whole even with --stat,
    // and git stash show follows stash.showPatch.
    static const QSet<QString> always = setOf({u"show", u"grep", u"cat-file", u"blame", u"annotate", u"format-patch",
                                               u"archive", u"fast-export", u"bundle", u"request-pull", u"range-diff",
                                               u"difftool", u"instaweb"});
    if (always.contains(sub))
        return true;
    const QList<Word> pos = positional(rest);
    const QString first = pos.isEmpty() ? QString() : pos.first().text;
    const auto prints = [](const QString &table, const QList<Word> &words, bool patchByDefault) {
        const OptionTable *options = gitOptionTableFor(table);
        return !options || diffPrintsContent(words, *options, patchByDefault);
    };
    if (sub == u"shortlog"_s)
        return false; // authors and subjects only
    // %(raw) and %(contents) print the objects that refs point at, and a tag may point at a blob.
    if (sub == u"for-each-ref"_s || sub == u"branch"_s || sub == u"tag"_s)
        return std::any_of(rest.begin(), rest.end(), [](const Word &word) {
            return word.text.contains(u"%(raw"_s) || word.text.contains(u"%(contents"_s) || !word.isStatic();
        });
    if (sub == u"log"_s || sub == u"whatchanged"_s || sub == u"diff-tree"_s || sub == u"diff-files"_s
        || sub == u"diff-index"_s)
        return prints(sub, rest, false);
    // --no-index compares the two files it names (checked as files), not the repository's.
    if (sub == u"diff"_s && std::any_of(rest.begin(), rest.end(), [](const Word &word) { return word.text == u"--no-index"_s; }))
        return false;
    if (sub == u"diff"_s)
        return prints(sub, rest, true);
    if (sub == u"stash"_s && first == u"list"_s)
        return prints(u"stash list"_s, without(rest, first), false);
    if (sub == u"stash"_s && first == u"show"_s)
        return true;
    if (sub == u"reflog"_s && (first.isEmpty() || first == u"show"_s))
        return prints(u"reflog show"_s, first.isEmpty() ? rest : without(rest, first), false);
    if (sub == u"config"_s)
        return !dangerousGitOption(rest, {u"blob"}, u"").isEmpty();
    // Hunks of the working tree shown to choose from (they print even when stdin is a pipe).
    static const QSet<QString> interactive = setOf({u"add", u"checkout", u"reset", u"restore", u"stash", u"commit"});
    if (interactive.contains(sub))
        return !dangerousGitOption(rest, {u"patch", u"interactive", u"verbose"}, u"piv", u"mFCcSuo").isEmpty();
    return false;
}

// The path a pathspec names without its magic (":(top).env", ":/.env", ":(icase)x" are .env and
// x; "" is the top folder), or a null string for an exclusion (":!x", ":^x", ":(exclude)x").
QString pathspecPath(const QString &pathspec)
{
    if (!pathspec.startsWith(u':'))
        return pathspec;
    QString rest = pathspec.mid(1);
    if (rest.startsWith(u'(')) {
        const qsizetype close = rest.indexOf(u')');
        const QString magic = close < 0 ? QString() : rest.mid(1, close - 1);
        if (magic.split(u',').contains(u"exclude"_s))
            return {};
        rest = close < 0 ? QString() : rest.mid(close + 1);
    } else {
        while (!rest.isEmpty() && (rest.front() == u'/' || rest.front() == u'!' || rest.front() == u'^')) {
            if (rest.front() != u'/')
                return {};
            rest = rest.mid(1);
        }
        if (rest.startsWith(u':'))
            rest = rest.mid(1);
    }
    return rest.isNull() ? u""_s : rest;
}

// The repository paths that the words of a git subcommand name: object names ("HEAD:.env",
// ":0:.env"), -L's file, blame's and archive's operands, and the pathspecs after "--" of a
// subcommand that prints contents.
QStringList gitRepositoryPaths(const QString &sub, const QList<Word> &rest)
{
    QStringList paths;
    bool afterSeparator = false;
    // blame's file is its last operand, or what follows "--"; archive's paths follow its tree.
    const bool separated = std::any_of(rest.begin(), rest.end(), [](const Word &word) { return word.text == u"--"_s; });
    const bool operandsArePaths = ((sub == u"blame"_s || sub == u"annotate"_s) && !separated) || sub == u"archive"_s;
    for (qsizetype i = 0; i < rest.size(); ++i) {
        const QString &text = rest[i].text;
        if (!afterSeparator && (text == u"--"_s || text == u"--end-of-options"_s)) {
            afterSeparator = true;
            continue;
        }
        if (afterSeparator) {
            if (const QString path = pathspecPath(text); !path.isNull())
                paths << path;
            continue;
        }
        if (text.startsWith(u"-L"_s) || text.startsWith(u"--blob="_s)) {
            const QString value = text.startsWith(u"-L"_s) && text.size() == 2 && i + 1 < rest.size() ? rest[++i].text : text;
            paths << value.section(u':', -1);
            continue;
        }
        if (text == u"--blob"_s && i + 1 < rest.size()) {
            paths << objectNamePath(rest[++i].text);
            continue;
        }
        if (text.startsWith(u'-'))
            continue;
        if (const QString path = objectNamePath(text); !path.isNull())
            paths << path;
        else if (operandsArePaths)
            paths << text;
    }
    if (!gitPrintsContent(sub, rest) && sub != u"config"_s)
        paths.clear();
    paths.removeDuplicates();
    return paths;
}

// Why the options of the read-only git subcommand @p table (a key of gitOptionTableFor) are
// not all known, or empty. @p rest are the words after the subcommand, without @p skip (the
// word "list" of "git stash list").
QString gitTableProblem(const QString &table, const QList<Word> &rest, const Word &skip = {})
{
    QList<Word> words = rest;
    if (!skip.text.isEmpty())
        for (qsizetype i = 0; i < words.size(); ++i)
            if (words[i].text == skip.text && words[i].offset == skip.offset) {
                words.removeAt(i);
                break;
            }
    const ParsedArgs parsed = parseGitOptions(words, *gitOptionTableFor(table));
    return parsed.problem.isEmpty() ? QString() : u"git %1: %2"_s.arg(table, parsed.problem);
}

ReadOnlyUse readOnlyAfterTable(const QString &table, const QList<Word> &rest, const Word &skip = {})
{
    if (const QString problem = gitTableProblem(table, rest, skip); !problem.isEmpty())
        return notReadOnly(problem);
    ReadOnlyUse use = readOnlyWith({});
    // git stash show prints a stash's changes, git reflog show / stash list -p may print them too.
    const QString sub = table.section(u' ', 0, 0);
    QList<Word> args{Word{}};
    args.first().text = sub;
    args << rest;
    use.readsRepository = gitReadsContent(args);
    use.repositoryPaths = gitPaths(args);
    return use;
}

ReadOnlyUse gitConfigReadOnly(const QList<Word> &rest)
{
    QList<Word> files;
    QList<Word> pos;
    bool blob = false;
    for (qsizetype i = 0; i < rest.size(); ++i) {
        const Word &word = rest[i];
        const QString &text = word.text;
        if (text == u"--"_s) {
            pos << rest.mid(i + 1);
            break;
        }
        if (text.startsWith(u"--"_s)) {
            const QString option = abbreviates(text, {u"file", u"blob", u"add", u"unset", u"unset-all", u"replace-all",
                                                      u"edit", u"rename-section", u"remove-section", u"includes"});
            const qsizetype equals = text.indexOf(u'=');
            if (option == u"file"_s || option == u"blob"_s) {
                Word value = word;
                if (equals >= 0)
                    value.text = text.mid(equals + 1);
                else if (i + 1 < rest.size())
                    value = rest[++i];
                if (option == u"file"_s)
                    files << value;
                else
                    blob = true;
            } else if (option == u"includes"_s) {
                return notReadOnly(u"git config %1 reads the files that include directives name"_s.arg(text));
            } else if (!option.isEmpty()) {
                return notReadOnly(u"git config %1 changes the configuration"_s.arg(text));
            } else if (equals < 0 && i + 1 < rest.size()
                       && !abbreviates(text, {u"type", u"default", u"comment", u"value", u"url"}).isEmpty()) {
                ++i; // the value of --type, --default...
            }
            continue;
        }
        if (text.startsWith(u'-') && text.size() > 1) {
            for (qsizetype k = 1; k < text.size(); ++k) {
                if (text[k] == u'e')
                    return notReadOnly(u"git config -e opens the configuration in an editor"_s);
                if (text[k] == u'f') {
                    Word value = word;
                    if (k + 1 < text.size())
                        value.text = text.mid(k + 1);
                    else if (i + 1 < rest.size())
                        value = rest[++i];
                    files << value;
                    break;
                }
            }
            continue;
        }
        pos << word;
    }
    ReadOnlyUse use = readOnlyWith(files);
    use.readsRepository = blob;
    use.repositoryPaths = gitRepositoryPaths(u"config"_s, rest);
    const QString first = pos.isEmpty() ? QString() : pos.first().text;
    if (first == u"get"_s || first == u"list"_s)
        return use;
    if (first == u"set"_s || first == u"unset"_s || first == u"rename-section"_s || first == u"remove-section"_s
        || first == u"edit"_s)
        return notReadOnly(u"git config %1 changes the configuration"_s.arg(first), files);
    if (hasOption(rest, {u"--get", u"--get-all", u"--get-regexp", u"-l", u"--list", u"--get-urlmatch", u"--get-color",
                         u"--get-colorbool"})
        || pos.size() == 1)
        return use;
    return notReadOnly(u"git config that changes the configuration"_s, files);
}

// git diff with no revision: the working tree against the index, or (--cached, --staged) the
// index against HEAD. Operands are paths only when they follow "--" (without it, git takes a
// word for a revision when it can). --merge-base names a commit; --no-index is read like cat.
bool diffWithoutRevisions(const QList<Word> &rest, const ParsedArgs &parsed)
{
    if (parsed.has(u"merge-base") || parsed.has(u"no-index"))
        return false;
    for (const ParsedOption &option : parsed.options)
        if (option.hasValue && option.value.text == u"--"_s)
            return false; // "-S --": the "--" is a value, so what follows may be a revision
    const auto separator = std::find_if(rest.begin(), rest.end(), [](const Word &word) { return word.text == u"--"_s; });
    const qsizetype afterSeparator = separator == rest.end() ? 0 : std::distance(separator, rest.end()) - 1;
    return parsed.operands.size() == afterSeparator;
}

} // namespace

bool gitReadsContent(const QList<Word> &args)
{
    return !args.isEmpty() && gitPrintsContent(args.first().text, args.mid(1));
}

QStringList gitPaths(const QList<Word> &args)
{
    return args.isEmpty() ? QStringList() : gitRepositoryPaths(args.first().text, args.mid(1));
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
        // -O is diff's order file and grep's pager; blame's -S and --contents read other files.
        // The letters after which the rest of a cluster is a value differ between them.
        const bool blame = sub == u"blame"_s || sub == u"annotate"_s;
        // git diff --no-index compares two paths of the file system: they are read like cat's.
        const bool noIndex = sub == u"diff"_s && hasOption(rest, {u"--no-index"});
        // With --no-index given exactly, it is not dangerous but the paths are checked below.
        const QString dangerous = dangerousGitOption(rest, {u"output", u"ext-diff", u"no-index", u"open-files-in-pager",
                                                            u"textconv", u"contents", u"ignore-revs-file", u"filters"},
                                                     blame ? u"OS" : u"O",
                                                     sub == u"grep"_s ? u"efmABC" : blame ? u"LCM" : u"SGLUMCBl",
                                                     {u"text", u"ignore-rev", u"no-ext-diff", u"no-textconv",
                                                      noIndex ? u"no-index" : u"text"});
        if (!dangerous.isEmpty())
            return notReadOnly(u"git %1 %2 writes a file, runs a program or reads files outside the repository"_s.arg(sub, dangerous));
        const ParsedArgs parsed = parseGitOptions(rest, *gitOptionTableFor(sub));
        if (!parsed.problem.isEmpty())
            return notReadOnly(u"git %1: %2"_s.arg(sub, parsed.problem));
        if (noIndex) {
            ReadOnlyUse use = readOnlyWith(parsed.operands, true);
            use.recursive = true; // it compares folders too
            return use;
        }
        // git grep -f and ls-files -X read the files they name (patterns): checked like files.
        ReadOnlyUse use = readOnlyWith(parsed.values(u"f") << parsed.values(u"exclude-from"), true);
        // Names and counts only (--stat, --name-only...) print no content; -p, -U1, --binary,
        // --cc, --patch-with-stat and any option not known to print none may.
        use.readsRepository = gitPrintsContent(sub, rest);
        use.repositoryPaths = gitRepositoryPaths(sub, rest);
        // git log -p, git show and git diff REV read history, which may hold a secret file
        // removed since: only the working tree, the index and HEAD can be looked through.
        use.readsIndexAndHeadOnly = use.readsRepository && sub == u"diff"_s && diffWithoutRevisions(rest, parsed);
        return use;
    }
    if (sub == u"branch"_s) {
        const QString dangerous = dangerousGitOption(rest, {u"delete", u"move", u"copy", u"set-upstream-to", u"unset-upstream",
                                                            u"edit-description", u"force", u"track", u"no-track",
                                                            u"create-reflog", u"recurse-submodules"},
                                                     u"dDmMcCuft");
        if (!dangerous.isEmpty())
            return notReadOnly(u"git branch %1 changes branches"_s.arg(dangerous));
        if (const QString problem = gitTableProblem(u"branch"_s, rest); !problem.isEmpty())
            return notReadOnly(problem);
        if (!pos.isEmpty() && !hasOption(rest, {u"-l", u"--list", u"--contains", u"--no-contains", u"--merged",
                                                u"--no-merged", u"--points-at"}))
            return notReadOnly(u"git branch NAME creates a branch"_s);
        ReadOnlyUse use = readOnlyWith({});
        use.readsRepository = gitPrintsContent(sub, rest); // --format=%(raw)
        return use;
    }
    if (sub == u"tag"_s) {
        const QString dangerous = dangerousGitOption(rest, {u"delete", u"annotate", u"sign", u"local-user", u"force",
                                                            u"message", u"file", u"edit", u"create-reflog", u"trailer"},
                                                     u"dasufmFe", u"n");
        if (!dangerous.isEmpty())
            return notReadOnly(u"git tag %1 changes tags"_s.arg(dangerous));
        if (const QString problem = gitTableProblem(u"tag"_s, rest); !problem.isEmpty())
            return notReadOnly(problem);
        if (!pos.isEmpty() && !hasOption(rest, {u"-l", u"--list", u"--contains", u"--merged", u"--points-at"}))
            return notReadOnly(u"git tag NAME creates a tag"_s);
        ReadOnlyUse use = readOnlyWith({});
        use.readsRepository = gitPrintsContent(sub, rest); // --format=%(raw)
        return use;
    }
    if (sub == u"config"_s)
        return gitConfigReadOnly(rest);
    if (sub == u"stash"_s) {
        if (!pos.isEmpty() && (pos.first().text == u"list"_s || pos.first().text == u"show"_s))
            return readOnlyAfterTable(u"stash "_s + pos.first().text, rest, pos.first());
        return notReadOnly(u"git stash changes the working tree"_s);
    }
    if (sub == u"remote"_s) {
        if (pos.isEmpty())
            return readOnlyAfterTable(u"remote"_s, rest);
        if (pos.first().text == u"get-url"_s)
            return readOnlyWith({});
        return notReadOnly(u"git remote %1 changes remotes or contacts them"_s.arg(pos.first().text));
    }
    if (sub == u"reflog"_s) {
        if (pos.isEmpty())
            return readOnlyAfterTable(u"reflog show"_s, rest);
        if (pos.first().text == u"show"_s)
            return readOnlyAfterTable(u"reflog show"_s, rest, pos.first());
        return notReadOnly(u"git reflog %1 changes the reflog"_s.arg(pos.first().text));
    }
    if (sub == u"worktree"_s) {
        if (!pos.isEmpty() && pos.first().text == u"list"_s)
            return readOnlyAfterTable(u"worktree list"_s, rest, pos.first());
        return notReadOnly(u"git worktree changes worktrees"_s);
    }
    if (sub == u"symbolic-ref"_s) {
        if (const QString dangerous = dangerousGitOption(rest, {u"delete"}, u"d"); !dangerous.isEmpty())
            return notReadOnly(u"git symbolic-ref %1 deletes a reference"_s.arg(dangerous));
        if (pos.size() <= 1)
            return readOnlyAfterTable(u"symbolic-ref"_s, rest);
        return notReadOnly(u"git symbolic-ref with a target changes a reference"_s);
    }
    return notReadOnly(u"git %1 is not a read-only git command"_s.arg(sub));
}

namespace {

// What in a jq filter reads more than its input: the environment (env, $ENV) or other files
// (modules through import and include, modulemeta). Empty when nothing does.
QString jqFilterProblem(const QString &filter)
{
    const qsizetype n = filter.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = filter[i];
        if (!(c.isLetter() || c == u'_') || c.unicode() >= 0x80)
            continue;
        const qsizetype start = i;
        while (i < n && filter[i].unicode() < 0x80 && (filter[i].isLetterOrNumber() || filter[i] == u'_'))
            ++i;
        const QStringView name = QStringView(filter).mid(start, i - start);
        const QChar before = start > 0 ? filter[start - 1] : QChar();
        // $ENV, also written "$ ENV" (jq 1.6 reads "$" and the name as two tokens).
        if (name == u"ENV" && before != u'.') {
            return u"the jq filter reads the environment ($ENV)"_s;
        } else if (before != u'$' && before != u'.' && !before.isLetterOrNumber() && before != u'_') {
            if (name == u"env")
                return u"the jq filter reads the environment (env)"_s;
            if (name == u"import" || name == u"include" || name == u"modulemeta" || name == u"get_search_list")
                return u"the jq filter loads modules from files (%1)"_s.arg(name);
        }
        --i;
    }
    return {};
}

} // namespace

ReadOnlyUse jqReadOnly(const QList<Word> &args)
{
    static const QSet<QString> flags = setOf({u"--seq", u"--stream", u"--stream-errors", u"--slurp", u"--raw-input",
                                              u"--null-input", u"--compact-output", u"--tab", u"--color-output",
                                              u"--monochrome-output", u"--ascii-output", u"--unbuffered",
                                              u"--sort-keys", u"--raw-output", u"--raw-output0", u"--join-output",
                                              u"--binary", u"--exit-status", u"--help", u"--version",
                                              u"--build-configuration"});
    QList<Word> files;
    Word filter;
    bool haveFilter = false;
    bool positionalArguments = false; // after --args / --jsonargs, operands are strings, not files
    bool endOfOptions = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const Word &word = args[i];
        const QString &text = word.text;
        const bool option = !endOfOptions && text.startsWith(u'-') && text.size() > 1;
        if (!option) {
            if (!haveFilter) {
                filter = word;
                haveFilter = true;
            } else if (!positionalArguments) {
                files << word;
            }
            continue;
        }
        if (text == u"--"_s) {
            endOfOptions = true;
        } else if (text == u"--args"_s || text == u"--jsonargs"_s) {
            positionalArguments = true;
        } else if (text == u"--arg"_s || text == u"--argjson"_s) {
            i += 2;
        } else if (text == u"--rawfile"_s || text == u"--slurpfile"_s || text == u"--argfile"_s) {
            if (i + 2 < args.size())
                files << args[i + 2];
            i += 2;
        } else if (text == u"--indent"_s) {
            ++i;
        } else if (text == u"-f"_s || text == u"--from-file"_s) {
            return notReadOnly(u"jq %1 runs a filter from a file, which cannot be checked"_s.arg(text),
                               i + 1 < args.size() ? QList<Word>{args[i + 1]} : QList<Word>());
        } else if (text.startsWith(u"-L"_s) || text.startsWith(u"--library-path"_s)) {
            return notReadOnly(u"jq %1 loads modules from a folder"_s.arg(text));
        } else if (text.startsWith(u"--"_s)) {
            if (!flags.contains(text))
                return notReadOnly(u"jq %1 is an option Gatehouse does not know"_s.arg(text));
        } else {
            for (const QChar c : QStringView(text).mid(1))
                if (!QStringView(u"sjranRCMScehVb").contains(c))
                    return notReadOnly(u"jq -%1 is an option Gatehouse does not know"_s.arg(c), files);
        }
    }
    if (haveFilter) {
        if (!filter.isStatic())
            return notReadOnly(u"the jq filter %1 is decided at run time"_s.arg(filter.raw), files);
        if (const QString problem = jqFilterProblem(filter.text); !problem.isEmpty())
            return notReadOnly(problem, files);
    }
    return readOnlyWith(files);
}

} // namespace gatehouse::shell::detail
