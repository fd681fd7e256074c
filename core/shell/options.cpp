// SPDX-License-Identifier: GPL-3.0-or-later
// GNU getopt_long's reading of a command's words (options_p.h).
#include "shell/options_p.h"

#include "shell/commandsupport_p.h"

namespace gatehouse::shell::detail {

using namespace Qt::StringLiterals;

OptionTable::OptionTable(std::initializer_list<const char16_t *> specs, bool numberOptions)
    : OptionTable(QList<const char16_t *>(specs), numberOptions)
{
}

OptionTable::OptionTable(const QList<const char16_t *> &specs, bool numberOptions)
    : m_numberOptions(numberOptions)
{
    m_specs.reserve(qsizetype(specs.size()));
    for (const char16_t *text : specs) {
        QString spec = QString::fromUtf16(text);
        OptionSpec option;
        if (spec.endsWith(u'=')) {
            option.value = OptionValue::Required;
            spec.chop(1);
        } else if (spec.endsWith(u'?')) {
            option.value = OptionValue::Optional;
            spec.chop(1);
        }
        const qsizetype comma = spec.indexOf(u',');
        const QString shortPart = comma < 0 ? spec : spec.left(comma);
        if (comma >= 0)
            option.longName = spec.mid(comma + 1);
        if (!shortPart.isEmpty())
            option.shortName = shortPart.front();
        option.key = option.longName.isEmpty() ? QString(option.shortName) : option.longName;
        if (!option.shortName.isNull())
            m_short.insert(option.shortName, m_specs.size());
        m_specs << option;
    }
}

const OptionSpec *OptionTable::shortOption(QChar letter) const
{
    const auto it = m_short.constFind(letter);
    return it == m_short.constEnd() ? nullptr : &m_specs[*it];
}

const OptionSpec *OptionTable::longOption(QStringView name, bool *ambiguous) const
{
    *ambiguous = false;
    if (name.isEmpty())
        return nullptr;
    const OptionSpec *found = nullptr;
    for (const OptionSpec &spec : m_specs) {
        if (spec.longName.isEmpty() || !spec.longName.startsWith(name))
            continue;
        if (spec.longName.size() == name.size())
            return &spec; // an exact name wins over the options it abbreviates
        if (found)
            *ambiguous = true;
        found = &spec;
    }
    return *ambiguous ? nullptr : found;
}

QString ParsedOption::shown() const
{
    if (longName.isEmpty())
        return u"-"_s + letter;
    if (longName.mid(2) != key)
        return u"%1 (--%2)"_s.arg(longName, key);
    return longName;
}

bool ParsedArgs::has(QStringView key) const { return find(key) != nullptr; }

const ParsedOption *ParsedArgs::find(QStringView key) const
{
    for (const ParsedOption &option : options)
        if (option.key == key)
            return &option;
    return nullptr;
}

QList<Word> ParsedArgs::values(QStringView key) const
{
    QList<Word> result;
    for (const ParsedOption &option : options)
        if (option.hasValue && option.key == key)
            result << option.value;
    return result;
}

QList<Word> ParsedArgs::allValues(std::initializer_list<const char16_t *> except) const
{
    QList<Word> result;
    for (const ParsedOption &option : options) {
        if (!option.hasValue)
            continue;
        bool skip = false;
        for (const char16_t *key : except)
            if (option.key == QStringView(key))
                skip = true;
        if (!skip)
            result << option.value;
    }
    return result;
}

namespace {

Word valueWord(const Word &from, const QString &text)
{
    Word value = from;
    value.text = text;
    return value;
}

} // namespace

ParsedArgs parseOptions(const QList<Word> &args, const OptionTable &table)
{
    ParsedArgs parsed;
    bool endOfOptions = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const Word &word = args[i];
        const QString &text = word.text;
        if (endOfOptions || !text.startsWith(u'-') || text.size() == 1) {
            parsed.operands << word;
            continue;
        }
        if (text == u"--"_s) {
            endOfOptions = true;
            continue;
        }
        if (text.startsWith(u"--"_s)) {
            const qsizetype equals = text.indexOf(u'=');
            const QStringView name = QStringView(text).mid(2, equals < 0 ? -1 : equals - 2);
            bool ambiguous = false;
            const OptionSpec *spec = table.longOption(name, &ambiguous);
            if (!spec) {
                if (parsed.problem.isEmpty())
                    parsed.problem = ambiguous ? u"%1 abbreviates several options"_s.arg(text.left(equals < 0 ? text.size() : equals))
                                               : u"%1 is an option Gatehouse does not know"_s.arg(text.left(equals < 0 ? text.size() : equals));
                continue;
            }
            ParsedOption option{spec->key, text.left(equals < 0 ? text.size() : equals), {}, false, {}};
            if (equals >= 0) {
                if (spec->value == OptionValue::None && parsed.problem.isEmpty())
                    parsed.problem = u"--%1 takes no value"_s.arg(spec->longName);
                option.hasValue = true;
                option.value = valueWord(word, text.mid(equals + 1));
            } else if (spec->value == OptionValue::Required) {
                if (i + 1 < args.size()) {
                    option.hasValue = true;
                    option.value = args[++i];
                } else if (parsed.problem.isEmpty()) {
                    parsed.problem = u"--%1 needs a value"_s.arg(spec->longName);
                }
            }
            parsed.options << option;
            continue;
        }
        if (table.numberOptions() && isAsciiNumber(QStringView(text).mid(1))) {
            parsed.options << ParsedOption{u"#"_s, {}, u'-', true, valueWord(word, text.mid(1))};
            continue;
        }
        // A cluster of short options; the first that takes a value takes the rest of the word.
        for (qsizetype k = 1; k < text.size(); ++k) {
            const QChar letter = text[k];
            const OptionSpec *spec = table.shortOption(letter);
            if (!spec) {
                if (parsed.problem.isEmpty())
                    parsed.problem = u"-%1 is an option Gatehouse does not know"_s.arg(letter);
                break;
            }
            ParsedOption option{spec->key, {}, letter, false, {}};
            if (spec->value != OptionValue::None) {
                if (k + 1 < text.size()) {
                    option.hasValue = true;
                    option.value = valueWord(word, text.mid(k + 1));
                } else if (spec->value == OptionValue::Required) {
                    if (i + 1 < args.size()) {
                        option.hasValue = true;
                        option.value = args[++i];
                    } else if (parsed.problem.isEmpty()) {
                        parsed.problem = u"-%1 needs a value"_s.arg(letter);
                    }
                }
                parsed.options << option;
                break;
            }
            parsed.options << option;
        }
    }
    return parsed;
}

void OptionTableSet::add(std::initializer_list<const char16_t *> names, const OptionTable *table, bool owned)
{
    if (owned)
        m_owned.emplace_back(table);
    for (const char16_t *name : names)
        m_byName.insert(QString::fromUtf16(name), table);
}

} // namespace gatehouse::shell::detail
