// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/rule.h"

#include "shell/syntax.h"

#include <QHostAddress>
#include <QUrl>
#include <QVarLengthArray>

#include <algorithm>

namespace gatehouse::policy {
namespace {

// Stands for an unquoted '*' in a compiled command pattern. A command line that contains this
// character is flagged as hiding what runs, so it never reaches matching unnoticed.
constexpr QChar wildcardMarker = QChar(0xFFFF);

bool isSafeWordChar(QChar c)
{
    if (c.unicode() >= 0x80)
        return false;
    const char a = char(c.unicode());
    return (a >= 'a' && a <= 'z') || (a >= 'A' && a <= 'Z') || (a >= '0' && a <= '9') || a == '_' || a == '-'
           || a == '.' || a == '/' || a == ':' || a == '=' || a == '@' || a == '%' || a == '+' || a == ','
           || a == '^';
}

bool wildcardMatch(QStringView pattern, QStringView text)
{
    qsizetype p = 0;
    qsizetype t = 0;
    qsizetype starP = -1;
    qsizetype starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == wildcardMarker) {
            starP = ++p;
            starT = t;
            continue;
        }
        if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
            continue;
        }
        if (starP < 0)
            return false;
        p = starP;
        t = ++starT;
    }
    while (p < pattern.size() && pattern[p] == wildcardMarker)
        ++p;
    return p == pattern.size();
}

// Why a Bash(...) specifier can never equal the line of one simple command, or empty when it
// can. Rules are matched per simple command, after the line is split (section 4, step 2) and
// with leading assignments and redirections set aside (step 4), so a specifier that holds
// several commands, an assignment or a redirection describes something no line ever is; the
// person who wrote it believes it allows (or, worse, denies) something it does not.
QString whyCommandNeverMatches(const QString &specifier)
{
    const shell::ParseResult parsed = shell::parse(specifier);
    if (!parsed.ok)
        return {}; // not shell syntax the parser knows: matched as words, as written
    if (parsed.commands.size() != 1 || parsed.constructs != 0)
        return QStringLiteral("it holds several commands or shell syntax around them (&&, ||, ;, |, &, $(...), "
                              "subshells, loops...), but rules are matched against each simple command on its own; "
                              "write one rule per command");
    const shell::SimpleCommand &command = parsed.commands.first();
    if (!command.assignments.isEmpty())
        return QStringLiteral("it starts with the assignment %1=..., but rules are matched after leading variable "
                              "assignments are set aside; write the rule without it")
            .arg(command.assignments.first().name);
    if (!command.redirections.isEmpty())
        return QStringLiteral("it holds the redirection %1, but rules are matched against the command's words "
                              "without its redirections (which are checked on their own); write the rule without it")
            .arg(command.redirections.first().op);
    if (command.negated)
        return QStringLiteral("it starts with !, but rules are matched against the command after it; write the "
                              "rule without it");
    return {};
}

} // namespace

QString verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Allow:
        return QStringLiteral("allow");
    case Verdict::Ask:
        return QStringLiteral("ask");
    case Verdict::Deny:
        return QStringLiteral("deny");
    }
    return QStringLiteral("ask");
}

QString layerName(Layer layer)
{
    switch (layer) {
    case Layer::Managed:
        return QStringLiteral("managed");
    case Layer::Cli:
        return QStringLiteral("cli");
    case Layer::Session:
        return QStringLiteral("session");
    case Layer::Local:
        return QStringLiteral("local");
    case Layer::Project:
        return QStringLiteral("project");
    case Layer::User:
        return QStringLiteral("user");
    }
    return QStringLiteral("user");
}

QString quoteWord(const QString &word)
{
    if (word.isEmpty())
        return QStringLiteral("''");
    bool safe = true;
    for (const QChar c : word)
        if (!isSafeWordChar(c)) {
            safe = false;
            break;
        }
    if (safe)
        return word; // shares the data: no copy
    QString quoted = QStringLiteral("'");
    for (const QChar c : word) {
        if (c == u'\'')
            quoted += QStringLiteral("'\\''");
        else
            quoted += c;
    }
    quoted += u'\'';
    return quoted;
}

QString canonicalCommandLine(const QStringList &words)
{
    QString line;
    for (const QString &word : words) {
        if (!line.isEmpty())
            line += u' ';
        line += quoteWord(word);
    }
    return line;
}

Expected<CommandPattern> CommandPattern::compile(const QString &specifier)
{
    QString spec = specifier.trimmed();
    // The legacy prefix form: "npm run test:*" is "npm run test *".
    if (spec.endsWith(QStringLiteral(":*")))
        spec = spec.left(spec.size() - 2).trimmed() + QStringLiteral(" *");

    CommandPattern pattern;
    if (spec.isEmpty() || spec == u'*') {
        pattern.m_everything = true;
        pattern.m_pattern = QString(wildcardMarker);
        return pattern;
    }

    // Split into words as a shell would, keeping unquoted '*' as wildcards.
    QStringList words;   // canonical pieces, wildcards as the marker
    QString current;     // raw characters of the current word
    QString literal;     // the current word's literal run (quoted as one piece when flushed)
    bool inWord = false;
    const auto flushLiteral = [&] {
        if (!literal.isEmpty()) {
            current += quoteWord(literal);
            literal.clear();
        }
    };
    const auto endWord = [&] {
        if (!inWord)
            return;
        flushLiteral();
        words << current;
        current.clear();
        inWord = false;
    };
    for (qsizetype i = 0; i < spec.size(); ++i) {
        const QChar c = spec[i];
        if (c == u' ' || c == u'\t') {
            endWord();
            continue;
        }
        inWord = true;
        if (c == u'*') {
            flushLiteral();
            current += wildcardMarker;
        } else if (c == u'\\' && i + 1 < spec.size()) {
            literal += spec[++i];
        } else if (c == u'\'') {
            const qsizetype end = spec.indexOf(u'\'', i + 1);
            if (end < 0)
                return fail(QStringLiteral("unbalanced single quote in \"%1\"").arg(specifier));
            literal += spec.mid(i + 1, end - i - 1);
            i = end;
        } else if (c == u'"') {
            qsizetype j = i + 1;
            for (; j < spec.size() && spec[j] != u'"'; ++j) {
                if (spec[j] == u'\\' && j + 1 < spec.size() && QStringView(u"\"\\$`").contains(spec[j + 1]))
                    ++j;
                literal += spec[j];
            }
            if (j >= spec.size())
                return fail(QStringLiteral("unbalanced double quote in \"%1\"").arg(specifier));
            i = j;
        } else {
            literal += c;
        }
    }
    endWord();
    pattern.m_pattern = words.join(u' ');
    for (const QString &word : std::as_const(words)) {
        if (word.contains(wildcardMarker))
            break;
        if (!pattern.m_literalPrefix.isEmpty())
            pattern.m_literalPrefix += u' ';
        pattern.m_literalPrefix += word;
    }
    // What every matching line starts with: the text before the first wildcard, less the space
    // of a final " *", which also matches the prefix alone.
    const qsizetype firstWildcard = pattern.m_pattern.indexOf(wildcardMarker);
    pattern.m_fixedStart = firstWildcard < 0 ? pattern.m_pattern : pattern.m_pattern.left(firstWildcard);
    if (firstWildcard >= 0 && firstWildcard == pattern.m_pattern.size() - 1 && pattern.m_fixedStart.endsWith(u' '))
        pattern.m_fixedStart.chop(1);
    return pattern;
}

bool CommandPattern::matches(const QString &canonicalCommand) const
{
    if (m_everything)
        return true;
    if (!canonicalCommand.startsWith(m_fixedStart))
        return false; // most rules name another program: no need to walk the pattern
    if (wildcardMatch(m_pattern, canonicalCommand))
        return true;
    // "prefix *" also matches the prefix alone.
    if (m_pattern.size() >= 2 && m_pattern.endsWith(wildcardMarker) && m_pattern.at(m_pattern.size() - 2) == u' ')
        return wildcardMatch(QStringView(m_pattern).left(m_pattern.size() - 2), canonicalCommand);
    return false;
}

namespace {

// Whether two patterns, in which wildcardMarker stands for any run of characters, have a line
// in common. Either side's wildcard may take the other's characters (or wildcards) one by one.
bool patternsMeet(QStringView a, QStringView b)
{
    const qsizetype width = b.size() + 1;
    // reachable[i * width + j]: a[i..] and b[j..] may still meet; filled from the ends backwards.
    QVarLengthArray<bool, 1024> meet((a.size() + 1) * width);
    for (qsizetype i = a.size(); i >= 0; --i) {
        for (qsizetype j = b.size(); j >= 0; --j) {
            bool result;
            const bool aEnd = i == a.size();
            const bool bEnd = j == b.size();
            if (aEnd && bEnd)
                result = true;
            else if (!aEnd && a[i] == wildcardMarker)
                result = meet[(i + 1) * width + j] || (!bEnd && meet[i * width + j + 1]);
            else if (!bEnd && b[j] == wildcardMarker)
                result = meet[i * width + j + 1] || (!aEnd && meet[(i + 1) * width + j]);
            else
                result = !aEnd && !bEnd && a[i] == b[j] && meet[(i + 1) * width + j + 1];
            meet[i * width + j] = result;
        }
    }
    return meet[0];
}

} // namespace

QChar CommandPattern::unknownMarker() { return wildcardMarker; }

bool CommandPattern::mayMatch(const QString &line) const
{
    if (m_everything)
        return true;
    // Up to the first unknown of the line and the first wildcard of the rule both are literal:
    // most rules name another program and part here.
    const qsizetype known = line.indexOf(wildcardMarker);
    const qsizetype common = std::min(known < 0 ? line.size() : known, m_fixedStart.size());
    if (QStringView(line).left(common) != QStringView(m_fixedStart).left(common))
        return false;
    if (patternsMeet(m_pattern, line))
        return true;
    // "prefix *" also matches the prefix alone.
    if (m_pattern.size() >= 2 && m_pattern.endsWith(wildcardMarker) && m_pattern.at(m_pattern.size() - 2) == u' ')
        return patternsMeet(QStringView(m_pattern).left(m_pattern.size() - 2), line);
    return false;
}

QString normaliseHost(const QString &host)
{
    QString name = host.trimmed();
    if (name.isEmpty())
        return {};
    for (const QChar c : name)
        if (c.unicode() < 0x21 || c.unicode() == 0x7f || c == u'/' || c == u'@' || c == u'\\' || c == u'%')
            return {};
    if (name.endsWith(u'.'))
        name.chop(1);
    // IP addresses, in their canonical form (IPv6 without brackets).
    if (name.startsWith(u'[') && name.endsWith(u']'))
        name = name.mid(1, name.size() - 2);
    if (const QHostAddress address(name); !address.isNull())
        return address.toString().toLower();
    const QByteArray ace = QUrl::toAce(name, QUrl::IgnoreIDNWhitelist);
    if (ace.isEmpty())
        return {};
    QString result = QString::fromLatin1(ace).toLower();
    if (result.contains(QStringLiteral("..")) || result.startsWith(u'.'))
        return {};
    return result;
}

Expected<HostPattern> HostPattern::compile(const QString &pattern)
{
    HostPattern compiled;
    QString text = pattern.trimmed();
    if (text.startsWith(QStringLiteral("*."))) {
        compiled.m_subdomains = true;
        text = text.mid(2);
    }
    compiled.m_host = normaliseHost(text);
    if (compiled.m_host.isEmpty() || compiled.m_host.contains(u'*'))
        return fail(QStringLiteral("\"%1\" is not a host name or *.host pattern").arg(pattern));
    return compiled;
}

bool HostPattern::matches(const QString &normalisedHost) const
{
    if (m_host.isEmpty() || normalisedHost.isEmpty())
        return false;
    if (m_subdomains)
        return normalisedHost.size() > m_host.size() + 1 && normalisedHost.endsWith(m_host)
               && normalisedHost.at(normalisedHost.size() - m_host.size() - 1) == u'.';
    return normalisedHost == m_host;
}

bool isKnownTool(const QString &name)
{
    static const QStringList tools{QStringLiteral("Read"),    QStringLiteral("Glob"),      QStringLiteral("Grep"),
                                   QStringLiteral("Edit"),    QStringLiteral("Write"),     QStringLiteral("MultiEdit"),
                                   QStringLiteral("Bash"),    QStringLiteral("WebFetch"),  QStringLiteral("NotebookEdit")};
    return tools.contains(name) || name.startsWith(QStringLiteral("mcp__"));
}

Expected<Rule> parseRule(const QString &text, const AnchorFolders &anchors, QStringList *warnings)
{
    Rule rule;
    rule.text = text.trimmed();
    if (rule.text.isEmpty())
        return fail(QStringLiteral("empty rule"));
    const qsizetype open = rule.text.indexOf(u'(');
    if (open < 0) {
        rule.tool = rule.text;
    } else {
        if (!rule.text.endsWith(u')'))
            return fail(QStringLiteral("rule \"%1\" opens a parenthesis it does not close").arg(rule.text));
        rule.tool = rule.text.left(open).trimmed();
        rule.specifier = rule.text.mid(open + 1, rule.text.size() - open - 2).trimmed();
    }
    for (const QChar c : std::as_const(rule.tool))
        if (!(c.isLetterOrNumber() || c == u'_' || c == u'-') || c.unicode() >= 0x80)
            return fail(QStringLiteral("rule \"%1\": \"%2\" is not a tool name").arg(rule.text, rule.tool));
    if (rule.tool.isEmpty())
        return fail(QStringLiteral("rule \"%1\" names no tool").arg(rule.text));

    if (rule.tool.startsWith(QStringLiteral("mcp__"))) {
        if (open >= 0)
            return fail(QStringLiteral("rule \"%1\": MCP rules take no parentheses (mcp__server or mcp__server__tool)")
                            .arg(rule.text));
        const QString rest = rule.tool.mid(5);
        if (rest.isEmpty() || rest.startsWith(u'_') || rest.endsWith(u'_'))
            return fail(QStringLiteral("rule \"%1\" names no MCP server").arg(rule.text));
        return rule;
    }
    if (!isKnownTool(rule.tool)) {
        rule.neverMatches = true;
        if (warnings)
            *warnings << QStringLiteral("rule \"%1\" names the unknown tool \"%2\"; it never matches").arg(rule.text, rule.tool);
        return rule;
    }

    if (open < 0 || rule.specifier == u'*' || (rule.specifier.isEmpty() && rule.tool != QStringLiteral("Bash"))) {
        rule.kind = Rule::Kind::Tool;
        if (open >= 0 && rule.specifier.isEmpty())
            return fail(QStringLiteral("rule \"%1\" has empty parentheses").arg(rule.text));
        return rule;
    }
    if (rule.tool == QStringLiteral("Bash")) {
        auto pattern = CommandPattern::compile(rule.specifier);
        if (!pattern)
            return fail(QStringLiteral("rule \"%1\": %2").arg(rule.text, pattern.error().message));
        rule.kind = pattern->matchesEverything() ? Rule::Kind::Tool : Rule::Kind::Command;
        rule.command = *pattern;
        if (rule.kind == Rule::Kind::Command) {
            if (const QString why = whyCommandNeverMatches(rule.specifier); !why.isEmpty()) {
                rule.neverMatches = true;
                if (warnings)
                    *warnings << QStringLiteral("rule \"%1\" never matches: %2").arg(rule.text, why);
            }
        }
        return rule;
    }
    if (rule.tool == QStringLiteral("WebFetch")) {
        if (!rule.specifier.startsWith(QStringLiteral("domain:")))
            return fail(QStringLiteral("rule \"%1\": WebFetch rules have the form WebFetch(domain:example.com)").arg(rule.text));
        auto host = HostPattern::compile(rule.specifier.mid(7));
        if (!host)
            return fail(QStringLiteral("rule \"%1\": %2").arg(rule.text, host.error().message));
        rule.kind = Rule::Kind::Domain;
        rule.host = *host;
        return rule;
    }
    static const QStringList readFamily{QStringLiteral("Read"), QStringLiteral("Glob"), QStringLiteral("Grep")};
    static const QStringList editFamily{QStringLiteral("Edit"), QStringLiteral("Write"), QStringLiteral("MultiEdit"),
                                        QStringLiteral("NotebookEdit")};
    if (readFamily.contains(rule.tool) || editFamily.contains(rule.tool)) {
        rule.kind = Rule::Kind::Path;
        rule.pathFamily = readFamily.contains(rule.tool) ? QStringLiteral("Read") : QStringLiteral("Edit");
        rule.path = PathPattern::compile(rule.specifier, anchors);
        if (!rule.path.isValid())
            return fail(QStringLiteral("rule \"%1\": its anchor folder is not known here").arg(rule.text));
        return rule;
    }
    if (warnings)
        *warnings << QStringLiteral("rule \"%1\": the tool \"%2\" takes no specifier; it never matches").arg(rule.text, rule.tool);
    rule.kind = Rule::Kind::Tool;
    rule.neverMatches = true;
    return rule;
}

} // namespace gatehouse::policy
