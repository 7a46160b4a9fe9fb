"""A shared link's metadata as a browser reads it, share cards, and key points that open the original page
at the passage behind them."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page

from .conftest import CONTENT, REPO, Digest, start_server
from .reader import axe_violations

pytestmark = pytest.mark.browser

BASE = "https://digest.example.org/"  # content/site.yaml's base_url
SLUG = "jack-ma-argentina-ewtp"
READ_LD = """() => [...document.querySelectorAll('script[type="application/ld+json"]')]
  .map(s => JSON.parse(s.textContent))"""


def tags(page: Page) -> dict[str, list[str]]:
    return page.evaluate("""() => {
      const found = {};
      for (const m of document.querySelectorAll('meta[property], meta[name]')) {
        const key = m.getAttribute('property') || m.getAttribute('name');
        (found[key] = found[key] || []).push(m.content);
      }
      for (const l of document.querySelectorAll('link[rel="canonical"]')) found.canonical = [l.href];
      return found;
    }""")


def test_shared_links_carry_absolute_tags_and_valid_json_ld(page: Page, base: str, digest: Digest) -> None:
    for entry in digest.entries:
        page.goto(f"{base}entries/{entry.slug}/")
        found = tags(page)
        address = f"{BASE}entries/{entry.slug}/"
        assert found["canonical"] == [address] and found["og:url"] == [address]
        assert found["og:type"] == ["article"] and found["og:title"] == [entry.title]
        assert found["article:tag"] == [digest.topics[t]["title"] for t in entry.topics]
        (article,) = page.evaluate(READ_LD)
        assert article["@type"] == "NewsArticle" and article["headline"] == entry.title
        assert article["url"] == address and article["datePublished"] == entry.date
        assert article["isBasedOn"]["publisher"]["@type"] == "Organization"
        assert {m["name"] for m in article.get("mentions", []) if m["@type"] == "Person"} == {
            digest.people[p]["name"] for p in entry.people}
    page.goto(base)
    (site,) = page.evaluate(READ_LD)
    assert site["@type"] == "WebSite"
    assert site["potentialAction"]["target"]["urlTemplate"] == f"{BASE}search/?q={{search_term_string}}"


@dataclass(frozen=True)
class Original:
    """The real digest with share cards on and one entry's source served here, with its own text."""

    site: str  # base URL of the built digest
    source: str  # the source page's address
    paragraphs: list[str]


def source_page(paragraphs: list[str]) -> str:
    """The source as its publisher might show it: a long page, the article's paragraphs at the end."""
    filler = "".join(f"<p>Navigation and other stories, item {n}.</p>\n" for n in range(120))
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    return (f"<!doctype html><html lang=en><title>Source</title><link rel=icon href=\"data:,\"><body>"
            f"{filler}<article>{body}</article></body></html>")


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Original]:
    root = tmp_path_factory.mktemp("original")
    source_dir, content, out = root / "source", root / "content", root / "site"
    source_dir.mkdir()
    shutil.copytree(CONTENT, content)
    source_server, source_base = start_server(source_dir)
    url = f"{source_base}/story.html"
    path = content / "entries" / f"{SLUG}.md"
    text = path.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    paragraphs = [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]
    (source_dir / "story.html").write_text(source_page(paragraphs), encoding="utf-8")
    path.write_text(text.replace("\nsource:\n", f"\nsource:\n  url: {url}\n", 1), encoding="utf-8")
    (content / "site.yaml").write_text((content / "site.yaml").read_text(encoding="utf-8") + "share_images: true\n",
                                       encoding="utf-8")
    result = subprocess.run([sys.executable, "build.py", "build", "--content", str(content), "--out", str(out),
                             "--no-search"], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    site_server, site_base = start_server(out)
    yield Original(site_base + "/", url, paragraphs)
    for server in (source_server, site_server):
        server.shutdown()
        server.server_close()


def test_share_card_is_named_absolutely_and_served(page: Page, original: Original) -> None:
    page.goto(f"{original.site}entries/{SLUG}/")
    found = tags(page)
    assert found["og:image"] == [f"{BASE}entries/{SLUG}/share.png"] == found["twitter:image"]
    assert found["twitter:card"] == ["summary_large_image"]
    response = page.request.get(f"{original.site}entries/{SLUG}/share.png")
    assert response.status == 200 and response.body()[:8] == b"\x89PNG\r\n\x1a\n"


def test_key_point_opens_the_original_at_its_paragraph(page: Page, original: Original) -> None:
    page.goto(f"{original.site}entries/{SLUG}/")
    assert axe_violations(page) == []
    links = page.locator('.points a[href^="http"]')
    assert links.count() == len(page.locator(".points li").all())
    first = links.first
    href = first.get_attribute("href") or ""
    see = int(re.search(r"\d+", first.get_attribute("aria-label") or "").group())  # type: ignore[union-attr]
    address, _, directive = href.partition("#:~:text=")
    assert address == original.source
    start, _, end = directive.partition(",")
    start, end = unquote(start), unquote(end)
    paragraph = original.paragraphs[see - 1]
    assert paragraph.lower().startswith(start.lower()) and paragraph.lower().endswith(end.lower())
    page.goto(href)
    text = page.evaluate("document.body.innerText")
    assert start in text and end in text
    # Chromium found the passage and scrolled to it, past the 120 lines of the page above the article.
    page.wait_for_function("window.scrollY > 0")
    target = page.locator("article p").nth(see - 1)
    assert target.evaluate("p => { const r = p.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }")


def test_quotes_link_to_the_original_too(page: Page, original: Original) -> None:
    page.goto(f"{original.site}entries/{SLUG}/")
    hrefs = page.locator(".quote figcaption a[href^='http']").evaluate_all("as => as.map(a => a.href)")
    assert len(hrefs) == page.locator(".quote").count() > 0
    source = " ".join(original.paragraphs)
    for href in hrefs:
        start, _, end = href.partition("#:~:text=")[2].partition(",")
        assert unquote(start) in source and unquote(end) in source
