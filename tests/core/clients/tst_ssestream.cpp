// SPDX-License-Identifier: GPL-3.0-or-later
// The event-stream parser, fed the same streams cut at every byte position and byte by byte.
#include "agent/clients/ssestream.h"
#include "testenv.h"

#include <QTest>

using namespace gatehouse::agent;

using Events = QList<QPair<QByteArray, QByteArray>>;

namespace {

Events simplified(const QList<SseEvent> &events)
{
    Events out;
    for (const SseEvent &event : events)
        out.append({event.event, event.data});
    return out;
}

} // namespace

class TestSseStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { gatehouse::test::requireIsolatedEnvironment(); }
    void parses_data();
    void parses();
    void splitAnywhere_data() { parses_data(); }
    void splitAnywhere();
    void byteByByte_data() { parses_data(); }
    void byteByByte();
    void partialEventIsHeld();
};

void TestSseStream::parses_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<Events>("events");
    const QByteArray utf8 = QStringLiteral("«naïve» 🙂").toUtf8();
    QTest::newRow("LF") << QByteArray("event: a\ndata: {\"x\":1}\n\nevent: b\ndata: two\n\n")
                        << Events{{"a", "{\"x\":1}"}, {"b", "two"}};
    QTest::newRow("CRLF") << QByteArray("event: a\r\ndata: one\r\n\r\nevent: b\r\ndata: two\r\n\r\n")
                          << Events{{"a", "one"}, {"b", "two"}};
    QTest::newRow("CR") << QByteArray("event: a\rdata: one\r\revent: b\rdata: two\r\r") << Events{{"a", "one"}, {"b", "two"}};
    QTest::newRow("mixed line ends") << QByteArray("data: one\r\n\ndata: two\r\r\ndata: three\n\r")
                                     << Events{{"", "one"}, {"", "two"}, {"", "three"}};
    QTest::newRow("comments and unknown fields")
        << QByteArray(": keep-alive\nid: 7\nretry: 100\nevent: a\nfoo: bar\ndata: x\n\n:\n\n") << Events{{"a", "x"}};
    QTest::newRow("multi-line data") << QByteArray("data: first\ndata:second\ndata:  third\n\n")
                                     << Events{{"", "first\nsecond\n third"}};
    QTest::newRow("no data, no event") << QByteArray("event: lonely\n\ndata: kept\n\n") << Events{{"", "kept"}};
    QTest::newRow("empty data is an event") << QByteArray("event: e\ndata\n\n") << Events{{"e", ""}};
    QTest::newRow("byte order mark") << QByteArray("\xEF\xBB\xBF" "data: x\n\n") << Events{{"", "x"}};
    QTest::newRow("UTF-8") << QByteArray("data: " + utf8 + "\n\n") << Events{{"", utf8}};
    QTest::newRow("incomplete last event") << QByteArray("data: done\n\ndata: half") << Events{{"", "done"}};
}

void TestSseStream::parses()
{
    QFETCH(QByteArray, stream);
    QFETCH(Events, events);
    SseParser parser;
    QCOMPARE(simplified(parser.feed(stream)), events);
}

void TestSseStream::splitAnywhere()
{
    QFETCH(QByteArray, stream);
    QFETCH(Events, events);
    for (qsizetype at = 0; at <= stream.size(); ++at) {
        SseParser parser;
        QList<SseEvent> got = parser.feed(QByteArrayView(stream).first(at));
        got += parser.feed(QByteArrayView(stream).sliced(at));
        QVERIFY2(simplified(got) == events, qPrintable(QStringLiteral("split at byte %1").arg(at)));
    }
}

void TestSseStream::byteByByte()
{
    QFETCH(QByteArray, stream);
    QFETCH(Events, events);
    SseParser parser;
    QList<SseEvent> got;
    for (char c : std::as_const(stream))
        got += parser.feed(QByteArrayView(&c, 1));
    QCOMPARE(simplified(got), events);
}

void TestSseStream::partialEventIsHeld()
{
    SseParser parser;
    QVERIFY(!parser.hasPartialEvent());
    QCOMPARE(parser.feed("data: a").size(), 0);
    QVERIFY(parser.hasPartialEvent());
    QCOMPARE(parser.feed("\n").size(), 0);
    QVERIFY(parser.hasPartialEvent());
    QCOMPARE(parser.feed("\n").size(), 1);
    QVERIFY(!parser.hasPartialEvent());
    parser.feed("data: b\n");
    parser.reset();
    QCOMPARE(parser.feed("\n").size(), 0);
}

QTEST_GUILESS_MAIN(TestSseStream)
#include "tst_ssestream.moc"
