// SPDX-License-Identifier: GPL-3.0-or-later
// The git state shown in the window, read with libgit2 from real repositories that the
// git command line made.
#include "vcs/repository.h"
#include "vcs/statuswatcher.h"

#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;
using test::git;
using test::writeFile;

namespace {

vcs::RepositoryStatus statusOf(const QString &path)
{
    const auto result = vcs::readStatus(path);
    if (!result) {
        QTest::qFail(qPrintable(result.error().message), __FILE__, __LINE__);
        return {};
    }
    if (!result->has_value()) {
        QTest::qFail("not a repository", __FILE__, __LINE__);
        return {};
    }
    return **result;
}

// A repository with one commit holding a.txt, b.txt and src/c.cpp.
QString committedRepository(const QTemporaryDir &dir)
{
    const QString repo = dir.path() + QStringLiteral("/repo");
    QDir().mkpath(repo);
    git(repo, {QStringLiteral("init"), QStringLiteral("-q")});
    writeFile(repo + QStringLiteral("/a.txt"), "alpha\n");
    writeFile(repo + QStringLiteral("/b.txt"), "beta\n");
    writeFile(repo + QStringLiteral("/src/c.cpp"), "int main() {}\n");
    git(repo, {QStringLiteral("add"), QStringLiteral(".")});
    git(repo, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("first")});
    return repo;
}

} // namespace

class TestRepository final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void plainFolderIsNotARepository()
    {
        QTemporaryDir dir;
        const auto result = vcs::readStatus(dir.path());
        QVERIFY(result.has_value());
        QVERIFY(!result->has_value());
    }

    void unbornBranch()
    {
        QTemporaryDir dir;
        git(dir.path(), {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("trunk")});
        writeFile(dir.path() + QStringLiteral("/new.txt"), "x");
        const auto status = statusOf(dir.path());
        QVERIFY(status.unborn);
        QCOMPARE(status.branch, QStringLiteral("trunk"));
        QVERIFY(status.headShortId.isEmpty());
        QCOMPARE(status.changes.untracked, 1);
    }

    void cleanAfterCommit()
    {
        QTemporaryDir dir;
        const QString repo = committedRepository(dir);
        const auto status = statusOf(repo);
        QCOMPARE(status.branch, QStringLiteral("main"));
        QVERIFY(!status.unborn);
        QVERIFY(!status.detached);
        QCOMPARE(status.headShortId, git(repo, {QStringLiteral("rev-parse"), QStringLiteral("--short=7"), QStringLiteral("HEAD")}));
        QVERIFY(status.changes.isClean());
        QCOMPARE(status.workDir, QDir(repo).canonicalPath());
        QVERIFY(status.upstream.isEmpty());
    }

    void countsEachKindOfChange()
    {
        QTemporaryDir dir;
        const QString repo = committedRepository(dir);
        writeFile(repo + QStringLiteral("/a.txt"), "alpha changed\n");              // modified
        QVERIFY(QFile::remove(repo + QStringLiteral("/b.txt")));                    // deleted
        writeFile(repo + QStringLiteral("/staged.txt"), "new\n");
        git(repo, {QStringLiteral("add"), QStringLiteral("staged.txt")});           // staged
        writeFile(repo + QStringLiteral("/src/c.cpp"), "int main() { return 1; }\n");
        git(repo, {QStringLiteral("add"), QStringLiteral("src/c.cpp")});            // staged
        writeFile(repo + QStringLiteral("/src/c.cpp"), "int main() { return 2; }\n"); // and modified again
        writeFile(repo + QStringLiteral("/notes.md"), "untracked\n");               // untracked
        writeFile(repo + QStringLiteral("/.gitignore"), "*.log\n");                 // untracked
        writeFile(repo + QStringLiteral("/debug.log"), "ignored\n");                // ignored: not counted

        const auto changes = statusOf(repo).changes;
        QCOMPARE(changes.staged, 2);
        QCOMPARE(changes.modified, 2);
        QCOMPARE(changes.deleted, 1);
        QCOMPARE(changes.untracked, 2);
        QCOMPARE(changes.conflicted, 0);
        QVERIFY(!changes.isClean());
    }

    void findsTheRepositoryFromASubfolder()
    {
        QTemporaryDir dir;
        const QString repo = committedRepository(dir);
        const auto status = statusOf(repo + QStringLiteral("/src"));
        QCOMPARE(status.workDir, QDir(repo).canonicalPath());
        QCOMPARE(status.branch, QStringLiteral("main"));
    }

    void detachedHead()
    {
        QTemporaryDir dir;
        const QString repo = committedRepository(dir);
        const QString id = git(repo, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        git(repo, {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("--detach"), id});
        const auto status = statusOf(repo);
        QVERIFY(status.detached);
        QVERIFY(status.branch.isEmpty());
        QCOMPARE(status.headShortId, id.left(7));
    }

    void aheadAndBehindUpstream()
    {
        QTemporaryDir dir;
        const QString origin = committedRepository(dir);
        const QString clone = dir.path() + QStringLiteral("/clone");
        git(dir.path(), {QStringLiteral("clone"), QStringLiteral("-q"), origin, clone});
        // one commit only in the clone, two only in origin
        writeFile(clone + QStringLiteral("/mine.txt"), "mine\n");
        git(clone, {QStringLiteral("add"), QStringLiteral(".")});
        git(clone, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("mine")});
        for (int i = 0; i < 2; ++i) {
            writeFile(origin + QStringLiteral("/theirs%1.txt").arg(i), "theirs\n");
            git(origin, {QStringLiteral("add"), QStringLiteral(".")});
            git(origin, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("theirs")});
        }
        git(clone, {QStringLiteral("fetch"), QStringLiteral("-q")});
        const auto status = statusOf(clone);
        QCOMPARE(status.upstream, QStringLiteral("origin/main"));
        QCOMPARE(status.ahead, 1);
        QCOMPARE(status.behind, 2);
    }

    void mergeConflict()
    {
        QTemporaryDir dir;
        const QString repo = committedRepository(dir);
        git(repo, {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("other")});
        writeFile(repo + QStringLiteral("/a.txt"), "other side\n");
        git(repo, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-am"), QStringLiteral("other")});
        git(repo, {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("main")});
        writeFile(repo + QStringLiteral("/a.txt"), "main side\n");
        git(repo, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-am"), QStringLiteral("main")});
        // The merge fails with a conflict; git exits 1, which is expected here.
        QProcess merge;
        merge.setWorkingDirectory(repo);
        merge.start(QStringLiteral("git"), {QStringLiteral("-c"), QStringLiteral("user.name=T"), QStringLiteral("-c"),
                                            QStringLiteral("user.email=t@e.invalid"), QStringLiteral("merge"),
                                            QStringLiteral("-q"), QStringLiteral("other")});
        QVERIFY(merge.waitForFinished());
        QCOMPARE(merge.exitCode(), 1);
        QCOMPARE(statusOf(repo).changes.conflicted, 1);
    }

    void brokenRepositoryIsAnError()
    {
        QTemporaryDir dir;
        writeFile(dir.path() + QStringLiteral("/.git/HEAD"), "garbage that is not a ref\n");
        QDir().mkpath(dir.path() + QStringLiteral("/.git/objects"));
        QDir().mkpath(dir.path() + QStringLiteral("/.git/refs"));
        const auto result = vcs::readStatus(dir.path());
        QVERIFY2(!result.has_value(), "a corrupt HEAD must not read as a normal repository");
        QVERIFY(!result.error().message.isEmpty());
    }

    void watcherReportsOnTheOwnersThread()
    {
        QTemporaryDir dir;
        const QString repo = committedRepository(dir);
        vcs::StatusWatcher watcher(repo);
        QSignalSpy read(&watcher, &vcs::StatusWatcher::statusRead);
        watcher.refresh();
        watcher.refresh(); // folded into one more read after the first
        QTRY_COMPARE_WITH_TIMEOUT(read.size(), 2, 10000);
        const auto status = read.first().first().value<vcs::RepositoryStatus>();
        QCOMPARE(status.branch, QStringLiteral("main"));

        QTemporaryDir plain;
        vcs::StatusWatcher none(plain.path());
        QSignalSpy notRepo(&none, &vcs::StatusWatcher::notARepository);
        none.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(notRepo.size(), 1, 10000);
    }
};

QTEST_GUILESS_MAIN(TestRepository)
#include "tst_repository.moc"
