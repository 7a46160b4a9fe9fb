"""Blocks of alternating timed runs -> per-pair results, refused when the machine is busy.

A block measures one thing on both sides (say, a cold build without search: Broadsheet against
Hugo) as --runs pairs. The two sides alternate pair by pair, and so does which side goes first (A B,
B A, A B...). Each side is a callable that prepares what it needs untimed (a fresh output folder, a
first build for a warm one), makes one timed run through `timed` (which ends with `sync`), and hands
its output to `discard`.

Nothing is deleted while the benchmark runs: outputs, the previous run's outputs (moved aside) and
anything else to remove are deleted once it ends, and no timed run starts within DELETED seconds of
the last deletion, the previous benchmark's included (the time is kept in a file beside the
scratch folder). On ext4 without a journal (this kind of machine's root file system) the kernel will
not reuse an inode freed less than a minute ago, or six minutes while its inode table block is
unwritten, and it reads the inode table to find out for every candidate it passes over. The first
file a build creates there marks the block unwritten again, so the six minutes are what counts. For
that long after a site of 10,000 files is deleted nearby, every file created costs up to ten times as
much: whichever tool ran after a deletion paid for it, which made single figures swing by a factor
of two and added the same seconds to both sides.

Before its pairs, a block runs each side once, printed but not counted (`warm_up`), so that no timed
run is the first after a pause. On this kind of machine (a virtual machine whose idle memory goes back
to its host) the first build after a few idle minutes is slower, though it reads no more from disk.
The six-minute wait above made every block's first run such a run, and Broadsheet goes first in the
first pair: without the warm-up, that pair read 0.70 to 0.74 where the others read 0.60 to 0.67
(bench/README.md has the runs).

The load average is checked before anything starts and printed before every block; every timed run is
checked for other processes using the CPU (quiet.py). A failed check stops the benchmark with
Refused, unless `force` is set, in which case the problems are kept and the figures marked unreliable.
"""

from __future__ import annotations

import compileall
import itertools
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import quiet
from measure import BenchError, Command, Run, measure, remove
from pairs import Pair, Summary, ours_first, summarise

Side = Callable[[str], Run]  # label -> one timed run, prepared untimed, its output discarded
# Seconds after a deletion before a timed run may start. ext4 passes over inodes freed less than 60 s
# ago (RECENTCY_MIN in fs/ext4/ialloc.c), 300 s more while their inode table block is not written back
# (RECENTCY_DIRTY); a `sync` cleans the block, but the next file created beside them dirties it again.
DELETED = 365
MIN_FREE = 2 * 10**9  # bytes of free disk below which a timed run is refused: every output is kept
STAMP = ".last-deletion"  # beside the scratch folder: when the last benchmark deleted its outputs


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
    def __init__(self, scratch: Path, cwd: Path, force: bool, warm_up: bool = True) -> None:
        self.scratch = scratch  # where the fresh output folders go; emptied now
        self.cwd = cwd
        self.force = force
        self.warm_up = warm_up  # each block runs each side once first, not counted
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
        self._stamp = scratch.parent / STAMP
        self._deleted = self._stamp.stat().st_mtime if self._stamp.exists() else 0.0  # time.time()
        self.set_aside(scratch)  # the previous benchmark's outputs, if it stopped before deleting them
        scratch.mkdir(parents=True)

    @property
    def reliable(self) -> bool:
        return not self.problems

    def discard(self, *paths: Path) -> None:
        """Delete `paths` once the benchmark ends (`finish`): a deletion slows the runs after it."""
        self._trash.extend(paths)

    def set_aside(self, path: Path) -> None:
        """Move `path` out of the way now (a rename frees no inode) and delete it when the benchmark ends."""
        if path.exists() or path.is_symlink():
            aside = path.with_name(f"{path.name}.deleted-{time.time_ns()}")
            path.rename(aside)
            self._trash.append(aside)

    def finish(self) -> None:
        """Delete everything discarded or set aside, then `sync`, and note when for the next benchmark."""
        if any(path.exists() or path.is_symlink() for path in self._trash):
            remove(*self._trash)
            self._stamp.parent.mkdir(parents=True, exist_ok=True)
            self._stamp.touch()
        self._trash.clear()

    def settle(self) -> None:
        """Wait until DELETED seconds have passed since the last deletion, and refuse a nearly full disk."""
        wait = self._deleted + DELETED - time.time()
        if wait > 0:
            progress(f"waiting {wait:.0f} s: files deleted less than {DELETED} s ago make new files slower")
            time.sleep(wait)
        free = shutil.disk_usage(self.scratch).free
        if free < MIN_FREE:
            raise BenchError(f"{free / 10**9:.1f} GB of disk left: the benchmark keeps every output until it "
                             f"ends, and needs at least {MIN_FREE / 10**9:.0f} GB free")

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

    def memory(self, label: str, steps: Sequence[Command]) -> Run:
        """One untimed run of `steps` with the whole tree's memory sampled (measure.py says why apart)."""
        self.settle()
        run = measure(steps, self.cwd, sample=True)
        progress(f"{label} (memory, untimed): {run.peak_kb / 1024:.0f} MiB whole tree, "
                 f"{run.rss_process_kb / 1024:.0f} MiB largest process")
        return run

    def block(self, title: str, runs: int, ours: Side, theirs: Side | None, name: str = "hugo") -> Block:
        """`runs` pairs of `ours` and `theirs` (called `name`), alternating which goes first; or `ours` alone.
        With `warm_up`, each side runs once first, not counted (see the module's docstring)."""
        block = Block(title, self.announce(title))
        if self.warm_up:
            ours("warm-up (not counted): broadsheet")
            if theirs is not None:
                theirs(f"warm-up (not counted): {name}")
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
        summary = block.summary
        if summary:
            progress(f"{title}: {summary.describe()}")
        return block
