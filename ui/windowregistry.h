// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace gatehouse::secrets {
class CredentialStore;
}

namespace gatehouse::ui {

class MainWindow;

/// One main window per project folder: opening a folder that already has a window brings that
/// window forward instead of making a second one. Folders are compared by canonical path.
class WindowRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WindowRegistry)

public:
    explicit WindowRegistry(secrets::CredentialStore *credentials, QObject *parent = nullptr);
    ~WindowRegistry() override;

    /// Opens (or raises) the window of @p folder. A folder that is not trusted with its current
    /// grants first shows the trust dialog (or, with askForTrust off, opens restricted). Fails for
    /// a path that is not a readable folder, and when the person cancels the trust dialog.
    Expected<MainWindow *> openFolder(const QString &folder);

    /// Whether untrusted folders ask (the default) or open restricted without asking.
    void setAskForTrust(bool ask) { m_askForTrust = ask; }

    MainWindow *windowFor(const QString &folder) const;
    QList<MainWindow *> windows() const;

Q_SIGNALS:
    void windowOpened(gatehouse::ui::MainWindow *window);

private:
    secrets::CredentialStore *m_credentials;
    QHash<QString, QPointer<MainWindow>> m_windows;
    bool m_askForTrust = true;
};

} // namespace gatehouse::ui
