// SPDX-License-Identifier: GPL-3.0-or-later
#include "sandbox/homeview.h"

#include "log/logging.h"
#include "policy/paths.h"
#include "policy/sensitivepaths.h"
#include "sandbox/bwraprunner.h"
#include "sandbox/homegitconfig.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace gatehouse::sandbox {
namespace {

using policy::canonicalPath;
using policy::cleanAbsolute;
using policy::isInside;

bool exists(const QString &path)
{
    struct stat info {};
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0;
}

QString homeOf(const SandboxSpec &spec)
{
    const QString home = spec.homeDir.isEmpty() ? qEnvironmentVariable("HOME") : spec.homeDir;
    return QDir::isAbsolutePath(home) ? cleanAbsolute(home) : QString();
}

QString passwdHome()
{
    const passwd *entry = ::getpwuid(::getuid());
    return entry && entry->pw_dir ? QFile::decodeName(entry->pw_dir) : QString();
}

QString userName()
{
    const passwd *entry = ::getpwuid(::getuid());
    return entry && entry->pw_name ? QFile::decodeName(entry->pw_name) : QString();
}

bool insideAny(const QString &path, const QStringList &folders)
{
    for (const QString &folder : folders)
        if (isInside(path, folder))
            return true;
    return false;
}

// Folders a broken HOME may name that the sandbox needs (HOME=/usr must not empty /usr). A
// service user's home such as /var/lib/postgresql is a home like any other.
bool isSystemFolder(const QString &path)
{
    static const QStringList whole{QStringLiteral("/usr"),  QStringLiteral("/etc"),   QStringLiteral("/bin"),
                                   QStringLiteral("/sbin"), QStringLiteral("/lib"),   QStringLiteral("/lib32"),
                                   QStringLiteral("/lib64"), QStringLiteral("/libx32"), QStringLiteral("/proc"),
                                   QStringLiteral("/sys"),  QStringLiteral("/dev"),   QStringLiteral("/boot"),
                                   QStringLiteral("/nix"),  QStringLiteral("/gnu"),   QStringLiteral("/snap")};
    static const QStringList exact{QStringLiteral("/"),   QStringLiteral("/var"), QStringLiteral("/opt"),
                                   QStringLiteral("/run"), QStringLiteral("/tmp"), QStringLiteral("/home"),
                                   QStringLiteral("/srv"), QStringLiteral("/mnt"), QStringLiteral("/media")};
    return exact.contains(path) || insideAny(path, whole);
}

// The cache root of Gatehouse's own: $XDG_CACHE_HOME/gatehouse, else ~/.cache/gatehouse.
QString cacheRoot(const QString &home)
{
    const QString xdg = qEnvironmentVariable("XDG_CACHE_HOME");
    const QString base = QDir::isAbsolutePath(xdg) ? cleanAbsolute(xdg) : home + QStringLiteral("/.cache");
    return base + QStringLiteral("/gatehouse");
}

QString projectKey(const QString &projectDir)
{
    QString name = QFileInfo(projectDir).fileName().left(40);
    for (QChar &c : name)
        if (!c.isLetterOrNumber() && c != u'.' && c != u'-' && c != u'_')
            c = u'_';
    const QByteArray hash = QCryptographicHash::hash(projectDir.toUtf8(), QCryptographicHash::Sha256).toHex().left(12);
    return (name.isEmpty() ? QStringLiteral("root") : name) + u'-' + QString::fromLatin1(hash);
}

// mkdir that follows no link in its last component and makes the folder 0700; what exists is kept.
bool makePrivateFolder(const QString &path)
{
    if (::mkdir(QFile::encodeName(path).constData(), 0700) == 0)
        return true;
    struct stat info {};
    return errno == EEXIST && ::lstat(QFile::encodeName(path).constData(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool makePrivatePath(const QString &root, const QString &relative)
{
    if (!QDir().mkpath(QFileInfo(root).path()) || !makePrivateFolder(root))
        return false;
    QString path = root;
    for (const QString &part : relative.split(u'/', Qt::SkipEmptyParts)) {
        path += u'/' + part;
        if (!makePrivateFolder(path))
            return false;
    }
    return true;
}


// The paths a shown entry must not bring along: credential stores and Gatehouse's folders.
QStringList secretStores(const QString &home)
{
    QStringList stores;
    for (const QString &path : policy::credentialStores(home) + policy::gatehouseFolders())
        if (exists(path))
            stores << canonicalPath(path);
    return stores;
}

// Shows @p path read-only where it is (and at what it resolves to).
void showReadOnly(QStringList &args, const QString &path, QStringList &shown)
{
    const QString canonical = canonicalPath(path);
    if (!shown.contains(canonical)) {
        args << QStringLiteral("--ro-bind") << canonical << canonical;
        shown << canonical;
    }
    if (canonical != path)
        args << QStringLiteral("--symlink") << canonical << path;
}

} // namespace

const QList<ToolchainPath> &toolchainPaths()
{
    static const QList<ToolchainPath> paths{
        {QStringLiteral(".local/bin"), QStringLiteral("programs installed for the user (pip --user, pipx)")},
        {QStringLiteral(".local/lib"), QStringLiteral("libraries installed for the user (Python's user site)")},
        {QStringLiteral(".cargo/bin"), QStringLiteral("Rust programs and rustup's proxies")},
        {QStringLiteral(".rustup"), QStringLiteral("Rust toolchains")},
        {QStringLiteral(".nvm"), QStringLiteral("Node versions of nvm")},
        {QStringLiteral(".volta"), QStringLiteral("Node versions of Volta")},
        {QStringLiteral(".nodenv"), QStringLiteral("Node versions of nodenv")},
        {QStringLiteral(".npm-global"), QStringLiteral("npm's global prefix, where people move it")},
        {QStringLiteral(".bun/bin"), QStringLiteral("Bun")},
        {QStringLiteral(".deno/bin"), QStringLiteral("Deno")},
        {QStringLiteral(".pyenv"), QStringLiteral("Python versions of pyenv")},
        {QStringLiteral("miniconda3"), QStringLiteral("Conda")},
        {QStringLiteral("anaconda3"), QStringLiteral("Conda")},
        {QStringLiteral(".rbenv"), QStringLiteral("Ruby versions of rbenv")},
        {QStringLiteral(".asdf"), QStringLiteral("versions of asdf")},
        {QStringLiteral(".local/share/mise"), QStringLiteral("versions of mise")},
        {QStringLiteral(".sdkman/candidates"), QStringLiteral("JDKs and build tools of SDKMAN!")},
        {QStringLiteral(".ghcup/bin"), QStringLiteral("Haskell tools of ghcup")},
        {QStringLiteral(".ghcup/ghc"), QStringLiteral("Haskell compilers of ghcup")},
        {QStringLiteral(".dotnet"), QStringLiteral(".NET SDKs installed for the user")},
        {QStringLiteral("go/bin"), QStringLiteral("Go programs (go install)")},
        {QStringLiteral("go/pkg"), QStringLiteral("Go's module cache of the host, read-only (GOMODCACHE is private)")},
    };
    return paths;
}

const QList<PackageCache> &packageCaches()
{
    static const QList<PackageCache> caches{
        {QStringLiteral("XDG_CACHE_HOME"), QString(), QString(), QStringLiteral("the XDG cache (ccache, pip's and Go's defaults...)")},
        {QStringLiteral("PIP_CACHE_DIR"), QStringLiteral("pip"), QString(), QStringLiteral("pip")},
        {QStringLiteral("npm_config_cache"), QStringLiteral("npm"), QString(), QStringLiteral("npm")},
        {QStringLiteral("YARN_CACHE_FOLDER"), QStringLiteral("yarn"), QString(), QStringLiteral("Yarn")},
        {QStringLiteral("npm_config_store_dir"), QStringLiteral("pnpm-store"), QString(), QStringLiteral("pnpm's store")},
        {QStringLiteral("GOCACHE"), QStringLiteral("go-build"), QString(), QStringLiteral("Go's build cache")},
        {QStringLiteral("GOMODCACHE"), QStringLiteral("go-mod"), QString(), QStringLiteral("Go's module cache")},
        // Not the host's ~/.gradle: gradle.properties holds repository passwords and signing keys.
        {QStringLiteral("GRADLE_USER_HOME"), QStringLiteral("gradle"), QString(), QStringLiteral("Gradle")},
        // Not CARGO_HOME: it holds credentials.toml and the programs of ~/.cargo/bin; only the
        // registry and git checkouts are cache.
        {QString(), QStringLiteral("cargo-registry"), QStringLiteral(".cargo/registry"), QStringLiteral("Cargo's registry")},
        {QString(), QStringLiteral("cargo-git"), QStringLiteral(".cargo/git"), QStringLiteral("Cargo's git checkouts")},
        // Not ~/.m2: settings.xml holds repository passwords.
        {QString(), QStringLiteral("m2-repository"), QStringLiteral(".m2/repository"), QStringLiteral("Maven's local repository")},
    };
    return caches;
}

QStringList hiddenHomes(const QString &home)
{
    QStringList homes;
    for (const QString &candidate : QStringList{home, passwdHome()}) {
        if (!QDir::isAbsolutePath(candidate))
            continue;
        const QString clean = cleanAbsolute(candidate);
        if (!exists(clean))
            continue; // nothing there to hide
        const QString canonical = canonicalPath(clean);
        if (isSystemFolder(canonical) || homes.contains(canonical))
            continue;
        homes << canonical;
    }
    std::sort(homes.begin(), homes.end()); // parents first
    return homes;
}

QString privateCacheDir(const QString &projectDir)
{
    const QString home = cleanAbsolute(QDir::homePath());
    return cacheRoot(home) + QStringLiteral("/sandbox-cache/") + projectKey(projectDir);
}

Expected<QStringList> homeArguments(const SandboxSpec &spec)
{
    QStringList args;
    const QString home = homeOf(spec);
    const QStringList homes = hiddenHomes(home);
    if (homes.isEmpty())
        return args;
    for (const QString &folder : homes)
        args << QStringLiteral("--perms") << QStringLiteral("0700") << QStringLiteral("--tmpfs") << folder;
    // What the command sees as its home: $HOME, canonical; none when HOME is unset, "/" or a
    // system folder (then only the passwd home is emptied).
    const QString view = home.isEmpty() || !exists(home) ? QString() : canonicalPath(home);
    if (view.isEmpty() || !homes.contains(view))
        return args;

    const QStringList stores = secretStores(home);
    const auto allowedStore = [&](const QString &canonical) { return !insideAny(canonical, stores); };
    QStringList shown;
    // sandbox.filesystem.allowRead first (what follows may mount inside it): shown as named, even
    // inside a credential store (the person named it); a credential store inside a folder it names
    // stays hidden unless named itself.
    QStringList namedStores;
    for (const QString &path : spec.allowRead) {
        if (!QDir::isAbsolutePath(path) || !QFileInfo::exists(path))
            continue;
        if (allowedStore(canonicalPath(cleanAbsolute(path))))
            showReadOnly(args, cleanAbsolute(path), shown);
        else
            namedStores << cleanAbsolute(path);
    }
    const QStringList covered = shown;
    // Whether something can be mounted at @p dest: in the tmpfs, anything; inside a folder that
    // allowRead shows (read-only, as it is), only over what exists there already.
    const auto placeable = [&](const QString &dest, bool folder) {
        if (!insideAny(dest, covered))
            return true;
        const QFileInfo info(dest);
        return info.exists() && !info.isSymLink() && info.isDir() == folder;
    };

    // The private package caches, writable, at ~/.cache.
    const QString root = cacheRoot(home);
    const QString key = projectKey(spec.projectDir);
    const QString cache = root + QStringLiteral("/sandbox-cache/") + key;
    if (!makePrivatePath(root, QStringLiteral("sandbox-cache/") + key))
        return fail(QStringLiteral("the sandbox's private cache %1 cannot be made").arg(cache));
    if (placeable(view + QStringLiteral("/.cache"), true)) {
        args << QStringLiteral("--bind") << cache << view + QStringLiteral("/.cache");
        for (const PackageCache &entry : packageCaches()) {
            const QString inside = home + QStringLiteral("/.cache") + (entry.folder.isEmpty() ? QString() : u'/' + entry.folder);
            if (!entry.variable.isEmpty()) {
                args << QStringLiteral("--setenv") << entry.variable << inside;
                continue;
            }
            // A link in the tmpfs costs no mount; the folder exists so that tools can follow it.
            if (!makePrivateFolder(cache + u'/' + entry.folder))
                return fail(QStringLiteral("the sandbox's private cache %1 cannot be made").arg(cache + u'/' + entry.folder));
            if (!insideAny(view + u'/' + entry.mountedAt, covered))
                args << QStringLiteral("--symlink") << view + QStringLiteral("/.cache/") + entry.folder << view + u'/' + entry.mountedAt;
        }
    }
    // The XDG folders the command sees are the ones of its home view.
    args << QStringLiteral("--setenv") << QStringLiteral("XDG_CONFIG_HOME") << home + QStringLiteral("/.config")
         << QStringLiteral("--setenv") << QStringLiteral("XDG_DATA_HOME") << home + QStringLiteral("/.local/share")
         << QStringLiteral("--setenv") << QStringLiteral("XDG_STATE_HOME") << home + QStringLiteral("/.local/state");

    // Git's global configuration, as Gatehouse filtered it, and its ignore and attributes files.
    const FilteredGitConfig git = filteredGitConfig(view, spec.projectDir);
    const QString gitFolder = root + QStringLiteral("/sandbox-home/") + key;
    if (!makePrivatePath(root, QStringLiteral("sandbox-home/") + key))
        return fail(QStringLiteral("the sandbox's git configuration cannot be written to %1").arg(gitFolder));
    // Written only when it changed: a write (with its fsync) on every command would slow each
    // one down, while other sandboxes wait for the protected paths' lock.
    const QString gitConfigFile = gitFolder + QStringLiteral("/gitconfig");
    QFile current(gitConfigFile);
    if (!current.open(QIODevice::ReadOnly) || current.readAll() != git.text) {
        QSaveFile gitConfig(gitConfigFile);
        if (!gitConfig.open(QIODevice::WriteOnly) || gitConfig.write(git.text) != git.text.size() || !gitConfig.commit())
            return fail(QStringLiteral("the sandbox's git configuration cannot be written to %1").arg(gitConfigFile));
    }
    if (placeable(view + QStringLiteral("/.gitconfig"), false))
        args << QStringLiteral("--ro-bind") << gitConfigFile << view + QStringLiteral("/.gitconfig")
             << QStringLiteral("--setenv") << QStringLiteral("GIT_CONFIG_GLOBAL") << home + QStringLiteral("/.gitconfig");
    const QString xdgConfig = qEnvironmentVariable("XDG_CONFIG_HOME");
    const QString gitConfigFolder = (QDir::isAbsolutePath(xdgConfig) ? cleanAbsolute(xdgConfig) : view + QStringLiteral("/.config"))
                                    + QStringLiteral("/git/");
    for (const char *name : {"ignore", "attributes"}) {
        const QString source = gitConfigFolder + QLatin1StringView(name);
        const QString dest = view + QStringLiteral("/.config/git/") + QLatin1StringView(name);
        if (QFileInfo(source).isFile() && allowedStore(canonicalPath(source)) && placeable(dest, false))
            args << QStringLiteral("--ro-bind") << canonicalPath(source) << dest;
    }
    for (const QString &file : QStringList{git.excludesFile, git.attributesFile})
        if (QDir::isAbsolutePath(file) && QFileInfo(file).isFile() && insideAny(canonicalPath(file), homes)
            && !insideAny(cleanAbsolute(file), covered) && allowedStore(canonicalPath(file)))
            showReadOnly(args, cleanAbsolute(file), shown);

    // What toolchains need (inside a folder allowRead shows, it is there already).
    for (const ToolchainPath &entry : toolchainPaths()) {
        const QString path = view + u'/' + entry.relative;
        if (QFileInfo::exists(path) && !insideAny(path, covered) && allowedStore(canonicalPath(path)))
            showReadOnly(args, path, shown);
    }
    // The stores inside what is shown stay hidden.
    for (const QString &store : stores)
        for (const QString &folder : std::as_const(shown))
            if (store != folder && isInside(store, folder)) {
                if (QFileInfo(store).isDir())
                    args << QStringLiteral("--tmpfs") << store;
                else
                    args << QStringLiteral("--ro-bind") << QStringLiteral("/dev/null") << store;
                break;
            }
    for (const QString &path : std::as_const(namedStores))
        showReadOnly(args, path, shown);
    return args;
}

QStringList homeClosingArguments(const SandboxSpec &spec)
{
    // Read-only once everything is mounted in it (the writable folders and the helper may need
    // mount points there); not where a writable folder holds the home, whose mount this would
    // reach instead. The private cache at ~/.cache is a mount of its own and stays writable.
    QStringList args;
    const QStringList writable = BwrapRunner::canonicalWritableFolders(spec);
    for (const QString &folder : hiddenHomes(homeOf(spec)))
        if (!insideAny(folder, writable))
            args << QStringLiteral("--remount-ro") << folder;
    return args;
}

QStringList helperHides(const SandboxSpec &spec)
{
    QStringList hides;
    const auto add = [&hides](const QString &path) {
        if (path.isEmpty() || !exists(path) || hides.contains(path))
            return;
        hides << path;
        const QString canonical = canonicalPath(path);
        if (canonical != path && exists(canonical) && !hides.contains(canonical))
            hides << canonical;
    };
    const QString home = homeOf(spec);
    const QStringList homes = hiddenHomes(home);
    // The credential stores in the hidden home are the home view's to hide (homeArguments),
    // which shows one that allowRead names; where a writable folder holds them, the helper must.
    const QStringList writable = BwrapRunner::canonicalWritableFolders(spec);
    const QStringList homeStores = policy::credentialStores(home);
    for (const QString &path : spec.denyRead) {
        const QString canonical = canonicalPath(cleanAbsolute(path));
        if (!homeStores.contains(path) || !insideAny(canonical, homes) || insideAny(canonical, writable))
            add(path);
    }
    // Whatever a link of home leads to outside it: the credential stores wherever they point,
    // and the user's own folders that home's entries link to (a dotfiles checkout elsewhere),
    // unless the command needs them.
    QStringList needed = writable;
    needed << privateCacheDir(spec.projectDir);
    for (const QString &path : spec.allowRead)
        needed << canonicalPath(cleanAbsolute(path));
    const QString view = home.isEmpty() || !exists(home) ? QString() : canonicalPath(home);
    if (!view.isEmpty())
        for (const ToolchainPath &entry : toolchainPaths())
            if (QFileInfo::exists(view + u'/' + entry.relative))
                needed << canonicalPath(view + u'/' + entry.relative);
    const auto outside = [&](const QString &canonical) {
        if (!exists(canonical) || insideAny(canonical, homes) || isSystemFolder(canonical))
            return false;
        for (const QString &folder : std::as_const(needed))
            if (isInside(folder, canonical) || isInside(canonical, folder))
                return false;
        return true;
    };
    for (const QString &store : policy::credentialStores(home))
        if (exists(store) && outside(canonicalPath(store)))
            add(canonicalPath(store));
    if (!view.isEmpty()) {
        const uid_t uid = ::getuid();
        for (const QString &folder : QStringList{view, view + QStringLiteral("/.config"), view + QStringLiteral("/.local/share")}) {
            const QFileInfoList entries = QDir(folder).entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
            for (const QFileInfo &entry : entries) {
                if (!entry.isSymLink())
                    continue;
                const QString target = canonicalPath(entry.absoluteFilePath());
                struct stat info {};
                // The user's own, not the system's (for root, everything is its own: the
                // system folders are left out above).
                if (::stat(QFile::encodeName(target).constData(), &info) == 0 && info.st_uid == uid && outside(target))
                    add(target);
            }
        }
    }
    // Git's global configuration where it is not in home, and the credentials file beside it.
    const QString global = qEnvironmentVariable("GIT_CONFIG_GLOBAL");
    if (QDir::isAbsolutePath(global) && outside(canonicalPath(global)))
        add(canonicalPath(global));
    // The XDG folders moved out of home hold what home would (tool logins, git credentials,
    // shell history): hidden whole. The cache's is where the private cache lies; it holds no
    // logins by the specification.
    for (const char *variable : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"}) {
        const QString folder = qEnvironmentVariable(variable);
        if (QDir::isAbsolutePath(folder) && outside(canonicalPath(cleanAbsolute(folder))))
            add(canonicalPath(cleanAbsolute(folder)));
    }
    // The user's mail, which lies outside home and is theirs to read.
    const QString user = userName();
    if (!user.isEmpty())
        for (const QString &spool : QStringList{QStringLiteral("/var/mail/"), QStringLiteral("/var/spool/mail/")})
            add(spool + user);
    return hides;
}

QStringList describeHomeView(const SandboxSpec &spec)
{
    QStringList lines;
    const QString home = homeOf(spec);
    const QStringList homes = hiddenHomes(home);
    if (homes.isEmpty()) {
        lines << QStringLiteral("no home folder to hide (HOME is unset, / or a system folder)");
        return lines;
    }
    lines << QStringLiteral("hidden, shown empty: %1").arg(homes.join(QStringLiteral(", ")));
    for (const QString &folder : BwrapRunner::canonicalWritableFolders(spec))
        for (const QString &hidden : homes)
            if (isInside(hidden, folder))
                lines << QStringLiteral("  but %1 is writable and contains %2: there only the credential stores are hidden")
                             .arg(folder, hidden);
    lines << QStringLiteral("read-only inside, where they exist:");
    lines << QStringLiteral("  ~/.gitconfig    Gatehouse's copy of git's global configuration (~/.gitconfig, ~/.config/git/config "
                            "and their includes) without credential helpers, URL rewrites, http headers, signing keys "
                            "or values carrying credentials");
    lines << QStringLiteral("  ~/.config/git/ignore, ~/.config/git/attributes, and core.excludesFile / core.attributesFile");
    for (const ToolchainPath &entry : toolchainPaths())
        lines << QStringLiteral("  ~/%1    %2").arg(entry.relative, entry.what);
    for (const QString &path : spec.allowRead)
        lines << QStringLiteral("  %1    sandbox.filesystem.allowRead").arg(path);
    lines << QStringLiteral("private writable cache, seen as ~/.cache: %1").arg(privateCacheDir(spec.projectDir));
    for (const PackageCache &entry : packageCaches())
        lines << (entry.variable.isEmpty()
                      ? QStringLiteral("  ~/%1 -> ~/.cache/%2    %3").arg(entry.mountedAt, entry.folder, entry.what)
                      : QStringLiteral("  %1=~/.cache%2    %3")
                            .arg(entry.variable, entry.folder.isEmpty() ? QString() : u'/' + entry.folder, entry.what));
    const QStringList hides = helperHides(spec);
    if (!hides.isEmpty()) {
        lines << QStringLiteral("hidden elsewhere (sandbox.filesystem.denyRead, Gatehouse's folders, what home links to):");
        for (const QString &path : hides)
            lines << QStringLiteral("  ") + path;
    }
    return lines;
}

} // namespace gatehouse::sandbox
