"""Phrase recall on generated digests bigger than the tests use, and what the hidden characters cost.

    .venv/bin/python bench/search_recall.py [--entries 2000] [--phrases 50] [--languages en zh] [--keep DIR]

For each language, generates a digest (tests/browser/corpora.py: each two-word phrase in one to five
entries, its words apart in a tenth of them), builds it with the project's templates and again without
the hidden part that holds Chinese and Japanese characters one by one, and prints the size of each
index. Then, in Debian's Chromium against a plain static server, types each phrase without quotes into
the search page and counts the phrases with an entry holding them among the first ten results; and
asks Pagefind alone (its JavaScript API, words only, as its own UI would) the same, for comparison.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import expect, sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from broadsheet.build import Options, build  # noqa: E402
from tests.browser import corpora  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, make_site  # noqa: E402


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def recall(site: Path, corpus: corpora.Corpus, alone: bool) -> int:
    """How many phrases have an entry holding them in the first ten: on the search page, or (`alone`)
    as Pagefind's own ranking has them."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    hits = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{base}search/")
            for phrase, holders in corpus.phrases.items():
                if alone:
                    titles = page.evaluate("""async (q) => {
                        const pf = await import(new URL("../pagefind/", location.href).pathname + "pagefind.js");
                        const found = await pf.search(q);
                        return Promise.all(found.results.slice(0, 10).map(async r => (await r.data()).meta.title));
                    }""", phrase)
                else:
                    page.goto(f"{base}search/?q={quote(phrase)}")
                    page.wait_for_function("() => /^([\\d,]+ results?|No results)\\b/"
                                           ".test(document.getElementById('status').textContent)")
                    total = page.locator("#status").inner_text().split()[0].replace(",", "")
                    links = page.locator("#results .result-title a")
                    expect(links).to_have_count(min(10, int(total) if total.isdigit() else 0))
                    titles = links.all_inner_texts()
                hits += bool(holders & {t.strip() for t in titles})
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return hits


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=2000)
    ap.add_argument("--phrases", type=int, default=50)
    ap.add_argument("--languages", nargs="+", default=list(corpora.LANGUAGES))
    ap.add_argument("--keep", type=Path, help="build into this folder instead of a temporary one")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        plain = work / "templates-without-characters"
        shutil.copytree(REPO / "templates", plain, dirs_exist_ok=True)
        entry = plain / "entry.html"
        entry.write_text("".join(line for line in entry.read_text().splitlines(keepends=True)
                                 if "cjk_characters" not in line))
        for language in args.languages:
            corpus = corpora.corpus(language, args.entries, args.phrases)
            content = make_site(work / language, dict(corpus.files), base=False)
            sites = {}
            for name, templates in (("with", REPO / "templates"), ("without", plain)):
                out = work / language / f"site-{name}"
                build(Options(content=content, out=out, templates=templates, use_cache=False))
                sites[name] = out
                pages = sum(p.stat().st_size for p in (out / "entries").rglob("index.html"))
                print(f"{language} {name} hidden characters: entry pages {pages:,} bytes, "
                      f"index {size(out / 'pagefind' / 'index'):,} bytes, pagefind/ {size(out / 'pagefind'):,} bytes")
            found, alone = recall(sites["with"], corpus, False), recall(sites["without"], corpus, True)
            total = len(corpus.phrases)
            print(f"{language}: {args.entries} entries, {total} phrases; an entry holding the phrase in the first ten: "
                  f"search page {found}/{total} ({found / total:.0%}), Pagefind alone {alone}/{total} "
                  f"({alone / total:.0%}, on the index without hidden characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
