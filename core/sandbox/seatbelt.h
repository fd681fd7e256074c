// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandbox/sandboxspec.h"

#include <QString>

namespace gatehouse::sandbox {

/// The macOS sandbox-exec (Seatbelt) profile for @p spec: deny by default; the system readable
/// except the denied paths; writes only in the writable folders and the private temporary folder,
/// never onto protected entries (which the profile names by path, so that they cannot be created
/// either) nor unlinking their parents (so that a rename cannot carry them away); network only to
/// the proxy on @p proxyPort of localhost (none when 0).
///
/// Generated and tested as text here; it is not exercised on macOS by CI (README says so).
QString seatbeltProfile(const SandboxSpec &spec, const QString &temporaryFolder, quint16 proxyPort);

/// A string literal of the profile language ("..." with \ and " escaped).
QString seatbeltString(const QString &text);
/// A regular expression that matches @p path literally.
QString seatbeltRegexLiteral(const QString &path);

} // namespace gatehouse::sandbox
