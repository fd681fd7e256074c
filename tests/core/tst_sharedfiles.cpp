// SPDX-License-Identifier: GPL-3.0-or-later
// The user's files that several Gatehouse processes change at once (trust.json, the settings
// files "always" answers add rules to): real processes, started together, each load, change and
// save the same file; every change survives. A lock held by a live process makes a change fail,
// naming the file and the holder, and leaves the file as it was; a crashed holder's lock does not.
#include "approval/rulewriter.h"
#include "common/filelock.h"
#include "trust/truststore.h"

#include "testenv.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <cstring>
#include <memory>

using namespace gatehouse;
using namespace Qt::StringLiterals;
namespace test = gatehouse::test;

Q_DECLARE_METATYPE(policy::Layer)

namespace {

constexpr int childCount = 8;
constexpr int changesPerChild = 6;

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// What a child is given: the folders of a project, its home and the user's config.
struct Place
{
    QTemporaryDir dir;
    QString root() const { return QFileInfo(dir.path()).canonicalFilePath(); }
    QString home() const { return root() + u"/home"_s; }
    QString config() const { return home() + u"/.config/gatehouse"_s; }
    QString project() const { return home() + u"/proj"_s; }
    QString folder(const QString &name) const
    {
        const QString path = root() + u"/folders/"_s + name;
        QDir().mkpath(path);
        return path;
    }
    policy::PolicyOptions options() const
    {
        policy::PolicyOptions o;
        o.projectDir = project();
        o.homeDir = home();
        o.userConfigDir = config();
        o.projectTrusted = true;
        return o;
    }
};

// The hash a child trusts a folder with: its name, so that the check sees whose write survived.
QByteArray hashOf(const QString &folder) { return QFileInfo(folder).fileName().toUtf8(); }

QString ruleOf(int child, int change) { return u"Bash(echo writer-%1-%2)"_s.arg(child).arg(change); }

// Starts one child per argument list, lets them all go at the same moment (each loads its
// libraries first and says "ready"), and checks that every one of them succeeded.
void runAtOnce(const QList<QStringList> &argumentLists)
{
    std::vector<std::unique_ptr<QProcess>> children;
    for (const QStringList &arguments : argumentLists) {
        auto child = std::make_unique<QProcess>();
        child->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child->start(QCoreApplication::applicationFilePath(), arguments);
        QVERIFY2(child->waitForStarted(), qPrintable(child->errorString()));
        children.push_back(std::move(child));
    }
    for (const auto &child : children) {
        while (!child->canReadLine())
            QVERIFY2(child->waitForReadyRead(30000), "a child never said it was ready");
        QCOMPARE(child->readLine(), QByteArray("ready\n"));
    }
    for (const auto &child : children)
        child->write("go\n");
    for (const auto &child : children)
        QVERIFY(child->waitForBytesWritten(30000));
    for (const auto &child : children) {
        QVERIFY(child->waitForFinished(120000));
        QCOMPARE(child->exitStatus(), QProcess::NormalExit);
        QCOMPARE(child->exitCode(), 0);
    }
}

// A process that holds @p file's lock until it is stopped or its standard input closes.
std::unique_ptr<QProcess> startHolder(const QString &file)
{
    auto holder = std::make_unique<QProcess>();
    holder->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    holder->start(QCoreApplication::applicationFilePath(), {u"--child-hold"_s, file});
    if (!holder->waitForStarted())
        return nullptr;
    while (!holder->canReadLine())
        if (!holder->waitForReadyRead(30000))
            return nullptr;
    if (holder->readLine() != "locked\n")
        return nullptr;
    return holder;
}

QStringList allowRules(const QString &settingsFile, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(readAll(settingsFile), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = u"%1 is not a JSON object: %2"_s.arg(settingsFile, parseError.errorString());
        return {};
    }
    QStringList rules;
    for (const QJsonValue &rule :
         document.object().value(u"permissions"_s).toObject().value(u"allow"_s).toArray())
        rules << rule.toString();
    return rules;
}

} // namespace

class TestSharedFiles final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::requireIsolatedEnvironment(); }

    // The reported case: `gatehouse trust` run by several tests at once in one HOME left folders
    // untrusted. Every process trusts folders of its own; all of them are trusted afterwards.
    void trustFromManyProcessesKeepsEveryFolder()
    {
        Place place;
        QList<QStringList> argumentLists;
        QStringList all;
        for (int child = 0; child < childCount; ++child) {
            QStringList arguments{u"--child-trust"_s, place.config()};
            for (int change = 0; change < changesPerChild; ++change)
                arguments << place.folder(u"t-%1-%2"_s.arg(child).arg(change));
            all << arguments.mid(2);
            argumentLists << arguments;
        }
        runAtOnce(argumentLists);
        if (QTest::currentTestFailed())
            return;

        trust::TrustStore store(place.config());
        QStringList lost;
        for (const QString &folder : std::as_const(all))
            if (!store.isTrusted(folder, hashOf(folder)))
                lost << folder;
        QVERIFY2(lost.isEmpty(), qPrintable(u"%1 of %2 folders lost their trust:\n"_s.arg(lost.size()).arg(all.size())
                                            + lost.join(u'\n')));
        QVERIFY(store.loadError().isEmpty());
        // Nothing but trust.json is left in the folder: the lock files went with their holders.
        QCOMPARE(QDir(place.config()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{u"trust.json"_s});
    }

    // A revoke racing with a trust of another folder must not be lost: a folder the person
    // stopped trusting would stay trusted.
    void revokeIsNeverLostToATrustOfAnotherFolder()
    {
        Place place;
        trust::TrustStore store(place.config());
        QList<QStringList> argumentLists;
        QStringList revoked;
        QStringList trusted;
        for (int child = 0; child < childCount; ++child) {
            const bool revoker = child % 2 == 0;
            QStringList arguments{revoker ? u"--child-revoke"_s : u"--child-trust"_s, place.config()};
            for (int change = 0; change < changesPerChild; ++change) {
                const QString folder = place.folder(u"%1-%2-%3"_s.arg(revoker ? u"r" : u"t").arg(child).arg(change));
                if (revoker)
                    QVERIFY(store.trust(folder, hashOf(folder)).has_value());
                arguments << folder;
                (revoker ? revoked : trusted) << folder;
            }
            argumentLists << arguments;
        }
        runAtOnce(argumentLists);
        if (QTest::currentTestFailed())
            return;

        QStringList wrong;
        for (const QString &folder : std::as_const(revoked))
            if (store.find(folder))
                wrong << u"still trusted after its revoke: "_s + folder;
        for (const QString &folder : std::as_const(trusted))
            if (!store.isTrusted(folder, hashOf(folder)))
                wrong << u"lost its trust: "_s + folder;
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
    }

    // "Always" answers saved by several processes to one settings file keep every rule, and the
    // file stays valid JSON. In the project, each write renews the folder's trust: it is still
    // trusted with what the file grants at the end.
    void rulesFromManyProcessesAreAllKept_data()
    {
        QTest::addColumn<policy::Layer>("layer");
        QTest::newRow("the user's settings") << policy::Layer::User;
        QTest::newRow("the project's local settings, trusted") << policy::Layer::Local;
    }
    void rulesFromManyProcessesAreAllKept()
    {
        QFETCH(policy::Layer, layer);
        Place place;
        QDir().mkpath(place.project());
        const QString file = *approval::settingsFileFor(place.options(), layer);
        test::writeFile(file, "{\"permissions\": {\"allow\": [\"Bash(ls)\"]}, \"env\": {\"A\": \"1\"}}\n");
        trust::TrustStore store(place.config());
        QVERIFY(store.trust(place.project(), trust::readGrants(place.project()).hash).has_value());

        QList<QStringList> argumentLists;
        QStringList expected{u"Bash(ls)"_s};
        for (int child = 0; child < childCount; ++child) {
            QStringList arguments{u"--child-rules"_s, place.home(), place.project(), place.config(),
                                  layer == policy::Layer::User ? u"user"_s : u"local"_s};
            for (int change = 0; change < changesPerChild; ++change)
                arguments << ruleOf(child, change);
            expected << arguments.mid(5);
            argumentLists << arguments;
        }
        runAtOnce(argumentLists);
        if (QTest::currentTestFailed())
            return;

        QString error;
        QStringList rules = allowRules(file, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList lost;
        for (const QString &rule : std::as_const(expected))
            if (!rules.contains(rule))
                lost << rule;
        QVERIFY2(lost.isEmpty(), qPrintable(u"%1 of %2 rules lost:\n"_s.arg(lost.size()).arg(expected.size())
                                            + lost.join(u'\n')));
        QCOMPARE(rules.size(), expected.size());
        QCOMPARE(QJsonDocument::fromJson(readAll(file)).object().value(u"env"_s).toObject().value(u"A"_s).toString(),
                 u"1"_s);
        QVERIFY(!QFileInfo::exists(filelock::lockPathFor(file)));
        if (layer == policy::Layer::Local)
            QVERIFY(store.isTrusted(place.project(), trust::readGrants(place.project()).hash));
    }

    // Fail closed: while a live process holds the lock, trust, revoke and "always" fail with an
    // error naming the file and the holder, and the file is not touched.
    void aLockHeldByALiveProcessStopsTheChange()
    {
        Place place;
        QDir().mkpath(place.project());
        trust::TrustStore store(place.config());
        const QString before = place.folder(u"trusted-before"_s);
        QVERIFY(store.trust(before, hashOf(before)).has_value());
        const QString settings = *approval::settingsFileFor(place.options(), policy::Layer::User);
        test::writeFile(settings, "{\"permissions\": {\"allow\": [\"Bash(ls)\"]}}\n");
        const QByteArray trustBytes = readAll(store.filePath());
        const QByteArray settingsBytes = readAll(settings);

        for (const QString &file : {store.filePath(), settings}) {
            const auto holder = startHolder(file);
            QVERIFY2(holder, "the holding process did not take the lock");
            const QString pid = QString::number(holder->processId());
            QList<Expected<void>> outcomes;
            if (file == store.filePath()) {
                const QString other = place.folder(u"other"_s);
                outcomes << store.trust(other, hashOf(other)) << store.revoke(before);
            } else {
                const auto saved = approval::saveAllowRules(place.options(), policy::Layer::User, {u"Bash(make)"_s});
                outcomes << (saved ? Expected<void>() : Expected<void>(std::unexpected(saved.error())));
            }
            for (const Expected<void> &outcome : std::as_const(outcomes)) {
                QVERIFY(!outcome.has_value());
                const QString message = outcome.error().message;
                QVERIFY2(message.contains(file) && message.contains(u"process "_s + pid)
                             && message.contains(filelock::lockPathFor(file)),
                         qPrintable(message));
            }
            QCOMPARE(readAll(store.filePath()), trustBytes);
            QCOMPARE(readAll(settings), settingsBytes);
            holder->closeWriteChannel();
            QVERIFY(holder->waitForFinished(30000));
            QCOMPARE(holder->exitCode(), 0);
        }
        QVERIFY(store.isTrusted(before, hashOf(before)));
        // Once the holder is gone, the same changes go through.
        QVERIFY(store.revoke(before).has_value());
        QVERIFY(!store.find(before));
        QVERIFY(approval::saveAllowRules(place.options(), policy::Layer::User, {u"Bash(make)"_s}).has_value());
    }

    // A holder that crashed leaves its lock file behind; the next change removes it (the process
    // named in it is gone) instead of failing for ever.
    void aCrashedHoldersLockIsRemoved()
    {
        Place place;
        trust::TrustStore store(place.config());
        QDir().mkpath(place.config());
        const auto holder = startHolder(store.filePath());
        QVERIFY2(holder, "the holding process did not take the lock");
        holder->kill();
        QVERIFY(holder->waitForFinished(30000));
        QVERIFY(QFileInfo::exists(filelock::lockPathFor(store.filePath())));

        const QString folder = place.folder(u"after-the-crash"_s);
        const auto done = store.trust(folder, hashOf(folder));
        QVERIFY2(done.has_value(), done ? "" : qPrintable(done.error().message));
        QVERIFY(store.isTrusted(folder, hashOf(folder)));
        QVERIFY(!QFileInfo::exists(filelock::lockPathFor(store.filePath())));
    }

    // The lock file never looks like a settings or trust file to anything listing *.json.
    void theLockFileIsNoJsonFile()
    {
        for (const QString &name : {u"trust.json"_s, u"settings.json"_s, u"settings.local.json"_s}) {
            const QString lock = filelock::lockPathFor(u"/somewhere/"_s + name);
            QCOMPARE(QFileInfo(lock).path(), u"/somewhere"_s);
            QVERIFY(!QDir::match(u"*.json"_s, lock));
        }
    }
};

namespace {

// The children. Each says "ready" once loaded, waits for "go", then makes its changes one by one.
void waitForGo()
{
    std::fputs("ready\n", stdout);
    std::fflush(stdout);
    QFile in;
    if (in.open(stdin, QIODevice::ReadOnly))
        in.readLine();
}

int fails(const QString &message)
{
    std::fprintf(stderr, "child: %s\n", qPrintable(message));
    return 1;
}

int childTrust(const QStringList &arguments, bool revoke)
{
    trust::TrustStore store(arguments.value(0));
    waitForGo();
    for (const QString &folder : arguments.mid(1))
        if (auto done = revoke ? store.revoke(folder) : store.trust(folder, hashOf(folder)); !done)
            return fails(done.error().message);
    return 0;
}

int childRules(const QStringList &arguments)
{
    policy::PolicyOptions options;
    options.homeDir = arguments.value(0);
    options.projectDir = arguments.value(1);
    options.userConfigDir = arguments.value(2);
    options.projectTrusted = true;
    const policy::Layer layer = arguments.value(3) == u"user"_s ? policy::Layer::User : policy::Layer::Local;
    waitForGo();
    for (const QString &rule : arguments.mid(4))
        if (auto saved = approval::saveAllowRules(options, layer, {rule}); !saved)
            return fails(saved.error().message);
    return 0;
}

int childHold(const QString &file)
{
    auto lock = filelock::lockForUpdate(file);
    if (!lock)
        return fails(lock.error().message);
    std::fputs("locked\n", stdout);
    std::fflush(stdout);
    QFile in;
    if (in.open(stdin, QIODevice::ReadOnly))
        in.readAll(); // until the test closes it
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc >= 2 && std::strncmp(argv[1], "--child-", 8) == 0) {
        const QString mode = QString::fromLocal8Bit(argv[1]);
        const QStringList arguments = QCoreApplication::arguments().mid(2);
        if (mode == u"--child-trust"_s)
            return childTrust(arguments, false);
        if (mode == u"--child-revoke"_s)
            return childTrust(arguments, true);
        if (mode == u"--child-rules"_s)
            return childRules(arguments);
        if (mode == u"--child-hold"_s)
            return childHold(arguments.value(0));
        return fails(u"unknown mode "_s + mode);
    }
    TestSharedFiles test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_sharedfiles.moc"
