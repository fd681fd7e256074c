// SPDX-License-Identifier: GPL-3.0-or-later
// What staged writes cost a command (SECURITY-MODEL.md section 6): a command that changes 0, 1,
// 1,000 or 10,000 existing files (sed -i, each file replaced) in a small project and in one of
// 100,000 files, run by SandboxProcess with overlays (staged, then landed), in the fallback
// (written in place, then scanned), and by a bare bwrap that binds the project writable, all
// interleaved in the same run. Reported: medians of the whole command and of the landing (or
// the fallback's scan) alone, and the ratio to the bare bwrap.
// Usage: bench_staging ROOT [RUNS]   (run by tests/bench/run-sandbox-bench.sh)
#include "sandbox/sandboxprocess.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

using namespace gatehouse::sandbox;

namespace {

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

// A project of @p files files (in folders of 1,000) whose first 10,000 are in changes/.
void makeProject(const QString &root, int files)
{
    QDir().mkpath(root + QStringLiteral("/changes"));
    for (int i = 0; i < 10000; ++i) {
        QFile file(root + QStringLiteral("/changes/f%1").arg(i, 5, 10, QLatin1Char('0')));
        file.open(QIODevice::WriteOnly);
        file.write("a\n");
    }
    for (int i = 10000; i < files; ++i) {
        const QString folder = root + QStringLiteral("/tree/d%1").arg(i / 1000);
        if (i % 1000 == 0)
            QDir().mkpath(folder);
        QFile file(folder + QStringLiteral("/f%1").arg(i));
        file.open(QIODevice::WriteOnly);
        file.write("content\n");
    }
}

// Swaps a and b in the first @p count files of changes/: each run changes every one of them.
QString script(int count)
{
    if (count == 0)
        return QStringLiteral("true");
    return QStringLiteral("ls changes | head -n %1 | sed 's|^|changes/|' | xargs sed -i y/ab/ba/").arg(count);
}

struct Timing
{
    double totalUs = 0;
    double landingUs = 0;
};

Timing sandboxed(const QString &project, const QString &command, bool fallback)
{
    qputenv("GATEHOUSE_SANDBOX_STAGING", fallback ? "fallback" : "");
    SandboxSpec spec;
    spec.projectDir = project;
    spec.checkpointFolder = project + QStringLiteral("-checkpoint");
    QElapsedTimer timer;
    timer.start();
    SandboxProcess process;
    QEventLoop loop;
    QObject::connect(&process, &SandboxProcess::finished, &loop, [&loop](int status, const QString &error) {
        if (status != 0)
            std::fprintf(stderr, "sandboxed command failed: %d %s\n", status, qPrintable(error));
        loop.quit();
    });
    process.start(spec, {QStringLiteral("sh"), QStringLiteral("-c"), command}, SandboxProcess::Channels::Captured);
    loop.exec();
    Timing timing{double(timer.nsecsElapsed()) / 1000.0, double(process.landingMicroseconds())};
    QDir(spec.checkpointFolder).removeRecursively(); // a checkpoint per run would fill the disk
    for (const QString &error : process.landing().errors)
        std::fprintf(stderr, "%s: not landed: %s\n", fallback ? "fallback" : "staged", qPrintable(error));
    for (const StagedChange &conflict : process.landing().conflicts)
        std::fprintf(stderr, "%s: conflict: %s: %s\n", fallback ? "fallback" : "staged", qPrintable(conflict.path()),
                     qPrintable(conflict.held));
    return timing;
}

double bare(const QString &project, const QString &command)
{
    QElapsedTimer timer;
    timer.start();
    QProcess process;
    process.setWorkingDirectory(project);
    process.start(QStringLiteral("bwrap"), {QStringLiteral("--unshare-all"), QStringLiteral("--die-with-parent"),
                                            QStringLiteral("--ro-bind"), QStringLiteral("/"), QStringLiteral("/"),
                                            QStringLiteral("--dev"), QStringLiteral("/dev"), QStringLiteral("--proc"),
                                            QStringLiteral("/proc"), QStringLiteral("--bind"), project, project,
                                            QStringLiteral("--chdir"), project, QStringLiteral("sh"), QStringLiteral("-c"),
                                            command});
    process.waitForFinished(-1);
    const double elapsed = double(timer.nsecsElapsed()) / 1000.0;
    // The staged run that follows takes a file changed at or after its starting tick for the
    // person's (a conflict), and files are stamped with the kernel's coarse clock: wait until
    // that clock has moved past the tick of this run's last writes.
    timespec last{};
    ::clock_gettime(CLOCK_REALTIME_COARSE, &last);
    for (timespec now = last; now.tv_sec == last.tv_sec && now.tv_nsec == last.tv_nsec;)
        ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
    return elapsed;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_staging ROOT [RUNS]\n");
        return 2;
    }
    const QString root = QString::fromLocal8Bit(argv[1]);
    const int runs = argc > 2 ? std::atoi(argv[2]) : 10;
    for (const int size : {10000, 100000}) {
        const QString project = root + QStringLiteral("/project-%1").arg(size);
        makeProject(project, size);
        std::printf("project of %d files:\n", size);
        std::printf("  %-14s %12s %12s %8s %12s %12s %8s %12s\n", "changed files", "bare bwrap", "staged", "ratio",
                    "of it landing", "fallback", "ratio", "of it scan");
        for (const int changed : {0, 1, 1000, 10000}) {
            const QString command = script(changed);
            std::vector<double> bareRuns, stagedRuns, landingRuns, fallbackRuns, scanRuns;
            for (int i = 0; i < runs; ++i) { // interleaved: drifts of the machine hit all alike
                bareRuns.push_back(bare(project, command));
                const Timing staged = sandboxed(project, command, false);
                stagedRuns.push_back(staged.totalUs);
                landingRuns.push_back(staged.landingUs);
                const Timing fallback = sandboxed(project, command, true);
                fallbackRuns.push_back(fallback.totalUs);
                scanRuns.push_back(fallback.landingUs);
            }
            const double b = median(bareRuns);
            std::printf("  %-14d %9.1f ms %9.1f ms %8.2f %9.1f ms %9.1f ms %8.2f %9.1f ms\n", changed, b / 1000,
                        median(stagedRuns) / 1000, median(stagedRuns) / b, median(landingRuns) / 1000, median(fallbackRuns) / 1000,
                        median(fallbackRuns) / b, median(scanRuns) / 1000);
            std::fflush(stdout);
        }
    }
    return 0;
}
