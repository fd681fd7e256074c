// SPDX-License-Identifier: GPL-3.0-or-later
#include "audit/auditlog.h"

#include "audit/auditline_p.h"
#include "audit/redact.h"
#include "common/paths.h"
#include "log/logging.h"
#include "log/qtformat.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gatehouse::audit {
namespace {

QString systemError(const QString &what, const QString &path)
{
    return QStringLiteral("%1 %2: %3").arg(what, path, QString::fromLocal8Bit(std::strerror(errno)));
}

// Closes a descriptor when it goes out of scope.
struct Fd
{
    int fd = -1;
    explicit Fd(int value)
        : fd(value)
    {
    }
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
    Q_DISABLE_COPY_MOVE(Fd)
};

bool writeAll(int fd, const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t written = ::write(fd, bytes.constData() + done, static_cast<size_t>(bytes.size() - done));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        done += written;
    }
    return true;
}

void syncFolder(const QString &folder)
{
    const Fd dir(::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.fd >= 0)
        ::fsync(dir.fd);
}

struct Tail
{
    bool found = false;
    qint64 seq = 0;
    QByteArray hash;
    bool needsNewline = false; ///< the file does not end with a newline (a torn last line)
};

// The last entry of the open file @p fd, read backwards from its end in growing chunks. Lines
// that are not entries (fragments of earlier crashes) are passed over, as the chain passes them.
Expected<Tail> readTail(int fd, const QString &path)
{
    struct stat status
    {
    };
    if (::fstat(fd, &status) != 0)
        return fail(systemError(QStringLiteral("cannot read"), path));
    Tail tail;
    qint64 position = status.st_size;
    QByteArray buffer;
    qint64 chunk = 64 * 1024;
    bool first = true;
    while (position > 0) {
        const qint64 start = std::max<qint64>(0, position - chunk);
        QByteArray part(position - start, Qt::Uninitialized);
        const ssize_t got = ::pread(fd, part.data(), static_cast<size_t>(part.size()), start);
        if (got != part.size())
            return fail(systemError(QStringLiteral("cannot read"), path));
        buffer.prepend(part);
        position = start;
        chunk *= 2;
        if (first) {
            tail.needsNewline = !buffer.endsWith('\n');
            first = false;
        }
        // Complete lines only: the first one in the buffer may start before it, unless at 0.
        QList<QByteArray> lines = buffer.split('\n');
        if (position > 0)
            lines.removeFirst();
        for (qsizetype i = lines.size() - 1; i >= 0; --i) {
            const detail::ParsedLine parsed = detail::parseLine(lines.at(i));
            // An unterminated last line counts only if it is whole (everything but the newline).
            const bool unterminated = i == lines.size() - 1 && tail.needsNewline;
            if (parsed.kind != detail::ParsedLine::Kind::Entry || (unterminated && !parsed.hashValid))
                continue;
            tail.found = true;
            tail.seq = parsed.seq;
            tail.hash = parsed.hash;
            return tail;
        }
    }
    return tail;
}

Expected<void> writeHead(const QString &folder, qint64 seq, const QByteArray &hash)
{
    const QString path = folder + u'/' + QLatin1StringView(detail::headFileName);
    const QString temporary = path + QStringLiteral(".tmp");
    const QByteArray bytes =
        QJsonDocument(QJsonObject {{QStringLiteral("seq"), seq}, {QStringLiteral("hash"), QString::fromLatin1(hash)}})
            .toJson(QJsonDocument::Compact)
        + '\n';
    {
        const Fd fd(::open(QFile::encodeName(temporary).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        if (fd.fd < 0 || !writeAll(fd.fd, bytes))
            return fail(systemError(QStringLiteral("cannot write"), temporary));
    }
    if (::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0)
        return fail(systemError(QStringLiteral("cannot replace"), path));
    return {};
}

} // namespace

QString AuditLog::defaultFolder()
{
    return paths::stateDir() + QStringLiteral("/audit");
}

Expected<std::unique_ptr<AuditLog>> AuditLog::open(const QString &folder)
{
    const QString clean = QDir::cleanPath(QDir(folder).absolutePath());
    const QFileInfo info(clean);
    if (!QDir().mkpath(info.path()))
        return fail(QStringLiteral("cannot create %1").arg(info.path()));
    const QByteArray native = QFile::encodeName(clean);
    if (::mkdir(native.constData(), 0700) != 0 && errno != EEXIST)
        return fail(systemError(QStringLiteral("cannot create"), clean));
    // Created by someone else, or by an older version, with a wider mode: narrow it.
    struct stat status
    {
    };
    if (::stat(native.constData(), &status) != 0 || !S_ISDIR(status.st_mode))
        return fail(QStringLiteral("%1 is not a folder").arg(clean));
    if ((status.st_mode & 07777) != 0700 && ::chmod(native.constData(), 0700) != 0)
        return fail(systemError(QStringLiteral("cannot make private"), clean));
    const QString lockPath = clean + QStringLiteral("/.lock");
    const int lockFd = ::open(QFile::encodeName(lockPath).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lockFd < 0)
        return fail(systemError(QStringLiteral("cannot open"), lockPath));
    return std::unique_ptr<AuditLog>(new AuditLog(clean, lockFd));
}

AuditLog::AuditLog(QString folder, int lockFd)
    : m_folder(std::move(folder))
    , m_lockFd(lockFd)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
}

AuditLog::~AuditLog()
{
    if (m_lockFd >= 0)
        ::close(m_lockFd);
}

void AuditLog::setSessionId(const QString &sessionId)
{
    const std::lock_guard locker(m_mutex);
    m_sessionId = sessionId;
}

QString AuditLog::sessionId() const
{
    const std::lock_guard locker(m_mutex);
    return m_sessionId;
}

void AuditLog::setClock(Clock clock)
{
    const std::lock_guard locker(m_mutex);
    m_clock = std::move(clock);
}

Expected<void> AuditLog::append(const QString &event, const QJsonObject &fields)
{
    // Threads of this process share the descriptor, on which flock does not exclude them.
    const std::lock_guard locker(m_mutex);
    while (::flock(m_lockFd, LOCK_EX) != 0)
        if (errno != EINTR)
            return fail(systemError(QStringLiteral("cannot lock"), m_folder + QStringLiteral("/.lock")));
    auto done = appendLocked(event, redactJson(fields).toObject(), m_sessionId);
    ::flock(m_lockFd, LOCK_UN);
    return done;
}

Expected<void> AuditLog::appendLocked(const QString &event, const QJsonObject &fields, const QString &session)
{
    const QDateTime now = m_clock();
    // The newest file, unless the clock says a later month: the chain follows the file order even
    // when the clock goes back.
    const QStringList files = detail::auditFiles(m_folder);
    QString name = detail::fileNameFor(now);
    if (!files.isEmpty() && files.last() > name)
        name = files.last();
    const QString path = m_folder + u'/' + name;
    const bool created = !QFileInfo::exists(path);
    const Fd fd(::open(QFile::encodeName(path).constData(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
    if (fd.fd < 0)
        return fail(systemError(QStringLiteral("cannot open"), path));
    if (created)
        syncFolder(m_folder);

    auto tail = readTail(fd.fd, path);
    if (!tail)
        return std::unexpected(tail.error());
    // A new month: the chain goes on from the last entry of the months before.
    for (qsizetype i = files.size() - 1; !tail->found && i >= 0; --i) {
        if (files.at(i) >= name)
            continue;
        const QString previousPath = m_folder + u'/' + files.at(i);
        const Fd previous(::open(QFile::encodeName(previousPath).constData(), O_RDONLY | O_CLOEXEC));
        if (previous.fd < 0)
            return fail(systemError(QStringLiteral("cannot open"), previousPath));
        auto earlier = readTail(previous.fd, previousPath);
        if (!earlier)
            return std::unexpected(earlier.error());
        if (earlier->found)
            tail = Tail {true, earlier->seq, earlier->hash, tail->needsNewline};
    }

    // seq goes on from the head record when lines were removed from the end, so that the gap
    // shows in the chain instead of being papered over.
    QString headError;
    const auto head = detail::readHead(m_folder, &headError);
    qint64 seq = tail->found ? tail->seq : 0;
    if (head && head->seq > seq) {
        log::logger("audit")->warn(
            "the audit log ends at seq {}, but seq {} was written: lines were removed", seq, head->seq);
        seq = head->seq;
    }
    detail::LineHeader header {seq + 1, now, event, session, tail->found ? tail->hash : detail::genesisHash()};
    auto line = detail::buildLine(header, fields);
    if (!line)
        return std::unexpected(line.error());
    if (tail->needsNewline)
        line->prepend('\n');
    if (!writeAll(fd.fd, *line) || ::fdatasync(fd.fd) != 0)
        return fail(systemError(QStringLiteral("cannot write"), path));
    const QByteArray hash = line->mid(line->lastIndexOf(",\"hash\":\"") + 9, 64);
    return writeHead(m_folder, header.seq, hash);
}

Expected<void> appendToDefaultLog(const QString &event, const QJsonObject &fields, const QString &sessionId)
{
    auto log = AuditLog::open(AuditLog::defaultFolder());
    Expected<void> done = log ? Expected<void>() : std::unexpected(log.error());
    if (log) {
        (*log)->setSessionId(sessionId);
        done = (*log)->append(event, fields);
    }
    if (!done)
        log::logger("audit")->warn(
            "the {} event could not be written to the audit log: {}", event, done.error().message);
    return done;
}

} // namespace gatehouse::audit
