// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/sandboxenvironment.h"

#include "log/logging.h"
#include "log/qtformat.h"
#include "secrets/secretshapes.h"

namespace gatehouse::sandbox {

const QStringList &defaultEnvironmentAllow()
{
    static const QStringList names{
        // Who and where: the basics every program reads.
        QStringLiteral("PATH"), QStringLiteral("HOME"), QStringLiteral("USER"), QStringLiteral("LOGNAME"),
        QStringLiteral("SHELL"), QStringLiteral("TMPDIR"), QStringLiteral("TZ"),
        // Language and terminal: how output looks, nothing about what runs.
        QStringLiteral("LANG"), QStringLiteral("LANGUAGE"), QStringLiteral("LC_*"), QStringLiteral("TERM"),
        QStringLiteral("COLORTERM"), QStringLiteral("NO_COLOR"), QStringLiteral("COLUMNS"), QStringLiteral("LINES"),
        // Folders, not the runtime folder: that one holds the session's sockets (bus, agents, display).
        QStringLiteral("XDG_CONFIG_HOME"), QStringLiteral("XDG_DATA_HOME"), QStringLiteral("XDG_STATE_HOME"),
        QStringLiteral("XDG_CACHE_HOME"), QStringLiteral("XDG_CONFIG_DIRS"), QStringLiteral("XDG_DATA_DIRS"),
        // Who commits: a commit made inside carries the person's name, as one made outside.
        QStringLiteral("GIT_AUTHOR_NAME"), QStringLiteral("GIT_AUTHOR_EMAIL"), QStringLiteral("GIT_COMMITTER_NAME"),
        QStringLiteral("GIT_COMMITTER_EMAIL"),
        // Toolchain locations: where the compilers and package managers are, not what they run.
        QStringLiteral("GOPATH"), QStringLiteral("GOROOT"), QStringLiteral("GOBIN"), QStringLiteral("GOMODCACHE"),
        QStringLiteral("CARGO_HOME"), QStringLiteral("RUSTUP_HOME"), QStringLiteral("RUSTUP_TOOLCHAIN"),
        QStringLiteral("JAVA_HOME"), QStringLiteral("MAVEN_HOME"), QStringLiteral("GRADLE_HOME"),
        QStringLiteral("ANDROID_HOME"), QStringLiteral("ANDROID_SDK_ROOT"), QStringLiteral("DOTNET_ROOT"),
        QStringLiteral("VIRTUAL_ENV"), QStringLiteral("CONDA_PREFIX"), QStringLiteral("PYENV_ROOT"),
        QStringLiteral("PYENV_VERSION"), QStringLiteral("NVM_DIR"), QStringLiteral("NVM_BIN"),
        QStringLiteral("VOLTA_HOME"), QStringLiteral("PNPM_HOME"), QStringLiteral("BUN_INSTALL"),
        QStringLiteral("DENO_INSTALL"), QStringLiteral("RBENV_ROOT"), QStringLiteral("GEM_HOME"),
        QStringLiteral("GEM_PATH"), QStringLiteral("SDKMAN_DIR")};
    return names;
}

bool environmentNameMatches(const QString &pattern, const QString &name)
{
    if (pattern.endsWith(u'*'))
        return name.startsWith(QStringView(pattern).chopped(1));
    return name == pattern;
}

QProcessEnvironment sandboxEnvironment(const QProcessEnvironment &environment, const QStringList &allow,
                                       QStringList *withheld)
{
    const auto matches = [](const QStringList &patterns, const QString &name, bool exactly) {
        for (const QString &pattern : patterns)
            if (exactly ? pattern == name : environmentNameMatches(pattern, name))
                return true;
        return false;
    };
    QProcessEnvironment result;
    const QStringList keys = environment.keys();
    for (const QString &key : keys) {
        const bool named = matches(defaultEnvironmentAllow(), key, true) || matches(allow, key, true);
        // A pattern (LC_*, MYAPP_*) does not bring names that say they hold a secret.
        const bool byPattern = (matches(defaultEnvironmentAllow(), key, false) || matches(allow, key, false))
                               && !secrets::looksSecretName(key);
        if (!named && !byPattern)
            continue;
        const QString value = environment.value(key);
        if (secrets::carriesCredential(value)) {
            log::logger("sandbox")->warn("the variable {} is not passed to sandboxed commands: its value carries a credential", key);
            if (withheld)
                *withheld << key;
            continue;
        }
        result.insert(key, value);
    }
    return result;
}

} // namespace gatehouse::sandbox
