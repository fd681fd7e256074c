// SPDX-License-Identifier: GPL-3.0-or-later
// `gatehouse run` and the home folder (SECURITY-MODEL.md section 6, "Home"): the command sees an
// empty home with read-only what toolchains need, so no credential store is readable whether or
// not a list knows it. Each secret is planted in the test's home, proven readable outside (so the
// test can fail) and unreadable inside; what toolchains need still works.
#include "runsupport.h"
#include "testenv.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace test = gatehouse::test;

using test::contents;
using test::Run;
using test::sandboxed;
using test::shell;

namespace {

QString home() { return QDir::homePath(); }

// The family of credential stores a review read through the old denylist, and more of the same
// class: each one's content names it, so that a leak says which.
const char *const secretFiles[] = {
    ".config/git/credentials",
    ".claude/.credentials.json",
    ".pgpass",
    ".my.cnf",
    ".cargo/credentials.toml",
    ".m2/settings.xml",
    ".terraform.d/credentials.tfrc.json",
    ".config/rclone/rclone.conf",
    ".vault-token",
    ".yarnrc",
    ".bash_history",
    ".zsh_history",
    ".python_history",
    ".psql_history",
    ".mozilla/firefox/x/cookies.sqlite",
    ".config/google-chrome/Default/Cookies",
    ".local/share/kwalletd/kdewallet.kwl",
    ".ssh/id_ed25519",
    ".gradle/gradle.properties",
    ".config/some-new-cli/auth.json",     // a tool no list knows yet
    "work-notes/old/prod-db-password.txt", // a credential in an unusual place
};

QByteArray secretOf(const QString &relative) { return "SECRET(" + relative.toUtf8() + ")"; }

Run runGatehouse(const QStringList &arguments, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(GATEHOUSE_BINARY), arguments);
    process.waitForFinished(60000);
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

QString passwdHome()
{
    const passwd *entry = ::getpwuid(::getuid());
    return entry ? QString::fromLocal8Bit(entry->pw_dir) : QString();
}

} // namespace

class TestRunHome final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;
    // A folder outside /tmp (which the sandbox replaces anyway) in the build folder: this test's
    // home, and beside it a /data disk that home links into.
    QString m_outside;

    static QString privateCacheRoot()
    {
        return qEnvironmentVariable("XDG_CACHE_HOME") + QStringLiteral("/gatehouse/sandbox-cache");
    }

    // The private cache of a project: the one folder of the cache root named after it.
    static QString privateCacheOf(const QString &project)
    {
        const QStringList matches = QDir(privateCacheRoot()).entryList({QFileInfo(project).fileName() + QStringLiteral("-*")},
                                                                       QDir::Dirs | QDir::Hidden);
        return matches.size() == 1 ? privateCacheRoot() + u'/' + matches.first() : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        const QString runtime = test::scratchRoot() + QStringLiteral("/runtime-runhome");
        QVERIFY(QDir().mkpath(runtime));
        QVERIFY(QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime));
        m_project = QDir(m_dir.path()).canonicalPath() + QStringLiteral("/homeproj");
        QVERIFY(QDir().mkpath(m_project));
        test::git(m_project, {QStringLiteral("init"), QStringLiteral("-q")});
        m_outside = QCoreApplication::applicationDirPath() + QStringLiteral("/runhome-outside-")
                    + QString::number(QCoreApplication::applicationPid());
        QDir(m_outside).removeRecursively();
        QVERIFY(QDir().mkpath(m_outside));
        // The harness's HOME lies in /tmp, which the sandbox replaces by its own: secrets there
        // would be unreadable with or without a hidden home. This test's home lies where the
        // sandbox would show it (the build folder), so that only the home view hides it.
        QVERIFY(QDir().mkpath(m_outside + QStringLiteral("/home")));
        qputenv("HOME", QFile::encodeName(m_outside + QStringLiteral("/home")));
        for (const char *relative : secretFiles)
            test::writeFile(home() + u'/' + QLatin1StringView(relative), secretOf(QLatin1StringView(relative)));
    }

    void cleanupTestCase() { QDir(m_outside).removeRecursively(); }

    void credentialStoresAreUnreadable_data()
    {
        QTest::addColumn<QString>("relative");
        QTest::addColumn<QString>("path");
        for (const char *relative : secretFiles)
            QTest::newRow(relative) << QString::fromLatin1(relative) << home() + u'/' + QLatin1StringView(relative);
        QTest::newRow("through /proc/self/root") << ".pgpass" << QStringLiteral("/proc/self/root") + home() + QStringLiteral("/.pgpass");
        QTest::newRow("through /proc/1/root") << ".vault-token" << QStringLiteral("/proc/1/root") + home() + QStringLiteral("/.vault-token");
        QTest::newRow("through $HOME//./") << ".my.cnf" << home() + QStringLiteral("//./.my.cnf");
    }

    void credentialStoresAreUnreadable()
    {
        QFETCH(QString, relative);
        QFETCH(QString, path);
        QCOMPARE(contents(home() + u'/' + relative), secretOf(relative)); // readable outside
        const Run run = shell(m_project, QStringLiteral("cat '%1'; ls -aR ~ '%2'; grep -r SECRET ~ 2>/dev/null; echo ran")
                                             .arg(path, QFileInfo(path).absolutePath()));
        QVERIFY2(run.out.contains(QStringLiteral("ran")), qPrintable(run.err));
        QVERIFY2(!run.out.contains(QStringLiteral("SECRET")), qPrintable(run.out));
    }

    void theHomeIsEmptyWhateverItIsCalled()
    {
        // ~user and the passwd home reach the real home when HOME was overridden (as here): it
        // is shown empty too.
        const QString passwd = passwdHome();
        QVERIFY(!passwd.isEmpty());
        const Run run = shell(m_project, QStringLiteral(
            "p=$(getent passwd $(id -u) | cut -d: -f6); ls -A \"$p\" | wc -l; eval \"ls -A ~$(id -un)\" | wc -l; echo ran"));
        QVERIFY2(run.out == QStringLiteral("0\n0\nran\n") || passwd == QStringLiteral("/"), qPrintable(run.out + run.err));
    }

    void aHomeThatIsUnsetOrRootStillRuns_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("unset") << QString();
        QTest::newRow("root") << QStringLiteral("/");
        QTest::newRow("elsewhere") << test::scratchRoot() + QStringLiteral("/other-home");
    }

    void aHomeThatIsUnsetOrRootStillRuns()
    {
        // The command runs; the passwd home is shown empty whatever HOME says, and a HOME set
        // elsewhere is hidden too.
        QFETCH(QString, value);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (value.isEmpty())
            env.remove(QStringLiteral("HOME"));
        else
            env.insert(QStringLiteral("HOME"), value);
        const bool elsewhere = !value.isEmpty() && value != QStringLiteral("/");
        if (elsewhere)
            test::writeFile(value + QStringLiteral("/.pgpass"), "SECRET(other home)");
        const Run run = sandboxed(m_project, {QStringLiteral("sh"), QStringLiteral("-c"),
                                              QStringLiteral("ls -A \"$(getent passwd $(id -u) | cut -d: -f6)\" | wc -l; cat '%1/.pgpass'; echo ran")
                                                  .arg(elsewhere ? value : home())},
                                  {}, env);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.startsWith(QStringLiteral("0\n")) || passwdHome() == QStringLiteral("/"), qPrintable(run.out + run.err));
        QVERIFY2(run.out.endsWith(QStringLiteral("ran\n")), qPrintable(run.err));
        if (elsewhere)
            QVERIFY2(!run.out.contains(QStringLiteral("SECRET")), qPrintable(run.out));
    }

    void linksOutOfHomeAreHiddenWhereTheyPoint()
    {
        // ~/.aws (a store by name) and ~/dotfiles (a folder of the user's) are links to a disk
        // outside home; what they point to is not readable there either.
        test::writeFile(m_outside + QStringLiteral("/aws/credentials"), "SECRET(aws via link)");
        test::writeFile(m_outside + QStringLiteral("/dotfiles/rclone/rclone.conf"), "SECRET(rclone via link)");
        QVERIFY(QFile::link(m_outside + QStringLiteral("/aws"), home() + QStringLiteral("/.aws")));
        QVERIFY(QFile::link(m_outside + QStringLiteral("/dotfiles"), home() + QStringLiteral("/dotfiles")));
        const Run run = shell(m_project, QStringLiteral("cat ~/.aws/credentials '%1/aws/credentials' ~/dotfiles/rclone/rclone.conf "
                                                        "'%1/dotfiles/rclone/rclone.conf'; echo ran")
                                             .arg(m_outside));
        QFile::remove(home() + QStringLiteral("/.aws"));
        QFile::remove(home() + QStringLiteral("/dotfiles"));
        QVERIFY2(run.out.contains(QStringLiteral("ran")), qPrintable(run.err));
        QVERIFY2(!run.out.contains(QStringLiteral("SECRET")), qPrintable(run.out));
        QCOMPARE(contents(m_outside + QStringLiteral("/aws/credentials")), QByteArray("SECRET(aws via link)"));
    }

    void gatehouseFoldersOutsideHomeStayHidden()
    {
        // XDG_CONFIG_HOME and XDG_DATA_HOME moved out of home (and out of /tmp).
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_outside + QStringLiteral("/xdg-config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_outside + QStringLiteral("/xdg-data"));
        test::writeFile(m_outside + QStringLiteral("/xdg-config/gatehouse/settings.json"), "{\"note\": \"SECRET(config)\"}");
        test::writeFile(m_outside + QStringLiteral("/xdg-data/gatehouse/transcripts/t.jsonl"), "SECRET(transcript)");
        test::writeFile(m_outside + QStringLiteral("/xdg-config/git/credentials"), "SECRET(xdg git credentials)");
        const Run run = sandboxed(m_project, {QStringLiteral("sh"), QStringLiteral("-c"),
                                              QStringLiteral("cat '%1/xdg-config/gatehouse/settings.json' '%1/xdg-data/gatehouse/transcripts/t.jsonl' "
                                                             "'%1/xdg-config/git/credentials'; echo ran")
                                                  .arg(m_outside)},
                                  {}, env);
        QVERIFY2(run.out.contains(QStringLiteral("ran")), qPrintable(run.err));
        QVERIFY2(!run.out.contains(QStringLiteral("SECRET")), qPrintable(run.out));
    }

    void gitSeesTheIdentityButNoCredentials()
    {
        test::writeFile(home() + QStringLiteral("/.gitconfig"),
                        "[user]\n"
                        "\tname = Home Tester\n"
                        "[credential]\n"
                        "\thelper = store --file ~/.git-store-SECRET\n"
                        "[url \"https://ghp_SECRET0123456789abcdefghijkl@github.com/\"]\n"
                        "\tinsteadOf = https://github.com/\n"
                        "[http \"https://example.com\"]\n"
                        "\textraHeader = Authorization: Bearer SECRET-header-token\n"
                        "[include]\n"
                        "\tpath = ~/.gitconfig-private\n"
                        "[alias]\n"
                        "\tst = status\n"
                        "\tleak = \"!echo https://user:SECRETPASS@example.com\"\n"
                        "[github]\n"
                        "\ttoken = SECRET-github\n");
        test::writeFile(home() + QStringLiteral("/.gitconfig-private"), "[user]\n\temail = home@example.com\n\tsigningkey = SECRETKEY\n");
        test::writeFile(qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/git/config"), "[init]\n\tdefaultBranch = trunk\n");
        test::writeFile(qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/git/ignore"), "*.ignored-by-home\n");
        const Run run = shell(m_project, QStringLiteral(
            "git config --global user.name; git config --global user.email; git config --global init.defaultBranch; "
            "git config --global alias.st; touch x.ignored-by-home; git status --porcelain --ignored; "
            "git config --global --list; cat ~/.gitconfig ~/.gitconfig-private; echo ran"));
        QFile::remove(qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/git/config"));
        QFile::remove(qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/git/ignore"));
        QFile::remove(m_project + QStringLiteral("/x.ignored-by-home"));
        QVERIFY2(run.out.startsWith(QStringLiteral("Home Tester\nhome@example.com\ntrunk\nstatus\n")), qPrintable(run.out + run.err));
        QVERIFY2(run.out.contains(QStringLiteral("!! x.ignored-by-home")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("ran")), qPrintable(run.err));
        QVERIFY2(!run.out.contains(QStringLiteral("SECRET")), qPrintable(run.out));
        QVERIFY(!run.out.contains(QStringLiteral("insteadof"), Qt::CaseInsensitive));
        // and a command cannot change it for the next one
        shell(m_project, QStringLiteral("git config --global user.name Evil; echo '[core] fsmonitor = evil' >> ~/.gitconfig"));
        QCOMPARE(shell(m_project, QStringLiteral("git config --global user.name")).out, QStringLiteral("Home Tester\n"));
    }

    void toolsInLocalBinRunButStayReadOnly()
    {
        const QString tool = home() + QStringLiteral("/.local/bin/hello-tool");
        test::writeFile(tool, "#!/bin/sh\necho hello from the tool\n");
        QVERIFY(QFile::setPermissions(tool, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        test::writeFile(home() + QStringLiteral("/.local/lib/python3/site-packages/mod.py"), "VALUE = 1\n");
        const Run run = shell(m_project, QStringLiteral(
            "~/.local/bin/hello-tool && cat ~/.local/lib/python3/site-packages/mod.py; "
            "echo evil > ~/.local/bin/hello-tool; echo new > ~/.local/bin/new-tool; rm -f ~/.local/bin/hello-tool; echo ran"));
        QVERIFY2(run.out.startsWith(QStringLiteral("hello from the tool\nVALUE = 1\n")), qPrintable(run.out + run.err));
        QVERIFY(run.out.contains(QStringLiteral("ran")));
        QCOMPARE(contents(tool), QByteArray("#!/bin/sh\necho hello from the tool\n"));
        QVERIFY(!QFile::exists(home() + QStringLiteral("/.local/bin/new-tool")));
    }

    void aToolchainFolderThatIsALinkIsShown()
    {
        test::writeFile(m_outside + QStringLiteral("/rustup/toolchains/stable/bin/rustc-version"), "rustc 1.0\n");
        QVERIFY(QFile::link(m_outside + QStringLiteral("/rustup"), home() + QStringLiteral("/.rustup")));
        const Run run = shell(m_project, QStringLiteral("cat ~/.rustup/toolchains/stable/bin/rustc-version"));
        QFile::remove(home() + QStringLiteral("/.rustup"));
        QCOMPARE(run.out, QStringLiteral("rustc 1.0\n"));
    }

    void writesToTheHomeViewDoNotLand()
    {
        // Home is read-only inside (as everything outside the writable folders), the cache excepted.
        const Run run = shell(m_project, QStringLiteral("(echo x > ~/.bashrc) 2>/dev/null && echo WROTE; "
                                                        "mkdir -p ~/.config/autostart 2>/dev/null && echo x > ~/.config/autostart/evil.desktop; "
                                                        "echo ran"));
        QCOMPARE(run.out, QStringLiteral("ran\n"));
        QVERIFY(!QFile::exists(home() + QStringLiteral("/.bashrc")));
        QVERIFY(!QFile::exists(home() + QStringLiteral("/.config/autostart/evil.desktop")));
    }

    void allowReadShowsAPath_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("option") << "option";
        QTest::newRow("command-line settings") << "settings";
    }

    void allowReadShowsAPath()
    {
        QFETCH(QString, how);
        test::writeFile(home() + QStringLiteral("/notes/readme.txt"), "visible notes\n");
        const QString script = QStringLiteral("cat ~/notes/readme.txt; echo changed > ~/notes/readme.txt; cat ~/.pgpass; echo ran");
        QVERIFY(!shell(m_project, script).out.contains(QStringLiteral("visible notes")));
        QStringList options;
        if (how == QStringLiteral("option")) {
            options << QStringLiteral("--allow-read") << home() + QStringLiteral("/notes");
        } else {
            const QString settings = m_dir.path() + QStringLiteral("/allow-read.json");
            test::writeFile(settings, "{\"sandbox\": {\"filesystem\": {\"allowRead\": [\"~/notes\"]}}}");
            options << QStringLiteral("--settings") << settings;
        }
        const Run run = shell(m_project, script, options);
        QVERIFY2(run.out.startsWith(QStringLiteral("visible notes\n")), qPrintable(run.out + run.err));
        QVERIFY2(!run.out.contains(QStringLiteral("SECRET")), qPrintable(run.out));
        QCOMPARE(contents(home() + QStringLiteral("/notes/readme.txt")), QByteArray("visible notes\n"));
    }

    void allowReadOfHomeStillHidesTheStores()
    {
        // "~" shows home, but the stores in it stay hidden unless named themselves.
        const QStringList all{QStringLiteral("--allow-read"), home()};
        const Run run = shell(m_project, QStringLiteral("cat ~/notes/readme.txt ~/.pgpass ~/.ssh/id_ed25519 ~/.config/rclone/rclone.conf; echo ran"), all);
        QVERIFY2(run.out.startsWith(QStringLiteral("visible notes\n")), qPrintable(run.out + run.err));
        QVERIFY2(!run.out.contains(QStringLiteral("SECRET")), qPrintable(run.out));
        const Run named = shell(m_project, QStringLiteral("cat ~/.ssh/id_ed25519"),
                                all + QStringList{QStringLiteral("--allow-read"), home() + QStringLiteral("/.ssh/id_ed25519")});
        QCOMPARE(named.out, QString::fromUtf8(secretOf(QStringLiteral(".ssh/id_ed25519"))));
    }

    void anUntrustedProjectCannotAllowReads()
    {
        QTemporaryDir dir;
        const QString project = QDir(dir.path()).canonicalPath();
        test::writeFile(project + QStringLiteral("/.gatehouse/settings.json"), "{\"sandbox\": {\"filesystem\": {\"allowRead\": [\"~\"]}}}");
        const Run run = shell(project, QStringLiteral("cat ~/notes/readme.txt; echo ran"));
        QVERIFY2(run.out.contains(QStringLiteral("ran")), qPrintable(run.err));
        QVERIFY2(!run.out.contains(QStringLiteral("visible notes")), qPrintable(run.out));
        const Run rules = runGatehouse({QStringLiteral("rules"), QStringLiteral("--project"), project});
        QVERIFY2(rules.out.contains(QStringLiteral("readable path")) && rules.out.contains(QStringLiteral("(folder not trusted)")),
                 qPrintable(rules.out));
    }

    void cachesArePrivateWritableAndKept()
    {
        const Run first = shell(m_project, QStringLiteral(
            "printf '%s\\n' \"$XDG_CACHE_HOME\" \"$PIP_CACHE_DIR\" \"$npm_config_cache\" \"$YARN_CACHE_FOLDER\" \"$GOCACHE\" "
            "\"$GOMODCACHE\" \"$GRADLE_USER_HOME\"; mkdir -p \"$PIP_CACHE_DIR\" \"$npm_config_cache\" && "
            "echo pip > \"$PIP_CACHE_DIR/marker\" && echo npm > \"$npm_config_cache/marker\" && "
            "echo m2 > ~/.m2/repository/marker && echo cargo > ~/.cargo/registry/marker && echo wrote"));
        QVERIFY2(first.out.endsWith(QStringLiteral("wrote\n")), qPrintable(first.out + first.err));
        const QStringList variables = first.out.split(u'\n', Qt::SkipEmptyParts).mid(0, 7);
        QCOMPARE(variables.size(), 7);
        for (const QString &value : variables)
            QVERIFY2(value == home() + QStringLiteral("/.cache") || value.startsWith(home() + QStringLiteral("/.cache/")), qPrintable(value));
        // On the host: in Gatehouse's private cache (0700), outside the project, not in home's.
        const QString cache = privateCacheOf(m_project);
        QVERIFY2(!cache.isEmpty(), qPrintable(privateCacheRoot()));
        QVERIFY(!cache.startsWith(m_project + u'/'));
        QCOMPARE(contents(cache + QStringLiteral("/pip/marker")), QByteArray("pip\n"));
        QCOMPARE(contents(cache + QStringLiteral("/npm/marker")), QByteArray("npm\n"));
        QCOMPARE(contents(cache + QStringLiteral("/m2-repository/marker")), QByteArray("m2\n"));
        QCOMPARE(contents(cache + QStringLiteral("/cargo-registry/marker")), QByteArray("cargo\n"));
        QVERIFY(!QFile::exists(home() + QStringLiteral("/.cache/pip/marker")));
        for (const QString &folder : {cache, privateCacheRoot(), QFileInfo(privateCacheRoot()).path()}) {
            struct stat info {};
            QCOMPARE(::stat(QFile::encodeName(folder).constData(), &info), 0);
            QCOMPARE(info.st_mode & 0777, 0700U);
        }
        QVERIFY(test::filesContaining(m_project, "pip\n").isEmpty());
        // The next command finds it.
        const Run second = shell(m_project, QStringLiteral("cat \"$PIP_CACHE_DIR/marker\" ~/.cargo/registry/marker"));
        QCOMPARE(second.out, QStringLiteral("pip\ncargo\n"));
    }

    void aProjectInsideHomeWorks()
    {
        const QString project = home() + QStringLiteral("/src/inside-home");
        QVERIFY(QDir().mkpath(project));
        test::git(project, {QStringLiteral("init"), QStringLiteral("-q")});
        const Run run = shell(project, QStringLiteral(
            "echo made > made.txt && git add made.txt && git -c user.email=t@e commit -qm x && git log --format=%an; "
            "pwd; cat ~/.pgpass ../../.vault-token; ls -A ~; echo ran"));
        QVERIFY2(run.out.startsWith(QStringLiteral("Home Tester\n") + project + u'\n'), qPrintable(run.out + run.err));
        QVERIFY2(!run.out.contains(QStringLiteral("SECRET")) && !run.out.contains(QStringLiteral(".pgpass")), qPrintable(run.out));
        QCOMPARE(contents(project + QStringLiteral("/made.txt")), QByteArray("made\n"));
        QVERIFY(!test::git(project, {QStringLiteral("log"), QStringLiteral("--oneline")}).isEmpty());
        // A link from the project into home leads nowhere inside.
        QVERIFY(QFile::link(home() + QStringLiteral("/.pgpass"), project + QStringLiteral("/pgpass-link")));
        const Run linked = shell(project, QStringLiteral("cat pgpass-link; echo ran"));
        QVERIFY2(!linked.out.contains(QStringLiteral("SECRET")), qPrintable(linked.out));
    }

    void rulesShowTheHomeView()
    {
        const Run run = runGatehouse({QStringLiteral("rules"), QStringLiteral("--project"), m_project});
        QCOMPARE(run.exitCode, 0);
        for (const char *expected : {"Sandbox home:", "hidden, shown empty: ", "~/.gitconfig", "~/.local/bin", "~/.rustup",
                                     "private writable cache", "sandbox-cache", "PIP_CACHE_DIR=~/.cache/pip", "~/.m2/repository"})
            QVERIFY2(run.out.contains(QLatin1StringView(expected)), qPrintable(QLatin1StringView(expected) + u'\n' + run.out));
    }
};

QTEST_GUILESS_MAIN(TestRunHome)
#include "tst_runhome.moc"
