// SPDX-License-Identifier: GPL-3.0-or-later
// gatehouse-sandbox-helper: the first program inside the sandbox. It starts the loopback bridge
// to the network proxy (a TCP port on 127.0.0.1 inside the sandbox whose connections it carries
// to the proxy's Unix socket, bound in from outside), then sets no-new-privs, loads a seccomp
// filter that refuses the calls a sandboxed command could use to reach out of it, and execs the
// command. The bridge is forked before the filter is loaded (it needs AF_UNIX; the command may
// not have it) and is made non-dumpable, so the command can neither trace it nor write into its
// memory through /proc. Small and without Qt on purpose: it runs before every sandboxed command.
//
// Refused with EPERM: creating AF_UNIX sockets (host sockets bound into the sandbox's view, such
// as a display, an agent or the proxy's own socket), ptrace and process_vm_readv/writev, mount,
// umount2, pivot_root, chroot, unshare, setns, clone with any CLONE_NEW* flag (new namespaces),
// bpf, perf_event_open, keyctl, add_key, request_key, userfaultfd, io_uring_setup/enter/register
// (io_uring does file operations seccomp cannot see), kexec_load, kexec_file_load, init_module,
// finit_module, delete_module, open_by_handle_at, name_to_handle_at, and ioctl TIOCSTI/TIOCLINUX
// (typing into the terminal). clone3 gets ENOSYS, so that the C library falls back to clone,
// whose flags the filter can see. Calls of other architectures (32-bit x86 on x86-64) kill the
// process.
//
// Usage: gatehouse-sandbox-helper [--proxy-socket PATH --proxy-port PORT] -- COMMAND [ARGS...]
#include <seccomp.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <unistd.h>

namespace {

int refuse(scmp_filter_ctx filter, int syscall)
{
    return seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), syscall, 0);
}

bool loadFilter()
{
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
    if (!filter)
        return false;
    int rc = 0;
    rc |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
    rc |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socketpair), 1, SCMP_A0(SCMP_CMP_NE, AF_UNIX));
    for (int syscall : {SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev), SCMP_SYS(mount),
                        SCMP_SYS(umount2), SCMP_SYS(pivot_root), SCMP_SYS(chroot), SCMP_SYS(unshare), SCMP_SYS(setns),
                        SCMP_SYS(bpf), SCMP_SYS(perf_event_open), SCMP_SYS(keyctl), SCMP_SYS(add_key),
                        SCMP_SYS(request_key), SCMP_SYS(userfaultfd), SCMP_SYS(io_uring_setup),
                        SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register), SCMP_SYS(kexec_load),
                        SCMP_SYS(kexec_file_load), SCMP_SYS(init_module), SCMP_SYS(finit_module),
                        SCMP_SYS(delete_module), SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at),
                        SCMP_SYS(fsopen), SCMP_SYS(fsmount), SCMP_SYS(move_mount), SCMP_SYS(open_tree)})
        rc |= refuse(filter, syscall);
    for (unsigned long flag : {CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
                               CLONE_NEWCGROUP})
        rc |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
    rc |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    rc |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, TIOCSTI));
    rc |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, TIOCLINUX));
    if (rc == 0)
        rc = seccomp_load(filter);
    seccomp_release(filter);
    return rc == 0;
}

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
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
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

} // namespace

int main(int argc, char **argv)
{
    const char *socketPath = nullptr;
    int port = 0;
    int first = 1;
    while (first < argc && std::strcmp(argv[first], "--") != 0) {
        if (std::strcmp(argv[first], "--proxy-socket") == 0 && first + 1 < argc) {
            socketPath = argv[first + 1];
            first += 2;
        } else if (std::strcmp(argv[first], "--proxy-port") == 0 && first + 1 < argc) {
            port = std::atoi(argv[first + 1]);
            first += 2;
        } else {
            break;
        }
    }
    if (first < argc && std::strcmp(argv[first], "--") == 0)
        ++first;
    if (first >= argc || (socketPath && (port <= 0 || port > 65535))) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: usage: gatehouse-sandbox-helper [--proxy-socket PATH "
                             "--proxy-port PORT] -- COMMAND [ARGS...]\n");
        return 125;
    }
    if (socketPath && !startBridge(socketPath, port))
        return 125;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: cannot set no-new-privs: %s\n", std::strerror(errno));
        return 125;
    }
    if (!loadFilter()) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: cannot load the seccomp filter\n");
        return 125;
    }
    execvp(argv[first], argv + first);
    std::fprintf(stderr, "gatehouse-sandbox-helper: cannot run %s: %s\n", argv[first], std::strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
