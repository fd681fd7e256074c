// SPDX-License-Identifier: GPL-3.0-or-later
// `gatehouse audit` and the trust changes it records, run as a person or a script would: the
// real binary on a temporary state folder.
#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace test = gatehouse::test;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

class AuditVerbTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_state;
    QTemporaryDir m_config;

    QString auditFolder() const { return m_state.filePath(QStringLiteral("gatehouse/audit")); }

    Run gatehouse(const QStringList &arguments, const QByteArray &input = {})
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_STATE_HOME"), m_state.path());
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_config.path());
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(GATEHOUSE_BINARY), arguments);
        process.write(input);
        process.closeWriteChannel();
        if (!process.waitForFinished(60000))
            process.kill();
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }

    QString auditFile() const
    {
        const QStringList files =
            QDir(auditFolder()).entryList({QStringLiteral("audit-*.jsonl")}, QDir::Files, QDir::Name);
        return files.isEmpty() ? QString() : auditFolder() + u'/' + files.last();
    }

    QList<QJsonObject> entries()
    {
        const Run run = gatehouse({QStringLiteral("audit"), QStringLiteral("--json")});
        QList<QJsonObject> result;
        for (const QString &line : run.out.split(u'\n', Qt::SkipEmptyParts))
            result << QJsonDocument::fromJson(line.toUtf8()).object();
        return result;
    }

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void init()
    {
        // Each test starts with no audit log.
        QDir(m_state.filePath(QStringLiteral("gatehouse"))).removeRecursively();
    }

    void anEmptyLogVerifies()
    {
        const Run run = gatehouse({QStringLiteral("audit"), QStringLiteral("--verify")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QStringLiteral("audit log verified: 0 lines in 0 files\n"));
        QCOMPARE(gatehouse({QStringLiteral("audit")}).out, QString());
    }

    void trustChangesAreAudited()
    {
        QTemporaryDir project;
        test::writeFile(project.filePath(QStringLiteral(".gatehouse/settings.json")),
            R"j({"permissions": {"allow": ["Bash(make)"]}})j");
        const QString canonical = QDir(project.path()).canonicalPath();
        Run run = gatehouse({QStringLiteral("trust"), QStringLiteral("--yes"), project.path()});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.isEmpty(), qPrintable(run.err));
        run = gatehouse({QStringLiteral("trust"), QStringLiteral("--revoke"), project.path()});
        QCOMPARE(run.exitCode, 0);
        // Answering no changes nothing, and records nothing.
        run = gatehouse({QStringLiteral("trust"), project.path()}, "n\n");
        QCOMPARE(run.exitCode, 1);

        const QList<QJsonObject> lines = entries();
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0].value(QStringLiteral("event")).toString(), QStringLiteral("trust"));
        QCOMPARE(lines[0].value(QStringLiteral("action")).toString(), QStringLiteral("trusted"));
        QCOMPARE(lines[0].value(QStringLiteral("project")).toString(), canonical);
        QCOMPARE(lines[0].value(QStringLiteral("grantsHash")).toString().size(), 64);
        QVERIFY(lines[0]
                    .value(QStringLiteral("grants"))
                    .toArray()
                    .first()
                    .toString()
                    .contains(QStringLiteral("Bash(make)")));
        QCOMPARE(lines[1].value(QStringLiteral("action")).toString(), QStringLiteral("revoked"));

        run = gatehouse({QStringLiteral("audit")});
        QCOMPARE(run.exitCode, 0);
        const QStringList readable = run.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(readable.size(), 2);
        QVERIFY2(readable[0].contains(QStringLiteral("trust")) && readable[0].contains(QStringLiteral("trusted"))
                && readable[0].contains(canonical),
            qPrintable(readable[0]));

        run = gatehouse({QStringLiteral("audit"), QStringLiteral("--verify")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QStringLiteral("audit log verified: 2 lines in 1 files\n"));

        // Entries from a given time on.
        QCOMPARE(
            gatehouse({QStringLiteral("audit"), QStringLiteral("--since"), QStringLiteral("2h")}).out.count(u'\n'), 2);
        QCOMPARE(gatehouse({QStringLiteral("audit"), QStringLiteral("--since"), QStringLiteral("2999-01-01")}).out,
            QString());
        run = gatehouse({QStringLiteral("audit"), QStringLiteral("--since"), QStringLiteral("soon")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains(QStringLiteral("--since")));
    }

    void aTamperedLogFailsNamingTheLine_data()
    {
        QTest::addColumn<QString>("how");
        QTest::addColumn<QString>("expected");
        QTest::newRow("edited") << QStringLiteral("edit") << QStringLiteral(":2: edited");
        QTest::newRow("removed") << QStringLiteral("remove") << QStringLiteral(":2: removed");
        QTest::newRow("swapped") << QStringLiteral("swap") << QStringLiteral(":3: reordered");
    }

    void aTamperedLogFailsNamingTheLine()
    {
        QFETCH(QString, how);
        QFETCH(QString, expected);
        QTemporaryDir project;
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(gatehouse({QStringLiteral("trust"), QStringLiteral("--yes"), project.path()}).exitCode, 0);
            QCOMPARE(gatehouse({QStringLiteral("trust"), QStringLiteral("--revoke"), project.path()}).exitCode, 0);
        }
        const QString path = auditFile();
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QList<QByteArray> lines = file.readAll().split('\n');
        file.close();
        lines.removeLast();
        QCOMPARE(lines.size(), 4);
        if (how == QStringLiteral("edit"))
            lines[1].replace("\"revoked\"", "\"trusted\"");
        else if (how == QStringLiteral("remove"))
            lines.removeAt(1);
        else
            lines.swapItemsAt(1, 2);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(lines.join('\n') + '\n');
        file.close();

        const Run run = gatehouse({QStringLiteral("audit"), QStringLiteral("--verify")});
        QCOMPARE(run.exitCode, 1);
        const QString location = QFileInfo(path).fileName() + expected;
        QVERIFY2(run.out.contains(location), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("audit log NOT verified")), qPrintable(run.out));
    }

    void aTornLastLineIsAWarning()
    {
        QTemporaryDir project;
        QCOMPARE(gatehouse({QStringLiteral("trust"), QStringLiteral("--yes"), project.path()}).exitCode, 0);
        QFile file(auditFile());
        QVERIFY(file.open(QIODevice::Append));
        file.write("{\"v\":1,\"seq\":2,\"time\":\"2026-");
        file.close();
        Run run = gatehouse({QStringLiteral("audit"), QStringLiteral("--verify")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(QStringLiteral(":2: torn")), qPrintable(run.out));
        QVERIFY(run.out.endsWith(QStringLiteral("audit log verified: 1 lines in 1 files\n")));
        // The next change chains past it.
        QCOMPARE(gatehouse({QStringLiteral("trust"), QStringLiteral("--revoke"), project.path()}).exitCode, 0);
        run = gatehouse({QStringLiteral("audit"), QStringLiteral("--verify")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.endsWith(QStringLiteral("audit log verified: 2 lines in 1 files\n")));
    }

    void aFailureToWriteTheLogIsSaid()
    {
        // The audit folder's place is taken by a file: the log cannot be written.
        test::writeFile(auditFolder(), "not a folder");
        QTemporaryDir project;
        const Run run = gatehouse({QStringLiteral("trust"), QStringLiteral("--yes"), project.path()});
        QCOMPARE(run.exitCode, 0); // the folder is trusted all the same
        QVERIFY2(run.err.contains(QStringLiteral("gatehouse trust: warning: the audit log could not be written")),
            qPrintable(run.err));
    }
};

} // namespace

QTEST_GUILESS_MAIN(AuditVerbTest)
#include "tst_auditverb.moc"
