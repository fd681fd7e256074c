// SPDX-License-Identifier: GPL-3.0-or-later
// Decisions per second and latency of the policy engine over a corpus of realistic commands
// and a large rule set. Not a test: run it with tests/bench/run-bench.sh, which builds it and
// prints the figures. Usage: bench_policy [COMMANDS] [RULES] [ROUNDS]
#include "policy/engine.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace gatehouse::policy;

namespace {

QStringList corpus(int count, QRandomGenerator &random)
{
    // Shapes of commands agents run, with varying arguments.
    const QStringList files{QStringLiteral("src/main.cpp"), QStringLiteral("README.md"), QStringLiteral("package.json"),
                            QStringLiteral("src/app/view.tsx"), QStringLiteral("tests/test_api.py"), QStringLiteral("Cargo.toml"),
                            QStringLiteral("docs/guide.md"), QStringLiteral(".env"), QStringLiteral("build/out.log")};
    const QStringList templates{
        QStringLiteral("git status"), QStringLiteral("git diff %f"), QStringLiteral("git log --oneline -%n"),
        QStringLiteral("git add %f && git commit -m \"fix: update %n\""), QStringLiteral("ls -la %d"),
        QStringLiteral("cat %f"), QStringLiteral("head -n %n %f"), QStringLiteral("grep -n TODO %f"),
        QStringLiteral("npm run test -- %f"), QStringLiteral("npm run build 2>&1 | tail -%n"),
        QStringLiteral("pytest -x %f"), QStringLiteral("cargo build --release"), QStringLiteral("cd %d && make -j%n"),
        QStringLiteral("find %d -name '*.ts' | head -%n"), QStringLiteral("echo $(git rev-parse HEAD)"),
        QStringLiteral("rm -rf build/%n"), QStringLiteral("curl -s https://api.example.com/v%n/items"),
        QStringLiteral("python3 scripts/gen_%n.py --out %d"), QStringLiteral("for f in %d/*.md; do wc -l \"$f\"; done"),
        QStringLiteral("docker build -t app:%n ."), QStringLiteral("sed -n '%n,+10p' %f"),
        QStringLiteral("if [ -f %f ]; then cat %f; fi"), QStringLiteral("timeout 60 npm run test:%n"),
        QStringLiteral("git -C %d log --stat -%n"), QStringLiteral("jq .name package.json"),
        QStringLiteral("awk '{print $%n}' %f | sort | uniq -c"), QStringLiteral("mkdir -p %d/tmp%n && touch %d/tmp%n/x"),
        QStringLiteral("npx tsc --noEmit -p %d"), QStringLiteral("bash -c 'echo %n'"), QStringLiteral("git push origin feature-%n")};
    const QStringList dirs{QStringLiteral("src"), QStringLiteral("tests"), QStringLiteral("docs"), QStringLiteral("."),
                           QStringLiteral("packages/core")};
    QStringList commands;
    commands.reserve(count);
    for (int i = 0; i < count; ++i) {
        QString command = templates[random.bounded(int(templates.size()))];
        command.replace(QStringLiteral("%f"), files[random.bounded(int(files.size()))]);
        command.replace(QStringLiteral("%d"), dirs[random.bounded(int(dirs.size()))]);
        command.replace(QStringLiteral("%n"), QString::number(random.bounded(1, 500)));
        commands << command;
    }
    return commands;
}

QStringList ruleSet(int count, QRandomGenerator &random)
{
    const QStringList programs{QStringLiteral("npm run"), QStringLiteral("yarn"), QStringLiteral("pnpm"), QStringLiteral("make"),
                               QStringLiteral("cargo"), QStringLiteral("go"), QStringLiteral("pytest"), QStringLiteral("tox"),
                               QStringLiteral("gradle"), QStringLiteral("mvn"), QStringLiteral("docker compose"),
                               QStringLiteral("kubectl get"), QStringLiteral("terraform plan"), QStringLiteral("bazel")};
    QStringList rules;
    for (int i = 0; i < count; ++i) {
        const QString program = programs[random.bounded(int(programs.size()))];
        switch (i % 5) {
        case 0:
            rules << QStringLiteral("allow:Bash(%1 task-%2:*)").arg(program).arg(i);
            break;
        case 1:
            rules << QStringLiteral("allow:Bash(%1 target%2)").arg(program).arg(i);
            break;
        case 2:
            rules << QStringLiteral("deny:Read(secrets/%1/**)").arg(i);
            break;
        case 3:
            rules << QStringLiteral("ask:Bash(%1 deploy-%2 *)").arg(program).arg(i);
            break;
        default:
            rules << QStringLiteral("allow:WebFetch(domain:docs%1.example.com)").arg(i);
        }
    }
    // The rules a real allow list has, so that some commands are allowed by rules.
    rules << QStringLiteral("allow:Bash(npm run test:*)") << QStringLiteral("allow:Bash(npm run build)")
          << QStringLiteral("allow:Bash(git add *)") << QStringLiteral("allow:Bash(git commit *)")
          << QStringLiteral("allow:Bash(pytest *)") << QStringLiteral("allow:Bash(cargo build *)")
          << QStringLiteral("deny:Bash(git push *)") << QStringLiteral("deny:Read(.env)") << QStringLiteral("deny:Bash(rm -rf *)");
    return rules;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const int commandCount = args.size() > 1 ? args[1].toInt() : 10000;
    const int ruleCount = args.size() > 2 ? args[2].toInt() : 500;
    const int rounds = args.size() > 3 ? args[3].toInt() : 5;

    QRandomGenerator random(20261124);
    QTemporaryDir dir;
    const QString project = dir.path() + QStringLiteral("/proj");
    for (const char *sub : {"src/app", "tests", "docs", "build", "packages/core"})
        QDir().mkpath(project + u'/' + QString::fromLatin1(sub));

    PolicyOptions options;
    options.projectDir = project;
    options.homeDir = dir.path();
    options.projectTrusted = true;
    for (const QString &entry : ruleSet(ruleCount, random)) {
        const QString kind = entry.section(u':', 0, 0);
        const QString rule = entry.section(u':', 1);
        (kind == QStringLiteral("allow") ? options.cliAllow : kind == QStringLiteral("ask") ? options.cliAsk : options.cliDeny) << rule;
    }
    const Engine engine(Policy::load(options));
    const QStringList commands = corpus(commandCount, random);

    std::vector<ToolCall> calls;
    calls.reserve(std::size_t(commands.size()));
    for (const QString &command : commands)
        calls.push_back(ToolCall{QStringLiteral("Bash"), QJsonObject{{QStringLiteral("command"), command}}});

    int verdicts[3] = {0, 0, 0};
    for (const ToolCall &call : calls) // warm up, and count what the corpus decides
        ++verdicts[int(engine.decide(call).verdict)];

    std::vector<double> latencies;
    latencies.reserve(calls.size() * std::size_t(rounds));
    QElapsedTimer total;
    total.start();
    for (int round = 0; round < rounds; ++round) {
        for (const ToolCall &call : calls) {
            const auto start = std::chrono::steady_clock::now();
            const Decision decision = engine.decide(call);
            const auto end = std::chrono::steady_clock::now();
            latencies.push_back(std::chrono::duration<double, std::micro>(end - start).count());
            if (decision.reason.isEmpty())
                std::printf("?");
        }
    }
    const double seconds = double(total.nsecsElapsed()) / 1e9;
    std::sort(latencies.begin(), latencies.end());
    const auto percentile = [&latencies](double p) { return latencies[std::size_t(p * double(latencies.size() - 1))]; };
    std::printf("policy engine: %lld commands x %d rounds, %lld rules (+9 typical)\n", static_cast<long long>(calls.size()), rounds,
                static_cast<long long>(ruleCount));
    std::printf("corpus verdicts: %d allow, %d ask, %d deny\n", verdicts[0], verdicts[1], verdicts[2]);
    std::printf("throughput: %.0f decisions/s (single thread)\n", double(latencies.size()) / seconds);
    std::printf("latency: median %.2f us, p90 %.2f us, p99 %.2f us, max %.2f us\n", percentile(0.5), percentile(0.9),
                percentile(0.99), latencies.back());
    return 0;
}
