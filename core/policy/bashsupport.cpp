// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers of the Bash decision that do not need the engine (bashsupport_p.h).
#include "policy/bashsupport_p.h"
#include "policy/pathpattern.h"
#include "policy/rule.h"

#include "shell/syntax.h"

#include <QDir>

#include <QFileInfo>

#include <algorithm>

namespace gatehouse::policy::detail {

using namespace Qt::StringLiterals;
using shell::NormalisedCommand;
using shell::SimpleCommand;
using shell::Word;
using shell::WordFeature;

namespace {

constexpr int maxInnerDepth = 3;

} // namespace

QString canonicalLine(const QList<Word> &words)
{
    QString line;
    qsizetype size = 0;
    for (const Word &word : words)
        size += word.raw.size() + 3; // quoting adds two quotes (more only for quotes inside)
    line.reserve(size);
    for (const Word &word : words) {
        if (!line.isEmpty())
            line += u' ';
        // A word whose value is decided at run time (or expands to file names) keeps its source
        // text, so that it never equals a static word a rule names.
        line += (word.isStatic() && !word.has(WordFeature::Glob)) ? quoteWord(word.text) : word.raw;
    }
    return line;
}

QString unknownsLine(const QList<Word> &words)
{
    bool unknown = false;
    QString line;
    for (const Word &word : words) {
        if (word.isStatic() && !word.has(WordFeature::Glob)) {
            if (!line.isEmpty())
                line += u' ';
            line += quoteWord(word.text);
            continue;
        }
        // What comes before the first expansion is known ("build/" of "build/*.o"); the rest,
        // and any number of words it may split into, is not.
        const qsizetype special = std::find_if(word.text.cbegin(), word.text.cend(), [](QChar c) {
                                      return QStringView(u"$`{*?[~\\").contains(c);
                                  }) - word.text.cbegin();
        // A word that is all unknown may also vanish ("$empty"): the marker takes its space too.
        const QString known = word.text.left(special);
        if (!known.isEmpty()) {
            if (!line.isEmpty())
                line += u' ';
            line += quoteWord(known);
        }
        line += CommandPattern::unknownMarker();
        unknown = true;
    }
    return unknown ? line : QString();
}

// The command lines hidden in strings that a shell or eval will run ("sh -c 'rm -rf x'"), so
// that deny and ask rules see them too.
void addInnerLines(const NormalisedCommand &n, int depth, QList<QStringList> &out)
{
    if (depth > maxInnerDepth || n.words.isEmpty())
        return;
    QString code;
    const QString name = n.name();
    if (name == u"eval"_s) {
        QStringList parts;
        for (const Word &word : n.words.mid(1))
            parts << word.text;
        code = parts.join(u' ');
    } else if (shell::isShellOrInterpreter(name)) {
        for (qsizetype i = 1; i + 1 < n.words.size(); ++i) {
            const QString option = n.words[i].text;
            if (option.startsWith(u'-') && !option.startsWith(u"--"_s) && option.contains(u'c')) {
                code = n.words[i + 1].text;
                break;
            }
        }
    }
    // env -S 'cmd args' [more args]: the string is split into words that come before the rest.
    for (qsizetype i = 0; code.isEmpty() && i < n.envOptions.size(); ++i) {
        const QString &option = n.envOptions[i];
        QString split;
        if ((option == u"-S"_s || option == u"--split-string"_s) && i + 1 < n.envOptions.size())
            split = n.envOptions[i + 1];
        else if (option.startsWith(u"--split-string="_s))
            split = option.mid(15);
        else if (option.startsWith(u"-S"_s))
            split = option.mid(2);
        if (split.isEmpty())
            continue;
        code = split;
        if (name != u"env"_s)
            code += u' ' + canonicalLine(n.words);
    }
    if (code.isEmpty())
        return;
    const shell::ParseResult inner = shell::parse(code);
    for (const SimpleCommand &command : inner.commands) {
        const NormalisedCommand normalised = shell::normalise(command);
        QStringList lines{canonicalLine(normalised.words)};
        for (const QList<Word> &form : normalised.denyForms)
            lines << canonicalLine(form);
        out << lines;
        addInnerLines(normalised, depth + 1, out);
    }
}

namespace {

// @p text resolved from each possible working folder, as the command sees it: relative paths,
// and /proc/self/cwd or /dev/fd/../cwd in absolute ones, lead there. Empty when any of them
// is decided at run time.
QList<ResolvedPath> resolvedFor(const QString &text, const WorkingFolders &folders, const QString &home, const QString &project)
{
    const bool absolute = text.startsWith(u'/') || text == u"~"_s || text.startsWith(u"~/"_s);
    if (folders.unknown || folders.candidates.isEmpty()) {
        if (!absolute)
            return {};
        const ResolvedPath path = resolvePath(text, u"/"_s, home);
        return path.dynamic ? QList<ResolvedPath>() : QList<ResolvedPath>{path};
    }
    QList<ResolvedPath> paths;
    for (const QString &folder : folders.candidates) {
        const ResolvedPath path = resolvePath(text, absolute ? u"/"_s : folder, home, absolute ? QString() : project, folder);
        if (path.dynamic)
            return {};
        if (!std::any_of(paths.cbegin(), paths.cend(), [&path](const ResolvedPath &known) {
                return known.lexical == path.lexical && known.canonical == path.canonical;
            }))
            paths << path;
    }
    return paths;
}

bool isDescriptor(QStringView path, QStringView folder)
{
    if (!path.startsWith(folder) || path.size() == folder.size())
        return false;
    const QStringView number = path.mid(folder.size());
    return std::all_of(number.begin(), number.end(), [](QChar c) { return c.isDigit(); });
}

// One of the command's own descriptors, named as such (/dev/fd/1, /dev/stdout seen as
// /proc/self/fd/1), not a path that merely starts like one (/dev/fd/../cwd/.env).
bool isOwnDescriptor(const QString &path)
{
    return isDescriptor(path, u"/dev/fd/") || isDescriptor(path, u"/proc/self/fd/");
}

} // namespace

// The possible absolute paths of @p word (empty list: cannot be known before running).
QList<ResolvedPath> pathsOf(const Word &word, const WorkingFolders &folders, const QString &home, const QString &project)
{
    QString text = word.text;
    const std::uint32_t allowed = static_cast<std::uint32_t>(WordFeature::Quoted)
                                  | static_cast<std::uint32_t>(WordFeature::AnsiCQuote)
                                  | static_cast<std::uint32_t>(WordFeature::LocaleQuote)
                                  | static_cast<std::uint32_t>(WordFeature::Tilde);
    if (word.features & ~allowed) {
        // $HOME and ${HOME} at the start are known; anything else is not.
        if (word.has(WordFeature::ParameterExpansion) && !(word.features & ~(allowed | static_cast<std::uint32_t>(WordFeature::ParameterExpansion)))) {
            for (const QString &prefix : {u"$HOME"_s, u"${HOME}"_s}) {
                if (word.raw.startsWith(prefix) && !word.raw.mid(prefix.size()).contains(u'$')) {
                    QString rest = word.raw.mid(prefix.size());
                    rest.remove(u'"');
                    rest.remove(u'\'');
                    text = home + rest;
                    return resolvedFor(text, folders, home, project);
                }
            }
        }
        return {};
    }
    if (word.has(WordFeature::Tilde) && !(text == u"~"_s || text.startsWith(u"~/"_s)))
        return {}; // ~user
    if (text.isEmpty())
        return {};
    return resolvedFor(text, folders, home, project);
}

// The folder part of a glob word before its first wildcard component ("src/*.ts" -> "src").
QString globFolder(const Word &word)
{
    const QStringList parts = word.text.split(u'/');
    QStringList fixed;
    for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
        if (parts[i].contains(u'*') || parts[i].contains(u'?') || parts[i].contains(u'['))
            break;
        fixed << parts[i];
    }
    if (word.text.startsWith(u'/'))
        return fixed.isEmpty() ? u"/"_s : fixed.join(u'/');
    return fixed.isEmpty() ? u"."_s : fixed.join(u'/');
}

// The files a glob whose wildcards are all in its last component names now, as bash would
// expand it (a leading dot must be matched explicitly). std::nullopt when wildcards sit in
// folder components, which this does not expand.
std::optional<QStringList> expandLastComponent(const QString &folder, const QString &pattern)
{
    if (pattern.contains(u'/'))
        return std::nullopt;
    // Equivalence classes, collating symbols and characters beyond ASCII depend on the locale
    // bash runs in: such a glob is not expanded here (the caller then assumes the worst).
    if (pattern.contains(u"[="_s) || pattern.contains(u"[."_s)
        || std::any_of(pattern.cbegin(), pattern.cend(), [](QChar c) { return c.unicode() >= 0x80; }))
        return std::nullopt;
    QStringList matches;
    const QDir dir(folder);
    const QStringList entries = dir.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        if (entry.startsWith(u'.') && !pattern.startsWith(u'.'))
            continue;
        if (globMatchSegment(pattern, entry))
            matches << dir.filePath(entry);
    }
    return matches;
}

bool isDeviceSink(const QString &path)
{
    return path == u"/dev/null"_s || path == u"/dev/stdout"_s || path == u"/dev/stderr"_s || path == u"/dev/tty"_s
           || isOwnDescriptor(path);
}

// Devices that reading gives nothing of anyone's: no data, random bytes, or the command's own input.
bool isHarmlessInput(const QString &path)
{
    return path == u"/dev/null"_s || path == u"/dev/zero"_s || path == u"/dev/urandom"_s || path == u"/dev/random"_s
           || path == u"/dev/stdin"_s || path == u"/dev/tty"_s || isOwnDescriptor(path);
}

// bash opens a connection for /dev/tcp/HOST/PORT and /dev/udp/HOST/PORT itself.
bool isNetworkPath(const QString &path)
{
    return path.startsWith(u"/dev/tcp/"_s) || path.startsWith(u"/dev/udp/"_s);
}

// Whether git started in @p folder (canonical) may work on a repository other than the
// project's own: @p folder is outside the project, or it or a folder between it and the project
// holds a .git of its own or is laid out like a bare repository (HEAD with objects, refs or
// config). A project can commit such a folder, whose config (core.fsmonitor, core.pager...)
// makes git run programs.
bool mayFindOtherRepository(const QString &folder, const QString &project)
{
    if (!isInside(folder, project))
        return true;
    for (QString current = folder; current.size() > project.size(); current = current.left(current.lastIndexOf(u'/'))) {
        if (QFileInfo::exists(current + u"/.git"_s))
            return true;
        if (QFileInfo::exists(current + u"/HEAD"_s)
            && (QFileInfo::exists(current + u"/objects"_s) || QFileInfo::exists(current + u"/refs"_s)
                || QFileInfo::exists(current + u"/config"_s)))
            return true;
    }
    return false;
}

bool isOutput(const QString &op)
{
    return op == u">"_s || op == u">>"_s || op == u">|"_s || op == u"&>"_s || op == u"&>>"_s || op == u"<>"_s || op == u">&"_s;
}

} // namespace gatehouse::policy::detail
