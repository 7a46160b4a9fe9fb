"""What the last build produced, so the next one redoes only what changed.

The cache holds parsed entries (by content digest) and, per output file, the fingerprint it was
rendered from and the hash of its bytes. It is trusted only if it was written by this engine version
for the site directory that exists now: `save` records the site's inode, which a swap changes, and
`forget` deletes the cache before a swap so a build killed between the two leaves no cache at all.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import ENGINE
from .model import Edition, Entry
from .read import Stamp

FORMAT = 4  # 2: one search fingerprint per index shard; 3: template references; 4: editions


@dataclass(frozen=True, slots=True)
class Cache:
    entries: dict[str, Entry] = field(default_factory=dict)  # Entry.digest -> Entry
    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (fingerprint, sha256)
    searched: tuple[str, ...] = ()  # Shard.fingerprint of each search index in the folder
    related: tuple[str, dict[str, tuple[str, ...]]] = ("", {})  # Digest.shape -> related slugs
    stamps: Mapping[str, tuple[Stamp, str]] = field(default_factory=dict)  # entry file -> (stamp, sha256)
    templates: Mapping[str, frozenset[str]] = field(default_factory=dict)  # template key -> templates it uses
    editions: Mapping[str, Edition] = field(default_factory=dict)  # Edition.digest -> Edition


def cache_path(out: Path) -> Path:
    return out.parent / ".broadsheet-cache" / f"{out.name}.pickle"


def _site_id(out: Path) -> tuple[int, int]:
    stat = os.stat(out)
    return stat.st_dev, stat.st_ino


def load(out: Path) -> Cache:
    """The cache for `out`, or an empty one if it is missing, stale, foreign or unreadable."""
    path = cache_path(out)
    try:
        with open(path, "rb") as handle:
            stamp, site_id, cache = pickle.load(handle)
        if stamp == (FORMAT, ENGINE) and site_id == _site_id(out) and isinstance(cache, Cache):
            return cache
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        pass
    return Cache()


def forget(out: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        cache_path(out).unlink()


def save(out: Path, cache: Cache) -> None:
    path = cache_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    with open(temp, "wb") as handle:
        pickle.dump(((FORMAT, ENGINE), _site_id(out), cache), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temp, path)
