"""Digest -> page plan -> OutputFile[]: every page of the site, rendered with Jinja.

The plan lists each page with its template, its context and a fingerprint of everything it shows.
A page whose fingerprint is unchanged since the last build need not be rendered again: that is how
rebuilds stay fast without tracking dependencies by hand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import jinja2
from jinja2 import meta

from . import ENGINE, email, search
from .errors import BuildError, ContentError
from .model import MONTHS, Digest, Entry, OutputFile
from .read import LITTER

PER_PAGE = 50
FEED_SIZE = 50
TIMELINE_INLINE = 200  # up to this many entries, /timeline/ lists them all; past it, one page per year


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page to render: where it goes, with which template and values, and what it depends on."""

    path: str
    template: str
    context: Mapping[str, object]
    fingerprint: str
    indexed: str = ""  # on the pages Pagefind indexes (entry pages), what the part it reads depends on


def make_env(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,  # XML feeds escape the same five characters as HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(longdate=longdate, partial_date=partial_date, iso=iso, month_name=month_name,
                       **email.FILTERS)
    env.globals.update(email.GLOBALS)
    return env


def longdate(value: dt.date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def partial_date(value: str) -> str:
    """'2020', '2020-09' or '2020-09-15' as a reader would write it."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return longdate(dt.date(*parts))
    return f"{MONTHS[parts[1] - 1]} {parts[0]}" if len(parts) == 2 else str(parts[0])


def iso(value: dt.date) -> str:
    return f"{value.isoformat()}T00:00:00Z"


def month_name(month: int) -> str:
    return MONTHS[month - 1]


def template_digests(env: jinja2.Environment, known: Mapping[str, frozenset[str]] | None = None,
                     ) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Each template's hash, covering the templates it extends, includes or imports; and what each
    template refers to, by fingerprint of its name and source, for `known` on the next build.

    A template found in `known` is not parsed again: parsing them all is most of a rebuild that has
    nothing to do, and an unchanged template parsed without error last time.
    """
    loader = env.loader
    assert loader is not None
    names = [n for n in loader.list_templates() if not any(LITTER.match(part) for part in n.split("/"))]
    sources = {name: loader.get_source(env, name)[0] for name in names}
    keys = {name: fingerprint(name, src) for name, src in sources.items()}
    refs = {}
    for name, src in sources.items():
        try:
            refs[name] = known[keys[name]] if known and keys[name] in known else _references(env, name, src)
        except jinja2.TemplateSyntaxError as exc:
            folder = Path(loader.searchpath[0]) if isinstance(loader, jinja2.FileSystemLoader) else Path()
            raise BuildError([ContentError(str(folder / name), exc.lineno, "", exc.message or "syntax error",
                                           "fix the template; the previous site is untouched")]) from None

    def closure(name: str, seen: set[str]) -> set[str]:
        for ref in refs.get(name, ()):
            if ref and ref not in seen:
                seen.add(ref)
                closure(ref, seen)
        return seen

    digests = {name: fingerprint(ENGINE, email.finisher(name),
                                 *(sources.get(n, "") for n in sorted(closure(name, {name}))))
               for name in sources}
    return digests, {keys[name]: refs[name] for name in sources}


@functools.lru_cache(maxsize=512)
def _references(env: jinja2.Environment, name: str, source: str) -> frozenset[str]:
    """The templates `source` extends, includes or imports; remembered, as `serve` asks on every rebuild."""
    return frozenset(ref for ref in meta.find_referenced_templates(env.parse(source, name)) if ref)


def fingerprint(*parts: str) -> str:
    """A short hash of `parts`: what a page's fingerprint, and the search index's, are made of."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def root_of(path: str) -> str:
    """The relative prefix from the page at `path` back to the site's root ("" at the root)."""
    return "../" * path.count("/")


def plan(digest: Digest, templates: Mapping[str, str] | None = None) -> list[PageSpec]:
    """Every page of the page map, in a stable order; `templates` are template_digests', which each
    page's fingerprint covers."""
    site_fp = fingerprint(repr(digest.site), digest.registry.digest,
                    repr([(p.slug, p.title) for p in digest.pages]))
    specs: list[PageSpec] = []
    template_fp = templates or {}

    def add(path: str, template: str, inputs: Iterable[str], indexed: str = "", **context: object) -> None:
        print_ = fingerprint(site_fp, template_fp.get(template, ""), path, *inputs)
        specs.append(PageSpec(path, template, context, print_, indexed))

    cards = _cards
    for n, chunk, pages in _paginate(digest.entries):
        newest = digest.editions[0] if digest.editions and n == 1 else None
        add(_page_path("", n), "home.html", [cards(chunk), f"{n}/{pages}", newest.digest if newest else ""],
            entries=chunk, pagination=_pagination(n, pages), latest=newest)
    specs += _entry_pages(digest, site_fp, fingerprint(site_fp, template_fp.get("entry.html", "")))
    add("topics/index.html", "topics.html",
        [repr(sorted((t, len(es)) for t, es in digest.by_topic.items()))], counts=_counts(digest.by_topic))
    for slug in digest.registry.topics:
        listed = digest.by_topic.get(slug, ())
        for n, chunk, pages in _paginate(listed):
            add(_page_path(f"topics/{slug}/", n), "topic.html",
                [cards(chunk), f"{n}/{pages}", repr(digest.related_topics.get(slug))],
                topic=digest.registry.topics[slug], entries=chunk, total=len(listed),
                related_topics=digest.related_topics.get(slug, ()), pagination=_pagination(n, pages))
    for kind, index, template in (("people", digest.by_person, "person.html"),
                                  ("organizations", digest.by_organization, "organization.html")):
        add(f"{kind}/index.html", f"{kind}.html", [repr(sorted((k, len(v)) for k, v in index.items()))],
            counts=_counts(index))
        for slug, item in getattr(digest.registry, kind).items():
            listed = index.get(slug, ())
            add(f"{kind}/{slug}/index.html", template, [cards(listed)], item=item, entries=listed)
    _plan_timeline(digest, add)
    _plan_editions(digest, add, site_fp)
    # The indexes past the first, as folders under the first one's, for the search page to merge.
    folders = search.shard_folders([spec.path for spec in specs if spec.indexed])
    merge = [f"{folder.removeprefix(search.BUNDLE + '/')}/" for folder in folders[1:]]
    add("search/index.html", "search.html", [repr(merge)], merge=merge)
    add("404.html", "404.html", [])
    for page in digest.pages:
        add(f"{page.slug}/index.html", "page.html", [page.digest], page=page)
    if digest.site.base_url:
        latest = digest.entries[:FEED_SIZE]
        add("feed.xml", "feed.xml", [cards(latest)], entries=latest, topic=None)
        for slug, listed in digest.by_topic.items():
            add(f"topics/{slug}/feed.xml", "feed.xml", [cards(listed[:FEED_SIZE])],
                entries=listed[:FEED_SIZE], topic=digest.registry.topics[slug])
        # The sitemap shows only addresses and dates: an edited summary must not re-render it.
        add("sitemap.xml", "sitemap.xml", [repr([(e.slug, e.date) for e in digest.entries])],
            entries=digest.entries)
    add("robots.txt", "robots.txt", [])
    return specs


def _entry_pages(digest: Digest, site_fp: str, page_fp: str) -> Iterator[PageSpec]:
    """The entry pages; `page_fp` covers what they all show. The loop of plan that runs most, so
    it builds its PageSpecs directly."""
    newer, older = digest.newer.get, digest.older.get
    for entry in digest.entries:
        path = f"entries/{entry.slug}/index.html"
        related, before, after = digest.related[entry.slug], newer(entry.slug), older(entry.slug)
        carried = digest.carried.get(entry.slug, ())
        # Related entries, neighbours and editions lie outside the indexed article: their edits leave the index be.
        inputs = (entry.digest, _cards(related), before.card if before else "", after.card if after else "",
                  repr(carried))
        context = {"entry": entry, "related": related, "newer": before, "older": after, "carried": carried}
        yield PageSpec(path, "entry.html", context, fingerprint(page_fp, path, *inputs),
                       site_fp + entry.digest)  # hashed with the others of its index: see search.split


def _plan_timeline(digest: Digest, add: _Adder) -> None:
    years: dict[int, list[Entry]] = {}
    for entry in digest.entries:
        years.setdefault(entry.date.year, []).append(entry)
    inline = len(digest.entries) <= TIMELINE_INLINE
    overview = [(y, _by_month(es)) for y, es in years.items()]
    add("timeline/index.html", "timeline.html",
        [_cards(digest.entries) if inline else repr([(y, len(es)) for y, es in years.items()])],
        years=overview, inline=inline, year=None)
    for year, listed in years.items():
        add(f"timeline/{year}/index.html", "timeline.html", [_cards(listed)],
            years=[(year, _by_month(listed))], inline=True, year=year)


def _plan_editions(digest: Digest, add: _Adder, site_fp: str) -> None:
    """The editions: their list, each one as a web page (indexed for search), as an email in HTML and
    in plain text, and their feed."""
    if not digest.editions:
        return
    by_slug = {entry.slug: entry for entry in digest.entries}
    editions = digest.editions
    add("editions/index.html", "editions.html", [e.digest for e in editions], editions=editions)
    picked = {e.number: tuple((s, tuple(by_slug[slug] for slug in s.entries)) for s in e.sections)
              for e in editions}
    shown = {number: _cards(e for _, listed in sections for e in listed) for number, sections in picked.items()}
    for i, edition in enumerate(editions):
        newer, older = editions[i - 1] if i else None, editions[i + 1] if i + 1 < len(editions) else None
        folder, inputs = f"editions/{edition.number}/", [edition.digest, shown[edition.number]]
        near = [f"{e.number}|{e.title}" if e else "" for e in (newer, older)]
        add(f"{folder}index.html", "edition.html", inputs + near, fingerprint(site_fp, *inputs),
            edition=edition, sections=picked[edition.number], newer=newer, older=older)
        add(f"{folder}email.html", "email.html", inputs, edition=edition, sections=picked[edition.number])
        add(f"{folder}email.txt", "email.txt", inputs, edition=edition, sections=picked[edition.number])
    latest = editions[:FEED_SIZE]
    add("editions/feed.xml", "editions.xml", [f"{e.digest}|{shown[e.number]}" for e in latest],
        editions=[(e, picked[e.number]) for e in latest])


class _Adder(Protocol):
    def __call__(self, path: str, template: str, inputs: Iterable[str], indexed: str = "",
                 **context: object) -> None: ...


def _by_month(entries: Sequence[Entry]) -> list[tuple[int, list[Entry]]]:
    months: dict[int, list[Entry]] = {}
    for entry in entries:
        months.setdefault(entry.date.month, []).append(entry)
    return list(months.items())


_CARD = operator.attrgetter("card")


def _cards(entries: Iterable[Entry]) -> str:
    return ",".join(map(_CARD, entries))  # map with attrgetter: plan joins ~16 cards per page


def _counts(index: Mapping[str, Sequence[Entry]]) -> dict[str, int]:
    return {slug: len(entries) for slug, entries in index.items()}


def _paginate(entries: Sequence[Entry]) -> list[tuple[int, Sequence[Entry], int]]:
    pages = max(1, -(-len(entries) // PER_PAGE))
    return [(n, entries[(n - 1) * PER_PAGE: n * PER_PAGE], pages) for n in range(1, pages + 1)]


def _page_path(base: str, n: int) -> str:
    return f"{base}index.html" if n == 1 else f"{base}page/{n}/index.html"


def _pagination(n: int, pages: int) -> dict[str, object]:
    """Links to the neighbouring pages, relative to page n's own folder."""
    def href(target: int) -> str:
        up = "" if n == 1 else "../../"
        return f"{up}./" if target == 1 else f"{up}page/{target}/"
    return {"page": n, "pages": pages, "newer": href(n - 1) if n > 1 else "",
            "older": href(n + 1) if n < pages else ""}


class Renderer:
    """Renders PageSpecs with one Jinja environment; shared values are the same for every page.

    `serve` passes the environment of its previous rebuild: Jinja reloads a template whose file
    changed, and keeps the compiled code of the others.
    """

    def __init__(self, templates: Path, digest: Digest, env: jinja2.Environment | None = None) -> None:
        self.env = env if env is not None else make_env(templates)
        self.templates = templates
        self.shared = {"site": digest.site, "topics": digest.registry.topics, "people": digest.registry.people,
                       "organizations": digest.registry.organizations, "pages": digest.pages,
                       "entry_count": len(digest.entries)}

    def preload(self, names: Iterable[str]) -> None:
        """Compile the templates `names` now, in this process: workers forked afterwards inherit them
        instead of each compiling its own, and `serve`'s first rebuild finds them compiled."""
        for name in names:
            with contextlib.suppress(Exception):  # a broken template is reported by the first page using it
                self.env.get_template(name)

    def render(self, spec: PageSpec) -> OutputFile:
        root = root_of(spec.path)
        try:
            template = self.env.get_template(spec.template)
            text = template.render(self.shared, **spec.context, root=root, home=root or "./", path=spec.path)
            text = email.FINISH.get(spec.template, str)(text)
        except Exception as exc:  # any mistake in a template is the curator's to fix, never a traceback
            raise BuildError([template_error(exc, spec, self.templates)]) from None
        return OutputFile(spec.path, text.encode("utf-8"))


def template_error(exc: Exception, spec: PageSpec, templates: Path) -> ContentError:
    """Name the template file and line (from Jinja's rewritten traceback) and the page being rendered."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name, line = exc.name or exc.filename or spec.template, exc.lineno
    else:
        name, line = _template_frame(exc, templates, spec.template)
    entry = spec.context.get("entry")
    subject = f"entry {entry.path}" if isinstance(entry, Entry) else spec.path
    if isinstance(exc, jinja2.TemplateNotFound):
        return ContentError(str(templates / name), line, "", f"template `{exc.name}` not found "
                            f"while rendering {subject}", f"add it to {templates}/")
    message = exc.message if isinstance(exc, jinja2.TemplateError) else None
    return ContentError(str(templates / name), line, "", f"{message or _describe(exc)} "
                        f"while rendering {subject}", "fix the template; the previous site is untouched")


def _template_frame(exc: BaseException, templates: Path, default: str) -> tuple[str, int]:
    """The innermost template frame in the traceback: Jinja compiles templates to code named after the file."""
    name, line = default, 0
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(str(templates)):
            name, line = Path(filename).relative_to(templates).as_posix(), tb.tb_lineno
        tb = tb.tb_next
    return name, line


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
