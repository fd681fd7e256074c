// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/message.h"
#include "common/error.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

/// Transcripts: one JSON-lines file per session, so that a conversation can be read back and
/// resumed. They live in paths::dataDir()/transcripts/ (folder 0700), one file "<session id>.jsonl"
/// per session (0600 from the moment it is created).
///
/// Format, one JSON object per line:
///   {"type":"session","v":1,"id":"20261125-171530-a1b2c3","project":"/canonical/dir","model":"...",
///    "client":"anthropic|openai|replay","started":"2026-11-25T17:15:30.123Z"}   (first line)
///   {"type":"message","message":{"role":"user|assistant","content":[...]}}      (Message::toJson())
///   {"type":"event",...}                                                         (anything else worth keeping)
/// Every line passes through audit::redactJson() before it is written, so a key the model or a
/// tool printed does not reach the disk; a resumed conversation sees "[redacted]" there instead.
/// Each line is written with one write() as soon as it is appended (not fsync'ed: a transcript is
/// a record for the person, the audit log is the durable one).
namespace gatehouse::agent {

struct SessionInfo
{
    QString id; ///< "20261125-171530-a1b2c3": UTC start time, then 6 random hex digits
    QString projectDir; ///< canonical
    QString model;
    QString client; ///< "anthropic", "openai" or "replay"
    QDateTime started; ///< UTC
    QString filePath; ///< filled in by create(), load() and list()
};

/// A session read back for resuming.
struct ResumedSession;

class Transcript
{
public:
    /// paths::dataDir() + "/transcripts".
    static QString defaultFolder();
    /// A new, time-sortable session id.
    static QString newSessionId(const QDateTime &now = QDateTime::currentDateTimeUtc());
    /// Whether @p id has the shape of a session id (ids become file names).
    static bool isSessionId(const QString &id);

    /// Starts the transcript of a new session in @p folder (created 0700 if missing): writes the
    /// header. An empty info.id or info.started is filled in; the project folder is canonicalised.
    static Expected<Transcript> create(const QString &folder, const SessionInfo &info);

    /// Reads session @p sessionId back, to continue it: the header and the messages, and a
    /// Transcript that appends to the same file. Lines that do not parse (a write torn by a crash)
    /// are skipped with a warning. The conversation is made valid for the Messages API: a
    /// tool_use that no tool_result answers (the session ended between the call and its result)
    /// gets an error tool_result saying the call may or may not have run; that repair is also
    /// appended to the file, so that the file and the resumed conversation agree. tool_result
    /// blocks whose tool_use is missing are dropped, and consecutive messages of one role merged.
    static Expected<ResumedSession> load(const QString &folder, const QString &sessionId);

    /// The sessions in @p folder for @p projectDir (all when empty), newest start first.
    static QList<SessionInfo> list(const QString &folder, const QString &projectDir = {});

    /// Deletes the session files in @p folder last modified more than @p retentionDays days ago,
    /// except @p keepSessionId (the current session). @p retentionDays of 0 or less keeps only
    /// what was modified today (local time): "keep nothing older than today". Returns how many
    /// files were deleted. Called at start-up.
    static int prune(const QString &folder, int retentionDays, const QString &keepSessionId = {});

    Transcript() = default;
    Transcript(Transcript &&other) noexcept;
    Transcript &operator=(Transcript &&other) noexcept;
    ~Transcript();
    Q_DISABLE_COPY(Transcript)

    bool isOpen() const { return m_fd >= 0; }
    const SessionInfo &info() const { return m_info; }

    Expected<void> append(const Message &message);
    /// Appends {"type":"event", ...@p event}.
    Expected<void> appendEvent(const QJsonObject &event);

private:
    Expected<void> writeLine(const QJsonObject &line);

    int m_fd = -1;
    bool m_needsNewline = false; ///< the file ends in a torn line
    SessionInfo m_info;
};

struct ResumedSession
{
    SessionInfo info;
    QList<Message> messages;
    QStringList warnings; ///< skipped lines, repairs made
    Transcript transcript; ///< appends to the same file
};

/// The transcript retention of the user settings file @p userSettingsFile: its
/// "cleanupPeriodDays" (an integer; 0 or less, see Transcript::prune()), 30 when absent or when
/// the file cannot be read.
int transcriptRetentionDays(const QString &userSettingsFile);

} // namespace gatehouse::agent
