#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The agent's own costs, each against a baseline in the same run (the ratios are what counts on
# these noisy machines):
#  - the audit log (bench_audit): AuditLog::append of a decision line against write() + fdatasync()
#    of a line of the same size on the same file system; redaction in ns per call; verifyAuditLog
#    against reading and parsing the same lines;
#  - the agent loop, through the real binary (`gatehouse -p ... --replay FILE` in a trusted project):
#    ms per call of CALLS Read, Glob and Bash `true` calls, against CALLS calls of a tool that does
#    not exist (the loop's own cost per turn: no policy, no execution, one audit line; a reply
#    with no tool call ends the session, so a script of text turns cannot run CALLS turns). The
#    program's start is taken off: a one-turn run of text only is measured alike. Bash is also
#    compared with `gatehouse run -- true` and a bare `bwrap --unshare-all ... true`, and its time
#    in the sandbox (durationMs of its audit lines) is shown;
#  - memory: peak RSS of a run of MEMORY_TURNS turns each reading a 100 KB file against a run of
#    10 such turns, set against the growth of the transcript (the conversation as written), and
#    again with a fixed mmap threshold, which tells glibc's heap fragmentation from a second copy.
# Everything runs in tests/harness.sh (a temporary HOME and XDG folders).
# Usage: run-agent-bench.sh [CALLS] [ROUNDS] [MEMORY_TURNS] [APPENDS]   (defaults 200 3 1000 1000)
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${GATEHOUSE_BUILD_DIR:-$checkout/build}
calls=${1:-200} rounds=${2:-3} memoryTurns=${3:-1000} appends=${4:-1000}

if [ "${GATEHOUSE_AGENT_BENCH_INSIDE:-}" != 1 ]; then
    # An existing build folder is built as it is configured (build.sh would reconfigure one made
    # with warnings as errors); a new one is made by build.sh.
    "$checkout/packaging/devenv.sh" exec -- bash -c '
        set -e
        [ -f "$1/build.ninja" ] || "$2/packaging/build.sh" >/dev/null 2>&1
        cmake --build "$1" --target gatehouse gatehouse-sandbox-helper bench_audit bench_agent >/dev/null' \
        build "$build" "$checkout"
    export GATEHOUSE_AGENT_BENCH_INSIDE=1 GATEHOUSE_BUILD_DIR=$build
    exec "$checkout/packaging/devenv.sh" exec -- "$checkout/tests/harness.sh" "$0" "$@"
fi

gatehouse=$build/app/gatehouse
bench=$build/tests/bench
work=$(mktemp -d)
project=$work/project
mkdir -p "$project/src/a" "$project/src/b" "$project/src/c"
for dir in a b c; do
    for i in $(seq 30); do echo "file $i of $dir" >"$project/src/$dir/file$i.txt"; done
done
seq 20 | sed 's/^/a small file, line /' >"$project/small.txt"
# 100 KB: 1,000 lines of 99 characters.
awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "%-98s\n", "line " i " of a file the agent reads again and again" }' >"$project/big.txt"
"$gatehouse" trust "$project" --yes >/dev/null

# script KIND N FILE: N turns of one call each, then a turn of text that ends the session.
script() {
    awk -v kind="$1" -v n="$2" 'BEGIN {
        if (kind == "loop") { name = "NoSuchTool"; input = "{}" }
        if (kind == "read") { name = "Read"; input = "{\"file_path\":\"small.txt\"}" }
        if (kind == "big")  { name = "Read"; input = "{\"file_path\":\"big.txt\"}" }
        if (kind == "glob") { name = "Glob"; input = "{\"pattern\":\"**/*.txt\"}" }
        if (kind == "bash") { name = "Bash"; input = "{\"command\":\"true\",\"description\":\"Nothing\"}" }
        for (i = 1; i <= n; i++)
            printf "{\"content\":[{\"type\":\"tool_use\",\"id\":\"t%d\",\"name\":\"%s\",\"input\":%s}]}\n", i, name, input
        print "{\"content\":[{\"type\":\"text\",\"text\":\"Done.\"}]}"
    }' >"$3"
}
script loop 0 "$work/start.jsonl"
for kind in loop read glob bash; do script "$kind" "$calls" "$work/$kind.jsonl"; done
script big 10 "$work/big10.jsonl"
script big "$memoryTurns" "$work/bigN.jsonl"

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# measure LABEL COMMAND...: runs COMMAND in the project; prints "WALL_US MAX_RSS_KB"; fails loudly.
measure() {
    local label=$1; shift
    local result
    result=$(cd "$project" && "$bench/bench_agent" --stdout "$work/$label.out" -- "$@" 2>"$work/$label.err")
    if [ "${result##* }" != 0 ]; then
        echo "run-agent-bench: $label failed (status ${result##* }):" >&2
        tail -5 "$work/$label.err" "$work/$label.out" >&2
        exit 1
    fi
    echo "${result% *}"
}
headless() { # headless LABEL SCRIPT TURNS [OPTIONS...]
    local label=$1 file=$2 turns=$3; shift 3
    measure "$label" "$gatehouse" -p "Go on." --replay "$file" --max-turns $((turns + 1)) "$@"
}

echo "== $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(df -T "$work" | awk 'NR == 2 {print $2}') under $work"
echo
"$bench/bench_audit" "$work/auditbench" "$appends" 100000
echo

declare -A times
for round in $(seq "$rounds"); do # interleaved, so that drifts of the machine hit all alike
    times[start]+="$(headless start "$work/start.jsonl" 0 | cut -d' ' -f1) "
    times[loop]+="$(headless loop "$work/loop.jsonl" "$calls" | cut -d' ' -f1) "
    times[read]+="$(headless read "$work/read.jsonl" "$calls" | cut -d' ' -f1) "
    times[glob]+="$(headless glob "$work/glob.jsonl" "$calls" | cut -d' ' -f1) "
    times[bash]+="$(headless bash "$work/bash.jsonl" "$calls" --allow 'Bash(true)' | cut -d' ' -f1) "
    for i in $(seq 10); do
        times[run]+="$(measure run "$gatehouse" run -- true | cut -d' ' -f1) "
        times[bwrap]+="$(measure bwrap bwrap --unshare-all --die-with-parent --ro-bind / / --dev /dev --proc /proc true | cut -d' ' -f1) "
    done
done
# Every call must have been allowed and run, or the figures measure refusals.
for kind in read glob bash; do
    allowed=$(grep -c '^\[allowed\]' "$work/$kind.out" || true)
    [ "$allowed" = "$calls" ] || { echo "run-agent-bench: $kind: $allowed of $calls calls allowed" >&2; head -3 "$work/$kind.out" >&2; exit 1; }
done
med() { tr ' ' '\n' <<<"${times[$1]}" | grep . | median; }
start=$(med start)
perCall() { awk -v t="$(med "$1")" -v s="$start" -v n="$calls" 'BEGIN {printf "%.2f", (t - s) / n / 1000}'; }
ms() { awk -v t="$1" 'BEGIN {printf "%.2f", t / 1000}'; }
loop=$(perCall loop) bwrapMs=$(ms "$(med bwrap)") runMs=$(ms "$(med run)")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "agent loop, $calls calls per run, median of $rounds runs (program start, $(ms "$start") ms, taken off):"
echo "  unknown tool (loop only, baseline): $loop ms/call"
for kind in read glob bash; do
    echo "  $(printf '%-33s' "$kind:") $(perCall "$kind") ms/call, ratio to the loop $(ratio "$(perCall "$kind")" "$loop")"
done
echo "  bare bwrap true:                   $bwrapMs ms (median of $((rounds * 10)))"
echo "  gatehouse run -- true:             $runMs ms, ratio to bwrap $(ratio "$runMs" "$bwrapMs")"
echo "  Bash call / bwrap true:            ratio $(ratio "$(perCall bash)" "$bwrapMs")"
# The sandbox's share of a Bash call: the duration its execution line in the audit log records.
inSandbox=$(cat "$XDG_STATE_HOME"/gatehouse/audit/audit-*.jsonl | grep '"event":"execution"' | grep '"tool":"Bash"' \
    | grep '"toolUseId"' | grep -o '"durationMs":[0-9]*' | cut -d: -f2 | median)
echo "  of a Bash call, in the sandbox:    $inSandbox ms (median durationMs of its audit lines)"
echo

transcriptBytes() { # the newest transcript's size
    ls -t "$XDG_DATA_HOME"/gatehouse/transcripts/*.jsonl | head -1 | xargs stat -c %s
}
small=$(headless big10 "$work/big10.jsonl" 10)
read -r smallUs smallKb <<<"$small"
smallTranscript=$(transcriptBytes)
big=$(headless bigN "$work/bigN.jsonl" "$memoryTurns")
read -r bigUs bigKb <<<"$big"
bigTranscript=$(transcriptBytes)
# The same with a fixed mmap threshold: big strings get pages of their own, so what remains is
# the conversation itself, without the fragmentation of glibc's heap around it.
fixed=$(MALLOC_MMAP_THRESHOLD_=65536 headless bigN "$work/bigN.jsonl" "$memoryTurns")
read -r _ fixedKb <<<"$fixed"
awk -v st="$smallUs" -v sk="$smallKb" -v bt="$bigUs" -v bk="$bigKb" -v n="$memoryTurns" \
    -v s1="$smallTranscript" -v s2="$bigTranscript" -v fk="$fixedKb" 'BEGIN {
    printf "memory, turns reading a 100 KB file:\n"
    printf "  10 turns:   max RSS %6.1f MB, %6.1f ms/turn (with the start)\n", sk / 1024, st / 10 / 1000
    printf "  %d turns: max RSS %6.1f MB, %6.1f ms/turn (with the start)\n", n, bk / 1024, bt / n / 1000
    printf "  each turn past the 10th: %.1f ms (a cost that grew with the conversation would show here)\n", \
        (bt - st) / (n - 10) / 1000
    growth = (bk - sk) * 1024
    printf "  growth: %.1f MB per 1,000 turns; the transcript grew %.1f MB per 1,000 turns;\n", \
        growth / (n - 10) * 1000 / 1e6, (s2 - s1) / (n - 10) * 1000 / 1e6
    printf "  RSS growth / transcript growth: %.2f (2 = the conversation held once, as UTF-16)\n", growth / (s2 - s1)
    printf "  with MALLOC_MMAP_THRESHOLD_=65536: max RSS %.1f MB, RSS growth / transcript growth %.2f\n", \
        fk / 1024, (fk - sk) * 1024 / (s2 - s1)
}'
rm -rf "$work"
