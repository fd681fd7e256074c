// SPDX-License-Identifier: GPL-3.0-or-later
// What one sandboxed command costs the agent, whose process is already running: the median wall
// time of SandboxProcess running `true` (with and without the proxy's endpoint), against a bare
// `bwrap --unshare-all ... true` started the same way (QProcess) in the same run.
// Usage: bench_sandbox PROJECT [RUNS]   (run by tests/bench/run-sandbox-bench.sh)
#include "sandbox/hostrules.h"
#include "sandbox/networkproxy.h"
#include "sandbox/sandboxprocess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace gatehouse::sandbox;

namespace {

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

double sandboxedTrue(const SandboxSpec &spec)
{
    QElapsedTimer timer;
    timer.start();
    SandboxProcess process;
    QEventLoop loop;
    QObject::connect(&process, &SandboxProcess::finished, &loop, [&loop](int status, const QString &error) {
        if (status != 0)
            std::fprintf(stderr, "sandboxed true failed: %d %s\n", status, qPrintable(error));
        loop.quit();
    });
    process.start(spec, {QStringLiteral("true")}, SandboxProcess::Channels::Captured);
    loop.exec();
    return static_cast<double>(timer.nsecsElapsed()) / 1000.0;
}

double bareTrue()
{
    QElapsedTimer timer;
    timer.start();
    QProcess process;
    process.start(QStringLiteral("bwrap"), {QStringLiteral("--unshare-all"), QStringLiteral("--die-with-parent"),
                                            QStringLiteral("--ro-bind"), QStringLiteral("/"), QStringLiteral("/"),
                                            QStringLiteral("--dev"), QStringLiteral("/dev"), QStringLiteral("--proc"),
                                            QStringLiteral("/proc"), QStringLiteral("true")});
    process.waitForFinished();
    return static_cast<double>(timer.nsecsElapsed()) / 1000.0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_sandbox PROJECT [RUNS]\n");
        return 2;
    }
    const int runs = argc > 2 ? std::atoi(argv[2]) : 50;
    SandboxSpec spec;
    spec.projectDir = QString::fromLocal8Bit(argv[1]);
    NetworkProxy proxy(HostRules::fromLists({QStringLiteral("localhost")}, {}));
    SandboxSpec proxied = spec;
    proxied.proxySocket = proxy.openEndpoint(QStringLiteral("true")).value_or(QString());

    std::vector<double> bare, ours, withProxy;
    for (int i = 0; i < runs; ++i) { // interleaved, so that drifts of the machine hit all alike
        bare.push_back(bareTrue());
        ours.push_back(sandboxedTrue(spec));
        withProxy.push_back(sandboxedTrue(proxied));
    }
    const double b = median(bare);
    std::printf("in-process, bare bwrap true:              %8.0f us (median of %d)\n", b, runs);
    std::printf("in-process, SandboxProcess true:          %8.0f us, ratio %.2f\n", median(ours), median(ours) / b);
    std::printf("in-process, SandboxProcess + proxy true:  %8.0f us, ratio %.2f\n", median(withProxy), median(withProxy) / b);
    return 0;
}
