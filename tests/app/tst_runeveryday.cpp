// SPDX-License-Identifier: GPL-3.0-or-later
// Everyday work inside `gatehouse run` (issue 10, SECURITY-MODEL.md section 6): the sandbox with
// staged writes must not break what an agent's commands do all day. Each test runs the real tool
// through the real `gatehouse run`, then checks from outside, after landing, that the result is
// usable on the host (the venv's package imports with the venv's python, node_modules runs, the
// build is up to date, the cache folder is there) and that nothing was held that should not be.
// Package indexes are served on loopback by this test and reached only through Gatehouse's proxy
// (`--allow-domain 127.0.0.1`): there is no other network. The packages are built here.
// A missing tool fails the test with the package to install: nothing is skipped.
#include "runsupport.h"
#include "testenv.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

namespace test = gatehouse::test;

using test::contents;
using test::Run;

namespace {

struct HostRun
{
    int exitCode = -1;
    QString output;
};

// Runs a program on the host, as the person would after the command (stdout and stderr merged).
HostRun onHost(const QString &folder, const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(folder);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForFinished(60000))
        process.kill();
    process.waitForFinished();
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, QString::fromUtf8(process.readAll())};
}

// What `gatehouse run` held back, from its stderr.
QStringList heldLines(const Run &run)
{
    QStringList held;
    for (const QString &line : run.err.split(u'\n'))
        if (line.startsWith(QStringLiteral("gatehouse run:")) && line.contains(QStringLiteral("held")))
            held << line;
    return held;
}

QString describe(const Run &run)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3").arg(run.exitCode).arg(run.out.right(3000), run.err.right(6000));
}

// A loopback HTTP server with one answer per path (404 otherwise), remembering the paths asked
// for. It sees what the proxy forwards, in origin form or absolute form.
class LoopbackIndex final : public QObject
{
public:
    LoopbackIndex()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { answer(socket); });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()); }
    void serve(const QString &path, const QByteArray &type, const QByteArray &body) { m_routes.insert(path, {type, body}); }
    qsizetype asked(const QString &path) const { return m_asked.count(path); }

    QStringList m_asked;

private:
    void answer(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> requestLine = buffer.left(buffer.indexOf("\r\n")).split(' ');
        m_buffers.remove(socket);
        QString path = requestLine.size() >= 2 ? QUrl(QString::fromLatin1(requestLine[1])).path() : QString();
        m_asked << path;
        const auto route = m_routes.constFind(path);
        QByteArray response;
        if (route == m_routes.constEnd()) {
            response = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        } else {
            response = "HTTP/1.1 200 OK\r\nContent-Type: " + route->first + "\r\nContent-Length: "
                       + QByteArray::number(route->second.size()) + "\r\nConnection: close\r\n\r\n";
            if (requestLine.value(0) != "HEAD")
                response += route->second;
        }
        socket->write(response);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QString, QPair<QByteArray, QByteArray>> m_routes;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

// Builds a wheel (a zip with the package and its .dist-info METADATA, WHEEL, entry points and
// RECORD with sha256 of each file) with the host's python3; returns its bytes.
QByteArray buildWheel(const QString &folder, const QString &value)
{
    const QString script = QStringLiteral(R"(
import base64, hashlib, sys, zipfile
out, value = sys.argv[1], sys.argv[2]
info = "gh_everyday-1.0.dist-info/"
files = {
    "gh_everyday/__init__.py": "VALUE = %r\n\ndef main():\n    print(VALUE)\n" % value,
    info + "METADATA": "Metadata-Version: 2.1\nName: gh-everyday\nVersion: 1.0\nSummary: a test package\n",
    info + "WHEEL": "Wheel-Version: 1.0\nGenerator: gatehouse-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    info + "entry_points.txt": "[console_scripts]\ngh-everyday = gh_everyday:main\n",
}
record = []
with zipfile.ZipFile(out, "w") as wheel:
    for name, text in files.items():
        data = text.encode()
        wheel.writestr(name, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (name, digest, len(data)))
    record.append(info + "RECORD,,")
    wheel.writestr(info + "RECORD", "\n".join(record) + "\n")
)");
    const QString wheel = folder + QStringLiteral("/gh_everyday-1.0-py3-none-any.whl");
    const HostRun made = onHost(folder, QStringLiteral("python3"), {QStringLiteral("-c"), script, wheel, value});
    if (made.exitCode != 0)
        qWarning("building the wheel failed: %s", qPrintable(made.output));
    return contents(wheel);
}

// Builds an npm tarball (package/package.json, index.js, bin.js) with the host's tar; returns its bytes.
QByteArray buildNpmTarball(const QString &folder, const QString &value)
{
    test::writeFile(folder + QStringLiteral("/package/package.json"),
                    R"({"name": "gh-everyday", "version": "1.0.0", "main": "index.js", "bin": {"gh-everyday": "bin.js"}})");
    test::writeFile(folder + QStringLiteral("/package/index.js"), "module.exports = { value: '" + value.toUtf8() + "' };\n");
    test::writeFile(folder + QStringLiteral("/package/bin.js"), "#!/usr/bin/env node\nconsole.log(require('./index.js').value);\n");
    const QString tarball = folder + QStringLiteral("/gh-everyday-1.0.0.tgz");
    const HostRun made = onHost(folder, QStringLiteral("tar"), {QStringLiteral("-czf"), tarball, QStringLiteral("package")});
    if (made.exitCode != 0)
        qWarning("building the tarball failed: %s", qPrintable(made.output));
    return contents(tarball);
}

// Fails the test, naming the package to install, when a tool is missing on this machine.
#define REQUIRE_TOOL(check, what)                                                                                      \
    do {                                                                                                               \
        if (!(check))                                                                                                  \
            QFAIL(qPrintable(QStringLiteral("%1 is missing here: install it (packaging/devroot-packages.txt lists it " \
                                            "for packaging/devenv.sh)")                                                \
                                 .arg(QStringLiteral(what))));                                                         \
    } while (false)

bool hostHas(const QString &program, const QStringList &probe = {})
{
    if (QStandardPaths::findExecutable(program).isEmpty())
        return false;
    return probe.isEmpty() || onHost(QDir::tempPath(), program, probe).exitCode == 0;
}

} // namespace

class TestRunEveryday final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_root;
    // This test's home, outside /tmp (which the sandbox replaces by its own, so a home there would
    // never be seen inside): in the build folder, as tests/app/tst_runhome.cpp does.
    QString m_home;
    int m_serial = 0;

    // A fresh git project with one commit.
    QString newProject()
    {
        const QString project = m_root + QStringLiteral("/p%1").arg(++m_serial);
        QDir().mkpath(project);
        test::git(project, {QStringLiteral("init"), QStringLiteral("-q")});
        test::writeFile(project + QStringLiteral("/README"), "everyday\n");
        test::git(project, {QStringLiteral("add"), QStringLiteral("-A")});
        test::git(project, {QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("init")});
        return project;
    }

    static inline const QString tarballPath = QStringLiteral("/gh-everyday/-/gh-everyday-1.0.0.tgz");

    // A project depending on gh-everyday 1.0.0, locked (package-lock.json with the tarball's URL
    // on @p registry and its sha512 integrity), committed; the registry serves the package
    // document and the tarball.
    QString npmProject(LoopbackIndex &registry)
    {
        const QString folder = m_root + QStringLiteral("/npm%1").arg(++m_serial);
        const QByteArray tarball = buildNpmTarball(folder, QStringLiteral("from-the-local-registry"));
        if (!tarball.startsWith("\x1f\x8b"))
            return {};
        const QByteArray url = (registry.base() + tarballPath).toUtf8();
        const QByteArray integrity = "sha512-" + QCryptographicHash::hash(tarball, QCryptographicHash::Sha512).toBase64();
        registry.serve(tarballPath, "application/octet-stream", tarball);
        registry.serve(QStringLiteral("/gh-everyday"), "application/json",
                       R"({"name": "gh-everyday", "dist-tags": {"latest": "1.0.0"}, "versions": {"1.0.0": {"name": "gh-everyday", )"
                       R"("version": "1.0.0", "bin": {"gh-everyday": "bin.js"}, "dist": {"tarball": ")" + url
                           + R"(", "integrity": ")" + integrity + R"("}}}})");
        const QString project = newProject();
        test::writeFile(project + QStringLiteral("/package.json"),
                        R"({"name": "everyday", "version": "1.0.0", "dependencies": {"gh-everyday": "1.0.0"}, )"
                        R"("scripts": {"show": "gh-everyday"}})");
        test::writeFile(project + QStringLiteral("/package-lock.json"),
                        R"({"name": "everyday", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": {)"
                        R"("": {"name": "everyday", "version": "1.0.0", "dependencies": {"gh-everyday": "1.0.0"}}, )"
                        R"("node_modules/gh-everyday": {"version": "1.0.0", "resolved": ")" + url + R"(", "integrity": ")" + integrity
                            + R"(", "bin": {"gh-everyday": "bin.js"}}}})");
        test::writeFile(project + QStringLiteral("/.gitignore"), "node_modules/\n");
        test::git(project, {QStringLiteral("add"), QStringLiteral("-A")});
        test::git(project, {QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("locked")});
        return project;
    }

    // node_modules as npm left it, usable on the host: the package, its bin link (relative, into
    // node_modules), npm's hidden lock; and the project's own files untouched.
    static void checkNodeModulesOnHost(const QString &project)
    {
        QVERIFY(contents(project + QStringLiteral("/node_modules/gh-everyday/index.js")).contains("from-the-local-registry"));
        QCOMPARE(QFileInfo(project + QStringLiteral("/node_modules/.bin/gh-everyday")).symLinkTarget(),
                 project + QStringLiteral("/node_modules/gh-everyday/bin.js"));
        QVERIFY(contents(project + QStringLiteral("/node_modules/.package-lock.json")).contains("node_modules/gh-everyday"));
        const HostRun bin = onHost(project, project + QStringLiteral("/node_modules/.bin/gh-everyday"), {});
        QVERIFY2(bin.exitCode == 0 && bin.output == QStringLiteral("from-the-local-registry\n"), qPrintable(bin.output));
        QVERIFY(test::git(project, {QStringLiteral("status"), QStringLiteral("--porcelain")}).isEmpty());
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        // Its own runtime folder (the sandboxes' lock and stand-ins), also apart from app.runeverydayfallback.
        QVERIFY(test::useOwnRuntimeFolder(QStringLiteral("runeveryday-%1").arg(QCoreApplication::applicationPid())));
        QVERIFY(m_dir.isValid());
        m_root = QDir(m_dir.path()).canonicalPath();
        m_home = QCoreApplication::applicationDirPath() + QStringLiteral("/runeveryday-home-")
                 + QString::number(QCoreApplication::applicationPid());
        QDir(m_home).removeRecursively();
        QVERIFY(QDir().mkpath(m_home));
        qputenv("HOME", QFile::encodeName(m_home));
        // Git's identity must come from the global configuration, not from the environment.
        for (const char *name : {"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"})
            qunsetenv(name);
        test::writeFile(m_home + QStringLiteral("/.gitconfig"),
                        "[user]\n\tname = Everyday Person\n\temail = everyday@example.org\n[init]\n\tdefaultBranch = trunk\n");
    }

    void cleanupTestCase() { QDir(m_home).removeRecursively(); }

    // The person's identity in ~/.gitconfig is what git inside sees, and a commit made inside
    // lands with it. (The environment carries no GIT_AUTHOR_* or GIT_COMMITTER_*.)
    void gitIdentityFromTheGlobalConfigIsSeen()
    {
        REQUIRE_TOOL(hostHas(QStringLiteral("git")), "git");
        const QString project = newProject();
        const Run run = test::shell(project, QStringLiteral(
            "set -e; git config user.name; git config user.email; echo hi > hello.txt; git add hello.txt; "
            "git commit -qm inside; git log -1 --format='%an <%ae>|%cn <%ce>'"));
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
        QCOMPARE(run.out, QStringLiteral("Everyday Person\neveryday@example.org\n"
                                         "Everyday Person <everyday@example.org>|Everyday Person <everyday@example.org>\n"));
        // From outside: the commit landed, with that identity, and the work tree is clean.
        QCOMPARE(test::git(project, {QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%an <%ae>|%cn <%ce>|%s")}).trimmed(),
                 QStringLiteral("Everyday Person <everyday@example.org>|Everyday Person <everyday@example.org>|inside"));
        QCOMPARE(contents(project + QStringLiteral("/hello.txt")), QByteArray("hi\n"));
        QVERIFY(test::git(project, {QStringLiteral("status"), QStringLiteral("--porcelain")}).isEmpty());
        QVERIFY2(heldLines(run).isEmpty(), qPrintable(describe(run)));
    }

    // A C++ project configured with CMake and built with Ninja inside: the program runs on the host,
    // and the landed build is up to date for the host's ninja (objects, its logs and the times
    // landed as they were); an edit made outside then rebuilds only what depends on it, inside.
    void aCompilerBuildsAndTheBuildIsUpToDateOutside()
    {
        REQUIRE_TOOL(hostHas(QStringLiteral("c++"), {QStringLiteral("--version")}), "g++");
        REQUIRE_TOOL(hostHas(QStringLiteral("cmake"), {QStringLiteral("--version")}), "cmake");
        REQUIRE_TOOL(hostHas(QStringLiteral("ninja"), {QStringLiteral("--version")}), "ninja-build");
        const QString project = newProject();
        test::writeFile(project + QStringLiteral("/CMakeLists.txt"),
                        "cmake_minimum_required(VERSION 3.20)\nproject(demo CXX)\nadd_library(util STATIC src/util.cpp)\n"
                        "add_executable(demo src/main.cpp)\ntarget_link_libraries(demo util)\n");
        test::writeFile(project + QStringLiteral("/src/util.cpp"), "int answer() { return 42; }\n");
        test::writeFile(project + QStringLiteral("/src/main.cpp"),
                        "#include <iostream>\nint answer();\nint main() { std::cout << \"answer \" << answer() << '\\n'; }\n");
        const Run run = test::shell(project, QStringLiteral(
            "set -e; cmake -S . -B build -G Ninja > /dev/null; cmake --build build; ./build/demo"));
        QVERIFY2(run.exitCode == 0 && run.out.endsWith(QStringLiteral("answer 42\n")), qPrintable(describe(run)));
        QVERIFY2(heldLines(run).isEmpty(), qPrintable(describe(run)));

        QCOMPARE(onHost(project, project + QStringLiteral("/build/demo"), {}).output, QStringLiteral("answer 42\n"));
        QVERIFY(QFileInfo::exists(project + QStringLiteral("/build/CMakeCache.txt")));
        QVERIFY(QFileInfo::exists(project + QStringLiteral("/build/libutil.a")));
        const HostRun upToDate = onHost(project + QStringLiteral("/build"), QStringLiteral("ninja"), {QStringLiteral("-n")});
        QVERIFY2(upToDate.output.contains(QStringLiteral("no work to do")), qPrintable(upToDate.output));

        test::writeFile(project + QStringLiteral("/src/util.cpp"), "int answer() { return 43; } // changed outside\n");
        const Run again = test::shell(project, QStringLiteral("set -e; cmake --build build; ./build/demo"));
        QVERIFY2(again.exitCode == 0 && again.out.endsWith(QStringLiteral("answer 43\n")), qPrintable(describe(again)));
        QVERIFY2(again.out.contains(QStringLiteral("util.cpp.o")) && !again.out.contains(QStringLiteral("main.cpp.o")),
                 qPrintable(describe(again)));
        QCOMPARE(onHost(project, project + QStringLiteral("/build/demo"), {}).output, QStringLiteral("answer 43\n"));
    }

    // `python3 -m venv` and `pip install` from an index on loopback, reached through the proxy;
    // then, on the host, the venv's python imports the package and its console script runs.
    void pythonVenvAndPipInstallFromALocalIndex()
    {
        REQUIRE_TOOL(hostHas(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import ensurepip, venv")}),
                     "python3-venv (with python3-pip)");
        LoopbackIndex index;
        QVERIFY(index.listen());
        const QString folder = m_root + QStringLiteral("/wheel%1").arg(++m_serial);
        QVERIFY(QDir().mkpath(folder));
        const QByteArray wheel = buildWheel(folder, QStringLiteral("from-the-local-index"));
        QVERIFY(wheel.startsWith("PK"));
        const QString file = QStringLiteral("gh_everyday-1.0-py3-none-any.whl");
        index.serve(QStringLiteral("/simple/gh-everyday/"), "text/html",
                    "<!DOCTYPE html><html><body><a href=\"/files/" + file.toUtf8() + "#sha256="
                        + QCryptographicHash::hash(wheel, QCryptographicHash::Sha256).toHex() + "\">" + file.toUtf8()
                        + "</a></body></html>\n");
        index.serve(QStringLiteral("/files/") + file, "application/octet-stream", wheel);
        const QString script = QStringLiteral(
            "set -e; python3 -m venv .venv; .venv/bin/pip install --disable-pip-version-check --index-url %1/simple/ gh-everyday; "
            ".venv/bin/python -c 'import gh_everyday; print(gh_everyday.VALUE)'; .venv/bin/gh-everyday").arg(index.base());

        const QString project = newProject();
        const Run run = test::shell(project, script, test::allow(QStringLiteral("127.0.0.1")));
        QVERIFY2(run.exitCode == 0 && run.out.endsWith(QStringLiteral("from-the-local-index\nfrom-the-local-index\n")),
                 qPrintable(describe(run)));
        // The sandbox has no network but the proxy: the index saw the requests through it.
        QVERIFY2(index.asked(QStringLiteral("/simple/gh-everyday/")) >= 1 && index.asked(QStringLiteral("/files/") + file) == 1,
                 qPrintable(index.m_asked.join(u' ')));
        // What pip installed landed: the package in site-packages, the venv's configuration, the script.
        const QStringList installed = QDir(project + QStringLiteral("/.venv/lib")).entryList({QStringLiteral("python3*")}, QDir::Dirs);
        QCOMPARE(installed.size(), 1);
        QVERIFY(contents(project + QStringLiteral("/.venv/lib/") + installed.first() + QStringLiteral("/site-packages/gh_everyday/__init__.py"))
                    .contains("from-the-local-index"));
        QVERIFY(QFileInfo::exists(project + QStringLiteral("/.venv/pyvenv.cfg")));
        QVERIFY(contents(project + QStringLiteral("/.venv/bin/gh-everyday")).startsWith(QByteArray("#!" + QFile::encodeName(project) + "/.venv/bin/python")));

        // The venv's interpreter is a link into the system (bin/python3 -> /usr/bin/python3, made by
        // venv's symlink layout; bin/python and bin/python3.X point at it): it lands, so the venv
        // works on the host, its console script too.
        QVERIFY2(heldLines(run).isEmpty(), qPrintable(heldLines(run).join(u'\n')));
        const QStringList import{QStringLiteral("-c"), QStringLiteral("import gh_everyday; print(gh_everyday.VALUE)")};
        const HostRun outside = onHost(project, project + QStringLiteral("/.venv/bin/python"), import);
        QVERIFY2(outside.exitCode == 0 && outside.output == QStringLiteral("from-the-local-index\n"), qPrintable(outside.output));
        const HostRun console = onHost(project, project + QStringLiteral("/.venv/bin/gh-everyday"), {});
        QVERIFY2(console.exitCode == 0 && console.output == QStringLiteral("from-the-local-index\n"), qPrintable(console.output));
    }

    // `npm ci` from a registry on loopback, through the proxy, twice in one command with a cache
    // the command chooses (in its private /tmp): the second install comes from the cache, and
    // node_modules lands whole: the package, its bin link, npm's own lock, all usable on the host.
    void npmCiLandsNodeModules()
    {
        REQUIRE_TOOL(hostHas(QStringLiteral("npm"), {QStringLiteral("--version")}) && hostHas(QStringLiteral("node"), {QStringLiteral("--version")}),
                     "nodejs and npm");
        LoopbackIndex registry;
        QVERIFY(registry.listen());
        const QString project = npmProject(registry);
        QVERIFY(!project.isEmpty());
        const Run run = test::shell(project, QStringLiteral(
            "set -e; npm ci --cache /tmp/npm-cache --registry %1/; npm ci --cache /tmp/npm-cache --registry %1/; npm run -s show")
            .arg(registry.base()), test::allow(QStringLiteral("127.0.0.1")));
        QVERIFY2(run.exitCode == 0 && run.out.endsWith(QStringLiteral("from-the-local-registry\n")), qPrintable(describe(run)));
        QVERIFY2(registry.asked(tarballPath) == 1, qPrintable(registry.m_asked.join(u' ')));
        QVERIFY2(heldLines(run).isEmpty(), qPrintable(describe(run)));
        checkNodeModulesOnHost(project);
        if (QTest::currentTestFailed())
            return;
    }

    // The everyday way: plain `npm ci`, with npm's own cache (which the sandbox must make
    // writable, SECURITY-MODEL.md section 6), in two commands: the second finds the cache the
    // first filled and does not download again.
    void npmCiWithItsOwnCacheTwice()
    {
        REQUIRE_TOOL(hostHas(QStringLiteral("npm"), {QStringLiteral("--version")}) && hostHas(QStringLiteral("node"), {QStringLiteral("--version")}),
                     "nodejs and npm");
        LoopbackIndex registry;
        QVERIFY(registry.listen());
        const QString project = npmProject(registry);
        QVERIFY(!project.isEmpty());
        const QString script = QStringLiteral("set -e; npm ci --registry %1/; npm run -s show").arg(registry.base());
        const Run first = test::shell(project, script, test::allow(QStringLiteral("127.0.0.1")));
        // npm's cache is the sandbox's private one (the hidden home points npm_config_cache there).
        QVERIFY2(first.exitCode == 0 && first.out.endsWith(QStringLiteral("from-the-local-registry\n")), qPrintable(describe(first)));
        QVERIFY2(heldLines(first).isEmpty(), qPrintable(describe(first)));
        checkNodeModulesOnHost(project);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(registry.asked(tarballPath), 1);

        const Run second = test::shell(project, script, test::allow(QStringLiteral("127.0.0.1")));
        QVERIFY2(second.exitCode == 0 && second.out.endsWith(QStringLiteral("from-the-local-registry\n")), qPrintable(describe(second)));
        QVERIFY2(registry.asked(tarballPath) == 1, qPrintable(registry.m_asked.join(u' ')));
        QVERIFY2(heldLines(second).isEmpty(), qPrintable(describe(second)));
        checkNodeModulesOnHost(project);
        if (QTest::currentTestFailed())
            return;
    }

    // pytest inside writes .pytest_cache and __pycache__; both land, and the next run reads the
    // landed cache (--lf reruns only the failure, which an edit outside fixed meanwhile).
    void aTestRunnerWritesItsCacheFolder()
    {
        REQUIRE_TOOL(hostHas(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import pytest")}), "python3-pytest");
        const QString project = newProject();
        test::writeFile(project + QStringLiteral("/demo.py"), "def double(x):\n    return 2 * x\n");
        test::writeFile(project + QStringLiteral("/tests/test_demo.py"),
                        "from demo import double\n\ndef test_ok():\n    assert double(2) == 4\n\n"
                        "def test_bad():\n    assert double(3) == 7\n");
        const Run first = test::shell(project, QStringLiteral("python3 -m pytest; echo status=$?"));
        QVERIFY2(first.out.contains(QStringLiteral("1 failed, 1 passed")) && first.out.endsWith(QStringLiteral("status=1\n")),
                 qPrintable(describe(first)));
        QVERIFY2(heldLines(first).isEmpty(), qPrintable(describe(first)));
        QVERIFY(contents(project + QStringLiteral("/.pytest_cache/v/cache/lastfailed")).contains("tests/test_demo.py::test_bad"));
        QVERIFY(contents(project + QStringLiteral("/.pytest_cache/CACHEDIR.TAG")).startsWith("Signature: 8a477f597d28d172789f06886806bc55"));
        QCOMPARE(QDir(project + QStringLiteral("/__pycache__")).entryList({QStringLiteral("demo.cpython-*.pyc")}, QDir::Files).size(), 1);
        QCOMPARE(QDir(project + QStringLiteral("/tests/__pycache__")).entryList({QStringLiteral("test_demo.*pytest*.pyc")}, QDir::Files).size(), 1);

        test::writeFile(project + QStringLiteral("/tests/test_demo.py"),
                        "from demo import double\n\ndef test_ok():\n    assert double(2) == 4\n\n"
                        "def test_bad():\n    assert double(3) == 6, 'fixed outside'\n");
        const Run second = test::shell(project, QStringLiteral("python3 -m pytest --lf; echo status=$?"));
        QVERIFY2(second.out.contains(QStringLiteral("rerun previous 1 failure")) && second.out.contains(QStringLiteral(" 1 passed"))
                     && second.out.endsWith(QStringLiteral("status=0\n")),
                 qPrintable(describe(second)));
        QVERIFY2(heldLines(second).isEmpty(), qPrintable(describe(second)));
        // The cache the second run rewrote landed over the first one's.
        QVERIFY2(!contents(project + QStringLiteral("/.pytest_cache/v/cache/lastfailed")).contains("test_bad"),
                 contents(project + QStringLiteral("/.pytest_cache/v/cache/lastfailed")).constData());
    }
};

QTEST_GUILESS_MAIN(TestRunEveryday)
#include "tst_runeveryday.moc"
