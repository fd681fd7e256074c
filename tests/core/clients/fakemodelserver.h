// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/message.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>
#include <QUrl>

#include <functional>
#include <memory>

/// A model server for tests, speaking real HTTP/1.1 on 127.0.0.1 (a random port) in the test
/// process: the Anthropic Messages API or an OpenAI-compatible chat-completions server, both
/// streamed. It plays a script of steps, one per request, and records every request. A client
/// in the same process or a `gatehouse` child process connects to baseUrl().
namespace gatehouse::test {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/// A request as the server received it.
struct RecordedRequest
{
    QByteArray method;
    QByteArray path;      ///< with the query, as sent
    HeaderList headers;   ///< names in lower case, in order
    QByteArray body;
    QJsonObject json;     ///< the body, when it is a JSON object
    qint64 arrivedMs = 0; ///< since the server was made
    int connection = 0;   ///< which TCP connection carried it (1, 2, ... in order of accepting)

    QByteArray header(QByteArrayView name) const; ///< case-insensitive; empty if absent
};

/// What the server does with one request.
struct FakeStep
{
    enum class Kind {
        Reply,      ///< a 200 event stream of blocks (text and tool_use) in the server's dialect
        HttpError,  ///< a status with a JSON body and extra headers (retry-after...)
        RawStream,  ///< a 200 event stream whose bytes are given as they are
        CloseAtOnce ///< close the connection without a byte of answer
    };
    Kind kind = Kind::Reply;
    QList<agent::ContentBlock> blocks;
    agent::StopReason stopReason = agent::StopReason::EndTurn;
    agent::Usage usage{12, 34};
    QString model = QStringLiteral("fake-model");
    int status = 200;
    QByteArray body;    ///< HttpError: the JSON body; RawStream: the event stream
    HeaderList headers; ///< extra response headers
    /// Reply/RawStream: close the connection after this many bytes of the event stream.
    qsizetype dropAfterBytes = -1;
    /// Reply/RawStream: send the headers and half the stream, then nothing, until the client leaves.
    bool stallHalfway = false;

    static FakeStep reply(QList<agent::ContentBlock> blocks, agent::StopReason stop = agent::StopReason::EndTurn,
                          agent::Usage usage = {12, 34});
    /// A reply of one text block.
    static FakeStep text(const QString &text);
    static FakeStep error(int status, QByteArray jsonBody = {}, HeaderList headers = {});
    /// A reply of @p blocks (default: a long text) cut after @p bytes of the stream.
    static FakeStep dropAfter(qsizetype bytes, QList<agent::ContentBlock> blocks = {});
    /// A reply of @p blocks (default: a long text) that stops halfway and never ends.
    static FakeStep stall(QList<agent::ContentBlock> blocks = {});
    static FakeStep rawStream(QByteArray eventStream);
    static FakeStep closeAtOnce();
};

class FakeModelServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeModelServer)

public:
    enum class Dialect { Anthropic, OpenAi };

    /// Listens at once; check isListening() (QVERIFY) before use.
    explicit FakeModelServer(Dialect dialect, QObject *parent = nullptr);
    ~FakeModelServer() override;

    Dialect dialect() const { return m_dialect; }
    bool isListening() const { return m_server.isListening(); }
    quint16 port() const { return m_server.serverPort(); }
    /// http://127.0.0.1:PORT, with @p pathPrefix appended (a gateway's path, "/anthropic").
    QUrl baseUrl(const QString &pathPrefix = {}) const;

    /// Appends a step to the script (first in, first out).
    void enqueue(FakeStep step);
    void reply(QList<agent::ContentBlock> blocks, agent::StopReason stop = agent::StopReason::EndTurn)
    {
        enqueue(FakeStep::reply(std::move(blocks), stop));
    }
    void error(int status, QByteArray jsonBody = {}, HeaderList headers = {})
    {
        enqueue(FakeStep::error(status, std::move(jsonBody), std::move(headers)));
    }
    void dropAfter(qsizetype bytes) { enqueue(FakeStep::dropAfter(bytes)); }
    void stall() { enqueue(FakeStep::stall()); }
    int pendingSteps() const { return int(m_script.size()); }

    /// Decides every request instead of the script (null: back to the script). Without either,
    /// a request gets a 400 that says the script ran out.
    void setResponder(std::function<FakeStep(const RecordedRequest &)> responder);

    QList<RecordedRequest> requests() const { return m_requests; }
    /// Waits (running the event loop) until @p count requests arrived in all.
    bool waitForRequests(int count, int timeoutMs = 10000);
    /// Connections the client closed while an answer was still being sent (a cancelled stream).
    int clientAborts() const { return m_clientAborts; }
    /// Connections the client closed at any time.
    int clientCloses() const { return m_clientCloses; }

    /// The event stream of a Reply step in @p dialect (also what a RawStream test starts from).
    static QByteArray eventStream(Dialect dialect, const FakeStep &step);
    /// An error body in @p dialect's shape.
    static QByteArray errorBody(Dialect dialect, const QByteArray &type, const QString &message);

Q_SIGNALS:
    void requestReceived(const gatehouse::test::RecordedRequest &request);
    /// The client closed @p connection; @p duringAnswer: while an answer was still being sent.
    void clientClosedConnection(int connection, bool duringAnswer);

private:
    struct Connection;
    void accept();
    void readRequests(const std::shared_ptr<Connection> &connection);
    void answer(const std::shared_ptr<Connection> &connection, const RecordedRequest &request);
    void writeNext(const std::shared_ptr<Connection> &connection);

    Dialect m_dialect;
    QTcpServer m_server;
    QElapsedTimer m_clock;
    QList<FakeStep> m_script;
    std::function<FakeStep(const RecordedRequest &)> m_responder;
    QList<RecordedRequest> m_requests;
    int m_connections = 0;
    int m_clientAborts = 0;
    int m_clientCloses = 0;
};

} // namespace gatehouse::test
