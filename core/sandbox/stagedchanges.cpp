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
        // Yarn runs the release that .yarnrc.yml's yarnPath names, and loads its plugins, from
        // the project: every `yarn` command would run a file written here.
        for (qsizetype i = 0; i + 1 < components.size(); ++i)
            if (components[i] == QStringLiteral(".yarn")
                && (components[i + 1] == QStringLiteral("releases") || components[i + 1] == QStringLiteral("plugins")))
                return QStringLiteral("it is in %1, where yarn runs its own release and plugins from")
                    .arg(components.mid(0, i + 2).join(u'/'));
        const QString path = m_folder + u'/' + relative;
        if (change.kind == StagedChange::Kind::Write && !components.isEmpty() && listed(components.last(), hookNames))
            return QStringLiteral("a file named like a git hook (%1), which git runs wherever core.hooksPath points")
                .arg(components.last());
        if (const QString hooks = hooksFolder(QString()); !hooks.isEmpty() && policy::isInside(path, hooks))
            return QStringLiteral("it is in %1, the folder git runs hooks from").arg(hooks);
        // A repository inside the folder (a vendored checkout, a sub-project) runs hooks from its
        // own core.hooksPath, relative to its own top.
        for (qsizetype i = components.size() - 1; i >= 1; --i) {
            const QString top = components.mid(0, i).join(u'/');
            auto known = m_repositoryTops.constFind(top);
            if (known == m_repositoryTops.constEnd()) {
                struct stat info {};
                known = m_repositoryTops.insert(top, lstatPath(m_folder + u'/' + top + QStringLiteral("/.git"), &info));
            }
            if (!*known)
                continue;
            if (const QString hooks = hooksFolder(top); !hooks.isEmpty() && policy::isInside(path, hooks))
                return QStringLiteral("it is in %1, the folder git runs the hooks of %2 from").arg(hooks, m_folder + u'/' + top);
            break;
        }
        if (change.isLink) {
            const QByteArray target = QFile::encodeName(change.staged);
            char buffer[4096];
            const ssize_t got = ::readlink(target.constData(), buffer, sizeof buffer - 1);
            const QString to = got > 0 ? QFile::decodeName(QByteArray(buffer, got)) : QString();
            const QString resolved = QDir::isAbsolutePath(to) ? QDir::cleanPath(to)
                                                               : QDir::cleanPath(QFileInfo(path).path() + u'/' + to);
            if (to.isEmpty() || (!insideAny(resolved, m_rules.writableFolders) && !insideAny(resolved, m_rules.linkTargets)))
                return QStringLiteral("a link to %1, outside the writable folders").arg(to);
            // The kernel takes `..` after a folder that is itself a link from where that link
            // points, not from the name: `sub/up/..` with `sub/up -> ..` is the folder above.
            // Only a leading run of `..` (from the link's own folder, which is real) is followed
            // as written.
            bool named = QDir::isAbsolutePath(to);
            for (const QString &component : to.split(u'/', Qt::SkipEmptyParts)) {
                if (component == QStringLiteral("..") && named)
                    return QStringLiteral("a link to %1, whose .. after a folder name may lead out of the writable folders")
                        .arg(to);
                if (component != QStringLiteral("..") && component != QStringLiteral("."))
                    named = true;
            }
        }
        if (change.kind == StagedChange::Kind::Delete)
            for (const QString &denied : m_rules.denyRead)
                if (policy::isInside(denied, path) || policy::isInside(path, denied))
                    return QStringLiteral("it removes %1, which the command may not read").arg(denied);
        // Removing or replacing a folder removes what is in it: a repository or a protected entry
        // below goes with it, as surely as if it were removed by its own name.
        if (change.existed && change.isFolder
            && (change.kind == StagedChange::Kind::Delete || change.kind == StagedChange::Kind::MakeFolder
                || change.kind == StagedChange::Kind::FolderTree))
            if (const QString inside = protectedInside(path); !inside.isEmpty())
                return QStringLiteral("it removes %1 with the folder that holds it").arg(inside);
        return {};
    }

private:
    // The first protected entry (a protected name, a git folder) in the host's folder @p path,
    // links not followed; empty when there is none.
    static QString protectedInside(const QString &path)
    {
        detail::DirPtr dir(::opendir(QFile::encodeName(path).constData()));
        if (!dir)
            return {};
        QList<QByteArray> folders;
        while (const dirent *entry = ::readdir(dir.get())) {
            const QByteArray name(entry->d_name);
            if (name == "." || name == "..")
                continue;
            const QString decoded = QFile::decodeName(name);
            const QString child = path + u'/' + decoded;
            if (policy::isProtectedName(decoded) || QFile::encodeName(decoded) != name)
                return child;
            struct stat info {};
            if (::lstat(QFile::encodeName(child).constData(), &info) == 0 && S_ISDIR(info.st_mode))
                folders << name;
        }
        dir.reset();
        for (const QByteArray &name : std::as_const(folders))
            if (const QString inside = protectedInside(path + u'/' + QFile::decodeName(name)); !inside.isEmpty())
                return inside;
        return {};
    }

    // Whether the folder at @p relative looks like a git folder (HEAD, objects and refs), on the
    // host or in the staging folder.
    // Whether the folder at @p relative looks like a git folder to git (a HEAD, and objects and
    // refs or a commondir, of any type: git only asks whether it can enter them), on the host or,
    // unless @p hostOnly, in the staging folder.
    bool looksLikeGitFolder(const QString &relative, bool hostOnly = false)
    {
        QHash<QString, bool> &cache = hostOnly ? m_hostGitFolders : m_gitFolders;
        const auto found = cache.constFind(relative);
        if (found != cache.constEnd())
            return *found;
        const auto has = [this, &relative, hostOnly](const char *name) {
            for (const QString &root : {m_folder, m_upper}) {
                if (root.isEmpty() || (hostOnly && root == m_upper))
                    continue;
                struct stat info {};
                const QString path = relative.isEmpty() ? QString(root + u'/' + QLatin1StringView(name))
                                                        : QString(root + u'/' + relative + u'/' + QLatin1StringView(name));
                if (::lstat(QFile::encodeName(path).constData(), &info) == 0)
                    return true;
            }
            return false;
        };
        const bool result = has("HEAD") && ((has("objects") && has("refs")) || has("commondir"));
        cache.insert(relative, result);
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
        // What makes a folder a repository (its HEAD, objects, refs, commondir) is held where the
        // folder was not one on the host: the configuration left there earlier would become git's.
        static constexpr std::array makers{u"HEAD", u"objects", u"refs", u"commondir"};
        if (inside.size() == 1 && listed(first, makers) && !m_upper.isEmpty() && gitFolder >= -1
            && (gitFolder < 0 || components[gitFolder] != QStringLiteral(".git"))) {
            const QString folder = gitFolder < 0 ? QString() : components.mid(0, gitFolder + 1).join(u'/');
            if (!looksLikeGitFolder(folder, true))
                return QStringLiteral("it makes %1 a git repository, whose configuration git would then run")
                    .arg(gitFolder < 0 ? m_folder : folder);
        }
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
    // `exec` lines of a to-do list and a merge strategy run when the person continues. The whole
    // file is read (a to-do list padded past any prefix still runs its last line), and option
    // names are matched as git matches them, in any case.
    static QString sequencerReason(const QStringList &inside, const StagedChange &change)
    {
        if (inside.size() != 2 || change.kind != StagedChange::Kind::Write || change.staged.isEmpty())
            return QString();
        const QString file = inside.join(u'/');
        const QString folder = inside.first();
        if ((folder == QStringLiteral("rebase-merge") || folder == QStringLiteral("rebase-apply"))
            && inside.last().startsWith(QStringLiteral("strategy"), Qt::CaseInsensitive))
            return QStringLiteral("it names the merge strategy program that git runs when the rebase continues");
        const bool todo = ((folder == QStringLiteral("rebase-merge") || folder == QStringLiteral("rebase-apply"))
                           && (inside.last().startsWith(QStringLiteral("git-rebase-todo")) || inside.last() == QStringLiteral("done")))
                          || file == QStringLiteral("sequencer/todo") || file == QStringLiteral("sequencer/done");
        const bool options = file == QStringLiteral("sequencer/opts");
        if (!todo && !options)
            return QString();
        QFile staged(change.staged);
        if (!staged.open(QIODevice::ReadOnly))
            return QStringLiteral("it cannot be read to check for commands git would run");
        static const QRegularExpression exec(QStringLiteral("^\\s*(x|exec)(\\s|$)"), QRegularExpression::MultilineOption);
        // Lines are checked one by one, a chunk at a time, so that no line is split between two.
        QByteArray rest;
        for (;;) {
            QByteArray chunk = staged.read(1 << 20);
            const bool end = chunk.isEmpty();
            rest += chunk;
            const qsizetype cut = end ? rest.size() : rest.lastIndexOf('\n') + 1;
            if (cut > 0) {
                const QByteArray lines = rest.left(cut);
                rest.remove(0, cut);
                if (options && QString::fromLatin1(lines).contains(QStringLiteral("strategy"), Qt::CaseInsensitive))
                    return QStringLiteral("its options name a merge strategy, a program that git runs when the cherry-pick or "
                                          "revert continues");
                if (todo && QString::fromLatin1(lines).contains(exec))
                    return QStringLiteral("its to-do list has commands (exec) that git runs when the rebase or cherry-pick "
                                          "continues");
            }
            if (end)
                break;
            if (rest.size() > (16 << 20))
                return QStringLiteral("it has a line too long to check for commands git would run");
        }
        return QString();
    }

    // The folder git runs hooks from for the repository whose working tree is at @p top.
    QString hooksFolder(const QString &top)
    {
        const auto found = m_hooks.constFind(top);
        if (found != m_hooks.constEnd())
            return *found;
        const QString hooks = vcs::hooksFolder(top.isEmpty() ? m_folder : m_folder + u'/' + top);
        m_hooks.insert(top, hooks);
        return hooks;
    }

    QString m_folder;
    QString m_upper;
    const HoldRules &m_rules;
    QHash<QString, bool> m_gitFolders;
    QHash<QString, bool> m_hostGitFolders;
    QHash<QString, QString> m_hooks;
    QHash<QString, bool> m_repositoryTops;
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
    QStringList undecodable;
    while (const dirent *entry = ::readdir(dir.get())) {
        const QByteArray name(entry->d_name);
        if (name == "." || name == "..")
            continue;
        // A name that is not valid UTF-8 does not survive the trip through QString: every path
        // made from it would name something else. It is held, whole, and never landed.
        if (QFile::encodeName(QFile::decodeName(name)) != name)
            undecodable << QFile::decodeName(name);
        else
            names << QFile::decodeName(name);
    }
    names.sort(); // a stable order for reports and tests
    undecodable.sort();
    for (const QString &name : std::as_const(undecodable)) {
        StagedChange change;
        change.folder = scan.folder;
        change.relative = relative.isEmpty() ? name : relative + u'/' + name;
        change.held = QStringLiteral("its name is not valid UTF-8, so Gatehouse cannot check or land it");
        changes->append(change);
    }
    for (const QString &name : std::as_const(names)) {
        StagedChange change;
        change.folder = scan.folder;
        change.relative = relative.isEmpty() ? name : relative + u'/' + name;
        change.staged = scan.upper + u'/' + change.relative;
        struct stat info {};
        if (!lstatPath(change.staged, &info))
            return fail(QStringLiteral("cannot read the staged entry %1").arg(change.staged));
        // Set-user and set-group bits never land, also on what a new folder lands with, whole.
        if ((S_ISREG(info.st_mode) || S_ISDIR(info.st_mode)) && (info.st_mode & (S_ISUID | S_ISGID))) {
            info.st_mode &= ~mode_t(S_ISUID | S_ISGID);
            ::chmod(QFile::encodeName(change.staged).constData(), info.st_mode & 07777);
        }
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
