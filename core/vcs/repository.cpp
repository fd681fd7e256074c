// SPDX-License-Identifier: GPL-3.0-or-later
#include "vcs/repository.h"

#include "vcs/libgit2_p.h"

#include <QDir>

#include <git2.h>
#include <git2/sys/errors.h>

namespace gatehouse::vcs {
namespace {

using namespace detail;

QString shortId(const git_oid *oid)
{
    char text[GIT_OID_MAX_HEXSIZE + 1] = {};
    git_oid_tostr(text, sizeof text, oid);
    return QString::fromLatin1(text).left(7);
}

QString withoutPrefix(const char *name, const char *prefix)
{
    QString text = QString::fromUtf8(name);
    const QString p = QString::fromLatin1(prefix);
    return text.startsWith(p) ? text.mid(p.size()) : text;
}

Expected<void> readHead(git_repository *repo, RepositoryStatus &status)
{
    git_reference *raw = nullptr;
    const int rc = git_repository_head(&raw, repo);
    ReferencePtr head(raw);
    if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
        status.unborn = true;
        git_reference *rawHead = nullptr;
        if (git_reference_lookup(&rawHead, repo, "HEAD") != 0)
            return std::unexpected(lastError(QStringLiteral("cannot read HEAD")));
        ReferencePtr symbolic(rawHead);
        if (const char *target = git_reference_symbolic_target(symbolic.get()))
            status.branch = withoutPrefix(target, "refs/heads/");
        return {};
    }
    if (rc != 0)
        return std::unexpected(lastError(QStringLiteral("cannot read HEAD")));

    status.detached = git_repository_head_detached(repo) == 1;
    if (const git_oid *oid = git_reference_target(head.get()))
        status.headShortId = shortId(oid);
    if (status.detached)
        return {};

    status.branch = withoutPrefix(git_reference_name(head.get()), "refs/heads/");

    git_reference *rawUpstream = nullptr;
    if (git_branch_upstream(&rawUpstream, head.get()) == 0) {
        ReferencePtr upstream(rawUpstream);
        status.upstream = withoutPrefix(git_reference_name(upstream.get()), "refs/remotes/");
        const git_oid *local = git_reference_target(head.get());
        const git_oid *remote = git_reference_target(upstream.get());
        std::size_t ahead = 0;
        std::size_t behind = 0;
        if (local && remote && git_graph_ahead_behind(&ahead, &behind, repo, local, remote) == 0) {
            status.ahead = static_cast<int>(ahead);
            status.behind = static_cast<int>(behind);
        }
    }
    // No upstream is an ordinary state, not an error.
    git_error_clear();
    return {};
}

Expected<ChangeSummary> readChanges(git_repository *repo)
{
    git_status_options options = GIT_STATUS_OPTIONS_INIT;
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX
                    | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    git_status_list *raw = nullptr;
    if (git_status_list_new(&raw, repo, &options) != 0)
        return std::unexpected(lastError(QStringLiteral("cannot read the working-tree status")));
    StatusListPtr list(raw);

    ChangeSummary summary;
    const std::size_t count = git_status_list_entrycount(list.get());
    constexpr unsigned indexFlags = GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_DELETED
                                    | GIT_STATUS_INDEX_RENAMED | GIT_STATUS_INDEX_TYPECHANGE;
    for (std::size_t i = 0; i < count; ++i) {
        const git_status_entry *entry = git_status_byindex(list.get(), i);
        const unsigned flags = entry->status;
        if (flags & GIT_STATUS_CONFLICTED) {
            ++summary.conflicted;
            continue;
        }
        if (flags & indexFlags)
            ++summary.staged;
        if (flags & (GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_WT_RENAMED))
            ++summary.modified;
        if (flags & GIT_STATUS_WT_DELETED)
            ++summary.deleted;
        if (flags & GIT_STATUS_WT_NEW)
            ++summary.untracked;
    }
    return summary;
}

} // namespace

Expected<std::optional<RepositoryStatus>> readStatus(const QString &path)
{
    ensureLibGit2();
    const QByteArray nativePath = QFile::encodeName(QDir(path).absolutePath());
    git_repository *raw = nullptr;
    const int rc = git_repository_open_ext(&raw, nativePath.constData(), 0, nullptr);
    RepositoryPtr repo(raw);
    if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        return std::optional<RepositoryStatus>();
    }
    if (rc != 0)
        return std::unexpected(lastError(QStringLiteral("cannot open the git repository at %1").arg(path)));

    RepositoryStatus status;
    if (git_repository_is_bare(repo.get()))
        return std::unexpected(Error{QStringLiteral("%1 is a bare git repository").arg(path)});
    status.workDir = QDir(QFile::decodeName(git_repository_workdir(repo.get()))).canonicalPath();

    if (auto head = readHead(repo.get(), status); !head)
        return std::unexpected(head.error());
    auto changes = readChanges(repo.get());
    if (!changes)
        return std::unexpected(changes.error());
    status.changes = *changes;
    return std::optional<RepositoryStatus>(std::move(status));
}

} // namespace gatehouse::vcs
