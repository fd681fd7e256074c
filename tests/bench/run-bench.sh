#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the benchmarks (release build, in build-bench/) and runs them; prints the figures.
# Usage: tests/bench/run-bench.sh [COMMANDS] [RULES] [ROUNDS]
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
exec "$checkout/packaging/devenv.sh" exec -- sh -c "
    cmake -S '$checkout' -B '$checkout/build-bench' -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEHOUSE_BUILD_TESTS=ON >/dev/null &&
    cmake --build '$checkout/build-bench' --target bench_policy >/dev/null &&
    '$checkout/build-bench/tests/bench/bench_policy' $*"
