#!/usr/bin/env python3
"""Lighthouse scores of a built site, one page per page type, served as a CDN would serve it.

Usage: tools/lighthouse.py DIST [--runs N] [PATH ...]

DIST is a `kiln build --base-url http://127.0.0.1:8777` output (the port this script serves
on). Its `_headers` file is applied as Netlify and Cloudflare Pages apply it (path patterns
with `*`, every matching rule's headers), so the pages are scored with their
Content-Security-Policy on. Each page is scored N times (default 3) by Lighthouse's mobile
preset in all four categories, and the median of each category is printed, with the lowest
performance run's failing audits.

Needs Node.js, `npm install -g lighthouse@12` and Chromium (`apt-get install chromium`).
"""

import argparse
import fnmatch
import functools
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading

PORT = 8777

# One page of each type the example site has, in both languages where both exist.
PAGES = [
    "/", "/shows/", "/shows/slow-bytes/", "/shows/slow-bytes/passwords-and-the-72-byte-surprise/",
    "/creators/", "/creators/ada-okafor/", "/tags/", "/tags/security/", "/about/",
    "/search/", "/login/", "/signup/", "/terms/", "/ur/", "/ur/shows/slow-bytes/",
]

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def header_rules(dist):
    """The `_headers` file's rules: (pattern, [(name, value)]) in file order."""
    rules = []
    try:
        text = open(os.path.join(dist, "_headers"), encoding="utf-8").read()
    except FileNotFoundError:
        return rules
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((stripped, []))
        elif rules and ":" in stripped:
            name, value = stripped.split(":", 1)
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


class Handler(http.server.SimpleHTTPRequestHandler):
    rules = []

    def end_headers(self):
        path = self.path.split("?", 1)[0]
        for pattern, headers in self.rules:
            if fnmatch.fnmatchcase(path, pattern.replace(":splat", "*")):
                for name, value in headers:
                    self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # Chromium drops connections it no longer needs; that is not the site's error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(dist):
    Handler.rules = header_rules(dist)
    handler = functools.partial(Handler, directory=dist)
    server = Server(("127.0.0.1", PORT), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def score(url, out):
    flags = ("--headless=new --no-sandbox --disable-gpu --no-first-run "
             "--disable-background-networking --disable-component-update --disable-sync")
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    subprocess.run(
        ["lighthouse", url, "--quiet", "--output=json", f"--output-path={out}",
         f"--chrome-flags={flags}", "--only-categories=" + ",".join(CATEGORIES)],
        check=True, env=env)
    report = json.load(open(out, encoding="utf-8"))
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failing = sorted(
        f"{a['id']} {a.get('displayValue', '')}".strip()
        for a in report["audits"].values()
        if a.get("score") is not None and a["score"] < 0.9 and a["scoreDisplayMode"] == "numeric"
        and not a["id"].endswith("-insight"))
    return scores, failing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("paths", nargs="*", default=PAGES)
    args = parser.parse_intermixed_args()
    server = serve(os.path.abspath(args.dist))
    worst = 100
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'page':52} perf a11y  bp  seo  (median of {args.runs}; perf runs)")
        for path in args.paths:
            runs = [score(f"http://127.0.0.1:{PORT}{path}", os.path.join(tmp, "r.json"))
                    for _ in range(args.runs)]
            median = {c: statistics.median(r[0][c] for r in runs) for c in CATEGORIES}
            perf = [r[0]["performance"] for r in runs]
            print(f"{path:52} {median['performance']:4.0f} {median['accessibility']:4.0f} "
                  f"{median['best-practices']:4.0f} {median['seo']:4.0f}  {perf}", flush=True)
            lowest = min(runs, key=lambda r: r[0]["performance"])
            if lowest[1]:
                print(f"{'':52} lowest run: {'; '.join(lowest[1])}")
            worst = min(worst, *median.values())
    server.shutdown()
    return 0 if worst == 100 else 1


if __name__ == "__main__":
    sys.exit(main())
