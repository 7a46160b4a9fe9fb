"""The build, top to bottom: read -> collect -> plan -> render what changed -> stage -> swap.

Pagefind indexes each part of the search index on a thread of its own, from the moment the part's
pages are written to the moment before the swap.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import cache as cache_store
from . import links, pagefind, search
from .cache import Cache
from .collect import collect
from .errors import BuildError
from .files import LITTER
from .model import Digest
from .parallel import MIN_ITEMS, pbatches, pmap
from .read import read_content
from .render import PageSpec, Renderer, make_env, plan, preload, shared_values, template_digests, template_names
from .write import build_lock, stage, staging_dir, swap, write_file

PROJECT = Path(__file__).resolve().parent.parent
# Pages that list entries (home, topics, people, timeline) take 1 to 3 ms each to render, ten times an
# entry page: from this many on, they are worth sharing among the cores.
LIST_PAGES = 40


@dataclass(frozen=True, slots=True)
class Options:
    content: Path = Path("content")
    out: Path = Path("site")
    templates: Path = PROJECT / "templates"
    assets: Path = PROJECT / "assets"
    base_url: str = ""
    drafts: bool = False
    search: bool = True
    use_cache: bool = True


@dataclass(frozen=True, slots=True)
class Result:
    pages: int
    entries: int
    rendered: int  # pages whose inputs changed and were rendered again
    written: int  # files whose bytes changed
    indexed: bool  # whether Pagefind ran
    seconds: float
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        search = "search indexed" if self.indexed else "search unchanged"
        return (f"built {self.pages} pages from {self.entries} entries in {self.seconds:.2f} s "
                f"({self.rendered} rendered, {self.written} files written, {search})")


@dataclass(frozen=True, slots=True)
class Staged:
    """A one-shot build: the workers write each changed page into the staging `folder` as they render
    it, and each part of the search index goes to `indexing` as soon as its pages are all written."""

    folder: Path
    indexing: pagefind.Indexing
    saving: cache_store.Saving | None = None  # where the new cache goes, a part at a time (see Saving)


@dataclass(frozen=True, slots=True)
class InPlace:
    """A rebuild in a `serve` session: the changed pages come back as bytes, for the session to write
    into the folder it serves; the session keeps the cache between rebuilds."""


Mode = Staged | InPlace


@dataclass(frozen=True, slots=True)
class Rendered:
    """The difference between the previous output and the new one, ready to be written."""

    cache: Cache  # describes the new output
    changed: dict[str, bytes]  # files whose bytes differ from the previous output, still to write
    written: frozenset[str]  # files whose bytes differ, already written to the staging folder
    removed: tuple[str, ...]  # files the previous output had and the new one has not
    shards: tuple[search.Shard, ...]  # the search indexes the new output has (none without search)
    reindex: frozenset[str]  # the folders of those whose pages changed, to index again
    pages: int
    rendered: int
    digest: Digest


def build(options: Options, env: jinja2.Environment | None = None) -> Result:
    """Build the site into options.out; on any error raise BuildError and leave options.out as it was.

    `env` is a Jinja environment to compile the templates into and keep (serve's), as in render_site.
    """
    started = time.perf_counter()
    check_folders(options)
    with build_lock(options.out), _frozen():
        exists = options.out.is_dir()
        previous, as_saved = _load_frozen(options.out) if options.use_cache and exists else (Cache(), False)
        staged = staging_dir(options.out)
        saving = cache_store.Saving(options.out) if options.use_cache else None
        try:
            with pagefind.Indexing(staged) as indexing:
                new = render_site(options, previous, env, Staged(staged, indexing, saving))
                # Unless the cache saved is the new one already.
                to_save = saving if new.cache != previous or not as_saved else None
                if new.changed or new.written or new.removed or new.reindex or not exists:
                    publish(options, new, staged, indexing, to_save)
            if to_save is not None:
                _quietly(to_save.finish, new.cache)
        finally:  # Ctrl-C and SIGTERM included: a half-built staging folder is never left behind
            shutil.rmtree(staged, ignore_errors=True)
            if saving is not None:
                saving.discard()  # what was written of a cache not finished
        if not options.use_cache:
            cache_store.forget(options.out)
    return Result(pages=new.pages, entries=len(new.digest.entries), rendered=new.rendered,
                  written=len(new.changed) + len(new.written), indexed=bool(new.reindex),
                  seconds=time.perf_counter() - started, warnings=new.digest.warnings)


def _load_frozen(out: Path) -> tuple[Cache, bool]:
    """The previous build's cache (cache.load_checked), frozen out of the cyclic collector's scans.

    It is hundreds of thousands of objects that live through the build and hold no garbage, yet the
    collector would scan them at its next pass, and again at every pass over the older generations:
    frozen as soon as they are made, they are left out, which a rebuild with nothing to render
    notices. `_frozen` gives them back after the build."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return cache_store.load_checked(out)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """Objects frozen inside the block (gc.freeze) are given back to the cyclic collector after it,
    so that whatever garbage was frozen with them is still collected: a `serve` session or a test
    run builds many times in one process."""
    try:
        yield
    finally:
        gc.unfreeze()


def publish(options: Options, new: Rendered, staged: Path, indexing: pagefind.Indexing,
            saving: cache_store.Saving | None = None) -> None:
    """Complete the new site in `staged`, beside the old one, wait for its index, and swap it in;
    `saving`'s cache is written while Pagefind indexes."""
    done = new.changed.keys() | new.written
    stage(options.out, staged, new.changed, [p for p in new.cache.outputs if p not in done])
    for shard in new.shards:  # render_site adds those whose pages it wrote all of
        if shard.folder in new.reindex and shard.folder not in indexing.added:
            indexing.add(shard)
    if saving is not None:
        _quietly(saving.write, new.cache)
    indexing.wait()
    pagefind.keep(staged, new.shards, new.reindex, options.out)  # the indexes whose pages are unchanged
    cache_store.forget(options.out)
    swap(options.out, staged)


def render_site(options: Options, previous: Cache, env: jinja2.Environment | None = None,
                mode: Mode = InPlace()) -> Rendered:
    """Read, collect, plan, and render the pages whose inputs changed since `previous`.

    `env` is a Jinja environment to reuse (serve's, across rebuilds); by default a fresh one. `mode`
    says where the changed pages go: see Staged and InPlace.
    """
    env = env if env is not None else make_env(options.templates)
    ahead = _Ahead(env, previous)
    content = read_content(options.content, options.drafts, mapper=functools.partial(pmap, meanwhile=ahead),
                           known=previous.entries, seen=previous.stamps, known_editions=previous.editions,
                           base_url=options.base_url)
    entries = {e.digest: e for e in content.entries}
    if isinstance(mode, Staged) and mode.saving is not None and not previous.outputs:
        # A first build: the cache's entries are written beside collecting and planning, which use one core.
        _quietly(mode.saving.begin_aside, entries)
    digest = collect(content, previous.related)
    shared = shared_values(digest)
    renderer = Renderer(options.templates, shared, env)
    templates, references = ahead.digests()
    specs = plan(digest, shared, templates)
    assets = read_assets(options.assets)
    links.verify(digest, [*(spec.path for spec in specs), *assets])
    fingerprints = {spec.path: spec.fingerprint for spec in specs}
    todo = [s for s in specs if previous.outputs.get(s.path, ("",))[0] != fingerprints[s.path]]
    if todo:  # compiling every template takes longer than the rest of a rebuild with nothing to render
        preload(env, templates)
    parts = search.parts([spec.path for spec in specs if spec.indexed]) if options.search else ()
    staged = mode.folder if isinstance(mode, Staged) else None
    indexing = mode.indexing if isinstance(mode, Staged) else None
    pages = render_pages(PageWriter(renderer, previous.outputs, staged), todo, parts, indexing)
    hashes = {path: sha for path, sha, _ in pages} | {path: _sha(data) for path, data in assets.items()}
    outputs = {path: previous.outputs[path] for path in fingerprints if path not in hashes}
    outputs.update({path: (fingerprints.get(path, "asset"), sha) for path, sha in hashes.items()})
    changed = {path: data for path, sha, data in pages if data is not None and sha != _old_sha(previous.outputs, path)}
    changed.update({p: d for p, d in assets.items() if hashes[p] != _old_sha(previous.outputs, p)})
    written = frozenset(path for path, _, data in pages if data is None)
    # An index part is made again when any of its pages' bytes changed, whatever changed them.
    shards = tuple(search.shard(part, {path: sha for path, (_, sha) in outputs.items()}) for part in parts)
    reindex = frozenset(shard.folder for shard in shards
                        if previous.searched.get(shard.folder) != shard.fingerprint
                        or not (options.out / shard.folder / cache_store.INDEX_ENTRY).is_file()
                        or (indexing is not None and shard.folder in indexing.added))
    # Of the same shape, collect took the related entries from the previous build: so are their slugs.
    related = previous.related if previous.related[0] == digest.shape else (
        digest.shape, {slug: tuple(e.slug for e in rel) for slug, rel in digest.related.items()})
    cache = Cache(entries=entries, outputs=outputs,
                  searched={shard.folder: shard.fingerprint for shard in shards}, related=related,
                  stamps=content.stamps, templates=references, editions={e.digest: e for e in content.editions})
    return Rendered(cache=cache, changed=changed, written=written,
                    removed=tuple(sorted(set(previous.outputs) - set(outputs))),
                    shards=shards, reindex=reindex, pages=len(specs), rendered=len(todo), digest=digest)


class _Ahead:
    """The work on templates that needs no content, done while the workers read the entries (pmap's
    `meanwhile`): their digests, and with no previous output (every page is rendered) compiling them.
    A broken template is reported after the content's own errors, as if its turn came after reading."""

    def __init__(self, env: jinja2.Environment, previous: Cache) -> None:
        self.env, self.previous = env, previous
        self.result: tuple[Mapping[str, str], dict[str, frozenset[str]]] | BuildError | None = None

    def __call__(self) -> None:
        if not self.previous.outputs:
            preload(self.env, template_names(self.env))
        try:
            self.result = template_digests(self.env, self.previous.templates)
        except BuildError as exc:
            self.result = exc

    def digests(self) -> tuple[Mapping[str, str], dict[str, frozenset[str]]]:
        """template_digests' answer, from the read phase."""
        result = self.result if self.result is not None else template_digests(self.env, self.previous.templates)
        if isinstance(result, BuildError):
            raise result
        return result


PageResult = tuple[str, str, bytes | None]  # path, sha256, and the bytes unless they were written to `staged`


def render_pages(writer: PageWriter, todo: list[PageSpec], parts: Sequence[search.Part],
                 indexing: pagefind.Indexing | None) -> list[PageResult]:
    """Render `todo`, entry pages first, and with `indexing` hand each of `parts` to Pagefind once the
    workers have written all its pages, to be indexed while they go on.

    When all the parts are indexed at once (Indexing.expect), they are handed over together, after
    every entry page: their runs then end together. Handed over one by one, the first would end first,
    and the last would go on writing its index on one core while the other has nothing left to do.
    Else a part goes as soon as its own pages are written, one after the other."""
    parts = parts if indexing is not None else ()
    together = indexing is not None and indexing.expect(len(parts))
    left = {spec.path: spec for spec in todo if spec.indexed}
    own = [[left.pop(page) for page in part.pages if page in left] for part in parts]  # what each renders
    # The parts handed over after each batch: all of them after the first, or one after each.
    waves = [range(len(parts))] if together and parts else [range(n, n + 1) for n in range(len(parts))]
    batches = [[spec for n in wave for spec in own[n]] for wave in waves]
    listing = [spec for spec in todo if not spec.indexed]
    # With no part to hand on early, the pages go in one batch, the costliest (lists) first: the
    # workers then end together, where a batch of entries and then one of lists would each end with
    # a worker waiting for the other.
    batches += [list(left.values()), listing] if parts else [[*listing, *left.values()]]
    least = LIST_PAGES if len(listing) >= LIST_PAGES else MIN_ITEMS
    ends = list(itertools.accumulate(len(batch) for batch in batches))
    pages: list[PageResult] = []
    specs = [spec for batch in batches for spec in batch]
    for w, done in enumerate(pbatches(writer, specs, ends, least)):
        pages += done
        if indexing is None or w >= len(waves):
            continue
        at = 0
        for n in waves[w]:
            if _wrote_all(done[at: at + len(own[n])], parts[n]):
                indexing.add(parts[n])
            at += len(own[n])
    if indexing is not None:
        indexing.widen()  # the workers are done
    return pages


def _wrote_all(done: list[PageResult], shard: search.Part) -> bool:
    """Whether `done` wrote every page of `shard` to the staging folder (a warm build renders only some)."""
    return len(done) == len(shard.pages) and all(data is None for _, _, data in done)


@dataclass(frozen=True, slots=True)
class PageWriter:
    """Renders a page in a worker; with `staged`, writes it there if its bytes changed, else returns them."""

    renderer: Renderer
    previous: Mapping[str, tuple[str, str]]  # path -> (fingerprint, sha256) of the previous output
    staged: Path | None

    def __call__(self, spec: PageSpec) -> PageResult:
        data = self.renderer.render(spec)
        sha = _sha(data)
        if self.staged is None or sha == _old_sha(self.previous, spec.path):
            return spec.path, sha, data
        write_file(self.staged, spec.path, data)
        return spec.path, sha, None


def _quietly(step: Callable[..., object], *args: object) -> None:
    """A step of saving the cache: a cache that cannot be saved only makes the next build slower."""
    with contextlib.suppress(OSError):
        step(*args)


def _old_sha(outputs: Mapping[str, tuple[str, str]], path: str) -> str:
    return outputs.get(path, ("", ""))[1]


def check_folders(options: Options) -> None:
    """Refuse an output folder that would overwrite the content or the project itself."""
    content, out = options.content.resolve(), options.out.resolve()
    if not options.content.is_dir():
        raise BuildError(f"content folder {options.content} not found; pass --content DIR")
    if out == content or out.is_relative_to(content) or content.is_relative_to(out):
        raise BuildError(f"--out {options.out} overlaps the content folder {options.content}; choose another")
    if out in (Path.cwd().resolve(), PROJECT, Path("/")) or out == options.templates.resolve():
        raise BuildError(f"--out {options.out} would replace a whole project folder; choose e.g. site/")


def read_assets(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {f"assets/{p.relative_to(folder).as_posix()}": p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(LITTER.match(part) for part in p.relative_to(folder).parts)}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

