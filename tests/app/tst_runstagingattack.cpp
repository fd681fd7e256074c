// SPDX-License-Identifier: GPL-3.0-or-later
// A second attack on staged writes (SECURITY-MODEL.md section 6): ways a sandboxed command got
// code to run on the host later, or broke landing, that the first escape suite
// (tst_runstaging.cpp) did not try. Each is checked from outside: the host's own git, proof files
// that only code run on the host makes, what is on the host afterwards. The same program runs as
// app.runstagingattack (overlays) and app.runstagingattackfallback
// (GATEHOUSE_SANDBOX_STAGING=fallback); where the two differ, the test says so.
#include "runsupport.h"
#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <dirent.h>
#include <sys/stat.h>

namespace test = gatehouse::test;

using test::contents;
using test::Run;
using test::shell;

using test::hostGit;

namespace {

// The names in @p folder whose bytes are not valid UTF-8.
QList<QByteArray> undecodableNames(const QString &folder)
{
    QList<QByteArray> names;
    DIR *dir = ::opendir(QFile::encodeName(folder).constData());
    if (!dir)
        return names;
    while (const dirent *entry = ::readdir(dir)) {
        const QByteArray name(entry->d_name);
        if (QString::fromUtf8(name).toUtf8() != name)
            names << name;
    }
    ::closedir(dir);
    return names;
}

} // namespace

class TestRunStagingAttack final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_root;
    int m_serial = 0;

    // A fresh git project with two commits, and a proof file outside it that only code run on the
    // host could make.
    QString newProject(QString *proof)
    {
        const QString project = m_root + QStringLiteral("/p%1").arg(++m_serial);
        QDir().mkpath(project);
        test::git(project, {QStringLiteral("init"), QStringLiteral("-q")});
        test::writeFile(project + QStringLiteral("/a.txt"), "hello\n");
        test::git(project, {QStringLiteral("add"), QStringLiteral("-A")});
        test::git(project, {QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("init")});
        test::git(project, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("--allow-empty"), QStringLiteral("-m"),
                            QStringLiteral("two")});
        *proof = m_root + QStringLiteral("/proof-%1").arg(m_serial);
        QFile::remove(*proof);
        return project;
    }

    static QString fill(QString script, const QString &proof)
    {
        return script.replace(QStringLiteral("%PROOF"), proof);
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        const QString runtime = test::scratchRoot() + QStringLiteral("/runtime-staging-attack")
                                + (test::stagingFallback() ? QStringLiteral("-fb") : QString());
        QVERIFY(QDir().mkpath(runtime));
        QVERIFY(QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime));
        m_root = QDir(m_dir.path()).canonicalPath();
    }

    // A rebase or cherry-pick left in progress runs its `exec` lines and its merge strategy when
    // the person continues it. The check must see the whole to-do list and read the options as
    // git does (keys in any case, a key on the section's line).
    void sequencerStateRunsNothingOnContinue_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("notOnHost");
        const QString rebase = QStringLiteral(
            "mkdir -p .git/rebase-merge && git rev-parse HEAD > .git/rebase-merge/onto && git rev-parse HEAD > .git/rebase-merge/orig-head && "
            "echo refs/heads/master > .git/rebase-merge/head-name && echo 1 > .git/rebase-merge/interactive && ");
        QTest::newRow("exec after 5 MB of comments")
            << rebase + QStringLiteral("{ yes '# padding padding padding padding padding padding padding' | head -c 5000000; echo; "
                                       "echo 'exec touch %PROOF'; } > .git/rebase-merge/git-rebase-todo")
            << QStringLiteral(".git/rebase-merge/git-rebase-todo");
        QTest::newRow("exec on a line of its own after a long line")
            << rebase + QStringLiteral("{ head -c 5000000 /dev/zero | tr '\\0' x; echo; echo 'x touch %PROOF'; } > .git/rebase-merge/git-rebase-todo")
            << QStringLiteral(".git/rebase-merge/git-rebase-todo");
        QTest::newRow("cherry-pick options, key in capitals")
            << QStringLiteral("mkdir -p .git/sequencer && printf '[options]\\n\\tSTRATEGY = evil\\n' > .git/sequencer/opts")
            << QStringLiteral(".git/sequencer/opts");
        QTest::newRow("cherry-pick options, key on the section's line")
            << QStringLiteral("mkdir -p .git/sequencer && printf '[options] strategy = evil\\n' > .git/sequencer/opts")
            << QStringLiteral(".git/sequencer/opts");
        QTest::newRow("apply backend's strategy")
            << QStringLiteral("mkdir -p .git/rebase-apply && echo evil > .git/rebase-apply/strategy")
            << QStringLiteral(".git/rebase-apply/strategy");
    }

    void sequencerStateRunsNothingOnContinue()
    {
        QFETCH(QString, script);
        QFETCH(QString, notOnHost);
        QString proof;
        const QString project = newProject(&proof);
        const Run run = shell(project, fill(script, proof));
        QVERIFY2(!QFile::exists(proof), "the command itself reached outside the sandbox");
        hostGit(project, {QStringLiteral("status")});
        hostGit(project, {QStringLiteral("rebase"), QStringLiteral("--continue")});
        hostGit(project, {QStringLiteral("cherry-pick"), QStringLiteral("--continue")});
        QVERIFY2(!QFile::exists(proof), qPrintable(QStringLiteral("the host's git ran code the command wrote; stderr: ") + run.err));
        QVERIFY2(!QFileInfo::exists(project + u'/' + notOnHost), qPrintable(run.err));
    }

    // A link whose target climbs with `..` after a folder that is itself a link leads where that
    // link points, not where the name suggests: out of the project.
    void linksDoNotLeadOutThroughLinkedFolders_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("link");
        QTest::newRow("up through a link to the project")
            << QStringLiteral("mkdir sub && ln -s .. sub/up && ln -s sub/up/.. out") << QStringLiteral("out");
        QTest::newRow("two levels up") << QStringLiteral("mkdir sub && ln -s .. sub/up && ln -s sub/up/../.. out") << QStringLiteral("out");
        QTest::newRow("absolute, through the link")
            << QStringLiteral("mkdir sub && ln -s .. sub/up && ln -s \"$PWD/sub/up/..\" out") << QStringLiteral("out");
        QTest::newRow("in a new folder")
            << QStringLiteral("mkdir -p d/e && ln -s ../.. d/e/up && ln -s e/up/.. d/out") << QStringLiteral("d/out");
        QTest::newRow("through a chain of links")
            << QStringLiteral("mkdir sub && ln -s .. sub/up && ln -s sub/up hop && ln -s hop/.. out") << QStringLiteral("out");
    }

    void linksDoNotLeadOutThroughLinkedFolders()
    {
        QFETCH(QString, script);
        QFETCH(QString, link);
        QString proof;
        const QString project = newProject(&proof);
        const Run run = shell(project, script);
        QFileInfo landed(project + u'/' + link);
        if (landed.isSymLink()) {
            const QString target = landed.canonicalFilePath();
            QVERIFY2(target.isEmpty() || target == project || target.startsWith(project + u'/'),
                     qPrintable(QStringLiteral("%1 leads to %2; stderr: %3").arg(link, target, run.err)));
        }
        // Everyday relative links still land.
        const Run everyday = shell(project, QStringLiteral("mkdir -p node_modules/.bin node_modules/pkg/bin && echo x > node_modules/pkg/bin/tool "
                                                           "&& ln -s ../pkg/bin/tool node_modules/.bin/tool"));
        QCOMPARE(contents(project + QStringLiteral("/node_modules/.bin/tool")), QByteArray("x\n"));
        QVERIFY2(!everyday.err.contains(QStringLiteral("held:")), qPrintable(everyday.err));
    }

    // A name that is not valid UTF-8 neither blocks landing the rest nor hides what is below it.
    void undecodableNamesNeitherBlockNorHide()
    {
        QString proof;
        const QString project = newProject(&proof);
        const Run run = shell(project, QStringLiteral("echo ok > ok.txt; echo x > \"$(printf 'bad\\377')\"; "
                                                      "mkdir \"$(printf 'dir\\376')\" && echo y > \"$(printf 'dir\\376')/f\""));
        QCOMPARE(contents(project + QStringLiteral("/ok.txt")), QByteArray("ok\n"));
        QVERIFY2(undecodableNames(project).isEmpty(), qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("not valid UTF-8")), qPrintable(run.err));
    }

    void undecodableNamesDoNotHideARepository()
    {
        QString proof;
        const QString project = newProject(&proof);
        const Run run = shell(project, fill(QStringLiteral(
            "d=$(printf 'd\\377'); mkdir \"$d\" && cd \"$d\" && git init -q && git -c user.name=t -c user.email=t@e commit -q --allow-empty -m x "
            "&& git config core.fsmonitor 'touch %PROOF' && cd .. && git add \"$d\""), proof));
        hostGit(project, {QStringLiteral("status")});
        hostGit(project, {QStringLiteral("submodule"), QStringLiteral("status")});
        QVERIFY2(!QFile::exists(proof), qPrintable(run.err));
    }

    // A folder prepared in one run under an innocent name and renamed into a protected place in the
    // next keeps its entries' change times: the fallback's scan must still see it.
    void foldersRenamedIntoProtectedPlacesAreHeld()
    {
        QString proof;
        const QString project = newProject(&proof);
        shell(project, QStringLiteral("mkdir -p prep && echo '{\"version\":\"2.0.0\"}' > prep/tasks.json"));
        QCOMPARE(contents(project + QStringLiteral("/prep/tasks.json")), QByteArray("{\"version\":\"2.0.0\"}\n"));
        const Run run = shell(project, QStringLiteral("mkdir -p sub && mv prep sub/.vscode"));
        QVERIFY2(!QFileInfo::exists(project + QStringLiteral("/sub/.vscode")), qPrintable(run.err));
    }

    void aRepositoryRenamedIntoPlaceRunsNothing()
    {
        QString proof;
        const QString project = newProject(&proof);
        // Run 1: a repository with a hostile configuration, its refs under another name so that
        // it does not look like one.
        shell(project, fill(QStringLiteral(
            "git init -q /tmp/r && cd /tmp/r && git -c user.name=t -c user.email=t@e commit -q --allow-empty -m x && "
            "git config core.fsmonitor 'touch %PROOF' && cd - >/dev/null && cp -r /tmp/r/.git prep && mv prep/refs prep/refs-x"), proof));
        // Run 2: renamed into place, and recorded in the index as a submodule.
        const Run run = shell(project, QStringLiteral("mv prep/refs-x prep/refs; mkdir -p sub && mv prep sub/.git && git add sub"));
        hostGit(project, {QStringLiteral("status")});
        hostGit(project + QStringLiteral("/sub"), {QStringLiteral("status")});
        QVERIFY2(!QFile::exists(proof), qPrintable(run.err));
        QVERIFY(!QFileInfo::exists(project + QStringLiteral("/sub/.git/config")));
    }

    // With overlays, what makes a folder a repository is held where the folder was not one: the
    // configuration an earlier run left there would become git's.
    void completingARepositoryIsHeld()
    {
        QString proof;
        const QString project = newProject(&proof);
        shell(project, fill(QStringLiteral("mkdir -p prep/objects prep/refs-x && echo 'ref: refs/heads/master' > prep/HEAD && "
                                           "printf '[core]\\n\\tfsmonitor = touch %PROOF\\n' > prep/config"), proof));
        QVERIFY(QFileInfo::exists(project + QStringLiteral("/prep/config")));
        const Run run = shell(project, QStringLiteral("mkdir prep/refs"));
        if (!test::stagingFallback()) // the fallback writes in place and cannot tell what the folder was before
            QVERIFY2(!QFileInfo::exists(project + QStringLiteral("/prep/refs")), qPrintable(run.err));
        hostGit(project, {QStringLiteral("status")});
        QVERIFY(!QFile::exists(proof));
    }

    // A repository inside the project runs hooks from its own core.hooksPath: the helper a hook
    // there sources is as good as the hook.
    void aNestedRepositorysHooksFolderIsHeld()
    {
        QString proof;
        const QString project = newProject(&proof);
        const QString nested = project + QStringLiteral("/vendor/lib");
        QDir().mkpath(nested);
        test::git(nested, {QStringLiteral("init"), QStringLiteral("-q")});
        test::writeFile(nested + QStringLiteral("/tools/hooks/pre-commit"), "#!/bin/sh\n. \"$(dirname \"$0\")/common.sh\"\n");
        QFile::setPermissions(nested + QStringLiteral("/tools/hooks/pre-commit"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        test::writeFile(nested + QStringLiteral("/tools/hooks/common.sh"), "true\n");
        test::git(nested, {QStringLiteral("config"), QStringLiteral("core.hooksPath"), QStringLiteral("tools/hooks")});
        const Run run = shell(project, fill(QStringLiteral("echo 'touch %PROOF' > vendor/lib/tools/hooks/common.sh"), proof));
        QCOMPARE(contents(nested + QStringLiteral("/tools/hooks/common.sh")), QByteArray("true\n"));
        hostGit(nested, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("--allow-empty"), QStringLiteral("-m"), QStringLiteral("x")});
        QVERIFY2(!QFile::exists(proof), qPrintable(run.err));
    }

    // Set-user and set-group bits do not reach the host, also inside a new folder that lands whole.
    void setIdBitsDoNotLand()
    {
        QString proof;
        const QString project = newProject(&proof);
        const Run run = shell(project, QStringLiteral("cp /bin/true a.bin && chmod 6755 a.bin && mkdir -p bin/deep && cp /bin/true bin/deep/x "
                                                      "&& chmod 4755 bin/deep/x && chmod 2755 bin/deep; ls -l a.bin bin/deep/x"));
        for (const char *path : {"/a.bin", "/bin/deep/x", "/bin/deep"}) {
            const QFileInfo landed(project + QLatin1StringView(path));
            QVERIFY2(landed.exists(), qPrintable(run.out + run.err));
            struct stat info {};
            QVERIFY(::lstat(QFile::encodeName(landed.filePath()).constData(), &info) == 0);
            QVERIFY2(!(info.st_mode & (S_ISUID | S_ISGID)), path);
        }
    }

    // The fallback's scan skips git's object store, only a `.git`'s own: a folder merely named
    // like a repository could hide a new one.
    void aFolderNamedLikeARepositoryHidesNothing()
    {
        QString proof;
        const QString project = newProject(&proof);
        const Run run = shell(project, fill(QStringLiteral(
            "mkdir -p foo.git/objects/x && cd foo.git/objects/x && git init -q && "
            "git -c user.name=t -c user.email=t@e commit -q --allow-empty -m x && git config core.fsmonitor 'touch %PROOF' && "
            "cd ../../.. && git add foo.git/objects/x"), proof));
        hostGit(project, {QStringLiteral("status")});
        hostGit(project, {QStringLiteral("submodule"), QStringLiteral("status")});
        QVERIFY2(!QFile::exists(proof), qPrintable(run.err));
    }

    // Files that other programs run or source, beyond git: yarn's own release and plugins, the
    // files an .envrc sources, Mercurial's repository, editors' and agents' project settings.
    void otherProgramsStartUpFilesAreHeld_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("existing");
        for (const char *path : {".yarn/releases/yarn-4.1.0.cjs", "web/.yarn/plugins/@yarnpkg/plugin-x.cjs", ".envrc.local",
                                 "sub/.envrc.private", ".hg/hgrc", "sub/.cursor/mcp.json", ".zed/settings.json", ".bash_aliases",
                                 "dotfiles/.nvim.lua", ".exrc"}) {
            QTest::newRow(path) << QString::fromLatin1(path) << false;
            QTest::newRow(qPrintable(QStringLiteral("existing ") + QLatin1StringView(path))) << QString::fromLatin1(path) << true;
        }
    }

    void otherProgramsStartUpFilesAreHeld()
    {
        QFETCH(QString, path);
        QFETCH(bool, existing);
        QString proof;
        const QString project = newProject(&proof);
        if (existing)
            test::writeFile(project + u'/' + path, "original\n");
        const QByteArray before = contents(project + u'/' + path);
        const Run run = shell(project, fill(QStringLiteral("mkdir -p \"$(dirname '%1')\"; echo 'touch %PROOF' > '%1'").arg(path), proof));
        QCOMPARE(contents(project + u'/' + path), before);
        if (!test::stagingFallback())
            QVERIFY2(run.err.contains(QStringLiteral("held: ") + project + u'/'), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestRunStagingAttack)
#include "tst_runstagingattack.moc"
