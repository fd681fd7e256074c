// SPDX-License-Identifier: GPL-3.0-or-later
// `gatehouse audit`: reads and verifies the audit log (SECURITY-MODEL.md section 7).
#include "verbs.h"

#include "headlessoutput.h"

#include "audit/auditlog.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cstdio>

namespace gatehouse::app {
namespace {

void print(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stream);
}

// "2026-11-01", "2026-11-01T10:00", or a duration back from now: "90m", "2h", "3d", "1w".
std::optional<QDateTime> parseSince(const QString &text)
{
    static const QRegularExpression duration(QStringLiteral("^(\\d+)([mhdw])$"));
    if (const auto match = duration.match(text); match.hasMatch()) {
        const qint64 amount = match.captured(1).toLongLong();
        const qint64 unit = QHash<QString, qint64> {{QStringLiteral("m"), 60}, {QStringLiteral("h"), 3600},
            {QStringLiteral("d"), 86400},
            {QStringLiteral("w"),
                7 * 86400}}.value(match.captured(2));
        return QDateTime::currentDateTimeUtc().addSecs(-amount * unit);
    }
    if (const QDate date = QDate::fromString(text, Qt::ISODate); date.isValid())
        return date.startOfDay().toUTC();
    if (const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs); time.isValid())
        return time.toUTC();
    return std::nullopt;
}

QString field(const QJsonObject &entry, const char *name)
{
    return entry.value(QLatin1StringView(name)).toVariant().toString();
}

// One entry as a person reads it: time, event, then what matters for that kind of event.
QString readable(const QJsonObject &entry)
{
    const QDateTime time = QDateTime::fromString(field(entry, "time"), Qt::ISODateWithMs).toLocalTime();
    const QString event = field(entry, "event");
    QStringList parts {time.toString(QStringLiteral("yyyy-MM-dd hh:mm:ss")), event.leftJustified(10)};
    if (event == QStringLiteral("decision")) {
        const QJsonObject input = entry.value(QStringLiteral("input")).toObject();
        QString summary;
        for (const char *key : {"command", "file_path", "url", "pattern", "path"})
            if (summary.isEmpty())
                summary = field(input, key);
        if (summary.isEmpty() && !input.isEmpty())
            summary = QString::fromUtf8(QJsonDocument(input).toJson(QJsonDocument::Compact));
        parts << field(entry, "tool") << field(entry, "verdict") << summary.simplified();
        QString source = field(entry, "source");
        if (!field(entry, "rule").isEmpty())
            source += QStringLiteral(": ") + field(entry, "rule");
        parts << QStringLiteral("(%1)").arg(source);
    } else if (event == QStringLiteral("answer")) {
        parts << field(entry, "tool") << field(entry, "answer") << field(entry, "rule");
        if (!field(entry, "savedTo").isEmpty())
            parts << QStringLiteral("saved to %1").arg(field(entry, "savedTo"));
        if (!field(entry, "feedback").isEmpty())
            parts << QStringLiteral("\"%1\"").arg(field(entry, "feedback").simplified());
    } else if (event == QStringLiteral("execution")) {
        parts << field(entry, "tool") << QStringLiteral("exit %1").arg(field(entry, "exitStatus"))
              << QStringLiteral("%1 ms").arg(field(entry, "durationMs"))
              << QStringLiteral("(%1)").arg(field(entry, "sandbox"));
    } else if (event == QStringLiteral("connection")) {
        parts << QStringLiteral("%1:%2").arg(field(entry, "host"), field(entry, "port"))
              << (entry.value(QStringLiteral("allowed")).toBool() ? QStringLiteral("allowed")
                                                                  : QStringLiteral("denied"))
              << field(entry, "command") << field(entry, "reason");
    } else {
        // trust changes, and the prompts and ends of agent sessions
        parts << field(entry, "action") << field(entry, "project") << field(entry, "model") << field(entry, "outcome")
              << field(entry, "message");
    }
    parts.removeAll(QString());
    return terminalText(parts.join(QStringLiteral("  "))); // commands and paths come from the model
}

} // namespace

int runAudit(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Prints the audit log (every decision, answer, execution, "
                                                    "connection and trust change), or verifies its hash chain."));
    const QCommandLineOption verify(
        QStringLiteral("verify"), QStringLiteral("Check that no line was removed, edited, inserted or moved."));
    const QCommandLineOption since(QStringLiteral("since"),
        QStringLiteral("Only entries from DATE (2026-11-01) or the last DURATION (2h, 3d)."), QStringLiteral("when"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print the entries as their JSON lines."));
    parser.addOptions({verify, since, json});
    parser.addHelpOption();
    if (!parser.parse(QStringList {QStringLiteral("gatehouse audit")} + arguments)) {
        print(stderr, QStringLiteral("gatehouse audit: %1\n").arg(parser.errorText()));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        print(stdout, parser.helpText());
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        print(stderr,
            QStringLiteral("gatehouse audit: unexpected argument %1\n").arg(parser.positionalArguments().first()));
        return 2;
    }
    const QString folder = audit::AuditLog::defaultFolder();
    if (parser.isSet(verify)) {
        const audit::AuditVerification result = audit::verifyAuditLog(folder);
        for (const QString &warning : result.warnings)
            print(stdout, QStringLiteral("warning: %1\n").arg(warning));
        for (const QString &problem : result.problems)
            print(stdout, problem + u'\n');
        if (!result.ok) {
            print(stdout,
                QStringLiteral("audit log NOT verified: %1 problem(s) in %2 lines in %3 files (%4)\n")
                    .arg(result.problems.size())
                    .arg(result.lines)
                    .arg(result.files)
                    .arg(folder));
            return 1;
        }
        print(stdout, QStringLiteral("audit log verified: %1 lines in %2 files\n").arg(result.lines).arg(result.files));
        return 0;
    }
    QDateTime from;
    if (parser.isSet(since)) {
        const auto parsed = parseSince(parser.value(since));
        if (!parsed) {
            print(stderr,
                QStringLiteral("gatehouse audit: --since wants a date (2026-11-01) or a duration (2h, 3d), not %1\n")
                    .arg(parser.value(since)));
            return 2;
        }
        from = *parsed;
    }
    const auto entries = audit::readAuditLog(folder, from);
    if (!entries) {
        print(stderr, QStringLiteral("gatehouse audit: %1\n").arg(entries.error().message));
        return 1;
    }
    for (const QJsonObject &entry : *entries)
        print(stdout,
            (parser.isSet(json) ? QString::fromUtf8(QJsonDocument(entry).toJson(QJsonDocument::Compact))
                                : readable(entry))
                + u'\n');
    return 0;
}

} // namespace gatehouse::app
