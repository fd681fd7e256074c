// SPDX-License-Identifier: GPL-3.0-or-later
// The options of git's read-only subcommands and git's global options, as their manual pages
// list them. Like the other read-only tables (optiontables.cpp), a word that is none of them
// makes the command ask: git grows options every release, and one Gatehouse has not read may
// write a file (--output), run a program (--ext-diff, --textconv, -O) or read files outside the
// repository (--no-index). Those that do are deliberately absent here: readonlytools.cpp names
// them in its message before the table is consulted.
#include "shell/commandsupport_p.h"
#include "shell/options_p.h"

namespace gatehouse::shell::detail {

using namespace Qt::StringLiterals;

namespace {

using Specs = QList<const char16_t *>;

// Options of the diff machinery (git diff, log -p, show, diff-tree...), without --output,
// --ext-diff, --textconv, --no-index and -O<orderfile>.
const Specs &diffOptions()
{
    static const Specs specs{
        u"p,patch", u"u", u"s,no-patch", u"U,unified?", u",output-indicator-new=", u",output-indicator-old=",
        u",output-indicator-context=", u",raw", u",patch-with-raw", u",indent-heuristic", u",minimal", u",patience",
        u",histogram", u",anchored=", u",diff-algorithm=", u",stat?", u",stat-width=", u",stat-name-width=",
        u",stat-count=", u",stat-graph-width=", u",compact-summary", u",numstat", u",shortstat", u"X,dirstat?",
        u",cumulative", u",dirstat-by-file?", u",summary", u",patch-with-stat", u"z", u",name-only", u",name-status",
        u",submodule?", u",color?", u",color-moved?", u",color-moved-ws=", u",word-diff?", u",word-diff-regex=",
        u",color-words?", u",renames", u",rename-empty", u",check", u",ws-error-highlight=", u",full-index", u",binary",
        u",abbrev?", u"B,break-rewrites?", u"M,find-renames?", u"C,find-copies?", u",find-copies-harder",
        u"D,irreversible-delete", u"l=", u",diff-filter=", u"S=", u"G=", u",find-object=", u",pickaxe-all",
        u",pickaxe-regex", u",skip-to=", u",rotate-to=", u"R", u",relative?", u"a,text", u",ignore-cr-at-eol",
        u",ignore-space-at-eol", u"b,ignore-space-change", u"w,ignore-all-space", u",ignore-blank-lines",
        u"I,ignore-matching-lines=", u",inter-hunk-context=", u"W,function-context", u",exit-code", u",quiet",
        u",ignore-submodules?", u",src-prefix=", u",dst-prefix=", u",no-prefix", u",default-prefix",
        u",line-prefix=", u",ita-invisible-in-index", u",ita-visible-in-index", u"c", u",cc", u"m",
        u",combined-all-paths", u",diff-merges=", u",remerge-diff", u",dd", u",no-index", u",no-ext-diff",
        u",no-textconv"};
    return specs;
}

// Commit limiting, ordering and formatting (git log, show, rev-list, shortlog...).
const Specs &revisionOptions()
{
    static const Specs specs{
        u"n,max-count=", u",skip=", u",since=", u",after=", u",since-as-filter=", u",until=", u",before=",
        u",max-age=", u",min-age=", u",author=", u",committer=", u",grep-reflog=", u",grep=", u",all-match",
        u",invert-grep", u"i,regexp-ignore-case", u",basic-regexp", u"E,extended-regexp", u"F,fixed-strings",
        u"P,perl-regexp", u",remove-empty", u",merges", u",no-merges", u",min-parents=", u",max-parents=",
        u",no-min-parents", u",no-max-parents", u",first-parent", u",exclude-first-parent-only", u",not", u",all",
        u",branches?", u",tags?", u",remotes?", u",glob=", u",exclude=", u",exclude-hidden=", u",reflog",
        u",alternate-refs", u",single-worktree", u",ignore-missing", u",bisect", u",stdin", u",cherry-mark",
        u",cherry-pick", u",left-only", u",right-only", u",cherry", u"g,walk-reflogs", u",merge", u",boundary",
        u",simplify-by-decoration", u",show-pulls", u",full-history", u",dense", u",sparse", u",simplify-merges",
        u",ancestry-path?", u",date-order", u",author-date-order", u",topo-order", u",reverse", u",no-walk?",
        u",do-walk", u",pretty?", u",format=", u",abbrev-commit", u",no-abbrev-commit", u",oneline",
        u",encoding=", u",expand-tabs?", u",no-expand-tabs", u",notes?", u",show-notes?", u",show-notes-by-default",
        u",standard-notes", u",no-standard-notes", u",show-signature", u",relative-date", u",date=", u",parents",
        u",children", u",left-right", u",graph", u",show-linear-break?", u",decorate?", u",decorate-refs=",
        u",decorate-refs-exclude=", u",clear-decorations", u",source", u",mailmap", u",use-mailmap", u",log-size",
        u",follow", u"L=", u",full-diff", u"t", u"r", u",root", u",in-commit-order", u",count", u"q"};
    return specs;
}

Specs join(std::initializer_list<const Specs *> lists, std::initializer_list<const char16_t *> more = {})
{
    Specs all;
    for (const Specs *list : lists)
        all << *list;
    for (const char16_t *spec : more)
        all << spec;
    return all;
}

OptionTableSet buildGitTables()
{
    OptionTableSet tables;
    const auto add = [&tables](std::initializer_list<const char16_t *> names, const OptionTable *table) {
        tables.add(names, table);
    };
    add({u"status"}, new OptionTable({u"s,short", u"b,branch", u",show-stash", u",porcelain?", u",long", u"v,verbose",
                                      u"u,untracked-files?", u",ignore-submodules?", u",ignored?", u"z", u",column?",
                                      u",no-column", u",ahead-behind", u",renames", u",find-renames?", u"M?"}));
    add({u"diff"}, new OptionTable(join({&diffOptions()}, {u",cached", u",staged", u",merge-base", u"1,base", u"2,ours",
                                                          u"3,theirs", u"0"})));
    add({u"diff-files", u"diff-index"},
        new OptionTable(join({&diffOptions()}, {u",cached", u",merge-base", u"1,base", u"2,ours", u"3,theirs", u"0",
                                               u"q", u"r", u"t"})));
    add({u"diff-tree"}, new OptionTable(join({&diffOptions(), &revisionOptions()},
                                             {u",no-commit-id", u"v", u",always", u",merge-base"}),
                                        true));
    add({u"log", u"show", u"whatchanged", u"reflog show", u"stash list"},
        new OptionTable(join({&diffOptions(), &revisionOptions()}), true));
    add({u"stash show"}, new OptionTable(join({&diffOptions()}, {u",include-untracked", u",only-untracked"})));
    add({u"rev-list"}, new OptionTable(join({&revisionOptions()},
                                            {u",objects", u",in-commit-order", u",objects-edge", u",objects-edge-aggressive",
                                             u",indexed-objects", u",unpacked", u",object-names", u",no-object-names",
                                             u",filter=", u",no-filter", u",filter-provided-objects",
                                             u",filter-print-omitted", u",missing=", u",exclude-promisor-objects",
                                             u",header", u",timestamp", u",bisect-vars", u",bisect-all", u",disk-usage?",
                                             u",quiet", u",no-kept-objects?"}),
                                       true));
    add({u"shortlog"}, new OptionTable(join({&revisionOptions()}, {u"s,summary", u"e,email", u",group=", u"w?", u"n,numbered", u"c,committer"}), true));
    add({u"describe"}, new OptionTable({u",all", u",tags", u",contains", u",abbrev?", u",candidates=", u",exact-match",
                                        u",debug", u",long", u",match=", u",exclude=", u",always", u",first-parent",
                                        u",dirty?", u",broken?"}));
    add({u"rev-parse"},
        new OptionTable({u",parseopt", u",sq-quote", u",keep-dashdash", u",stop-at-non-option", u",stuck-long",
                         u",revs-only", u",no-revs", u",flags", u",no-flags", u",default=", u",prefix=", u",verify",
                         u"q,quiet", u",sq", u",short?", u",not", u",abbrev-ref?", u",symbolic", u",symbolic-full-name",
                         u",output-object-format=", u",all", u",branches?", u",tags?", u",remotes?", u",glob=",
                         u",exclude=", u",exclude-hidden=", u",disambiguate=", u",local-env-vars", u",path-format=",
                         u",git-dir", u",git-common-dir", u",absolute-git-dir", u",resolve-git-dir=", u",git-path=",
                         u",show-toplevel", u",show-superproject-working-tree", u",shared-index-path",
                         u",show-object-format?", u",show-ref-format", u",is-inside-git-dir", u",is-inside-work-tree",
                         u",is-bare-repository", u",is-shallow-repository", u",show-cdup", u",show-prefix",
                         u",since=", u",after=", u",until=", u",before="}));
    add({u"ls-files"}, new OptionTable({u"c,cached", u"d,deleted", u"o,others", u"i,ignored", u"s,stage", u"u,unmerged",
                                        u"k,killed", u"m,modified", u",resolve-undo", u",directory",
                                        u",no-empty-directory", u",eol", u",deduplicate", u"x,exclude=",
                                        u"X,exclude-from=", u",exclude-per-directory=", u",exclude-standard",
                                        u",error-unmatch", u",with-tree=", u"t", u"v", u"f", u",full-name",
                                        u",recurse-submodules", u",abbrev?", u",debug", u",sparse", u",format=", u"z"}));
    add({u"ls-tree"}, new OptionTable({u"d", u"r", u"t", u"l,long", u"z", u",name-only", u",name-status",
                                       u",object-only", u",full-name", u",full-tree", u",format=", u",abbrev?"}));
    add({u"blame", u"annotate"},
        new OptionTable({u"b", u",root", u",show-stats", u"L=", u"l", u"t", u",reverse", u",first-parent",
                         u"p,porcelain", u",line-porcelain", u",incremental", u",encoding=", u",date=", u",progress",
                         u",no-progress", u"M?", u"C?", u",ignore-rev=", u",color-lines", u",color-by-age",
                         u",minimal", u"c", u",score-debug", u"f,show-name", u"n,show-number", u"s",
                         u"e,show-email", u"w", u",abbrev?"}));
    add({u"cat-file"}, new OptionTable({u"t", u"s", u"e", u"p", u",batch?", u",batch-check?", u",batch-command?",
                                        u",batch-all-objects", u",buffer", u",unordered", u",follow-symlinks",
                                        u",path=", u"Z", u"z", u",allow-unknown-type", u",use-mailmap",
                                        u",mailmap"}));
    add({u"merge-base"}, new OptionTable({u"a,all", u",octopus", u",independent", u",is-ancestor", u",fork-point"}));
    add({u"name-rev"}, new OptionTable({u",tags", u",refs=", u",exclude=", u",all", u",annotate-stdin", u",stdin",
                                        u",name-only", u",no-undefined", u",always"}));
    add({u"count-objects"}, new OptionTable({u"v,verbose", u"H,human-readable"}));
    add({u"for-each-ref"}, new OptionTable({u",count=", u",sort=", u",format=", u",color?", u"s,shell", u"p,perl",
                                            u",python", u",tcl", u",points-at=", u",merged?", u",no-merged?",
                                            u",contains?", u",no-contains?", u",ignore-case", u",omit-empty",
                                            u",exclude=", u",include-root-refs", u",stdin"}));
    add({u"show-ref"}, new OptionTable({u",head", u",heads", u",branches", u",tags", u"d,dereference", u"s,hash?",
                                        u",verify", u",abbrev?", u"q,quiet", u",exclude-existing?", u",exists"}));
    add({u"check-ignore"}, new OptionTable({u"q,quiet", u"v,verbose", u",stdin", u"z", u"n,non-matching",
                                            u",no-index"}));
    add({u"check-attr"}, new OptionTable({u"a,all", u",cached", u",stdin", u"z", u",source="}));
    add({u"version"}, new OptionTable({u",build-options"}));
    add({u"show-branch"}, new OptionTable({u"r,remotes", u"a,all", u",current", u",topo-order", u",date-order",
                                           u",sparse", u",more=", u",list", u",merge-base", u",independent",
                                           u",no-name", u",sha1-name", u",topics", u"g,reflog?", u",color?"}));
    add({u"cherry"}, new OptionTable({u"v", u",abbrev?"}));
    add({u"grep"}, new OptionTable({u",cached", u",untracked", u",exclude-standard", u",recurse-submodules",
                                    u"a,text", u"i,ignore-case", u"I", u",max-depth=", u"r,recursive",
                                    u"w,word-regexp", u"v,invert-match", u"h", u"H", u",full-name",
                                    u"E,extended-regexp", u"G,basic-regexp", u"P,perl-regexp", u"F,fixed-strings",
                                    u"n,line-number", u",column", u"l,files-with-matches", u",name-only",
                                    u"L,files-without-match", u"z,null", u"o,only-matching", u"c,count", u",color?",
                                    u",break", u",heading", u"p,show-function", u"C,context=", u"A,after-context=",
                                    u"B,before-context=", u"W,function-context", u"m,max-count=", u",threads=",
                                    u"f=", u"e=", u",and", u",or", u",not", u",all-match", u"q,quiet"},
                                   true));
    add({u"branch"}, new OptionTable({u"a,all", u"r,remotes", u"l,list", u"v,verbose", u",show-current",
                                      u",contains?", u",no-contains?", u",merged?", u",no-merged?", u",points-at=",
                                      u",sort=", u",format=", u",color?", u",column?", u",abbrev?", u"i,ignore-case",
                                      u",omit-empty", u"q,quiet"}));
    add({u"tag"}, new OptionTable({u"l,list", u"n?", u",contains?", u",no-contains?", u",merged?", u",no-merged?",
                                   u",points-at=", u",sort=", u",format=", u",color?", u",column?", u"i,ignore-case",
                                   u",omit-empty", u"v,verify"}));
    add({u"remote"}, new OptionTable({u"v,verbose"}));
    add({u"worktree list"}, new OptionTable({u"v,verbose", u",porcelain", u"z", u",expire="}));
    add({u"symbolic-ref"}, new OptionTable({u"q,quiet", u",short", u",recurse"}));
    return tables;
}

} // namespace

const OptionTable *gitOptionTableFor(const QString &subcommand)
{
    static const OptionTableSet tables = buildGitTables();
    return tables.find(subcommand);
}

ParsedArgs parseGitOptions(const QList<Word> &args, const OptionTable &table)
{
    QList<Word> words;
    words.reserve(args.size());
    for (qsizetype i = 0; i < args.size(); ++i) {
        const Word &word = args[i];
        if (word.text == u"--"_s) {
            words << args.mid(i);
            break;
        }
        if (word.text == u"--end-of-options"_s) {
            Word end = word;
            end.text = u"--"_s;
            words << end << args.mid(i + 1);
            break;
        }
        if (word.text.startsWith(u"--no-"_s) && !word.text.contains(u'=')) {
            bool ambiguous = false;
            const QStringView negated = QStringView(word.text).mid(5);
            // "--no-index", "--no-merges" are options of their own; "--no-color" turns --color off.
            const OptionSpec *own = table.longOption(QStringView(word.text).mid(2), &ambiguous);
            if (!own || own->longName.size() != word.text.size() - 2) {
                const OptionSpec *positive = table.longOption(negated, &ambiguous);
                if (positive && positive->longName.size() == negated.size() && positive->value != OptionValue::Required)
                    continue; // turns a known option off
            }
        }
        words << word;
    }
    return parseOptions(words, table);
}

bool isKnownGitGlobalOption(const QString &option)
{
    static const QSet<QString> plain = setOf({u"-v", u"--version", u"-h", u"--help", u"-C", u"-c", u"--exec-path",
                                              u"--html-path", u"--man-path", u"--info-path", u"-p", u"--paginate",
                                              u"-P", u"--no-pager", u"--git-dir", u"--work-tree", u"--namespace",
                                              u"--bare", u"--no-replace-objects", u"--no-lazy-fetch",
                                              u"--no-optional-locks", u"--no-advice", u"--literal-pathspecs",
                                              u"--glob-pathspecs", u"--noglob-pathspecs", u"--icase-pathspecs",
                                              u"--list-cmds", u"--attr-source", u"--config-env"});
    return plain.contains(option.section(u'=', 0, 0));
}

} // namespace gatehouse::shell::detail
