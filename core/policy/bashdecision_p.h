// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One Bash decision (SECURITY-MODEL.md section 4), step by step. Engine::decideBash makes one
// and asks it for the decision; each step of the section has its own member, in its own file:
//   bashpolicy.cpp   steps 1-4 and 7: parse, normalise, deny and ask rules, the verdict
//   bashfolders.cpp  where each command runs: cd, pushd, popd, loops and functions, git's start
//   bashwrites.cpp   step 5 for writes: redirections, paths written through arguments, removals
//   bashreads.cpp    step 6: allow rules, read-only built-ins and every file they read
//   bashwords.cpp    words decided at run time where options are read
// Not a public header.

#include "policy/bashsupport_p.h"
#include "policy/decision.h"

#include "shell/commands.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace gatehouse::policy {

class Engine;
struct RuleEntry;

namespace detail {

/// One simple command of the line and what the steps found about it.
struct CommandState
{
    const shell::SimpleCommand *source = nullptr;
    shell::NormalisedCommand normalised;
    QString line;            ///< the canonical line allow rules are matched against
    QStringList denyLines;   ///< the lines deny and ask rules are matched against
    QString description;
    WorkingFolders folders;  ///< where it runs (its relative paths resolve)
    bool allowed = false;
    const RuleEntry *allowRule = nullptr;
    bool builtin = false;    ///< a read-only built-in (plan mode runs only those)
    bool writesFiles = false;
    /// A file it reads is decided at run time, or a glob or folder it reads may hold what a
    /// Read deny covers: no allow rule answers for that ("Bash(cat:*)" is not "cat $x").
    bool readMayBeDenied = false;
    QString whyNotAllowed;
};

class BashDecision
{
public:
    BashDecision(const Engine &engine, const QString &text);

    Decision decide();

private:
    // bashpolicy.cpp
    bool parseAndNormalise();
    const RuleEntry *denyRuleOf(const QList<QStringList> &lines) const;
    std::pair<const CommandState *, const RuleEntry *> ruleOfUnknownWords() const;
    void checkSubstitutions();
    Decision verdict();
    Decision finishWith(Verdict verdict, Source source, const QString &reason, const RuleEntry *rule = nullptr);

    // bashfolders.cpp
    void followWorkingFolders();
    bool moveWorkingFolder(CommandState &state, WorkingFolders &folders, bool mayNotApply) const;
    void checkGitStart(const CommandState &state);

    // bashwrites.cpp
    void checkRemoval(const CommandState &state);
    void checkRedirections(CommandState &state);
    void checkArgumentWrites(CommandState &state);
    void checkWrite(CommandState &state, const ResolvedPath &path, const QString &how);

    // bashreads.cpp
    void checkAllowed(CommandState &state);

    // bashwords.cpp
    void findRunTimeVariables();
    void checkSecretVariables();
    bool substitutionGivesOnlyText(const shell::Word &word) const;
    const shell::Word *wordThatMayBeAnOption(const shell::NormalisedCommand &n, const WorkingFolders &folders,
                                             bool forwarded) const;
    void checkFile(CommandState &state, const shell::ReadOnlyUse &use, const shell::Word &file, bool &builtinOk);
    bool checkGlob(CommandState &state, const shell::ReadOnlyUse &use, const shell::Word &file, bool &builtinOk);
    void checkOptionValue(CommandState &state, const shell::Word &value, bool &builtinOk);
    void checkRepositoryReads(CommandState &state, const shell::ReadOnlyUse &use, bool &builtinOk);
    void noteReadDeny(const RuleEntry *deny, const QString &path);

    QList<ResolvedPath> pathsOf(const shell::Word &word, const WorkingFolders &folders) const;
    /// A glob whose wildcards are all in its last component, expanded now as bash would in each
    /// working folder: each folder with the paths it matches there. std::nullopt when it cannot
    /// be expanded exactly here (wildcards in folders, shopt or GLOBIGNORE, a locale-dependent class).
    struct GlobMatches
    {
        ResolvedPath folder;
        QStringList matches;
    };
    std::optional<QList<GlobMatches>> expandGlob(const shell::Word &glob, const WorkingFolders &folders) const;
    bool inWritable(const ResolvedPath &path) const;
    bool isCritical(const QString &path) const;
    QString project() const;

    const Engine &m_engine;
    const QString m_text;
    const QString m_home;
    QStringList m_writable;
    Decision m_decision;
    QList<shell::Risk> m_risks;
    shell::ParseResult m_parsed;
    QList<CommandState> m_commands;
    QList<QStringList> m_allLines; ///< every command's deny lines and those hidden in sh -c strings
    const RuleEntry *m_readDeny = nullptr;
    QString m_readDenyPath;
    QSet<QString> m_runTimeVariables; ///< variables the line fills with values decided at run time
    bool m_globsAsUsual = true;       ///< no shopt or GLOBIGNORE changes what globs match
};

} // namespace detail
} // namespace gatehouse::policy
