// SPDX-License-Identifier: GPL-3.0-or-later
// Transcripts: one private JSON-lines file per session, read back and resumed as a conversation
// the Messages API accepts, pruned by age, never holding a secret.
#include "agent/transcript.h"

#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace gatehouse::agent;
namespace test = gatehouse::test;

namespace {

// QVERIFY2 evaluates its message even when the check passes: only read error() when there is one.
template<typename T>
QByteArray errorOf(const gatehouse::Expected<T> &expected)
{
    return expected ? QByteArray() : expected.error().message.toUtf8();
}

QList<QJsonObject> fileLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QJsonObject> lines;
    for (const QByteArray &line : file.readAll().split('\n'))
        if (!line.isEmpty())
            lines << QJsonDocument::fromJson(line).object();
    return lines;
}

Message assistant(const QList<ContentBlock> &content)
{
    return Message {Role::Assistant, content};
}
Message user(const QList<ContentBlock> &content)
{
    return Message {Role::User, content};
}

QList<QJsonObject> asJson(const QList<Message> &messages)
{
    QList<QJsonObject> json;
    for (const Message &message : messages)
        json << message.toJson();
    return json;
}

SessionInfo info(const QString &project, const QDateTime &started = {})
{
    return SessionInfo {{}, project, QStringLiteral("claude-test"), QStringLiteral("replay"), started, {}};
}

void setModified(const QString &path, const QDateTime &time)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(time, QFileDevice::FileModificationTime));
}

} // namespace

class TestTranscript final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void aConversationRoundTrips()
    {
        QTemporaryDir dir;
        QTemporaryDir project;
        const QString folder = dir.filePath(QStringLiteral("transcripts"));
        auto transcript = Transcript::create(folder, info(project.path() + QStringLiteral("/./")));
        QVERIFY2(transcript.has_value(), errorOf(transcript).constData());
        const QString id = transcript->info().id;
        QVERIFY(Transcript::isSessionId(id));
        const QList<Message> conversation {
            Message::userText(QStringLiteral("list the files")),
            assistant({ContentBlock::makeText(QStringLiteral("Looking.")),
                ContentBlock::makeToolUse(QStringLiteral("toolu_1"), QStringLiteral("Bash"),
                    {{QStringLiteral("command"), QStringLiteral("ls")}})}),
            user({ContentBlock::makeToolResult(QStringLiteral("toolu_1"), QStringLiteral("a.txt"), false)}),
            assistant({ContentBlock::makeText(QStringLiteral("There is a.txt."))}),
        };
        for (const Message &message : conversation)
            QVERIFY(transcript->append(message).has_value());
        QVERIFY(
            transcript
                ->appendEvent({{QStringLiteral("kind"), QStringLiteral("usage")}, {QStringLiteral("input_tokens"), 12}})
                .has_value());

        const QList<QJsonObject> lines = fileLines(transcript->info().filePath);
        QCOMPARE(lines.size(), 6);
        QCOMPARE(lines[0].value(QStringLiteral("type")).toString(), QStringLiteral("session"));
        QCOMPARE(lines[0].value(QStringLiteral("id")).toString(), id);
        QCOMPARE(lines[0].value(QStringLiteral("project")).toString(), QDir(project.path()).canonicalPath());
        QCOMPARE(lines[0].value(QStringLiteral("client")).toString(), QStringLiteral("replay"));
        QCOMPARE(lines[1].value(QStringLiteral("message")).toObject(), conversation[0].toJson());
        QCOMPARE(lines[5].value(QStringLiteral("type")).toString(), QStringLiteral("event"));
        QCOMPARE(lines[5].value(QStringLiteral("input_tokens")).toInt(), 12);

        auto resumed = Transcript::load(folder, id);
        QVERIFY2(resumed.has_value(), errorOf(resumed).constData());
        QVERIFY2(resumed->warnings.isEmpty(), qPrintable(resumed->warnings.join(u'\n')));
        QCOMPARE(asJson(resumed->messages), asJson(conversation));
        QCOMPARE(resumed->info.model, QStringLiteral("claude-test"));
        // Appending goes on in the same file.
        QVERIFY(resumed->transcript.append(Message::userText(QStringLiteral("thanks"))).has_value());
        QCOMPARE(Transcript::load(folder, id)->messages.size(), 5);
        QCOMPARE(QDir(folder).entryList(QDir::Files).size(), 1);

        QVERIFY(!Transcript::load(folder, QStringLiteral("../../etc/passwd")).has_value());
        QVERIFY(!Transcript::load(folder, QStringLiteral("20000101-000000-000000")).has_value());
    }

    void filesArePrivateFromTheStart()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("transcripts"));
        const mode_t previous = ::umask(0); // a umask that would let anyone read
        auto transcript = Transcript::create(folder, info(dir.path()));
        ::umask(previous);
        QVERIFY(transcript.has_value());
        struct stat status
        {
        };
        QCOMPARE(::stat(QFile::encodeName(folder).constData(), &status), 0);
        QCOMPARE(status.st_mode & 07777, 0700u);
        QCOMPARE(::stat(QFile::encodeName(transcript->info().filePath).constData(), &status), 0);
        QCOMPARE(status.st_mode & 07777, 0600u);
    }

    void resumingAnswersADanglingToolCall()
    {
        QTemporaryDir dir;
        auto transcript = Transcript::create(dir.path(), info(dir.path()));
        QVERIFY(transcript.has_value());
        QVERIFY(transcript->append(Message::userText(QStringLiteral("clean up"))).has_value());
        QVERIFY(transcript
                    ->append(assistant({ContentBlock::makeToolUse(QStringLiteral("a"), QStringLiteral("Bash"),
                                            {{QStringLiteral("command"), QStringLiteral("make clean")}}),
                        ContentBlock::makeToolUse(QStringLiteral("b"), QStringLiteral("Read"),
                            {{QStringLiteral("file_path"), QStringLiteral("x")}})}))
                    .has_value());
        // The session ended here, before any result was written.
        const QString id = transcript->info().id;
        auto resumed = Transcript::load(dir.path(), id);
        QVERIFY(resumed.has_value());
        QCOMPARE(resumed->messages.size(), 3);
        const Message &answer = resumed->messages.last();
        QCOMPARE(answer.role, Role::User);
        QCOMPARE(answer.content.size(), 2);
        for (const ContentBlock &block : answer.content) {
            QCOMPARE(block.type, ContentBlock::Type::ToolResult);
            QVERIFY(block.isError);
            QVERIFY(block.text.contains(QStringLiteral("may or may not have run")));
        }
        QCOMPARE(answer.content[0].id, QStringLiteral("a"));
        QCOMPARE(answer.content[1].id, QStringLiteral("b"));
        QCOMPARE(resumed->warnings.size(), 1);
        // The repair is in the file: loading again finds nothing to repair.
        auto again = Transcript::load(dir.path(), id);
        QVERIFY(again->warnings.isEmpty());
        QCOMPARE(asJson(again->messages), asJson(resumed->messages));
    }

    void aToolResultWithoutItsCallIsDropped()
    {
        QTemporaryDir dir;
        auto transcript = Transcript::create(dir.path(), info(dir.path()));
        QVERIFY(transcript->append(Message::userText(QStringLiteral("hi"))).has_value());
        QVERIFY(transcript->append(assistant({ContentBlock::makeText(QStringLiteral("hello"))})).has_value());
        QVERIFY(transcript
                    ->append(user({ContentBlock::makeToolResult(QStringLiteral("zz"), QStringLiteral("?"), false),
                        ContentBlock::makeText(QStringLiteral("go on"))}))
                    .has_value());
        auto resumed = Transcript::load(dir.path(), transcript->info().id);
        QCOMPARE(resumed->messages.size(), 3);
        QCOMPARE(resumed->messages[2].content.size(), 1);
        QCOMPARE(resumed->messages[2].text(), QStringLiteral("go on"));
    }

    void aTornLastLineIsSkipped()
    {
        QTemporaryDir dir;
        auto transcript = Transcript::create(dir.path(), info(dir.path()));
        QVERIFY(transcript->append(Message::userText(QStringLiteral("one"))).has_value());
        QVERIFY(transcript->append(assistant({ContentBlock::makeText(QStringLiteral("two"))})).has_value());
        const QString path = transcript->info().filePath;
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::Append));
            file.write("{\"type\":\"message\",\"message\":{\"role\":\"us");
        }
        auto resumed = Transcript::load(dir.path(), transcript->info().id);
        QVERIFY(resumed.has_value());
        QCOMPARE(resumed->messages.size(), 2);
        QCOMPARE(resumed->warnings.size(), 1);
        QVERIFY2(resumed->warnings.first().contains(QStringLiteral(":4: skipped a damaged line (a write cut short)")),
            qPrintable(resumed->warnings.first()));
        // The next line starts afresh after the fragment.
        QVERIFY(resumed->transcript.append(Message::userText(QStringLiteral("three"))).has_value());
        auto again = Transcript::load(dir.path(), transcript->info().id);
        QCOMPARE(again->messages.size(), 3);
        QCOMPARE(again->messages.last().text(), QStringLiteral("three"));
        QCOMPARE(again->warnings.size(), 1);
    }

    void secretsAreRedacted()
    {
        QTemporaryDir dir;
        auto transcript = Transcript::create(dir.path(), info(dir.path()));
        const QString token = QStringLiteral("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
        const QString key = QStringLiteral("sk-ant-api03-abcdefghijklmnopqrstuvwxyz");
        QVERIFY(transcript->append(Message::userText(QStringLiteral("use %1").arg(token))).has_value());
        QVERIFY(transcript
                    ->append(assistant({ContentBlock::makeToolUse(QStringLiteral("t"), QStringLiteral("Bash"),
                        {{QStringLiteral("command"), QStringLiteral("export ANTHROPIC_API_KEY=%1").arg(key)}})}))
                    .has_value());
        QVERIFY(transcript->appendEvent({{QStringLiteral("password"), QStringLiteral("hunter2hunter2")}}).has_value());
        for (const QString &secret : {token, key, QStringLiteral("hunter2hunter2")})
            QVERIFY2(test::filesContaining(dir.path(), secret.toUtf8()).isEmpty(), qPrintable(secret));
        QVERIFY(!test::filesContaining(dir.path(), "ANTHROPIC_API_KEY=[redacted]").isEmpty());
    }

    void sessionsAreListedNewestFirstPerProject()
    {
        QTemporaryDir dir;
        QTemporaryDir projectA;
        QTemporaryDir projectB;
        const QDateTime base(QDate(2026, 11, 1), QTime(9, 0), QTimeZone::UTC);
        QStringList ids;
        for (int i = 0; i < 3; ++i)
            ids << Transcript::create(dir.path(), info(projectA.path(), base.addDays(i)))->info().id;
        Transcript::create(dir.path(), info(projectB.path(), base.addDays(5)));
        test::writeFile(dir.filePath(QStringLiteral("notes.jsonl")), "{}\n");
        const QList<SessionInfo> sessions = Transcript::list(dir.path(), projectA.path());
        QCOMPARE(sessions.size(), 3);
        QCOMPARE(sessions[0].id, ids[2]);
        QCOMPARE(sessions[2].id, ids[0]);
        QVERIFY(ids[0] < ids[1] && ids[1] < ids[2]); // ids sort by time too
        QCOMPARE(sessions[0].started, base.addDays(2));
        QCOMPARE(Transcript::list(dir.path()).size(), 4);
    }

    void oldSessionsArePruned()
    {
        QTemporaryDir dir;
        const QDateTime now = QDateTime::currentDateTime();
        const auto session = [&dir](int daysOld) {
            auto transcript = Transcript::create(dir.path(), info(dir.path()));
            setModified(transcript->info().filePath, QDateTime::currentDateTime().addDays(-daysOld));
            return transcript->info().id;
        };
        const QString old = session(40);
        const QString current = session(40); // this session's own file is never deleted
        const QString recent = session(10);
        const QString fresh = session(0);
        test::writeFile(dir.filePath(QStringLiteral("notes.jsonl")), "{}\n");
        setModified(dir.filePath(QStringLiteral("notes.jsonl")), now.addDays(-100));

        QCOMPARE(Transcript::prune(dir.path(), 30, current), 1);
        const auto exists = [&dir](const QString &id) {
            return QFile::exists(dir.filePath(id + QStringLiteral(".jsonl")));
        };
        QVERIFY(!exists(old));
        QVERIFY(exists(current));
        QVERIFY(exists(recent));
        QCOMPARE(Transcript::prune(dir.path(), 0, current), 1); // nothing older than today
        QVERIFY(!exists(recent));
        QVERIFY(exists(fresh));
        QVERIFY(exists(current));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("notes.jsonl")))); // not a transcript
    }

    void retentionComesFromTheUserSettings_data()
    {
        QTest::addColumn<QByteArray>("settings");
        QTest::addColumn<int>("days");
        QTest::newRow("no file") << QByteArray() << 30;
        QTest::newRow("no key") << QByteArray(R"({"model": "x"})") << 30;
        QTest::newRow("a week") << QByteArray(R"({"cleanupPeriodDays": 7})") << 7;
        QTest::newRow("zero") << QByteArray(R"({"cleanupPeriodDays": 0})") << 0;
        QTest::newRow("not a number") << QByteArray(R"({"cleanupPeriodDays": "7"})") << 30;
        QTest::newRow("not an integer") << QByteArray(R"({"cleanupPeriodDays": 1.5})") << 30;
        QTest::newRow("broken file") << QByteArray("{oops") << 30;
    }

    void retentionComesFromTheUserSettings()
    {
        QFETCH(QByteArray, settings);
        QFETCH(int, days);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("settings.json"));
        if (!settings.isNull())
            test::writeFile(path, settings);
        QCOMPARE(transcriptRetentionDays(path), days);
    }
};

QTEST_GUILESS_MAIN(TestTranscript)
#include "tst_transcript.moc"
