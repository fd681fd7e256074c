// SPDX-License-Identifier: GPL-3.0-or-later
#include "windowregistry.h"

#include "mainwindow.h"
#include "trustdialog.h"

#include "audit/auditevents.h"
#include "audit/auditlog.h"
#include "common/paths.h"
#include "policy/policy.h"
#include "trust/truststore.h"

#include "log/logging.h"
#include "log/qtformat.h"

#include <QDir>
#include <QFileInfo>

namespace gatehouse::ui {

WindowRegistry::WindowRegistry(secrets::CredentialStore *credentials, QObject *parent)
    : QObject(parent)
    , m_credentials(credentials)
{
}

WindowRegistry::~WindowRegistry()
{
    const auto windows = std::exchange(m_windows, {});
    for (const auto &window : windows)
        delete window.data();
}

Expected<MainWindow *> WindowRegistry::openFolder(const QString &folder)
{
    const QFileInfo info(folder);
    if (!info.exists())
        return fail(tr("The folder %1 does not exist.").arg(folder));
    if (!info.isDir())
        return fail(tr("%1 is not a folder.").arg(folder));
    if (!info.isReadable())
        return fail(tr("The folder %1 cannot be read.").arg(folder));
    const QString canonical = info.canonicalFilePath();

    if (MainWindow *existing = windowFor(canonical)) {
        existing->show();
        existing->raise();
        existing->activateWindow();
        return existing;
    }

    const trust::Grants grants = trust::readGrants(canonical);
    trust::TrustStore store(paths::configDir());
    bool trusted = grants.errors.isEmpty() && store.isTrusted(canonical, grants.hash);
    if (!trusted && grants.errors.isEmpty() && m_askForTrust) {
        TrustDialog dialog(canonical, grants, store.find(canonical).has_value());
        dialog.exec();
        switch (dialog.choice()) {
        case TrustDialog::Choice::Cancel:
            return fail(tr("Opening %1 was cancelled.").arg(canonical));
        case TrustDialog::Choice::Restricted:
            break;
        case TrustDialog::Choice::Trust:
            if (auto saved = store.trust(canonical, grants.hash); !saved)
                return fail(tr("The folder could not be trusted: %1").arg(saved.error().message));
            trusted = true;
            log::logger("ui")->info("trusted {} (grants {})", canonical, grants.hash);
            // A failure is logged as a warning by the audit log; the folder stays trusted.
            (void)audit::appendToDefaultLog(QStringLiteral("trust"),
                                            audit::trustFields(canonical, true, grants.hash, grants.items));
            break;
        }
    }

    auto *window = new MainWindow(canonical, m_credentials);
    window->setTrustState(trusted, grants.errors);
    // The settings that apply here, so that the person sees what is wrong with them.
    policy::PolicyOptions options;
    options.projectDir = canonical;
    options.homeDir = QDir::homePath();
    options.userConfigDir = paths::configDir();
    options.managedDir = paths::managedDir();
    options.projectTrusted = trusted;
    const policy::Policy policy = policy::Policy::load(options);
    window->setSettingsProblems(policy.errors(), policy.warnings());
    window->setAttribute(Qt::WA_DeleteOnClose);
    m_windows.insert(canonical, window);
    connect(window, &QObject::destroyed, this, [this, canonical] { m_windows.remove(canonical); });
    connect(window, &MainWindow::openFolderRequested, this, [this, window](const QString &path) {
        if (auto opened = openFolder(path); !opened)
            window->showError(opened.error().message);
    });
    log::logger("ui")->info("opened a window for {}", canonical);
    window->show();
    Q_EMIT windowOpened(window);
    return window;
}

MainWindow *WindowRegistry::windowFor(const QString &folder) const
{
    const QString canonical = QFileInfo(folder).canonicalFilePath();
    return canonical.isEmpty() ? nullptr : m_windows.value(canonical).data();
}

QList<MainWindow *> WindowRegistry::windows() const
{
    QList<MainWindow *> result;
    for (const auto &window : m_windows)
        if (window)
            result << window.data();
    return result;
}

} // namespace gatehouse::ui
