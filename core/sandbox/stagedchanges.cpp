// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/stagedchanges.h"

#include "policy/paths.h"
#include "policy/protectednames.h"
#include "sandbox/homeview.h"
#include "sandbox/fsutil_p.h"
#include "vcs/hookspath.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <memory>

namespace gatehouse::sandbox {
namespace {

// What git writes as its data while it works: objects, references, logs, the index and the
// state of a merge, rebase, cherry-pick or bisect in progress. Nothing here names a program.
constexpr std::array gitDataFolders{u"objects", u"refs", u"logs", u"rr-cache", u"lfs", u"rebase-merge",
                                    u"rebase-apply", u"sequencer"};
constexpr std::array gitDataFiles{
    u"index", u"HEAD", u"ORIG_HEAD", u"FETCH_HEAD", u"MERGE_HEAD", u"MERGE_MSG", u"MERGE_MODE", u"MERGE_AUTOSTASH",
    u"MERGE_RR", u"CHERRY_PICK_HEAD", u"REVERT_HEAD", u"REBASE_HEAD", u"AUTO_MERGE", u"BISECT_LOG", u"BISECT_START",
    u"BISECT_TERMS", u"BISECT_EXPECTED_REV", u"BISECT_ANCESTORS_OK", u"BISECT_NAMES", u"BISECT_HEAD", u"BISECT_RUN",
    u"COMMIT_EDITMSG", u"TAG_EDITMSG", u"SQUASH_MSG", u"NOTES_MERGE_PARTIAL", u"NOTES_MERGE_REF", u"packed-refs",
    u"shallow", u"gitk.cache", u"NOTES_EDITMSG", u"PULLREQ_EDITMSG", u"BRANCH_DESCRIPTION"};

// The names git runs from its hooks folder, wherever core.hooksPath points it.
constexpr std::array hookNames{
    u"applypatch-msg", u"pre-applypatch", u"post-applypatch", u"pre-commit", u"pre-merge-commit",
    u"prepare-commit-msg", u"commit-msg", u"post-commit", u"pre-rebase", u"post-checkout", u"post-merge",
    u"pre-push", u"pre-receive", u"update", u"proc-receive", u"post-receive", u"post-update",
    u"reference-transaction", u"push-to-checkout", u"pre-auto-gc", u"post-rewrite", u"sendemail-validate",
    u"fsmonitor-watchman", u"p4-changelist", u"p4-prepare-changelist", u"p4-post-changelist", u"p4-pre-submit",
    u"post-index-change"};

template<typename List>
bool listed(QStringView name, const List &names)
{
    for (const char16_t *entry : names)
        if (name == QStringView(entry))
            return true;
    return false;
}

bool lstatPath(const QString &path, struct stat *info)
{
    return ::lstat(QFile::encodeName(path).constData(), info) == 0;
}

QByteArray xattr(const QString &path, const char *name)
{
    char value[16];
    const ssize_t got = ::lgetxattr(QFile::encodeName(path).constData(), name, value, sizeof value);
    return got > 0 ? QByteArray(value, got) : QByteArray();
}

// A whiteout: overlayfs's mark of a removed entry (a 0/0 character device, or an empty file
// carrying the whiteout attribute).
bool isWhiteout(const QString &path, const struct stat &info)
{
    if (S_ISCHR(info.st_mode) && info.st_rdev == makedev(0, 0))
        return true;
    if (S_ISREG(info.st_mode) && info.st_size == 0) {
        char value[4];
        return ::lgetxattr(QFile::encodeName(path).constData(), "user.overlay.whiteout", value, sizeof value) >= 0
               || ::lgetxattr(QFile::encodeName(path).constData(), "trusted.overlay.whiteout", value, sizeof value) >= 0;
    }
    return false;
}

// An opaque folder hides what the lower layer had there: the command removed the folder and
// made a new one.
bool isOpaque(const QString &path)
{
    return xattr(path, "user.overlay.opaque") == "y" || xattr(path, "trusted.overlay.opaque") == "y";
}

bool sameContent(const QString &a, const QString &b)
{
    QFile first(a);
    QFile second(b);
    if (!first.open(QIODevice::ReadOnly) || !second.open(QIODevice::ReadOnly) || first.size() != second.size())
        return false;
    while (!first.atEnd()) {
        if (first.read(1 << 16) != second.read(1 << 16))
            return false;
    }
    return true;
}

bool insideAny(const QString &path, const QStringList &folders)
{
    for (const QString &folder : folders)
        if (policy::isInside(path, folder))
            return true;
    return false;
}

// Decides what is held, with what it learned about the folder kept between calls.
class Classifier
{
public:
    Classifier(QString folder, QString upper, const HoldRules &rules)
        : m_folder(std::move(folder))
        , m_upper(std::move(upper))
        , m_rules(rules)
    {
    }

    QString reason(const QString &relative, const StagedChange &change)
    {
        const QStringList components = relative.split(u'/', Qt::SkipEmptyParts);
        if (const QString git = gitReason(components, change); !git.isNull())
            return git;
        for (const QString &component : components)
            if (component != QStringLiteral(".git") && policy::isProtectedName(component))
                return QStringLiteral("%1 is protected: a program outside the sandbox (git, a shell, an editor, a package or "
                                      "hook manager, Gatehouse) reads it and may run code from it")
                    .arg(component);
        const QString path = m_folder + u'/' + relative;
        if (change.kind == StagedChange::Kind::Write && !components.isEmpty() && listed(components.last(), hookNames))
            return QStringLiteral("a file named like a git hook (%1), which git runs wherever core.hooksPath points")
                .arg(components.last());
        if (const QString hooks = hooksFolder(); !hooks.isEmpty() && policy::isInside(path, hooks))
            return QStringLiteral("it is in %1, the folder git runs hooks from").arg(hooks);
        if (change.isLink) {
            const QByteArray target = QFile::encodeName(change.staged);
            char buffer[4096];
            const ssize_t got = ::readlink(target.constData(), buffer, sizeof buffer - 1);
            const QString to = got > 0 ? QFile::decodeName(QByteArray(buffer, got)) : QString();
            const QString resolved = QDir::isAbsolutePath(to) ? QDir::cleanPath(to)
                                                               : QDir::cleanPath(QFileInfo(path).path() + u'/' + to);
            if (to.isEmpty() || (!insideAny(resolved, m_rules.writableFolders) && !insideAny(resolved, m_rules.linkTargets)))
                return QStringLiteral("a link to %1, outside the writable folders").arg(to);
        }
        if (change.kind == StagedChange::Kind::Delete)
            for (const QString &denied : m_rules.denyRead)
                if (policy::isInside(denied, path) || policy::isInside(path, denied))
                    return QStringLiteral("it removes %1, which the command may not read").arg(denied);
        return {};
    }

private:
    // Whether the folder at @p relative looks like a git folder (HEAD, objects and refs), on the
    // host or in the staging folder.
    bool looksLikeGitFolder(const QString &relative)
    {
        const auto found = m_gitFolders.constFind(relative);
        if (found != m_gitFolders.constEnd())
            return *found;
        const auto has = [this, &relative](const char *name, bool folder) {
            for (const QString &root : {m_folder, m_upper}) {
                if (root.isEmpty())
                    continue;
                struct stat info {};
                const QString path = relative.isEmpty() ? QString(root + u'/' + QLatin1StringView(name))
                                                        : QString(root + u'/' + relative + u'/' + QLatin1StringView(name));
                if (::stat(QFile::encodeName(path).constData(), &info) == 0 && S_ISDIR(info.st_mode) == folder)
                    return true;
            }
            return false;
        };
        const bool result = has("HEAD", false) && has("objects", true) && has("refs", true);
        m_gitFolders.insert(relative, result);
        return result;
    }

    QString gitReason(const QStringList &components, const StagedChange &change)
    {
        // The innermost git folder that holds the entry: a `.git`, a folder that looks like one
        // (a bare repository, a submodule's folder in .git/modules), or a worktree's folder.
        qsizetype gitFolder = -2; // index of the component that is the innermost git folder (-1: the folder itself)
        if (looksLikeGitFolder(QString()))
            gitFolder = -1;
        QString prefix;
        for (qsizetype i = 0; i + 1 < components.size(); ++i) {
            prefix = i == 0 ? components[0] : prefix + u'/' + components[i];
            if (components[i] == QStringLiteral(".git")) {
                gitFolder = i;
            } else if (i >= 1 && components[i - 1] == QStringLiteral("worktrees") && gitFolder == i - 2) {
                gitFolder = i; // .git/worktrees/NAME holds a worktree's HEAD, index and logs
            } else if (looksLikeGitFolder(prefix)) {
                gitFolder = i;
            }
        }
        const QString name = components.isEmpty() ? QString() : components.last();
        if (name == QStringLiteral(".git")) {
            if (change.kind == StagedChange::Kind::Delete)
                return QStringLiteral("it removes a git repository's .git");
            if (!change.existed)
                return QStringLiteral("a new .git: git would take it for a repository, with its configuration and hooks");
            return QStringLiteral("it changes .git, which tells git where the repository and its configuration are");
        }
        if (gitFolder == -2)
            return QString();
        const QStringList inside = components.mid(gitFolder + 1);
        if (inside.isEmpty())
            return QString();
        const QString where = gitFolder < 0 ? QStringLiteral("the git folder") : components.mid(0, gitFolder + 1).join(u'/');
        const QString first = inside.first();
        QString dataFile = first;
        if (dataFile.endsWith(QStringLiteral(".lock")))
            dataFile.chop(5);
        const bool data = (inside.size() > 1 && listed(first, gitDataFolders))
                          || (inside.size() == 1 && (listed(dataFile, gitDataFiles) || listed(first, gitDataFolders)));
        if (!data || change.kind == StagedChange::Kind::Mode)
            return QStringLiteral("it changes %1 in %2: git reads it as configuration or runs it (only git's data lands: "
                                  "objects, refs, logs, the index, HEAD, a merge or rebase in progress)")
                .arg(inside.join(u'/'), where);
        return sequencerReason(inside, change);
    }

    // The state of a rebase or cherry-pick in progress is data, except where it names programs:
    // `exec` lines of a to-do list and a merge strategy run when the person continues.
    static QString sequencerReason(const QStringList &inside, const StagedChange &change)
    {
        if (inside.size() != 2 || change.kind != StagedChange::Kind::Write || change.staged.isEmpty())
            return QString();
        const QString file = inside.join(u'/');
        if (file == QStringLiteral("rebase-merge/strategy") || file == QStringLiteral("rebase-merge/strategy_opts"))
            return QStringLiteral("it names the merge strategy program that git runs when the rebase continues");
        const bool todo = file.startsWith(QStringLiteral("rebase-merge/git-rebase-todo"))
                          || file == QStringLiteral("rebase-merge/done") || file == QStringLiteral("sequencer/todo")
                          || file == QStringLiteral("sequencer/opts");
        if (!todo)
            return QString();
        QFile staged(change.staged);
        if (!staged.open(QIODevice::ReadOnly))
            return QStringLiteral("it cannot be read to check for commands git would run");
        static const QRegularExpression exec(QStringLiteral("^\\s*(x|exec)(\\s|$)|^\\s*strategy\\s*="),
                                             QRegularExpression::MultilineOption);
        if (QString::fromUtf8(staged.read(4 * 1024 * 1024)).contains(exec))
            return QStringLiteral("its to-do list has commands (exec) or a strategy that git runs when the rebase or "
                                  "cherry-pick continues");
        return QString();
    }

    QString hooksFolder()
    {
        if (!m_hooksRead) {
            m_hooksRead = true;
            m_hooks = vcs::hooksFolder(m_folder);
        }
        return m_hooks;
    }

    QString m_folder;
    QString m_upper;
    const HoldRules &m_rules;
    QHash<QString, bool> m_gitFolders;
    QString m_hooks;
    bool m_hooksRead = false;
};

struct Scan
{
    QString folder;
    QString upper;
    Classifier *classifier = nullptr;
};

// Whether an upper entry carries overlayfs's own attributes, which must not reach the project.
bool hasOverlayAttributes(const QString &path)
{
    char names[1024];
    const ssize_t got = ::llistxattr(QFile::encodeName(path).constData(), names, sizeof names);
    if (got < 0)
        return false;
    for (ssize_t i = 0; i < got; i += qsizetype(std::strlen(names + i)) + 1)
        if (std::strncmp(names + i, "user.overlay.", 13) == 0 || std::strncmp(names + i, "trusted.overlay.", 16) == 0)
            return true;
    return false;
}

// Reads the upper folder at @p relative into @p changes. @p hostMissing: the host has nothing
// at @p relative (a new folder), so its entries need no look at the host.
Expected<void> scanFolder(const Scan &scan, const QString &relative, bool hostMissing, QList<StagedChange> *changes)
{
    const QString upperFolder = relative.isEmpty() ? scan.upper : scan.upper + u'/' + relative;
    detail::DirPtr dir(::opendir(QFile::encodeName(upperFolder).constData()));
    if (!dir)
        return fail(QStringLiteral("cannot read the staging folder %1: %2").arg(upperFolder, QString::fromLocal8Bit(std::strerror(errno))));
    QStringList names;
    while (const dirent *entry = ::readdir(dir.get())) {
        const QByteArray name(entry->d_name);
        if (name != "." && name != "..")
            names << QFile::decodeName(name);
    }
    names.sort(); // a stable order for reports and tests
    for (const QString &name : std::as_const(names)) {
        StagedChange change;
        change.folder = scan.folder;
        change.relative = relative.isEmpty() ? name : relative + u'/' + name;
        change.staged = scan.upper + u'/' + change.relative;
        struct stat info {};
        if (!lstatPath(change.staged, &info))
            return fail(QStringLiteral("cannot read the staged entry %1").arg(change.staged));
        struct stat host {};
        change.existed = !hostMissing && lstatPath(change.path(), &host);
        const bool hostFolder = change.existed && S_ISDIR(host.st_mode);
        change.mode = info.st_mode & 07777 & ~unsigned(S_ISUID | S_ISGID);
        if (isWhiteout(change.staged, info)) {
            if (!change.existed)
                continue; // removed something the command made itself
            change.kind = StagedChange::Kind::Delete;
            change.staged.clear();
            change.isFolder = hostFolder;
        } else if (S_ISDIR(info.st_mode)) {
            change.isFolder = true;
            if (hostFolder && !isOpaque(change.staged)) {
                if ((host.st_mode & 07777) != change.mode) {
                    StagedChange mode = change;
                    mode.kind = StagedChange::Kind::Mode;
                    mode.staged.clear();
                    mode.held = scan.classifier->reason(mode.relative, mode);
                    changes->append(mode);
                }
                if (auto inner = scanFolder(scan, change.relative, false, changes); !inner)
                    return inner;
                continue;
            }
            change.kind = StagedChange::Kind::MakeFolder;
            change.held = scan.classifier->reason(change.relative, change);
            QList<StagedChange> inside;
            if (auto inner = scanFolder(scan, change.relative, true, &inside); !inner)
                return inner;
            // A new folder lands whole, in one rename, when nothing in it needs a look of its own.
            bool whole = !change.existed && !hasOverlayAttributes(change.staged);
            for (const StagedChange &entry : std::as_const(inside)) {
                if (!entry.held.isEmpty() || entry.kind == StagedChange::Kind::Delete || hasOverlayAttributes(entry.staged)) {
                    whole = false;
                    break;
                }
                change.size += entry.size;
            }
            if (!change.held.isEmpty() || whole) {
                change.kind = StagedChange::Kind::FolderTree;
                changes->append(change);
                continue;
            }
            change.size = 0;
            changes->append(change);
            changes->append(inside);
            continue;
        } else {
            change.kind = StagedChange::Kind::Write;
            change.isLink = S_ISLNK(info.st_mode);
            change.size = S_ISREG(info.st_mode) ? info.st_size : 0;
            if (!S_ISREG(info.st_mode) && !S_ISLNK(info.st_mode)) {
                change.held = QStringLiteral("a special file (a named pipe, socket or device), which is never landed");
                changes->append(change);
                continue;
            }
            // A file opened for writing and closed unchanged is copied up all the same.
            if (change.existed && S_ISREG(info.st_mode) && S_ISREG(host.st_mode) && (host.st_mode & 07777) == change.mode
                && host.st_size == info.st_size && sameContent(change.staged, change.path()))
                continue;
        }
        change.held = scan.classifier->reason(change.relative, change);
        changes->append(change);
    }
    return {};
}

} // namespace

QStringList readOnlyLinkTargets(const QString &home)
{
    QStringList targets{QStringLiteral("/usr"),  QStringLiteral("/bin"),       QStringLiteral("/sbin"),
                        QStringLiteral("/lib"),  QStringLiteral("/lib32"),     QStringLiteral("/lib64"),
                        QStringLiteral("/libx32"), QStringLiteral("/opt"),     QStringLiteral("/nix/store"),
                        QStringLiteral("/gnu/store"), QStringLiteral("/snap")};
    if (!home.isEmpty() && home != QStringLiteral("/"))
        for (const ToolchainPath &toolchain : toolchainPaths())
            targets << QDir::cleanPath(home + u'/' + toolchain.relative);
    return targets;
}

bool isGitHookName(QStringView name)
{
    return listed(name, hookNames);
}

QString StagedChange::verb() const
{
    switch (kind) {
    case Kind::Delete:
        return QStringLiteral("deleted");
    case Kind::Mode:
        return QStringLiteral("permissions changed");
    case Kind::MakeFolder:
    case Kind::FolderTree:
        return existed ? QStringLiteral("replaced by a folder") : QStringLiteral("created");
    case Kind::Write:
        break;
    }
    return existed ? QStringLiteral("changed") : QStringLiteral("created");
}

Expected<QList<StagedChange>> readStagedChanges(const QString &folder, const QString &upper, const HoldRules &rules)
{
    Classifier classifier(folder, upper, rules);
    QList<StagedChange> changes;
    if (auto read = scanFolder({folder, upper, &classifier}, QString(), false, &changes); !read)
        return std::unexpected(read.error());
    return changes;
}

QString holdReason(const QString &folder, const QString &relative, const StagedChange &change, const HoldRules &rules)
{
    Classifier classifier(folder, QString(), rules);
    return classifier.reason(relative, change);
}

} // namespace gatehouse::sandbox
