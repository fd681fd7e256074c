// SPDX-License-Identifier: GPL-3.0-or-later
// The Read tool on real files (line ranges, limits, what it refuses) and the definitions the
// model sees of every built-in tool.
#include "agent/tools/filetools.h"
#include "agent/tools/tooldefinitions.h"

#include "toolfixture.h"

#include <QJsonArray>

#include <sys/stat.h>

using namespace gatehouse::agent;
namespace test = gatehouse::test;

namespace {

QJsonObject readInput(const QString &path, int offset = 0, int limit = 0)
{
    QJsonObject input{{QStringLiteral("file_path"), path}};
    if (offset)
        input.insert(QStringLiteral("offset"), offset);
    if (limit)
        input.insert(QStringLiteral("limit"), limit);
    return input;
}

} // namespace

class TestFileTools final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void readsLineRanges_data()
    {
        QTest::addColumn<int>("offset");
        QTest::addColumn<int>("limit");
        QTest::addColumn<QString>("expected");
        QTest::newRow("the whole file, numbered like cat -n")
            << 0 << 0 << QStringLiteral("     1\tone\n     2\ttwo\n     3\tthree\n     4\tfour\n");
        QTest::newRow("from an offset to the end") << 3 << 0 << QStringLiteral("     3\tthree\n     4\tfour\n");
        QTest::newRow("a range in the middle says how to read on")
            << 2 << 2
            << QStringLiteral(
                   "     2\ttwo\n     3\tthree\n\n(Showing lines 2-3; the file goes on. To read more, call Read "
                   "with offset=4.)\n");
        QTest::newRow("a limit past the end gives what there is") << 4 << 10 << QStringLiteral("     4\tfour\n");
    }

    void readsLineRanges()
    {
        QFETCH(int, offset);
        QFETCH(int, limit);
        QFETCH(QString, expected);
        ToolFixture f;
        f.write(QStringLiteral("lines.txt"), "one\ntwo\nthree\nfour\n");
        const ToolResult result = readFile(f.ctx, readInput(QStringLiteral("lines.txt"), offset, limit));
        QVERIFY2(!result.isError, qPrintable(result.content));
        QCOMPARE(result.content, expected);
    }

    void readStopsAtTheDefaultLimitWithANote()
    {
        ToolFixture f;
        f.ctx.maxReadLines = 3;
        f.write(QStringLiteral("five.txt"), "1\n2\n3\n4\n5");
        const ToolResult result = readFile(f.ctx, readInput(QStringLiteral("five.txt")));
        QVERIFY(!result.isError);
        QVERIFY2(result.content.startsWith(QStringLiteral("     1\t1\n     2\t2\n     3\t3\n\n")),
            qPrintable(result.content));
        QVERIFY2(result.content.contains(QStringLiteral("offset=4")), qPrintable(result.content));
        QCOMPARE(result.details.value(QStringLiteral("lines")).toInt(), 3);
        QCOMPARE(result.details.value(QStringLiteral("bytes")).toInt(), 9);
        QCOMPARE(result.details.value(QStringLiteral("path")).toString(), f.path(QStringLiteral("five.txt")));
    }

    void readCutsLongLinesWithAMarker()
    {
        ToolFixture f;
        f.write(QStringLiteral("long.txt"), QByteArray(2500, 'x') + "\nshort\n");
        const ToolResult result = readFile(f.ctx, readInput(f.path(QStringLiteral("long.txt"))));
        QVERIFY(!result.isError);
        const QStringList lines = result.content.split(u'\n');
        QCOMPARE(lines[0],
            QStringLiteral("     1\t") + QString(2000, u'x') + QStringLiteral(" [... line cut: 500 more characters]"));
        QCOMPARE(lines[1], QStringLiteral("     2\tshort"));
    }

    void readSaysAnEmptyFileIsEmpty()
    {
        ToolFixture f;
        f.write(QStringLiteral("empty.txt"), "");
        const ToolResult result = readFile(f.ctx, readInput(QStringLiteral("empty.txt")));
        QVERIFY(!result.isError);
        QCOMPARE(result.content, QStringLiteral("empty.txt is empty (0 bytes)."));
    }

    void readRefuses_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("offset");
        QTest::addColumn<QStringList>("deny");
        QTest::addColumn<QStringList>("expected");
        const QByteArray png = QByteArray::fromHex("89504e470d0a1a0a0000000d49484452") + QByteArray(100, '\0');
        QTest::newRow("a binary file, naming its size and type")
            << QStringLiteral("image.png") << png << 0 << QStringList()
            << QStringList{QStringLiteral("binary"), QStringLiteral("image/png"), QStringLiteral("116 bytes")};
        QTest::newRow("NUL bytes in an unknown file") << QStringLiteral("data.bin") << QByteArray("ab\0cd", 5) << 0
                                                      << QStringList() << QStringList{QStringLiteral("a binary file")};
        QTest::newRow("text that is not UTF-8") << QStringLiteral("latin1.txt") << QByteArray("caf\xe9\n") << 0
                                                << QStringList() << QStringList{QStringLiteral("not valid UTF-8")};
        QTest::newRow("a folder points to Glob") << QStringLiteral("folder") << QByteArray() << 0 << QStringList()
                                                 << QStringList{QStringLiteral("folder is a folder; use Glob")};
        QTest::newRow("a missing file") << QStringLiteral("nothing.txt") << QByteArray() << 0 << QStringList()
                                        << QStringList{QStringLiteral("nothing.txt does not exist")};
        QTest::newRow("an offset past the end")
            << QStringLiteral("short.txt") << QByteArray("a\nb\n") << 5 << QStringList()
            << QStringList{QStringLiteral("has 2 lines; offset 5")};
        QTest::newRow("an offset of zero")
            << QStringLiteral("short.txt") << QByteArray("a\n") << -1 << QStringList()
            << QStringList{QStringLiteral("offset must be a whole number of at least 1")};
        QTest::newRow("a deny rule that came after the decision")
            << QStringLiteral("secret.txt") << QByteArray("s\n") << 0 << QStringList{QStringLiteral("Read(secret.txt)")}
            << QStringList{QStringLiteral("denied")};
    }

    void readRefuses()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, bytes);
        QFETCH(int, offset);
        QFETCH(QStringList, deny);
        QFETCH(QStringList, expected);
        ToolFixture f(deny);
        if (file == QStringLiteral("folder"))
            QDir().mkpath(f.path(file));
        else if (file != QStringLiteral("nothing.txt"))
            f.write(file, bytes);
        QJsonObject input = readInput(file);
        if (offset)
            input.insert(QStringLiteral("offset"), offset < 0 ? 0 : offset);
        const ToolResult result = readFile(f.ctx, input);
        QVERIFY(result.isError);
        for (const QString &part : expected)
            QVERIFY2(result.content.contains(part), qPrintable(result.content));
    }

    void readRefusesALargeFileWithoutARange()
    {
        ToolFixture f;
        f.ctx.maxReadBytes = 1024;
        QByteArray bytes;
        for (int i = 1; i <= 400; ++i)
            bytes += "line " + QByteArray::number(i) + '\n';
        f.write(QStringLiteral("big.log"), bytes);
        const ToolResult whole = readFile(f.ctx, readInput(QStringLiteral("big.log")));
        QVERIFY(whole.isError);
        QVERIFY2(whole.content.contains(QStringLiteral("big.log is 3.4 KiB, more than the 1.0 KiB")),
            qPrintable(whole.content));
        QVERIFY2(whole.content.contains(QStringLiteral("offset and limit")), qPrintable(whole.content));

        const ToolResult range = readFile(f.ctx, readInput(QStringLiteral("big.log"), 300, 2));
        QVERIFY2(!range.isError, qPrintable(range.content));
        QVERIFY2(range.content.startsWith(QStringLiteral("   300\tline 300\n   301\tline 301\n")),
            qPrintable(range.content));
    }

    void readOfARangeStaysWithinTheByteLimit()
    {
        // A range with a huge limit must not return (or build in memory) a whole large file:
        // it stops at about maxReadBytes and says where to go on.
        ToolFixture f;
        f.ctx.maxReadBytes = 1024;
        QByteArray bytes;
        for (int i = 1; i <= 400; ++i)
            bytes += "line " + QByteArray::number(i) + '\n';
        f.write(QStringLiteral("big.log"), bytes);
        const ToolResult range = readFile(f.ctx, readInput(QStringLiteral("big.log"), 1, 1000000));
        QVERIFY2(!range.isError, qPrintable(range.content));
        QVERIFY2(range.content.size() < 2 * 1024, qPrintable(QString::number(range.content.size())));
        QVERIFY2(range.content.contains(QStringLiteral("the file goes on")), qPrintable(range.content));
        QVERIFY(!range.content.contains(QStringLiteral("line 400\n")));
        const qint64 shown = range.details.value(QStringLiteral("lines")).toInteger();
        QVERIFY(shown > 10);
        QVERIFY2(range.content.contains(QStringLiteral("offset=%1").arg(shown + 1)), qPrintable(range.content));
    }

    void readRefusesAPipe()
    {
        ToolFixture f;
        const QByteArray fifo = QFile::encodeName(f.path(QStringLiteral("pipe")));
        QCOMPARE(::mkfifo(fifo.constData(), 0600), 0);
        const ToolResult result = readFile(f.ctx, readInput(QStringLiteral("pipe")));
        QVERIFY(result.isError);
        QVERIFY2(result.content.contains(QStringLiteral("not a regular file")), qPrintable(result.content));
    }

    void readFollowsAnAllowedSymlinkInsideTheProject()
    {
        ToolFixture f;
        f.write(QStringLiteral("real.txt"), "content\n");
        QVERIFY(QFile::link(f.path(QStringLiteral("real.txt")), f.path(QStringLiteral("link.txt"))));
        const ToolResult result = readFile(f.ctx, readInput(QStringLiteral("link.txt")));
        QVERIFY2(!result.isError, qPrintable(result.content));
        QCOMPARE(result.content, QStringLiteral("     1\tcontent\n"));
    }

    void readOfALinkLeadingOutOfTheProject_data()
    {
        QTest::addColumn<QStringList>("allow");
        QTest::addColumn<bool>("refused");
        QTest::newRow("is refused when nothing allows the target") << QStringList() << true;
        QTest::newRow("is read when a Read allow rule covers both") << QStringList{QStringLiteral("Read")} << false;
    }

    void readOfALinkLeadingOutOfTheProject()
    {
        QFETCH(QStringList, allow);
        QFETCH(bool, refused);
        ToolFixture f({}, {}, allow);
        test::writeFile(f.outside() + QStringLiteral("/id_rsa"), "PRIVATE KEY\n");
        QVERIFY(QFile::link(f.outside() + QStringLiteral("/id_rsa"), f.path(QStringLiteral("notes.txt"))));
        const ToolResult result = readFile(f.ctx, readInput(QStringLiteral("notes.txt")));
        QCOMPARE(result.isError, refused);
        if (refused) {
            QVERIFY2(result.content.contains(QStringLiteral("leads out of the project through a symbolic link")),
                qPrintable(result.content));
            QVERIFY(!result.content.contains(QStringLiteral("PRIVATE KEY")));
        } else {
            QCOMPARE(result.content, QStringLiteral("     1\tPRIVATE KEY\n"));
        }
    }

    void definitionsDescribeEveryTool_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("required");
        QTest::addColumn<QStringList>("properties");
        QTest::newRow("Read") << QStringLiteral("Read") << QStringList{QStringLiteral("file_path")}
                              << QStringList{
                                     QStringLiteral("file_path"), QStringLiteral("limit"), QStringLiteral("offset")};
        QTest::newRow("Glob") << QStringLiteral("Glob") << QStringList{QStringLiteral("pattern")}
                              << QStringList{QStringLiteral("path"), QStringLiteral("pattern")};
        QTest::newRow("Grep") << QStringLiteral("Grep") << QStringList{QStringLiteral("pattern")}
                              << QStringList{QStringLiteral("-i"), QStringLiteral("-n"), QStringLiteral("glob"),
                                     QStringLiteral("head_limit"), QStringLiteral("output_mode"),
                                     QStringLiteral("path"), QStringLiteral("pattern")};
        QTest::newRow("Edit") << QStringLiteral("Edit")
                              << QStringList{QStringLiteral("file_path"), QStringLiteral("old_string"),
                                     QStringLiteral("new_string")}
                              << QStringList{QStringLiteral("file_path"), QStringLiteral("new_string"),
                                     QStringLiteral("old_string"), QStringLiteral("replace_all")};
        QTest::newRow("Write") << QStringLiteral("Write")
                               << QStringList{QStringLiteral("file_path"), QStringLiteral("content")}
                               << QStringList{QStringLiteral("content"), QStringLiteral("file_path")};
        QTest::newRow("Bash") << QStringLiteral("Bash") << QStringList{QStringLiteral("command")}
                              << QStringList{QStringLiteral("command"), QStringLiteral("description"),
                                     QStringLiteral("timeout")};
        QTest::newRow("WebFetch") << QStringLiteral("WebFetch")
                                  << QStringList{QStringLiteral("url"), QStringLiteral("prompt")}
                                  << QStringList{QStringLiteral("prompt"), QStringLiteral("url")};
    }

    void definitionsDescribeEveryTool()
    {
        QFETCH(QString, name);
        QFETCH(QStringList, required);
        QFETCH(QStringList, properties);
        const QList<ToolDefinition> definitions = builtinToolDefinitions();
        QCOMPARE(definitions.size(), 7);
        const auto it = std::find_if(
            definitions.cbegin(), definitions.cend(), [&name](const ToolDefinition &d) { return d.name == name; });
        QVERIFY(it != definitions.cend());
        QVERIFY(it->description.size() > 80);
        const QJsonObject json = it->toJson();
        const QJsonObject schema = json.value(QStringLiteral("input_schema")).toObject();
        QCOMPARE(schema.value(QStringLiteral("type")).toString(), QStringLiteral("object"));
        QStringList requiredFound;
        for (const QJsonValue &value : schema.value(QStringLiteral("required")).toArray())
            requiredFound << value.toString();
        QCOMPARE(requiredFound, required);
        const QJsonObject props = schema.value(QStringLiteral("properties")).toObject();
        QCOMPARE(props.keys(), properties);
        for (const QString &key : props.keys())
            QVERIFY2(!props.value(key).toObject().value(QStringLiteral("description")).toString().isEmpty(),
                qPrintable(key));
    }

    void definitionsTellTheModelTheConstraints()
    {
        QHash<QString, QString> text;
        for (const ToolDefinition &definition : builtinToolDefinitions())
            text.insert(definition.name, definition.description);
        QVERIFY(text.value(QStringLiteral("Edit")).contains(QStringLiteral("exactly once")));
        QVERIFY(text.value(QStringLiteral("Bash")).contains(QStringLiteral("sandbox")));
        QVERIFY(text.value(QStringLiteral("Bash")).contains(QStringLiteral("proxy")));
        QVERIFY(text.value(QStringLiteral("Read")).contains(QStringLiteral("project folder")));
    }
};

QTEST_GUILESS_MAIN(TestFileTools)
#include "tst_filetools.moc"
