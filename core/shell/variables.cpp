// SPDX-License-Identifier: GPL-3.0-or-later
// The environment variables that change what runs or what is read (section 4, step 5).
//
// A variable belongs here when setting it can make a program the person allowed run other code
// (a library, a plugin, a program named in it, a start-up file), read its configuration from
// somewhere else (HOME=. git status reads ./.gitconfig, and that config names programs), or
// write files where its name says (GIT_TRACE2=.git/hooks/x). Families are matched by prefix or
// suffix, so that a variable nobody listed (GIT_TRACE2_EVENT, LD_AUDIT, CARGO_TARGET_X_RUNNER)
// is caught with its family; the few members of a family known to be harmless and common
// (GIT_AUTHOR_NAME, PYTHONUNBUFFERED) are exempted by name. Tools that read their variables in
// any letter case (npm and the tools that share its configuration) are matched without case.
#include "shell/commands.h"
#include "shell/commandsupport_p.h"

#include <algorithm>
#include <span>

namespace gatehouse::shell {

using namespace Qt::StringLiterals;
using namespace detail;

namespace {

// Named one by one: a name of its own, or a family whose other members are harmless.
const QSet<QString> &dangerousNames()
{
    static const QSet<QString> names = setOf({
        // bash: start-up files, prompts and traces that run code, parsing, lookup of commands
        u"PATH", u"IFS", u"ENV", u"SHELLOPTS", u"BASHOPTS", u"PS0", u"PS1", u"PS2", u"PS3", u"PS4",
        u"PROMPT_COMMAND", u"CDPATH", u"GLOBIGNORE", u"EXECIGNORE", u"HISTFILE", u"HISTFILESIZE", u"FUNCNEST",
        u"INPUTRC", u"SHELL", u"ZDOTDIR", u"TMUX", u"MAILPATH", u"HOSTFILE",
        // glibc and the dynamic loader: libraries, character-set modules, locales, resolver files
        u"GCONV_PATH", u"LOCPATH", u"NLSPATH", u"HOSTALIASES", u"RES_OPTIONS", u"LOCALDOMAIN",
        u"GLIBC_TUNABLES", u"GETCONF_DIR",
        // where tools read their configuration from
        u"HOME", u"XDG_CONFIG_HOME", u"XDG_CONFIG_DIRS", u"XDG_DATA_HOME", u"XDG_DATA_DIRS",
        // (MAGIC=.env file x prints .env's lines; awk loads @include files from AWKPATH)
        u"MAGIC", u"AWKPATH", u"AWKLIBPATH",
        u"RIPGREP_CONFIG_PATH", u"GREP_OPTIONS", u"CURL_HOME", u"WGETRC", u"KUBECONFIG", u"DOCKER_HOST",
        u"DOCKER_CONFIG", u"DOCKER_CONTEXT", u"CONTAINER_HOST", u"CONTAINERS_CONF", u"AWS_CONFIG_FILE",
        u"AWS_SHARED_CREDENTIALS_FILE", u"GNUPGHOME", u"OPENSSL_CONF", u"OPENSSL_ENGINES", u"OPENSSL_MODULES",
        u"GRADLE_USER_HOME", u"CARGO_HOME", u"RUSTUP_HOME", u"BUNDLE_GEMFILE", u"GEM_HOME", u"GEM_PATH",
        u"PIP_CONFIG_FILE", u"PHPRC", u"PHP_INI_SCAN_DIR", u"R_PROFILE", u"R_PROFILE_USER", u"R_ENVIRON",
        u"R_ENVIRON_USER", u"MANOPT", u"MANROFFOPT", u"MORE",
        // interpreters: code and modules loaded before the script
        u"PYTHONPATH", u"NODE_OPTIONS", u"NODE_PATH", u"NODE_REPL_EXTERNAL_MODULE", u"NODE_V8_COVERAGE",
        u"NODE_REPL_HISTORY", u"NODE_COMPILE_CACHE", u"PERL5OPT", u"PERL5LIB", u"PERLLIB", u"PERL5DB", u"PERLIO",
        u"PERL_MB_OPT", u"PERL_MM_OPT", u"RUBYOPT", u"RUBYLIB", u"RUBYSHELL", u"LUA_INIT", u"LUA_PATH", u"LUA_CPATH",
        u"TCLLIBPATH", u"CLASSPATH", u"JAVA_TOOL_OPTIONS", u"_JAVA_OPTIONS", u"JDK_JAVA_OPTIONS", u"MAVEN_OPTS",
        u"GRADLE_OPTS", u"DOTNET_STARTUP_HOOKS", u"CORECLR_PROFILER_PATH", u"QT_PLUGIN_PATH",
        u"QT_QPA_PLATFORM_PLUGIN_PATH", u"GTK_MODULES", u"GTK_PATH", u"GIO_EXTRA_MODULES",
        // build tools: the compilers, linkers and shells they run, and flags that name programs
        u"CC", u"CXX", u"CPP", u"LD", u"AR", u"AS", u"FC", u"NM", u"RANLIB", u"STRIP", u"OBJCOPY", u"CFLAGS",
        u"CXXFLAGS", u"CPPFLAGS", u"LDFLAGS", u"MAKE", u"MAKEFLAGS", u"MFLAGS", u"GNUMAKEFLAGS", u"MAKEFILES",
        u"MAKESHELL", u"RUSTFLAGS", u"RUSTDOCFLAGS", u"RUSTC", u"RUSTDOC", u"GOFLAGS", u"GOTOOLCHAIN",
        u"GOROOT", u"GOPATH", u"GOENV", u"CMAKE_TOOLCHAIN_FILE",
        // programs run for the person
        u"TERMINAL"});
    return names;
}

// Families matched by the start of the name (exact case).
constexpr QStringView dangerousPrefixes[] = {
    u"LD_", u"DYLD_", u"MALLOC_", u"RESOLV_", u"BASH_", u"GIT_", u"PYTHON", u"LESS", u"CARGO_", u"RUSTC_",
    u"CGO_", u"CMAKE_", u"GH_", u"SSH_", u"SUDO_", u"SYSTEMD_", u"GCC_", u"COMPILER_PATH", u"LIBRARY_PATH",
};

// Families whose tools read their variables in any letter case: npm reads npm_config_* and
// NPM_CONFIG_* (and NpM_CoNfIg_*) alike; pnpm and yarn share them; yarn reads YARN_*.
constexpr QStringView caseInsensitivePrefixes[] = {u"npm_config_", u"yarn_", u"pnpm_", u"bun_config_"};

// Anything that names a pager, an editor, a browser, a password prompt or an ssh command,
// whatever tool it is for (MANPAGER, GH_EDITOR, PSQL_PAGER, SUDO_ASKPASS, GIT_SSH_COMMAND...).
constexpr QStringView dangerousSuffixes[] = {u"PAGER", u"EDITOR", u"VISUAL", u"BROWSER", u"ASKPASS",
                                             u"SSH_COMMAND", u"PROXY_COMMAND", u"_SHELL", u"_WRAPPER",
                                             u"_RUNNER", u"_LINKER", u"_LAUNCHER"};

// Members of the families above that only change messages, identities or timing, and that
// everyday commands set.
const QSet<QString> &harmlessNames()
{
    static const QSet<QString> names = setOf({
        u"GIT_AUTHOR_NAME", u"GIT_AUTHOR_EMAIL", u"GIT_AUTHOR_DATE", u"GIT_COMMITTER_NAME", u"GIT_COMMITTER_EMAIL",
        u"GIT_COMMITTER_DATE", u"GIT_TERMINAL_PROMPT", u"GIT_MERGE_AUTOEDIT", u"GIT_MERGE_VERBOSITY", u"GIT_FLUSH",
        u"GIT_OPTIONAL_LOCKS", u"GIT_ADVICE", u"GIT_LITERAL_PATHSPECS", u"GIT_GLOB_PATHSPECS",
        u"GIT_NOGLOB_PATHSPECS", u"GIT_ICASE_PATHSPECS", u"GIT_REFLOG_ACTION", u"GIT_PROGRESS_DELAY",
        u"GIT_NO_REPLACE_OBJECTS", u"GIT_DEFAULT_HASH", u"GIT_DIFF_OPTS", u"GIT_CEILING_DIRECTORIES",
        u"PYTHONDONTWRITEBYTECODE", u"PYTHONUNBUFFERED", u"PYTHONIOENCODING", u"PYTHONHASHSEED", u"PYTHONUTF8",
        u"PYTHONDEVMODE", u"PYTHONFAULTHANDLER", u"PYTHONOPTIMIZE", u"PYTHONVERBOSE", u"PYTHONNOUSERSITE",
        u"PYTHONSAFEPATH", u"PYTHONTRACEMALLOC", u"PYTHONPROFILEIMPORTTIME", u"PYTHONMALLOC",
        u"PYTHONMALLOCSTATS", u"PYTHONCOERCECLOCALE", u"PYTHONINTMAXSTRDIGITS", u"PYTHONNODEBUGRANGES",
        u"PYTHONWARNDEFAULTENCODING", u"PYTHONDEBUG", u"PYTHONASYNCIODEBUG", u"LESSCHARSET",
        u"CARGO_TERM_COLOR", u"CARGO_TERM_VERBOSE", u"CARGO_INCREMENTAL", u"CARGO_BUILD_JOBS",
        u"CARGO_TARGET_DIR", u"CMAKE_BUILD_TYPE", u"CMAKE_BUILD_PARALLEL_LEVEL", u"CMAKE_GENERATOR",
        u"SSH_AUTH_SOCK", u"GH_NO_UPDATE_NOTIFIER", u"GH_PROMPT_DISABLED", u"SYSTEMD_COLORS", u"SYSTEMD_LOG_LEVEL",
        u"GCC_COLORS"});
    return names;
}

bool startsWithAny(const QString &name, std::span<const QStringView> prefixes, Qt::CaseSensitivity cs)
{
    return std::any_of(prefixes.begin(), prefixes.end(), [&](QStringView prefix) { return name.startsWith(prefix, cs); });
}

} // namespace

bool isDangerousVariable(const QString &written)
{
    // PATH[0]=x sets PATH itself; BASH_CMDS[ls]=x changes what ls runs.
    const QString name = written.section(u'[', 0, 0);
    if (dangerousNames().contains(name))
        return true;
    if (harmlessNames().contains(name))
        return false;
    if (startsWithAny(name, dangerousPrefixes, Qt::CaseSensitive)
        || startsWithAny(name, caseInsensitivePrefixes, Qt::CaseInsensitive))
        return true;
    return std::any_of(std::begin(dangerousSuffixes), std::end(dangerousSuffixes),
                       [&name](QStringView suffix) { return name.endsWith(suffix); });
}

} // namespace gatehouse::shell
