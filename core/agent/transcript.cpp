// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/transcript.h"

#include "audit/redact.h"
#include "common/paths.h"
#include "policy/paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gatehouse::agent {
namespace {

QString systemError(const QString &what, const QString &path)
{
    return QStringLiteral("%1 %2: %3").arg(what, path, QString::fromLocal8Bit(std::strerror(errno)));
}

Expected<void> makePrivateFolder(const QString &folder)
{
    if (!QDir().mkpath(QFileInfo(folder).path()))
        return fail(QStringLiteral("cannot create %1").arg(QFileInfo(folder).path()));
    const QByteArray native = QFile::encodeName(folder);
    if (::mkdir(native.constData(), 0700) != 0 && errno != EEXIST)
        return fail(systemError(QStringLiteral("cannot create"), folder));
    struct stat status
    {
    };
    if (::stat(native.constData(), &status) != 0 || !S_ISDIR(status.st_mode))
        return fail(QStringLiteral("%1 is not a folder").arg(folder));
    if ((status.st_mode & 07777) != 0700 && ::chmod(native.constData(), 0700) != 0)
        return fail(systemError(QStringLiteral("cannot make private"), folder));
    return {};
}

QString canonical(const QString &dir)
{
    return dir.isEmpty() ? dir : policy::canonicalPath(policy::cleanAbsolute(QDir(dir).absolutePath()));
}

QJsonObject headerJson(const SessionInfo &info)
{
    return QJsonObject {{QStringLiteral("type"), QStringLiteral("session")}, {QStringLiteral("v"), 1},
        {QStringLiteral("id"), info.id}, {QStringLiteral("project"), info.projectDir},
        {QStringLiteral("model"), info.model}, {QStringLiteral("client"), info.client},
        {QStringLiteral("started"), info.started.toUTC().toString(Qt::ISODateWithMs)}};
}

std::optional<SessionInfo> headerFrom(const QJsonObject &json, const QString &path)
{
    if (json.value(QStringLiteral("type")).toString() != QStringLiteral("session"))
        return std::nullopt;
    return SessionInfo {json.value(QStringLiteral("id")).toString(), json.value(QStringLiteral("project")).toString(),
        json.value(QStringLiteral("model")).toString(), json.value(QStringLiteral("client")).toString(),
        QDateTime::fromString(json.value(QStringLiteral("started")).toString(), Qt::ISODateWithMs), path};
}

QString fileFor(const QString &folder, const QString &id)
{
    return folder + u'/' + id + QStringLiteral(".jsonl");
}

QString interrupted()
{
    return QStringLiteral("Gatehouse was interrupted before the result of this call was recorded; it may or may not "
                          "have run. Check its effects before repeating it.");
}

// Makes @p messages acceptable to the Messages API (see Transcript::load()). Returns what was
// changed, in words, and sets @p answered to the message that answers tool calls left open at the end.
QStringList repair(QList<Message> &messages, std::optional<Message> *answered)
{
    QStringList notes;
    // tool_result blocks must answer a tool_use of the message just before.
    for (qsizetype i = 0; i < messages.size(); ++i) {
        if (messages[i].role != Role::User)
            continue;
        QSet<QString> asked;
        if (i > 0 && messages[i - 1].role == Role::Assistant)
            for (const ContentBlock &block : messages[i - 1].toolUses())
                asked.insert(block.id);
        const qsizetype before = messages[i].content.size();
        messages[i].content.removeIf([&asked](const ContentBlock &block) {
            return block.type == ContentBlock::Type::ToolResult && !asked.contains(block.id);
        });
        if (messages[i].content.size() != before)
            notes << QStringLiteral("dropped %1 tool result(s) whose call is missing")
                         .arg(before - messages[i].content.size());
    }
    messages.removeIf([](const Message &message) { return message.content.isEmpty(); });
    for (qsizetype i = 1; i < messages.size(); ++i) {
        if (messages[i].role == messages[i - 1].role) {
            messages[i - 1].content << messages[i].content;
            messages.removeAt(i--);
            notes << QStringLiteral("merged two consecutive messages of one role");
        }
    }
    while (!messages.isEmpty() && messages.first().role != Role::User) {
        messages.removeFirst();
        notes << QStringLiteral("dropped an assistant message without a user message before it");
    }
    // Every tool_use must be answered by the next message.
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QList<ContentBlock> uses =
            messages[i].role == Role::Assistant ? messages[i].toolUses() : QList<ContentBlock>();
        if (uses.isEmpty())
            continue;
        QSet<QString> answeredIds;
        if (i + 1 < messages.size())
            for (const ContentBlock &block : std::as_const(messages[i + 1].content))
                if (block.type == ContentBlock::Type::ToolResult)
                    answeredIds.insert(block.id);
        QList<ContentBlock> missing;
        for (const ContentBlock &use : uses)
            if (!answeredIds.contains(use.id))
                missing << ContentBlock::makeToolResult(use.id, interrupted(), true);
        if (missing.isEmpty())
            continue;
        notes << QStringLiteral("answered %1 unanswered tool call(s) with an error result").arg(missing.size());
        if (i + 1 < messages.size()) {
            messages[i + 1].content = missing + messages[i + 1].content;
        } else {
            Message answer {Role::User, missing};
            messages.append(answer);
            *answered = answer;
        }
    }
    return notes;
}

} // namespace

QString Transcript::defaultFolder()
{
    return paths::dataDir() + QStringLiteral("/transcripts");
}

QString Transcript::newSessionId(const QDateTime &now)
{
    return QStringLiteral("%1-%2")
        .arg(now.toUTC().toString(QStringLiteral("yyyyMMdd-HHmmss")))
        .arg(QRandomGenerator::system()->bounded(0x1000000), 6, 16, QChar(u'0'));
}

bool Transcript::isSessionId(const QString &id)
{
    static const QRegularExpression shape(QStringLiteral("^\\d{8}-\\d{6}-[0-9a-f]{6}$"));
    return shape.match(id).hasMatch();
}

Transcript::Transcript(Transcript &&other) noexcept
    : m_fd(std::exchange(other.m_fd, -1))
    , m_needsNewline(other.m_needsNewline)
    , m_info(std::move(other.m_info))
{
}

Transcript &Transcript::operator=(Transcript &&other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
        m_needsNewline = other.m_needsNewline;
        m_info = std::move(other.m_info);
    }
    return *this;
}

Transcript::~Transcript()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Expected<Transcript> Transcript::create(const QString &folder, const SessionInfo &info)
{
    if (auto made = makePrivateFolder(folder); !made)
        return std::unexpected(made.error());
    Transcript transcript;
    transcript.m_info = info;
    if (transcript.m_info.started.isNull())
        transcript.m_info.started = QDateTime::currentDateTimeUtc();
    if (transcript.m_info.id.isEmpty())
        transcript.m_info.id = newSessionId(transcript.m_info.started);
    if (!isSessionId(transcript.m_info.id))
        return fail(QStringLiteral("\"%1\" is not a session id").arg(transcript.m_info.id));
    transcript.m_info.projectDir = canonical(info.projectDir);
    transcript.m_info.filePath = fileFor(folder, transcript.m_info.id);
    // 0600 from the start, and never an existing file: an id is used once.
    transcript.m_fd = ::open(QFile::encodeName(transcript.m_info.filePath).constData(),
        O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (transcript.m_fd < 0)
        return fail(systemError(QStringLiteral("cannot create"), transcript.m_info.filePath));
    if (auto written = transcript.writeLine(headerJson(transcript.m_info)); !written)
        return std::unexpected(written.error());
    return transcript;
}

Expected<void> Transcript::append(const Message &message)
{
    return writeLine(
        {{QStringLiteral("type"), QStringLiteral("message")}, {QStringLiteral("message"), message.toJson()}});
}

Expected<void> Transcript::appendEvent(const QJsonObject &event)
{
    QJsonObject line = event;
    line.insert(QStringLiteral("type"), QStringLiteral("event"));
    return writeLine(line);
}

Expected<void> Transcript::writeLine(const QJsonObject &line)
{
    if (m_fd < 0)
        return fail(QStringLiteral("the transcript is not open"));
    QByteArray bytes = QJsonDocument(audit::redactJson(line).toObject()).toJson(QJsonDocument::Compact) + '\n';
    if (m_needsNewline)
        bytes.prepend('\n');
    for (qsizetype done = 0; done < bytes.size();) {
        const ssize_t written = ::write(m_fd, bytes.constData() + done, static_cast<size_t>(bytes.size() - done));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return fail(systemError(QStringLiteral("cannot write"), m_info.filePath));
        done += written;
    }
    m_needsNewline = false;
    return {};
}

Expected<ResumedSession> Transcript::load(const QString &folder, const QString &sessionId)
{
    if (!isSessionId(sessionId))
        return fail(QStringLiteral("\"%1\" is not a session id").arg(sessionId));
    const QString path = fileFor(folder, sessionId);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("%1: cannot be read: %2").arg(path, file.errorString()));
    const QByteArray bytes = file.readAll();
    QList<QByteArray> lines = bytes.split('\n');
    if (lines.last().isEmpty())
        lines.removeLast();
    ResumedSession session;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QJsonObject json = QJsonDocument::fromJson(lines[i]).object();
        if (i == 0) {
            const auto header = headerFrom(json, path);
            if (!header)
                return fail(QStringLiteral("%1: not a transcript (no session header)").arg(path));
            session.info = *header;
            continue;
        }
        const QString type = json.value(QStringLiteral("type")).toString();
        if (type == QStringLiteral("event"))
            continue;
        auto message = Message::fromJson(json.value(QStringLiteral("message")).toObject());
        if (type != QStringLiteral("message") || !message) {
            session.warnings << QStringLiteral("%1:%2: skipped a damaged line%3")
                                    .arg(path)
                                    .arg(i + 1)
                                    .arg(i + 1 == lines.size() && !bytes.endsWith('\n')
                                            ? QStringLiteral(" (a write cut short)")
                                            : QString());
            continue;
        }
        session.messages << *message;
    }
    std::optional<Message> answered;
    for (const QString &note : repair(session.messages, &answered))
        session.warnings << QStringLiteral("%1: %2").arg(path, note);

    session.transcript.m_info = session.info;
    session.transcript.m_needsNewline = !bytes.isEmpty() && !bytes.endsWith('\n');
    session.transcript.m_fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (session.transcript.m_fd < 0)
        return fail(systemError(QStringLiteral("cannot append to"), path));
    if (answered)
        if (auto written = session.transcript.append(*answered); !written)
            return std::unexpected(written.error());
    return session;
}

QList<SessionInfo> Transcript::list(const QString &folder, const QString &projectDir)
{
    const QString project = canonical(projectDir);
    QList<SessionInfo> sessions;
    const QStringList files = QDir(folder).entryList({QStringLiteral("*.jsonl")}, QDir::Files);
    for (const QString &name : files) {
        QFile file(folder + u'/' + name);
        if (!isSessionId(QFileInfo(name).completeBaseName()) || !file.open(QIODevice::ReadOnly))
            continue;
        const auto header = headerFrom(QJsonDocument::fromJson(file.readLine()).object(), file.fileName());
        if (header && (project.isEmpty() || header->projectDir == project))
            sessions << *header;
    }
    std::sort(sessions.begin(), sessions.end(), [](const SessionInfo &a, const SessionInfo &b) {
        return a.started != b.started ? a.started > b.started : a.id > b.id;
    });
    return sessions;
}

int Transcript::prune(const QString &folder, int retentionDays, const QString &keepSessionId)
{
    const QDateTime cutoff =
        retentionDays > 0 ? QDateTime::currentDateTime().addDays(-retentionDays) : QDate::currentDate().startOfDay();
    int deleted = 0;
    const QFileInfoList files = QDir(folder).entryInfoList({QStringLiteral("*.jsonl")}, QDir::Files);
    for (const QFileInfo &info : files) {
        if (!isSessionId(info.completeBaseName()) || info.completeBaseName() == keepSessionId)
            continue;
        if (info.lastModified() < cutoff && QFile::remove(info.filePath()))
            ++deleted;
    }
    return deleted;
}

int transcriptRetentionDays(const QString &userSettingsFile)
{
    QFile file(userSettingsFile);
    if (!file.open(QIODevice::ReadOnly))
        return 30;
    const QJsonValue value =
        QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("cleanupPeriodDays"));
    if (!value.isDouble() || value.toDouble() != static_cast<double>(value.toInteger()))
        return 30;
    return static_cast<int>(std::clamp<qint64>(value.toInteger(), -1, 100000));
}

} // namespace gatehouse::agent
