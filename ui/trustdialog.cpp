// SPDX-License-Identifier: GPL-3.0-or-later
#include "trustdialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace gatehouse::ui {

TrustDialog::TrustDialog(const QString &folder, const trust::Grants &grants, bool changed, QWidget *parent)
    : QDialog(parent)
    , m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("trustDialog"));
    setWindowTitle(tr("Trust this folder?"));
    auto *layout = new QVBoxLayout(this);

    auto *intro = new QLabel(this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::PlainText);
    QString text = changed ? tr("What the configuration of %1 grants has changed since you trusted it.").arg(folder)
                           : tr("You are opening %1 for the first time.").arg(folder);
    text += u' ';
    if (grants.isEmpty())
        text += tr("Its own configuration grants nothing beyond your settings.");
    else
        text += tr("A folder's configuration is written by whoever wrote the repository. Trusting it lets it:");
    intro->setText(text);
    layout->addWidget(intro);

    m_list->setObjectName(QStringLiteral("grantList"));
    m_list->addItems(grants.items);
    m_list->setVisible(!grants.isEmpty());
    m_list->setWordWrap(true);
    layout->addWidget(m_list, 1);

    auto *restrictedNote = new QLabel(tr("Opened restricted, none of this applies; the folder's deny and ask rules "
                                         "apply either way."),
                                      this);
    restrictedNote->setWordWrap(true);
    layout->addWidget(restrictedNote);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *trustButton = buttons->addButton(tr("&Trust"), QDialogButtonBox::AcceptRole);
    trustButton->setObjectName(QStringLiteral("trustButton"));
    QPushButton *restrictedButton = buttons->addButton(tr("Open &Restricted"), QDialogButtonBox::AcceptRole);
    restrictedButton->setObjectName(QStringLiteral("restrictedButton"));
    QPushButton *cancelButton = buttons->addButton(QDialogButtonBox::Cancel);
    cancelButton->setObjectName(QStringLiteral("cancelButton"));
    // Nothing is trusted by pressing Enter without reading.
    restrictedButton->setDefault(true);
    layout->addWidget(buttons);

    connect(trustButton, &QPushButton::clicked, this, [this] {
        m_choice = Choice::Trust;
        accept();
    });
    connect(restrictedButton, &QPushButton::clicked, this, [this] {
        m_choice = Choice::Restricted;
        accept();
    });
    connect(cancelButton, &QPushButton::clicked, this, [this] {
        m_choice = Choice::Cancel;
        reject();
    });
    resize(640, 400);
}

TrustDialog::~TrustDialog() = default;

} // namespace gatehouse::ui
