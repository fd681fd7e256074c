// SPDX-License-Identifier: GPL-3.0-or-later
#include "audit/auditevents.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace gatehouse::audit {
namespace {

constexpr qsizetype maxText = 4000;

QString cut(const QString &text)
{
    if (text.size() <= maxText)
        return text;
    return text.left(maxText) + QStringLiteral("... (%1 more characters)").arg(text.size() - maxText);
}

qint64 byteCount(const QJsonValue &value)
{
    return value.toString().toUtf8().size();
}

void insertNonEmpty(QJsonObject &object, const QString &key, const QString &value)
{
    if (!value.isEmpty())
        object.insert(key, value);
}

QJsonObject summarise(const policy::ToolCall &call)
{
    const QJsonObject &input = call.input;
    QJsonObject summary;
    const auto copy = [&](const char *key) {
        const QString name = QString::fromLatin1(key);
        if (input.contains(name))
            summary.insert(
                name, input.value(name).isString() ? QJsonValue(cut(input.value(name).toString())) : input.value(name));
    };
    if (call.tool == QStringLiteral("Bash")) {
        copy("command");
        copy("description");
        copy("timeout");
    } else if (call.tool == QStringLiteral("Edit")) {
        copy("file_path");
        summary.insert(QStringLiteral("old_bytes"), byteCount(input.value(QStringLiteral("old_string"))));
        summary.insert(QStringLiteral("new_bytes"), byteCount(input.value(QStringLiteral("new_string"))));
        copy("replace_all");
    } else if (call.tool == QStringLiteral("Write")) {
        copy("file_path");
        summary.insert(QStringLiteral("bytes"), byteCount(input.value(QStringLiteral("content"))));
    } else if (call.tool == QStringLiteral("Read") || call.tool == QStringLiteral("Glob")
        || call.tool == QStringLiteral("Grep") || call.tool == QStringLiteral("WebFetch")) {
        for (const char *key : {"file_path", "path", "pattern", "glob", "url"})
            copy(key);
    } else {
        // Tools that declare their own inputs (MCP): short scalars as they are, the size of the rest.
        for (auto it = input.begin(); it != input.end(); ++it) {
            const QJsonValue &value = it.value();
            if (value.isString() && value.toString().size() <= 200)
                summary.insert(it.key(), value);
            else if (value.isString())
                summary.insert(it.key(), QStringLiteral("(%1 characters)").arg(value.toString().size()));
            else if (value.isObject() || value.isArray())
                summary.insert(it.key(),
                    QStringLiteral("(%1 entries)")
                        .arg(value.isObject() ? value.toObject().size() : value.toArray().size()));
            else
                summary.insert(it.key(), value);
        }
    }
    return summary;
}

} // namespace

QJsonObject decisionFields(const policy::ToolCall &call, const policy::Decision &decision)
{
    // The summary cuts long inputs (and leaves file contents out); the digest of the whole input
    // lets a transcript be matched to its decision, and shows nothing was hidden past the cut.
    const QByteArray digest = QCryptographicHash::hash(QJsonDocument(call.input).toJson(QJsonDocument::Compact),
                                                       QCryptographicHash::Sha256)
                                  .toHex();
    return QJsonObject {{QStringLiteral("tool"), call.tool}, {QStringLiteral("input"), summarise(call)},
        {QStringLiteral("inputSha256"), QString::fromLatin1(digest)},
        {QStringLiteral("verdict"), policy::verdictName(decision.verdict)},
        {QStringLiteral("rule"), decision.rule.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(decision.rule)},
        {QStringLiteral("source"), policy::sourceName(decision.source)},
        {QStringLiteral("risks"), QJsonArray::fromStringList(decision.risks)},
        {QStringLiteral("reason"), cut(decision.reason)}, {QStringLiteral("sandboxed"), decision.sandboxed}};
}

QJsonObject answerFields(
    const QString &tool, const QString &answer, const QString &rule, const QString &savedTo, const QString &feedback)
{
    QJsonObject fields {{QStringLiteral("answer"), answer}};
    insertNonEmpty(fields, QStringLiteral("tool"), tool);
    insertNonEmpty(fields, QStringLiteral("rule"), rule);
    insertNonEmpty(fields, QStringLiteral("savedTo"), savedTo);
    insertNonEmpty(fields, QStringLiteral("feedback"), cut(feedback));
    return fields;
}

QJsonObject executionFields(
    const QString &tool, int exitStatus, qint64 durationMs, const QString &sandboxProfile, bool isError)
{
    return QJsonObject {{QStringLiteral("tool"), tool}, {QStringLiteral("exitStatus"), exitStatus},
        {QStringLiteral("durationMs"), durationMs}, {QStringLiteral("sandbox"), sandboxProfile},
        {QStringLiteral("isError"), isError}};
}

QJsonObject connectionFields(const QString &host, quint16 port, const QString &command, const QString &protocol,
    bool allowed, const QString &reason)
{
    QJsonObject fields {{QStringLiteral("host"), host}, {QStringLiteral("port"), port},
        {QStringLiteral("protocol"), protocol}, {QStringLiteral("allowed"), allowed}};
    insertNonEmpty(fields, QStringLiteral("command"), cut(command));
    insertNonEmpty(fields, QStringLiteral("reason"), reason);
    return fields;
}

QJsonObject trustFields(const QString &projectDir, bool trusted, const QByteArray &grantsHash, const QStringList &items)
{
    QJsonObject fields {{QStringLiteral("project"), projectDir},
        {QStringLiteral("action"), trusted ? QStringLiteral("trusted") : QStringLiteral("revoked")}};
    if (!grantsHash.isEmpty())
        fields.insert(QStringLiteral("grantsHash"), QString::fromLatin1(grantsHash));
    if (trusted)
        fields.insert(QStringLiteral("grants"), QJsonArray::fromStringList(items));
    return fields;
}

QJsonObject sessionFields(const QString &action, const QString &projectDir, const QString &model)
{
    QJsonObject fields {{QStringLiteral("action"), action}};
    insertNonEmpty(fields, QStringLiteral("project"), projectDir);
    insertNonEmpty(fields, QStringLiteral("model"), model);
    return fields;
}

} // namespace gatehouse::audit
