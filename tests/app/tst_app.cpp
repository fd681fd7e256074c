// SPDX-License-Identifier: GPL-3.0-or-later
// The gatehouse binary as a person starts it: version and help without a display, clear errors,
// the window on a real X display with a screenshot, its log file, and the libraries it links.
#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace test = gatehouse::test;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runGatehouse(const QStringList &arguments, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(GATEHOUSE_BINARY), arguments);
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

QProcessEnvironment withoutDisplay()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    return env;
}

} // namespace

class TestApp final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        QVERIFY(QFile::exists(QStringLiteral(GATEHOUSE_BINARY)));
    }

    void versionAndHelpNeedNoDisplay()
    {
        const Run version = runGatehouse({QStringLiteral("--version")}, withoutDisplay());
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out.trimmed(), QStringLiteral("gatehouse 0.1.0"));

        const Run help = runGatehouse({QStringLiteral("--help")}, withoutDisplay());
        QCOMPARE(help.exitCode, 0);
        for (const char *option : {"--screenshot", "--verbose", "--version", "--restricted", "folder", "check", "rules", "trust"})
            QVERIFY2(help.out.contains(QString::fromLatin1(option)), option);
    }

    void refusesAMissingFolder()
    {
        QTemporaryDir dir;
        const Run run = runGatehouse({dir.filePath(QStringLiteral("nowhere"))});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("does not exist")), qPrintable(run.err));
    }

    void refusesTwoFolders()
    {
        QTemporaryDir a;
        QTemporaryDir b;
        const Run run = runGatehouse({a.path(), b.path()});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("one folder at a time")), qPrintable(run.err));
    }

    void showsTheWindowAndSavesAScreenshot()
    {
        QTemporaryDir dir;
        const QString repo = dir.filePath(QStringLiteral("project"));
        QDir().mkpath(repo);
        test::git(repo, {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("shot")});
        test::writeFile(repo + QStringLiteral("/a.cpp"), "int a;\n");
        const QString png = dir.filePath(QStringLiteral("out/window.png"));

        const Run run = runGatehouse({QStringLiteral("--verbose"), QStringLiteral("--screenshot"), png, repo});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains(QStringLiteral("Saved a screenshot of the main window")), qPrintable(run.out));
        QVERIFY(run.out.contains(png));
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 800 && image.height() >= 500);
        // A real window has many colours (text, frames, highlight), not one flat fill.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 8, qPrintable(QString::number(colours.size())));

        // --verbose: debug lines on stderr; the rotating log file under the XDG state folder.
        QVERIFY2(run.err.contains(QStringLiteral("debug")), qPrintable(run.err));
        QFile log(qEnvironmentVariable("XDG_STATE_HOME") + QStringLiteral("/gatehouse/log/gatehouse.log"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QByteArray text = log.readAll();
        QVERIFY(text.contains("[app] Gatehouse 0.1.0 starting"));
        QVERIFY(text.contains("[ui] opened a window for"));
    }

    void linksTheChosenLibraries()
    {
        QProcess ldd;
        ldd.start(QStringLiteral("ldd"), {QStringLiteral(GATEHOUSE_BINARY)});
        QVERIFY(ldd.waitForFinished());
        const QString libraries = QString::fromUtf8(ldd.readAllStandardOutput());
        for (const char *library : {"libKF6SyntaxHighlighting", "libqt6keychain", "libgit2", "libspdlog",
                                    "libQt6Widgets", "libQt6Network"})
            QVERIFY2(libraries.contains(QString::fromLatin1(library)), library);
        QVERIFY2(!libraries.contains(QStringLiteral("not found")), qPrintable(libraries));
    }
};

QTEST_GUILESS_MAIN(TestApp)
#include "tst_app.moc"
