"""Content -> Digest: entries newest first, and every index the pages need (by topic, person,
organisation; related entries; neighbours). Pure: no I/O."""

from __future__ import annotations

import hashlib
import heapq
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from .model import Digest, Edition, Entry
from .read import Content

RELATED = 5
# Related entries are scored among the entries nearest in time on each shared topic, person and
# organisation: that keeps the work linear in the number of entries (a 16,000-entry digest would
# otherwise compare every pair) and favours stories from the same period.
WINDOW = 12
WEIGHTS = {"people": 3, "organizations": 2, "topics": 1}


RelatedMemo = tuple[str, Mapping[str, tuple[str, ...]]]  # (shape, slug -> related slugs)


def collect(content: Content, memo: RelatedMemo | None = None) -> Digest:
    """Index the content; `memo` is the previous build's related entries, reused if the shape is the same."""
    entries = tuple(sorted(content.entries, key=lambda e: (-e.date.toordinal(), e.slug)))
    shape = shape_of(entries)
    if memo is not None and memo[0] == shape:
        by_slug = {e.slug: e for e in entries}
        related = {slug: tuple(by_slug[r] for r in rel) for slug, rel in memo[1].items()}
    else:
        related = related_entries(entries)
    by_topic = _index(entries, "topics")
    by_person = _index(entries, "people")
    by_org = _index(entries, "organizations")
    warnings = list(content.notes)
    if not content.site.base_url:
        warnings.append("site.yaml has no base_url: feeds and sitemap.xml are left out "
                        "(they need absolute links); add base_url: https://... to publish them")
    return Digest(
        site=content.site, registry=content.registry, entries=entries, pages=content.pages,
        by_topic=by_topic, by_person=by_person, by_organization=by_org,
        related=related,
        related_topics=related_topics(entries, list(content.registry.topics)),
        newer={e.slug: entries[i - 1] for i, e in enumerate(entries) if i > 0},
        older={e.slug: entries[i + 1] for i, e in enumerate(entries) if i + 1 < len(entries)},
        warnings=tuple(warnings),
        shape=shape,
        editions=tuple(reversed(content.editions)),
        carried=carried_in(content.editions),
    )


def carried_in(editions: Iterable[Edition]) -> dict[str, tuple[int, ...]]:
    """Entry slug -> the numbers of the editions that carry it, in order."""
    carried: dict[str, list[int]] = defaultdict(list)
    for edition in editions:
        for section in edition.sections:
            for slug in section.entries:
                carried[slug].append(edition.number)
    return {slug: tuple(numbers) for slug, numbers in carried.items()}


def shape_of(entries: tuple[Entry, ...]) -> str:
    """A hash of what related entries are computed from: order, topics, people, organisations."""
    text = "\n".join(f"{e.slug}|{'|'.join(e.topics)}|{'|'.join(e.people)}|{'|'.join(e.organizations)}"
                     for e in entries)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _index(entries: Iterable[Entry], field: str) -> dict[str, tuple[Entry, ...]]:
    index: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        for slug in getattr(entry, field):
            index[slug].append(entry)
    return {slug: tuple(items) for slug, items in index.items()}


def related_entries(entries: tuple[Entry, ...]) -> dict[str, tuple[Entry, ...]]:
    """Up to RELATED entries per entry, most shared people/organisations/topics first, then nearest in time."""
    postings: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, entry in enumerate(entries):
        for field in WEIGHTS:
            for slug in getattr(entry, field):
                postings[(field, slug)].append(i)
    related: dict[str, tuple[Entry, ...]] = {}
    for i, entry in enumerate(entries):
        scores: dict[int, int] = {}
        for field, weight in WEIGHTS.items():
            for slug in getattr(entry, field):
                posting = postings[(field, slug)]
                at = bisect_left(posting, i)
                for j in posting[max(0, at - WINDOW): at + WINDOW + 1]:
                    scores[j] = scores.get(j, 0) + weight
        scores.pop(i, None)
        # Keys as tuples made up front: comparing them in C is faster than calling a key per candidate.
        best = heapq.nsmallest(RELATED, [(-score, abs(j - i), j) for j, score in scores.items()])
        related[entry.slug] = tuple(entries[j] for _, _, j in best)
    return related


def related_topics(entries: tuple[Entry, ...], topics: list[str]) -> dict[str, tuple[str, ...]]:
    """For each topic, the topics that most often share an entry with it."""
    # One Counter fed all pairs at once counts in C; a Counter per topic updated per entry took 2-3x longer.
    pairs = Counter((a, b) for entry in entries for a in entry.topics for b in entry.topics if a != b)
    ranked: dict[str, list[tuple[int, str]]] = {t: [] for t in topics}  # (-count, other): most shared first
    for (topic, other), count in pairs.items():
        ranked[topic].append((-count, other))
    return {t: tuple(other for _, other in sorted(shared)[:5]) for t, shared in ranked.items()}
