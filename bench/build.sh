#!/usr/bin/env bash
# Build benchmark: time `kiln build` (and Hugo, when installed) on generated sites of N pages.
# Usage: bench/build.sh [--smoke] [PAGES...]      (default sizes: 1000 10000)
# Env:   RUNS (default 5), WARMUP (default 1), SEED (default 1),
#        BENCH_DIR (default /dev/shm/kiln-bench), NO_HUGO=1 / NO_KILN=1 to skip a tool,
#        KILN_BIN=path to time an existing kiln binary instead of building it in release,
#        KILN_BASELINE=path to time a second kiln binary (e.g. main before a change) beside it,
#        TRANSLATE=CODE to give every page and section a translation in language CODE.
# See bench/README.md for what is measured and how the two sites are kept equivalent.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bench="$repo/bench"
runs=${RUNS:-5}
warmup=${WARMUP:-1}
seed=${SEED:-1}
work=${BENCH_DIR:-/dev/shm/kiln-bench}
smoke=0
sizes=()

for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=1 ;;
    -h | --help) sed -n '2,7s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *[!0-9]* | '') echo "error: '$arg' is not a page count (try --help)" >&2; exit 2 ;;
    *) sizes+=("$arg") ;;
  esac
done
if ((smoke)); then
  ((${#sizes[@]})) || sizes=(200)
  runs=${RUNS:-1}
  warmup=${WARMUP:-0}
  NO_HUGO=1
fi
((${#sizes[@]})) || sizes=(1000 10000)

need() {
  command -v "$1" >/dev/null || { echo "error: $1 not found; install it: apt-get install -y $2" >&2; exit 1; }
}
need hyperfine hyperfine
need python3 python3
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time not found; apt-get install -y time" >&2; exit 1; }
case "$work" in *[[:space:]]*) echo "error: BENCH_DIR must not contain spaces: '$work'" >&2; exit 2 ;; esac
use_kiln=1
[[ -n ${NO_KILN:-} ]] && use_kiln=0
use_hugo=0
if [[ -z ${NO_HUGO:-} ]]; then
  if command -v hugo >/dev/null; then use_hugo=1; else echo "note: hugo not installed (apt-get install -y hugo); measuring kiln only"; fi
fi

kiln=${KILN_BIN:-$repo/target/dist/kiln}
if ((use_kiln)) && [[ -z ${KILN_BIN:-} ]]; then
  echo "== cargo build --profile dist -p kiln"
  (cd "$repo" && cargo build --profile dist -p kiln)
fi
if ((use_kiln)); then
  [[ -x $kiln ]] || { echo "error: no kiln binary at $kiln" >&2; exit 1; }
  kiln=$(realpath "$kiln")
fi
baseline=${KILN_BASELINE:-}
if [[ -n $baseline ]]; then
  [[ -x $baseline ]] || { echo "error: no kiln binary at KILN_BASELINE=$baseline" >&2; exit 1; }
  baseline=$(realpath "$baseline")
fi
mkdir -p "$work"
results="$work/results.tsv"
: >"$results"

# One /usr/bin/time -v run: peak RSS in MiB on stdout, the tool's errors on screen if it fails.
peak_mib() {
  local log="$1"; shift
  if ! /usr/bin/time -v "$@" >"$log.out" 2>"$log"; then
    echo "error: this build failed: $*" >&2
    grep -v -E '^\s+[A-Z(].*: ' "$log" | tail -n 20 >&2
    return 1
  fi
  awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$log"
}

# "median-seconds cpu-seconds" of the named command from hyperfine's JSON export; CPU time
# (user + system, mean) is the steadier figure when other jobs share the machine.
timing_of() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
runs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
r = runs[sys.argv[2]]
print(f"{r['median']:.3f} {r['user'] + r['system']:.3f}")
EOF
}

# "html-files pages-found/expected": counts what the build really wrote, so a broken build can't look fast.
output_check() {
  python3 - "$1" "$2" <<'EOF'
import json, os, sys
dist, manifest = sys.argv[1], json.load(open(sys.argv[2]))
html = sum(f.endswith(".html") for _, _, files in os.walk(dist) for f in files)
found = sum(os.path.isfile(os.path.join(dist, p.strip("/"), "index.html")) for p in manifest["page_paths"])
ok = found == manifest["pages"] and html >= manifest["min_html_files"]
print(f"{html} {found}/{manifest['pages']} {'ok' if ok else 'INCOMPLETE'}")
EOF
}

# Equivalence check: the HTML files each tool wrote, by path, and how much HTML in all.
compare_outputs() {
  python3 - "$1" "$2" <<'EOF'
import os, sys
def html(root):
    found = {}
    for folder, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                path = os.path.join(folder, f)
                found[os.path.relpath(path, root)] = os.path.getsize(path)
    return found
kiln, hugo = html(sys.argv[1]), html(sys.argv[2])
only_k, only_h = sorted(kiln.keys() - hugo.keys()), sorted(hugo.keys() - kiln.keys())
mib = lambda d: sum(d.values()) / 2**20
print(f"   same HTML paths: {len(kiln.keys() & hugo.keys())}; only kiln: {len(only_k)}; "
      f"only hugo: {len(only_h)}; HTML size kiln {mib(kiln):.1f} MiB, hugo {mib(hugo):.1f} MiB")
for label, paths in (("only kiln", only_k), ("only hugo", only_h)):
    for p in paths[:5]:
        print(f"   {label}: {p}")
EOF
}

for n in "${sizes[@]}"; do
  site="$work/$n"
  echo "== $n pages: generating into $site"
  gen_args=(--pages "$n" --seed "$seed" --out "$site/zola" --force)
  ((use_hugo)) && gen_args+=(--hugo "$site/hugo")
  [[ -n ${TRANSLATE:-} ]] && gen_args+=(--translate "$TRANSLATE")
  python3 "$bench/gen-site.py" "${gen_args[@]}"

  declare -A cmd=(
    [kiln]="$kiln build --root $site/zola --output-dir $site/kiln-dist"
    [hugo]="hugo --quiet -s $site/hugo -d $site/hugo-dist"
    [base]="$baseline build --root $site/zola --output-dir $site/base-dist"
  )
  declare -A src=([kiln]=zola [hugo]=hugo [base]=zola)
  names=() cmds=() tools=()
  ((use_kiln)) && tools+=(kiln)
  [[ -n $baseline ]] && tools+=(base)
  ((use_hugo)) && tools+=(hugo)
  echo "== $n pages: one checked run of each under /usr/bin/time -v"
  rm -rf "$site/kiln-dist" "$site/hugo-dist" "$site/base-dist"
  declare -A mem=() check=()
  for tool in "${tools[@]}"; do
    # Word splitting of the command is intended: its paths hold no spaces (checked above).
    # shellcheck disable=SC2086
    if mem[$tool]=$(peak_mib "$site/$tool.time" ${cmd[$tool]}); then
      names+=("$tool") cmds+=("${cmd[$tool]}")
      check[$tool]=$(output_check "$site/$tool-dist" "$site/${src[$tool]}/bench-manifest.json")
    else
      mem[$tool]=- check[$tool]=failed
    fi
  done

  if ((use_hugo)) && [[ -d $site/kiln-dist && -d $site/hugo-dist ]]; then
    compare_outputs "$site/kiln-dist" "$site/hugo-dist"
  fi
  if [[ -n $baseline && -d $site/kiln-dist && -d $site/base-dist ]]; then
    if diff -rq "$site/base-dist" "$site/kiln-dist" >/dev/null; then
      echo "   kiln and the baseline wrote the same bytes"
    else
      echo "   kiln and the baseline wrote different output (diff -r $site/base-dist $site/kiln-dist)"
    fi
  fi

  json="$site/hyperfine.json"
  if ((${#cmds[@]})); then
    hf_args=(--warmup "$warmup" --runs "$runs" --export-json "$json")
    hf_args+=(--prepare "rm -rf $site/kiln-dist $site/hugo-dist $site/base-dist")
    for i in "${!cmds[@]}"; do hf_args+=(-n "${names[$i]}" "${cmds[$i]}"); done
    echo "== $n pages: hyperfine ($runs runs, $warmup warmup)"
    hyperfine "${hf_args[@]}"
    rm -rf "$site/kiln-dist" "$site/hugo-dist" "$site/base-dist"
  fi
  for tool in "${tools[@]}"; do
    if [[ ${check[$tool]} == failed ]]; then timing="- -"; else timing=$(timing_of "$json" "$tool"); fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$timing" "${mem[$tool]}" "${check[$tool]}" >>"$results"
  done
done

echo
echo "== results ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ))"
python3 - "$results" <<'EOF'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
medians = {(n, tool): timing.split()[0] for n, tool, timing, _, _ in rows}
cpus = {(n, tool): timing.split()[1] for n, tool, timing, _, _ in rows}
print(f"{'pages':>7}  {'tool':<5} {'median s':>9} {'cpu s':>8} {'peak MiB':>9} {'html':>7}  {'pages found':<18} ratio")
for n, tool, timing, mem, check in rows:
    median, cpu = timing.split()
    html, found, verdict = check.split() if check != "failed" else ("-", "-", "FAILED")
    ratio = ""
    kiln = medians.get((n, "kiln"), "-")
    # Hugo's ratio stands on kiln's row, the baseline's on its own.
    for other, label, row in (("hugo", "hugo", "kiln"), ("base", "the baseline", "base")):
        theirs = medians.get((n, other), "-")
        if tool == row and "-" not in (kiln, theirs):
            cpu_ratio = float(cpus[(n, other)]) / float(cpus[(n, "kiln")])
            ratio = f"kiln {float(theirs) / float(kiln):.2f}x faster than {label} ({cpu_ratio:.2f}x in CPU)"
    print(f"{n:>7}  {tool:<5} {median:>9} {cpu:>8} {mem:>9} {html:>7}  {found + ' ' + verdict:<18} {ratio}")
EOF
if grep -q -E 'failed|INCOMPLETE' "$results"; then
  echo "error: a build failed or wrote incomplete output (see above)" >&2
  exit 1
fi
