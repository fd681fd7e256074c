// SPDX-License-Identifier: GPL-3.0-or-later
#include "vcs/hookspath.h"

#include "vcs/libgit2_p.h"

#include <QDir>
#include <QFile>

namespace gatehouse::vcs {

using namespace detail;

QString hooksFolder(const QString &path)
{
    ensureLibGit2();
    git_repository *raw = nullptr;
    if (git_repository_open_ext(&raw, QFile::encodeName(path).constData(), 0, nullptr) != 0)
        return {};
    RepositoryPtr repository(raw);
    git_config *rawConfig = nullptr;
    if (git_repository_config_snapshot(&rawConfig, repository.get()) != 0)
        return {};
    std::unique_ptr<git_config, Deleter<git_config_free>> config(rawConfig);
    git_buf value = GIT_BUF_INIT;
    BufferPtr owned(&value);
    if (git_config_get_path(&value, config.get(), "core.hooksPath") == 0 && value.size > 0) {
        const QString configured = QString::fromUtf8(value.ptr, qsizetype(value.size));
        if (QDir::isAbsolutePath(configured))
            return QDir::cleanPath(configured);
        // Git runs hooks from the top of the working tree (the git folder of a bare repository).
        const char *base = git_repository_workdir(repository.get());
        if (!base)
            base = git_repository_path(repository.get());
        return QDir::cleanPath(QFile::decodeName(base) + u'/' + configured);
    }
    return QDir::cleanPath(QFile::decodeName(git_repository_path(repository.get())) + QStringLiteral("/hooks"));
}

} // namespace gatehouse::vcs
