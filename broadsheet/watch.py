"""Folders on disk -> batches of changed source paths, one batch per save, for `serve` to rebuild from.

Editors save in many ways: writing in place, writing a temporary file and renaming it over the
original, renaming the original aside first (vim: `x.md` -> `x.md~`, plus a probe file `4913`), or
leaving lock links and swap files next to it (emacs `.#x.md`, `#x.md#`, vim `.x.md.swp`). Every one
of them ends with the real file in place, so the watcher keeps the paths that are not editor litter,
waits until the burst of events has gone quiet, drops files that appeared and vanished again within
the burst (temporaries with any name), and hands over the batch once.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from .files import LITTER

QUIET = 0.05  # a save's events arrive within a few ms of each other; 50 ms of silence ends the burst
SETTLE = 0.3  # when a changed file is missing, its editor may still be about to write the new copy
LONGEST = 1.0  # a file written slowly for longer than this is rebuilt anyway, then again when done

EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent,
]


def is_litter(path: Path, root: Path) -> bool:
    """Whether `path` (under the watched `root`) is an editor's scratch file rather than a source."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return True  # a move's far end outside the watched folder
    return any(LITTER.match(part) for part in parts)


def event_paths(event: FileSystemEvent, root: Path) -> tuple[tuple[Path, bool], ...]:
    """The source paths an event touches, each with whether it appeared there (created, or a move's
    destination). Both ends of a move count: renaming an entry removes one page and adds another."""
    ends = [(event.src_path, event.event_type == "created")]
    if event.event_type == "moved":
        ends.append((event.dest_path, True))
    paths = ((Path(_text(end)), appeared) for end, appeared in ends if end)
    return tuple((p, appeared) for p, appeared in paths if not is_litter(p, root))


def _text(path: str | bytes) -> str:
    return path.decode(errors="surrogateescape") if isinstance(path, bytes) else path


class Debouncer:
    """Collects changed paths and calls `action` with them once they have been quiet for a moment.

    One thread runs every action, so rebuilds never overlap; paths that arrive during an action
    are collected for the next one.
    """

    def __init__(self, action: Callable[[frozenset[Path]], None], quiet: float = QUIET,
                 settle: float = SETTLE, longest: float = LONGEST) -> None:
        self._action = action
        self._quiet, self._settle, self._longest = quiet, settle, longest
        self._changed = threading.Condition()
        self._pending: set[Path] = set()
        self._appeared: set[Path] = set()  # pending paths whose first event in this burst created them
        self._first = self._last = 0.0
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="broadsheet-rebuild", daemon=True)
        self._thread.start()

    def add(self, changes: Iterable[tuple[Path, bool]]) -> None:
        """Note changed paths, each with whether the change created it."""
        fresh = list(changes)
        if not fresh:
            return
        with self._changed:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            for path, appeared in fresh:
                if path not in self._pending:
                    self._pending.add(path)
                    if appeared:
                        self._appeared.add(path)
            self._last = now
            self._changed.notify()

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify()

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            try:
                self._action(batch)
            except Exception as exc:  # the action reports its own failures; this is the last guard
                with contextlib.suppress(Exception):
                    print(f"error: rebuild failed unexpectedly: {type(exc).__name__}: {exc!r}",
                          file=sys.stderr, flush=True)

    def _next_batch(self) -> frozenset[Path] | None:
        with self._changed:
            while True:
                if self._stopped:
                    return None
                if not self._pending:
                    self._changed.wait()
                    continue
                wait = self._due() - time.monotonic()
                if wait > 0:
                    self._changed.wait(wait)
                    continue
                # A file that appeared and is gone again changed nothing the build reads.
                batch = frozenset(p for p in self._pending if p not in self._appeared or p.exists())
                self._pending.clear()
                self._appeared.clear()
                if batch:
                    return batch

    def _due(self) -> float:
        """When the burst counts as over: soon after the last event, later if a file that existed
        has gone missing, since editors that rename the old copy aside write the new one next."""
        vanished = any(p not in self._appeared and not p.exists() for p in self._pending)
        quiet = self._settle if vanished else self._quiet
        return min(self._last + quiet, self._first + self._longest)


class _Forwarder(FileSystemEventHandler):
    """Passes the real source paths of each event on; never raises, so the observer thread lives on."""

    def __init__(self, root: Path, debouncer: Debouncer) -> None:
        self._root = root
        self._debouncer = debouncer

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            self._debouncer.add(event_paths(event, self._root))
        except Exception as exc:  # a watcher that dies silently is worse than one odd event missed
            with contextlib.suppress(Exception):
                print(f"warning: could not handle {event!r}: {exc!r}", file=sys.stderr)


@dataclass(frozen=True, slots=True)
class Watcher:
    observer: BaseObserver
    debouncer: Debouncer

    def stop(self) -> None:
        self.debouncer.stop()
        self.observer.stop()
        self.observer.join(timeout=1.5)


def watch(folders: Sequence[Path], action: Callable[[frozenset[Path]], None]) -> Watcher:
    """Start watching the existing `folders`; `action` gets each debounced batch of changed paths."""
    debouncer = Debouncer(action)
    observer = Observer()
    for folder in folders:
        if folder.is_dir():
            root = folder.resolve()
            observer.schedule(_Forwarder(root, debouncer), str(root), recursive=True, event_filter=EVENTS)
    observer.daemon = True
    observer.start()
    return Watcher(observer, debouncer)
