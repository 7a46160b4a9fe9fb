"""write: paths stay inside the output, staging links unchanged files, the swap replaces the site whole."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from broadsheet.build import Options, build
from broadsheet.errors import BuildError
from broadsheet.write import beside, build_lock, safe_path, stage, swap, write_in_place

from .conftest import ENTRY, make_site

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/etc/passwd", "", "a\\..\\b", "."])
def test_paths_that_could_leave_the_output_are_refused(tmp_path: Path, rel: str) -> None:
    with pytest.raises(BuildError) as caught:
        safe_path(tmp_path, rel)
    assert str(caught.value) == f"refusing to write `{rel}`: it would land outside the output folder"


def test_stage_links_kept_files_and_writes_changed_ones(tmp_path: Path) -> None:
    out, staged = tmp_path / "site", tmp_path / "staged"
    (out / "a").mkdir(parents=True)
    (out / "a/keep.html").write_text("old")
    (out / "gone.html").write_text("old")
    stage(out, staged, {"b/new.html": b"new"}, ["a/keep.html"])
    assert (staged / "a/keep.html").stat().st_ino == (out / "a/keep.html").stat().st_ino
    assert (staged / "b/new.html").read_bytes() == b"new"
    assert not (staged / "gone.html").exists()
    swap(out, staged)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["a/keep.html",
                                                                                             "b/new.html"]
    assert not staged.exists()


def test_write_in_place_replaces_and_removes(tmp_path: Path) -> None:
    (tmp_path / "old.html").write_text("x")
    write_in_place(tmp_path, {"new/index.html": b"y"}, ["old.html"])
    assert (tmp_path / "new/index.html").read_bytes() == b"y"
    assert not (tmp_path / "old.html").exists()
    assert not list(tmp_path.rglob(".*.tmp"))


def test_a_second_build_of_the_same_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with build_lock(out), pytest.raises(BuildError) as caught, build_lock(out):
        pass
    assert str(caught.value) == f"another build is writing {out}; wait for it to finish"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=repo,
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("out_name", ["site", "public"])
def test_a_build_leaves_nothing_for_git_to_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                out_name: str) -> None:
    """In a digest kept in git with the project's .gitignore, `git status` stays empty after builds:
    the working files beside the output folder, seen while Pagefind runs, are all ignored."""
    repo = tmp_path / "repo"
    content = make_site(repo)
    shutil.copy(ROOT / ".gitignore", repo / ".gitignore")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "content")
    seen = tmp_path / "seen"  # what lies beside the output folder while Pagefind indexes
    fake = tmp_path / "fake-pagefind"
    fake.write_text(f"""#!/bin/sh
while [ "$1" != --output-path ]; do shift; done
ls -Ap "$(dirname "$(dirname "$2")")" >> {seen}
mkdir -p "$2" && echo > "$2/pagefind.js"
""")
    fake.chmod(0o755)
    monkeypatch.setenv("BROADSHEET_PAGEFIND", str(fake))
    out = repo / out_name
    build(Options(content=content, out=out))
    (content / "entries/cloud-shop.md").write_text(ENTRY.replace("The third paragraph", "The last paragraph"))
    git(repo, "commit", "-qam", "an edit")
    build(Options(content=content, out=out))  # a rebuild swaps the new site for the old one

    working = set(seen.read_text().split()) - {".gitignore", ".git/", "content/", f"{out_name}/"}
    assert {".broadsheet-cache/", beside(out, "lock").name, beside(out, "staging").name + "/"} <= working
    assert any(name.startswith(".pagefind-") for name in working)
    # Those that exist only for an instant (the swap) or under `serve` (a search index being rebuilt).
    working |= {beside(out, "old").name + "/", beside(out, "search-x1y2").name + "/"}
    ignored = set(git(repo, "check-ignore", "--no-index", *sorted(working)).split())
    assert ignored == working
    status = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    # The output folder itself is the user's to ignore or not: `site/` is ignored, another name is not.
    assert [line for line in status if not line.startswith(f"?? {out_name}/")] == []
    assert (status == []) == (out_name == "site")
