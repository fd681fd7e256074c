#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds Gatehouse with warnings as errors and runs the whole test suite (unit, GUI under Xvfb,
# keychain, command line, packaging) in the isolated environment of tests/harness.sh.
# Runs inside the build environment: use packaging/devenv.sh test [CTEST ARGS].
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
export GATEHOUSE_BUILD_DIR=${GATEHOUSE_BUILD_DIR:-$checkout/build}
GATEHOUSE_WERROR=ON "$checkout/packaging/build.sh"
echo "==> Running the tests" >&2
cd "$GATEHOUSE_BUILD_DIR"
exec "$checkout/tests/harness.sh" ctest --output-on-failure --timeout 900 "$@"
