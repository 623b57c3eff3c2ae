#!/usr/bin/env bash
# Shortcode benchmark: the generated site with no shortcode, built by a baseline kiln (when
# given) and by this one in the same hyperfine run, then the same site with two shortcode calls
# in every page (one `.html` inline call, one `.md` call with a body).
# Usage: bench/shortcodes.sh [PAGES]          (default 10000)
# Env:   RUNS (default 5), SEED (default 1), BENCH_DIR (default /dev/shm/kiln-bench-sc),
#        KILN_BIN=path (default: build target/dist/kiln), BASELINE=path to an older kiln.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
pages=${1:-10000}
runs=${RUNS:-5}
work=${BENCH_DIR:-/dev/shm/kiln-bench-sc}
command -v hyperfine >/dev/null || { echo "error: apt-get install -y hyperfine" >&2; exit 1; }
kiln=${KILN_BIN:-$repo/target/dist/kiln}
if [[ -z ${KILN_BIN:-} ]]; then (cd "$repo" && cargo build --profile dist -p kiln); fi
kiln=$(realpath "$kiln")

mkdir -p "$work"
python3 "$repo/bench/gen-site.py" --pages "$pages" --seed "${SEED:-1}" --out "$work/plain" --force
rm -rf "$work/calls" && cp -r "$work/plain" "$work/calls"
python3 - "$work/calls" <<'PY'
import pathlib, sys
site = pathlib.Path(sys.argv[1])
shortcodes = site / "templates" / "shortcodes"
shortcodes.mkdir(parents=True, exist_ok=True)
(shortcodes / "badge.html").write_text('<span class="badge badge-{{ kind }}">{{ label }} #{{ nth }}</span>')
(shortcodes / "aside.md").write_text('> **{{ title }}** ({{ page.title }})\n>\n> {{ body }}\n')
calls = (
    '\nRead this {{ badge(kind="new", label="Fresh") }} before the rest.\n\n'
    '{% aside(title="Note") %}\nA body with *Markdown* and a [link](https://example.com).\n{% end %}\n'
)
count = 0
for page in (site / "content").rglob("*.md"):
    if page.name != "_index.md":
        page.write_text(page.read_text() + calls)
        count += 1
print(f"{count} pages call two shortcodes each")
PY

args=(--warmup 1 --runs "$runs" --export-json "$work/hyperfine.json"
      --prepare "rm -rf $work/out-base $work/out-plain $work/out-calls")
if [[ -n ${BASELINE:-} ]]; then
  args+=(-n "baseline, no shortcodes" "$(realpath "$BASELINE") build --root $work/plain --output-dir $work/out-base")
fi
args+=(-n "kiln, no shortcodes" "$kiln build --root $work/plain --output-dir $work/out-plain"
       -n "kiln, 2 shortcodes per page" "$kiln build --root $work/calls --output-dir $work/out-calls")
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine "${args[@]}"
grep -q 'badge-new' "$work/out-calls/blog/"*/index.html 2>/dev/null \
  || { echo "error: the shortcode site's pages hold no shortcode output" >&2; exit 1; }
python3 - "$work/hyperfine.json" <<'PY'
import json, sys
print(f"{'build':32} {'median s':>9} {'cpu s':>7}")
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:32} {r['median']:9.3f} {r['user'] + r['system']:7.3f}")
PY
