// SPDX-License-Identifier: GPL-3.0-or-later
// The credential store against a real Secret Service (gnome-keyring on the harness's private
// D-Bus session), and with no session bus at all (GATEHOUSE_TEST_NO_KEYCHAIN, see CMakeLists).
#include "secrets/credentialstore.h"

#include "testenv.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using gatehouse::secrets::CredentialStore;
namespace test = gatehouse::test;

namespace {

// A service name of its own per run, so that runs never see each other's entries.
QString uniqueService() { return QStringLiteral("dev.gatehouse.Test.") + QUuid::createUuid().toString(QUuid::Id128); }

struct Spies
{
    explicit Spies(CredentialStore *store)
        : read(store, &CredentialStore::readFinished)
        , notFound(store, &CredentialStore::notFound)
        , written(store, &CredentialStore::writeFinished)
        , removed(store, &CredentialStore::removeFinished)
        , failed(store, &CredentialStore::failed)
    {
    }
    int total() const { return int(read.size() + notFound.size() + written.size() + removed.size() + failed.size()); }
    QSignalSpy read, notFound, written, removed, failed;
};

} // namespace

class TestCredentialStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        QVERIFY2(CredentialStore::isKeychainAvailable(),
                 "the harness must provide gnome-keyring as the Secret Service on a private D-Bus session");
    }

    void writeReadReplaceRemove()
    {
        CredentialStore store(uniqueService());
        Spies spy(&store);
        const QString key = CredentialStore::anthropicApiKey();
        const QString secret = QStringLiteral("sk-ant-test-") + QUuid::createUuid().toString(QUuid::Id128);

        store.read(key);
        QTRY_COMPARE_WITH_TIMEOUT(spy.total(), 1, 10000);
        QCOMPARE(spy.notFound.size(), 1);

        store.write(key, secret);
        QTRY_COMPARE_WITH_TIMEOUT(spy.written.size(), 1, 10000);
        store.read(key);
        QTRY_COMPARE_WITH_TIMEOUT(spy.read.size(), 1, 10000);
        QCOMPARE(spy.read.last().at(1).toString(), secret);

        const QString replacement = secret + QStringLiteral("-2");
        store.write(key, replacement);
        QTRY_COMPARE_WITH_TIMEOUT(spy.written.size(), 2, 10000);
        store.read(key);
        QTRY_COMPARE_WITH_TIMEOUT(spy.read.size(), 2, 10000);
        QCOMPARE(spy.read.last().at(1).toString(), replacement);

        // A second store (another run of the program) sees the same entry.
        CredentialStore other(store.service());
        QSignalSpy otherRead(&other, &CredentialStore::readFinished);
        other.read(key);
        QTRY_COMPARE_WITH_TIMEOUT(otherRead.size(), 1, 10000);
        QCOMPARE(otherRead.last().at(1).toString(), replacement);

        store.remove(key);
        QTRY_COMPARE_WITH_TIMEOUT(spy.removed.size(), 1, 10000);
        store.read(key);
        QTRY_COMPARE_WITH_TIMEOUT(spy.notFound.size(), 2, 10000);
        QCOMPARE(spy.failed.size(), 0);

        // The secret reached no file in the home or XDG folders in plain text (gnome-keyring
        // keeps its keyring encrypted).
        QCOMPARE(test::filesContaining(test::scratchRoot(), secret.toUtf8()), QStringList());
    }

    void entriesAreSeparatedByService()
    {
        CredentialStore first(uniqueService());
        CredentialStore second(uniqueService());
        QSignalSpy written(&first, &CredentialStore::writeFinished);
        QSignalSpy notFound(&second, &CredentialStore::notFound);
        first.write(QStringLiteral("token"), QStringLiteral("value-1"));
        QTRY_COMPARE_WITH_TIMEOUT(written.size(), 1, 10000);
        second.read(QStringLiteral("token"));
        QTRY_COMPARE_WITH_TIMEOUT(notFound.size(), 1, 10000);
    }

    void removingWhatIsNotThereSucceeds()
    {
        CredentialStore store(uniqueService());
        QSignalSpy removed(&store, &CredentialStore::removeFinished);
        QSignalSpy failed(&store, &CredentialStore::failed);
        store.remove(QStringLiteral("never-written"));
        QTRY_COMPARE_WITH_TIMEOUT(removed.size() + failed.size(), 1, 10000);
        QCOMPARE(removed.size(), 1);
    }
};

class TestNoKeychain final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        QVERIFY(qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS").contains(QStringLiteral("nonexistent")));
    }

    void saysSoAndStoresNothing()
    {
        QVERIFY(!CredentialStore::isKeychainAvailable());
        CredentialStore store(uniqueService());
        Spies spy(&store);
        const QByteArray secret = "sk-ant-nowhere-" + QUuid::createUuid().toByteArray(QUuid::Id128);
        store.write(CredentialStore::anthropicApiKey(), QString::fromLatin1(secret));
        QTRY_COMPARE_WITH_TIMEOUT(spy.total(), 1, 10000);
        QCOMPARE(spy.failed.size(), 1);
        const auto arguments = spy.failed.first();
        QCOMPARE(arguments.at(0).value<CredentialStore::Operation>(), CredentialStore::Operation::Write);
        QVERIFY2(arguments.at(3).toBool(), qPrintable(arguments.at(2).toString())); // noKeychain
        QCOMPARE(test::filesContaining(test::scratchRoot(), secret), QStringList());

        store.read(CredentialStore::anthropicApiKey());
        QTRY_COMPARE_WITH_TIMEOUT(spy.failed.size(), 2, 10000);
        QCOMPARE(spy.read.size(), 0);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet("GATEHOUSE_TEST_NO_KEYCHAIN")) {
        TestNoKeychain test;
        return QTest::qExec(&test, argc, argv);
    }
    TestCredentialStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_credentialstore.moc"
