#!/usr/bin/env bash
# Highlighting benchmark: kiln with and without syntax highlighting on the same pages (each
# with a rust, a python and a toml block), and Hugo highlighting them, side by side in one run.
# Usage: bench/highlight.sh [PAGES]      (default 10000)
# Env:   RUNS (default 5), WARMUP (default 1), SEED (default 1), BENCH_DIR (default
#        /dev/shm/kiln-bench-hl), NO_HUGO=1, KILN_BIN=path (else a release build is made).
# Targets (issue 11): highlighted within 1.5x of plain; at least 4x faster than Hugo.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
pages=${1:-10000}
runs=${RUNS:-5}
warmup=${WARMUP:-1}
seed=${SEED:-1}
work=${BENCH_DIR:-/dev/shm/kiln-bench-hl}
command -v hyperfine >/dev/null || { echo "error: apt-get install -y hyperfine" >&2; exit 1; }
use_hugo=0
if [[ -z ${NO_HUGO:-} ]] && command -v hugo >/dev/null; then use_hugo=1; fi
((use_hugo)) || echo "note: measuring kiln only (hugo not installed, or NO_HUGO set)"

kiln=${KILN_BIN:-$repo/target/dist/kiln}
if [[ -z ${KILN_BIN:-} ]]; then
  echo "== cargo build --profile dist -p kiln"
  (cd "$repo" && cargo build --profile dist -p kiln)
fi
kiln=$(realpath "$kiln")

site="$work/$pages"
echo "== $pages pages: generating into $site"
gen=(python3 "$repo/bench/gen-site.py" --pages "$pages" --seed "$seed" --more-code --force)
"${gen[@]}" --out "$site/plain"
hugo_args=()
((use_hugo)) && hugo_args=(--hugo "$site/hugo")
"${gen[@]}" --highlight --out "$site/highlighted" "${hugo_args[@]}"

names=(kiln-plain kiln-highlighted)
cmds=("$kiln build --root $site/plain --output-dir $site/out-plain"
      "$kiln build --root $site/highlighted --output-dir $site/out-highlighted")
if ((use_hugo)); then
  names+=(hugo-highlighted)
  cmds+=("hugo --quiet -s $site/hugo -d $site/out-hugo")
fi
# One checked run each: every build must succeed and the highlighted one must have colours.
for cmd in "${cmds[@]}"; do
  # shellcheck disable=SC2086
  $cmd >/dev/null
done
first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["page_paths"][0].strip("/"))' "$site/highlighted/bench-manifest.json")
grep -q '<pre class="giallo"' "$site/out-highlighted/$first/index.html" ||
  { echo "error: $first of the highlighted build has no highlighted code" >&2; exit 1; }

json="$site/hyperfine.json"
hf=(--warmup "$warmup" --runs "$runs" --export-json "$json" --prepare "rm -rf $site/out-plain $site/out-highlighted $site/out-hugo")
for i in "${!cmds[@]}"; do hf+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine "${hf[@]}"

echo
echo "== results ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ))"
python3 - "$json" <<'PY'
import json, sys
runs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in runs.items():
    print(f"{name:<17} median {r['median']:.3f} s   cpu {r['user'] + r['system']:.3f} s")
plain, hl = runs["kiln-plain"], runs["kiln-highlighted"]
cpu = lambda r: r["user"] + r["system"]
print(f"highlighted / plain: {hl['median'] / plain['median']:.2f}x wall, "
      f"{cpu(hl) / cpu(plain):.2f}x cpu (target: at most 1.5x)")
if "hugo-highlighted" in runs:
    hugo = runs["hugo-highlighted"]
    print(f"hugo / kiln, both highlighting: {hugo['median'] / hl['median']:.2f}x wall, "
          f"{cpu(hugo) / cpu(hl):.2f}x cpu (target: at least 4x)")
PY
