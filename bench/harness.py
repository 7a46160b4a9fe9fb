"""Blocks of alternating timed runs -> per-pair results, refused when the machine is busy.

A block measures one thing on both sides (say, a cold build without search: Broadsheet against
Hugo) as --runs pairs. The two sides alternate pair by pair, and so does which side goes first (A B,
B A, A B...). Each side is a callable that prepares what it needs untimed (a fresh output folder, a
first build for a warm one), makes one timed run through `timed` (which ends with `sync`), and hands
its output to `discard`.

Outputs are deleted at the end of the block, not after each run, and no timed run starts within
DELETED seconds of a deletion. On ext4 without a journal (this kind of machine's root file system)
the kernel will not reuse an inode freed less than a minute ago, and it reads the inode table to
find out for every candidate it passes over: for a while after a site of 10,000 files is deleted,
every file created costs up to ten times as much. Whichever tool ran right after a deletion paid for
it, which made single figures swing by a factor of two.

The load average is checked before anything starts and printed before every block; every timed run is
checked for other processes using the CPU (quiet.py). A failed check stops the benchmark with
Refused, unless `force` is set, in which case the problems are kept and the figures marked unreliable.
"""

from __future__ import annotations

import compileall
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import quiet
from measure import Command, Run, measure, remove
from pairs import Pair, Summary, ours_first, summarise

Side = Callable[[str], Run]  # label -> one timed run, prepared untimed, its output discarded
# Seconds after a deletion before a timed run may start: ext4 passes over inodes freed less than 60 s
# ago (RECENTCY_MIN in fs/ext4/ialloc.c; 300 s more while their inode table block is not yet written
# back, which the `sync` after every deletion sees to).
DELETED = 65


class Refused(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(quiet.refusal(problems))
        self.problems = problems


@dataclass
class Block:
    title: str
    load_before: float
    ours: list[Run] = field(default_factory=list)
    theirs: list[Run] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)

    @property
    def summary(self) -> Summary | None:
        return summarise(self.pairs) if self.pairs else None

    def as_dict(self) -> dict[str, object]:
        summary = self.summary
        return {"title": self.title, "load_average_before": self.load_before,
                "summary": asdict(summary) if summary else None,
                "pairs": [asdict(p) | {"ratio": p.ratio} for p in self.pairs],
                "ours": [asdict(r) for r in self.ours], "theirs": [asdict(r) for r in self.theirs]}


def progress(text: str) -> None:
    print(f"  {text}", flush=True)


class Harness:
    def __init__(self, scratch: Path, cwd: Path, force: bool) -> None:
        self.scratch = scratch  # where the fresh output folders go; emptied now
        self.cwd = cwd
        self.force = force
        self.problems: list[str] = []
        self._serial = itertools.count(1)
        # Before the benchmark does anything itself (generating a corpus raises the load too).
        load = quiet.load_average()
        print(f"load average before starting: {load:.2f}", flush=True)
        self.check(quiet.load_problem(load))
        # Bytecode for Broadsheet's modules, as any run after the first finds it. Where
        # PYTHONDONTWRITEBYTECODE is set, no build writes it, and every build would compile them all.
        compileall.compile_dir(cwd / "broadsheet", quiet=1)
        self._trash: list[Path] = []
        self._deleted = 0.0  # time.monotonic() of the last deletion
        self.delete(scratch)
        scratch.mkdir(parents=True)

    @property
    def reliable(self) -> bool:
        return not self.problems

    def delete(self, *paths: Path) -> None:
        """Delete `paths` now (then `sync`), and hold the next timed run back until DELETED seconds later."""
        if any(path.exists() or path.is_symlink() for path in paths):
            remove(*paths)
            self._deleted = time.monotonic()

    def discard(self, *paths: Path) -> None:
        """Delete `paths` once the block ends: a deletion between two runs would slow the second."""
        self._trash.extend(paths)

    def empty(self) -> None:
        if self._trash:
            self.delete(*self._trash)
            self._trash.clear()

    def settle(self) -> None:
        """Wait until DELETED seconds have passed since the last deletion."""
        wait = self._deleted + DELETED - time.monotonic()
        if wait > 0:
            progress(f"waiting {wait:.0f} s: files deleted less than {DELETED} s ago make new files slower")
            time.sleep(wait)

    def fresh(self, name: str) -> Path:
        """A new output path, never used before in this benchmark: no tool finds an old site there."""
        return self.scratch / f"{name}-{next(self._serial)}"

    def announce(self, title: str) -> float:
        """Print the block's title with the 1-minute load average (which by now includes earlier blocks)."""
        load = quiet.load_average()
        print(f"{title}  [load average {load:.2f}]", flush=True)
        return load

    def check(self, problem: str | None) -> None:
        if problem is None:
            return
        self.problems.append(problem)
        if not self.force:
            raise Refused(self.problems)
        progress(f"UNRELIABLE: {problem} (--force: going on)")

    def timed(self, label: str, steps: Sequence[Command]) -> Run:
        """One timed run of `steps` then `sync`, printed and checked for other processes' CPU use."""
        self.settle()
        run = measure(steps, self.cwd)
        said = run.output.splitlines()[-1] if run.output else ""  # a build's own summary line
        progress(f"{label}: {run.seconds:.3f} s (sync {run.steps[-1]:.2f} s), {run.peak_kb / 1024:.0f} MiB, "
                 f"others {run.others_share:.0%}  {said}".rstrip())
        self.check(quiet.others_problem(label, run.others_share))
        return run

    def block(self, title: str, runs: int, ours: Side, theirs: Side | None, name: str = "hugo") -> Block:
        """`runs` pairs of `ours` and `theirs` (called `name`), alternating which goes first; or `ours` alone."""
        block = Block(title, self.announce(title))
        for k in range(runs):
            tag = f"pair {k + 1}/{runs}"
            if theirs is None:
                block.ours.append(ours(f"{tag} broadsheet"))
                continue
            if ours_first(k):
                a = ours(f"{tag} broadsheet")
                b = theirs(f"{tag} {name}")
            else:
                b = theirs(f"{tag} {name}")
                a = ours(f"{tag} broadsheet")
            block.ours.append(a)
            block.theirs.append(b)
            block.pairs.append(Pair(a.seconds, b.seconds, ours_first(k)))
            progress(f"{tag}: ratio {block.pairs[-1].ratio:.3f}")
        self.empty()
        summary = block.summary
        if summary:
            progress(f"{title}: {summary.describe()}")
        return block
