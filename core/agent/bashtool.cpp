// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/bashtool.h"

#include "sandbox/networkproxy.h"
#include "sandbox/sandboxprocess.h"
#include "sandbox/staging.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

#include <algorithm>
#include <cmath>

namespace gatehouse::agent {

BashTool::BashTool(SpecProvider spec, sandbox::NetworkProxy *proxy, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
    , m_proxy(proxy)
{
}

BashTool::~BashTool()
{
    if (m_proxy && !m_endpoint.isEmpty())
        m_proxy->closeEndpoint(m_endpoint);
}

bool BashTool::isRunning() const
{
    return m_process != nullptr;
}

void BashTool::start(const QJsonObject &input, std::function<void(const ToolResult &)> done)
{
    Q_ASSERT(!m_process);
    m_done = std::move(done);
    m_command = input.value(QStringLiteral("command")).toString();
    sandbox::SandboxSpec spec = m_spec();
    const QJsonValue timeout = input.value(QStringLiteral("timeout"));
    spec.timeoutSeconds = defaultTimeoutSeconds;
    // Clamped as a double before it becomes an int: 0.5 must not become 0 ("no limit"), and a
    // huge number must not overflow the conversion.
    if (timeout.isDouble() && timeout.toDouble() > 0)
        spec.timeoutSeconds = static_cast<int>(std::ceil(std::min(double(maxTimeoutSeconds), timeout.toDouble())));

    if (m_proxy) {
        auto endpoint = m_proxy->openEndpoint(m_command);
        if (!endpoint) {
            // No proxy means no network, not a command that runs unfiltered.
            const QString reason = endpoint.error().message;
            QMetaObject::invokeMethod(this, [this, reason] { finished(125, QStringLiteral("the network proxy could not open: %1").arg(reason)); },
                                      Qt::QueuedConnection);
            return;
        }
        m_endpoint = *endpoint;
        spec.proxySocket = m_endpoint;
    }
    m_process = new sandbox::SandboxProcess(this);
    connect(m_process, &sandbox::SandboxProcess::finished, this, &BashTool::finished);
    m_process->start(spec, {QStringLiteral("/bin/bash"), QStringLiteral("-c"), m_command},
                     sandbox::SandboxProcess::Channels::Captured);
}

void BashTool::cancel()
{
    if (m_process)
        m_process->cancel();
}

void BashTool::finished(int exitStatus, const QString &error)
{
    ToolResult result;
    qint64 elapsed = 0;
    bool truncated = false;
    QByteArray out;
    QByteArray err;
    sandbox::LandingResult landing;
    m_held.reset();
    bool staged = false;
    if (m_process) {
        out = m_process->standardOutput();
        err = m_process->standardError();
        truncated = m_process->outputTruncated();
        elapsed = m_process->elapsedMs();
        landing = m_process->landing();
        staged = m_process->staged();
        if (const auto area = m_process->staging(); area && !area->held().isEmpty())
            m_held = area;
        m_process->deleteLater();
        m_process = nullptr;
    }
    if (m_proxy && !m_endpoint.isEmpty())
        m_proxy->closeEndpoint(m_endpoint);
    m_endpoint.clear();
    result.content = formatCommandOutput(out, err, exitStatus, error, truncated) + describeLanding(landing, m_held);
    result.isError = exitStatus != 0;
    result.details = {{QStringLiteral("exitStatus"), exitStatus},
                      {QStringLiteral("durationMs"), elapsed},
                      {QStringLiteral("sandbox"), QStringLiteral("bubblewrap")},
                      {QStringLiteral("network"), m_proxy ? QStringLiteral("proxy") : QStringLiteral("none")},
                      {QStringLiteral("outputTruncated"), truncated}};
    if (!error.isEmpty())
        result.details.insert(QStringLiteral("sandboxError"), error);
    result.details.insert(QStringLiteral("writes"), staged ? QStringLiteral("staged") : QStringLiteral("fallback"));
    result.details.insert(QStringLiteral("landed"), landing.landed.size());
    if (!landing.checkpoint.isEmpty())
        result.details.insert(QStringLiteral("checkpoint"), landing.checkpoint);
    if (!landing.conflicts.isEmpty())
        result.details.insert(QStringLiteral("conflicts"), changeList(landing.conflicts));
    if (!landing.errors.isEmpty())
        result.details.insert(QStringLiteral("landingErrors"), QJsonArray::fromStringList(landing.errors));
    if (m_held)
        result.details.insert(QStringLiteral("held"), changeList(m_held->held()));
    auto done = std::move(m_done);
    m_done = nullptr;
    if (done)
        done(result);
}

QJsonArray changeList(const QList<sandbox::StagedChange> &changes)
{
    QJsonArray list;
    for (const sandbox::StagedChange &change : changes)
        list.append(QJsonObject{{QStringLiteral("path"), change.path()},
                                {QStringLiteral("change"), change.verb()},
                                {QStringLiteral("reason"), change.held},
                                {QStringLiteral("kept"), change.staged}});
    return list;
}

QList<FileChange> heldDiffs(const QList<sandbox::StagedChange> &changes)
{
    constexpr qint64 limit = 1024 * 1024;
    QList<FileChange> diffs;
    for (const sandbox::StagedChange &change : changes) {
        if (change.kind != sandbox::StagedChange::Kind::Write || change.isLink)
            continue;
        QFile before(change.path());
        QFile after(change.staged);
        if (!after.open(QIODevice::ReadOnly) || after.size() > limit)
            continue;
        FileChange diff;
        diff.path = change.path();
        diff.canonicalPath = change.path();
        diff.tool = QStringLiteral("Bash");
        diff.after = after.readAll();
        diff.exists = QFileInfo(before).isFile() && !QFileInfo(before).isSymLink();
        if (diff.exists) {
            if (!before.open(QIODevice::ReadOnly) || before.size() > limit)
                continue;
            diff.before = before.readAll();
        }
        diffs << diff;
    }
    return diffs;
}

QString describeLanding(const sandbox::LandingResult &landing, const std::shared_ptr<sandbox::StagingArea> &held)
{
    QString text;
    for (const sandbox::StagedChange &change : landing.conflicts)
        text += QStringLiteral("[not written: %1 was changed outside the sandbox while the command ran; the command's version is "
                               "kept aside]\n")
                    .arg(change.path());
    for (const QString &error : landing.errors)
        text += QStringLiteral("[not written: %1]\n").arg(error);
    if (held)
        for (const sandbox::StagedChange &change : held->held())
            text += QStringLiteral("[held for the person: %1 %2 (%3)]\n").arg(change.path(), change.verb(), change.held);
    return text;
}

QString formatCommandOutput(const QByteArray &out, const QByteArray &err, int exitStatus, const QString &error,
                            bool truncated)
{
    QString text = QString::fromUtf8(out);
    if (!err.isEmpty()) {
        if (!text.isEmpty() && !text.endsWith(u'\n'))
            text += u'\n';
        text += QStringLiteral("[stderr]\n") + QString::fromUtf8(err);
    }
    if (!text.isEmpty() && !text.endsWith(u'\n'))
        text += u'\n';
    if (truncated)
        text += QStringLiteral("[output cut: only the first part of each stream was kept]\n");
    if (exitStatus == 124)
        text += QStringLiteral("[stopped: the command ran out of time]\n");
    else if (exitStatus == 125)
        text += QStringLiteral("[the sandbox could not be built, so the command did not run]\n");
    else if (exitStatus == 130)
        text += QStringLiteral("[cancelled by the person]\n");
    if (!error.isEmpty())
        text += QStringLiteral("[sandbox: %1]\n").arg(error);
    if (exitStatus != 0)
        text += QStringLiteral("Exit status %1\n").arg(exitStatus);
    if (text.isEmpty())
        text = QStringLiteral("(no output)\n");
    return text;
}

} // namespace gatehouse::agent
