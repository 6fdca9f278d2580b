#!/usr/bin/env bash
# Added start-up cost of the Landlock launcher: median wall time of `bash -c true` run bare and through
# `agentexec __landlock-exec` (workspace-write shape: a writable root, a fresh TMPDIR, network off, so the seccomp
# filter is installed too). A benchmark, not a test: run it by hand on a quiet machine.
#
#   benchmarks/landlock-startup.sh LAUNCHER...            e.g.  /tmp/aot/agentexec
#                                                               dotnet src/AgentExec.Cli/bin/Release/net10.0/agentexec.dll
#   RUNS=30 (default) sets the number of timed runs, after 3 untimed warm-up runs.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 LAUNCHER-COMMAND..." >&2
    exit 2
fi

runs=${RUNS:-30}
launcher=("$@")
workspace=$(mktemp -d)
fresh_tmp=$(mktemp -d)
trap 'rm -rf "$workspace" "$fresh_tmp"' EXIT

# Milliseconds for each run, one per line; EPOCHREALTIME (bash 5) is read in the shell itself, so no extra process
# is timed.
time_runs() {
    local start end
    for _ in 1 2 3; do "$@" > /dev/null; done
    for ((i = 0; i < runs; i++)); do
        start=$EPOCHREALTIME
        "$@" > /dev/null
        end=$EPOCHREALTIME
        awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }'
    done
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

bare=$(time_runs bash -c true | median)
sandboxed=$(time_runs "${launcher[@]}" __landlock-exec --write "$workspace" --tmpdir "$fresh_tmp" -- bash -c true | median)
added=$(awk -v a="$sandboxed" -v b="$bare" 'BEGIN { printf "%.3f", a - b }')

echo "runs:          $runs (median)"
echo "bare bash:     $bare ms"
echo "via launcher:  $sandboxed ms  (${launcher[*]})"
echo "added:         $added ms"
