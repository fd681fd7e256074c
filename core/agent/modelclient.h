// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/message.h"

#include <QObject>

namespace gatehouse::agent {

/// A model that answers a conversation: the Anthropic Messages API, an OpenAI-compatible
/// chat-completions server, or a scripted replay. One request at a time; every request ends in
/// exactly one replyFinished() or replyFailed(), never synchronously inside send().
class ModelClient : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelClient)

public:
    using QObject::QObject;
    ~ModelClient() override = default;

    /// "anthropic", "openai" or "replay" (for transcripts and the audit log).
    virtual QString kind() const = 0;
    /// What the person sees: the model and where it runs. A replay says it is one.
    virtual QString displayName() const = 0;

    virtual void send(const ModelRequest &request) = 0;
    /// Stops the request in flight; replyFailed(Cancelled) follows. Nothing if idle.
    virtual void cancel() = 0;
    virtual bool isBusy() const = 0;

Q_SIGNALS:
    /// Streamed text of the reply being written, as it arrives.
    void textDelta(const QString &text);
    /// The model began a tool call (its input is still streaming).
    void toolUseStarted(const QString &id, const QString &name);
    /// A rate limit or overload: the request is sent again after @p delayMs.
    void retrying(int attempt, int delayMs, const QString &reason);
    void replyFinished(const gatehouse::agent::ModelReply &reply);
    void replyFailed(const gatehouse::agent::ModelError &error);
};

} // namespace gatehouse::agent
