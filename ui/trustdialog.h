// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trust/truststore.h"

#include <QDialog>

class QListWidget;
class QPushButton;

namespace gatehouse::ui {

/// Asked the first time a folder is opened, and again when what its configuration grants has
/// changed: lists in plain words everything the folder's own configuration would grant, and
/// lets the person trust it, open it restricted (its loosening configuration ignored; its deny
/// and ask rules still apply) or cancel.
class TrustDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrustDialog)

public:
    enum class Choice { Trust, Restricted, Cancel };
    Q_ENUM(Choice)

    /// @p changed: the folder was trusted before, with other grants.
    TrustDialog(const QString &folder, const trust::Grants &grants, bool changed, QWidget *parent = nullptr);
    ~TrustDialog() override;

    Choice choice() const { return m_choice; }
    QListWidget *grantList() const { return m_list; }

private:
    Choice m_choice = Choice::Cancel;
    QListWidget *m_list;
};

} // namespace gatehouse::ui
