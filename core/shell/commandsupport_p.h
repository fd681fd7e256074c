// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers shared by the command knowledge of normalise.cpp, readonly.cpp and risks.cpp.

#include "shell/syntax.h"

#include <QSet>
#include <QString>
#include <QStringList>

#include <initializer_list>

namespace gatehouse::shell::detail {

QSet<QString> setOf(std::initializer_list<const char16_t *> names);
/// "-x", "--long": not "-" alone.
bool isOption(const Word &word);
/// NAME=value with a valid shell name.
bool looksLikeAssignment(const QString &text);

/// Non-empty and only ASCII digits (a Unicode digit is no number to bash).
bool isAsciiNumber(QStringView text);
/// The positional arguments (not options; all after "--"), skipping the values of the options
/// in @p withValue.
QList<Word> positional(const QList<Word> &args, const QSet<QString> &withValue = {});
/// Whether any of @p options is given (exactly, as --option=value, or with @p prefix as a prefix).
bool hasOption(const QList<Word> &args, std::initializer_list<const char16_t *> options, bool prefix = false);
/// Short options may come clustered ("-rn"): is @p letter among them?
bool hasShortFlag(const QList<Word> &args, QChar letter);
/// A sed script that only prints and edits the stream (no w/W/e/r/R, no s///w or s///e).
bool isSafeSedScript(const QString &script);
/// A sed script as GNU sed reads it: whether it only prints, edits the stream and reads other
/// files with r/R, and the files those name.
struct SedScript
{
    bool safe = false;  ///< no w/W/e/v, no s///w or s///e, nothing unknown, and it ends
    QStringList reads;  ///< the files of r and R
};
SedScript readSedScript(const QString &script);
/// An awk program without system(), pipes, getline, output redirection or gawk's @include/@load.
bool isSafeAwkProgram(const QString &program);

/// How a sed command line is read: its scripts (the -e/--expression values, else the first
/// operand) and the files it reads, or why it cannot be checked.
struct SedUse
{
    QList<Word> scripts;
    QList<Word> files;
    bool inPlace = false;   ///< -i/--in-place (however abbreviated): it edits the files
    bool scriptFromFile = false; ///< -f/--file: a script this cannot see
    QList<Word> scriptFiles;     ///< the files of -f/--file (read by sed, so checked like its files)
    QString problem;        ///< an unknown option, a script from a file (-f/--file): for a person
};
SedUse sedUse(const QList<Word> &args);

/// How an awk command line is read: its program (the first operand) and the files it reads, or
/// why it cannot be checked (a program from a file, -W, options that write or load code).
struct AwkUse
{
    Word program;
    bool hasProgram = false;
    bool unchecked = false; ///< a program it runs is not on the command line (-f, -e, -W exec...)
    QList<Word> files;
    QString problem;
};
AwkUse awkUse(const QList<Word> &args);

} // namespace gatehouse::shell::detail
