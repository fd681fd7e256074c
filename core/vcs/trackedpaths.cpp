// SPDX-License-Identifier: GPL-3.0-or-later
#include "vcs/trackedpaths.h"

#include "vcs/libgit2_p.h"

#include <QDir>
#include <QFile>

#include <sys/stat.h>

#include <cerrno>

namespace gatehouse::vcs {
namespace {

using namespace detail;

// The repository containing @p folder, or nullptr when there is none.
Expected<RepositoryPtr> openRepository(const QString &folder)
{
    ensureLibGit2();
    const QByteArray nativePath = QFile::encodeName(QDir(folder).absolutePath());
    git_repository *raw = nullptr;
    const int rc = git_repository_open_ext(&raw, nativePath.constData(), 0, nullptr);
    RepositoryPtr repo(raw);
    if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        return RepositoryPtr();
    }
    if (rc != 0)
        return std::unexpected(lastError(QStringLiteral("cannot open the git repository at %1").arg(folder)));
    if (git_repository_is_bare(repo.get()))
        return std::unexpected(Error{QStringLiteral("%1 is a bare git repository").arg(folder)});
    return repo;
}

// HEAD's commit, or nullopt on an unborn branch.
Expected<std::optional<git_oid>> headCommit(git_repository *repo)
{
    git_oid oid{};
    const int rc = git_reference_name_to_id(&oid, repo, "HEAD");
    if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) {
        git_error_clear();
        return std::optional<git_oid>();
    }
    if (rc != 0)
        return std::unexpected(lastError(QStringLiteral("cannot resolve HEAD")));
    return std::optional<git_oid>(oid);
}

Expected<TrackedStamp> stampOf(git_repository *repo)
{
    TrackedStamp result;
    result.workDir = QDir(QFile::decodeName(git_repository_workdir(repo))).canonicalPath();
    git_buf rawPath = GIT_BUF_INIT;
    if (git_repository_item_path(&rawPath, repo, GIT_REPOSITORY_ITEM_INDEX) != 0)
        return std::unexpected(lastError(QStringLiteral("cannot find the index file")));
    const BufferPtr indexPath(&rawPath);
    QByteArray stamp = QByteArray(indexPath->ptr, static_cast<qsizetype>(indexPath->size)) + '\n';
    struct stat info {};
    if (::stat(indexPath->ptr, &info) == 0)
        stamp += QByteArray::number(static_cast<qulonglong>(info.st_dev)) + ' ' + QByteArray::number(static_cast<qulonglong>(info.st_ino))
                 + ' ' + QByteArray::number(static_cast<qlonglong>(info.st_size)) + ' '
                 + QByteArray::number(static_cast<qlonglong>(info.st_mtim.tv_sec)) + '.'
                 + QByteArray::number(static_cast<qlonglong>(info.st_mtim.tv_nsec));
    else if (errno == ENOENT)
        stamp += "no index";
    else
        return std::unexpected(Error{QStringLiteral("cannot stat the index file %1").arg(QFile::decodeName(indexPath->ptr))});
    auto head = headCommit(repo);
    if (!head)
        return std::unexpected(head.error());
    char text[GIT_OID_MAX_HEXSIZE + 1] = {};
    if (*head)
        git_oid_tostr(text, sizeof text, &**head);
    result.stamp = stamp + '\n' + (*head ? QByteArray(text) : QByteArray("unborn"));
    return result;
}

int collectTreeEntry(const char *root, const git_tree_entry *entry, void *payload)
{
    auto *out = static_cast<TrackedPaths *>(payload);
    const git_object_t type = git_tree_entry_type(entry);
    if (type == GIT_OBJECT_TREE)
        return 0; // its entries follow
    if (type == GIT_OBJECT_COMMIT)
        out->hasSubmodules = true;
    out->paths << QString::fromUtf8(root) + QString::fromUtf8(git_tree_entry_name(entry));
    return 0;
}

} // namespace

Expected<std::optional<TrackedStamp>> trackedStamp(const QString &folder)
{
    auto repo = openRepository(folder);
    if (!repo)
        return std::unexpected(repo.error());
    if (!*repo)
        return std::optional<TrackedStamp>();
    auto stamp = stampOf(repo->get());
    if (!stamp)
        return std::unexpected(stamp.error());
    return std::optional<TrackedStamp>(std::move(*stamp));
}

Expected<std::optional<TrackedPaths>> trackedPaths(const QString &folder)
{
    auto repo = openRepository(folder);
    if (!repo)
        return std::unexpected(repo.error());
    if (!*repo)
        return std::optional<TrackedPaths>();
    TrackedPaths result;
    auto stamp = stampOf(repo->get());
    if (!stamp)
        return std::unexpected(stamp.error());
    result.stamp = std::move(*stamp);

    git_index *rawIndex = nullptr;
    if (git_repository_index(&rawIndex, repo->get()) != 0)
        return std::unexpected(lastError(QStringLiteral("cannot read the index")));
    const IndexPtr index(rawIndex);
    const std::size_t count = git_index_entrycount(index.get());
    for (std::size_t i = 0; i < count; ++i) {
        const git_index_entry *entry = git_index_get_byindex(index.get(), i);
        if (!entry)
            return std::unexpected(Error{QStringLiteral("cannot read entry %1 of the index").arg(i)});
        if ((entry->mode & 0170000) == GIT_FILEMODE_COMMIT)
            result.hasSubmodules = true;
        result.paths << QString::fromUtf8(entry->path);
    }

    auto head = headCommit(repo->get());
    if (!head)
        return std::unexpected(head.error());
    if (*head) {
        git_commit *rawCommit = nullptr;
        if (git_commit_lookup(&rawCommit, repo->get(), &**head) != 0)
            return std::unexpected(lastError(QStringLiteral("cannot read HEAD's commit")));
        const CommitPtr commit(rawCommit);
        git_tree *rawTree = nullptr;
        if (git_commit_tree(&rawTree, commit.get()) != 0)
            return std::unexpected(lastError(QStringLiteral("cannot read HEAD's tree")));
        const TreePtr tree(rawTree);
        if (git_tree_walk(tree.get(), GIT_TREEWALK_PRE, collectTreeEntry, &result) != 0)
            return std::unexpected(lastError(QStringLiteral("cannot walk HEAD's tree")));
    }
    return std::optional<TrackedPaths>(std::move(result));
}

} // namespace gatehouse::vcs
