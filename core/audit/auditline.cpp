// SPDX-License-Identifier: GPL-3.0-or-later
#include "audit/auditline_p.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace gatehouse::audit::detail {
namespace {

// One JSON value, compact, as it appears inside an object.
QByteArray serialise(const QJsonValue &value)
{
    const QByteArray array = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

const QByteArray hashMarker = QByteArrayLiteral(",\"hash\":\"");

bool isHex64(QByteArrayView text)
{
    if (text.size() != 64)
        return false;
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

} // namespace

QByteArray genesisHash()
{
    return QByteArray(64, '0');
}

Expected<QByteArray> buildLine(const LineHeader &header, const QJsonObject &fields)
{
    static const QStringList reserved {QStringLiteral("v"), QStringLiteral("seq"), QStringLiteral("time"),
        QStringLiteral("event"), QStringLiteral("session"), QStringLiteral("prev"), QStringLiteral("hash")};
    QByteArray line = QByteArrayLiteral("{\"v\":1,\"seq\":") + QByteArray::number(header.seq)
        + QByteArrayLiteral(",\"time\":") + serialise(header.time.toUTC().toString(Qt::ISODateWithMs))
        + QByteArrayLiteral(",\"event\":") + serialise(header.event);
    if (!header.session.isEmpty())
        line += QByteArrayLiteral(",\"session\":") + serialise(header.session);
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (reserved.contains(it.key()))
            return fail(QStringLiteral("the audit field \"%1\" is reserved").arg(it.key()));
        line += ',' + serialise(it.key()) + ':' + serialise(it.value());
    }
    line += QByteArrayLiteral(",\"prev\":") + serialise(QString::fromLatin1(header.prev));
    const QByteArray hash = QCryptographicHash::hash(line, QCryptographicHash::Sha256).toHex();
    line += hashMarker + hash + QByteArrayLiteral("\"}\n");
    return line;
}

ParsedLine parseLine(const QByteArray &line)
{
    ParsedLine parsed;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        // A crash mid-write leaves the start of a line (or, on some file systems, zero bytes).
        static const QByteArray start = QByteArrayLiteral("{\"v\":1,\"seq\":");
        const bool zeros = !line.isEmpty() && line.count('\0') == line.size();
        const qsizetype common = std::min(line.size(), start.size());
        if (zeros || (!line.isEmpty() && line.left(common) == start.left(common)))
            parsed.kind = ParsedLine::Kind::Fragment;
        return parsed;
    }
    parsed.object = document.object();
    const QJsonValue seq = parsed.object.value(QStringLiteral("seq"));
    const qsizetype marker = line.lastIndexOf(hashMarker);
    if (parsed.object.value(QStringLiteral("v")).toInt() != 1 || !seq.isDouble() || marker < 0)
        return parsed;
    parsed.kind = ParsedLine::Kind::Entry;
    parsed.seq = seq.toInteger();
    parsed.prev = parsed.object.value(QStringLiteral("prev")).toString().toLatin1();
    parsed.hash = parsed.object.value(QStringLiteral("hash")).toString().toLatin1();
    const QByteArrayView stored = QByteArrayView(line).sliced(marker + hashMarker.size());
    parsed.hashValid = stored.size() == 66 && isHex64(stored.first(64)) && stored.sliced(64) == "\"}"
        && stored.first(64) == parsed.hash
        && QCryptographicHash::hash(line.left(marker), QCryptographicHash::Sha256).toHex() == parsed.hash;
    return parsed;
}

QString fileNameFor(const QDateTime &utc)
{
    return QStringLiteral("audit-%1.jsonl").arg(utc.toUTC().toString(QStringLiteral("yyyy-MM")));
}

QStringList auditFiles(const QString &folder)
{
    static const QRegularExpression name(QStringLiteral("^audit-\\d{4}-\\d{2}\\.jsonl$"));
    QStringList files = QDir(folder).entryList({QStringLiteral("audit-*.jsonl")}, QDir::Files, QDir::Name);
    files.removeIf([](const QString &file) { return !name.match(file).hasMatch(); });
    return files;
}

std::optional<Head> readHead(const QString &folder, QString *error)
{
    QFile file(folder + u'/' + QLatin1StringView(headFileName));
    if (!file.exists())
        return std::nullopt;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot be read: %2").arg(file.fileName(), file.errorString());
        return std::nullopt;
    }
    const QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
    const QByteArray hash = object.value(QStringLiteral("hash")).toString().toLatin1();
    if (!object.value(QStringLiteral("seq")).isDouble() || !isHex64(hash)) {
        *error = QStringLiteral("%1: not a head record").arg(file.fileName());
        return std::nullopt;
    }
    return Head {object.value(QStringLiteral("seq")).toInteger(), hash};
}

} // namespace gatehouse::audit::detail
