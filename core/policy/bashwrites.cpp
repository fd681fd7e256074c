// SPDX-License-Identifier: GPL-3.0-or-later
// What a Bash command writes or removes (SECURITY-MODEL.md section 4, step 5): removals aimed
// at critical paths, and redirections, which must stay in the writable folders and off
// protected paths whatever rule allows the command.
#include "policy/bashdecision_p.h"
#include "policy/engine.h"
#include "policy/paths.h"

#include "shell/syntax.h"

#include <algorithm>

namespace gatehouse::policy::detail {

using namespace Qt::StringLiterals;
using shell::Risk;
using shell::Word;
using shell::WordFeature;

// The root and its direct children, home, the project and its parents.
bool BashDecision::isCritical(const QString &path) const
{
    if (path == u"/"_s || path.count(u'/') == 1)
        return true;
    if (!m_home.isEmpty() && path == m_home)
        return true;
    for (const QString &folder : m_engine.policy().workspaceFolders())
        if (isInside(folder, path))
            return true;
    return false;
}

// Removals aimed at critical paths (never contained: the person must see them), behind sudo too.
void BashDecision::checkRemoval(const CommandState &state)
{
    const shell::NormalisedCommand &n = state.normalised;
    const QList<Word> &removal = n.privileged && !n.denyForms.isEmpty() ? n.denyForms.last() : n.words;
    if (removal.isEmpty() || !shell::isRemoval(removal.first().text))
        return;
    const QString remover = removal.first().text;
    bool endOfOptions = false;
    for (const Word &word : removal.mid(1)) {
        if (!endOfOptions && word.text == u"--"_s) {
            endOfOptions = true;
            continue;
        }
        if (!endOfOptions && word.text.startsWith(u'-') && word.text.size() > 1)
            continue;
        QString reason;
        if (word.has(WordFeature::Glob)) {
            Word folder = word;
            folder.text = globFolder(word);
            folder.features &= ~static_cast<std::uint32_t>(WordFeature::Glob);
            const QList<ResolvedPath> paths = pathsOf(folder, state.folders);
            if (paths.isEmpty())
                reason = u"%1 removes paths decided at run time"_s.arg(remover);
            for (const ResolvedPath &path : paths)
                if (isCritical(path.lexical) || isCritical(path.canonical))
                    reason = u"%1 %2 removes what is in %3"_s.arg(remover, word.text, path.lexical);
        } else {
            const QList<ResolvedPath> paths = pathsOf(word, state.folders);
            if (paths.isEmpty())
                reason = u"%1 removes %2, a path decided at run time"_s.arg(remover, word.raw);
            for (const ResolvedPath &path : paths)
                if (isCritical(path.lexical) || isCritical(path.canonical))
                    reason = u"%1 removes %2, a critical folder"_s.arg(remover, path.lexical);
        }
        if (!reason.isEmpty())
            m_risks << Risk{u"critical-path-removal"_s, reason, false};
    }
}

// Redirections: reads are reads, writes must stay in the writable folders and off protected paths.
void BashDecision::checkRedirections(CommandState &state)
{
    for (const shell::Redirection &redirection : state.source->redirections) {
        const QString &op = redirection.op;
        if (op == u"<<"_s || op == u"<<-"_s || op == u"<<<"_s)
            continue;
        if ((op == u">&"_s || op == u"<&"_s)
            && (redirection.target.text == u"-"_s
                || std::all_of(redirection.target.text.begin(), redirection.target.text.end(), [](QChar c) { return c.isDigit(); })))
            continue; // duplicating or closing a descriptor
        const bool output = isOutput(op);
        if (redirection.target.isStatic() && isDeviceSink(redirection.target.text))
            continue;
        // "< <(cmd)": a pipe from a command that is checked on its own.
        if (redirection.target.has(WordFeature::ProcessSubstitution))
            continue;
        if (redirection.target.isStatic() && !output && isHarmlessInput(redirection.target.text))
            continue;
        const QList<ResolvedPath> paths = pathsOf(redirection.target, state.folders);
        if (paths.isEmpty()) {
            m_risks << Risk{output ? u"redirect-dynamic"_s : u"read-dynamic"_s,
                            u"it %1 %2, a path decided at run time"_s.arg(output ? u"writes to"_s : u"reads"_s, redirection.target.raw),
                            true};
            state.writesFiles |= output;
            state.whyNotAllowed = u"it redirects to a path decided at run time"_s;
            continue;
        }
        for (const ResolvedPath &path : paths) {
            if (output ? isDeviceSink(path.canonical) : isHarmlessInput(path.canonical))
                continue; // /dev/./null, /dev/stdout seen as /proc/self/fd/1
            if (isNetworkPath(path.lexical)) {
                m_risks << Risk{u"network"_s, u"the redirection %1 %2 connects to another host"_s.arg(op, path.lexical), true};
                continue;
            }
            if (!output) {
                noteReadDeny(m_engine.matchPathRule(Verdict::Deny, u"Read"_s, path.lexical, path.canonical, false), path.lexical);
                // The shell reads it for the command, whatever rule allows the command.
                if (!m_engine.inWorkspace(path.lexical, path.canonical) && !isHarmlessInput(path.canonical))
                    m_risks << Risk{u"read-outside"_s, u"it reads %1, outside the project"_s.arg(path.lexical), true};
                continue;
            }
            checkWrite(state, path, QString());
        }
    }
}

// A path the command writes, by a redirection or through its arguments: Edit and Read denies
// deny it, a protected path is for the person alone, and it must stay in the writable folders.
void BashDecision::checkWrite(CommandState &state, const ResolvedPath &path, const QString &how)
{
    state.writesFiles = true;
    noteReadDeny(m_engine.matchPathRule(Verdict::Deny, u"Read"_s, path.lexical, path.canonical, true), path.lexical);
    noteReadDeny(m_engine.matchPathRule(Verdict::Deny, u"Edit"_s, path.lexical, path.canonical, true), path.lexical);
    if (m_engine.isProtectedPath(path.lexical) || m_engine.isProtectedPath(path.canonical))
        m_risks << Risk{u"redirect-protected"_s, u"it writes to %1%2, a protected path"_s.arg(path.lexical, how), false};
    else if (!inWritable(path))
        m_risks << Risk{u"redirect-outside"_s, u"it writes to %1%2, outside the writable folders"_s.arg(path.lexical, how), true};
}

// Section 4, step 5: the same writes made through arguments (sed -i, tee, cp and mv targets,
// --output=, time -o...), whatever allow rule matched the command. What rm and friends may
// remove is checkRemoval's (critical paths); here they must not take a protected path.
void BashDecision::checkArgumentWrites(CommandState &state)
{
    const QString how = u" (through its arguments)"_s;
    const bool removes = !state.normalised.words.isEmpty() && shell::isRemoval(state.normalised.name());
    const auto check = [&](const ResolvedPath &path) {
        if (isDeviceSink(path.canonical))
            return;
        if (!removes) {
            checkWrite(state, path, how);
            return;
        }
        noteReadDeny(m_engine.matchPathRule(Verdict::Deny, u"Edit"_s, path.lexical, path.canonical, true), path.lexical);
        if (m_engine.isProtectedPath(path.lexical) || m_engine.isProtectedPath(path.canonical))
            m_risks << Risk{u"redirect-protected"_s, u"it removes %1, a protected path"_s.arg(path.lexical), false};
    };
    const auto decidedAtRunTime = [&](const Word &target) {
        state.writesFiles = true;
        if (!removes) // checkRemoval asks about removals decided at run time
            m_risks << Risk{u"redirect-dynamic"_s, u"it writes to %1, a path decided at run time"_s.arg(target.raw), true};
    };
    for (const Word &target : shell::argumentWrites(state.normalised, *state.source)) {
        if (target.isStatic() && !target.has(WordFeature::Glob) && isDeviceSink(target.text))
            continue;
        if (!target.has(WordFeature::Glob)) {
            const QList<ResolvedPath> paths = pathsOf(target, state.folders);
            if (paths.isEmpty())
                decidedAtRunTime(target);
            for (const ResolvedPath &path : paths)
                check(path);
            continue;
        }
        // A glob writes what it matches: each file it matches now, in a folder that must be
        // writable. One that cannot be expanded here is decided at run time.
        state.writesFiles = true;
        const auto expansions = expandGlob(target, state.folders);
        if (!expansions)
            decidedAtRunTime(target);
        for (const GlobMatches &expansion : expansions.value_or(QList<GlobMatches>())) {
            if (!removes && !inWritable(expansion.folder))
                checkWrite(state, expansion.folder, how);
            for (const QString &match : expansion.matches)
                check(resolvePath(match, u"/"_s, m_home));
        }
    }
}

} // namespace gatehouse::policy::detail
