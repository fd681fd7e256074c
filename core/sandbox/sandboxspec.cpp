// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/sandboxspec.h"

#include "policy/policy.h"
#include "policy/sensitivepaths.h"

namespace gatehouse::sandbox {

QList<QPair<QString, QString>> proxyEnvironment(quint16 port)
{
    const QString http = QStringLiteral("http://127.0.0.1:%1").arg(port);
    const QString socks = QStringLiteral("socks5h://127.0.0.1:%1").arg(port);
    QList<QPair<QString, QString>> variables;
    for (const char *name : {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"}) {
        const QString upper = QString::fromLatin1(name);
        const QString value = upper == QStringLiteral("ALL_PROXY")  ? socks
                              : upper == QStringLiteral("NO_PROXY") ? QString()
                                                                    : http;
        variables.append({upper, value});
        variables.append({upper.toLower(), value});
    }
    return variables;
}

QStringList protectedEntries()
{
    return {QStringLiteral(".git/config"),  QStringLiteral(".git/hooks"),  QStringLiteral(".gatehouse"),
            QStringLiteral(".mcp.json"),    QStringLiteral(".claude"),     QStringLiteral(".vscode"),
            QStringLiteral(".idea"),        QStringLiteral(".envrc"),      QStringLiteral(".gitmodules"),
            QStringLiteral(".gitconfig"),   QStringLiteral(".bashrc"),     QStringLiteral(".bash_profile"),
            QStringLiteral(".bash_login"),  QStringLiteral(".profile"),    QStringLiteral(".zshrc"),
            QStringLiteral(".zshenv"),      QStringLiteral(".zprofile"),   QStringLiteral(".npmrc"),
            QStringLiteral(".yarnrc"),      QStringLiteral(".yarnrc.yml"), QStringLiteral(".pnpmfile.cjs")};
}

SandboxSpec specForPolicy(const policy::Policy &policy)
{
    SandboxSpec spec;
    spec.projectDir = policy.projectDir();
    spec.writableFolders = policy.workspaceFolders() + policy.sandboxAllowWrite();
    // The same credential stores and Gatehouse folders that the engine keeps the file tools out of.
    spec.denyRead = policy::credentialStores(policy.homeDir())
                    + policy::gatehouseFolders({policy.options().userConfigDir, policy.options().managedDir})
                    + policy.sandboxDenyRead();
    spec.environmentAllow = policy.sandboxEnvironmentAllow();
    return spec;
}

} // namespace gatehouse::sandbox
