// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The format of one audit line, shared by the writer and the verifier (not a public header).

#include "common/error.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace gatehouse::audit::detail {

/// The "prev" of the very first line.
QByteArray genesisHash();

/// The fields every line has, in this order, before the event's own fields.
struct LineHeader
{
    qint64 seq = 0;
    QDateTime time;
    QString event;
    QString session;
    QByteArray prev;
};

/// The line with its trailing newline:
/// {"v":1,"seq":N,"time":"...","event":"...","session":"...",<fields, sorted>,"prev":"...","hash":"..."}
/// where hash is the SHA-256 (hex) of every byte before ,"hash":. Hashing the bytes as written,
/// rather than a re-serialisation, keeps verification independent of any JSON library's output.
Expected<QByteArray> buildLine(const LineHeader &header, const QJsonObject &fields);

struct ParsedLine
{
    enum class Kind {
        Entry, ///< a JSON object of the audit format; hashValid says whether it is intact
        Fragment, ///< the start of an entry cut short, or zero bytes: what a crash mid-write leaves
        Garbage, ///< anything else
    };
    Kind kind = Kind::Garbage;
    QJsonObject object;
    qint64 seq = 0;
    QByteArray prev;
    QByteArray hash; ///< as stored in the line
    bool hashValid = false; ///< stored hash == SHA-256 of the line's bytes before ,"hash":
};

/// Parses one line, without its newline.
ParsedLine parseLine(const QByteArray &line);

/// File name of the month of @p utc: "audit-2026-11.jsonl".
QString fileNameFor(const QDateTime &utc);
/// The audit files in @p folder, oldest first (their names sort by month).
QStringList auditFiles(const QString &folder);

/// The head record: seq and hash of the last line written, kept beside the log so that lines
/// removed from its end are noticed.
inline constexpr const char *headFileName = "head.json";
struct Head
{
    qint64 seq = 0;
    QByteArray hash;
};
std::optional<Head> readHead(const QString &folder, QString *error);

} // namespace gatehouse::audit::detail
