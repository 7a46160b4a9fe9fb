"""Weight: entry pages stay light, nothing blocks rendering, and search code loads only for searching."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from .conftest import Digest, Watch
from .reader import results

BUDGET = 30 * 1024


class PageParts(HTMLParser):
    """One HTML page's stylesheets, the scripts in its head, and the text inside its entry article."""

    def __init__(self) -> None:
        super().__init__()
        self.stylesheets: list[str] = []
        self.head_scripts: list[dict[str, str | None]] = []
        self.article_text = 0
        self._in_head = False
        self._article_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "head":
            self._in_head = True
        elif tag == "link" and found.get("rel") == "stylesheet":
            self.stylesheets.append(found.get("href") or "")
        elif tag == "script" and self._in_head:
            self.head_scripts.append(found)
        if tag == "article" and (self._article_depth or "entry" in (found.get("class") or "").split()):
            self._article_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        elif tag == "article" and self._article_depth:
            self._article_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._article_depth:
            self.article_text += len(data.strip().encode())


def parts(path: Path) -> PageParts:
    parser = PageParts()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def weight(page: Path) -> int:
    """Bytes of the page's HTML plus every stylesheet it links."""
    return page.stat().st_size + sum((page.parent / href).stat().st_size for href in parts(page).stylesheets)


def test_entry_pages_with_ordinary_sources_fit_in_30_kb_with_their_css(built_site: Path) -> None:
    """The budget holds for every entry whose source text is not itself over half of it."""
    for page in (built_site / "entries").glob("*/index.html"):
        if parts(page).article_text <= BUDGET // 2:
            assert weight(page) <= BUDGET, f"{page.parent.name}: {weight(page)} bytes of HTML and CSS"


def test_entry_pages_carry_little_beyond_their_words(built_site: Path) -> None:
    """An entry page's markup and navigation, not counting the entry's own text, stay under 12 KB."""
    for page in (built_site / "entries").glob("*/index.html"):
        found = parts(page)
        assert found.article_text > 1000, page
        extra = page.stat().st_size - found.article_text
        assert extra <= 12 * 1024, f"{page.parent.name}: {extra} bytes of markup around the entry's words"


def test_one_small_stylesheet(built_site: Path) -> None:
    for page in built_site.rglob("*.html"):
        if page.name == "email.html":  # an edition's email carries its styles inline: mail programs drop <link>
            assert len(parts(page).stylesheets) == 0, page.relative_to(built_site)
            continue
        assert len(parts(page).stylesheets) == 1, page.relative_to(built_site)
    assert (built_site / "assets" / "style.css").stat().st_size <= 8 * 1024


def test_no_page_blocks_rendering_on_a_script(built_site: Path) -> None:
    for page in built_site.rglob("*.html"):
        for script in parts(page).head_scripts:
            assert "defer" in script or "async" in script or script.get("type") == "module", \
                f"{page.relative_to(built_site)}: a script in <head> blocks rendering: {script}"


@pytest.mark.browser
def test_search_code_loads_only_for_searching(page: Page, base: str, digest: Digest, watch: Watch) -> None:
    def bundle_files() -> set[str]:
        files = {urlsplit(url).path.rsplit("/", 1)[-1] for url in watch.requests if "/pagefind/" in url}
        watch.requests.clear()
        return files

    entry = digest.entries[0].slug
    for path in ("", "topics/", f"entries/{entry}/", f"entries/{entry}/#p-1"):
        page.goto(base + path)
        expect(page.locator("main h1")).to_be_visible()
        assert bundle_files() == set(), f"{path or 'home'} loaded search code"

    page.goto(f"{base}entries/{entry}/?highlight=digital")
    expect(page.locator("mark.pagefind-highlight").first).to_be_attached()
    assert bundle_files() == {"pagefind-highlight.js"}

    page.goto(f"{base}search/?q=digital")
    results(page)
    assert {"pagefind-ui.js", "pagefind.js"} <= bundle_files()
    assert re.search(r"/search/\?q=digital$", page.url)
