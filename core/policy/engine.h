// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "policy/decision.h"
#include "policy/policy.h"

#include <QHash>
#include <QSet>

#include <memory>
#include <mutex>

namespace gatehouse::shell {
struct NormalisedCommand;
}

namespace gatehouse::policy {

/// The decision procedure of SECURITY-MODEL.md sections 2 to 4: given a tool call, allow, ask
/// or deny, with the rule and layer that decided, the risks found and a description. The GUI,
/// the agent and `gatehouse check` all use this one engine. Thread-safe for concurrent decide().
class Engine
{
public:
    explicit Engine(Policy policy);

    Decision decide(const ToolCall &call) const;
    const Policy &policy() const { return m_policy; }

    /// Is @p absolutePath (clean) inside the project or an additional directory, both as written
    /// and after following symlinks?
    bool inWorkspace(const QString &lexical, const QString &canonical) const;
    /// Is the path one that nothing writes without an explicit answer (section 4)?
    bool isProtectedPath(const QString &absolutePath) const;
    /// Why the path (as written or as it really is) lies in a credential store or in Gatehouse's
    /// own folders (sensitivepaths.h), which the file tools never read or write without an
    /// explicit answer; empty when it does not.
    QString sensitivePathReason(const QString &lexical, const QString &canonical) const;

    /// The first rule of @p verdict for tool family checks of a path read (@p write false) or
    /// write; nullptr when none matches. Deny semantics: lexical or canonical; allow: both.
    const RuleEntry *matchPathRule(Verdict verdict, const QString &tool, const QString &lexical,
                                   const QString &canonical, bool write) const;
    /// Whether a Read deny rule (or sandbox.filesystem.denyRead) could cover something inside @p folder.
    bool readDenyMayCoverBelow(const QString &folder) const;
    /// Whether something that exists inside @p folder (canonical) now is covered by a Read deny:
    /// what a recursive search there (grep -r, rg) would read. Looks at the files themselves, so
    /// "Read(.env)" does not stop "grep -r TODO src" when src holds no .env. True when the folder
    /// is too large to look through, or holds a link to a folder (it may lead anywhere).
    /// @p lexical is the folder as written (resolved), @p canonical the folder it really is.
    bool readDenyCoversFileBelow(const QString &lexical, const QString &canonical) const;
    /// For a command that follows symbolic links below the folders it reads (grep -R, rg -L,
    /// find -L...): the first link below @p canonicalFolder that leads out of the workspace, to a
    /// path a Read deny covers, or nowhere known (a loop); empty when there is none. A folder
    /// too large to look through answers itself.
    QString linkBelowLeadsAway(const QString &canonicalFolder) const;
    /// Whether the index or HEAD's tree of the repository holding @p folder has a path that a
    /// Read deny covers (or a submodule, whose diff shows its history): what `git diff` and
    /// `git diff --cached` without revisions could print. True when it cannot be known (no
    /// repository, libgit2 fails). Cached per repository, keyed on the index file and HEAD.
    bool readDenyCoversTrackedFile(const QString &folder) const;
    /// For a `git diff` without revisions (shell::ReadOnlyUse::readsIndexAndHeadOnly) run in
    /// @p folders (the possible working folders): true when it runs in one folder of the
    /// workspace, with no git global option but --no-pager, no assignment and no env option, and
    /// readDenyCoversTrackedFile() says no. Otherwise it may reach another repository or history.
    bool gitDiffShowsNoDeniedFile(const shell::NormalisedCommand &command, const QStringList &folders) const;
    /// The first Bash rule of @p verdict (in settings order) that matches any of @p lines
    /// (canonical command lines); a whole-tool "Bash" rule matches every line.
    const RuleEntry *matchCommandRule(Verdict verdict, const QStringList &lines) const;

    /// Whether there is any Bash rule of @p verdict (a whole-tool rule included).
    bool hasCommandRules(Verdict verdict) const
    {
        const CommandIndex &index = verdict == Verdict::Deny ? m_denyCommands : verdict == Verdict::Ask ? m_askCommands : m_allowCommands;
        return !index.anyFirstWord.isEmpty() || !index.byFirstWord.isEmpty();
    }
    /// The first Bash rule of @p verdict that some values of the unknown parts of any of @p lines
    /// would match (CommandPattern::mayMatch): lines of commands with words decided at run time.
    const RuleEntry *mayMatchCommandRule(Verdict verdict, const QStringList &lines) const;

    /// Whether a Read deny rule could cover a file inside the project or an additional folder.
    bool readDenyCoversWorkspace() const { return m_readDenyCoversWorkspace; }

private:
    Decision decideFile(const ToolCall &call) const;
    Decision decideWebFetch(const ToolCall &call) const;
    Decision decideMcp(const ToolCall &call) const;
    Decision decideBash(const ToolCall &call) const;
    const RuleEntry *matchToolRule(Verdict verdict, const QString &tool) const;
    /// Applies what holds for every decision: settings errors, dontAsk and headless runs.
    Decision finish(Decision decision) const;

    // Bash(...) rules indexed by the first word of their pattern, so that a command is compared
    // only with the rules that name its program (and those that start with a wildcard).
    struct CommandIndex
    {
        QHash<QString, QList<const RuleEntry *>> byFirstWord;
        QList<const RuleEntry *> anyFirstWord; ///< whole-tool rules and patterns starting with a wildcard
    };
    void buildCommandIndex(const QList<RuleEntry> &rules, CommandIndex &index);
    // Path rules indexed by the fixed folder of their pattern (anchor and literal components).
    struct PathIndex
    {
        QHash<QString, QList<const RuleEntry *>> byFolder;
        QSet<qsizetype> folderLengths; ///< lengths of the keys of byFolder: most folders of a path are not keys
        QList<const RuleEntry *> others; ///< floating patterns and non-path rules
    };
    void buildPathIndex(const QList<RuleEntry> &rules, PathIndex &index);

    Policy m_policy;
    CommandIndex m_denyCommands;
    CommandIndex m_askCommands;
    CommandIndex m_allowCommands;
    PathIndex m_denyPaths;
    PathIndex m_askPaths;
    PathIndex m_allowPaths;
    QList<RuleEntry> m_deny;
    QList<RuleEntry> m_ask;
    QList<RuleEntry> m_allow;
    QList<PathPattern> m_denyReadPatterns; ///< sandbox.filesystem.denyRead, as Read deny patterns
    QStringList m_credentialStores;        ///< sensitivepaths.h
    QStringList m_gatehouseFolders;        ///< sensitivepaths.h
    /// Whether a Read deny rule could cover a file inside the project or an additional folder.
    bool m_readDenyCoversWorkspace = false;
    /// readDenyCoversTrackedFile() per repository: the stamp it was computed for, and the answer.
    /// Shared by copies of the engine, which have the same rules.
    struct TrackedCache
    {
        std::mutex mutex;
        QHash<QString, std::pair<QByteArray, bool>> byWorkDir;
    };
    std::shared_ptr<TrackedCache> m_trackedCache = std::make_shared<TrackedCache>();
};

} // namespace gatehouse::policy
