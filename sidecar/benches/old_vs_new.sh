#!/bin/sh
# Runs two builds of the load bench alternately, so both see the same background load:
#   sidecar/benches/old_vs_new.sh OLD_BENCH_BINARY NEW_BENCH_BINARY [ROUNDS] > runs.txt
# Build each with `cargo bench -p kiln-sidecar --bench load --no-run` (it prints the binary's
# path), the old one in its own worktree and target folder. KILN_BENCH_* settings pass through.
set -eu
old=$1
new=$2
rounds=${3:-3}
for round in $(seq "$rounds"); do
    for build in old new; do
        if [ "$build" = old ]; then binary=$old; else binary=$new; fi
        echo "== $build, round $round, $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1 /proc/loadavg)"
        "$binary" --bench
    done
done
