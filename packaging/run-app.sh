#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds Gatehouse and starts it with ARGS (default: the current folder). On a machine without a
# display it starts the app on a private Xvfb display instead, saves a screenshot of the main
# window and prints where, so that a headless machine still shows that the app works.
# Runs inside the build environment: use packaging/devenv.sh app [ARGS].
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
build=${GATEHOUSE_BUILD_DIR:-$checkout/build}
GATEHOUSE_BUILD_DIR=$build "$checkout/packaging/build.sh"
binary=$build/app/gatehouse

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "==> Starting $binary $*" >&2
    exec "$binary" "$@"
fi

shot=${GATEHOUSE_SCREENSHOT:-$build/screenshots/gatehouse-main-window.png}
echo "==> No display here: starting Gatehouse on a private Xvfb display to take a screenshot" >&2
command -v xvfb-run >/dev/null || { echo "run-app: xvfb-run is missing; install xvfb" >&2; exit 1; }
xvfb-run -a -s "-screen 0 1600x1000x24 -nolisten tcp" "$binary" --screenshot "$shot" "$@"
echo "==> Gatehouse ran and showed its window; open $shot to see it." >&2
