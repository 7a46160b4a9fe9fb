"""The benchmark's own logic, with nothing timed: per-pair ratios and their spread, the order of each
pair, the refusal on a busy machine, and `make bench-real`'s archive-shaped corpus and markdown-it floor."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from broadsheet import markdown
from broadsheet.files import split_front_matter
from broadsheet.read import read_content

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import harness
import make_real_corpus
import measure
import quiet
import real
from measure import Run
from pairs import Pair, ours_first, summarise


def run(seconds: float, others: float = 0.0) -> Run:
    return Run(seconds, 0, 0, 0, 0, others_share=others, steps=[seconds])


def test_the_ratio_is_the_median_of_the_per_pair_ratios_not_a_ratio_of_medians() -> None:
    summary = summarise([Pair(2, 4, True), Pair(3, 3, False), Pair(9, 6, True)])
    assert (summary.ours_median, summary.theirs_median) == (3, 4)  # 3 / 4 = 0.75 would hide the spread
    assert (summary.ratio_median, summary.ratio_min, summary.ratio_max) == (1.0, 0.5, 1.5)
    assert (summary.ratio_q1, summary.ratio_q3) == (0.75, 1.25)
    assert summary.describe() == ("ours 3.000 s, theirs 4.000 s (medians); ratio per pair: median 1.000, "
                                  "range 0.500-1.500, IQR 0.750-1.250, 3 pairs")


def test_quartiles_stay_within_the_measured_ratios() -> None:
    summary = summarise([Pair(r, 1, True) for r in (4, 1, 3, 2)])
    assert (summary.ratio_q1, summary.ratio_median, summary.ratio_q3) == (1.75, 2.5, 3.25)
    one = summarise([Pair(1, 2, True)])
    assert (one.ratio_min, one.ratio_q1, one.ratio_median, one.ratio_q3, one.ratio_max) == (0.5,) * 5
    with pytest.raises(ValueError, match="no pairs"):
        summarise([])


@pytest.fixture
def quiet_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quiet, "load_average", lambda: 0.05)


def test_pairs_alternate_which_tool_goes_first(tmp_path: Path, quiet_machine: None) -> None:
    order: list[str] = []

    def side(name: str, seconds: float) -> harness.Side:
        def timed(label: str) -> Run:
            order.append(name)
            # The first run of each side is the warm-up: slower, as after a pause, and not counted.
            return run(seconds * (3 if label.startswith("warm-up") else 1))
        return timed

    bench = harness.Harness(tmp_path / "runs", tmp_path, force=False)
    block = bench.block("cold", 4, side("broadsheet", 1.0), side("hugo", 4.0))
    assert order == ["broadsheet", "hugo",  # the warm-up
                     "broadsheet", "hugo", "hugo", "broadsheet", "broadsheet", "hugo", "hugo", "broadsheet"]
    assert [k for k in range(4) if ours_first(k)] == [0, 2]
    assert [(p.ours_first, p.ratio) for p in block.pairs] == [(True, 0.25), (False, 0.25)] * 2
    assert [r.seconds for r in block.ours] == [1.0] * 4 and [r.seconds for r in block.theirs] == [4.0] * 4
    assert bench.fresh("hugo-4000") != bench.fresh("hugo-4000")  # a new output path for every run

    order.clear()
    alone = bench.block("warm", 2, side("broadsheet", 1.0), None)
    assert (order, alone.pairs, alone.summary) == (["broadsheet"] * 3, [], None)

    order.clear()
    cold = harness.Harness(tmp_path / "runs2", tmp_path, force=False, warm_up=False)
    assert [r.seconds for r in cold.block("cold", 2, side("broadsheet", 1.0), side("hugo", 4.0)).ours] == [1.0, 1.0]
    assert order == ["broadsheet", "hugo", "hugo", "broadsheet"]


def test_nothing_is_deleted_until_the_benchmark_ends_and_the_next_one_waits_for_the_inodes(
        tmp_path: Path, quiet_machine: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Freed inodes slow the files made near them for minutes: every output stays until `finish`,
    # the last benchmark's outputs are moved aside rather than deleted, and a timed run waits out
    # DELETED seconds after the previous benchmark's deletions.
    waits: list[float] = []
    monkeypatch.setattr(harness.time, "sleep", waits.append)
    monkeypatch.setattr(harness, "measure", lambda steps, cwd: run(1.0))
    left = tmp_path / "runs" / "old-site"
    left.mkdir(parents=True)  # a stopped benchmark's output
    bench = harness.Harness(tmp_path / "runs", tmp_path, force=False)
    outputs: list[Path] = []

    def side(label: str) -> Run:
        out = bench.fresh("site")
        out.mkdir()
        timed = bench.timed(label, [["true"]])
        bench.discard(out)
        outputs.append(out)
        return timed

    bench.block("cold", 2, side, side)
    bench.block("warm", 1, side, None)
    assert waits == [] and len(outputs) == 8 and all(out.is_dir() for out in outputs)  # warm-ups included
    assert sorted((tmp_path / "runs").iterdir()) == sorted(outputs)
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("runs.deleted-")]
    assert len(aside) == 1 and (aside[0] / "old-site").is_dir()
    bench.finish()
    assert not any(out.exists() for out in outputs) and not aside[0].exists()
    assert (tmp_path / harness.STAMP).is_file()

    again = harness.Harness(tmp_path / "runs", tmp_path, force=False)
    again.timed("cold", [["true"]])
    assert len(waits) == 1 and harness.DELETED - 5 < waits[0] <= harness.DELETED


def test_a_timed_run_reads_memory_from_wait4_only_and_a_memory_run_samples_the_tree(tmp_path: Path) -> None:
    # The sampler slows what it watches, so a timed run goes without it; both see the 60 MB.
    hold = [sys.executable, "-c", "import time; x = bytearray(60_000_000); x[::4096] = b'1' * len(x[::4096]); "
            "time.sleep(0.4)"]
    timed = measure.measure([hold], tmp_path)
    sampled = measure.measure([hold], tmp_path, sample=True)
    assert timed.pss_tree_kb == 0 and timed.rss_process_kb > 60_000 and timed.peak_kb == timed.rss_process_kb
    assert sampled.pss_tree_kb > 60_000 and sampled.peak_kb >= sampled.pss_tree_kb


REFUSAL = ". Run it again on a quiet machine, or pass --force to report figures marked unreliable."


def test_a_loaded_machine_is_refused_before_anything_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quiet, "load_average", lambda: 0.9)
    with pytest.raises(harness.Refused) as refused:
        harness.Harness(tmp_path / "runs", tmp_path, force=False)
    assert str(refused.value) == ("bench: refusing to report, the machine is busy: load average 0.90 over the "
                                  "last minute before starting (limit 0.5)" + REFUSAL)
    assert not (tmp_path / "runs").exists()

    forced = harness.Harness(tmp_path / "runs", tmp_path, force=True)
    assert (forced.reliable, forced.problems) == (
        False, ["load average 0.90 over the last minute before starting (limit 0.5)"])


def test_other_processes_using_the_cpu_during_a_run_stop_the_benchmark(
        tmp_path: Path, quiet_machine: None, monkeypatch: pytest.MonkeyPatch) -> None:
    shares = iter([0.10, 0.31])
    monkeypatch.setattr(harness, "measure", lambda steps, cwd: run(1.0, next(shares)))
    bench = harness.Harness(tmp_path / "runs", tmp_path, force=False)
    bench.timed("pair 1/5 hugo", [["hugo"]])  # 10% is still within the limit
    with pytest.raises(harness.Refused) as refused:
        bench.timed("pair 2/5 hugo", [["hugo"]])
    assert str(refused.value) == ("bench: refusing to report, the machine is busy: pair 2/5 hugo: other processes "
                                  "used 31% of the machine's CPU time during the run (limit 10%)" + REFUSAL)


def test_others_share_leaves_out_the_measured_tree_and_the_harness() -> None:
    start, end = quiet.CpuMark(busy=100.0, harness=1.0), quiet.CpuMark(busy=110.0, harness=1.5)
    # 10 s of busy CPU: 6 s the tree's, 0.5 s the harness's, 3.5 s others' over 5 s on 2 CPUs.
    assert quiet.others_share(start, end, tree_cpu=6.0, wall=5.0, cpus=2) == pytest.approx(0.35)
    assert quiet.others_share(start, end, tree_cpu=12.0, wall=5.0, cpus=2) == 0.0


def test_the_archive_corpus_is_valid_archive_shaped_and_deterministic(tmp_path: Path) -> None:
    make_real_corpus.write_corpus(4, tmp_path / "a")
    make_real_corpus.write_corpus(4, tmp_path / "b")
    files = sorted((tmp_path / "a").rglob("*.*"))
    assert [f.read_bytes() for f in files] == [(tmp_path / "b" / f.relative_to(tmp_path / "a")).read_bytes()
                                               for f in files]
    digest = read_content(tmp_path / "a")  # raises on any invalid entry
    assert len(digest.entries) == 4
    bodies = [split_front_matter(p.read_text(encoding="utf-8"), str(p))[1]
              for p in sorted((tmp_path / "a" / "entries").glob("*.md"))]
    assert all(make_real_corpus.MIN_BODY <= len(b.encode()) <= make_real_corpus.MAX_BODY for b in bodies)
    assert all("<small>" in b for b in bodies)  # every body has long link lists
    for piece in ("\n  - ", "```python", "|:-----|", "<br>", "<sup>", "<img ", "<!--", "\n> ", "\n## ", "\n1. "):
        assert any(piece in b for b in bodies), piece


def test_the_floor_renders_every_body_with_the_projects_markdown_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    make_real_corpus.write_corpus(6, content)
    found = real.floor(content, workers=2)
    bodies = [split_front_matter(p.read_text(encoding="utf-8"), str(p))[1]
              for p in sorted((content / "entries").glob("*.md"))]
    assert found["bodies"] == 6
    assert found["markdown_bytes"] == sum(len(b.encode()) for b in bodies)
    assert found["html_chars"] == sum(len(markdown._md().render(b)) for b in bodies)
    assert found["seconds"] > 0 and found["shortcuts_seconds"] > 0


def test_the_real_report_gives_each_pair_against_both_floors() -> None:
    import json

    block = harness.Block("2 cold, no search / markdown-it floor", 0.1)
    for ours, floor, project in ((12.0, 10.0, 8.0), (13.0, 10.0, 10.0), (11.0, 10.0, 11.0)):
        block.ours.append(run(ours))
        block.theirs.append(dataclasses.replace(run(floor), output=json.dumps({"shortcuts_seconds": project})))
        block.pairs.append(Pair(ours, floor, True))
    text = real.report({"cold_no_search": block}, real.Real(Path("."), None))
    assert "build / floor per pair 1.200 (range 1.100-1.300)  (target 1.2 x: PASS)" in text
    assert "with Broadsheet's shortcuts: build / floor per pair 1.300 (range 1.000-1.500)" in text
