// SPDX-License-Identifier: GPL-3.0-or-later
// `gatehouse run` with staged writes (SECURITY-MODEL.md section 6): what a command writes lands
// on the real folder only when it is safe, the rest is held; checked from outside, by the
// host's own git (whose hooks and configuration would run code the command left behind) and by
// proof files that only such code would make. The same program runs as app.runstaging (overlays)
// and app.runstagingfallback (GATEHOUSE_SANDBOX_STAGING=fallback: no overlays, protected paths
// read-only, a scan afterwards); where the two differ, the test says so.
#include "runsupport.h"
#include "testenv.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace test = gatehouse::test;

using test::contents;
using test::Run;
using test::shell;

using test::hostGit;

namespace {

void hostGitEverything(const QString &folder)
{
    hostGit(folder, {QStringLiteral("status")});
    hostGit(folder, {QStringLiteral("diff")});
    hostGit(folder, {QStringLiteral("add"), QStringLiteral("-A")});
    hostGit(folder, {QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("host commit")});
    hostGit(folder, {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("host-branch")});
    hostGit(folder, {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-")});
    hostGit(folder, {QStringLiteral("submodule"), QStringLiteral("status")});
}

} // namespace

class TestRunStaging final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_root;
    int m_serial = 0;

    // A fresh git project with one commit, and the path of a proof file outside it that only
    // code run on the host could make.
    QString newProject(QString *proof)
    {
        const QString project = m_root + QStringLiteral("/p%1").arg(++m_serial);
        QDir().mkpath(project);
        test::git(project, {QStringLiteral("init"), QStringLiteral("-q")});
        test::writeFile(project + QStringLiteral("/a.txt"), "hello\n");
        test::writeFile(project + QStringLiteral("/conf/secret.env"), "SECRET=hunter2\n");
        test::git(project, {QStringLiteral("add"), QStringLiteral("-A")});
        test::git(project, {QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("init")});
        *proof = m_root + QStringLiteral("/proof-%1").arg(m_serial);
        QFile::remove(*proof);
        return project;
    }

    // The script of a hook or a configured program: makes the proof file.
    static QString payload(const QString &proof) { return QStringLiteral("#!/bin/sh\\ntouch %1\\n").arg(proof); }

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        const QString runtime = test::scratchRoot() + QStringLiteral("/runtime-staging") + (test::stagingFallback() ? QStringLiteral("-fb") : QString());
        QVERIFY(QDir().mkpath(runtime));
        QVERIFY(QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime));
        m_root = QDir(m_dir.path()).canonicalPath();
    }

    // Family 1: git runs code the sandbox wrote. Each attempt is followed by the host's own git.
    void gitRunsNothingTheCommandWrote_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<bool>("overlayOnly"); // an attempt the fallback refuses at once (read-only mount)
        QTest::newRow("hook written directly") << QStringLiteral("printf '%PAYLOAD' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit") << false;
        QTest::newRow("fsmonitor in config") << QStringLiteral("git config core.fsmonitor 'touch %PROOF'") << false;
        QTest::newRow("hooksPath in config") << QStringLiteral("mkdir -p h && printf '%PAYLOAD' > h/pre-commit && chmod +x h/pre-commit && git config core.hooksPath h") << false;
        QTest::newRow("git folder renamed, copy with a hook")
            << QStringLiteral("mv .git .git-old; cp -r .git-old .git; printf '%PAYLOAD' > .git/hooks/post-checkout; "
                              "chmod +x .git/hooks/post-checkout; printf '%PAYLOAD' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit")
            << false;
        QTest::newRow("git folder replaced by a copy with config")
            << QStringLiteral("cp -r .git ../copy-%SERIAL 2>/dev/null; cp -r .git /tmp/g; rm -rf .git; cp -r /tmp/g .git; "
                              "git config core.fsmonitor 'touch %PROOF'")
            << false;
        QTest::newRow("commondir to a folder with config")
            << QStringLiteral("mkdir -p evil && cp -r .git/objects .git/refs .git/HEAD evil/ && printf '[core]\\n\\tfsmonitor = touch %PROOF\\n' > evil/config; "
                              "echo ../evil > .git/commondir")
            << false;
        QTest::newRow("config.worktree")
            << QStringLiteral("printf '[core]\\n\\tfsmonitor = touch %PROOF\\n' > .git/config.worktree; git config extensions.worktreeConfig true") << false;
        QTest::newRow("info/attributes and a filter")
            << QStringLiteral("mkdir -p .git/info; echo '* filter=x' > .git/info/attributes; git config filter.x.clean 'touch %PROOF; cat'") << false;
        QTest::newRow("new nested repository with a gitlink")
            << QStringLiteral("mkdir sub && cd sub && git init -q && git config core.fsmonitor 'touch %PROOF' && "
                              "printf '%PAYLOAD' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit && "
                              "git -c user.name=t -c user.email=t@e commit -q --allow-empty -m x && cd .. && git add sub")
            << true;
        QTest::newRow(".git file pointing elsewhere")
            << QStringLiteral("cp -r .git ../moved-%SERIAL 2>/dev/null; mkdir -p evil; cp -r .git/. evil/; "
                              "printf '[core]\\n\\tfsmonitor = touch %PROOF\\n' >> evil/config; rm -rf .git; echo 'gitdir: evil' > .git")
            << false;
        QTest::newRow("bare repository with hooks in the project")
            << QStringLiteral("git init -q --bare bare.git && printf '%PAYLOAD' > bare.git/hooks/pre-commit && chmod +x bare.git/hooks/pre-commit && "
                              "git config -f bare.git/config core.fsmonitor 'touch %PROOF'")
            << true;
        QTest::newRow("rebase to-do with exec")
            << QStringLiteral("mkdir -p .git/rebase-merge && printf 'exec touch %PROOF\\n' > .git/rebase-merge/git-rebase-todo && "
                              "git rev-parse HEAD > .git/rebase-merge/onto && git rev-parse HEAD > .git/rebase-merge/orig-head && "
                              "echo refs/heads/master > .git/rebase-merge/head-name && echo 1 > .git/rebase-merge/interactive")
            << true;
        QTest::newRow("pre-commit framework config")
            << QStringLiteral("printf 'repos:\\n- repo: local\\n  hooks:\\n  - id: x\\n    name: x\\n    entry: touch %PROOF\\n    language: system\\n' > .pre-commit-config.yaml")
            << false;
    }

    void gitRunsNothingTheCommandWrote()
    {
        QFETCH(QString, script);
        QFETCH(bool, overlayOnly);
        Q_UNUSED(overlayOnly);
        QString proof;
        const QString project = newProject(&proof);
        script.replace(QStringLiteral("%PAYLOAD"), payload(proof))
            .replace(QStringLiteral("%PROOF"), proof)
            .replace(QStringLiteral("%SERIAL"), QString::number(m_serial));
        const QByteArray configBefore = contents(project + QStringLiteral("/.git/config"));
        const Run run = shell(project, script);
        QVERIFY2(!QFile::exists(proof), "the command itself reached outside the sandbox");
        hostGitEverything(project);
        QVERIFY2(!QFile::exists(proof), qPrintable(QStringLiteral("the host's git ran code the command wrote; stderr: ") + run.err));
        QCOMPARE(contents(project + QStringLiteral("/.git/config")), configBefore);
        QVERIFY(QFileInfo(project + QStringLiteral("/.git")).isDir());
    }

    // Family 1: removing a folder removes the repositories and protected entries in it; that is
    // held as their own removal is.
    void removingAFolderThatHoldsARepositoryIsHeld_data()
    {
        QTest::addColumn<QString>("script");
        QTest::newRow("nested repository") << QStringLiteral("rm -rf vendor");
        QTest::newRow("protected entry deep down") << QStringLiteral("rm -rf tools");
        QTest::newRow("replaced by a new folder") << QStringLiteral("rm -rf vendor && mkdir vendor && echo new > vendor/a");
    }

    void removingAFolderThatHoldsARepositoryIsHeld()
    {
        QFETCH(QString, script);
        QString proof;
        const QString project = newProject(&proof);
        QDir().mkpath(project + QStringLiteral("/vendor/lib"));
        test::git(project + QStringLiteral("/vendor/lib"), {QStringLiteral("init"), QStringLiteral("-q")});
        test::writeFile(project + QStringLiteral("/tools/deep/.envrc"), "export X=1\n");
        const Run run = shell(project, script);
        QVERIFY2(QFileInfo(project + QStringLiteral("/vendor/lib/.git")).isDir(), qPrintable(run.err));
        QVERIFY2(QFileInfo::exists(project + QStringLiteral("/tools/deep/.envrc")), qPrintable(run.err));
    }

    // Family 1: an existing submodule's .git file pointed at a copied module folder.
    void submoduleGitFileCannotBeRepointed()
    {
        QString proof;
        const QString other = newProject(&proof);
        const QString project = newProject(&proof);
        test::git(project, {QStringLiteral("-c"), QStringLiteral("protocol.file.allow=always"), QStringLiteral("submodule"),
                            QStringLiteral("add"), QStringLiteral("-q"), other, QStringLiteral("lib")});
        test::git(project, {QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("submodule")});
        const QByteArray gitFile = contents(project + QStringLiteral("/lib/.git"));
        const Run run = shell(project, QStringLiteral("cp -r .git/modules/lib .git/modules/evil && "
                                                      "git config -f .git/modules/evil/config core.fsmonitor 'touch %1' && "
                                                      "printf '%2' > .git/modules/lib/hooks/post-checkout; "
                                                      "echo 'gitdir: ../.git/modules/evil' > lib/.git")
                                           .arg(proof, payload(proof)));
        hostGitEverything(project);
        hostGit(project + QStringLiteral("/lib"), {QStringLiteral("status")});
        QVERIFY2(!QFile::exists(proof), qPrintable(run.err));
        QCOMPARE(contents(project + QStringLiteral("/lib/.git")), gitFile);
    }

    // Family 1: hook managers' folders inside the project (husky, lefthook, a plain hooks folder).
    void hookManagersFoldersAreHeld_data()
    {
        QTest::addColumn<QString>("hooksPath");
        QTest::addColumn<QString>("file");
        QTest::newRow("husky") << QStringLiteral(".husky/_") << QStringLiteral(".husky/pre-commit");
        QTest::newRow("husky's own runner") << QStringLiteral(".husky/_") << QStringLiteral(".husky/_/pre-commit");
        QTest::newRow("plain folder, hook") << QStringLiteral("tools/hooks") << QStringLiteral("tools/hooks/pre-commit");
        QTest::newRow("plain folder, helper") << QStringLiteral("tools/hooks") << QStringLiteral("tools/hooks/common.sh");
        QTest::newRow("lefthook") << QStringLiteral(".lefthook") << QStringLiteral("lefthook.yml");
        QTest::newRow("hook name elsewhere") << QStringLiteral("tools/hooks") << QStringLiteral("scripts/pre-commit");
    }

    void hookManagersFoldersAreHeld()
    {
        QFETCH(QString, hooksPath);
        QFETCH(QString, file);
        QString proof;
        const QString project = newProject(&proof);
        test::writeFile(project + u'/' + hooksPath + QStringLiteral("/pre-commit"), "#!/bin/sh\n. \"$(dirname \"$0\")/common.sh\"\n");
        QFile::setPermissions(project + u'/' + hooksPath + QStringLiteral("/pre-commit"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        test::writeFile(project + u'/' + hooksPath + QStringLiteral("/common.sh"), "true\n");
        test::git(project, {QStringLiteral("config"), QStringLiteral("core.hooksPath"), hooksPath});
        const QByteArray before = contents(project + u'/' + file);
        const Run run = shell(project, QStringLiteral("mkdir -p \"$(dirname %1)\"; printf '%2' > %1; chmod +x %1").arg(file, payload(proof)));
        QCOMPARE(contents(project + u'/' + file), before);
        if (!test::stagingFallback())
            QVERIFY2(run.err.contains(QStringLiteral("held: ") + project + u'/' + file), qPrintable(run.err));
        hostGitEverything(project);
        QVERIFY(!QFile::exists(proof));
    }

    // Family 2: protected names at any depth, one list for the engine and the sandbox.
    void protectedNamesAtAnyDepthAreHeld_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("existing");
        for (const char *path : {"bash/.bashrc", "sub/.vscode/tasks.json", "sub/.envrc", "pkg/.npmrc", "sub/.gatehouse/settings.json",
                                 ".zlogin", ".zlogout", ".bash_logout", ".kshrc", ".cshrc", ".tcshrc", ".inputrc", "x/.pnpmfile.mjs",
                                 "deep/er/.yarnrc.yml", "sub/.mcp.json", "sub/.claude/settings.json", "a/.idea/workspace.xml",
                                 ".ripgreprc", "sub/.gitmodules", "sub/.gitconfig"}) {
            QTest::newRow(path) << QString::fromLatin1(path) << false;
            QTest::newRow(qPrintable(QStringLiteral("existing ") + QLatin1StringView(path))) << QString::fromLatin1(path) << true;
        }
    }

    void protectedNamesAtAnyDepthAreHeld()
    {
        QFETCH(QString, path);
        QFETCH(bool, existing);
        QString proof;
        const QString project = newProject(&proof);
        if (existing)
            test::writeFile(project + u'/' + path, "original\n");
        const QByteArray before = contents(project + u'/' + path);
        const Run run = shell(project, QStringLiteral("mkdir -p \"$(dirname '%1')\"; echo 'touch %2' >> '%1'; "
                                                      "mv '%1' '%1.moved' && echo evil > '%1'")
                                           .arg(path, proof));
        QCOMPARE(contents(project + u'/' + path), before);
        if (!test::stagingFallback()) // the fallback refuses the writes at once (read-only mounts)
            QVERIFY2(run.err.contains(QStringLiteral("held: ") + project + u'/'), qPrintable(run.err));
    }

    // Family 2: one list. Every protected name that `gatehouse rules` shows is asked about by the
    // engine for a file tool's write and held by the sandbox for a command's, below the top too.
    void theEngineAndTheSandboxProtectTheSameNames()
    {
        QString proof;
        const QString project = newProject(&proof);
        QProcess rules;
        rules.setWorkingDirectory(project);
        rules.start(QStringLiteral(GATEHOUSE_BINARY), {QStringLiteral("rules"), QStringLiteral("--project"), project});
        QVERIFY(rules.waitForFinished(30000));
        const QString shown = QString::fromUtf8(rules.readAllStandardOutput());
        const QString line = shown.section(QStringLiteral("Protected names"), 1).section(u'\n', 1, 1).trimmed();
        QStringList names = line.split(u' ', Qt::SkipEmptyParts);
        QVERIFY2(names.size() > 30 && names.contains(QStringLiteral(".git/")) && names.contains(QStringLiteral(".zlogout")),
                 qPrintable(shown));
        QByteArray calls;
        QString script;
        QStringList paths;
        for (QString name : std::as_const(names)) {
            name.remove(u'*').remove(u'/');
            if (name == QStringLiteral(".yarnrc"))
                name = QStringLiteral(".yarnrc.custom"); // the family
            const QString path = QStringLiteral("deep/%1/%2").arg(paths.size()).arg(name);
            paths << path;
            calls += "{\"tool\": \"Write\", \"input\": {\"file_path\": \"" + path.toUtf8() + "\", \"content\": \"x\"}}\n";
            script += QStringLiteral("mkdir -p deep/%1 && echo x > %2; ").arg(paths.size() - 1).arg(path);
        }
        QProcess check;
        check.setWorkingDirectory(project);
        check.start(QStringLiteral(GATEHOUSE_BINARY), {QStringLiteral("check"), QStringLiteral("--project"), project,
                                                       QStringLiteral("--mode"), QStringLiteral("acceptEdits"),
                                                       QStringLiteral("--assume-trusted")});
        check.write(calls);
        check.closeWriteChannel();
        QVERIFY(check.waitForFinished(30000));
        const QList<QByteArray> decisions = check.readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(decisions.size(), paths.size());
        for (qsizetype i = 0; i < paths.size(); ++i)
            QVERIFY2(!decisions[i].contains("\"decision\":\"allow\""), qPrintable(paths[i] + u' ' + QString::fromUtf8(decisions[i])));
        const Run run = shell(project, script);
        for (const QString &path : std::as_const(paths)) {
            QVERIFY2(!QFileInfo::exists(project + u'/' + path), qPrintable(path));
            if (!test::stagingFallback()) {
                const QString folder = project + u'/' + path.section(u'/', 0, 1);
                const QString entry = project + u'/' + path;
                QVERIFY2(run.err.contains(QStringLiteral("held: ") + entry) || run.err.contains(QStringLiteral("held: ") + folder + u'/'),
                         qPrintable(path + u'\n' + run.err));
            }
        }
    }

    // Family 6: a denied read is not defeated by renaming its parent, in one run or two.
    void deniedReadSurvivesRenames_data()
    {
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("second");
        QTest::newRow("parent renamed") << QStringLiteral("mv conf conf2") << QStringLiteral("cat conf2/secret.env");
        QTest::newRow("file renamed") << QStringLiteral("mv conf/secret.env conf/open.env") << QStringLiteral("cat conf/open.env");
        QTest::newRow("parent copied and removed") << QStringLiteral("cp -r conf c2; rm -rf conf") << QStringLiteral("cat c2/secret.env conf/secret.env");
        QTest::newRow("hard link") << QStringLiteral("ln conf/secret.env hard") << QStringLiteral("cat hard");
        QTest::newRow("grandparent renamed") << QStringLiteral("mkdir -p up && mv conf up/ ; mv up up2") << QStringLiteral("cat up2/conf/secret.env up/conf/secret.env");
        QTest::newRow("removed then recreated") << QStringLiteral("rm -rf conf; mkdir conf; echo new > conf/secret.env") << QStringLiteral("cat conf/secret.env");
    }

    void deniedReadSurvivesRenames()
    {
        QFETCH(QString, first);
        QFETCH(QString, second);
        QString proof;
        const QString project = newProject(&proof);
        const QStringList deny{QStringLiteral("--deny-read"), project + QStringLiteral("/conf/secret.env")};
        shell(project, first, deny);
        const Run run = shell(project, second, deny);
        QVERIFY2(!run.out.contains(QStringLiteral("hunter2")), qPrintable(run.out));
        // And the file is where it was, as it was.
        QCOMPARE(contents(project + QStringLiteral("/conf/secret.env")), QByteArray("SECRET=hunter2\n"));
        QVERIFY(test::filesContaining(project, "hunter2") == QStringList{project + QStringLiteral("/conf/secret.env")});
    }

    // Family 7: nothing the project holds can make every later run fail.
    void theProjectCannotBreakTheSandbox_data()
    {
        QTest::addColumn<QString>("script");
        QTest::newRow("link at git's exclude") << QStringLiteral("rm -f .git/info/exclude; ln -s /nonexistent .git/info/exclude");
        QTest::newRow("link at git's info") << QStringLiteral("rm -rf .git/info; ln -s /nonexistent .git/info");
        QTest::newRow("link at .mcp.json") << QStringLiteral("ln -s /nonexistent .mcp.json");
        QTest::newRow("link at .vscode") << QStringLiteral("ln -s /etc .vscode");
        QTest::newRow("link at .git/hooks") << QStringLiteral("rm -rf .git/hooks; ln -s /tmp .git/hooks");
        QTest::newRow("file at .gatehouse") << QStringLiteral("echo x > .gatehouse");
        QTest::newRow("fifo at a protected name") << QStringLiteral("mkfifo .envrc");
        QTest::newRow("deep link at a protected name") << QStringLiteral("mkdir -p s && ln -s /nonexistent s/.envrc");
    }

    void theProjectCannotBreakTheSandbox()
    {
        QFETCH(QString, script);
        QString proof;
        const QString project = newProject(&proof);
        shell(project, script);
        const Run next = shell(project, QStringLiteral("echo still works"));
        QCOMPARE(next.exitCode, 0);
        QCOMPARE(next.out, QStringLiteral("still works\n"));
    }

    // Landing: exactly what changed, each entry in place, the replaced content kept.
    void landsExactlyWhatChanged()
    {
        QString proof;
        const QString project = newProject(&proof);
        test::writeFile(project + QStringLiteral("/old/dir/x.txt"), "x\n");
        test::writeFile(project + QStringLiteral("/keep.txt"), "keep\n");
        test::writeFile(project + QStringLiteral("/mode.sh"), "echo\n");
        const Run run = shell(project, QStringLiteral(
            "echo changed > a.txt && echo new > new.txt && rm -rf old && chmod +x mode.sh && mkdir -p made/deeper && "
            "echo d > made/deeper/f && ln -s a.txt link-in && cat keep.txt > /dev/null && sed -i s/keep/keep/ keep.txt"));
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(contents(project + QStringLiteral("/a.txt")), QByteArray("changed\n"));
        QCOMPARE(contents(project + QStringLiteral("/new.txt")), QByteArray("new\n"));
        QVERIFY(!QFileInfo::exists(project + QStringLiteral("/old")));
        QVERIFY(QFileInfo(project + QStringLiteral("/mode.sh")).isExecutable());
        QCOMPARE(contents(project + QStringLiteral("/made/deeper/f")), QByteArray("d\n"));
        QCOMPARE(QFileInfo(project + QStringLiteral("/link-in")).symLinkTarget(), project + QStringLiteral("/a.txt"));
        QCOMPARE(contents(project + QStringLiteral("/keep.txt")), QByteArray("keep\n"));
        if (test::stagingFallback())
            return; // the fallback writes in place: there is no checkpoint
        // What was replaced or removed is in the checkpoint, listed in its manifest.
        const QString checkpoints = qEnvironmentVariable("XDG_DATA_HOME") + QStringLiteral("/gatehouse/checkpoints");
        QStringList manifests;
        QDirIterator it(checkpoints, {QStringLiteral("manifest.jsonl")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            manifests << it.next();
        bool found = false;
        for (const QString &manifest : std::as_const(manifests)) {
            const QByteArray text = contents(manifest);
            if (text.contains(QFile::encodeName(project + QStringLiteral("/a.txt"))) && text.contains(QFile::encodeName(project + QStringLiteral("/old")))) {
                found = true;
                QVERIFY(contents(QFileInfo(manifest).path() + QStringLiteral("/files/1/a.txt")) == "hello\n");
                QVERIFY(contents(QFileInfo(manifest).path() + QStringLiteral("/files/1/old/dir/x.txt")) == "x\n");
                QVERIFY(!text.contains("keep.txt")); // rewritten unchanged: not a change
            }
        }
        QVERIFY2(found, qPrintable(manifests.join(u' ')));
    }

    void heldChangesLandWhenAsked()
    {
        QString proof;
        const QString project = newProject(&proof);
        const Run run = shell(project, QStringLiteral("mkdir -p sub/.vscode && echo '{}' > sub/.vscode/settings.json && ln -s /etc/hostname out"),
                              {QStringLiteral("--land-held")});
        QVERIFY2(run.err.contains(QStringLiteral("2 held change(s) landed")), qPrintable(run.err));
        QCOMPARE(contents(project + QStringLiteral("/sub/.vscode/settings.json")), QByteArray("{}\n"));
        QCOMPARE(QFileInfo(project + QStringLiteral("/out")).symLinkTarget(), QStringLiteral("/etc/hostname"));
    }

    void aChangeMadeOutsideMeanwhileIsAConflict()
    {
        QString proof;
        const QString project = newProject(&proof);
        QProcess run;
        run.setWorkingDirectory(project);
        run.start(QStringLiteral(GATEHOUSE_BINARY), {QStringLiteral("run"), QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                                                     QStringLiteral("echo sandbox > a.txt; echo started; read answer")});
        // The command has written a.txt (in its overlay); the person now edits it on the host.
        QVERIFY(run.waitForStarted());
        QByteArray out;
        QVERIFY(QTest::qWaitFor([&] { return (out += run.readAllStandardOutput()).contains("started") || run.state() != QProcess::Running; }, 30000));
        test::writeFile(project + QStringLiteral("/a.txt"), "person\n");
        run.write("go\n");
        run.closeWriteChannel();
        QVERIFY(run.waitForFinished(30000));
        const QString err = QString::fromUtf8(run.readAllStandardError());
        // The person's version stays, in both modes.
        QCOMPARE(contents(project + QStringLiteral("/a.txt")), QByteArray("person\n"));
        if (test::stagingFallback()) {
            QVERIFY2(!err.contains(QStringLiteral("conflict:")), qPrintable(err)); // written in place: nothing to land
            return;
        }
        QVERIFY2(err.contains(QStringLiteral("conflict: ") + project + QStringLiteral("/a.txt")), qPrintable(err));
        // The command's version is kept where the message says.
        const QString kept = err.section(QStringLiteral("is kept at "), 1).section(u'\n', 0, 0);
        QCOMPARE(contents(kept), QByteArray("sandbox\n"));
    }

    void writesBeforeATimeoutLand()
    {
        QString proof;
        const QString project = newProject(&proof);
        const Run run = shell(project, QStringLiteral("echo partial > partial.txt; sleep 30"), {QStringLiteral("--timeout"), QStringLiteral("1")});
        QCOMPARE(run.exitCode, 124);
        QCOMPARE(contents(project + QStringLiteral("/partial.txt")), QByteArray("partial\n"));
    }

    // Everyday git work still works inside, and lands.
    void everydayGitWorks()
    {
        QString proof;
        const QString project = newProject(&proof);
        const Run run = shell(project, QStringLiteral(
            "set -e; git config --global --get user.name >/dev/null 2>&1 || export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@e GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@e; "
            "base=$(git rev-parse --abbrev-ref HEAD); "
            "git checkout -q -b feature; echo one > one.txt; git add one.txt; git commit -qm one; "
            "echo two >> a.txt; git stash -q; git stash pop -q; git commit -qam two; "
            "git checkout -q $base; echo three > three.txt; git add three.txt; git commit -qm three; "
            "git checkout -q feature; git rebase -q $base; git log --oneline | wc -l"));
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(run.out.trimmed(), QStringLiteral("4"));
        QCOMPARE(test::git(project, {QStringLiteral("rev-parse"), QStringLiteral("--abbrev-ref"), QStringLiteral("HEAD")}).trimmed(),
                 QStringLiteral("feature"));
        QCOMPARE(test::git(project, {QStringLiteral("log"), QStringLiteral("--oneline")}).trimmed().split(u'\n').size(), 4);
        QVERIFY(test::git(project, {QStringLiteral("status"), QStringLiteral("--porcelain")}).isEmpty());
        QVERIFY(test::git(project, {QStringLiteral("fsck"), QStringLiteral("--no-progress"), QStringLiteral("--no-dangling")}).isEmpty());
        if (!test::stagingFallback())
            QVERIFY2(!run.err.contains(QStringLiteral("held:")), qPrintable(run.err));
    }

    void aBuildWritingThousandsOfFilesLands()
    {
        QString proof;
        const QString project = newProject(&proof);
        const Run run = shell(project, QStringLiteral(
            "mkdir -p build/obj src && for i in $(seq 1 3000); do echo $i > build/obj/f$i.o; done; "
            "for i in $(seq 1 200); do echo $i > src/s$i.c; done; "
            "printf 'int main(void){return 3;}' > main.c && cc main.c -o build/main && ./build/main; echo $?"));
        QVERIFY2(run.out.endsWith(QStringLiteral("3\n")), qPrintable(run.out + run.err));
        QCOMPARE(QDir(project + QStringLiteral("/build/obj")).entryList(QDir::Files).size(), 3000);
        QCOMPARE(QDir(project + QStringLiteral("/src")).entryList(QDir::Files).size(), 200);
        QCOMPARE(contents(project + QStringLiteral("/build/obj/f1234.o")), QByteArray("1234\n"));
        QVERIFY(QFileInfo(project + QStringLiteral("/build/main")).isExecutable());
    }

    void stagingFoldersAreHiddenAndGone()
    {
        QString proof;
        const QString project = newProject(&proof);
        const QString staging = qEnvironmentVariable("XDG_CACHE_HOME") + QStringLiteral("/gatehouse/staging");
        const Run run = shell(project, QStringLiteral("ls -A '%1' | wc -l").arg(staging));
        QCOMPARE(run.out.trimmed(), QStringLiteral("0"));
        if (!test::stagingFallback())
            QVERIFY(QDir(staging).entryList(QDir::Dirs | QDir::NoDotAndDotDot).filter(QStringLiteral("probe")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRunStaging)
#include "tst_runstaging.moc"
