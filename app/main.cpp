// SPDX-License-Identifier: GPL-3.0-or-later
// The composition root: parse the command line, create the services, show the window.

#include "headless.h"
#include "i18n.h"
#include "mainwindow.h"
#include "screenshot.h"
#include "verbs.h"
#include "windowregistry.h"

#include "agent/transcript.h"
#include "common/paths.h"
#include "common/version.h"
#include "log/logging.h"
#include "log/qtformat.h"
#include "secrets/credentialstore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>

#include <cstdio>
#include <cstring>
#include <memory>

using namespace gatehouse;

namespace {

// Asking for the version or the help must work without a display, so those do not create a
// QApplication (which needs one).
bool needsGui(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i];
        if (std::strcmp(arg, "--") == 0)
            break;
        if (std::strcmp(arg, "--version") == 0 || std::strcmp(arg, "-v") == 0 || std::strcmp(arg, "--help") == 0
            || std::strcmp(arg, "-h") == 0 || std::strcmp(arg, "--help-all") == 0)
            return false;
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc > 1 && app::isVerb(QString::fromLocal8Bit(argv[1]))) {
        const QCoreApplication core(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("gatehouse"));
        QCoreApplication::setApplicationVersion(QString::fromLatin1(versionString));
        // Verbs print their answers on stdout; the program's own log stays quiet on stderr.
        log::initialize({.directory = paths::logDir()}).or_else([](const Error &) { return Expected<void>(); });
        QStringList arguments = QCoreApplication::arguments();
        const QString verb = arguments.at(1);
        arguments.remove(0, 2);
        const int status = app::runVerb(verb, arguments);
        log::shutdown();
        return status;
    }

    if (app::isHeadlessRun(argc, argv)) {
        const QCoreApplication core(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("gatehouse"));
        QCoreApplication::setApplicationVersion(QString::fromLatin1(versionString));
        log::initialize({.directory = paths::logDir()}).or_else([](const Error &) { return Expected<void>(); });
        QStringList arguments = QCoreApplication::arguments();
        arguments.removeFirst();
        const int status = app::runHeadless(arguments);
        log::shutdown();
        return status;
    }

    const bool gui = needsGui(argc, argv);
    std::unique_ptr<QCoreApplication> app;
    if (gui)
        app = std::make_unique<QApplication>(argc, argv);
    else
        app = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("gatehouse"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(versionString));
    QCoreApplication::setOrganizationDomain(QStringLiteral("gatehouse.dev"));
    if (gui)
        QGuiApplication::setDesktopFileName(QString::fromLatin1(appId));
    ui::installTranslations();

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Work with an AI coding agent on a project folder, with every action passing a gate you control.\n\n"
                "Verbs (see gatehouse VERB --help):\n"
                "  check   decide tool calls read as JSON lines on standard input\n"
                "  rules   print the rules in force and where each comes from\n"
                "  trust   show what a folder's configuration grants, and trust it\n"
                "  audit   print the audit log, or verify it with --verify\n"
                "  run     run a command in the sandbox the agent's commands run in\n\n"
                "Headless: gatehouse -p PROMPT [--project DIR] [--output-format text|json|stream-json] (see gatehouse -p x --help)"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption verbose(QStringLiteral("verbose"),
                                     QCoreApplication::translate("main", "Log debug messages to stderr and the log file."));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Save a PNG of the main window to <file> once it is shown, then quit."),
        QStringLiteral("file"));
    const QCommandLineOption restricted(
        QStringLiteral("restricted"),
        QCoreApplication::translate("main", "Open an untrusted folder restricted, without asking to trust it."));
    parser.addOption(verbose);
    parser.addOption(screenshot);
    parser.addOption(restricted);
    parser.addPositionalArgument(QStringLiteral("folder"),
                                 QCoreApplication::translate("main", "The project folder (default: the current folder)."),
                                 QStringLiteral("[folder]"));
    parser.process(*app);

    if (auto logging = log::initialize({.directory = paths::logDir(), .verbose = parser.isSet(verbose)}); !logging)
        std::fprintf(stderr, "gatehouse: %s (logging to stderr only)\n", qPrintable(logging.error().message));
    const auto logger = log::logger("app");
    logger->info("Gatehouse {} starting, log file {}", versionString, log::logFilePath());

    logger->debug("platform {}, config {}, state {}, data {}", QGuiApplication::platformName(), paths::configDir(),
                  paths::stateDir(), paths::dataDir());
    // Transcripts older than the user's cleanupPeriodDays go at start-up (no session is open yet).
    const int retention = agent::transcriptRetentionDays(paths::configDir() + QStringLiteral("/settings.json"));
    if (const int pruned = agent::Transcript::prune(agent::Transcript::defaultFolder(), retention))
        logger->info("deleted {} old transcript(s)", pruned);

    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        std::fprintf(stderr, "gatehouse: one folder at a time (got %lld)\n", static_cast<long long>(positional.size()));
        return 2;
    }
    const QString folder = positional.isEmpty() ? QDir::currentPath() : positional.first();

    secrets::CredentialStore credentials;
    ui::WindowRegistry windows(&credentials);
    // A screenshot run shows the window, not a question nobody is there to answer.
    windows.setAskForTrust(!parser.isSet(restricted) && !parser.isSet(screenshot));
    const auto window = windows.openFolder(folder);
    if (!window) {
        std::fprintf(stderr, "gatehouse: %s\n", qPrintable(window.error().message));
        logger->error("{}", window.error().message);
        return 2;
    }
    if (parser.isSet(screenshot))
        app::screenshotAndQuit(*window, parser.value(screenshot));

    const int status = QCoreApplication::exec();
    logger->info("Gatehouse exits with status {}", status);
    log::shutdown();
    return status;
}
