"""`make bench`: Broadsheet's build times and memory on synthetic digests, against Hugo and Pagefind.

For each corpus size (1,000, 4,000 and 16,000 entries unless --sizes says otherwise) it runs these
blocks, each as --runs pairs that alternate Broadsheet and Hugo (A B, B A, A B...; harness.py):

  cold, no search     `build --no-search` into a new folder   against   Hugo into a new folder
  cold, with search   `build` into a new folder               against   Hugo, then the Pagefind CLI over
                                                                        Hugo's output (one timed command)
  warm                `build` again over its own first build  against   Hugo again over its own first
                      (nothing changed; the first is untimed)           build (nothing changed)
  one-entry edit      the incremental path `serve` takes: render_site() + write_in_place() in one
                      process, after one entry's summary changed on disk (median of at least 5 edits)

Every timed command ends with `sync`, inside the timed span: a tool is done when its files are on
disk. Outputs are deleted once every block has run (harness.py says why). Each pair gives a
ratio (Broadsheet / Hugo); the report shows the median of those ratios with their range and
quartiles, and each side's median time. Raw runs go to bench/results.json.

The benchmark refuses to report on a busy machine (quiet.py) unless --force is given, and then marks
its figures unreliable. Memory is read as measure.py describes; the 1 GB target uses the whole tree.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from harness import Block, Harness, Refused, Side, progress
from measure import SETTINGS, BenchError, Command, Run

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
CORPORA = BENCH / "corpus"
SCRATCH = CORPORA / "runs"  # every timed run's output folder, each a new path, deleted at the end
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"
HUGO_SITE = BENCH / "hugo"
RESULTS = BENCH / "results.json"
PYTHON = REPO / ".venv" / "bin" / "python"
SIZES = (1000, 4000, 16000)
RUNS = 5
EDITS = 5
GB = 10**9  # the memory target reads "1 GB"; decimal is the stricter reading
REFUSED = 3  # exit status when the machine is too busy to report


# --- corpora and tools ---------------------------------------------------------------------------


def corpus(n: int, harness: Harness) -> Path:
    """bench/corpus/<n>, generated on first use; make_corpus.py is deterministic, so it is kept."""
    folder = CORPORA / str(n)
    entries = folder / "entries"
    if entries.is_dir() and sum(1 for _ in entries.glob("*.md")) == n:
        return folder
    if not MAKE_CORPUS.is_file():
        raise BenchError(f"{MAKE_CORPUS} not found: the shared folder should sit beside the project")
    harness.set_aside(folder)  # an incomplete one
    progress(f"generating {n} entries into {folder.relative_to(REPO)}")
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(n), str(folder)], check=True,
                   stdout=subprocess.DEVNULL)
    os.sync()
    return folder


def python() -> Path:
    """The project's virtual environment, where Broadsheet and Pagefind are installed."""
    return PYTHON if PYTHON.exists() else Path(sys.executable)


def with_cache(out: Path) -> tuple[Path, Path]:
    """A Broadsheet output folder and the cache file its builds keep beside it."""
    from broadsheet.cache import cache_path  # the benchmark runs in the project's environment (python())

    return out, cache_path(out)


def pagefind_binary() -> Path:
    """The Pagefind executable Broadsheet's own builds run, so both sites are indexed by the same one."""
    found = subprocess.run([str(python()), "-c", "from broadsheet.pagefind import pagefind_binary as p; print(p())"],
                           cwd=REPO, capture_output=True, text=True, check=False)
    if found.returncode != 0:
        raise BenchError(f"could not find Pagefind: {found.stderr.strip().splitlines()[-1:]}; run `make site` once")
    return Path(found.stdout.strip())


def pagefind_command(binary: Path, site: Path) -> list[str | Path]:
    """How a Hugo user indexes the entry pages of a built site."""
    return [binary, "--site", site, "--output-subdir", "pagefind", "--glob", "entries/**/*.html", "--silent"]


def version(command: Sequence[str | Path]) -> str:
    try:
        done = subprocess.run([str(c) for c in command], capture_output=True, text=True, check=False)
    except OSError:
        return "unknown"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else "unknown"


def hugo_project(n: int, content: Path, harness: Harness) -> Path:
    """bench/corpus/hugo-<n>/: the corpus's entries as Hugo content, its registries as Hugo data."""
    project = CORPORA / f"hugo-{n}"
    harness.set_aside(project)
    entries = project / "content" / "entries"
    entries.mkdir(parents=True)
    (project / "data").mkdir()
    for name in ("site.yaml", "topics.yaml", "people.yaml", "organizations.yaml"):
        shutil.copy2(content / name, project / "data" / name)
    # Hard links: Hugo reads the very same bytes, and 16,000 links cost a fraction of a second.
    for source in (content / "entries").glob("*.md"):
        try:
            os.link(source, entries / source.name)
        except OSError:
            shutil.copy2(source, entries / source.name)
    os.sync()
    return project


# --- the two sides of each block ------------------------------------------------------------------


@dataclass
class Tools:
    pagefind: Path
    hugo: str | None
    hugo_related: bool  # whether Hugo's entry pages list related entries (--hugo-related)


class Size:
    """The blocks at one corpus size: each method is one side's timed run, prepared and cleaned up untimed."""

    def __init__(self, n: int, content: Path, harness: Harness, tools: Tools) -> None:
        self.n, self.content, self.harness, self.tools = n, content, harness, tools
        self.project = hugo_project(n, content, harness) if tools.hugo else None
        self.pages: dict[str, dict[str, int]] = {}

    def build(self, out: Path, *flags: str) -> list[str | Path]:
        return [python(), REPO / "build.py", "build", "--content", self.content, "--out", out, *flags]

    def hugo(self, public: Path) -> list[str | Path]:
        assert self.tools.hugo and self.project
        configs = [HUGO_SITE / "config.toml"] + ([HUGO_SITE / "related.toml"] if self.tools.hugo_related else [])
        return [self.tools.hugo, "--source", self.project, "--config", ",".join(map(str, configs)),
                "--layoutDir", HUGO_SITE / "layouts", "--destination", public, "--quiet"]

    def forget(self, out: Path) -> None:
        """A Broadsheet output and its cache, deleted once the benchmark ends (Harness.discard)."""
        self.harness.discard(*with_cache(out))

    def forget_hugo(self, public: Path) -> None:
        assert self.project
        # Hugo's lock file and its resource cache (empty: these layouts process no assets) stay in the
        # project until the benchmark ends, as Broadsheet's cache folder does beside its outputs.
        self.harness.discard(public, self.project / "resources", self.project / ".hugo_build.lock")

    def ours_cold(self, search: bool) -> Side:
        def side(label: str) -> Run:
            out = self.harness.fresh(f"broadsheet-{self.n}")
            run = self.harness.timed(f"{label} {'' if search else 'no search'}".strip(),
                                     [self.build(out, *(() if search else ("--no-search",)))])
            if search:  # the whole site, index included, so the two tools' outputs can be compared
                self.pages.setdefault("broadsheet", count_pages(out))
            self.forget(out)
            return run
        return side

    def theirs_cold(self, search: bool) -> Side:
        def side(label: str) -> Run:
            public = self.harness.fresh(f"hugo-{self.n}")
            steps: list[Command] = [self.hugo(public)]
            if search:
                steps.append(pagefind_command(self.tools.pagefind, public))
            run = self.harness.timed(f"{label}{' + pagefind' if search else ''}", steps)
            if search:
                self.pages.setdefault("hugo", count_pages(public))
            self.forget_hugo(public)
            return run
        return side

    def memory(self) -> dict[str, Run]:
        """Each side's cold build with search once more, untimed, with the whole tree's memory sampled."""
        runs: dict[str, Run] = {}
        out = self.harness.fresh(f"broadsheet-{self.n}")
        runs["ours"] = self.harness.memory(f"{self.n:,} broadsheet", [self.build(out)])
        self.forget(out)
        if self.tools.hugo:
            public = self.harness.fresh(f"hugo-{self.n}")
            runs["theirs"] = self.harness.memory(f"{self.n:,} hugo + pagefind",
                                                 [self.hugo(public), pagefind_command(self.tools.pagefind, public)])
            self.forget_hugo(public)
        return runs

    def ours_warm(self, label: str) -> Run:
        out = self.harness.fresh(f"broadsheet-{self.n}")
        untimed(self.build(out))
        run = self.harness.timed(f"{label} warm", [self.build(out)])
        found = re.search(r"\((\d+) rendered", run.output)
        if found is None or found.group(1) != "0":
            raise BenchError(f"a warm build re-rendered pages, so it did not use the cache ({run.output!r}); "
                             "did the engine's source change during the benchmark?")
        self.forget(out)
        return run

    def theirs_warm(self, label: str) -> Run:
        public = self.harness.fresh(f"hugo-{self.n}")
        untimed(self.hugo(public))
        run = self.harness.timed(f"{label} rebuild", [self.hugo(public)])
        self.forget_hugo(public)
        return run

    def edit(self, edits: int) -> dict[str, object]:
        self.harness.announce(f"{self.n:,} one-entry edit")
        out = self.harness.fresh(f"broadsheet-{self.n}")
        self.harness.settle()  # the edits are timed in the worker, not by Harness.timed
        untimed(self.build(out))
        try:
            done = subprocess.run([str(python()), __file__, "--edit-worker", str(self.content), str(out), str(edits)],
                                  cwd=REPO, capture_output=True, text=True, check=False)
        finally:
            self.forget(out)
        if done.returncode != 0:
            raise BenchError(f"one-entry edit failed:\n{done.stderr.strip()}")
        report: dict[str, object] = json.loads(done.stdout)
        if not report["cache_loaded"]:
            progress(f"{self.n} note: the first build left no usable cache; the edit process rebuilt it first")
        taken = report["seconds"]
        assert isinstance(taken, list)
        for k, seconds in enumerate(taken, 1):
            progress(f"one-entry edit {k}/{edits}: {seconds * 1000:.0f} ms")
        report["median_seconds"] = statistics.median(taken)
        return report


def untimed(command: Command) -> None:
    """Run a preparation step, then sync, so the timed run after it starts with nothing to write back."""
    done = subprocess.run([str(c) for c in command], cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(map(str, command))} exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    os.sync()


def bench_size(size: Size, runs: int, edits: int) -> dict[str, object]:
    harness, n, hugo = size.harness, size.n, size.tools.hugo is not None
    blocks: dict[str, Block] = {
        "cold_no_search": harness.block(f"{n:,} cold, no search" + (" / Hugo" if hugo else ""), runs,
                                        size.ours_cold(False), size.theirs_cold(False) if hugo else None),
        "cold_search": harness.block(f"{n:,} cold, with search" + (" / Hugo + Pagefind" if hugo else ""), runs,
                                     size.ours_cold(True), size.theirs_cold(True) if hugo else None),
        "warm": harness.block(f"{n:,} warm, nothing changed" + (" / Hugo rebuild" if hugo else ""), runs,
                              size.ours_warm, size.theirs_warm if hugo else None),
    }
    return {"blocks": blocks, "memory": size.memory(), "edit": size.edit(edits), "pages": size.pages}


def edit_worker(content: Path, out: Path, edits: int) -> None:
    """Time `edits` one-entry edits in this process, as `serve` would rebuild them; print JSON.

    Each edit changes a different entry's summary, is rendered, written in place and synced to disk
    (timed), then the entry is restored and the site brought back (untimed), so the corpus and the
    saved cache stay valid.
    """
    from broadsheet import cache
    from broadsheet.build import Options, render_site
    from broadsheet.render import make_env
    from broadsheet.serve import freeze_heap
    from broadsheet.write import write_in_place

    options = Options(content=content, out=out)
    env = make_env(options.templates)  # serve keeps one Jinja environment across rebuilds
    previous = cache.load(out)
    # `serve` has built once in its own process before the first edit arrives; one untimed pass gives
    # this process the same head start (modules imported, entries parsed). Should the first build have
    # left no usable cache, that pass renders everything and so rebuilds the cache serve would hold.
    warmup = render_site(options, previous, env)
    write_in_place(out, warmup.changed, warmup.removed)
    previous = warmup.cache
    freeze_heap()  # as serve does after each build
    os.sync()
    files = sorted((content / "entries").glob("*.md"))
    picks = [files[(2 * k + 1) * len(files) // (2 * edits)] for k in range(edits)]
    marker = "\nsummary: >-\n  "
    keys = ("seconds", "files", "changed", "rendered", "reindex")
    report: dict[str, object] = {"cache_loaded": not warmup.rendered}
    runs: dict[str, list[object]] = {key: [] for key in keys}
    for k, path in enumerate(picks):
        original = path.read_text(encoding="utf-8")
        if marker not in original:
            raise SystemExit(f"{path}: no folded `summary: >-` to edit; has make_corpus.py changed?")
        path.write_text(original.replace(marker, f"{marker}Edit number {k} for the benchmark. ", 1),
                        encoding="utf-8")
        os.sync()
        try:
            started = time.perf_counter()
            rendered = render_site(options, previous, env)
            write_in_place(out, rendered.changed, rendered.removed)
            os.sync()
            runs["seconds"].append(time.perf_counter() - started)
        finally:
            path.write_text(original, encoding="utf-8")
        runs["files"].append(path.name)
        runs["changed"].append(len(rendered.changed))
        runs["rendered"].append(rendered.rendered)
        runs["reindex"].append(sorted(rendered.reindex))  # the index folders rebuilt
        freeze_heap()
        restored = render_site(options, rendered.cache, env)
        write_in_place(out, restored.changed, restored.removed)
        previous = restored.cache
        freeze_heap()
        os.sync()
    print(json.dumps(report | runs))


# --- what each tool wrote ------------------------------------------------------------------------


def count_pages(site: Path) -> dict[str, int]:
    """Files by kind, so the table can show both tools rendered a comparable site."""
    counts = dict.fromkeys(("entries", "home", "taxonomies", "other_html", "redirects", "feeds", "sitemaps",
                            "search_index"), 0)
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(site).parts
        if rel[0] == "pagefind":
            counts["search_index"] += 1
        elif path.suffix == ".xml":
            counts["sitemaps" if path.name.startswith("sitemap") else "feeds"] += 1
        elif path.suffix != ".html":
            continue
        elif path.stat().st_size < 1024 and b"http-equiv=\"refresh\"" in path.read_bytes():
            counts["redirects"] += 1  # Hugo's alias pages (page/1/ -> /), not real pages
        elif rel[0] == "entries" and len(rel) == 3:
            counts["entries"] += 1
        elif rel[0] in ("topics", "people", "organizations"):
            counts["taxonomies"] += 1
        elif rel[0] == "index.html" or rel[0] == "page":
            counts["home"] += 1
        else:
            counts["other_html"] += 1
    return counts


# --- the report ----------------------------------------------------------------------------------

Results = dict[int, dict[str, object]]  # size -> {"blocks": {name: Block}, "edit": {...}, "pages": {...}}


def block(results: Results, n: int, name: str) -> Block | None:
    blocks = results.get(n, {}).get("blocks")
    found = blocks.get(name) if isinstance(blocks, dict) else None
    return found if isinstance(found, Block) else None


def ours_median(results: Results, n: int, name: str) -> float | None:
    found = block(results, n, name)
    return statistics.median(r.seconds for r in found.ours) if found and found.ours else None


def theirs_median(results: Results, n: int, name: str, step: int | None = None) -> float | None:
    found = block(results, n, name)
    if not found or not found.theirs:
        return None
    return statistics.median(r.seconds if step is None else r.steps[step] for r in found.theirs)


def ratio(results: Results, n: int, name: str) -> float | None:
    found = block(results, n, name)
    summary = found.summary if found else None
    return summary.ratio_median if summary else None


def edit_ms(results: Results, n: int) -> float | None:
    edit = results.get(n, {}).get("edit")
    return float(edit["median_seconds"]) * 1000 if isinstance(edit, dict) else None


def peak_mib(results: Results, n: int, side: str) -> float | None:
    """The highest of the timed runs' largest process and the memory run's whole tree (measure.py)."""
    runs = [r for name in ("cold_no_search", "cold_search", "warm") if (b := block(results, n, name))
            for r in getattr(b, side)]
    memory = results.get(n, {}).get("memory")
    if isinstance(memory, dict) and isinstance(memory.get(side), Run):
        runs.append(memory[side])
    return max(r.peak_kb for r in runs) / 1024 if runs else None


def targets(results: Results, sizes: Sequence[int]) -> list[dict[str, object]]:
    """Each target per size: the measured figure, the limit, and whether it passes."""
    rows: list[dict[str, object]] = []

    def check(name: str, n: int | str, value: float | None, limit: float, unit: str, binding: bool = True) -> None:
        rows.append({"target": name, "size": n, "value": value, "limit": limit, "unit": unit,
                     "pass": None if value is None else value <= limit, "binding": binding})

    for n in sizes:
        binding = n == 4000  # the targets are set at 4,000 entries; other sizes show how they scale
        check("cold no search / Hugo", n, ratio(results, n, "cold_no_search"), 0.65, "x", binding)
        check("cold with search / (Hugo + Pagefind)", n, ratio(results, n, "cold_search"), 0.80, "x", binding)
        check("warm / Hugo rebuild", n, ratio(results, n, "warm"), 0.08, "x", binding)
        check("one-entry edit", n, edit_ms(results, n), 150, "ms", binding)
    big, small = ours_median(results, 16000, "cold_search"), ours_median(results, 4000, "cold_search")
    check("cold with search t(16k) / t(4k)", "16k/4k", big / small if big and small else None, 4.2, "x")
    peak = peak_mib(results, 16000, "ours")
    check("peak memory at 16k (whole tree)", 16000, peak * 1024 * 1024 / GB if peak is not None else None,
          1.0, "GB")
    return rows


def table(results: Results, sizes: Sequence[int], rows: list[dict[str, object]], related: bool) -> str:
    label_width, col = 44, 20
    lines = ["", f"{'':{label_width}}" + "".join(f"{n:>{col},}" for n in sizes)]

    def line(label: str, values: Sequence[str]) -> None:
        lines.append(f"{label:{label_width}}" + "".join(f"{v:>{col}}" for v in values))

    def fmt(value: float | None, digits: int = 2) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    def spread(n: int, name: str) -> str:
        found = block(results, n, name)
        s = found.summary if found else None
        return "-" if s is None else f"{s.ratio_median:.3f} ({s.ratio_min:.2f}-{s.ratio_max:.2f})"

    lines.append("Broadsheet, median of each block's runs")
    for label, name, digits in (("cold, no search (s)", "cold_no_search", 2),
                                ("cold, with search (s)", "cold_search", 2), ("warm, nothing changed (s)", "warm", 3)):
        line(f"  {label}", [fmt(ours_median(results, n, name), digits) for n in sizes])
    line("  one-entry edit (ms)", [fmt(edit_ms(results, n), 0) for n in sizes])
    line("  peak memory, whole tree (MiB)", [fmt(peak_mib(results, n, "ours"), 0) for n in sizes])
    lines.append("Hugo, " + ("with related entries" if related else "without related entries (--hugo-related)"))
    for label, name, step in (("cold (s)", "cold_no_search", None), ("cold + Pagefind (s)", "cold_search", None),
                              ("  of which Pagefind (s)", "cold_search", 1),
                              ("rebuild, nothing changed (s)", "warm", None)):
        line(f"  {label}", [fmt(theirs_median(results, n, name, step)) for n in sizes])
    line("  peak memory (MiB)", [fmt(peak_mib(results, n, "theirs"), 0) for n in sizes])
    lines.append("Ratio Broadsheet / Hugo per pair: median (min-max)")
    for label, name in (("cold, no search / Hugo", "cold_no_search"),
                        ("cold, with search / Hugo + Pagefind", "cold_search"), ("warm / Hugo rebuild", "warm")):
        line(f"  {label}", [spread(n, name) for n in sizes])
    lines.append("Pages written")
    for n in sizes:
        pages = results.get(n, {}).get("pages")
        for tool, c in (pages.items() if isinstance(pages, dict) else ()):
            lines.append(f"  {tool} {n:,}: {c['entries']} entry pages, {c['home']} home pages, "
                         f"{c['taxonomies']} topic/people/organisation pages, {c['other_html']} other html, "
                         f"{c['feeds']} feeds, {c['sitemaps']} sitemap, {c['redirects']} redirects, "
                         f"{c['search_index']} Pagefind files")
    lines += ["", "Targets"]
    for row in rows:
        value = row["value"]
        digits = 3 if row["unit"] in ("x", "GB") else 0
        shown = f"{value:.{digits}f}" if isinstance(value, float) else "-"
        verdict = "n/a" if row["pass"] is None else "PASS" if row["pass"] else "FAIL"
        if not row["binding"] and row["pass"] is not None:
            verdict = f"({verdict.lower()}: informative, the target is set at 4,000)"
        size = f"{row['size']:,}" if isinstance(row["size"], int) else row["size"]
        lines.append(f"  {row['target']:<38}{size:>8}  {shown:>8} {row['unit']:<3}"
                     f"(limit {row['limit']} {row['unit']})  {verdict}")
    return "\n".join(lines)


def unreliable(problems: list[str], shown: int = 5) -> str:
    more = len(problems) - shown
    return ("UNRELIABLE (--force): the machine was busy, so these figures are not fit to quote:\n"
            + "\n".join(f"  - {p}" for p in problems[:shown])
            + (f"\n  - and {more} more, listed under \"problems\" in the results file" if more > 0 else ""))


def publish(report: str, problems: list[str], results: Path) -> None:
    """Print `report`, framed by the unreliable warning when the machine was busy, and where the raw runs are."""
    if problems:
        report = f"{unreliable(problems)}\n{report}\n\n{unreliable(problems)}"
    print(report)
    print(f"\nraw runs, pairs and medians: {results.relative_to(REPO)}")


def save(results: Results, sizes: Sequence[int], machine: dict[str, object], problems: list[str]) -> None:
    def plain(value: object) -> object:
        if isinstance(value, Block):
            return value.as_dict()
        if isinstance(value, Run):
            return asdict(value)
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        return value

    data = {"reliable": not problems, "problems": problems, "machine": machine,
            "sizes": plain(results), "targets": targets(results, sizes)}
    RESULTS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark Broadsheet against Hugo (+ Pagefind), in alternating pairs.")
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="corpus sizes (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=RUNS, help="pairs per measurement (default: %(default)s)")
    ap.add_argument("--quick", action="store_true", help="smoke test: 1,000 entries, one pair")
    ap.add_argument("--force", action="store_true",
                    help="report even when the machine is busy, with the figures marked unreliable")
    ap.add_argument("--no-warm-up", action="store_true",
                    help="count every run, without first running each side once uncounted (harness.py)")
    ap.add_argument("--no-hugo", action="store_true", help="Broadsheet only, without the Hugo side")
    ap.add_argument("--hugo-related", action="store_true",
                    help="give Hugo's entry pages related entries too (its related search is slow at scale)")
    ap.add_argument("--timeout", type=float, default=SETTINGS.timeout,
                    help="seconds before a build counts as hung (default: %(default)s)")
    ap.add_argument("--edit-worker", nargs=3, metavar=("CONTENT", "OUT", "EDITS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.edit_worker:
        content, out, edits = args.edit_worker
        edit_worker(Path(content), Path(out), int(edits))
        return 0
    # `kill` then stops the builds under way too, as Ctrl-C does (see measure.py).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    SETTINGS.timeout = args.timeout
    sizes, runs = ([1000], 1) if args.quick else (sorted(set(args.sizes)), max(1, args.runs))
    hugo = None if args.no_hugo else shutil.which("hugo")
    if hugo is None and not args.no_hugo:
        print("hugo not found on PATH (Debian: apt-get install -y hugo); the Hugo side is skipped.")
    results: Results = {}
    try:
        tools = Tools(pagefind_binary(), hugo, args.hugo_related)
        machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                   "pagefind": version([tools.pagefind, "--version"]),
                   "hugo": version([hugo, "version"]) if hugo else None, "hugo_related": args.hugo_related,
                   "runs": runs}
        print(f"Broadsheet benchmark: sizes {sizes}, {runs} pair(s) per block; {machine['pagefind']}; "
              f"{machine['hugo'] or 'no Hugo'}", flush=True)
        harness = Harness(SCRATCH, REPO, args.force, not args.no_warm_up)
        try:
            for n in sizes:
                size = Size(n, corpus(n, harness), harness, tools)
                results[n] = bench_size(size, runs, max(EDITS, runs))
                if size.project:
                    harness.discard(size.project)
                save(results, sizes, machine, harness.problems)  # after each size, so a stopped run keeps its data
        finally:
            harness.finish()
    except Refused as refused:
        print(refused, file=sys.stderr)
        RESULTS.unlink(missing_ok=True)  # nothing from a busy machine stays behind to be quoted
        return REFUSED
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    publish(table(results, sizes, targets(results, sizes), args.hugo_related), harness.problems, RESULTS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
