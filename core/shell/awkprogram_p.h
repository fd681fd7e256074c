// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reading an awk program the way awk's lexer does (strings, regular expressions, comments,
// operators), so that "NR>1", "$3 > 1000" and "/a|b/" stay read-only while "print > FILE",
// "print | CMD", system(), getline from a file or a command, ENVIRON and changes to ARGV are
// seen wherever they are. Not a public header.

#include <QString>
#include <QStringList>

namespace gatehouse::shell::detail {

struct AwkProgram
{
    /// It runs commands or writes files: system(), a pipe (print | CMD, CMD | getline, |&), an
    /// output redirection other than to /dev/stdout or /dev/stderr, gawk's @include, @load,
    /// @namespace and indirect calls.
    bool runsOrWrites = false;
    /// Why it is not read-only (runsOrWrites, or it reads what cannot be checked: the
    /// environment, a file named at run time, ARGV changed at run time, SYMTAB), for a person.
    QString problem;
    /// Files it reads that the program names with a constant string: getline < "FILE",
    /// ARGV[n] = "FILE".
    QStringList files;
};

AwkProgram readAwkProgram(const QString &program);

} // namespace gatehouse::shell::detail
