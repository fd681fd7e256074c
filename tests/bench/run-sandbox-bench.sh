#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Median wall time of `gatehouse run -- true` against a bare `bwrap --unshare-all ... true` in the
# same run (the ratio is what counts on these noisy machines). Usage: run-sandbox-bench.sh [RUNS]
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
runs=${1:-50}
exec "$checkout/packaging/devenv.sh" exec -- bash -c '
set -euo pipefail
checkout=$1 runs=$2
"$checkout/packaging/build.sh" >/dev/null 2>&1
project=$(mktemp -d)
trap "rm -rf $project" EXIT
median() { sort -n | awk "{a[NR]=\$1} END {print a[int((NR+1)/2)]}"; }
measure() {
    for i in $(seq "$runs"); do
        start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N)
        echo $(( (end - start) / 1000 ))
    done | median
}
bare=$(measure bwrap --unshare-all --die-with-parent --ro-bind / / --dev /dev --proc /proc true)
ours=$(cd "$project" && measure "$checkout/build/app/gatehouse" run -- true)
echo "bare bwrap true:          ${bare} us (median of $runs)"
echo "gatehouse run -- true:    ${ours} us (median of $runs)"
awk -v a="$ours" -v b="$bare" "BEGIN {printf \"ratio:                    %.2f\n\", a / b}"
' bench "$checkout" "$runs"
