// SPDX-License-Identifier: GPL-3.0-or-later
// Deciding a Bash command: SECURITY-MODEL.md section 4, steps 1 to 7, and contained commands.
#include "policy/bashlines.h"
#include "policy/bashsupport_p.h"
#include "policy/engine.h"
#include "policy/paths.h"

#include "shell/commands.h"
#include "shell/describe.h"
#include "shell/syntax.h"

#include <QFileInfo>
#include <QVarLengthArray>

#include <optional>

namespace gatehouse::policy {

using namespace detail; // bashsupport_p.h

namespace {

using namespace Qt::StringLiterals;
using shell::NormalisedCommand;
using shell::Risk;
using shell::SimpleCommand;
using shell::Word;
using shell::WordFeature;

constexpr qsizetype maxCommandLength = 10000;

struct CommandState
{
    const SimpleCommand *source = nullptr;
    NormalisedCommand normalised;
    QString line;
    QStringList denyLines;
    QString description;
    bool allowed = false;
    const RuleEntry *allowRule = nullptr;
    bool builtin = false;
    bool writesFiles = false;
    QString whyNotAllowed;
};

} // namespace

QString bashRuleLine(const QList<Word> &words)
{
    return canonicalLine(words);
}

std::optional<QList<BashCommandLine>> bashCommandLines(const QString &text)
{
    const shell::ParseResult parsed = shell::parse(text);
    if (!parsed.ok)
        return std::nullopt;
    QList<BashCommandLine> lines;
    lines.reserve(parsed.commands.size());
    for (const SimpleCommand &command : parsed.commands) {
        BashCommandLine line;
        line.command = shell::normalise(command);
        line.line = canonicalLine(line.command.words);
        line.context = command.context;
        lines << std::move(line);
    }
    return lines;
}

Decision Engine::decideBash(const ToolCall &call) const
{
    Decision decision;
    const QJsonValue value = call.input.value(u"command"_s);
    if (!value.isString() || value.toString().trimmed().isEmpty()) {
        decision.verdict = Verdict::Deny;
        decision.reason = u"the input has no command"_s;
        decision.description = u"runs nothing"_s;
        return decision;
    }
    const QString text = value.toString();
    const QString home = m_policy.homeDir();

    QList<Risk> risks = shell::textRisks(text);
    const auto riskIds = [&risks] {
        QStringList ids;
        for (const Risk &risk : std::as_const(risks))
            if (!ids.contains(risk.id))
                ids << risk.id;
        return ids;
    };

    if (text.size() > maxCommandLength) {
        decision.verdict = Verdict::Ask;
        decision.source = Source::Risk;
        decision.reason = u"the command is %1 characters long, more than the %2 that are analysed"_s.arg(text.size()).arg(maxCommandLength);
        risks << Risk{u"too-long"_s, decision.reason, false};
        decision.risks = riskIds();
        decision.description = u"runs a very long command"_s;
        return decision;
    }

    const shell::ParseResult parsed = shell::parse(text);
    if (!parsed.ok) {
        decision.verdict = Verdict::Ask;
        decision.source = Source::Risk;
        decision.reason = u"the command cannot be parsed (%1), so it cannot be checked"_s.arg(parsed.error);
        risks << Risk{u"unparseable"_s, decision.reason, false};
        decision.risks = riskIds();
        decision.description = u"runs a command that cannot be analysed"_s;
        return decision;
    }

    // ---- normalise every simple command (step 3)
    QList<CommandState> commands;
    commands.reserve(parsed.commands.size());
    for (const SimpleCommand &command : parsed.commands) {
        CommandState state;
        state.source = &command;
        state.normalised = shell::normalise(command);
        state.line = canonicalLine(state.normalised.words);
        state.denyLines << state.line;
        for (const QList<Word> &form : std::as_const(state.normalised.denyForms)) {
            const QString line = canonicalLine(form);
            if (!state.denyLines.contains(line))
                state.denyLines << line;
        }
        state.description = shell::describeCommand(state.normalised, command);
        commands.append(std::move(state));
    }
    // Described in the order they run: a substitution before the command it is part of.
    QList<const CommandState *> byEnd;
    for (const CommandState &state : std::as_const(commands))
        byEnd << &state;
    std::stable_sort(byEnd.begin(), byEnd.end(), [](const CommandState *a, const CommandState *b) {
        return a->source->offset + a->source->length < b->source->offset + b->source->length;
    });
    QStringList descriptions;
    for (const CommandState *state : std::as_const(byEnd))
        descriptions << state->description;
    decision.description = shell::describeCommands(descriptions);
    {
        QVarLengthArray<const NormalisedCommand *, 32> normalised;
        for (const CommandState &state : std::as_const(commands))
            normalised.append(&state.normalised);
        risks << shell::lineRisks(parsed, std::span(normalised.constData(), std::size_t(normalised.size())));
    }

    const auto finishWith = [&](Verdict verdict, Source source, const QString &reason, const RuleEntry *rule = nullptr) {
        decision.verdict = verdict;
        decision.source = rule ? sourceFor(rule->layer) : source;
        decision.rule = rule ? rule->rule.text : QString();
        decision.reason = reason;
        decision.risks = riskIds();
        return decision;
    };

    // ---- deny and ask rules against every command, and inside sh -c / eval strings (step 4)
    QList<QStringList> allLines;
    for (const CommandState &state : std::as_const(commands)) {
        allLines << state.denyLines;
        addInnerLines(state.normalised, 1, allLines);
    }
    for (const QStringList &lines : std::as_const(allLines))
        if (const RuleEntry *deny = matchCommandRule(Verdict::Deny, lines))
            return finishWith(Verdict::Deny, Source::Default, u"denied by "_s + deny->rule.text, deny);

    // ---- folders, files and redirections (steps 4 to 6)
    QStringList writable = m_policy.workspaceFolders();
    writable << m_policy.sandboxAllowWrite();
    const auto inWritable = [&writable](const ResolvedPath &path) {
        for (const QString &folder : std::as_const(writable))
            if (isInside(path.lexical, folder) && isInside(path.canonical, folder))
                return true;
        return false;
    };
    const auto isCritical = [this, &home](const QString &path) {
        if (path == u"/"_s || path.count(u'/') == 1)
            return true; // the root and its direct children
        if (!home.isEmpty() && path == home)
            return true;
        for (const QString &folder : m_policy.workspaceFolders())
            if (isInside(folder, path))
                return true; // the project or one of its parents
        return false;
    };

    WorkingFolders folders;
    folders.candidates << m_policy.projectDir();
    const RuleEntry *readDeny = nullptr;
    QString readDenyPath;

    for (CommandState &state : commands) {
        const SimpleCommand &source = *state.source;
        const NormalisedCommand &n = state.normalised;
        const QString name = n.name();
        const bool scoped = source.nesting > 0 || source.inPipeline || source.background;
        risks << shell::commandRisks(n, source);

        // cd and friends move where later relative paths resolve.
        if (name == u"cd"_s || name == u"pushd"_s || name == u"popd"_s) {
            QList<Word> targets;
            for (const Word &word : n.words.mid(1))
                if (!word.text.startsWith(u'-') || word.text == u"-"_s)
                    targets << word;
            QList<ResolvedPath> next;
            if (name == u"popd"_s || (!targets.isEmpty() && targets.first().text == u"-"_s)) {
                folders.unknown = true;
            } else if (targets.isEmpty()) {
                next << resolvePath(home, u"/"_s, home);
            } else {
                next = pathsOf(targets.first(), folders, home, m_policy.projectDir());
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
                if (scoped)
                    for (const QString &candidate : std::as_const(candidates)) {
                        if (!folders.candidates.contains(candidate))
                            folders.candidates << candidate;
                    }
                else
                    folders.candidates = candidates;
            }
            state.builtin = true;
            state.allowed = true;
            continue;
        }
        if (name == u"git"_s) {
            bool outside = folders.leftWorkspace; // said once, as cd-git
            if (folders.leftWorkspace)
                risks << Risk{u"cd-git"_s, u"git runs after a cd out of the project, where another repository's hooks and "
                                           u"configuration apply"_s,
                              true};
            // Where git starts: the working folder, moved by env -C and by each git -C in turn.
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
            WorkingFolders start = folders;
            for (const QString &move : std::as_const(moves)) {
                if (start.unknown)
                    break;
                Word target;
                target.text = move;
                target.raw = target.text;
                const QList<ResolvedPath> paths = pathsOf(target, start, home, m_policy.projectDir());
                start.unknown = paths.isEmpty();
                start.candidates.clear();
                for (const ResolvedPath &path : paths) {
                    start.candidates << path.canonical;
                    if (!inWritable(path) && !outside) {
                        risks << Risk{u"cd-git"_s, u"git -C (or env -C) makes git work in a folder outside the project"_s, true};
                        outside = true;
                    }
                }
            }
            if (outside) {
                // cd-git says it
            } else if (start.unknown) {
                risks << Risk{u"other-repository"_s, u"git runs in a folder decided at run time, whose repository and its "
                                                     u"configuration cannot be known"_s,
                              true};
            } else {
                for (const QString &folder : std::as_const(start.candidates))
                    if (folder != m_policy.projectDir() && mayFindOtherRepository(folder, m_policy.projectDir())) {
                        risks << Risk{u"other-repository"_s,
                                      u"git runs in %1, which is not an ordinary folder of the project: git may use "
                                      u"another repository there, whose configuration can make it run programs"_s.arg(folder),
                                      true};
                        break;
                    }
            }
        }

        // Removals aimed at critical paths (never contained: the person must see them), behind
        // sudo too.
        const QList<Word> &removal = n.privileged && !n.denyForms.isEmpty() ? n.denyForms.last() : n.words;
        if (!removal.isEmpty() && shell::isRemoval(removal.first().text)) {
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
                    const QList<ResolvedPath> paths = pathsOf(folder, folders, home, m_policy.projectDir());
                    if (paths.isEmpty())
                        reason = u"%1 removes paths decided at run time"_s.arg(remover);
                    for (const ResolvedPath &path : paths)
                        if (isCritical(path.lexical) || isCritical(path.canonical))
                            reason = u"%1 %2 removes what is in %3"_s.arg(remover, word.text, path.lexical);
                } else {
                    const QList<ResolvedPath> paths = pathsOf(word, folders, home, m_policy.projectDir());
                    if (paths.isEmpty())
                        reason = u"%1 removes %2, a path decided at run time"_s.arg(remover, word.raw);
                    for (const ResolvedPath &path : paths)
                        if (isCritical(path.lexical) || isCritical(path.canonical))
                            reason = u"%1 removes %2, a critical folder"_s.arg(remover, path.lexical);
                }
                if (!reason.isEmpty())
                    risks << Risk{u"critical-path-removal"_s, reason, false};
            }
        }

        // Redirections: reads are reads, writes must stay in the writable folders.
        for (const shell::Redirection &redirection : source.redirections) {
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
            const QList<ResolvedPath> paths = pathsOf(redirection.target, folders, home, m_policy.projectDir());
            if (paths.isEmpty()) {
                risks << Risk{output ? u"redirect-dynamic"_s : u"read-dynamic"_s,
                              u"it %1 %2, a path decided at run time"_s.arg(output ? u"writes to"_s : u"reads"_s,
                                                                            redirection.target.raw),
                              true};
                state.writesFiles |= output;
                state.whyNotAllowed = u"it redirects to a path decided at run time"_s;
                continue;
            }
            for (const ResolvedPath &path : paths) {
                if (isNetworkPath(path.lexical)) {
                    risks << Risk{u"network"_s, u"the redirection %1 %2 connects to another host"_s.arg(op, path.lexical), true};
                    continue;
                }
                if (const RuleEntry *deny = matchPathRule(Verdict::Deny, u"Read"_s, path.lexical, path.canonical, output)) {
                    readDeny = deny;
                    readDenyPath = path.lexical;
                }
                if (!output) {
                    // The shell reads it for the command, whatever rule allows the command.
                    if (!inWorkspace(path.lexical, path.canonical) && !isHarmlessInput(path.canonical))
                        risks << Risk{u"read-outside"_s, u"it reads %1, outside the project"_s.arg(path.lexical), true};
                    continue;
                }
                state.writesFiles = true;
                if (const RuleEntry *deny = matchPathRule(Verdict::Deny, u"Edit"_s, path.lexical, path.canonical, true)) {
                    readDeny = deny;
                    readDenyPath = path.lexical;
                }
                if (isProtectedPath(path.lexical) || isProtectedPath(path.canonical))
                    risks << Risk{u"redirect-protected"_s, u"it writes to %1, a protected path"_s.arg(path.lexical), false};
                else if (!inWritable(path))
                    risks << Risk{u"redirect-outside"_s, u"it writes to %1, outside the writable folders"_s.arg(path.lexical), true};
            }
        }

        // Is the command allowed: by an allow rule, or as a read-only built-in (step 6)?
        if (const RuleEntry *allow = matchCommandRule(Verdict::Allow, {state.line}); allow && !n.dynamicName) {
            state.allowed = true;
            state.allowRule = allow;
        }
        const shell::ReadOnlyUse use = shell::readOnlyUse(n);
        bool builtinOk = use.readOnly;
        if (!use.readOnly && state.whyNotAllowed.isEmpty())
            state.whyNotAllowed = use.whyNot;
        QList<Word> files = use.files;
        if (files.isEmpty() && use.defaultsToCurrentFolder) {
            Word here;
            here.text = u"."_s;
            here.raw = here.text;
            files << here;
        }
        for (const Word &file : std::as_const(files)) {
            // <(cmd): a pipe from a command that is checked on its own.
            if (file.has(WordFeature::ProcessSubstitution))
                continue;
            if (file.has(WordFeature::Glob) && !(file.features & ~(static_cast<std::uint32_t>(WordFeature::Glob)
                                                                    | static_cast<std::uint32_t>(WordFeature::Quoted)))) {
                const qsizetype slash = file.text.lastIndexOf(u'/');
                const QString last = file.text.mid(slash + 1);
                const bool wildcardsOnlyLast = !file.text.left(slash + 1).contains(u'*') && !file.text.left(slash + 1).contains(u'?')
                                               && !file.text.left(slash + 1).contains(u'[');
                Word folderWord = file;
                folderWord.text = slash < 0 ? u"."_s : (slash == 0 ? u"/"_s : file.text.left(slash));
                folderWord.features &= ~static_cast<std::uint32_t>(WordFeature::Glob);
                const QList<ResolvedPath> bases = wildcardsOnlyLast ? pathsOf(folderWord, folders, home, m_policy.projectDir()) : QList<ResolvedPath>();
                bool expanded = !bases.isEmpty();
                for (const ResolvedPath &base : bases) {
                    const auto matches = expandLastComponent(base.canonical, last);
                    if (!matches) {
                        expanded = false;
                        break;
                    }
                    if (!inWorkspace(base.lexical, base.canonical)) {
                        builtinOk = false;
                        state.whyNotAllowed = u"it reads %1, outside the project"_s.arg(file.raw);
                    }
                    for (const QString &match : *matches) {
                        const ResolvedPath path = resolvePath(match, u"/"_s, home);
                        if (const RuleEntry *deny = matchPathRule(Verdict::Deny, u"Read"_s, path.lexical, path.canonical, false);
                            deny && use.readsContent) {
                            readDeny = deny;
                            readDenyPath = path.lexical;
                        }
                        if (!inWorkspace(path.lexical, path.canonical)) {
                            builtinOk = false;
                            state.whyNotAllowed = u"%1 matches %2, outside the project"_s.arg(file.raw, path.lexical);
                        }
                    }
                }
                if (expanded)
                    continue;
            }
            if (file.has(WordFeature::Glob)) {
                Word folder = file;
                folder.text = globFolder(file);
                folder.features &= ~static_cast<std::uint32_t>(WordFeature::Glob);
                const QList<ResolvedPath> paths = pathsOf(folder, folders, home, m_policy.projectDir());
                if (paths.isEmpty()) {
                    builtinOk = false;
                    state.whyNotAllowed = u"it reads %1, decided at run time"_s.arg(file.raw);
                }
                for (const ResolvedPath &path : paths) {
                    if (!inWorkspace(path.lexical, path.canonical)) {
                        builtinOk = false;
                        state.whyNotAllowed = u"it reads %1, outside the project"_s.arg(file.raw);
                    } else if (use.readsContent && (readDenyMayCoverBelow(path.lexical) || readDenyMayCoverBelow(path.canonical))) {
                        builtinOk = false;
                        state.whyNotAllowed = u"%1 may match a file that a Read deny rule covers"_s.arg(file.raw);
                    }
                }
                continue;
            }
            const QList<ResolvedPath> paths = pathsOf(file, folders, home, m_policy.projectDir());
            if (paths.isEmpty()) {
                builtinOk = false;
                state.whyNotAllowed = u"it reads %1, a path decided at run time"_s.arg(file.raw);
                continue;
            }
            for (const ResolvedPath &path : paths) {
                // A file named directly is denied whether its content or its name and size are read.
                if (const RuleEntry *deny = matchPathRule(Verdict::Deny, u"Read"_s, path.lexical, path.canonical, false)) {
                    readDeny = deny;
                    readDenyPath = path.lexical;
                }
                if (!inWorkspace(path.lexical, path.canonical)) {
                    builtinOk = false;
                    state.whyNotAllowed = u"it reads %1, outside the project"_s.arg(path.lexical);
                } else if (use.recursive && use.readsContent && QFileInfo(path.canonical).isDir()
                           && readDenyCoversFileBelow(path.lexical, path.canonical)) {
                    builtinOk = false;
                    state.whyNotAllowed = u"it reads all of %1, which holds files that a Read deny rule covers"_s.arg(path.lexical);
                }
            }
        }
        // Option values that may name files: a Read deny covers them too, and one that looks like
        // a path must stay in the project ("md5sum -c ~/.ssh/id_rsa" prints the key's lines).
        for (const Word &optionValue : std::as_const(use.optionValues)) {
            const bool pathLike = optionValue.text.contains(u'/') || optionValue.text.startsWith(u'~') || optionValue.text.startsWith(u'.');
            if (!optionValue.isStatic()) {
                if (pathLike) {
                    builtinOk = false;
                    state.whyNotAllowed = u"an option of it names %1, decided at run time"_s.arg(optionValue.raw);
                }
                continue;
            }
            for (const ResolvedPath &path : pathsOf(optionValue, folders, home, m_policy.projectDir())) {
                if (const RuleEntry *deny = matchPathRule(Verdict::Deny, u"Read"_s, path.lexical, path.canonical, false)) {
                    readDeny = deny;
                    readDenyPath = path.lexical;
                }
                // A value that is not written like a path is still one when such a file exists (a
                // repository can ship a link named "20" that points at a key).
                if ((pathLike || path.exists) && optionValue.text != u"/"_s
                    && !inWorkspace(path.lexical, path.canonical)) {
                    builtinOk = false;
                    state.whyNotAllowed = u"an option of it names %1, outside the project"_s.arg(path.lexical);
                }
            }
        }
        if (use.readsRepository && builtinOk && m_readDenyCoversWorkspace
            && !(use.readsIndexAndHeadOnly && !folders.unknown && gitDiffShowsNoDeniedFile(n, folders.candidates))) {
            builtinOk = false;
            state.whyNotAllowed = u"it can print files of the repository that a Read deny rule covers"_s;
        }
        if (state.writesFiles && m_policy.mode() != Mode::AcceptEdits) {
            builtinOk = false;
            if (state.whyNotAllowed.isEmpty())
                state.whyNotAllowed = u"it writes its output to a file"_s;
        }
        if (builtinOk && !n.dynamicName) {
            state.builtin = true;
            state.allowed = true;
        }
        if (!state.allowed && state.whyNotAllowed.isEmpty())
            state.whyNotAllowed = u"no rule allows it"_s;
    }

    if (readDeny)
        return finishWith(Verdict::Deny, Source::Default,
                          u"it reads or writes "_s + readDenyPath + u", which "_s + readDeny->rule.text + u" denies"_s, readDeny);

    for (const QStringList &lines : std::as_const(allLines))
        if (const RuleEntry *ask = matchCommandRule(Verdict::Ask, lines))
            return finishWith(Verdict::Ask, Source::Default, u"asks because of "_s + ask->rule.text, ask);

    // Substitutions whose inner command is not itself allowed (step 5).
    for (const CommandState &state : std::as_const(commands)) {
        if (state.allowed)
            continue;
        if (state.source->context == shell::CommandContext::CommandSubstitution)
            risks << Risk{u"command-substitution"_s,
                          u"a command substitution runs \""_s + state.line + u"\", which is not allowed"_s, true};
        else if (state.source->context == shell::CommandContext::ProcessSubstitution)
            risks << Risk{u"process-substitution"_s,
                          u"a process substitution runs \""_s + state.line + u"\", which is not allowed"_s, true};
    }

    // What nothing answers but the person: critical removals and writes onto protected paths.
    for (const Risk &risk : std::as_const(risks))
        if (!risk.contained)
            return finishWith(Verdict::Ask, Source::Risk, risk.reason);

    const bool bypass = m_policy.mode() == Mode::BypassPermissions;
    if (m_policy.mode() == Mode::Plan) {
        for (const CommandState &state : std::as_const(commands))
            if (!state.builtin)
                return finishWith(Verdict::Deny, Source::Mode,
                                  u"plan mode allows only read-only commands, and \"%1\" is not one: %2"_s.arg(state.line, state.whyNotAllowed));
        if (!risks.isEmpty())
            return finishWith(Verdict::Deny, Source::Mode, u"plan mode: %1"_s.arg(risks.first().reason));
        return finishWith(Verdict::Allow, Source::Builtin, u"read-only commands"_s);
    }

    const bool canContain = m_policy.sandboxAutoAllow() && m_policy.options().sandboxAvailable;
    if (!risks.isEmpty()) {
        if (bypass)
            return finishWith(Verdict::Allow, Source::Mode, u"bypassPermissions mode (%1)"_s.arg(risks.first().reason));
        if (canContain)
            return [&] {
                Decision contained = finishWith(Verdict::Allow, Source::Sandbox,
                                                u"runs in the sandbox without asking (sandbox.autoAllow); it would ask "
                                                u"because %1"_s.arg(risks.first().reason));
                contained.sandboxed = true;
                return contained;
            }();
        return finishWith(Verdict::Ask, Source::Risk, risks.first().reason);
    }

    const CommandState *notAllowed = nullptr;
    const RuleEntry *firstRule = nullptr;
    for (const CommandState &state : std::as_const(commands)) {
        if (!state.allowed && !notAllowed)
            notAllowed = &state;
        if (state.allowRule && !state.builtin && !firstRule)
            firstRule = state.allowRule;
    }
    if (!notAllowed) {
        if (firstRule)
            return finishWith(Verdict::Allow, Source::Default, u"allowed by "_s + firstRule->rule.text, firstRule);
        return finishWith(Verdict::Allow, Source::Builtin,
                          commands.size() == 1 ? u"a read-only command"_s : u"read-only commands"_s);
    }
    if (bypass)
        return finishWith(Verdict::Allow, Source::Mode, u"bypassPermissions mode"_s);
    if (canContain) {
        Decision contained = finishWith(Verdict::Allow, Source::Sandbox,
                                        u"runs in the sandbox without asking (sandbox.autoAllow)"_s);
        contained.sandboxed = true;
        return contained;
    }
    return finishWith(Verdict::Ask, Source::Default,
                      u"\""_s + notAllowed->line + u"\" is not allowed: "_s + notAllowed->whyNotAllowed);
}

} // namespace gatehouse::policy
