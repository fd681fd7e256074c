// SPDX-License-Identifier: GPL-3.0-or-later
#include "headlesssupport.h"

#include "testenv.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>
#include <QUuid>

namespace gatehouse::test {

QJsonObject HeadlessRun::result() const
{
    const QList<QJsonObject> all = lines();
    return all.isEmpty() ? QJsonObject() : all.last();
}

QList<QJsonObject> HeadlessRun::lines() const
{
    QList<QJsonObject> objects;
    for (const QString &line : out.split(u'\n', Qt::SkipEmptyParts)) {
        const QJsonDocument document = QJsonDocument::fromJson(line.toUtf8());
        if (document.isObject())
            objects.append(document.object());
    }
    return objects;
}

QString makeProject(const QString &name, const QHash<QString, QByteArray> &files, bool trusted)
{
    const QString dir = scratchRoot() + QStringLiteral("/projects/") + name + u'-'
                        + QUuid::createUuid().toString(QUuid::Id128).left(8);
    QDir().mkpath(dir);
    for (auto it = files.cbegin(); it != files.cend(); ++it)
        writeFile(dir + u'/' + it.key(), it.value());
    if (trusted) {
        QProcess trust;
        trust.start(QStringLiteral(GATEHOUSE_BINARY), {QStringLiteral("trust"), QStringLiteral("--yes"), dir});
        if (!trust.waitForFinished(60000) || trust.exitCode() != 0)
            QTest::qFail("gatehouse trust --yes failed", __FILE__, __LINE__);
    }
    return QFileInfo(dir).canonicalFilePath();
}

QProcessEnvironment modelEnvironment(const FakeModelServer &server)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (server.dialect() == FakeModelServer::Dialect::Anthropic) {
        env.insert(QStringLiteral("ANTHROPIC_BASE_URL"), server.baseUrl().toString());
        env.insert(QStringLiteral("ANTHROPIC_API_KEY"), QStringLiteral("sk-ant-test-e2e-key-0123456789"));
        env.remove(QStringLiteral("GATEHOUSE_MODEL_PROVIDER"));
    } else {
        env.insert(QStringLiteral("GATEHOUSE_MODEL_PROVIDER"), QStringLiteral("openai"));
        env.insert(QStringLiteral("OPENAI_BASE_URL"), server.baseUrl().toString() + QStringLiteral("/v1"));
        env.insert(QStringLiteral("OPENAI_MODEL"), QStringLiteral("local-coder"));
        env.insert(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("sk-test-openai-e2e-key-0123456789"));
    }
    return env;
}

HeadlessRun runGatehouse(const QStringList &arguments, const QProcessEnvironment &env,
                         const std::function<void(qint64 pid)> &whileRunning, int timeoutMs)
{
    HeadlessRun run;
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(GATEHOUSE_BINARY), arguments);
    if (!process.waitForStarted(30000)) {
        QTest::qFail("gatehouse did not start", __FILE__, __LINE__);
        return run;
    }
    if (whileRunning)
        whileRunning(process.processId());
    // The servers of the test live in this thread: keep the event loop turning.
    if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, timeoutMs)) {
        process.kill();
        process.waitForFinished();
        QTest::qFail("gatehouse did not finish in time", __FILE__, __LINE__);
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

HeadlessRun headless(const FakeModelServer &server, const QString &project, const QString &prompt,
                     const QStringList &arguments)
{
    return runGatehouse(QStringList{QStringLiteral("-p"), prompt, QStringLiteral("--project"), project,
                                    QStringLiteral("--output-format"), QStringLiteral("json")}
                            + arguments,
                        modelEnvironment(server));
}

QList<QJsonObject> auditEntries()
{
    QList<QJsonObject> entries;
    const QString folder = qEnvironmentVariable("XDG_STATE_HOME") + QStringLiteral("/gatehouse/audit");
    QStringList files = QDir(folder).entryList({QStringLiteral("*.jsonl")}, QDir::Files, QDir::Name);
    for (const QString &name : std::as_const(files)) {
        QFile file(folder + u'/' + name);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &line : file.readAll().split('\n')) {
            const QJsonDocument document = QJsonDocument::fromJson(line);
            if (document.isObject())
                entries.append(document.object());
        }
    }
    return entries;
}

QList<QJsonObject> auditEntries(const QString &sessionId)
{
    QList<QJsonObject> entries;
    for (const QJsonObject &entry : auditEntries()) {
        if (entry.value(QStringLiteral("session")).toString() == sessionId)
            entries.append(entry);
    }
    return entries;
}

QList<QJsonObject> toolResults(const RecordedRequest &request)
{
    QList<QJsonObject> results;
    const QJsonArray messages = request.json.value(QStringLiteral("messages")).toArray();
    if (messages.isEmpty())
        return results;
    // Anthropic: the last user message holds tool_result blocks. OpenAI: the trailing "tool" messages.
    const QJsonObject last = messages.last().toObject();
    if (last.value(QStringLiteral("role")).toString() == QStringLiteral("user")) {
        for (const QJsonValue &block : last.value(QStringLiteral("content")).toArray()) {
            if (block.toObject().value(QStringLiteral("type")).toString() == QStringLiteral("tool_result"))
                results.append(block.toObject());
        }
        return results;
    }
    for (qsizetype i = messages.size() - 1; i >= 0; --i) {
        const QJsonObject message = messages.at(i).toObject();
        if (message.value(QStringLiteral("role")).toString() != QStringLiteral("tool"))
            break;
        const QString content = message.value(QStringLiteral("content")).toString();
        // The same shape as an Anthropic block, so that tests can check both alike.
        results.prepend({{QStringLiteral("tool_use_id"), message.value(QStringLiteral("tool_call_id"))},
                         {QStringLiteral("content"), content},
                         {QStringLiteral("is_error"), content.startsWith(QStringLiteral("Error"))}});
    }
    return results;
}

void addDialectRows()
{
    QTest::addColumn<bool>("openAi");
    QTest::newRow("anthropic") << false;
    QTest::newRow("openai") << true;
}

FakeModelServer::Dialect fetchDialect(bool openAi)
{
    return openAi ? FakeModelServer::Dialect::OpenAi : FakeModelServer::Dialect::Anthropic;
}

QJsonObject input(std::initializer_list<QPair<QString, QJsonValue>> values)
{
    QJsonObject object;
    for (const auto &[key, value] : values)
        object.insert(key, value);
    return object;
}

agent::ContentBlock toolUse(const QString &id, const QString &name, const QJsonObject &input)
{
    return agent::ContentBlock::makeToolUse(id, name, input);
}

} // namespace gatehouse::test
