// SPDX-License-Identifier: GPL-3.0-or-later
// The audit log's own cost, each against a baseline in the same run (run-agent-bench.sh):
//  - AuditLog::append of a typical decision line (lines/s, median and p99 latency) against a
//    plain write() + fdatasync() of a line of the same size on the same file system; the ratio is
//    what the lock, the tail read, head.json, hashing and redaction add to the sync itself;
//  - redactSecrets on a typical 200-character command line, and redactJson on the decision's
//    fields (what append does to every line), in ns per call;
//  - verifyAuditLog over a chain of VERIFY_LINES lines, against reading the same files and
//    parsing every line as JSON (what any reader of the log pays).
// Usage: bench_audit FOLDER [APPENDS] [VERIFY_LINES]   (FOLDER: an empty folder on the file system
// to measure; the benchmark writes its logs there)
#include "audit/auditevents.h"
#include "audit/auditline_p.h"
#include "audit/auditlog.h"
#include "audit/redact.h"
#include "policy/decision.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

using namespace gatehouse;

namespace {

double percentile(std::vector<double> values, double fraction)
{
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5);
    return values.at(std::min(index, values.size() - 1));
}

double total(const std::vector<double> &values)
{
    double sum = 0;
    for (const double value : values)
        sum += value;
    return sum;
}

// A 200-character command of the kind the agent runs, with no secret in it (the common case).
QString typicalCommand()
{
    QString command = QStringLiteral(
        "cd /home/dev/src/project && GIT_AUTHOR_NAME=dev npm run test -- --reporter=dot "
        "--grep 'parser handles quoted strings' 2>&1 | tee /tmp/test-output.log && git status --short && echo ok");
    while (command.size() < 200)
        command += u' ';
    return command.left(200);
}

QJsonObject typicalDecision()
{
    policy::ToolCall call{QStringLiteral("Bash"),
                          {{QStringLiteral("command"), typicalCommand()},
                           {QStringLiteral("description"), QStringLiteral("Run the parser tests")}}};
    policy::Decision decision;
    decision.verdict = policy::Verdict::Allow;
    decision.reason = QStringLiteral("allowed by the project's rule");
    decision.rule = QStringLiteral("Bash(npm run test:*)");
    decision.source = policy::Source::Project;
    decision.description = QStringLiteral("Runs the project's tests");
    QJsonObject fields = audit::decisionFields(call, decision);
    fields.insert(QStringLiteral("toolUseId"), QStringLiteral("toolu_01AbCdEfGhIjKlMnOpQrStUv"));
    return fields;
}

void benchAppend(const QString &folder, int appends)
{
    auto log = audit::AuditLog::open(folder + QStringLiteral("/audit"));
    if (!log) {
        std::fprintf(stderr, "bench_audit: %s\n", qPrintable(log.error().message));
        std::exit(1);
    }
    (*log)->setSessionId(QStringLiteral("20260101-120000-abcdef"));
    const QJsonObject fields = typicalDecision();
    // A line of the same size as the audit line: same header shape, same fields, hashed.
    const auto sample = audit::detail::buildLine(
        {1, QDateTime::currentDateTimeUtc(), QStringLiteral("decision"), (*log)->sessionId(), audit::detail::genesisHash()},
        fields);
    const QByteArray plainLine = QByteArray(sample->size() - 1, 'x') + '\n';
    const QByteArray plainPath = QFile::encodeName(folder + QStringLiteral("/plain.jsonl"));
    const int plainFd = ::open(plainPath.constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (plainFd < 0) {
        std::perror("bench_audit: open");
        std::exit(1);
    }

    // Interleaved in batches, so that drifts of the machine (and the disk) hit both alike.
    constexpr int batch = 25;
    std::vector<double> ours, plain;
    QElapsedTimer timer;
    while (int(ours.size()) < appends) {
        for (int i = 0; i < batch; ++i) {
            timer.start();
            if (auto done = (*log)->append(QStringLiteral("decision"), fields); !done) {
                std::fprintf(stderr, "bench_audit: %s\n", qPrintable(done.error().message));
                std::exit(1);
            }
            ours.push_back(static_cast<double>(timer.nsecsElapsed()) / 1000.0);
        }
        for (int i = 0; i < batch; ++i) {
            timer.start();
            if (::write(plainFd, plainLine.constData(), static_cast<size_t>(plainLine.size())) != plainLine.size()
                || ::fdatasync(plainFd) != 0) {
                std::perror("bench_audit: write");
                std::exit(1);
            }
            plain.push_back(static_cast<double>(timer.nsecsElapsed()) / 1000.0);
        }
    }
    ::close(plainFd);
    const double oursRate = double(ours.size()) / (total(ours) / 1e6);
    const double plainRate = double(plain.size()) / (total(plain) / 1e6);
    std::printf("audit append (%lld-byte decision line, %zu lines):\n", static_cast<long long>(sample->size()), ours.size());
    std::printf("  write+fdatasync (baseline):  %7.0f lines/s  median %7.0f us  p99 %7.0f us\n", plainRate,
                percentile(plain, 0.5), percentile(plain, 0.99));
    std::printf("  AuditLog::append:            %7.0f lines/s  median %7.0f us  p99 %7.0f us  ratio (median) %.2f\n",
                oursRate, percentile(ours, 0.5), percentile(ours, 0.99), percentile(ours, 0.5) / percentile(plain, 0.5));

    // Redaction, on its own: what every line (and every transcript line) pays before it is written.
    const QString command = typicalCommand();
    constexpr int calls = 20000;
    qsizetype sink = 0;
    timer.start();
    for (int i = 0; i < calls; ++i)
        sink += audit::redactSecrets(command).size();
    const double redactNs = static_cast<double>(timer.nsecsElapsed()) / calls;
    timer.start();
    for (int i = 0; i < calls / 10; ++i)
        sink += audit::redactJson(fields).toObject().size();
    const double redactJsonNs = static_cast<double>(timer.nsecsElapsed()) / (calls / 10);
    std::printf("  redactSecrets, 200-char command:      %8.0f ns/call (%.1f%% of a median append)\n", redactNs,
                redactNs / 10.0 / percentile(ours, 0.5));
    std::printf("  redactJson, the decision's fields:    %8.0f ns/call (%.1f%% of a median append)%s\n", redactJsonNs,
                redactJsonNs / 10.0 / percentile(ours, 0.5), sink == 0 ? " (?)" : "");
}

void benchVerify(const QString &folder, int lines)
{
    // The chain is built with the writer's own line format rather than through append(), whose
    // fdatasync per line would make 100k lines take minutes.
    const QString dir = folder + QStringLiteral("/verify");
    QDir().mkpath(dir);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString path = dir + u'/' + audit::detail::fileNameFor(now);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        std::fprintf(stderr, "bench_audit: cannot write %s\n", qPrintable(path));
        std::exit(1);
    }
    const QJsonObject fields = audit::redactJson(typicalDecision()).toObject();
    QByteArray prev = audit::detail::genesisHash();
    for (qint64 seq = 1; seq <= lines; ++seq) {
        const auto line = audit::detail::buildLine(
            {seq, now, QStringLiteral("decision"), QStringLiteral("20260101-120000-abcdef"), prev}, fields);
        file.write(*line);
        prev = line->mid(line->lastIndexOf(",\"hash\":\"") + 9, 64);
    }
    file.close();
    QFile head(dir + u'/' + QLatin1StringView(audit::detail::headFileName));
    head.open(QIODevice::WriteOnly);
    head.write(QJsonDocument(QJsonObject{{QStringLiteral("seq"), lines}, {QStringLiteral("hash"), QString::fromLatin1(prev)}})
                   .toJson(QJsonDocument::Compact)
               + '\n');
    head.close();

    QElapsedTimer timer;
    timer.start();
    qsizetype parsed = 0;
    {
        QFile again(path);
        again.open(QIODevice::ReadOnly);
        const QList<QByteArray> split = again.readAll().split('\n');
        for (const QByteArray &line : split)
            parsed += QJsonDocument::fromJson(line).object().size() > 0 ? 1 : 0;
    }
    const double baseMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    timer.start();
    const audit::AuditVerification verification = audit::verifyAuditLog(dir);
    const double verifyMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    if (!verification.ok || verification.lines != lines || parsed != lines) {
        std::fprintf(stderr, "bench_audit: the generated chain did not verify (%lld lines, %lld parsed): %s\n",
                     static_cast<long long>(verification.lines), static_cast<long long>(parsed),
                     qPrintable(verification.problems.value(0)));
        std::exit(1);
    }
    std::printf("verify %d lines (%.1f MB):\n", lines, static_cast<double>(QFileInfo(path).size()) / 1e6);
    std::printf("  read + parse each line (baseline): %7.0f ms\n", baseMs);
    std::printf("  verifyAuditLog:                    %7.0f ms  ratio %.2f\n", verifyMs, verifyMs / baseMs);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_audit FOLDER [APPENDS] [VERIFY_LINES]\n");
        return 2;
    }
    const QString folder = QString::fromLocal8Bit(argv[1]);
    const int appends = argc > 2 ? std::atoi(argv[2]) : 1000;
    const int verifyLines = argc > 3 ? std::atoi(argv[3]) : 100000;
    benchAppend(folder, appends);
    benchVerify(folder, verifyLines);
    return 0;
}
