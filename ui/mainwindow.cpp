// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "fileviewer.h"
#include "settingsdialog.h"

#include "vcs/statuswatcher.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemModel>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTextBrowser>
#include <QTreeView>
#include <QVBoxLayout>

namespace gatehouse::ui {
namespace {

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

QString displayPath(const QString &path)
{
    const QString home = QDir::homePath();
    if (home != QStringLiteral("/") && (path == home || path.startsWith(home + u'/')))
        return u'~' + path.mid(home.size());
    return QDir::toNativeSeparators(path);
}

} // namespace

MainWindow::MainWindow(QString folder, secrets::CredentialStore *credentials, QWidget *parent)
    : QMainWindow(parent)
    , m_folder(std::move(folder))
    , m_credentials(credentials)
    , m_status(new vcs::StatusWatcher(m_folder, this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("%1 — Gatehouse").arg(displayPath(m_folder)));
    setWindowFilePath(m_folder);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(createChatPane());
    splitter->addWidget(createReviewPane());
    splitter->addWidget(createApprovalPane());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 5);
    splitter->setStretchFactor(2, 2);
    setCentralWidget(splitter);

    m_branchLabel = new QLabel(tr("Reading git status…"), this);
    m_branchLabel->setObjectName(QStringLiteral("branchLabel"));
    m_changesLabel = new QLabel(this);
    m_changesLabel->setObjectName(QStringLiteral("changesLabel"));
    m_trustLabel = new QLabel(this);
    m_trustLabel->setObjectName(QStringLiteral("trustLabel"));
    m_settingsLabel = new QLabel(this);
    m_settingsLabel->setObjectName(QStringLiteral("settingsLabel"));
    m_settingsLabel->setVisible(false);
    statusBar()->addWidget(m_branchLabel);
    statusBar()->addWidget(m_changesLabel, 1);
    statusBar()->addPermanentWidget(m_settingsLabel);
    statusBar()->addPermanentWidget(m_trustLabel);
    setTrustState(false, {});

    connect(m_status, &vcs::StatusWatcher::statusRead, this, [this](const vcs::RepositoryStatus &status) {
        m_branchLabel->setText(branchText(status));
        m_changesLabel->setText(changesText(status.changes));
        Q_EMIT statusShown();
    });
    connect(m_status, &vcs::StatusWatcher::notARepository, this, [this] {
        m_branchLabel->setText(tr("Not a git repository"));
        m_changesLabel->clear();
        Q_EMIT statusShown();
    });
    connect(m_status, &vcs::StatusWatcher::readFailed, this, [this](const QString &message) {
        m_branchLabel->setText(tr("Git status could not be read"));
        m_changesLabel->setText(message);
        Q_EMIT statusShown();
    });

    createMenus();
    resize(1280, 800);
    refreshStatus();
    // Start with the project's README in the review area, as a repository page would.
    for (const QString &name : {QStringLiteral("README.md"), QStringLiteral("README"), QStringLiteral("README.txt")})
        if (QFileInfo(QDir(m_folder).filePath(name)).isFile()) {
            showFile(name);
            break;
        }
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("fileMenu"));
    QAction *open = file->addAction(tr("&Open Folder…"), this, &MainWindow::chooseFolder);
    open->setShortcut(QKeySequence::Open);
    QAction *refresh = file->addAction(tr("&Refresh Git Status"), this, &MainWindow::refreshStatus);
    refresh->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction *close = file->addAction(tr("&Close Window"), this, &QWidget::close);
    close->setShortcut(QKeySequence::Close);
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *settings = menuBar()->addMenu(tr("&Settings"));
    QAction *preferences = settings->addAction(tr("&Settings…"), this, &MainWindow::openSettings);
    preferences->setObjectName(QStringLiteral("settingsAction"));
    preferences->setShortcut(QKeySequence::Preferences);
    preferences->setMenuRole(QAction::PreferencesRole);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Gatehouse"), this, [this] {
        QMessageBox::about(this, tr("About Gatehouse"),
                           tr("<p><b>Gatehouse</b> %1</p><p>Work with an AI coding agent where every action "
                              "it takes passes a gate you can see and control.</p>")
                               .arg(QApplication::applicationVersion()));
    });
    about->setMenuRole(QAction::AboutRole);
}

QWidget *MainWindow::createChatPane()
{
    auto *pane = new QWidget(this);
    pane->setObjectName(QStringLiteral("chatPane"));
    auto *layout = new QVBoxLayout(pane);
    layout->addWidget(heading(tr("Conversation"), pane));
    auto *transcript = new QTextBrowser(pane);
    transcript->setObjectName(QStringLiteral("transcript"));
    transcript->setPlaceholderText(tr("The conversation with the agent will appear here."));
    layout->addWidget(transcript, 1);
    auto *input = new QPlainTextEdit(pane);
    input->setObjectName(QStringLiteral("messageInput"));
    input->setPlaceholderText(tr("No model is connected yet."));
    input->setMaximumHeight(90);
    input->setEnabled(false);
    layout->addWidget(input);
    auto *send = new QPushButton(tr("Send"), pane);
    send->setEnabled(false);
    layout->addWidget(send, 0, Qt::AlignRight);
    return pane;
}

QWidget *MainWindow::createReviewPane()
{
    auto *pane = new QWidget(this);
    pane->setObjectName(QStringLiteral("reviewPane"));
    auto *layout = new QVBoxLayout(pane);
    layout->addWidget(heading(tr("Review"), pane));

    auto *split = new QSplitter(Qt::Horizontal, pane);
    m_files = new QFileSystemModel(this);
    m_files->setReadOnly(true);
    m_files->setFilter(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
    m_fileTree = new QTreeView(split);
    m_fileTree->setObjectName(QStringLiteral("fileTree"));
    m_fileTree->setModel(m_files);
    m_fileTree->setRootIndex(m_files->setRootPath(m_folder));
    for (int column = 1; column < m_files->columnCount(); ++column)
        m_fileTree->hideColumn(column);
    m_fileTree->header()->hide();
    m_viewer = new FileViewer(split);
    m_viewer->setObjectName(QStringLiteral("fileViewer"));
    m_viewer->setPlaceholderText(tr("Choose a file to see it here."));
    split->addWidget(m_fileTree);
    split->addWidget(m_viewer);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);

    connect(m_fileTree, &QTreeView::activated, this, [this](const QModelIndex &index) {
        if (!m_files->isDir(index))
            m_viewer->openFile(m_files->filePath(index));
    });
    connect(m_fileTree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &index) {
                if (index.isValid() && !m_files->isDir(index))
                    m_viewer->openFile(m_files->filePath(index));
            });
    return pane;
}

QWidget *MainWindow::createApprovalPane()
{
    auto *pane = new QWidget(this);
    pane->setObjectName(QStringLiteral("approvalPane"));
    auto *layout = new QVBoxLayout(pane);
    layout->addWidget(heading(tr("Approvals"), pane));
    auto *queue = new QListView(pane);
    queue->setObjectName(QStringLiteral("approvalQueue"));
    layout->addWidget(queue, 1);
    auto *empty = new QLabel(tr("Nothing is waiting for your answer."), pane);
    empty->setWordWrap(true);
    layout->addWidget(empty);
    return pane;
}

void MainWindow::setTrustState(bool trusted, const QStringList &configurationErrors)
{
    m_trusted = trusted;
    if (!configurationErrors.isEmpty()) {
        m_trustLabel->setText(tr("Restricted: the folder's configuration has errors"));
        m_trustLabel->setToolTip(configurationErrors.join(u'\n'));
    } else if (trusted) {
        m_trustLabel->setText(tr("Trusted"));
        m_trustLabel->setToolTip(tr("The folder's own settings apply."));
    } else {
        m_trustLabel->setText(tr("Restricted"));
        m_trustLabel->setToolTip(tr("The folder's own settings that loosen anything are not applied; its deny and ask "
                                    "rules are."));
    }
}

void MainWindow::setSettingsProblems(const QStringList &errors, const QStringList &warnings)
{
    if (!errors.isEmpty())
        m_settingsLabel->setText(tr("Settings error: every action asks until it is fixed"));
    else if (!warnings.isEmpty())
        m_settingsLabel->setText(tr("%n settings warning(s)", nullptr, int(warnings.size())));
    m_settingsLabel->setToolTip((errors + warnings).join(u'\n'));
    m_settingsLabel->setVisible(!errors.isEmpty() || !warnings.isEmpty());
}

bool MainWindow::showFile(const QString &path)
{
    const QString absolute = QDir(m_folder).absoluteFilePath(path);
    const QModelIndex index = m_files->index(absolute);
    if (index.isValid())
        m_fileTree->setCurrentIndex(index);
    return m_viewer->openFile(absolute);
}

void MainWindow::showError(const QString &message)
{
    QMessageBox::warning(this, tr("Gatehouse"), message);
}

void MainWindow::refreshStatus() { m_status->refresh(); }

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_credentials, this);
    dialog.exec();
}

void MainWindow::chooseFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Folder"), m_folder);
    if (!folder.isEmpty())
        Q_EMIT openFolderRequested(folder);
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    // Coming back to the window after working elsewhere: the tree may have changed.
    if (event->type() == QEvent::ActivationChange && isActiveWindow())
        refreshStatus();
}

QString MainWindow::branchText(const vcs::RepositoryStatus &status)
{
    QString text;
    if (status.detached)
        text = tr("Detached HEAD at %1").arg(status.headShortId);
    else if (status.unborn)
        text = tr("Branch %1 (no commits yet)").arg(status.branch);
    else
        text = tr("Branch %1").arg(status.branch);
    if (!status.upstream.isEmpty()) {
        if (status.ahead == 0 && status.behind == 0)
            text += tr(", up to date with %1").arg(status.upstream);
        else
            text += tr(", %1 ahead and %2 behind %3").arg(status.ahead).arg(status.behind).arg(status.upstream);
    }
    return text;
}

QString MainWindow::changesText(const vcs::ChangeSummary &changes)
{
    if (changes.isClean())
        return tr("No changes");
    QStringList parts;
    if (changes.conflicted)
        parts << tr("%n conflicted", nullptr, changes.conflicted);
    if (changes.staged)
        parts << tr("%n staged", nullptr, changes.staged);
    if (changes.modified)
        parts << tr("%n modified", nullptr, changes.modified);
    if (changes.deleted)
        parts << tr("%n deleted", nullptr, changes.deleted);
    if (changes.untracked)
        parts << tr("%n untracked", nullptr, changes.untracked);
    return parts.join(QStringLiteral(", "));
}

} // namespace gatehouse::ui
