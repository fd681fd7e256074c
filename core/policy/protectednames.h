// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

/// The names that make a path protected (SECURITY-MODEL.md section 4): whatever is written there
/// is read later by a program that runs code from it (git, editors, shells, package managers, hook
/// managers, Gatehouse itself) outside any sandbox. One list for the engine (the file tools and
/// redirections ask) and the sandbox (a staged write there is held for the person, and the
/// fallback without overlays mounts them read-only).
namespace gatehouse::policy {

/// Whether a single path component is a protected name, at any depth of a writable folder:
/// `.git`, `.gatehouse`, `.vscode`, shell start-up files, `.npmrc`, `.yarnrc*`, hook managers'
/// configuration (`.husky`, `.pre-commit-config.yaml`, `lefthook.yml`...).
bool isProtectedName(QStringView component);

/// The protected names, as shown to the person (`gatehouse rules`); `.yarnrc*` stands for the
/// names that start with `.yarnrc`.
QStringList protectedNames();

/// The protected names that are folders when they exist (the sandbox's fallback mounts an
/// empty read-only folder in place of a missing one).
bool isProtectedFolderName(QStringView component);

} // namespace gatehouse::policy
