// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/protectednames.h"

#include <array>

namespace gatehouse::policy {
namespace {

// Folders: git's, Gatehouse's and other agents' settings, editors that run tasks from the
// project, and hook managers whose scripts git's hooks run.
constexpr std::array folderNames{u".git", u".gatehouse", u".claude", u".vscode", u".idea", u".husky", u".lefthook",
                                 u".lefthook-local", u".githooks",
                                 // Mercurial's repository (its hgrc runs hooks on `hg status`), and
                                 // editors and agents that start programs from project settings
                                 // (Cursor's MCP servers, Zed's language servers and tasks).
                                 u".hg", u".cursor", u".zed"};

// Files: Gatehouse and MCP configuration, direnv, git's own, shell start-up files, package
// managers' configuration that runs code or points at registries with credentials, ripgrep's
// configuration (adds options to every rg), and hook managers' configuration.
constexpr std::array fileNames{
    u".mcp.json",      u".gitmodules",       u".gitconfig",      u".bashrc",
    u".bash_profile",  u".bash_login",     u".bash_logout",      u".profile",        u".zshrc",
    u".zshenv",        u".zprofile",       u".zlogin",           u".zlogout",        u".kshrc",
    u".cshrc",         u".tcshrc",         u".inputrc",          u".npmrc",          u".pnpmfile.cjs",
    u".pnpmfile.mjs",  u".ripgreprc",      u".pre-commit-config.yaml", u"lefthook.yml", u"lefthook.yaml",
    u".lefthook.yml",  u".lefthook.yaml",  u"lefthook-local.yml", u"lefthook-local.yaml", u"lefthook.json",
    u"lefthook.toml",  u".overcommit.yml", u".simple-git-hooks.json", u".simple-git-hooks.js",
    u".simple-git-hooks.cjs", u"simple-git-hooks.json", u"simple-git-hooks.js", u"simple-git-hooks.cjs",
    // Read by shells and editors when they start: aliases sourced by the usual ~/.bashrc, csh's
    // login files, vim's and neovim's per-folder start-up files.
    u".bash_aliases", u".login", u".logout", u".exrc", u".nvimrc", u".nvim.lua"};

// `.yarnrc`, `.yarnrc.yml` and whatever yarn reads next; `.envrc` and the `.envrc.local` or
// `.envrc.private` that an `.envrc` sources (direnv approves only the `.envrc` itself).
constexpr std::array familyPrefixes{u".yarnrc", u".envrc"};

bool listed(QStringView component, const auto &names)
{
    for (const char16_t *name : names)
        if (component == QStringView(name))
            return true;
    return false;
}

} // namespace

bool isProtectedName(QStringView component)
{
    if (listed(component, folderNames) || listed(component, fileNames))
        return true;
    for (const char16_t *prefix : familyPrefixes)
        if (component.startsWith(QStringView(prefix)))
            return true;
    return false;
}

bool isProtectedFolderName(QStringView component)
{
    return listed(component, folderNames);
}

QStringList protectedNames()
{
    QStringList names;
    for (const char16_t *name : folderNames)
        names << QString::fromUtf16(name) + u'/';
    for (const char16_t *name : fileNames)
        names << QString::fromUtf16(name);
    for (const char16_t *prefix : familyPrefixes)
        names << QString::fromUtf16(prefix) + u'*';
    return names;
}

} // namespace gatehouse::policy
