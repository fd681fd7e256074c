// SPDX-License-Identifier: GPL-3.0-or-later
#include "i18n.h"

#include "log/logging.h"
#include "log/qtformat.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QTranslator>

#include <memory>
#include <vector>

namespace gatehouse::ui {
namespace {

std::vector<std::unique_ptr<QTranslator>> &installed()
{
    static std::vector<std::unique_ptr<QTranslator>> translators;
    return translators;
}

} // namespace

QStringList availableLanguages()
{
    QStringList languages;
    const QStringList files = QDir(QStringLiteral(":/i18n")).entryList({QStringLiteral("gatehouse_*.qm")});
    for (const QString &file : files)
        languages << file.mid(10, file.size() - 13); // "gatehouse_" ... ".qm"
    return languages;
}

QStringList installTranslations(const QLocale &locale)
{
    for (auto &translator : installed())
        QCoreApplication::removeTranslator(translator.get());
    installed().clear();

    QStringList loaded;
    auto own = std::make_unique<QTranslator>();
    // QTranslator::load(locale, ...) walks the locale's UI languages (de_AT -> de) for us.
    if (own->load(locale, QStringLiteral("gatehouse"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        loaded << QLocale(own->language()).name().section(u'_', 0, 0);
        QCoreApplication::installTranslator(own.get());
        installed().push_back(std::move(own));

        // Qt's own strings (standard buttons, context menus), when the system has them.
        auto qt = std::make_unique<QTranslator>();
        if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                     QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
            QCoreApplication::installTranslator(qt.get());
            installed().push_back(std::move(qt));
        }
    }
    log::logger("ui")->debug("locale {}: translations loaded: {}", locale.name(),
                             loaded.isEmpty() ? QStringLiteral("none") : loaded.join(u','));
    return loaded;
}

} // namespace gatehouse::ui
