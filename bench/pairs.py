"""Paired timings -> the figures the benchmark reports: per-pair ratios, their median and spread.

Input: pairs of wall times, Broadsheet's ("ours") and the other side's ("theirs"), each pair measured
back to back. Output: a Summary with the median of each side and the median, range and quartiles of
the per-pair ratios. Taking the ratio inside each pair, rather than dividing one median by the other,
keeps a slow minute of the machine on both sides of the same ratio.

Pure standard library, so the statistics can be tested without running anything.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def ours_first(k: int) -> bool:
    """Whether Broadsheet runs first in pair `k` (0-based): A B, then B A, then A B...

    Whichever side runs second in a pair finds the disk caches as the first left them; alternating
    gives each side that position equally often.
    """
    return k % 2 == 0


@dataclass(frozen=True)
class Pair:
    ours: float  # seconds
    theirs: float  # seconds
    ours_first: bool

    @property
    def ratio(self) -> float:
        return self.ours / self.theirs


@dataclass(frozen=True)
class Summary:
    pairs: int
    ours_median: float
    theirs_median: float
    ratio_median: float
    ratio_min: float
    ratio_max: float
    ratio_q1: float  # quartiles of the per-pair ratios (equal to the median when there is one pair)
    ratio_q3: float

    def describe(self, unit: str = "s") -> str:
        return (f"ours {self.ours_median:.3f} {unit}, theirs {self.theirs_median:.3f} {unit} (medians); "
                f"ratio per pair: median {self.ratio_median:.3f}, range {self.ratio_min:.3f}-{self.ratio_max:.3f}, "
                f"IQR {self.ratio_q1:.3f}-{self.ratio_q3:.3f}, {self.pairs} pair{'s' * (self.pairs != 1)}")


def summarise(pairs: Sequence[Pair]) -> Summary:
    """The medians of each side and of the per-pair ratios. Needs at least one pair."""
    if not pairs:
        raise ValueError("no pairs to summarise")
    ratios = sorted(p.ratio for p in pairs)
    median = statistics.median(ratios)
    # "inclusive" treats the pairs as the whole population: quartiles stay within the measured range.
    q1, _, q3 = statistics.quantiles(ratios, n=4, method="inclusive") if len(ratios) > 1 else (median,) * 3
    return Summary(len(pairs), statistics.median(p.ours for p in pairs), statistics.median(p.theirs for p in pairs),
                   median, ratios[0], ratios[-1], q1, q3)
