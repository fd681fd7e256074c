// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agentsession.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

namespace gatehouse::sandbox {
struct ConnectionEvent;
}

namespace gatehouse::app {

/// @p text made safe for a terminal: control characters other than line breaks and tabs (ESC
/// starts sequences that set the title, write the clipboard or hide lines; C1 controls do the
/// same in one character) shown as \xNN. For whatever the model, a server or a repository wrote.
QString terminalText(const QString &text);

/// What a headless run prints, in one of three forms: `text` (the model's words, then what was
/// refused), `json` (one object at the end) and `stream-json` (one JSON line per event as it
/// happens, then the result line).
class HeadlessOutput
{
public:
    enum class Format { Text, Json, StreamJson };

    HeadlessOutput(Format format, FILE *out);

    void started(const QJsonObject &init);
    void message(const agent::Message &message);
    void decided(const agent::ToolCallRecord &record);
    void toolFinished(const agent::ToolCallRecord &record);
    void network(const sandbox::ConnectionEvent &event);
    void finished(const agent::AgentSession &session, agent::SessionEnd end, const QString &message,
                  const QString &sessionId);

private:
    void line(const QJsonObject &object);
    void print(const QString &text);

    Format m_format;
    FILE *m_out;
    QJsonArray m_denied;
    QJsonArray m_networkRefused;
    QJsonArray m_held; ///< changes the sandbox held, discarded
    QString m_lastText;
};

} // namespace gatehouse::app
