// SPDX-License-Identifier: GPL-3.0-or-later
// The German translation is loaded by locale and reaches the window; other locales fall back
// to English. (That every string is translated is checked by tests/check-translations.sh.)
#include "i18n.h"
#include "mainwindow.h"

#include "secrets/credentialstore.h"

#include "testenv.h"

#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;

namespace {

QStringList menuTitles(QMainWindow &window)
{
    QStringList titles;
    const auto actions = window.menuBar()->actions();
    for (const QAction *action : actions)
        titles << action->text();
    return titles;
}

} // namespace

class TestTranslations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }
    void cleanup() { ui::installTranslations(QLocale(QLocale::English)); }

    void shipsGerman() { QVERIFY(ui::availableLanguages().contains(QStringLiteral("de"))); }

    void loadsGermanByLocale_data()
    {
        QTest::addColumn<QString>("locale");
        QTest::newRow("Germany") << "de_DE";
        QTest::newRow("Austria") << "de_AT";
        QTest::newRow("Switzerland") << "de_CH";
    }

    void loadsGermanByLocale()
    {
        QFETCH(QString, locale);
        QCOMPARE(ui::installTranslations(QLocale(locale)), QStringList{QStringLiteral("de")});

        QTemporaryDir dir;
        secrets::CredentialStore credentials(QStringLiteral("dev.gatehouse.Test.i18n"));
        ui::MainWindow window(dir.path(), &credentials);
        QCOMPARE(menuTitles(window), (QStringList{QStringLiteral("&Datei"), QStringLiteral("&Einstellungen"),
                                                  QStringLiteral("&Hilfe")}));
        QVERIFY(window.windowTitle().endsWith(QStringLiteral("— Gatehouse")));
        QTRY_COMPARE_WITH_TIMEOUT(window.findChild<QLabel *>(QStringLiteral("branchLabel"))->text(),
                                  QStringLiteral("Kein Git-Repository"), 10000);
        // Plural forms come from the translation too.
        vcs::ChangeSummary one;
        one.modified = 1;
        vcs::ChangeSummary three;
        three.modified = 3;
        QCOMPARE(ui::MainWindow::changesText(one), QStringLiteral("1 geändert"));
        QCOMPARE(ui::MainWindow::changesText(three), QStringLiteral("3 geändert"));
        // Qt's own strings are German as well (standard dialog buttons).
        QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("Abbrechen"));
    }

    void otherLocalesStayEnglish_data()
    {
        QTest::addColumn<QString>("locale");
        QTest::newRow("English") << "en_GB";
        QTest::newRow("Japanese (no translation yet)") << "ja_JP";
    }

    void otherLocalesStayEnglish()
    {
        QFETCH(QString, locale);
        ui::installTranslations(QLocale(QStringLiteral("de_DE")));
        QCOMPARE(ui::installTranslations(QLocale(locale)), QStringList());
        QTemporaryDir dir;
        secrets::CredentialStore credentials(QStringLiteral("dev.gatehouse.Test.i18n"));
        ui::MainWindow window(dir.path(), &credentials);
        QCOMPARE(menuTitles(window), (QStringList{QStringLiteral("&File"), QStringLiteral("&Settings"),
                                                  QStringLiteral("&Help")}));
    }
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
