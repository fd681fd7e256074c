// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/tool.h"
#include "sandbox/sandboxspec.h"

#include <QObject>
#include <QPointer>

#include <QJsonArray>

#include <functional>
#include <memory>

namespace gatehouse::sandbox {
class NetworkProxy;
class SandboxProcess;
class StagingArea;
struct LandingResult;
struct StagedChange;
}

namespace gatehouse::agent {

/// The Bash tool: runs an allowed command with bash inside the sandbox of SECURITY-MODEL.md
/// section 6, its network through the session's proxy (an endpoint per command, labelled with
/// the command line, so the person sees which command asks for a host). One command at a time.
class BashTool final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BashTool)

public:
    static constexpr int defaultTimeoutSeconds = 120;
    static constexpr int maxTimeoutSeconds = 600;

    /// Gives the sandbox for the next command, built from the policy in force when it starts
    /// (sandbox::specForPolicy), so that a rule added during the session reaches its mounts.
    using SpecProvider = std::function<sandbox::SandboxSpec()>;

    /// @p spec gives the project's sandbox for each command; @p proxy may be null: no network at
    /// all. The proxy must outlive this tool.
    explicit BashTool(SpecProvider spec, sandbox::NetworkProxy *proxy, QObject *parent = nullptr);
    ~BashTool() override;

    /// Runs input.command (input.timeout in seconds, at most maxTimeoutSeconds); @p done is
    /// called once, on the event loop, with the output, the exit status and the sandbox's
    /// reason when it stopped or could not build the sandbox.
    void start(const QJsonObject &input, std::function<void(const ToolResult &)> done);
    /// Kills the command and everything it started; done() follows with exit status 130.
    void cancel();
    bool isRunning() const;
    /// The staging folders of the last command when it left changes held for the person
    /// (SECURITY-MODEL.md section 6), to land or discard; null when nothing was held.
    std::shared_ptr<sandbox::StagingArea> takeHeld() { return std::exchange(m_held, nullptr); }

private:
    void finished(int exitStatus, const QString &error);

    SpecProvider m_spec;
    QPointer<sandbox::NetworkProxy> m_proxy;
    sandbox::SandboxProcess *m_process = nullptr;
    std::shared_ptr<sandbox::StagingArea> m_held;
    QString m_endpoint;
    QString m_command;
    std::function<void(const ToolResult &)> m_done;
};

/// The changes as the tool's details list them (path, change, reason, kept).
QJsonArray changeList(const QList<sandbox::StagedChange> &changes);
/// What the model reads about landing: what was not written (conflicts, errors) and what waits
/// for the person.
QString describeLanding(const sandbox::LandingResult &landing, const std::shared_ptr<sandbox::StagingArea> &held);

/// The held changes that are files, as before/after for the review (text and binary alike, each
/// side up to 1 MiB; larger files and folders are listed by the change alone).
QList<FileChange> heldDiffs(const QList<sandbox::StagedChange> &changes);

/// The text the model reads for a finished command: standard output, standard error, the exit
/// status when not 0, and notes on truncation, timeout and the sandbox.
QString formatCommandOutput(const QByteArray &out, const QByteArray &err, int exitStatus, const QString &error,
                            bool truncated);

} // namespace gatehouse::agent
