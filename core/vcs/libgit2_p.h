// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/error.h"

#include <QString>

#include <git2.h>
#include <git2/sys/errors.h>

#include <memory>

/// What the libgit2 users of core/vcs share: one initialisation, handles that free themselves
/// and errors that carry libgit2's message.
namespace gatehouse::vcs::detail {

// libgit2 keeps global state; one initialisation for the life of the program.
struct LibGit2
{
    LibGit2() { git_libgit2_init(); }
    ~LibGit2() { git_libgit2_shutdown(); }
    LibGit2(const LibGit2 &) = delete;
    LibGit2 &operator=(const LibGit2 &) = delete;
};

inline void ensureLibGit2()
{
    static LibGit2 instance;
}

template<auto FreeFunction>
struct Deleter
{
    template<typename T>
    void operator()(T *handle) const { FreeFunction(handle); }
};

using RepositoryPtr = std::unique_ptr<git_repository, Deleter<git_repository_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Deleter<git_reference_free>>;
using StatusListPtr = std::unique_ptr<git_status_list, Deleter<git_status_list_free>>;
using BufferPtr = std::unique_ptr<git_buf, Deleter<git_buf_dispose>>;
using IndexPtr = std::unique_ptr<git_index, Deleter<git_index_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree_free>>;

inline Error lastError(const QString &what)
{
    const git_error *e = git_error_last();
    const QString detail = (e && e->message) ? QString::fromUtf8(e->message) : QStringLiteral("unknown error");
    return Error{what + QStringLiteral(": ") + detail};
}

} // namespace gatehouse::vcs::detail
