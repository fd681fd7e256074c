// SPDX-License-Identifier: GPL-3.0-or-later
// Edit and Write in two steps (prepare for the review, apply after it) on real files: the
// replacement rules, and everything apply checks again because time passed in between.
#include "agent/tools/filechange.h"

#include "toolfixture.h"

#include <QFileInfo>

#include <sys/stat.h>

using namespace gatehouse::agent;
namespace test = gatehouse::test;

namespace {

QJsonObject editInput(const QString &path, const QString &oldText, const QString &newText, bool replaceAll = false)
{
    QJsonObject input{{QStringLiteral("file_path"), path}, {QStringLiteral("old_string"), oldText},
        {QStringLiteral("new_string"), newText}};
    if (replaceAll)
        input.insert(QStringLiteral("replace_all"), true);
    return input;
}

QJsonObject writeInput(const QString &path, const QString &content)
{
    return {{QStringLiteral("file_path"), path}, {QStringLiteral("content"), content}};
}

mode_t modeOf(const QString &path)
{
    struct stat info
    {
    };
    if (::lstat(QFile::encodeName(path).constData(), &info) != 0)
        return 0;
    return info.st_mode & 07777;
}

} // namespace

class TestFileChange final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void editReplacesExactlyOnce()
    {
        ToolFixture f;
        f.write(QStringLiteral("src/a.cpp"), "int a;\nint b;\nint c;\n");
        const auto change = prepareEdit(f.ctx,
            editInput(QStringLiteral("src/a.cpp"), QStringLiteral("int b;"), QStringLiteral("long b;\nlong bb;")));
        QVERIFY2(change.has_value(), qPrintable(change.error().message));
        QCOMPARE(change->before, QByteArray("int a;\nint b;\nint c;\n"));
        QCOMPARE(change->after, QByteArray("int a;\nlong b;\nlong bb;\nint c;\n"));
        QCOMPARE(change->path, f.path(QStringLiteral("src/a.cpp")));
        QVERIFY(change->exists);
        const LineSummary summary = summariseChange(*change);
        QCOMPARE(summary.added, 2);
        QCOMPARE(summary.removed, 1);

        const ToolResult result = applyChange(f.ctx, *change);
        QVERIFY2(!result.isError, qPrintable(result.content));
        QCOMPARE(result.content, QStringLiteral("Edited src/a.cpp: 1 replacement (+2 -1 lines)"));
        QCOMPARE(f.contents(f.path(QStringLiteral("src/a.cpp"))), change->after);
        QCOMPARE(result.details.value(QStringLiteral("bytesBefore")).toInt(), 21);
        QCOMPARE(result.details.value(QStringLiteral("bytesAfter")).toInt(), change->after.size());
        QCOMPARE(result.details.value(QStringLiteral("created")).toBool(), false);
        QCOMPARE(f.entries(f.path(QStringLiteral("src"))), QStringList{QStringLiteral("a.cpp")});
    }

    void editReplacesAllWhenAsked()
    {
        ToolFixture f;
        f.write(QStringLiteral("x.txt"), "foo bar foo\nfoo\n");
        const auto change =
            prepareEdit(f.ctx, editInput(QStringLiteral("x.txt"), QStringLiteral("foo"), QStringLiteral("baz"), true));
        QVERIFY(change.has_value());
        QCOMPARE(change->after, QByteArray("baz bar baz\nbaz\n"));
        QCOMPARE(change->replacements, 3);
        QCOMPARE(applyChange(f.ctx, *change).content, QStringLiteral("Edited x.txt: 3 replacements (+2 -2 lines)"));
    }

    void editFillsAnEmptyFileFromAnEmptyOldString()
    {
        ToolFixture f;
        f.write(QStringLiteral("empty.txt"), "");
        const auto change =
            prepareEdit(f.ctx, editInput(QStringLiteral("empty.txt"), QString(), QStringLiteral("hello\n")));
        QVERIFY2(change.has_value(), qPrintable(change.error().message));
        QCOMPARE(change->after, QByteArray("hello\n"));
    }

    void editRefuses_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("oldText");
        QTest::addColumn<QString>("newText");
        QTest::addColumn<QString>("expected");
        QTest::newRow("a match twice, with the count") << "t.txt" << QByteArray("x = 1\nx = 1\n") << "x = 1"
                                                       << "x = 2"
                                                       << "old_string occurs 2 times in t.txt";
        QTest::newRow("no match") << "t.txt" << QByteArray("abc\n") << "xyz"
                                  << "q"
                                  << "old_string was not found in t.txt.";
        QTest::newRow("a match only when whitespace is ignored")
            << "t.txt" << QByteArray("if (a) {\n\treturn;\n}\n") << "if (a) {\n    return;\n}"
            << "x"
            << "would match if differences in whitespace were ignored";
        QTest::newRow("old and new the same") << "t.txt" << QByteArray("abc\n") << "abc"
                                              << "abc"
                                              << "are the same";
        QTest::newRow("an empty old_string on a file with content") << "t.txt" << QByteArray("abc\n") << ""
                                                                    << "x"
                                                                    << "old_string is empty, but t.txt is not";
        QTest::newRow("a missing file") << "none.txt" << QByteArray() << "a"
                                        << "b"
                                        << "none.txt does not exist";
        QTest::newRow("a binary file") << "b.bin" << QByteArray("a\0b", 3) << "a"
                                       << "b"
                                       << "UTF-8 text files only";
        QTest::newRow("a folder") << "dir" << QByteArray() << "a"
                                  << "b"
                                  << "dir is a folder";
        QTest::newRow("a symlink as the last component") << "link.txt" << QByteArray("abc\n") << "abc"
                                                         << "x"
                                                         << "link.txt is a symbolic link to t.txt";
    }

    void editRefuses()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, oldText);
        QFETCH(QString, newText);
        QFETCH(QString, expected);
        ToolFixture f;
        if (file == QStringLiteral("dir")) {
            QDir().mkpath(f.path(file));
        } else if (file == QStringLiteral("link.txt")) {
            f.write(QStringLiteral("t.txt"), bytes);
            QVERIFY(QFile::link(f.path(QStringLiteral("t.txt")), f.path(file)));
        } else if (file != QStringLiteral("none.txt")) {
            f.write(file, bytes);
        }
        const auto change = prepareEdit(f.ctx, editInput(file, oldText, newText));
        QVERIFY(!change.has_value());
        QVERIFY2(change.error().message.contains(expected), qPrintable(change.error().message));
    }

    void prepareRefusesWhatThePolicyDenies()
    {
        ToolFixture f({QStringLiteral("Read(.env)")});
        f.write(QStringLiteral(".env"), "A=1\n");
        const auto change = prepareWrite(f.ctx, writeInput(QStringLiteral(".env"), QStringLiteral("A=2\n")));
        QVERIFY(!change.has_value());
        QVERIFY2(change.error().message.contains(QStringLiteral("denied")), qPrintable(change.error().message));
    }

    void editTellsNothingOfAFileTheModelMayNotRead()
    {
        // Edit is prepared before the person is asked. For a file whose reading needs asking
        // (outside the project, a Read ask rule), the errors of the preparation must not describe
        // the content ("occurs 3 times", "not found", "would match ignoring whitespace"), or Edit
        // calls become a way to read it without anyone answering.
        ToolFixture f({}, {QStringLiteral("Read(./private.txt)")});
        test::writeFile(f.outside() + QStringLiteral("/key.txt"), "token=abc abc abc\n");
        f.write(QStringLiteral("private.txt"), "token=abc abc abc\n");
        for (const QString &file : QStringList{f.outside() + QStringLiteral("/key.txt"), QStringLiteral("private.txt")}) {
            const auto many = prepareEdit(f.ctx, editInput(file, QStringLiteral("abc"), QStringLiteral("x")));
            const auto none = prepareEdit(f.ctx, editInput(file, QStringLiteral("zzz"), QStringLiteral("x")));
            const auto spaced = prepareEdit(f.ctx, editInput(file, QStringLiteral("token=abc  abc"), QStringLiteral("x")));
            const auto empty = prepareEdit(f.ctx, editInput(file, QString(), QStringLiteral("x")));
            QVERIFY(!many && !none && !spaced && !empty);
            QVERIFY2(!many.error().message.contains(QStringLiteral("3 times")), qPrintable(many.error().message));
            QCOMPARE(many.error().message, none.error().message);
            QCOMPARE(spaced.error().message, none.error().message);
            QCOMPARE(empty.error().message, none.error().message);
        }
        // A file the model may read gets the helpful messages.
        f.write(QStringLiteral("open.txt"), "abc abc abc\n");
        const auto many = prepareEdit(f.ctx, editInput(QStringLiteral("open.txt"), QStringLiteral("abc"), QStringLiteral("x")));
        QVERIFY(!many);
        QVERIFY2(many.error().message.contains(QStringLiteral("3 times")), qPrintable(many.error().message));
    }

    void writeCreatesAFileWithItsFoldersInsideTheProject()
    {
        ToolFixture f;
        const mode_t previous = ::umask(027);
        const auto change =
            prepareWrite(f.ctx, writeInput(QStringLiteral("new/sub/file.txt"), QStringLiteral("a\nb\n")));
        QVERIFY2(change.has_value(), qPrintable(change.error().message));
        QVERIFY(!change->exists);
        QVERIFY(change->before.isEmpty());
        const ToolResult result = applyChange(f.ctx, *change);
        ::umask(previous);
        QVERIFY2(!result.isError, qPrintable(result.content));
        QCOMPARE(result.content, QStringLiteral("Wrote 2 lines to new/sub/file.txt (new file)"));
        QCOMPARE(result.details.value(QStringLiteral("created")).toBool(), true);
        QCOMPARE(f.contents(f.path(QStringLiteral("new/sub/file.txt"))), QByteArray("a\nb\n"));
        QCOMPARE(modeOf(f.path(QStringLiteral("new/sub/file.txt"))), mode_t(0640));
        QCOMPARE(f.entries(f.path(QStringLiteral("new/sub"))), QStringList{QStringLiteral("file.txt")});
    }

    void writeCreatesNoFolderOutsideTheWorkspace()
    {
        ToolFixture f; // outside the workspace a write asks; the person said yes
        const QString target = f.outside() + QStringLiteral("/made/up/file.txt");
        const auto change = prepareWrite(f.ctx, writeInput(target, QStringLiteral("x")));
        QVERIFY2(change.has_value(), qPrintable(change.error().message));
        const ToolResult result = applyChange(f.ctx, *change);
        QVERIFY(result.isError);
        QVERIFY2(result.content.contains(QStringLiteral("folders are created only inside the project")),
            qPrintable(result.content));
        QVERIFY(!QFileInfo::exists(f.outside() + QStringLiteral("/made")));
    }

    void atomicWriteKeepsTheModeOfAScript()
    {
        ToolFixture f;
        f.write(QStringLiteral("run.sh"), "#!/bin/sh\necho old\n");
        QVERIFY(QFile::setPermissions(f.path(QStringLiteral("run.sh")), QFileDevice::Permissions(0x7755)));
        QCOMPARE(modeOf(f.path(QStringLiteral("run.sh"))), mode_t(0755));
        const auto change =
            prepareWrite(f.ctx, writeInput(QStringLiteral("run.sh"), QStringLiteral("#!/bin/sh\necho new\n")));
        QVERIFY(change.has_value());
        const ToolResult result = applyChange(f.ctx, *change);
        QVERIFY2(!result.isError, qPrintable(result.content));
        QCOMPARE(result.content, QStringLiteral("Wrote 2 lines to run.sh (+1 -1 lines)"));
        QCOMPARE(modeOf(f.path(QStringLiteral("run.sh"))), mode_t(0755));
        QCOMPARE(f.contents(f.path(QStringLiteral("run.sh"))), QByteArray("#!/bin/sh\necho new\n"));
        QCOMPARE(f.entries(f.project()), QStringList{QStringLiteral("run.sh")});
    }

    void applyRefusesAFileChangedSinceTheReview()
    {
        ToolFixture f;
        f.write(QStringLiteral("a.txt"), "one\n");
        const auto change =
            prepareEdit(f.ctx, editInput(QStringLiteral("a.txt"), QStringLiteral("one"), QStringLiteral("two")));
        QVERIFY(change.has_value());
        f.write(QStringLiteral("a.txt"), "one\nand more\n");
        const ToolResult result = applyChange(f.ctx, *change);
        QVERIFY(result.isError);
        QVERIFY2(result.content.contains(QStringLiteral("changed since it was reviewed")), qPrintable(result.content));
        QCOMPARE(f.contents(f.path(QStringLiteral("a.txt"))), QByteArray("one\nand more\n"));
        QCOMPARE(f.entries(f.project()), QStringList{QStringLiteral("a.txt")});
    }

    void applyRefusesANewFileThatAppearedOrAFileThatWentAway_data()
    {
        QTest::addColumn<bool>("existed");
        QTest::newRow("a new file created by someone else meanwhile") << false;
        QTest::newRow("an existing file deleted meanwhile") << true;
    }

    void applyRefusesANewFileThatAppearedOrAFileThatWentAway()
    {
        QFETCH(bool, existed);
        ToolFixture f;
        if (existed)
            f.write(QStringLiteral("n.txt"), "old\n");
        const auto change = prepareWrite(f.ctx, writeInput(QStringLiteral("n.txt"), QStringLiteral("mine\n")));
        QVERIFY(change.has_value());
        if (existed)
            QVERIFY(QFile::remove(f.path(QStringLiteral("n.txt"))));
        else
            f.write(QStringLiteral("n.txt"), "theirs\n");
        const ToolResult result = applyChange(f.ctx, *change);
        QVERIFY(result.isError);
        QVERIFY2(result.content.contains(
                     existed ? QStringLiteral("was deleted since") : QStringLiteral("was created since")),
            qPrintable(result.content));
        QCOMPARE(
            f.contents(f.path(QStringLiteral("n.txt"))), existed ? QByteArray("<missing>") : QByteArray("theirs\n"));
    }

    void applyRefusesASymlinkSwappedIn_data()
    {
        QTest::addColumn<bool>("folder");
        QTest::newRow("the file itself became a symlink") << false;
        QTest::newRow("a folder on the way became a symlink") << true;
    }

    void applyRefusesASymlinkSwappedIn()
    {
        QFETCH(bool, folder);
        ToolFixture f;
        f.write(QStringLiteral("sub/conf.txt"), "same\n");
        // The target outside holds the very bytes that were reviewed, so only the path check can refuse.
        test::writeFile(f.outside() + QStringLiteral("/conf.txt"), "same\n");
        const auto change = prepareEdit(
            f.ctx, editInput(QStringLiteral("sub/conf.txt"), QStringLiteral("same"), QStringLiteral("evil")));
        QVERIFY(change.has_value());
        if (folder) {
            QVERIFY(QDir(f.project()).rename(QStringLiteral("sub"), QStringLiteral("sub.moved")));
            QVERIFY(QFile::link(f.outside(), f.path(QStringLiteral("sub"))));
        } else {
            QVERIFY(QFile::remove(f.path(QStringLiteral("sub/conf.txt"))));
            QVERIFY(QFile::link(f.outside() + QStringLiteral("/conf.txt"), f.path(QStringLiteral("sub/conf.txt"))));
        }
        const ToolResult result = applyChange(f.ctx, *change);
        QVERIFY(result.isError);
        QVERIFY2(result.content.contains(QStringLiteral("symbolic link")), qPrintable(result.content));
        QCOMPARE(f.contents(f.outside() + QStringLiteral("/conf.txt")), QByteArray("same\n"));
        QCOMPARE(f.entries(f.outside()), QStringList{QStringLiteral("conf.txt")});
    }

    void applyRefusesWhenADenyRuleWasAddedMeanwhile_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::newRow("an Edit deny") << "Edit(config/**)";
        QTest::newRow("a Read deny also blocks writes") << "Read(config/app.json)";
    }

    void applyRefusesWhenADenyRuleWasAddedMeanwhile()
    {
        QFETCH(QString, rule);
        ToolFixture f;
        f.write(QStringLiteral("config/app.json"), "{}\n");
        const auto change =
            prepareWrite(f.ctx, writeInput(QStringLiteral("config/app.json"), QStringLiteral("{\"x\": 1}\n")));
        QVERIFY(change.has_value());
        const auto stricter = f.makeEngine({rule});
        ToolContext later = f.ctx;
        later.engine = stricter.get();
        const ToolResult result = applyChange(later, *change);
        QVERIFY(result.isError);
        QVERIFY2(result.content.contains(QStringLiteral("now denied")), qPrintable(result.content));
        QCOMPARE(f.contents(f.path(QStringLiteral("config/app.json"))), QByteArray("{}\n"));
    }

    void summaries_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<int>("added");
        QTest::addColumn<int>("removed");
        QTest::newRow("a new file") << QByteArray() << QByteArray("a\nb\nc") << 3 << 0;
        QTest::newRow("emptied") << QByteArray("a\nb\n") << QByteArray() << 0 << 2;
        QTest::newRow("one line changed in the middle") << QByteArray("a\nb\nc\n") << QByteArray("a\nB\nc\n") << 1 << 1;
        QTest::newRow("a line inserted at the top") << QByteArray("a\nb\n") << QByteArray("z\na\nb\n") << 1 << 0;
        QTest::newRow("nothing changed") << QByteArray("a\n") << QByteArray("a\n") << 0 << 0;
    }

    void summaries()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(int, added);
        QFETCH(int, removed);
        FileChange change;
        change.before = before;
        change.after = after;
        const LineSummary summary = summariseChange(change);
        QCOMPARE(summary.added, added);
        QCOMPARE(summary.removed, removed);
    }
};

QTEST_GUILESS_MAIN(TestFileChange)
#include "tst_filechange.moc"
