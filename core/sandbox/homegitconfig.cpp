// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/homegitconfig.h"

#include "secrets/secretshapes.h"
#include "vcs/libgit2_p.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <memory>

namespace gatehouse::sandbox {
namespace {

using vcs::detail::Deleter;
using ConfigPtr = std::unique_ptr<git_config, Deleter<git_config_free>>;
using IteratorPtr = std::unique_ptr<git_config_iterator, Deleter<git_config_iterator_free>>;

// Sections whose keys only shape how git behaves. An allowlist: a key of any other section
// (credential.*, url.*, http.*, include*, remote.*, sendemail.*, gpg.*, lfs.*, or a tool's own
// section such as github.token) is not shown, whatever it holds.
bool allowedKey(const QString &key)
{
    static const QStringList sections{
        QStringLiteral("add"),      QStringLiteral("advice"),    QStringLiteral("alias"),    QStringLiteral("am"),
        QStringLiteral("apply"),    QStringLiteral("blame"),     QStringLiteral("branch"),   QStringLiteral("checkout"),
        QStringLiteral("clone"),    QStringLiteral("color"),     QStringLiteral("column"),   QStringLiteral("commit"),
        QStringLiteral("core"),     QStringLiteral("diff"),      QStringLiteral("difftool"), QStringLiteral("feature"),
        QStringLiteral("fetch"),    QStringLiteral("filter"),    QStringLiteral("format"),   QStringLiteral("gc"),
        QStringLiteral("grep"),     QStringLiteral("help"),      QStringLiteral("index"),    QStringLiteral("init"),
        QStringLiteral("interactive"), QStringLiteral("log"),    QStringLiteral("merge"),    QStringLiteral("mergetool"),
        QStringLiteral("pack"),     QStringLiteral("pager"),     QStringLiteral("pretty"),   QStringLiteral("protocol"),
        QStringLiteral("pull"),     QStringLiteral("push"),      QStringLiteral("rebase"),   QStringLiteral("rerere"),
        QStringLiteral("safe"),     QStringLiteral("status"),    QStringLiteral("submodule"), QStringLiteral("tag"),
        QStringLiteral("user"),     QStringLiteral("versionsort")};
    // Signing: the keys are hidden, and the agent's commits are not the person's signed ones.
    static const QStringList dropped{QStringLiteral("user.signingkey"), QStringLiteral("commit.gpgsign"),
                                     QStringLiteral("tag.gpgsign"), QStringLiteral("tag.forcesignannotated"),
                                     QStringLiteral("push.gpgsign"), QStringLiteral("commit.template")};
    const QString section = key.section(u'.', 0, 0).toLower();
    return sections.contains(section) && !dropped.contains(key.toLower());
}

QByteArray quoted(const char *value)
{
    QByteArray out("\"");
    for (const char *c = value; *c; ++c) {
        switch (*c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default: out += *c;
        }
    }
    return out + '"';
}

// "section.sub.section.name" as a config file line under its header.
void append(QByteArray &text, QByteArray &lastHeader, const QByteArray &key, const char *value)
{
    const qsizetype first = key.indexOf('.');
    const qsizetype last = key.lastIndexOf('.');
    if (first < 0 || last <= first - 1)
        return;
    QByteArray header = '[' + key.left(first);
    if (last > first) {
        QByteArray sub = key.mid(first + 1, last - first - 1);
        sub.replace("\\", "\\\\").replace("\"", "\\\"");
        header += " \"" + sub + '"';
    }
    header += "]\n";
    if (header != lastHeader) {
        text += header;
        lastHeader = header;
    }
    text += '\t' + key.mid(last + 1) + " = " + quoted(value ? value : "") + '\n';
}

QString expandHome(const QString &path, const QString &home)
{
    if (path == QStringLiteral("~"))
        return home;
    if (path.startsWith(QStringLiteral("~/")))
        return home + path.mid(1);
    return path;
}

} // namespace

FilteredGitConfig filteredGitConfig(const QString &home, const QString &projectDir)
{
    vcs::detail::ensureLibGit2();
    FilteredGitConfig result;
    result.text = "# Written by Gatehouse for the sandbox: the git configuration of the person outside,\n"
                  "# without credential helpers, URL rewrites, http headers, includes or signing keys.\n";
    QStringList files;
    const QString xdg = qEnvironmentVariable("XDG_CONFIG_HOME");
    files << (QDir::isAbsolutePath(xdg) ? xdg : home + QStringLiteral("/.config")) + QStringLiteral("/git/config");
    const QString global = qEnvironmentVariable("GIT_CONFIG_GLOBAL");
    files << (global.isEmpty() ? home + QStringLiteral("/.gitconfig") : global);

    // The project's repository, so that includeIf "gitdir:..." is decided as git inside would.
    git_repository *rawRepository = nullptr;
    vcs::detail::RepositoryPtr repository;
    if (!projectDir.isEmpty() && git_repository_open_ext(&rawRepository, QFile::encodeName(projectDir).constData(), 0, nullptr) == 0)
        repository.reset(rawRepository);

    QByteArray lastHeader;
    for (const QString &file : std::as_const(files)) {
        if (!QFileInfo(file).isFile())
            continue;
        git_config *rawConfig = nullptr;
        if (git_config_new(&rawConfig) != 0)
            continue;
        ConfigPtr config(rawConfig);
        if (git_config_add_file_ondisk(config.get(), QFile::encodeName(file).constData(), GIT_CONFIG_LEVEL_GLOBAL,
                                       repository.get(), 0)
            != 0)
            continue; // unreadable or broken: nothing of it is shown
        result.sources << file;
        git_config_iterator *rawIterator = nullptr;
        if (git_config_iterator_new(&rawIterator, config.get()) != 0)
            continue;
        IteratorPtr iterator(rawIterator);
        git_config_entry *entry = nullptr;
        while (git_config_next(&entry, iterator.get()) == 0) {
            const QString key = QString::fromUtf8(entry->name);
            const QString value = QString::fromUtf8(entry->value ? entry->value : "");
            if (!allowedKey(key) || secrets::carriesCredential(value))
                continue;
            if (key.compare(QStringLiteral("core.excludesfile"), Qt::CaseInsensitive) == 0)
                result.excludesFile = expandHome(value, home);
            else if (key.compare(QStringLiteral("core.attributesfile"), Qt::CaseInsensitive) == 0)
                result.attributesFile = expandHome(value, home);
            append(result.text, lastHeader, QByteArray(entry->name), entry->value);
        }
    }
    return result;
}

} // namespace gatehouse::sandbox
