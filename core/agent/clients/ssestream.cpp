// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/clients/ssestream.h"

namespace gatehouse::agent {

QList<SseEvent> SseParser::feed(QByteArrayView bytes)
{
    QList<SseEvent> events;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (m_afterCr) {
            m_afterCr = false;
            if (c == '\n')
                continue; // the LF of a CRLF whose CR ended the line already
        }
        if (c == '\r' || c == '\n') {
            m_afterCr = c == '\r';
            line(m_line, events);
            m_line.clear();
            continue;
        }
        m_line.append(c);
    }
    return events;
}

bool SseParser::hasPartialEvent() const
{
    return !m_line.isEmpty() || m_hasData || !m_event.isEmpty();
}

void SseParser::reset()
{
    *this = SseParser();
}

void SseParser::line(QByteArrayView line, QList<SseEvent> &events)
{
    if (!m_started) {
        m_started = true;
        if (line.startsWith("\xEF\xBB\xBF")) // a byte order mark is allowed before the first line
            line = line.sliced(3);
    }
    if (line.isEmpty()) {
        // A blank line dispatches; an event without data is none at all.
        if (m_hasData)
            events.append(SseEvent{m_event, m_data});
        m_event.clear();
        m_data.clear();
        m_hasData = false;
        return;
    }
    if (line.startsWith(':'))
        return;
    const qsizetype colon = line.indexOf(':');
    QByteArrayView field = colon < 0 ? line : line.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    if (field == "event") {
        m_event = value.toByteArray();
    } else if (field == "data") {
        if (m_hasData)
            m_data.append('\n');
        m_data.append(value);
        m_hasData = true;
    }
    // "id", "retry" and unknown fields are ignored.
}

} // namespace gatehouse::agent
