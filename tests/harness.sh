#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: tests/harness.sh CMD [ARGS]
# Runs CMD the way every Gatehouse test must run: with a temporary HOME and XDG folders (never
# the real ones), a private D-Bus session bus with gnome-keyring unlocked as its Secret Service
# (a real keychain), and a private Xvfb display. Everything is removed afterwards.
set -euo pipefail
for tool in dbus-run-session gnome-keyring-daemon xvfb-run xauth; do
    command -v "$tool" >/dev/null || { echo "harness: $tool is missing (run through packaging/devenv.sh)" >&2; exit 2; }
done
scratch=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-tests.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch"/{home,config,data,state,cache,runtime}
chmod 700 "$scratch/runtime"
export GATEHOUSE_TEST_SCRATCH=$scratch
export HOME=$scratch/home XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data
export XDG_STATE_HOME=$scratch/state XDG_CACHE_HOME=$scratch/cache XDG_RUNTIME_DIR=$scratch/runtime
export TMPDIR=$scratch/cache
# Nothing of the caller's session may leak in: no display, bus, keys or git identity.
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS ANTHROPIC_API_KEY ANTHROPIC_BASE_URL \
      GATEHOUSE_CONFIG_DIR GATEHOUSE_MANAGED_DIR SSH_AUTH_SOCK GNOME_KEYRING_CONTROL || true
export GIT_CONFIG_NOSYSTEM=1 LANG=C.UTF-8 LC_ALL=C.UTF-8 QT_QPA_PLATFORM=xcb
set +e
dbus-run-session -- bash -c '
    # The keyring is created with, and unlocked by, this throwaway password.
    eval "$(printf %s gatehouse-test-keyring | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
    exec xvfb-run -a -s "-screen 0 1600x1000x24 -nolisten tcp" "$@"
' harness "$@"
status=$?
set -e
exit $status
