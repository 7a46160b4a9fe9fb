"""`add SOURCE`: a text file, a saved web page, a feed file, or an http(s) address of a page or feed ->
draft entries in content/entries/, one per document, never overwriting one and never adding a story twice.

It reads or fetches the source (`broadsheet.fetch`), tells a feed (`broadsheet.feeds`) from a page
(`broadsheet.extract`) from plain text (`broadsheet.ingest`), skips every page or item whose canonical address
is already known (`broadsheet.sources`), and writes the drafts. Each problem is one `error:` line on `err`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .extract import fragment_paragraphs, page
from .feeds import Feed, FeedError, Item, is_feed, parse
from .fetch import FetchError, Limits, fetch
from .ingest import Draft, IngestError, Known, check_slug, draft_from, make_draft, read_file, write_new
from .sources import DISMISSED, known_sources
from .sources import Known as Seen
from .urls import canonical_url

_HTML = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype html|html|head|body)\b", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Got:
    name: str  # the file or address, for messages
    raw: bytes
    media_type: str  # as the server says, or "" for a file
    charset: str  # as the server says, or ""
    address: str  # where it was fetched from, after redirects; "" for a file


def add(source: str, content: Path, slug: str | None, out: TextIO, err: TextIO, limits: Limits | None = None,
        today: dt.date | None = None) -> int:
    """Write the drafts; 0 when everything worked (known stories skipped), 1 when anything failed."""
    known = known_sources(content)
    if _is_address(source) and (seen := known.get(canonical_url(source))):
        print(f"skipped {source}: {_already(seen)}", file=out)
        return 0
    try:
        check_slug(slug)
        limits = limits or Limits.from_env()
        got = _get(source, limits)
        if is_feed(got.raw, got.media_type):
            if slug is not None:
                raise IngestError("--slug names one entry, but a feed gives one entry per item; leave it out")
            return _add_feed(got, parse(got.raw, got.name), content, known, out, err, limits, today)
        if _is_page(got):
            return _add_page(got, content, slug, known, out, today)
        if got.address and got.media_type not in ("text/plain", ""):
            raise IngestError(f"{got.name} is {got.media_type} but holds no feed this can read")
        draft = make_draft(got.raw, Path(got.name).name, slug, today)
        _write(draft, content, out, free=False)
        return 0
    except (IngestError, FetchError, FeedError) as exc:
        print(f"error: {exc}", file=err)
        return 1


def _add_page(got: Got, content: Path, slug: str | None, known: dict[str, Seen], out: TextIO,
              today: dt.date | None) -> int:
    found = page(got.raw, got.name, got.charset, got.address)
    url = canonical_url(found.canonical) if found.canonical else ""
    if url in known:
        print(f"skipped {got.name}: {_already(known[url])}", file=out)
        return 0
    facts = Known(title=found.title, author=found.author, publisher=found.site_name, url=url,
                  published=found.published)
    _write(draft_from(found.paragraphs, found.steps, got.name, slug, today, facts), content, out, free=False)
    _dismiss_hint(content, out)
    return 0


def _add_feed(got: Got, feed: Feed, content: Path, known: dict[str, Seen], out: TextIO, err: TextIO,
              limits: Limits, today: dt.date | None) -> int:
    """One draft per item; an item that fails is named on `err` and skipped, and the others still come."""
    written = skipped = failed = 0
    for number, item in enumerate(feed.items, 1):
        label = f"{got.name}: item {number} \u201c{item.title or 'untitled'}\u201d"
        url = canonical_url(item.link) if item.link else ""
        seen = known.get(url)
        if seen is None:
            try:
                draft, also = _item_draft(item, feed, url, label, limits, today)
            except (IngestError, FetchError) as exc:
                print(f"error: {label}: {exc} (item skipped)", file=err)
                failed += 1
                continue
            seen = known.get(also)  # the page may name itself by another address that is known
        if seen is not None:
            print(f"skipped {label}: {_already(seen)}", file=out)
            skipped += 1
            continue
        path = _write(draft, content, out, free=True)
        for address in {url, also} - {""}:
            known[address] = Seen(str(path), 1, address)
        written += 1
    print(f"{got.name}: {written} drafts written, {skipped} known already, {failed} failed", file=out)
    if written:
        _dismiss_hint(content, out)
    return 1 if failed else 0


def _item_draft(item: Item, feed: Feed, url: str, label: str, limits: Limits,
                today: dt.date | None) -> tuple[Draft, str]:
    """The item's draft, and the canonical address its page gives itself when the page was fetched."""
    facts = Known(title=item.title, author=item.author, publisher=feed.title, url=url, published=item.published)
    if item.content or not item.link:
        paragraphs = fragment_paragraphs(item.content or item.summary)
        if not paragraphs:
            raise IngestError("the item has no text and no link")
        return draft_from(paragraphs, (), label, None, today, facts), ""
    if not url.startswith(("http://", "https://")):
        raise IngestError(f"its link {item.link} is not an http(s) address")
    got = _get(item.link, limits)
    found = page(got.raw, item.link, got.charset, got.address)
    facts = Known(title=item.title or found.title, author=item.author or found.author,
                  publisher=feed.title or found.site_name, url=url, published=item.published or found.published)
    steps = ("The feed gave only a summary, so the text comes from the item's page.", *found.steps)
    also = canonical_url(found.canonical) if found.canonical else ""
    return draft_from(found.paragraphs, steps, item.link, None, today, facts), also


def _get(source: str, limits: Limits) -> Got:
    if _is_address(source):
        response = fetch(source, limits)
        return Got(source, response.body, response.media_type, response.charset, response.url)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source):
        raise IngestError(f"cannot add {source}: only http:// and https:// addresses, or files, can be added")
    return Got(source, read_file(Path(source)), "", "", "")


def _is_page(got: Got) -> bool:
    """HTML by the server's word, by its first tag, or, for a file, by its name."""
    return (got.media_type in ("text/html", "application/xhtml+xml") or bool(_HTML.match(got.raw[:4096]))
            or (not got.address and Path(got.name).suffix.lower() in (".html", ".htm", ".xhtml")))


def _is_address(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def _write(draft: Draft, content: Path, out: TextIO, free: bool) -> Path:
    """Write the draft; with `free`, under the first free name (`slug-2`, `slug-3` …) if its own is taken."""
    entries = content / "entries"
    target = entries / f"{draft.slug}.md"
    n = 1
    while free and target.exists():
        n += 1
        target = entries / f"{draft.slug}-{n}.md"
    write_new(target, draft.text)
    for step in draft.steps:
        print(f"  - {step}", file=out)
    print(f"wrote {target} (draft: true)", file=out)
    return target


def _already(seen: Seen) -> str:
    if Path(seen.path).name == DISMISSED:
        return f"dismissed in {seen.path}:{seen.line}"
    return f"already added as {seen.path}"


def _dismiss_hint(content: Path, out: TextIO) -> None:
    option = "" if content == Path("content") else f" --content {content}"
    print(f"to keep a story out for good: broadsheet dismiss <slug>{option} (it deletes the draft and adds its "
          f"address to {content / DISMISSED})", file=out)
