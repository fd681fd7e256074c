// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"
#include "sandbox/sandboxspec.h"

#include <QList>
#include <QStringList>

namespace gatehouse::sandbox {

class StagingArea;

/// Runs commands inside bubblewrap on Linux: new user, mount, pid, ipc, uts, cgroup and network
/// namespaces, a new session, dropped capabilities, killed with its parent; the system read-only,
/// the writable folders writable except their protected entries, a private /tmp, /run hidden,
/// credential stores unreadable, and secret-looking environment variables removed.
/// Inside, gatehouse-sandbox-helper serves the network proxy's socket on loopback and loads the
/// seccomp filter before the command starts (see core/sandbox/helper/helper.cpp).
class BwrapRunner
{
public:
    struct SelfTest
    {
        bool ok = false;
        QString bwrap;  ///< the program found
        QString reason; ///< why the sandbox cannot be built here
        QString fix;    ///< what to do about it
    };

    /// Whether a sandbox can be built on this machine: bubblewrap present, not setuid, and new
    /// namespaces allowed (it starts one to see). $GATEHOUSE_BWRAP names another bwrap program.
    static SelfTest selfTest();

    /// One check of checkAll(): what was checked, whether it passed, and if not, what to do.
    struct Check
    {
        QString what;
        bool ok = false;
        QString detail; ///< what was found, or why it failed
        QString fix;
    };
    /// Everything a sandboxed command needs, checked in order (bubblewrap, the helper,
    /// namespaces, then a whole sandboxed `true` with the seccomp filter and stand-ins); stops at the
    /// first failure. For `gatehouse run --self-test`. Runs an event loop.
    static QList<Check> checkAll();

    /// The descriptor on which bwrap's child gets the read end of the lifeline: the sandbox
    /// ends when the other end closes (SandboxProcess keeps it).
    static constexpr int lifelineFd = 4;

    /// The bwrap program to use, empty when there is none.
    static QString program();

    /// The project and the other writable folders, canonical, parents before children.
    static QStringList canonicalWritableFolders(const SandboxSpec &spec);

    /// The bwrap arguments that run @p command under @p spec. With @p staging, the writable
    /// folders are its overlays (staged writes); without, the fallback: the folders are bound
    /// writable with their protected entries read-only. @p standInsInUse are the fallback's stand-ins
    /// of other sandboxes (PlaceholderGuard::begin(), whose lock must be held from before this
    /// call until the sandbox ends). @p standIns, if given, receives the missing protected paths
    /// that the sandbox will mount empty stand-ins on (to record with PlaceholderGuard::record()).
    static Expected<QStringList> arguments(const SandboxSpec &spec, const QStringList &command, const StagingArea *staging,
                                           const QStringList &standInsInUse, QStringList *standIns = nullptr);

    /// Runs @p command with this process's standard input and output and returns its exit
    /// status: 124 after a timeout, 125 when the sandbox cannot be built (@p error says why).
    /// The event loop runs meanwhile (a network proxy in this thread keeps serving).
    static int runForwarded(const SandboxSpec &spec, const QStringList &command, QString *error);
};

} // namespace gatehouse::sandbox
