// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/engine.h"
#include "policy/protectednames.h"
#include "policy/sensitivepaths.h"

#include "policy/paths.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QUrl>
#include <QVarLengthArray>

#include <algorithm>

namespace gatehouse::policy {
namespace {

const QStringList &readTools()
{
    static const QStringList tools{QStringLiteral("Read"), QStringLiteral("Glob"), QStringLiteral("Grep")};
    return tools;
}

const QStringList &editTools()
{
    static const QStringList tools{QStringLiteral("Edit"), QStringLiteral("Write"), QStringLiteral("MultiEdit"),
                                   QStringLiteral("NotebookEdit")};
    return tools;
}

// Does a whole-tool rule named @p ruleTool govern @p tool? "Read" governs Read, Glob and Grep,
// "Edit" governs every editing tool; other names govern themselves.
bool toolRuleGoverns(const QString &ruleTool, const QString &tool)
{
    if (ruleTool == tool)
        return true;
    if (ruleTool == QStringLiteral("Read"))
        return readTools().contains(tool);
    if (ruleTool == QStringLiteral("Edit"))
        return editTools().contains(tool);
    return false;
}

Decision make(Verdict verdict, Source source, QString reason, QString description, const RuleEntry *rule = nullptr)
{
    Decision decision;
    decision.verdict = verdict;
    decision.source = rule ? sourceFor(rule->layer) : source;
    decision.rule = rule ? rule->rule.text : QString();
    decision.reason = std::move(reason);
    decision.description = std::move(description);
    return decision;
}

} // namespace

Engine::Engine(Policy policy)
    : m_policy(std::move(policy))
{
    for (const RuleEntry &entry : m_policy.rules()) {
        if (entry.rule.neverMatches)
            continue;
        switch (entry.verdict) {
        case Verdict::Deny:
            m_deny << entry;
            break;
        case Verdict::Ask:
            m_ask << entry;
            break;
        case Verdict::Allow:
            m_allow << entry;
            break;
        }
    }
    m_credentialStores = credentialStores(m_policy.homeDir());
    m_gatehouseFolders = gatehouseFolders({m_policy.options().userConfigDir, m_policy.options().managedDir});
    buildPathIndex(m_deny, m_denyPaths);
    buildPathIndex(m_ask, m_askPaths);
    buildPathIndex(m_allow, m_allowPaths);
    buildCommandIndex(m_deny, m_denyCommands);
    buildCommandIndex(m_ask, m_askCommands);
    buildCommandIndex(m_allow, m_allowCommands);
    for (const QString &path : m_policy.sandboxDenyRead())
        m_denyReadPatterns << PathPattern::compile(QStringLiteral("/") + path, {m_policy.projectDir(), QString(), m_policy.homeDir()});
    for (const QString &folder : m_policy.workspaceFolders())
        m_readDenyCoversWorkspace |= readDenyMayCoverBelow(folder);
}

void Engine::buildCommandIndex(const QList<RuleEntry> &rules, CommandIndex &index)
{
    for (const RuleEntry &entry : rules) {
        if (entry.rule.kind == Rule::Kind::Tool && entry.rule.tool == QStringLiteral("Bash")) {
            index.anyFirstWord << &entry;
        } else if (entry.rule.kind == Rule::Kind::Command) {
            const QString prefix = entry.rule.command.literalPrefix();
            if (prefix.isEmpty())
                index.anyFirstWord << &entry;
            else
                index.byFirstWord[prefix.section(u' ', 0, 0)] << &entry;
        }
    }
}

void Engine::buildPathIndex(const QList<RuleEntry> &rules, PathIndex &index)
{
    for (const RuleEntry &entry : rules) {
        if (entry.rule.kind != Rule::Kind::Path) {
            index.others << &entry;
            continue;
        }
        const QString fixed = entry.rule.path.fixedFolder();
        if (fixed.isEmpty())
            index.others << &entry;
        else {
            index.byFolder[fixed] << &entry;
            index.folderLengths.insert(fixed.size());
        }
    }
}

const RuleEntry *Engine::matchCommandRule(Verdict verdict, const QStringList &lines) const
{
    const CommandIndex &index = verdict == Verdict::Deny ? m_denyCommands : verdict == Verdict::Ask ? m_askCommands : m_allowCommands;
    const RuleEntry *best = nullptr; // the earliest matching rule: entries sit in one list, in order
    const auto consider = [&best](const RuleEntry *entry, const QString &line) {
        if (best && best < entry)
            return;
        if ((entry->rule.kind == Rule::Kind::Tool) || entry->rule.command.matches(line))
            best = entry;
    };
    for (const QString &line : lines) {
        for (const RuleEntry *entry : index.anyFirstWord)
            consider(entry, line);
        const qsizetype space = line.indexOf(u' ');
        const auto it = index.byFirstWord.constFind(space < 0 ? QStringView(line) : QStringView(line).left(space));
        if (it != index.byFirstWord.constEnd())
            for (const RuleEntry *entry : *it)
                consider(entry, line);
    }
    return best;
}

const RuleEntry *Engine::mayMatchCommandRule(Verdict verdict, const QStringList &lines) const
{
    const CommandIndex &index = verdict == Verdict::Deny ? m_denyCommands : verdict == Verdict::Ask ? m_askCommands : m_allowCommands;
    const RuleEntry *best = nullptr; // the earliest, as in matchCommandRule
    const auto consider = [&best, &lines](const RuleEntry *entry) {
        if (best && best < entry)
            return;
        for (const QString &line : lines)
            if (entry->rule.kind == Rule::Kind::Tool || entry->rule.command.mayMatch(line)) {
                best = entry;
                return;
            }
    };
    // The first word may be the unknown one: every rule is a candidate.
    for (const RuleEntry *entry : index.anyFirstWord)
        consider(entry);
    for (const QList<const RuleEntry *> &entries : index.byFirstWord)
        for (const RuleEntry *entry : entries)
            consider(entry);
    return best;
}

bool Engine::inWorkspace(const QString &lexical, const QString &canonical) const
{
    const auto inside = [this](const QString &path) {
        for (const QString &folder : m_policy.workspaceFolders())
            if (isInside(path, folder))
                return true;
        return false;
    };
    return inside(lexical) && inside(canonical);
}

bool Engine::isProtectedPath(const QString &absolutePath) const
{
    // Any component below the workspace folder: a protected folder covers what is inside it,
    // and a protected name is protected at any depth (sub-projects, submodules).
    QStringView below(absolutePath);
    for (const QString &folder : m_policy.workspaceFolders())
        if (isInside(absolutePath, folder)) {
            below = QStringView(absolutePath).mid(folder == QStringLiteral("/") ? 0 : folder.size());
            break;
        }
    for (const auto component : below.split(u'/', Qt::SkipEmptyParts))
        if (isProtectedName(component))
            return true;
    return false;
}

QString Engine::sensitivePathReason(const QString &lexical, const QString &canonical) const
{
    const auto where = [&lexical, &canonical](const QString &folder) -> QString {
        if (lexical == folder || canonical == folder)
            return folder;
        if (isInside(lexical, folder) || isInside(canonical, folder))
            return QStringLiteral("%1 is in %2, which").arg(lexical, folder);
        return {};
    };
    for (const QString &store : m_credentialStores)
        if (const QString place = where(store); !place.isEmpty())
            return QStringLiteral("%1 holds credentials; the file tools never read or write there without asking").arg(place);
    for (const QString &folder : m_gatehouseFolders)
        if (const QString place = where(folder); !place.isEmpty())
            return QStringLiteral("%1 holds Gatehouse's own settings, trust or records (writing there changes what the "
                                  "agent may do or erases what it did); never read or written without asking")
                .arg(place);
    return {};
}

const RuleEntry *Engine::matchToolRule(Verdict verdict, const QString &tool) const
{
    const QList<RuleEntry> &list = verdict == Verdict::Deny ? m_deny : verdict == Verdict::Ask ? m_ask : m_allow;
    for (const RuleEntry &entry : list)
        if (entry.rule.kind == Rule::Kind::Tool && toolRuleGoverns(entry.rule.tool, tool))
            return &entry;
    return nullptr;
}

const RuleEntry *Engine::matchPathRule(Verdict verdict, const QString &tool, const QString &lexical,
                                       const QString &canonical, bool write) const
{
    // The candidates: rules whose fixed folder is the path or one of its folders, and the rest.
    const PathIndex &index = verdict == Verdict::Deny ? m_denyPaths : verdict == Verdict::Ask ? m_askPaths : m_allowPaths;
    QVarLengthArray<const RuleEntry *, 16> candidates;
    candidates.append(index.others.constData(), index.others.size());
    const auto addFor = [&index, &candidates](const QString &path) {
        qsizetype end = path.size();
        while (end > 0) {
            if (index.folderLengths.contains(end)) {
                const auto it = index.byFolder.constFind(QStringView(path).left(end));
                if (it != index.byFolder.constEnd())
                    for (const RuleEntry *entry : *it)
                        candidates.append(entry);
            }
            end = path.lastIndexOf(u'/', end - 1);
        }
        if (const auto it = index.byFolder.constFind(QStringLiteral("/")); it != index.byFolder.constEnd())
            for (const RuleEntry *entry : *it)
                candidates.append(entry);
    };
    addFor(lexical);
    if (canonical != lexical)
        addFor(canonical);
    std::sort(candidates.begin(), candidates.end()); // settings order: entries sit in one list
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (const RuleEntry *candidate : candidates) {
        const RuleEntry &entry = *candidate;
        const Rule &rule = entry.rule;
        if (rule.kind == Rule::Kind::Tool) {
            if (toolRuleGoverns(rule.tool, tool))
                return &entry;
            continue;
        }
        if (rule.kind != Rule::Kind::Path)
            continue;
        // Read rules govern reads; a Read deny also blocks writes to the same path.
        const bool governs = write ? (rule.pathFamily == QStringLiteral("Edit")
                                      || (verdict != Verdict::Allow && rule.pathFamily == QStringLiteral("Read")))
                                   : rule.pathFamily == QStringLiteral("Read");
        if (!governs)
            continue;
        const bool lexicalMatch = rule.path.matches(lexical);
        const bool canonicalMatch = rule.path.matches(canonical);
        if (verdict == Verdict::Allow ? (lexicalMatch && canonicalMatch) : (lexicalMatch || canonicalMatch))
            return &entry;
    }
    return nullptr;
}

bool Engine::readDenyMayCoverBelow(const QString &folder) const
{
    for (const RuleEntry &entry : m_deny) {
        if (entry.rule.kind == Rule::Kind::Tool && toolRuleGoverns(entry.rule.tool, QStringLiteral("Read")))
            return true;
        if (entry.rule.kind == Rule::Kind::Path && entry.rule.pathFamily == QStringLiteral("Read")
            && entry.rule.path.mayMatchBelow(folder))
            return true;
    }
    for (const PathPattern &pattern : m_denyReadPatterns)
        if (pattern.mayMatchBelow(folder))
            return true;
    return false;
}

bool Engine::readDenyCoversFileBelow(const QString &lexicalFolder, const QString &canonicalFolder) const
{
    if (!readDenyMayCoverBelow(lexicalFolder) && !readDenyMayCoverBelow(canonicalFolder))
        return false;
    for (const PathPattern &pattern : m_denyReadPatterns) // sandbox.filesystem.denyRead: not per file here
        if (pattern.mayMatchBelow(lexicalFolder) || pattern.mayMatchBelow(canonicalFolder))
            return true;
    // A bound on the work of one decision: a folder larger than this is assumed to hold one.
    constexpr int maxEntries = 20000;
    int seen = 0;
    QDirIterator it(canonicalFolder, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        if (++seen > maxEntries)
            return true;
        const QFileInfo info = it.nextFileInfo();
        const QString path = info.filePath();
        const QString lexical = lexicalFolder + path.mid(canonicalFolder.size());
        if (info.isSymLink()) {
            // QDirIterator does not descend through links; grep -R and rg -L would.
            if (info.isDir())
                return true;
            const QString target = info.canonicalFilePath();
            if (matchPathRule(Verdict::Deny, QStringLiteral("Read"), lexical, target.isEmpty() ? path : target, false))
                return true;
            continue;
        }
        if (matchPathRule(Verdict::Deny, QStringLiteral("Read"), lexical, path, false))
            return true;
    }
    return false;
}

QString Engine::linkBelowLeadsAway(const QString &canonicalFolder) const
{
    constexpr int maxEntries = 20000; // as in readDenyCoversFileBelow
    int seen = 0;
    QStringList pending{canonicalFolder};
    QSet<QString> walked;
    while (!pending.isEmpty()) {
        const QString folder = pending.takeFirst();
        if (walked.contains(folder))
            continue; // a loop of links: the command stops there too
        walked.insert(folder);
        QDirIterator it(folder, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            if (++seen > maxEntries)
                return folder;
            const QFileInfo info = it.nextFileInfo();
            if (!info.isSymLink())
                continue;
            // QDirIterator does not descend through links, so every link is met here; where it
            // leads must stay in the workspace and off what a Read deny covers, and a folder it
            // leads to is walked in turn, as the command would.
            const QString target = canonicalPath(info.filePath());
            if (!inWorkspace(target, target) || matchPathRule(Verdict::Deny, QStringLiteral("Read"), target, target, false))
                return info.filePath();
            if (QFileInfo(target).isDir()) {
                if (readDenyMayCoverBelow(target) && readDenyCoversFileBelow(target, target))
                    return info.filePath();
                pending << target;
            }
        }
    }
    return {};
}

Decision Engine::decide(const ToolCall &call) const
{
    if (readTools().contains(call.tool) || editTools().contains(call.tool))
        return finish(decideFile(call));
    if (call.tool == QStringLiteral("Bash"))
        return finish(decideBash(call));
    if (call.tool == QStringLiteral("WebFetch"))
        return finish(decideWebFetch(call));
    if (call.tool.startsWith(QStringLiteral("mcp__")))
        return finish(decideMcp(call));
    Decision decision = make(Verdict::Ask, Source::Default,
                             QStringLiteral("the tool \"%1\" is not one the policy knows").arg(call.tool),
                             QStringLiteral("uses the tool %1").arg(call.tool));
    if (const RuleEntry *deny = matchToolRule(Verdict::Deny, call.tool))
        return finish(make(Verdict::Deny, Source::Default, QStringLiteral("denied by %1").arg(deny->rule.text),
                           decision.description, deny));
    return finish(decision);
}

Decision Engine::finish(Decision decision) const
{
    if (!m_policy.errors().isEmpty() && decision.verdict == Verdict::Allow) {
        decision.verdict = Verdict::Ask;
        decision.source = Source::Default;
        decision.rule.clear();
        decision.sandboxed = false;
        decision.reason = QStringLiteral("a settings file has an error, so nothing is allowed without asking: %1")
                              .arg(m_policy.errors().first());
    }
    if (decision.verdict == Verdict::Ask && (m_policy.mode() == Mode::DontAsk || m_policy.headless())) {
        decision.verdict = Verdict::Deny;
        decision.reason += m_policy.headless() ? QStringLiteral(" (nobody can answer in a headless run, so it is denied)")
                                               : QStringLiteral(" (dontAsk mode: what would ask is denied)");
    }
    return decision;
}

Decision Engine::decideFile(const ToolCall &call) const
{
    const bool write = editTools().contains(call.tool);
    QString target;
    if (call.tool == QStringLiteral("Glob")) {
        // A pattern can climb out of its folder ("../../x/*" or "/etc/*"): the search starts
        // at the pattern's fixed folders.
        target = globSearch(call.input.value(QStringLiteral("pattern")).toString(), call.input.value(QStringLiteral("path")).toString(),
                            m_policy.projectDir())
                     .root;
    } else if (call.tool == QStringLiteral("Grep")) {
        target = call.input.value(QStringLiteral("path")).toString();
        if (target.isEmpty())
            target = m_policy.projectDir();
    } else {
        const QString key = call.tool == QStringLiteral("NotebookEdit") ? QStringLiteral("notebook_path")
                                                                         : QStringLiteral("file_path");
        const QJsonValue value = call.input.value(key);
        if (!value.isString() || value.toString().isEmpty())
            return make(Verdict::Deny, Source::Default, QStringLiteral("the input has no %1").arg(key),
                        QStringLiteral("%1 without a file").arg(call.tool));
        target = value.toString();
    }
    if (target.contains(QChar(0)))
        return make(Verdict::Deny, Source::Risk, QStringLiteral("the path contains a NUL character"),
                    QStringLiteral("%1 of an invalid path").arg(call.tool));

    const ResolvedPath path = resolvePath(target, m_policy.projectDir(), m_policy.homeDir());
    if (path.dynamic) {
        Decision decision = make(Verdict::Ask, Source::Risk,
                                 QStringLiteral("%1 goes through /proc's view of a process, so where it leads is known only "
                                                "when it is opened")
                                     .arg(target),
                                 QStringLiteral("%1 of %2").arg(call.tool, target));
        decision.risks << QStringLiteral("process-view-path");
        return decision;
    }
    const QString shown = path.lexical == path.canonical ? path.lexical
                                                         : QStringLiteral("%1 (a link to %2)").arg(path.lexical, path.canonical);
    QString description;
    if (call.tool == QStringLiteral("Read"))
        description = QStringLiteral("reads the file %1").arg(shown);
    else if (call.tool == QStringLiteral("Glob"))
        description = QStringLiteral("lists files matching %1 in %2").arg(call.input.value(QStringLiteral("pattern")).toString(), shown);
    else if (call.tool == QStringLiteral("Grep"))
        description = QStringLiteral("searches for %1 in %2").arg(call.input.value(QStringLiteral("pattern")).toString(), shown);
    else if (call.tool == QStringLiteral("Write"))
        description = QStringLiteral("writes the file %1").arg(shown);
    else
        description = QStringLiteral("edits the file %1").arg(shown);

    if (const RuleEntry *deny = matchPathRule(Verdict::Deny, call.tool, path.lexical, path.canonical, write))
        return make(Verdict::Deny, Source::Default, QStringLiteral("denied by %1").arg(deny->rule.text), description, deny);
    // What no sandboxed command may read, no file tool reads or writes (a Read deny blocks writes too).
    for (const PathPattern &pattern : m_denyReadPatterns)
        if (pattern.matches(path.lexical) || pattern.matches(path.canonical))
            return make(Verdict::Deny, Source::Default, QStringLiteral("the path is in sandbox.filesystem.denyRead"),
                        description);
    if (const RuleEntry *ask = matchPathRule(Verdict::Ask, call.tool, path.lexical, path.canonical, write))
        return make(Verdict::Ask, Source::Default, QStringLiteral("asks because of %1").arg(ask->rule.text), description, ask);

    if (write && m_policy.mode() == Mode::Plan)
        return make(Verdict::Deny, Source::Mode, QStringLiteral("plan mode is read-only"), description);
    if (const QString why = sensitivePathReason(path.lexical, path.canonical); !why.isEmpty()) {
        Decision decision = make(Verdict::Ask, Source::Risk, why, description);
        decision.risks << QStringLiteral("sensitive-path");
        return decision;
    }
    if (write && (isProtectedPath(path.lexical) || isProtectedPath(path.canonical))) {
        Decision decision = make(Verdict::Ask, Source::Risk,
                                 QStringLiteral("%1 is a protected path (configuration that runs code or grants "
                                                "permissions); it is never written without asking")
                                     .arg(path.lexical),
                                 description);
        decision.risks << QStringLiteral("protected-path");
        return decision;
    }

    if (const RuleEntry *allow = matchPathRule(Verdict::Allow, call.tool, path.lexical, path.canonical, write))
        return make(Verdict::Allow, Source::Default, QStringLiteral("allowed by %1").arg(allow->rule.text), description, allow);
    if (m_policy.mode() == Mode::BypassPermissions)
        return make(Verdict::Allow, Source::Mode, QStringLiteral("bypassPermissions mode"), description);

    const bool inside = inWorkspace(path.lexical, path.canonical);
    if (!write && inside)
        return make(Verdict::Allow, Source::Mode, QStringLiteral("reads inside the project are allowed"), description);
    if (write && inside && m_policy.mode() == Mode::AcceptEdits)
        return make(Verdict::Allow, Source::Mode, QStringLiteral("acceptEdits mode allows edits inside the project"),
                    description);
    if (!inside)
        return make(Verdict::Ask, Source::Default,
                    QStringLiteral("%1 is outside the project and no rule allows it").arg(path.lexical), description);
    return make(Verdict::Ask, Source::Default, QStringLiteral("no rule allows this edit"), description);
}

Decision Engine::decideWebFetch(const ToolCall &call) const
{
    const QString text = call.input.value(QStringLiteral("url")).toString();
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (text.isEmpty() || !url.isValid() || (scheme != QStringLiteral("http") && scheme != QStringLiteral("https")))
        return make(Verdict::Deny, Source::Default, QStringLiteral("not an http or https URL: %1").arg(text),
                    QStringLiteral("fetches an invalid URL"));
    const QString host = normaliseHost(url.host(QUrl::FullyDecoded));
    if (host.isEmpty())
        return make(Verdict::Deny, Source::Risk, QStringLiteral("the URL's host name is not valid"),
                    QStringLiteral("fetches an invalid URL"));
    QString description = QStringLiteral("fetches %1 from the host %2").arg(url.toDisplayString(QUrl::RemoveUserInfo), host);
    QStringList risks;
    if (!url.userInfo().isEmpty()) {
        risks << QStringLiteral("url-userinfo");
        description += QStringLiteral(" (the URL carries a user name before the host)");
    }
    const auto withRisks = [&risks](Decision decision) {
        decision.risks = risks;
        return decision;
    };

    for (const RuleEntry &entry : m_deny)
        if ((entry.rule.kind == Rule::Kind::Tool && entry.rule.tool == QStringLiteral("WebFetch"))
            || (entry.rule.kind == Rule::Kind::Domain && entry.rule.host.matches(host)))
            return withRisks(make(Verdict::Deny, Source::Default, QStringLiteral("denied by %1").arg(entry.rule.text),
                                  description, &entry));
    for (const QString &domain : m_policy.deniedDomains())
        if (auto pattern = HostPattern::compile(domain); pattern && pattern->matches(host))
            return withRisks(make(Verdict::Deny, Source::Default,
                                  QStringLiteral("%1 is in sandbox.network.deniedDomains").arg(domain), description));
    for (const RuleEntry &entry : m_ask)
        if ((entry.rule.kind == Rule::Kind::Tool && entry.rule.tool == QStringLiteral("WebFetch"))
            || (entry.rule.kind == Rule::Kind::Domain && entry.rule.host.matches(host)))
            return withRisks(make(Verdict::Ask, Source::Default, QStringLiteral("asks because of %1").arg(entry.rule.text),
                                  description, &entry));
    for (const RuleEntry &entry : m_allow)
        if ((entry.rule.kind == Rule::Kind::Tool && entry.rule.tool == QStringLiteral("WebFetch"))
            || (entry.rule.kind == Rule::Kind::Domain && entry.rule.host.matches(host)))
            return withRisks(make(Verdict::Allow, Source::Default, QStringLiteral("allowed by %1").arg(entry.rule.text),
                                  description, &entry));
    for (const QString &domain : m_policy.allowedDomains())
        if (auto pattern = HostPattern::compile(domain); pattern && pattern->matches(host))
            return withRisks(make(Verdict::Allow, Source::Default,
                                  QStringLiteral("%1 is in sandbox.network.allowedDomains").arg(domain), description));
    if (m_policy.mode() == Mode::BypassPermissions)
        return withRisks(make(Verdict::Allow, Source::Mode, QStringLiteral("bypassPermissions mode"), description));
    return withRisks(make(Verdict::Ask, Source::Default, QStringLiteral("no rule allows the host %1").arg(host), description));
}

Decision Engine::decideMcp(const ToolCall &call) const
{
    const QString rest = call.tool.mid(5);
    const qsizetype split = rest.indexOf(QStringLiteral("__"));
    if (split <= 0 || split + 2 >= rest.size())
        return make(Verdict::Deny, Source::Default, QStringLiteral("\"%1\" is not an MCP tool name (mcp__server__tool)").arg(call.tool),
                    QStringLiteral("calls an invalid MCP tool"));
    const QString server = rest.left(split);
    const QString tool = rest.mid(split + 2);
    const QString description = QStringLiteral("calls the tool \"%1\" of the MCP server \"%2\"").arg(tool, server);
    // "mcp__a___b" may be server "a" with tool "_b" or server "a_" with tool "b": a rule for
    // one server must not allow a tool of the other.
    const bool ambiguous = server.startsWith(u'_') || server.endsWith(u'_') || tool.startsWith(u'_') || tool.endsWith(u'_');

    // A server-wide rule "mcp__a" covers "mcp__a__x". Names are ambiguous when a server's name
    // itself contains "__" ("mcp__a__b__c" may be server "a__b"): such a name meets a
    // server-wide deny or ask, but never a server-wide allow.
    const auto matches = [&call](const Rule &rule, bool forAllow) {
        if (rule.kind != Rule::Kind::Tool || !rule.tool.startsWith(QStringLiteral("mcp__")))
            return false;
        if (rule.tool == call.tool)
            return true;
        if (!call.tool.startsWith(rule.tool + QStringLiteral("__")))
            return false;
        return !forAllow || !call.tool.mid(rule.tool.size() + 2).contains(QStringLiteral("__"));
    };
    for (const RuleEntry &entry : m_deny)
        if (matches(entry.rule, false))
            return make(Verdict::Deny, Source::Default, QStringLiteral("denied by %1").arg(entry.rule.text), description, &entry);
    for (const RuleEntry &entry : m_ask)
        if (matches(entry.rule, false))
            return make(Verdict::Ask, Source::Default, QStringLiteral("asks because of %1").arg(entry.rule.text), description, &entry);
    for (const RuleEntry &entry : m_allow)
        if (matches(entry.rule, true) && (!ambiguous || entry.rule.tool == call.tool))
            return make(Verdict::Allow, Source::Default, QStringLiteral("allowed by %1").arg(entry.rule.text), description, &entry);
    if (m_policy.mode() == Mode::BypassPermissions)
        return make(Verdict::Allow, Source::Mode, QStringLiteral("bypassPermissions mode"), description);
    if (ambiguous) {
        Decision decision = make(Verdict::Ask, Source::Risk,
                                 QStringLiteral("\"%1\" does not tell its server from its tool (underscores around "
                                                "the \"__\" that separates them), so no server-wide rule allows it")
                                     .arg(call.tool),
                                 description);
        decision.risks << QStringLiteral("ambiguous-mcp-name");
        return decision;
    }
    return make(Verdict::Ask, Source::Default, QStringLiteral("no rule allows this MCP tool"), description);
}

} // namespace gatehouse::policy
