"""Bytes a reader downloads to search a synthetic digest: the search page, then the first search, then a
second search for a phrase; and how long each search takes to show its results.

    .venv/bin/python bench/search_weight.py [--entries 1000] [--word cloud] [--phrase "cloud shop"] [--keep DIR]
    .venv/bin/python bench/search_weight.py --site DIR --word 地磁暴 --phrase 麒麟芯片   # a site built already

Generates a corpus with ../shared/bench/make_corpus.py, builds it with search, serves it with a plain
static server on 127.0.0.1, opens /search/ in Debian's Chromium, types the word and waits for the
results (timed from pressing Enter to the results on screen: rough on a busy machine). Every response
body is counted as served (Python's server does not compress) and again as gzip would send it
(Pagefind's index files are gzipped already, so they hardly shrink). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Page, Response, sync_playwright

REPO = Path(__file__).resolve().parents[1]
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def kind_of(url: str) -> str:
    """A short name for what a response is: a bundle file by name, an index part by folder, else the page."""
    path = url.split("?", 1)[0]
    name = path.rsplit("/", 1)[-1]
    if "/pagefind/" not in path:
        return "page " + (name or "index.html")
    folder = path.split("/pagefind/", 1)[1].split("/")
    shard = folder.pop(0) + " " if folder[0].startswith("part-") else ""  # a later part of a large index
    if len(folder) > 1:
        return f"pagefind {shard}{folder[0]}"
    return f"pagefind {shard}" + (name.split(".")[0] + ".pf_meta" if name.endswith(".pf_meta") else name)


def measure(site: Path, word: str, phrase: str) -> list[dict[str, list[int]]]:
    """(search page load, first search, phrase search): for each kind of file, [count, bytes, gzip bytes]."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    phases: list[dict[str, list[int]]] = [defaultdict(lambda: [0, 0, 0]) for _ in range(3)]
    current = phases[0]

    def count(response: Response) -> None:
        body = response.body()
        tally = current[kind_of(response.url)]
        tally[0] += 1
        tally[1] += len(body)
        tally[2] += len(gzip.compress(body, 6))

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("response", count)
            page.goto(f"http://127.0.0.1:{server.server_port}/search/", wait_until="networkidle")
            for n, query in ((1, word), (2, phrase)):
                current = phases[n]
                took = search(page, query)
                page.wait_for_load_state("networkidle")
                print(f"{page.locator('#status').inner_text()}: {took:.0f} ms")
            times = [search(page, q) for q in (word, phrase) * 5]
            print(f"repeated searches, median: {statistics.median(times):.0f} ms")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return phases


def search(page: Page, query: str) -> float:
    """Type `query` into the search page's box, press Enter; milliseconds until its results are shown."""
    page.locator("#status").evaluate("e => { e.textContent = ''; }")
    page.locator("#q").fill(query)
    started = time.perf_counter()
    page.locator("#q").press("Enter")
    page.wait_for_function("() => /^[\\d,]+ results?\\b/.test(document.getElementById('status').textContent)"
                           " && document.querySelector('#results .result-title a')")
    return (time.perf_counter() - started) * 1000


def table(title: str, rows: dict[str, list[int]]) -> None:
    print(f"\n{title}\n{'file':<28}{'count':>6}{'bytes':>10}{'gzip':>10}")
    for name, (n, raw, packed) in sorted(rows.items(), key=lambda item: -item[1][1]):
        print(f"{name:<28}{n:>6}{raw:>10,}{packed:>10,}")
    print(f"{'total':<28}{sum(r[0] for r in rows.values()):>6}{sum(r[1] for r in rows.values()):>10,}"
          f"{sum(r[2] for r in rows.values()):>10,}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=1000)
    ap.add_argument("--word", default="cloud")
    ap.add_argument("--phrase", default="cloud shop")
    ap.add_argument("--keep", type=Path, help="build into this folder instead of a temporary one")
    ap.add_argument("--site", type=Path, help="measure this built site instead of building a corpus")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        content, site = work / f"content-{args.entries}", args.site or work / f"site-{args.entries}"
        if not args.site:
            subprocess.run([sys.executable, str(MAKE_CORPUS), str(args.entries), str(content)], check=True)
            subprocess.run([sys.executable, "build.py", "build", "--content", str(content), "--out", str(site),
                            "--no-cache"], cwd=REPO, check=True)
        load, first, second = measure(site, args.word, args.phrase)
    table("Opening /search/", load)
    table(f"First search for {args.word!r}", first)
    table(f"Then a search for {args.phrase!r}", second)
    return 0


if __name__ == "__main__":
    sys.exit(main())
