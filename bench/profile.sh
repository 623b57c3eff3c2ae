#!/usr/bin/env bash
# Profile one `kiln build` of a generated site with perf, and print where the time goes.
# Usage: bench/profile.sh [PAGES]      (default 1000; needs: apt-get install -y linux-perf)
# Env:   SEED (default 1), BENCH_DIR (default /dev/shm/kiln-bench), KILN_BIN as in build.sh.
# Prints the functions with the most samples of their own (self), then kiln's functions by
# inclusive share (children), so a hot spot can be traced to the kiln code that causes it.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
pages=${1:-1000}
[[ $pages =~ ^[0-9]+$ ]] || { echo "error: '$pages' is not a page count" >&2; exit 2; }
work=${BENCH_DIR:-/dev/shm/kiln-bench}/profile-$pages
command -v perf >/dev/null || { echo "error: perf not found; apt-get install -y linux-perf" >&2; exit 1; }

kiln=${KILN_BIN:-$repo/target/dist/kiln}
if [[ -z ${KILN_BIN:-} ]]; then
  (cd "$repo" && cargo build --profile dist -p kiln)
fi
python3 "$repo/bench/gen-site.py" --pages "$pages" --seed "${SEED:-1}" --out "$work/zola" --force
rm -rf "$work/dist"
# DWARF unwinding: release builds keep no frame pointers, so only DWARF gives whole call chains.
perf record -q -F 499 --call-graph dwarf,16384 -o "$work/perf.data" \
  "$kiln" build --root "$work/zola" --output-dir "$work/dist"

report=(perf report -i "$work/perf.data" --stdio --percent-limit 1.5 -g none --sort symbol)
echo "== self time (top symbols)"
"${report[@]}" --no-children 2>/dev/null | grep -E '^ +[0-9]' | cut -c1-140 | head -25
echo "== inclusive time of kiln's own functions"
"${report[@]}" --children 2>/dev/null | grep -E '^ +[0-9]' | grep -E '\] kiln::' | cut -c1-140 | head -25
echo "(full data: perf report -i $work/perf.data)"
