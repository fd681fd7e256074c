// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reading a command's words the way GNU getopt_long does, so that the read-only table sees what
// the program will see: clustered short options ("-rn"), values attached to short options
// ("-e'1e id'", "-fFILE", "-i.bak"), "--name=value", and long options abbreviated to any unique
// prefix ("--in" is --in-place, "--outp" is --output). Not a public header.

#include "shell/syntax.h"

#include <QHash>
#include <QList>
#include <QString>

#include <initializer_list>
#include <memory>
#include <vector>

namespace gatehouse::shell::detail {

enum class OptionValue : std::uint8_t {
    None,
    Required, ///< attached ("-fFILE", "--file=FILE") or the next word
    Optional, ///< attached only ("-i.bak", "--in-place=.bak")
};

struct OptionSpec
{
    QChar shortName;  ///< null when the option has no short form
    QString longName; ///< empty when it has no long form
    OptionValue value = OptionValue::None;
    /// The name the table's users ask for: the long name when there is one, else the letter.
    QString key;
};

/// The options one program knows.
class OptionTable
{
public:
    /// Each spec is "s,long-name": the short letter (or nothing) and the long name (or nothing),
    /// followed by "=" when the option takes a value or "?" when the value is optional; a spec
    /// without a comma is a short option alone ("E", "l="). @p numberOptions: "-5" is a
    /// count (head, tail, grep's context...).
    OptionTable(std::initializer_list<const char16_t *> specs, bool numberOptions = false);
    /// The same from lists put together (git's subcommands share their diff and revision options).
    OptionTable(const QList<const char16_t *> &specs, bool numberOptions = false);

    const OptionSpec *shortOption(QChar letter) const;
    /// An exact long name, else the one option that @p name begins (GNU abbreviation).
    /// @p ambiguous is set when it begins several.
    const OptionSpec *longOption(QStringView name, bool *ambiguous) const;
    bool numberOptions() const { return m_numberOptions; }

private:
    QList<OptionSpec> m_specs;
    QHash<QChar, qsizetype> m_short;
    bool m_numberOptions = false;
};

/// Option tables by name (a program, a git subcommand), owning the tables added to it.
class OptionTableSet
{
public:
    /// Adds @p table under each of @p names. The set owns it unless @p owned is false (a table
    /// with static storage that several entries share).
    void add(std::initializer_list<const char16_t *> names, const OptionTable *table, bool owned = true);
    /// The table of @p name, or nullptr.
    const OptionTable *find(const QString &name) const { return m_byName.value(name); }

private:
    std::vector<std::unique_ptr<const OptionTable>> m_owned; // freed at exit: leak checkers stay quiet
    QHash<QString, const OptionTable *> m_byName;
};

struct ParsedOption
{
    QString key;      ///< OptionSpec::key, or "#" for a number option ("-5")
    QString longName; ///< the long option as written ("--outp"), or empty for a short one
    QChar letter;     ///< the short option's letter
    bool hasValue = false;
    Word value;       ///< the word the value came from, its text narrowed to the value

    /// As written, with the full name when it was abbreviated: "--outp (--output)", "-o".
    QString shown() const;
};

struct ParsedArgs
{
    QList<ParsedOption> options;
    QList<Word> operands;
    /// An option the table does not know, an abbreviation that begins several options, or a
    /// value that is missing or not allowed, for a person ("--outp" is ...). The program would
    /// read its words in a way this cannot follow, so it is not read-only.
    QString problem;

    bool has(QStringView key) const;
    /// The option's first occurrence, or nullptr.
    const ParsedOption *find(QStringView key) const;
    /// The values given to the option, in order.
    QList<Word> values(QStringView key) const;
    /// All values given to options, but those of @p except.
    QList<Word> allValues(std::initializer_list<const char16_t *> except = {}) const;
};

/// Parses @p args (the words after the program name) with GNU getopt_long's rules: options and
/// operands may be mixed, "--" ends the options, "-" is an operand.
ParsedArgs parseOptions(const QList<Word> &args, const OptionTable &table);

/// The option table of a read-only command Gatehouse knows the options of, or nullptr.
const OptionTable *optionTableFor(const QString &program);

/// The options of a read-only git subcommand ("log", "diff", "stash show"...), or nullptr for
/// one whose options are not tabled (which then is not read-only).
const OptionTable *gitOptionTableFor(const QString &subcommand);

/// parseOptions() with git's parse-options additions: "--no-NAME" turns off a known option
/// NAME that takes no value (so it is accepted when NAME is), and "--end-of-options" is "--".
ParsedArgs parseGitOptions(const QList<Word> &args, const OptionTable &table);

/// Whether @p option (as written, with any "=value") is one of git's global options, those that
/// go between "git" and the subcommand. An unknown one makes the command ask.
bool isKnownGitGlobalOption(const QString &option);

} // namespace gatehouse::shell::detail
