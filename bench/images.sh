#!/usr/bin/env bash
# Image benchmark (issue 14): 500 pages, each showing one of 200 distinct 3,000-px covers
# (JPEG and PNG) through resize_image at 3 widths. Times kiln's first build (empty image
# cache), its second (every image cached) and the same site without images, and prints how
# much the second build adds; with ZOLA=path, times Zola's first and second builds too.
# Usage: bench/images.sh        (needs hyperfine, python3 and Pillow: apt-get install -y python3-pil)
# Env:   PAGES (500), COVERS (200), SIZE (3000), RUNS (7), FIRST_RUNS (3), SEED (1),
#        KILN_BIN=path (default: cargo build --release), ZOLA=path, BENCH_DIR (/tmp/kiln-images-bench),
#        KEEP=1 to keep the generated sites (deleted by default: the covers take ~700 MB),
#        COVERS_DIR=path to use covers bench/gen-covers.py made before (same COVERS and SIZE).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
pages=${PAGES:-500} covers=${COVERS:-200} size=${SIZE:-3000}
runs=${RUNS:-7} first_runs=${FIRST_RUNS:-3} seed=${SEED:-1}
work=${BENCH_DIR:-/tmp/kiln-images-bench}
case "$work" in *[[:space:]]* | '' | /) echo "error: BENCH_DIR must be a folder without spaces" >&2; exit 2 ;; esac
case "${1:-}" in -h | --help) sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;; esac

command -v hyperfine >/dev/null || { echo "error: apt-get install -y hyperfine" >&2; exit 1; }
python3 -c 'import PIL' 2>/dev/null || { echo "error: apt-get install -y python3-pil" >&2; exit 1; }
kiln=${KILN_BIN:-$repo/target/release/kiln}
if [[ -z ${KILN_BIN:-} ]]; then
  echo "== cargo build --release -p kiln"
  (cd "$repo" && cargo build --release -p kiln)
fi
[[ -x $kiln ]] || { echo "error: no kiln binary at $kiln" >&2; exit 1; }
kiln=$(realpath "$kiln")
zola=${ZOLA:-}
if [[ -n $zola ]]; then
  [[ -x $zola ]] || { echo "error: no zola binary at ZOLA=$zola" >&2; exit 1; }
  zola=$(realpath "$zola")
fi
cleanup() { [[ -n ${KEEP:-} ]] || rm -rf "$work"; }
trap cleanup EXIT

images="$work/images" plain="$work/plain"
rm -rf "$work"
echo "== generating $pages pages (twice) and $covers covers of ${size} px into $work"
for site in "$images" "$plain"; do
  python3 "$repo/bench/gen-site.py" --pages "$pages" --seed "$seed" --out "$site" --force >/dev/null
done
if [[ -n ${COVERS_DIR:-} ]]; then
  cp -r "$COVERS_DIR" "$images/covers"
else
  python3 "$repo/bench/gen-covers.py" --count "$covers" --size "$size" --out "$images/covers"
fi

# Both sites: the same pages, each naming its cover in [extra]; the images site's page
# template resizes it to 3 widths, the plain one writes the same <img> with fixed URLs.
python3 - "$images" "$plain" "$covers" <<'PY'
import pathlib, sys
images, plain, count = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
names = sorted(p.name for p in (images / "covers").iterdir())
assert len(names) == count, names
picture = {
    "images": """{% set c = "covers/" ~ page.extra.cover %}{% set s = resize_image(path=c, width=320, op="fit_width") %}{% set m = resize_image(path=c, width=640, op="fit_width") %}{% set l = resize_image(path=c, width=1280, op="fit_width") %}
<img src="{{ m.url | safe }}" srcset="{{ s.url | safe }} 320w, {{ m.url | safe }} 640w, {{ l.url | safe }} 1280w" sizes="(max-width: 40rem) 100vw, 640px" width="{{ m.width }}" height="{{ m.height }}" alt="">""",
    "plain": """<img src="/covers/640/{{ page.extra.cover }}" srcset="/covers/320/{{ page.extra.cover }} 320w, /covers/640/{{ page.extra.cover }} 640w, /covers/1280/{{ page.extra.cover }} 1280w" sizes="(max-width: 40rem) 100vw, 640px" width="640" height="640" alt="">""",
}
for root in (images, plain):
    files = sorted(p for p in (root / "content").rglob("*.md") if p.name != "_index.md")
    for i, file in enumerate(files):
        text = file.read_text()
        end = text.index("\n+++\n", 3)
        extra = f'\n\n[extra]\ncover = "{names[i % count]}"'
        file.write_text(text[:end] + extra + text[end:])
    template = root / "templates" / "page.html"
    html = template.read_text()
    html = html.replace("<h1>{{ page.title }}</h1>", "<h1>{{ page.title }}</h1>\n" + picture[root.name], 1)
    template.write_text(html)
PY

echo "== checked builds"
"$kiln" build --root "$plain" --output-dir "$plain/dist" >/dev/null
"$kiln" build --root "$images" --output-dir "$images/dist" >/dev/null
made=$(find "$images/dist/processed_images" -type f | wc -l)
[[ $made -eq $((covers * 3)) ]] || { echo "error: $made processed images, expected $((covers * 3))" >&2; exit 1; }
first_page=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["page_paths"][0])' "$images/bench-manifest.json")
grep -q 'srcset="[^"]*processed_images/' "$images/dist${first_page}index.html" \
  || { echo "error: $first_page shows no resized cover" >&2; exit 1; }

json="$work/hyperfine.json"
hf() { hyperfine --style basic "$@"; }
echo "== kiln: first build (no image cache), $first_runs runs"
hf --runs "$first_runs" --prepare "rm -rf $images/dist $images/.kiln" --export-json "$work/first.json" \
  -n first "$kiln build --root $images --output-dir $images/dist"
"$kiln" build --root "$images" --output-dir "$images/dist" >/dev/null
echo "== kiln: second build (every image cached) against the same site without images, $runs runs"
# `reread`: a second build without the index of sources (.kiln/cache/image-sources.json), so
# every source is read and hashed again: what the index saves.
hf --warmup 1 --runs "$runs" --export-json "$json" \
  --prepare "rm -rf $images/dist $plain/dist" -n second "$kiln build --root $images --output-dir $images/dist" \
  --prepare "rm -rf $images/dist $plain/dist" -n plain "$kiln build --root $plain --output-dir $plain/dist" \
  --prepare "rm -rf $images/dist $images/.kiln/cache/image-sources.json" -n reread "$kiln build --root $images --output-dir $images/dist"
if [[ -n $zola ]]; then
  zout="$work/zola-dist"
  echo "== zola: first build (no processed_images), $first_runs runs; second build, $runs runs"
  hf --runs "$first_runs" --prepare "rm -rf $zout $images/static/processed_images" --export-json "$work/zola-first.json" \
    -n zola-first "$zola --root $images build --output-dir $zout --force"
  hf --warmup 1 --runs "$runs" --prepare "rm -rf $zout" --export-json "$work/zola-second.json" \
    -n zola-second "$zola --root $images build --output-dir $zout --force"
fi

echo
echo "== results ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ))"
python3 - "$work" "$pages" "$covers" "$size" <<'PY'
import json, pathlib, sys
work, pages, covers, size = pathlib.Path(sys.argv[1]), *sys.argv[2:]
runs = {}
for name in ("first", "hyperfine", "zola-first", "zola-second"):
    path = work / f"{name}.json"
    if path.exists():
        for r in json.loads(path.read_text())["results"]:
            runs[r["command"]] = r
print(f"{pages} pages, {covers} covers of {size} px, 3 widths each")
print(f"{'build':<34} {'median s':>9} {'cpu s':>8}")
labels = [("plain", "kiln, same site without images"), ("first", "kiln, first build (no cache)"),
          ("second", "kiln, second build (all cached)"),
          ("reread", "  the same, sources read again"), ("zola-first", "zola, first build"),
          ("zola-second", "zola, second build")]
for key, label in labels:
    if key in runs:
        r = runs[key]
        print(f"{label:<34} {r['median']:>9.3f} {r['user'] + r['system']:>8.3f}")
second, plain = runs["second"], runs["plain"]
extra = (second["median"] / plain["median"] - 1) * 100
extra_cpu = ((second["user"] + second["system"]) / (plain["user"] + plain["system"]) - 1) * 100
print(f"second build adds {extra:+.1f} % wall, {extra_cpu:+.1f} % CPU to the site without images (target: under 5 %)")
if "zola-first" in runs:
    print(f"first build: kiln {runs['zola-first']['median'] / runs['first']['median']:.2f}x faster than zola (target: at least 2x)")
PY
