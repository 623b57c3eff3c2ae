#!/usr/bin/env bash
# Measures how long `kiln serve` takes to rebuild after a one-page edit: starts the server on a
# site, appends a sentence to one Markdown page EDITS times (default 5), reads the milliseconds
# from each rebuild's log line, and prints them with their median.
#
#   tests/serve/rebuild_time.sh SITE_ROOT PAGE.md [KILN_BINARY]
#   e.g. python3 bench/gen-site.py --pages 10000 --out /dev/shm/site10k
#        tests/serve/rebuild_time.sh /dev/shm/site10k content/blog/_index.md target/dist/kiln
#
# Edits the page in place (work on a copy) and restores it at the end.
set -euo pipefail
root=${1:?site root}
page=${2:?page, relative to the root}
kiln=${3:-target/dist/kiln}
edits=${EDITS:-5}

log=$(mktemp)
original=$(mktemp)
cp "$root/$page" "$original"
"$kiln" serve --root "$root" --port 0 >"$log" 2>&1 &
server=$!
trap 'kill -INT $server 2>/dev/null; wait $server 2>/dev/null; cp "$original" "$root/$page"; rm -f "$log" "$original"' EXIT

wait_for_lines() { # COUNT PATTERN: until the log holds COUNT lines matching PATTERN
  for _ in $(seq 600); do
    [ "$(grep -c -- "$2" "$log" || true)" -ge "$1" ] && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$2'; log:" >&2; cat "$log" >&2; exit 1
}

wait_for_lines 1 "^Serving "
grep -m1 "^Built " "$log"
for n in $(seq "$edits"); do
  printf '\nEdited while serving, take %s.\n' "$n" >>"$root/$page"
  wait_for_lines "$n" ": re-rendered "
  sleep 0.3 # let the debouncer settle, so every edit is its own rebuild
done
grep ": re-rendered " "$log"
grep ": re-rendered " "$log" | grep -o '[0-9]* ms' | cut -d' ' -f1 | sort -n |
  awk '{ ms[NR] = $1 } END { print "median of " NR ": " ms[int((NR + 1) / 2)] " ms" }'
