// SPDX-License-Identifier: GPL-3.0-or-later
#include "log/logging.h"

#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;

namespace {
Q_LOGGING_CATEGORY(testCategory, "gatehouse.test")

QByteArray readLog(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}
} // namespace

class TestLogging final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }
    void cleanup() { log::shutdown(); }

    void writesOneLoggerPerAreaToTheFile()
    {
        QTemporaryDir dir;
        QVERIFY(log::initialize({.directory = dir.path() + QStringLiteral("/log")}).has_value());
        QCOMPARE(log::logFilePath(), dir.path() + QStringLiteral("/log/gatehouse.log"));
        log::logger("vcs")->info("status read for {}", 42);
        log::logger("secrets")->warn("keychain missing");
        QVERIFY(log::logger("vcs") == log::logger("vcs"));
        QVERIFY(log::logger("vcs") != log::logger("secrets"));
        log::shutdown();
        const QByteArray text = readLog(dir.path() + QStringLiteral("/log/gatehouse.log"));
        QVERIFY2(text.contains("info [vcs] status read for 42"), text.constData());
        QVERIFY2(text.contains("warning [secrets] keychain missing"), text.constData());
    }

    void secretsNeverReachTheLog()
    {
        QTemporaryDir dir;
        QVERIFY(log::initialize({.directory = dir.path()}).has_value());
        log::logger("agent")->warn("running GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ gh pr list");
        qWarning("fetching https://alice:hunter2secret@example.com/x");
        log::shutdown();
        const QByteArray text = readLog(dir.path() + QStringLiteral("/gatehouse.log"));
        QVERIFY2(text.contains("[agent] running GITHUB_TOKEN=[redacted] gh pr list"), text.constData());
        QVERIFY2(!text.contains("ghp_0123456789"), text.constData());
        QVERIFY2(!text.contains("hunter2secret"), text.constData());
        QVERIFY2(text.contains("https://alice:[redacted]@example.com/x"), text.constData());
    }

    void routesQtMessagesIntoTheQtLogger()
    {
        QTemporaryDir dir;
        QVERIFY(log::initialize({.directory = dir.path()}).has_value());
        qWarning("a warning from Qt code");
        qCWarning(testCategory) << "categorised";
        log::shutdown();
        const QByteArray text = readLog(dir.path() + QStringLiteral("/gatehouse.log"));
        QVERIFY2(text.contains("warning [qt] a warning from Qt code"), text.constData());
        QVERIFY2(text.contains("warning [qt] [gatehouse.test] categorised"), text.constData());
    }

    void debugOnlyWhenVerbose()
    {
        QTemporaryDir dir;
        QVERIFY(log::initialize({.directory = dir.path()}).has_value());
        log::logger("app")->debug("quiet detail");
        log::logger("app")->info("normal line");
        log::shutdown();
        QByteArray text = readLog(dir.path() + QStringLiteral("/gatehouse.log"));
        QVERIFY(text.contains("normal line"));
        QVERIFY(!text.contains("quiet detail"));

        QVERIFY(log::initialize({.directory = dir.path(), .verbose = true}).has_value());
        log::logger("app")->debug("loud detail");
        log::shutdown();
        text = readLog(dir.path() + QStringLiteral("/gatehouse.log"));
        QVERIFY(text.contains("loud detail"));
    }

    void reinitialisingKeepsExistingLoggersWorking()
    {
        QTemporaryDir first;
        QTemporaryDir second;
        QVERIFY(log::initialize({.directory = first.path()}).has_value());
        const auto area = log::logger("ui");
        QVERIFY(log::initialize({.directory = second.path()}).has_value());
        area->info("after the switch");
        log::shutdown();
        QVERIFY(readLog(second.path() + QStringLiteral("/gatehouse.log")).contains("after the switch"));
        QVERIFY(!readLog(first.path() + QStringLiteral("/gatehouse.log")).contains("after the switch"));
    }

    void rotatesBySize()
    {
        QTemporaryDir dir;
        QVERIFY(log::initialize({.directory = dir.path(), .maxFileBytes = 4096, .maxFiles = 2}).has_value());
        const std::string line(200, 'x');
        for (int i = 0; i < 200; ++i)
            log::logger("app")->info("{} {}", i, line);
        log::shutdown();
        const QStringList files = QDir(dir.path()).entryList({QStringLiteral("gatehouse*.log")}, QDir::Files);
        QCOMPARE(files.size(), 3); // the current file and two rotated ones
        for (const QString &file : files)
            QVERIFY(QFileInfo(dir.filePath(file)).size() <= 4096 + 400);
    }

    void unwritableFolderIsAnErrorButLoggingGoesOn()
    {
        QTemporaryDir dir;
        test::writeFile(dir.path() + QStringLiteral("/blocker"), "a file, not a folder");
        const auto result = log::initialize({.directory = dir.path() + QStringLiteral("/blocker/log")});
        QVERIFY(!result.has_value());
        QVERIFY(result.error().message.contains(QStringLiteral("blocker/log")));
        QVERIFY(log::logFilePath().isEmpty());
        log::logger("app")->error("still reaches stderr"); // must not crash
    }
};

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
