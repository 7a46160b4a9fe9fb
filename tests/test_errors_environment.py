"""The build against a hostile environment: no permission, a full disk, Ctrl-C, SIGTERM and kill -9 mid-build,
an --out that overlaps content/, a missing or failing Pagefind, two builds at once. Each ends in one clear
line and exit 1 (or a clean interruption), the previous site untouched, and a rebuild that works."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from broadsheet.build import PROJECT, Options, build
from broadsheet.errors import BuildError
from broadsheet.write import build_lock

from .conftest import make_site, many_entries

# Pagefind serialises its filter index from a hash map whose order is random per run (upstream issue #638:
# fragments are stable since 1.3, "filter/metadata indexes" are not), so these files differ between two
# builds of the same site. Everything else must be identical.


def cli(cwd: Path, *args: str, env: dict[str, str] | None = None,
        preexec: Callable[[], None] | None = None, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, sys.executable, str(PROJECT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})}, preexec_fn=preexec, check=False)


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    return {rel: data for rel, data in files.items() if not rel.startswith(skip)}


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A content folder and a first good build of it in tmp_path/site, as a snapshot."""
    make_site(tmp_path)
    result = cli(tmp_path, "build", "--content", "content", "--out", "site", "--no-search")
    assert result.returncode == 0, result.stderr
    return tmp_path, tree(tmp_path / "site")


def edit_an_entry(root: Path) -> None:
    path = root / "content" / "entries" / "cloud-shop.md"
    path.write_text(path.read_text().replace("Cloud comes to the corner shop", "The corner shop rents a server"))


# --- the file system ---------------------------------------------------------------------------------------

def without_write_permission() -> tuple[str, ...]:
    """A command prefix under which the build cannot write to a read-only folder, even as root."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot take away write permission")
    return (setpriv, "--bounding-set=-dac_override,-dac_read_search")


def test_a_read_only_output_parent(tmp_path: Path) -> None:
    make_site(tmp_path)
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o555)
    try:
        result = cli(tmp_path, "build", "--content", "content", "--out", "ro/site", "--no-search",
                     prefix=without_write_permission())
    finally:
        (tmp_path / "ro").chmod(0o755)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("error: ro/.site.lock: cannot write the site: Permission denied "
                             "(choose an --out folder you can write to; ro/site is as it was)\n")
    assert os.listdir(tmp_path / "ro") == []


def test_a_read_only_parent_with_a_site_in_it(built: tuple[Path, dict[str, bytes]]) -> None:
    root, before = built
    edit_an_entry(root)
    root.chmod(0o555)
    try:
        result = cli(root, "build", "--content", "content", "--out", "site", "--no-search",
                     prefix=without_write_permission())
    finally:
        root.chmod(0o755)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("error: .site.staging: cannot write the site: Permission denied "
                             "(choose an --out folder you can write to; site is as it was)\n")
    assert tree(root / "site") == before


def test_a_full_disk(built: tuple[Path, dict[str, bytes]]) -> None:
    root, before = built
    edit_an_entry(root)

    def small_disk() -> None:  # writes past 4 KiB fail with EFBIG, as they would with ENOSPC
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    result = cli(root, "build", "--content", "content", "--out", "site", "--no-search", "--no-cache",
                 preexec=small_disk)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("error: site: cannot write the site: File too large "
                             "(free some disk space and build again)\n")
    assert tree(root / "site") == before
    assert not (root / ".site.staging").exists()
    assert cli(root, "build", "--content", "content", "--out", "site", "--no-search").returncode == 0


def test_out_equal_to_or_inside_content_is_refused(built: tuple[Path, dict[str, bytes]]) -> None:
    root, _ = built
    for out in ("content", "content/entries/site", "content/../content/site", "."):
        result = cli(root, "build", "--content", "content", "--out", out, "--no-search")
        assert (result.returncode, result.stdout) == (1, ""), out
        assert result.stderr == f"error: --out {out} overlaps the content folder content; choose another\n"
    assert sorted(os.listdir(root / "content")) == ["entries", "organizations.yaml", "people.yaml", "site.yaml",
                                                   "topics.yaml"]


# --- Pagefind ----------------------------------------------------------------------------------------------

def test_pagefind_missing(built: tuple[Path, dict[str, bytes]]) -> None:
    root, before = built
    edit_an_entry(root)
    result = cli(root, "build", "--content", "content", "--out", "site", env={"BROADSHEET_PAGEFIND": "/nonexistent"})
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("error: search indexing could not run /nonexistent: [Errno 2] No such file or "
                             "directory: '/nonexistent'; build with --no-search to skip it\n")
    assert tree(root / "site") == before


@pytest.mark.parametrize("stream", ["stderr", "stdout"])
def test_pagefind_failing(built: tuple[Path, dict[str, bytes]], stream: str) -> None:
    root, before = built
    edit_an_entry(root)
    script = root / "pagefind.sh"
    redirect = " >&2" if stream == "stderr" else ""
    script.write_text(f"#!/bin/sh\necho 'Indexing'\necho 'Error: could not write the index'{redirect}\nexit 1\n")
    script.chmod(0o755)
    result = cli(root, "build", "--content", "content", "--out", "site", env={"BROADSHEET_PAGEFIND": str(script)})
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "error: search indexing failed: Error: could not write the index\n"
    assert tree(root / "site") == before
    assert not (root / ".site.staging").exists()  # the half-built site is not left beside the old one


# --- two builds at once ---------------------------------------------------------------------------------------

def test_a_second_build_is_refused_while_one_runs(built: tuple[Path, dict[str, bytes]]) -> None:
    root, before = built
    with build_lock(root / "site"):
        with pytest.raises(BuildError) as caught:
            build(Options(content=root / "content", out=root / "site", search=False))
        result = cli(root, "build", "--content", "content", "--out", "site", "--no-search")
    assert str(caught.value) == f"another build is writing {root / 'site'}; wait for it to finish"
    assert (result.returncode, result.stderr) == (1, "error: another build is writing site; wait for it to finish\n")
    assert tree(root / "site") == before
    assert cli(root, "build", "--content", "content", "--out", "site", "--no-search").returncode == 0


# --- interruptions ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with content/ holding 500 generated entries."""
    root = tmp_path_factory.mktemp("corpus")
    make_site(root, many_entries(500))
    return root


# Run as the build: every page a forked worker renders first leaves a `worker-<pid>` file in the gate
# folder (argv[1]), then waits to be stopped, so a signal is sure to find the workers rendering.
_HELD_WORKERS = """
import os, sys, time
from pathlib import Path
from broadsheet import build
from broadsheet.cli import main

gate, parent, render = Path(sys.argv[1]), os.getpid(), build.PageWriter.__call__

def held(self, spec):
    if os.getpid() != parent:
        (gate / f"worker-{os.getpid()}").touch()
        time.sleep(3600)
    return render(self, spec)

build.PageWriter.__call__ = held
sys.exit(main(sys.argv[2:]))
"""
# Stands in for Pagefind: says it started, then waits to be stopped. It starts once the entry pages are
# all written to the staging folder, and the build cannot finish before it does.
_HELD_PAGEFIND = "#!/bin/sh\ntouch {gate}/pagefind-started\nexec sleep 3600\n"


def interrupt(root: Path, signum: int, when: str, whole_group: bool = False) -> subprocess.CompletedProcess[str]:
    """Start a build of root/content into root/site, wait until it is held at the moment `when` names,
    "workers" (forked workers are rendering pages) or "staging" (the new site is being written beside
    the old and indexed), and send `signum` then. The test fails if that moment never comes."""
    gate = root / "gate"
    shutil.rmtree(gate, ignore_errors=True)
    gate.mkdir()
    pagefind = gate / "pagefind"
    pagefind.write_text(_HELD_PAGEFIND.format(gate=gate))
    pagefind.chmod(0o755)
    build_args = ["build", "--content", "content", "--out", "site", "--no-cache"]
    command = ([sys.executable, "-c", _HELD_WORKERS, str(gate), *build_args] if when == "workers" else
               [sys.executable, str(PROJECT / "build.py"), *build_args])
    process = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, env={**os.environ, "BROADSHEET_PAGEFIND": str(pagefind)})
    try:
        marker = "worker-*" if when == "workers" else "pagefind-started"
        deadline = time.monotonic() + 120
        while not list(gate.glob(marker)):
            assert process.poll() is None, f"the build ended before the {when} moment: {process.stderr.read()}"
            assert time.monotonic() < deadline, f"the build never reached the {when} moment"
            time.sleep(0.01)
        if when == "staging":
            assert (root / ".site.staging" / "entries").is_dir()
        if whole_group:
            os.killpg(process.pid, signum)  # as a terminal's Ctrl-C does
        else:
            os.kill(process.pid, signum)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("the build hung after the signal")
    finally:
        with contextlib.suppress(ProcessLookupError):  # what a kill -9 leaves: held workers, a held Pagefind
            os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def old_and_new(root: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Build root/site, then edit an entry and build the edited content cleanly elsewhere: the site an
    interrupted build must leave (old) and the one a rebuild must produce (new)."""
    for folder in ("site", "reference"):
        shutil.rmtree(root / folder, ignore_errors=True)
    assert cli(root, "build", "--content", "content", "--out", "site").returncode == 0
    old = tree(root / "site")
    edit = root / "content" / "entries" / sorted(os.listdir(root / "content" / "entries"))[0]
    edit.write_text(edit.read_text().replace("title: ", "title: Edited ", 1))
    assert cli(root, "build", "--content", "content", "--out", "reference/site", "--no-cache").returncode == 0
    return old, tree(root / "reference" / "site")


def check_after(root: Path, old: dict[str, bytes], new: dict[str, bytes]) -> None:
    """The interrupted build left the old site; a rebuild then equals a clean build."""
    assert tree(root / "site") == old
    rebuilt = cli(root, "build", "--content", "content", "--out", "site")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert tree(root / "site") == new
    assert not (root / ".site.staging").exists()


def restore(root: Path) -> None:
    for path in (root / "content" / "entries").glob("*.md"):
        text = path.read_text()
        if "title: Edited " in text:
            path.write_text(text.replace("title: Edited ", "title: ", 1))


@pytest.mark.parametrize("when", ["staging", "workers"])
def test_kill_9_mid_build_then_rebuild_equals_a_clean_build(corpus: Path, when: str) -> None:
    try:
        old, new = old_and_new(corpus)
        result = interrupt(corpus, signal.SIGKILL, when)
        assert result.returncode == -signal.SIGKILL
        check_after(corpus, old, new)
    finally:
        restore(corpus)


@pytest.mark.parametrize("when", ["staging", "workers"])
def test_sigterm_mid_build_leaves_the_old_site(corpus: Path, when: str) -> None:
    try:
        old, new = old_and_new(corpus)
        result = interrupt(corpus, signal.SIGTERM, when)
        assert (result.returncode, result.stderr) == (143, "terminated; the previous site is untouched\n")
        assert not (corpus / ".site.staging").exists()  # removed on the way out, not left for the next build
        check_after(corpus, old, new)
    finally:
        restore(corpus)


@pytest.mark.parametrize("when", ["staging", "workers"])
def test_ctrl_c_mid_build_is_a_clean_stop(corpus: Path, when: str) -> None:
    try:
        old, new = old_and_new(corpus)
        result = interrupt(corpus, signal.SIGINT, when, whole_group=True)
        assert (result.returncode, result.stderr) == (130, "interrupted; the previous site is untouched\n")
        assert not (corpus / ".site.staging").exists()
        check_after(corpus, old, new)
    finally:
        restore(corpus)
