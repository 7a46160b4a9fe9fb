"""A web page's bytes -> its article as paragraphs, plus what the page states about itself (`Page`).

The main text comes from trafilatura, which drops navigation, banners, share buttons, related links,
comments and sign-up boxes. The facts come from the page's own metadata, in order of trust: JSON-LD
(`NewsArticle` and kin), OpenGraph and `article:` properties, plain `<meta>` names, `<link rel=canonical>`,
then `<title>`. A date is taken as the page writes it (`2020-09-15T23:30:00-05:00` is 15 September),
never shifted to another time zone. `fragment_paragraphs` turns a feed item's HTML into paragraphs. Pure.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_tz
from urllib.parse import urljoin, urlsplit

import trafilatura

from .charset import named, sniff
from .dates import as_date
from .htmlreader import HTMLReader
from .ingest import IngestError, decoded

# trafilatura logs what it could not parse; `add` reports its own one-line errors, so keep stderr to those.
logging.getLogger("trafilatura").addHandler(logging.NullHandler())
ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
                           "OpinionNewsArticle", "BlogPosting", "Report", "ScholarlyArticle", "TechArticle",
                           "WebPage", "LiveBlogPosting", "Review"})
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}(?:-\d\d-\d\d|/\d\d/\d\d|\d{4})(?!\d)")
_BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr",
                     "section", "article", "header", "footer", "figcaption", "dd", "dt", "hr", "table", "ul", "ol"})
_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "object"})


@dataclass(frozen=True, slots=True)
class Page:
    paragraphs: tuple[str, ...]
    steps: tuple[str, ...]  # what was converted and left out, for the curator's note
    title: str = ""
    author: str = ""
    published: str = ""  # YYYY-MM-DD as the page states it, or ""
    site_name: str = ""
    canonical: str = ""  # absolute http(s) address the page names for itself, or ""


def page(raw: bytes, name: str, charset: str = "", address: str = "") -> Page:
    """The article and facts of a page; `charset` is the HTTP header's, `address` where it was fetched."""
    declared = charset or _meta_charset(raw)
    text, encoding = decoded(raw, name, declared)
    steps = [f"Converted the page from {encoding} to UTF-8."] if encoding else []
    said = named(declared)
    if said and not raw.isascii() and said.codec != sniff(raw, declared).codec:
        steps.append(f"Read the page as {encoding or 'UTF-8'}, not {declared} as it says: "
                     f"its bytes are not {declared}.")
    meta = _Meta()
    meta.feed(text)
    meta.close()
    paragraphs = _article(text)
    if not paragraphs:
        raise IngestError(f"{name}: no article text found on the page (is it an index page, or does it need "
                          "JavaScript to show its text?)")
    left_out = max(0, _characters(meta.text) - _characters(paragraphs))
    if left_out:
        steps.append(f"Kept the article's text and left out the rest of the page ({left_out:,} characters of "
                     "menus, banners, links, sharing buttons and comments).")
    facts = meta.facts(address)
    return Page(paragraphs, tuple(steps), **facts)


def fragment_paragraphs(html: str) -> tuple[str, ...]:
    """The paragraphs of a feed item's HTML, without its sharing buttons and the like; where the extractor
    finds nothing (a one-line item), every text block."""
    found = _article(f"<html><body><article>{html}</article></body></html>")
    if found:
        return found
    meta = _Meta()
    meta.feed(html)
    meta.close()
    return tuple(meta.blocks())


def _article(html: str) -> tuple[str, ...]:
    text = trafilatura.extract(html, include_comments=False, include_tables=False, include_images=False,
                               favor_precision=True) or ""
    return tuple(" ".join(line.split()) for line in text.split("\n") if line.strip())


def _meta_charset(raw: bytes) -> str:
    m = _CHARSET.search(raw[:4096])
    return m[1].decode("ascii") if m else ""


class _Meta(HTMLReader):
    """Collects <title>, <meta>, <link rel=canonical>, JSON-LD, and the visible text blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.title = ""
        self.ld: list[object] = []
        self.text: list[str] = []
        self._block: list[str] = []
        self._done: list[str] = []
        self._open: list[str] = []  # hidden elements and <title> being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta" and a.get("content"):
            for key in (a.get("property", ""), a.get("name", ""), a.get("itemprop", "")):
                if key:
                    self.meta.setdefault(key.lower(), a["content"].strip())
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            self.canonical = self.canonical or a["href"].strip()
        elif tag == "script" and a.get("type", "").lower() == "application/ld+json":
            self._open.append("ld+json")
        elif tag in _HIDDEN or tag == "title":
            self._open.append(tag)
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "title", *_HIDDEN) and self._open:
            self._open.pop()
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        where = self._open[-1] if self._open else ""
        if where == "title":
            self.title += data
        elif where == "ld+json":
            with contextlib.suppress(ValueError):  # a broken JSON-LD block says nothing; the rest still counts
                self.ld.append(json.loads(data))
        elif not where:
            self.text.append(data)
            self._block.append(data)

    def _flush(self) -> None:
        block = " ".join("".join(self._block).split())
        if block:
            self._done.append(block)
        self._block = []

    def blocks(self) -> list[str]:
        self._flush()
        return self._done

    def facts(self, address: str) -> dict[str, str]:
        article = next(_articles(self.ld), {})
        m = self.meta.get
        site = _text(_name(article.get("publisher"))) or m("og:site_name", "") or m("application-name", "")
        title = _text(article.get("headline")) or m("og:title", "") or m("twitter:title", "") or self.title
        author = (_text(_name(article.get("author"))) or m("author", "") or m("article:author", "")
                  or m("dc.creator", "") or m("parsely-author", "") or m("byl", ""))
        published = next(filter(None, map(stated_date, (
            _text(article.get("datePublished")), m("article:published_time", ""), m("date", ""),
            m("pubdate", ""), m("publishdate", ""), m("dc.date", ""), m("dc.date.issued", ""),
            m("citation_publication_date", ""), m("sailthru.date", "")))), "")
        canonical = next(filter(None, (_absolute(u, address) for u in (
            self.canonical, m("og:url", ""), _text(article.get("url")), address))), "")
        return {"title": _without_site(" ".join(title.split()), site), "author": _byline(author),
                "published": published, "site_name": " ".join(site.split()), "canonical": canonical}


def _articles(found: list[object]) -> Iterator[dict[str, object]]:
    """Every JSON-LD object of an article type, looking into lists and @graph."""
    for item in found:
        if isinstance(item, list):
            yield from _articles(item)
        elif isinstance(item, dict):
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(k in ARTICLE_TYPES for k in kinds if isinstance(k, str)):
                yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from _articles(graph)


def _name(value: object) -> object:
    """A JSON-LD person or organisation, or a list of them, as text: "Li Wen, Chen Bo"."""
    if isinstance(value, list):
        return ", ".join(n for n in map(_text, map(_name, value)) if n)
    return value.get("name") if isinstance(value, dict) else value


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def stated_date(value: str) -> str:
    """The day a page or feed names, as it names it: ISO 8601 (`2020-09-15T23:30:00-05:00`) or RFC 822
    (`Tue, 15 Sep 2020 23:30:00 -0500`) -> 2020-09-15, whatever the time zone; "" if it is no real day."""
    m = _DATE.match(value.strip())
    parsed = parsedate_tz(value) if not m and value.strip() else None
    return as_date(m[0] if m else f"{parsed[0]:04d}-{parsed[1]:02d}-{parsed[2]:02d}" if parsed else "")


def _absolute(url: str, base: str) -> str:
    """`url` read against the page's address `base`, if it is an http(s) address; else ""."""
    try:
        url = urljoin(base, url.strip()) if base else url.strip()
        parts = urlsplit(url)
    except ValueError:  # an unclosed `[` of an IPv6 host, say: no address a page could be at
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else ""


def _without_site(title: str, site: str) -> str:
    """"Story | Site" -> "Story": the <title> often carries the site's name."""
    for sep in (" | ", " - ", " \u2013 ", " \u2014 ", " :: ", " \u00b7 "):
        head, found, tail = title.rpartition(sep)
        if found and head and site and tail.strip().casefold() == site.casefold():
            return head.strip()
    return title


def _byline(author: str) -> str:
    author = " ".join(author.split())
    if author.startswith(("http://", "https://")):
        return ""  # article:author is often a profile address, not a name
    return re.sub(r"^by\s+", "", author, flags=re.IGNORECASE)


def _characters(texts: list[str] | tuple[str, ...]) -> int:
    """Visible characters, spaces aside: a measure that works for Chinese as for English."""
    return sum(len("".join(t.split())) for t in texts)
