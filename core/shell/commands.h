// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "shell/syntax.h"

#include <QString>
#include <QStringList>

#include <span>

/// What Gatehouse knows about commands: how to normalise a simple command before rules see it,
/// which commands only read (and which of their arguments are files), and which risks a
/// command carries that no allow rule can answer (SECURITY-MODEL.md section 4, steps 3 and 5).
/// Nothing here knows about rules or folders; core/policy combines it with them.
namespace gatehouse::shell {

/// A simple command as the rules see it.
struct NormalisedCommand
{
    /// Leading assignments, with those of `env NAME=value cmd`.
    QList<Assignment> assignments;
    /// The words after wrappers that only change scheduling are stripped, the program name
    /// resolved (/bin/rm and \rm are rm) and git's global options moved aside.
    QList<Word> words;
    /// More forms that deny and ask rules are matched against as well (the allow form above
    /// always counts): the words as written with any program path reduced to its base name,
    /// and the normalised words without sudo/doas and their options.
    QList<QList<Word>> denyForms;
    /// The wrappers stripped, in order ("timeout", "nice"...).
    QStringList wrappers;
    /// git's global options that were moved aside (-C x, -c a=b, --git-dir=x, ...).
    QStringList gitGlobalOptions;
    /// Options given to env itself (-i, -u NAME, -S ...), which change what runs.
    QStringList envOptions;
    /// The program's name could not be known before running (it comes from an expansion).
    bool dynamicName = false;
    /// Privilege wrappers seen (sudo, doas): never stripped for allow rules.
    bool privileged = false;
    /// What stripped wrappers do beyond scheduling, for a person: an option that writes a file
    /// ("time -o FILE -a"), a format, an option Gatehouse does not know, nohup whose output may
    /// go to nohup.out. Such a command is not read-only, and commandRisks() flags it
    /// ("wrapper-option"), so no allow rule of the wrapped command answers it.
    QStringList wrapperEffects;
    /// Files that stripped wrappers write ("time -o FILE", "--output=FILE", abbreviations too).
    /// commandRisks() flags them as "wrapper-writes", which nothing but the person answers; the
    /// policy may check them like output redirections (writable folders, protected paths).
    QList<Word> wrapperWrites;

    QString name() const { return words.isEmpty() ? QString() : words.first().text; }
};

/// Normalises one simple command (section 4, step 3).
NormalisedCommand normalise(const SimpleCommand &command);

/// A risk that no allow rule can answer (section 4, step 5).
struct Risk
{
    QString id;        ///< e.g. "command-substitution", "network", "critical-path-removal"
    QString reason;    ///< for a person
    /// The sandbox contains it (sandbox.autoAllow may run the command without asking).
    bool contained = true;
};

/// The file arguments of a command that only reads, when it is one (section 4, step 6).
struct ReadOnlyUse
{
    bool readOnly = false;
    QString whyNot;          ///< when not read-only: why, for a person
    QList<Word> files;       ///< arguments that name files or folders it reads
    /// It reads what is in the files (cat, grep), not only their names and sizes (ls, stat, find).
    bool readsContent = true;
    bool recursive = false;  ///< it reads whole folders (grep -r, find, rg, ls -R, du, tree)
    bool defaultsToCurrentFolder = false; ///< with no file argument it reads the current folder (recursively)
    /// Values of its options that may name files it reads ("md5sum -c FILE", "--files0-from=F"):
    /// checked against Read deny rules and, when they look like paths, against the project.
    QList<Word> optionValues;
    /// It can print the content of any file of the git repository, past or present (git diff,
    /// git show, git log -p, git grep...), whatever paths it is given.
    bool readsRepository = false;
    /// With readsRepository: what it prints comes only from the working tree, the index and
    /// HEAD's tree (git diff, git diff --cached, either with paths after "--"), never from
    /// history; the policy may look at the paths of the index and of HEAD instead of asking.
    bool readsIndexAndHeadOnly = false;
    /// Paths of the repository that it names, past or present: object names ("HEAD:.env",
    /// ":.env", ":0:.env", "main:secrets/k"; "" for a whole tree: "HEAD:"), git log -L's file,
    /// git blame's file, and the pathspecs after "--" of a command that prints contents. Relative
    /// to the repository's top folder (or, for pathspecs, to where git runs). See repositoryPaths().
    QStringList repositoryPaths;
    /// It follows symbolic links below the folders it is given (grep -R, rg -L, find -L and
    /// -follow, du -L, ls -RL, tree -l, diff -r): what it reads there may lie out of the project
    /// or be a denied file through a link. The policy must look through the links below each
    /// folder argument and refuse when one leads out of the project or to a denied file.
    bool followsLinks = false;
};

/// Whether the normalised command is a built-in read-only command whose arguments keep it
/// read-only (ls, cat, grep without writing options, git status/diff/log, find without -exec...).
ReadOnlyUse readOnlyUse(const NormalisedCommand &command);

/// Whether @p command can print lines of files of its git repository, past or present (git log -p,
/// -U1, --binary, --cc, --patch-with-stat; git show, grep, blame, cat-file, archive,
/// format-patch, stash show, diff with a revision...), judged on its words alone so that it holds
/// whatever rule allowed the command ("Bash(git log:*)" allows "git log -p" too): when a Read
/// deny rule covers a file of the workspace, such a command must ask (or be denied), unless, for
/// ReadOnlyUse::readsIndexAndHeadOnly, the index and HEAD hold no denied file.
bool readsRepositoryContent(const NormalisedCommand &command);

/// The repository paths @p command names (ReadOnlyUse::repositoryPaths), whatever allowed it:
/// a Read deny rule matching one of them (as a path of the project: "HEAD:.env" is .env; ""
/// is the whole project) denies the command, as naming the file directly would.
QStringList repositoryPaths(const NormalisedCommand &command);

/// The risks of one command that do not depend on folders: substitutions, eval and friends,
/// interpreters given code, programs that run programs, variables that change what runs,
/// network tools. (Redirections, removals and cd are judged by the policy, which knows the folders.)
QList<Risk> commandRisks(const NormalisedCommand &command, const SimpleCommand &source);

/// Risks of the command line as a whole (section 4, step 5): arithmetic that evaluates a value
/// the line did not set to a number (an array subscript in such a value runs commands),
/// ${x@P} and the other transformations that may run code, and variables that change what
/// runs set by for, read, printf -v, mapfile, getopts, wait -p, declare and friends, coproc,
/// unset, ${NAME=value}, {NAME}> redirections, and by arithmetic anywhere in the line
/// (((PATH=0)), $((IFS=1)), let, for ((...)), [[ -v a[X=1] ]], subscripts, and the values given
/// to declare -i variables). @p commands are the normalised parsed.commands, in the same order.
QList<Risk> lineRisks(const ParseResult &parsed, std::span<const NormalisedCommand *const> commands);

/// The paths @p command writes (or removes) through its arguments rather than a redirection:
/// sed -i's files, tee's files, the target of cp/mv/ln/install (with -t DIR; mv's sources too,
/// which it takes away), rsync's destination, dd of=, find -fprint/-fprint0/-fprintf/-fls,
/// sort -o, uniq's OUT, split's prefix, patch -o, tar -f when it creates (and -C), curl -o and
/// its other output files, wget -O/-o/-P, git diff/log/show --output and format-patch -o,
/// pytest --basetemp (which it empties)/--junitxml/--cov-report=KIND:PATH, touch, mkdir,
/// truncate, chmod, rm/rmdir/unlink/shred operands, compilers' -o and -MF, GNU time -o (from
/// @p source, whose wrappers normalise() took away). Words may be dynamic or globs, like a
/// redirection's target. Not listed: files a command writes under names it reads from
/// elsewhere (tar -x, unzip, patch without -o, git apply/checkout).
///
/// The policy checks each like the target of an output redirection, whatever allow rule matched
/// the command: onto a protected path it asks, not contained (a risk like "redirect-protected",
/// contained = false); outside the writable folders it is a contained risk (like
/// "redirect-outside"); a path decided at run time is a contained risk.
QList<Word> argumentWrites(const NormalisedCommand &command, const SimpleCommand &source);

/// Characters that hide what runs: NUL and control characters, bidirectional overrides,
/// zero-width characters, and $IFS tricks.
QList<Risk> textRisks(const QString &text);

/// Is @p name a program that removes files (rm, rmdir, unlink, shred)?
bool isRemoval(const QString &name);
/// Does the variable @p name change what programs run, what they read or where they write
/// (LD_PRELOAD, PATH, HOME, GIT_*, npm_config_* in any case...)? A subscript is ignored:
/// PATH[0]=x sets PATH. The families are in variables.cpp.
bool isDangerousVariable(const QString &name);
/// Network tools (curl, wget, ssh, nc, dig...).
bool isNetworkTool(const QString &name);
/// Shells and interpreters that run code given to them.
bool isShellOrInterpreter(const QString &name);

} // namespace gatehouse::shell
