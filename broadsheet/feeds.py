"""A feed's bytes (RSS, Atom or JSON Feed) -> its title and items (`Feed`), each item's date as it states it.

RSS and Atom go through feedparser, which copes with the many dialects and sanitises the items' HTML.
feedparser does not read JSON Feed, whose format is small enough to read here with `json`. An item's full
text is its `content:encoded`, Atom `content` or JSON Feed `content_html`/`content_text`; an item with only
a summary is truncated, and `add` fetches its page instead. Pure.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

import feedparser

from .extract import stated_date

_XML_FEED = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)


class FeedError(ValueError):
    """Bytes that look like a feed but cannot be read as one."""


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    link: str  # the item's own page, as the feed gives it
    author: str
    published: str  # YYYY-MM-DD as the feed states it, or ""
    content: str  # the full text as HTML; "" when the feed carries only a summary
    summary: str


@dataclass(frozen=True, slots=True)
class Feed:
    title: str
    items: tuple[Item, ...]


def is_feed(raw: bytes, media_type: str = "") -> bool:
    """RSS, Atom or JSON Feed, by the media type or, for a file or a server that does not say, the bytes."""
    if media_type in ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
                      "application/feed+json"):
        return True
    if media_type in ("text/html", "application/xhtml+xml"):
        return False
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return b"jsonfeed.org/version" in raw[:4096]
    return bool(_XML_FEED.search(head)) and not re.match(rb"<!doctype html|<html", head, re.IGNORECASE)


def parse(raw: bytes, name: str) -> Feed:
    """The feed's items in the feed's order; FeedError when there is no feed to read."""
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _json_feed(raw, name)
    try:
        parsed = feedparser.parse(raw)  # bytes, never a string: given a string, feedparser may fetch it
    except Exception as exc:  # feedparser's loose parser has its own bugs on broken markup (a KeyError)
        raise FeedError(f"{name} is not a feed feedparser can read (it stopped with {exc!r})") from None
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise FeedError(f"{name} is not a feed feedparser can read ({problem or 'no RSS or Atom found'})")
    items = []
    for entry in parsed.entries:
        contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value", "").strip()]
        author = (entry.get("author_detail") or {}).get("name") or entry.get("author", "")
        items.append(Item(
            title=_plain(entry.get("title", "")), link=entry.get("link", "").strip(), author=_plain(author),
            published=stated_date(entry.get("published", "") or entry.get("updated", "")),
            content=max(contents, key=len, default=""), summary=entry.get("summary", "")))
    return Feed(_plain(parsed.feed.get("title", "")), tuple(items))


def _json_feed(raw: bytes, name: str) -> Feed:
    """JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedError(f"{name} is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedError(f"{name} is not a JSON Feed (it has no `items` list)")
    feed_authors = _authors(data)
    items = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        text = _string(item, "content_text")
        content = _string(item, "content_html") or ("".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
                                                    if text.strip() else "")
        items.append(Item(
            title=_plain(_string(item, "title")), link=(_string(item, "url") or _string(item, "external_url")).strip(),
            author=_authors(item) or feed_authors,
            published=stated_date(_string(item, "date_published") or _string(item, "date_modified")),
            content=content, summary=_string(item, "summary")))
    return Feed(_plain(_string(data, "title")), tuple(items))


def _authors(data: dict[str, object]) -> str:
    """JSON Feed 1.1 `authors`, or 1.0's single `author`: their names."""
    found = data.get("authors") or ([data["author"]] if data.get("author") else [])
    names = [a.get("name") for a in found if isinstance(a, dict)] if isinstance(found, list) else []
    return ", ".join(n.strip() for n in names if isinstance(n, str) and n.strip())


def _string(data: dict[str, object], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _plain(text: str) -> str:
    """A title or name without markup or entities, on one line."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", text)).split())
