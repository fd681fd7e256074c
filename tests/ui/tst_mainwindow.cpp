// SPDX-License-Identifier: GPL-3.0-or-later
// The main window of a project folder, in a real X window (Xvfb), over real git repositories.
#include "fileviewer.h"
#include "mainwindow.h"
#include "windowregistry.h"

#include "secrets/credentialstore.h"

#include "testenv.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace gatehouse;
using test::git;
using test::writeFile;

namespace {

QString labelText(ui::MainWindow *window, const char *name)
{
    auto *label = window->findChild<QLabel *>(QString::fromLatin1(name));
    return label ? label->text() : QStringLiteral("<no label %1>").arg(QString::fromLatin1(name));
}

QString makeRepository(const QString &folder, const QString &branch)
{
    QDir().mkpath(folder);
    git(folder, {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), branch});
    writeFile(folder + QStringLiteral("/main.cpp"), "int main() { return 0; }\n");
    writeFile(folder + QStringLiteral("/README.md"), "# Demo\n");
    git(folder, {QStringLiteral("add"), QStringLiteral(".")});
    git(folder, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("start")});
    return folder;
}

} // namespace

class TestMainWindow final : public QObject
{
    Q_OBJECT

private:
    secrets::CredentialStore m_credentials{QStringLiteral("dev.gatehouse.Test.") + QUuid::createUuid().toString(QUuid::Id128)};

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        QVERIFY(QGuiApplication::platformName() == QStringLiteral("xcb"));
    }

    void showsFolderBranchAndChanges()
    {
        QTemporaryDir dir;
        const QString repo = makeRepository(dir.filePath(QStringLiteral("project")), QStringLiteral("feature-x"));
        writeFile(repo + QStringLiteral("/main.cpp"), "int main() { return 1; }\n");
        writeFile(repo + QStringLiteral("/new.txt"), "new\n");

        ui::WindowRegistry registry(&m_credentials);
        registry.setAskForTrust(false);
        const auto opened = registry.openFolder(repo);
        QVERIFY(opened.has_value());
        ui::MainWindow *window = *opened;
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QVERIFY2(window->windowTitle().contains(repo), qPrintable(window->windowTitle()));
        QVERIFY(window->windowTitle().endsWith(QStringLiteral("Gatehouse")));

        QTRY_COMPARE_WITH_TIMEOUT(labelText(window, "branchLabel"), QStringLiteral("Branch feature-x"), 10000);
        QCOMPARE(labelText(window, "changesLabel"), QStringLiteral("1 modified, 1 untracked"));

        // The places that the chat, review and approval features fill are there and visible.
        for (const char *pane : {"chatPane", "reviewPane", "approvalPane"}) {
            auto *widget = window->findChild<QWidget *>(QString::fromLatin1(pane));
            QVERIFY2(widget, pane);
            QVERIFY2(widget->isVisible(), pane);
            QVERIFY2(widget->width() > 100 && widget->height() > 100, pane);
        }

        // A change made outside shows after a refresh (F5, or coming back to the window).
        git(repo, {QStringLiteral("add"), QStringLiteral(".")});
        QSignalSpy shown(window, &ui::MainWindow::statusShown);
        window->refreshStatus();
        QTRY_COMPARE_WITH_TIMEOUT(labelText(window, "changesLabel"), QStringLiteral("2 staged"), 10000);
    }

    void plainFolderSaysSo()
    {
        QTemporaryDir dir;
        ui::WindowRegistry registry(&m_credentials);
        registry.setAskForTrust(false);
        const auto opened = registry.openFolder(dir.path());
        QVERIFY(opened.has_value());
        QTRY_COMPARE_WITH_TIMEOUT(labelText(*opened, "branchLabel"), QStringLiteral("Not a git repository"), 10000);
        QVERIFY(labelText(*opened, "changesLabel").isEmpty());
    }

    void oneWindowPerFolder()
    {
        QTemporaryDir dir;
        const QString first = makeRepository(dir.filePath(QStringLiteral("one")), QStringLiteral("main"));
        const QString second = dir.filePath(QStringLiteral("two"));
        QDir().mkpath(second);
        QVERIFY(QFile::link(first, dir.filePath(QStringLiteral("link-to-one"))));

        ui::WindowRegistry registry(&m_credentials);
        registry.setAskForTrust(false);
        QSignalSpy openedSpy(&registry, &ui::WindowRegistry::windowOpened);
        auto *a = *registry.openFolder(first);
        QCOMPARE(*registry.openFolder(first + QStringLiteral("/.")), a);
        QCOMPARE(*registry.openFolder(first + QStringLiteral("/../one/")), a);
        QCOMPARE(*registry.openFolder(dir.filePath(QStringLiteral("link-to-one"))), a);
        auto *b = *registry.openFolder(second);
        QVERIFY(a != b);
        QCOMPARE(registry.windows().size(), 2);
        QCOMPARE(openedSpy.size(), 2);

        // Closing a window forgets it; opening the folder again makes a new one.
        QSignalSpy destroyed(b, &QObject::destroyed);
        b->close();
        QTRY_COMPARE(destroyed.size(), 1);
        QCOMPARE(registry.windows().size(), 1);
        QVERIFY(registry.windowFor(second) == nullptr);
        QVERIFY(registry.openFolder(second).has_value());
        QCOMPARE(registry.windows().size(), 2);
    }

    void refusesWhatIsNotAFolder()
    {
        QTemporaryDir dir;
        ui::WindowRegistry registry(&m_credentials);
        registry.setAskForTrust(false);
        const auto missing = registry.openFolder(dir.filePath(QStringLiteral("missing")));
        QVERIFY(!missing.has_value());
        QVERIFY(missing.error().message.contains(QStringLiteral("does not exist")));
        writeFile(dir.filePath(QStringLiteral("file.txt")), "x");
        const auto file = registry.openFolder(dir.filePath(QStringLiteral("file.txt")));
        QVERIFY(!file.has_value());
        QVERIFY(file.error().message.contains(QStringLiteral("not a folder")));
        QVERIFY(registry.windows().isEmpty());
    }

    void reviewAreaShowsAFileHighlighted()
    {
        QTemporaryDir dir;
        const QString repo = makeRepository(dir.filePath(QStringLiteral("p")), QStringLiteral("main"));
        ui::WindowRegistry registry(&m_credentials);
        registry.setAskForTrust(false);
        auto *window = *registry.openFolder(repo);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QVERIFY(window->showFile(QStringLiteral("main.cpp")));
        QCOMPARE(window->fileViewer()->definitionName(), QStringLiteral("C++"));
        QCOMPARE(window->fileViewer()->toPlainText(), QStringLiteral("int main() { return 0; }\n"));
        QVERIFY(window->fileViewer()->isVisible());
    }

    void changesText_data()
    {
        QTest::addColumn<int>("staged");
        QTest::addColumn<int>("modified");
        QTest::addColumn<int>("deleted");
        QTest::addColumn<int>("untracked");
        QTest::addColumn<int>("conflicted");
        QTest::addColumn<QString>("text");
        QTest::newRow("clean") << 0 << 0 << 0 << 0 << 0 << "No changes";
        QTest::newRow("one modified") << 0 << 1 << 0 << 0 << 0 << "1 modified";
        QTest::newRow("all kinds") << 3 << 2 << 1 << 4 << 1 << "1 conflicted, 3 staged, 2 modified, 1 deleted, 4 untracked";
    }

    void changesText()
    {
        QFETCH(int, staged);
        QFETCH(int, modified);
        QFETCH(int, deleted);
        QFETCH(int, untracked);
        QFETCH(int, conflicted);
        QFETCH(QString, text);
        const vcs::ChangeSummary summary{staged, modified, deleted, untracked, conflicted};
        QCOMPARE(ui::MainWindow::changesText(summary), text);
    }

    void branchText()
    {
        vcs::RepositoryStatus status;
        status.branch = QStringLiteral("main");
        QCOMPARE(ui::MainWindow::branchText(status), QStringLiteral("Branch main"));
        status.upstream = QStringLiteral("origin/main");
        QCOMPARE(ui::MainWindow::branchText(status), QStringLiteral("Branch main, up to date with origin/main"));
        status.ahead = 2;
        status.behind = 1;
        QCOMPARE(ui::MainWindow::branchText(status), QStringLiteral("Branch main, 2 ahead and 1 behind origin/main"));
        vcs::RepositoryStatus detached;
        detached.detached = true;
        detached.headShortId = QStringLiteral("abc1234");
        QCOMPARE(ui::MainWindow::branchText(detached), QStringLiteral("Detached HEAD at abc1234"));
        vcs::RepositoryStatus unborn;
        unborn.unborn = true;
        unborn.branch = QStringLiteral("trunk");
        QCOMPARE(ui::MainWindow::branchText(unborn), QStringLiteral("Branch trunk (no commits yet)"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
