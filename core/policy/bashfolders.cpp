// SPDX-License-Identifier: GPL-3.0-or-later
// Where each command of a Bash line runs (SECURITY-MODEL.md section 4, step 5): cd, pushd and
// popd move where later relative paths resolve, and git's configuration and hooks are those of
// the repository it starts in.
#include "policy/bashdecision_p.h"
#include "policy/engine.h"
#include "policy/paths.h"

#include "shell/syntax.h"

#include <QFileInfo>

#include <algorithm>

namespace gatehouse::policy::detail {

using namespace Qt::StringLiterals;
using shell::Risk;
using shell::Word;

namespace {

bool movesWorkingFolder(const shell::NormalisedCommand &n)
{
    const QString name = n.name();
    return name == u"cd"_s || name == u"pushd"_s || name == u"popd"_s;
}

// More folders than this, or more rounds, and the working folder counts as decided at run time.
constexpr qsizetype maxCandidates = 64;
constexpr int maxRounds = 8;

} // namespace

// Moves @p folders as the cd, pushd or popd of @p state would; returns false when @p state is
// not one of them. @p mayNotApply: the move may or may not have happened when a later command
// runs (a subshell, a pipeline, a loop), so the folders it leads to are added to the candidates.
bool BashDecision::moveWorkingFolder(CommandState &state, WorkingFolders &folders, bool mayNotApply) const
{
    const shell::NormalisedCommand &n = state.normalised;
    if (!movesWorkingFolder(n))
        return false;
    const QString name = n.name();
    const bool scoped = mayNotApply;
    QList<Word> targets;
    bool stackOnly = false; // pushd -n adds to the stack and stays
    for (const Word &word : n.words.mid(1)) {
        if (name == u"pushd"_s && word.isStatic() && word.text.startsWith(u'-') && word.text.contains(u'n'))
            stackOnly = true;
        if (!word.text.startsWith(u'-') || word.text == u"-"_s)
            targets << word;
    }
    // pushd alone swaps with the stack, pushd +N / -N rotates it: where it goes is the stack's.
    const auto rotates = [](const Word &word) {
        return word.text.size() > 1 && (word.text.startsWith(u'+') || word.text.startsWith(u'-')) && word.text.at(1).isDigit();
    };
    const bool fromStack = name == u"pushd"_s && (targets.isEmpty() || std::any_of(n.words.cbegin() + 1, n.words.cend(), rotates));
    QList<ResolvedPath> next;
    if (stackOnly) {
        state.builtin = true;
        state.allowed = true;
        return true;
    }
    if (name == u"popd"_s || fromStack || (!targets.isEmpty() && targets.first().text == u"-"_s)) {
        folders.unknown = true;
    } else if (targets.isEmpty()) {
        next << resolvePath(m_home, u"/"_s, m_home);
    } else {
        next = pathsOf(targets.first(), folders);
        if (next.isEmpty())
            folders.unknown = true;
    }
    QStringList candidates;
    for (const ResolvedPath &path : std::as_const(next)) {
        candidates << path.canonical;
        if (!inWritable(path))
            folders.leftWorkspace = true;
    }
    if (!folders.unknown) {
        if (scoped) {
            for (const QString &candidate : std::as_const(candidates))
                if (!folders.candidates.contains(candidate))
                    folders.candidates << candidate;
        } else {
            folders.candidates = candidates;
        }
    }
    state.builtin = true;
    state.allowed = true;
    return true;
}

// Each command's working folders. In text order when every command runs once, in that order.
// A loop runs its body again after a cd in it, and a function body runs wherever the function
// is called: then every command may run in any folder that any cd of the line can reach from
// any other, followed until no new folder appears.
void BashDecision::followWorkingFolders()
{
    WorkingFolders folders;
    folders.candidates << project();
    for (CommandState &state : m_commands) {
        state.folders = folders;
        const shell::SimpleCommand &source = *state.source;
        moveWorkingFolder(state, folders, source.nesting > 0 || source.inPipeline || source.background);
    }

    const bool repeats = m_parsed.has(shell::Construct::For) || m_parsed.has(shell::Construct::While)
                         || m_parsed.has(shell::Construct::Select) || m_parsed.has(shell::Construct::FunctionDefinition);
    if (!repeats || std::none_of(m_commands.cbegin(), m_commands.cend(),
                                 [](const CommandState &state) { return movesWorkingFolder(state.normalised); }))
        return;
    WorkingFolders reachable;
    reachable.candidates << project();
    bool settled = false;
    for (int round = 0; round < maxRounds && !settled && !reachable.unknown; ++round) {
        const qsizetype before = reachable.candidates.size();
        for (CommandState &state : m_commands) {
            // A cd from a folder that does not exist fails (bash stays where it is), so only the
            // existing ones lead further: "cd secrets" twice does not reach secrets/secrets.
            WorkingFolders from = reachable;
            from.candidates.removeIf([](const QString &folder) { return !QFileInfo(folder).isDir(); });
            if (!moveWorkingFolder(state, from, false) || from.unknown) {
                reachable.unknown |= from.unknown;
                continue;
            }
            reachable.leftWorkspace |= from.leftWorkspace;
            for (const QString &folder : std::as_const(from.candidates))
                if (!reachable.candidates.contains(folder))
                    reachable.candidates << folder;
        }
        settled = reachable.candidates.size() == before;
        if (reachable.candidates.size() > maxCandidates)
            reachable.unknown = true;
    }
    if (!settled)
        reachable.unknown = true; // "cd sub" in a loop: deeper each time
    for (CommandState &state : m_commands)
        state.folders = reachable;
}

// Where git starts: the working folder, moved by env -C and by each git -C in turn. Outside
// the project, or in a folder that may hold another repository, that repository's configuration
// can make git run programs.
void BashDecision::checkGitStart(const CommandState &state)
{
    const shell::NormalisedCommand &n = state.normalised;
    bool outside = state.folders.leftWorkspace; // said once, as cd-git
    if (state.folders.leftWorkspace)
        m_risks << Risk{u"cd-git"_s, u"git runs after a cd out of the project, where another repository's hooks and "
                                     u"configuration apply"_s,
                        true};
    QStringList moves;
    for (qsizetype i = 0; i < n.envOptions.size(); ++i) {
        const QString &option = n.envOptions[i];
        if ((option == u"-C"_s || option == u"--chdir"_s) && i + 1 < n.envOptions.size())
            moves << n.envOptions[++i];
        else if (option.startsWith(u"--chdir="_s))
            moves << option.mid(8);
        else if (option.startsWith(u"-C"_s))
            moves << option.mid(2);
        else if (!option.startsWith(u"--"_s) && option.startsWith(u'-') && option.contains(u'C'))
            moves << QString(); // a form this does not follow: decided at run time
    }
    for (qsizetype i = 0; i + 1 < n.gitGlobalOptions.size(); ++i)
        if (n.gitGlobalOptions[i] == u"-C"_s)
            moves << n.gitGlobalOptions[++i];
    WorkingFolders start = state.folders;
    for (const QString &move : std::as_const(moves)) {
        if (start.unknown)
            break;
        Word target;
        target.text = move;
        target.raw = target.text;
        const QList<ResolvedPath> paths = pathsOf(target, start);
        start.unknown = paths.isEmpty();
        start.candidates.clear();
        for (const ResolvedPath &path : paths) {
            start.candidates << path.canonical;
            if (!inWritable(path) && !outside) {
                m_risks << Risk{u"cd-git"_s, u"git -C (or env -C) makes git work in a folder outside the project"_s, true};
                outside = true;
            }
        }
    }
    if (outside)
        return; // cd-git says it
    if (start.unknown) {
        m_risks << Risk{u"other-repository"_s, u"git runs in a folder decided at run time, whose repository and its "
                                               u"configuration cannot be known"_s,
                        true};
        return;
    }
    for (const QString &folder : std::as_const(start.candidates))
        if (folder != project() && mayFindOtherRepository(folder, project())) {
            m_risks << Risk{u"other-repository"_s,
                            u"git runs in %1, which is not an ordinary folder of the project: git may use "
                            u"another repository there, whose configuration can make it run programs"_s.arg(folder),
                            true};
            return;
        }
}

} // namespace gatehouse::policy::detail
