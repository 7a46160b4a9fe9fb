"""content/ directory -> Content (site, registry, entries, pages), or every ContentError found.

This is the stage's entry point: it lists the files (`files`), reads site.yaml and the registries
(`registry`), has each entry read on its own (`entries`), and reads the free pages itself. Nothing
stops at the first problem: every file is read and every field checked, and all the errors are
raised together.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import links
from .entries import EntryReader, entry_digest
from .errors import BuildError, ContentError
from .files import Stamp, body_problems, front_matter, list_markdown, removed_notes
from .markdown import prepare as prepare_markdown
from .markdown import render_page
from .model import Edition, Entry, Page, Registry, Site, page_output
from .registry import read_registry, read_site

# A stamp is remembered only for a file last changed this long before it was read: a file written in
# the same clock tick as the read could change again without its stamp changing (coarse file system
# clocks), so it is read again next time. Git treats its "racily clean" index entries the same way.
RACY_NS = 2_000_000_000
Parsed = tuple[Entry | None, list[ContentError], str]  # what EntryReader gives for a file
Mapper = Callable[[Callable[[tuple[str, bytes | None]], Parsed], Sequence[tuple[str, bytes | None]]], Iterable[Parsed]]


@dataclass(frozen=True, slots=True)
class Content:
    site: Site
    registry: Registry
    entries: tuple[Entry, ...]
    pages: tuple[Page, ...]
    notes: tuple[str, ...]  # harmless oddities worth telling the curator (ignored files, no entries)
    stamps: Mapping[str, tuple[Stamp, str]] = dataclasses.field(default_factory=dict)  # entry path -> (stamp, sha256)
    editions: tuple[Edition, ...] = ()  # oldest first, drafts only when built


def read_content(content: Path, drafts: bool = False, mapper: Mapper | None = None,
                 known: Mapping[str, Entry] | None = None,
                 seen: Mapping[str, tuple[Stamp, str]] | None = None,
                 known_editions: Mapping[str, Edition] | None = None, base_url: str = "") -> Content:
    """Read and validate everything under `content`; raise BuildError listing every problem.

    `known` maps Entry.digest to entries read before: a file whose digest is there is not parsed again.
    `seen` is the previous Content.stamps: a file whose stamp is the same is not even read again.
    `known_editions` does for editions what `known` does for entries. `base_url` overrides site.yaml's.
    """
    from .editions import base_url_problem, check_editions, read_editions  # they read files with this module

    if not content.is_dir():
        raise BuildError(f"content folder {content} not found; pass --content DIR")
    errors: list[ContentError] = []
    notes: list[str] = []
    root = content.resolve()
    site = read_site(content, root, errors)
    if base_url:
        site = replace(site, base_url=base_url.rstrip("/") + "/")
    registry, unread = read_registry(content, root, errors)
    known = known or {}
    seen = seen or {}

    digests: dict[str, str] = {}  # of the files not read again

    def unchanged(rel: str, stamp: Stamp) -> bool:
        old = seen.get(rel)
        if old is None or old[0] != stamp:
            return False
        digests[rel] = entry_digest(rel, old[1], registry.digest)
        return digests[rel] in known

    # With nothing to reuse, no file is read here one by one: each is read by the worker that parses it.
    files = list_markdown(content, "entries", root, errors, notes,
                          unchanged if seen or known else lambda rel, stamp: True, trusted=seen)
    settled = time.time_ns() - RACY_NS  # see RACY_NS
    reused, todo, stamps = _sort_out(files, seen, digests, known, registry.digest, settled)
    listed = {rel: stamp for rel, _, stamp in files}
    if todo:
        prepare_markdown()
    every = list(reused)
    for (rel, _), (entry, problems, sha) in zip(todo, (mapper or _serial_map)(EntryReader(registry, unread), todo),
                                               strict=True):
        errors.extend(problems)
        if entry is not None:
            every.append(entry)
        if sha and listed[rel][0] < settled:  # the file was read by the worker, not by _sort_out
            stamps[rel] = (listed[rel], sha)
    entries = [entry for entry in every if drafts or not entry.draft]
    notes.extend(note for entry in entries for note in entry.notes)
    pages = read_pages(content, root, errors, notes)
    editions = read_editions(content, root, errors, notes, known_editions or {})
    if editions:
        unreadable = {Path(rel).name[:-3] for rel, _ in todo} - {entry.slug for entry in every}
        errors += check_editions(editions, {e.slug for e in every if not e.draft},
                                 {e.slug for e in every if e.draft}, unreadable, drafts)
        editions = [edition for edition in editions if drafts or not edition.draft]
        no_base_url = base_url_problem(content, site, editions)
        errors += [no_base_url] if no_base_url else []
    if errors:
        raise BuildError(sorted(errors, key=lambda e: (e.path, e.line)))
    if not entries:
        folder = content / "entries"
        notes.append(f"{folder}: no entries to publish yet, so the digest is empty" if folder.is_dir() else
                     f"{folder}: no such folder, so the digest is empty")
    return Content(site, registry, tuple(entries), pages, tuple(notes), stamps, tuple(editions))


def _sort_out(files: list[tuple[str, bytes | None, Stamp]], seen: Mapping[str, tuple[Stamp, str]],
              digests: Mapping[str, str], known: Mapping[str, Entry], registry_digest: str, settled: int,
              ) -> tuple[list[Entry], list[tuple[str, bytes | None]], dict[str, tuple[Stamp, str]]]:
    """The entries known already, the files still to parse (without their bytes if they were not read
    here: no build saw them), and the stamps worth remembering, those changed before `settled`."""
    stamps: dict[str, tuple[Stamp, str]] = {}
    reused: list[Entry] = []
    todo: list[tuple[str, bytes | None]] = []
    for rel, raw, stamp in files:
        if raw is None and rel not in seen:
            todo.append((rel, None))  # its worker reads it; its stamp is remembered from the worker's answer
            continue
        sha = seen[rel][1] if raw is None else hashlib.sha256(raw).hexdigest()
        if stamp[0] < settled:
            stamps[rel] = (stamp, sha)
        cached = known.get(digests[rel] if raw is None else entry_digest(rel, sha, registry_digest))
        if cached is not None:
            reused.append(cached)
        elif raw is not None:
            todo.append((rel, raw))
    return reused, todo, stamps


def _serial_map(reader: Callable[[tuple[str, bytes | None]], Parsed],
                files: Sequence[tuple[str, bytes | None]]) -> list[Parsed]:
    return [reader(item) for item in files]


def read_pages(content: Path, root: Path, errors: list[ContentError], notes: list[str]) -> tuple[Page, ...]:
    pages = []
    for rel, raw, _ in list_markdown(content, "pages", root, errors, notes):
        assert raw is not None  # every page is read: nothing is asked to be skipped
        page = read_page(rel, raw, errors, notes)
        if page is not None:
            pages.append(page)
    return tuple(pages)


def read_page(rel: str, raw: bytes, errors: list[ContentError], notes: list[str] | None = None) -> Page | None:
    opened = front_matter(rel, raw, errors)
    if opened is None:
        return None
    f, body_text, body_line = opened
    f.refuse_unknown(("title", "description"))
    body = render_page(body_text)
    errors.extend(body_problems(rel, body_text, body, body_line))
    if notes is not None:
        notes.extend(removed_notes(rel, body, body_line))
    slug = Path(rel).name[:-3]
    found, rewrites, problems = links.find(body.hrefs, body_line, rel, "pages", page_output(slug))
    errors.extend(problems)
    title, description = f.text("title"), f.text("description", False)
    return Page(slug, rel, title, description, links.rewrite(body.html, rewrites),
                hashlib.sha256(raw).hexdigest()[:16], found)
