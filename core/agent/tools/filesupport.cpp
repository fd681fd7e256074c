// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/tools/filesupport_p.h"

#include "policy/engine.h"

#include <QFile>
#include <QMimeDatabase>
#include <QStringDecoder>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gatehouse::agent::detail {

Expected<policy::ResolvedPath> resolveInput(const ToolContext &ctx, const QString &path)
{
    if (path.isEmpty())
        return fail(QStringLiteral("no path was given"));
    if (path.contains(QChar(0)))
        return fail(QStringLiteral("the path contains a NUL character"));
    const QString home = ctx.engine ? ctx.engine->policy().homeDir() : QString();
    return policy::resolvePath(path, ctx.projectDir, home);
}

QString displayPath(const ToolContext &ctx, const QString &absolutePath)
{
    if (!ctx.projectDir.isEmpty() && policy::isInside(absolutePath, ctx.projectDir)) {
        const QString relative = policy::relativeTo(absolutePath, ctx.projectDir);
        return relative.isEmpty() ? QStringLiteral(".") : relative;
    }
    return absolutePath;
}

QString folderName(const QString &shown)
{
    return shown == QStringLiteral(".") ? QStringLiteral("the project folder") : shown;
}

std::optional<QString> deniedNow(const ToolContext &ctx, const QString &tool, const QJsonObject &input)
{
    if (!ctx.engine)
        return QStringLiteral("no policy engine is available to check the call");
    const policy::Decision decision = ctx.engine->decide(policy::ToolCall{tool, input});
    if (decision.verdict != policy::Verdict::Deny)
        return std::nullopt;
    return decision.reason;
}

std::optional<QString> refusedForReading(
    const ToolContext &ctx, const QString &tool, const QJsonObject &input, const policy::ResolvedPath &path)
{
    if (!ctx.engine)
        return QStringLiteral("no policy engine is available to check the call");
    const policy::Decision decision = ctx.engine->decide(policy::ToolCall{tool, input});
    if (decision.verdict == policy::Verdict::Deny)
        return decision.reason;
    if (decision.verdict != policy::Verdict::Allow && ctx.engine->inWorkspace(path.lexical, path.lexical)
        && !ctx.engine->inWorkspace(path.canonical, path.canonical))
        return QStringLiteral("it leads out of the project through a symbolic link, to %1; name that path itself if it "
                              "is needed")
            .arg(path.canonical);
    return std::nullopt;
}

bool isValidUtf8(QByteArrayView bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(bytes);
    Q_UNUSED(text);
    return !decoder.hasError();
}

bool looksBinary(QByteArrayView bytes)
{
    if (bytes.first(qMin(bytes.size(), binaryProbeBytes)).contains('\0'))
        return true;
    return !isValidUtf8(bytes);
}

QString describeBinary(const QString &path, const QByteArray &head)
{
    const QMimeType type = QMimeDatabase().mimeTypeForFileNameAndData(path, head);
    const bool hasNul = head.first(qMin(head.size(), binaryProbeBytes)).contains('\0');
    if (!type.isValid() || type.name() == QStringLiteral("application/octet-stream"))
        return hasNul ? QStringLiteral("a binary file")
                      : QStringLiteral("not UTF-8 text (another encoding or binary data)");
    if (type.inherits(QStringLiteral("text/plain")) && !hasNul)
        return QStringLiteral("%1 that is not valid UTF-8 (%2)").arg(type.comment(), type.name());
    return QStringLiteral("a binary file (%1, %2)").arg(type.comment(), type.name());
}

QString formatSize(qint64 bytes)
{
    if (bytes < 1024)
        return bytes == 1 ? QStringLiteral("1 byte") : QStringLiteral("%1 bytes").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(double(bytes) / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 MiB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
}

QString cutLine(const QString &line)
{
    if (line.size() <= maxLineLength)
        return line;
    return line.left(maxLineLength)
        + QStringLiteral(" [... line cut: %1 more characters]").arg(line.size() - maxLineLength);
}

Expected<OpenedFile> openRegularFile(const QString &canonicalPath, const QString &shownPath)
{
    const QByteArray native = QFile::encodeName(canonicalPath);
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
    const int fd = ::open(native.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        const int error = errno;
        if (error == ENOENT)
            return fail(QStringLiteral("%1 does not exist").arg(shownPath));
        if (error == ELOOP)
            return fail(QStringLiteral("%1 became a symbolic link; it was not read").arg(shownPath));
        return fail(
            QStringLiteral("%1 cannot be opened: %2").arg(shownPath, QString::fromLocal8Bit(std::strerror(error))));
    }
    struct stat info
    {
    };
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        const bool folder = S_ISDIR(info.st_mode);
        ::close(fd);
        return fail(folder ? QStringLiteral("%1 is a folder; use Glob to list its files").arg(shownPath)
                           : QStringLiteral("%1 is not a regular file (a device, socket or pipe)").arg(shownPath));
    }
#ifdef Q_OS_LINUX
    // The path the kernel actually opened: a folder on the way swapped for a symlink shows here.
    std::array<char, 4096> buffer{};
    const QByteArray proc = "/proc/self/fd/" + QByteArray::number(fd);
    const ssize_t length = ::readlink(proc.constData(), buffer.data(), buffer.size() - 1);
    if (length > 0 && QFile::decodeName(QByteArray(buffer.data(), length)) != canonicalPath) {
        ::close(fd);
        return fail(QStringLiteral("%1 moved while it was opened (a folder on its path changed); it was not read")
                        .arg(shownPath));
    }
#endif
#ifdef Q_OS_DARWIN
    const struct timespec mtime = info.st_mtimespec;
#else
    const struct timespec mtime = info.st_mtim;
#endif
    return OpenedFile{fd, qint64(info.st_size), qint64(mtime.tv_sec) * 1000 + mtime.tv_nsec / 1000000};
}

Expected<QByteArray> readAndClose(const OpenedFile &file, qint64 maxBytes, const QString &shownPath)
{
    QFile device;
    if (!device.open(file.fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(file.fd);
        return fail(QStringLiteral("%1 cannot be read: %2").arg(shownPath, device.errorString()));
    }
    const int flags = ::fcntl(file.fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(file.fd, F_SETFL, flags & ~O_NONBLOCK);
    QByteArray bytes = device.read(maxBytes);
    if (device.error() != QFileDevice::NoError)
        return fail(QStringLiteral("%1 cannot be read: %2").arg(shownPath, device.errorString()));
    return bytes;
}

Expected<QByteArray> readRegularFile(const QString &canonicalPath, qint64 maxBytes, const QString &shownPath)
{
    const auto opened = openRegularFile(canonicalPath, shownPath);
    if (!opened)
        return std::unexpected(opened.error());
    return readAndClose(*opened, maxBytes, shownPath);
}

} // namespace gatehouse::agent::detail
