"""The values passed between stages: frozen dataclasses, no I/O."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields

KINDS = ("news", "interview", "speech", "commentary", "feature")
# Words a minute of silent reading of non-fiction in English (238, Brysbaert 2019), close to the
# characters a minute of Chinese (255, Trauzettel-Klosinski 2012): one rate serves both when CJK
# characters are counted as words.
READING_SPEED = 238
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # not calendar.month_name, which follows the locale


class Record:
    """Pickles as a call to its constructor.

    The build cache holds thousands of entries; unpickling them this way takes half the time of the
    state-restoring path that frozen slotted dataclasses get by default, on every warm build.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        kind = type(self)
        values = _VALUES.get(kind)
        if values is None:  # made once per class, not once per record pickled
            values = _VALUES[kind] = _values_getter(tuple(f.name for f in fields(self)))  # type: ignore[arg-type]
        return kind, values(self)


def _values_getter(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """A record's field values in order, read in C: the cache pickles tens of thousands of records."""
    if len(names) == 1:  # attrgetter of one name gives the value, not a tuple
        one = operator.attrgetter(names[0])
        return lambda record: (one(record),)
    return operator.attrgetter(*names)


_VALUES: dict[type, Callable[[object], tuple[object, ...]]] = {}  # a record class -> _values_getter of its fields


@dataclass(frozen=True, slots=True)
class Site(Record):
    """site.yaml: the digest's own description."""

    title: str
    tagline: str = ""
    description: str = ""
    language: str = "en"
    base_url: str = ""  # absolute, ending in "/", or "" when unset (feeds are then skipped)
    curator: str = ""
    share_images: bool = False  # draw a share card per entry (entries/<slug>/share.png)


@dataclass(frozen=True, slots=True)
class Topic(Record):
    slug: str
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Person(Record):
    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    role: str = ""


@dataclass(frozen=True, slots=True)
class Organization(Record):
    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Registry(Record):
    """topics.yaml, people.yaml and organizations.yaml, with a lookup from any name or alias to a slug."""

    topics: Mapping[str, Topic]
    people: Mapping[str, Person]
    organizations: Mapping[str, Organization]
    digest: str = ""  # hash of the three files; entries read against it are cached under it

    def names(self, kind: str) -> dict[str, str]:
        """Lower-cased slug, name and aliases -> slug, for `kind` in topics|people|organizations."""
        table: dict[str, str] = {}
        for slug, item in getattr(self, kind).items():
            table[slug.lower()] = slug
            if isinstance(item, Topic):
                table[item.title.lower()] = slug
            else:
                table[item.name.lower()] = slug
                for alias in item.aliases:
                    table[alias.lower()] = slug
        return table


@dataclass(frozen=True, slots=True)
class Source(Record):
    publisher: str
    title: str = ""
    author: str = ""
    url: str = ""
    published: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD, as precise as the document allows


@dataclass(frozen=True, slots=True)
class KeyPoint(Record):
    text: str
    see: int  # paragraph number in the body; the page links it to #p-<see>
    original: str = ""  # source.url with a text fragment finding the paragraph there, when the source has a url


@dataclass(frozen=True, slots=True)
class Quote(Record):
    text: str
    by: str = ""  # a person slug, or "" when unattributed
    original: str = ""  # source.url with a text fragment finding the quote there, when the source has a url


def entry_output(slug: str) -> str:
    """The file an entry's page is written to, from the site's root: the one place this address is made."""
    return f"entries/{slug}/index.html"


def page_output(slug: str) -> str:
    """The file a free page is written to, from the site's root."""
    return f"{slug}/index.html"


@dataclass(frozen=True, slots=True)
class Link(Record):
    """A link in a body to a page of the site, checked once every page is known (see broadsheet.links)."""

    line: int  # in the source file
    href: str  # as written in the Markdown, for messages
    target: str  # the output file it leads to, from the site's root; ends in "/" for a folder
    fragment: str = ""


@dataclass(frozen=True, slots=True)
class Entry(Record):
    """One source document and its curation, validated and with its body rendered."""

    slug: str
    path: str  # as given to the reader, for messages
    title: str
    date: dt.date
    kind: str
    source: Source
    summary: str
    key_points: tuple[KeyPoint, ...]
    quotes: tuple[Quote, ...]
    topics: tuple[str, ...]
    people: tuple[str, ...]
    organizations: tuple[str, ...]
    curator_note: str
    draft: bool
    body_html: str
    paragraphs: int
    words: int  # for reading time: words, and CJK characters one by one
    digest: str  # entry_digest: changes whenever any field above may change; pages' fingerprints use it
    notes: tuple[str, ...] = ()  # raw HTML the page leaves out, as `file:line: body: ...` notes for `check`
    links: tuple[Link, ...] = ()  # the body's links to pages of the site (the digest covers them: see read)

    @property
    def year(self) -> str:
        return f"{self.date.year:04d}"

    @property
    def minutes(self) -> int:
        """Reading time, at least one minute."""
        return max(1, round(self.words / READING_SPEED))


@dataclass(frozen=True, slots=True)
class Page(Record):
    """A free page from pages/<slug>.md, served at /<slug>/."""

    slug: str
    path: str
    title: str
    description: str
    body_html: str
    digest: str
    links: tuple[Link, ...] = ()  # the body's links to pages of the site


@dataclass(frozen=True, slots=True)
class Section(Record):
    """One section of an edition: a heading, the editor's note and the entries, in reading order."""

    title: str
    note_html: str  # the note's inline Markdown, rendered
    entries: tuple[str, ...]  # entry slugs
    lines: tuple[int, ...]  # the line of each slug in the edition's file, for messages


@dataclass(frozen=True, slots=True)
class Edition(Record):
    """An issue of the digest, from editions/<number>.md: the editor's introduction and picked entries."""

    number: int
    path: str
    title: str
    date: dt.date
    sections: tuple[Section, ...]
    intro_html: str
    draft: bool
    digest: str  # changes whenever the file, the engine or its path change
    date_line: int = 0  # where `date` is written, for messages

    @property
    def entry_count(self) -> int:
        return sum(len(section.entries) for section in self.sections)


@dataclass(frozen=True, slots=True)
class Digest:
    """Everything the pages show: entries newest first, the registries, and the indexes between them."""

    site: Site
    registry: Registry
    entries: tuple[Entry, ...]
    pages: tuple[Page, ...]
    by_topic: Mapping[str, tuple[Entry, ...]]
    by_person: Mapping[str, tuple[Entry, ...]]
    by_organization: Mapping[str, tuple[Entry, ...]]
    related: Mapping[str, tuple[Entry, ...]]
    related_topics: Mapping[str, tuple[str, ...]]
    newer: Mapping[str, Entry]
    older: Mapping[str, Entry]
    warnings: tuple[str, ...] = field(default=())
    shape: str = ""  # hash of the inputs of `related`, so a rebuild can reuse it
    editions: tuple[Edition, ...] = ()  # newest first
    carried: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # entry slug -> edition numbers
