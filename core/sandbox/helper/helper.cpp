// SPDX-License-Identifier: GPL-3.0-or-later
// gatehouse-sandbox-helper: the first program inside the sandbox. It starts the loopback bridge
// to the network proxy (a TCP port on 127.0.0.1 inside the sandbox whose connections it carries
// to the proxy's Unix socket, bound in from outside), then sets no-new-privs, loads a seccomp
// filter that refuses the calls a sandboxed command could use to reach out of it, and runs the
// command. The bridge is forked before the filter is loaded (it needs AF_UNIX; the command may
// not have it); it and the supervising helper are non-dumpable, so the command can neither trace
// them nor write into their memory through /proc. Small and without Qt on purpose: it runs
// before every sandboxed command.
//
// The filter (filter.cpp) allows sockets only of the families a command needs (AF_INET,
// AF_INET6, netlink routing) and socketpair only as a connected AF_UNIX stream or seqpacket pair,
// so that no host socket bound into the sandbox's view (a display, an agent, docker's, the proxy's
// own) can be reached, and refuses the calls that lead out of the sandbox's namespaces, into other
// processes or into the kernel's riskier interfaces; filter.h lists them. Each argument is
// compared on the width the kernel reads.
//
// Before all that, while it still holds CAP_SYS_ADMIN in the sandbox's own user namespace (which
// bubblewrap leaves it for this), it makes the protected paths read-only and hides the denied
// ones: one bind mount each, much cheaper than bubblewrap's (which re-reads the mount table for
// every mount). Then it drops every capability, from the bounding set too.
//   --ro PATH          PATH (which exists) becomes read-only
//   --stand-in-dir P   P does not exist: an empty read-only folder takes its place
//   --stand-in-file P  P does not exist: an empty read-only file takes its place
//   --hide PATH        PATH (a folder or a file) shows empty and read-only
//   --pin PATH         PATH (a folder) becomes a mount point of its own, so that it cannot be
//                      renamed or removed (the fallback keeps a denied entry's folders in place)
// A protected path that is a symbolic link (a mount would land on its target, and the link could
// still be replaced), or any mount that fails, stops the command from running (exit 125): the
// sandbox is built whole or not at all. Hidden paths are hidden where their links point.
//
// The helper stays as the sandbox's first process (its init): it runs the command as its child,
// reaps orphans, exits with the command's status, and takes the whole sandbox down when the
// lifeline (a pipe whose other end only Gatehouse holds) closes because Gatehouse died.
//
// Usage: gatehouse-sandbox-helper [MOUNTS...] [--proxy-socket PATH --proxy-port PORT] [--lifeline FD]
//        -- COMMAND [ARGS...]
#include "filter.h"

#include <linux/capability.h>
#include <linux/close_range.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <fcntl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/un.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace {

bool writeAll(int fd, const char *data, ssize_t size)
{
    while (size > 0) {
        const ssize_t written = ::write(fd, data, static_cast<size_t>(size));
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += written;
        size -= written;
    }
    return true;
}

// Carries bytes both ways between @p a and @p b until both directions have ended.
void relay(int a, int b)
{
    static char buffer[128 * 1024];
    bool aOpen = true;
    bool bOpen = true;
    while (aOpen || bOpen) {
        pollfd fds[2] = {{aOpen ? a : -1, POLLIN, 0}, {bOpen ? b : -1, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        for (int i = 0; i < 2; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const int from = i == 0 ? a : b;
            const int to = i == 0 ? b : a;
            const ssize_t got = ::read(from, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR)
                continue;
            if (got == 0) { // this direction ended: pass the end on, keep the other one
                ::shutdown(to, SHUT_WR);
                (i == 0 ? aOpen : bOpen) = false;
                continue;
            }
            if (got < 0 || !writeAll(to, buffer, got))
                return;
        }
    }
}

// The bridge: accepts on @p listener and carries each connection to the proxy's socket.
[[noreturn]] void runBridge(int listener, const char *socketPath)
{
    ::signal(SIGCHLD, SIG_IGN); // connection processes are reaped by the kernel
    for (int fd = 3; fd < 1024; ++fd)
        if (fd != listener)
            ::close(fd);
    for (;;) {
        const int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE)
                continue;
            ::_exit(1);
        }
        const pid_t child = ::fork();
        if (child == 0) {
            ::close(listener);
            const int upstream = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_un address{};
            address.sun_family = AF_UNIX;
            std::strncpy(address.sun_path, socketPath, sizeof address.sun_path - 1);
            if (upstream < 0 || ::connect(upstream, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
                ::_exit(1);
            relay(client, upstream);
            ::_exit(0);
        }
        ::close(client);
    }
}

// Listens on 127.0.0.1:@p port inside the sandbox and forks the bridge; false if that fails.
bool startBridge(const char *socketPath, int port)
{
    if (std::strlen(socketPath) >= sizeof(sockaddr_un::sun_path)) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: the proxy socket path is too long\n");
        return false;
    }
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int yes = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || ::listen(listener, 128) != 0) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: cannot listen on 127.0.0.1:%d for the proxy: %s\n", port,
                     std::strerror(errno));
        return false;
    }
    const pid_t bridge = ::fork();
    if (bridge < 0) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: cannot start the proxy bridge: %s\n", std::strerror(errno));
        return false;
    }
    if (bridge == 0)
        runBridge(listener, socketPath);
    ::close(listener);
    return true;
}

// Where the empty folder and file that stand in for others live: a tmpfs of the helper's own,
// read-only once they are made.
constexpr const char *sourcesFolder = "/run/.gatehouse";
constexpr const char *emptyFolder = "/run/.gatehouse/folder";
constexpr const char *emptyFile = "/run/.gatehouse/file";

void fail(const char *what, const char *path)
{
    std::fprintf(stderr, "gatehouse-sandbox-helper: %s %s: %s\n", what, path, std::strerror(errno));
    ::_exit(125);
}

// Mount flags that a remount must keep (those of the mount it came from are locked in a user
// namespace), read from the mount now at @p path.
unsigned long keptFlags(const char *path)
{
    struct statvfs info {};
    if (::statvfs(path, &info) != 0)
        fail("cannot read the mount flags of", path);
    unsigned long flags = 0;
    if (info.f_flag & ST_NOSUID)
        flags |= MS_NOSUID;
    if (info.f_flag & ST_NODEV)
        flags |= MS_NODEV;
    if (info.f_flag & ST_NOEXEC)
        flags |= MS_NOEXEC;
    if (info.f_flag & ST_NOATIME)
        flags |= MS_NOATIME;
    if (info.f_flag & ST_NODIRATIME)
        flags |= MS_NODIRATIME;
    if (info.f_flag & ST_RELATIME)
        flags |= MS_RELATIME;
    return flags;
}

void bindReadOnly(const char *source, const char *target)
{
    struct stat info {};
    if (::lstat(target, &info) != 0)
        fail("cannot find", target);
    if (S_ISLNK(info.st_mode)) {
        // A mount would land on the link's target, and the link itself could still be replaced.
        std::fprintf(stderr,
                     "gatehouse-sandbox-helper: the protected path %s is a symbolic link, which the sandbox cannot keep "
                     "from being replaced; put what it points to in its place, or remove it\n",
                     target);
        ::_exit(125);
    }
    if (::mount(source, target, nullptr, MS_BIND, nullptr) != 0)
        fail("cannot mount over", target);
    if (::mount(nullptr, target, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | keptFlags(target), nullptr)
        != 0)
        fail("cannot make read-only", target);
}

void makeSources()
{
    if (::mkdir(sourcesFolder, 0755) != 0 && errno != EEXIST)
        fail("cannot make", sourcesFolder);
    if (::mount("tmpfs", sourcesFolder, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=16k") != 0)
        fail("cannot mount a tmpfs on", sourcesFolder);
    const int fd = ::open(emptyFile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    if (fd < 0 || ::mkdir(emptyFolder, 0555) != 0)
        fail("cannot make the empty stand-ins in", sourcesFolder);
    ::close(fd);
    if (::mount(nullptr, sourcesFolder, nullptr, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
        fail("cannot make read-only", sourcesFolder);
}

// Makes the mount point of a stand-in (on the host this is an empty entry while the command runs;
// Gatehouse removes it afterwards). It may exist already when another sandbox made it.
void makeMountPoint(const char *path, bool folder)
{
    if (folder) {
        if (::mkdir(path, 0755) != 0 && errno != EEXIST)
            fail("cannot make the stand-in", path);
        return;
    }
    // Opened for reading: one made by a sandbox that started at the same time has mode 0444
    // already, and without CAP_DAC_OVERRIDE opening it for writing fails.
    const int fd = ::open(path, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0444);
    if (fd < 0)
        fail("cannot make the stand-in", path);
    ::close(fd);
}

void mountAll(int argc, char **argv, int end)
{
    if (end <= 1)
        return;
    // bubblewrap's --disable-userns puts the helper in a nested user namespace, which may not
    // mount in bubblewrap's mount namespace; a mount namespace of its own it may (the mounts
    // inherited from bubblewrap are locked in it: they cannot be undone, only covered).
    if (::unshare(CLONE_NEWNS) != 0)
        fail("cannot make a mount namespace for", "the protected paths");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        fail("cannot make private the mounts of", "/");
    bool sources = false;
    for (int i = 1; i + 1 < end; i += 2) {
        const char *option = argv[i];
        const char *path = argv[i + 1];
        if (std::strcmp(option, "--ro") == 0) {
            bindReadOnly(path, path);
            continue;
        }
        if (std::strcmp(option, "--pin") == 0) {
            // A mount point cannot be renamed or removed: what is mounted below it stays where it is.
            struct stat info {};
            if (::lstat(path, &info) != 0 || !S_ISDIR(info.st_mode))
                continue; // not a folder (any more): nothing to keep in place
            if (::mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) != 0)
                fail("cannot keep in place", path);
            continue;
        }
        if (!sources) {
            makeSources();
            sources = true;
        }
        if (std::strcmp(option, "--stand-in-dir") == 0) {
            makeMountPoint(path, true);
            bindReadOnly(emptyFolder, path);
        } else if (std::strcmp(option, "--stand-in-file") == 0) {
            makeMountPoint(path, false);
            bindReadOnly(emptyFile, path);
        } else if (std::strcmp(option, "--hide") == 0) {
            // What a link points to is hidden where it lies (~/.ssh may be a link into dotfiles).
            char real[PATH_MAX];
            struct stat info {};
            if (!::realpath(path, real) || ::stat(real, &info) != 0)
                continue; // gone meanwhile: nothing to hide
            bindReadOnly(S_ISDIR(info.st_mode) ? emptyFolder : emptyFile, real);
        }
    }
    (void)argc;
}

// Drops every capability: effective, permitted, inheritable, ambient and the bounding set.
bool dropCapabilities()
{
    for (int cap = 0; cap <= 63; ++cap)
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
            return false;
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    return ::syscall(SYS_capset, &header, data) == 0;
}

bool isMountOption(const char *arg)
{
    return std::strcmp(arg, "--ro") == 0 || std::strcmp(arg, "--pin") == 0 || std::strcmp(arg, "--stand-in-dir") == 0
           || std::strcmp(arg, "--stand-in-file") == 0 || std::strcmp(arg, "--hide") == 0;
}

// The command's process: no-new-privs, the seccomp filter, then the command itself.
[[noreturn]] void execCommand(char **command)
{
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // The command gets standard input, output and error, nothing else bubblewrap passed on.
    if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
        for (int fd = 3; fd < 65536; ++fd)
            ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: cannot set no-new-privs: %s\n", std::strerror(errno));
        ::_exit(125);
    }
    if (!loadCommandFilter()) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: cannot load the seccomp filter\n");
        ::_exit(125);
    }
    ::execvp(command[0], command);
    std::fprintf(stderr, "gatehouse-sandbox-helper: cannot run %s: %s\n", command[0], std::strerror(errno));
    ::_exit(errno == ENOENT ? 127 : 126);
}

// The sandbox's init: reaps every orphan, ends with the command's status, and ends everything
// (its exit takes the whole pid namespace along) when Gatehouse's end of the lifeline closes,
// which covers the moment before bubblewrap's own parent-death signal is armed.
int superviseCommand(pid_t command, int lifeline)
{
    sigset_t children;
    ::sigemptyset(&children);
    ::sigaddset(&children, SIGCHLD);
    const int signals = ::signalfd(-1, &children, SFD_CLOEXEC);
    if (signals < 0) {
        ::kill(command, SIGKILL);
        return 125;
    }
    for (;;) {
        int status = 0;
        pid_t pid = 0;
        while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0)
            if (pid == command)
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        pollfd fds[2] = {{signals, POLLIN, 0}, {lifeline, POLLIN, 0}};
        if (::poll(fds, lifeline >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
            return 125;
        if (fds[0].revents & POLLIN) {
            signalfd_siginfo info;
            [[maybe_unused]] const ssize_t got = ::read(signals, &info, sizeof info);
        }
        if (lifeline >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
            return 137; // Gatehouse is gone: so is the sandbox
    }
}

} // namespace

int main(int argc, char **argv)
{
    const char *socketPath = nullptr;
    int port = 0;
    int lifeline = -1;
    int first = 1;
    while (first + 1 < argc && isMountOption(argv[first]))
        first += 2;
    const int mountsEnd = first;
    while (first < argc && std::strcmp(argv[first], "--") != 0) {
        if (std::strcmp(argv[first], "--proxy-socket") == 0 && first + 1 < argc) {
            socketPath = argv[first + 1];
            first += 2;
        } else if (std::strcmp(argv[first], "--proxy-port") == 0 && first + 1 < argc) {
            port = std::atoi(argv[first + 1]);
            first += 2;
        } else if (std::strcmp(argv[first], "--lifeline") == 0 && first + 1 < argc) {
            lifeline = std::atoi(argv[first + 1]);
            first += 2;
        } else {
            break;
        }
    }
    if (first < argc && std::strcmp(argv[first], "--") == 0)
        ++first;
    if (first >= argc || (socketPath && (port <= 0 || port > 65535))) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: usage: gatehouse-sandbox-helper [MOUNTS...] [--proxy-socket PATH "
                             "--proxy-port PORT] [--lifeline FD] -- COMMAND [ARGS...]\n");
        return 125;
    }
    if (lifeline >= 0)
        ::fcntl(lifeline, F_SETFD, FD_CLOEXEC); // the command does not get it
    mountAll(argc, argv, mountsEnd);
    if (!dropCapabilities()) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: cannot drop its capabilities: %s\n", std::strerror(errno));
        return 125;
    }
    // Non-dumpable from here on: the supervising init and the bridge run without the seccomp
    // filter, and the command must not be able to reach into them through /proc. The command's
    // exec makes its own process dumpable again.
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: cannot make itself non-dumpable: %s\n", std::strerror(errno));
        return 125;
    }
    if (socketPath && !startBridge(socketPath, port))
        return 125;
    sigset_t children;
    ::sigemptyset(&children);
    ::sigaddset(&children, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &children, nullptr); // taken through a signalfd by superviseCommand
    const pid_t command = ::fork();
    if (command < 0) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: cannot start the command: %s\n", std::strerror(errno));
        return 125;
    }
    if (command == 0)
        execCommand(argv + first);
    return superviseCommand(command, lifeline);
}
