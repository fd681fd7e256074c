// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QListWidget;
class QStackedWidget;

namespace gatehouse::secrets {
class CredentialStore;
}

namespace gatehouse::ui {

class AccountPage;

/// The settings, one page per area, chosen from a list on the left. Later issues add the
/// permission, sandbox and MCP pages.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    explicit SettingsDialog(secrets::CredentialStore *credentials, QWidget *parent = nullptr);
    ~SettingsDialog() override;

    AccountPage *accountPage() const { return m_account; }

private:
    void addPage(const QString &title, QWidget *page);

    QListWidget *m_pageList;
    QStackedWidget *m_pages;
    AccountPage *m_account;
};

} // namespace gatehouse::ui
