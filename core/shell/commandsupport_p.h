// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers shared by the command knowledge of normalise.cpp, readonly.cpp and risks.cpp.

#include "shell/syntax.h"

#include <QSet>
#include <QString>

#include <initializer_list>

namespace gatehouse::shell::detail {

QSet<QString> setOf(std::initializer_list<const char16_t *> names);
/// "-x", "--long": not "-" alone.
bool isOption(const Word &word);
/// NAME=value with a valid shell name.
bool looksLikeAssignment(const QString &text);
/// The positional arguments (not options; all after "--"), skipping the values of the options
/// in @p withValue.
QList<Word> positional(const QList<Word> &args, const QSet<QString> &withValue = {});
/// Whether any of @p options is given (exactly, as --option=value, or with @p prefix as a prefix).
bool hasOption(const QList<Word> &args, std::initializer_list<const char16_t *> options, bool prefix = false);
/// Short options may come clustered ("-rn"): is @p letter among them?
bool hasShortFlag(const QList<Word> &args, QChar letter);
/// A sed script that only prints and edits the stream (no w/W/e/r/R, no s///w or s///e).
bool isSafeSedScript(const QString &script);
/// An awk program without system(), pipes, getline or output redirection.
bool isSafeAwkProgram(const QString &program);

} // namespace gatehouse::shell::detail
