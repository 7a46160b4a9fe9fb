"""Pages' bytes, by path from the site's root -> files on disk, never half-written.

Input: the output folder, and the bytes of the files that changed (`write_file` for one, `stage` and
`write_in_place` for many) or the paths of those kept. Output: files; a BuildError naming the file
when the disk refuses. A build stages the new site in a sibling folder: the forked workers that
render pages write them there with `write_file`, then `stage` adds the rest (unchanged files as hard
links to the current site, so staging costs little); Pagefind indexes it there; `swap` puts it in
place. `serve` writes changed files in place instead, each through its own rename, because the
server is reading the folder. `build_lock` keeps a second build out, and `beside` names the working
files kept next to the output folder.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath

from . import libc
from .errors import BuildError, ContentError


def safe_path(root: Path, rel: str) -> Path:
    """`root/rel`, refusing any `rel` that could land outside `root`."""
    parts = PurePosixPath(rel).parts
    unsafe = PurePosixPath(rel).is_absolute() or any(p in ("..", ".", "") for p in parts) or "\\" in rel
    if not parts or unsafe:
        raise BuildError(f"refusing to write `{rel}`: it would land outside the output folder")
    return root.joinpath(*parts)


def beside(out: Path, purpose: str) -> Path:
    """A working file or folder of the builds of `out`, kept beside it rather than in it, and named
    after it: `.site.lock`, `.site.staging`, `.site.old`, `.site.search-…` (see .gitignore)."""
    return out.parent / f".{out.name}.{purpose}"


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """One build per output folder at a time; a second one is refused rather than queued."""
    lock_path = beside(out, "lock")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a")  # noqa: SIM115 - closed below, after the build it guards
    except OSError as exc:
        raise write_error(exc, out) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build is writing {out}; wait for it to finish") from None
        yield


def write_error(exc: OSError, out: Path) -> BuildError:
    """A file system failure (no permission, disk full) as one line a person can act on."""
    where = exc.filename or out
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        hint = "free some disk space and build again"
    else:
        hint = f"choose an --out folder you can write to; {out} is as it was"
    return BuildError([ContentError(str(where), 0, "", f"cannot write the site: {exc.strerror or exc}", hint)])


def staging_dir(out: Path) -> Path:
    staged = beside(out, "staging")
    if staged.exists():  # left by a killed build: never trusted, always rebuilt
        shutil.rmtree(staged)
    return staged


def stage(out: Path, staged: Path, changed: Mapping[str, bytes], keep: Iterable[str]) -> None:
    """Fill `staged` with the new site: `keep` linked from `out`, `changed` written fresh.

    On a write failure (disk full, no permission) the half-filled folder is removed and BuildError raised.
    """
    try:
        _fill(out, staged, changed, keep)
    except OSError as exc:
        shutil.rmtree(staged, ignore_errors=True)
        raise write_error(exc, out) from None


def _fill(out: Path, staged: Path, changed: Mapping[str, bytes], keep: Iterable[str]) -> None:
    made: set[Path] = set()
    for rel in sorted(keep):
        target = safe_path(staged, rel)
        _mkdir(target.parent, made)
        try:
            os.link(safe_path(out, rel), target)
        except OSError:  # another file system, or links unsupported: copy instead
            shutil.copy2(safe_path(out, rel), target)
    for rel, data in sorted(changed.items()):
        target = safe_path(staged, rel)
        _mkdir(target.parent, made)
        target.write_bytes(data)


def write_file(root: Path, rel: str, data: bytes) -> None:
    """Write root/rel, making its folders; safe to call from several processes at once."""
    target = safe_path(root, rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def link_tree(src: Path, dst: Path, leave_out: Callable[[str], bool] | None = None) -> None:
    """Hard-link a whole directory tree, without the top-level entries whose name `leave_out` picks,
    into `dst`, which may exist already (a search index's other parts written there)."""
    def ignore(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if leave_out(n)] if leave_out and Path(folder) == src else []

    shutil.copytree(src, dst, copy_function=link_or_copy, ignore=ignore, dirs_exist_ok=True)


def link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or no hard links: a copy is slower but the same
        shutil.copy2(src, dst)


def _mkdir(folder: Path, made: set[Path]) -> None:
    if folder not in made:
        folder.mkdir(parents=True, exist_ok=True)
        made.add(folder)


def swap(out: Path, staged: Path) -> None:
    """Put `staged` where `out` was in one step, then remove the old site."""
    if out.exists() and _exchange(staged, out):
        shutil.rmtree(staged)
        return
    old = beside(out, "old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    staged.rename(out)
    if old.exists():
        shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two directories with renameat2(RENAME_EXCHANGE); False where unsupported."""
    renameat2 = libc.function("renameat2")
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def write_in_place(out: Path, changed: Mapping[str, bytes], removed: Iterable[str]) -> None:
    """Replace each changed file by rename, so a reader never sees half a file."""
    made: set[Path] = set()
    for rel, data in sorted(changed.items()):
        target = safe_path(out, rel)
        _mkdir(target.parent, made)
        temp = target.with_name(f".{target.name}.tmp")
        temp.write_bytes(data)
        os.replace(temp, target)
    for rel in removed:
        with contextlib.suppress(FileNotFoundError):
            safe_path(out, rel).unlink()
