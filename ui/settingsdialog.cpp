// SPDX-License-Identifier: GPL-3.0-or-later
#include "settingsdialog.h"

#include "accountpage.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QListWidget>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace gatehouse::ui {

SettingsDialog::SettingsDialog(secrets::CredentialStore *credentials, QWidget *parent)
    : QDialog(parent)
    , m_pageList(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
    , m_account(new AccountPage(credentials, this))
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    m_pageList->setObjectName(QStringLiteral("settingsPages"));
    m_pageList->setMaximumWidth(180);

    addPage(tr("Account"), m_account);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_pageList, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);

    auto *body = new QHBoxLayout;
    body->addWidget(m_pageList);
    body->addWidget(m_pages, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(body, 1);
    layout->addWidget(buttons);
    m_pageList->setCurrentRow(0);
    resize(720, 420);
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::addPage(const QString &title, QWidget *page)
{
    m_pageList->addItem(title);
    m_pages->addWidget(page);
}

} // namespace gatehouse::ui
