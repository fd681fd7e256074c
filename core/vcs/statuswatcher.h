// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "vcs/repository.h"

#include <QFutureWatcher>
#include <QObject>

namespace gatehouse::vcs {

/// Reads a folder's git status on a worker thread and reports it on the owner's thread, so
/// the GUI never waits for libgit2 on a large repository. Refreshes asked for while a read
/// runs are folded into one more read after it.
class StatusWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusWatcher)

public:
    explicit StatusWatcher(QString folder, QObject *parent = nullptr);
    ~StatusWatcher() override;

    QString folder() const { return m_folder; }
    bool isReading() const { return m_watcher.isRunning(); }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void statusRead(const gatehouse::vcs::RepositoryStatus &status);
    void notARepository();
    void readFailed(const QString &message);

private:
    using Result = Expected<std::optional<RepositoryStatus>>;
    void deliver();

    QString m_folder;
    QFutureWatcher<Result> m_watcher;
    bool m_refreshPending = false;
};

} // namespace gatehouse::vcs
