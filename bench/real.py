"""`make bench-real`: Broadsheet's cold build of archive-shaped Markdown, against markdown-it's own time.

The corpus (bench/corpus/real-<N>/, from make_real_corpus.py) is what real archives hold: long link
lists, nested lists, code, tables and inline HTML, which Broadsheet's plain-paragraph fast path does
not cover, so markdown-it renders nearly all of it. The floor is markdown-it alone rendering every
entry body with the MarkdownIt instance broadsheet.markdown configures, but with linkify-it and
link normalisation as released instead of the project's shortcuts for them, spread over a pool of two
forked processes (the machine's cores): markdown-it's own time for those bodies. The report also gives
each build's ratio to the same floor process's time with the project's shortcuts.

Two blocks, each --runs pairs alternating the build and the floor (A B, B A...; harness.py):

  cold, no search     `build --no-search` into a new folder, ending with `sync`   against the floor
  cold, with search   `build` into a new folder, ending with `sync`               against the floor

The build's time is its process's wall time; the floor's is the time the pool took to render the
bodies, read from the floor process itself (its start-up and file reading are left out, which makes
the floor lower and the target stricter). Target: the build without search within 1.2 times the floor
(the median of the per-pair ratios). Raw runs go to bench/real_results.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from harness import Block, Harness, Refused, Side, progress
from make_real_corpus import write_corpus
from measure import SETTINGS, BenchError, Run
from run import CORPORA, REFUSED, REPO, SCRATCH, publish, python, with_cache

RESULTS = REPO / "bench" / "real_results.json"
ENTRIES = 2000  # about 40 MB of Markdown bodies
RUNS = 5
WORKERS = 2
TARGET = 1.2


def corpus(n: int, harness: Harness) -> Path:
    """bench/corpus/real-<n>, generated on first use and kept: the generator is deterministic."""
    folder = CORPORA / f"real-{n}"
    entries = folder / "entries"
    if entries.is_dir() and sum(1 for _ in entries.glob("*.md")) == n:
        return folder
    harness.set_aside(folder)  # an incomplete one
    progress(f"generating {n} archive-shaped entries into {folder.relative_to(REPO)}")
    write_corpus(n, folder)
    os.sync()
    return folder


# --- the floor: markdown-it alone, over two processes ---------------------------------------------

_BODIES: list[str] = []  # set before the pool forks, so the workers inherit the bodies instead of receiving them
# Variant name -> (linkify-it, normalizeLink) to render with; set before the fork.
_VARIANTS: dict[str, tuple[object, object]] = {}
RELEASED, SHORTCUTS = "released", "shortcuts"  # markdown-it's and linkify-it's own code; the project's


def _render(task: tuple[int, str]) -> int:
    from broadsheet import markdown

    index, variant = task
    # The configured instance itself (made once, before the fork), so the floor follows whatever
    # broadsheet.markdown sets up: presets, options, plugins; only linkify-it and normalizeLink are swapped.
    md = markdown._md()
    md.linkify, md.normalizeLink = _VARIANTS[variant]
    return len(md.render(_BODIES[index]))


def floor(content: Path, workers: int = WORKERS) -> dict[str, float | int]:
    """Render every entry body of `content` with the project's MarkdownIt over `workers` processes:
    first with linkify-it and normalizeLink as released (the floor), then with the project's shortcuts
    for them (markdown._linkifier and markdown._normalized), for the report's second ratio."""
    from linkify_it import LinkifyIt
    from markdown_it.common.normalize_url import normalizeLink

    from broadsheet import markdown
    from broadsheet.files import split_front_matter

    _BODIES.clear()
    for path in sorted((content / "entries").glob("*.md")):
        _, body, _, problem = split_front_matter(path.read_text(encoding="utf-8"), str(path))
        if problem:
            raise SystemExit(f"{path}: {problem}")
        _BODIES.append(body)
    released = LinkifyIt()
    released.set(markdown.LINKIFY_OPTIONS)
    project = markdown._md()
    _VARIANTS.update({RELEASED: (released, normalizeLink), SHORTCUTS: (project.linkify, project.normalizeLink)})
    seconds: dict[str, float] = {}
    html = 0
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_render, [(i, RELEASED) for i in range(min(workers, len(_BODIES)))], chunksize=1)  # workers up
        for variant in (RELEASED, SHORTCUTS):
            started = time.perf_counter()
            html = sum(pool.map(_render, [(i, variant) for i in range(len(_BODIES))], chunksize=8))
            seconds[variant] = time.perf_counter() - started
    markdown_bytes = sum(len(b.encode()) for b in _BODIES)
    return {"seconds": seconds[RELEASED], "shortcuts_seconds": seconds[SHORTCUTS], "bodies": len(_BODIES),
            "markdown_bytes": markdown_bytes, "html_chars": html,
            "mb_per_second_per_core": markdown_bytes / 1e6 / seconds[RELEASED] / workers}


# --- the benchmark --------------------------------------------------------------------------------


class Real:
    def __init__(self, content: Path, harness: Harness) -> None:
        self.content, self.harness = content, harness
        self.floors: list[dict[str, float | int]] = []

    def build(self, search: bool) -> Side:
        def side(label: str) -> Run:
            out = self.harness.fresh("broadsheet-real")
            command: list[str | Path] = [python(), REPO / "build.py", "build", "--content", self.content, "--out", out]
            run = self.harness.timed(f"{label}{'' if search else ' no search'}",
                                     [[*command, *(() if search else ("--no-search",))]])
            self.harness.discard(*with_cache(out))
            return run
        return side

    def floor(self, label: str) -> Run:
        run = self.harness.timed(label, [[python(), Path(__file__), "--floor-worker", self.content]])
        found = floor_found(run)
        self.floors.append(found)
        progress(f"{label}: markdown-it rendered {found['markdown_bytes'] / 1e6:.1f} MB in {found['seconds']:.3f} s "
                 f"on {WORKERS} processes ({found['mb_per_second_per_core']:.2f} MB/s per core)")
        # The pair compares the build with the rendering alone, not with the floor process's start-up.
        return dataclasses.replace(run, seconds=float(found["seconds"]))


def floor_found(run: Run) -> dict[str, float | int]:
    """What a floor run printed (floor's answer, as JSON on its last line)."""
    found: dict[str, float | int] = json.loads(run.output.splitlines()[-1])
    return found


def report(blocks: dict[str, Block], real: Real) -> str:
    lines = [""]
    for name, block in blocks.items():
        summary = block.summary
        if summary is None:
            continue
        verdict = ""
        if name == "cold_no_search":
            verdict = f"  (target {TARGET} x: {'PASS' if summary.ratio_median <= TARGET else 'FAIL'})"
        lines.append(f"{block.title}: build {summary.ours_median:.2f} s, floor {summary.theirs_median:.2f} s "
                     f"(medians); build / floor per pair {summary.ratio_median:.3f} "
                     f"(range {summary.ratio_min:.3f}-{summary.ratio_max:.3f}){verdict}")
        # The same pairs against markdown-it with the project's shortcuts, timed in the same floor runs.
        ratios = sorted(ours.seconds / float(floor_found(floor)["shortcuts_seconds"])
                        for ours, floor in zip(block.ours, block.theirs, strict=True))
        lines.append(f"  against markdown-it with Broadsheet's shortcuts: build / floor per pair "
                     f"{statistics.median(ratios):.3f} (range {ratios[0]:.3f}-{ratios[-1]:.3f})")
    if real.floors:
        rates = sorted(float(f["mb_per_second_per_core"]) for f in real.floors)
        lines.append(f"markdown-it: {int(real.floors[0]['markdown_bytes']) / 1e6:.1f} MB of bodies, "
                     f"{rates[len(rates) // 2]:.2f} MB/s per core (median)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build archive-shaped Markdown and compare with markdown-it alone.")
    ap.add_argument("--entries", type=int, default=ENTRIES, help="corpus size (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=RUNS, help="pairs per measurement (default: %(default)s)")
    ap.add_argument("--force", action="store_true",
                    help="report even when the machine is busy, with the figures marked unreliable")
    ap.add_argument("--no-warm-up", action="store_true",
                    help="count every run, without first running each side once uncounted (harness.py)")
    ap.add_argument("--timeout", type=float, default=SETTINGS.timeout,
                    help="seconds before a build counts as hung (default: %(default)s)")
    ap.add_argument("--floor-worker", type=Path, metavar="CONTENT", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.floor_worker:
        print(json.dumps(floor(args.floor_worker)))
        return 0
    SETTINGS.timeout = args.timeout
    runs = max(1, args.runs)
    print(f"Broadsheet on archive-shaped Markdown: {args.entries} entries, {runs} pair(s) per block", flush=True)
    try:
        harness = Harness(SCRATCH, REPO, args.force, not args.no_warm_up)
        try:
            real = Real(corpus(args.entries, harness), harness)
            blocks = {
                "cold_no_search": harness.block(f"{args.entries:,} cold, no search / markdown-it floor", runs,
                                                real.build(False), real.floor, "floor"),
                "cold_search": harness.block(f"{args.entries:,} cold, with search / markdown-it floor", runs,
                                             real.build(True), real.floor, "floor"),
            }
        finally:
            harness.finish()
    except Refused as refused:
        print(refused, file=sys.stderr)
        RESULTS.unlink(missing_ok=True)
        return REFUSED
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    RESULTS.write_text(json.dumps({
        "reliable": harness.reliable, "problems": harness.problems, "entries": args.entries, "workers": WORKERS,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "blocks": {name: block.as_dict() for name, block in blocks.items()}, "floors": real.floors,
    }, indent=2) + "\n", encoding="utf-8")
    publish(report(blocks, real), harness.problems, RESULTS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
