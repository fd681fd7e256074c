// SPDX-License-Identifier: GPL-3.0-or-later
#include "headlessoutput.h"

#include "audit/auditevents.h"
#include "sandbox/networkproxy.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace gatehouse::app {

HeadlessOutput::HeadlessOutput(Format format, FILE *out)
    : m_format(format)
    , m_out(out)
{
}

QString terminalText(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\n' && u != u'\t') || (u >= 0x7f && u <= 0x9f))
            out += QStringLiteral("\\x%1").arg(uint(u), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

void HeadlessOutput::print(const QString &raw)
{
    // The JSON forms escape control characters themselves; the text form goes to a terminal.
    const QString text = m_format == Format::Text ? terminalText(raw) : raw;
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), m_out);
    std::fflush(m_out);
}

void HeadlessOutput::line(const QJsonObject &object)
{
    print(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) + u'\n');
}

void HeadlessOutput::started(const QJsonObject &init)
{
    if (m_format == Format::StreamJson) {
        QJsonObject event = init;
        event.insert(QStringLiteral("type"), QStringLiteral("system"));
        event.insert(QStringLiteral("subtype"), QStringLiteral("init"));
        line(event);
    }
}

void HeadlessOutput::message(const agent::Message &message)
{
    if (message.role == agent::Role::Assistant && !message.text().trimmed().isEmpty())
        m_lastText = message.text();
    if (m_format == Format::StreamJson) {
        line({{QStringLiteral("type"), message.role == agent::Role::Assistant ? QStringLiteral("assistant") : QStringLiteral("user")},
              {QStringLiteral("message"), message.toJson()}});
    } else if (m_format == Format::Text && message.role == agent::Role::Assistant && !message.text().trimmed().isEmpty()) {
        print(message.text().trimmed() + u'\n');
    }
}

void HeadlessOutput::decided(const agent::ToolCallRecord &record)
{
    if (record.decision.verdict != policy::Verdict::Allow) {
        QJsonObject denied = audit::decisionFields(record.call, record.decision);
        denied.insert(QStringLiteral("toolUseId"), record.id);
        m_denied.append(denied);
    }
    if (m_format == Format::StreamJson) {
        QJsonObject event = audit::decisionFields(record.call, record.decision);
        event.insert(QStringLiteral("type"), QStringLiteral("decision"));
        event.insert(QStringLiteral("toolUseId"), record.id);
        line(event);
    } else if (m_format == Format::Text) {
        print(QStringLiteral("[%1] %2: %3\n")
                  .arg(record.decision.verdict == policy::Verdict::Allow ? QStringLiteral("allowed") : QStringLiteral("denied"),
                       record.call.tool, record.decision.description.isEmpty() ? record.decision.reason : record.decision.description));
    }
}

void HeadlessOutput::toolFinished(const agent::ToolCallRecord &record)
{
    // What a command wrote that the sandbox held: discarded, since nobody could answer.
    for (const QJsonValue &change : record.result.details.value(QStringLiteral("held")).toArray()) {
        QJsonObject held = change.toObject();
        held.insert(QStringLiteral("command"), record.call.input.value(QStringLiteral("command")).toString());
        held.insert(QStringLiteral("toolUseId"), record.id);
        m_held.append(held);
    }
    if (m_format == Format::StreamJson) {
        line({{QStringLiteral("type"), QStringLiteral("tool_result")},
              {QStringLiteral("toolUseId"), record.id},
              {QStringLiteral("tool"), record.call.tool},
              {QStringLiteral("executed"), record.executed},
              {QStringLiteral("isError"), record.result.isError},
              {QStringLiteral("details"), record.result.details}});
    }
}

void HeadlessOutput::network(const sandbox::ConnectionEvent &event)
{
    const QJsonObject fields = audit::connectionFields(event.host, event.port, event.command, event.protocol, event.allowed,
                                                       event.reason);
    if (!event.allowed)
        m_networkRefused.append(fields);
    if (m_format == Format::StreamJson) {
        QJsonObject shown = fields;
        shown.insert(QStringLiteral("type"), QStringLiteral("network"));
        line(shown);
    } else if (m_format == Format::Text && !event.allowed) {
        print(QStringLiteral("[network refused] %1:%2 (%3)\n").arg(event.host).arg(event.port).arg(event.reason));
    }
}

void HeadlessOutput::finished(const agent::AgentSession &session, agent::SessionEnd end, const QString &message,
                              const QString &sessionId)
{
    const bool ok = end == agent::SessionEnd::Completed;
    if (m_format == Format::Text) {
        if (!m_denied.isEmpty() || !m_networkRefused.isEmpty()) {
            print(QStringLiteral("\nDenied in this run (nobody could answer):\n"));
            for (const QJsonValue &value : std::as_const(m_denied)) {
                const QJsonObject denied = value.toObject();
                const QJsonObject input = denied.value(QStringLiteral("input")).toObject();
                QString what;
                for (const QString &key : {QStringLiteral("command"), QStringLiteral("file_path"), QStringLiteral("url"),
                                           QStringLiteral("pattern")}) {
                    if (input.contains(key)) {
                        what = input.value(key).toString();
                        break;
                    }
                }
                print(QStringLiteral("  - %1 %2: %3\n").arg(denied.value(QStringLiteral("tool")).toString(), what,
                                                             denied.value(QStringLiteral("reason")).toString()));
            }
            for (const QJsonValue &value : std::as_const(m_networkRefused)) {
                const QJsonObject refused = value.toObject();
                print(QStringLiteral("  - network %1:%2: %3\n").arg(refused.value(QStringLiteral("host")).toString())
                          .arg(refused.value(QStringLiteral("port")).toInt())
                          .arg(refused.value(QStringLiteral("reason")).toString()));
            }
        }
        if (!m_held.isEmpty()) {
            print(QStringLiteral("\nHeld by the sandbox and discarded (nobody could answer):\n"));
            for (const QJsonValue &value : std::as_const(m_held)) {
                const QJsonObject held = value.toObject();
                print(QStringLiteral("  - %1 %2 by `%3`: %4\n")
                          .arg(held.value(QStringLiteral("path")).toString(), held.value(QStringLiteral("change")).toString(),
                               held.value(QStringLiteral("command")).toString(), held.value(QStringLiteral("reason")).toString()));
            }
        }
        if (!ok)
            std::fprintf(stderr, "gatehouse: %s: %s\n", qPrintable(agent::sessionEndName(end)), qPrintable(terminalText(message)));
        return;
    }
    QJsonObject result{{QStringLiteral("type"), QStringLiteral("result")},
                       {QStringLiteral("subtype"), agent::sessionEndName(end)},
                       {QStringLiteral("is_error"), !ok},
                       {QStringLiteral("result"), m_lastText},
                       {QStringLiteral("message"), message},
                       {QStringLiteral("session_id"), sessionId},
                       {QStringLiteral("num_turns"), session.turns()},
                       {QStringLiteral("usage"), QJsonObject{{QStringLiteral("input_tokens"), session.usage().inputTokens},
                                                             {QStringLiteral("output_tokens"), session.usage().outputTokens}}},
                       {QStringLiteral("denied"), m_denied},
                       {QStringLiteral("network_refused"), m_networkRefused},
                       {QStringLiteral("held"), m_held}};
    line(result);
}

} // namespace gatehouse::app
