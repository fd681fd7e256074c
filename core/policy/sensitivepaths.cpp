// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/sensitivepaths.h"

#include "common/paths.h"

namespace gatehouse::policy {

QStringList credentialStores(const QString &home)
{
    QStringList paths;
    if (home.isEmpty())
        return paths;
    for (const char *relative : {".ssh", ".gnupg", ".aws", ".config/gcloud", ".kube", ".docker/config.json", ".netrc",
                                 ".git-credentials", ".local/share/keyrings", ".password-store", ".config/gh",
                                 ".azure", ".npmrc", ".pypirc", ".config/hub", ".config/git/credentials",
                                 ".claude/.credentials.json", ".pgpass", ".my.cnf", ".cargo/credentials.toml",
                                 ".cargo/credentials", ".m2/settings.xml", ".gradle/gradle.properties",
                                 ".terraform.d/credentials.tfrc.json", ".config/rclone", ".vault-token", ".yarnrc",
                                 ".gem/credentials", ".local/share/kwalletd", ".mozilla", ".config/google-chrome",
                                 ".config/chromium"})
        paths << home + u'/' + QString::fromLatin1(relative);
    return paths;
}

QStringList gatehouseFolders(const QStringList &extra)
{
    QStringList folders{paths::configDir(), paths::dataDir(), paths::stateDir(), paths::managedDir()};
    for (const QString &folder : extra)
        if (!folder.isEmpty() && !folders.contains(folder))
            folders << folder;
    folders.removeAll(QString());
    return folders;
}

} // namespace gatehouse::policy
