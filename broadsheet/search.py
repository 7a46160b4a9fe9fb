"""The entry pages to index -> the Pagefind indexes a site has (its parts), each with the pages it covers
and, once they are rendered, a fingerprint of them: what a build plans before it runs Pagefind
(`pagefind.py`). A digest past SHARD_ENTRIES entries has its index in parts, merged by the search page.
"""

from __future__ import annotations

import functools
import os
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import ENGINE
from .fingerprint import fingerprint

BUNDLE = "pagefind"
SHARD_ENTRIES = 2000  # entry pages per index; Pagefind holds about 170 MB per 1,000 of them (measured)
PART = "part-"  # shard n > 0 of the index lives in pagefind/part-<n>/
FRONT = "index.html"  # indexed whole when there is nothing else to index


@dataclass(frozen=True, slots=True)
class Part:
    """One Pagefind index over some of the entry pages; the first one also carries the search UI."""

    folder: str  # relative to the site: "pagefind", then "pagefind/part-1", ...
    pages: tuple[str, ...]  # the site's files it indexes


@dataclass(frozen=True, slots=True)
class Shard(Part):
    """A part with a fingerprint of its pages' bytes, once they are rendered: its index is made again
    when the fingerprint changes, that is when any of its pages changed."""

    fingerprint: str


def shard_size() -> int:
    """Entry pages per index: $BROADSHEET_SEARCH_SHARD, else SHARD_ENTRIES."""
    try:
        return max(1, int(os.environ.get("BROADSHEET_SEARCH_SHARD", SHARD_ENTRIES)))
    except ValueError:
        return SHARD_ENTRIES


def groups(pages: Sequence[str]) -> tuple[tuple[int, ...], ...]:
    """Share pages out among indexes of about shard_size() each: the positions of each index's pages.

    A page's index comes from a hash of its path, so editing or adding an entry changes one index
    only, and the others are kept as they are. An index that would be empty is left out.
    """
    return _groups(tuple(pages), shard_size())


@functools.lru_cache(maxsize=2)  # a rebuild asks twice: for the search page's list of parts, then for the parts
def _groups(pages: tuple[str, ...], size: int) -> tuple[tuple[int, ...], ...]:
    count = max(1, -(-len(pages) // size))
    shared: list[list[int]] = [[] for _ in range(count)]
    for position, page in enumerate(pages):
        shared[zlib.crc32(page.encode()) % count].append(position)
    return tuple(tuple(group) for group in shared if group)


def folder(n: int) -> str:
    """Where the n-th index lives in the site; the first one also holds the search UI."""
    return f"{BUNDLE}/{PART}{n}" if n else BUNDLE


def shard_folders(pages: Sequence[str]) -> list[str]:
    """The index folders a site whose indexed pages are `pages` has."""
    return [folder(n) for n in range(max(1, len(groups(pages))))]


def parts(pages: Sequence[str]) -> tuple[Part, ...]:
    """The indexes for the entry pages `pages`.

    With no entry pages, the front page is indexed: Pagefind refuses to write an empty index, and the
    search page needs one.
    """
    pages = pages or [FRONT]
    return tuple(Part(folder(n), tuple(pages[i] for i in group)) for n, group in enumerate(groups(pages)))


def shard(part: Part, shas: Mapping[str, str]) -> Shard:
    """`part`, fingerprinted by its pages' bytes (`shas`: path -> SHA-256) and the indexer's version."""
    return Shard(part.folder, part.pages,
                 fingerprint(ENGINE, _pagefind_version(), part.folder, *(f"{p} {shas[p]}" for p in part.pages)))


@functools.cache
def _pagefind_version() -> str:
    import importlib.metadata  # only needed here, and a tenth of the time every build spends importing

    try:
        return importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        return ""
