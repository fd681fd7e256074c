// SPDX-License-Identifier: GPL-3.0-or-later
// `git diff` under a Read deny (SECURITY-MODEL.md section 4, step 6): without revisions it can
// print only paths of the index and of HEAD's tree, so it is allowed when none of them is
// denied; history (git log -p, git show, git diff REV) keeps asking. Real repositories.
#include "policy/engine.h"

#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse::policy;
using namespace Qt::StringLiterals;
namespace test = gatehouse::test;

namespace {

// A repository with a committed src/a.txt, and a Read deny on .env.
struct Repo
{
    QTemporaryDir dir;
    QString path() const { return dir.path(); }

    Repo()
    {
        test::git(path(), {u"init"_s, u"-q"_s});
        test::writeFile(dir.filePath(u"src/a.txt"_s), "a\n");
        test::git(path(), {u"add"_s, u"src/a.txt"_s});
        test::git(path(), {u"commit"_s, u"-q"_s, u"-m"_s, u"first"_s});
        test::writeFile(dir.filePath(u"src/a.txt"_s), "a changed\n");
        test::writeFile(dir.filePath(u".env"_s), "SECRET=1\n");
    }
    void git(const QStringList &arguments) { test::git(path(), arguments); }

    Engine engine(const QStringList &deny = {u"Read(.env)"_s}) const
    {
        PolicyOptions options;
        options.projectDir = path();
        options.homeDir = dir.filePath(u"home"_s);
        options.cliDeny = deny;
        return Engine(Policy::load(options));
    }
};

Verdict bash(const Engine &engine, const QString &command)
{
    return engine.decide(ToolCall{u"Bash"_s, QJsonObject{{u"command"_s, command}}}).verdict;
}

const QStringList diffsWithoutRevisions{u"git diff"_s, u"git diff --cached"_s, u"git diff --staged"_s,
                                        u"git diff -- src"_s, u"git diff --cached -- src/a.txt"_s,
                                        u"git diff --word-diff"_s, u"git --no-pager diff --cached"_s};
// History may hold a secret file removed since; an operand without "--" may be a revision.
const QStringList history{u"git log -p"_s, u"git show"_s, u"git diff HEAD~1"_s, u"git diff HEAD"_s,
                          u"git diff src"_s, u"git diff --cached HEAD -- src"_s, u"git diff -S -- HEAD"_s,
                          u"git diff --merge-base main"_s, u"git -C src diff"_s};

} // namespace

class TestGitDiff final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void untrackedDeniedFileAllowsDiff()
    {
        Repo repo;
        const Engine engine = repo.engine();
        for (const QString &command : diffsWithoutRevisions)
            QVERIFY2(bash(engine, command) == Verdict::Allow, qPrintable(command));
        for (const QString &command : history)
            QVERIFY2(bash(engine, command) != Verdict::Allow, qPrintable(command));
        // The deny rule still decides a direct read.
        QCOMPARE(bash(engine, u"cat .env"_s), Verdict::Deny);
    }

    void trackedDeniedFileAsks()
    {
        Repo repo;
        repo.git({u"add"_s, u".env"_s});
        repo.git({u"commit"_s, u"-q"_s, u"-m"_s, u"secret"_s});
        const Engine engine = repo.engine();
        for (const QString &command : diffsWithoutRevisions)
            QVERIFY2(bash(engine, command) == Verdict::Ask, qPrintable(command));
    }

    void stagedDeniedFileAsks()
    {
        Repo repo;
        repo.git({u"add"_s, u".env"_s});
        const Engine engine = repo.engine();
        QCOMPARE(bash(engine, u"git diff --cached"_s), Verdict::Ask);
        QCOMPARE(bash(engine, u"git diff"_s), Verdict::Ask); // the index holds it
    }

    // Committed once and removed since: the index and HEAD no longer hold it, history does.
    void removedDeniedFileAllowsDiffNotHistory()
    {
        Repo repo;
        repo.git({u"add"_s, u".env"_s});
        repo.git({u"commit"_s, u"-q"_s, u"-m"_s, u"secret"_s});
        repo.git({u"rm"_s, u"-q"_s, u"--cached"_s, u".env"_s});
        repo.git({u"commit"_s, u"-q"_s, u"-m"_s, u"oops"_s});
        const Engine engine = repo.engine();
        QCOMPARE(bash(engine, u"git diff"_s), Verdict::Allow);
        QCOMPARE(bash(engine, u"git diff --cached"_s), Verdict::Allow);
        QCOMPARE(bash(engine, u"git log -p"_s), Verdict::Ask);
        QCOMPARE(bash(engine, u"git show HEAD~1"_s), Verdict::Ask);
    }

    // The answer is cached per repository; staging or committing changes what it is kept for.
    void theCacheFollowsTheIndexAndHead()
    {
        Repo repo;
        const Engine engine = repo.engine();
        QCOMPARE(bash(engine, u"git diff --cached"_s), Verdict::Allow);
        repo.git({u"add"_s, u".env"_s});
        QCOMPARE(bash(engine, u"git diff --cached"_s), Verdict::Ask);
        repo.git({u"rm"_s, u"-q"_s, u"--cached"_s, u".env"_s});
        QCOMPARE(bash(engine, u"git diff --cached"_s), Verdict::Allow);
        // A commit made elsewhere (same index content, new HEAD) that holds the file.
        repo.git({u"add"_s, u".env"_s});
        repo.git({u"commit"_s, u"-q"_s, u"-m"_s, u"secret"_s});
        repo.git({u"rm"_s, u"-q"_s, u"--cached"_s, u".env"_s});
        QCOMPARE(bash(engine, u"git diff"_s), Verdict::Ask); // HEAD holds it
    }

    void deniedFolderCounts()
    {
        Repo repo;
        QCOMPARE(bash(repo.engine({u"Read(src/**)"_s}), u"git diff"_s), Verdict::Ask);
        QCOMPARE(bash(repo.engine({u"Read(docs/**)"_s}), u"git diff"_s), Verdict::Allow);
    }

    void sandboxDenyReadCounts_data()
    {
        QTest::addColumn<QString>("denied");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("a tracked file") << u"src/a.txt"_s << false;
        QTest::newRow("an untracked file") << u".env"_s << true;
    }
    void sandboxDenyReadCounts()
    {
        QFETCH(QString, denied);
        QFETCH(bool, allowed);
        Repo repo;
        const QString settings = repo.dir.filePath(u"home/settings.json"_s);
        const QJsonObject filesystem{{u"denyRead"_s, QJsonArray{QString(repo.path() + u'/' + denied)}}};
        test::writeFile(settings, QJsonDocument(QJsonObject{{u"sandbox"_s, QJsonObject{{u"filesystem"_s, filesystem}}}}).toJson());
        PolicyOptions options;
        options.projectDir = repo.path();
        options.homeDir = repo.dir.filePath(u"home"_s);
        options.cliSettingsFiles = {settings};
        const Engine engine{Policy::load(options)};
        QVERIFY2(engine.policy().errors().isEmpty(), qPrintable(engine.policy().errors().join(u'\n')));
        QCOMPARE(bash(engine, u"git diff"_s), allowed ? Verdict::Allow : Verdict::Ask);
    }

    void submodulesAsk()
    {
        Repo repo;
        const QString head = test::git(repo.path(), {u"rev-parse"_s, u"HEAD"_s}).trimmed();
        repo.git({u"update-index"_s, u"--add"_s, u"--cacheinfo"_s, u"160000,%1,vendor/lib"_s.arg(head)});
        QCOMPARE(bash(repo.engine(), u"git diff --cached"_s), Verdict::Ask);
    }

    void outsideARepositoryAsks()
    {
        QTemporaryDir dir;
        PolicyOptions options;
        options.projectDir = dir.path();
        options.cliDeny = {u"Read(.env)"_s};
        QCOMPARE(bash(Engine(Policy::load(options)), u"git diff"_s), Verdict::Ask);
    }

    void withoutAReadDenyDiffAndHistoryAreAllowed()
    {
        Repo repo;
        QCOMPARE(bash(repo.engine({}), u"git diff"_s), Verdict::Allow);
        QCOMPARE(bash(repo.engine({}), u"git log -p"_s), Verdict::Allow);
    }
};

QTEST_GUILESS_MAIN(TestGitDiff)
#include "tst_gitdiff.moc"
