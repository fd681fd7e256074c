// SPDX-License-Identifier: GPL-3.0-or-later
// Golden-file tests of the policy engine. Each tests/core/policy/golden/NAME.cases.jsonl holds
// fixture lines ({"fixture": {...}}: settings of each layer, trust, mode, files and symlinks of
// a project, optionally a git repository of them) and case lines ({"name", "tool", "input",
// "expect", and optionally "rule", "source", "risks", "bash"}). A case fails when the engine's
// verdict (or a given rule, source or risk list) differs from what the case expects, or when
// its "bash" effect ({"reads": ".env"}...) does not happen when bash really runs the command in
// a copy of the fixture (goldenfixture.h): a case about what bash does is checked against bash. The engine's whole answers (reason, description)
// are also compared with NAME.golden.jsonl by `diff -u`; run
// tests/core/policy/regenerate-golden.sh after an intended change, and read the diff.
#include "policy/engine.h"

#include "goldenfixture.h"
#include "testenv.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse::policy;
namespace test = gatehouse::test;
namespace golden = gatehouse::test::golden;
using golden::substitute;

namespace {

QString goldenFolder() { return QStringLiteral(GATEHOUSE_SOURCE_DIR "/tests/core/policy/golden"); }

struct Suite
{
    QString name;
    int cases = 0;
    int failures = 0;
    QStringList output;
};

class Runner
{
public:
    explicit Runner(Suite &suite)
        : m_suite(suite)
    {
    }

    bool setUp(const QJsonObject &fixture)
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_root = QDir(m_dir->path()).canonicalPath();
        const QJsonObject f = substitute(fixture, m_root).toObject();
        if (const QString error = golden::writeFixture(m_root, f); !error.isEmpty()) {
            qWarning().noquote() << error;
            return false;
        }
        m_fixture = fixture;

        PolicyOptions options;
        options.projectDir = m_root + QStringLiteral("/home/proj");
        options.homeDir = m_root + QStringLiteral("/home");
        options.userConfigDir = m_root + QStringLiteral("/home/.config/gatehouse");
        options.managedDir = m_root + QStringLiteral("/etc/gatehouse");
        options.projectTrusted = f.value(QStringLiteral("trusted")).toBool(true);
        options.headless = f.value(QStringLiteral("headless")).toBool(false);
        options.sandboxAvailable = f.value(QStringLiteral("sandboxAvailable")).toBool(false);
        for (const QJsonValue &rule : f.value(QStringLiteral("allow")).toArray())
            options.cliAllow << rule.toString();
        for (const QJsonValue &rule : f.value(QStringLiteral("ask")).toArray())
            options.cliAsk << rule.toString();
        for (const QJsonValue &rule : f.value(QStringLiteral("deny")).toArray())
            options.cliDeny << rule.toString();
        if (f.contains(QStringLiteral("mode")))
            options.cliMode = modeFromName(f.value(QStringLiteral("mode")).toString());
        m_engine = std::make_unique<Engine>(Policy::load(options));
        m_suite.output << QStringLiteral("# fixture %1").arg(QString::fromUtf8(QJsonDocument(fixture).toJson(QJsonDocument::Compact)));
        for (const QString &error : m_engine->policy().errors())
            m_suite.output << QStringLiteral("# settings error: %1").arg(QString(error).replace(m_root, QStringLiteral("$ROOT")));
        return true;
    }

    void run(const QJsonObject &testCase, int lineNumber)
    {
        ++m_suite.cases;
        const QString name = testCase.value(QStringLiteral("name")).toString();
        const QJsonObject call = substitute(QJsonObject{{QStringLiteral("tool"), testCase.value(QStringLiteral("tool"))},
                                                        {QStringLiteral("input"), testCase.value(QStringLiteral("input"))}},
                                           m_root)
                                     .toObject();
        // The engine directly: a JSON round trip would lose characters (Qt drops a raw U+FEFF)
        // that the hidden-character cases are about.
        const QJsonObject answer =
            m_engine->decide(ToolCall{call.value(QStringLiteral("tool")).toString(), call.value(QStringLiteral("input")).toObject()})
                .toJson();
        const QByteArray answerText = QJsonDocument(answer).toJson(QJsonDocument::Compact);

        QStringList problems;
        const auto expectField = [&](const QString &field) {
            if (!testCase.contains(field))
                return;
            const QJsonValue expected = substitute(testCase.value(field), m_root);
            const QJsonValue actual = answer.value(field == QStringLiteral("expect") ? QStringLiteral("decision") : field);
            if (expected != actual)
                problems << QStringLiteral("%1: expected %2, got %3")
                                .arg(field, QString::fromUtf8(QJsonDocument(QJsonArray{expected}).toJson(QJsonDocument::Compact)),
                                     QString::fromUtf8(QJsonDocument(QJsonArray{actual}).toJson(QJsonDocument::Compact)));
        };
        if (!testCase.contains(QStringLiteral("expect")))
            problems << QStringLiteral("the case has no \"expect\"");
        expectField(QStringLiteral("expect"));
        expectField(QStringLiteral("rule"));
        expectField(QStringLiteral("source"));
        expectField(QStringLiteral("risks"));
        // What the case is about must really happen in bash, or the case proves nothing.
        if (testCase.contains(QStringLiteral("bash")))
            if (const QString problem = golden::checkInBash(m_fixture, testCase.value(QStringLiteral("input")).toObject()
                                                                            .value(QStringLiteral("command")).toString(),
                                                            testCase.value(QStringLiteral("bash")).toObject());
                !problem.isEmpty())
                problems << QStringLiteral("bash: ") + problem;
        if (!problems.isEmpty()) {
            ++m_suite.failures;
            qWarning().noquote() << QStringLiteral("%1.cases.jsonl:%2: case \"%3\": %4\n    answer: %5")
                                        .arg(m_suite.name)
                                        .arg(lineNumber)
                                        .arg(name, problems.join(QStringLiteral("; ")), QString::fromUtf8(answerText));
        }
        QJsonObject line{{QStringLiteral("name"), name}};
        for (auto it = answer.begin(); it != answer.end(); ++it)
            line.insert(it.key(), it.value());
        m_suite.output << QString::fromUtf8(QJsonDocument(line).toJson(QJsonDocument::Compact)).replace(m_root, QStringLiteral("$ROOT"));
    }

private:
    Suite &m_suite;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_root;
    std::unique_ptr<Engine> m_engine;
    QJsonObject m_fixture;
};

} // namespace

class TestPolicyGolden final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void suites_data()
    {
        QTest::addColumn<QString>("name");
        const QStringList files = QDir(goldenFolder()).entryList({QStringLiteral("*.cases.jsonl")}, QDir::Files, QDir::Name);
        QVERIFY(!files.isEmpty());
        for (const QString &file : files) {
            const QString name = file.left(file.size() - int(qstrlen(".cases.jsonl")));
            QTest::newRow(qPrintable(name)) << name;
        }
    }

    void suites()
    {
        QFETCH(QString, name);
        QFile file(goldenFolder() + u'/' + name + QStringLiteral(".cases.jsonl"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        Suite suite;
        suite.name = name;
        Runner runner(suite);
        bool haveFixture = false;
        int lineNumber = 0;
        while (!file.atEnd()) {
            const QByteArray line = file.readLine().trimmed();
            ++lineNumber;
            if (line.isEmpty() || line.startsWith("//"))
                continue;
            QJsonParseError error;
            const QJsonDocument document = QJsonDocument::fromJson(line, &error);
            QVERIFY2(document.isObject(), qPrintable(QStringLiteral("%1:%2: %3").arg(name).arg(lineNumber).arg(error.errorString())));
            const QJsonObject object = document.object();
            if (object.contains(QStringLiteral("fixture"))) {
                QVERIFY(runner.setUp(object.value(QStringLiteral("fixture")).toObject()));
                haveFixture = true;
                continue;
            }
            if (!haveFixture) {
                QVERIFY(runner.setUp({}));
                haveFixture = true;
            }
            runner.run(object, lineNumber);
        }
        m_totalCases += suite.cases;
        qInfo("%s: %d cases", qPrintable(name), suite.cases);
        QVERIFY2(suite.failures == 0, qPrintable(QStringLiteral("%1 of %2 cases failed (see the warnings above)")
                                                     .arg(suite.failures)
                                                     .arg(suite.cases)));

        const QString golden = goldenFolder() + u'/' + name + QStringLiteral(".golden.jsonl");
        const QByteArray actual = suite.output.join(u'\n').toUtf8() + '\n';
        if (qEnvironmentVariableIsSet("GATEHOUSE_UPDATE_GOLDEN")) {
            QFile out(golden);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(actual);
            return;
        }
        QFile expected(golden);
        QVERIFY2(expected.open(QIODevice::ReadOnly),
                 qPrintable(QStringLiteral("%1 is missing; run tests/core/policy/regenerate-golden.sh").arg(golden)));
        if (expected.readAll() != actual) {
            const QString actualPath = QDir::temp().filePath(name + QStringLiteral(".actual.jsonl"));
            test::writeFile(actualPath, actual);
            QProcess diff;
            diff.start(QStringLiteral("diff"), {QStringLiteral("-u"), golden, actualPath});
            diff.waitForFinished();
            qWarning().noquote() << QString::fromUtf8(diff.readAllStandardOutput());
            QFAIL("the engine's answers differ from the golden file (diff above); if the change is intended, run "
                  "tests/core/policy/regenerate-golden.sh");
        }
    }

    void cleanupTestCase() { qInfo("%d golden cases in all", m_totalCases); }

private:
    int m_totalCases = 0;
};

QTEST_GUILESS_MAIN(TestPolicyGolden)
#include "tst_policygolden.moc"
