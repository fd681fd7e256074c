// SPDX-License-Identifier: GPL-3.0-or-later
// Deciding a Bash command: SECURITY-MODEL.md section 4, steps 1 to 4 and 7, and contained
// commands; the other steps are in bashfolders.cpp, bashwrites.cpp and bashreads.cpp.
#include "policy/bashdecision_p.h"
#include "policy/bashlines.h"
#include "policy/engine.h"
#include "policy/paths.h"

#include "shell/commands.h"
#include "shell/describe.h"
#include "shell/syntax.h"

#include <QFileInfo>
#include <QVarLengthArray>

#include <optional>

namespace gatehouse::policy {

using namespace detail; // bashsupport_p.h, bashdecision_p.h

namespace {

using namespace Qt::StringLiterals;
using shell::NormalisedCommand;
using shell::Risk;
using shell::SimpleCommand;
using shell::Word;
using shell::WordFeature;

constexpr qsizetype maxCommandLength = 10000;


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
    const QJsonValue value = call.input.value(u"command"_s);
    if (!value.isString() || value.toString().trimmed().isEmpty()) {
        Decision decision;
        decision.verdict = Verdict::Deny;
        decision.reason = u"the input has no command"_s;
        decision.description = u"runs nothing"_s;
        return decision;
    }
    return BashDecision(*this, value.toString()).decide();
}

namespace detail {

BashDecision::BashDecision(const Engine &engine, const QString &text)
    : m_engine(engine)
    , m_text(text)
    , m_home(engine.policy().homeDir())
{
    m_writable = engine.policy().workspaceFolders();
    m_writable << engine.policy().sandboxAllowWrite();
}

QString BashDecision::project() const { return m_engine.policy().projectDir(); }

QList<ResolvedPath> BashDecision::pathsOf(const Word &word, const WorkingFolders &folders) const
{
    return detail::pathsOf(word, folders, m_home, project());
}

bool BashDecision::inWritable(const ResolvedPath &path) const
{
    for (const QString &folder : m_writable)
        if (isInside(path.lexical, folder) && isInside(path.canonical, folder))
            return true;
    return false;
}

Decision BashDecision::finishWith(Verdict verdict, Source source, const QString &reason, const RuleEntry *rule)
{
    m_decision.verdict = verdict;
    m_decision.source = rule ? sourceFor(rule->layer) : source;
    m_decision.rule = rule ? rule->rule.text : QString();
    m_decision.reason = reason;
    QStringList ids;
    for (const Risk &risk : std::as_const(m_risks))
        if (!ids.contains(risk.id))
            ids << risk.id;
    m_decision.risks = ids;
    return m_decision;
}

// Steps 1 to 3: parse (what cannot be parsed is asked), split into simple commands, normalise
// each and describe the whole line.
bool BashDecision::parseAndNormalise()
{
    m_risks = shell::textRisks(m_text);
    if (m_text.size() > maxCommandLength) {
        const QString reason = u"the command is %1 characters long, more than the %2 that are analysed"_s.arg(m_text.size()).arg(maxCommandLength);
        m_risks << Risk{u"too-long"_s, reason, false};
        m_decision.description = u"runs a very long command"_s;
        finishWith(Verdict::Ask, Source::Risk, reason);
        return false;
    }
    m_parsed = shell::parse(m_text);
    if (!m_parsed.ok) {
        const QString reason = u"the command cannot be parsed (%1), so it cannot be checked"_s.arg(m_parsed.error);
        m_risks << Risk{u"unparseable"_s, reason, false};
        m_decision.description = u"runs a command that cannot be analysed"_s;
        finishWith(Verdict::Ask, Source::Risk, reason);
        return false;
    }

    m_commands.reserve(m_parsed.commands.size());
    for (const SimpleCommand &command : std::as_const(m_parsed.commands)) {
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
        m_commands.append(std::move(state));
    }
    // Described in the order they run: a substitution before the command it is part of.
    QList<const CommandState *> byEnd;
    for (const CommandState &state : std::as_const(m_commands))
        byEnd << &state;
    std::stable_sort(byEnd.begin(), byEnd.end(), [](const CommandState *a, const CommandState *b) {
        return a->source->offset + a->source->length < b->source->offset + b->source->length;
    });
    QStringList descriptions;
    for (const CommandState *state : std::as_const(byEnd))
        descriptions << state->description;
    m_decision.description = shell::describeCommands(descriptions);

    QVarLengthArray<const NormalisedCommand *, 32> normalised;
    for (const CommandState &state : std::as_const(m_commands))
        normalised.append(&state.normalised);
    m_risks << shell::lineRisks(m_parsed, std::span(normalised.constData(), std::size_t(normalised.size())));

    for (const CommandState &state : std::as_const(m_commands)) {
        m_allLines << state.denyLines;
        addInnerLines(state.normalised, 1, m_allLines);
    }
    // shopt (dotglob, nocaseglob, extglob...) and GLOBIGNORE (which turns dotglob on) change what
    // a glob matches, however they are reached (export, declare, eval...).
    m_globsAsUsual = !m_text.contains(u"shopt"_s) && !m_text.contains(u"GLOBIGNORE"_s) && !m_text.contains(u"BASHOPTS"_s);
    return true;
}

// Step 4: the first deny rule that matches any form of any command.
const RuleEntry *BashDecision::denyRuleOf(const QList<QStringList> &lines) const
{
    for (const QStringList &forms : lines)
        if (const RuleEntry *deny = m_engine.matchCommandRule(Verdict::Deny, forms))
            return deny;
    return nullptr;
}

Decision BashDecision::decide()
{
    if (!parseAndNormalise())
        return m_decision;
    if (const RuleEntry *deny = denyRuleOf(m_allLines))
        return finishWith(Verdict::Deny, Source::Default, u"denied by "_s + deny->rule.text, deny);

    followWorkingFolders();
    findRunTimeVariables();
    checkSecretVariables();
    for (CommandState &state : m_commands) {
        m_risks << shell::commandRisks(state.normalised, *state.source);
        if (state.builtin)
            continue; // cd and friends: they only move the working folder
        if (state.normalised.name() == u"git"_s)
            checkGitStart(state);
        checkRemoval(state);
        checkRedirections(state);
        checkArgumentWrites(state);
        checkAllowed(state);
    }

    if (m_readDeny)
        return finishWith(Verdict::Deny, Source::Default,
                          u"it reads or writes "_s + m_readDenyPath + u", which "_s + m_readDeny->rule.text + u" denies"_s,
                          m_readDeny);
    for (const QStringList &lines : std::as_const(m_allLines))
        if (const RuleEntry *ask = m_engine.matchCommandRule(Verdict::Ask, lines))
            return finishWith(Verdict::Ask, Source::Default, u"asks because of "_s + ask->rule.text, ask);
    if (const auto [state, rule] = ruleOfUnknownWords(); rule) {
        m_risks << Risk{u"run-time-words"_s, u"words decided at run time may make it what %1 names"_s.arg(rule->rule.text), false};
        return finishWith(Verdict::Ask, Source::Risk,
                          u"\"%1\" has words decided at run time, and they may make it what %2 %3"_s.arg(
                              state->line, rule->rule.text, rule->verdict == Verdict::Deny ? u"denies"_s : u"asks about"_s));
    }
    checkSubstitutions();
    return verdict();
}

// Step 4 for words decided at run time: "git $x", "git pu$(f)sh" and "git {push,}" may be
// "git push", so a deny or ask rule that some value of them would match is asked about.
std::pair<const CommandState *, const RuleEntry *> BashDecision::ruleOfUnknownWords() const
{
    if (!m_engine.hasCommandRules(Verdict::Deny) && !m_engine.hasCommandRules(Verdict::Ask))
        return {nullptr, nullptr};
    for (const CommandState &state : m_commands) {
        if (std::all_of(state.normalised.words.cbegin(), state.normalised.words.cend(),
                        [](const Word &word) { return word.isStatic() && !word.has(WordFeature::Glob); })
            && state.normalised.denyForms.isEmpty())
            continue;
        QStringList lines;
        if (const QString line = unknownsLine(state.normalised.words); !line.isEmpty())
            lines << line;
        for (const QList<Word> &form : state.normalised.denyForms)
            if (const QString line = unknownsLine(form); !line.isEmpty() && !lines.contains(line))
                lines << line;
        if (lines.isEmpty())
            continue;
        if (const RuleEntry *deny = m_engine.mayMatchCommandRule(Verdict::Deny, lines))
            return {&state, deny};
        if (const RuleEntry *ask = m_engine.mayMatchCommandRule(Verdict::Ask, lines))
            return {&state, ask};
    }
    return {nullptr, nullptr};
}

// Step 5, substitutions: one whose inner command is not itself allowed is a risk.
void BashDecision::checkSubstitutions()
{
    for (const CommandState &state : std::as_const(m_commands)) {
        if (state.allowed)
            continue;
        if (state.source->context == shell::CommandContext::CommandSubstitution)
            m_risks << Risk{u"command-substitution"_s,
                            u"a command substitution runs \""_s + state.line + u"\", which is not allowed"_s, true};
        else if (state.source->context == shell::CommandContext::ProcessSubstitution)
            m_risks << Risk{u"process-substitution"_s,
                            u"a process substitution runs \""_s + state.line + u"\", which is not allowed"_s, true};
    }
}

// Steps 6 and 7 and the modes: what nothing but the person answers, plan mode, contained
// commands, allow rules and read-only built-ins; anything else asks.
Decision BashDecision::verdict()
{
    for (const Risk &risk : std::as_const(m_risks))
        if (!risk.contained)
            return finishWith(Verdict::Ask, Source::Risk, risk.reason);

    const Policy &policy = m_engine.policy();
    const bool bypass = policy.mode() == Mode::BypassPermissions;
    if (policy.mode() == Mode::Plan) {
        for (const CommandState &state : std::as_const(m_commands))
            if (!state.builtin)
                return finishWith(Verdict::Deny, Source::Mode,
                                  u"plan mode allows only read-only commands, and \"%1\" is not one: %2"_s.arg(state.line, state.whyNotAllowed));
        if (!m_risks.isEmpty())
            return finishWith(Verdict::Deny, Source::Mode, u"plan mode: %1"_s.arg(m_risks.first().reason));
        return finishWith(Verdict::Allow, Source::Builtin, u"read-only commands"_s);
    }

    const bool canContain = policy.sandboxAutoAllow() && policy.options().sandboxAvailable;
    const auto contained = [this](const QString &reason) {
        Decision decision = finishWith(Verdict::Allow, Source::Sandbox, reason);
        decision.sandboxed = true;
        return decision;
    };
    if (!m_risks.isEmpty()) {
        if (bypass)
            return finishWith(Verdict::Allow, Source::Mode, u"bypassPermissions mode (%1)"_s.arg(m_risks.first().reason));
        if (canContain)
            return contained(u"runs in the sandbox without asking (sandbox.autoAllow); it would ask because %1"_s.arg(m_risks.first().reason));
        return finishWith(Verdict::Ask, Source::Risk, m_risks.first().reason);
    }

    const CommandState *notAllowed = nullptr;
    const RuleEntry *firstRule = nullptr;
    for (const CommandState &state : std::as_const(m_commands)) {
        if (!state.allowed && !notAllowed)
            notAllowed = &state;
        if (state.allowRule && !state.builtin && !firstRule)
            firstRule = state.allowRule;
    }
    if (!notAllowed) {
        if (firstRule)
            return finishWith(Verdict::Allow, Source::Default, u"allowed by "_s + firstRule->rule.text, firstRule);
        return finishWith(Verdict::Allow, Source::Builtin, m_commands.size() == 1 ? u"a read-only command"_s : u"read-only commands"_s);
    }
    if (bypass)
        return finishWith(Verdict::Allow, Source::Mode, u"bypassPermissions mode"_s);
    if (canContain)
        return contained(u"runs in the sandbox without asking (sandbox.autoAllow)"_s);
    return finishWith(Verdict::Ask, Source::Default, u"\""_s + notAllowed->line + u"\" is not allowed: "_s + notAllowed->whyNotAllowed);
}

} // namespace detail

} // namespace gatehouse::policy
