// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLocale>
#include <QStringList>

namespace gatehouse::ui {

/// Installs Gatehouse's own translation and Qt's for @p locale on the running application. Returns the
/// languages loaded (e.g. {"de"}); English, the source language, needs none. Calling it again
/// replaces the earlier translators.
QStringList installTranslations(const QLocale &locale = QLocale());

/// The languages Gatehouse ships a translation for, besides English.
QStringList availableLanguages();

} // namespace gatehouse::ui
