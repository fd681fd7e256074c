#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The sandbox's cost, measured against baselines in the same run (the ratios are what counts on
# these noisy machines):
#  - what one sandboxed command costs inside a running Gatehouse (the agent's case): SandboxProcess
#    running `true`, without and with the proxy's endpoint, against a bare bwrap started alike;
#  - median wall time of `gatehouse run -- true` against a bare `bwrap --unshare-all ... true`,
#    without and with the network proxy (an allowed host starts the proxy and the bridge), and
#    `gatehouse --version`, the part of that which is the program's own start;
#  - download throughput from a loopback HTTP server: curl through the sandbox, its bridge and
#    the proxy, against the same curl outside.
#  - staged writes: a command changing 0, 1, 1,000 and 10,000 files, in a project of 10,000 and of
#    100,000 files, staged and landed, in the fallback, and under a bare bwrap (bench_staging).
# Usage: run-sandbox-bench.sh [RUNS] [MEGABYTES] [STAGING_RUNS]
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
runs=${1:-50}
megabytes=${2:-1024}
staging_runs=${3:-7}
exec "$checkout/packaging/devenv.sh" exec -- bash -c '
set -euo pipefail
checkout=$1 runs=$2 megabytes=$3 staging_runs=$4
build=${GATEHOUSE_BUILD_DIR:-$checkout/build}
"$checkout/packaging/build.sh" >/dev/null 2>&1
gatehouse=$build/app/gatehouse
project=$(mktemp -d)
coproc SERVER { "$build/tests/bench/bench_httpserver"; }
read -r port <&"${SERVER[0]}"
trap "exec {SERVER[1]}>&-; rm -rf $project" EXIT
median() { sort -n | awk "{a[NR]=\$1} END {print a[int((NR+1)/2)]}"; }
measure() {
    for i in $(seq "$runs"); do
        start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N)
        echo $(( (end - start) / 1000 ))
    done | median
}
ratio() { awk -v a="$1" -v b="$2" "BEGIN {printf \"%.2f\", a / b}"; }
bare=$(measure bwrap --unshare-all --die-with-parent --ro-bind / / --dev /dev --proc /proc true)
ours=$(cd "$project" && measure "$gatehouse" run -- true)
proxied=$(cd "$project" && measure "$gatehouse" run --allow-domain localhost -- true)
echo "bare bwrap true:                     ${bare} us (median of $runs)"
echo "gatehouse run -- true:               ${ours} us (median of $runs), ratio $(ratio "$ours" "$bare")"
echo "gatehouse run (with the proxy) true: ${proxied} us (median of $runs), ratio $(ratio "$proxied" "$bare")"
version=$(measure "$gatehouse" --version)
echo "gatehouse --version (program start): ${version} us (median of $runs)"
(cd "$project" && GATEHOUSE_SANDBOX_HELPER=$build/app/gatehouse-sandbox-helper "$build/tests/bench/bench_sandbox" "$project" "$runs")
# Staged writes: a private cache home, so that the staging folders share the file system of the projects.
staging=$(mktemp -d)
(XDG_CACHE_HOME=$staging/cache XDG_DATA_HOME=$staging/data GATEHOUSE_SANDBOX_HELPER=$build/app/gatehouse-sandbox-helper \
    "$build/tests/bench/bench_staging" "$staging" "$staging_runs"; rm -rf "$staging")

bytes=$((megabytes * 1024 * 1024))
speed() { "$@" -s -o /dev/null -w "%{speed_download}\n" "http://localhost:$port/bytes/$bytes"; }
direct=$(speed curl --noproxy "*")
through=$(cd "$project" && speed "$gatehouse" run --allow-domain localhost -- curl)
echo "download of ${megabytes} MiB on loopback, direct:        $(awk -v s="$direct" "BEGIN {printf \"%.0f\", s / 1048576}") MiB/s"
echo "download of ${megabytes} MiB through sandbox and proxy:   $(awk -v s="$through" "BEGIN {printf \"%.0f\", s / 1048576}") MiB/s, ratio $(ratio "$through" "$direct")"
' bench "$checkout" "$runs" "$megabytes" "$staging_runs"
