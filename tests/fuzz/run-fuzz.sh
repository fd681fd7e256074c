#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets with clang, AddressSanitizer and UBSan (in build-fuzz/), seeds a
# corpus from the golden policy cases, and runs one target for a given time.
# Usage: tests/fuzz/run-fuzz.sh fuzz_shellparser|fuzz_settings SECONDS [JOBS]
# Prints libFuzzer's final statistics; crashes are written to build-fuzz/findings/TARGET/.
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
target=${1:?usage: run-fuzz.sh TARGET SECONDS}
seconds=${2:?usage: run-fuzz.sh TARGET SECONDS}
jobs=${3:-1}
exec "$checkout/packaging/devenv.sh" exec -- bash -c '
set -euo pipefail
checkout=$1 target=$2 seconds=$3 jobs=$4
build=$checkout/build-fuzz
CC=clang CXX=clang++ cmake -S "$checkout" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGATEHOUSE_FUZZ=ON \
    -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" >/dev/null
cmake --build "$build" --target "$target" >/dev/null
corpus=$build/corpus/$target findings=$build/findings/$target
mkdir -p "$corpus" "$findings"
if [ -z "$(ls -A "$corpus")" ]; then
    python3 - "$checkout" "$target" "$corpus" <<PY
import json, glob, hashlib, os, sys
checkout, target, corpus = sys.argv[1:4]
seeds = []
for path in glob.glob(os.path.join(checkout, "tests/core/policy/golden/*.cases.jsonl")):
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        d = json.loads(line)
        if target == "fuzz_shellparser" and "input" in d and "command" in d.get("input", {}):
            seeds.append(d["input"]["command"])
        if target == "fuzz_settings" and "fixture" in d:
            for layer in ("user", "project", "local", "managed"):
                if isinstance(d["fixture"].get(layer), dict):
                    seeds.append(json.dumps(d["fixture"][layer]))
for seed in seeds:
    data = seed.encode("utf-8")
    open(os.path.join(corpus, hashlib.sha1(data).hexdigest()), "wb").write(data)
print(f"seeded {len(seeds)} inputs")
PY
fi
cd "$findings"
"$build/tests/fuzz/$target" "$corpus" -max_total_time="$seconds" -jobs="$jobs" -workers="$jobs" \
    -max_len=4096 -timeout=10 -print_final_stats=1 2>&1 | tail -n 25
' fuzz "$checkout" "$target" "$seconds" "$jobs"
