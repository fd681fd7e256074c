// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace gatehouse::secrets {
class CredentialStore;
}

namespace gatehouse::ui {

/// The account page of the settings: stores, replaces and removes the Anthropic API key in the
/// OS keychain. The key is never shown again once stored, never kept in the field after saving,
/// and never written anywhere else; without a keychain the page says so and stores nothing.
class AccountPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccountPage)

public:
    enum class State {
        Checking,    ///< asking the keychain whether a key is stored
        NotStored,
        Stored,
        Busy,        ///< a write or removal is under way
        NoKeychain,  ///< no keychain on this system: nothing can be stored
        Failed,      ///< the keychain answered with an error (shown on the page)
    };
    Q_ENUM(State)

    explicit AccountPage(secrets::CredentialStore *credentials, QWidget *parent = nullptr);
    ~AccountPage() override;

    State state() const { return m_state; }
    QString statusText() const;

public Q_SLOTS:
    void saveKey();
    void removeKey();
    void reload();

Q_SIGNALS:
    void stateChanged(gatehouse::ui::AccountPage::State state);

private:
    void setState(State state, const QString &detail = QString());
    void updateButtons();

    secrets::CredentialStore *m_credentials;
    State m_state = State::Checking;
    bool m_keyStored = false;
    QLabel *m_status;
    QLineEdit *m_keyEdit;
    QPushButton *m_save;
    QPushButton *m_remove;
};

} // namespace gatehouse::ui
