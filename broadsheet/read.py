"""content/ directory -> Content (site, registry, entries, pages), or every ContentError found.

Each entry is read on its own (`EntryReader` is pure given a file's bytes and the registry), so the build
can spread entries over processes and cache them by content hash. Nothing stops at the first problem:
every file is read and every field checked, and all the errors are raised together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import time
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import __version__, fragments, links
from .charset import looks_like
from .errors import BuildError, ContentError, closest
from .fields import CONTROL, SLUG, Fields, describe
from .markdown import Body, render_body, render_page
from .markdown import prepare as prepare_markdown
from .model import (
    KINDS,
    Edition,
    Entry,
    KeyPoint,
    Organization,
    Page,
    Person,
    Quote,
    Registry,
    Site,
    Source,
    Topic,
    entry_output,
    page_output,
)
from .sanitise import MAX_HTML_DEPTH
from .slugs import slug_problem
from .yamlfile import Loaded, load_yaml

MAX_BYTES = 2 * 1024 * 1024
Stamp = tuple[int, int, int, int]  # a file's st_mtime_ns, st_ctime_ns, st_size and st_ino
# A stamp is remembered only for a file last changed this long before it was read: a file written in
# the same clock tick as the read could change again without its stamp changing (coarse file system
# clocks), so it is read again next time. Git treats its "racily clean" index entries the same way.
RACY_NS = 2_000_000_000
ENTRY_FIELDS = ("title", "date", "kind", "source", "summary", "key_points", "quotes", "topics", "people",
                "organizations", "curator_note", "draft")
SOURCE_FIELDS = ("title", "publisher", "author", "url", "published")
# Names that editors, tools and file managers write beside the real files: never sources. `watch`
# ignores their events and the build skips them, so the two always agree on what a source is.
LITTER = re.compile(
    r"""^(?:
        \..*                        # hidden: emacs locks .#x.md, vim swap .x.md.swp, .goutputstream-*, ._x.md
      | .*~                         # backups: x.md~ (vim, emacs, gedit)
      | \#.*\#                      # emacs auto-save #x.md#
      | .*\.(?:sw[a-p]|swpx|bck|bak|tmp|orig)  # swap, backup and temporary copies
      | [0-9]+                      # vim's write probe 4913 (and other numbered probes)
      | .*___jb_(?:tmp|old)___      # JetBrains safe-write copies
      | (?i:thumbs\.db|desktop\.ini)
    )$""",
    re.VERBOSE,
)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_WORD = re.compile(r"[\w']+")
# Han ideographs and kana, written without spaces: reading time counts them one by one.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SENTENCE = re.compile(r"[^.!?\u3002\uff01\uff1f]+(?:[.!?\u3002\uff01\uff1f]+[\"'\u201d\u2019\u300d\u300f)]*|$)")
_QUOTE_MARKS = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"',
                              "\u00bb": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'"})
COPY_RUN = 12  # a summary sharing this many consecutive words with the body is not the curator's own
_NO_DATE = dt.date(1970, 1, 1)  # stands in for a date already reported as wrong; the entry is dropped


@dataclass(frozen=True, slots=True)
class Content:
    site: Site
    registry: Registry
    entries: tuple[Entry, ...]
    pages: tuple[Page, ...]
    notes: tuple[str, ...]  # harmless oddities worth telling the curator (ignored files, no entries)
    stamps: Mapping[str, tuple[Stamp, str]] = dataclasses.field(default_factory=dict)  # entry path -> (stamp, sha256)
    editions: tuple[Edition, ...] = ()  # oldest first, drafts only when built


NameCheck = Callable[[str, set[str]], "tuple[str, str] | None"]  # file name -> (message, hint) if refused
Mapper = Callable[[Callable[[tuple[str, bytes]], tuple[Entry | None, list[ContentError]]],
                   Sequence[tuple[str, bytes]]], Iterable[tuple[Entry | None, list[ContentError]]]]


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

    files = list_markdown(content, "entries", root, errors, notes, unchanged, trusted=seen)
    reused, todo, stamps = _sort_out(files, seen, digests, known, registry.digest)
    if todo:
        prepare_markdown()
    every = list(reused)
    for entry, problems in (mapper or _serial_map)(EntryReader(registry, unread), todo):
        errors.extend(problems)
        if entry is not None:
            every.append(entry)
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
              digests: Mapping[str, str], known: Mapping[str, Entry], registry_digest: str,
              ) -> tuple[list[Entry], list[tuple[str, bytes]], dict[str, tuple[Stamp, str]]]:
    """The entries known already, the files still to parse, and the stamps worth remembering."""
    settled = time.time_ns() - RACY_NS
    stamps: dict[str, tuple[Stamp, str]] = {}
    reused: list[Entry] = []
    todo: list[tuple[str, bytes]] = []
    for rel, raw, stamp in files:
        sha = seen[rel][1] if raw is None else hashlib.sha256(raw).hexdigest()
        if stamp[0] < settled:
            stamps[rel] = (stamp, sha)
        cached = known.get(digests[rel] if raw is None else entry_digest(rel, sha, registry_digest))
        if cached is not None:
            reused.append(cached)
        elif raw is not None:
            todo.append((rel, raw))
    return reused, todo, stamps


def _serial_map(reader: Callable[[tuple[str, bytes]], tuple[Entry | None, list[ContentError]]],
                files: Sequence[tuple[str, bytes]]) -> list[tuple[Entry | None, list[ContentError]]]:
    return [reader(item) for item in files]


# --- files -------------------------------------------------------------------------------------------

def decode(raw: bytes, path: str) -> tuple[str | None, ContentError | None]:
    """UTF-8 text with LF line endings (a BOM and CRLF are accepted), or why the bytes are not that."""
    if len(raw) > MAX_BYTES:
        return None, ContentError(path, 1, "", f"file is {len(raw):,} bytes, over the limit of "
                                  f"{MAX_BYTES:,} bytes (2 MiB)", "split it or trim the source text")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:200].count(b"\x00") > len(raw[:200]) // 4 > 0:
        return None, ContentError(path, 1, "", "file is UTF-16 text, not UTF-8",
                                  "re-save it as UTF-8; Broadsheet reads only UTF-8")
    if b"\x00" in raw:
        return None, ContentError(path, 1, "", "file is binary, not text", "remove it from content/")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, ContentError(path, line, "", f"file is not UTF-8: byte 0x{raw[exc.start]:02X} on this line; "
                                  f"it looks like {looks_like(raw)}", "re-save it as UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None, ContentError(path, 1, "", "file is empty", "write the front matter between `---` lines")
    return text, None


def list_markdown(content: Path, folder_name: str, root: Path, errors: list[ContentError], notes: list[str],
                  unchanged: Callable[[str, Stamp], bool] | None = None,
                  trusted: Container[str] = (), check: NameCheck | None = None,
                  ) -> list[tuple[str, bytes | None, Stamp]]:
    """(path, bytes, stamp) of each <folder>/*.md whose name passes `check` (by default: is a valid
    slug); editor litter is skipped quietly. A file for which `unchanged(path, stamp)` holds is not
    read: its bytes are None.

    The names of the paths in `trusted` passed every check on the last build, so only their files
    are looked at again: on a rebuild this loop runs once per entry, and most of it is checks.
    """
    folder = content / folder_name
    if not folder.is_dir():
        return []
    if not _inside(folder, root):
        errors.append(ContentError(str(folder), 0, "", "folder is a symlink that leads outside the content "
                                   "folder", "move the files into content/ instead"))
        return []
    try:
        items = sorted(os.scandir(folder), key=lambda d: d.name)
    except OSError as exc:
        errors.append(ContentError(str(folder), 0, "", f"cannot list the folder: {exc.strerror}"))
        return []
    taken: set[str] | None = None  # the valid slugs in the folder, worked out once a bad name needs a hint
    files: list[tuple[str, bytes | None, Stamp]] = []
    prefix = f"{folder}/"
    for item in items:
        rel = prefix + item.name
        if rel not in trusted or item.is_symlink():
            if taken is None and not SLUG.match(item.name.removesuffix(".md")):  # a hint for a bad name needs them
                taken = {d.name[:-3] for d in items if d.name.endswith(".md") and SLUG.match(d.name[:-3])}
            if not _acceptable(item, rel, folder_name, root, errors, notes, taken or set(), check or slug_problem):
                continue
        try:
            stat = item.stat()  # before reading: a write meanwhile leaves a stamp that differs next time
            stamp = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
            if unchanged is not None and unchanged(rel, stamp):
                files.append((rel, None, stamp))
                continue
            with open(item.path, "rb") as handle:  # no Path object: this runs once per entry per rebuild
                files.append((rel, handle.read(), stamp))
        except FileNotFoundError:
            errors.append(ContentError(rel, 1, "", "cannot read file: it is a broken symlink",
                                       "delete it, or point it at a file inside content/"))
        except IsADirectoryError:
            notes.append(f"{rel}: ignored ({folder_name} are .md files)")
        except OSError as exc:
            errors.append(ContentError(rel, 1, "", f"cannot read file: {exc.strerror}"))
    return files


def _acceptable(item: os.DirEntry[str], rel: str, folder_name: str, root: Path, errors: list[ContentError],
                notes: list[str], taken: set[str], check: NameCheck) -> bool:
    """Whether the folder item is a Markdown file to read; records why not, unless it is editor litter."""
    if LITTER.match(item.name):
        return False
    if not item.name.lower().endswith(".md") or item.is_dir():
        notes.append(f"{rel}: ignored ({folder_name} are .md files)")
        return False
    if item.is_symlink() and not _inside(Path(item.path), root):
        errors.append(ContentError(rel, 1, "", "symlink leads outside the content folder",
                                   "copy the file into content/ instead"))
        return False
    return _check_slug(item.name[:-3], rel, errors, taken, item.name.endswith(".md"), check)


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symlink loop
        return False


def _check_slug(slug: str, path: str, errors: list[ContentError], taken: set[str], lower_ext: bool = True,
                check: NameCheck | None = None) -> bool:
    """Whether `slug` (a file name without .md) may name a page; records why not."""
    problem = (check or slug_problem)(slug, taken)
    if problem is None and not lower_ext:
        problem = ("the extension must be lower-case `.md`", f"rename it to `{slug}.md`")
    if problem:
        errors.append(ContentError(path, 1, "", *problem))
    return problem is None


def split_front_matter(text: str, path: str) -> tuple[str, str, int, ContentError | None]:
    """(yaml, body, the body's first line in the file) of a `---` delimited file."""
    first, _, rest = text.partition("\n")
    if first.rstrip() != "---":
        if first.rstrip() == "+++":
            hint = "Broadsheet reads YAML front matter between `---` lines, not TOML between `+++`"
        elif text.lstrip().startswith("---"):
            hint = "the opening `---` must be the very first line of the file"
        else:
            hint = "start the file with a line `---`, the fields, then another `---`"
        return "", "", 0, ContentError(path, 1, "", "no front matter", hint)
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", rest, re.MULTILINE)
    if end is None:
        return "", "", 0, ContentError(path, 1, "", "front matter is not closed",
                                       "add a line `---` after the last field")
    body = rest[end.end():].removeprefix("\n")
    body_line = 2 + rest[: end.end()].count("\n") + 1
    stripped = body.lstrip("\n")
    return rest[: end.start()], stripped, body_line + len(body) - len(stripped), None


def removed_notes(path: str, body: Body, body_line: int) -> tuple[str, ...]:
    """What raw HTML the page leaves out, one note per line of the file: the curator should know what
    readers will not see."""
    return tuple(f"{path}:{body_line + line}: body: raw HTML left out of the page: {what}"
                 for line, what in body.removed)


def _front_matter(loaded: Loaded | None, path: str, errors: list[ContentError]) -> Fields | None:
    """The front matter's fields; an empty block (`---` then `---`) has none, so that each required
    field is reported missing, as in any other file."""
    if loaded is None:
        return None
    value = {} if loaded.value is None else loaded.value
    if not isinstance(value, dict):
        errors.append(ContentError(path, loaded.line(), "", "front matter must be `field: value` lines, got "
                                   + describe(value)))
        return None
    return Fields(value, loaded, path, errors)


def body_problems(path: str, source: str, body: Body, body_line: int) -> list[ContentError]:
    """What is wrong with a rendered body: nesting that would lose text, invisible control characters."""
    problems = []
    if body.too_deep >= 0:
        problems.append(ContentError(
            path, body_line + body.too_deep, "body",
            "block quotes and lists are nested too deeply here: the text inside would be lost",
            "flatten the nesting: at most 9 lists or 19 block quotes deep"))
    if body.html_too_deep >= 0:
        problems.append(ContentError(
            path, body_line + body.html_too_deep, "body",
            f"raw HTML here keeps more than {MAX_HTML_DEPTH:,} elements open at once",
            "close the tags you open, or remove the markup"))
    bad = CONTROL.search(source)
    if bad:
        problems.append(ContentError(
            path, body_line + source.count("\n", 0, bad.start()), "body",
            f"contains the invisible control character U+{ord(bad.group()):04X}",
            "delete it; feeds and some browsers cannot show it"))
    return problems


# --- site.yaml and the registries ------------------------------------------------------------------

def _load_mapping(path: Path, root: Path, errors: list[ContentError],
                  empty_ok: bool = False) -> tuple[Fields | None, str]:
    rel = str(path)
    if path.is_symlink() and not _inside(path, root):
        errors.append(ContentError(rel, 1, "", "symlink leads outside the content folder",
                                   "copy the file into content/ instead"))
        return None, ""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        errors.append(ContentError(rel, 0, "", "file not found", f"create {path.name}; see README"))
        return None, ""
    except OSError as exc:
        errors.append(ContentError(rel, 0, "", f"cannot read file: {exc.strerror}"))
        return None, ""
    text, problem = decode(raw, rel) if raw.strip() or not empty_ok else ("{}", None)
    if problem or text is None:
        errors.append(problem or ContentError(rel, 0, "", "unreadable"))
        return None, ""
    loaded, problems = load_yaml(text, rel, 1)
    errors.extend(problems)
    if loaded is None:
        return None, ""
    value = {} if loaded.value is None and empty_ok else loaded.value
    if not isinstance(value, dict):
        errors.append(ContentError(rel, loaded.line(), "", f"expected `key: value` lines, got "
                                   f"{describe(value)}"))
        return None, ""
    return Fields(value, loaded, rel, errors), hashlib.sha256(raw).hexdigest()


def read_site(content: Path, root: Path, errors: list[ContentError]) -> Site:
    fields, _ = _load_mapping(content / "site.yaml", root, errors)
    if fields is None:
        return Site(title="")
    fields.refuse_unknown(("title", "tagline", "description", "language", "base_url", "curator", "share_images"))
    base_url = fields.url("base_url")
    language = fields.text("language", False) or "en"
    if not _LANGUAGE.match(language):
        fields.error("language", f"`{language}` is not a language code",
                     "use a BCP 47 code such as en, zh or zh-Hans; pages and search rely on it")
        language = "en"
    return Site(title=fields.text("title"), tagline=fields.text("tagline", False),
                description=fields.text("description", False), language=language,
                base_url=base_url.rstrip("/") + "/" if base_url else "", curator=fields.text("curator", False),
                share_images=fields.boolean("share_images"))


def read_registry(content: Path, root: Path, errors: list[ContentError]) -> tuple[Registry, frozenset[str]]:
    """The three registries, and the kinds whose file could not be read (their references go unchecked,
    rather than every entry repeating that the file is missing)."""
    digest = hashlib.sha256(__version__.encode())
    tables, unread = [], set()
    for name, allowed in (("topics", ("title", "description")), ("people", ("name", "aliases", "role")),
                          ("organizations", ("name", "aliases", "description"))):
        fields, file_hash = _load_mapping(content / f"{name}.yaml", root, errors, empty_ok=True)
        digest.update(file_hash.encode())
        tables.append(_read_table(name, fields, allowed) if fields else {})
        if fields is None:
            unread.add(name)
    topics, people, orgs = tables
    registry = Registry(topics=topics, people=people, organizations=orgs,  # type: ignore[arg-type]
                        digest=digest.hexdigest()[:16])
    return registry, frozenset(unread)


def _read_table(kind: str, fields: Fields, allowed: tuple[str, ...]) -> dict[str, Topic | Person | Organization]:
    table: dict[str, Topic | Person | Organization] = {}
    owners: dict[str, tuple[str, int]] = {}  # lower-cased name or alias -> (slug, line)
    for slug in fields.data:
        problem = slug_problem(slug)
        if problem:
            fields.error(slug, *problem)
        item = fields.sub(slug)
        if item is None:
            if fields.data[slug] is None:
                fields.error(slug, "has no fields", f"give it `{allowed[0]}:` on the next line, indented")
            continue
        item.refuse_unknown(allowed)
        if kind == "topics":
            table[slug] = Topic(slug, item.text("title"), item.text("description", False))
            continue
        name, aliases = item.text("name"), item.strings("aliases")
        _claim_names(item, slug, [("", slug), ("name", name), *((i, a) for i, a in aliases)], owners)
        alias_names = tuple(a for _, a in aliases)
        if kind == "people":
            table[slug] = Person(slug, name, alias_names, item.text("role", False))
        else:
            table[slug] = Organization(slug, name, alias_names, item.text("description", False))
    return table


def _claim_names(item: Fields, slug: str, names: list[tuple[str | int, str]],
                 owners: dict[str, tuple[str, int]]) -> None:
    """Refuse a name or alias that already names someone else: `Ma Yun` must mean one person."""
    aliases = Fields({}, item.loaded, item.path, item.errors, (*item.key, "aliases"))
    for field, name in names:
        if not name:
            continue
        where = aliases if isinstance(field, int) else item
        line = where.loaded.line(*where.key, field) if field != "" else item.loaded.line(*item.key)
        owner = owners.setdefault(name.lower(), (slug, line))
        if owner[0] != slug:
            where.error(field, f"`{name}` also names `{owner[0]}` (line {owner[1]})",
                        "a name or alias must point to one only; remove one of them")


# --- entries -------------------------------------------------------------------------------------------

class EntryReader:
    """Reads one entry file against a registry; picklable, so a process pool can run it."""

    def __init__(self, registry: Registry, unread: frozenset[str] = frozenset()) -> None:
        self.registry = registry
        self.unread = unread  # registries that failed to load: references to them are not checked
        self.tables = {kind: registry.names(kind) for kind in ("topics", "people", "organizations")}
        # How each known name is spelt in the YAML, for did-you-mean hints ("Jack Ma", not "jack ma").
        self.spellings = {kind: _spellings(getattr(registry, kind).values())
                          for kind in ("topics", "people", "organizations")}

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
        front, body_text, body_line, problem = split_front_matter(text, path)
        if problem:
            errors.append(problem)
            return None
        loaded, problems = load_yaml(front, path, 2)
        errors.extend(problems)
        f = _front_matter(loaded, path, errors)
        if f is None:
            return None
        f.refuse_unknown(ENTRY_FIELDS)
        draft = f.boolean("draft")
        kind = f.choice("kind", KINDS)
        body = render_body(body_text, dialogue=kind == "interview")
        errors.extend(body_problems(path, body_text, body, body_line))
        slug = Path(path).name[:-3]
        found, rewrites, problems = links.find(body_text, body_line, path, "entries", entry_output(slug))
        errors.extend(problems)
        source = self.source(f, draft)
        summary = f.text("summary", required=not draft)
        words = _WORD.findall(body.text.lower())
        if summary:
            self.check_original(f, summary, words)
        points, quotes = self.key_points(f, body.paragraphs), self.quotes(f, body.text)
        if source.url:
            points, quotes = _originals(source.url, body, points, quotes)
        entry = Entry(
            slug=slug, path=path, title=f.text("title"), date=f.date("date") or _NO_DATE,
            kind=kind, source=source, summary=summary, key_points=points, quotes=quotes,
            topics=self.refs(f, "topics", required=not draft), people=self.refs(f, "people"),
            organizations=self.refs(f, "organizations"), curator_note=f.text("curator_note", False),
            draft=draft, body_html=links.rewrite(body.html, rewrites), paragraphs=body.paragraphs,
            words=count_words(body.text),
            digest=entry_digest(path, hashlib.sha256(raw).hexdigest(), self.registry.digest),
            notes=removed_notes(path, body, body_line), links=found)
        return entry

    def source(self, f: Fields, draft: bool) -> Source:
        sub = f.sub("source")
        if sub is None:
            if "source" not in f.data:
                f.missing("source", "add `source:` with at least `publisher:`")
            return Source(publisher="")
        sub.refuse_unknown(SOURCE_FIELDS)
        return Source(publisher=sub.text("publisher", required=not draft), title=sub.text("title", False),
                      author=sub.text("author", False), url=sub.url("url"),
                      published=sub.partial_date("published"))

    def key_points(self, f: Fields, paragraphs: int) -> tuple[KeyPoint, ...]:
        points = []
        for item in f.mappings("key_points"):
            item.refuse_unknown(("text", "see"))
            text, see = item.text("text"), item.integer("see")
            if see is not None and not 1 <= see <= paragraphs:
                item.error("see", *links.paragraph_problem(see, paragraphs))
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
                passage = closest_sentence(text, body_text)
                item.error("text", "quote not found in the body",
                           f"the closest passage in the body is `{passage}`" if passage else
                           "copy it verbatim from the source text; spacing and quote marks may differ")
            quotes.append(Quote(text, by))
        return tuple(quotes)

    def refs(self, f: Fields, kind: str, required: bool = False) -> tuple[str, ...]:
        items = f.strings(kind)
        if required and not items and kind not in f.data:
            f.missing(kind, f"list at least one slug from {kind}.yaml, e.g. `{kind}: [a-slug]`")
        elif required and not items and f.data.get(kind) == []:
            f.error(kind, "is empty", f"list at least one slug from {kind}.yaml")
        listed = Fields({}, f.loaded, f.path, f.errors, (kind,))
        slugs: list[str] = []
        for i, name in items:
            slug = self._resolve(listed, i, kind, name)
            if slug and slug not in slugs:
                slugs.append(slug)
        return tuple(slugs)

    def _resolve(self, f: Fields, field: str | int, kind: str, name: str) -> str:
        if not name:
            return ""
        slug = self.tables[kind].get(name.lower())
        if slug is None and kind not in self.unread:
            singular = {"topics": "topic", "people": "person", "organizations": "organisation"}[kind]
            close = closest(name, self.spellings[kind].values())
            suggestion = f"did you mean `{close}`? " if close else ""
            f.error(field, f"unknown {singular} `{name}`", f"{suggestion}define it in {kind}.yaml if it is new")
        return slug or ""

    def check_original(self, f: Fields, summary: str, body_words: Sequence[str]) -> None:
        run = copied_run(summary, body_words)
        if run:
            f.error("summary", f"copies {COPY_RUN}+ consecutive words from the source text: \"{run}\"",
                    "write the summary in your own words")


def count_words(text: str) -> int:
    """Words for reading time: CJK characters one by one, other words as the checks count them."""
    return len(_CJK.findall(text)) + len(_WORD.findall(_CJK.sub(" ", text)))


def _originals(url: str, body: Body, points: tuple[KeyPoint, ...], quotes: tuple[Quote, ...],
               ) -> tuple[tuple[KeyPoint, ...], tuple[Quote, ...]]:
    """Key points and quotes with links to their passage in the original page at `url`."""
    texts = fragments.paragraphs(body.html)
    return (tuple(replace(p, original=fragments.link(url, fragments.fragment(texts.get(p.see, ""), body.text)))
                  for p in points),
            tuple(replace(q, original=fragments.link(url, fragments.fragment(q.text, body.text))) for q in quotes))


def _spellings(items: Iterable[Topic | Person | Organization]) -> dict[str, str]:
    names: dict[str, str] = {}
    for item in items:
        spelt = [item.slug, item.title] if isinstance(item, Topic) else [item.slug, item.name, *item.aliases]
        names.update({name.lower(): name for name in spelt if name})
    return names


def _normalise_quote(text: str) -> str:
    return " ".join(text.translate(_QUOTE_MARKS).split())


def closest_sentence(quote: str, body: str) -> str:
    """The body sentence most like `quote` (a misremembered word, a changed tense), or ''."""
    sentences = [s for s in (_normalise_quote(s) for s in _SENTENCE.findall(body)) if s]
    close = closest(_normalise_quote(quote), sentences)
    return close if len(close) <= 160 else close[:159] + "…"


def copied_run(summary: str, body_words: Sequence[str]) -> str:
    """The first run of COPY_RUN consecutive words the summary shares with the body (given as its
    lower-cased words), as the summary writes it, or ''."""
    words = list(_WORD.finditer(summary))
    if len(words) < COPY_RUN:
        return ""
    # One substring search per window of the summary: far cheaper than a set of every window of the body.
    body_text = f" {' '.join(body_words)} "
    lower = [w.group().lower() for w in words]
    for i in range(len(words) - COPY_RUN + 1):
        if f" {' '.join(lower[i: i + COPY_RUN])} " in body_text:
            return summary[words[i].start(): words[i + COPY_RUN - 1].end()]
    return ""


def entry_digest(path: str, raw_sha: str, registry_digest: str) -> str:
    """Changes whenever the entry's file (given by the SHA-256 of its bytes), its path, the registries or
    the engine change."""
    return hashlib.sha256("\x1f".join((path, raw_sha, registry_digest, __version__)).encode()).hexdigest()[:20]


def front_matter(rel: str, raw: bytes, errors: list[ContentError]) -> tuple[Fields, str, int] | None:
    """A Markdown file's front matter to validate, its body and the body's first line; None (with
    the reason in `errors`) when the file cannot be read that far."""
    text, problem = decode(raw, rel)
    front, body_text, body_line, problem = split_front_matter(text, rel) if text else ("", "", 0, problem)
    loaded, problems = load_yaml(front, rel, 2) if not problem else (None, [problem])
    errors.extend(problems)
    f = _front_matter(loaded, rel, errors)
    return None if f is None else (f, body_text, body_line)


# --- free pages ----------------------------------------------------------------------------------------

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
    found, rewrites, problems = links.find(body_text, body_line, rel, "pages", page_output(slug))
    errors.extend(problems)
    title, description = f.text("title"), f.text("description", False)
    return Page(slug, rel, title, description, links.rewrite(body.html, rewrites),
                hashlib.sha256(raw).hexdigest()[:16], found)
