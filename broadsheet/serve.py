"""`broadsheet serve`: the output folder, served on 127.0.0.1 and rebuilt on every save.

Input: the `serve` command's arguments. Output: a running server, until Ctrl-C or SIGTERM.

The first build is an ordinary `build`. After it, each batch of saved files is rendered against the
previous build's cache kept in memory, and only the files whose bytes changed are replaced in the
folder being served; the result is the folder a clean build would write. Every build, failure and
search refresh is told to the open pages through a `server.Hub`; answering requests is
`broadsheet.server`'s part. The search index is refreshed on its own thread from a hard-linked copy of
the site, then swapped in.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import cache as cache_store
from . import pagefind, search
from .build import Options, build, render_site
from .cache import Cache, site_id
from .errors import BuildError, ContentError
from .render import make_env
from .server import HOST, Hub, SiteServer
from .watch import watch
from .write import beside, build_lock, link_tree, safe_path, swap, write_in_place

MOST_PATHS = 400  # a reload naming more changed files than this just says "everything"


def serve(args: argparse.Namespace) -> int:
    options = Options(content=args.content, out=args.out, drafts=args.drafts, search=not args.no_search)
    return run(options, args.port, until=wait_for_signal)


def run(options: Options, port: int, until: Callable[[], None]) -> int:
    """Serve `options.out` on `port` until `until` returns; 2 if the port cannot be had."""
    if not options.content.is_dir():
        print(f"error: content folder {options.content} not found; pass --content DIR", file=sys.stderr)
        return 1
    hub = Hub()
    try:
        server = SiteServer(port, options.out.resolve(), hub)
    except (OSError, OverflowError) as exc:
        print(f"error: {listen_problem(port, exc)}", file=sys.stderr)
        return 2
    session = Session(options, hub)
    watcher = watch([options.content, options.templates, options.assets], session.rebuild)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                               name="broadsheet-http", daemon=True)
    try:
        remove_leftovers(options.out)
        session.start()
        serving.start()
        print(f"serving {options.out} at http://{HOST}:{server.server_port}/ (Ctrl-C to stop)", flush=True)
        until()
    finally:  # also after Ctrl-C during the first build, which `cli` reports
        watcher.stop()
        hub.close()
        if serving.is_alive():  # shutdown() waits for serve_forever, so only once it runs
            server.shutdown()
        server.server_close()
        session.finish()
    print("stopped", flush=True)
    return 0


def listen_problem(port: int, exc: OSError | OverflowError) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        return (f"port {port} on {HOST} is already in use (is another server running?); "
                f"stop it or pass --port 0 to pick a free port")
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"cannot listen on {HOST}:{port}: {reason}"


def wait_for_signal() -> None:
    """Return once SIGINT or SIGTERM arrives."""
    received: list[int] = []

    def handler(signum: int, _frame: object) -> None:  # render workers set their own: see parallel
        received.append(signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)
    # A short sleep rather than Event.wait: a signal handler must not take a lock the main thread
    # might be holding at that moment.
    while not received:
        time.sleep(0.1)


def remove_leftovers(out: Path) -> None:
    """Delete index work folders a killed server left beside `out`."""
    for folder in out.parent.glob(beside(out, "search-*").name):
        shutil.rmtree(folder, ignore_errors=True)


# --- rebuilding -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    paths: tuple[str, ...]  # output files written or removed
    everything: bool  # the whole folder was rebuilt, so every page should reload
    reindex: bool  # the pages Pagefind indexes changed
    summary: str


class Session:
    """The served site across rebuilds. Rebuilds and search-index swaps take turns under `lock`."""

    def __init__(self, options: Options, hub: Hub) -> None:
        self.options = options
        self.hub = hub
        self.lock = threading.Lock()
        self._previous: Cache | None = None  # None until a build succeeds: the next one is a full build
        self._site: tuple[int, int] | None = None  # which folder the cache describes
        self._indexed: Mapping[str, str] = {}  # Cache.searched of the indexes now in the folder
        self._shards: tuple[search.Shard, ...] = ()  # the indexes the last rebuild's pages call for
        self._work: Path | None = None  # the index refresh's scratch folder while one runs
        self._indexer = Background(self.refresh_search, "broadsheet-search") if options.search else None
        self._env = make_env(options.templates)  # reused: compiled templates survive rebuilds

    def start(self) -> None:
        """The first build, reported like `broadsheet build`; a failure is served as an error page."""
        try:
            with self.lock:
                change = self._full()
        except BuildError as exc:
            self._report(exc.errors, "the site could not be built; fix the content and save")
            return
        print(change.summary, flush=True)
        self.hub.built({"paths": [], "everything": True, "recovered": False, "sources": [], "ms": 0})

    def rebuild(self, sources: frozenset[Path]) -> None:
        """Bring the output up to date with the saved `sources`; tell the terminal and every page."""
        started = time.perf_counter()
        failing = self.hub.status().problem != ""
        shown = sorted(display(p) for p in sources)
        failed = f"rebuild failed ({', '.join(shown)}); still serving the last good site"
        try:
            with self.lock:
                change = self._update()
        except BuildError as exc:
            self._report(exc.errors, failed, shown)
            return
        except Exception as exc:  # a bug must not take the server down with it
            traceback.print_exc()
            self._report([ContentError("", 0, "", f"the rebuild crashed: {type(exc).__name__}: {exc}",
                                       "please report this; the last good site is still served")], failed, shown)
            return
        ms = round((time.perf_counter() - started) * 1000)
        many = change.everything or len(change.paths) > MOST_PATHS
        self.hub.built({"paths": [] if many else list(change.paths), "everything": many,
                        "recovered": failing, "sources": shown, "ms": ms})
        print(f"rebuilt in {ms} ms: {change.summary} ({', '.join(shown) or 'no sources'})", flush=True)
        if change.reindex and self._indexer:
            self._indexer.request()
        if not change.everything:
            with self.lock:
                self._save()

    def _update(self) -> Change:
        if self._previous is None or self._site != site_id(self.options.out):
            return self._full()  # first success, or the folder was replaced by a `build` meanwhile
        out = self.options.out
        with build_lock(out):
            new = render_site(self.options, self._previous, self._env)
            if new.changed or new.removed:
                cache_store.forget(out)  # a server killed mid-write must not leave a cache that lies
                write_in_place(out, new.changed, new.removed)
                prune(out, new.removed)
        self._previous = new.cache
        self._shards = new.shards
        freeze_heap()
        paths = tuple(sorted({*new.changed, *new.removed}))
        summary = f"{len(new.changed)} files written, {len(new.removed)} removed"
        return Change(paths, False, bool(new.reindex), summary)

    def _full(self) -> Change:
        result = build(self.options, self._env)  # which then holds the compiled templates
        self._previous = cache_store.load(self.options.out)
        self._site = site_id(self.options.out)
        self._indexed = self._previous.searched
        self._shards = ()  # the build indexed them all
        freeze_heap()
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return Change((), True, False, result.summary())

    def _save(self) -> None:
        """Write the cache for a later `build`, naming the search index that is really in place."""
        if self._previous is not None and self._site == site_id(self.options.out):
            cache_store.save(self.options.out, replace(self._previous, searched=self._indexed))

    def _report(self, errors: Sequence[ContentError], outcome: str, sources: Sequence[str] = ()) -> None:
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        print(outcome, file=sys.stderr, flush=True)
        self.hub.failed("\n".join(str(e) for e in errors), errors, sources)

    def refresh_search(self) -> None:
        """Index a hard-linked copy of the site, then swap its bundle in; pages keep working meanwhile.

        Only the indexes whose pages changed are built again; the others are linked from the old bundle.
        """
        out = self.options.out
        lower_priority()
        started = time.perf_counter()
        work = self._work = Path(tempfile.mkdtemp(prefix=beside(out, "search-").name, dir=out.parent))
        try:
            with self.lock:  # a copy between two rebuilds, so the index matches one state of the site
                site, build_number, shards = self._site, self.hub.status().build, self._shards
                if not shards:
                    return  # a full build came between the request and now, and indexed everything
                todo = {shard.folder for shard in shards if self._indexed.get(shard.folder) != shard.fingerprint}
                link_site(out, work / "site")
                left = pagefind.keep(work / "site", shards, todo, out)
            pagefind.index(work / "site", left)
            with self.lock:
                if site_id(out) != site:
                    return  # a full build replaced the folder, with its own index
                swap(out / search.BUNDLE, work / "site" / search.BUNDLE)
                self._indexed = {shard.folder: shard.fingerprint for shard in shards}
                self._save()
        except BuildError as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)
            self.hub.searched({"ok": False, "text": str(exc)})
            return
        finally:
            shutil.rmtree(work, ignore_errors=True)
            self._work = None
        ms = round((time.perf_counter() - started) * 1000)
        print(f"search index refreshed in {ms} ms", flush=True)
        self.hub.searched({"ok": True, "build": build_number, "ms": ms})

    def finish(self) -> None:
        """Let a rebuild that is writing finish, so the folder is left whole, and drop the scratch
        folder of an index refresh that is cut short (its Pagefind process then fails and exits)."""
        if self.lock.acquire(timeout=1.0):
            self.lock.release()
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)


class Background:
    """Runs `job` on its own thread when asked; asks made while it runs are merged into one more run."""

    def __init__(self, job: Callable[[], None], name: str) -> None:
        self._job = job
        self._asked = threading.Condition()
        self._pending = False
        threading.Thread(target=self._loop, name=name, daemon=True).start()

    def request(self) -> None:
        with self._asked:
            self._pending = True
            self._asked.notify()

    def _loop(self) -> None:
        while True:
            with self._asked:
                while not self._pending:
                    self._asked.wait()
                self._pending = False
            try:
                self._job()
            except Exception as exc:  # the thread must outlive a failed run to serve the next request
                print(f"error: {threading.current_thread().name}: {type(exc).__name__}: {exc}",
                      file=sys.stderr, flush=True)


def freeze_heap() -> None:
    """Move what the server holds between rebuilds (the parsed digest, the cache) out of the cyclic
    garbage collector's sight, so that the next rebuild's collections scan only what that rebuild makes.

    At 4,000 entries this cuts the collector's time in a one-entry rebuild from about 25 ms to 10 ms.
    What is frozen is still freed by reference counting when the next rebuild replaces it, and those
    structures hold no reference cycles: memory stayed flat over 80 rebuilds.
    """
    gc.freeze()


def lower_priority() -> None:
    """Make this thread, and the Pagefind process it starts, yield the CPU to rebuilds, so a reload is
    not slowed by an index refresh. Linux sets niceness per thread and children inherit it."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def prune(out: Path, removed: Iterable[str]) -> None:
    """Remove the folders that removing files left empty, as a clean build would not have them."""
    for rel in removed:
        folder = safe_path(out, rel).parent
        while folder != out:
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def link_site(out: Path, copy: Path) -> None:
    """A hard-linked copy of `out` without its search bundle; later in-place writes replace files by
    rename, so the copy keeps the state it was taken in."""
    link_tree(out, copy, leave_out=lambda name: name == search.BUNDLE)


def display(path: Path) -> str:
    """`path` relative to the working folder when it is inside it, as a curator would type it;
    bytes that are not UTF-8 (a file name from another system) are shown escaped, not crashed on."""
    with contextlib.suppress(ValueError):
        path = path.relative_to(Path.cwd().resolve())
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")
