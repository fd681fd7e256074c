// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

/// What every Gatehouse test shares: the check that it runs in the isolated environment of
/// tests/harness.sh, and small helpers for fixtures.
namespace gatehouse::test {

/// Aborts the test program unless HOME and the XDG folders point into the harness's temporary
/// folder, so that no test ever reads or writes the real home, keychain or display.
void requireIsolatedEnvironment();

/// The harness's temporary folder for this run.
QString scratchRoot();

/// Runs git with @p arguments in @p folder (a fixed identity, no user or system config) and
/// returns its standard output; fails the test (QTest) on a non-zero exit.
QString git(const QString &folder, const QStringList &arguments);

/// Writes @p content to @p path, making folders as needed.
void writeFile(const QString &path, const QByteArray &content);

/// Every file below @p folder whose bytes contain @p needle (for "the secret is nowhere" checks).
QStringList filesContaining(const QString &folder, const QByteArray &needle);

/// For a test program run as a command (in a sandbox, say): prints one line "N TARGET" for each
/// descriptor the process holds (the one that reads /proc/self/fd left out) and returns 0, or
/// says why it cannot and returns 1. Plain C library calls: it may run before QCoreApplication.
int printDescriptors();

/// The descriptor numbers in what printDescriptors() printed, in its order.
QStringList descriptorNumbers(const QString &listing);

} // namespace gatehouse::test
