"""Spread CPU-bound work (parsing entries, rendering pages) over the machine's cores.

Workers are forked, so they inherit the job (a renderer holding the whole digest, or an entry
reader) instead of receiving it pickled: only item indexes go out and results come back. Small jobs
run in this process, where forking would cost more than it saves.
"""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from . import libc

if TYPE_CHECKING:
    import multiprocessing.pool

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 400  # below this, one process is faster than starting workers
RANGES = 16  # ranges of items per worker in each batch
_JOB: tuple[Callable[[object], object], Sequence[object]] | None = None


def workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), int(os.environ.get("BROADSHEET_WORKERS", "8"))))


def pmap(fn: Callable[[T], R], items: Sequence[T], min_items: int = MIN_ITEMS,
         meanwhile: Callable[[], object] | None = None) -> list[R]:
    """[fn(item) for item in items], in order, using every core when there are `min_items` or more
    (fewer for costlier items). `meanwhile` is called in this process while the workers work."""
    return [result for batch in pbatches(fn, items, [len(items)], min_items, meanwhile) for result in batch]


def pbatches(fn: Callable[[T], R], items: Sequence[T], ends: Sequence[int],
             min_items: int = MIN_ITEMS, meanwhile: Callable[[], object] | None = None) -> Iterator[list[R]]:
    """pmap's results a batch at a time, items[:ends[0]], then items[ends[0]:ends[1]] and so on, each
    handed back once it is done, with one set of workers for them all. `meanwhile` is called in this
    process once the workers have the first batch (before it, when there are no workers)."""
    bounds = list(zip([0, *ends[:-1]], ends, strict=True))
    count = workers()
    if count == 1 or len(items) < min_items or not _can_fork():
        if meanwhile is not None:
            meanwhile()
        for start, end in bounds:
            yield [fn(items[i]) for i in range(start, end)]
        return
    global _JOB
    _JOB = (fn, items)  # type: ignore[assignment]  # read-only in the forked children
    try:
        with _pool(count) as pool:
            for start, end in bounds:
                # Small ranges, so that the workers end together: each range is one message each way.
                chunk = max(1, -(-(end - start) // (count * RANGES)))
                ranges = [(first, min(first + chunk, end)) for first in range(start, end, chunk)]
                pending = pool.map_async(_run_range, ranges, chunksize=1)
                if meanwhile is not None:
                    meanwhile()
                    meanwhile = None
                parts = pending.get()
                yield [result for part in parts for result in part]  # type: ignore[misc]
    finally:
        _JOB = None
        _give_back_memory()


def _can_fork() -> bool:
    import multiprocessing  # here, not above: a rebuild with little to do starts no workers

    return "fork" in multiprocessing.get_all_start_methods()


def _pool(count: int) -> multiprocessing.pool.Pool:
    import multiprocessing

    # Ctrl-C goes to the whole process group. Workers ignore it, so only this process stops, tears
    # the pool down and reports one clean line; signals are held back while forking so that no
    # worker runs this process's handlers before its own are set.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    # What the workers inherit is kept out of their garbage collector's scans, which would otherwise
    # touch every inherited object and so copy the parent's memory page by page. A caller that had
    # frozen objects already (a build) gives them back itself, these with them.
    frozen = gc.get_freeze_count()
    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(count, initializer=_ignore_interrupts)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        if not frozen:
            gc.unfreeze()


def _give_back_memory() -> None:
    """Return to the system the memory the C allocator kept when the workers' pickled results were
    freed. Those buffers are scattered between live objects, so glibc does not release them on its
    own: at 16,000 entries, the reader's results left about 90 MB held, through rendering and search
    indexing. Other C libraries have no malloc_trim, and nothing to do here."""
    trim = libc.function("malloc_trim")
    if trim is not None:
        trim(0)


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler: a worker just stops
    # SIGTERM was held back while forking; the pool stops its workers with it, so let it through again.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def _run_range(bounds: tuple[int, int]) -> list[object]:
    assert _JOB is not None
    fn, items = _JOB
    return [fn(items[i]) for i in range(*bounds)]
