"""One timed command -> its wall time, until its files are on disk, with its memory and CPU.

A timed command is one or more steps run one after the other (Hugo, then Pagefind over its output),
then `sync`. The clock stops when `sync` returns, so each tool pays for writing its own files to disk,
and none of it is left for whatever runs next to pay.

Memory is read three ways, because a build is a tree of processes (Python, its forked render workers,
the Pagefind child):
  largest process   wait4()'s ru_maxrss: the exact peak RSS of the biggest single process in the tree
  whole tree        the largest sum of Pss over the tree, sampled every 50 ms from /proc (Pss shares each
                    page among the processes mapping it, so forked workers are not counted twice), or the
                    largest process if that is more: what the tree held at once. The 1 GB target uses it.
  per-process sum   the sum of every process's own VmHWM: an upper bound that counts shared pages repeatedly
For a command of several steps, each figure is the highest of its steps.

Only the largest process is read in a timed run. The other two need the sampler, which is left to
runs of their own (`sample=True`, untimed): reading a process's smaps_rollup walks its whole memory
map under the lock its page faults take, and every 50 ms it made the builds it watched 10-15% slower,
Hugo's as well as Broadsheet's.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import quiet

SAMPLE_SECONDS = 0.05
Command = Sequence[str | Path]


@dataclass
class Settings:
    timeout: float = 900.0  # seconds one step may take before it counts as hung (--timeout)


SETTINGS = Settings()


class BenchError(Exception):
    pass


@dataclass
class Run:
    seconds: float  # from the start of the first step until `sync` returned
    peak_kb: int  # the tree's peak memory: max(pss_tree_kb, rss_process_kb), what the table shows
    rss_process_kb: int  # wait4 ru_maxrss: exact peak of the biggest single process in the tree
    pss_tree_kb: int  # largest sampled sum of Pss over the tree: memory it held at once
    hwm_sum_kb: int  # sum of each process's own VmHWM: an upper bound that counts shared pages repeatedly
    cpu_seconds: float = 0.0  # user + system time of the tree
    others_share: float = 0.0  # share of the machine's CPU used by other processes meanwhile (quiet.py)
    steps: list[float] = field(default_factory=list)  # each step's wall time; `sync` is the last
    output: str = ""  # the last step's output


class TreeWatch(threading.Thread):
    """Samples the memory of a process and all its descendants until told to stop.

    Broadsheet forks render workers that share most of their pages with the parent, so adding up
    their RSS would count the digest several times; Pss divides each shared page among its sharers,
    and its sum is what the tree really holds. Pss has no high-water mark, so it is sampled; VmHWM
    only ever grows, so the per-process peaks are caught even when sampled late.
    """

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.hwm: dict[int, int] = {}
        self.pss_peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            total = 0
            for pid in descendants(self.root):
                hwm, pss = memory_kb(pid)
                total += pss
                if hwm > self.hwm.get(pid, 0):
                    self.hwm[pid] = hwm
            self.pss_peak = max(self.pss_peak, total)
            self.done.wait(SAMPLE_SECONDS)


def descendants(root: int) -> list[int]:
    """`root` and every process below it, found through the parent ids in /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:  # not Linux: only wait4's figure is available
        return []
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name in parentheses may hold spaces, so split after its closing parenthesis.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmHWM, Pss) of one process in KiB; zeros once it has exited."""
    return _field(f"/proc/{pid}/status", "VmHWM:"), _field(f"/proc/{pid}/smaps_rollup", "Pss:")


def _field(path: str, name: str) -> int:
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(name):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def measure(steps: Sequence[Command], cwd: Path, sample: bool = False) -> Run:
    """Run the steps in turn, then `sync`; the wall time of it all, peak memory and CPU. Raises if one fails.
    With `sample`, the whole tree's memory is sampled too, which slows the steps: see above."""
    mark = quiet.cpu_mark()
    started = time.perf_counter()
    runs = [_step(step, cwd, sample) for step in steps]
    synced = _step(["sync"], cwd, False)
    seconds = time.perf_counter() - started
    runs.append(synced)
    cpu = sum(r.cpu_seconds for r in runs)
    return Run(seconds, max(r.peak_kb for r in runs), max(r.rss_process_kb for r in runs),
               max(r.pss_tree_kb for r in runs), max(r.hwm_sum_kb for r in runs), cpu,
               quiet.others_share(mark, quiet.cpu_mark(), cpu, seconds, os.cpu_count() or 1),
               [r.seconds for r in runs], runs[-2].output if len(runs) > 1 else "")


def _step(command: Command, cwd: Path, sample: bool) -> Run:
    """Run one command to completion: its wall time, memory and CPU (the tree's). Raises if it fails."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        # A session of its own, so an interrupted benchmark can stop the whole tree (workers, Pagefind).
        process = subprocess.Popen([str(c) for c in command], cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        watch = TreeWatch(process.pid)
        if sample:
            watch.start()
        # A build that hangs (a deadlocked worker, say) would otherwise stall the benchmark for good.
        hung = threading.Event()

        def kill() -> None:
            hung.set()
            stop(process.pid, signal.SIGKILL)

        limit = threading.Timer(SETTINGS.timeout, kill)
        limit.start()
        try:
            # wait4 rather than Popen.wait: it returns the child's rusage, whose ru_maxrss and CPU times
            # also cover the grandchildren it waited for (workers and Pagefind under the build).
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            watch.done.set()
            stop(process.pid, signal.SIGTERM)
            process.wait()
            raise
        finally:
            limit.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        watch.done.set()
        if sample:
            watch.join()
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    shown = " ".join(map(str, command))
    if hung.is_set():
        raise BenchError(f"{shown} was still running after {SETTINGS.timeout:.0f} s, so it was killed: a hung "
                         "build, or a machine slow enough to need a larger --timeout")
    if process.returncode != 0:
        tail = "\n".join(text.strip().splitlines()[-15:])
        raise BenchError(f"{shown} exited with {process.returncode}:\n{tail}")
    # macOS reports ru_maxrss in bytes, Linux in KiB.
    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    pss, hwm = watch.pss_peak, max(sum(watch.hwm.values()), rss)
    return Run(seconds, max(pss, rss), rss, pss, hwm, usage.ru_utime + usage.ru_stime, output=text.strip())


def stop(group: int, sig: signal.Signals) -> None:
    """Signal a whole process group, which may already have gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, sig)


def remove(*paths: Path) -> None:
    """Delete outputs of earlier runs, then `sync`, so their write-back is not paid by the next timed run."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    os.sync()
