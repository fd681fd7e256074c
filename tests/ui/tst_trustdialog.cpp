// SPDX-License-Identifier: GPL-3.0-or-later
// The trust dialog, answered as a person would: it lists what the folder's configuration grants,
// and Trust, Open Restricted and Cancel do what they say (SECURITY-MODEL.md section 3).
#include "mainwindow.h"
#include "trustdialog.h"
#include "windowregistry.h"

#include "common/paths.h"
#include "secrets/credentialstore.h"
#include "trust/truststore.h"

#include "testenv.h"

#include <QApplication>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace gatehouse;

namespace {

// Answers the next trust dialog by clicking @p button; records what it listed.
void answerNextDialog(const char *button, QStringList *listed)
{
    QTimer::singleShot(0, [button, listed] {
        QTRY_VERIFY(QApplication::activeModalWidget() != nullptr);
        auto *dialog = qobject_cast<ui::TrustDialog *>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        for (int i = 0; i < dialog->grantList()->count(); ++i)
            *listed << dialog->grantList()->item(i)->text();
        auto *target = dialog->findChild<QPushButton *>(QString::fromLatin1(button));
        QVERIFY(target);
        QTest::mouseClick(target, Qt::LeftButton);
    });
}

QString trustLabel(ui::MainWindow *window) { return window->findChild<QLabel *>(QStringLiteral("trustLabel"))->text(); }

} // namespace

class TestTrustDialog final : public QObject
{
    Q_OBJECT

private:
    secrets::CredentialStore m_credentials{QStringLiteral("dev.gatehouse.Test.trust")};

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void trustIsAskedOnceAndAgainWhenGrantsChange()
    {
        QTemporaryDir project;
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")),
                        R"j({"permissions": {"allow": ["Bash(make)"], "deny": ["Bash(curl *)"]}})j");
        QStringList listed;
        {
            ui::WindowRegistry registry(&m_credentials);
            answerNextDialog("trustButton", &listed);
            const auto window = registry.openFolder(project.path());
            QVERIFY(window.has_value());
            QVERIFY((*window)->isTrusted());
            QCOMPARE(trustLabel(*window), QStringLiteral("Trusted"));
        }
        QCOMPARE(listed.size(), 1);
        QVERIFY(listed.first().contains(QStringLiteral("Bash(make)")));
        QVERIFY(trust::TrustStore(paths::configDir()).isTrusted(project.path(), trust::readGrants(project.path()).hash));

        // Opened again: no dialog (a dialog here would block the test until its timeout).
        {
            ui::WindowRegistry registry(&m_credentials);
            const auto window = registry.openFolder(project.path());
            QVERIFY(window.has_value());
            QVERIFY((*window)->isTrusted());
        }

        // The repository adds an MCP server: asked again; this time opened restricted.
        test::writeFile(project.filePath(QStringLiteral(".mcp.json")), R"j({"mcpServers": {"x": {"command": "x-server"}}})j");
        listed.clear();
        {
            ui::WindowRegistry registry(&m_credentials);
            answerNextDialog("restrictedButton", &listed);
            const auto window = registry.openFolder(project.path());
            QVERIFY(window.has_value());
            QVERIFY(!(*window)->isTrusted());
            QCOMPARE(trustLabel(*window), QStringLiteral("Restricted"));
        }
        QCOMPARE(listed.size(), 2);
        QVERIFY(listed.join(u'\n').contains(QStringLiteral("x-server")));
        QVERIFY(!trust::TrustStore(paths::configDir()).isTrusted(project.path(), trust::readGrants(project.path()).hash));
    }

    void cancelOpensNothing()
    {
        QTemporaryDir project;
        QStringList listed;
        ui::WindowRegistry registry(&m_credentials);
        answerNextDialog("cancelButton", &listed);
        const auto window = registry.openFolder(project.path());
        QVERIFY(!window.has_value());
        QVERIFY(window.error().message.contains(QStringLiteral("cancelled")));
        QVERIFY(registry.windows().isEmpty());
        QVERIFY(listed.isEmpty()); // an empty folder grants nothing
    }

    void brokenConfigurationOpensRestrictedWithoutAsking()
    {
        QTemporaryDir project;
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")), "{ broken");
        ui::WindowRegistry registry(&m_credentials);
        const auto window = registry.openFolder(project.path());
        QVERIFY(window.has_value());
        QVERIFY(!(*window)->isTrusted());
        QVERIFY(trustLabel(*window).contains(QStringLiteral("errors")));
    }

    void settingsProblemsAreShown()
    {
        QTemporaryDir project;
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")),
                        "{\"permissions\": {\"deny\": [\"Fetch(x)\"]}, \"colour\": 1}");
        ui::WindowRegistry registry(&m_credentials);
        registry.setAskForTrust(false);
        auto *window = *registry.openFolder(project.path());
        auto *label = window->findChild<QLabel *>(QStringLiteral("settingsLabel"));
        QVERIFY(label && !label->isHidden());
        QCOMPARE(label->text(), QStringLiteral("2 settings warning(s)"));
        QVERIFY(label->toolTip().contains(QStringLiteral("unknown tool")));
        QVERIFY(label->toolTip().contains(QStringLiteral("colour")));

        QTemporaryDir clean;
        auto *other = *registry.openFolder(clean.path());
        QVERIFY(other->findChild<QLabel *>(QStringLiteral("settingsLabel"))->isHidden());

        QTemporaryDir broken;
        test::writeFile(broken.filePath(QStringLiteral(".gatehouse/settings.local.json")), "{\n  nope\n}");
        auto *third = *registry.openFolder(broken.path());
        auto *errorLabel = third->findChild<QLabel *>(QStringLiteral("settingsLabel"));
        QVERIFY(errorLabel->text().startsWith(QStringLiteral("Settings error")));
        QVERIFY(errorLabel->toolTip().contains(QStringLiteral("settings.local.json:2:")));
    }

    void restrictedWithoutAsking()
    {
        QTemporaryDir project;
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")), R"j({"permissions": {"allow": ["Bash"]}})j");
        ui::WindowRegistry registry(&m_credentials);
        registry.setAskForTrust(false);
        const auto window = registry.openFolder(project.path());
        QVERIFY(window.has_value());
        QVERIFY(!(*window)->isTrusted());
    }
};

QTEST_MAIN(TestTrustDialog)
#include "tst_trustdialog.moc"
