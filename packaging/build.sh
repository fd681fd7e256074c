#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Configures and builds Gatehouse in $GATEHOUSE_BUILD_DIR (default: <checkout>/build). Runs inside
# the build environment (packaging/devenv.sh build), or directly where the packages are installed.
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
build=${GATEHOUSE_BUILD_DIR:-$checkout/build}
werror=${GATEHOUSE_WERROR:-OFF}
jobs=${GATEHOUSE_JOBS:-$(nproc)}

# A build folder made by another environment (another compiler or Qt) cannot be reused.
if [ -f "$build/CMakeCache.txt" ] && ! grep -q "^CMAKE_HOME_DIRECTORY:INTERNAL=$checkout\$" "$build/CMakeCache.txt"; then
    echo "==> $build was configured for another source folder; starting it afresh" >&2
    rm -rf "$build"
fi
start=$SECONDS
if [ ! -f "$build/build.ninja" ] || [ "$(grep -c "^GATEHOUSE_WERROR:BOOL=$werror\$" "$build/CMakeCache.txt" 2>/dev/null)" = 0 ]; then
    echo "==> Configuring in $build" >&2
    cmake -S "$checkout" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGATEHOUSE_WERROR="$werror" >/dev/null
fi
echo "==> Building ($jobs jobs)" >&2
cmake --build "$build" -j "$jobs"
echo "==> Built in $((SECONDS - start)) s" >&2
