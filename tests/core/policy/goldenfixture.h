// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The fixtures of the golden policy cases (tst_policygolden.cpp): a folder holding a home with a
// project in it, settings of each layer, files, folders, links and optionally a git repository;
// and the differential check that runs a case's command in real bash inside a fresh copy of its
// fixture, to show that what the case is about really happens.

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace gatehouse::test::golden {

/// Replaces $ROOT, $HOME and $PROJECT in every string of @p value.
QJsonValue substitute(const QJsonValue &value, const QString &root);

/// A fixture path: "~/x" below home, "/x" below the root folder, else below the project.
QString fixturePath(const QString &root, const QString &path);

/// Writes @p fixture (already substituted) below @p root: settings files, "files", "dirs",
/// "symlinks", and with "repository": true a git repository in the project holding one commit
/// of every project file. Returns an error, or an empty string.
QString writeFixture(const QString &root, const QJsonObject &fixture);

/// Runs @p command with bash in a fresh copy of @p fixture (the raw fixture object, before
/// substitution): the project is the working folder, the fixture's home is HOME, only the copy
/// is writable and there is no network (bubblewrap). @p effect says what must happen:
/// {"reads": PATH} (the file's fixture content appears in the output), {"writes": PATH} (its
/// content changes), {"creates": PATH}, {"removes": PATH}; PATH in fixture notation. Returns
/// why the effect did not happen (the case then proves nothing), or an empty string.
QString checkInBash(const QJsonObject &fixture, const QString &command, const QJsonObject &effect);

} // namespace gatehouse::test::golden
