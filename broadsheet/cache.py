"""What the last build produced, so the next one redoes only what changed.

The cache holds parsed entries (by content digest) and, per output file, the fingerprint it was
rendered from and the hash of its bytes. It is trusted only if it was written by this engine version.
For the site folder it was saved with (same device and inode) it is taken as it is; for another
folder with that name (restored by a CI job, copied, or replaced) only what is verified on disk is
kept: the files whose bytes are as recorded, and the search indexes whose entry file is. So a cache
carried into a fresh clone with its site gives a warm build, and a site that differs is repaired.
`forget` deletes the cache before a swap, so a build killed between the two leaves no cache at all.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import signal
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NoReturn

from . import ENGINE
from .files import Stamp
from .model import Edition, Entry

FORMAT = 7  # 2: one search fingerprint per index shard; 3: template references; 4: verified when moved;
# 5: editions; 6: the header pickled apart, before the cache; 7: the entries, the rest of the cache, then the
# header, found by a trailer
INDEX_ENTRY = "pagefind-entry.json"  # names every other file of a Pagefind index, by its hash
# The file's last bytes: a mark, then where the header starts. The cache comes first, so that it can
# be written while the site it describes is still being made (Saving).
_TRAILER = struct.Struct("<8sQ")
_MARK = b"bs-cache"


@dataclass(frozen=True, slots=True)
class Cache:
    entries: dict[str, Entry] = field(default_factory=dict)  # Entry.digest -> Entry
    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (fingerprint, sha256)
    searched: Mapping[str, str] = field(default_factory=dict)  # index folder -> Shard.fingerprint of its index
    related: tuple[str, dict[str, tuple[str, ...]]] = ("", {})  # Digest.shape -> related slugs
    stamps: Mapping[str, tuple[Stamp, str]] = field(default_factory=dict)  # entry file -> (stamp, sha256)
    templates: Mapping[str, frozenset[str]] = field(default_factory=dict)  # template key -> templates it uses
    editions: Mapping[str, Edition] = field(default_factory=dict)  # Edition.digest -> Edition


def cache_path(out: Path) -> Path:
    return out.parent / ".broadsheet-cache" / f"{out.name}.pickle"


def site_id(out: Path) -> tuple[int, int] | None:
    """Which folder `out` is: a swap, a copy or a restore changes it."""
    try:
        stat = os.stat(out)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def load(out: Path) -> Cache:
    """The cache for `out`, or an empty one if it is missing, stale, foreign or unreadable."""
    return load_checked(out)[0]


def load_checked(out: Path) -> tuple[Cache, bool]:
    """load's cache, and whether it was saved with this very folder (else it was verified, and is
    worth saving again so that the next build need not verify it)."""
    path = cache_path(out)
    collecting = gc.isenabled()
    # Unpickling makes no garbage, but the hundreds of thousands of objects it makes would set the
    # cyclic collector scanning the growing heap again and again.
    gc.disable()
    try:
        with open(path, "rb") as handle:
            handle.seek(-_TRAILER.size, os.SEEK_END)
            mark, header = _TRAILER.unpack(handle.read(_TRAILER.size))
            if mark != _MARK:
                return Cache(), False
            handle.seek(header)
            stamp, saved_id, seals = pickle.load(handle)
            if stamp != (FORMAT, ENGINE):
                return Cache(), False
            handle.seek(0)
            entries, cache = pickle.load(handle), pickle.load(handle)
        if not isinstance(cache, Cache) or not isinstance(entries, dict):
            return Cache(), False
        cache = replace(cache, entries=entries)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError,
            struct.error):
        return Cache(), False
    finally:
        if collecting:
            gc.enable()
    if saved_id == site_id(out):
        return cache, True
    return verified(out, cache, seals), False


def verified(out: Path, cache: Cache, seals: Mapping[str, str]) -> Cache:
    """`cache` with only what `out` really holds: the outputs whose bytes match, and the indexes whose
    entry file matches its seal (the SHA-256 it had when the cache was saved)."""
    outputs = {path: record for path, record in cache.outputs.items() if _sha_of(out / path) == record[1]}
    searched = {folder: print_ for folder, print_ in cache.searched.items()
                if folder in seals and _sha_of(out / folder / INDEX_ENTRY) == seals[folder]}
    return replace(cache, outputs=outputs, searched=searched)


def _sha_of(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def forget(out: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        cache_path(out).unlink()


def save(out: Path, cache: Cache) -> None:
    """Save `cache` for the site now in `out`."""
    Saving(out).finish(cache)


class Saving:
    """A cache saved in steps, each as early as the build can take it: its entries (`begin_aside`, while
    a first build collects and plans), the rest of it (`write`, while Pagefind indexes), then a
    header naming the site folder it describes (`finish`, once the site is in place with its final
    indexes). A load checks the header first: a cache is not unpickled when it is another engine's.

    Until `finish` the cache is a temporary file beside where it goes, which no build reads."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.temp = cache_path(out).with_suffix(".tmp")
        self.entries: dict[str, Entry] | None = None  # those written, once they are
        self.written = False  # the rest of the cache too
        self.child: int | None = None  # the process begin_aside started, until it is waited for

    def begin(self, entries: dict[str, Entry]) -> None:
        self._join()
        self.temp.parent.mkdir(parents=True, exist_ok=True)
        _write_entries(self.temp, entries)
        self.entries, self.written = entries, False

    def begin_aside(self, entries: dict[str, Entry]) -> None:
        """`begin`, in a forked child, while this process goes on. A first build calls it between
        reading and rendering: this process then collects and plans on one core, and the child writes
        on the other, which would have nothing to do. `write` waits for the child, and writes the
        entries itself if the child did not. Where processes cannot fork, this is `begin`."""
        if not hasattr(os, "fork"):
            self.begin(entries)
            return
        self._join()
        self.temp.parent.mkdir(parents=True, exist_ok=True)
        # Signals are held back until the child has its own handlers: this process's would run this
        # process's clean-up (the staging folder's removal) in the child.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            pid = os.fork()
            if pid == 0:
                _write_and_exit(self.temp, entries)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        self.child, self.entries, self.written = pid, entries, False

    def _join(self) -> None:
        """Wait for begin_aside's child; if it did not write the entries, they are not written."""
        if self.child is None:
            return
        pid, self.child = self.child, None
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            self.entries = None

    def write(self, cache: Cache) -> None:
        self._join()
        if cache.entries is not self.entries:  # not begun, or with other entries
            self.begin(cache.entries)
        if not self.written:
            with open(self.temp, "ab") as handle:
                pickle.dump(replace(cache, entries={}), handle, protocol=pickle.HIGHEST_PROTOCOL)
            self.written = True

    def finish(self, cache: Cache) -> None:
        self.write(cache)
        seals = {folder: _sha_of(self.out / folder / INDEX_ENTRY) for folder in cache.searched}
        with open(self.temp, "ab") as handle:
            header = handle.tell()
            pickle.dump(((FORMAT, ENGINE), site_id(self.out), seals), handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.write(_TRAILER.pack(_MARK, header))
        os.replace(self.temp, cache_path(self.out))

    def discard(self) -> None:
        """Delete what was written, if `finish` did not move it into place, and the cache folder if
        that leaves it empty: a first build that fails leaves nothing behind."""
        if self.child is not None:
            with contextlib.suppress(OSError):
                os.kill(self.child, signal.SIGKILL)
            self._join()
        with contextlib.suppress(OSError):
            self.temp.unlink()
        with contextlib.suppress(OSError):
            self.temp.parent.rmdir()  # refused while it holds a cache


def _write_and_exit(temp: Path, entries: dict[str, Entry]) -> NoReturn:
    """Saving.begin_aside's child: write the entries, then end at once, with none of the clean-up the
    parent's stack would run on the way out (its `finally` blocks, its exit handlers)."""
    status = 1
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)  # a signal ends the child, which the parent notices
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
        # The collector would scan, and so copy page by page, the memory the child shares with the parent.
        gc.disable()
        _write_entries(temp, entries)
        status = 0
    finally:
        os._exit(status)


def _write_entries(temp: Path, entries: dict[str, Entry]) -> None:
    """The cache's first part, which a load reads first (see Saving)."""
    with open(temp, "wb") as handle:
        pickle.dump(entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
