"""Is the machine quiet enough to time builds? Readings from /proc in, the reasons it is not out.

Two checks, both simple enough to reason about:

  before starting   the 1-minute load average must be at most LOAD_LIMIT: nothing else has been
                    running lately. It is only checked before the benchmark starts, because later on
                    it mostly reflects the benchmark's own builds (it decays over about a minute).
  during each run   the CPU time the machine spent outside the measured process tree and the harness
                    (other processes, and time stolen by a hypervisor) must be at most OTHERS_LIMIT of
                    the machine's capacity over that run. This catches anyone who starts work mid-way.

The benchmark refuses to report when either fails, unless told to go on and mark its figures unreliable.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass

LOAD_LIMIT = 0.5  # runnable processes, averaged over a minute, on an otherwise idle machine: ~0
OTHERS_LIMIT = 0.10  # share of all CPUs' time: 10% is 0.2 of a core on two cores; idle daemons use ~0.5%


def load_average() -> float:
    return os.getloadavg()[0]


@dataclass(frozen=True)
class CpuMark:
    """The machine's busy CPU time and the harness's own, at one moment, in seconds."""

    busy: float  # all CPUs, everything but idle and I/O wait; steal counts as busy
    harness: float  # this process's own CPU time (its memory-sampling thread, mostly)


def cpu_mark() -> CpuMark:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return CpuMark(_busy_seconds(), own.ru_utime + own.ru_stime)


def _busy_seconds() -> float:
    """Busy time of all CPUs since boot, from the `cpu` line of /proc/stat; 0 where there is none."""
    try:
        with open("/proc/stat") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    # user nice system idle iowait irq softirq steal [guest guest_nice, already inside user and nice]
    busy = sum(fields[:8]) - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK")


def others_share(start: CpuMark, end: CpuMark, tree_cpu: float, wall: float, cpus: int) -> float:
    """Share of the machine's CPU capacity over `wall` seconds used by neither the tree nor the harness."""
    if wall <= 0 or end.busy == 0:
        return 0.0
    others = (end.busy - start.busy) - tree_cpu - (end.harness - start.harness)
    return max(0.0, others) / (wall * cpus)


def load_problem(load: float) -> str | None:
    if load > LOAD_LIMIT:
        return f"load average {load:.2f} over the last minute before starting (limit {LOAD_LIMIT})"
    return None


def others_problem(label: str, share: float) -> str | None:
    if share > OTHERS_LIMIT:
        return (f"{label}: other processes used {share:.0%} of the machine's CPU time during the run "
                f"(limit {OTHERS_LIMIT:.0%})")
    return None


def refusal(problems: list[str]) -> str:
    """The one line printed when the benchmark will not report."""
    return (f"bench: refusing to report, the machine is busy: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
            + ". Run it again on a quiet machine, or pass --force to report figures marked unreliable.")
