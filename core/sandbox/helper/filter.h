// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/// Loads the seccomp filter of a sandboxed command into the calling thread (SECURITY-MODEL.md
/// section 6); no-new-privs must be set already. False if it could not be built or loaded.
///
/// Sockets: socket() only of the families AF_INET, AF_INET6 and AF_NETLINK with protocol
/// NETLINK_ROUTE (libc's routing queries); socketpair() only AF_UNIX of type SOCK_STREAM or
/// SOCK_SEQPACKET (a datagram pair can sendto() any socket file the command can see, and so reach
/// a host listener). Every other family (AF_UNIX, AF_VSOCK, AF_PACKET, AF_ALG, AF_BLUETOOTH...)
/// gets EPERM. Refused with EPERM as well: ptrace, process_vm_readv/writev and pidfd_getfd; mount,
/// umount2, pivot_root, chroot and the new mount API (fsopen, fspick, fsconfig, fsmount,
/// move_mount, open_tree, mount_setattr); unshare, setns and clone with any CLONE_NEW* flag; bpf,
/// perf_event_open, keyctl, add_key, request_key, userfaultfd, io_uring_setup/enter/register
/// (io_uring does file and socket operations seccomp cannot see), kexec_load, kexec_file_load,
/// init_module, finit_module, delete_module, open_by_handle_at, name_to_handle_at, and ioctl
/// TIOCSTI/TIOCLINUX (typing into the terminal). clone3 gets ENOSYS, so that the C library falls
/// back to clone, whose flags the filter can see. Calls of other architectures (32-bit x86 and x32
/// on x86-64) kill the process.
///
/// Every argument is compared on the width the kernel reads: a family, type or protocol is an
/// int and an ioctl request an unsigned int, so only their low 32 bits count
/// (`socket(1ULL << 32 | AF_UNIX, ...)` is AF_UNIX to the kernel, and to the filter).
bool loadCommandFilter();
