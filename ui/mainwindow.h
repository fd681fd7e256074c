// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "vcs/repository.h"

#include <QMainWindow>

class QLabel;
class QFileSystemModel;
class QTreeView;

namespace gatehouse::secrets {
class CredentialStore;
}
namespace gatehouse::vcs {
class StatusWatcher;
}

namespace gatehouse::ui {

class FileViewer;

/// The window of one project folder: the conversation with the agent on the left, the review
/// area (files and their content, later side-by-side diffs) in the middle, the approval queue
/// on the right, and the folder's git state in the status bar.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    MainWindow(QString folder, secrets::CredentialStore *credentials, QWidget *parent = nullptr);
    ~MainWindow() override;

    QString folder() const { return m_folder; }
    FileViewer *fileViewer() const { return m_viewer; }

    /// Shows whether the folder's own configuration applies (trusted) or not (restricted), and
    /// any errors reading it.
    void setTrustState(bool trusted, const QStringList &configurationErrors);
    bool isTrusted() const { return m_trusted; }
    /// Shows problems of the settings files that apply to this folder (errors make every action
    /// ask until they are fixed; warnings name rules that never match, unknown keys...).
    void setSettingsProblems(const QStringList &errors, const QStringList &warnings);

    /// Opens @p path (inside the folder) in the review area's viewer.
    bool showFile(const QString &path);
    void showError(const QString &message);

    /// Human text of a git state, as the status bar shows it.
    static QString branchText(const vcs::RepositoryStatus &status);
    static QString changesText(const vcs::ChangeSummary &changes);

public Q_SLOTS:
    void refreshStatus();
    void openSettings();

Q_SIGNALS:
    void openFolderRequested(const QString &folder);
    /// The status bar shows a new git state (after a read finished).
    void statusShown();

protected:
    void changeEvent(QEvent *event) override;

private:
    void createMenus();
    QWidget *createChatPane();
    QWidget *createReviewPane();
    QWidget *createApprovalPane();
    void chooseFolder();

    QString m_folder;
    secrets::CredentialStore *m_credentials;
    vcs::StatusWatcher *m_status;
    QLabel *m_branchLabel = nullptr;
    QLabel *m_changesLabel = nullptr;
    QLabel *m_trustLabel = nullptr;
    QLabel *m_settingsLabel = nullptr;
    bool m_trusted = false;
    QFileSystemModel *m_files = nullptr;
    QTreeView *m_fileTree = nullptr;
    FileViewer *m_viewer = nullptr;
};

} // namespace gatehouse::ui
