// SPDX-License-Identifier: GPL-3.0-or-later
// "Always" answers on disk: the rule written to each layer's file atomically, everything else in
// the file kept, broken or linked files refused and untouched, and trust renewed after the write.
#include "approval/approvalbroker.h"
#include "approval/rulewriter.h"
#include "policy/engine.h"
#include "trust/truststore.h"

#include "approvalfixture.h"
#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::approval;
using namespace gatehouse::policy;
namespace test = gatehouse::test;
using Kind = ApprovalAnswer::Kind;

using namespace approvaltest;

Q_DECLARE_METATYPE(Layer)
Q_DECLARE_METATYPE(Kind)

class TestRuleWriter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    void alwaysWritesTheChosenLayer_data()
    {
        QTest::addColumn<Layer>("layer");
        QTest::addColumn<bool>("existing");
        QTest::newRow("project local, existing file") << Layer::Local << true;
        QTest::newRow("project shared, existing file") << Layer::Project << true;
        QTest::newRow("user, existing file") << Layer::User << true;
        QTest::newRow("project local, new file") << Layer::Local << false;
        QTest::newRow("user, new file") << Layer::User << false;
    }

    void alwaysWritesTheChosenLayer()
    {
        QFETCH(Layer, layer);
        QFETCH(bool, existing);
        Fixture fixture;
        const QString path = fixture.fileOf(layer);
        if (existing) {
            test::writeFile(path, R"j({"permissions": {"allow": ["Bash(ls)"], "deny": ["Bash(npm test --bad *)"]},
                                      "env": {"A": "1"}, "sandbox": {"autoAllow": false}})j");
            QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup));
        }
        ApprovalBroker broker(fixture.options());
        QSignalSpy policyChanged(&broker, &ApprovalBroker::policyChanged);
        const Submitted s = submit(broker, bash(QStringLiteral("npm test")));
        const auto outcome = broker.answer(s.id, answerOf(Kind::AllowAlways, layer));
        QVERIFY2(outcome.has_value(), outcome ? "" : qPrintable(outcome.error().message));
        QCOMPARE(outcome->file, path);
        QCOMPARE(outcome->layer, layer);
        QCOMPARE(policyChanged.count(), 1);

        const QByteArray text = readAll(path);
        const QJsonObject root = QJsonDocument::fromJson(text).object();
        const QJsonObject permissions = root.value(QStringLiteral("permissions")).toObject();
        QStringList allow;
        for (const QJsonValue &value : permissions.value(QStringLiteral("allow")).toArray())
            allow << value.toString();
        QCOMPARE(allow, existing ? QStringList({QStringLiteral("Bash(ls)"), QStringLiteral("Bash(npm test *)")})
                                 : QStringList{QStringLiteral("Bash(npm test *)")});
        QVERIFY2(text.startsWith("{\n  \"") && !text.contains("\n    \"permissions"), text.constData()); // indented by two
        if (existing) {
            QCOMPARE(root.value(QStringLiteral("env")).toObject().value(QStringLiteral("A")).toString(), QStringLiteral("1"));
            QCOMPARE(permissions.value(QStringLiteral("deny")).toArray().size(), 1);
            QCOMPARE(root.value(QStringLiteral("sandbox")).toObject().value(QStringLiteral("autoAllow")).toBool(true), false);
            QCOMPARE(QFile::permissions(path) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
                     QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup);
        } else if (layer == Layer::User) {
            QCOMPARE(QFile::permissions(path) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
                     QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
        // Nothing but the settings file is left in its folder (no temporary file).
        const QStringList entries = QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files | QDir::Hidden);
        for (const QString &entry : entries)
            QVERIFY2(entry.endsWith(QStringLiteral(".json")), qPrintable(entry));

        // The next engine allows it from that layer; a deny rule of the same file still wins.
        const Engine engine(Policy::load(broker.options()));
        const Decision allowed = engine.decide(bash(QStringLiteral("npm test -- -u")));
        QCOMPARE(verdictName(allowed.verdict), QStringLiteral("allow"));
        QCOMPARE(sourceName(allowed.source), layerName(layer));
        if (existing)
            QCOMPARE(verdictName(engine.decide(bash(QStringLiteral("npm test --bad x"))).verdict), QStringLiteral("deny"));
    }

    void aBrokenFileIsNeverOverwritten()
    {
        Fixture fixture;
        const QByteArray broken = "{\n  \"permissions\": {\"allow\": [\"Bash(ls)\",]}\n}\n";
        ApprovalBroker broker(fixture.options());
        const Submitted s = submit(broker, bash(QStringLiteral("npm test")));
        // Broken while the request waits (the person edits the file by hand meanwhile).
        test::writeFile(fixture.fileOf(Layer::User), broken);
        const auto outcome = broker.answer(s.id, answerOf(Kind::AllowAlways, Layer::User));
        QVERIFY(!outcome.has_value());
        QVERIFY2(outcome.error().message.contains(fixture.fileOf(Layer::User) + QStringLiteral(":2:")),
                 qPrintable(outcome.error().message));
        QCOMPARE(readAll(fixture.fileOf(Layer::User)), broken);
        QCOMPARE(broker.pending().size(), 1);
        QVERIFY(!s.heard->has_value());
    }

    void theWriterRefusesABrokenFile_data()
    {
        QTest::addColumn<Layer>("layer");
        QTest::newRow("project local") << Layer::Local;
        QTest::newRow("project shared") << Layer::Project;
        QTest::newRow("user") << Layer::User;
    }

    void theWriterRefusesABrokenFile()
    {
        QFETCH(Layer, layer);
        Fixture fixture;
        const QByteArray broken = "{\n  \"permissions\": {\"allow\": [\"Bash(ls)\"\n}\n";
        test::writeFile(fixture.fileOf(layer), broken);
        const auto saved = saveAllowRules(fixture.options(), layer, {QStringLiteral("Bash(npm test *)")});
        QVERIFY(!saved.has_value());
        QVERIFY2(saved.error().message.startsWith(fixture.fileOf(layer) + QStringLiteral(":4:")), qPrintable(saved.error().message));
        QCOMPARE(readAll(fixture.fileOf(layer)), broken);
    }

    // A link out of the project is already an error of the policy (nothing is offered); one
    // that stays inside is read, but never written through.
    void aLinkedProjectFileIsRefused_data()
    {
        QTest::addColumn<bool>("outside");
        QTest::addColumn<QString>("why");
        QTest::newRow("a link out of the project") << true << QStringLiteral("a project's configuration must live in the project");
        QTest::newRow("a link inside the project") << false << QStringLiteral("symbolic link");
    }
    void aLinkedProjectFileIsRefused()
    {
        QFETCH(bool, outside);
        QFETCH(QString, why);
        Fixture fixture;
        const QString target = outside ? fixture.fileOf(Layer::User) : fixture.project() + QStringLiteral("/config/gatehouse.json");
        test::writeFile(target, "{}\n");
        QDir().mkpath(fixture.project() + QStringLiteral("/.gatehouse"));
        QVERIFY(QFile::link(target, fixture.fileOf(Layer::Local)));
        ApprovalBroker broker(fixture.options());
        const Submitted s = submit(broker, bash(QStringLiteral("npm test")));
        const auto outcome = broker.answer(s.id, answerOf(Kind::AllowAlways, Layer::Local));
        QVERIFY(!outcome.has_value());
        QVERIFY2(outcome.error().message.contains(why), qPrintable(outcome.error().message));
        QCOMPARE(readAll(target), QByteArray("{}\n"));
    }

    void alwaysRenewsTheTrustOfATrustedFolder_data()
    {
        QTest::addColumn<bool>("trustedBefore");
        QTest::newRow("trusted before the write") << true;
        QTest::newRow("never trusted") << false;
    }

    void alwaysRenewsTheTrustOfATrustedFolder()
    {
        QFETCH(bool, trustedBefore);
        Fixture fixture;
        trust::TrustStore store(fixture.config());
        if (trustedBefore)
            QVERIFY(store.trust(fixture.project(), trust::readGrants(fixture.project()).hash).has_value());
        ApprovalBroker broker(fixture.options());
        const Submitted s = submit(broker, bash(QStringLiteral("make check")));
        const auto outcome = broker.answer(s.id, answerOf(Kind::AllowAlways, Layer::Project));
        QVERIFY2(outcome.has_value(), outcome ? "" : qPrintable(outcome.error().message));
        QCOMPARE(outcome->trustRenewed, trustedBefore);
        const trust::Grants grants = trust::readGrants(fixture.project());
        QVERIFY(grants.items.join(u'\n').contains(QStringLiteral("Bash(make check *)")));
        QCOMPARE(store.isTrusted(fixture.project(), grants.hash), trustedBefore);
    }

};

QTEST_GUILESS_MAIN(TestRuleWriter)
#include "tst_rulewriter.moc"
