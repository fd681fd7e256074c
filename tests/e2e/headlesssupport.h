// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the end-to-end tests of `gatehouse -p` share: a trusted project folder, the program run
// against a fake model server on loopback, and readers for what it left behind (audit log,
// transcripts).

#include "fakemodelserver.h"

#include <QJsonObject>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <functional>

namespace gatehouse::test {

struct HeadlessRun
{
    int exitCode = -1;
    QString out;
    QString err;
    /// The last JSON line of stdout (the result object of --output-format json / stream-json).
    QJsonObject result() const;
    /// Every JSON line of stdout (stream-json).
    QList<QJsonObject> lines() const;
};

/// A fresh project folder below the scratch root, trusted (through `gatehouse trust --yes`)
/// unless @p trusted is false.
QString makeProject(const QString &name, const QHash<QString, QByteArray> &files, bool trusted = true);

/// The environment that points the program at @p server (base URL, a key, the provider).
QProcessEnvironment modelEnvironment(const FakeModelServer &server);

/// Runs `gatehouse ARGS` with @p env; the event loop runs meanwhile so the servers of the test
/// answer. @p whileRunning is called once the process started (to interrupt it, for example).
HeadlessRun runGatehouse(const QStringList &arguments, const QProcessEnvironment &env,
                         const std::function<void(qint64 pid)> &whileRunning = {}, int timeoutMs = 120000);

/// `gatehouse -p PROMPT --project DIR --output-format json ARGS...` against @p server.
HeadlessRun headless(const FakeModelServer &server, const QString &project, const QString &prompt,
                     const QStringList &arguments = {});

/// The audit log's entries (all files, in order), parsed.
QList<QJsonObject> auditEntries();
/// The audit entries of one session.
QList<QJsonObject> auditEntries(const QString &sessionId);

/// The tool_result blocks of a recorded request's last message, in order.
QList<QJsonObject> toolResults(const RecordedRequest &request);
/// The "openAi" column of a test that runs once per model dialect (rows "anthropic", "openai").
void addDialectRows();
FakeModelServer::Dialect fetchDialect(bool openAi);

/// A tool's input object from key/value pairs.
QJsonObject input(std::initializer_list<QPair<QString, QJsonValue>> values);

/// A tool_use block in the Anthropic form.
agent::ContentBlock toolUse(const QString &id, const QString &name, const QJsonObject &input);

} // namespace gatehouse::test
