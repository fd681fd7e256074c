// SPDX-License-Identifier: GPL-3.0-or-later
// How far a Bash allow rule reaches: which words of a command choose what it does, per program.
#include "approval/bashrule.h"

#include "policy/bashlines.h"

#include <QSet>

namespace gatehouse::approval {
namespace {

using namespace Qt::StringLiterals;
using shell::Word;

using Names = QSet<QString>;

/// The words a rule keeps, and whether it then accepts any further words (" *").
struct Cut
{
    qsizetype keep = 0;
    bool prefix = false;
};

bool isOption(const QString &word)
{
    return word.size() > 1 && (word.startsWith(u'-') || word.startsWith(u'+'));
}

// The index of the first word at or after @p from that is not an option (nor the value of one
// of @p valueOptions, nor a VAR=value argument when @p skipAssignments); -1 when there is none.
qsizetype firstOperand(const QList<Word> &words, qsizetype from, const Names &valueOptions = {}, bool skipAssignments = false)
{
    for (qsizetype i = from; i < words.size(); ++i) {
        const QString &text = words[i].text;
        if (text == u"--"_s)
            return i + 1 < words.size() ? i + 1 : -1;
        if (isOption(text)) {
            if (valueOptions.contains(text))
                ++i;
            continue;
        }
        if (skipAssignments && text.contains(u'=') && !text.startsWith(u'='))
            continue;
        return i;
    }
    return -1;
}

QString baseName(const QString &program)
{
    return program.mid(program.lastIndexOf(u'/') + 1);
}

Cut exact(const QList<Word> &words)
{
    return {words.size(), false};
}

Cut through(qsizetype index)
{
    return {index + 1, true};
}

// Tools whose arguments are files and flags of the same job: the program alone, then " *".
const Names &wholeTools()
{
    static const Names names{u"pytest"_s, u"py.test"_s, u"jest"_s, u"vitest"_s, u"mocha"_s, u"ava"_s, u"karma"_s,
                             u"eslint"_s, u"prettier"_s, u"tsc"_s, u"ruff"_s, u"mypy"_s, u"pyright"_s, u"black"_s,
                             u"isort"_s, u"flake8"_s, u"pylint"_s, u"bandit"_s, u"rspec"_s, u"phpunit"_s, u"phpstan"_s,
                             u"shellcheck"_s, u"shfmt"_s, u"clang-format"_s, u"clang-tidy"_s, u"cppcheck"_s, u"ctest"_s,
                             u"tox"_s, u"nox"_s, u"rubocop"_s, u"golangci-lint"_s, u"gofmt"_s, u"goimports"_s,
                             u"rustfmt"_s, u"stylelint"_s, u"hadolint"_s, u"markdownlint"_s, u"yamllint"_s,
                             u"biome"_s, u"oxlint"_s};
    return names;
}

// Subcommands that install, remove, publish or configure: what follows them is what they act
// on, so the rule names it exactly.
const Names &packageChanges()
{
    static const Names names{u"install"_s, u"i"_s, u"in"_s, u"add"_s, u"ci"_s, u"uninstall"_s, u"remove"_s, u"rm"_s,
                             u"un"_s, u"r"_s, u"update"_s, u"up"_s, u"upgrade"_s, u"publish"_s, u"unpublish"_s,
                             u"link"_s, u"ln"_s, u"unlink"_s, u"create"_s, u"init"_s, u"login"_s, u"logout"_s,
                             u"adduser"_s, u"config"_s, u"set"_s, u"version"_s, u"rebuild"_s, u"prune"_s,
                             u"dedupe"_s, u"audit"_s, u"token"_s, u"owner"_s, u"access"_s, u"deprecate"_s,
                             u"dist-tag"_s, u"cache"_s, u"patch"_s, u"import"_s, u"download"_s, u"upload"_s,
                             u"self"_s, u"global"_s, u"yank"_s, u"new"_s, u"get"_s, u"env"_s};
    return names;
}

Cut classify(const QList<Word> &words, qsizetype start);

// npm, pnpm, yarn, bun: "run SCRIPT" keeps the script; installing keeps everything.
Cut packageManager(const QList<Word> &words, qsizetype start)
{
    const qsizetype sub = firstOperand(words, start + 1);
    if (sub < 0)
        return exact(words);
    const QString &name = words[sub].text;
    if (name == u"run"_s || name == u"run-script"_s || name == u"rum"_s || name == u"urn"_s) {
        const qsizetype script = firstOperand(words, sub + 1);
        return script < 0 ? exact(words) : through(script);
    }
    if (name == u"exec"_s || name == u"x"_s || name == u"dlx"_s) {
        const qsizetype program = firstOperand(words, sub + 1);
        return program < 0 ? exact(words) : classify(words, program);
    }
    if (packageChanges().contains(name))
        return exact(words);
    return through(sub); // npm test, yarn build, pnpm lint: a script of the project
}

// pip, uv, poetry, pipenv, pdm, hatch, pipx, conda, gem, bundle, composer.
Cut projectTool(const QList<Word> &words, qsizetype start)
{
    const qsizetype sub = firstOperand(words, start + 1);
    if (sub < 0)
        return exact(words);
    const QString &name = words[sub].text;
    if (name == u"run"_s || name == u"exec"_s) {
        static const Names values{u"--with"_s, u"-p"_s, u"--python"_s, u"--from"_s, u"-n"_s, u"--name"_s, u"--env"_s,
                                  u"-e"_s, u"--package"_s};
        const qsizetype program = firstOperand(words, sub + 1, values);
        return program < 0 ? exact(words) : classify(words, program);
    }
    if (name == u"run-script"_s) {
        const qsizetype script = firstOperand(words, sub + 1);
        return script < 0 ? exact(words) : through(script);
    }
    if (name == u"pip"_s) // uv pip install
        return projectTool(words, sub);
    if (packageChanges().contains(name))
        return exact(words);
    return through(sub);
}

Cut git(const QList<Word> &words, qsizetype start)
{
    // What rewrites history, discards work, publishes or configures is kept exactly.
    static const Names exactSubcommands{u"push"_s, u"reset"_s, u"clean"_s, u"rm"_s, u"config"_s, u"branch"_s, u"tag"_s,
                                        u"remote"_s, u"update-ref"_s, u"filter-branch"_s, u"filter-repo"_s, u"gc"_s,
                                        u"prune"_s, u"submodule"_s, u"worktree"_s, u"checkout"_s, u"restore"_s,
                                        u"stash"_s, u"rebase"_s, u"reflog"_s, u"replace"_s, u"notes"_s, u"clone"_s,
                                        u"send-email"_s, u"daemon"_s, u"archive"_s};
    const qsizetype sub = firstOperand(words, start + 1);
    if (sub < 0 || exactSubcommands.contains(words[sub].text))
        return exact(words);
    return through(sub);
}

Cut cargoOrGo(const QList<Word> &words, qsizetype start, bool isGo)
{
    const qsizetype sub = firstOperand(words, start + 1);
    if (sub < 0)
        return exact(words);
    const QString &name = words[sub].text;
    static const Names cargoExact{u"install"_s, u"uninstall"_s, u"publish"_s, u"login"_s, u"logout"_s, u"owner"_s, u"yank"_s};
    static const Names goExact{u"install"_s, u"get"_s, u"env"_s};
    if ((isGo ? goExact : cargoExact).contains(name))
        return exact(words);
    if (isGo && name == u"run"_s) { // go run FILE: the file is the program
        const qsizetype file = firstOperand(words, sub + 1);
        return file < 0 ? exact(words) : through(file);
    }
    if (isGo && (name == u"mod"_s || name == u"work"_s || name == u"tool"_s)) {
        const qsizetype action = firstOperand(words, sub + 1);
        return action < 0 ? exact(words) : through(action);
    }
    return through(sub);
}

// make and friends: options may come before the target ("make -j4 check"); they stay as written.
Cut makeLike(const QList<Word> &words, qsizetype start)
{
    static const Names values{u"-C"_s, u"-f"_s, u"-I"_s, u"-o"_s, u"-W"_s, u"--file"_s, u"--directory"_s, u"--makefile"_s,
                              u"-l"_s, u"-d"_s, u"-t"_s};
    qsizetype from = start + 1;
    // "-j 4": GNU make's job count may be the next word.
    for (qsizetype i = from; i + 1 < words.size(); ++i)
        if (words[i].text == u"-j"_s && !words[i + 1].text.isEmpty()
            && std::all_of(words[i + 1].text.begin(), words[i + 1].text.end(), [](QChar c) { return c.isDigit(); }))
            from = std::max(from, i + 2);
    const qsizetype target = firstOperand(words, from, values, true);
    return target < 0 ? exact(words) : through(target);
}

Cut container(const QList<Word> &words, qsizetype start, bool composeProgram)
{
    static const Names globalValues{u"-H"_s, u"--host"_s, u"--context"_s, u"-c"_s, u"--config"_s, u"-l"_s, u"--log-level"_s};
    static const Names composeValues{u"-f"_s, u"--file"_s, u"-p"_s, u"--project-name"_s, u"--profile"_s, u"--env-file"_s};
    static const Names composeExact{u"run"_s, u"exec"_s, u"cp"_s, u"rm"_s, u"down"_s, u"kill"_s, u"push"_s};
    static const Names dockerPrefix{u"build"_s, u"ps"_s, u"images"_s, u"logs"_s, u"inspect"_s, u"version"_s, u"info"_s,
                                    u"pull"_s, u"start"_s, u"stop"_s, u"restart"_s, u"top"_s, u"stats"_s, u"history"_s};
    qsizetype sub = firstOperand(words, start + 1, composeProgram ? composeValues : globalValues);
    if (sub < 0)
        return exact(words);
    if (!composeProgram && words[sub].text == u"compose"_s)
        return container(words, sub, true);
    if (composeProgram)
        return composeExact.contains(words[sub].text) ? exact(words) : through(sub);
    return dockerPrefix.contains(words[sub].text) ? through(sub) : exact(words);
}

Cut kubernetes(const QList<Word> &words, qsizetype start)
{
    static const Names values{u"-n"_s, u"--namespace"_s, u"-l"_s, u"--selector"_s, u"-o"_s, u"--output"_s, u"-c"_s,
                              u"--container"_s, u"--context"_s, u"--kubeconfig"_s};
    static const Names withResource{u"get"_s, u"describe"_s, u"logs"_s, u"top"_s};
    static const Names alone{u"explain"_s, u"api-resources"_s, u"version"_s, u"cluster-info"_s, u"list"_s, u"ls"_s,
                             u"status"_s, u"template"_s, u"lint"_s, u"history"_s};
    const qsizetype sub = firstOperand(words, start + 1, values);
    if (sub < 0)
        return exact(words);
    if (withResource.contains(words[sub].text)) {
        const qsizetype resource = firstOperand(words, sub + 1, values);
        return through(resource < 0 ? sub : resource);
    }
    return alone.contains(words[sub].text) ? through(sub) : exact(words);
}

// An interpreter runs the script it is given: the rule names the script ("python gen.py *"),
// never the interpreter alone, which would allow any code.
Cut interpreter(const QList<Word> &words, qsizetype start)
{
    static const Names values{u"-W"_s, u"-X"_s, u"-r"_s, u"--require"_s, u"--import"_s, u"--loader"_s, u"-I"_s,
                              u"-C"_s, u"--conditions"_s};
    static const Names code{u"-c"_s, u"-e"_s, u"-E"_s, u"--eval"_s, u"-p"_s, u"--print"_s, u"-"_s};
    for (qsizetype i = start + 1; i < words.size(); ++i) {
        const QString &text = words[i].text;
        if (code.contains(text))
            return exact(words);
        if (text == u"-m"_s) { // python -m MODULE: the module is the program
            if (i + 1 >= words.size())
                return exact(words);
            const Cut module = classify(words, i + 1);
            return module.keep >= i + 2 ? module : through(i + 1);
        }
        if (!isOption(text))
            break;
        if (values.contains(text))
            ++i;
    }
    const qsizetype script = firstOperand(words, start + 1, values);
    return script < 0 ? exact(words) : through(script);
}

Cut classify(const QList<Word> &words, qsizetype start)
{
    const QString name = baseName(words[start].text);
    static const Names packageManagers{u"npm"_s, u"pnpm"_s, u"yarn"_s, u"bun"_s};
    static const Names runners{u"npx"_s, u"bunx"_s, u"pnpx"_s, u"uvx"_s};
    static const Names projectTools{u"pip"_s, u"pip3"_s, u"uv"_s, u"poetry"_s, u"pipenv"_s, u"pdm"_s, u"hatch"_s,
                                    u"pipx"_s, u"conda"_s, u"mamba"_s, u"gem"_s, u"bundle"_s, u"bundler"_s,
                                    u"composer"_s};
    static const Names buildTools{u"gradle"_s, u"gradlew"_s, u"mvn"_s, u"mvnw"_s, u"sbt"_s, u"ant"_s, u"lein"_s,
                                  u"mix"_s, u"dotnet"_s, u"swift"_s, u"flutter"_s, u"dart"_s, u"stack"_s, u"cabal"_s,
                                  u"bazel"_s, u"bazelisk"_s, u"buck2"_s, u"deno"_s};
    static const Names makeTools{u"make"_s, u"gmake"_s, u"ninja"_s, u"just"_s, u"task"_s};

    if (wholeTools().contains(name))
        return through(start);
    if (packageManagers.contains(name)) {
        const qsizetype sub = firstOperand(words, start + 1);
        // "bun file.ts" runs a file like an interpreter; "bun test" is a subcommand.
        if (name == u"bun"_s && sub >= 0 && (words[sub].text.contains(u'.') || words[sub].text.contains(u'/')))
            return through(sub);
        return packageManager(words, start);
    }
    if (runners.contains(name)) {
        static const Names values{u"-p"_s, u"--package"_s, u"--from"_s, u"--with"_s};
        const qsizetype program = firstOperand(words, start + 1, values);
        return program < 0 ? exact(words) : classify(words, program);
    }
    if (projectTools.contains(name))
        return projectTool(words, start);
    if (name == u"git"_s)
        return git(words, start);
    if (name == u"cargo"_s || name == u"go"_s)
        return cargoOrGo(words, start, name == u"go"_s);
    if (makeTools.contains(name))
        return makeLike(words, start);
    if (name == u"docker"_s || name == u"podman"_s)
        return container(words, start, false);
    if (name == u"docker-compose"_s || name == u"podman-compose"_s)
        return container(words, start, true);
    if (name == u"kubectl"_s || name == u"oc"_s || name == u"helm"_s)
        return kubernetes(words, start);
    if (name == u"cmake"_s) {
        // "cmake --build DIR" builds; configuring ("cmake -S . -B build -D...") is kept exactly.
        if (start + 2 < words.size() && words[start + 1].text == u"--build"_s)
            return through(start + 2);
        return exact(words);
    }
    if (buildTools.contains(name)) {
        static const Names values{u"-p"_s, u"--project"_s, u"-f"_s, u"--file"_s, u"-pl"_s, u"--projects"_s, u"-P"_s,
                                  u"-s"_s, u"--settings"_s};
        const qsizetype sub = firstOperand(words, start + 1, values);
        if (sub < 0)
            return exact(words);
        if (name == u"deno"_s && words[sub].text == u"run"_s) {
            const qsizetype script = firstOperand(words, sub + 1);
            return script < 0 ? exact(words) : through(script);
        }
        // Build tools' phases and tasks are safe to repeat ("mvn install" installs the build
        // into the local repository); what publishes or changes the project's packages is not.
        static const Names buildExact{u"publish"_s, u"deploy"_s, u"release"_s, u"upload"_s, u"login"_s, u"logout"_s,
                                      u"tool"_s, u"add"_s, u"remove"_s, u"nuget"_s, u"new"_s};
        return buildExact.contains(words[sub].text) ? exact(words) : through(sub);
    }
    if (shell::isShellOrInterpreter(name))
        return interpreter(words, start);
    // A program named by its path is one of the project's own scripts ("./build.sh --fast").
    if (words[start].text.contains(u'/'))
        return through(start);
    // Anything else: what its arguments do is not known, so the rule is the command itself.
    return exact(words);
}

} // namespace

Expected<QString> bashRuleFor(const shell::NormalisedCommand &command)
{
    const QList<Word> &words = command.words;
    if (words.isEmpty())
        return fail(u"the command runs no program"_s);
    if (command.dynamicName)
        return fail(u"the program \"%1\" is decided at run time"_s.arg(words.first().raw));
    const Cut cut = classify(words, 0);
    const QList<Word> kept = words.mid(0, cut.keep);
    for (const Word &word : kept) {
        if (word.has(shell::WordFeature::Glob))
            return fail(u"\"%1\" is a file pattern, which a rule would read as a wildcard"_s.arg(word.raw));
        if (!word.isStatic())
            return fail(u"\"%1\" is decided at run time, so no rule can name it"_s.arg(word.raw));
    }
    QString line = policy::bashRuleLine(kept);
    if (cut.prefix)
        line += u" *"_s;
    return u"Bash(%1)"_s.arg(line);
}

} // namespace gatehouse::approval
