// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Small pieces the sandbox's file-system code shares: handles that close themselves and the
// change-time comparison of landing and the fallback's scan.

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <memory>
#include <utility>

namespace gatehouse::sandbox::detail {

struct DirCloser
{
    void operator()(DIR *dir) const { ::closedir(dir); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

/// A file descriptor that closes itself.
class Fd
{
public:
    explicit Fd(int fd = -1)
        : m_fd(fd)
    {
    }
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    Fd(Fd &&other) noexcept
        : m_fd(std::exchange(other.m_fd, -1))
    {
    }
    Fd &operator=(Fd &&other) noexcept
    {
        if (this != &other) {
            if (m_fd >= 0)
                ::close(m_fd);
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }

private:
    int m_fd;
};

/// Whether the entry's status changed at or after @p started (its ctime, which no program can set).
inline bool changedSince(const struct stat &info, const timespec &started)
{
    return info.st_ctim.tv_sec > started.tv_sec
           || (info.st_ctim.tv_sec == started.tv_sec && info.st_ctim.tv_nsec >= started.tv_nsec);
}

/// Moves the entry @p name of @p fromParent to @p toName in @p toParent; across file systems it is
/// copied under a temporary name, renamed into place and then removed (landing.cpp).
bool moveEntry(int fromParent, const char *name, int toParent, const char *toName);

} // namespace gatehouse::sandbox::detail
