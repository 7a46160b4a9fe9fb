"""parallel: results in order, from the workers or from this process, and `meanwhile` called once,
in this process, on both sides of the threshold where workers start."""

from __future__ import annotations

import os

import pytest

from broadsheet.parallel import MIN_ITEMS, pbatches, pmap


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


@pytest.mark.parametrize("count", [10, MIN_ITEMS - 1, MIN_ITEMS, 3 * MIN_ITEMS])
def test_results_come_back_in_order_and_meanwhile_runs_once_here(count: int) -> None:
    calls: list[int] = []
    results = pmap(_square_and_pid, list(range(count)), meanwhile=lambda: calls.append(os.getpid()))
    assert [square for square, _ in results] == [n * n for n in range(count)]
    assert calls == [os.getpid()]
    workers = {pid for _, pid in results}
    if count >= MIN_ITEMS and len(os.sched_getaffinity(0)) > 1:
        assert os.getpid() not in workers  # the workers did the work
    else:
        assert workers == {os.getpid()}


def test_batches_come_back_one_at_a_time_with_meanwhile_called_once() -> None:
    calls: list[str] = []
    items = list(range(2 * MIN_ITEMS))
    ends = [5, MIN_ITEMS, 2 * MIN_ITEMS]
    batches = list(pbatches(_square_and_pid, items, ends, meanwhile=lambda: calls.append("x")))
    assert [[square for square, _ in batch] for batch in batches] == [
        [n * n for n in range(start, end)] for start, end in zip([0, *ends[:-1]], ends, strict=True)]
    assert calls == ["x"]
