// SPDX-License-Identifier: GPL-3.0-or-later
#include "approval/ruleproposal.h"

#include "approval/bashrule.h"
#include "policy/bashlines.h"
#include "policy/engine.h"
#include "policy/pathpattern.h"
#include "policy/paths.h"

#include <QFileInfo>
#include <QUrl>

namespace gatehouse::approval {
namespace {

using namespace Qt::StringLiterals;
using policy::Layer;

const QStringList readTools{u"Read"_s, u"Glob"_s, u"Grep"_s};
const QStringList editTools{u"Edit"_s, u"Write"_s, u"MultiEdit"_s, u"NotebookEdit"_s};

Proposal notOffered(QString reason)
{
    Proposal proposal;
    proposal.reason = std::move(reason);
    return proposal;
}

bool isRuleLayer(Layer layer)
{
    return layer == Layer::Local || layer == Layer::Project || layer == Layer::User || layer == Layer::Session;
}

// A path written so that a path rule reads every character literally.
QString escapePath(const QString &path)
{
    QString escaped;
    escaped.reserve(path.size());
    for (const QChar c : path) {
        if (c == u'*' || c == u'?' || c == u'[' || c == u']' || c == u'\\')
            escaped += u'\\';
        escaped += c;
    }
    return escaped;
}

// The specifier naming @p absolute in @p target's file: "./rel" inside the project for the
// project layers and the session, "//abs" otherwise (the user file is not about one project).
QString pathSpecifier(const QString &absolute, const policy::PolicyOptions &options, Layer target)
{
    if (target != Layer::User && absolute != options.projectDir && policy::isInside(absolute, options.projectDir))
        return u"./"_s + escapePath(policy::relativeTo(absolute, options.projectDir));
    return u"/"_s + escapePath(absolute);
}

// The folder Glob or Grep searches, as the engine works it out.
QString searchFolder(const policy::ToolCall &call, const QString &projectDir)
{
    if (call.tool == u"Glob"_s)
        return policy::globSearch(call.input.value(u"pattern"_s).toString(), call.input.value(u"path"_s).toString(), projectDir).root;
    const QString target = call.input.value(u"path"_s).toString();
    return target.isEmpty() ? projectDir : target;
}

Expected<QStringList> fileRules(const policy::ToolCall &call, const policy::Policy &policy, Layer target)
{
    const policy::PolicyOptions &options = policy.options();
    if (editTools.contains(call.tool)) {
        const QString key = call.tool == u"NotebookEdit"_s ? u"notebook_path"_s : u"file_path"_s;
        const QString file = call.input.value(key).toString();
        if (file.isEmpty())
            return fail(u"the call names no file"_s);
        const auto path = policy::resolvePath(file, options.projectDir, options.homeDir);
        return QStringList{u"Edit(%1)"_s.arg(pathSpecifier(path.lexical, options, target))};
    }
    const bool search = call.tool != u"Read"_s;
    const QString named = search ? searchFolder(call, options.projectDir) : call.input.value(u"file_path"_s).toString();
    if (named.isEmpty())
        return fail(u"the call names no file"_s);
    const auto path = policy::resolvePath(named, options.projectDir, options.homeDir);
    // A search reaches everything below its folder; a file read names the file alone.
    const bool folder = search && !QFileInfo(path.canonical).isFile();
    QString specifier = pathSpecifier(path.lexical, options, target);
    if (folder)
        specifier += specifier.endsWith(u'/') ? u"**"_s : u"/**"_s;
    return QStringList{u"Read(%1)"_s.arg(specifier)};
}

Expected<QStringList> bashRules(const policy::ToolCall &call, const policy::Policy &policy, bool everyCommand)
{
    const auto lines = policy::bashCommandLines(call.input.value(u"command"_s).toString());
    if (!lines)
        return fail(u"the command cannot be parsed"_s);
    const policy::Engine engine(policy);
    QStringList rules;
    for (const policy::BashCommandLine &line : *lines) {
        if (line.command.words.isEmpty())
            continue; // only assignments or redirections
        if (engine.matchCommandRule(policy::Verdict::Allow, {line.line}))
            continue; // an allow rule already covers it
        if (!everyCommand) {
            // A read-only command the engine allows on its own needs no rule.
            const policy::ToolCall alone{u"Bash"_s, QJsonObject{{u"command"_s, line.line}}};
            if (engine.decide(alone).verdict == policy::Verdict::Allow)
                continue;
        }
        auto rule = bashRuleFor(line.command);
        if (!rule)
            return fail(u"no rule can name \"%1\": %2"_s.arg(line.line, rule.error().message));
        if (!rules.contains(*rule))
            rules << *rule;
    }
    return rules;
}

// Does the rule speak about the tool of @p call at all?
bool governs(const policy::Rule &rule, const QString &tool)
{
    if (tool == u"Bash"_s || tool == u"WebFetch"_s)
        return rule.tool == tool;
    if (readTools.contains(tool))
        return readTools.contains(rule.tool);
    if (editTools.contains(tool))
        return editTools.contains(rule.tool);
    if (tool.startsWith(u"mcp__"_s))
        return rule.tool == tool || tool.startsWith(rule.tool + u"__"_s);
    return rule.tool == tool;
}

} // namespace

policy::AnchorFolders anchorsFor(const policy::PolicyOptions &options, Layer layer)
{
    const QString base = layer == Layer::User ? policy::cleanAbsolute(options.userConfigDir) : options.projectDir;
    return policy::AnchorFolders{options.projectDir, base, options.homeDir};
}

QStringList asSessionRules(const QStringList &rules, const policy::PolicyOptions &options, Layer layer)
{
    if (layer != Layer::User)
        return rules;
    QStringList converted;
    const QString base = policy::cleanAbsolute(options.userConfigDir);
    for (const QString &text : rules) {
        auto rule = policy::parseRule(text, anchorsFor(options, layer));
        if (rule && rule->kind == policy::Rule::Kind::Path && rule->specifier.startsWith(u'/')
            && !rule->specifier.startsWith(u"//"_s))
            converted << u"%1(/%2%3)"_s.arg(rule->tool, base == u"/"_s ? QString() : escapePath(base), rule->specifier);
        else
            converted << text;
    }
    return converted;
}

Expected<void> checkRules(const policy::ToolCall &call, const QStringList &rules, const policy::Policy &policy, Layer target)
{
    if (!isRuleLayer(target))
        return fail(u"rules are saved to the project's local or shared settings, or to the user's"_s);
    if (rules.isEmpty())
        return fail(u"there is no rule to save"_s);
    for (const QString &text : rules) {
        QStringList warnings;
        auto rule = policy::parseRule(text, anchorsFor(policy.options(), target), &warnings);
        if (!rule)
            return fail(rule.error().message);
        if (rule->neverMatches)
            return fail(u"the rule %1 never matches: %2"_s.arg(rule->text, warnings.join(u"; "_s)));
        if (!governs(*rule, call.tool))
            return fail(u"the rule %1 is not about the tool %2"_s.arg(rule->text, call.tool));
    }
    const policy::PolicyOptions options =
        policy::withSessionRules(policy.options(), asSessionRules(rules, policy.options(), target));
    const policy::Decision decision = policy::Engine(policy::Policy::load(options)).decide(call);
    if (decision.verdict != policy::Verdict::Allow)
        return fail(u"with %1 the call would still not be allowed: %2"_s.arg(rules.join(u", "_s), decision.reason));
    return {};
}

Proposal proposeRules(const policy::ToolCall &call, const policy::Decision &decision, const policy::Policy &policy, Layer target)
{
    if (!isRuleLayer(target))
        return notOffered(u"rules are saved to the project's local or shared settings, or to the user's"_s);
    if (target != Layer::Session && policy.alwaysAllowForbidden())
        return notOffered(u"managed settings forbid \"always allow\" answers (disableAlwaysAllow)"_s);
    if (decision.verdict != policy::Verdict::Ask)
        return notOffered(u"only a call that asks can be answered with a rule"_s);
    if (!decision.rule.isEmpty())
        return notOffered(u"the rule %1 asks every time; an allow rule would not change that"_s.arg(decision.rule));
    if (!decision.risks.isEmpty())
        return notOffered(u"it carries risks that no allow rule can answer (%1): %2"_s.arg(decision.risks.join(u", "_s), decision.reason));
    if ((target == Layer::Local || target == Layer::Project) && !policy.options().projectTrusted)
        return notOffered(u"the folder is not trusted, so allow rules in its own settings do not apply; "
                          u"save the rule to the user settings instead"_s);
    if (!policy.errors().isEmpty())
        return notOffered(u"a settings file has an error, so no rule allows anything until it is fixed: %1"_s.arg(policy.errors().first()));

    Expected<QStringList> rules = fail(u"no rule can allow the tool \"%1\""_s.arg(call.tool));
    if (call.tool == u"Bash"_s) {
        rules = bashRules(call, policy, false);
        // A read-only command may be allowed alone but not where the line runs it (after a cd):
        // then the rules name every command that no allow rule covers.
        if (rules && (rules->isEmpty() || !checkRules(call, *rules, policy, target)))
            if (auto every = bashRules(call, policy, true); every && !every->isEmpty())
                rules = every;
    } else if (readTools.contains(call.tool) || editTools.contains(call.tool)) {
        rules = fileRules(call, policy, target);
    } else if (call.tool == u"WebFetch"_s) {
        const QString host = policy::normaliseHost(QUrl(call.input.value(u"url"_s).toString(), QUrl::StrictMode).host(QUrl::FullyDecoded));
        if (!host.isEmpty())
            rules = QStringList{u"WebFetch(domain:%1)"_s.arg(host)};
    } else if (call.tool.startsWith(u"mcp__"_s)) {
        rules = QStringList{call.tool};
    }
    if (!rules)
        return notOffered(rules.error().message);
    if (rules->isEmpty())
        return notOffered(u"every command of it is allowed on its own, yet the whole asks: %1"_s.arg(decision.reason));
    if (auto checked = checkRules(call, *rules, policy, target); !checked)
        return notOffered(checked.error().message);
    Proposal proposal;
    proposal.rules = *rules;
    proposal.offered = true;
    return proposal;
}

} // namespace gatehouse::approval
