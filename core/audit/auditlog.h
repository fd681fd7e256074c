// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <mutex>

/// The audit log (SECURITY-MODEL.md section 7): every decision, answer, execution, network
/// connection decision and trust change, one JSON line each.
///
/// Where: paths::stateDir()/audit/ (folder 0700), one file per month of UTC time,
/// "audit-2026-11.jsonl" (files 0600), plus "head.json" and a ".lock" file. The chain continues
/// across files: the first line of a month carries the hash of the last line of the month before.
///
/// A line: {"v":1,"seq":N,"time":"2026-11-25T17:15:30.123Z","event":"decision|answer|execution|
/// connection|trust|session","session":"<id, when there is one>",<the event's fields, sorted by
/// name>,"prev":"<hash of the previous line>","hash":"<SHA-256 hex of this line's bytes before
/// ,"hash":>"}. The first line ever has prev = 64 zeros and seq 1; seq grows by one per line.
///
/// What the chain proves, and what it does not: it has no key. verifyAuditLog() detects a line
/// removed, edited, inserted or moved in the middle, and lines removed from the end (through
/// head.json). It cannot detect someone with write access who rewrites the whole tail from some
/// line on, recomputing every hash and head.json: that needs a key or a copy held elsewhere.
/// The log is evidence against accidents and casual edits, not against its owner.
///
/// Several Gatehouse processes may append at once (the window and a headless run): each append
/// takes an exclusive flock on ".lock", reads the previous line's hash and seq from the end of
/// the file under that lock (never from memory), writes the line with one write() on an O_APPEND
/// descriptor and calls fdatasync() before unlocking, so the log survives a crash up to its last
/// complete line. A line torn by a crash (no newline at the end of the file) is left as it is: the
/// next append starts on a fresh line and chains to the last complete line, and verification
/// reports the fragment as a warning ("torn"), not as tampering.
///
/// Secrets: every field passes through redactJson() (audit/redact.h) before it is written.
namespace gatehouse::audit {

class AuditLog
{
public:
    using Clock = std::function<QDateTime()>;

    /// paths::stateDir() + "/audit".
    static QString defaultFolder();

    /// Creates @p folder (mode 0700; an existing folder is narrowed to 0700) and its lock file.
    static Expected<std::unique_ptr<AuditLog>> open(const QString &folder);
    ~AuditLog();
    Q_DISABLE_COPY_MOVE(AuditLog)

    /// Appends one line of kind @p event ("decision", "answer", "execution", "connection",
    /// "trust", "session") with @p fields (see auditevents.h), redacted. Synchronous: when it
    /// returns, the line is on disk. Thread-safe, and safe across processes.
    Expected<void> append(const QString &event, const QJsonObject &fields);

    /// The session id put on every following line; empty: none.
    void setSessionId(const QString &sessionId);
    QString sessionId() const;
    QString folder() const { return m_folder; }

    /// Time source for the lines and the choice of the month file (tests of rotation).
    void setClock(Clock clock);

private:
    AuditLog(QString folder, int lockFd);
    Expected<void> appendLocked(const QString &event, const QJsonObject &fields, const QString &session);

    QString m_folder;
    int m_lockFd = -1;
    mutable std::mutex m_mutex;
    QString m_sessionId;
    Clock m_clock;
};

/// Opens the log at AuditLog::defaultFolder() and appends one line. A failure is logged as a
/// warning (logger "audit") and returned, so that callers can also tell the person.
Expected<void> appendToDefaultLog(const QString &event, const QJsonObject &fields, const QString &sessionId = {});

struct AuditVerification
{
    bool ok = false; ///< no problems (warnings allowed)
    qint64 lines = 0; ///< audit lines read
    int files = 0; ///< audit files read
    /// "audit-2026-11.jsonl:12: removed: 1 line missing before this one (seq 11 to 13)"; the
    /// word after the location is one of removed, edited, inserted, reordered, invalid.
    QStringList problems;
    /// "audit-2026-11.jsonl:40: torn: ..." (a crash mid-write), a missing head record.
    QStringList warnings;
};

/// Checks the whole chain in @p folder. A folder without audit files verifies with 0 lines.
AuditVerification verifyAuditLog(const QString &folder);

/// The intact-looking entries (parsed JSON objects, as written) in file order whose "time" is at
/// or after @p since (an invalid @p since: all). Fragments and unparsable lines are skipped;
/// use verifyAuditLog() to judge integrity.
Expected<QList<QJsonObject>> readAuditLog(const QString &folder, const QDateTime &since = {});

} // namespace gatehouse::audit
