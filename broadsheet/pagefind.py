"""A written site directory and its index parts -> their Pagefind indexes in <site>/pagefind/, one
Pagefind CLI run per part, on a thread beside the build, each index put in a fixed order (`settle.py`).

The extended binary comes with the `pagefind[extended]` package, so nothing is downloaded; it
segments Chinese and Japanese text into words.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError
from .search import FRONT, PART, Part
from .settle import settle
from .write import link_tree


def pagefind_binary() -> Path:
    """The Pagefind executable: $BROADSHEET_PAGEFIND, else the one the pagefind package ships."""
    override = os.environ.get("BROADSHEET_PAGEFIND")
    if override:
        return Path(override)
    try:
        import pagefind_bin_extended  # type: ignore[import-untyped]
    except ImportError:
        found = shutil.which("pagefind_extended") or shutil.which("pagefind")
        if not found:
            raise BuildError("Pagefind is not installed: run `make site` (or pip install 'pagefind[extended]'),"
                             " or build with --no-search") from None
        return Path(found)
    return Path(pagefind_bin_extended.__file__).parent / "pagefind_extended"


def keep(site: Path, shards: Sequence[Part], todo: Collection[str], previous: Path) -> list[Part]:
    """Hard-link into `site` the indexes of `previous` (the last site) that need no new run: those not
    in `todo` and whole there. Returns the shards still to index, for `index`.

    The indexes Pagefind has already written into `site` are left as they are.
    """
    left = []
    for shard in shards:
        old = previous / shard.folder
        if shard.folder not in todo and (old / "pagefind-entry.json").is_file():
            link_tree(old, site / shard.folder, leave_out=lambda name: name.startswith(PART))  # the other parts
        else:
            left.append(shard)
    return left


def index(site: Path, shards: Sequence[Part]) -> None:
    """Run Pagefind for each shard, writing its index into `site`, and return when all are written."""
    with Indexing(site) as indexing:
        for shard in shards:
            indexing.add(shard)
        indexing.wait()


class Indexing:
    """Pagefind runs for the shards added, on a thread of their own, so that a build renders its
    other pages meanwhile.

    `add` returns at once; `wait` returns once every index added is written, or raises the error of
    the run that failed. Leaving the `with` block stops the runs still going, so a build that fails
    elsewhere leaves no Pagefind behind.

    A run parses its pages on every core, then builds and writes its index on about one. One run
    goes at a time until `widen`, RUNS after it, each started as soon as a place is free: one's
    parsing fills the core another leaves idle while it writes, and the last parts of a build write
    side by side. A run's memory grows with its pages, so the number of runs bounds the build's;
    the build widens once its workers, which hold much of the digest each, are done rendering, or
    from the start when it expects no more parts than RUNS (`expect`).
    """

    def __init__(self, site: Path) -> None:
        self.site = site
        self.added: set[str] = set()  # the folders of the shards added
        self._queue: queue.SimpleQueue[Part | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()  # between starting a Pagefind process and stopping them all
        self._stopped = False
        self._processes: list[subprocess.Popen[bytes]] = []
        self._places = 1  # runs at once
        self._changed = threading.Condition()  # notified when a run ends, or when there are more places

    def __enter__(self) -> Indexing:
        return self

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._stopped = True
            for process in self._processes:
                if process.poll() is None:
                    process.kill()
        self._finish()

    def add(self, shard: Part) -> None:
        """Index `shard`, whose pages must all be in the site already."""
        if self._thread is None:
            binary = pagefind_binary()
            self._thread = threading.Thread(target=self._run, args=(binary, self.site.resolve()), name="pagefind",
                                            daemon=True)
            self._thread.start()
        self.added.add(shard.folder)
        self._queue.put(shard)

    def expect(self, parts: int) -> bool:
        """The build is about to render pages and add `parts` parts as they are written. If they can
        all be indexed at once, they are, and this says so; else one at a time until `widen`, as the
        workers that render hold more memory the larger the digest."""
        together = parts <= RUNS
        if together:
            self.widen()
        return together

    def widen(self) -> None:
        """Let RUNS runs go at once from now on: nothing else runs beside them any more."""
        with self._changed:
            self._places = RUNS
            self._changed.notify_all()

    def wait(self) -> None:
        self.widen()
        self._finish()
        if self._error is not None:
            raise self._error

    def _finish(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _run(self, binary: Path, site: Path) -> None:
        running: list[_Run] = []  # the runs started and not yet ended
        while (shard := self._queue.get()) is not None:
            if self._error is not None:
                continue  # a run failed: the build fails with it, so the rest are not worth running
            try:
                with self._changed:
                    self._changed.wait_for(lambda: sum(run.process.returncode is None for run in running)
                                           < self._places)
                for run in [run for run in running if run.process.returncode is not None]:
                    running.remove(run)
                    run.end()
                running.append(self._start(binary, site, shard))
            except BaseException as exc:  # raised again by `wait`, on the build's thread
                self._error = exc
        for run in running:
            if self._error is not None:
                run.process.kill()
            try:
                run.end()
            except BaseException as exc:
                self._error = self._error or exc

    def _start(self, binary: Path, site: Path, shard: Part) -> _Run:
        """Start one Pagefind run over `shard.pages` alone.

        Its glob lists them, in a configuration file: on the command line, 2,000 pages would pass the
        size Linux allows one argument. Pagefind reads that file from the folder it runs in, which is
        made for the run, so no other configuration file is picked up either. Entry paths are made of
        slugs (a-z, 0-9, hyphens), so they hold no glob syntax.
        """
        command = [str(binary), "--site", str(site), "--output-path", str(site / shard.folder)]
        config = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site.parent))
        try:
            (config / "pagefind.json").write_text(json.dumps(configuration(shard)))
            # Its output goes to files, not pipes: nothing reads it until the run ends.
            with self._lock, open(config / "stdout", "w") as stdout, open(config / "stderr", "w") as stderr:
                if self._stopped:
                    raise BuildError("search indexing was stopped")
                try:
                    process = subprocess.Popen(command, cwd=config, stdout=stdout, stderr=stderr)
                except OSError as exc:
                    raise BuildError(f"search indexing could not run {binary}: {exc}; "
                                     "build with --no-search to skip it") from None
                self._processes.append(process)
        except BaseException:
            shutil.rmtree(config, ignore_errors=True)
            raise
        run = _Run(site / shard.folder, process, config, binary, threading.Event())
        threading.Thread(target=self._watch, args=(run,), name="pagefind-run", daemon=True).start()
        return run

    def _watch(self, run: _Run) -> None:
        """Wait for `run` to end, stopping it after TIMEOUT seconds, and say so to `_run`."""
        try:
            run.process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            run.expired.set()
            run.process.kill()
            run.process.wait()
        with self._changed:
            self._changed.notify_all()


ROOT = "[data-pagefind-body]"  # the element of an entry or edition page that Pagefind indexes


def configuration(shard: Part) -> dict[str, str]:
    """Pagefind's configuration for a run over `shard`: its pages, and the element each is indexed
    from. An entry or edition page is indexed from its `data-pagefind-body` element alone, and
    naming that element as the root spares Pagefind the rest of the page (its head, navigation and
    footer; an eighth of its work on entry pages). The front page, indexed only when there is
    nothing else, has no such element and is indexed whole."""
    config = {"glob": "{" + ",".join(shard.pages) + "}"}
    if shard.pages != (FRONT,):
        config["root_selector"] = ROOT
    return config


RUNS = 2  # Pagefind runs at once
TIMEOUT = 1800  # seconds a Pagefind run may take before it counts as hung and is stopped


@dataclass(frozen=True, slots=True)
class _Run:
    """One Pagefind process, the index folder it writes, its configuration folder (where its output
    goes too) and its binary."""

    bundle: Path
    process: subprocess.Popen[bytes]
    config: Path
    binary: Path
    expired: threading.Event  # set when it ran for TIMEOUT seconds and was stopped

    def end(self) -> None:
        """Wait for the run to end, check that it wrote its index, and put that index in order."""
        try:
            self.process.wait()
            stdout, stderr = ((self.config / name).read_text(errors="replace") for name in ("stdout", "stderr"))
        finally:
            shutil.rmtree(self.config, ignore_errors=True)
        if self.expired.is_set():
            raise BuildError(f"search indexing took over {TIMEOUT // 60} minutes and was stopped ({self.binary}); "
                             "build with --no-search to skip it")
        if self.process.returncode != 0 or not (self.bundle / "pagefind.js").exists():
            detail = (stderr or stdout).strip().splitlines()
            reason = detail[-1] if detail else f"exit status {self.process.returncode}"
            raise BuildError(f"search indexing failed: {reason}")
        settle(self.bundle)

