// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/sandboxspec.h"

#include "policy/policy.h"
#include "policy/protectednames.h"
#include "policy/sensitivepaths.h"
#include "sandbox/staging.h"

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
    // The git folder is protected only where it makes git run programs: its data must stay
    // writable for git's own commands.
    QStringList entries{QStringLiteral(".git/config"), QStringLiteral(".git/hooks")};
    for (QString name : policy::protectedNames()) {
        if (name.endsWith(u'*'))
            name.chop(1); // `.yarnrc*`: the plain name stands for the family in the fallback
        if (name.endsWith(u'/'))
            name.chop(1);
        if (name != QStringLiteral(".git"))
            entries << name;
    }
    return entries;
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
                    + policy.sandboxDenyRead()
                    // Other commands' staged writes (their overlays keep working underneath).
                    << StagingArea::stagingRoot();
    spec.environmentAllow = policy.sandboxEnvironmentAllow();
    return spec;
}

} // namespace gatehouse::sandbox
