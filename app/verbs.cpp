// SPDX-License-Identifier: GPL-3.0-or-later
#include "verbs.h"

#include "runreport.h"
#include "sandbox/sandboxprocess.h"

#include <QEventLoop>

#include "policyoptions.h"

#include "audit/auditevents.h"
#include "audit/auditlog.h"
#include "common/paths.h"
#include "policy/check.h"
#include "policy/engine.h"
#include "policy/paths.h"
#include "sandbox/bwraprunner.h"
#include "sandbox/hostrules.h"
#include "sandbox/networkproxy.h"
#include "trust/truststore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <cstdio>

namespace gatehouse::app {
namespace {

void printTo(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stream);
}

// Processes @p arguments (after the verb) with @p parser; prints errors. False: exit with *status.
bool processArguments(QCommandLineParser &parser, const QString &verb, const QStringList &arguments, int *status)
{
    parser.addHelpOption();
    if (!parser.parse(QStringList{QStringLiteral("gatehouse ") + verb} + arguments)) {
        printTo(stderr, QStringLiteral("gatehouse %1: %2\n").arg(verb, parser.errorText()));
        *status = 2;
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printTo(stdout, parser.helpText());
        *status = 0;
        return false;
    }
    return true;
}

// Trust changes go to the audit log; a failure to write it is said, though the change stands.
void auditTrust(const QString &folder, bool trusted, const trust::Grants &grants)
{
    const QJsonObject fields = audit::trustFields(folder, trusted, grants.hash, grants.items);
    if (auto logged = audit::appendToDefaultLog(QStringLiteral("trust"), fields); !logged)
        printTo(stderr, QStringLiteral("gatehouse trust: warning: the audit log could not be written: %1\n")
                            .arg(logged.error().message));
}

void reportPolicyProblems(const policy::Policy &policy, const QString &verb)
{
    for (const QString &error : policy.errors())
        printTo(stderr, QStringLiteral("gatehouse %1: error: %2\n").arg(verb, error));
    if (!policy.errors().isEmpty())
        printTo(stderr, QStringLiteral("gatehouse %1: until the settings are fixed, nothing is allowed without asking\n").arg(verb));
    for (const QString &warning : policy.warnings())
        printTo(stderr, QStringLiteral("gatehouse %1: warning: %2\n").arg(verb, warning));
}

} // namespace

bool isVerb(const QString &verb)
{
    return verb == QStringLiteral("check") || verb == QStringLiteral("rules") || verb == QStringLiteral("trust")
           || verb == QStringLiteral("run") || verb == QStringLiteral("audit");
}

int runVerb(const QString &verb, const QStringList &arguments)
{
    if (verb == QStringLiteral("check"))
        return runCheck(arguments);
    if (verb == QStringLiteral("rules"))
        return runRules(arguments);
    if (verb == QStringLiteral("run"))
        return runSandboxed(arguments);
    if (verb == QStringLiteral("audit"))
        return runAudit(arguments);
    return runTrust(arguments);
}

int runCheck(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Reads tool calls as JSON lines on standard input and writes one decision per line on standard output."));
    PolicyCommandLine common;
    common.addTo(parser);
    int status = 0;
    if (!processArguments(parser, QStringLiteral("check"), arguments, &status))
        return status;
    if (!parser.positionalArguments().isEmpty()) {
        printTo(stderr, QStringLiteral("gatehouse check: unexpected argument %1\n").arg(parser.positionalArguments().first()));
        return 2;
    }
    auto options = common.read(parser);
    if (!options) {
        printTo(stderr, QStringLiteral("gatehouse check: %1\n").arg(options.error().message));
        return 2;
    }
    // sandbox.autoAllow counts only where the sandbox can really be built.
    if (policy::Policy::load(*options).sandboxAutoAllow())
        options->sandboxAvailable = sandbox::BwrapRunner::selfTest().ok;
    const policy::Engine engine(policy::Policy::load(*options));
    reportPolicyProblems(engine.policy(), QStringLiteral("check"));

    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        printTo(stderr, QStringLiteral("gatehouse check: cannot read standard input\n"));
        return 2;
    }
    bool anyMalformed = false;
    while (true) {
        QByteArray line = in.readLine();
        if (line.isEmpty())
            break;
        if (line.endsWith('\n'))
            line.chop(1);
        if (line.endsWith('\r'))
            line.chop(1);
        bool malformed = false;
        QByteArray answer = policy::checkLine(engine, line, &malformed);
        anyMalformed |= malformed;
        answer += '\n';
        std::fwrite(answer.constData(), 1, static_cast<std::size_t>(answer.size()), stdout);
        std::fflush(stdout); // one answer per line, as it comes, for callers that talk to it
    }
    return anyMalformed ? 2 : 0;
}

int runRules(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Prints the rules in force for a project, with the layer and file each came from."));
    PolicyCommandLine common;
    common.addTo(parser);
    int status = 0;
    if (!processArguments(parser, QStringLiteral("rules"), arguments, &status))
        return status;
    auto options = common.read(parser);
    if (!options) {
        printTo(stderr, QStringLiteral("gatehouse rules: %1\n").arg(options.error().message));
        return 2;
    }
    const policy::Policy policy = policy::Policy::load(*options);
    QString out;
    QTextStream text(&out);
    text << "Project: " << policy.projectDir() << (options->projectTrusted ? " (trusted)" : " (not trusted: its own loosening settings are ignored)") << '\n';
    text << "Mode: " << policy::modeName(policy.mode());
    if (policy.modeFromSettings())
        text << " (from the " << policy::layerName(policy.modeLayer()) << " layer)";
    text << '\n';
    text << "Folders the agent works in: " << policy.workspaceFolders().join(QStringLiteral(", ")) << '\n';
    for (const auto verdict : {policy::Verdict::Deny, policy::Verdict::Ask, policy::Verdict::Allow}) {
        text << '\n' << policy::verdictName(verdict) << ":\n";
        int count = 0;
        for (const policy::RuleEntry &entry : policy.rules()) {
            if (entry.verdict != verdict)
                continue;
            ++count;
            text << "  " << entry.rule.text << "    [" << policy::layerName(entry.layer) << ": " << entry.file << ']'
                 << (entry.rule.neverMatches ? " (never matches)" : "") << '\n';
        }
        if (count == 0)
            text << "  (none)\n";
    }
    if (!policy.ignored().isEmpty()) {
        text << "\nNot applied:\n";
        for (const QString &item : policy.ignored())
            text << "  " << item << '\n';
    }
    text.flush();
    printTo(stdout, out);
    reportPolicyProblems(policy, QStringLiteral("rules"));
    return policy.errors().isEmpty() ? 0 : 1;
}

int runTrust(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Shows what a folder's own configuration would grant and, once you confirm, trusts the folder."));
    const QCommandLineOption yes(QStringLiteral("yes"), QStringLiteral("Trust without asking for confirmation."));
    const QCommandLineOption revoke(QStringLiteral("revoke"), QStringLiteral("Stop trusting the folder."));
    parser.addOptions({yes, revoke});
    parser.addPositionalArgument(QStringLiteral("dir"), QStringLiteral("The folder."));
    int status = 0;
    if (!processArguments(parser, QStringLiteral("trust"), arguments, &status))
        return status;
    if (parser.positionalArguments().size() != 1) {
        printTo(stderr, QStringLiteral("gatehouse trust: name one folder\n"));
        return 2;
    }
    const QFileInfo info(parser.positionalArguments().first());
    if (!info.isDir()) {
        printTo(stderr, QStringLiteral("gatehouse trust: %1 is not a folder\n").arg(info.filePath()));
        return 2;
    }
    const QString folder = info.canonicalFilePath();
    trust::TrustStore store(paths::configDir());
    if (parser.isSet(revoke)) {
        if (auto done = store.revoke(folder); !done) {
            printTo(stderr, QStringLiteral("gatehouse trust: %1\n").arg(done.error().message));
            return 1;
        }
        auditTrust(folder, false, {});
        printTo(stdout, QStringLiteral("%1 is no longer trusted.\n").arg(folder));
        return 0;
    }
    const trust::Grants grants = trust::readGrants(folder);
    printTo(stdout, QStringLiteral("%1\n").arg(folder));
    if (!grants.errors.isEmpty()) {
        for (const QString &error : grants.errors)
            printTo(stderr, QStringLiteral("gatehouse trust: error: %1\n").arg(error));
        printTo(stderr, QStringLiteral("gatehouse trust: fix the folder's configuration first; it cannot be trusted as it is\n"));
        return 1;
    }
    if (grants.isEmpty())
        printTo(stdout, QStringLiteral("Its configuration grants nothing beyond your own settings.\n"));
    else {
        printTo(stdout, QStringLiteral("Trusting it lets its configuration:\n"));
        for (const QString &item : grants.items)
            printTo(stdout, QStringLiteral("  - %1\n").arg(item));
    }
    if (store.isTrusted(folder, grants.hash)) {
        printTo(stdout, QStringLiteral("It is already trusted with exactly these grants.\n"));
        return 0;
    }
    if (store.find(folder))
        printTo(stdout, QStringLiteral("It was trusted before, with other grants; they changed since.\n"));
    if (!parser.isSet(yes)) {
        printTo(stdout, QStringLiteral("Trust this folder? [y/N] "));
        std::fflush(stdout);
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly))
            return 1;
        const QByteArray answer = in.readLine().trimmed().toLower();
        if (answer != "y" && answer != "yes") {
            printTo(stdout, QStringLiteral("Not trusted.\n"));
            return 1;
        }
    }
    if (auto done = store.trust(folder, grants.hash); !done) {
        printTo(stderr, QStringLiteral("gatehouse trust: %1\n").arg(done.error().message));
        return 1;
    }
    auditTrust(folder, true, grants);
    printTo(stdout, QStringLiteral("Trusted.\n"));
    return 0;
}

int runSandboxed(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs one command in the sandbox that Bash commands of the agent run in, and exits with its status "
        "(124 after a timeout, 125 when the sandbox cannot be built)."));
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    const QCommandLineOption project(QStringLiteral("project"), QStringLiteral("The project folder (default: the current folder)."),
                                     QStringLiteral("dir"));
    const QCommandLineOption settings(QStringLiteral("settings"), QStringLiteral("A settings file of the command-line layer (repeatable)."),
                                      QStringLiteral("file"));
    const QCommandLineOption allowWrite(QStringLiteral("allow-write"), QStringLiteral("Another writable folder (repeatable)."),
                                        QStringLiteral("path"));
    const QCommandLineOption denyRead(QStringLiteral("deny-read"), QStringLiteral("A path the command may not read (repeatable)."),
                                      QStringLiteral("path"));
    const QCommandLineOption allowDomain(QStringLiteral("allow-domain"), QStringLiteral("A host the command may reach (repeatable)."),
                                         QStringLiteral("host"));
    const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("Stop the command after this many seconds."),
                                     QStringLiteral("seconds"));
    const QCommandLineOption selfTest(QStringLiteral("self-test"),
                                      QStringLiteral("Check that the sandbox can be built here, say what is missing and how to fix it."));
    const QCommandLineOption landHeld(QStringLiteral("land-held"),
                                      QStringLiteral("Land the changes the sandbox held for a person's answer (protected paths, git's "
                                                     "configuration and hooks, new repositories, links out) instead of discarding them."));
    parser.addOptions({project, settings, allowWrite, denyRead, allowDomain, timeout, selfTest, landHeld});
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("The command and its arguments, after --."),
                                 QStringLiteral("-- CMD [ARGS...]"));
    int status = 0;
    if (!processArguments(parser, QStringLiteral("run"), arguments, &status))
        return status;
    if (parser.isSet(selfTest)) {
        bool ok = true;
        for (const sandbox::BwrapRunner::Check &check : sandbox::BwrapRunner::checkAll()) {
            printTo(stdout, QStringLiteral("%1 %2: %3\n").arg(check.ok ? QStringLiteral("ok     ") : QStringLiteral("FAILED "),
                                                               check.what, check.detail));
            if (!check.ok) {
                printTo(stdout, QStringLiteral("        fix: %1\n").arg(check.fix));
                ok = false;
            }
        }
        printTo(stdout, ok ? QStringLiteral("The sandbox works here.\n")
                           : QStringLiteral("The sandbox cannot be built here: commands will not run.\n"));
        return ok ? 0 : 125;
    }
    const QStringList command = parser.positionalArguments();
    if (command.isEmpty()) {
        printTo(stderr, QStringLiteral("gatehouse run: name a command after -- (or --self-test)\n"));
        return 2;
    }
    policy::PolicyOptions options;
    options.projectDir = parser.isSet(project) ? parser.value(project) : QDir::currentPath();
    if (!QFileInfo(options.projectDir).isDir()) {
        printTo(stderr, QStringLiteral("gatehouse run: the project folder %1 does not exist\n").arg(options.projectDir));
        return 2;
    }
    options.projectDir = QFileInfo(options.projectDir).canonicalFilePath();
    options.homeDir = QDir::homePath();
    options.userConfigDir = paths::configDir();
    options.managedDir = paths::managedDir();
    options.cliSettingsFiles = parser.values(settings);
    const trust::Grants grants = trust::readGrants(options.projectDir);
    options.projectTrusted = grants.errors.isEmpty() && trust::TrustStore(paths::configDir()).isTrusted(options.projectDir, grants.hash);
    const policy::Policy policy = policy::Policy::load(options);
    if (!policy.errors().isEmpty()) {
        reportPolicyProblems(policy, QStringLiteral("run"));
        return 125;
    }
    QStringList hostErrors;
    const sandbox::HostRules hostRules = sandbox::HostRules::fromPolicy(policy, parser.values(allowDomain), &hostErrors);
    if (!hostErrors.isEmpty()) {
        for (const QString &message : std::as_const(hostErrors))
            printTo(stderr, QStringLiteral("gatehouse run: %1\n").arg(message));
        return 2;
    }

    sandbox::SandboxSpec spec = sandbox::specForPolicy(policy);
    for (const QString &path : parser.values(allowWrite))
        spec.writableFolders << QFileInfo(path).absoluteFilePath();
    for (const QString &path : parser.values(denyRead))
        spec.denyRead << QFileInfo(path).absoluteFilePath();
    const QString here = QDir::currentPath();
    for (const QString &folder : std::as_const(spec.writableFolders))
        if (policy::isInside(QFileInfo(here).canonicalFilePath(), QFileInfo(folder).canonicalFilePath()))
            spec.workingDirectory = QFileInfo(here).canonicalFilePath();
    if (parser.isSet(timeout)) {
        bool ok = false;
        spec.timeoutSeconds = parser.value(timeout).toInt(&ok);
        if (!ok || spec.timeoutSeconds <= 0) {
            printTo(stderr, QStringLiteral("gatehouse run: --timeout takes a number of seconds\n"));
            return 2;
        }
    }
    // Nobody is asked here: hosts that no rule allows are refused, and without any allowed host
    // there is no network at all (no proxy, no bridge).
    sandbox::NetworkProxy proxy(hostRules, nullptr);
    QObject::connect(&proxy, &sandbox::NetworkProxy::connectionDecided, &proxy, [](const sandbox::ConnectionEvent &event) {
        if (!event.allowed)
            printTo(stderr, QStringLiteral("gatehouse run: network: refused %1:%2: %3\n").arg(event.host).arg(event.port).arg(event.reason));
    });
    if (!hostRules.isEmpty()) {
        auto endpoint = proxy.openEndpoint(command.join(u' '));
        if (!endpoint) {
            printTo(stderr, QStringLiteral("gatehouse run: the sandbox cannot be built: %1\n").arg(endpoint.error().message));
            return 125;
        }
        spec.proxySocket = *endpoint;
    }
    sandbox::SandboxProcess process;
    QEventLoop loop;
    int exitStatus = 125;
    QString error;
    QObject::connect(&process, &sandbox::SandboxProcess::finished, &loop, [&](int finishedStatus, const QString &message) {
        exitStatus = finishedStatus;
        error = message;
        loop.quit();
    });
    process.start(spec, command, sandbox::SandboxProcess::Channels::Forwarded);
    loop.exec();
    if (!error.isEmpty())
        printTo(stderr, QStringLiteral("gatehouse run: %1\n").arg(error));
    if (!reportStaging(process, parser.isSet(landHeld)) && exitStatus == 0)
        return 125;
    return exitStatus;
}

} // namespace gatehouse::app
