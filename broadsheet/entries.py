"""One entry file's bytes and the registry -> an Entry, or the ContentErrors that keep it out.

`EntryReader` is pure given a file's bytes and the registry, so the build can spread entries over
processes and cache them by content hash (`entry_digest`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import replace

from . import __version__, fragments, links
from .errors import ContentError, closest
from .fields import Fields
from .files import body_problems, front_matter, removed_notes
from .markdown import Body, render_body
from .model import (
    KINDS,
    Entry,
    KeyPoint,
    Organization,
    Person,
    Quote,
    Registry,
    Source,
    Topic,
    entry_output,
)
from .quotes import COPY_RUN, WORD, closest_sentence, copied_run, normalise_quote, words_of

ENTRY_FIELDS = ("title", "date", "kind", "source", "summary", "key_points", "quotes", "topics", "people",
                "organizations", "curator_note", "draft")
SOURCE_FIELDS = ("title", "publisher", "author", "url", "published")
# Han ideographs and kana, written without spaces: reading time counts them one by one.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NO_DATE = dt.date(1970, 1, 1)  # stands in for a date already reported as wrong; the entry is dropped


class EntryReader:
    """Reads one entry file against a registry; picklable, so a process pool can run it."""

    def __init__(self, registry: Registry, unread: frozenset[str] = frozenset()) -> None:
        self.registry = registry
        self.unread = unread  # registries that failed to load: references to them are not checked
        self.tables = {kind: registry.names(kind) for kind in ("topics", "people", "organizations")}
        # How each known name is spelt in the YAML, for did-you-mean hints ("Jack Ma", not "jack ma").
        self.spellings = {kind: _spellings(getattr(registry, kind).values())
                          for kind in ("topics", "people", "organizations")}

    def __call__(self, item: tuple[str, bytes | None]) -> tuple[Entry | None, list[ContentError], str]:
        """The entry in the file `item` names, read from its bytes, or from the file when they are None;
        the problems that keep it out; and the SHA-256 of the bytes it read itself ('' if given them)."""
        path, raw = item
        errors: list[ContentError] = []
        sha = ""
        if raw is None:
            try:
                with open(path, "rb") as handle:
                    raw = handle.read()
            except OSError as exc:
                return None, [ContentError(path, 1, "", f"cannot read file: {exc.strerror}")], ""
            sha = hashlib.sha256(raw).hexdigest()
        entry = self.read(path, raw, errors, sha)
        return (entry if not errors else None), errors, sha

    def read(self, path: str, raw: bytes, errors: list[ContentError], sha: str = "") -> Entry | None:
        """The entry in `raw`, the bytes of the file at `path` (`sha` their SHA-256, if known)."""
        opened = front_matter(path, raw, errors)
        if opened is None:
            return None
        f, body_text, body_line = opened
        f.refuse_unknown(ENTRY_FIELDS)
        draft = f.boolean("draft")
        kind = f.choice("kind", KINDS)
        body = render_body(body_text, dialogue=kind == "interview")
        errors.extend(body_problems(path, body_text, body, body_line))
        slug = os.path.basename(path)[:-3]  # no Path object: this runs once per entry
        found, rewrites, problems = links.find(body.hrefs, body_line, path, "entries", entry_output(slug))
        errors.extend(problems)
        source = self.source(f, draft)
        summary = f.text("summary", required=not draft)
        words = words_of(body.text)
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
            words=count_words(body.text, words),
            digest=entry_digest(path, sha or hashlib.sha256(raw).hexdigest(), self.registry.digest),
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
        haystack = ""  # the body normalised, made only for a quote not in it verbatim (few are)
        for item in f.mappings("quotes"):
            item.refuse_unknown(("text", "by"))
            text = item.text("text")
            by = self._resolve(item, "by", "people", item.text("by", False)) if "by" in item.data else ""
            # A quote found verbatim is found normalised too: normalising maps a slice to a slice.
            if text and text not in body_text:
                haystack = haystack or normalise_quote(body_text)
                if normalise_quote(text) not in haystack:
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

    def check_original(self, f: Fields, summary: str, body_words: str) -> None:
        run = copied_run(summary, body_words)
        if run:
            f.error("summary", f"copies {COPY_RUN}+ consecutive words from the source text: \"{run}\"",
                    "write the summary in your own words")


def count_words(text: str, words: str | None = None) -> int:
    """Words for reading time: CJK characters one by one, other words as the checks count them.
    `words` is words_of(text), when the caller has it already."""
    if text.isascii() or not _CJK.search(text):  # isascii reads a flag the string keeps: no scan
        words = words_of(text) if words is None else words
        return words.count(" ") + 1 if words else 0
    return len(_CJK.findall(text)) + len(WORD.findall(_CJK.sub(" ", text)))


def _originals(url: str, body: Body, points: tuple[KeyPoint, ...], quotes: tuple[Quote, ...],
               ) -> tuple[tuple[KeyPoint, ...], tuple[Quote, ...]]:
    """Key points and quotes with links to their passage in the original page at `url`."""
    def original(passage: str) -> str:
        return fragments.link(url, fragments.fragment(passage, body.text))
    return (tuple(replace(p, original=original(fragments.paragraph(body.html, p.see))) for p in points),
            tuple(replace(q, original=original(q.text)) for q in quotes))


def _spellings(items: Iterable[Topic | Person | Organization]) -> dict[str, str]:
    names: dict[str, str] = {}
    for item in items:
        spelt = [item.slug, item.title] if isinstance(item, Topic) else [item.slug, item.name, *item.aliases]
        names.update({name.lower(): name for name in spelt if name})
    return names


def entry_digest(path: str, raw_sha: str, registry_digest: str) -> str:
    """Changes whenever the entry's file (given by the SHA-256 of its bytes), its path, the registries or
    the engine change."""
    return hashlib.sha256("\x1f".join((path, raw_sha, registry_digest, __version__)).encode()).hexdigest()[:20]
