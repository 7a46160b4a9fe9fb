"""Digest -> page plan -> page bytes: every page of the site, rendered with Jinja.

The plan lists each page with its template, its context and a fingerprint of everything its template
receives. A page whose fingerprint is unchanged since the last build need not be rendered again: that is
how rebuilds stay fast without tracking dependencies by hand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import jinja2
from jinja2 import meta

from . import ENGINE, cjk, email, metadata, search, sharecard
from .compiled import Environment, OutputCodeGenerator
from .errors import BuildError, ContentError
from .files import LITTER
from .fingerprint import digest_of, fingerprint
from .model import MONTHS, Digest, Edition, Entry, Topic, entry_output, page_output

PER_PAGE = 50
FEED_SIZE = 50
SHARE_CARD = "(share card)"  # the `template` of share cards, which are drawn, not rendered from a template
TIMELINE_INLINE = 200  # up to this many entries, /timeline/ lists them all; past it, one page per year


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page to render: where it goes, with which template and values, and what it depends on."""

    path: str
    template: str
    context: Mapping[str, object]
    fingerprint: str  # of everything the template receives for it: see plan
    indexed: bool = False  # whether Pagefind indexes it


def make_env(templates: Path) -> jinja2.Environment:
    env = Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,  # XML feeds escape the same five characters as HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.code_generator_class = OutputCodeGenerator
    env.filters.update(longdate=longdate, partial_date=partial_date, iso=iso, month_name=month_name,
                       cjk_characters=cjk.characters, **email.FILTERS)
    # Set once, before any template loads (see compiled.Environment).
    env.globals.update(json_ld=metadata.json_ld, article=metadata.article, collection=metadata.collection,
                       website=metadata.website, json_feed=metadata.json_feed, absolute=metadata.absolute,
                       og_locale=metadata.og_locale, **email.GLOBALS)
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
                     ) -> tuple[Mapping[str, str], dict[str, frozenset[str]]]:
    """Each template's hash, covering the templates it extends, includes or imports; and what each
    template refers to, by fingerprint of its name and source, for `known` on the next build.

    A template found in `known` is not parsed again: parsing them all is most of a rebuild that has
    nothing to do, and an unchanged template parsed without error last time.
    """
    loader = env.loader
    assert loader is not None
    names = template_names(env)
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

    def digest(name: str) -> str:
        return fingerprint(ENGINE, email.finisher(name), *(sources.get(n, "") for n in sorted(closure(name, {name}))))

    return _Lazy(digest, sources), {keys[name]: refs[name] for name in sources}


class _Lazy(Mapping[str, str]):
    """name -> make(name) for each name in `names`, each made when first read: a template no page uses
    (the email ones, in a digest without editions) is never hashed, nor its finishing step looked up."""

    def __init__(self, make: Callable[[str], str], names: Iterable[str]) -> None:
        self._make, self._names = make, dict.fromkeys(names)  # in order, and looked up at once
        self._made: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        if name not in self._made:
            if name not in self._names:
                raise KeyError(name)
            self._made[name] = self._make(name)
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def template_names(env: jinja2.Environment) -> list[str]:
    """The templates in the environment's folder, editor litter left out."""
    assert env.loader is not None
    return [n for n in env.loader.list_templates() if not any(LITTER.match(part) for part in n.split("/"))]


def preload(env: jinja2.Environment, names: Iterable[str]) -> None:
    """Compile the templates `names` now, in this process: workers forked afterwards inherit them
    instead of each compiling its own, and `serve`'s first rebuild finds them compiled.

    Templates are checked for changes here, once per build (an edited one is compiled again), and
    not on every page after: the pages' fingerprints were taken from the templates as they are now.
    """
    env.auto_reload = True
    for name in names:
        with contextlib.suppress(Exception):  # a broken template is reported by the first page using it
            env.get_template(name)
    env.auto_reload = False


@functools.lru_cache(maxsize=512)
def _references(env: jinja2.Environment, name: str, source: str) -> frozenset[str]:
    """The templates `source` extends, includes or imports; remembered, as `serve` asks on every rebuild."""
    return frozenset(ref for ref in meta.find_referenced_templates(env.parse(source, name)) if ref)


def root_of(path: str) -> str:
    """The relative prefix from the page at `path` back to the site's root ("" at the root)."""
    return "../" * path.count("/")


def shared_values(digest: Digest) -> dict[str, object]:
    """What every page's template receives besides its own context. The free pages are given as
    links only: the navigation shows their titles, so editing a page's text re-renders that page alone."""
    return {"site": digest.site, "topics": digest.registry.topics, "people": digest.registry.people,
            "organizations": digest.registry.organizations,
            "pages": tuple(PageLink(page.slug, page.title) for page in digest.pages)}


@dataclass(frozen=True, slots=True)
class PageLink:
    slug: str
    title: str


def plan(digest: Digest, shared: Mapping[str, object], templates: Mapping[str, str] | None = None,
         ) -> list[PageSpec]:
    """Every page of the page map, in a stable order.

    A page's fingerprint is the digest of what its template receives: `shared` (the values every page
    gets, as the Renderer passes them), its own context, its path, and `templates` (template_digests'),
    which cover the template and everything it extends, includes or imports.
    """
    base = fingerprint(ENGINE, digest_of(shared))
    template_fp = templates or {}
    specs: list[PageSpec] = []

    def add(path: str, template: str, indexed: bool = False, **context: object) -> None:
        print_ = fingerprint(base, template_fp.get(template, ""), path, digest_of(context))
        specs.append(PageSpec(path, template, context, print_, indexed))

    for n, chunk, pages in _paginate(digest.entries):
        add(_page_path("", n), "home.html", entries=chunk, entry_count=len(digest.entries),
            pagination=_pagination(n, pages), latest=edition_link(digest.editions[0]) if digest.editions and n == 1
            else None)
    specs += _entry_pages(digest, fingerprint(base, template_fp.get("entry.html", "")))
    add("topics/index.html", "topics.html", counts=_counts(digest.by_topic))
    for slug in digest.registry.topics:
        listed = digest.by_topic.get(slug, ())
        for n, chunk, pages in _paginate(listed):
            add(_page_path(f"topics/{slug}/", n), "topic.html", topic=digest.registry.topics[slug], entries=chunk,
                total=len(listed), related_topics=digest.related_topics.get(slug, ()),
                pagination=_pagination(n, pages))
    for kind, index, template in (("people", digest.by_person, "person.html"),
                                  ("organizations", digest.by_organization, "organization.html")):
        add(f"{kind}/index.html", f"{kind}.html", counts=_counts(index))
        for slug, item in getattr(digest.registry, kind).items():
            add(f"{kind}/{slug}/index.html", template, item=item, entries=index.get(slug, ()))
    _plan_timeline(digest, add)
    _plan_editions(digest, add)
    # The indexes past the first, as folders under the first one's, for the search page to merge.
    folders = search.shard_folders([spec.path for spec in specs if spec.indexed])
    add("search/index.html", "search.html", merge=[f"{f.removeprefix(search.BUNDLE + '/')}/" for f in folders[1:]])
    add("404.html", "404.html")
    for page in digest.pages:
        add(page_output(page.slug), "page.html", page=page)
    if digest.site.base_url:
        add("feed.xml", "feed.xml", entries=digest.entries[:FEED_SIZE], topic=None)
        for slug, listed in digest.by_topic.items():
            add(f"topics/{slug}/feed.xml", "feed.xml", entries=listed[:FEED_SIZE], topic=digest.registry.topics[slug])
        # The sitemap shows only addresses and dates: given only (slug, date), an edited summary leaves it be.
        add("sitemap.xml", "sitemap.xml", entries=tuple((e.slug, e.date.isoformat()) for e in digest.entries))
    add("robots.txt", "robots.txt")
    _plan_meta(digest, specs, add)
    return specs


def _plan_meta(digest: Digest, specs: list[PageSpec], add: _Adder) -> None:
    """Beside each Atom feed of the digest and its topics a JSON Feed of the same entries; one OPML
    file listing every Atom feed planned; and a share card per entry when they are on."""
    site = digest.site
    atom = [spec for spec in specs if spec.path.endswith("feed.xml")]
    for spec in atom:
        if spec.template == "feed.xml":
            add(spec.path.removesuffix(".xml") + ".json", "feed.json", entries=spec.context["entries"],
                topic=spec.context["topic"])
    if atom:
        feeds = [_feed(site.title, spec) for spec in atom]
        add("feeds.opml", "feeds.opml", feeds=feeds)
    if site.share_images:
        for entry in digest.entries:
            card = sharecard.Card(entry.title, site.title, f"{longdate(entry.date)} · {entry.kind}", site.language)
            specs.append(PageSpec(f"entries/{entry.slug}/{metadata.SHARE_IMAGE}", SHARE_CARD, {"card": card},
                                  fingerprint(sharecard.STYLE, digest_of(card))))


def _feed(title: str, spec: PageSpec) -> dict[str, str]:
    """An Atom feed as OPML lists it: its title, its path and the page it follows."""
    folder = spec.path.removesuffix("feed.xml")
    topic = spec.context.get("topic")
    name = topic.title if isinstance(topic, Topic) else folder.strip("/").replace("/", " ").capitalize()
    return {"title": f"{title}: {name}" if name else title, "path": spec.path, "page": folder}


def _entry_pages(digest: Digest, page_fp: str) -> Iterator[PageSpec]:
    """The entry pages; `page_fp` covers what they all receive. The loop of plan that runs most, so
    it builds its PageSpecs directly, fingerprinted as `add` does."""
    newer, older = digest.newer.get, digest.older.get
    for entry in digest.entries:
        path = entry_output(entry.slug)
        context = {"entry": entry, "related": digest.related[entry.slug], "newer": newer(entry.slug),
                   "older": older(entry.slug), "carried": digest.carried.get(entry.slug, ())}
        yield PageSpec(path, "entry.html", context, fingerprint(page_fp, path, digest_of(context)), True)


def _plan_timeline(digest: Digest, add: _Adder) -> None:
    years: dict[int, list[Entry]] = {}
    for entry in digest.entries:
        years.setdefault(entry.date.year, []).append(entry)
    inline = len(digest.entries) <= TIMELINE_INLINE
    # Past TIMELINE_INLINE entries, the overview shows how many entries each month has, and is given only that.
    add("timeline/index.html", "timeline.html", inline=inline, year=None,
        years=[(y, _by_month(es) if inline else [(m, len(listed)) for m, listed in _by_month(es)])
               for y, es in years.items()])
    for year, listed in years.items():
        add(f"timeline/{year}/index.html", "timeline.html", years=[(year, _by_month(listed))], inline=True, year=year)


def _plan_editions(digest: Digest, add: _Adder) -> None:
    """The editions: their list, each one as a web page (indexed for search), as an email in HTML and
    in plain text, and their feed. A page that only links to an edition is given its EditionLink, so
    rewriting an introduction re-renders that edition's own pages and the feed, not its neighbours'."""
    if not digest.editions:
        return
    by_slug = {entry.slug: entry for entry in digest.entries}
    editions = digest.editions
    links = tuple(edition_link(e) for e in editions)
    add("editions/index.html", "editions.html", editions=links)
    picked = {e.number: tuple((s, tuple(by_slug[slug] for slug in s.entries)) for s in e.sections)
              for e in editions}
    for i, edition in enumerate(editions):
        folder, sections = f"editions/{edition.number}/", picked[edition.number]
        add(f"{folder}index.html", "edition.html", True, edition=edition, sections=sections,
            newer=links[i - 1] if i else None, older=links[i + 1] if i + 1 < len(links) else None)
        add(f"{folder}email.html", "email.html", edition=edition, sections=sections)
        add(f"{folder}email.txt", "email.txt", edition=edition, sections=sections)
    add("editions/feed.xml", "editions.xml", editions=[(e, picked[e.number]) for e in editions[:FEED_SIZE]])


@dataclass(frozen=True, slots=True)
class EditionLink:
    """What a page shows of an edition it links to."""

    number: int
    title: str
    date: dt.date
    entry_count: int
    draft: bool


def edition_link(edition: Edition) -> EditionLink:
    return EditionLink(edition.number, edition.title, edition.date, edition.entry_count, edition.draft)


class _Adder(Protocol):
    def __call__(self, path: str, template: str, indexed: bool = False, **context: object) -> None: ...


def _by_month(entries: Sequence[Entry]) -> list[tuple[int, list[Entry]]]:
    months: dict[int, list[Entry]] = {}
    for entry in entries:
        months.setdefault(entry.date.month, []).append(entry)
    return list(months.items())


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
        return (up or "./") if target == 1 else f"{up}page/{target}/"
    return {"page": n, "pages": pages, "newer": href(n - 1) if n > 1 else "",
            "older": href(n + 1) if n < pages else ""}


class Renderer:
    """Renders PageSpecs with one Jinja environment; shared values are the same for every page.

    `serve` passes the environment of its previous rebuild: Jinja reloads a template whose file
    changed, and keeps the compiled code of the others.
    """

    def __init__(self, templates: Path, shared: Mapping[str, object], env: jinja2.Environment | None = None) -> None:
        self.env = env if env is not None else make_env(templates)
        self.templates = templates
        self.shared = shared  # shared_values(digest): what plan's fingerprints cover

    def render(self, spec: PageSpec) -> bytes:
        card = spec.context.get("card")
        if spec.template == SHARE_CARD and isinstance(card, sharecard.Card):
            return sharecard.draw(card)
        root = root_of(spec.path)
        try:
            template = self.env.get_template(spec.template)
            text = template.render(self.shared, **spec.context, root=root, home=root or "./", path=spec.path)
            text = email.FINISH.get(spec.template, str)(text)
        except Exception as exc:  # any mistake in a template is the curator's to fix, never a traceback
            raise BuildError([template_error(exc, spec, self.templates)]) from None
        return text.encode("utf-8")


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
