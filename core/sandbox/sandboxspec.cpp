// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/sandboxspec.h"

#include "policy/policy.h"
#include "policy/sensitivepaths.h"

#include <QRegularExpression>

namespace gatehouse::sandbox {

bool looksSecret(const QString &name)
{
    const QString upper = name.toUpper();
    static const QStringList markers{QStringLiteral("TOKEN"),      QStringLiteral("SECRET"),  QStringLiteral("PASSWORD"),
                                     QStringLiteral("PASSWD"),     QStringLiteral("API_KEY"), QStringLiteral("APIKEY"),
                                     QStringLiteral("CREDENTIAL"), QStringLiteral("PRIVATE"),
                                     QStringLiteral("SESSION"),    QStringLiteral("COOKIE"),  QStringLiteral("_KEY"),
                                     QStringLiteral("ACCESS_KEY")};
    for (const QString &marker : markers)
        if (upper.contains(marker))
            return true;
    // AUTH as in GITHUB_AUTH or AUTH_HEADER, not as in GIT_AUTHOR_NAME.
    static const QRegularExpression auth(QStringLiteral("AUTH(?!OR)"));
    if (upper.contains(auth))
        return true;
    static const QStringList prefixes{QStringLiteral("ANTHROPIC_"), QStringLiteral("OPENAI_"), QStringLiteral("AWS_"),
                                      QStringLiteral("AZURE_"),     QStringLiteral("GOOGLE_"), QStringLiteral("GCP_"),
                                      QStringLiteral("GH_"),        QStringLiteral("GITHUB_"), QStringLiteral("NPM_")};
    for (const QString &prefix : prefixes)
        if (upper.startsWith(prefix))
            return true;
    // Sockets and agents that hand out credentials.
    return upper == QStringLiteral("SSH_AUTH_SOCK") || upper == QStringLiteral("GPG_AGENT_INFO")
           || upper == QStringLiteral("DBUS_SESSION_BUS_ADDRESS") || upper == QStringLiteral("GNOME_KEYRING_CONTROL");
}

QProcessEnvironment scrubbedEnvironment(const QProcessEnvironment &environment, const QStringList &pass)
{
    QProcessEnvironment result;
    const QStringList keys = environment.keys();
    for (const QString &key : keys)
        if (pass.contains(key) || !looksSecret(key))
            result.insert(key, environment.value(key));
    return result;
}

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
    spec.allowRead = policy.sandboxAllowRead();
    spec.homeDir = policy.homeDir();
    // The same credential stores and Gatehouse folders that the engine keeps the file tools out of.
    spec.denyRead = policy::credentialStores(policy.homeDir())
                    + policy::gatehouseFolders({policy.options().userConfigDir, policy.options().managedDir})
                    + policy.sandboxDenyRead();
    return spec;
}

} // namespace gatehouse::sandbox
