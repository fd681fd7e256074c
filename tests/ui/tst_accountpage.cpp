// SPDX-License-Identifier: GPL-3.0-or-later
// The account page of the settings, driven like a person would (typing, clicking) against the
// real gnome-keyring of the harness; and with no keychain at all (GATEHOUSE_TEST_NO_KEYCHAIN).
#include "accountpage.h"
#include "settingsdialog.h"

#include "log/logging.h"
#include "secrets/credentialstore.h"

#include "testenv.h"

#include <QApplication>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace gatehouse;
using ui::AccountPage;
using secrets::CredentialStore;

namespace {

QString uniqueService() { return QStringLiteral("dev.gatehouse.Test.") + QUuid::createUuid().toString(QUuid::Id128); }

template<typename T>
T *child(QWidget *parent, const char *name)
{
    auto *found = parent->findChild<T *>(QString::fromLatin1(name));
    if (!found)
        QTest::qFail(name, __FILE__, __LINE__);
    return found;
}

// What the keychain holds under the API key entry of @p service, read through a second store.
QString storedKey(const QString &service, bool *found)
{
    CredentialStore reader(service);
    QSignalSpy read(&reader, &CredentialStore::readFinished);
    QSignalSpy missing(&reader, &CredentialStore::notFound);
    reader.read(CredentialStore::anthropicApiKey());
    if (!QTest::qWaitFor([&] { return read.size() + missing.size() > 0; }, 10000))
        QTest::qFail("the keychain did not answer", __FILE__, __LINE__);
    *found = !read.isEmpty();
    return read.isEmpty() ? QString() : read.first().at(1).toString();
}

} // namespace

class TestAccountPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        QVERIFY(CredentialStore::isKeychainAvailable());
        QVERIFY(log::initialize({.directory = test::scratchRoot() + QStringLiteral("/state/gatehouse/log"),
                                 .verbose = true}));
    }

    void storeReplaceAndRemoveTheKey()
    {
        CredentialStore store(uniqueService());
        ui::SettingsDialog dialog(&store);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        AccountPage *page = dialog.accountPage();
        QVERIFY(page->isVisible()); // the first page of the dialog
        QTRY_COMPARE_WITH_TIMEOUT(page->state(), AccountPage::State::NotStored, 10000);

        auto *edit = child<QLineEdit>(page, "keyEdit");
        auto *save = child<QPushButton>(page, "saveKey");
        auto *remove = child<QPushButton>(page, "removeKey");
        QCOMPARE(edit->echoMode(), QLineEdit::Password);
        QVERIFY(!save->isEnabled());
        QVERIFY(!remove->isEnabled());

        const QString first = QStringLiteral("sk-ant-first-") + QUuid::createUuid().toString(QUuid::Id128);
        QTest::keyClicks(edit, first);
        QVERIFY(save->isEnabled());
        QTest::mouseClick(save, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(page->state(), AccountPage::State::Stored, 10000);
        QVERIFY2(edit->text().isEmpty(), "the key must not stay in the field after saving");
        QVERIFY(remove->isEnabled());
        bool found = false;
        QCOMPARE(storedKey(store.service(), &found), first);
        QVERIFY(found);

        // Replace: type another key and press Enter.
        const QString second = QStringLiteral("sk-ant-second-") + QUuid::createUuid().toString(QUuid::Id128);
        QTest::keyClicks(edit, second);
        QTest::keyClick(edit, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(page->state(), AccountPage::State::Stored, 10000);
        QCOMPARE(storedKey(store.service(), &found), second);

        // A fresh page (the dialog opened again later) knows a key is stored, without showing it.
        AccountPage again(&store);
        QTRY_COMPARE_WITH_TIMEOUT(again.state(), AccountPage::State::Stored, 10000);
        QVERIFY(!again.statusText().contains(second));
        QVERIFY(child<QLineEdit>(&again, "keyEdit")->text().isEmpty());

        QTest::mouseClick(remove, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(page->state(), AccountPage::State::NotStored, 10000);
        storedKey(store.service(), &found);
        QVERIFY(!found);

        // Neither key is in any file under the home and XDG folders, log file included.
        log::logger("ui")->flush();
        QCOMPARE(test::filesContaining(test::scratchRoot(), first.toUtf8()), QStringList());
        QCOMPARE(test::filesContaining(test::scratchRoot(), second.toUtf8()), QStringList());
    }
};

class TestAccountPageNoKeychain final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void saysSoAndOffersNothingToStore()
    {
        CredentialStore store(uniqueService());
        AccountPage page(&store);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCOMPARE(page.state(), AccountPage::State::NoKeychain);
        QVERIFY2(page.statusText().contains(QStringLiteral("No keychain is available")), qPrintable(page.statusText()));
        QVERIFY(!child<QLineEdit>(&page, "keyEdit")->isEnabled());
        QVERIFY(!child<QPushButton>(&page, "saveKey")->isEnabled());
        QVERIFY(!child<QPushButton>(&page, "removeKey")->isEnabled());
        // Even a direct call does not try to store anything.
        QSignalSpy failed(&store, &CredentialStore::failed);
        page.saveKey();
        QTest::qWait(200);
        QCOMPARE(failed.size(), 0);
        QCOMPARE(page.state(), AccountPage::State::NoKeychain);
    }
};

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (qEnvironmentVariableIsSet("GATEHOUSE_TEST_NO_KEYCHAIN")) {
        TestAccountPageNoKeychain test;
        return QTest::qExec(&test, argc, argv);
    }
    TestAccountPage test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_accountpage.moc"
