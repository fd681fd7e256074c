// SPDX-License-Identifier: GPL-3.0-or-later
// Whether a Bash command is allowed (SECURITY-MODEL.md section 4, step 6): by an allow rule, or
// as a read-only built-in whose every file, glob and option value stays in the project and
// off what a Read deny rule covers.
#include "policy/bashdecision_p.h"
#include "policy/engine.h"
#include "policy/paths.h"

#include "shell/syntax.h"

#include <QFileInfo>

namespace gatehouse::policy::detail {

using namespace Qt::StringLiterals;
using shell::Word;
using shell::WordFeature;

void BashDecision::noteReadDeny(const RuleEntry *deny, const QString &path)
{
    if (!deny)
        return;
    m_readDeny = deny;
    m_readDenyPath = path;
}

void BashDecision::checkAllowed(CommandState &state)
{
    const shell::NormalisedCommand &n = state.normalised;
    if (const RuleEntry *allow = m_engine.matchCommandRule(Verdict::Allow, {state.line}); allow && !n.dynamicName) {
        // A rule names what it allows; a word decided at run time may add options it does not name.
        const bool coversAnything = allow->rule.kind == Rule::Kind::Tool || allow->rule.command.matchesEverything();
        if (const Word *optionLike = coversAnything ? nullptr : wordThatMayBeAnOption(n, state.folders, true)) {
            state.whyNotAllowed = u"%1 is decided at run time and may add options that %2 does not name"_s.arg(
                optionLike->raw, allow->rule.text);
        } else {
            state.allowed = true;
            state.allowRule = allow;
        }
    }
    const shell::ReadOnlyUse use = shell::readOnlyUse(n);
    bool builtinOk = use.readOnly;
    if (const Word *optionLike = builtinOk ? wordThatMayBeAnOption(n, state.folders, false) : nullptr) {
        builtinOk = false;
        if (state.whyNotAllowed.isEmpty())
            state.whyNotAllowed = u"%1 is decided at run time and may be an option that is not read-only"_s.arg(optionLike->raw);
    }
    if (!use.readOnly && state.whyNotAllowed.isEmpty())
        state.whyNotAllowed = use.whyNot;
    QList<Word> files = use.files;
    if (files.isEmpty() && use.defaultsToCurrentFolder) {
        Word here;
        here.text = u"."_s;
        here.raw = here.text;
        files << here;
    }
    for (const Word &file : std::as_const(files))
        checkFile(state, use, file, builtinOk);
    // Option values that may name files: a Read deny covers them too, and one that looks like
    // a path must stay in the project ("md5sum -c ~/.ssh/id_rsa" prints the key's lines).
    for (const Word &optionValue : std::as_const(use.optionValues))
        checkOptionValue(state, optionValue, builtinOk);
    checkRepositoryReads(state, use, builtinOk);
    if (state.writesFiles && m_engine.policy().mode() != Mode::AcceptEdits) {
        builtinOk = false;
        if (state.whyNotAllowed.isEmpty())
            state.whyNotAllowed = u"it writes its output to a file"_s;
    }
    if (state.allowRule && state.readMayBeDenied) {
        state.allowed = false;
        state.whyNotAllowed = u"%1 allows the command, but what it reads may be covered by a Read deny rule: %2"_s.arg(
            state.allowRule->rule.text, state.whyNotAllowed);
        state.allowRule = nullptr;
    }
    if (builtinOk && !n.dynamicName) {
        state.builtin = true;
        state.allowed = true;
    }
    if (!state.allowed && state.whyNotAllowed.isEmpty())
        state.whyNotAllowed = u"no rule allows it"_s;
}

// git commands that print files of the repository, past or present, and the paths they name
// ("git show HEAD:.env"), whatever rule allowed them ("Bash(git log:*)" allows "git log -p").
void BashDecision::checkRepositoryReads(CommandState &state, const shell::ReadOnlyUse &use, bool &builtinOk)
{
    const shell::NormalisedCommand &n = state.normalised;
    const QStringList named = shell::repositoryPaths(n);
    for (const QString &name : named) {
        // Relative to the repository's top (the project) or, for pathspecs, to where git runs.
        QStringList bases{project()};
        if (!state.folders.unknown)
            for (const QString &folder : state.folders.candidates)
                if (!bases.contains(folder))
                    bases << folder;
        // A denied file named is denied; what lies below a folder named is the content check's.
        for (const QString &base : std::as_const(bases)) {
            const ResolvedPath path = resolvePath(name.isEmpty() ? u"."_s : name, base, m_home, project(), base);
            noteReadDeny(m_engine.matchPathRule(Verdict::Deny, u"Read"_s, path.lexical, path.canonical, false), path.lexical);
        }
    }
    const bool printsContent = use.readsRepository || shell::readsRepositoryContent(n);
    if (!printsContent || !m_engine.readDenyCoversWorkspace())
        return;
    if (use.readsIndexAndHeadOnly && !state.folders.unknown && m_engine.gitDiffShowsNoDeniedFile(n, state.folders.candidates))
        return;
    builtinOk = false;
    state.allowed = false;
    state.allowRule = nullptr;
    state.whyNotAllowed = u"it can print files of the repository that a Read deny rule covers"_s;
}

std::optional<QList<BashDecision::GlobMatches>> BashDecision::expandGlob(const Word &glob, const WorkingFolders &folders) const
{
    const qsizetype slash = glob.text.lastIndexOf(u'/');
    const QString fixed = glob.text.left(slash + 1);
    if (!m_globsAsUsual || fixed.contains(u'*') || fixed.contains(u'?') || fixed.contains(u'['))
        return std::nullopt;
    Word folderWord = glob;
    folderWord.text = slash < 0 ? u"."_s : (slash == 0 ? u"/"_s : glob.text.left(slash));
    folderWord.features &= ~static_cast<std::uint32_t>(WordFeature::Glob);
    const QList<ResolvedPath> bases = pathsOf(folderWord, folders);
    if (bases.isEmpty())
        return std::nullopt;
    QList<GlobMatches> expansions;
    for (const ResolvedPath &base : bases) {
        auto matches = expandLastComponent(base.canonical, glob.text.mid(slash + 1));
        if (!matches)
            return std::nullopt;
        expansions << GlobMatches{base, std::move(*matches)};
    }
    return expansions;
}

// A glob expanded now: each match is checked like a file named directly. False when it cannot
// be expanded here.
bool BashDecision::checkGlob(CommandState &state, const shell::ReadOnlyUse &use, const Word &file, bool &builtinOk)
{
    if (file.features & ~(static_cast<std::uint32_t>(WordFeature::Glob) | static_cast<std::uint32_t>(WordFeature::Quoted)))
        return false;
    const auto expansions = expandGlob(file, state.folders);
    if (!expansions)
        return false;
    for (const GlobMatches &expansion : *expansions) {
        const ResolvedPath &base = expansion.folder;
        if (!m_engine.inWorkspace(base.lexical, base.canonical)) {
            builtinOk = false;
            state.whyNotAllowed = u"it reads %1, outside the project"_s.arg(file.raw);
        }
        for (const QString &match : expansion.matches) {
            const ResolvedPath path = resolvePath(match, u"/"_s, m_home);
            if (use.readsContent)
                noteReadDeny(m_engine.matchPathRule(Verdict::Deny, u"Read"_s, path.lexical, path.canonical, false), path.lexical);
            if (!m_engine.inWorkspace(path.lexical, path.canonical)) {
                builtinOk = false;
                state.whyNotAllowed = u"%1 matches %2, outside the project"_s.arg(file.raw, path.lexical);
            }
        }
    }
    return true;
}

void BashDecision::checkFile(CommandState &state, const shell::ReadOnlyUse &use, const Word &file, bool &builtinOk)
{
    // <(cmd): a pipe from a command that is checked on its own.
    if (file.has(WordFeature::ProcessSubstitution))
        return;
    if (file.has(WordFeature::Glob)) {
        if (checkGlob(state, use, file, builtinOk))
            return;
        Word folder = file;
        folder.text = globFolder(file);
        folder.features &= ~static_cast<std::uint32_t>(WordFeature::Glob);
        const QList<ResolvedPath> paths = pathsOf(folder, state.folders);
        if (paths.isEmpty()) {
            builtinOk = false;
            state.whyNotAllowed = u"it reads %1, decided at run time"_s.arg(file.raw);
            state.readMayBeDenied |= m_engine.readDenyMayCoverBelow(u"/"_s);
        }
        for (const ResolvedPath &path : paths) {
            const bool mayBeDenied = m_engine.readDenyMayCoverBelow(path.lexical) || m_engine.readDenyMayCoverBelow(path.canonical);
            state.readMayBeDenied |= mayBeDenied;
            if (!m_engine.inWorkspace(path.lexical, path.canonical)) {
                builtinOk = false;
                state.whyNotAllowed = u"it reads %1, outside the project"_s.arg(file.raw);
            } else if (use.readsContent && mayBeDenied) {
                builtinOk = false;
                state.whyNotAllowed = u"%1 may match a file that a Read deny rule covers"_s.arg(file.raw);
            }
        }
        return;
    }
    const QList<ResolvedPath> paths = pathsOf(file, state.folders);
    if (paths.isEmpty()) {
        builtinOk = false;
        state.whyNotAllowed = u"it reads %1, a path decided at run time"_s.arg(file.raw);
        state.readMayBeDenied |= m_engine.readDenyMayCoverBelow(u"/"_s);
        return;
    }
    for (const ResolvedPath &path : paths) {
        if (isHarmlessInput(path.lexical) || isHarmlessInput(path.canonical))
            continue; // the command's own input, or a device that holds nothing of anyone's
        // A file named directly is denied whether its content or its name and size are read.
        noteReadDeny(m_engine.matchPathRule(Verdict::Deny, u"Read"_s, path.lexical, path.canonical, false), path.lexical);
        if (!m_engine.inWorkspace(path.lexical, path.canonical)) {
            builtinOk = false;
            state.whyNotAllowed = u"it reads %1, outside the project"_s.arg(path.lexical);
        } else if (use.recursive && use.readsContent && QFileInfo(path.canonical).isDir()
                   && m_engine.readDenyCoversFileBelow(path.lexical, path.canonical)) {
            builtinOk = false;
            state.readMayBeDenied = true;
            state.whyNotAllowed = u"it reads all of %1, which holds files that a Read deny rule covers"_s.arg(path.lexical);
        } else if (use.followsLinks && QFileInfo(path.canonical).isDir()) {
            // grep -R, find -L: links below lead wherever they point, and the command follows.
            if (const QString link = m_engine.linkBelowLeadsAway(path.canonical); !link.isEmpty()) {
                const QString target = canonicalPath(link);
                noteReadDeny(m_engine.matchPathRule(Verdict::Deny, u"Read"_s, target, target, false), link);
                builtinOk = false;
                state.readMayBeDenied = true;
                state.whyNotAllowed = u"it follows the link %1 below %2, which leads out of the project or to a denied file"_s.arg(
                    link, path.lexical);
            }
        }
    }
}

void BashDecision::checkOptionValue(CommandState &state, const Word &optionValue, bool &builtinOk)
{
    const bool pathLike = optionValue.text.contains(u'/') || optionValue.text.startsWith(u'~') || optionValue.text.startsWith(u'.');
    if (!optionValue.isStatic()) {
        if (pathLike) {
            builtinOk = false;
            state.whyNotAllowed = u"an option of it names %1, decided at run time"_s.arg(optionValue.raw);
        }
        return;
    }
    for (const ResolvedPath &path : pathsOf(optionValue, state.folders)) {
        noteReadDeny(m_engine.matchPathRule(Verdict::Deny, u"Read"_s, path.lexical, path.canonical, false), path.lexical);
        // A value that is not written like a path is still one when such a file exists (a
        // repository can ship a link named "20" that points at a key).
        if ((pathLike || path.exists) && optionValue.text != u"/"_s && !m_engine.inWorkspace(path.lexical, path.canonical)) {
            builtinOk = false;
            state.whyNotAllowed = u"an option of it names %1, outside the project"_s.arg(path.lexical);
        }
    }
}

} // namespace gatehouse::policy::detail
