// SPDX-License-Identifier: GPL-3.0-or-later
// The seccomp filter of a sandboxed command (what it refuses: filter.h).
//
// libseccomp compares whole 64-bit registers, and its 32-bit macros (SCMP_A0_32...) only truncate
// the value compared against: the upper half of the register must still be zero for a match, so
// `SCMP_A0_32(SCMP_CMP_EQ, AF_UNIX)` misses `1ULL << 32 | AF_UNIX`, which the kernel reads as
// AF_UNIX. Every comparison here is SCMP_CMP_MASKED_EQ with a mask inside the low 32 bits, which
// ignores the upper half the way the kernel does.
#include "filter.h"

#include <seccomp.h>

#include <linux/netlink.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <initializer_list>

namespace {

constexpr scmp_datum_t low32 = 0xffffffffU;

class Rules
{
public:
    explicit Rules(scmp_filter_ctx filter)
        : m_filter(filter)
    {
    }
    bool ok() const { return m_rc == 0; }

    void refuse(int syscall, int error = EPERM) { m_rc |= seccomp_rule_add(m_filter, SCMP_ACT_ERRNO(error), syscall, 0); }

    void refuseWhen(int syscall, scmp_arg_cmp a)
    {
        m_rc |= seccomp_rule_add(m_filter, SCMP_ACT_ERRNO(EPERM), syscall, 1, a);
    }
    void refuseWhen(int syscall, scmp_arg_cmp a, scmp_arg_cmp b)
    {
        m_rc |= seccomp_rule_add(m_filter, SCMP_ACT_ERRNO(EPERM), syscall, 2, a, b);
    }

    // An allowlist written as refusals (the filter's default is to allow): refuses @p syscall
    // whenever the bits of argument @p arg under @p mask (inside the low 32 bits) are none of
    // @p allowed (each below 32), and, when given, @p condition holds too. The values refused are
    // those with a bit from 5 up (one rule per bit) and each value below 32 not allowed.
    void allowOnly(int syscall, unsigned arg, scmp_datum_t mask, std::initializer_list<scmp_datum_t> allowed,
                   const scmp_arg_cmp *condition = nullptr)
    {
        const auto add = [&](scmp_datum_t bits, scmp_datum_t value) {
            const scmp_arg_cmp compare{arg, SCMP_CMP_MASKED_EQ, bits, value};
            if (condition)
                refuseWhen(syscall, compare, *condition);
            else
                refuseWhen(syscall, compare);
        };
        if (mask > low32) {
            m_rc |= -EINVAL; // the kernel reads no more than 32 bits of any argument compared here
            return;
        }
        for (scmp_datum_t value : allowed) {
            if (value >= 32 || (value & ~mask) != 0) {
                m_rc |= -EINVAL; // not a value the rules below can let through
                return;
            }
        }
        for (unsigned bit = 5; bit < 32; ++bit)
            if (mask & (scmp_datum_t{1} << bit))
                add(scmp_datum_t{1} << bit, scmp_datum_t{1} << bit);
        for (scmp_datum_t value = 0; value < 32; ++value) {
            if ((value & ~mask) != 0)
                continue; // not a value of the masked bits
            bool isAllowed = false;
            for (scmp_datum_t a : allowed)
                isAllowed = isAllowed || a == value;
            if (!isAllowed)
                add(mask, value);
        }
    }

private:
    scmp_filter_ctx m_filter;
    int m_rc = 0;
};

} // namespace

bool loadCommandFilter()
{
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
    if (!filter)
        return false;
    Rules rules(filter);

    // Sockets: only the families a command needs to reach the proxy's bridge and to ask for its
    // own routes. Netlink only for NETLINK_ROUTE: the other protocols (uevents, audit, sock_diag,
    // generic netlink and its families) are kernel interfaces nothing ordinary needs. EPERM, not
    // EAFNOSUPPORT: the message a program prints then says it was refused (as every refusal here
    // does), rather than sending the person after a kernel module that is not missing.
    rules.allowOnly(SCMP_SYS(socket), 0, low32, {AF_INET, AF_INET6, AF_NETLINK});
    const scmp_arg_cmp netlink{0, SCMP_CMP_MASKED_EQ, low32, AF_NETLINK};
    rules.allowOnly(SCMP_SYS(socket), 2, low32, {NETLINK_ROUTE}, &netlink);
    // Connected pairs only: a pair is connected to itself, so neither connect() nor sendto() with
    // an address reaches anything else (EISCONN, or the address ignored for SOCK_SEQPACKET). The
    // kernel reads the type as the low 4 bits of the int; the bits above are SOCK_NONBLOCK and
    // SOCK_CLOEXEC or refused by the kernel itself.
    rules.allowOnly(SCMP_SYS(socketpair), 0, low32, {AF_UNIX});
    rules.allowOnly(SCMP_SYS(socketpair), 1, 0xf, {SOCK_STREAM, SOCK_SEQPACKET});

    for (int syscall : {SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev), SCMP_SYS(pidfd_getfd),
                        SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root), SCMP_SYS(chroot), SCMP_SYS(fsopen),
                        SCMP_SYS(fspick), SCMP_SYS(fsconfig), SCMP_SYS(fsmount), SCMP_SYS(move_mount),
                        SCMP_SYS(open_tree), SCMP_SYS(mount_setattr), SCMP_SYS(unshare), SCMP_SYS(setns),
                        SCMP_SYS(bpf), SCMP_SYS(perf_event_open), SCMP_SYS(keyctl), SCMP_SYS(add_key),
                        SCMP_SYS(request_key), SCMP_SYS(userfaultfd), SCMP_SYS(io_uring_setup),
                        SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register), SCMP_SYS(kexec_load),
                        SCMP_SYS(kexec_file_load), SCMP_SYS(init_module), SCMP_SYS(finit_module),
                        SCMP_SYS(delete_module), SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at)})
        rules.refuse(syscall);
    // clone's flags are an unsigned long of which the kernel keeps the low 32 bits; every
    // CLONE_NEW* bit lies there, and a mask of that bit alone ignores the rest either way.
    for (scmp_datum_t flag : {CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
                              CLONE_NEWCGROUP})
        rules.refuseWhen(SCMP_SYS(clone), SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
    rules.refuse(SCMP_SYS(clone3), ENOSYS);
    // The request is an unsigned int to the kernel.
    for (scmp_datum_t request : {TIOCSTI, TIOCLINUX})
        rules.refuseWhen(SCMP_SYS(ioctl), SCMP_A1(SCMP_CMP_MASKED_EQ, low32, request));

    int rc = rules.ok() ? 0 : -EINVAL;
    if (rc == 0)
        rc = seccomp_load(filter);
    seccomp_release(filter);
    return rc == 0;
}
