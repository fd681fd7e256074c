// SPDX-License-Identifier: GPL-3.0-or-later
// Verification and reading of the audit log (auditlog.h).
#include "audit/auditlog.h"

#include "audit/auditline_p.h"

#include <QFile>
#include <QHash>
#include <QMap>
#include <QSet>

namespace gatehouse::audit {
namespace {

using detail::ParsedLine;

struct Line
{
    int file = 0;
    qint64 number = 0; ///< 1-based, within its file
    qint64 ordinal = 0; ///< position over all files, for sorting the report
    ParsedLine parsed;
    bool terminated = true;
};

struct Report
{
    QStringList files;
    QMap<qint64, QString> problems; // by ordinal; "inserted" may replace an earlier verdict
    QMap<qint64, QString> warnings;

    QString where(const Line &line) const { return QStringLiteral("%1:%2").arg(files.at(line.file)).arg(line.number); }
    void problem(const Line &line, const QString &text, bool replace = false)
    {
        // An "inserted" verdict replaces "edited" (an inserted line rarely carries a valid hash).
        if (!problems.contains(line.ordinal)
            || (replace && !problems.value(line.ordinal).contains(QStringLiteral(": reordered:"))))
            problems.insert(line.ordinal, QStringLiteral("%1: %2").arg(where(line), text));
    }
};

// Reads every line of every file, in order. False: a file could not be read (reported).
bool readAll(const QString &folder, Report &report, QList<Line> &lines)
{
    qint64 ordinal = 0;
    for (int index = 0; index < report.files.size(); ++index) {
        QFile file(folder + u'/' + report.files.at(index));
        if (!file.open(QIODevice::ReadOnly)) {
            report.problems.insert(ordinal++,
                QStringLiteral("%1: invalid: cannot be read: %2").arg(report.files.at(index), file.errorString()));
            return false;
        }
        const QByteArray bytes = file.readAll();
        QList<QByteArray> split = bytes.split('\n');
        const bool endsWithNewline = split.last().isEmpty();
        if (endsWithNewline)
            split.removeLast();
        for (qsizetype i = 0; i < split.size(); ++i) {
            Line line;
            line.file = index;
            line.number = i + 1;
            line.ordinal = ordinal++;
            line.parsed = detail::parseLine(split.at(i));
            line.terminated = endsWithNewline || i + 1 < split.size();
            lines << line;
        }
    }
    return true;
}

// Why entry @p i does not follow entry i-1 in the chain (SECURITY-MODEL.md section 7).
void explainBreak(const QList<const Line *> &chain, qsizetype i, const QHash<QByteArray, qsizetype> &byHash,
    const QSet<QByteArray> &referenced, Report &report)
{
    const Line &line = *chain.at(i);
    const qint64 seq = line.parsed.seq;
    const qsizetype linked = byHash.value(line.parsed.prev, -1);
    if (linked > i) {
        report.problem(line, QStringLiteral("reordered: it belongs after %1").arg(report.where(*chain.at(linked))));
        return;
    }
    if (linked >= 0) {
        // The chain skips the lines in between: those that nothing chains to were inserted.
        for (qsizetype m = linked + 1; m < i; ++m)
            if (!referenced.contains(chain.at(m)->parsed.hash))
                report.problem(*chain.at(m),
                    QStringLiteral("inserted: not part of the chain (%1 follows %2)")
                        .arg(report.where(line), report.where(*chain.at(linked))),
                    true);
        if (seq < chain.at(i - 1)->parsed.seq)
            report.problem(
                line, QStringLiteral("reordered: seq %1 comes after seq %2").arg(seq).arg(chain.at(i - 1)->parsed.seq));
        return;
    }
    const qint64 before = i == 0 ? 0 : chain.at(i - 1)->parsed.seq;
    if (seq > before + 1) {
        report.problem(line,
            QStringLiteral("removed: %1 line(s) missing before this one (seq %2 to %3)")
                .arg(seq - before - 1)
                .arg(before)
                .arg(seq));
    } else if (i > 0 && chain.at(i - 1)->parsed.hashValid) {
        report.problem(*chain.at(i - 1),
            QStringLiteral("edited: its hash was recomputed; %1 does not chain to it").arg(report.where(line)));
    } else {
        report.problem(line, QStringLiteral("edited: it does not chain to the line before it"));
    }
}

void checkHead(const QString &folder, const QList<const Line *> &chain, const QList<Line> &lines, Report &report)
{
    QString error;
    const auto head = detail::readHead(folder, &error);
    if (!head) {
        if (!chain.isEmpty())
            report.warnings.insert(lines.size(),
                error.isEmpty() ? QStringLiteral("head.json: missing; lines removed from the end cannot be noticed")
                                : error);
        return;
    }
    qint64 last = 0;
    const Line *written = nullptr; // the line head.json names
    for (const Line *line : chain) {
        last = std::max(last, line->parsed.seq);
        if (line->parsed.seq == head->seq)
            written = line;
    }
    const QString end = lines.isEmpty()
        ? QStringLiteral("the log")
        : QStringLiteral("%1:%2").arg(report.files.at(lines.last().file)).arg(lines.last().number + 1);
    if (head->seq > last)
        report.problems.insert(lines.size(),
            QStringLiteral("%1: removed: %2 line(s) missing at the end (the log ends at seq %3; seq %4 was written)")
                .arg(end)
                .arg(head->seq - last)
                .arg(last)
                .arg(head->seq));
    else if (written && head->hash != written->parsed.hash)
        report.problem(*written, QStringLiteral("edited: the last line written is not this one (head.json)"));
}

} // namespace

AuditVerification verifyAuditLog(const QString &folder)
{
    Report report;
    report.files = detail::auditFiles(folder);
    QList<Line> lines;
    AuditVerification result;
    result.files = static_cast<int>(report.files.size());
    if (readAll(folder, report, lines)) {
        QList<const Line *> chain;
        QHash<QByteArray, qsizetype> byHash;
        QSet<QByteArray> referenced;
        for (const Line &line : std::as_const(lines)) {
            if (line.parsed.kind != ParsedLine::Kind::Entry)
                continue;
            byHash.insert(line.parsed.hash, chain.size()); // the first of equal hashes wins (below)
            referenced.insert(line.parsed.prev);
            chain << &line;
        }
        for (qsizetype i = chain.size() - 1; i >= 0; --i)
            byHash.insert(chain.at(i)->parsed.hash, i);

        qsizetype next = 0; // index into chain of the next entry
        QList<const Line *> fragments; // lines between two entries that are not entries
        for (const Line &line : std::as_const(lines)) {
            if (line.parsed.kind != ParsedLine::Kind::Entry) {
                fragments << &line;
                continue;
            }
            ++result.lines;
            const qsizetype i = next++;
            const QByteArray expected = i == 0 ? detail::genesisHash() : chain.at(i - 1)->parsed.hash;
            const bool linked = line.parsed.prev == expected;
            // A fragment the chain passes over is a torn write; one it does not pass over was a line.
            for (const Line *fragment : std::as_const(fragments)) {
                if (linked && fragment->parsed.kind == ParsedLine::Kind::Fragment)
                    report.warnings.insert(fragment->ordinal,
                        QStringLiteral("%1: torn: an incomplete line, as a crash during a write leaves; the chain "
                                       "continues past it")
                            .arg(report.where(*fragment)));
                else
                    report.problem(*fragment,
                        linked ? QStringLiteral("inserted: not an audit line")
                               : QStringLiteral("edited: no longer a complete audit line"));
            }
            const bool explained = !fragments.isEmpty() && !linked;
            fragments.clear();
            if (byHash.value(line.parsed.hash) != i && line.parsed.hashValid)
                report.problem(line,
                    QStringLiteral("inserted: a copy of %1")
                        .arg(report.where(*chain.at(byHash.value(line.parsed.hash)))),
                    true);
            if (!line.parsed.hashValid)
                report.problem(line, QStringLiteral("edited: its content does not match its hash"));
            if (linked) {
                const qint64 before = i == 0 ? 0 : chain.at(i - 1)->parsed.seq;
                if (line.parsed.seq != before + 1)
                    report.problem(line,
                        line.parsed.seq > before + 1
                            ? QStringLiteral("removed: %1 line(s) missing before this one (seq %2 to %3)")
                                  .arg(line.parsed.seq - before - 1)
                                  .arg(before)
                                  .arg(line.parsed.seq)
                            : QStringLiteral("edited: seq %1 does not follow seq %2").arg(line.parsed.seq).arg(before));
            } else if (!explained) {
                explainBreak(chain, i, byHash, referenced, report);
            }
        }
        for (const Line *fragment : std::as_const(fragments)) {
            if (!fragment->terminated && fragment->parsed.kind == ParsedLine::Kind::Fragment)
                report.warnings.insert(fragment->ordinal,
                    QStringLiteral("%1: torn: the last line is incomplete, as a crash during a write leaves")
                        .arg(report.where(*fragment)));
            else
                report.problem(*fragment, QStringLiteral("edited: not a complete audit line"));
        }
        checkHead(folder, chain, lines, report);
    }
    result.problems = report.problems.values();
    result.warnings = report.warnings.values();
    result.ok = result.problems.isEmpty();
    return result;
}

Expected<QList<QJsonObject>> readAuditLog(const QString &folder, const QDateTime &since)
{
    QList<QJsonObject> entries;
    const QStringList files = detail::auditFiles(folder);
    const QString firstWanted = since.isValid() ? detail::fileNameFor(since) : QString();
    for (const QString &name : files) {
        if (name < firstWanted)
            continue;
        QFile file(folder + u'/' + name);
        if (!file.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("%1: cannot be read: %2").arg(file.fileName(), file.errorString()));
        for (const QByteArray &bytes : file.readAll().split('\n')) {
            const ParsedLine parsed = detail::parseLine(bytes);
            if (parsed.kind != ParsedLine::Kind::Entry)
                continue;
            const QDateTime time =
                QDateTime::fromString(parsed.object.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
            if (since.isValid() && (!time.isValid() || time < since))
                continue;
            entries << parsed.object;
        }
    }
    return entries;
}

} // namespace gatehouse::audit
