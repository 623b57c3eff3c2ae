#!/usr/bin/env bash
# Search benchmark: the build time each search index adds to the generated site, its bytes on
# disk, and what a browser downloads for one two-word query with Kiln's fragment search.
# Usage: bench/search.sh [PAGES]       (default 10000)
# Env:   RUNS (default 5), QUERY (default "archive anchor"), BENCH_DIR (default
#        /dev/shm/kiln-search-bench), KILN_BIN (default target/dist/kiln, built if missing).
# See bench/README.md ("Search") for what is measured.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
pages=${1:-10000}
runs=${RUNS:-5}
query=${QUERY:-archive anchor}
work=${BENCH_DIR:-/dev/shm/kiln-search-bench}/$pages
kiln=${KILN_BIN:-$repo/target/dist/kiln}
if [[ -z ${KILN_BIN:-} ]]; then
  (cd "$repo" && cargo build --profile dist -p kiln)
fi
for tool in hyperfine python3 chromedriver gzip; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 1; }
done

# One generated site; each variant is a root with its own config.toml and the same sources.
variants=(none elasticlunr_javascript elasticlunr_json fuse_javascript fuse_json fragments)
mkdir -p "$work"
python3 -B "$repo/bench/gen-site.py" --pages "$pages" --out "$work/site" --force >/dev/null
# A search page for the fragment search (in every variant, so each builds the same pages).
printf '+++\ntitle = "Search"\ntemplate = "search.html"\nin_search_index = false\n+++\n' \
  >"$work/site/content/search.md"
cat >"$work/site/templates/search.html" <<'EOF'
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Search</title></head><body>
<form data-kiln-search method="get"><input id="search-q" name="q" type="search"><button>Search</button></form>
<div data-kiln-results></div><script src="/kiln-search/search.js" defer></script></body></html>
EOF
for v in "${variants[@]}"; do
  mkdir -p "$work/$v"
  for folder in content templates static; do ln -sfn "$work/site/$folder" "$work/$v/$folder"; done
  case $v in
    none) cp "$work/site/config.toml" "$work/$v/config.toml" ;;
    fragments) { cat "$work/site/config.toml"; printf '\n[fragment_search]\nenable = true\n'; } >"$work/$v/config.toml" ;;
    *) { echo "build_search_index = true"; cat "$work/site/config.toml"; printf '\n[search]\nindex_format = "%s"\n' "$v"; } >"$work/$v/config.toml" ;;
  esac
done

echo "== $pages pages, $runs runs each, load average $(cut -d' ' -f1-3 /proc/loadavg)"
list=$(IFS=,; echo "${variants[*]}")
hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/hyperfine.json" \
  --prepare "rm -rf $work/out-{v}" -L v "$list" \
  "$kiln build --root $work/{v} --output-dir $work/out-{v}" >/dev/null

echo
printf '%-24s %9s %8s %12s %12s %7s\n' variant "median s" added "index bytes" "gzip bytes" files
python3 - "$work" "${variants[@]}" <<'EOF'
import json, sys, gzip, pathlib, statistics
work = pathlib.Path(sys.argv[1])
runs = json.loads((work / "hyperfine.json").read_text())["results"]
median = {r["parameters"]["v"]: statistics.median(r["times"]) for r in runs}
for v in sys.argv[2:]:
    out = work / f"out-{v}"
    files = sorted(out.glob("search_index.*")) if v != "fragments" else \
        sorted(p for p in (out / "kiln-search").rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in files)
    packed = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    added = (median[v] / median["none"] - 1) * 100
    print(f"{v:<24} {median[v]:9.3f} {added:+7.1f}% {size:12,} {packed:12,} {len(files):7,}")
EOF

echo
echo "== one query on the fragment search, '$query' (headless Chromium, network log)"
python3 -B "$repo/bench/search-query.py" "$work/out-fragments" "$query" --page /search/ --runs 5
