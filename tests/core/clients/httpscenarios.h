// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/clients/httpmodelclient.h"
#include "clientspies.h"
#include "fakemodelserver.h"

#include <QObject>

#include <memory>

/// The scenarios every HTTP model client must pass, against a FakeModelServer of its dialect:
/// streamed text and tool calls, errors and retries, a lost connection, timeouts, cancellation.
/// tst_anthropicclient and tst_openaiclient derive from this and add their dialect's own cases.
namespace gatehouse::test {

class HttpClientScenarios : public QObject
{
    Q_OBJECT

public:
    explicit HttpClientScenarios(FakeModelServer::Dialect dialect);

protected:
    static constexpr auto Key = "sk-test-0123456789-secret";

    agent::HttpClientOptions options(const QUrl &baseUrl) const;
    std::unique_ptr<agent::HttpModelClient> makeClient(const agent::HttpClientOptions &options) const;
    /// A conversation with a tool call answered by a refusal.
    static agent::ModelRequest conversation();
    QByteArray errorBody(const QByteArray &type, const QString &message) const;

    FakeModelServer::Dialect m_dialect;

private Q_SLOTS:
    void initTestCase();
    void streamsTextAndToolCalls();
    void neverSignalsInsideSend();
    void refusedKey_data();
    void refusedKey();
    void errorStatusesAreNotRetried_data();
    void errorStatusesAreNotRetried();
    void honoursRetryAfter();
    void retriesOverloadThenSucceeds_data();
    void retriesOverloadThenSucceeds();
    void retriesRunOut_data();
    void retriesRunOut();
    void droppedConnectionIsNetworkError();
    void connectionRefusedIsRetriedThenReported();
    void idleTimeout();
    void cancelMidStream();
    void cancelDuringRetryWait();
    void cancelBeforeAnswer();
    void reusesTheConnection();
};

} // namespace gatehouse::test
