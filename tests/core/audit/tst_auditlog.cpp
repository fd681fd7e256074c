// SPDX-License-Identifier: GPL-3.0-or-later
// The audit log: a hash chain of JSON lines that detects removed, edited, inserted and moved
// lines, survives torn writes and concurrent writers, and never holds a secret.
#include "audit/auditevents.h"
#include "audit/auditlog.h"
#include "audit/redact.h"

#include "auditlogsupport.h"
#include "testenv.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace gatehouse;
using namespace gatehouse::audit;
namespace test = gatehouse::test;

using namespace gatehouse::audit::testing;

class TestAuditLog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void appendedLinesFormOneChain()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("audit"));
        auto log = openLog(folder);
        log->setSessionId(QStringLiteral("20261125-171530-abc123"));
        appendDecisions(*log, 3);
        log->setSessionId({});
        QVERIFY(log->append(QStringLiteral("answer"),
                       answerFields(QStringLiteral("Bash"), QStringLiteral("always"), QStringLiteral("Bash(make)"),
                           QStringLiteral("/p/.gatehouse/settings.local.json"), {}))
                    .has_value());

        const QList<QByteArray> lines = readLines(folder + u'/' + novemberFile);
        QCOMPARE(lines.size(), 4);
        QByteArray previous(64, '0');
        for (qsizetype i = 0; i < lines.size(); ++i) {
            QVERIFY2(lines[i].startsWith(QByteArray(
                         "{\"v\":1,\"seq\":" + QByteArray::number(i + 1) + ",\"time\":\"2026-11-25T17:15:30.000Z\"")),
                lines[i].constData());
            const QJsonObject entry = object(lines[i]);
            QCOMPARE(entry.value(QStringLiteral("prev")).toString().toLatin1(), previous);
            previous = entry.value(QStringLiteral("hash")).toString().toLatin1();
            QCOMPARE(previous, reseal(lines[i]).right(66).left(64)); // the hash covers the bytes before it
        }
        QCOMPARE(
            object(lines[0]).value(QStringLiteral("session")).toString(), QStringLiteral("20261125-171530-abc123"));
        QCOMPARE(object(lines[0]).value(QStringLiteral("input")).toObject().value(QStringLiteral("command")).toString(),
            QStringLiteral("echo 0"));
        QCOMPARE(object(lines[0]).value(QStringLiteral("verdict")).toString(), QStringLiteral("allow"));
        QVERIFY(!object(lines[3]).contains(QStringLiteral("session")));
        QCOMPARE(object(lines[3]).value(QStringLiteral("savedTo")).toString(),
            QStringLiteral("/p/.gatehouse/settings.local.json"));

        const AuditVerification verification = verifyAuditLog(folder);
        QVERIFY2(verification.ok, qPrintable(describe(verification)));
        QCOMPARE(verification.lines, 4);
        QCOMPARE(verification.files, 1);
        QVERIFY(verification.warnings.isEmpty());

        // A reserved field is refused rather than overwritten.
        QVERIFY(!log->append(QStringLiteral("decision"), {{QStringLiteral("hash"), QStringLiteral("x")}}).has_value());
    }

    void tamperingIsDetected_data()
    {
        QTest::addColumn<QString>("tampering");
        QTest::addColumn<QString>("expected"); // "line: word"
        QTest::newRow("a line removed") << QStringLiteral("remove 3") << QStringLiteral("3: removed");
        QTest::newRow("the first line removed") << QStringLiteral("remove 1") << QStringLiteral("1: removed");
        QTest::newRow("the last line removed") << QStringLiteral("remove 6") << QStringLiteral("6: removed");
        QTest::newRow("a line edited") << QStringLiteral("edit 2") << QStringLiteral("2: edited");
        QTest::newRow("a line edited, its hash recomputed")
            << QStringLiteral("edit-reseal 4") << QStringLiteral("4: edited");
        QTest::newRow("the last line edited, its hash recomputed")
            << QStringLiteral("edit-reseal 6") << QStringLiteral("6: edited");
        QTest::newRow("a forged line inserted") << QStringLiteral("insert 3") << QStringLiteral("3: inserted");
        QTest::newRow("a copy of a line inserted") << QStringLiteral("copy 5") << QStringLiteral("5: inserted");
        QTest::newRow("two lines swapped") << QStringLiteral("swap 3") << QStringLiteral("4: reordered");
        QTest::newRow("a line cut short") << QStringLiteral("truncate 2") << QStringLiteral("2: edited");
    }

    void tamperingIsDetected()
    {
        QFETCH(QString, tampering);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("audit"));
        appendDecisions(*openLog(folder), 6);
        const QString path = folder + u'/' + novemberFile;
        QList<QByteArray> lines = readLines(path);
        QCOMPARE(lines.size(), 6);
        QVERIFY(verifyAuditLog(folder).ok); // the check can pass

        const QString action = tampering.section(u' ', 0, 0);
        const int n = tampering.section(u' ', 1, 1).toInt(); // 1-based
        if (action == QStringLiteral("remove")) {
            lines.removeAt(n - 1);
        } else if (action == QStringLiteral("edit")) {
            lines[n - 1] = replaceField(lines[n - 1], "\"verdict\":\"allow\"", "\"verdict\":\"deny\"");
        } else if (action == QStringLiteral("edit-reseal")) {
            lines[n - 1] = reseal(replaceField(lines[n - 1], "\"verdict\":\"allow\"", "\"verdict\":\"deny\""));
        } else if (action == QStringLiteral("insert")) {
            // Chained to the line before it, with a valid hash of its own.
            const QJsonObject before = object(lines[n - 2]);
            QByteArray forged = replaceField(lines[n - 2], "echo " + QByteArray::number(n - 2), "rm -rf /");
            forged = replaceField(forged, before.value(QStringLiteral("prev")).toString().toLatin1(),
                before.value(QStringLiteral("hash")).toString().toLatin1());
            lines.insert(n - 1, reseal(forged));
        } else if (action == QStringLiteral("copy")) {
            lines.insert(n - 1, lines[1]);
        } else if (action == QStringLiteral("swap")) {
            lines.swapItemsAt(n - 1, n);
        } else if (action == QStringLiteral("truncate")) {
            lines[n - 1].chop(40);
        }
        writeLines(path, lines);

        const AuditVerification verification = verifyAuditLog(folder);
        QVERIFY(!verification.ok);
        const QString location = novemberFile + u':' + expected.section(u':', 0, 0) + u':';
        const QString word = expected.section(u' ', 1);
        bool found = false;
        for (const QString &problem : verification.problems)
            found = found || (problem.startsWith(location) && problem.section(u':', 2, 2).trimmed() == word);
        QVERIFY2(found, qPrintable(describe(verification)));
    }

    void aTornLastLineIsAWarningAndTheChainGoesOn()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("audit"));
        auto log = openLog(folder);
        appendDecisions(*log, 3);
        const QString path = folder + u'/' + novemberFile;
        // What a crash in the middle of write() leaves: the start of a line, no newline.
        QByteArray torn = readLines(path).last();
        torn = torn.left(torn.size() / 2);
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::Append));
            file.write(torn);
        }
        AuditVerification verification = verifyAuditLog(folder);
        QVERIFY2(verification.ok, qPrintable(describe(verification)));
        QCOMPARE(verification.lines, 3);
        QCOMPARE(verification.warnings.size(), 1);
        QVERIFY2(verification.warnings.first().startsWith(novemberFile + QStringLiteral(":4: torn")),
            qPrintable(describe(verification)));

        appendDecisions(*log, 2);
        const QList<QByteArray> lines = readLines(path);
        QCOMPARE(lines.size(), 6);
        QCOMPARE(lines[3], torn); // left as it was, on its own line
        QCOMPARE(object(lines[4]).value(QStringLiteral("prev")), object(lines[2]).value(QStringLiteral("hash")));
        QCOMPARE(object(lines[4]).value(QStringLiteral("seq")).toInteger(), 4);
        verification = verifyAuditLog(folder);
        QVERIFY2(verification.ok, qPrintable(describe(verification)));
        QCOMPARE(verification.lines, 5);
        QCOMPARE(verification.warnings.size(), 1);
        QVERIFY(verification.warnings.first().startsWith(novemberFile + QStringLiteral(":4: torn")));

        // Garbage in the middle is not a torn write.
        QList<QByteArray> edited = lines;
        edited.insert(2, "hello");
        writeLines(path, edited);
        verification = verifyAuditLog(folder);
        QVERIFY(!verification.ok);
        QVERIFY2(verification.problems.first().startsWith(novemberFile + QStringLiteral(":3: inserted")),
            qPrintable(describe(verification)));
    }

    void linesRemovedFromTheEndShowAfterTheNextAppend()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("audit"));
        auto log = openLog(folder);
        appendDecisions(*log, 4);
        const QString path = folder + u'/' + novemberFile;
        QList<QByteArray> lines = readLines(path);
        lines.removeLast();
        lines.removeLast();
        writeLines(path, lines);
        appendDecisions(*log, 1);
        const AuditVerification verification = verifyAuditLog(folder);
        QVERIFY(!verification.ok);
        QVERIFY2(verification.problems.first().startsWith(novemberFile + QStringLiteral(":3: removed: 2 line(s)")),
            qPrintable(describe(verification)));
    }

    void theChainContinuesAcrossMonths()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("audit"));
        auto log = openLog(folder, QDateTime(QDate(2026, 10, 31), QTime(23, 59, 59), QTimeZone::UTC));
        appendDecisions(*log, 2);
        log->setClock([] { return QDateTime(QDate(2026, 11, 1), QTime(0, 0, 1), QTimeZone::UTC); });
        appendDecisions(*log, 2);
        // A clock that goes back keeps writing to the newest file, so the file order stays the chain's.
        log->setClock([] { return QDateTime(QDate(2026, 9, 1), QTime(12, 0), QTimeZone::UTC); });
        appendDecisions(*log, 1);

        const QList<QByteArray> october = readLines(folder + QStringLiteral("/audit-2026-10.jsonl"));
        const QList<QByteArray> novemberLines = readLines(folder + u'/' + novemberFile);
        QCOMPARE(october.size(), 2);
        QCOMPARE(novemberLines.size(), 3);
        QVERIFY(!QFile::exists(folder + QStringLiteral("/audit-2026-09.jsonl")));
        QCOMPARE(
            object(novemberLines[0]).value(QStringLiteral("prev")), object(october[1]).value(QStringLiteral("hash")));
        QCOMPARE(object(novemberLines[0]).value(QStringLiteral("seq")).toInteger(), 3);
        AuditVerification verification = verifyAuditLog(folder);
        QVERIFY2(verification.ok, qPrintable(describe(verification)));
        QCOMPARE(verification.lines, 5);
        QCOMPARE(verification.files, 2);

        // Reading from a date skips what came before (by each line's own time).
        auto entries = readAuditLog(folder, QDateTime(QDate(2026, 11, 1), QTime(0, 0), QTimeZone::UTC));
        QVERIFY(entries.has_value());
        QCOMPARE(entries->size(), 2);
        QCOMPARE(readAuditLog(folder)->size(), 5);

        // The end of October removed: seen at the start of November.
        writeLines(folder + QStringLiteral("/audit-2026-10.jsonl"), {october[0]});
        verification = verifyAuditLog(folder);
        QVERIFY(!verification.ok);
        QVERIFY2(verification.problems.first().startsWith(novemberFile + QStringLiteral(":1: removed")),
            qPrintable(describe(verification)));
    }

    void concurrentProcessesKeepOneChain()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("audit"));
        const int perChild = 60;
        QList<QProcess *> children;
        for (const char *name : {"first", "second", "third"}) {
            auto *child = new QProcess(this);
            child->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            child->start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--child-append"), folder, QString::number(perChild), QString::fromLatin1(name)});
            children << child;
        }
        for (QProcess *child : children) {
            QVERIFY(child->waitForFinished(120000));
            QCOMPARE(child->exitStatus(), QProcess::NormalExit);
            QCOMPARE(child->exitCode(), 0);
            delete child;
        }
        const AuditVerification verification = verifyAuditLog(folder);
        QVERIFY2(verification.ok, qPrintable(describe(verification)));
        QCOMPARE(verification.lines, 3 * perChild);
        QVERIFY(verification.warnings.isEmpty());
        QHash<QString, int> perWriter;
        const auto entries = readAuditLog(folder);
        QVERIFY(entries.has_value());
        for (const QJsonObject &entry : *entries)
            ++perWriter[entry.value(QStringLiteral("writer")).toString()];
        QCOMPARE(perWriter.value(QStringLiteral("first")), perChild);
        QCOMPARE(perWriter.value(QStringLiteral("second")), perChild);
        QCOMPARE(perWriter.value(QStringLiteral("third")), perChild);
    }

    void filesArePrivate()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("audit"));
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(QFile::setPermissions(folder, QFile::Permissions::fromInt(0x7755))); // an older, wider folder
        appendDecisions(*openLog(folder), 1);
        const auto mode = [](const QString &path) {
            return QFileInfo(path).permissions() & QFile::Permissions::fromInt(0x7777);
        };
        QCOMPARE(mode(folder),
            QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadUser | QFile::WriteUser
                | QFile::ExeUser);
        for (const QString &name : {novemberFile, QStringLiteral("head.json"), QStringLiteral(".lock")})
            QCOMPARE(
                mode(folder + u'/' + name), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser);
    }

    void secretsNeverReachTheFile()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("audit"));
        auto log = openLog(folder);
        const QString apiKey = QStringLiteral("my-own-registered-key-0123456789");
        registerSecret(apiKey);
        const QString token = QStringLiteral("ghp_0123456789abcdefghijABCDEFGHIJ012345");
        const QString bearer = QStringLiteral("c2VjcmV0LWJlYXJlci10b2tlbg");
        const QString content = QStringLiteral("the contents of a file that the audit log never holds");
        policy::Decision decision;
        decision.reason = QStringLiteral("uses %1").arg(apiKey);
        QVERIFY(log->append(QStringLiteral("decision"),
                       decisionFields(
                           {QStringLiteral("Bash"),
                               {{QStringLiteral("command"),
                                   QStringLiteral("GITHUB_TOKEN=%1 curl -H 'Authorization: Bearer %2' https://x/?k=%3")
                                       .arg(token, bearer, apiKey)}}},
                           decision))
                    .has_value());
        QVERIFY(log->append(QStringLiteral("decision"),
                       decisionFields({QStringLiteral("Write"),
                                          {{QStringLiteral("file_path"), QStringLiteral("/p/a.txt")},
                                              {QStringLiteral("content"), content}}},
                           decision))
                    .has_value());
        QVERIFY(log->append(QStringLiteral("answer"),
                       answerFields(QStringLiteral("Bash"), QStringLiteral("deny"), {}, {},
                           QStringLiteral("never send %1").arg(token)))
                    .has_value());
        unregisterSecret(apiKey);
        for (const QString &secret : {apiKey, token, bearer, content})
            QVERIFY2(test::filesContaining(folder, secret.toUtf8()).isEmpty(), qPrintable(secret));
        const QList<QByteArray> lines = readLines(folder + u'/' + novemberFile);
        QVERIFY(lines[0].contains("GITHUB_TOKEN=[redacted]"));
        QVERIFY(lines[0].contains("Authorization: Bearer [redacted]"));
        QCOMPARE(object(lines[1]).value(QStringLiteral("input")).toObject().value(QStringLiteral("bytes")).toInteger(),
            content.toUtf8().size());
        QVERIFY(verifyAuditLog(folder).ok);
    }
};

// The child of concurrentProcessesKeepOneChain: appends COUNT lines to FOLDER as WRITER.
static int childAppend(const QString &folder, int count, const QString &writer)
{
    auto log = AuditLog::open(folder);
    if (!log)
        return 3;
    for (int i = 0; i < count; ++i)
        if (!(*log)->append(
                QStringLiteral("execution"), {{QStringLiteral("writer"), writer}, {QStringLiteral("n"), i}}))
            return 4;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && std::strcmp(argv[1], "--child-append") == 0) {
        QCoreApplication app(argc, argv);
        return childAppend(
            QString::fromLocal8Bit(argv[2]), QByteArray(argv[3]).toInt(), QString::fromLocal8Bit(argv[4]));
    }
    QCoreApplication app(argc, argv);
    TestAuditLog test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_auditlog.moc"
