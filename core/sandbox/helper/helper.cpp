// SPDX-License-Identifier: GPL-3.0-or-later
// gatehouse-sandbox-helper: the first program inside the sandbox. It sets no-new-privs, loads a
// seccomp filter that refuses the calls a sandboxed command could use to reach out of it, and
// execs the command. Small and without Qt on purpose: it runs before every sandboxed command.
//
// Refused with EPERM: creating AF_UNIX sockets (host sockets bound into the sandbox's view, such
// as a display or an agent socket), ptrace and process_vm_readv/writev, mount, umount2,
// pivot_root, unshare, setns, bpf, perf_event_open, keyctl, add_key, request_key, userfaultfd,
// io_uring_setup/enter/register (io_uring does file operations seccomp cannot see), kexec_load,
// kexec_file_load, init_module, finit_module, delete_module, open_by_handle_at,
// name_to_handle_at, and ioctl TIOCSTI/TIOCLINUX (typing into the terminal). Calls of other
// architectures (32-bit x86 on x86-64) kill the process.
//
// Usage: gatehouse-sandbox-helper -- COMMAND [ARGS...]
#include <seccomp.h>

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
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
    for (int syscall : {SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev), SCMP_SYS(mount),
                        SCMP_SYS(umount2), SCMP_SYS(pivot_root), SCMP_SYS(unshare), SCMP_SYS(setns), SCMP_SYS(bpf),
                        SCMP_SYS(perf_event_open), SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key),
                        SCMP_SYS(userfaultfd), SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter),
                        SCMP_SYS(io_uring_register), SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
                        SCMP_SYS(init_module), SCMP_SYS(finit_module), SCMP_SYS(delete_module),
                        SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at)})
        rc |= refuse(filter, syscall);
    rc |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, TIOCSTI));
    rc |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, TIOCLINUX));
    if (rc == 0)
        rc = seccomp_load(filter);
    seccomp_release(filter);
    return rc == 0;
}

} // namespace

int main(int argc, char **argv)
{
    int first = 1;
    if (first < argc && std::strcmp(argv[first], "--") == 0)
        ++first;
    if (first >= argc) {
        std::fprintf(stderr, "gatehouse-sandbox-helper: usage: gatehouse-sandbox-helper -- COMMAND [ARGS...]\n");
        return 125;
    }
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
