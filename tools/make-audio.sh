#!/usr/bin/env bash
# Remakes the demo audio of the example site: for every episode
# (content/shows/<show>/<episode>/index.md) a computer voice reads the show's name, the
# episode number and title into a small mono MP3 (16 kbit/s, 16 kHz: a few KB), saved
# beside the episode as the file its front matter names (extra.episode.audio), and the
# episode's `duration` is rewritten to the file's real length in seconds, so the pages,
# the JSON-LD and the podcast feeds never claim a length the file does not have.
#
# Needs espeak-ng, sox and lame:   apt-get install -y espeak-ng sox lame
# Run from anywhere:               tools/make-audio.sh            (all episodes)
#                                  tools/make-audio.sh PATH...    (only these index.md files)
# The output is deterministic for a given version of the tools, so re-running it on an
# unchanged tree leaves git clean.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

for tool in espeak-ng sox lame; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "make-audio: '$tool' is not installed; run: apt-get install -y espeak-ng sox lame" >&2
        exit 1
    fi
done

# One voice per show, so the feeds do not all sound alike; anything else gets the default.
voice_for() {
    case "$1" in
        slow-bytes) echo "en-gb+f3" ;;
        field-notes) echo "en-gb-scotland+f4" ;;
        small-kitchen) echo "en-us+m3" ;;
        *) echo "en" ;;
    esac
}

# Reads one front-matter field, TOML (`key = "v"`) or YAML (`key: v`), from the front matter only.
field() {
    local key="$1" file="$2"
    awk -v key="$key" '
        NR == 1 { fence = $0; next }
        $0 == fence { exit }
        {
            if (match($0, "^[ \t]*" key "[ \t]*[=:][ \t]*")) {
                value = substr($0, RLENGTH + 1)
                gsub(/^["\x27]|["\x27][ \t]*$/, "", value)
                print value
                exit
            }
        }' "$file"
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ "$#" -gt 0 ]; then
    episodes=("$@")
else
    mapfile -t episodes < <(find "$root/content/shows" -mindepth 3 -maxdepth 3 -name index.md | sort)
fi

printf '%-70s %7s %5s\n' "episode" "bytes" "secs"
for page in "${episodes[@]}"; do
    dir="$(dirname "$page")"
    show_dir="$(dirname "$dir")"
    show="$(basename "$show_dir")"
    audio="$(field audio "$page")"
    if [ -z "$audio" ] || [[ "$audio" == */* ]]; then
        echo "make-audio: $page: extra.episode.audio must name a file beside the page (got '$audio')" >&2
        exit 1
    fi
    title="$(field title "$page")"
    number="$(field number "$page")"
    show_title="$(field title "$show_dir/_index.md")"
    author="$(field author "$show_dir/_index.md")"
    year="$(field date "$page" | cut -c1-4)"
    text="$show_title. ${number:+Episode $number. }$title."

    espeak-ng -v "$(voice_for "$show")" -s 155 -w "$work/raw.wav" "$text"
    # Trim the leading silence, resample to 16 kHz mono, fade in and out to avoid clicks.
    sox -R "$work/raw.wav" -r 16000 -c 1 "$work/trim.wav" silence 1 0.05 0.5% reverse silence 1 0.05 0.5% reverse
    sox -R "$work/trim.wav" "$work/clean.wav" fade t 0.05 0 0.15 pad 0.2 0.4
    lame --quiet -m m -b 16 --resample 16 --id3v2-only \
        --tt "$title" --ta "$author" --tl "$show_title" --ty "$year" ${number:+--tn "$number"} \
        "$work/clean.wav" "$dir/$audio"

    seconds="$(sox --i -D "$work/clean.wav" | awk '{ s = int($1); if ($1 > s) s++; print s }')"
    # Rewrite only the duration line inside the front matter (TOML or YAML).
    awk -v secs="$seconds" '
        NR == 1 { fence = $0; print; next }
        !done && $0 == fence { done = 1 }
        !done && /^[ \t]*duration[ \t]*[=:]/ { sub(/[=:][ \t]*.*/, ($0 ~ /^[ \t]*duration[ \t]*=/ ? "= " : ": ") secs) }
        { print }' "$page" > "$work/page.md"
    cat "$work/page.md" > "$page"

    printf '%-70s %7s %5s\n' "${page#"$root"/}" "$(wc -c < "$dir/$audio")" "$seconds"
done
