"""content/ directory -> Content (site, registry, entries, pages), or every ContentError found.

Each entry is read on its own (`read_entry` is pure given its bytes and the registry), so the build
can spread entries over processes and cache them by content hash.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import replace
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .errors import BuildError, ContentError, did_you_mean
from .fields import SLUG, Fields, describe
from .markdown import render_body, render_text
from .model import KINDS, Entry, KeyPoint, Organization, Page, Person, Quote, Registry, Site, Source, Topic
from .yamlfile import load_yaml

MAX_BYTES = 2 * 1024 * 1024
ENTRY_FIELDS = ("title", "date", "kind", "source", "summary", "key_points", "quotes", "topics", "people",
                "organizations", "curator_note", "draft")
SOURCE_FIELDS = ("title", "publisher", "author", "url", "published")
# Top-level names the site itself uses, and names Windows cannot store: no page or entry may take them.
RESERVED = frozenset(
    "index entries topics people organizations timeline search pagefind assets feed feed-xml sitemap robots "
    "404 page pages con prn aux nul com1 com2 com3 com4 com5 com6 com7 com8 com9 lpt1 lpt2 lpt3 lpt4 lpt5 "
    "lpt6 lpt7 lpt8 lpt9".split())
_LITTER = re.compile(r"^(\..*|.*~|#.*#|.*\.(swp|swo|swx|bck|tmp|bak)|4913|\d+|\.goutputstream-.*)$")
_WORD = re.compile(r"[\w']+")
_QUOTE_MARKS = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"',
                              "\u00bb": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'"})
COPY_RUN = 12  # a summary sharing this many consecutive words with the body is not the curator's own


@dataclass(frozen=True, slots=True)
class Content:
    site: Site
    registry: Registry
    entries: tuple[Entry, ...]
    pages: tuple[Page, ...]
    notes: tuple[str, ...]  # harmless oddities worth telling the curator (ignored files)


Mapper = Callable[[Callable[[tuple[str, bytes]], tuple[Entry | None, list[ContentError]]],
                   Sequence[tuple[str, bytes]]], Iterable[tuple[Entry | None, list[ContentError]]]]


def read_content(content: Path, drafts: bool = False, mapper: Mapper | None = None,
                 known: Mapping[str, Entry] | None = None) -> Content:
    """Read and validate everything under `content`; raise BuildError listing every problem.

    `known` maps Entry.digest to entries read before: a file whose digest is there is not parsed again.
    """
    errors: list[ContentError] = []
    site = read_site(content, errors)
    registry = read_registry(content, errors)
    files, notes = list_entries(content, errors)
    known = known or {}
    reused: list[tuple[Entry | None, list[ContentError]]] = []
    todo = []
    for rel, raw in files:
        cached = known.get(entry_digest(rel, raw, registry.digest))
        if cached is not None:
            reused.append((cached, []))
        else:
            todo.append((rel, raw))
    results = [*reused, *(mapper or _serial_map)(EntryReader(registry), todo)]
    entries = []
    for entry, problems in results:
        errors.extend(problems)
        if entry is not None and (drafts or not entry.draft):
            entries.append(entry)
    pages = read_pages(content, errors)
    if errors:
        raise BuildError(sorted(errors, key=lambda e: (e.path, e.line)))
    return Content(site, registry, tuple(entries), pages, tuple(notes))


def _serial_map(reader: Callable[[tuple[str, bytes]], tuple[Entry | None, list[ContentError]]],
                files: Sequence[tuple[str, bytes]]) -> list[tuple[Entry | None, list[ContentError]]]:
    return [reader(item) for item in files]


# --- files -------------------------------------------------------------------------------------------

def decode(raw: bytes, path: str) -> tuple[str | None, ContentError | None]:
    """UTF-8 text with LF line endings (a BOM and CRLF are accepted), or why the bytes are not that."""
    if len(raw) > MAX_BYTES:
        return None, ContentError(path, 0, "", f"file is {len(raw) // 1024} KiB, over the 2048 KiB limit",
                                  "split it or trim the source text")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:200].count(b"\x00") > len(raw[:200]) // 4 > 0:
        return None, ContentError(path, 1, "", "file is UTF-16 text, not UTF-8",
                                  "re-save it as UTF-8 (Broadsheet reads only UTF-8)")
    if b"\x00" in raw:
        return None, ContentError(path, 1, "", "file is binary, not text", "remove it from content/")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, ContentError(path, line, "", f"file is not UTF-8 (it looks like {_guess_encoding(raw)})",
                                  "re-save it as UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None, ContentError(path, 1, "", "file is empty", "write the front matter between `---` lines")
    return text, None


def _guess_encoding(raw: bytes) -> str:
    try:
        raw.decode("gb18030")
        if sum(1 for b in raw if b >= 0x80) > 1 and re.search(rb"[\xb0-\xf7][\xa1-\xfe]", raw):
            return "GBK/GB18030 Chinese"
    except UnicodeDecodeError:
        pass
    return "Latin-1/Windows-1252"


def list_entries(content: Path, errors: list[ContentError]) -> tuple[list[tuple[str, bytes]], list[str]]:
    """(path, bytes) of each entries/*.md, skipping editor litter; notes name other files skipped."""
    folder = content / "entries"
    notes: list[str] = []
    if not folder.is_dir():
        return [], [f"{folder}: no entries folder, so the digest is empty"]
    root = content.resolve()
    files = []
    seen: dict[str, str] = {}
    for item in sorted(os.scandir(folder), key=lambda d: d.name):
        rel = f"{folder}/{item.name}"
        if _LITTER.match(item.name):
            continue
        if not item.name.endswith(".md") or item.is_dir():
            notes.append(f"{rel}: ignored (entries are .md files)")
            continue
        if item.is_symlink() and not Path(item.path).resolve().is_relative_to(root):
            errors.append(ContentError(rel, 0, "", "symlink points outside the content folder",
                                       "copy the file in instead"))
            continue
        slug = unicodedata.normalize("NFC", item.name[:-3])
        if not _check_slug(slug, rel, errors):
            continue
        if slug in seen:
            errors.append(ContentError(rel, 0, "", f"slug `{slug}` is already used by {seen[slug]}"))
            continue
        seen[slug] = rel
        try:
            files.append((rel, Path(item.path).read_bytes()))
        except OSError as exc:
            errors.append(ContentError(rel, 0, "", f"cannot read file: {exc.strerror}"))
    return files, notes


def _check_slug(slug: str, path: str, errors: list[ContentError]) -> bool:
    if not SLUG.match(slug):
        suggestion = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", slug).encode(
            "ascii", "ignore").decode().lower()).strip("-")
        errors.append(ContentError(path, 0, "", f"file name `{slug}` is not a valid slug",
                                   "use lower-case a-z, 0-9 and single hyphens"
                                   + (f", e.g. `{suggestion}`" if suggestion else "")))
        return False
    if slug in RESERVED:
        errors.append(ContentError(path, 0, "", f"`{slug}` is a reserved name", "rename the file"))
        return False
    return True


def split_front_matter(text: str, path: str) -> tuple[str, str, int, ContentError | None]:
    """(yaml, body, body's first line) of a `---` delimited file."""
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return "", "", 0, ContentError(path, 1, "", "no front matter",
                                       "start the file with a line `---`, the fields, then another `---`")
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if end is None:
        return "", "", 0, ContentError(path, 1, "", "front matter is not closed",
                                       "add a line `---` after the last field")
    front = text[4: 4 + end.start()]
    body_start = 4 + end.end()
    return front, text[body_start:].lstrip("\n"), text[:body_start].count("\n") + 1, None


# --- site.yaml and the registries ------------------------------------------------------------------

def _load_mapping(path: Path, errors: list[ContentError]) -> tuple[Fields | None, str]:
    rel = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        errors.append(ContentError(rel, 0, "", "file not found", f"create {path.name}; see README"))
        return None, ""
    text, problem = decode(raw, rel)
    if problem or text is None:
        errors.append(problem or ContentError(rel, 0, "", "unreadable"))
        return None, ""
    loaded, problems = load_yaml(text, rel, 1)
    errors.extend(problems)
    if loaded is None:
        return None, ""
    if not isinstance(loaded.value, dict):
        errors.append(ContentError(rel, 1, "", f"expected a mapping of `key: value` lines, got "
                                   f"{describe(loaded.value)}"))
        return None, ""
    return Fields(loaded.value, loaded, rel, errors), hashlib.sha256(raw).hexdigest()


def read_site(content: Path, errors: list[ContentError]) -> Site:
    fields, _ = _load_mapping(content / "site.yaml", errors)
    if fields is None:
        return Site(title="")
    fields.refuse_unknown(("title", "tagline", "description", "language", "base_url", "curator"))
    base_url = fields.url("base_url")
    return Site(title=fields.text("title"), tagline=fields.text("tagline", False),
                description=fields.text("description", False),
                language=fields.text("language", False) or "en",
                base_url=base_url.rstrip("/") + "/" if base_url else "", curator=fields.text("curator", False))


def read_registry(content: Path, errors: list[ContentError]) -> Registry:
    digest = hashlib.sha256(__version__.encode())
    tables = []
    for name, allowed in (("topics", ("title", "description")), ("people", ("name", "aliases", "role")),
                          ("organizations", ("name", "aliases", "description"))):
        fields, file_hash = _load_mapping(content / f"{name}.yaml", errors)
        digest.update(file_hash.encode())
        tables.append(_read_table(name, fields, allowed, errors) if fields else {})
    topics, people, orgs = tables
    registry = Registry(topics=topics, people=people, organizations=orgs, digest=digest.hexdigest()[:16])  # type: ignore[arg-type]
    for kind in ("people", "organizations"):
        _check_aliases(kind, registry, content, errors)
    return registry


def _read_table(kind: str, fields: Fields, allowed: tuple[str, ...],
                errors: list[ContentError]) -> dict[str, Topic | Person | Organization]:
    table: dict[str, Topic | Person | Organization] = {}
    for slug in fields.data:
        item = fields.sub(slug)
        if not SLUG.match(slug) or slug in RESERVED:
            fields.error(slug, f"`{slug}` is not a valid slug", "use lower-case a-z, 0-9 and single hyphens")
        if item is None:
            if slug in fields.data and fields.data[slug] is None:
                fields.error(slug, "has no fields", f"give it {', '.join(allowed[:1])}")
            continue
        item.refuse_unknown(allowed)
        if kind == "topics":
            table[slug] = Topic(slug, item.text("title"), item.text("description", False))
            continue
        aliases = tuple(a for _, a in item.strings("aliases"))
        if kind == "people":
            table[slug] = Person(slug, item.text("name"), aliases, item.text("role", False))
        else:
            table[slug] = Organization(slug, item.text("name"), aliases, item.text("description", False))
    return table


def _check_aliases(kind: str, registry: Registry, content: Path, errors: list[ContentError]) -> None:
    owner: dict[str, str] = {}
    for slug, item in getattr(registry, kind).items():
        for name in {slug, item.name.lower(), *(a.lower() for a in item.aliases)}:
            if name in owner and owner[name] != slug:
                errors.append(ContentError(str(content / f"{kind}.yaml"), 0, f"{slug}.aliases",
                                           f"`{name}` also names `{owner[name]}`", "an alias must name one only"))
            owner.setdefault(name, slug)


# --- entries -------------------------------------------------------------------------------------------

class EntryReader:
    """Reads one entry file against a registry; picklable, so a process pool can run it."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.tables = {kind: registry.names(kind) for kind in ("topics", "people", "organizations")}

    def __call__(self, item: tuple[str, bytes]) -> tuple[Entry | None, list[ContentError]]:
        path, raw = item
        errors: list[ContentError] = []
        entry = self.read(path, raw, errors)
        return (entry if not errors else None), errors

    def read(self, path: str, raw: bytes, errors: list[ContentError]) -> Entry | None:
        text, problem = decode(raw, path)
        if problem or text is None:
            errors.append(problem or ContentError(path, 0, "", "unreadable"))
            return None
        front, body_text, _, problem = split_front_matter(text, path)
        if problem:
            errors.append(problem)
            return None
        loaded, problems = load_yaml(front, path, 2)
        errors.extend(problems)
        if loaded is None:
            return None
        if not isinstance(loaded.value, dict):
            errors.append(ContentError(path, 2, "", "front matter must be `field: value` lines, got "
                                       + describe(loaded.value)))
            return None
        f = Fields(loaded.value, loaded, path, errors)
        f.refuse_unknown(ENTRY_FIELDS)
        draft = f.boolean("draft")
        kind = f.choice("kind", KINDS)
        body = render_body(body_text, dialogue=kind == "interview")
        source = self.source(f, draft)
        summary = f.text("summary", required=not draft)
        if summary:
            self.check_original(f, summary, body.text)
        entry = Entry(
            slug=Path(path).name[:-3], path=path, title=f.text("title"), date=f.date("date") or _NO_DATE,
            kind=kind, source=source, summary=summary,
            key_points=self.key_points(f, body.paragraphs, draft), quotes=self.quotes(f, body.text),
            topics=self.refs(f, "topics", required=not draft), people=self.refs(f, "people"),
            organizations=self.refs(f, "organizations"), curator_note=f.text("curator_note", False),
            draft=draft, body_html=body.html, paragraphs=body.paragraphs,
            words=len(_WORD.findall(body.text)), digest="", card="")
        return _with_digests(entry, raw, self.registry.digest)

    def source(self, f: Fields, draft: bool) -> Source:
        sub = f.sub("source")
        if sub is None:
            if "source" not in f.data:
                f.error("source", "missing required field", "add `source:` with at least `publisher:`")
            return Source(publisher="")
        sub.refuse_unknown(SOURCE_FIELDS)
        return Source(publisher=sub.text("publisher", required=not draft), title=sub.text("title", False),
                      author=sub.text("author", False), url=sub.url("url"),
                      published=sub.partial_date("published"))

    def key_points(self, f: Fields, paragraphs: int, draft: bool) -> tuple[KeyPoint, ...]:
        points = []
        for item in f.mappings("key_points"):
            item.refuse_unknown(("text", "see"))
            text, see = item.text("text"), item.integer("see")
            if see is not None and not 1 <= see <= paragraphs:
                item.error("see", f"paragraph {see} does not exist: the body has {paragraphs} paragraphs",
                           "count top-level paragraphs from 1; headings and lists do not count")
            elif see is not None:
                points.append(KeyPoint(text, see))
        return tuple(points)

    def quotes(self, f: Fields, body_text: str) -> tuple[Quote, ...]:
        quotes = []
        haystack = _normalise_quote(body_text)
        for item in f.mappings("quotes"):
            item.refuse_unknown(("text", "by"))
            text = item.text("text")
            by = self._resolve(item, "by", "people", item.text("by", False)) if "by" in item.data else ""
            if text and _normalise_quote(text) not in haystack:
                item.error("text", "quote not found in the body",
                           "copy it verbatim from the source text; spacing and quote marks may differ")
            quotes.append(Quote(text, by))
        return tuple(quotes)

    def refs(self, f: Fields, kind: str, required: bool = False) -> tuple[str, ...]:
        items = f.strings(kind)
        if required and not items and not any(e.field == kind for e in f.errors):
            f.error(kind, "missing required field" if kind not in f.data else "is empty",
                    f"list at least one slug from {kind}.yaml")
        slugs: list[str] = []
        for i, name in items:
            slug = self._resolve(Fields(f.data, f.loaded, f.path, f.errors, (kind,)), i, kind, name)
            if slug and slug not in slugs:
                slugs.append(slug)
        return tuple(slugs)

    def _resolve(self, f: Fields, field: str | int, kind: str, name: str) -> str:
        if not name:
            return ""
        slug = self.tables[kind].get(name.lower())
        if slug is None:
            singular = {"topics": "topic", "people": "person", "organizations": "organisation"}[kind]
            hint = did_you_mean(name, list(self.tables[kind]))
            hint = f"{hint + ' ' if hint else ''}or define it in {kind}.yaml".strip()
            f.errors.append(ContentError(f.path, f.loaded.line(*f.key, field), f.name(field),
                                         f"unknown {singular} `{name}`", hint))
            return ""
        return slug

    def check_original(self, f: Fields, summary: str, body: str) -> None:
        run = copied_run(summary, body)
        if run:
            f.error("summary", f"copies {COPY_RUN}+ words from the source: \"{run}\"",
                    "write the summary in your own words")


_NO_DATE = __import__("datetime").date(1970, 1, 1)


def _normalise_quote(text: str) -> str:
    return " ".join(text.translate(_QUOTE_MARKS).split())


def copied_run(summary: str, body: str) -> str:
    """The first run of COPY_RUN consecutive words the summary shares with the body, or ''."""
    words = _WORD.findall(summary.lower())
    if len(words) < COPY_RUN:
        return ""
    # One substring search per run of the summary: far cheaper than indexing every run of the body.
    haystack = f" {' '.join(_WORD.findall(body.lower()))} "
    for i in range(len(words) - COPY_RUN + 1):
        run = " ".join(words[i: i + COPY_RUN])
        if f" {run} " in haystack:
            return run
    return ""


def entry_digest(path: str, raw: bytes, registry_digest: str) -> str:
    """Changes whenever the entry's file, its path, the registries or the engine change."""
    return hashlib.sha256(b"\x1f".join((path.encode(), raw, registry_digest.encode(),
                                        __version__.encode()))).hexdigest()[:20]


def _with_digests(entry: Entry, raw: bytes, registry_digest: str) -> Entry:
    own = entry_digest(entry.path, raw, registry_digest)
    card = hashlib.sha256(repr((entry.slug, entry.title, entry.date, entry.kind, entry.source, entry.summary,
                                entry.topics, entry.people, entry.organizations, entry.draft,
                                entry.quotes)).encode()).hexdigest()[:16]
    return replace(entry, digest=own, card=card)


# --- free pages ----------------------------------------------------------------------------------------

def read_pages(content: Path, errors: list[ContentError]) -> tuple[Page, ...]:
    folder = content / "pages"
    if not folder.is_dir():
        return ()
    pages = []
    for path in sorted(folder.glob("*.md")):
        if _LITTER.match(path.name):
            continue
        rel = str(path)
        if not _check_slug(path.stem, rel, errors):
            continue
        raw = path.read_bytes()
        text, problem = decode(raw, rel)
        if problem or text is None:
            errors.append(problem or ContentError(rel, 0, "", "unreadable"))
            continue
        front, body, _, problem = split_front_matter(text, rel)
        loaded, problems = load_yaml(front, rel, 2) if not problem else (None, [problem])
        errors.extend(problems)
        if loaded is None or not isinstance(loaded.value, dict):
            continue
        f = Fields(loaded.value, loaded, rel, errors)
        f.refuse_unknown(("title", "description"))
        pages.append(Page(path.stem, rel, f.text("title"), f.text("description", False), render_text(body),
                          hashlib.sha256(raw).hexdigest()[:16]))
    return tuple(pages)
