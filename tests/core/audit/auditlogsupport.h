// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers of tst_auditlog.cpp: a log with a fixed clock, and what a forger does to its lines.

#include "audit/auditevents.h"
#include "audit/auditlog.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QTest>

namespace gatehouse::audit::testing {

inline const QDateTime november = QDateTime(QDate(2026, 11, 25), QTime(17, 15, 30), QTimeZone::UTC);
inline const QString novemberFile = QStringLiteral("audit-2026-11.jsonl");

inline std::unique_ptr<AuditLog> openLog(const QString &folder, const QDateTime &time = november)
{
    auto log = AuditLog::open(folder);
    if (!log)
        qFatal("cannot open the audit log: %s", qPrintable(log.error().message));
    (*log)->setClock([time] { return time; });
    return std::move(*log);
}

inline void appendDecisions(AuditLog &log, int count)
{
    for (int i = 0; i < count; ++i) {
        const policy::ToolCall call {
            QStringLiteral("Bash"), {{QStringLiteral("command"), QStringLiteral("echo %1").arg(i)}}};
        policy::Decision decision;
        decision.verdict = policy::Verdict::Allow;
        decision.source = policy::Source::Builtin;
        QVERIFY(log.append(QStringLiteral("decision"), decisionFields(call, decision)).has_value());
    }
}

inline QList<QByteArray> readLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = file.readAll().split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

inline void writeLines(const QString &path, const QList<QByteArray> &lines)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    for (const QByteArray &line : lines)
        file.write(line + '\n');
}

inline QJsonObject object(const QByteArray &line)
{
    return QJsonDocument::fromJson(line).object();
}

// What a forger with the format at hand does: recompute the line's own hash.
inline QByteArray reseal(const QByteArray &line)
{
    const qsizetype marker = line.lastIndexOf(",\"hash\":\"");
    const QByteArray body = line.left(marker);
    return body + ",\"hash\":\"" + QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex() + "\"}";
}

inline QByteArray replaceField(QByteArray line, const QByteArray &from, const QByteArray &to)
{
    Q_ASSERT(line.contains(from));
    return line.replace(from, to);
}

inline QString describe(const AuditVerification &verification)
{
    return QStringLiteral("problems: %1\nwarnings: %2")
        .arg(verification.problems.join(u'\n'), verification.warnings.join(u'\n'));
}

} // namespace gatehouse::audit::testing
