// SPDX-License-Identifier: GPL-3.0-or-later
#include "accountpage.h"

#include "secrets/credentialstore.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace gatehouse::ui {

using secrets::CredentialStore;

AccountPage::AccountPage(CredentialStore *credentials, QWidget *parent)
    : QWidget(parent)
    , m_credentials(credentials)
    , m_status(new QLabel(this))
    , m_keyEdit(new QLineEdit(this))
    , m_save(new QPushButton(this))
    , m_remove(new QPushButton(tr("&Remove Key"), this))
{
    setObjectName(QStringLiteral("accountPage"));
    auto *intro = new QLabel(tr("Gatehouse talks to the model with your Anthropic API key. The key is kept in "
                                "the system keychain only: it is never written to a file or a log."),
                             this);
    intro->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("keyStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_keyEdit->setObjectName(QStringLiteral("keyEdit"));
    m_keyEdit->setEchoMode(QLineEdit::Password);
    m_keyEdit->setPlaceholderText(tr("Paste a key (sk-ant-…)"));
    m_keyEdit->setClearButtonEnabled(true);
    m_save->setObjectName(QStringLiteral("saveKey"));
    m_remove->setObjectName(QStringLiteral("removeKey"));

    auto *form = new QFormLayout;
    form->addRow(tr("Anthropic API key:"), m_keyEdit);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_remove);
    buttons->addWidget(m_save);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addStretch(1);

    connect(m_keyEdit, &QLineEdit::textChanged, this, &AccountPage::updateButtons);
    connect(m_keyEdit, &QLineEdit::returnPressed, this, &AccountPage::saveKey);
    connect(m_save, &QPushButton::clicked, this, &AccountPage::saveKey);
    connect(m_remove, &QPushButton::clicked, this, &AccountPage::removeKey);

    const QString key = CredentialStore::anthropicApiKey();
    connect(m_credentials, &CredentialStore::readFinished, this, [this, key](const QString &entry, const QString &) {
        // Only whether a key exists matters here; its value is not kept or shown.
        if (entry == key) {
            m_keyStored = true;
            setState(State::Stored);
        }
    });
    connect(m_credentials, &CredentialStore::notFound, this, [this, key](const QString &entry) {
        if (entry == key) {
            m_keyStored = false;
            setState(State::NotStored);
        }
    });
    connect(m_credentials, &CredentialStore::writeFinished, this, [this, key](const QString &entry) {
        if (entry == key) {
            m_keyStored = true;
            m_keyEdit->clear();
            setState(State::Stored);
        }
    });
    connect(m_credentials, &CredentialStore::removeFinished, this, [this, key](const QString &entry) {
        if (entry == key) {
            m_keyStored = false;
            setState(State::NotStored);
        }
    });
    connect(m_credentials, &CredentialStore::failed, this,
            [this, key](CredentialStore::Operation, const QString &entry, const QString &message, bool noKeychain) {
                if (entry != key)
                    return;
                if (noKeychain)
                    setState(State::NoKeychain, message);
                else
                    setState(State::Failed, message);
            });
    reload();
}

AccountPage::~AccountPage() = default;

void AccountPage::reload()
{
    if (!CredentialStore::isKeychainAvailable()) {
        setState(State::NoKeychain);
        return;
    }
    setState(State::Checking);
    m_credentials->read(CredentialStore::anthropicApiKey());
}

void AccountPage::saveKey()
{
    const QString key = m_keyEdit->text().trimmed();
    if (key.isEmpty() || m_state == State::NoKeychain || m_state == State::Busy)
        return;
    setState(State::Busy);
    m_credentials->write(CredentialStore::anthropicApiKey(), key);
}

void AccountPage::removeKey()
{
    if (!m_keyStored || m_state == State::Busy)
        return;
    setState(State::Busy);
    m_credentials->remove(CredentialStore::anthropicApiKey());
}

QString AccountPage::statusText() const { return m_status->text(); }

void AccountPage::setState(State state, const QString &detail)
{
    m_state = state;
    switch (state) {
    case State::Checking:
        m_status->setText(tr("Looking in the keychain…"));
        break;
    case State::NotStored:
        m_status->setText(tr("No key is stored. Without one, Gatehouse uses ANTHROPIC_API_KEY from the "
                             "environment if it is set."));
        break;
    case State::Stored:
        m_status->setText(tr("A key is stored in the system keychain."));
        break;
    case State::Busy:
        m_status->setText(tr("Talking to the keychain…"));
        break;
    case State::NoKeychain:
        m_status->setText(tr("No keychain is available on this system (on Linux: no Secret Service such as "
                             "GNOME Keyring or KWallet is running). Gatehouse stores the key nowhere else; "
                             "start a keychain, or set ANTHROPIC_API_KEY in the environment."));
        if (!detail.isEmpty())
            m_status->setToolTip(detail);
        break;
    case State::Failed:
        m_status->setText(tr("The keychain reported an error: %1").arg(detail));
        break;
    }
    m_save->setText(m_keyStored ? tr("Re&place Key") : tr("&Save to Keychain"));
    updateButtons();
    Q_EMIT stateChanged(state);
}

void AccountPage::updateButtons()
{
    const bool idle = m_state != State::Busy && m_state != State::Checking && m_state != State::NoKeychain;
    m_keyEdit->setEnabled(m_state != State::NoKeychain);
    m_save->setEnabled(idle && !m_keyEdit->text().trimmed().isEmpty());
    m_remove->setEnabled(idle && m_keyStored);
}

} // namespace gatehouse::ui
