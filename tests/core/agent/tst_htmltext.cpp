// SPDX-License-Identifier: GPL-3.0-or-later
// What WebFetch keeps of an HTML page: the readable text, nothing of scripts, styles or markup.
#include "agent/htmltext.h"

#include "testenv.h"

#include <QElapsedTimer>
#include <QTest>

using namespace gatehouse;

class TestHtmlText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void reduces_data()
    {
        QTest::addColumn<QString>("html");
        QTest::addColumn<QString>("text");
        QTest::newRow("plain text stays") << QStringLiteral("hello world") << QStringLiteral("hello world");
        QTest::newRow("paragraphs on lines of their own")
            << QStringLiteral("<p>one</p><p>two</p>") << QStringLiteral("one\n\ntwo");
        QTest::newRow("blocks on lines of their own")
            << QStringLiteral("<div>one</div><div>two<br>three</div>") << QStringLiteral("one\ntwo\nthree");
        QTest::newRow("script and style dropped")
            << QStringLiteral("<script>var secret = 1;</script><style>p{}</style><p>shown</p>") << QStringLiteral("shown");
        QTest::newRow("script in capitals dropped")
            << QStringLiteral("<SCRIPT type=x>alert(1)</SCRIPT>after") << QStringLiteral("after");
        QTest::newRow("head dropped, body kept")
            << QStringLiteral("<html><head><title>T</title><meta x></head><body>B</body></html>") << QStringLiteral("B");
        QTest::newRow("comments dropped") << QStringLiteral("a<!-- hidden -->b") << QStringLiteral("ab");
        QTest::newRow("unclosed comment drops the rest") << QStringLiteral("a<!-- hidden") << QStringLiteral("a");
        QTest::newRow("entities decoded")
            << QStringLiteral("a &amp; b &lt;c&gt; &quot;d&quot; &#65;&#x42;") << QStringLiteral("a & b <c> \"d\" AB");
        QTest::newRow("unknown entity kept") << QStringLiteral("&bogus; x") << QStringLiteral("&bogus; x");
        QTest::newRow("control characters from references dropped")
            << QStringLiteral("a&#27;[31mb&#0;c") << QStringLiteral("a[31mbc");
        QTest::newRow("list items marked")
            << QStringLiteral("<p>x</p><ul><li>one</li><li>two</li></ul>") << QStringLiteral("x\n\n- one\n- two");
        QTest::newRow("headings marked") << QStringLiteral("<h2>Title</h2><p>x</p>") << QStringLiteral("## Title\n\nx");
        QTest::newRow("whitespace collapsed")
            << QStringLiteral("  a \n\n\n\n  b   c  ") << QStringLiteral("a b c");
        QTest::newRow("a lone less-than stays") << QStringLiteral("1 < 2") << QStringLiteral("1 < 2");
        QTest::newRow("attributes never shown")
            << QStringLiteral("<a href=\"https://x.example/\" onclick=\"steal()\">link</a>") << QStringLiteral("link");
        QTest::newRow("unterminated tag ends the text") << QStringLiteral("a <div class=") << QStringLiteral("a");
        QTest::newRow("table cells separated")
            << QStringLiteral("<table><tr><td>a</td><td>b</td></tr></table>") << QStringLiteral("| a | b");
    }

    void reduces()
    {
        QFETCH(QString, html);
        QFETCH(QString, text);
        QCOMPARE(agent::htmlToText(html), text);
    }

    void largePageIsLinear()
    {
        // A page of a million characters of nested tags is reduced without blowing up.
        QString html;
        for (int i = 0; i < 50000; ++i)
            html += QStringLiteral("<div><span>w%1</span></div>").arg(i % 10);
        const QString text = agent::htmlToText(html);
        QVERIFY(text.startsWith(QStringLiteral("w0\nw1")));
        QCOMPARE(text.count(u'w'), 50000);
    }

    void loneAngleBracketsAreLinear()
    {
        // A hostile page (WebFetch reads up to 5 MB) of '<' that start no tag and no '>' after
        // them: each one must not scan the rest of the page for a '>'.
        const QString html = QStringLiteral("a < b ").repeated(400000); // 2.4 million characters
        QElapsedTimer timer;
        timer.start();
        const QString text = agent::htmlToText(html);
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QStringLiteral("took %1 ms").arg(timer.elapsed())));
        QCOMPARE(text.count(u'<'), 400000);
    }
};

QTEST_GUILESS_MAIN(TestHtmlText)
#include "tst_htmltext.moc"
