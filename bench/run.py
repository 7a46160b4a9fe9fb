"""`make bench`: Broadsheet's build times and memory on synthetic digests, against Hugo and Pagefind.

For each corpus size (1,000, 4,000 and 16,000 entries unless --sizes says otherwise) it measures, as the
median of --runs runs, each build in a fresh process:

  cold full        `build --no-cache` into a deleted output folder (render, write, Pagefind index)
  cold no search   the same with --no-search
  warm             `build` again with nothing changed (the build cache in use)
  one-entry edit   the incremental path `serve` takes: render_site() + write_in_place() in one process,
                   after one entry's summary changed on disk (median of at least 5 edits)
  Pagefind alone   the Pagefind CLI over a built site's entry pages
  Hugo             the same corpus built by Hugo with the layouts in bench/hugo/, then Pagefind over it

and prints a table with each target marked PASS or FAIL. Raw runs and medians go to bench/results.json.

Memory is read three ways, because a build is a tree of processes (Python, its forked render workers,
the Pagefind child):
  largest process   wait4()'s ru_maxrss: the exact peak RSS of the biggest single process in the tree
  whole tree        the largest sum of Pss over the tree, sampled every 50 ms from /proc (Pss shares each
                    page among the processes mapping it, so forked workers are not counted twice), or the
                    largest process if that is more: what the tree held at once. The 1 GB target uses it.
  per-process sum   the sum of every process's own VmHWM: an upper bound that counts shared pages repeatedly
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
CORPORA = BENCH / "corpus"
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"
HUGO_SITE = BENCH / "hugo"
RESULTS = BENCH / "results.json"
PYTHON = REPO / ".venv" / "bin" / "python"
SIZES = (1000, 4000, 16000)
EDITS = 5
GB = 10**9  # the memory target reads "1 GB"; decimal is the stricter reading
SAMPLE_SECONDS = 0.05


@dataclass
class Settings:
    timeout: float = 900.0  # seconds one build may take before it counts as hung (--timeout)
    hugo_related: bool = False  # whether Hugo's entry pages list related entries (--hugo-related)


SETTINGS = Settings()

Results = dict[int, dict[str, dict[str, object]]]  # size -> tool -> measurement -> Series or counts


# --- measuring one process tree ------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_kb: int  # the tree's peak memory: max(pss_tree_kb, rss_process_kb), what the table shows
    rss_process_kb: int  # wait4 ru_maxrss: exact peak of the biggest single process in the tree
    pss_tree_kb: int  # largest sampled sum of Pss over the tree: memory it held at once
    hwm_sum_kb: int  # sum of each process's own VmHWM: an upper bound that counts shared pages repeatedly
    output: str = ""


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


def measure(command: Sequence[str | Path], cwd: Path = REPO) -> Run:
    """Run `command` to completion; its wall time and peak memory. Raises if it fails."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        # A session of its own, so an interrupted benchmark can stop the whole tree (workers, Pagefind).
        process = subprocess.Popen([str(c) for c in command], cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        watch = TreeWatch(process.pid)
        watch.start()
        # A build that hangs (a deadlocked worker, say) would otherwise stall the benchmark for good.
        hung = threading.Event()
        limit = threading.Timer(SETTINGS.timeout, lambda: (hung.set(), stop(process.pid, signal.SIGKILL)))
        limit.start()
        try:
            # wait4 rather than Popen.wait: it returns the child's rusage, whose ru_maxrss also covers
            # the grandchildren it waited for (Pagefind under the build).
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
        watch.join()
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if hung.is_set():
        raise BenchError(f"{' '.join(map(str, command))} was still running after {SETTINGS.timeout:.0f} s, "
                         "so it was killed: a hung build, or a machine slow enough to need a larger "
                         "--timeout")
    if process.returncode != 0:
        tail = "\n".join(text.strip().splitlines()[-15:])
        raise BenchError(f"{' '.join(map(str, command))} exited with {process.returncode}:\n{tail}")
    # macOS reports ru_maxrss in bytes, Linux in KiB.
    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    pss, hwm = watch.pss_peak, max(sum(watch.hwm.values()), rss)
    return Run(seconds, max(pss, rss), rss, pss, hwm, text.strip())


def stop(group: int, sig: signal.Signals) -> None:
    """Signal a whole process group, which may already have gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, sig)


class BenchError(Exception):
    pass


@dataclass
class Series:
    """Repeated runs of one measurement; the median is what the table shows."""

    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    def peak(self, attr: str) -> int:
        return max(getattr(r, attr) for r in self.runs)

    def as_dict(self) -> dict[str, object]:
        return {"median_seconds": self.seconds, "peak_kb": self.peak("peak_kb"),
                "rss_process_kb": self.peak("rss_process_kb"), "hwm_sum_kb": self.peak("hwm_sum_kb"),
                "runs": [asdict(r) for r in self.runs]}


def timed(series: Series, label: str, command: Sequence[str | Path]) -> Run:
    run = measure(command)
    series.runs.append(run)
    # The build's own summary line shows whether a "warm" run really found nothing to do.
    said = run.output.splitlines()[-1] if run.output else ""
    progress(f"{label}: {run.seconds:.2f} s, {run.peak_kb / 1024:.0f} MiB  {said}".rstrip())
    return run


def progress(text: str) -> None:
    print(f"  {text}", flush=True)


# --- corpora and tools ---------------------------------------------------------------------------


def corpus(n: int) -> Path:
    """bench/corpus/<n>, generated on first use; make_corpus.py is deterministic, so it is kept."""
    folder = CORPORA / str(n)
    entries = folder / "entries"
    if entries.is_dir() and sum(1 for _ in entries.glob("*.md")) == n:
        return folder
    if not MAKE_CORPUS.is_file():
        raise BenchError(f"{MAKE_CORPUS} not found: the shared folder should sit beside the project")
    shutil.rmtree(folder, ignore_errors=True)
    progress(f"generating {n} entries into {folder.relative_to(REPO)}")
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(n), str(folder)], check=True,
                   stdout=subprocess.DEVNULL)
    return folder


def python() -> Path:
    """The project's virtual environment, where Broadsheet and Pagefind are installed."""
    return PYTHON if PYTHON.exists() else Path(sys.executable)


def pagefind_binary() -> Path:
    found = subprocess.run(
        [str(python()), "-c", "import os, pagefind_bin_extended as p; print(os.path.dirname(p.__file__))"],
        capture_output=True, text=True, check=False)
    if found.returncode != 0:
        raise BenchError("pagefind[extended] is not installed in .venv: run `make site` once")
    return Path(found.stdout.strip()) / "pagefind_extended"


def pagefind_command(binary: Path, site: Path) -> list[str | Path]:
    # The same invocation as broadsheet/search.py, so "Pagefind alone" is the cost inside a full build.
    return [binary, "--site", site, "--output-subdir", "pagefind", "--glob", "entries/**/*.html", "--silent"]


def version(command: Sequence[str | Path]) -> str:
    try:
        done = subprocess.run([str(c) for c in command], capture_output=True, text=True, check=False)
    except OSError:
        return "unknown"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else "unknown"


def remove(*paths: Path) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


# --- Broadsheet ----------------------------------------------------------------------------------


def bench_size(n: int, content: Path, runs: int, hugo: str | None,
               pagefind: Path) -> dict[str, dict[str, object]]:
    """Every measurement at one size. Each round runs both tools back to back, so a change in the
    machine's load (other builds, tests) lands on both sides of a ratio rather than on one."""
    out = CORPORA / f"site-{n}"
    cache_file = CORPORA / ".broadsheet-cache" / f"{out.name}.pickle"
    leftovers = [out, cache_file, CORPORA / f".{out.name}.staging", CORPORA / f".{out.name}.old"]
    build = [python(), REPO / "build.py", "build", "--content", content, "--out", out]
    ours = {key: Series() for key in ("cold_no_search", "cold_full", "pagefind", "warm")}
    theirs = {key: Series() for key in ("hugo", "pagefind", "hugo_pagefind")}
    project = hugo_project(n, content) if hugo else None
    load: list[float] = []
    for k in range(1, runs + 1):
        tag = f"{n} round {k}/{runs}"
        load.append(os.getloadavg()[0])
        if load[-1] > (os.cpu_count() or 1):
            progress(f"{tag}: load average {load[-1]:.1f} on {os.cpu_count()} CPUs, timings will be noisy")
        remove(*leftovers)
        timed(ours["cold_no_search"], f"{tag} broadsheet cold no search",
              [*build, "--no-cache", "--no-search"])
        remove(*leftovers)
        timed(ours["cold_full"], f"{tag} broadsheet cold full", [*build, "--no-cache"])
        remove(out / "pagefind")
        timed(ours["pagefind"], f"{tag} pagefind on broadsheet's site", pagefind_command(pagefind, out))
        warm(tag, build, ours["warm"])
        if hugo and project:
            hugo_round(tag, hugo, project, pagefind, theirs)
    results: dict[str, dict[str, object]] = {
        "broadsheet": {**ours, "edit": bench_edit(n, content, out, max(EDITS, runs)),
                       "pages": count_pages(out)},
        "machine": {"load_average_before_each_round": load},
    }
    if project:
        results["hugo"] = {**theirs, "pages": count_pages(project / "public")}
    return results


def bench_edit(n: int, content: Path, out: Path, edits: int) -> dict[str, object]:
    done = subprocess.run([str(python()), __file__, "--edit-worker", str(content), str(out), str(edits)],
                          cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"one-entry edit failed:\n{done.stderr.strip()}")
    report = json.loads(done.stdout)
    if not report["cache_loaded"]:
        progress(f"{n} note: the warm build left no usable cache; the edit process rebuilt it first")
    for k, taken in enumerate(report["seconds"], 1):
        progress(f"{n} broadsheet one-entry edit {k}/{edits}: {taken * 1000:.0f} ms")
    report["median_seconds"] = statistics.median(report["seconds"])
    return report


def edit_worker(content: Path, out: Path, edits: int) -> None:
    """Time `edits` one-entry edits in this process, as `serve` would rebuild them; print JSON.

    Each edit changes a different entry's summary, is rendered and written in place, then the entry
    is restored and the site synced back (untimed), so the corpus and the saved cache stay valid.
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
    # this process the same head start (modules imported, entries parsed). Should the warm build have
    # left no usable cache, that pass renders everything and so rebuilds the cache serve would hold.
    warmup = render_site(options, previous, env)
    write_in_place(out, warmup.changed, warmup.removed)
    previous = warmup.cache
    freeze_heap()  # as serve does after each build
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
        try:
            started = time.perf_counter()
            rendered = render_site(options, previous, env)
            write_in_place(out, rendered.changed, rendered.removed)
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
    print(json.dumps(report | runs))


# --- Hugo ----------------------------------------------------------------------------------------


def hugo_project(n: int, content: Path) -> Path:
    """bench/corpus/hugo-<n>/: the corpus's entries as Hugo content, its registries as Hugo data."""
    project = CORPORA / f"hugo-{n}"
    remove(project)
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
    return project


def warm(tag: str, build: list[str | Path], series: Series, attempts: int = 3) -> None:
    """A rebuild with nothing changed, after one that fills the cache (the cold runs used --no-cache).

    The cache is only trusted by the engine that wrote it, so if the engine's source changes between
    the two builds (someone editing it while the benchmark runs) the timed build redoes everything.
    Such a run measures a cold build, not a warm one: it is dropped and the pair repeated.
    """
    for attempt in range(1, attempts + 1):
        measure(build)
        run = timed(series, f"{tag} broadsheet warm", build)
        found = re.search(r"\((\d+) rendered", run.output)
        if found is None or found.group(1) == "0" or attempt == attempts:
            return
        series.runs.pop()
        progress(f"{tag}: that warm build re-rendered {found.group(1)} pages (the cache was not used), "
                 "so it is repeated")


def hugo_round(tag: str, hugo: str, project: Path, pagefind: Path, series: dict[str, Series]) -> None:
    """One cold Hugo build of `project`, then Pagefind over its output, as a Hugo user would index it."""
    public = project / "public"
    remove(public, project / "resources", project / ".hugo_build.lock")
    configs = [HUGO_SITE / "config.toml"] + ([HUGO_SITE / "related.toml"] if SETTINGS.hugo_related else [])
    built = timed(series["hugo"], f"{tag} hugo", [
        hugo, "--source", project, "--config", ",".join(map(str, configs)),
        "--layoutDir", HUGO_SITE / "layouts", "--destination", public, "--quiet"])
    indexed = timed(series["pagefind"], f"{tag} pagefind on hugo's site", pagefind_command(pagefind, public))
    series["hugo_pagefind"].runs.append(Run(
        built.seconds + indexed.seconds, max(built.peak_kb, indexed.peak_kb),
        max(built.rss_process_kb, indexed.rss_process_kb), max(built.pss_tree_kb, indexed.pss_tree_kb),
        max(built.hwm_sum_kb, indexed.hwm_sum_kb)))


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


def medians(result: dict[str, object]) -> dict[str, object]:
    return {k: v.as_dict() if isinstance(v, Series) else v for k, v in result.items()}


def seconds(results: Results, n: int, tool: str, key: str) -> float | None:
    value = results.get(n, {}).get(tool, {}).get(key)
    if isinstance(value, Series):
        return value.seconds
    if isinstance(value, dict) and "median_seconds" in value:
        return float(value["median_seconds"])
    return None


def peak_mib(results: Results, n: int, tool: str, keys: Sequence[str],
           attr: str) -> float | None:
    runs = results.get(n, {}).get(tool, {})
    found = [runs[k].peak(attr) for k in keys if isinstance(runs.get(k), Series)]
    return max(found) / 1024 if found else None


def targets(results: Results, sizes: Sequence[int]) -> list[dict[str, object]]:
    """Each target per size: the measured ratio or value, the limit, and whether it passes."""
    rows: list[dict[str, object]] = []

    def check(name: str, n: int | str, value: float | None, limit: float, unit: str = "",
              binding: bool = True) -> None:
        rows.append({"target": name, "size": n, "value": value, "limit": limit, "unit": unit,
                     "pass": None if value is None else value <= limit, "binding": binding})

    for n in sizes:
        def of(tool: str, key: str, n: int = n) -> float | None:
            return seconds(results, n, tool, key)

        hugo, hugo_pf = of("hugo", "hugo"), of("hugo", "hugo_pagefind")
        cold, nosearch, warm, edit = (of("broadsheet", k)
                                      for k in ("cold_full", "cold_no_search", "warm", "edit"))
        binding = n == 4000  # the targets are set at 4,000 entries; other sizes show how they scale
        check("cold no search / Hugo", n, nosearch / hugo if nosearch and hugo else None, 0.75, "x", binding)
        check("cold full / (Hugo + Pagefind)", n, cold / hugo_pf if cold and hugo_pf else None, 0.85, "x",
              binding)
        check("warm / Hugo", n, warm / hugo if warm and hugo else None, 0.10, "x", binding)
        check("one-entry edit", n, edit * 1000 if edit is not None else None, 150, "ms", binding)
    big = seconds(results, 16000, "broadsheet", "cold_full")
    small = seconds(results, 4000, "broadsheet", "cold_full")
    check("cold full t(16k) / t(4k)", "16k/4k", big / small if big and small else None, 4.4, "x")
    peak = peak_mib(results, 16000, "broadsheet", ("cold_full", "cold_no_search", "warm"), "peak_kb")
    check("peak memory at 16k (whole tree)", 16000,
          peak * 1024 * 1024 / GB if peak is not None else None, 1.0, "GB")
    return rows


def table(results: Results, sizes: Sequence[int], rows: list[dict[str, object]]) -> str:
    label_width, col = 44, 14
    lines = ["", f"{'':{label_width}}" + "".join(f"{n:>{col},}" for n in sizes)]

    def line(label: str, values: Sequence[str]) -> None:
        lines.append(f"{label:{label_width}}" + "".join(f"{v:>{col}}" for v in values))

    def fmt(value: float | None, scale: float = 1.0, digits: int = 2) -> str:
        return "-" if value is None else f"{value * scale:.{digits}f}"

    broadsheet = [("cold full (s)", "cold_full", 1, 2), ("cold no search (s)", "cold_no_search", 1, 2),
                  ("warm, nothing changed (s)", "warm", 1, 3), ("one-entry edit (ms)", "edit", 1000, 0),
                  ("Pagefind alone on its site (s)", "pagefind", 1, 2)]
    lines.append("Broadsheet")
    for label, key, scale, digits in broadsheet:
        line(f"  {label}", [fmt(seconds(results, n, "broadsheet", key), scale, digits) for n in sizes])
    builds = ("cold_full", "cold_no_search", "warm")
    for label, attr in (("peak memory, whole tree (MiB)", "peak_kb"),
                        ("peak RSS, largest process (MiB)", "rss_process_kb"),
                        ("sum of per-process peaks (MiB, bound)", "hwm_sum_kb")):
        line(f"  {label}", [fmt(peak_mib(results, n, "broadsheet", builds, attr), digits=0) for n in sizes])
    lines.append("Hugo, with related entries" if SETTINGS.hugo_related else
                 "Hugo, without related entries (--hugo-related adds them)")
    for label, key in (("Hugo build (s)", "hugo"), ("Pagefind on Hugo's site (s)", "pagefind"),
                       ("Hugo + Pagefind (s)", "hugo_pagefind")):
        line(f"  {label}", [fmt(seconds(results, n, "hugo", key)) for n in sizes])
    line("  peak memory, Hugo (MiB)", [fmt(peak_mib(results, n, "hugo", ("hugo",), "peak_kb"), digits=0)
                                   for n in sizes])
    lines.append("Pages written")
    for tool in ("broadsheet", "hugo"):
        for n in sizes:
            c = results.get(n, {}).get(tool, {}).get("pages")
            if isinstance(c, dict):
                lines.append(f"  {tool} {n:,}: {c['entries']} entry pages, {c['home']} home pages, "
                             f"{c['taxonomies']} topic/people/organisation pages, "
                             f"{c['other_html']} other html, "
                             f"{c['feeds']} feeds, {c['sitemaps']} sitemap, {c['redirects']} redirects, "
                             f"{c['search_index']} Pagefind files")
    lines.append("")
    lines.append("Targets")
    for row in rows:
        value = row["value"]
        shown = "-" if value is None else f"{value:.3f}" if row["unit"] in ("x", "GB") else f"{value:.0f}"
        verdict = "n/a" if row["pass"] is None else "PASS" if row["pass"] else "FAIL"
        if not row["binding"] and row["pass"] is not None:
            verdict = f"({verdict.lower()}: informative, the target is set at 4,000)"
        size = f"{row['size']:,}" if isinstance(row["size"], int) else row["size"]
        lines.append(f"  {row['target']:<34}{size:>8}  {shown:>8} {row['unit']:<3}"
                     f"(limit {row['limit']} {row['unit']})  {verdict}")
    return "\n".join(lines)


def save(results: Results, sizes: Sequence[int], machine: dict[str, object]) -> None:
    data = {"machine": machine, "sizes": {str(n): {tool: medians(r) for tool, r in results[n].items()}
                                          for n in results},
            "targets": targets(results, sizes)}
    RESULTS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark Broadsheet against Hugo (+ Pagefind).")
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                    help="corpus sizes (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported")
    ap.add_argument("--quick", action="store_true", help="smoke test: 1,000 entries, one run")
    ap.add_argument("--no-hugo", action="store_true", help="skip the Hugo columns")
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
    # `kill` then stops the builds under way too, as Ctrl-C does (see measure).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    SETTINGS.timeout, SETTINGS.hugo_related = args.timeout, args.hugo_related
    sizes, runs = ([1000], 1) if args.quick else (sorted(set(args.sizes)), max(1, args.runs))
    hugo = None if args.no_hugo else shutil.which("hugo")
    if hugo is None and not args.no_hugo:
        print("hugo not found on PATH (Debian: apt-get install -y hugo); the Hugo columns are skipped.")
    try:
        pagefind = pagefind_binary()
        machine = {"python": platform.python_version(), "cpus": os.cpu_count(),
                   "platform": platform.platform(),
                   "pagefind": version([pagefind, "--version"]),
                   "hugo": version([hugo, "version"]) if hugo else None, "hugo_related": args.hugo_related,
                   "runs": runs}
        print(f"Broadsheet benchmark: sizes {sizes}, {runs} run(s) each; {machine['pagefind']}; "
              f"{machine['hugo'] or 'no Hugo'}", flush=True)
        results: Results = {}
        for n in sizes:
            print(f"{n:,} entries", flush=True)
            content = corpus(n)
            results[n] = bench_size(n, content, runs, hugo, pagefind)
            save(results, sizes, machine)  # after each size, so a long run that is stopped keeps its data
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    print(table(results, sizes, targets(results, sizes)))
    print(f"\nraw runs and medians: {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
