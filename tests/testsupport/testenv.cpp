// SPDX-License-Identifier: GPL-3.0-or-later
#include "testenv.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

#include <dirent.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace gatehouse::test {

QString scratchRoot() { return qEnvironmentVariable("GATEHOUSE_TEST_SCRATCH"); }

void requireIsolatedEnvironment()
{
    const QString root = scratchRoot();
    const auto inside = [&root](const char *variable) {
        const QString value = qEnvironmentVariable(variable);
        return !root.isEmpty() && value.startsWith(root + u'/');
    };
    for (const char *variable : {"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
                                 "XDG_RUNTIME_DIR"}) {
        if (!inside(variable)) {
            std::fprintf(stderr,
                         "FATAL: %s is not inside the test scratch folder (GATEHOUSE_TEST_SCRATCH=%s).\n"
                         "Run the tests through tests/run-tests.sh or tests/harness.sh, never against the real home.\n",
                         variable, qPrintable(root));
            std::exit(3);
        }
    }
}

QString git(const QString &folder, const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(folder);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    env.insert(QStringLiteral("GIT_CONFIG_GLOBAL"), QStringLiteral("/dev/null"));
    env.insert(QStringLiteral("GIT_AUTHOR_NAME"), QStringLiteral("Test"));
    env.insert(QStringLiteral("GIT_AUTHOR_EMAIL"), QStringLiteral("test@example.invalid"));
    env.insert(QStringLiteral("GIT_COMMITTER_NAME"), QStringLiteral("Test"));
    env.insert(QStringLiteral("GIT_COMMITTER_EMAIL"), QStringLiteral("test@example.invalid"));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral("git"), QStringList{QStringLiteral("-c"), QStringLiteral("init.defaultBranch=main")} + arguments);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QString message = QStringLiteral("git %1 failed in %2: %3")
                                    .arg(arguments.join(u' '), folder,
                                         QString::fromUtf8(process.readAllStandardError()));
        QTest::qFail(qPrintable(message), __FILE__, __LINE__);
        return {};
    }
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        QTest::qFail(qPrintable(QStringLiteral("cannot write %1").arg(path)), __FILE__, __LINE__);
}

QStringList filesContaining(const QString &folder, const QByteArray &needle)
{
    QStringList hits;
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            hits << path;
    }
    return hits;
}

int printDescriptors()
{
    DIR *folder = ::opendir("/proc/self/fd");
    if (!folder) {
        std::printf("opendir /proc/self/fd: %s\n", std::strerror(errno));
        return 1;
    }
    while (const dirent *entry = ::readdir(folder)) {
        if (entry->d_name[0] == '.' || std::atoi(entry->d_name) == ::dirfd(folder))
            continue;
        char target[PATH_MAX] = {};
        const ssize_t size = ::readlinkat(::dirfd(folder), entry->d_name, target, sizeof target - 1);
        std::printf("%s %s\n", entry->d_name, size >= 0 ? target : std::strerror(errno));
    }
    ::closedir(folder);
    return 0;
}

QStringList descriptorNumbers(const QString &listing)
{
    QStringList numbers;
    for (const QString &line : listing.split(u'\n', Qt::SkipEmptyParts))
        numbers << line.section(u' ', 0, 0);
    return numbers;
}

} // namespace gatehouse::test
