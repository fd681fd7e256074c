// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

/// The environment of a sandboxed command (SECURITY-MODEL.md section 6): an allowlist, because a
/// list of names that look secret is always one name short (DATABASE_URL, MYSQL_PWD, CI_JOB_JWT...).
namespace gatehouse::sandbox {

/// The variables every sandboxed command gets, when set: PATH, HOME, USER, LOGNAME, SHELL, LANG,
/// LANGUAGE, LC_*, TERM, COLORTERM, NO_COLOR, COLUMNS, LINES, TZ, TMPDIR, the XDG base folders (not
/// XDG_RUNTIME_DIR, which holds the session's sockets), git's author and committer identity, and
/// toolchain locations (GOPATH, GOROOT, CARGO_HOME, RUSTUP_HOME, JAVA_HOME, VIRTUAL_ENV, NVM_DIR,
/// PYENV_ROOT...). Names, and NAME_PREFIX* patterns.
///
/// Left out on purpose, for sandbox.environment.allow to name where wanted: what changes which
/// program or library runs (LD_PRELOAD, LD_LIBRARY_PATH, BASH_ENV, ENV, PROMPT_COMMAND, EDITOR,
/// PAGER, GIT_CONFIG_*, GIT_SSH_COMMAND, PYTHONPATH, PYTHONSTARTUP, NODE_OPTIONS, GOFLAGS...), and
/// everything else.
const QStringList &defaultEnvironmentAllow();

/// Whether @p name is matched by @p pattern: the same name, or a NAME_PREFIX* pattern.
bool environmentNameMatches(const QString &pattern, const QString &name);

/// Of @p environment, the variables named by defaultEnvironmentAllow() or by @p allow
/// (sandbox.environment.allow), but none whose value carries a credential
/// (secrets::carriesCredential: a known token shape, a URL with a user part...), however it was
/// allowed. A variable that only a NAME_PREFIX* pattern allows does not pass either when its name
/// looks secret (MYAPP_* does not bring MYAPP_TOKEN); naming it exactly does. The names withheld
/// for their value go to @p withheld, when given. TMPDIR and the proxy variables are set again
/// inside by the sandbox itself.
QProcessEnvironment sandboxEnvironment(const QProcessEnvironment &environment, const QStringList &allow,
                                       QStringList *withheld = nullptr);

} // namespace gatehouse::sandbox
