// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"
#include "policy/pathpattern.h"

#include <QString>
#include <QStringList>

namespace gatehouse::policy {

enum class Verdict { Allow, Ask, Deny };

/// Where a rule or setting came from, highest precedence first (SECURITY-MODEL.md section 3).
/// Session holds the allow rules the person granted with "allow for this session" answers: they
/// live in memory only (PolicyOptions::sessionAllow) and are forgotten when the session ends.
enum class Layer { Managed, Cli, Session, Local, Project, User };

QString verdictName(Verdict verdict);
QString layerName(Layer layer); ///< "managed", "cli", "session", "local", "project", "user"

/// A pattern over a normalised command line (SECURITY-MODEL.md section 2): `*` matches any run
/// of characters; a pattern that ends in ` *` (or the legacy `:*`) is a prefix at a word
/// boundary and also matches without the rest. Words are compared as the canonical command line
/// writes them (see canonicalCommandLine), so quoting in the rule does not matter.
class CommandPattern
{
public:
    CommandPattern() = default;
    /// Fails for a specifier that is not a command (unbalanced quotes).
    static Expected<CommandPattern> compile(const QString &specifier);
    bool matches(const QString &canonicalCommand) const;
    /// Whether some values of the unknown parts of @p line (each written as unknownMarker(),
    /// which stands for any run of characters, spaces included) make it match: a word decided
    /// at run time ("git $x", "git pu$(f)sh", "git {push,}") may be what a rule names.
    bool mayMatch(const QString &line) const;
    /// The character that stands for an unknown run of characters in mayMatch()'s line.
    static QChar unknownMarker();
    bool matchesEverything() const { return m_everything; }
    /// The literal words before the first wildcard, canonical ("npm run test").
    QString literalPrefix() const { return m_literalPrefix; }

private:
    QString m_pattern; // canonical text with wildcardMarker for each unquoted '*'
    QString m_literalPrefix;
    QString m_fixedStart; // what every line it matches starts with
    bool m_everything = false;
};

/// The command line the rules see: each word quoted only when it has to be ('...'), joined by
/// single spaces. Two command lines that give a program the same argv have the same form.
QString canonicalCommandLine(const QStringList &words);
QString quoteWord(const QString &word);

/// A host pattern of WebFetch(domain:...) and the sandbox's domain lists: `example.com` matches
/// that host only, `*.example.com` its subdomains but not the apex. Case-insensitive; a
/// trailing dot is ignored; internationalised names are compared in their ASCII form.
class HostPattern
{
public:
    HostPattern() = default;
    static Expected<HostPattern> compile(const QString &pattern);
    bool matches(const QString &normalisedHost) const;
    QString text() const { return m_host; }

private:
    QString m_host; // without "*."
    bool m_subdomains = false;
};

/// Lower-case ASCII (punycode) form of a host name without a trailing dot; empty when the
/// name is not a valid host (control characters, spaces, empty labels...).
QString normaliseHost(const QString &host);

/// One permission rule as written in a settings file or on the command line.
struct Rule
{
    enum class Kind {
        Tool,      ///< a whole tool: "Bash", "Read", "WebFetch", "mcp__server", "mcp__server__tool"
        Command,   ///< Bash(pattern)
        Path,      ///< Read(path) / Edit(path) (also Glob/Grep -> Read, Write/MultiEdit -> Edit)
        Domain,    ///< WebFetch(domain:host)
    };

    QString text;      ///< the rule as written, trimmed
    QString tool;      ///< the tool name as written before "(" ("Bash", "Read", "mcp__github")
    QString specifier; ///< inside the parentheses; empty for a whole-tool rule
    Kind kind = Kind::Tool;
    /// For Path rules: "Read" or "Edit" (the family it governs).
    QString pathFamily;
    CommandPattern command;
    PathPattern path;
    HostPattern host;
    /// Parsed, but can never match anything (a warning says why).
    bool neverMatches = false;
};

/// Parses a rule; @p anchors resolves the anchors of path rules. A rule that cannot be
/// understood is an error; a rule that parses but can never match adds to @p warnings.
Expected<Rule> parseRule(const QString &text, const AnchorFolders &anchors, QStringList *warnings = nullptr);

/// The tools Gatehouse knows (for warnings about rules that can never match).
bool isKnownTool(const QString &name);

} // namespace gatehouse::policy
