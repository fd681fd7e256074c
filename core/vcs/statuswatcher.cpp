// SPDX-License-Identifier: GPL-3.0-or-later
#include "vcs/statuswatcher.h"

#include "log/logging.h"
#include "log/qtformat.h"

#include <QPromise>
#include <QThreadPool>

#include <memory>

namespace gatehouse::vcs {

StatusWatcher::StatusWatcher(QString folder, QObject *parent)
    : QObject(parent)
    , m_folder(std::move(folder))
{
    qRegisterMetaType<RepositoryStatus>();
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &StatusWatcher::deliver);
}

StatusWatcher::~StatusWatcher()
{
    // The worker owns its promise; nothing is delivered to a destroyed watcher.
    m_watcher.disconnect(this);
}

void StatusWatcher::refresh()
{
    if (m_watcher.isRunning()) {
        m_refreshPending = true;
        return;
    }
    auto promise = std::make_shared<QPromise<Result>>();
    QFuture<Result> future = promise->future();
    promise->start();
    QThreadPool::globalInstance()->start([promise, folder = m_folder] {
        promise->addResult(readStatus(folder));
        promise->finish();
    });
    m_watcher.setFuture(future);
}

void StatusWatcher::deliver()
{
    const QFuture<Result> future = m_watcher.future();
    if (future.resultCount() > 0) {
        const Result result = future.result();
        if (!result) {
            log::logger("vcs")->warn("git status of {} failed: {}", m_folder, result.error().message);
            Q_EMIT readFailed(result.error().message);
        } else if (!result->has_value()) {
            Q_EMIT notARepository();
        } else {
            Q_EMIT statusRead(**result);
        }
    }
    if (m_refreshPending) {
        m_refreshPending = false;
        refresh();
    }
}

} // namespace gatehouse::vcs
