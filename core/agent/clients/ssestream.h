// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>

namespace gatehouse::agent {

/// One server-sent event (the "event" and "data" fields; "id" and "retry" are not used by the
/// model APIs).
struct SseEvent
{
    QByteArray event; ///< empty when the server named none ("message" by the standard)
    QByteArray data;  ///< the data lines joined with '\n'
};

/// The text/event-stream format as the WHATWG standard defines it, fed with whatever the
/// network delivers: a read may end anywhere, in the middle of a line, of a UTF-8 sequence or
/// between the CR and LF of a line end. Lines end in LF, CRLF or CR; ':' lines are comments;
/// several data lines make one value. Decoding is left to the caller, who knows the payload.
class SseParser
{
public:
    /// Feeds the next bytes; returns the events they completed, in order.
    QList<SseEvent> feed(QByteArrayView bytes);
    /// Whether bytes of an event that is not yet complete are held (for "the stream ended early").
    bool hasPartialEvent() const;
    void reset();

private:
    void line(QByteArrayView line, QList<SseEvent> &events);

    QByteArray m_line;
    QByteArray m_event;
    QByteArray m_data;
    bool m_hasData = false;
    bool m_afterCr = false;
    bool m_started = false;
};

} // namespace gatehouse::agent
