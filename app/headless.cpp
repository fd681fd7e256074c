// SPDX-License-Identifier: GPL-3.0-or-later
#include "headless.h"

#include "headlessoutput.h"
#include "policyoptions.h"

#include "agent/agentsession.h"
#include "agent/clients/modelconfig.h"
#include "agent/modelclient.h"
#include "agent/transcript.h"
#include "audit/auditlog.h"
#include "audit/redact.h"
#include "common/paths.h"
#include "log/logging.h"
#include "log/qtformat.h"
#include "policy/engine.h"
#include "sandbox/bwraprunner.h"
#include "secrets/credentialstore.h"
#include "trust/truststore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QProcessEnvironment>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace gatehouse::app {
namespace {

void printError(const QString &text)
{
    const QByteArray bytes = (QStringLiteral("gatehouse: ") + text + u'\n').toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stderr);
}

int interruptPipe[2] = {-1, -1};

void onInterrupt(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(interruptPipe[1], &byte, 1);
}

// Completes @p config with the key from the keychain when the environment gives none.
Expected<agent::ModelConfig> withKeychainKey(const agent::ModelConfig &config)
{
    if (!agent::needsKeychainKey(config))
        return config;
    secrets::CredentialStore store;
    QEventLoop loop;
    Expected<agent::ModelConfig> completed = fail(QStringLiteral("the keychain did not answer"));
    agent::fillApiKeyFromKeychain(config, &store, &loop, [&](Expected<agent::ModelConfig> result) {
        completed = std::move(result);
        loop.quit();
    });
    loop.exec();
    return completed;
}

} // namespace

bool isHeadlessRun(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") == 0)
            return false;
        if (std::strcmp(argv[i], "-p") == 0 || std::strcmp(argv[i], "--print") == 0)
            return true;
    }
    return false;
}

int runHeadless(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the agent once on PROMPT without a window. Anything that would ask is denied and listed."));
    parser.addHelpOption();
    const QCommandLineOption print({QStringLiteral("p"), QStringLiteral("print")}, QStringLiteral("The prompt."),
                                   QStringLiteral("prompt"));
    const QCommandLineOption format(QStringLiteral("output-format"), QStringLiteral("text, json or stream-json."), QStringLiteral("format"),
                                    QStringLiteral("text"));
    const QCommandLineOption maxTurns(QStringLiteral("max-turns"), QStringLiteral("Stop after this many model turns (default 30)."),
                                      QStringLiteral("n"), QStringLiteral("30"));
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("The model to use."), QStringLiteral("model"));
    const QCommandLineOption replay(QStringLiteral("replay"), QStringLiteral("Play a scripted conversation from FILE instead of a model."),
                                    QStringLiteral("file"));
    const QCommandLineOption resume(QStringLiteral("resume"), QStringLiteral("Continue the session with this id."), QStringLiteral("id"));
    // The policy options of check and rules, but not --assume-trusted: a headless run needs real trust.
    const PolicyCommandLine common(false);
    common.addTo(parser);
    parser.addOptions({print, format, maxTurns, model, replay, resume});
    if (!parser.parse(QStringList{QStringLiteral("gatehouse")} + arguments)) {
        printError(parser.errorText());
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printError(QStringLiteral("unexpected argument %1 (quote the prompt)").arg(parser.positionalArguments().first()));
        return 2;
    }
    const QString prompt = parser.value(print);
    HeadlessOutput::Format outputFormat = HeadlessOutput::Format::Text;
    if (parser.value(format) == QStringLiteral("json"))
        outputFormat = HeadlessOutput::Format::Json;
    else if (parser.value(format) == QStringLiteral("stream-json"))
        outputFormat = HeadlessOutput::Format::StreamJson;
    else if (parser.value(format) != QStringLiteral("text")) {
        printError(QStringLiteral("--output-format is text, json or stream-json"));
        return 2;
    }
    bool turnsOk = false;
    const int turnLimit = parser.value(maxTurns).toInt(&turnsOk);
    if (!turnsOk || turnLimit <= 0) {
        printError(QStringLiteral("--max-turns takes a positive number"));
        return 2;
    }

    auto read = common.read(parser);
    if (!read) {
        printError(read.error().message);
        return 2;
    }
    // Trust first: an untrusted folder is refused before anything of its configuration applies.
    const QString projectDir = read->projectDir;
    if (!read->projectTrusted) {
        const trust::Grants grants = trust::readGrants(projectDir);
        const bool trustedBefore = trust::TrustStore(paths::configDir()).find(projectDir).has_value();
        printError(QStringLiteral("%1 is not trusted, so a headless run does not start there (nothing from its "
                                  "configuration was applied). Review what it grants and trust it with `gatehouse trust %1`%2.")
                       .arg(projectDir, trustedBefore ? QStringLiteral(" (its configuration changed since it was trusted)")
                                                      : QString()));
        for (const QString &error : grants.errors)
            printError(QStringLiteral("error: %1").arg(error));
        return 2;
    }

    agent::SessionSetup setup;
    setup.policy = *read;
    policy::PolicyOptions &options = setup.policy;
    options.headless = true;
    if (policy::Policy::load(options).sandboxAutoAllow())
        options.sandboxAvailable = sandbox::BwrapRunner::selfTest().ok;
    const policy::Policy policy = policy::Policy::load(options);
    if (!policy.errors().isEmpty()) {
        for (const QString &error : policy.errors())
            printError(QStringLiteral("error: %1").arg(error));
        printError(QStringLiteral("fix the settings first; a headless run does not start with settings it cannot read"));
        return 2;
    }
    setup.maxTurns = turnLimit;

    agent::ModelConfigSources sources = agent::ModelConfigSources::standard();
    sources.projectSettingsFiles = {projectDir + QStringLiteral("/.gatehouse/settings.json"),
                                    projectDir + QStringLiteral("/.gatehouse/settings.local.json")};
    sources.cliModel = parser.value(model);
    sources.cliReplayFile = parser.value(replay);
    auto resolved = agent::resolveModelConfig(sources);
    if (!resolved) {
        printError(resolved.error().message);
        return 2;
    }
    for (const QString &warning : resolved->warnings)
        printError(QStringLiteral("warning: %1").arg(warning));
    auto config = withKeychainKey(*resolved);
    if (!config) {
        printError(config.error().message);
        return 2;
    }
    if (!config->apiKey.isEmpty())
        audit::registerSecret(config->apiKey);
    setup.model = config->model;

    const QString transcriptsDir = agent::Transcript::defaultFolder();
    agent::Transcript::prune(transcriptsDir, agent::transcriptRetentionDays(sources.userSettingsFile),
                             parser.value(resume));
    QList<agent::Message> history;
    std::optional<agent::Transcript> transcript;
    if (parser.isSet(resume)) {
        auto resumed = agent::Transcript::load(transcriptsDir, parser.value(resume));
        if (!resumed) {
            printError(resumed.error().message);
            return 2;
        }
        if (resumed->info.projectDir != projectDir) {
            printError(QStringLiteral("session %1 belongs to %2, not %3").arg(parser.value(resume), resumed->info.projectDir, projectDir));
            return 2;
        }
        for (const QString &warning : std::as_const(resumed->warnings))
            printError(QStringLiteral("warning: %1").arg(warning));
        history = resumed->messages;
        transcript = std::move(resumed->transcript);
    } else {
        agent::SessionInfo info;
        info.id = agent::Transcript::newSessionId();
        info.projectDir = projectDir;
        info.model = config->model;
        info.client = agent::providerName(config->provider);
        auto created = agent::Transcript::create(transcriptsDir, info);
        if (!created) {
            printError(QStringLiteral("the transcript cannot be written: %1").arg(created.error().message));
            return 1;
        }
        transcript = std::move(*created);
    }
    const QString sessionId = transcript->info().id;

    auto auditLog = audit::AuditLog::open(audit::AuditLog::defaultFolder());
    if (!auditLog) {
        // Without the audit log the run would leave no record of what it was allowed to do.
        printError(QStringLiteral("the audit log cannot be written: %1").arg(auditLog.error().message));
        return 1;
    }
    (*auditLog)->setSessionId(sessionId);

    std::unique_ptr<agent::ModelClient> client = agent::createModelClient(*config);
    agent::AgentSession session(setup, client.get(), nullptr, auditLog->get(), &*transcript, nullptr);
    session.setHistory(history);
    HeadlessOutput output(outputFormat, stdout);
    QObject::connect(&session, &agent::AgentSession::messageAdded, &session,
                     [&output](const agent::Message &message) { output.message(message); });
    QObject::connect(&session, &agent::AgentSession::toolCallDecided, &session,
                     [&output](const agent::ToolCallRecord &record) { output.decided(record); });
    QObject::connect(&session, &agent::AgentSession::toolCallFinished, &session,
                     [&output](const agent::ToolCallRecord &record) { output.toolFinished(record); });
    QObject::connect(&session, &agent::AgentSession::networkDecided, &session,
                     [&output](const sandbox::ConnectionEvent &event) { output.network(event); });
    QObject::connect(&session, &agent::AgentSession::retrying, &session, [](int attempt, int delayMs, const QString &reason) {
        printError(QStringLiteral("%1; trying again in %2 s (attempt %3)").arg(reason).arg(delayMs / 1000.0, 0, 'f', 1).arg(attempt));
    });

    int status = 0;
    QEventLoop loop;
    QObject::connect(&session, &agent::AgentSession::finished, &loop,
                     [&](agent::SessionEnd end, const QString &message) {
                         output.finished(session, end, message, sessionId);
                         switch (end) {
                         case agent::SessionEnd::Completed:
                             status = 0;
                             break;
                         case agent::SessionEnd::ModelFailed:
                             status = 1;
                             break;
                         case agent::SessionEnd::MaxTurns:
                             status = 3;
                             break;
                         case agent::SessionEnd::Cancelled:
                             status = 130;
                             break;
                         }
                         loop.quit();
                     });
    // Ctrl-C stops the run the way a person's cancel does: the command, the stream, then the turn.
    std::unique_ptr<QSocketNotifier> interrupt;
    if (::pipe(interruptPipe) == 0) {
        interrupt = std::make_unique<QSocketNotifier>(interruptPipe[0], QSocketNotifier::Read);
        QObject::connect(interrupt.get(), &QSocketNotifier::activated, &session, [&session] { session.cancel(); });
        std::signal(SIGINT, onInterrupt);
        std::signal(SIGTERM, onInterrupt);
    }
    output.started({{QStringLiteral("session_id"), sessionId},
                    {QStringLiteral("cwd"), projectDir},
                    {QStringLiteral("model"), client->displayName()},
                    {QStringLiteral("client"), client->kind()},
                    {QStringLiteral("mode"), policy::modeName(session.engine().policy().mode())}});
    log::logger("agent")->info("headless session {} in {} with {}", sessionId, projectDir, client->displayName());
    session.prompt(prompt);
    loop.exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return status;
}

} // namespace gatehouse::app
