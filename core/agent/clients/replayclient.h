// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/modelclient.h"

#include <QTimer>

#include <deque>
#include <functional>
#include <optional>

namespace gatehouse::agent {

/// One scripted turn of a replay: a reply, or a failure.
struct ReplayTurn
{
    int line = 0; ///< where it is in the file (1-based)
    std::optional<ModelReply> reply;
    std::optional<ModelError> error;
};

/// A scripted model conversation played from a file (`--replay FILE`), for demos and tests. It
/// is no model, and says so in displayName(). The file has one JSON object per line:
///
///     {"content":[{"type":"text","text":"Let me look."},{"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"a.txt"}}],"stop_reason":"tool_use"}
///     {"content":[{"type":"text","text":"Done."}],"stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":3}}
///     {"error":{"kind":"rate-limited","message":"Scripted rate limit."}}
///
/// Blank lines and lines starting with '#' are skipped. "stop_reason" defaults to "tool_use"
/// when the content has tool_use blocks and to "end_turn" otherwise; "model" and "usage" are
/// optional. An error's "kind" is a modelErrorKindName() ("rate-limited", "overloaded",
/// "network", ...). Each send() plays the next line: text streamed in a few textDelta() chunks
/// and toolUseStarted() for each tool_use, all on the event loop. Like the real API, a request
/// that does not answer every tool_use of the previous reply with a tool_result fails
/// (InvalidRequest), so that tests notice an agent that forgets one.
class ReplayClient final : public ModelClient
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayClient)

public:
    /// Reads @p filePath now; a file that cannot be read or understood makes every send() fail
    /// with the reason (see loadError()).
    explicit ReplayClient(const QString &filePath, QObject *parent = nullptr);
    ~ReplayClient() override;

    /// The turns of a replay file, or what is wrong with it, naming the line.
    static Expected<QList<ReplayTurn>> loadScript(const QString &filePath);
    /// The same for the contents of a file; @p name is used in messages.
    static Expected<QList<ReplayTurn>> parseScript(const QByteArray &contents, const QString &name);

    QString kind() const override { return QStringLiteral("replay"); }
    /// "Replay of demo.jsonl (scripted, not a model)".
    QString displayName() const override;

    void send(const ModelRequest &request) override;
    void cancel() override;
    bool isBusy() const override { return m_busy; }

    QString loadError() const { return m_loadError; }
    int turnCount() const { return int(m_turns.size()); }
    int turnsPlayed() const { return m_next; }

private:
    void play(const ReplayTurn &turn);
    void failWith(ModelError error);
    void step();
    QString unansweredToolUse(const ModelRequest &request) const;

    QString m_fileName;
    QString m_loadError;
    QList<ReplayTurn> m_turns;
    int m_next = 0;
    QStringList m_pendingToolUses;
    std::deque<std::function<void()>> m_steps;
    QTimer m_timer;
    bool m_busy = false;
    bool m_concluded = false;
};

} // namespace gatehouse::agent
