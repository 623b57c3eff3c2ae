#!/usr/bin/env bash
# Remakes the example site's podcast artwork: for every show (content/shows/<show>/) its
# vector cover (cover.svg, shown nowhere as is) is rendered to cover.png at 1400 × 1400
# pixels, the smallest square the podcast directories accept (1400 to 3000 px, RGB, JPEG or
# PNG: `kiln build` checks it). Pages show resized copies of cover.png (`resize_image` in
# templates/macros/ui.html); the full-size file goes only into the podcast feed.
#
# Needs librsvg's rsvg-convert:   apt-get install -y librsvg2-bin
# Run from anywhere:              tools/make-covers.sh
# The output is deterministic for a given rsvg-convert, so re-running it on an unchanged tree
# leaves git clean.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size=1400

if ! command -v rsvg-convert >/dev/null 2>&1; then
    echo "make-covers: 'rsvg-convert' is not installed; run: apt-get install -y librsvg2-bin" >&2
    exit 1
fi

for svg in "$root"/content/shows/*/cover.svg; do
    png="${svg%.svg}.png"
    # A white background under the art: directories want no transparency.
    rsvg-convert --width "$size" --height "$size" --background-color white "$svg" --output "$png"
    echo "make-covers: ${png#"$root"/} (${size} × ${size})"
done
