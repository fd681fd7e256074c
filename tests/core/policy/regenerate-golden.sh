#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Rewrites tests/core/policy/golden/*.golden.jsonl from the engine's current answers. The
# cases' own expectations ("expect", "rule", "risks") must still hold; review `git diff` of
# the golden files before committing them.
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd -P)
exec "$checkout/packaging/devenv.sh" exec -- sh -c "
    cd '$checkout' && packaging/build.sh >/dev/null &&
    cd build && GATEHOUSE_UPDATE_GOLDEN=1 ../tests/harness.sh ./tests/tst_policygolden" 
