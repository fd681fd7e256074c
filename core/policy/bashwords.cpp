// SPDX-License-Identifier: GPL-3.0-or-later
// Words whose value is decided at run time where a command reads its options (SECURITY-MODEL.md
// section 4, steps 5 and 6): a substitution's output, a variable the line fills from a command
// or a file, a glob's file names. Such a word may be any option, or several words, so neither
// the read-only analysis nor the allow rule that matched the source text says what runs
// ("git log $(cat f)" is "git log --output=.git/config" when f says so).
#include "policy/bashdecision_p.h"

#include "secrets/secretshapes.h"
#include "shell/syntax.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <span>

namespace gatehouse::policy::detail {

using namespace Qt::StringLiterals;
using shell::Word;
using shell::WordFeature;

namespace {

// Programs whose options change nothing that matters, whatever a word decided at run time adds.
bool optionsAreHarmless(const QString &name)
{
    static const QStringList harmless{u"echo"_s, u"true"_s, u"false"_s, u":"_s, u"test"_s, u"["_s, u"[["_s};
    return harmless.contains(name);
}

// Commands that set the variables they name from their input or arguments.
bool setsVariables(const QString &name)
{
    static const QStringList setters{u"read"_s,    u"mapfile"_s, u"readarray"_s, u"getopts"_s, u"printf"_s, u"declare"_s,
                                     u"typeset"_s, u"local"_s,   u"export"_s,    u"readonly"_s, u"let"_s,   u"unset"_s};
    return setters.contains(name);
}

// The variables @p text expands: $name, ${name...}, ${#name}, and ${!name} (which expands
// another, unknown: @p indirect is set).
QStringList expandedNames(const QString &text, bool *indirect = nullptr)
{
    static const QRegularExpression reference(u"\\$\\{?([#!]?)([A-Za-z_][A-Za-z0-9_]*)"_s);
    QStringList names;
    for (auto it = reference.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        if (indirect && match.captured(1) == u"!"_s)
            *indirect = true;
        names << match.captured(2);
    }
    return names;
}

// Whether the text a here-document or substitution gives may hold an option: its first word
// (quoted: one word) or any of its words (unquoted: split) starts with '-'.
bool mayHoldOption(const QString &text, bool split)
{
    if (!split)
        return text.startsWith(u'-');
    for (const QStringView word : QStringView(text).split(u' ', Qt::SkipEmptyParts))
        if (word.trimmed().startsWith(u'-'))
            return true;
    return QStringView(text).contains(u"\n-") || QStringView(text).contains(u"\t-");
}

} // namespace

// Variables the line fills with something decided at run time: assigned a word that is not
// static, looped over such words, read from input, set by printf -v, declare and friends.
void BashDecision::findRunTimeVariables()
{
    for (const CommandState &state : std::as_const(m_commands)) {
        for (const shell::Assignment &assignment : state.source->assignments)
            if (assignment.isArray || !assignment.value.isStatic())
                m_runTimeVariables.insert(assignment.name);
        for (const shell::Assignment &assignment : state.normalised.assignments)
            if (assignment.isArray || !assignment.value.isStatic())
                m_runTimeVariables.insert(assignment.name);
        if (!setsVariables(state.normalised.name()))
            continue;
        for (const Word &word : state.normalised.words.mid(1)) {
            const QString name = word.text.section(u'=', 0, 0).section(u'[', 0, 0);
            if (!name.startsWith(u'-'))
                m_runTimeVariables.insert(name);
        }
    }
    for (const shell::VariableBinding &binding : std::as_const(m_parsed.bindings)) {
        const bool known = binding.how == shell::VariableBinding::How::For && binding.hasList
                           && std::all_of(binding.words.cbegin(), binding.words.cend(),
                                          [](const Word &word) { return word.isStatic() && !word.has(WordFeature::Glob); });
        if (!known)
            m_runTimeVariables.insert(binding.name);
    }
}

// Step 5 for the environment: "echo $GITHUB_TOKEN" prints a secret as surely as awk's ENVIRON,
// whatever rule allows echo. A variable whose name looks secret, not set by the line itself, is
// asked about (contained: the sandbox passes no such variable).
void BashDecision::checkSecretVariables()
{
    if (!m_text.contains(u'$'))
        return;
    QSet<QString> setHere = m_runTimeVariables;
    for (const CommandState &state : std::as_const(m_commands))
        for (const shell::Assignment &assignment : state.source->assignments)
            setHere.insert(assignment.name);
    for (const QString &name : expandedNames(m_text)) {
        if (!setHere.contains(name) && secrets::looksSecretName(name)) {
            m_risks << shell::Risk{u"secret-variable"_s,
                                   u"it expands $%1, a variable whose name says it holds a secret"_s.arg(name), true};
            return;
        }
    }
}

// A quoted or unquoted "$(cat <<'EOF' ... EOF)": what it gives is the here-document, as written.
bool BashDecision::substitutionGivesOnlyText(const Word &word) const
{
    const bool quoted = word.raw.startsWith(u"\"$("_s) && word.raw.endsWith(u")\""_s);
    const bool bare = word.raw.startsWith(u"$("_s) && word.raw.endsWith(u')');
    if (!quoted && !bare)
        return false;
    bool found = false;
    for (const CommandState &state : m_commands) {
        const shell::SimpleCommand &inner = *state.source;
        if (inner.offset < word.offset || inner.offset >= word.offset + word.raw.size())
            continue;
        if (inner.context != shell::CommandContext::CommandSubstitution || state.normalised.words.size() != 1
            || state.normalised.name() != u"cat"_s || inner.redirections.size() != 1)
            return false;
        const shell::Redirection &here = inner.redirections.first();
        if ((here.op != u"<<"_s && here.op != u"<<-"_s) || here.hereDocumentExpands || mayHoldOption(here.hereDocument, bare))
            return false;
        found = true;
    }
    return found;
}

// @p forwarded: words after "--" may still be options, of a program the command runs (the
// script of "npm run test -- ARGS"); for the read-only built-ins, "--" ends them.
const Word *BashDecision::wordThatMayBeAnOption(const shell::NormalisedCommand &n, const WorkingFolders &folders,
                                                bool forwarded) const
{
    if (n.words.size() < 2 || optionsAreHarmless(n.name()))
        return nullptr;
    for (const Word &word : std::span(n.words).subspan(1)) {
        if (word.isStatic() && !word.has(WordFeature::Glob)) {
            if (word.text == u"--"_s && !forwarded)
                return nullptr; // the end of the options
            continue;
        }
        if (word.has(WordFeature::ProcessSubstitution))
            continue; // a /dev/fd path
        if (word.has(WordFeature::CommandSubstitution) && !substitutionGivesOnlyText(word))
            return &word;
        if (word.has(WordFeature::ParameterExpansion)) {
            bool indirect = false;
            const QStringList names = expandedNames(word.raw, &indirect);
            if (indirect || std::any_of(names.cbegin(), names.cend(), [this](const QString &name) {
                    return m_runTimeVariables.contains(name);
                }))
                return &word;
        }
        // A glob's file names begin with its known start: "src/*.c" never names "--output=x".
        // Those that begin with a wildcard are looked at now in each working folder.
        if (word.has(WordFeature::Glob) && (word.text.startsWith(u'*') || word.text.startsWith(u'?') || word.text.startsWith(u'['))) {
            if (folders.unknown || !m_globsAsUsual)
                return &word;
            // What it expands to begins with what its first component matches ("*/" lists folders).
            const QString first = word.text.section(u'/', 0, 0);
            for (const QString &folder : folders.candidates) {
                const auto matches = expandLastComponent(folder, first);
                if (!matches || std::any_of(matches->cbegin(), matches->cend(), [](const QString &match) {
                        return QFileInfo(match).fileName().startsWith(u'-');
                    }))
                    return &word;
            }
        }
    }
    return nullptr;
}

} // namespace gatehouse::policy::detail
