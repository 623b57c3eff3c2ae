#!/usr/bin/env python3
"""Type one query into a built site's search page in headless Chromium and report what the
browser downloaded (from Chromium's network log) and how long the first result took to show.

Usage: search-query.py DIST "two words" [--page /search/] [--port N] [--runs N]
DIST is a built site whose search page has <form data-kiln-search> with #search-q and
[data-kiln-results] (Kiln's fragment search). Standard library only: it serves DIST with
http.server and speaks WebDriver to chromedriver over plain HTTP.
"""

import argparse
import functools
import http.server
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

# Types `query` the way a listener does (an `input` event), then waits for the first result.
TYPE_AND_WAIT = """
const [query, done] = [arguments[0], arguments[arguments.length - 1]];
const input = document.querySelector('#search-q');
const out = document.querySelector('[data-kiln-results]');
const t0 = performance.now();
const seen = () => out.querySelector('li a');
new MutationObserver((_, watch) => {
  if (seen()) { watch.disconnect(); done({ms: performance.now() - t0, first: seen().textContent}); }
}).observe(out, {childList: true, subtree: true});
input.value = query;
input.dispatchEvent(new Event('input'));
setTimeout(() => done({ms: null, first: null}), 10000);
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    """Just enough WebDriver: a session, navigation, async scripts and the performance log."""

    def __init__(self, port, profile):
        self.base = f"http://127.0.0.1:{port}"
        options = {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"],
        }
        caps = {"alwaysMatch": {"goog:chromeOptions": options,
                                "goog:loggingPrefs": {"performance": "ALL"}}}
        for _ in range(100):
            try:
                reply = self.call("POST", "/session", {"capabilities": caps})
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("error: chromedriver did not start")
        self.session = f"/session/{reply['sessionId']}"

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.load(reply)["value"]

    def goto(self, url):
        self.call("POST", f"{self.session}/url", {"url": url})

    def run_async(self, script, *args):
        return self.call("POST", f"{self.session}/execute/async", {"script": script, "args": list(args)})

    def network(self):
        """Bytes received per URL since the last call, from Network.loadingFinished events."""
        urls, sizes = {}, {}
        for entry in self.call("POST", f"{self.session}/se/log", {"type": "performance"}):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message["method"] == "Network.responseReceived":
                urls[params["requestId"]] = params["response"]["url"]
            elif message["method"] == "Network.loadingFinished":
                sizes[params["requestId"]] = params["encodedDataLength"]
        return [(urls.get(r, "?"), n) for r, n in sizes.items()]

    def quit(self):
        try:
            self.call("DELETE", self.session)
        except OSError:
            pass


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def measure(dist, query, page, runs, port):
    handler = functools.partial(QuietHandler, directory=dist)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port or free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_address[1]}"
    results = []
    for _ in range(runs):
        port = free_port()
        driver_process = subprocess.Popen(["chromedriver", f"--port={port}"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        profile = tempfile.mkdtemp(prefix="kiln-search-bench-")
        driver = None
        try:
            driver = Driver(port, profile)
            driver.goto(site + page)
            loaded = driver.network()
            shown = driver.run_async(TYPE_AND_WAIT, query)
            fetched = driver.network()
            # Only the site's own files; the favicon belongs to the page, whenever it comes.
            ours = lambda entries: [(u, n) for u, n in entries if u.startswith(site)]
            page_files = ours(loaded) + [(u, n) for u, n in ours(fetched) if "/kiln-search/" not in u]
            query_files = [(u, n) for u, n in ours(fetched) if "/kiln-search/" in u]
            results.append((page_files, query_files, shown))
        finally:
            if driver:
                driver.quit()
            driver_process.terminate()
            driver_process.wait()
            shutil.rmtree(profile, ignore_errors=True)
    server.shutdown()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist")
    parser.add_argument("query")
    parser.add_argument("--page", default="/search/")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=0,
                        help="serve DIST on this port (for a site built with that base_url)")
    args = parser.parse_args()
    results = measure(args.dist, args.query, args.page, args.runs, args.port)
    loaded, fetched, shown = results[0]
    if shown["ms"] is None:
        sys.exit(f"error: no result shown for {args.query!r}")
    print(f"query {args.query!r}: first result {shown['first']!r}")
    print("the page itself (cold cache):")
    for url, size in sorted(loaded):
        print(f"  {size:>9,} B  {url}")
    print("fetched for the query:")
    for url, size in sorted(fetched):
        print(f"  {size:>9,} B  {url}")
    page_bytes = sum(n for _, n in loaded)
    query_bytes = sum(n for _, n in fetched)
    times = [r[2]["ms"] for r in results]
    print(f"page {page_bytes:,} B + query {query_bytes:,} B = {page_bytes + query_bytes:,} B")
    print(f"first result shown after typing: median {statistics.median(times):.0f} ms over "
          f"{len(times)} fresh browsers (min {min(times):.0f}, max {max(times):.0f}; "
          f"includes the script's 30 ms typing pause)")


if __name__ == "__main__":
    main()
