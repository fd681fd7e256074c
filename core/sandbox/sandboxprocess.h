// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sandbox/protectedpaths.h"
#include "sandbox/sandboxspec.h"
#include "sandbox/staging.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace gatehouse::sandbox {

/// One command running in the bubblewrap sandbox, asynchronously on the event loop (so that the
/// network proxy in the same thread serves it meanwhile). It ends with finished() exactly once:
/// the command's exit status, 124 after the timeout, 125 when the sandbox could not be built,
/// 130 when cancelled; the command and everything it started are killed on timeout, cancel, or
/// when this object goes.
class SandboxProcess final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SandboxProcess)

public:
    enum class Channels {
        Forwarded, ///< this process's standard input, output and error
        Captured,  ///< output kept (each channel up to SandboxSpec::outputLimit), no input
    };

    explicit SandboxProcess(QObject *parent = nullptr);
    ~SandboxProcess() override;

    /// Starts @p command; failures to build the sandbox come as finished(125, reason).
    void start(const SandboxSpec &spec, const QStringList &command, Channels channels);
    /// Kills the command and everything it started; finished(130, ...) follows.
    void cancel();
    bool isRunning() const;

    QByteArray standardOutput() const { return m_stdout; }
    QByteArray standardError() const { return m_stderr; }
    /// Output beyond the limit was dropped (the first outputLimit bytes of each channel are kept).
    bool outputTruncated() const { return m_truncated; }
    qint64 elapsedMs() const { return m_elapsed.isValid() ? m_elapsed.elapsed() : 0; }

    /// What landing the command's writes did, once finished() came: landed, conflicts, errors.
    const LandingResult &landing() const { return m_landing; }
    /// The command's staging folders with the changes held for the person (held()); they stay
    /// until the area goes. Null when the sandbox could not be built.
    std::shared_ptr<StagingArea> staging() const { return m_staging; }
    /// Whether the writes were staged in overlays; false: the fallback (see fallbackReason()).
    bool staged() const { return m_overlays; }
    QString fallbackReason() const { return m_fallbackReason; }
    /// How long reading and landing the staged writes (or the fallback's scan) took, in microseconds.
    qint64 landingMicroseconds() const { return m_landingUs; }

Q_SIGNALS:
    /// @p error says why when the sandbox stopped the command or could not be built.
    void finished(int exitStatus, const QString &error);

private:
    void processFinished();
    void done(int status, const QString &error);
    void collect(QProcess::ProcessChannel channel);

    QProcess *m_process = nullptr;
    QTimer m_timeout;
    QElapsedTimer m_elapsed;
    QString checkpointFolder() const;

    PlaceholderGuard m_placeholders;
    std::shared_ptr<StagingArea> m_staging;
    LandingResult m_landing;
    timespec m_started{};
    bool m_overlays = false;
    QString m_fallbackReason;
    qint64 m_landingUs = 0;
    QStringList m_standIns; ///< the fallback's stand-ins in use (not the command's)
    SandboxSpec m_spec;
    int m_statusPipe = -1; ///< read end: bubblewrap reports the command's pid once the sandbox stands
    int m_lifeline = -1;   ///< write end: the sandbox ends when it closes (this process died, or cancel)
    QByteArray m_stdout;
    QByteArray m_stderr;
    bool m_truncated = false;
    bool m_finished = false;
    bool m_timedOut = false;
    bool m_cancelled = false;
};

} // namespace gatehouse::sandbox
